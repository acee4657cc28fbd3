-- 0023: the referral network for post-COVID conditions (issue 27). Each institution's tier (一次受け /
-- 二次受け; none: taken off), what it sees, and whether it agreed to be published; every change kept in
-- a log for the counts over time.
CREATE TABLE post_covid_care (
    hospital_id     TEXT PRIMARY KEY REFERENCES hospitals (id),
    tier            TEXT CHECK (tier IN ('primary', 'secondary')),
    departments     TEXT NOT NULL DEFAULT '',
    conditions      TEXT NOT NULL DEFAULT '',
    referral_needed INTEGER NOT NULL DEFAULT 0,
    hours           TEXT NOT NULL DEFAULT '',
    publish         INTEGER NOT NULL DEFAULT 0,
    note            TEXT NOT NULL DEFAULT '',
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL REFERENCES users (id),
    version         INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE post_covid_care_log (
    hospital_id TEXT NOT NULL REFERENCES hospitals (id),
    tier        TEXT CHECK (tier IN ('primary', 'secondary')),
    publish     INTEGER NOT NULL,
    at          TEXT NOT NULL
) STRICT;

CREATE INDEX post_covid_care_log_at ON post_covid_care_log (at);
