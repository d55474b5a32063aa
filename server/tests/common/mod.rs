//! Test harness: the real router on a fresh SQLite file or a fresh PostgreSQL database, driven over
//! `tower::ServiceExt::oneshot`, with a per-client cookie jar.
#![allow(dead_code)]

pub mod source;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use leptos::prelude::LeptosOptions;
use serde_json::Value;
use tower::ServiceExt;
use usher_app::service::{users, AppState, Config, Db};

/// PostgreSQL server for tests (`USHER_TEST_POSTGRES_URL`, default the local `test` database).
pub fn postgres_admin_url() -> String {
    std::env::var("USHER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://127.0.0.1:5432/test".into())
}

pub const PUBLIC_URL: &str = "http://usher.test";
pub const ADMIN_PASSWORD: &str = "correct-horse-battery";

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub db: Db,
    /// The database URL, so another instance can share it.
    pub url: String,
}

/// The instance secret of each test database, by URL ([`verification_code`] opens sealed codes).
static KEYS: std::sync::LazyLock<
    std::sync::Mutex<std::collections::HashMap<String, usher_app::service::SecretKey>>,
> = std::sync::LazyLock::new(Default::default);

fn leptos_options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("usher")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .build()
}

impl TestApp {
    /// A fresh SQLite file in the temp directory.
    pub async fn sqlite() -> Self {
        Self::sqlite_with_public_url(PUBLIC_URL).await
    }

    /// A fresh SQLite file, with a chosen public URL.
    pub async fn sqlite_with_public_url(public_url: &str) -> Self {
        Self::sqlite_with(Config::new(public_url)).await
    }

    /// A fresh SQLite file, with a chosen configuration.
    pub async fn sqlite_with(config: Config) -> Self {
        let dir = std::env::temp_dir().join(format!("usher-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        Self::start(&format!("sqlite://{}/usher.db", dir.display()), config).await
    }

    /// A fresh database on the PostgreSQL server. Fails loudly when PostgreSQL cannot be reached.
    pub async fn postgres() -> Self {
        use sqlx::Connection;
        let admin = postgres_admin_url();
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin} is required for these tests: {e}"));
        let name = format!("usher_t_{}", uuid::Uuid::new_v4().simple());
        sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
        Self::start(&format!("{base}/{name}"), Config::new(PUBLIC_URL)).await
    }

    async fn start(url: &str, config: Config) -> Self {
        // Warnings, and each request's start and end (method, route, status, latency): shown only for a
        // failing test, where the last request started and not finished names what hung.
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter("warn,tower_http=debug")
            .try_init();
        let usher = usher_server::build(config, url, leptos_options())
            .await
            .expect("app starts");
        let db = usher.state.db.clone();
        KEYS.lock()
            .unwrap()
            .insert(db.url.clone(), usher.state.config.secret_key.clone());
        Self {
            router: usher.router,
            state: usher.state,
            db,
            url: url.to_owned(),
        }
    }

    /// A second Usher instance on this instance's database, with the same configuration: the
    /// scale-out story (several processes on one PostgreSQL, or one SQLite file).
    pub async fn another_instance(&self) -> Self {
        Self::start(&self.url, (*self.state.config).clone()).await
    }

    /// Another instance on this instance's database, with its own configuration.
    pub async fn another_instance_with(&self, config: Config) -> Self {
        Self::start(&self.url, config).await
    }

    /// A client of this instance carrying `other`'s session cookie (a load balancer sending the same
    /// browser to another instance).
    pub fn client_like(&self, other: &Client) -> Client {
        Client {
            router: self.router.clone(),
            cookie: other.cookie.clone(),
            via: None,
        }
    }

    pub fn client(&self) -> Client {
        Client {
            router: self.router.clone(),
            cookie: None,
            via: None,
        }
    }

    /// Creates the superuser `admin` (password [`ADMIN_PASSWORD`]) and returns its pk.
    pub async fn admin_pk(&self) -> i64 {
        users::create_admin(
            &self.db,
            "admin",
            "admin@usher.test",
            ADMIN_PASSWORD,
            &usher_app::domain::user::PasswordRules {
                min_chars: usher_app::domain::user::PASSWORD_MIN,
                brand: "Usher".into(),
            },
        )
        .await
        .unwrap()
    }

    /// Creates a superuser `admin` and returns a client signed in as it.
    pub async fn admin(&self) -> Client {
        self.admin_pk().await;
        let mut c = self.client();
        let (status, _) = c.login("admin", ADMIN_PASSWORD).await;
        assert!(
            status.is_success() || status.is_redirection(),
            "admin login: {status}"
        );
        c
    }

    /// Creates a plain (non-admin) user and returns a client signed in as it.
    pub async fn user(&self, username: &str) -> Client {
        let mut u = users::superuser_from_input(
            username,
            &format!("{username}@usher.test"),
            ADMIN_PASSWORD,
            ADMIN_PASSWORD,
            &usher_app::domain::user::PasswordRules {
                min_chars: usher_app::domain::user::PASSWORD_MIN,
                brand: "Usher".into(),
            },
        )
        .await
        .unwrap();
        u.is_superuser = false;
        let mut tx = self.db.begin().await.unwrap();
        users::insert_user(&mut tx, &u).await.unwrap();
        tx.commit().await.unwrap();
        let mut c = self.client();
        c.login(username, ADMIN_PASSWORD).await;
        c
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&self.db.pool)
            .await
            .unwrap()
    }

    /// Gives the built-in flows an email stage again, as releases before issue 34 shipped them
    /// (`app/flows/builtin-shipped-1.yaml`, the stage renamed), like an imported email-verification
    /// flow: every invitee of these flows then proves their address with a code. For tests about codes; call it before
    /// creating invitations (the flows are replaced, with new pks).
    pub async fn with_email_stages(&self) {
        sqlx::query("DELETE FROM flows")
            .execute(&self.db.pool)
            .await
            .unwrap();
        for mut def in usher_app::domain::flow::earlier_builtin_flows() {
            // Their email stages renamed: flows an admin made, which a later start (another
            // instance) leaves alone instead of upgrading them as shipped ones.
            for stage in &mut def.stages {
                if stage.kind.name() == "email" {
                    stage.name.push_str("-own");
                }
            }
            assert!(usher_app::service::flows::install_flow(&self.db, &def)
                .await
                .unwrap());
        }
    }

    /// The pk of the built-in flow with this slug.
    pub async fn flow_pk(&self, slug: &str) -> String {
        sqlx::query_scalar::<_, String>("SELECT pk FROM flows WHERE slug = $1")
            .bind(slug)
            .fetch_one(&self.db.pool)
            .await
            .unwrap()
    }

    /// The token of the invitation with this pk, from its sealed copy (the database keeps only the
    /// token's digest and the token sealed with the instance secret).
    pub async fn token(&self, pk: &str) -> String {
        let sealed =
            sqlx::query_scalar::<_, String>("SELECT token_sealed FROM invitations WHERE pk = $1")
                .bind(pk)
                .fetch_one(&self.db.pool)
                .await
                .unwrap();
        self.state
            .config
            .secret_key
            .open(usher_app::store::invitations::TOKEN_SEAL, pk, &sealed)
            .expect("the token opens with this instance's secret")
    }
}

pub struct Response {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as sent (for a binary download).
    pub bytes: Vec<u8>,
}

impl Response {
    /// Asserts the request succeeded or redirected (a server function's form post does either), showing
    /// the status and body when it did not.
    #[track_caller]
    pub fn assert_accepted(&self) {
        assert!(
            self.status.is_success() || self.status.is_redirection(),
            "{} {}",
            self.status,
            self.body
        );
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

#[derive(Clone)]
pub struct Client {
    router: Router,
    pub cookie: Option<String>,
    /// Sent through a reverse proxy: the TCP peer every request comes from and the `X-Forwarded-For`
    /// value the proxy adds.
    via: Option<(std::net::SocketAddr, String)>,
}

impl Client {
    /// This client, its requests now reaching Usher through a proxy at `proxy` that forwards
    /// `x_forwarded_for`.
    pub fn through_proxy(mut self, proxy: [u8; 4], x_forwarded_for: &str) -> Self {
        self.via = Some(((proxy, 40000).into(), x_forwarded_for.to_owned()));
        self
    }

    pub async fn send(&mut self, req: Request<Body>) -> Response {
        let mut req = req;
        if let Some(c) = &self.cookie {
            // Beside a cookie the request already carries (`call_form_with_cookie`).
            let all = match req.headers().get(header::COOKIE) {
                Some(other) => format!("{}; {c}", other.to_str().unwrap()),
                None => c.clone(),
            };
            req.headers_mut()
                .insert(header::COOKIE, all.parse().unwrap());
        }
        if let Some((peer, xff)) = &self.via {
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(*peer));
            req.headers_mut()
                .insert("x-forwarded-for", xff.parse().unwrap());
        }
        let res = self.router.clone().oneshot(req).await.unwrap();
        for v in res.headers().get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap().to_owned();
            if !pair.starts_with("usher_session=") && !pair.starts_with("__Host-usher_session=") {
                continue;
            }
            if v.contains("Max-Age=0") || pair.ends_with('=') {
                self.cookie = None;
            } else {
                self.cookie = Some(pair);
            }
        }
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024)
            .await
            .unwrap();
        Response {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&mut self, uri: &str) -> Response {
        self.send(
            Request::builder()
                .uri(uri)
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// Calls a JSON-input server function at `/api/{endpoint}`.
    pub async fn call(&mut self, endpoint: &str, args: Value) -> (StatusCode, Value) {
        let req = Request::builder()
            .method(Method::POST)
            .uri(format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json")
            .body(Body::from(args.to_string()))
            .unwrap();
        let r = self.send(req).await;
        (r.status, r.json())
    }

    /// Signs in as the sign-in form does, from the client address `ip`.
    pub async fn login_from(&mut self, username: &str, password: &str, ip: [u8; 4]) -> Response {
        self.call_form_from(
            "auth/login",
            &[("username", username), ("password", password), ("next", "")],
            ip,
        )
        .await
    }

    /// Calls a form-input (URL-encoded) server function at `/api/{endpoint}`.
    pub async fn call_form(&mut self, endpoint: &str, form: &[(&str, &str)]) -> Response {
        self.send(form_request(endpoint, form)).await
    }

    /// As [`Client::call_form`], with the cookie `cookie` (`name=value`) beside the session cookie.
    pub async fn call_form_with_cookie(
        &mut self,
        endpoint: &str,
        form: &[(&str, &str)],
        cookie: &str,
    ) -> Response {
        let mut req = form_request(endpoint, form);
        req.headers_mut()
            .insert(header::COOKIE, cookie.parse().unwrap());
        self.send(req).await
    }

    /// Posts `form` to the server function `endpoint` as a browser at the client address `ip` does.
    pub async fn call_form_from(
        &mut self,
        endpoint: &str,
        form: &[(&str, &str)],
        ip: [u8; 4],
    ) -> Response {
        let mut req = form_request(endpoint, form);
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                ip, 40000,
            ))));
        self.send(req).await
    }

    pub async fn login(&mut self, username: &str, password: &str) -> (StatusCode, Value) {
        let r = self
            .call_form(
                "auth/login",
                &[("username", username), ("password", password), ("next", "")],
            )
            .await;
        (r.status, r.json())
    }
}

/// A URL-encoded POST of `form` to the server function at `/api/{endpoint}`.
pub fn form_request(endpoint: &str, form: &[(&str, &str)]) -> Request<Body> {
    let body: String = form
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    Request::builder()
        .method(Method::POST)
        .uri(format!("/api/{endpoint}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(body))
        .unwrap()
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Runs a test body, failing it (instead of hanging the suite) after 60 seconds.
pub async fn bounded(body: impl std::future::Future<Output = ()>) {
    if tokio::time::timeout(std::time::Duration::from_secs(60), body)
        .await
        .is_err()
    {
        panic!("test did not finish within 60 seconds");
    }
}

/// Runs each named async test function against SQLite and PostgreSQL.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::common::bounded(async { super::$name(super::common::TestApp::sqlite().await).await }).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::common::bounded(async { super::$name(super::common::TestApp::postgres().await).await }).await
            }
        }
    )*};
}

/// A real SMTP server process on loopback (`scripts/smtp-sink.py`, aiosmtpd) writing each message to a file.
pub struct SmtpSink {
    pub port: u16,
    pub dir: std::path::PathBuf,
    child: Option<std::process::Child>,
}

/// A loopback port nobody listens on (yet).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl SmtpSink {
    /// Starts a sink on `port` and waits until it accepts connections.
    pub async fn start(port: u16) -> Self {
        let dir = std::env::temp_dir().join(format!("usher-test-mail-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut sink = Self {
            port,
            dir,
            child: None,
        };
        sink.restart().await;
        sink
    }

    /// (Re)starts the process on the same port and directory.
    pub async fn restart(&mut self) {
        let script =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/smtp-sink.py");
        let child = std::process::Command::new("python3")
            .arg(script)
            .args(["--port", &self.port.to_string(), "--dir"])
            .arg(&self.dir)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (pip install aiosmtpd) runs the SMTP sink");
        self.child = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the SMTP sink did not start on port {}", self.port);
    }

    /// The messages received so far: `{mail_from, rcpt_tos, data}`, oldest first.
    pub fn messages(&self) -> Vec<Value> {
        let mut names: Vec<_> = std::fs::read_dir(&self.dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .filter(|n| n.ends_with(".json") && !n.starts_with('.'))
            .collect();
        names.sort();
        names
            .iter()
            .map(|n| {
                serde_json::from_str(&std::fs::read_to_string(self.dir.join(n)).unwrap()).unwrap()
            })
            .collect()
    }

    /// Waits up to `secs` for at least `n` messages.
    pub async fn wait_for(&self, n: usize, secs: u64) -> Vec<Value> {
        for _ in 0..secs * 10 {
            let m = self.messages();
            if m.len() >= n {
                return m;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!(
            "expected {n} messages within {secs}s, got {}",
            self.messages().len()
        );
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Undoes quoted-printable soft line breaks and `=3D`, enough to find a link in a message.
pub fn unfold_qp(data: &str) -> String {
    data.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

impl TestApp {
    /// Configures `smtp://127.0.0.1:{port}` as this instance's SMTP server (System → Email, as an admin
    /// would) and starts an outbox worker sending there, retrying after 1 s.
    pub async fn start_mail_worker(&self, port: u16) -> tokio::task::JoinHandle<()> {
        usher_app::service::email::save(
            &self.db,
            &self.state.config,
            usher_app::service::email::SettingsInput {
                smtp_url: &format!("smtp://127.0.0.1:{port}"),
                smtp_password: "",
                from: "",
            },
        )
        .await
        .unwrap();
        let worker = usher_app::service::delivery::Worker::new(
            self.db.clone(),
            self.state.config.secret_key.clone(),
            mail_config(port),
        )
        .unwrap();
        tokio::spawn(worker.run())
    }
}

impl TestApp {
    /// Starts a webhook worker on this instance, retrying after `backoff_base` seconds (doubling).
    pub fn start_webhook_worker(&self, backoff_base: i64) -> tokio::task::JoinHandle<()> {
        let handler =
            usher_app::service::webhooks::WebhookHandler::new(self.state.config.secret_key.clone())
                .with_policy(usher_app::service::jobs::RetryPolicy {
                    backoff_base,
                    give_up_after_secs: usher_app::domain::outbox::DEFAULT_GIVE_UP_AFTER_SECS,
                });
        tokio::spawn(usher_app::service::jobs::Worker::for_handler(self.db.clone(), handler).run())
    }
}

/// A real HTTP receiver process on loopback (`scripts/webhook-receiver.py`) that verifies each
/// delivery's Standard Webhooks signature with `secret` and appends the verified ones to a file, one
/// JSON line each: `{id, type, pk, timestamp, headers_ok}`.
pub struct WebhookReceiver {
    pub port: u16,
    pub file: std::path::PathBuf,
    secret: String,
    status: u16,
    child: Option<std::process::Child>,
}

impl WebhookReceiver {
    /// A receiver for `secret` on `port`, not started yet ([`WebhookReceiver::start`]); it answers
    /// `status` to a verified delivery (204 unless told).
    pub fn new(port: u16, secret: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("usher-test-hooks-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            port,
            file: dir.join("received.jsonl"),
            secret: secret.to_owned(),
            status: 204,
            child: None,
        }
    }

    /// The same receiver answering `status` to verified deliveries.
    pub fn answering(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// (Re)starts the process and waits until it accepts connections.
    pub async fn start(&mut self) {
        self.stop();
        let script =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/webhook-receiver.py");
        let child = std::process::Command::new("python3")
            .arg(script)
            .args([
                "--port",
                &self.port.to_string(),
                "--status",
                &self.status.to_string(),
                "--secret",
                &self.secret,
                "--out",
            ])
            .arg(&self.file)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("python3 runs the webhook receiver");
        self.child = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the webhook receiver did not start on port {}", self.port);
    }

    /// Stops the process (the port then refuses connections).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// The deliveries verified so far, oldest first.
    pub fn received(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.file)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Waits up to `secs` for at least `n` verified deliveries.
    pub async fn wait_for(&self, n: usize, secs: u64) -> Vec<Value> {
        for _ in 0..secs * 10 {
            let r = self.received();
            if r.len() >= n {
                return r;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!(
            "expected {n} deliveries within {secs}s, got {:?}",
            self.received()
        );
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn mail_config(port: u16) -> usher_app::service::mail::MailConfig {
    usher_app::service::mail::MailConfig {
        smtp_url: format!("smtp://127.0.0.1:{port}"),
        from: "Usher <usher@usher.test>".into(),
        backoff_base: 1,
        give_up_after_secs: usher_app::domain::outbox::DEFAULT_GIVE_UP_AFTER_SECS,
    }
}

/// The code in the newest verification message queued to `email` (read from the outbox, for tests that
/// are not about email delivery; `tests/email.rs` reads codes from a real SMTP server).
pub async fn verification_code(db: &Db, email: &str) -> String {
    let to =
        serde_json::to_string(&[usher_app::domain::email_rules::normalize_email(email).unwrap()])
            .unwrap();
    // The outbox keeps a queued message's code sealed under the instance secret (issue 35 item 6).
    let (pk, sealed): (String, Option<String>) = sqlx::query_as(
        "SELECT pk, secret FROM outbox WHERE to_addrs = $1 AND subject LIKE '%verification code' ORDER BY created DESC, attempts LIMIT 1",
    )
    .bind(&to)
    .fetch_one(&db.pool)
    .await
    .unwrap_or_else(|e| panic!("no verification message to {email}: {e}"));
    let sealed = sealed.unwrap_or_else(|| panic!("the message to {email} was already sent"));
    let key = KEYS
        .lock()
        .unwrap()
        .get(&db.url)
        .cloned()
        .expect("a database of a TestApp");
    usher_app::service::outbox::open_secret(&key, &pk, &sealed)
        .unwrap_or_else(|| panic!("the code to {email} does not open"))
}

/// The first run of exactly [`CODE_DIGITS`](usher_app::domain::verification::CODE_DIGITS) digits in a
/// message body: the verification code.
pub fn code_in(body: &str) -> Option<String> {
    body.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == usher_app::domain::verification::CODE_DIGITS)
        .map(str::to_owned)
}

/// Whether a flow submission moved on to another page of the flow (rather than finishing).
pub fn continues(r: &Response) -> bool {
    r.headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|l| l.starts_with("/if/flow/"))
}

/// Creates an invitation through the dashboard's `admin/invitations/create` as `admin`: public, never
/// expiring, not single use, on `flow`, with the form fields in `extra` overriding those. Returns its pk
/// and token.
pub async fn create_invitation(
    app: &TestApp,
    admin: &mut Client,
    name: &str,
    flow: &str,
    extra: Value,
) -> (String, String) {
    let mut form = serde_json::json!({
        "name": name, "description": "", "flow": app.flow_pk(flow).await, "expires": "", "never_expires": true,
        "fixed_data": "", "single_use": false, "quota": "", "emails": "", "roles": [], "groups": [], "enabled": true
    });
    for (k, v) in extra
        .as_object()
        .expect("extra is an object of form fields")
    {
        form[k] = v.clone();
    }
    let (s, pk) = admin
        .call(
            "admin/invitations/create",
            serde_json::json!({ "form": form }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{pk}");
    let pk = pk.as_str().unwrap().to_owned();
    let token = app.token(&pk).await;
    (pk, token)
}

/// Submits stage `stage` (1-based) of `flow` with the invitation `token` and these prompt fields, as the
/// flow page's form does.
pub async fn submit_stage(
    c: &mut Client,
    flow: &str,
    token: &str,
    stage: &str,
    fields: &[(&str, &str)],
) -> Response {
    let keys: Vec<(String, &str)> = fields
        .iter()
        .map(|(k, v)| (format!("fields[{k}]"), *v))
        .collect();
    let mut form = vec![("slug", flow), ("itoken", token), ("stage", stage)];
    form.extend(keys.iter().map(|(k, v)| (k.as_str(), *v)));
    c.call_form("flow/submit", &form).await
}

/// Enrolls through a built-in flow: submits its prompt page and, when the flow asks for it, the code sent
/// to `email` (read from the outbox).
pub async fn enroll(
    c: &mut Client,
    db: &Db,
    flow: &str,
    token: &str,
    username: &str,
    email: &str,
) -> Response {
    let r = submit_stage(
        c,
        flow,
        token,
        "1",
        &[
            ("username", username),
            ("name", "Jane Smith"),
            ("email", email),
            ("password", "s3cret-pass-word"),
            ("password_repeat", "s3cret-pass-word"),
        ],
    )
    .await;
    if !continues(&r) {
        return r;
    }
    let code = verification_code(db, email).await;
    let stage = current_stage(c, flow, token).await;
    submit_stage(c, flow, token, &stage, &[("code", &code)]).await
}

/// The stage the flow page of `flow` with invitation `token` shows this client now (its form's hidden
/// `stage` field): after the prompt, the code stage (a flow's own email stage, or the implicit one after
/// the flow's stages for an email-limited invitation).
pub async fn current_stage(c: &mut Client, flow: &str, token: &str) -> String {
    let page = c.get(&format!("/if/flow/{flow}/?itoken={token}")).await;
    let at = page
        .body
        .find(r#"name="stage" value=""#)
        .unwrap_or_else(|| panic!("no stage field on the page: {}", page.body));
    page.body[at + r#"name="stage" value=""#.len()..]
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}
