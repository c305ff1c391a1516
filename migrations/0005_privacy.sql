-- Privacy: the inbox remembers whose update each row is, so an erasure
-- removes the patient's stored messages too; retention purges by age.
ALTER TABLE inbox ADD COLUMN chat_id BIGINT;
CREATE INDEX inbox_by_chat ON inbox (chat_id);
CREATE INDEX cases_by_closed ON cases (status, closed_at);
