-- Users with hashed API keys, the state of each estimate round, committee recommendations and the audit trail.

CREATE TABLE app_user (
    user_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL,
    roles        text NOT NULL,          -- space-separated role codes
    committees   text,                   -- newline-separated committee names the user is limited to; NULL = all
    key_hash     text NOT NULL UNIQUE,   -- SHA-256 of the API key, hex
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);

CREATE TABLE round_state (
    year        bigint NOT NULL REFERENCES budget_year (year),
    round       bigint NOT NULL CHECK (round BETWEEN 1 AND 3),
    state       text NOT NULL CHECK (state IN ('open', 'submitted', 'recommended', 'approved')),
    changed_at  timestamptz NOT NULL,
    PRIMARY KEY (year, round)
);

CREATE TABLE committee_recommendation (
    year            bigint NOT NULL,
    round           bigint NOT NULL,
    committee       text NOT NULL,
    recommended_by  text NOT NULL,
    recommended_at  timestamptz NOT NULL,
    PRIMARY KEY (year, round, committee),
    FOREIGN KEY (year, round) REFERENCES round_state (year, round)
);

CREATE TABLE audit_entry (
    audit_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year       bigint,
    at         timestamptz NOT NULL,
    user_name  text NOT NULL,
    action     text NOT NULL,
    target     text NOT NULL,
    before     text,                 -- JSON, kept as written (jsonb would reorder the members)
    after      text
);

CREATE INDEX audit_by_year ON audit_entry (year, at);

CREATE TRIGGER audit_is_append_only BEFORE UPDATE OR DELETE ON audit_entry
FOR EACH ROW EXECUTE FUNCTION refuse_change();
