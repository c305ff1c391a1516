-- Teams: each case lives in one coordinators' group (NULL: the default
-- group, as every case before teams). Topic ids are unique per group only.
ALTER TABLE cases ADD COLUMN group_chat_id BIGINT;
CREATE INDEX cases_by_group_thread ON cases (group_chat_id, thread_id);
DROP INDEX cases_by_thread;
-- The topic's copies live in the case's group at the time they were made
-- (a case moved to another team keeps its earlier copies in the old group).
ALTER TABLE relayed_messages ADD COLUMN group_chat_id BIGINT;
