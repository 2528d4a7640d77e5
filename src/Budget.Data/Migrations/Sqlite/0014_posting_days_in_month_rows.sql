-- The per-day sums move into the month rows, as on PostgreSQL since its migration 0013 (decisions 0029 and 0032):
-- posting_month gets the days of its month that have postings as JSON text, [[day, øre, postings], …] in day order
-- ([] for a month without postings) and the sum of their |øre| (day_magnitude_ore: the year ceiling sums 12 rows per
-- account instead of parsing every day), and posting_day becomes a view over them with the columns and rows it had. A
-- table row per (account, day) was the largest single cost of an import: 188.000 B-tree entries for a 200.000-posting
-- year, where a year now has at most 12 rows per account. A month row exists for every month from an account's first
-- posting month through December (decision 0007), so every day with postings has its row. SQLite cannot add a NOT
-- NULL column without a default: the table is rebuilt with the same columns, check and key, plus the two.
CREATE TABLE posting_month_with_days (
    year            INTEGER NOT NULL,
    month           INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    account_id      TEXT NOT NULL,
    cumulative_ore  INTEGER NOT NULL,
    days            TEXT NOT NULL,
    day_magnitude_ore INTEGER NOT NULL,
    PRIMARY KEY (year, month, account_id)
) STRICT, WITHOUT ROWID;

-- Nothing may be lost: a database changed by hand so that a day with postings has no month row stops here, before
-- anything is dropped (SQLite has no RAISE outside triggers: a failed check carries the message).
CREATE TEMP TABLE migration_0014_check (
    days_without_month_row INTEGER NOT NULL
        CONSTRAINT "posting_day has postings without a posting_month row: restore the month rows (cumulative from the account's first posting month through December) before this migration"
        CHECK (days_without_month_row = 0)
);
INSERT INTO migration_0014_check (days_without_month_row)
SELECT COUNT(*) FROM posting_day p
WHERE NOT EXISTS (SELECT 1 FROM posting_month m
                  WHERE m.year = p.year AND m.month = CAST(substr(p.posted_on, 6, 2) AS INTEGER) AND m.account_id = p.account_id);
DROP TABLE migration_0014_check;

-- A month's |øre| is capped as the store caps it (a year stored before the ceiling existed reads as full): taken in
-- whole 10^9 øre and the rest, each far from overflowing, as SqliteDialect.Magnitude takes the year's (SUM raises on
-- overflow, and SQLite computes every aggregate of a select, also in a CASE branch not taken).
INSERT INTO posting_month_with_days (year, month, account_id, cumulative_ore, days, day_magnitude_ore)
SELECT m.year, m.month, m.account_id, m.cumulative_ore,
       (SELECT json_group_array(json_array(CAST(substr(p.posted_on, 9, 2) AS INTEGER), p.amount_ore, p.posting_count) ORDER BY p.posted_on)
        FROM posting_day p
        WHERE p.year = m.year AND p.account_id = m.account_id
          AND p.posted_on BETWEEN printf('%04d-%02d-01', m.year, m.month) AND printf('%04d-%02d-31', m.year, m.month)),
       (SELECT CASE WHEN high >= 9000000000 THEN 9000000000000000000 ELSE MIN(high * 1000000000 + low, 9000000000000000000) END
        FROM (SELECT COALESCE(SUM(ABS(p.amount_ore) / 1000000000), 0) AS high, COALESCE(SUM(ABS(p.amount_ore) % 1000000000), 0) AS low
              FROM posting_day p
              WHERE p.year = m.year AND p.account_id = m.account_id
                AND p.posted_on BETWEEN printf('%04d-%02d-01', m.year, m.month) AND printf('%04d-%02d-31', m.year, m.month)))
FROM posting_month m;

DROP TABLE posting_day;
DROP TABLE posting_month;
ALTER TABLE posting_month_with_days RENAME TO posting_month;

-- The days with postings, as the table held them: what reads one account's days by hand reads here. The store reads
-- a month's days from its row (SqliteDialect.DaysConsumption). json_extract rather than ->>, which a sqlite3 shell
-- older than 3.38 could not parse (and with it the whole schema).
CREATE VIEW posting_day (year, account_id, posted_on, amount_ore, posting_count) AS
SELECT m.year, m.account_id, printf('%04d-%02d-%02d', m.year, m.month, json_extract(d.value, '$[0]')),
       json_extract(d.value, '$[1]'), json_extract(d.value, '$[2]')
FROM posting_month m, json_each(m.days) AS d;
