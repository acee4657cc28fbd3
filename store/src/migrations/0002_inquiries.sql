-- 0002: the inquiry log (打診記録): each contact with a receiving hospital about a request.

CREATE TABLE inquiries (
    id             TEXT PRIMARY KEY,
    request_id     TEXT NOT NULL REFERENCES transfer_requests (id),
    hospital_id    TEXT NOT NULL REFERENCES hospitals (id),
    -- Who was reached (department, person); structured contacts come with the directory (issue 3).
    contact        TEXT NOT NULL DEFAULT '',
    channel        TEXT NOT NULL CHECK (channel IN ('phone', 'fax', 'package')),
    asked_at       TEXT NOT NULL,
    asked_by       TEXT NOT NULL REFERENCES users (id),
    outcome        TEXT NOT NULL CHECK (outcome IN ('waiting', 'accepted', 'declined')),
    -- A decline_reason id from the region pack's vocabulary; present exactly when declined.
    decline_reason TEXT,
    note           TEXT NOT NULL DEFAULT '',
    call_back_at   TEXT,
    answered_at    TEXT,
    updated_at     TEXT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    CHECK ((outcome = 'declined') = (decline_reason IS NOT NULL))
) STRICT;

CREATE INDEX inquiries_request ON inquiries (request_id, asked_at);
CREATE INDEX inquiries_waiting_call_back ON inquiries (call_back_at) WHERE outcome = 'waiting';
