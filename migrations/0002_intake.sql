-- Intake: drafts in progress, submitted cases, and the counter behind case
-- references (CF-000123). Portable SQL for SQLite and PostgreSQL.
ALTER TABLE sessions ADD COLUMN filling BIGINT NOT NULL DEFAULT 0;

-- One form in progress per chat; answers as JSON. Created only once the
-- consent question is on screen; health data only after it was agreed to.
CREATE TABLE intake_drafts (
    chat_id BIGINT PRIMARY KEY,
    draft TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('case', 0);

CREATE TABLE cases (
    id BIGINT PRIMARY KEY,
    chat_id BIGINT NOT NULL,
    locale TEXT NOT NULL,
    status TEXT NOT NULL,
    answers TEXT NOT NULL,
    summary TEXT NOT NULL,
    consent_version TEXT NOT NULL,
    consent_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX cases_by_chat ON cases (chat_id);
CREATE INDEX cases_by_status ON cases (status, created_at);
