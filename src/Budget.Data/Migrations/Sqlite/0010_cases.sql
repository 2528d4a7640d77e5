-- Appropriation cases (bevillingssager, issue 18; contract §10). A case is created once (its reference, the case
-- number, is unique in the year and never changes); what it says is kept as versions, each with its rows; the
-- council's approval is a row of its own, written with the approved version's council-decision movements. All four
-- tables are append-only: a case is revised by a new version, and an approved case is never changed.
CREATE TABLE budget_case (
    case_id     INTEGER PRIMARY KEY,
    year        INTEGER NOT NULL REFERENCES budget_year (year),
    reference   TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX budget_case_reference ON budget_case (year, reference);

CREATE TABLE case_version (
    case_id       INTEGER NOT NULL REFERENCES budget_case (case_id),
    version       INTEGER NOT NULL CHECK (version >= 1),
    title         TEXT NOT NULL,
    permanent     INTEGER NOT NULL CHECK (permanent IN (0, 1)),
    cash_neutral  INTEGER NOT NULL CHECK (cash_neutral IN (0, 1)),
    catalogue     TEXT,
    price_level   INTEGER NOT NULL CHECK (price_level BETWEEN 2000 AND 2100),
    recorded_at   TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    PRIMARY KEY (case_id, version)
) STRICT;

-- amount_1_ore … amount_4_ore: the budget year and the three years after it, as decided (phased, split).
CREATE TABLE case_row (
    case_id         INTEGER NOT NULL,
    version         INTEGER NOT NULL,
    row_number      INTEGER NOT NULL,
    year            INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('line', 'financing')),
    account_id      TEXT NOT NULL,
    classification  TEXT CHECK (classification IN ('service', 'transfer', 'income', 'one-off')),
    amount_1_ore    INTEGER NOT NULL,
    amount_2_ore    INTEGER NOT NULL,
    amount_3_ore    INTEGER NOT NULL,
    amount_4_ore    INTEGER NOT NULL,
    annual_ore      INTEGER,
    from_date       TEXT,
    to_date         TEXT,
    share           TEXT,                 -- the share as given, exact decimal text (e.g. 0.3333333333)
    PRIMARY KEY (case_id, version, row_number),
    FOREIGN KEY (case_id, version) REFERENCES case_version (case_id, version),
    FOREIGN KEY (year, account_id) REFERENCES account (year, account_id)
) STRICT;

CREATE TABLE case_approval (
    case_id      INTEGER PRIMARY KEY REFERENCES budget_case (case_id),
    version      INTEGER NOT NULL,
    decided_on   TEXT NOT NULL,
    reference    TEXT,
    approved_at  TEXT NOT NULL,
    approved_by  TEXT NOT NULL,
    FOREIGN KEY (case_id, version) REFERENCES case_version (case_id, version)
) STRICT;

CREATE TRIGGER budget_case_is_append_only_update BEFORE UPDATE ON budget_case
BEGIN SELECT RAISE(ABORT, 'cases are append-only: revise a case by a new version'); END;

CREATE TRIGGER budget_case_is_append_only_delete BEFORE DELETE ON budget_case
BEGIN SELECT RAISE(ABORT, 'cases are append-only: revise a case by a new version'); END;

CREATE TRIGGER case_version_is_append_only_update BEFORE UPDATE ON case_version
BEGIN SELECT RAISE(ABORT, 'case versions are append-only'); END;

CREATE TRIGGER case_version_is_append_only_delete BEFORE DELETE ON case_version
BEGIN SELECT RAISE(ABORT, 'case versions are append-only'); END;

CREATE TRIGGER case_row_is_append_only_update BEFORE UPDATE ON case_row
BEGIN SELECT RAISE(ABORT, 'case rows are append-only'); END;

CREATE TRIGGER case_row_is_append_only_delete BEFORE DELETE ON case_row
BEGIN SELECT RAISE(ABORT, 'case rows are append-only'); END;

CREATE TRIGGER case_approval_is_append_only_update BEFORE UPDATE ON case_approval
BEGIN SELECT RAISE(ABORT, 'case approvals are append-only'); END;

CREATE TRIGGER case_approval_is_append_only_delete BEFORE DELETE ON case_approval
BEGIN SELECT RAISE(ABORT, 'case approvals are append-only'); END;
