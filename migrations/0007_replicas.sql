-- Several replicas may share one PostgreSQL database: a replica claims an
-- outbox job for a short lease before sending it, so that another replica
-- does not send it too (a crashed replica's claims expire).
ALTER TABLE outbox ADD COLUMN claimed_until_ms BIGINT NOT NULL DEFAULT 0;
-- The sender keeps each chat's messages in order: it looks for earlier
-- jobs of the same chat.
CREATE INDEX outbox_by_chat ON outbox (chat_id, id);
