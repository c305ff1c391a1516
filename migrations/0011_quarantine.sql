-- An update whose handling fails again and again (a panic in a handler)
-- is set aside after a few tries: marked processed, so that it neither
-- stops its chat's later updates nor is replayed at every start, and kept
-- with its error for `navigator doctor` (purged with the inbox's other
-- processed rows).
ALTER TABLE inbox ADD COLUMN failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE inbox ADD COLUMN quarantined_at BIGINT;
ALTER TABLE inbox ADD COLUMN last_error TEXT;
