-- Consumption through the end of each month, cumulative from 1 January, per account: the follow-up as of a month's
-- end reads one row per account instead of summing every day since New Year, so its cost does not grow with the
-- number of postings (docs/performance.md). Maintained with posting_day in the same transaction; a row exists for
-- every month from an account's first posting month through December.
CREATE TABLE posting_month (
    year            bigint NOT NULL,
    month           integer NOT NULL CHECK (month BETWEEN 1 AND 12),
    account_id      text NOT NULL,
    cumulative_ore  bigint NOT NULL,
    PRIMARY KEY (year, month, account_id),
    FOREIGN KEY (year, account_id) REFERENCES account (year, account_id)
);

INSERT INTO posting_month (year, month, account_id, cumulative_ore)
SELECT b.year, m.month, b.account_id, SUM(b.amount_ore)
FROM (SELECT year, account_id, EXTRACT(MONTH FROM posted_on)::integer AS month, SUM(amount_ore) AS amount_ore
      FROM posting_day GROUP BY year, account_id, EXTRACT(MONTH FROM posted_on)) b
JOIN generate_series(1, 12) AS m(month) ON m.month >= b.month
GROUP BY b.year, m.month, b.account_id;

-- The follow-up sums movements per account and kind up to a date: with this covering index in that order it reads
-- the index alone and needs no sort for the grouping.
CREATE INDEX movement_sums ON movement (year, account_id, kind, decided_on, amount_ore);
