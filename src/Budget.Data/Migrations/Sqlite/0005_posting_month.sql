-- Consumption through the end of each month, cumulative from 1 January, per account: the follow-up as of a month's
-- end reads one row per account instead of summing every day since New Year, so its cost does not grow with the
-- number of postings (docs/performance.md). Maintained with posting_day in the same transaction; a row exists for
-- every month from an account's first posting month through December.
CREATE TABLE posting_month (
    year            INTEGER NOT NULL,
    month           INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    account_id      TEXT NOT NULL,
    cumulative_ore  INTEGER NOT NULL,
    PRIMARY KEY (year, month, account_id),
    FOREIGN KEY (year, account_id) REFERENCES account (year, account_id)
) STRICT, WITHOUT ROWID;

WITH RECURSIVE months(month) AS (SELECT 1 UNION ALL SELECT month + 1 FROM months WHERE month < 12),
     by_month AS (
         SELECT year, account_id, CAST(substr(posted_on, 6, 2) AS INTEGER) AS month, SUM(amount_ore) AS amount_ore
         FROM posting_day GROUP BY year, account_id, CAST(substr(posted_on, 6, 2) AS INTEGER))
INSERT INTO posting_month (year, month, account_id, cumulative_ore)
SELECT b.year, m.month, b.account_id, SUM(b.amount_ore)
FROM by_month b JOIN months m ON m.month >= b.month
GROUP BY b.year, m.month, b.account_id;

-- The follow-up sums movements per account and kind up to a date: with this covering index in that order it reads
-- the index alone and needs no sort for the grouping.
CREATE INDEX movement_sums ON movement (year, account_id, kind, decided_on, amount_ore);
