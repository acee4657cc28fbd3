-- 0016: the referral travels whole (issue 21).
-- Consent to share the patient's information with candidate hospitals: who gave it (as the
-- referring hospital said), when it was recorded and by whom. Nothing about the patient is sent or
-- printed for a candidate without it. Kept apart from the intake's columns: recording consent is
-- not an edit of what the hospital sent.
ALTER TABLE transfer_requests ADD COLUMN consent_by TEXT NOT NULL DEFAULT '';
ALTER TABLE transfer_requests ADD COLUMN consent_at TEXT;
ALTER TABLE transfer_requests ADD COLUMN consent_recorded_by TEXT REFERENCES users (id);

-- An inquiry sent as a package: the package's id once it is written (NULL: not yet written, the
-- next sync cycle writes it).
ALTER TABLE inquiries ADD COLUMN package_id TEXT;
CREATE INDEX inquiries_unsent ON inquiries (hospital_id) WHERE channel = 'package' AND package_id IS NULL;

-- The highest package format version each hospital has sent: the desk answers it in that version.
ALTER TABLE hospital_keys ADD COLUMN format_version INTEGER;

-- What a sync cycle last wrote for each recipient on each topic (the directory, a hospital's
-- status): a fingerprint of the records, so a package is written again only when they changed.
CREATE TABLE sync_sent (
    recipient   TEXT NOT NULL,
    topic       TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    sent_at     TEXT NOT NULL,
    PRIMARY KEY (recipient, topic)
) STRICT;

-- Every sync cycle: when, by whom (the user the schedule runs as), what came in and went out.
CREATE TABLE sync_runs (
    id          TEXT PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    files_in    INTEGER NOT NULL,
    files_out   INTEGER NOT NULL,
    refused     INTEGER NOT NULL,
    conflicts   INTEGER NOT NULL,
    report      TEXT NOT NULL -- JSON: the files in and out, with each result
) STRICT;
CREATE INDEX sync_runs_by_time ON sync_runs (started_at);
