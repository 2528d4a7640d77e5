-- movement_by_account (year, account_id, decided_on) is a prefix of movement_sums (year, account_id, kind, decided_on,
-- amount_ore, migration 0005): every query that used it (an account's movements, ordered by movement_id) is served by
-- movement_sums, and each movement written paid for both. As SQLite's migration 0013.
DROP INDEX movement_by_account;
