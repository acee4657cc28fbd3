-- 0018: data that stays protected (issue 23).

-- The file says it is a Tenin desk ('TENI'): a foreign SQLite file is refused before anything is
-- written to it. Desks made before this migration are recognised by their tables.
PRAGMA application_id = 1413828169;

-- Audit entries of form 2 hash a digest of the values before and after, kept beside them: the values
-- (which may hold personal data) can later be erased under a retention rule and the chain still
-- holds. Entries written before keep form 1 (the values themselves are hashed).
ALTER TABLE audit_log ADD COLUMN form INTEGER NOT NULL DEFAULT 1 CHECK (form IN (1, 2));
ALTER TABLE audit_log ADD COLUMN before_digest TEXT;
ALTER TABLE audit_log ADD COLUMN after_digest TEXT;

-- Wrong attempts for logins that do not exist are counted and made to wait exactly as for real ones,
-- so that trying names tells nothing. Keyed by a digest of the folded login (the names tried are
-- not kept).
CREATE TABLE sign_in_attempts (
    login_digest TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    wait_until   TEXT
) STRICT;
