-- 0011: sign-in. Users get an argon2id password hash (none = cannot sign in: the desk's own
-- account, and people an administrator added but has not yet given a password), the count of
-- wrong passwords in a row and until when the login must wait, and a version for edits.
-- The account every earlier desk used (login 'desk') keeps its entries in the audit trail; it has
-- no password, so it becomes the desk's system account (region pack loads, scheduled backups).
ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN failed_sign_ins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN wait_until TEXT;
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN updated_at TEXT;
