-- estimate_version is append-only (an account's estimate history), but 0001 refused only UPDATE on SQLite while
-- PostgreSQL refused UPDATE and DELETE from the start. Close the gap: no code path deletes versions (issue 14).
CREATE TRIGGER estimate_version_is_append_only_delete BEFORE DELETE ON estimate_version
BEGIN SELECT RAISE(ABORT, 'estimate versions are append-only'); END;
