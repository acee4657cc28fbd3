-- 0012: exchange packages with hospitals (docs/exchange.md).
-- The desk's own key pair lives in desk_meta ('exchange_keys'), made at set-up or at the first open
-- after this migration; hospitals' public keys are kept here.
CREATE TABLE hospital_keys (
    hospital_id    TEXT PRIMARY KEY REFERENCES hospitals (id),
    signing_key    TEXT NOT NULL,            -- ed25519:<base64>
    encryption_key TEXT NOT NULL DEFAULT '', -- age1…, empty: packages to it are not encrypted
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL REFERENCES users (id)
) STRICT;

-- Every import and export, refused ones included: who, when, the file's hash, counts, result and
-- the full report (JSON; for an import, the result of every record).
CREATE TABLE exchanges (
    id          TEXT PRIMARY KEY,
    direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    source      TEXT NOT NULL CHECK (source IN ('package', 'template', 'history')),
    kind        TEXT NOT NULL,
    package_id  TEXT,
    sender      TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    sequence    INTEGER,
    file_name   TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    at          TEXT NOT NULL,
    result      TEXT NOT NULL CHECK (result IN ('applied', 'unchanged', 'refused', 'exported')),
    counts      TEXT NOT NULL, -- JSON {new, changed, unchanged, conflicts, errors}
    report      TEXT NOT NULL  -- JSON
) STRICT;
CREATE INDEX exchanges_by_hash ON exchanges (file_sha256, result);
CREATE INDEX exchanges_by_package ON exchanges (package_id, result);

-- The last sequence number taken from each sender, and the desk's own outbound counter.
CREATE TABLE exchange_sequences (
    party         TEXT NOT NULL,
    direction     TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    last_sequence INTEGER NOT NULL,
    PRIMARY KEY (party, direction)
) STRICT;

-- Which desk record a sender's record became, the hash of the record as last imported, and a
-- fingerprint of the desk's record right after: if the fingerprint no longer matches, the desk has
-- edited the record since, and the sender's next update is a conflict rather than an overwrite.
CREATE TABLE exchange_sources (
    sender           TEXT NOT NULL,
    kind             TEXT NOT NULL,
    record_id        TEXT NOT NULL,
    entity_id        TEXT NOT NULL,
    record_sha256    TEXT NOT NULL,
    desk_fingerprint TEXT NOT NULL,
    exchange_id      TEXT NOT NULL REFERENCES exchanges (id),
    PRIMARY KEY (sender, kind, record_id)
) STRICT;
CREATE INDEX exchange_sources_by_entity ON exchange_sources (entity_id);

-- Records a nurse must decide on: the desk edited the record since the sender's last update, or a
-- new request may be a patient already on the desk. Never applied without a decision.
CREATE TABLE import_conflicts (
    id          TEXT PRIMARY KEY,
    exchange_id TEXT NOT NULL REFERENCES exchanges (id),
    sender      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    entity_id   TEXT,
    reason      TEXT NOT NULL,
    record      TEXT NOT NULL, -- the record as received (JSON)
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'applied', 'kept_desk')),
    created_at  TEXT NOT NULL,
    decided_by  TEXT REFERENCES users (id),
    decided_at  TEXT
) STRICT;
CREATE INDEX import_conflicts_open ON import_conflicts (status);

-- Rejected records and rows, kept as received with the reasons, for review.
CREATE TABLE quarantine (
    id          TEXT PRIMARY KEY,
    exchange_id TEXT NOT NULL REFERENCES exchanges (id),
    position    INTEGER NOT NULL, -- record index or sheet row (1-based)
    record_id   TEXT NOT NULL DEFAULT '',
    raw         TEXT NOT NULL,
    reasons     TEXT NOT NULL,    -- JSON array of {field, message}
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX quarantine_by_exchange ON quarantine (exchange_id);

-- Column mappings for the history import, saved by name.
CREATE TABLE history_mappings (
    name       TEXT PRIMARY KEY,
    mapping    TEXT NOT NULL, -- JSON of HistoryMapping
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users (id)
) STRICT;

-- Requests brought in by the history import, and their import.
ALTER TABLE transfer_requests ADD COLUMN imported_from TEXT REFERENCES exchanges (id);
