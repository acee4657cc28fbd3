-- 0001: the first schema. Later migrations extend it; none rewrites it.
-- IDs are UUID v7 text (sortable, merge-safe between offline sites). Times are RFC 3339 UTC text.

CREATE TABLE desk_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id           TEXT PRIMARY KEY,
    login        TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('administrator', 'supervisor', 'nurse', 'read_only')),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   TEXT NOT NULL
) STRICT;

-- Reference data, loaded from a region pack (see docs/region-pack.md).
CREATE TABLE report_groups (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    sort_order INTEGER NOT NULL
) STRICT;

CREATE TABLE jurisdictions (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    kana         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('city', 'prefectural_office', 'prefectural_centre')),
    parent_id    TEXT REFERENCES jurisdictions (id),
    report_group TEXT NOT NULL REFERENCES report_groups (id),
    sort_order   INTEGER NOT NULL
) STRICT;

CREATE TABLE plans (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to   TEXT
) STRICT;

CREATE TABLE medical_regions (
    id         TEXT PRIMARY KEY,
    plan_id    TEXT NOT NULL REFERENCES plans (id),
    name       TEXT NOT NULL,
    kana       TEXT NOT NULL,
    sort_order INTEGER NOT NULL
) STRICT;

CREATE TABLE municipalities (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    kana            TEXT NOT NULL,
    parent_code     TEXT REFERENCES municipalities (code),
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    sort_order      INTEGER NOT NULL
) STRICT;

CREATE TABLE municipality_regions (
    municipality_code TEXT NOT NULL REFERENCES municipalities (code),
    region_id         TEXT NOT NULL REFERENCES medical_regions (id),
    PRIMARY KEY (municipality_code, region_id)
) STRICT;

-- The desk's vocabularies: bed types, decline reasons, transport modes.
CREATE TABLE vocabulary (
    list       TEXT NOT NULL CHECK (list IN ('bed_type', 'decline_reason', 'transport_mode')),
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    own_rule   INTEGER NOT NULL DEFAULT 0 CHECK (own_rule IN (0, 1)),
    sort_order INTEGER NOT NULL,
    PRIMARY KEY (list, id)
) STRICT;

CREATE TABLE hospitals (
    id                TEXT PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    name_kana         TEXT NOT NULL,
    short_name        TEXT NOT NULL,
    municipality_code TEXT NOT NULL REFERENCES municipalities (code),
    address           TEXT NOT NULL DEFAULT '',
    is_referring      INTEGER NOT NULL CHECK (is_referring IN (0, 1)),
    is_receiving      INTEGER NOT NULL CHECK (is_receiving IN (0, 1)),
    is_priority       INTEGER NOT NULL DEFAULT 0 CHECK (is_priority IN (0, 1)),
    is_cooperating    INTEGER NOT NULL DEFAULT 0 CHECK (is_cooperating IN (0, 1)),
    active            INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    search_key        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;

CREATE TABLE transport_providers (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    name_kana    TEXT NOT NULL,
    phone        TEXT NOT NULL DEFAULT '',
    modes        TEXT NOT NULL,  -- JSON array of transport_mode ids
    areas        TEXT NOT NULL,  -- JSON array of medical region ids or municipality codes
    has_oxygen   INTEGER NOT NULL CHECK (has_oxygen IN (0, 1)),
    public_funds INTEGER NOT NULL CHECK (public_funds IN (0, 1)),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

CREATE TABLE transfer_requests (
    id                          TEXT PRIMARY KEY,
    ref_no                      TEXT NOT NULL UNIQUE,
    referring_hospital_id       TEXT NOT NULL REFERENCES hospitals (id),
    patient_initials            TEXT NOT NULL,
    patient_age                 INTEGER NOT NULL CHECK (patient_age BETWEEN 0 AND 130),
    patient_sex                 TEXT NOT NULL CHECK (patient_sex IN ('male', 'female', 'other', 'unknown')),
    residence_municipality_code TEXT REFERENCES municipalities (code),
    urgency                     TEXT NOT NULL CHECK (urgency IN ('routine', 'soon', 'urgent')),
    clinical_summary            TEXT NOT NULL DEFAULT '',
    status                      TEXT NOT NULL CHECK (status IN ('new', 'checking', 'coordinating', 'placed',
                                    'arranging_transport', 'transferred', 'withdrawn', 'not_placed')),
    registered_at               TEXT NOT NULL,
    created_by                  TEXT NOT NULL REFERENCES users (id),
    updated_at                  TEXT NOT NULL,
    -- Bumped on every change; a write that names an older version lost a race and is refused.
    version                     INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE INDEX transfer_requests_status ON transfer_requests (status, registered_at);

CREATE TABLE request_status_history (
    id          TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL REFERENCES transfer_requests (id),
    from_status TEXT,
    to_status   TEXT NOT NULL,
    at          TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    note        TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX request_status_history_request ON request_status_history (request_id, at);

-- Every mutation: who, when, what, with the values before and after (JSON).
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT
) STRICT;

CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
