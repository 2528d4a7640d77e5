-- Budget years, their accounts and everything recorded on them (PostgreSQL). Money is bigint øre; dates are
-- date; instants timestamptz. Integer columns are bigint so that rows read back as Int64 on both providers.
-- Movements and postings are append-only.

CREATE TABLE budget_year (
    year        bigint PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
    created_at  timestamptz NOT NULL
);

CREATE TABLE estimate_round (
    year    bigint NOT NULL REFERENCES budget_year (year),
    round   bigint NOT NULL CHECK (round BETWEEN 1 AND 3),
    cutoff  date NOT NULL,
    PRIMARY KEY (year, round)
);

CREATE TABLE account (
    year             bigint NOT NULL REFERENCES budget_year (year),
    account_id       text NOT NULL,
    name             text NOT NULL,
    committee        text NOT NULL,
    activity_area    text NOT NULL,
    reporting_group  text,
    block            text NOT NULL,
    PRIMARY KEY (year, account_id)
);

CREATE TABLE movement (
    movement_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year         bigint NOT NULL,
    account_id   text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('original_budget', 'prior_estimate_shift', 'carry_over',
                                               'council_decision', 'technical_reallocation', 'estimate_appropriation')),
    amount_ore   bigint NOT NULL,
    decided_on   date NOT NULL,
    reference    text,
    decided_by   text,
    recorded_at  timestamptz NOT NULL,
    FOREIGN KEY (year, account_id) REFERENCES account (year, account_id)
);

CREATE INDEX movement_by_account ON movement (year, account_id, decided_on);

-- Consumption per account per posting day (see decision 0001).
CREATE TABLE posting_day (
    year           bigint NOT NULL,
    account_id     text NOT NULL,
    posted_on      date NOT NULL,
    amount_ore     bigint NOT NULL,
    posting_count  bigint NOT NULL,
    PRIMARY KEY (year, account_id, posted_on),
    FOREIGN KEY (year, account_id) REFERENCES account (year, account_id)
);

CREATE TABLE estimate (
    year            bigint NOT NULL,
    round           bigint NOT NULL CHECK (round BETWEEN 1 AND 3),
    account_id      text NOT NULL,
    estimate_ore    bigint NOT NULL,
    explanation     text NOT NULL,
    out_year_1_ore  bigint NOT NULL,
    out_year_2_ore  bigint NOT NULL,
    out_year_3_ore  bigint NOT NULL,
    out_year_4_ore  bigint NOT NULL,
    requested_ore   bigint,
    version         bigint NOT NULL,
    recorded_at     timestamptz NOT NULL,
    PRIMARY KEY (year, round, account_id),
    FOREIGN KEY (year, account_id) REFERENCES account (year, account_id)
);

CREATE TABLE estimate_version (
    year            bigint NOT NULL,
    round           bigint NOT NULL,
    account_id      text NOT NULL,
    version         bigint NOT NULL,
    estimate_ore    bigint NOT NULL,
    explanation     text NOT NULL,
    out_year_1_ore  bigint NOT NULL,
    out_year_2_ore  bigint NOT NULL,
    out_year_3_ore  bigint NOT NULL,
    out_year_4_ore  bigint NOT NULL,
    requested_ore   bigint,
    recorded_at     timestamptz NOT NULL,
    PRIMARY KEY (year, round, account_id, version),
    FOREIGN KEY (year, account_id) REFERENCES account (year, account_id)
);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;

CREATE TRIGGER movement_is_append_only BEFORE UPDATE OR DELETE ON movement
FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TRIGGER estimate_version_is_append_only BEFORE UPDATE OR DELETE ON estimate_version
FOR EACH ROW EXECUTE FUNCTION refuse_change();
