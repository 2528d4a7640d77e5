-- Users with hashed API keys, the state of each estimate round, committee recommendations and the audit trail.

CREATE TABLE app_user (
    user_id      INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    roles        TEXT NOT NULL,          -- space-separated role codes
    committees   TEXT,                   -- newline-separated committee names the user is limited to; NULL = all
    key_hash     TEXT NOT NULL UNIQUE,   -- SHA-256 of the API key, hex; the key itself is never stored
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
) STRICT;

CREATE TABLE round_state (
    year        INTEGER NOT NULL REFERENCES budget_year (year),
    round       INTEGER NOT NULL CHECK (round BETWEEN 1 AND 3),
    state       TEXT NOT NULL CHECK (state IN ('open', 'submitted', 'recommended', 'approved')),
    changed_at  TEXT NOT NULL,
    PRIMARY KEY (year, round)
) STRICT;

CREATE TABLE committee_recommendation (
    year            INTEGER NOT NULL,
    round           INTEGER NOT NULL,
    committee       TEXT NOT NULL,
    recommended_by  TEXT NOT NULL,
    recommended_at  TEXT NOT NULL,
    PRIMARY KEY (year, round, committee),
    FOREIGN KEY (year, round) REFERENCES round_state (year, round)
) STRICT;

CREATE TABLE audit_entry (
    audit_id  INTEGER PRIMARY KEY,
    year      INTEGER,
    at        TEXT NOT NULL,
    user      TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    before    TEXT,                      -- JSON
    after     TEXT                       -- JSON
) STRICT;

CREATE INDEX audit_by_year ON audit_entry (year, at);

CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
