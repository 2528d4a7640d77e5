-- posting_month loses its foreign key on account, as on PostgreSQL (its migration 0012, decision 0027): the postings
-- write checks the accounts it touches once, in its own transaction (SqlDialect.WritePostingDays), instead of a
-- lookup per month row. Accounts are never deleted. SQLite cannot drop a constraint: the table is rebuilt with the
-- same columns, check and key.
CREATE TABLE posting_month_unkeyed (
    year            INTEGER NOT NULL,
    month           INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    account_id      TEXT NOT NULL,
    cumulative_ore  INTEGER NOT NULL,
    PRIMARY KEY (year, month, account_id)
) STRICT, WITHOUT ROWID;
INSERT INTO posting_month_unkeyed (year, month, account_id, cumulative_ore)
SELECT year, month, account_id, cumulative_ore FROM posting_month;
DROP TABLE posting_month;
ALTER TABLE posting_month_unkeyed RENAME TO posting_month;
