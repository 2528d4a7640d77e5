-- Refusion-bearing benefit accounts, and estimates given as gross payments plus persons by anciennity band.

ALTER TABLE account ADD COLUMN refusion_benefit text;

ALTER TABLE estimate ADD COLUMN gross_ore bigint;
ALTER TABLE estimate ADD COLUMN refusion_ore bigint;
ALTER TABLE estimate ADD COLUMN basis text;

ALTER TABLE estimate_version ADD COLUMN gross_ore bigint;
ALTER TABLE estimate_version ADD COLUMN refusion_ore bigint;
ALTER TABLE estimate_version ADD COLUMN basis text;
