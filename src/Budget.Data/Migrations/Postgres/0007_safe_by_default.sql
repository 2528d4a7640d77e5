-- Contract §7: audit entries name the acting user's id beside the name, and a user's name is unique.
ALTER TABLE audit_entry ADD COLUMN user_id bigint;

-- Names given before they had to be unique keep a suffix with their id, so the unique index can be built.
UPDATE app_user SET name = name || ' #' || user_id
WHERE user_id NOT IN (SELECT MIN(user_id) FROM app_user GROUP BY name);

CREATE UNIQUE INDEX app_user_name ON app_user (name);
