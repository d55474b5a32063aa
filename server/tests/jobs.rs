//! The job queue (issue 36 item 3), with a channel of its own beside email: a job of it is claimed,
//! retried with the outbox's capped backoff and given up on after the give-up time exactly like mail,
//! and queued again by a retry; two workers never run one job twice; a job whose worker died between
//! claiming and recording it runs again once the lease ends; committing wakes the channel's worker, and
//! mail's page, status and worker never see the other channel's jobs.

mod common;
use common::TestApp;
use serde_json::{json, Value};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use usher_app::service::jobs::{self, Channel, Job, JobHandler, RetryPolicy, Worker};
use usher_app::service::{time, Db};

db_tests!(
    a_job_is_retried_and_given_up_like_mail,
    two_workers_never_run_one_job_twice,
    a_job_claimed_by_a_worker_that_died_runs_again_after_the_lease,
    a_queued_job_wakes_its_worker_only_after_commit,
);

const TEST: Channel = Channel("test");

/// What the test handler does with a job.
#[derive(Clone, Copy)]
enum Mode {
    /// Reads its payload, waits 5 ms, succeeds.
    Succeed,
    /// Fails with "boom".
    Fail,
    /// Never finishes (its worker dies meanwhile).
    Hang,
}

/// The test channel's handler; records the pk of each job it starts.
struct Recorder {
    mode: Mode,
    runs: Arc<Mutex<Vec<String>>>,
}

impl JobHandler for Recorder {
    fn channel(&self) -> Channel {
        TEST
    }

    fn policy(&self) -> Option<RetryPolicy> {
        Some(RetryPolicy {
            backoff_base: 5,
            give_up_after_secs: 72 * 3600,
        })
    }

    fn run(
        &self,
        _db: &Db,
        job: Job,
    ) -> impl Future<Output = Result<String, String>> + Send + 'static {
        let (mode, runs) = (self.mode, self.runs.clone());
        async move {
            runs.lock().unwrap().push(job.pk.clone());
            let payload: Value = job.payload()?;
            match mode {
                Mode::Succeed => {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    Ok(format!("did {}", payload["n"]))
                }
                Mode::Fail => Err("boom".to_owned()),
                Mode::Hang => std::future::pending().await,
            }
        }
    }
}

fn worker(db: &Db, mode: Mode, runs: &Arc<Mutex<Vec<String>>>) -> Worker<Recorder> {
    Worker::for_handler(
        db.clone(),
        Recorder {
            mode,
            runs: runs.clone(),
        },
    )
}

async fn queue(app: &TestApp, n: i64) -> String {
    let mut tx = app.db.begin().await.unwrap();
    let pk = jobs::enqueue(&mut tx, TEST, &json!({ "n": n }))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    pk
}

/// `(status, attempts, next_attempt_at, last_error)` of job `pk`.
async fn state(app: &TestApp, pk: &str) -> (String, i64, i64, String) {
    sqlx::query_as("SELECT status, attempts, next_attempt_at, last_error FROM outbox WHERE pk = $1")
        .bind(pk)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

/// Makes job `pk` look as if it had been trying for `hours` hours, `attempts` times, and due now (as
/// tests/outbox.rs ages a message).
async fn age(app: &TestApp, pk: &str, hours: i64, attempts: i64) {
    let now = time::now();
    sqlx::query(
        "UPDATE outbox SET created = $1, attempts = $2, next_attempt_at = $3, status = 'queued' WHERE pk = $4",
    )
    .bind(now - hours * 3600)
    .bind(attempts)
    .bind(now)
    .bind(pk)
    .execute(&app.db.pool)
    .await
    .unwrap();
}

async fn a_job_is_retried_and_given_up_like_mail(app: TestApp) {
    let mut admin = app.admin().await;
    let runs = Arc::default();
    let pk = queue(&app, 7).await;
    let (channel, payload): (String, String) =
        sqlx::query_as("SELECT channel, payload FROM outbox WHERE pk = $1")
            .bind(&pk)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(channel, "test");
    assert_eq!(
        serde_json::from_str::<Value>(&payload).unwrap(),
        json!({"n": 7})
    );
    // Mail's worker, page and status see no job of another channel.
    let mail = usher_app::service::delivery::Worker::new(
        app.db.clone(),
        app.state.config.secret_key.clone(),
        common::mail_config(common::free_port()),
    )
    .unwrap();
    assert_eq!(mail.run_once().await.unwrap(), 0);
    let (_, listed) = admin
        .call("admin/outbox/list", json!({"only_failed": false}))
        .await;
    assert_eq!(listed, json!([]));
    let (_, status) = admin.call("admin/mail/status", json!({})).await;
    assert_eq!(status["queued"], 0);

    // The first attempt fails: due again after the backoff's base (5 s), and not before.
    let failing = worker(&app.db, Mode::Fail, &runs);
    let before = time::now();
    assert_eq!(failing.run_once().await.unwrap(), 1);
    let (status, attempts, next, error) = state(&app, &pk).await;
    assert_eq!(
        (status.as_str(), attempts, error.as_str()),
        ("queued", 1, "boom")
    );
    assert!((before + 5..=time::now() + 5).contains(&next), "{next}");
    assert_eq!(failing.run_once().await.unwrap(), 0, "not due yet");
    // 71 hours and 50 failed attempts later it is still retried, at most an hour apart.
    age(&app, &pk, 71, 50).await;
    let before = time::now();
    failing.run_once().await.unwrap();
    let (status, attempts, next, _) = state(&app, &pk).await;
    assert_eq!((status.as_str(), attempts), ("queued", 51));
    assert!(
        (before + 3600..=time::now() + 3600).contains(&next),
        "{next}"
    );
    // Past the give-up time (72 hours) it is given up on.
    age(&app, &pk, 73, 52).await;
    failing.run_once().await.unwrap();
    let (status, _, _, error) = state(&app, &pk).await;
    assert_eq!((status.as_str(), error.as_str()), ("failed", "boom"));
    assert_eq!(runs.lock().unwrap().len(), 3, "three attempts ran");

    // Mail's retry does not take it; the queue's retry of its own channel does, and it runs.
    let (s, _) = admin.call("admin/outbox/retry", json!({ "pk": pk })).await;
    assert_eq!(s, axum::http::StatusCode::BAD_REQUEST);
    assert!(jobs::retry(&app.db, TEST, &pk).await.unwrap());
    assert_eq!(state(&app, &pk).await.1, 0);
    let ok = worker(&app.db, Mode::Succeed, &runs);
    assert_eq!(ok.run_once().await.unwrap(), 1);
    let (status, attempts, _, error) = state(&app, &pk).await;
    assert_eq!((status.as_str(), attempts, error.as_str()), ("sent", 1, ""));
    assert!(
        !jobs::retry(&app.db, TEST, &pk).await.unwrap(),
        "only a failed job"
    );
}

async fn two_workers_never_run_one_job_twice(app: TestApp) {
    let mut pks = Vec::new();
    let mut tx = app.db.begin().await.unwrap();
    for n in 0..60 {
        pks.push(
            jobs::enqueue(&mut tx, TEST, &json!({ "n": n }))
                .await
                .unwrap(),
        );
    }
    tx.commit().await.unwrap();
    // Two instances on one database, each with its worker, taking rounds as fast as they can.
    let other = app.another_instance().await;
    let runs: Arc<Mutex<Vec<String>>> = Arc::default();
    let drain = |w: Worker<Recorder>| async move {
        let mut handled = 0;
        loop {
            match w.run_once().await.unwrap() {
                0 => break handled,
                n => handled += n,
            }
        }
    };
    let a = tokio::spawn(drain(worker(&app.db, Mode::Succeed, &runs)));
    let b = tokio::spawn(drain(worker(&other.db, Mode::Succeed, &runs)));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    assert_eq!(a + b, 60, "{a} + {b}");
    let mut ran = runs.lock().unwrap().clone();
    ran.sort();
    pks.sort();
    assert_eq!(ran, pks, "each job ran exactly once");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND attempts = 1")
            .await,
        60
    );
}

async fn a_job_claimed_by_a_worker_that_died_runs_again_after_the_lease(app: TestApp) {
    let runs: Arc<Mutex<Vec<String>>> = Arc::default();
    let pk = queue(&app, 1).await;
    // A worker claims the job and dies while running it.
    let dying = worker(&app.db, Mode::Hang, &runs);
    let round = tokio::spawn(async move { dying.run_once().await });
    while runs.lock().unwrap().is_empty() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    round.abort();
    assert!(round.await.unwrap_err().is_cancelled());
    let (status, attempts, ..) = state(&app, &pk).await;
    assert_eq!((status.as_str(), attempts), ("sending", 1));
    // While its lease lasts nobody else runs it.
    let ok = worker(&app.db, Mode::Succeed, &runs);
    assert_eq!(ok.run_once().await.unwrap(), 0);
    // Once the lease has run out, it runs again, and is done.
    sqlx::query("UPDATE outbox SET claimed_until = $1 WHERE pk = $2")
        .bind(time::now() - 1)
        .bind(&pk)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(ok.run_once().await.unwrap(), 1);
    let (status, attempts, ..) = state(&app, &pk).await;
    assert_eq!((status.as_str(), attempts), ("sent", 2));
    assert_eq!(*runs.lock().unwrap(), vec![pk.clone(), pk]);
}

async fn a_queued_job_wakes_its_worker_only_after_commit(app: TestApp) {
    let wake = app.db.wakes.of(TEST);
    let woken = |n: Arc<tokio::sync::Notify>| async move {
        tokio::time::timeout(Duration::from_millis(100), n.notified())
            .await
            .is_ok()
    };
    let mut tx = app.db.begin().await.unwrap();
    jobs::enqueue(&mut tx, TEST, &json!({})).await.unwrap();
    assert!(!woken(wake.clone()).await, "not before the commit");
    tx.commit().await.unwrap();
    assert!(woken(wake.clone()).await, "at the commit");
    assert!(
        !woken(app.db.outbox_wake.clone()).await,
        "not mail's worker"
    );
    let mut tx = app.db.begin().await.unwrap();
    jobs::enqueue(&mut tx, TEST, &json!({})).await.unwrap();
    drop(tx);
    assert!(!woken(wake).await, "not for a rollback");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE channel = 'test'")
            .await,
        1
    );
}
