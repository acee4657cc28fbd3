-- 0008: transport arrangement — the providers directory in full, and bookings with their history.

ALTER TABLE transport_providers ADD COLUMN operator TEXT NOT NULL DEFAULT '';
-- JSON array of 'stretcher' | 'wheelchair' | 'seated'. Providers from before are read as having none
-- until someone records their vehicles (no booking can then be made with them: the safe side).
ALTER TABLE transport_providers ADD COLUMN vehicle_types TEXT NOT NULL DEFAULT '[]';
ALTER TABLE transport_providers ADD COLUMN has_escort INTEGER NOT NULL DEFAULT 0 CHECK (has_escort IN (0, 1));
ALTER TABLE transport_providers ADD COLUMN hours TEXT NOT NULL DEFAULT '';
ALTER TABLE transport_providers ADD COLUMN fax TEXT NOT NULL DEFAULT '';
ALTER TABLE transport_providers ADD COLUMN contact_person TEXT NOT NULL DEFAULT '';
ALTER TABLE transport_providers ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE transport_providers ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE transport_bookings (
    id               TEXT PRIMARY KEY,
    request_id       TEXT NOT NULL REFERENCES transfer_requests (id),
    provider_id      TEXT NOT NULL REFERENCES transport_providers (id),
    vehicle_type     TEXT NOT NULL CHECK (vehicle_type IN ('stretcher', 'wheelchair', 'seated')),
    pickup_at        TEXT NOT NULL,
    from_hospital_id TEXT NOT NULL REFERENCES hospitals (id),
    from_ward        TEXT NOT NULL DEFAULT '',
    from_contact     TEXT NOT NULL DEFAULT '',
    to_hospital_id   TEXT NOT NULL REFERENCES hospitals (id),
    to_ward          TEXT NOT NULL DEFAULT '',
    to_contact       TEXT NOT NULL DEFAULT '',
    oxygen_l_per_min REAL,
    escort           TEXT NOT NULL DEFAULT '',
    public_funds     INTEGER NOT NULL CHECK (public_funds IN (0, 1)),
    cost_yen         INTEGER CHECK (cost_yen >= 0),
    status           TEXT NOT NULL CHECK (status IN ('requested', 'confirmed', 'done', 'cancelled')),
    note             TEXT NOT NULL DEFAULT '',
    -- The warnings the user confirmed when booking (JSON array of sentences).
    warnings         TEXT NOT NULL DEFAULT '[]',
    created_by       TEXT NOT NULL REFERENCES users (id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE INDEX transport_bookings_request ON transport_bookings (request_id, pickup_at);
CREATE INDEX transport_bookings_pickup ON transport_bookings (pickup_at) WHERE status IN ('requested', 'confirmed');

CREATE TABLE transport_booking_history (
    id          INTEGER PRIMARY KEY,
    booking_id  TEXT NOT NULL REFERENCES transport_bookings (id),
    from_status TEXT,
    to_status   TEXT NOT NULL,
    at          TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    note        TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX transport_booking_history_booking ON transport_booking_history (booking_id, at);
