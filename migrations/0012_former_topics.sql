-- Topics a case left behind when it moved to another team. Erasure (by the
-- patient, or by retention) deletes them with the case's current topic:
-- the old topic still holds the card, the patient's messages and the
-- coordinators' replies.
CREATE TABLE former_topics (
    case_id BIGINT NOT NULL,
    group_chat_id BIGINT NOT NULL,
    thread_id BIGINT NOT NULL,
    PRIMARY KEY (case_id, group_chat_id, thread_id)
);
