-- 0010: the audit log becomes a hash chain: each entry carries the hash of the one before and its own
-- hash over that and its content, so an edited, removed or inserted entry breaks the chain from there
-- (`tenin audit verify`). Entries written before this migration are sealed in order when the desk
-- next opens (SQLite cannot compute SHA-256 itself).
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
