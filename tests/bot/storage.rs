//! Storage on real databases: SQLite always, PostgreSQL when configured.

use crate::common;
use common::changes;

use common::db::TestDb;
use patient_navigator::dialogue::Session;
use patient_navigator::handoff::CaseStatus;
use patient_navigator::intake::FormState;
use patient_navigator::storage::{Backend, Begun, Storage};

fn session(node: &str, locale: &str, chosen: bool) -> Session {
    Session {
        locale: locale.into(),
        locale_chosen: chosen,
        node: node.into(),
        intake: FormState::NoDraft,
        case: None,
    }
}

#[tokio::test]
async fn sessions_round_trip_and_survive_a_reconnect() {
    for db in TestDb::all().await {
        let storage = Storage::connect(&db.url).await.unwrap();
        let chat = -1_000_000_000_123_i64; // ids may exceed 32 bits
        assert_eq!(
            storage.load_session(chat).await.unwrap(),
            None,
            "{}",
            db.label
        );

        changes::save_session(&storage, chat, &session("faq", "zh-Hans", true)).await;
        changes::save_session(&storage, chat, &session("faq-t790m", "zh-Hans", true)).await;
        changes::save_session(&storage, 7, &session("home", "ar", false)).await;
        storage.close().await;

        let reopened = Storage::connect(&db.url).await.unwrap();
        assert_eq!(
            reopened.load_session(chat).await.unwrap(),
            Some(session("faq-t790m", "zh-Hans", true)),
            "{}",
            db.label
        );
        assert_eq!(
            reopened.load_session(7).await.unwrap(),
            Some(session("home", "ar", false))
        );
        reopened.close().await;
    }
}

/// What a chat's row says about its form: the `filling` column and whether
/// an intake draft row is stored.
async fn form_columns(storage: &Storage, chat_id: i64) -> (i64, i64) {
    let filling: i64 = sqlx::query_scalar("SELECT filling FROM sessions WHERE chat_id = $1")
        .bind(chat_id)
        .fetch_one(storage.pool())
        .await
        .unwrap();
    let drafts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM intake_drafts WHERE chat_id = $1")
        .bind(chat_id)
        .fetch_one(storage.pool())
        .await
        .unwrap();
    (filling, drafts)
}

#[tokio::test]
async fn the_form_state_is_stored_as_the_filling_column_and_a_draft_row() {
    use patient_navigator::intake::{Answer, Draft, engine::Position};
    let draft = Draft {
        answers: [("age".to_owned(), Answer::Integer(61))].into(),
        position: Position::Question("country".into()),
        history: vec!["age".into()],
        selection: vec![],
        files: vec![],
    };
    for db in TestDb::all().await {
        let label = db.label;
        let storage = Storage::connect(&db.url).await.unwrap();
        // Each state written over the one before, on the same chat.
        for (form, columns) in [
            (FormState::Filling(draft.clone()), (1, 1)),
            (FormState::Paused(draft.clone()), (0, 1)),
            (FormState::Filling(draft.clone()), (1, 1)),
            (FormState::NoDraft, (0, 0)),
        ] {
            let mut chat = session("intake", "en", true);
            chat.intake = form.clone();
            changes::save_session(&storage, 401, &chat).await;
            assert_eq!(
                form_columns(&storage, 401).await,
                columns,
                "{label}: {form:?}"
            );
            assert_eq!(
                storage.load_session(401).await.unwrap(),
                Some(chat),
                "{label}"
            );
        }

        // Rows as stored by hand (or by an earlier version): filling with
        // no draft, or with one this version cannot read, is no form.
        let json = serde_json::to_string(&draft).unwrap();
        for (chat_id, stored_draft, expected) in [
            (402, None, FormState::NoDraft),
            (403, Some("{not a draft"), FormState::NoDraft),
            (404, Some(json.as_str()), FormState::Filling(draft.clone())),
        ] {
            sqlx::query(
                "INSERT INTO sessions (chat_id, locale, locale_chosen, node, filling, blocked, created_at, updated_at)
                 VALUES ($1, 'en', 1, 'home', 1, 0, 1, 1)",
            )
            .bind(chat_id)
            .execute(storage.pool())
            .await
            .unwrap();
            if let Some(stored) = stored_draft {
                sqlx::query(
                    "INSERT INTO intake_drafts (chat_id, draft, updated_at) VALUES ($1, $2, 1)",
                )
                .bind(chat_id)
                .bind(stored)
                .execute(storage.pool())
                .await
                .unwrap();
            }
            let loaded = storage.load_session(chat_id).await.unwrap().unwrap();
            assert_eq!(loaded.intake, expected, "{label}: chat {chat_id}");
        }
        storage.close().await;
    }
}

#[tokio::test]
async fn blocking_is_recorded_and_cleared_by_the_next_conversation() {
    for db in TestDb::all().await {
        let storage = Storage::connect(&db.url).await.unwrap();
        changes::save_session(&storage, 42, &session("home", "en", false)).await;
        assert!(!storage.is_blocked(42).await.unwrap());
        storage.set_blocked(42, true).await.unwrap();
        assert!(storage.is_blocked(42).await.unwrap(), "{}", db.label);
        changes::save_session(&storage, 42, &session("faq", "en", false)).await;
        assert!(!storage.is_blocked(42).await.unwrap(), "{}", db.label);
        storage.close().await;
    }
}

#[tokio::test]
async fn migrations_are_idempotent_and_the_backend_is_detected() {
    for db in TestDb::all().await {
        let first = Storage::connect(&db.url).await.unwrap();
        let second = Storage::connect(&db.url).await.unwrap();
        let expected = if db.label == "sqlite" {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        assert_eq!(second.backend(), expected);
        first.close().await;
        second.close().await;
    }
}

#[tokio::test]
async fn a_bad_database_url_is_a_clear_error() {
    let err = Storage::connect("mysql://root@localhost/x")
        .await
        .err()
        .unwrap();
    assert!(
        err.to_string()
            .contains("must start with sqlite: or postgres:"),
        "{err}"
    );
    let err = Storage::connect("postgres://nobody:pw@127.0.0.1:1/none")
        .await
        .err()
        .unwrap();
    let text = format!("{err:#}");
    assert!(
        text.contains("cannot open the database") && !text.contains(":pw@"),
        "{text}"
    );
}

fn submission() -> patient_navigator::intake::Submission {
    use patient_navigator::intake::Answer;
    let mut answers = std::collections::BTreeMap::new();
    answers.insert(
        "consent".to_owned(),
        Answer::Consent {
            version: "v1".into(),
            at: 1,
        },
    );
    answers.insert(
        "first_name".to_owned(),
        Answer::Text("Ana 'O\"Brien".into()),
    );
    answers.insert("age".to_owned(), Answer::Integer(56));
    patient_navigator::intake::Submission {
        answers,
        consent_version: "v1".into(),
        consent_at: 1,
        summary: "<b>First name:</b> Ana".into(),
        title: "Lung · EGFR · Ana".into(),
        documents: vec![],
    }
}

#[tokio::test]
async fn cases_get_sequential_references_and_erasure_removes_them() {
    for db in TestDb::all().await {
        let storage = Storage::connect(&db.url).await.unwrap();
        let mut with_draft = session("home", "es", true);
        with_draft.intake = FormState::Filling(patient_navigator::intake::Draft {
            answers: Default::default(),
            position: patient_navigator::intake::engine::Position::Review,
            history: vec![],
            selection: vec![],
            files: vec![],
        });
        changes::save_session(&storage, 5, &with_draft).await;
        assert_eq!(
            storage.load_session(5).await.unwrap(),
            Some(with_draft.clone()),
            "{}",
            db.label
        );

        let first =
            changes::submit_case(&storage, 5, &session("home", "es", true), &submission()).await;
        let second =
            changes::submit_case(&storage, 6, &session("home", "ar", false), &submission()).await;
        assert_eq!(second.0, first.0 + 1, "{}", db.label);
        assert_eq!(first.to_string(), "CF-000001");
        let loaded = storage.load_session(5).await.unwrap().unwrap();
        assert_eq!(
            loaded.intake,
            FormState::NoDraft,
            "the draft ends with the submission"
        );
        let case = storage.case(first).await.unwrap().unwrap();
        assert_eq!(case.answers, submission().answers);
        assert_eq!(
            (case.chat_id, case.locale.as_str(), case.status.as_str()),
            (5, "es", "waiting")
        );

        changes::erase_patient_data(&storage, 5).await;
        assert_eq!(storage.case(first).await.unwrap(), None, "{}", db.label);
        assert!(
            storage.case(second).await.unwrap().is_some(),
            "other patients keep theirs"
        );
        storage.close().await;
    }
}

#[tokio::test]
async fn concurrent_submissions_never_share_a_reference() {
    for db in TestDb::all().await {
        let storage = Storage::connect(&db.url).await.unwrap();
        let tasks: Vec<_> = (0..8)
            .map(|chat| {
                let storage = storage.clone();
                tokio::spawn(async move {
                    changes::submit_case(
                        &storage,
                        chat,
                        &session("home", "en", false),
                        &submission(),
                    )
                    .await
                })
            })
            .collect();
        let mut references: Vec<i64> = Vec::new();
        for task in tasks {
            references.push(task.await.unwrap().0);
        }
        references.sort();
        assert_eq!(references, (1..=8).collect::<Vec<_>>(), "{}", db.label);
        storage.close().await;
    }
}

/// Updates whose work starts together share one transaction (group
/// commit): each is processed once, with its session and its jobs, and one
/// that gives up after a statement of its own is undone alone.
#[tokio::test]
async fn updates_worked_together_commit_together_and_fail_alone() {
    for db in TestDb::all().await {
        let storage = Storage::connect(&db.url).await.unwrap();
        let updates: Vec<_> = (1..=30_i64)
            .map(|id| (id, Some(100 + id), format!("{{\"update_id\":{id}}}")))
            .collect();
        storage.store_updates(&updates).await.unwrap();
        let given_up = 13;
        let tasks: Vec<_> = (1..=30_i64)
            .map(|id| {
                let storage = storage.clone();
                tokio::spawn(async move {
                    let Begun::Ready(mut work) = storage.begin_update(id).await.unwrap() else {
                        panic!("update {id} was not ready");
                    };
                    let chat = 100 + id;
                    assert_eq!(work.load_session(chat).await.unwrap(), None);
                    work.audit("test", &format!("update-{id}")).await.unwrap();
                    let node = format!("node-{id}");
                    work.save_session(chat, &session(&node, "en", true))
                        .await
                        .unwrap();
                    work.push(chat, format!("chat:{chat}"), format!("job-{id}"));
                    if id == given_up {
                        drop(work); // an error after writing
                    } else {
                        work.commit().await.unwrap();
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        for id in 1..=30_i64 {
            let expected = (id != given_up).then(|| session(&format!("node-{id}"), "en", true));
            let label = format!("{} update {id}", db.label);
            assert_eq!(
                storage.load_session(100 + id).await.unwrap(),
                expected,
                "{label}"
            );
            assert_eq!(
                storage.is_processed(id).await.unwrap(),
                id != given_up,
                "{label}"
            );
        }
        let jobs = storage.due_jobs(i64::MAX, 100, &[], true).await.unwrap();
        let mut sent: Vec<String> = jobs.iter().map(|job| job.job.clone()).collect();
        sent.sort();
        let mut expected: Vec<String> = (1..=30_i64)
            .filter(|id| *id != given_up)
            .map(|id| format!("job-{id}"))
            .collect();
        expected.sort();
        assert_eq!(sent, expected, "{}", db.label);
        // Another chat's jobs are left out while that chat is being sent.
        let skipped = storage
            .due_jobs(i64::MAX, 100, &["chat:101".to_owned()], true)
            .await
            .unwrap();
        assert_eq!(skipped.len(), 28, "{}", db.label);

        let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
        let audited: Vec<String> =
            sqlx::query_scalar("SELECT action FROM audit_log WHERE actor_name = 'test'")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert_eq!(audited.len(), 29, "{}", db.label);
        assert!(
            !audited.contains(&format!("update-{given_up}")),
            "{}",
            db.label
        );
        pool.close().await;

        // Processed once; the one given up is worked again.
        assert!(matches!(
            storage.begin_update(5).await.unwrap(),
            Begun::Processed
        ));
        let Begun::Ready(work) = storage.begin_update(given_up).await.unwrap() else {
            panic!("the update given up was not ready again");
        };
        work.commit().await.unwrap();
        assert!(
            storage.is_processed(given_up).await.unwrap(),
            "{}",
            db.label
        );
        storage.close().await;
    }
}

#[tokio::test]
async fn outbox_lanes_keep_order_apart_and_failing_jobs_are_held_not_deleted() {
    for db in TestDb::all().await {
        let label = db.label;
        let storage = Storage::connect(&db.url).await.unwrap();
        let Begun::Ready(mut work) = storage.begin_update(1).await.unwrap() else {
            panic!("{label}: update 1 was not ready");
        };
        // One patient: two relays for their case's topic, then a screen.
        work.push(42, "topic:7".into(), "relay-1".into());
        work.push(42, "topic:7".into(), "relay-2".into());
        work.push(42, "chat:42".into(), "screen".into());
        work.commit().await.unwrap();
        let due = storage.due_jobs(1_000, 100, &[], true).await.unwrap();
        let names: Vec<&str> = due.iter().map(|job| job.job.as_str()).collect();
        assert_eq!(names, ["relay-1", "relay-2", "screen"], "{label}");

        // The topic's first relay fails (a 5xx): the topic's lane waits for
        // its retry, the patient's screen does not.
        let failing = due[0].id;
        storage
            .retry_job(failing, 60_000, 1_000, "Bad Gateway")
            .await
            .unwrap();
        let due = storage.due_jobs(2_000, 100, &[], true).await.unwrap();
        let names: Vec<&str> = due.iter().map(|job| job.job.as_str()).collect();
        assert_eq!(names, ["screen"], "{label}: only the other lane goes");
        // Private chats only, while the group's lanes are all busy.
        let private = storage.due_jobs(90_000, 100, &[], false).await.unwrap();
        assert_eq!(private.len(), 1, "{label}");
        assert_eq!(private[0].lane, "chat:42", "{label}");

        // Retried again later: it keeps the time it started failing.
        storage
            .retry_job(failing, 120_000, 61_000, "Bad Gateway")
            .await
            .unwrap();
        let again = storage.due_jobs(130_000, 100, &[], true).await.unwrap();
        let job = again.iter().find(|job| job.id == failing).unwrap();
        assert_eq!(job.attempts, 2, "{label}");
        assert_eq!(job.failing_since_ms, Some(1_000), "{label}");
        // Held once failing long enough; never deleted for it.
        assert!(storage.held_lanes(1_000).await.unwrap().is_empty());
        let held = storage.held_lanes(5_000).await.unwrap();
        assert_eq!(held.len(), 1, "{label}");
        assert_eq!(
            (
                held[0].lane.as_str(),
                held[0].jobs,
                held[0].last_error.as_str()
            ),
            ("topic:7", 1, "Bad Gateway"),
            "{label}"
        );
        assert_eq!(storage.outbox_depth().await.unwrap(), 3, "{label}");

        // Refused for good: out of the outbox, recorded with its reason.
        storage
            .give_up_job(patient_navigator::storage::Undelivered {
                job_id: failing,
                chat_id: 42,
                lane: "topic:7",
                kind: "relay",
                reason: "Bad Request: chat not found",
            })
            .await
            .unwrap();
        assert_eq!(storage.outbox_depth().await.unwrap(), 2, "{label}");
        assert_eq!(storage.undelivered_since(0).await.unwrap(), 1, "{label}");
        let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
        let (kind, reason): (String, String) =
            sqlx::query_as("SELECT kind, reason FROM undelivered WHERE id = $1")
                .bind(failing)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(
            (kind.as_str(), reason.as_str()),
            ("relay", "Bad Request: chat not found"),
            "{label}"
        );
        pool.close().await;
        storage.close().await;
    }
}

/// The sender claims a lane's jobs, renews and gives back its claims, and
/// clears the delivered ones, in one statement each (PostgreSQL replicas
/// share the outbox; a SQLite file has one replica, which claims nothing
/// and always holds).
#[tokio::test]
async fn outbox_jobs_are_claimed_renewed_given_back_and_cleared_per_lane_at_once() {
    for db in TestDb::all().await {
        let label = db.label;
        let postgres = label == "postgres";
        let one = Storage::connect(&db.url).await.unwrap();
        let other = Storage::connect(&db.url).await.unwrap();
        let Begun::Ready(mut work) = one.begin_update(1).await.unwrap() else {
            panic!("{label}: update 1 was not ready");
        };
        work.push(42, "chat:42".into(), "first".into());
        work.push(42, "chat:42".into(), "second".into());
        work.push(43, "chat:43".into(), "elsewhere".into());
        work.commit().await.unwrap();
        let due = one.due_jobs(1_000, 100, &[], true).await.unwrap();
        let lane: Vec<i64> = due
            .iter()
            .filter(|j| j.chat_id == 42)
            .map(|j| j.id)
            .collect();
        let elsewhere = due.iter().find(|j| j.chat_id == 43).unwrap().id;
        assert_eq!(lane.len(), 2, "{label}");
        // Ids tell the update that queued them (its jobs are cleared together).
        assert!(
            lane.iter()
                .all(|id| patient_navigator::storage::job_update(*id) == 1),
            "{label}"
        );

        // One replica claims the lane until 31 000.
        let until = one.claim_jobs(&lane, 1_000, 30_000).await.unwrap();
        assert_eq!(until, Some(31_000), "{label}");
        let names = |jobs: Vec<patient_navigator::storage::OutboxJob>| -> Vec<String> {
            jobs.into_iter().map(|job| job.job).collect()
        };
        if postgres {
            // Not due elsewhere meanwhile, and not claimable: a claim that
            // meets one held job keeps none (the free one stays due).
            let due = other.due_jobs(2_000, 100, &[], true).await.unwrap();
            assert_eq!(names(due), ["elsewhere"], "{label}");
            let mixed = other
                .claim_jobs(&[elsewhere, lane[1]], 2_000, 30_000)
                .await
                .unwrap();
            assert_eq!(mixed, None, "{label}");
            let due = other.due_jobs(2_000, 100, &[], true).await.unwrap();
            assert_eq!(names(due), ["elsewhere"], "{label}");
            // Only the holder renews: a renewal of another lease fails.
            assert!(
                !other.renew_claims(&lane, 99_000, 60_000).await.unwrap(),
                "{label}"
            );
        } else {
            let again = other.claim_jobs(&lane, 2_000, 30_000).await.unwrap();
            assert_eq!(again, Some(32_000), "{label}: one replica holds");
        }
        assert!(
            one.renew_claims(&lane, 31_000, 61_000).await.unwrap(),
            "{label}"
        );
        if postgres {
            // Still held past the first lease.
            let due = other.due_jobs(40_000, 100, &[], true).await.unwrap();
            assert_eq!(names(due), ["elsewhere"], "{label}");
        }
        // Given back (the lane stopped): due again at once, everywhere.
        one.release_claims(&lane, 61_000).await.unwrap();
        let due = other.due_jobs(2_000, 100, &[], true).await.unwrap();
        assert_eq!(names(due), ["first", "second", "elsewhere"], "{label}");
        // Delivered: the lane's jobs cleared together, in one request (on
        // SQLite without waiting: the sender's own reads skip them at once,
        // and they are gone for everyone once its storage is closed).
        one.finish_jobs(lane.clone()).await.unwrap();
        let due = one.due_jobs(2_000, 100, &[], true).await.unwrap();
        assert_eq!(names(due), ["elsewhere"], "{label}");
        one.close().await;
        let due = other.due_jobs(2_000, 100, &[], true).await.unwrap();
        assert_eq!(names(due), ["elsewhere"], "{label}");
        assert_eq!(other.outbox_depth().await.unwrap(), 1, "{label}");
        other.close().await;
    }
}

#[tokio::test]
async fn an_outbox_job_that_cannot_be_opened_is_held_and_the_others_go() {
    const KEY_A: &str = "a:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const KEY_B: &str = "b:HxsdHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=";
    for db in TestDb::all().await {
        let label = db.label;
        let sealer =
            |key| Some(patient_navigator::storage::Sealer::from_config(key, None).unwrap());
        let storage = Storage::connect_sealed(&db.url, sealer(KEY_A))
            .await
            .unwrap();
        let Begun::Ready(mut work) = storage.begin_update(1).await.unwrap() else {
            panic!("{label}: update 1 was not ready");
        };
        work.push(41, "chat:41".into(), "first".into());
        work.push(42, "chat:42".into(), "second".into());
        work.commit().await.unwrap();
        // A job sealed with a key this replica does not have.
        let foreign = sealer(KEY_B)
            .unwrap()
            .seal(
                patient_navigator::storage::sealing::OUTBOX_JOB,
                1,
                "foreign",
            )
            .unwrap();
        sqlx::query("UPDATE outbox SET job = $1 WHERE chat_id = 41")
            .bind(foreign)
            .execute(storage.pool())
            .await
            .unwrap();
        let due = storage.due_jobs(1_000, 100, &[], true).await.unwrap();
        let names: Vec<&str> = due.iter().map(|job| job.job.as_str()).collect();
        assert_eq!(names, ["second"], "{label}: the others still go");
        // Held, not deleted: failing since now, visible, tried again later.
        assert_eq!(storage.outbox_depth().await.unwrap(), 2, "{label}");
        let held = storage.held_lanes(2_000).await.unwrap();
        assert_eq!(held.len(), 1, "{label}");
        assert_eq!(held[0].lane, "chat:41", "{label}");
        assert!(
            held[0].last_error.starts_with("cannot be opened"),
            "{label}: {:?}",
            held[0]
        );
        assert!(
            storage
                .due_jobs(2_000, 100, &[], true)
                .await
                .unwrap()
                .iter()
                .all(|job| job.chat_id != 41),
            "{label}: not read again at once"
        );
        storage.close().await;
    }
}

#[tokio::test]
async fn an_update_that_keeps_failing_is_set_aside_and_stops_nothing() {
    for db in TestDb::all().await {
        let label = db.label;
        let storage = Storage::connect(&db.url).await.unwrap();
        storage.store_update(10, Some(77), "{}").await.unwrap();
        storage.store_update(11, Some(77), "{}").await.unwrap();
        for _ in 0..2 {
            assert!(!storage.update_failed(10, "boom").await.unwrap(), "{label}");
        }
        let pending: Vec<i64> = storage
            .unprocessed_updates()
            .await
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(
            pending,
            [10, 11],
            "{label}: retried until the third failure"
        );
        assert!(
            storage.update_failed(10, "boom").await.unwrap(),
            "{label}: set aside"
        );
        let pending: Vec<i64> = storage
            .unprocessed_updates()
            .await
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(pending, [11], "{label}: not replayed again");
        assert_eq!(storage.quarantined_updates().await.unwrap(), 1, "{label}");
        // The chat's next update is not held behind it.
        assert!(
            matches!(storage.begin_update(11).await.unwrap(), Begun::Ready(_)),
            "{label}"
        );
        storage.close().await;
    }
}

#[tokio::test]
async fn documents_names_are_sealed_at_rest() {
    const KEY_A: &str = "a:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    for db in TestDb::all().await {
        let label = db.label;
        let sealer = patient_navigator::storage::Sealer::from_config(KEY_A, None).unwrap();
        let storage = Storage::connect_sealed(&db.url, Some(sealer))
            .await
            .unwrap();
        let document = patient_navigator::intake::Document {
            file_id: "FILE-1".into(),
            kind: patient_navigator::intake::DocumentKind::Pdf,
            name: Some("Garcia_biopsy_EGFR.pdf".into()),
            size: Some(1_000),
        };
        let submission = patient_navigator::intake::Submission {
            documents: vec![document.clone()],
            consent_version: "v1".into(),
            consent_at: 1,
            ..Default::default()
        };
        let reference =
            changes::submit_case(&storage, 42, &session("home", "es", true), &submission).await;
        let raw: String = sqlx::query_scalar("SELECT documents FROM cases WHERE id = $1")
            .bind(reference.0)
            .fetch_one(storage.pool())
            .await
            .unwrap();
        assert!(!raw.contains("Garcia"), "{label}: {raw}");
        assert!(raw.starts_with("enc2:a:"), "{label}");
        assert_eq!(
            storage.case_documents(reference).await.unwrap(),
            [document],
            "{label}"
        );
        assert_eq!(
            storage
                .case_view(reference)
                .await
                .unwrap()
                .unwrap()
                .documents,
            1,
            "{label}"
        );
        storage.close().await;
    }
}

/// A coordinator's close and the patient's next message in one group
/// commit: the patient's update sees the case closed (it reopens it rather
/// than relaying into a closed topic), not the session as it was loaded
/// when the group began. SQLite: one group at a time, so holding one
/// update's work makes the next two wait and start together.
#[tokio::test]
async fn an_update_sees_what_an_earlier_one_in_its_group_changed() {
    let db = TestDb::sqlite();
    let storage = Storage::connect(&db.url).await.unwrap();
    let reference =
        changes::submit_case(&storage, 101, &session("home", "en", true), &submission()).await;
    storage
        .store_updates(&[
            (1, Some(900), "{}".to_owned()),
            (2, Some(-1_001), "{}".to_owned()),
            (3, Some(101), "{}".to_owned()),
        ])
        .await
        .unwrap();
    let Begun::Ready(blocker) = storage.begin_update(1).await.unwrap() else {
        panic!("update 1 was not ready");
    };
    let closing = {
        let storage = storage.clone();
        tokio::spawn(async move {
            let Begun::Ready(mut work) = storage.begin_update(2).await.unwrap() else {
                panic!("update 2 was not ready");
            };
            assert!(work.close_case(reference).await.unwrap());
            work.commit().await.unwrap();
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let writing = {
        let storage = storage.clone();
        tokio::spawn(async move {
            let Begun::Ready(mut work) = storage.begin_update(3).await.unwrap() else {
                panic!("update 3 was not ready");
            };
            let session = work.load_session(101).await.unwrap().unwrap();
            work.commit().await.unwrap();
            session
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    blocker.commit().await.unwrap();
    closing.await.unwrap();
    let link = writing.await.unwrap().case.expect("the patient's case");
    assert_eq!(link.reference, reference);
    assert!(!link.open, "the close earlier in the group is seen");
}

/// Rows sealed with a key this replica does not have (a key removed too
/// early, a replica with a newer one) stop nothing: such a stored update
/// is set aside (and handed back by `replay_set_aside` once the key is
/// here), the others go; a patient whose draft cannot be opened fails
/// their own update only, not the group it was loaded with; `/queue`
/// still lists an unreadable case.
#[tokio::test]
async fn rows_that_cannot_be_opened_stop_nothing_else() {
    const KEY_A: &str = "a:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const KEY_B: &str = "b:HxsdHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=";
    let sealer = |key| Some(patient_navigator::storage::Sealer::from_config(key, None).unwrap());
    for db in TestDb::all().await {
        let label = db.label;
        // Written by a replica with key B only.
        let newer = Storage::connect_sealed(&db.url, sealer(KEY_B))
            .await
            .unwrap();
        let mut drafting = session("intake", "en", true);
        drafting.intake = FormState::Filling(patient_navigator::intake::Draft {
            answers: Default::default(),
            position: patient_navigator::intake::engine::Position::Review,
            history: vec![],
            selection: vec![],
            files: vec![],
        });
        changes::save_session(&newer, 202, &drafting).await;
        changes::submit_case(&newer, 203, &session("home", "en", true), &submission()).await;
        newer
            .store_updates(&[(5, Some(205), "{\"update_id\":5}".to_owned())])
            .await
            .unwrap();
        newer.close().await;

        let storage = Storage::connect_sealed(&db.url, sealer(KEY_A))
            .await
            .unwrap();
        changes::save_session(&storage, 201, &session("home", "en", true)).await;
        storage
            .store_updates(&[
                (6, Some(206), "{\"update_id\":6}".to_owned()),
                (7, Some(201), "{}".to_owned()),
                (8, Some(202), "{}".to_owned()),
            ])
            .await
            .unwrap();

        // The sweep: update 5 is set aside, 6 goes on.
        let stale: Vec<i64> = storage
            .stale_updates(i64::MAX, 2)
            .await
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(stale, [6], "{label}");
        assert_eq!(storage.quarantined_updates().await.unwrap(), 1, "{label}");

        // Patients 201 and 202 in one group: 202's draft cannot be opened.
        let first = {
            let storage = storage.clone();
            tokio::spawn(async move {
                let Begun::Ready(mut work) = storage.begin_update(7).await.unwrap() else {
                    panic!("update 7 was not ready");
                };
                let session = work.load_session(201).await.unwrap();
                work.commit().await.unwrap();
                session
            })
        };
        let second = {
            let storage = storage.clone();
            tokio::spawn(async move {
                let Begun::Ready(mut work) = storage.begin_update(8).await.unwrap() else {
                    panic!("update 8 was not ready");
                };
                work.load_session(202).await.map(drop)
            })
        };
        assert!(first.await.unwrap().is_some(), "{label}: 201 is served");
        assert!(second.await.unwrap().is_err(), "{label}: 202 fails alone");
        assert!(storage.is_processed(7).await.unwrap(), "{label}");

        // /queue lists the case it cannot read.
        let open = storage.open_cases().await.unwrap();
        assert_eq!(open.len(), 1, "{label}");
        assert!(open[0].summary.contains("cannot be read"), "{label}");

        // Once the key is back, the update set aside is handed out again.
        assert_eq!(storage.replay_set_aside().await.unwrap(), 1, "{label}");
        storage.close().await;
        let fixed = Storage::connect_sealed(
            &db.url,
            Some(patient_navigator::storage::Sealer::from_config(KEY_A, Some(KEY_B)).unwrap()),
        )
        .await
        .unwrap();
        let stale: Vec<i64> = fixed
            .stale_updates(i64::MAX, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert!(stale.contains(&5), "{label}: {stale:?}");
        fixed.close().await;
    }
}

/// A group whose writes fail (here: an outbox id already taken) undoes its
/// updates' writes, but not the clearing of jobs delivered meanwhile:
/// Telegram has those messages, and they must not be sent again.
#[tokio::test]
async fn a_failed_group_commit_still_clears_the_jobs_delivered() {
    let db = TestDb::sqlite();
    let storage = Storage::connect(&db.url).await.unwrap();
    storage
        .store_updates(&[
            (1, Some(900), "{}".to_owned()),
            (2, Some(901), "{}".to_owned()),
            (3, Some(902), "{}".to_owned()),
        ])
        .await
        .unwrap();
    let Begun::Ready(mut work) = storage.begin_update(3).await.unwrap() else {
        panic!("update 3 was not ready");
    };
    work.push(902, "chat:902".into(), "delivered".into());
    work.commit().await.unwrap();
    let delivered = storage.due_jobs(i64::MAX, 10, &[], true).await.unwrap()[0].id;
    // The id update 2's first job will take, taken already.
    sqlx::query(
        "INSERT INTO outbox (id, chat_id, lane, job, created_at) VALUES (128, 1, 'chat:1', 'x', 0)",
    )
    .execute(storage.pool())
    .await
    .unwrap();

    let Begun::Ready(blocker) = storage.begin_update(1).await.unwrap() else {
        panic!("update 1 was not ready");
    };
    let clearing = {
        let storage = storage.clone();
        tokio::spawn(async move { storage.finish_job(delivered).await })
    };
    let failing = {
        let storage = storage.clone();
        tokio::spawn(async move {
            let Begun::Ready(mut work) = storage.begin_update(2).await.unwrap() else {
                panic!("update 2 was not ready");
            };
            work.push(901, "chat:901".into(), "conflicts".into());
            work.commit().await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    blocker.commit().await.unwrap();
    assert!(failing.await.unwrap().is_err(), "the group's writes failed");
    clearing.await.unwrap().unwrap();
    // On SQLite the sender does not wait for the clearing: closing the
    // storage finishes it.
    storage.close().await;
    let storage = Storage::connect(&db.url).await.unwrap();
    let left: Vec<i64> = sqlx::query_scalar("SELECT id FROM outbox ORDER BY id")
        .fetch_all(storage.pool())
        .await
        .unwrap();
    assert_eq!(left, [128], "the delivered job is cleared all the same");
    assert!(!storage.is_processed(2).await.unwrap());
}

/// SQLite commits are on disk before they return (FULL) unless the URL
/// says `?synchronous=normal`.
#[tokio::test]
async fn sqlite_durability_follows_the_url() {
    let db = TestDb::sqlite();
    for (url, expected) in [
        (db.url.clone(), 2_i64),
        (format!("{}?synchronous=normal", db.url), 1),
    ] {
        let storage = Storage::connect(&url).await.unwrap();
        let level: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(storage.pool())
            .await
            .unwrap();
        assert_eq!(level, expected, "{url}");
        storage.close().await;
    }
}

/// A case's status is one of three: the database refuses any other, on an
/// insert and on an update (migration 0014), so that no row can hold a
/// status the bot would have to guess at when reading it.
#[tokio::test]
async fn the_database_refuses_a_status_a_case_cannot_have() {
    for db in TestDb::all().await {
        let label = db.label;
        let storage = Storage::connect(&db.url).await.unwrap();
        let reference =
            changes::submit_case(&storage, 5, &session("home", "en", true), &submission()).await;
        let set_status = |status: &'static str| {
            sqlx::query("UPDATE cases SET status = $1 WHERE id = $2")
                .bind(status)
                .bind(reference.0)
                .execute(storage.pool())
        };
        for status in ["new", "Closed", ""] {
            assert!(
                set_status(status).await.is_err(),
                "{label}: the status “{status}” was stored"
            );
        }
        for status in ["assigned", "closed", "waiting"] {
            set_status(status)
                .await
                .unwrap_or_else(|err| panic!("{label}: “{status}” refused: {err}"));
        }
        let copy_as = |id: i64, status: &'static str| {
            sqlx::query(
                "INSERT INTO cases (id, chat_id, locale, status, answers, summary, consent_version, consent_at, created_at, updated_at)
                 SELECT $1, chat_id, locale, $2, answers, summary, consent_version, consent_at, created_at, updated_at
                 FROM cases WHERE id = $3",
            )
            .bind(id)
            .bind(status)
            .bind(reference.0)
            .execute(storage.pool())
        };
        assert!(
            copy_as(100, "pending").await.is_err(),
            "{label}: a case was inserted with the status “pending”"
        );
        copy_as(101, "closed")
            .await
            .unwrap_or_else(|err| panic!("{label}: a closed case refused: {err}"));
        let case = storage.case(reference).await.unwrap().unwrap();
        assert_eq!(case.status, CaseStatus::Waiting, "{label}");
        storage.close().await;
    }
}

/// A delivered job is never read again, on either database: on SQLite the
/// sender does not wait for its deletion, which comes with a later group's
/// writes, and until then it is "being cleared"; closing the storage
/// finishes the deletions.
#[tokio::test]
async fn a_delivered_job_is_not_read_again_while_its_deletion_waits() {
    for db in TestDb::all().await {
        let label = db.label;
        let storage = Storage::connect(&db.url).await.unwrap();
        let Begun::Ready(mut work) = storage.begin_update(1).await.unwrap() else {
            panic!("{label}: update 1 was not ready");
        };
        work.push(42, "chat:42".into(), "screen".into());
        work.push(42, "chat:42".into(), "answer".into());
        work.commit().await.unwrap();
        let due = storage.due_jobs(1_000, 100, &[], true).await.unwrap();
        assert_eq!(due.len(), 2, "{label}");
        storage.finish_jobs(vec![due[0].id]).await.unwrap();
        let left = storage.due_jobs(1_000, 100, &[], true).await.unwrap();
        let names: Vec<&str> = left.iter().map(|job| job.job.as_str()).collect();
        assert_eq!(names, ["answer"], "{label}: the delivered one is not read");
        storage.close().await;
        let reopened = Storage::connect(&db.url).await.unwrap();
        let left = reopened.due_jobs(1_000, 100, &[], true).await.unwrap();
        let names: Vec<&str> = left.iter().map(|job| job.job.as_str()).collect();
        assert_eq!(names, ["answer"], "{label}: deleted by the time it closed");
        reopened.close().await;
    }
}

/// A close from the shell (a coordinator's `/close`, a blocked bot) and
/// its audit entry are one transaction: when the entry cannot be written,
/// the case stays open; when it can, both land, once.
#[tokio::test]
async fn a_close_and_its_audit_entry_land_together() {
    for db in TestDb::all().await {
        let label = db.label;
        let storage = Storage::connect(&db.url).await.unwrap();
        let reference =
            changes::submit_case(&storage, 5, &session("home", "en", true), &submission()).await;
        let maria = patient_navigator::handoff::Coordinator {
            id: 9002,
            name: "Maria".into(),
        };
        let rename = |from: &'static str, to: &'static str| {
            let pool = storage.pool().clone();
            async move {
                sqlx::query(&format!("ALTER TABLE {from} RENAME TO {to}"))
                    .execute(&pool)
                    .await
                    .unwrap();
            }
        };
        // No audit log to write to: the close is undone with it.
        rename("audit_log", "audit_log_away").await;
        let failed = storage.close_case_audited(reference, Some(&maria)).await;
        rename("audit_log_away", "audit_log").await;
        assert!(failed.is_err(), "{label}: closed without its audit entry");
        let case = storage.case(reference).await.unwrap().unwrap();
        assert_eq!(case.status, CaseStatus::Waiting, "{label}: half a close");

        assert!(
            storage
                .close_case_audited(reference, Some(&maria))
                .await
                .unwrap(),
            "{label}"
        );
        let case = storage.case(reference).await.unwrap().unwrap();
        assert_eq!(case.status, CaseStatus::Closed, "{label}");
        let trail = storage.audit_trail(reference).await.unwrap();
        let closes = |trail: &[(String, String)]| {
            trail
                .iter()
                .filter(|(_, action)| action == "close")
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(
            closes(&trail),
            [("Maria".to_owned(), "close".to_owned())],
            "{label}"
        );
        // Closed already: nothing changes, no second entry.
        assert!(
            !storage.close_case_audited(reference, None).await.unwrap(),
            "{label}"
        );
        assert_eq!(
            closes(&storage.audit_trail(reference).await.unwrap()).len(),
            1,
            "{label}"
        );
        storage.close().await;
    }
}

/// The reminders' sweep reads a waiting case only once it has waited long
/// enough for a reminder (`queued_by`): a full queue is not read every
/// sweep.
#[tokio::test]
async fn the_sweep_reads_only_cases_that_waited_long_enough() {
    use patient_navigator::storage::unix_now;
    for db in TestDb::all().await {
        let storage = Storage::connect(&db.url).await.unwrap();
        let before = unix_now();
        let waiting =
            changes::submit_case(&storage, 71, &session("home", "en", true), &submission()).await;
        let after = unix_now();
        let read = |queued_by: i64| {
            let storage = &storage;
            async move {
                storage
                    .escalation_watch(Some(-100_123), queued_by)
                    .await
                    .unwrap()
                    .iter()
                    .map(|watched| watched.reference)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(read(before - 1).await, [], "{}", db.label);
        assert_eq!(read(after).await, [waiting], "{}", db.label);
        storage.close().await;
    }
}

/// The updates of one `getUpdates` answer ask for their turns a moment
/// apart: on PostgreSQL, the group that starts with the first waits for the
/// others and commits them together, rather than commit the first alone
/// and the others after it. One that never asks holds a group a moment
/// only. (SQLite's one writer waits only for the turns of the updates its
/// group stores: `received_updates_are_stored_with_their_work_on_sqlite`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updates_received_together_share_one_commit_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let storage = Storage::connect(&db.url).await.unwrap();
    let updates: Vec<_> = (1..=2_i64)
        .map(|id| (id, Some(400 + id), format!("{{\"update_id\":{id}}}")))
        .collect();
    assert_eq!(storage.stage_updates(&updates).await.unwrap().new, [1, 2]);
    let first = {
        let storage = storage.clone();
        tokio::spawn(async move {
            let Begun::Ready(work) = storage.begin_update(1).await.unwrap() else {
                panic!("update 1 was not ready");
            };
            work.commit().await.unwrap();
            std::time::Instant::now()
        })
    };
    // After the first one's group started: a group that did not wait would
    // have taken what had asked by then.
    std::thread::sleep(std::time::Duration::from_micros(300));
    let Begun::Ready(work) = storage.begin_update(2).await.unwrap() else {
        panic!("update 2 was not ready");
    };
    // The first commits with the second: not before it hands back.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let handed_back = std::time::Instant::now();
    work.commit().await.unwrap();
    let first_committed = first.await.unwrap();
    assert!(
        first_committed >= handed_back,
        "the first update committed on its own"
    );

    // Received, never asked for its turn (a chat's next update waits for
    // its first; some updates need no turn): a moment's wait.
    let updates: Vec<_> = (3..=4_i64)
        .map(|id| (id, Some(400 + id), format!("{{\"update_id\":{id}}}")))
        .collect();
    assert_eq!(storage.stage_updates(&updates).await.unwrap().new, [3, 4]);
    let asked = std::time::Instant::now();
    let Begun::Ready(work) = storage.begin_update(3).await.unwrap() else {
        panic!("update 3 was not ready");
    };
    work.commit().await.unwrap();
    assert!(
        asked.elapsed() < std::time::Duration::from_secs(1),
        "a group waited {:?} for an update that never asked",
        asked.elapsed()
    );
    assert!(storage.is_processed(3).await.unwrap());
    assert!(!storage.is_processed(4).await.unwrap());
    storage.close().await;
}

/// Updates the poller stages are worked at once (on PostgreSQL before they
/// are on disk: the work's own commit puts them there; on SQLite in the
/// transaction that stores them), are stored and worked once (a batch sent
/// again brings nothing new: PostgreSQL hands out none of it, SQLite's
/// turns find it processed), and are on disk once `staged_on_disk`
/// returned.
#[tokio::test]
async fn staged_updates_are_worked_at_once_and_stored_once() {
    for db in TestDb::all().await {
        let storage = Storage::connect(&db.url).await.unwrap();
        let updates: Vec<_> = (1..=3_i64)
            .map(|id| (id, Some(300 + id), format!("{{\"update_id\":{id}}}")))
            .collect();
        let staged = storage.stage_updates(&updates).await.unwrap();
        assert_eq!(staged.new, [1, 2, 3], "{}", db.label);
        let Begun::Ready(mut work) = storage.begin_update(2).await.unwrap() else {
            panic!("{}: the staged update was not ready", db.label);
        };
        work.save_session(302, &session("home", "en", true))
            .await
            .unwrap();
        work.commit().await.unwrap();
        storage.staged_on_disk(staged).await.unwrap();
        let again = storage.stage_updates(&updates).await.unwrap();
        if db.label == "postgres" {
            assert!(again.new.is_empty(), "sent again, nothing is new");
        }
        assert!(
            matches!(storage.begin_update(2).await.unwrap(), Begun::Processed),
            "{}: sent again, processed once",
            db.label
        );
        storage.staged_on_disk(again).await.unwrap();
        let left: Vec<i64> = storage
            .unprocessed_updates()
            .await
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(left, [1, 3], "{}", db.label);
        storage.close().await;
    }
}

/// On SQLite, the group that stores a batch of updates waits a moment for
/// their turns: they are stored and worked in one transaction, and the
/// poller hears that they are on disk only once their work committed
/// (before, a group stored them on its own and the next one worked them:
/// two commits on the way of each update).
#[tokio::test]
async fn received_updates_are_stored_with_their_work_on_sqlite() {
    let db = TestDb::sqlite();
    let storage = Storage::connect(&db.url).await.unwrap();
    let updates = vec![(1, Some(500), "{\"update_id\":1}".to_owned())];
    let staged = storage.stage_updates(&updates).await.unwrap();
    let on_disk = {
        let storage = storage.clone();
        tokio::spawn(async move {
            storage.staged_on_disk(staged).await.unwrap();
            std::time::Instant::now()
        })
    };
    // The dispatcher's moment between the hand-out and the turn.
    std::thread::sleep(std::time::Duration::from_micros(300));
    let Begun::Ready(work) = storage.begin_update(1).await.unwrap() else {
        panic!("update 1 was not ready");
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let handed_back = std::time::Instant::now();
    work.commit().await.unwrap();
    assert!(
        on_disk.await.unwrap() >= handed_back,
        "the updates were stored by a group of their own"
    );
    assert!(storage.is_processed(1).await.unwrap());

    // An update that needs nothing done is marked processed by a write of
    // its own, which may come in the very group that stores it (here, the
    // one after a group held open): the write runs after the store.
    storage
        .store_updates(&[(2, Some(501), "{\"update_id\":2}".to_owned())])
        .await
        .unwrap();
    let Begun::Ready(holder) = storage.begin_update(2).await.unwrap() else {
        panic!("update 2 was not ready");
    };
    let updates = vec![(3, Some(-100_500), "{\"update_id\":3}".to_owned())];
    let staged = storage.stage_updates(&updates).await.unwrap();
    let marking = {
        let storage = storage.clone();
        tokio::spawn(async move { storage.mark_processed(3).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    holder.commit().await.unwrap();
    storage.staged_on_disk(staged).await.unwrap();
    marking.await.unwrap().unwrap();
    assert!(
        storage.is_processed(3).await.unwrap(),
        "marked before it was stored"
    );
    storage.close().await;
}

/// Received updates are stored with the coming group's writes: when that
/// group fails, the poller hears that they were not stored (and fetches
/// them again), nothing of them is left half-written, and one handed to
/// the dispatcher already is not worked until stored again (it would be
/// worked twice: now, and once fetched again).
#[tokio::test]
async fn updates_stored_with_a_failing_group_are_reported_not_stored() {
    let db = TestDb::sqlite();
    let storage = Storage::connect(&db.url).await.unwrap();
    storage
        .store_updates(&[
            (1, Some(900), "{}".to_owned()),
            (2, Some(901), "{}".to_owned()),
        ])
        .await
        .unwrap();
    // The id update 2's first job will take, taken already.
    sqlx::query(
        "INSERT INTO outbox (id, chat_id, lane, job, created_at) VALUES (128, 1, 'chat:1', 'x', 0)",
    )
    .execute(storage.pool())
    .await
    .unwrap();
    let Begun::Ready(blocker) = storage.begin_update(1).await.unwrap() else {
        panic!("update 1 was not ready");
    };
    // Both wait for the group after the blocker's, and share it.
    let failing = {
        let storage = storage.clone();
        tokio::spawn(async move {
            let Begun::Ready(mut work) = storage.begin_update(2).await.unwrap() else {
                panic!("update 2 was not ready");
            };
            work.push(901, "chat:901".into(), "conflicts".into());
            work.commit().await
        })
    };
    let received = vec![(3, Some(902), "{\"update_id\":3}".to_owned())];
    let storing = {
        let storage = storage.clone();
        let received = received.clone();
        tokio::spawn(async move { storage.store_updates(&received).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    blocker.commit().await.unwrap();
    assert!(failing.await.unwrap().is_err(), "the group's writes failed");
    assert!(storing.await.unwrap().is_err(), "not stored: fetched again");
    assert!(
        storage.begin_update(3).await.is_err(),
        "worked though not stored"
    );
    assert_eq!(
        storage.store_updates(&received).await.unwrap(),
        [3],
        "new when stored again"
    );
    assert!(matches!(
        storage.begin_update(3).await.unwrap(),
        Begun::Ready(_)
    ));
    storage.close().await;
}

/// A connection the server closed (PostgreSQL restarted, an idle timeout)
/// does not fail the next update: the group commit keeps no PostgreSQL
/// connection between groups, and the pool tests the one it hands out.
#[tokio::test]
async fn a_connection_the_server_closed_does_not_fail_an_update() {
    use sqlx::Connection;
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let storage = Storage::connect(&db.url).await.unwrap();
    changes::save_session(&storage, 7, &session("home", "en", true)).await;
    let database = db.url.rsplit('/').next().unwrap().to_owned();
    let mut admin = sqlx::PgConnection::connect(&std::env::var("TEST_DATABASE_URL").unwrap())
        .await
        .unwrap();
    let closed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(&database)
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert!(!closed.is_empty(), "the storage's connections were open");

    changes::save_session(&storage, 7, &session("faq", "en", true)).await;
    assert_eq!(
        storage.load_session(7).await.unwrap(),
        Some(session("faq", "en", true))
    );
    storage.close().await;
}

/// A patient's update is worked beside its group commit, on its thread
/// (its turn, its `Work` and its commit's answer never cross between
/// threads), on both databases. A work that panics there, holding its
/// `Work`, reaches its caller as a panic (the handler tree counts it
/// against the update), and its transaction is given back: the update is
/// worked again and commits.
#[tokio::test]
async fn an_update_s_work_runs_beside_its_group_commit() {
    use futures::FutureExt;
    for db in TestDb::all().await {
        let storage = Storage::connect(&db.url).await.unwrap();
        let updates: Vec<_> = (1..=2_i64)
            .map(|id| (id, Some(500 + id), format!("{{\"update_id\":{id}}}")))
            .collect();
        assert_eq!(storage.store_updates(&updates).await.unwrap(), [1, 2]);
        let work_update = |update_id: i64, panics: bool| {
            let storage = storage.clone();
            async move {
                let thread = std::thread::current().name().map(str::to_owned);
                let Begun::Ready(work) = storage.begin_update(update_id).await.unwrap() else {
                    panic!("update {update_id} was not ready");
                };
                assert!(!panics, "the work of update {update_id} failed");
                work.commit().await.unwrap();
                thread
            }
        };
        let thread = storage.work_beside(work_update(1, false)).await.unwrap();
        assert_eq!(thread.as_deref(), Some("group-commit"), "{}", db.label);
        assert!(storage.is_processed(1).await.unwrap(), "{}", db.label);

        let panicked = std::panic::AssertUnwindSafe(storage.work_beside(work_update(2, true)))
            .catch_unwind()
            .await;
        assert!(panicked.is_err(), "{}: the panic was lost", db.label);
        assert!(!storage.is_processed(2).await.unwrap(), "{}", db.label);
        storage.work_beside(work_update(2, false)).await.unwrap();
        assert!(storage.is_processed(2).await.unwrap(), "{}", db.label);
        storage.close().await;
    }
}
