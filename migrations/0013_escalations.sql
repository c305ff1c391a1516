-- No case forgotten: the reminders posted in the coordinators' General topic
-- about a case waiting untaken ('untaken') or a patient's messages left
-- unanswered by the case's holder ('unanswered'). One row per reminder, for
-- the wait it is about (`since`): recorded with its outbox job in one
-- transaction, so a restart (or a second replica) never sends one twice.
-- Case ids and times only: nothing a patient wrote.
CREATE TABLE escalations (
    case_id BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('untaken', 'unanswered')),
    since BIGINT NOT NULL,
    level BIGINT NOT NULL CHECK (level IN (1, 2)),
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, kind, since, level)
);
CREATE INDEX escalations_by_time ON escalations (sent_at);

-- When the current holder got the case (taken, or transferred to them):
-- their answer clock does not start before.
ALTER TABLE cases ADD COLUMN held_since BIGINT;
