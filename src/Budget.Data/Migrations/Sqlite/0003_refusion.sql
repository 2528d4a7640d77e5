-- Refusion-bearing benefit accounts, and estimates given as gross payments plus persons by anciennity band.

ALTER TABLE account ADD COLUMN refusion_benefit TEXT;

ALTER TABLE estimate ADD COLUMN gross_ore INTEGER;
ALTER TABLE estimate ADD COLUMN refusion_ore INTEGER;
ALTER TABLE estimate ADD COLUMN basis TEXT;            -- JSON: {"ruleSet": ..., "persons": [{"anciennityWeek", "activity", "fullYearPersons"}]}

ALTER TABLE estimate_version ADD COLUMN gross_ore INTEGER;
ALTER TABLE estimate_version ADD COLUMN refusion_ore INTEGER;
ALTER TABLE estimate_version ADD COLUMN basis TEXT;
