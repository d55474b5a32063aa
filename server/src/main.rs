//! The `usher` binary.

use clap::Parser;
use std::io::Read;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;
use usher_app::service::{setup, users, Db};
use usher_server::config::{Cli, Command, Settings};

/// The process's allocator: mimalloc instead of glibc's malloc (issue 13). Under the landing-page load
/// (P1) a fifth of the server's CPU went to glibc's malloc and free across the runtime's threads;
/// `server/benches/argon2.rs` hashes with the same allocator so P2 compares like with like. Built with
/// `no_thp`: mimalloc otherwise asks for transparent huge pages on its arenas, and each 2 MiB page it
/// touched stayed resident (idle RSS 41 MB against 26 MB without, P6).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let logs = tracing_subscriber::fmt().with_env_filter(
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
    );
    // The server logs on standard output; a command prints what it made there (a token's secret) and
    // logs on standard error.
    if matches!(cli.command, None | Some(Command::Serve)) {
        logs.init();
    } else {
        logs.with_writer(std::io::stderr).init();
    }
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.settings).await,
        Command::CreateAdmin { username, email } => {
            create_admin(cli.settings, &username, &email).await
        }
        Command::TestEmail { address } => test_email(cli.settings, &address).await,
        Command::Blueprint {
            action:
                usher_server::config::BlueprintAction::Apply {
                    file,
                    context,
                    as_user,
                    force,
                },
        } => blueprint_apply(cli.settings, &file, &context, as_user.as_deref(), force).await,
        Command::Campaign {
            action:
                usher_server::config::CampaignAction::Import {
                    file,
                    campaign,
                    dry_run,
                },
        } => campaign_import(cli.settings, &file, &campaign, dry_run).await,
        Command::CreateToken {
            username,
            identifier,
            expires,
            description,
        } => {
            let identifier = identifier
                .unwrap_or_else(|| format!("{username}-{}", usher_app::service::time::now()));
            match usher_app::domain::token::parse_expiry(expires.as_deref().unwrap_or("")) {
                Ok(expires) => {
                    let draft = usher_app::domain::token::TokenDraft {
                        username,
                        identifier,
                        description,
                        expires,
                    };
                    create_token(cli.settings, draft).await
                }
                Err(e) => Err(format!("expires: {e}")),
            }
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn create_admin(settings: Settings, username: &str, email: &str) -> Result<(), String> {
    let password = match std::env::var("USHER_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| format!("reading the password from stdin: {e}"))?;
            s.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let db = Db::connect(&settings.database_url)
        .await
        .map_err(|e| format!("database: {e}"))?;
    match users::create_admin(
        &db,
        username,
        email,
        &password,
        &usher_app::domain::user::PasswordRules {
            min_chars: usize::from(settings.password_min_length),
            brand: settings
                .brand_name
                .clone()
                .unwrap_or_else(|| "Usher".into()),
        },
    )
    .await
    {
        Ok(pk) => {
            println!("Created administrator {username} (pk {pk}).");
            Ok(())
        }
        Err(e) => Err(say(e, Fields::Named)),
    }
}

async fn blueprint_apply(
    settings: Settings,
    file: &std::path::Path,
    context: &[String],
    as_user: Option<&str>,
    force: bool,
) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut ctx = std::collections::BTreeMap::new();
    for pair in context {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| format!("--context {pair}: expected key=value"))?;
        ctx.insert(k.trim().to_owned(), v.to_owned());
    }
    let db = Db::connect(&settings.database_url)
        .await
        .map_err(|e| format!("database: {e}"))?;
    usher_app::service::flows::install_builtin_flows(&db)
        .await
        .map_err(|e| format!("built-in flows: {e}"))?;
    let user = match as_user {
        Some(u) => users::pk_by_username(&db, u).await,
        None => users::first_superuser_pk(&db).await,
    }
    .map_err(|e| format!("database: {e}"))?;
    let user = user.ok_or_else(|| match as_user {
        Some(u) => format!("no user is named {u}"),
        None => "no administrator exists yet: create one first (usher create-admin)".to_owned(),
    })?;
    let key = setup::ensure_secret_key(&db, settings.secret()?)
        .await
        .map_err(|e| say(e, Fields::Unnamed))?;
    let key = usher_app::service::SecretKey::from_text(&key);
    use usher_app::service::blueprints::BuiltinChanges;
    let builtin = if force {
        BuiltinChanges::Confirmed
    } else {
        BuiltinChanges::Refuse
    };
    let r = usher_app::service::blueprints::apply(
        &db,
        &key,
        &text,
        &ctx,
        (&usher_app::domain::audit::Who::system(), user),
        builtin,
    )
    .await
    .map_err(|e| say(e, Fields::Unnamed))?;
    println!(
        "Applied {}: {} created, {} updated; flows: {}.",
        if r.name.is_empty() {
            file.display().to_string()
        } else {
            r.name
        },
        r.created,
        r.updated,
        r.flows.join(", ")
    );
    Ok(())
}

async fn create_token(
    settings: Settings,
    draft: usher_app::domain::token::TokenDraft,
) -> Result<(), String> {
    let db = Db::connect(&settings.database_url)
        .await
        .map_err(|e| format!("database: {e}"))?;
    match usher_app::service::tokens::create(&db, &usher_app::domain::audit::Who::system(), &draft)
        .await
    {
        Ok(t) => {
            let expires = usher_app::domain::time::format_expiry(
                t.token.expires,
                usher_app::service::time::now(),
            );
            eprintln!(
                "Created token {} for {} (expires: {expires}). Its secret follows; it is not shown again.",
                t.token.identifier, t.token.username
            );
            println!("{}", t.secret);
            Ok(())
        }
        Err(e) => Err(say(e, Fields::Named)),
    }
}

/// `usher test-email ADDRESS`: sends a test message (in the brand default language) through the SMTP
/// settings in effect (`USHER_SMTP_URL`, else System → Email) and prints the server's answer.
async fn test_email(settings: Settings, address: &str) -> Result<(), String> {
    let db = Db::connect(&settings.database_url)
        .await
        .map_err(|e| format!("database: {e}"))?;
    let secret_key = setup::ensure_secret_key(&db, settings.secret()?)
        .await
        .map_err(|e| say(e, Fields::Unnamed))?;
    let config = settings.config(&secret_key, Vec::new());
    let answer = usher_app::service::email::send_test(&db, &config, address, config.default_locale)
        .await
        .map_err(|e| say(e, Fields::Unnamed))?;
    println!("SMTP answered: {answer}");
    Ok(())
}

/// `usher campaign import FILE --campaign NAME [--dry-run]`: parses the CSV, classifies every row, prints
/// the rows that are skipped (duplicates, invalid) and, unless a dry run, applies the import in one
/// transaction with a progress bar on a terminal (progress lines on standard error otherwise); ends with
/// a summary line on standard output.
async fn campaign_import(
    settings: Settings,
    file: &std::path::Path,
    campaign: &str,
    dry_run: bool,
) -> Result<(), String> {
    use std::io::IsTerminal;
    use usher_app::service::campaigns;
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let rows = usher_app::domain::campaign::parse_csv(&bytes)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let db = Db::connect(&settings.database_url)
        .await
        .map_err(|e| format!("database: {e}"))?;
    let report = if dry_run {
        campaigns::dry_run(&db, campaign, rows)
            .await
            .map_err(|e| say(e, Fields::Named))?
    } else {
        let secret_key = setup::ensure_secret_key(&db, settings.secret()?)
            .await
            .map_err(|e| say(e, Fields::Unnamed))?;
        let config = settings.config(&secret_key, Vec::new());
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} recipients written")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        let progress = |done: usize, total: usize| match &bar {
            Some(bar) => {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            }
            None => eprintln!("written {done}/{total}"),
        };
        let r = campaigns::import(
            &db,
            &config,
            &usher_app::domain::audit::Who::system(),
            campaign,
            rows,
            usher_app::service::time::now(),
            &progress,
        )
        .await;
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        r.map_err(|e| say(e, Fields::Named))?
    };
    for r in report.rows.iter().filter(|r| !r.verdict.adds()) {
        eprintln!("line {}: {}", r.input.line, r.verdict.explain());
    }
    println!(
        "{}{}",
        if dry_run {
            "dry run (nothing written): "
        } else {
            "imported: "
        },
        report.counts.summary()
    );
    Ok(())
}

/// Whether [`say`] names each field before its message.
#[derive(Clone, Copy)]
enum Fields {
    /// `username: This username is already taken.; …`
    Named,
    /// The messages only, joined by spaces.
    Unnamed,
}

/// What the CLI prints for a service's error: the field errors, else the error's words (the same words
/// the pages and the REST API use, from [`usher_app::error::AppError`]).
fn say(e: usher_app::service::error::Error, fields: Fields) -> String {
    use usher_app::error::AppError;
    match AppError::from(e) {
        AppError::Validation(errs) => {
            let (each, join): (fn(String, String) -> String, _) = match fields {
                Fields::Named => (|f, m| format!("{f}: {m}"), "; "),
                Fields::Unnamed => (|_, m| m, " "),
            };
            errs.into_iter()
                .map(|(f, m)| each(f, m))
                .collect::<Vec<_>>()
                .join(join)
        }
        other => other.to_string(),
    }
}

async fn serve(settings: Settings) -> Result<(), String> {
    let public_url = settings.public_url();
    if usher_app::domain::web::Origin::parse(&public_url).is_none() {
        return Err(format!(
            "USHER_PUBLIC_URL must be an http:// or https:// URL with a host, not {public_url:?}"
        ));
    }
    let trusted_proxies =
        usher_app::domain::client::parse_trusted_proxies(&settings.trusted_proxies)
            .map_err(|e| e.to_string())?;
    for wide in usher_app::domain::client::wide_networks(&trusted_proxies) {
        tracing::warn!(
            network = %wide,
            "USHER_TRUSTED_PROXIES names a network wider than /24 (IPv4) or /64 (IPv6): every address in it may say who the client is; name the reverse proxies themselves"
        );
    }
    let bootstrap = Db::connect(&settings.database_url)
        .await
        .map_err(|e| format!("database: {e}"))?;
    let secret_key = setup::ensure_secret_key(&bootstrap, settings.secret()?)
        .await
        .map_err(|e| say(e, Fields::Unnamed))?;
    if settings.secret()?.is_none() {
        tracing::warn!(
            "USHER_SECRET_KEY is not set: the instance secret is stored in the database, so a copy of \
             the database holds what it keys; set USHER_SECRET_KEY or USHER_SECRET_KEY_FILE outside the database"
        );
    }
    let setup_token = setup::prepare_setup_token(&bootstrap)
        .await
        .map_err(|e| say(e, Fields::Unnamed))?;
    bootstrap.pool.close().await;
    let config = settings.config(&secret_key, trusted_proxies);
    if settings.metrics_addr.is_some() {
        // Installed before the router is built, so it counts requests.
        usher_server::metrics::recorder();
    }
    let usher =
        usher_server::build(config, &settings.database_url, settings.leptos_options()).await?;
    let _cleanup = usher
        .sessions
        .spawn_cleanup(std::time::Duration::from_secs(3600));
    // Rate-limit buckets, verifications and outbox messages nothing reads any more are deleted every 5
    // minutes, and expired invitations' notices queued, (each instance does it; the deletes are idempotent), so storage stays as large as what is
    // live.
    let (prune_db, prune_config) = (usher.state.db.clone(), usher.state.config.clone());
    let _prune = tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
        loop {
            tick.tick().await;
            match usher_app::service::retention::prune_now(&prune_db, &prune_config).await {
                Ok(p) => tracing::debug!(?p, "pruned"),
                Err(e) => tracing::warn!(error = %e, "pruning failed"),
            }
            // Creators who asked are told of their invitations that expired unused (once each).
            let now = usher_app::service::time::now();
            if let Err(e) =
                usher_app::service::notifications::expired_unused(&prune_db, &prune_config, now)
                    .await
            {
                tracing::warn!(error = %e, "notifying of expired invitations failed");
            }
            // Campaigns' reminders that fell due (each claimed per recipient: once, by one instance).
            match usher_app::service::campaigns::send_reminders(&prune_db, &prune_config, now).await
            {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminders = n, "campaign reminders queued"),
                Err(e) => tracing::warn!(error = %e, "queueing campaign reminders failed"),
            }
            // Approval requests left undecided past their expiry are denied (each taken by a
            // conditional update: once, by one instance).
            match usher_app::service::approvals::expire_due(&prune_db, &prune_config).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(expired = n, "approval requests expired"),
                Err(e) => tracing::warn!(error = %e, "expiring approval requests failed"),
            }
            // Invitations' own reminders, likewise.
            match usher_app::service::invitations::reminders::send_reminders(
                &prune_db,
                &prune_config,
                now,
            )
            .await
            {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminders = n, "invitation reminders queued"),
                Err(e) => tracing::warn!(error = %e, "queueing invitation reminders failed"),
            }
        }
    });
    // The outbox worker reads the SMTP settings in effect before each round (USHER_SMTP_URL, else
    // System → Email), so one saved there starts delivery without a restart.
    match usher_app::service::email::configured(&usher.state.db, &usher.state.config).await {
        Ok(true) => {}
        Ok(false) => tracing::warn!(
            "no SMTP server is configured (USHER_SMTP_URL, or System → Email in the dashboard): invitation emails and verification codes wait in the outbox until one is; invitations shared as links need no mail"
        ),
        Err(e) => tracing::warn!(error = %e, "reading the SMTP settings"),
    }
    tokio::spawn(
        usher_app::service::delivery::Worker::resolving(
            usher.state.db.clone(),
            usher.state.config.clone(),
        )
        .run(),
    );
    // The webhook worker posts the deliveries events queue (System → Webhooks), retrying for 72 hours.
    tokio::spawn(
        usher_app::service::webhooks::Worker::webhooks(
            usher.state.db.clone(),
            usher.state.config.secret_key.clone(),
        )
        .run(),
    );
    // Views of invitation links and refusals, counted in memory by the request path, are written every
    // few seconds (and once more below, after the last request).
    tokio::spawn(usher_app::service::sightings::run(usher.state.db.clone()));
    let sightings_db = usher.state.db.clone();
    if let Some(addr) = settings.metrics_addr {
        let metrics = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("listening for metrics (USHER_METRICS_ADDR) on {addr}: {e}"))?;
        println!("Metrics are served at http://{addr}/metrics");
        let router = usher_server::metrics::router(usher.state.db.clone());
        tokio::spawn(async move {
            let served = usher_server::listener::serve(
                metrics,
                router,
                usher_server::listener::Timeouts::default(),
                std::future::pending(),
            )
            .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "the metrics listener stopped");
            }
        });
    }
    let listener = tokio::net::TcpListener::bind(settings.site_addr)
        .await
        .map_err(|e| format!("listening on {}: {e}", settings.site_addr))?;
    println!("Usher is listening on {public_url}");
    if let Some(token) = setup_token {
        println!("No administrator exists yet. Create the first one at: {public_url}/setup?token={token}");
    }
    usher_server::listener::serve(
        listener,
        usher.router,
        usher_server::listener::Timeouts::default(),
        shutdown_signal(),
    )
    .await
    .map_err(|e| format!("server: {e}"))?;
    if let Err(e) = usher_app::service::sightings::flush(&sightings_db).await {
        tracing::warn!(error = %e, "writing the last views and refusals failed");
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
