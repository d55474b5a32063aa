//! The schema's migrations, written once for both backends: `migrations/NNNN_description.sql` in the
//! dialect SQLite and PostgreSQL share, where a line that must differ is written twice, prefixed
//! `--@sqlite ` and `--@postgres `; [`render`] keeps the backend's lines (without the prefix) and drops
//! the other's. The files are embedded in the binary, and the rendered text of each is what sqlx
//! checksums, byte for byte what the former per-backend folders held, so databases migrated by earlier
//! releases keep validating.

use super::Backend;
use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

/// Every migration file, in order (`server/tests/migrations.rs` checks this list against the folder).
pub const FILES: &[(&str, &str)] = &[
    (
        "0001_initial.sql",
        include_str!("../../../migrations/0001_initial.sql"),
    ),
    (
        "0002_one_use_per_account.sql",
        include_str!("../../../migrations/0002_one_use_per_account.sql"),
    ),
    (
        "0003_outbox.sql",
        include_str!("../../../migrations/0003_outbox.sql"),
    ),
    (
        "0004_email_verification.sql",
        include_str!("../../../migrations/0004_email_verification.sql"),
    ),
    (
        "0005_api_tokens.sql",
        include_str!("../../../migrations/0005_api_tokens.sql"),
    ),
    (
        "0006_policies.sql",
        include_str!("../../../migrations/0006_policies.sql"),
    ),
    (
        "0007_list_indexes.sql",
        include_str!("../../../migrations/0007_list_indexes.sql"),
    ),
    (
        "0008_list_order_indexes.sql",
        include_str!("../../../migrations/0008_list_order_indexes.sql"),
    ),
    (
        "0009_invitation_search.sql",
        include_str!("../../../migrations/0009_invitation_search.sql"),
    ),
    (
        "0010_open_enrollment.sql",
        include_str!("../../../migrations/0010_open_enrollment.sql"),
    ),
    (
        "0011_invitation_count.sql",
        include_str!("../../../migrations/0011_invitation_count.sql"),
    ),
    (
        "0012_ledger_outlives_invitations.sql",
        include_str!("../../../migrations/0012_ledger_outlives_invitations.sql"),
    ),
    (
        "0013_rate_limits.sql",
        include_str!("../../../migrations/0013_rate_limits.sql"),
    ),
    (
        "0014_outbox_secret.sql",
        include_str!("../../../migrations/0014_outbox_secret.sql"),
    ),
    (
        "0015_invitation_events.sql",
        include_str!("../../../migrations/0015_invitation_events.sql"),
    ),
    (
        "0016_username_keys.sql",
        include_str!("../../../migrations/0016_username_keys.sql"),
    ),
    (
        "0017_outbox_retry.sql",
        include_str!("../../../migrations/0017_outbox_retry.sql"),
    ),
    (
        "0018_sealed_tokens.sql",
        include_str!("../../../migrations/0018_sealed_tokens.sql"),
    ),
    (
        "0019_flow_generation.sql",
        include_str!("../../../migrations/0019_flow_generation.sql"),
    ),
    (
        "0020_invitation_generation.sql",
        include_str!("../../../migrations/0020_invitation_generation.sql"),
    ),
    (
        "0021_sign_in_networks.sql",
        include_str!("../../../migrations/0021_sign_in_networks.sql"),
    ),
    (
        "0022_username_casefold.sql",
        include_str!("../../../migrations/0022_username_casefold.sql"),
    ),
    (
        "0023_code_budgets.sql",
        include_str!("../../../migrations/0023_code_budgets.sql"),
    ),
    (
        "0024_audit_events.sql",
        include_str!("../../../migrations/0024_audit_events.sql"),
    ),
    (
        "0025_generation_epoch.sql",
        include_str!("../../../migrations/0025_generation_epoch.sql"),
    ),
    (
        "0026_outbox_sealed_secret.sql",
        include_str!("../../../migrations/0026_outbox_sealed_secret.sql"),
    ),
    (
        "0027_job_queue.sql",
        include_str!("../../../migrations/0027_job_queue.sql"),
    ),
    (
        "0028_audit_event_filters.sql",
        include_str!("../../../migrations/0028_audit_event_filters.sql"),
    ),
    (
        "0029_invitation_views.sql",
        include_str!("../../../migrations/0029_invitation_views.sql"),
    ),
    (
        "0030_webhooks.sql",
        include_str!("../../../migrations/0030_webhooks.sql"),
    ),
    (
        "0031_invitation_notifications.sql",
        include_str!("../../../migrations/0031_invitation_notifications.sql"),
    ),
    (
        "0032_invitation_not_before.sql",
        include_str!("../../../migrations/0032_invitation_not_before.sql"),
    ),
    (
        "0033_invitation_links.sql",
        include_str!("../../../migrations/0033_invitation_links.sql"),
    ),
    (
        "0034_campaigns.sql",
        include_str!("../../../migrations/0034_campaigns.sql"),
    ),
    (
        "0035_invitation_reminders.sql",
        include_str!("../../../migrations/0035_invitation_reminders.sql"),
    ),
    (
        "0036_locales.sql",
        include_str!("../../../migrations/0036_locales.sql"),
    ),
    (
        "0037_inviter_policies.sql",
        include_str!("../../../migrations/0037_inviter_policies.sql"),
    ),
    (
        "0038_approvals.sql",
        include_str!("../../../migrations/0038_approvals.sql"),
    ),
    (
        "0039_uses_keep_the_cache.sql",
        include_str!("../../../migrations/0039_uses_keep_the_cache.sql"),
    ),
];

/// The migration text for `backend`: lines prefixed `--@sqlite ` or `--@postgres ` are kept (prefix
/// removed) for their backend only; every other line is kept as it is.
pub fn render(source: &str, backend: Backend) -> String {
    let (mine, other) = match backend {
        Backend::Sqlite => ("--@sqlite ", "--@postgres "),
        Backend::Postgres => ("--@postgres ", "--@sqlite "),
    };
    source
        .split('\n')
        .filter(|l| !l.starts_with(other))
        .map(|l| l.strip_prefix(mine).unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `(version, description)` of a file named `NNNN_description_words.sql`, as sqlx names migrations.
fn name(file: &str) -> Option<(i64, String)> {
    let (version, rest) = file.split_once('_')?;
    let description = rest.strip_suffix(".sql")?.replace('_', " ");
    Some((version.parse().ok()?, description))
}

/// The embedded migrations, rendered for one backend.
#[derive(Debug, Clone, Copy)]
struct Embedded(Backend);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 's>> {
        Box::pin(async move {
            FILES
                .iter()
                .map(|(file, source)| {
                    let (version, description) =
                        name(file).ok_or_else(|| format!("bad migration file name {file}"))?;
                    let sql = render(source, self.0);
                    let no_tx = sql.starts_with("-- no-transaction");
                    Ok(Migration::new(
                        version,
                        Cow::Owned(description),
                        MigrationType::Simple,
                        Cow::Owned(sql),
                        no_tx,
                    ))
                })
                .collect()
        })
    }
}

/// The migrator of `backend`.
///
/// # Errors
/// A file name that is not `NNNN_description.sql`.
pub async fn migrator(backend: Backend) -> Result<Migrator, sqlx::migrate::MigrateError> {
    Migrator::new(Embedded(backend)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_backend_keeps_its_lines_and_drops_the_others() {
        let src = "CREATE TABLE t (\n--@sqlite     pk INTEGER PRIMARY KEY AUTOINCREMENT,\n--@postgres     pk BIGSERIAL PRIMARY KEY,\n    name TEXT\n);\n";
        assert_eq!(
            render(src, Backend::Sqlite),
            "CREATE TABLE t (\n    pk INTEGER PRIMARY KEY AUTOINCREMENT,\n    name TEXT\n);\n"
        );
        assert_eq!(
            render(src, Backend::Postgres),
            "CREATE TABLE t (\n    pk BIGSERIAL PRIMARY KEY,\n    name TEXT\n);\n"
        );
        assert_eq!(render("-- plain\n", Backend::Sqlite), "-- plain\n");
    }

    #[test]
    fn file_names_give_sqlx_versions_and_descriptions() {
        assert_eq!(
            name("0002_one_use_per_account.sql"),
            Some((2, "one use per account".to_owned()))
        );
        assert_eq!(name("x_y.sql"), None);
        assert_eq!(name("0001.sql"), None);
    }
}
