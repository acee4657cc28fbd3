-- 0019: drafts (issue 25). What a nurse has half typed — a new request's intake, an inquiry — kept per
-- user as it is typed, so a phone call, a click elsewhere or a restart never loses it. A draft is the
-- user's scratch, not a desk record: it is not audited, and it is removed when the request is saved or
-- the nurse discards it.
CREATE TABLE drafts (
    user_id  TEXT NOT NULL REFERENCES users (id),
    kind     TEXT NOT NULL CHECK (kind IN ('intake', 'inquiry')),
    key      TEXT NOT NULL DEFAULT '',
    body     TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, key)
) STRICT;

-- The queue's closed requests newest first, and the changes of a day, without reading every row
-- (issue 24: a desk with a million past requests).
CREATE INDEX transfer_requests_registered ON transfer_requests (registered_at);
CREATE INDEX request_status_history_at ON request_status_history (at);
