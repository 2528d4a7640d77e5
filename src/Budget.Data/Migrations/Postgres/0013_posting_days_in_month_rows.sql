-- The per-day sums move into the month rows (decision 0029): posting_month gets each day of its month as two arrays,
-- the day's sum in øre and its number of postings (index 1 = the 1st, one element per day of the month, 0 where
-- nothing was posted), and posting_day becomes a view over them with the columns and rows it had. On PostgreSQL a
-- table row per (account, day) cost an index entry each: a 2M-posting import wrote 1,15M of them, two thirds of its
-- COPY in btree inserts; a year now has at most 12 rows per account. Every posting_month row has its arrays: a row
-- exists for every month from an account's first posting month through December, and a day with postings lies in
-- one of those months. SQLite keeps its posting_day table (MigrationParityTests lists the difference).
ALTER TABLE posting_month ADD COLUMN day_ore bigint[], ADD COLUMN day_count bigint[];

UPDATE posting_month m
SET day_ore = d.day_ore, day_count = d.day_count
FROM (
    SELECT pm.year, pm.month, pm.account_id,
           array_agg(COALESCE(p.amount_ore, 0) ORDER BY g.day) AS day_ore,
           array_agg(COALESCE(p.posting_count, 0) ORDER BY g.day) AS day_count
    FROM posting_month pm
    CROSS JOIN LATERAL generate_series(1, (make_date(pm.year::integer, pm.month, 1) + interval '1 month')::date - make_date(pm.year::integer, pm.month, 1)) AS g(day)
    LEFT JOIN posting_day p ON p.year = pm.year AND p.account_id = pm.account_id AND p.posted_on = make_date(pm.year::integer, pm.month, g.day)
    GROUP BY pm.year, pm.month, pm.account_id
) d
WHERE m.year = d.year AND m.month = d.month AND m.account_id = d.account_id;

ALTER TABLE posting_month
    ALTER COLUMN day_ore SET NOT NULL,
    ALTER COLUMN day_count SET NOT NULL,
    ADD CONSTRAINT posting_month_days_of_the_month CHECK (
        array_ndims(day_ore) = 1 AND array_lower(day_ore, 1) = 1 AND array_ndims(day_count) = 1 AND array_lower(day_count, 1) = 1
        AND cardinality(day_ore) = (make_date(year::integer, month, 1) + interval '1 month')::date - make_date(year::integer, month, 1)
        AND cardinality(day_count) = cardinality(day_ore));

-- Nothing may be lost: every day with postings lies in a month row (the store writes both together). A database
-- changed by hand so that one does not stops here, before posting_day is dropped, naming the first such day.
DO $$
DECLARE
    orphan record;
BEGIN
    SELECT p.year, p.account_id, p.posted_on INTO orphan
    FROM posting_day p
    WHERE NOT EXISTS (SELECT 1 FROM posting_month m
                      WHERE m.year = p.year AND m.account_id = p.account_id AND m.month = EXTRACT(MONTH FROM p.posted_on)::integer)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'posting_day has postings on account % on % (year %) without a posting_month row: restore the month rows (cumulative from the account''s first posting month through December) before this migration',
            orphan.account_id, orphan.posted_on, orphan.year;
    END IF;
END $$;

-- No query selects by the days' values: statistics on them are not gathered (ANALYZE after an import spent more on
-- their element frequencies than the COPY took to write them).
ALTER TABLE posting_month ALTER COLUMN day_ore SET STATISTICS 0, ALTER COLUMN day_count SET STATISTICS 0;

DROP TABLE posting_day;

-- The days with postings, as the table held them: what reads one account's days (the account card) reads here.
CREATE VIEW posting_day AS
SELECT m.year, m.account_id, make_date(m.year::integer, m.month, d.day::integer) AS posted_on, d.amount_ore, d.posting_count
FROM posting_month m
CROSS JOIN LATERAL unnest(m.day_ore, m.day_count) WITH ORDINALITY AS d(amount_ore, posting_count, day)
WHERE d.posting_count > 0;
