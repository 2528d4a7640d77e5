-- Year-end (issue 17, docs/year-end.md): a year's accounts are closed on a date, after which its postings, estimates
-- and rounds are final; its carry-overs into the next year are approved once. An estimate of the 3rd round may name
-- the part of its variance that moves to next year (a time shift, tidsforskydning). An import replacing an estimate
-- clears it (the interchange estimates.csv has no such column).
ALTER TABLE budget_year ADD COLUMN closed_on TEXT;
ALTER TABLE budget_year ADD COLUMN carry_overs_approved_on TEXT;

ALTER TABLE estimate ADD COLUMN time_shift_ore INTEGER;
ALTER TABLE estimate_version ADD COLUMN time_shift_ore INTEGER;
