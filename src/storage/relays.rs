//! Relay records: which message in a patient's chat is which in their
//! case's topic, so that a relay is never made twice, replies and edits
//! find their copy, and a moved case's history can be copied.
//!
//! Owns the `relayed_messages` table. Must not change cases or sessions.

use anyhow::Context;

use super::{Storage, durable, unix_now};
use crate::intake::CaseRef;

impl Storage {
    /// A message relayed between the patient's chat and the case's topic
    /// in `group`.
    pub async fn record_relay(
        &self,
        reference: CaseRef,
        group: i64,
        patient_message_id: i64,
        topic_message_id: i64,
        from_patient: bool,
    ) -> anyhow::Result<()> {
        self.execute_write(
            sqlx::query(
                "INSERT INTO relayed_messages (case_id, patient_message_id, topic_message_id, from_patient, created_at, group_chat_id)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(reference.0)
            .bind(patient_message_id)
            .bind(topic_message_id)
            .bind(i64::from(from_patient))
            .bind(unix_now())
            .bind(group),
        )
        .await
        .context("cannot record the relayed message")?;
        Ok(())
    }

    /// The patient's latest message that reached the case's topic.
    pub async fn latest_patient_message(&self, reference: CaseRef) -> anyhow::Result<Option<i64>> {
        sqlx::query_scalar(
            "SELECT MAX(patient_message_id) FROM relayed_messages WHERE case_id = $1 AND from_patient = 1",
        )
        .bind(reference.0)
        .fetch_one(&self.reader)
        .await
        .context("cannot read the relayed messages")
    }

    /// Several of the patient's messages went as one merged message.
    pub async fn record_relays(
        &self,
        reference: CaseRef,
        group: i64,
        pairs: &[(i64, i64)],
        from_patient: bool,
    ) -> anyhow::Result<()> {
        if pairs.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "INSERT INTO relayed_messages (case_id, patient_message_id, topic_message_id, from_patient, created_at, group_chat_id) VALUES {}",
            durable::placeholder_rows(pairs.len(), 6)
        );
        let now = unix_now();
        let (case_id, pairs) = (reference.0, pairs.to_vec());
        self.write(move |conn| {
            Box::pin(async move {
                let mut insert = sqlx::query(&sql);
                for (patient_message_id, topic_message_id) in pairs {
                    insert = insert
                        .bind(case_id)
                        .bind(patient_message_id)
                        .bind(topic_message_id)
                        .bind(i64::from(from_patient))
                        .bind(now)
                        .bind(group);
                }
                Ok(insert.execute(conn).await?)
            })
        })
        .await
        .context("cannot record the relayed messages")?;
        Ok(())
    }

    /// The last `limit` messages of a case's topic in `group` that went
    /// between the patient and the coordinators, oldest first.
    pub async fn recent_topic_messages(
        &self,
        reference: CaseRef,
        group: i64,
        limit: i64,
    ) -> anyhow::Result<Vec<i64>> {
        let mut ids: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT topic_message_id FROM relayed_messages WHERE case_id = $1 AND group_chat_id = $2
             ORDER BY topic_message_id DESC LIMIT $3",
        )
        .bind(reference.0)
        .bind(group)
        .bind(limit)
        .fetch_all(&self.reader)
        .await
        .context("cannot read the topic's messages")?;
        ids.reverse();
        Ok(ids)
    }

    /// Whether a topic message carries several of the patient's messages.
    pub async fn is_merged_copy(
        &self,
        reference: CaseRef,
        group: i64,
        topic_message_id: i64,
    ) -> anyhow::Result<bool> {
        let parts: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM relayed_messages
             WHERE case_id = $1 AND topic_message_id = $2 AND group_chat_id = $3",
        )
        .bind(reference.0)
        .bind(topic_message_id)
        .bind(group)
        .fetch_one(&self.reader)
        .await
        .context("cannot read the relayed messages")?;
        Ok(parts > 1)
    }

    /// The topic's copy of a message in the patient's chat.
    pub async fn topic_copy(
        &self,
        reference: CaseRef,
        group: i64,
        patient_message_id: i64,
    ) -> anyhow::Result<Option<i64>> {
        sqlx::query_scalar(
            "SELECT topic_message_id FROM relayed_messages
                        WHERE case_id = $1 AND patient_message_id = $2 AND group_chat_id = $3",
        )
        .bind(reference.0)
        .bind(patient_message_id)
        .bind(group)
        .fetch_optional(&self.reader)
        .await
        .context("cannot read the relayed messages")
    }

    /// The patient's copy of a message in the topic.
    pub async fn patient_copy(
        &self,
        reference: CaseRef,
        group: i64,
        topic_message_id: i64,
    ) -> anyhow::Result<Option<i64>> {
        // A merged message carries several: a reply to it answers the last.
        sqlx::query_scalar(
            "SELECT patient_message_id FROM relayed_messages
                        WHERE case_id = $1 AND topic_message_id = $2 AND group_chat_id = $3
                        ORDER BY patient_message_id DESC LIMIT 1",
        )
        .bind(reference.0)
        .bind(topic_message_id)
        .bind(group)
        .fetch_optional(&self.reader)
        .await
        .context("cannot read the relayed messages")
    }
}
