-- A chat's updates in order. Every group of updates asks, for each of its
-- updates, whether the chat has an earlier one still unprocessed; by chat
-- alone, PostgreSQL preferred `inbox_pending` (processed_at, update_id),
-- whose entries for rows processed since stay until a vacuum: tens of
-- thousands of index entries read per update under load. (chat_id,
-- update_id) reads only the chat's own, and serves erasure's look-up by
-- chat as the old index did.
CREATE INDEX inbox_by_chat_in_order ON inbox (chat_id, update_id);
DROP INDEX inbox_by_chat;
