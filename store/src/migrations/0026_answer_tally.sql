-- The answers each hospital gave, kept summed: what matching's acceptance rates and answer speeds
-- are computed from (`answer_tally.rs`), so loading the matching directory reads these few rows
-- instead of every inquiry ever logged. One row per hospital, bed type asked for (the request's;
-- '' when it names none), outcome and whole minutes from asked to answered (-1 while not
-- answered), with how many inquiries are so. Kept by the triggers below, whatever writes an
-- inquiry or changes a request's bed type; `tenin status` recounts and compares.
CREATE TABLE answer_tally (
    hospital_id TEXT NOT NULL,
    bed_type_id TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    minutes     INTEGER NOT NULL,
    n           INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (hospital_id, bed_type_id, outcome, minutes)
) STRICT, WITHOUT ROWID;

INSERT INTO answer_tally (hospital_id, bed_type_id, outcome, minutes, n)
SELECT i.hospital_id, coalesce(r.bed_type_id, ''), i.outcome, CASE WHEN i.answered_at IS NULL THEN -1 ELSE max(0, CAST(round((julianday(i.answered_at) - julianday(i.asked_at)) * 86400000.0) AS INTEGER) / 60000) END, count(*)
FROM inquiries i JOIN transfer_requests r ON r.id = i.request_id
GROUP BY 1, 2, 3, 4;

CREATE TRIGGER answer_tally_inquiry_added AFTER INSERT ON inquiries BEGIN
    INSERT INTO answer_tally (hospital_id, bed_type_id, outcome, minutes, n)
    SELECT NEW.hospital_id, coalesce(r.bed_type_id, ''), NEW.outcome, CASE WHEN NEW.answered_at IS NULL THEN -1 ELSE max(0, CAST(round((julianday(NEW.answered_at) - julianday(NEW.asked_at)) * 86400000.0) AS INTEGER) / 60000) END, 1
    FROM transfer_requests r WHERE r.id = NEW.request_id
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER answer_tally_inquiry_changed
AFTER UPDATE OF hospital_id, request_id, outcome, asked_at, answered_at ON inquiries BEGIN
    UPDATE answer_tally SET n = n - 1
    WHERE hospital_id = OLD.hospital_id
      AND bed_type_id = (SELECT coalesce(bed_type_id, '') FROM transfer_requests WHERE id = OLD.request_id)
      AND outcome = OLD.outcome
      AND minutes = CASE WHEN OLD.answered_at IS NULL THEN -1 ELSE max(0, CAST(round((julianday(OLD.answered_at) - julianday(OLD.asked_at)) * 86400000.0) AS INTEGER) / 60000) END;
    INSERT INTO answer_tally (hospital_id, bed_type_id, outcome, minutes, n)
    SELECT NEW.hospital_id, coalesce(r.bed_type_id, ''), NEW.outcome, CASE WHEN NEW.answered_at IS NULL THEN -1 ELSE max(0, CAST(round((julianday(NEW.answered_at) - julianday(NEW.asked_at)) * 86400000.0) AS INTEGER) / 60000) END, 1
    FROM transfer_requests r WHERE r.id = NEW.request_id
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER answer_tally_bed_type_changed
AFTER UPDATE OF bed_type_id ON transfer_requests
WHEN OLD.bed_type_id IS NOT NEW.bed_type_id BEGIN
    UPDATE answer_tally SET n = n - (
        SELECT count(*) FROM inquiries i
        WHERE i.request_id = NEW.id
          AND i.hospital_id = answer_tally.hospital_id
          AND i.outcome = answer_tally.outcome
          AND CASE WHEN i.answered_at IS NULL THEN -1 ELSE max(0, CAST(round((julianday(i.answered_at) - julianday(i.asked_at)) * 86400000.0) AS INTEGER) / 60000) END = answer_tally.minutes)
    WHERE bed_type_id = coalesce(OLD.bed_type_id, '')
      AND hospital_id IN (SELECT hospital_id FROM inquiries WHERE request_id = NEW.id);
    INSERT INTO answer_tally (hospital_id, bed_type_id, outcome, minutes, n)
    SELECT i.hospital_id, coalesce(NEW.bed_type_id, ''), i.outcome, CASE WHEN i.answered_at IS NULL THEN -1 ELSE max(0, CAST(round((julianday(i.answered_at) - julianday(i.asked_at)) * 86400000.0) AS INTEGER) / 60000) END, count(*)
    FROM inquiries i WHERE i.request_id = NEW.id
    GROUP BY 1, 3, 4
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- A hospital's load counts the patients it accepted in the last week: found through this index
-- instead of reading every acceptance.
CREATE INDEX inquiries_accepted_at ON inquiries (coalesce(answered_at, asked_at)) WHERE outcome = 'accepted';

-- A hospital's declines under its own rules (the directory's and matching's count) through its
-- declines only, not through every inquiry it was ever asked (a receiving hospital of a desk moved
-- in has years of acceptances).
CREATE INDEX inquiries_declined ON inquiries (hospital_id, decline_reason) WHERE outcome = 'declined';
