-- Amounts that belong to a year as a whole (settings.csv): primo cash, the service frame, the expected carry-over.
CREATE TABLE year_setting (
    year       INTEGER NOT NULL REFERENCES budget_year (year),
    key        TEXT NOT NULL CHECK (key IN ('primo_cash', 'service_frame', 'expected_carry_over')),
    value_ore  INTEGER NOT NULL,
    PRIMARY KEY (year, key)
) STRICT;
