-- movement_by_account (year, account_id, decided_on) shares only its first two columns with movement_sums (year,
-- account_id, kind, decided_on, amount_ore, migration 0005); it is not a prefix of it. It is dropped because no query
-- seeks on decided_on without kind: an account's movements are read by (year, account_id) and ordered by movement_id,
-- which movement_sums' first two columns serve as well, and the facts' sums are covered by movement_sums. Each movement
-- written paid for both indexes (~a quarter of inserting an import's movements).
DROP INDEX IF EXISTS movement_by_account;
