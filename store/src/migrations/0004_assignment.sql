-- 0004: the nurse a request is assigned to (none until someone takes it).

ALTER TABLE transfer_requests ADD COLUMN assigned_to TEXT REFERENCES users (id);
