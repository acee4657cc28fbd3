-- 0009: the monthly report's counts kept as they change, so a report over years of history reads
-- a few thousand rows instead of deriving every placement from the status history.
--
-- A request whose placement holds (now placed, arranging transport or transferred) counts once, in
-- the desk-local month of its last move into placed, under its referring hospital's municipality and
-- its residence ('' when not recorded). The request row remembers the key it is counted under, so a
-- change (re-opened, withdrawn, residence corrected) moves exactly that one count.

ALTER TABLE transfer_requests ADD COLUMN counted_month TEXT;
ALTER TABLE transfer_requests ADD COLUMN counted_referrer TEXT;
ALTER TABLE transfer_requests ADD COLUMN counted_residence TEXT;

CREATE TABLE placement_counts (
    month                  TEXT NOT NULL,
    referrer_municipality  TEXT NOT NULL,
    residence_municipality TEXT NOT NULL,
    count                  INTEGER NOT NULL CHECK (count > 0),
    PRIMARY KEY (month, referrer_municipality, residence_municipality)
) STRICT, WITHOUT ROWID;

-- The report by residence groups on the other column; this keeps it an ordered, covering read.
CREATE INDEX placement_counts_residence ON placement_counts (month, residence_municipality, count);

UPDATE transfer_requests
SET counted_month = (
        SELECT strftime('%Y-%m', max(s.at),
                        coalesce((SELECT value FROM desk_meta WHERE key = 'utc_offset_minutes'), '0') || ' minutes')
        FROM request_status_history s
        WHERE s.request_id = transfer_requests.id AND s.to_status = 'placed'),
    counted_referrer = (SELECT h.municipality_code FROM hospitals h WHERE h.id = transfer_requests.referring_hospital_id),
    counted_residence = coalesce(residence_municipality_code, '')
WHERE status IN ('placed', 'arranging_transport', 'transferred');

UPDATE transfer_requests SET counted_referrer = NULL, counted_residence = NULL WHERE counted_month IS NULL;

INSERT INTO placement_counts (month, referrer_municipality, residence_municipality, count)
SELECT counted_month, counted_referrer, counted_residence, count(*)
FROM transfer_requests WHERE counted_month IS NOT NULL
GROUP BY counted_month, counted_referrer, counted_residence;
