-- Appropriation cases (bevillingssager, issue 18; contract §10). A case is created once (its reference, the case
-- number, is unique in the year and never changes); what it says is kept as versions, each with its rows; the
-- council's approval is a row of its own, written with the approved version's council-decision movements. All four
-- tables are append-only: a case is revised by a new version, and an approved case is never changed.
-- Flags are 0/1 integers, as on SQLite, so both schemas read alike.
CREATE TABLE budget_case (
    case_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year        bigint NOT NULL REFERENCES budget_year (year),
    reference   text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE UNIQUE INDEX budget_case_reference ON budget_case (year, reference);

CREATE TABLE case_version (
    case_id       bigint NOT NULL REFERENCES budget_case (case_id),
    version       bigint NOT NULL CHECK (version >= 1),
    title         text NOT NULL,
    permanent     bigint NOT NULL CHECK (permanent IN (0, 1)),
    cash_neutral  bigint NOT NULL CHECK (cash_neutral IN (0, 1)),
    catalogue     text,
    price_level   bigint NOT NULL CHECK (price_level BETWEEN 2000 AND 2100),
    recorded_at   timestamptz NOT NULL,
    recorded_by   text NOT NULL,
    PRIMARY KEY (case_id, version)
);

-- amount_1_ore … amount_4_ore: the budget year and the three years after it, as decided (phased, split).
CREATE TABLE case_row (
    case_id         bigint NOT NULL,
    version         bigint NOT NULL,
    row_number      bigint NOT NULL,
    year            bigint NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('line', 'financing')),
    account_id      text NOT NULL,
    classification  text CHECK (classification IN ('service', 'transfer', 'income', 'one-off')),
    amount_1_ore    bigint NOT NULL,
    amount_2_ore    bigint NOT NULL,
    amount_3_ore    bigint NOT NULL,
    amount_4_ore    bigint NOT NULL,
    annual_ore      bigint,
    from_date       date,
    to_date         date,
    share           text,                 -- the share as given, exact decimal text (e.g. 0.3333333333)
    PRIMARY KEY (case_id, version, row_number),
    FOREIGN KEY (case_id, version) REFERENCES case_version (case_id, version),
    FOREIGN KEY (year, account_id) REFERENCES account (year, account_id)
);

CREATE TABLE case_approval (
    case_id      bigint PRIMARY KEY REFERENCES budget_case (case_id),
    version      bigint NOT NULL,
    decided_on   date NOT NULL,
    reference    text,
    approved_at  timestamptz NOT NULL,
    approved_by  text NOT NULL,
    FOREIGN KEY (case_id, version) REFERENCES case_version (case_id, version)
);

CREATE TRIGGER budget_case_is_append_only BEFORE UPDATE OR DELETE ON budget_case
FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TRIGGER case_version_is_append_only BEFORE UPDATE OR DELETE ON case_version
FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TRIGGER case_row_is_append_only BEFORE UPDATE OR DELETE ON case_row
FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TRIGGER case_approval_is_append_only BEFORE UPDATE OR DELETE ON case_approval
FOR EACH ROW EXECUTE FUNCTION refuse_change();
