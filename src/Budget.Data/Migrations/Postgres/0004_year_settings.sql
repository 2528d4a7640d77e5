-- Amounts that belong to a year as a whole (settings.csv): primo cash, the service frame, the expected carry-over.
CREATE TABLE year_setting (
    year       bigint NOT NULL REFERENCES budget_year (year),
    key        text NOT NULL CHECK (key IN ('primo_cash', 'service_frame', 'expected_carry_over')),
    value_ore  bigint NOT NULL,
    PRIMARY KEY (year, key)
);
