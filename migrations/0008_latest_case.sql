-- A patient's latest case is read with every session (MAX(id) of the
-- chat's cases). With an index on chat_id alone, PostgreSQL walked the
-- primary key backwards through every case for a chat that had none.
CREATE INDEX cases_by_chat_and_id ON cases (chat_id, id);
DROP INDEX cases_by_chat;
