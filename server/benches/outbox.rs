//! Outbox throughput: how many queued messages one worker delivers per second to a local SMTP server
//! (`scripts/smtp-sink.py`, aiosmtpd, on loopback). A benchmark, not a test: run it with
//! `cargo bench -p server --bench outbox` (python3 with aiosmtpd needed). Messages: `USHER_BENCH_MESSAGES`
//! (default 500). Database: a fresh SQLite file, or `USHER_BENCH_DATABASE_URL`.

use std::time::{Duration, Instant};
use usher_app::service::delivery::Worker;
use usher_app::service::mail::{MailConfig, Rendered};
use usher_app::service::outbox::enqueue;
use usher_app::service::Db;

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("USHER_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let dir = std::env::temp_dir().join(format!("usher-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = std::env::var("USHER_BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/bench.db", dir.display()));
    let db = Db::connect(&url).await.expect("database");

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mail_dir = dir.join("mail");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/smtp-sink.py");
    let mut sink = std::process::Command::new("python3")
        .arg(script)
        .args(["--port", &port.to_string(), "--dir"])
        .arg(&mail_dir)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("python3 with aiosmtpd");
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let key = usher_app::service::SecretKey::random();
    let mut tx = db.begin().await.unwrap();
    for i in 0..n {
        let msg = Rendered {
            subject: format!("You've been invited to join Usher ({i})"),
            text: "Hello,\n\nJane has invited you to join Usher.\n\nhttps://id.example.com/if/flow/x/?itoken=0b8d3c4e-1f2a-4b5c-8d9e-0a1b2c3d4e5f\n".repeat(3),
            html: "<p>Hello,</p><p>Jane has invited you to join <b>Usher</b>.</p>".repeat(3),
            secret: None,
        };
        enqueue(
            &mut tx,
            &key,
            None,
            None,
            &[format!("invitee{i}@example.com")],
            &[],
            &[],
            &msg,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    let cfg = MailConfig {
        smtp_url: format!("smtp://127.0.0.1:{port}"),
        from: "Usher <usher@example.com>".into(),
        backoff_base: 1,
        give_up_after_secs: usher_app::domain::outbox::DEFAULT_GIVE_UP_AFTER_SECS,
    };
    let worker = Worker::new(db.clone(), key, cfg).unwrap();
    let start = Instant::now();
    let mut sent = 0;
    while sent < n {
        let k = worker.run_once().await.expect("worker");
        if k == 0 {
            break;
        }
        sent += k;
    }
    let elapsed = start.elapsed();
    let delivered: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let _ = sink.kill();
    let _ = sink.wait();
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "outbox: {delivered}/{n} messages delivered in {:.2} s = {:.0} messages/s (one worker, {}, loopback SMTP)",
        elapsed.as_secs_f64(),
        delivered as f64 / elapsed.as_secs_f64(),
        if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" },
    );
}
