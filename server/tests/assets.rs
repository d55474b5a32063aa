mod common;

// Compressed, cached assets (issue 34 item 4): `/pkg` serves a file's brotli or gzip sibling by
// `Accept-Encoding`, always with `Vary: Accept-Encoding`; a cargo-leptos hashed name is cached for a
// year as immutable, any other file is revalidated; a missing file is a 404. The page links the
// stylesheet once, under its hashed name when the build hashed it.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use leptos::prelude::LeptosOptions;
use std::path::{Path, PathBuf};
use tower::ServiceExt;
use usher_app::service::Config;

const WASM: &str = "usher.AAAAAAAAAAAAAAAAAAAAAA.wasm";
const PLAIN: &[u8] = b"\0asm plain bytes";
const BROTLI: &[u8] = b"brotli marker bytes";
const GZIP: &[u8] = b"gzip marker bytes";
const CSS: &[u8] = b"body { margin: 0 }";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// A fresh directory in the temp directory holding a built site (`site/pkg`): the hashed WASM with its
/// `.br` and `.gz` siblings (marker bytes: they are served as they are), and `other.css` without any.
fn site() -> PathBuf {
    let root = std::env::temp_dir().join(format!("usher-test-{}", uuid::Uuid::new_v4()));
    let pkg = root.join("site").join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join(WASM), PLAIN).unwrap();
    std::fs::write(pkg.join(format!("{WASM}.br")), BROTLI).unwrap();
    std::fs::write(pkg.join(format!("{WASM}.gz")), GZIP).unwrap();
    std::fs::write(pkg.join("other.css"), CSS).unwrap();
    root
}

/// The router of a fresh Usher (SQLite file in `root`) serving the site in `root/site`.
async fn router(root: &Path, hash_file: Option<&str>) -> Router {
    let mut options = LeptosOptions::builder()
        .output_name("usher")
        .site_root(root.join("site").display().to_string())
        .site_pkg_dir("pkg")
        .build();
    if let Some(name) = hash_file {
        options.hash_files = true;
        options.hash_file = name.into();
    }
    let url = format!("sqlite://{}/usher.db", root.display());
    usher_server::build(Config::new(common::PUBLIC_URL), &url, options)
        .await
        .expect("app starts")
        .router
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    fn varies_by_encoding(&self) -> bool {
        self.headers.get_all(header::VARY).iter().any(|v| {
            v.to_str()
                .unwrap()
                .to_ascii_lowercase()
                .contains("accept-encoding")
        })
    }
}

async fn get(router: &Router, uri: &str, headers: &[(&str, &str)]) -> Answer {
    let mut req = Request::builder().uri(uri).header("host", "usher.test");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), 1024 * 1024)
        .await
        .unwrap()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

#[tokio::test]
async fn pkg_files_go_out_precompressed_and_hashed_names_are_immutable() {
    common::bounded(async {
        let root = site();
        let app = router(&root, None).await;
        let wasm = format!("/pkg/{WASM}");

        let br = get(&app, &wasm, &[("accept-encoding", "br")]).await;
        assert_eq!(br.status, StatusCode::OK);
        assert_eq!(br.header("content-encoding"), Some("br"));
        assert_eq!(br.body, BROTLI);
        assert!(br.varies_by_encoding(), "{:?}", br.headers);
        assert_eq!(br.header("cache-control"), Some(IMMUTABLE));
        assert_eq!(br.header("content-type"), Some("application/wasm"));

        // A browser names both: brotli wins.
        let both = get(&app, &wasm, &[("accept-encoding", "gzip, deflate, br")]).await;
        assert_eq!(both.header("content-encoding"), Some("br"));
        assert_eq!(both.body, BROTLI);

        let gz = get(&app, &wasm, &[("accept-encoding", "gzip")]).await;
        assert_eq!(gz.status, StatusCode::OK);
        assert_eq!(gz.header("content-encoding"), Some("gzip"));
        assert_eq!(gz.body, GZIP);
        assert!(gz.varies_by_encoding(), "{:?}", gz.headers);
        assert_eq!(gz.header("cache-control"), Some(IMMUTABLE));

        let plain = get(&app, &wasm, &[]).await;
        assert_eq!(plain.status, StatusCode::OK);
        assert_eq!(plain.header("content-encoding"), None);
        assert_eq!(plain.body, PLAIN);
        assert!(plain.varies_by_encoding(), "{:?}", plain.headers);
        assert_eq!(plain.header("cache-control"), Some(IMMUTABLE));

        // Revalidation (`If-Modified-Since`) answers 304 with the same caching headers.
        let last_modified = plain
            .header("last-modified")
            .expect("last-modified")
            .to_owned();
        let again = get(&app, &wasm, &[("if-modified-since", &last_modified)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
        assert_eq!(again.header("cache-control"), Some(IMMUTABLE));
        assert!(again.varies_by_encoding(), "{:?}", again.headers);

        // An unhashed name, without siblings: the plain file whatever is accepted, revalidated.
        let css = get(&app, "/pkg/other.css", &[("accept-encoding", "gzip, br")]).await;
        assert_eq!(css.status, StatusCode::OK);
        assert_eq!(css.header("content-encoding"), None);
        assert_eq!(css.body, CSS);
        assert_eq!(css.header("cache-control"), Some("no-cache"));
        assert!(css.varies_by_encoding(), "{:?}", css.headers);

        // A missing file is a 404, revalidated (even under a hashed name: never cached as immutable).
        for missing in ["/pkg/missing.css", "/pkg/usher.BBBBBBBBBBBBBBBBBBBBBB.wasm"] {
            let r = get(&app, missing, &[("accept-encoding", "br")]).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{missing}");
            assert_eq!(r.header("cache-control"), Some("no-cache"), "{missing}");
        }

        // The rest of the router is as it was: pages are not stored.
        let page = get(&app, "/login", &[]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.header("cache-control"), Some("no-store"));

        let _ = std::fs::remove_dir_all(&root);
    })
    .await;
}

/// The `rel="stylesheet"` links of a page.
fn stylesheets(body: &str) -> Vec<String> {
    body.split("<link")
        .skip(1)
        .map(|s| s.split('>').next().unwrap().to_owned())
        .filter(|tag| tag.contains("rel=\"stylesheet\""))
        .collect()
}

#[tokio::test]
async fn the_page_links_the_stylesheet_once_under_the_built_name() {
    common::bounded(async {
        // Without file hashing: the plain names.
        let root = site();
        let app = router(&root, None).await;
        for path in ["/setup", "/login"] {
            let page = String::from_utf8(get(&app, path, &[]).await.body).unwrap();
            let links = stylesheets(&page);
            assert_eq!(links.len(), 1, "{path}: {links:?}");
            assert!(
                links[0].contains("href=\"/pkg/usher.css\""),
                "{path}: {links:?}"
            );
        }
        let _ = std::fs::remove_dir_all(&root);

        // With it: the names of the hash file cargo-leptos writes next to the executable.
        let root = site();
        let exe_dir = std::env::current_exe()
            .unwrap()
            .parent()
            .unwrap()
            .to_path_buf();
        let name = format!("usher-test-hash-{}.txt", uuid::Uuid::new_v4());
        let hash_file = exe_dir.join(&name);
        std::fs::write(
            &hash_file,
            "js: JJJJJJJJJJJJJJJJJJJJJA\nwasm: WWWWWWWWWWWWWWWWWWWWWA\ncss: CCCCCCCCCCCCCCCCCCCCCA\n",
        )
        .unwrap();
        let app = router(&root, Some(&name)).await;
        let admin = String::from_utf8(get(&app, "/setup", &[]).await.body).unwrap();
        let landing = String::from_utf8(get(&app, "/login", &[]).await.body).unwrap();
        let _ = std::fs::remove_file(&hash_file);
        for (path, page) in [("/setup", &admin), ("/login", &landing)] {
            let links = stylesheets(page);
            assert_eq!(links.len(), 1, "{path}: {links:?}");
            assert!(
                links[0].contains("href=\"/pkg/usher.CCCCCCCCCCCCCCCCCCCCCA.css\""),
                "{path}: {links:?}"
            );
            assert!(!page.contains("/pkg/usher.css"), "{path}: {page}");
        }
        assert!(
            admin.contains("/pkg/usher.JJJJJJJJJJJJJJJJJJJJJA.js"),
            "{admin}"
        );
        assert!(
            admin.contains("/pkg/usher.WWWWWWWWWWWWWWWWWWWWWA.wasm"),
            "{admin}"
        );
        assert!(!admin.contains("/pkg/usher.js"), "{admin}");
        let _ = std::fs::remove_dir_all(&root);
    })
    .await;
}
