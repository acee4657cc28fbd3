-- Imports linear in their records: a new conflict is checked against the open ones of the same
-- sender's record through an index, not by scanning every open conflict.
CREATE INDEX import_conflicts_open_record ON import_conflicts (sender, kind, record_id) WHERE status = 'open';
