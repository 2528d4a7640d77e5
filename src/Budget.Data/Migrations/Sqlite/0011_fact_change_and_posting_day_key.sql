-- The change log of per-account facts (decision 0020): every write transaction that changes what a follow-up reads
-- about an account (the account, its movements, postings or estimates) adds a row per account it touched, or one
-- row without an account for "every account of the year" (an import). A report that kept facts as of version V
-- recomputes only the accounts logged after V. Versions are the rowid: writers are serialised, so they are given in
-- commit order without gaps; the writers keep the last 10.000 versions.
CREATE TABLE fact_change (
    version     INTEGER PRIMARY KEY,
    year        INTEGER NOT NULL,
    account_id  TEXT
) STRICT;

-- posting_day loses its foreign key on account, as on PostgreSQL since its migration 0006: it is a derived sum
-- written only by the postings write, which writes posting_month (keeping its key) for every account it touches in
-- the same transaction, so posting_month's key already refuses a posting on an unknown account (and accounts are
-- never deleted). The per-row check was half of SQLite's cost of writing a large import's day sums (decision 0019).
-- SQLite cannot drop a constraint: the table is rebuilt with the same columns and key.
CREATE TABLE posting_day_keyed (
    year           INTEGER NOT NULL,
    account_id     TEXT NOT NULL,
    posted_on      TEXT NOT NULL,
    amount_ore     INTEGER NOT NULL,
    posting_count  INTEGER NOT NULL,
    PRIMARY KEY (year, account_id, posted_on)
) STRICT, WITHOUT ROWID;
INSERT INTO posting_day_keyed (year, account_id, posted_on, amount_ore, posting_count)
SELECT year, account_id, posted_on, amount_ore, posting_count FROM posting_day;
DROP TABLE posting_day;
ALTER TABLE posting_day_keyed RENAME TO posting_day;
