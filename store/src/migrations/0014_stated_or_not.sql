-- Unknown is not none. A care item or COVID-19 date can now be "not stated" as well as "none" or a
-- value. The dates answered "none" are listed in this column; a blank date stays blank — not
-- stated: the old form had no way to say "none" for a date. Requests stored before were entered on
-- a form that asked every care question, so the migration's step (`requests::restate_old_care`)
-- reads each of their care items as stated, and keeps the fingerprints the exchange compares.
ALTER TABLE transfer_requests ADD COLUMN covid_dates_none TEXT NOT NULL DEFAULT '[]';
