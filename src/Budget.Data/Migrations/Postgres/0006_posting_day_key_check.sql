-- posting_day is a derived sum written only by the postings merge, which writes posting_month rows for every account
-- it touches in the same transaction; posting_month's foreign key therefore already refuses a posting on an unknown
-- account (and accounts are never deleted). PostgreSQL checks a foreign key with one lookup per inserted row: for
-- posting_day that was a third of a large import's merge (2,6 s of 8 s for 1.000.000 postings), for posting_month a
-- few hundred milliseconds. SQLite keeps the key on both: its check is cheap. (decision 0006)
ALTER TABLE posting_day DROP CONSTRAINT posting_day_year_account_id_fkey;
