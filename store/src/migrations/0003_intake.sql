-- 0003: the full intake of a transfer request (issue 4). Existing requests keep empty values.

ALTER TABLE transfer_requests ADD COLUMN referrer_ward TEXT NOT NULL DEFAULT '';
ALTER TABLE transfer_requests ADD COLUMN referrer_person TEXT NOT NULL DEFAULT '';
ALTER TABLE transfer_requests ADD COLUMN referrer_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE transfer_requests ADD COLUMN hospital_patient_no TEXT NOT NULL DEFAULT '';
-- ISO dates (YYYY-MM-DD).
ALTER TABLE transfer_requests ADD COLUMN onset_date TEXT;
ALTER TABLE transfer_requests ADD COLUMN positive_test_date TEXT;
ALTER TABLE transfer_requests ADD COLUMN criteria_met_date TEXT;
ALTER TABLE transfer_requests ADD COLUMN desired_date TEXT;
-- CareNeeds as JSON (core/src/care.rs): one vocabulary with hospitals' requirements.
ALTER TABLE transfer_requests ADD COLUMN care_needs TEXT NOT NULL DEFAULT '{}';
ALTER TABLE transfer_requests ADD COLUMN bed_type_id TEXT;
-- JSON array of medical region ids.
ALTER TABLE transfer_requests ADD COLUMN preferred_regions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE transfer_requests ADD COLUMN family_notes TEXT NOT NULL DEFAULT '';
-- JSON array of {field, original, value}: what the core changed while reading the intake.
ALTER TABLE transfer_requests ADD COLUMN normalized TEXT NOT NULL DEFAULT '[]';

CREATE INDEX transfer_requests_patient_no ON transfer_requests (referring_hospital_id, hospital_patient_no)
    WHERE hospital_patient_no <> '';
