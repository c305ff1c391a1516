-- One row per private chat: the patient's language and place in the trees.
-- Portable SQL: the same migration runs on SQLite and PostgreSQL. Flags are
-- BIGINT 0/1 because sqlx's Any driver cannot decode SQLite booleans.
CREATE TABLE sessions (
    chat_id BIGINT PRIMARY KEY,
    locale TEXT NOT NULL,
    locale_chosen BIGINT NOT NULL DEFAULT 0,
    node TEXT NOT NULL,
    blocked BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
