-- 0021: transport-only cases (issue 27). Hospitals that agreed between themselves and need only a
-- vehicle: the request names the hospital that agreed to receive the patient, and when the desk took
-- it on as transport only. Such a request is booked like the others but never passes through 受入決定,
-- so it is never counted as a desk placement.
ALTER TABLE transfer_requests ADD COLUMN transport_only_hospital_id TEXT REFERENCES hospitals (id);
ALTER TABLE transfer_requests ADD COLUMN transport_only_at TEXT;
