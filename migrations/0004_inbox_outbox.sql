-- Delivery guarantees. The inbox holds every update before it is confirmed
-- to Telegram and marks it processed in the transaction of its effects; the
-- outbox holds what must be sent, written in that same transaction.
CREATE TABLE inbox (
    update_id BIGINT PRIMARY KEY,
    payload TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    processed_at BIGINT
);
CREATE INDEX inbox_pending ON inbox (processed_at, update_id);

-- id = update_id * 64 + position: unique, and ordered as the updates were.
CREATE TABLE outbox (
    id BIGINT PRIMARY KEY,
    chat_id BIGINT NOT NULL,
    job TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    not_before_ms BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox (not_before_ms, id);
