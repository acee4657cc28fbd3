-- 0022: transfers arranged outside the desk (issue 27). Hospitals that found a bed on their own, recorded
-- at the desk (typed, or from a hospital's file) so the desk's share of all downward transfers can be
-- reported by jurisdiction and month. A record may stand for several transfers.
CREATE TABLE outside_transfers (
    id                          TEXT PRIMARY KEY,
    transferred_on              TEXT NOT NULL,
    referring_hospital_id       TEXT NOT NULL REFERENCES hospitals (id),
    receiving_hospital_id       TEXT REFERENCES hospitals (id),
    residence_municipality_code TEXT,
    count                       INTEGER NOT NULL CHECK (count BETWEEN 1 AND 1000),
    note                        TEXT NOT NULL DEFAULT '',
    source                      TEXT NOT NULL CHECK (source IN ('desk', 'import')),
    recorded_by                 TEXT NOT NULL REFERENCES users (id),
    recorded_at                 TEXT NOT NULL
) STRICT;

CREATE INDEX outside_transfers_on ON outside_transfers (transferred_on);
