-- The coordinator queue: a case's place in it, its forum topic, who holds
-- it; the messages relayed both ways (for edits and replies); the audit log.
-- Cases were 'new' after intake; in the queue they are 'waiting'.
UPDATE cases SET status = 'waiting' WHERE status = 'new';
ALTER TABLE cases ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN documents TEXT NOT NULL DEFAULT '[]';
ALTER TABLE cases ADD COLUMN urgent BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN queued_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN thread_id BIGINT;
ALTER TABLE cases ADD COLUMN card_message_id BIGINT;
ALTER TABLE cases ADD COLUMN coordinator_id BIGINT;
ALTER TABLE cases ADD COLUMN coordinator_name TEXT;
ALTER TABLE cases ADD COLUMN first_reply_at BIGINT;
ALTER TABLE cases ADD COLUMN closed_at BIGINT;
ALTER TABLE cases ADD COLUMN rating BIGINT;
ALTER TABLE cases ADD COLUMN off_hours_noted_at BIGINT;
CREATE INDEX cases_by_thread ON cases (thread_id);

-- Coordinators seen in the group, for /transfer @username.
CREATE TABLE coordinators (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    username TEXT,
    seen_at BIGINT NOT NULL
);

-- One row per relayed message: its id in the patient's chat and in the topic.
CREATE TABLE relayed_messages (
    case_id BIGINT NOT NULL,
    patient_message_id BIGINT NOT NULL,
    topic_message_id BIGINT NOT NULL,
    from_patient BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX relayed_by_patient ON relayed_messages (case_id, patient_message_id);
CREATE INDEX relayed_by_topic ON relayed_messages (case_id, topic_message_id);

-- Every coordinator action, append-only (nothing in the bot updates or deletes it).
CREATE TABLE audit_log (
    at_ms BIGINT NOT NULL,
    case_id BIGINT,
    actor_id BIGINT,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_case ON audit_log (case_id, at_ms);
