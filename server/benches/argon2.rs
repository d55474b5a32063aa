//! Password hashing alone, the ceiling of enrollment throughput (issue 13, P2): `USHER_BENCH_CONCURRENCY`
//! tasks (default 8) hash passwords through Usher's own [`hash_password`] (argon2id, default parameters
//! m=19456 KiB, t=2, p=1, the same bounded hashing queue as sign-in and enrollment) for
//! `USHER_BENCH_SECONDS` (default 10) and it prints hashes per second. A benchmark, not a test:
//! `cargo bench -p server --bench argon2` (scripts/bench.sh runs it beside the enrollment load).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use usher_app::service::hashing::hash_password;

/// The server's allocator (`server/src/main.rs`), so hashing alone allocates as the server does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let concurrency = env("USHER_BENCH_CONCURRENCY", 8);
    let seconds = env("USHER_BENCH_SECONDS", 10);
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..concurrency)
        .map(|i| {
            let done = done.clone();
            tokio::spawn(async move {
                while Instant::now() < until {
                    hash_password(format!("bench-password-{i}"))
                        .await
                        .expect("hashing");
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("a hashing task");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let n = done.load(Ordering::Relaxed);
    println!(
        "argon2id alone: {n} hashes in {elapsed:.1} s at {concurrency} concurrent = {:.1} hashes/s",
        n as f64 / elapsed
    );
    println!("RESULT argon2 hashes_per_s={:.1}", n as f64 / elapsed);
}
