-- Lanes: the sender keeps order per destination (a patient's chat, a
-- case's topic, a case's card), not per patient across destinations, so
-- that a patient's own screens never wait for the coordinators' group.
-- Jobs queued before this migration keep their chat's order.
ALTER TABLE outbox ADD COLUMN lane TEXT NOT NULL DEFAULT '';
UPDATE outbox SET lane = 'chat:' || chat_id;
CREATE INDEX outbox_by_lane ON outbox (lane, id);
DROP INDEX outbox_by_chat;

-- Waiting (our pacing, a 429, a 5xx, the network) is never a failure: a
-- job that keeps failing is held and retried, visible by when it started
-- failing and why, never deleted for it.
ALTER TABLE outbox ADD COLUMN failing_since_ms BIGINT;
ALTER TABLE outbox ADD COLUMN last_error TEXT;

-- Jobs Telegram refused for good (the patient blocked the bot, a request
-- no retry can fix): what was not delivered, where, and why; never the
-- content.
CREATE TABLE undelivered (
    id BIGINT PRIMARY KEY,
    chat_id BIGINT NOT NULL,
    lane TEXT NOT NULL,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);
