//! Building a router while another one serves pages never parks that one's renders. Generating Leptos's
//! route list sets a process-global flag that makes every resource first polled meanwhile, on any thread,
//! wait forever (leptos-rs/leptos#4773); the integration tests build one app per test, in parallel, and an
//! embedding program may build several. Usher generates the list once per process.

mod common;
use common::TestApp;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Renders per client, and clients rendering at once.
const RENDERS: usize = 150;
const CLIENTS: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn building_apps_while_one_serves_never_parks_a_page_render() {
    common::bounded(async {
        let app = TestApp::sqlite().await;
        let stop = Arc::new(AtomicBool::new(false));
        let builders: Vec<_> = (0..2)
            .map(|_| {
                let stop = stop.clone();
                tokio::spawn(async move {
                    let mut built = 0;
                    while !stop.load(Ordering::Relaxed) {
                        drop(TestApp::sqlite().await);
                        built += 1;
                    }
                    built
                })
            })
            .collect();
        let renders: Vec<_> = (0..CLIENTS)
            .map(|_| {
                let mut c = app.client();
                tokio::spawn(async move {
                    for i in 0..RENDERS {
                        // The landing page renders through a resource (the flow's landing view).
                        let page = c.get("/if/flow/default-enrollment-flow/?itoken=not-a-token");
                        let r = tokio::time::timeout(Duration::from_secs(10), page)
                            .await
                            .unwrap_or_else(|_| {
                                panic!("render {i} was parked while another app was built")
                            });
                        assert!(
                            r.body.contains("Invalid invite/invite not found"),
                            "{}",
                            r.body
                        );
                    }
                })
            })
            .collect();
        for r in renders {
            r.await.unwrap();
        }
        stop.store(true, Ordering::Relaxed);
        let mut built = 0;
        for b in builders {
            built += b.await.unwrap();
        }
        assert!(built > 0, "no app was built during the renders");
    })
    .await;
}
