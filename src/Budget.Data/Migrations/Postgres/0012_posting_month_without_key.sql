-- posting_month loses its foreign key on account (decision 0027), as posting_day did in migration 0006: PostgreSQL
-- checked it with a lookup that locked the account row for every month row inserted, 12 per account (0,27 s of the
-- 0,4 s that a 2M-posting import's 60.000 month rows took). The postings write now checks the accounts it touches
-- once, in its own transaction, locking them FOR KEY SHARE as the key did (SqlDialect.WritePostingDays).
ALTER TABLE posting_month DROP CONSTRAINT IF EXISTS posting_month_year_account_id_fkey;
