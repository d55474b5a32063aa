//! Slow clients (slowloris, issue 35 item 6): the listener closes a connection whose request headers do
//! not arrive within the header-read timeout and ends a request whose body does not, while a client
//! that sends promptly is served, with its address. Real TCP on loopback, with timeouts of a second.

mod common;
use common::TestApp;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use usher_server::listener::{serve, Timeouts};

const SHORT: Duration = Duration::from_secs(1);

async fn listening(app: &TestApp) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app.router.clone();
    tokio::spawn(serve(
        listener,
        router,
        Timeouts {
            header_read: SHORT,
            body: SHORT,
            drain: SHORT,
        },
        std::future::pending(),
    ));
    addr
}

/// Everything the server sends until it closes the connection, and how long that took; panics past
/// `limit`.
async fn until_closed(tcp: &mut TcpStream, limit: Duration) -> (String, Duration) {
    let start = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at((start + limit).into(), tcp.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => panic!(
                "still open after {limit:?}; received {:?}",
                String::from_utf8_lossy(&got)
            ),
        }
    }
    (String::from_utf8_lossy(&got).into_owned(), start.elapsed())
}

#[tokio::test]
async fn slow_clients_are_cut_off_and_prompt_ones_served() {
    let app = TestApp::sqlite().await;
    let addr = listening(&app).await;

    // A prompt client is served.
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(b"GET /-/health/live/ HTTP/1.1\r\nHost: usher.test\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let (answer, _) = until_closed(&mut tcp, Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 204"), "{answer}");

    // Headers that never end: the connection is closed after the header-read timeout.
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(b"GET /login HTTP/1.1\r\nHost: usher.test\r\nX-Slow: 1\r\n")
        .await
        .unwrap();
    let (answer, took) = until_closed(&mut tcp, Duration::from_secs(10)).await;
    assert!(took >= SHORT / 2, "closed too early: {took:?}");
    assert!(!answer.contains("200 OK"), "{answer}");

    // A body that never ends: the request is ended after the body timeout, never with a 5xx.
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(
        b"POST /api/auth/login HTTP/1.1\r\nHost: usher.test\r\nOrigin: http://usher.test\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nusername=a",
    )
    .await
    .unwrap();
    let (answer, took) = until_closed(&mut tcp, Duration::from_secs(10)).await;
    assert!(took >= SHORT / 2, "ended too early: {took:?}");
    assert!(!answer.contains("HTTP/1.1 5"), "{answer}");
    assert!(!answer.contains("HTTP/1.1 2"), "{answer}");

    // An idle keep-alive connection is closed too, after a served request.
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(b"GET /-/health/live/ HTTP/1.1\r\nHost: usher.test\r\n\r\n")
        .await
        .unwrap();
    let (answer, _) = until_closed(&mut tcp, Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 204"), "{answer}");
}
