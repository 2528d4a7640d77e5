-- The audit entry's acting user was the column "user" on SQLite and "user_name" on PostgreSQL (where USER is a
-- reserved word). One name on both providers, so that one SQL text can serve both stores (issue 14).
ALTER TABLE audit_entry RENAME COLUMN user TO user_name;
