-- Names a municipality was known by before a merger (from the region pack), so a history file
-- written with them is read as the municipality they became. Filled from the region pack at set-up
-- and at a pack update; for a desk on the bundled pack, by this migration's Rust step.
CREATE TABLE municipality_former_names (
    name              TEXT PRIMARY KEY,
    municipality_code TEXT NOT NULL REFERENCES municipalities (code)
) STRICT;
