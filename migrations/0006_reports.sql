-- Reports: when a case was first assigned (time to take, per-case export),
-- and which weekly summaries were posted, so a restart never posts twice.
-- Portable SQL for SQLite and PostgreSQL.
ALTER TABLE cases ADD COLUMN assigned_at BIGINT;
CREATE INDEX cases_by_created ON cases (created_at);

-- One row per weekly slot (its unix time) once its summary is posted.
CREATE TABLE weekly_summaries (
    slot BIGINT PRIMARY KEY,
    posted_at BIGINT NOT NULL
);
