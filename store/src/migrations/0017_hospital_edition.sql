-- 0017: the hospital edition (issue 22). The same database serves both ends of the exchange; these
-- tables are used by a hospital's installation. Its edition, own code and the desk's identity live in
-- desk_meta ('edition', 'own_hospital_code', 'desk_identity').

-- What the desk says of each of this hospital's own requests: the desk's reference number, its
-- status and since when, where the patient was placed, a refusal from the desk's acknowledgement;
-- when that last changed (so the queue can show what changed since the last sync); and the intake
-- last sent to the desk (NULL: never sent), so a cycle sends only what changed.
CREATE TABLE desk_status (
    request_id       TEXT PRIMARY KEY REFERENCES transfer_requests (id),
    desk_ref_no      TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT '',
    status_label     TEXT NOT NULL DEFAULT '',
    status_since     TEXT,
    placed_at        TEXT,
    problem          TEXT NOT NULL DEFAULT '',
    changed_at       TEXT,
    sent_fingerprint TEXT,
    withdrawal_sent  INTEGER NOT NULL DEFAULT 0 CHECK (withdrawal_sent IN (0, 1))
) STRICT;

-- Inquiries the desk sent this hospital (the patient information as received) and its answer; an
-- answer not yet sent has no answer_package_id.
CREATE TABLE received_inquiries (
    inquiry_id        TEXT PRIMARY KEY,
    record            TEXT NOT NULL,
    ref_no            TEXT NOT NULL,
    received_at       TEXT NOT NULL,
    reply_by          TEXT,
    outcome           TEXT NOT NULL DEFAULT 'waiting' CHECK (outcome IN ('waiting', 'accepted', 'declined')),
    decline_reason    TEXT,
    note              TEXT NOT NULL DEFAULT '',
    answered_at       TEXT,
    answered_by       TEXT REFERENCES users (id),
    answer_package_id TEXT,
    version           INTEGER NOT NULL DEFAULT 1,
    CHECK ((outcome = 'declined') = (decline_reason IS NOT NULL))
) STRICT;
CREATE INDEX received_inquiries_unsent ON received_inquiries (answered_at)
    WHERE outcome <> 'waiting' AND answer_package_id IS NULL;
