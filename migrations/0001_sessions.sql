-- One row per private chat: the patient's language and place in the trees.
-- Portable SQL: the same migration runs on SQLite and PostgreSQL.
CREATE TABLE sessions (
    chat_id BIGINT PRIMARY KEY,
    locale TEXT NOT NULL,
    locale_chosen BOOLEAN NOT NULL DEFAULT FALSE,
    node TEXT NOT NULL,
    blocked BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
