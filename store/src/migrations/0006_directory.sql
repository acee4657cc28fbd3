-- 0006: the hospital directory — coordination contacts, capacity reports (kept as history),
-- structured acceptance requirements and coordinates.

ALTER TABLE hospitals ADD COLUMN latitude REAL CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90);
ALTER TABLE hospitals ADD COLUMN longitude REAL CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180);
-- JSON of AcceptanceRequirements; '{}' reads as the defaults.
ALTER TABLE hospitals ADD COLUMN requirements TEXT NOT NULL DEFAULT '{}';
-- How many demands beyond the national discharge criteria the requirements hold (for counting in SQL).
ALTER TABLE hospitals ADD COLUMN beyond_criteria INTEGER NOT NULL DEFAULT 0 CHECK (beyond_criteria >= 0);

CREATE TABLE hospital_contacts (
    id            TEXT PRIMARY KEY,
    hospital_id   TEXT NOT NULL REFERENCES hospitals (id),
    position      INTEGER NOT NULL,
    department    TEXT NOT NULL,
    person        TEXT NOT NULL,
    phone         TEXT NOT NULL,
    phone_digits  TEXT NOT NULL,
    fax           TEXT NOT NULL,
    fax_digits    TEXT NOT NULL,
    email         TEXT NOT NULL,
    hours_weekday TEXT NOT NULL,
    hours_night   TEXT NOT NULL,
    hours_holiday TEXT NOT NULL,
    note          TEXT NOT NULL,
    UNIQUE (hospital_id, position)
) STRICT;

-- Every report is kept; the current capacity of a bed type is its latest report.
CREATE TABLE capacity_reports (
    id           TEXT PRIMARY KEY,
    hospital_id  TEXT NOT NULL REFERENCES hospitals (id),
    bed_type     TEXT NOT NULL,
    available    INTEGER NOT NULL CHECK (available >= 0),
    baseline     INTEGER CHECK (baseline IS NULL OR baseline >= 0),
    expected_24h INTEGER CHECK (expected_24h IS NULL OR expected_24h >= 0),
    expected_72h INTEGER CHECK (expected_72h IS NULL OR expected_72h >= 0),
    reported_at  TEXT NOT NULL,
    reported_by  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL REFERENCES users (id),
    recorded_at  TEXT NOT NULL
) STRICT;

CREATE INDEX capacity_reports_by_bed ON capacity_reports (hospital_id, bed_type, reported_at, id);
