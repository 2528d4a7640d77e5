-- Budget years, their accounts and everything recorded on them. Money is INTEGER øre; dates are ISO text
-- (yyyy-MM-dd sorts as text); instants are ISO-8601 UTC text. Movements and postings are append-only.

CREATE TABLE budget_year (
    year        INTEGER PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE estimate_round (
    year    INTEGER NOT NULL REFERENCES budget_year (year),
    round   INTEGER NOT NULL CHECK (round BETWEEN 1 AND 3),
    cutoff  TEXT NOT NULL,
    PRIMARY KEY (year, round)
) STRICT;

CREATE TABLE account (
    year             INTEGER NOT NULL REFERENCES budget_year (year),
    account_id       TEXT NOT NULL,
    name             TEXT NOT NULL,
    committee        TEXT NOT NULL,
    activity_area    TEXT NOT NULL,
    reporting_group  TEXT,
    block            TEXT NOT NULL,
    PRIMARY KEY (year, account_id)
) STRICT;

CREATE TABLE movement (
    movement_id  INTEGER PRIMARY KEY,
    year         INTEGER NOT NULL,
    account_id   TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('original_budget', 'prior_estimate_shift', 'carry_over',
                                               'council_decision', 'technical_reallocation', 'estimate_appropriation')),
    amount_ore   INTEGER NOT NULL,
    decided_on   TEXT NOT NULL,
    reference    TEXT,
    decided_by   TEXT,
    recorded_at  TEXT NOT NULL,
    FOREIGN KEY (year, account_id) REFERENCES account (year, account_id)
) STRICT;

CREATE INDEX movement_by_account ON movement (year, account_id, decided_on);

-- Consumption is kept as one row per account per posting day: the report sums days up to the cut-off instead of
-- scanning every posting. The financial system remains the book of record for the individual postings.
CREATE TABLE posting_day (
    year           INTEGER NOT NULL,
    account_id     TEXT NOT NULL,
    posted_on      TEXT NOT NULL,
    amount_ore     INTEGER NOT NULL,
    posting_count  INTEGER NOT NULL,
    PRIMARY KEY (year, account_id, posted_on),
    FOREIGN KEY (year, account_id) REFERENCES account (year, account_id)
) STRICT, WITHOUT ROWID;

-- The current estimate per round and account; version is the ETag.
CREATE TABLE estimate (
    year            INTEGER NOT NULL,
    round           INTEGER NOT NULL CHECK (round BETWEEN 1 AND 3),
    account_id      TEXT NOT NULL,
    estimate_ore    INTEGER NOT NULL,
    explanation     TEXT NOT NULL,
    out_year_1_ore  INTEGER NOT NULL,
    out_year_2_ore  INTEGER NOT NULL,
    out_year_3_ore  INTEGER NOT NULL,
    out_year_4_ore  INTEGER NOT NULL,
    requested_ore   INTEGER,
    version         INTEGER NOT NULL,
    recorded_at     TEXT NOT NULL,
    PRIMARY KEY (year, round, account_id),
    FOREIGN KEY (year, account_id) REFERENCES account (year, account_id)
) STRICT;

-- Every version of every estimate ever recorded, append-only: the account's history.
CREATE TABLE estimate_version (
    year            INTEGER NOT NULL,
    round           INTEGER NOT NULL,
    account_id      TEXT NOT NULL,
    version         INTEGER NOT NULL,
    estimate_ore    INTEGER NOT NULL,
    explanation     TEXT NOT NULL,
    out_year_1_ore  INTEGER NOT NULL,
    out_year_2_ore  INTEGER NOT NULL,
    out_year_3_ore  INTEGER NOT NULL,
    out_year_4_ore  INTEGER NOT NULL,
    requested_ore   INTEGER,
    recorded_at     TEXT NOT NULL,
    PRIMARY KEY (year, round, account_id, version),
    FOREIGN KEY (year, account_id) REFERENCES account (year, account_id)
) STRICT;

CREATE TRIGGER movement_is_append_only_update BEFORE UPDATE ON movement
BEGIN SELECT RAISE(ABORT, 'movements are append-only: add a correcting movement'); END;

CREATE TRIGGER movement_is_append_only_delete BEFORE DELETE ON movement
BEGIN SELECT RAISE(ABORT, 'movements are append-only: add a correcting movement'); END;

CREATE TRIGGER estimate_version_is_append_only BEFORE UPDATE ON estimate_version
BEGIN SELECT RAISE(ABORT, 'estimate versions are append-only'); END;
