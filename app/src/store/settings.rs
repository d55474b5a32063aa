//! The `settings` table: key → text value (the set-up token, brand overrides).

use super::{Db, DbError};

/// Reads a setting.
///
/// # Errors
/// Database errors.
pub async fn get_setting(db: &Db, key: &str) -> Result<Option<String>, DbError> {
    sqlx::query_scalar::<_, String>("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(&db.pool)
        .await
        .map_err(DbError::from)
}

/// Writes a setting (insert or replace).
///
/// # Errors
/// Database errors.
pub async fn put_setting(db: &Db, key: &str, value: &str) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Deletes a setting.
///
/// # Errors
/// Database errors.
pub async fn delete_setting(db: &Db, key: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM settings WHERE key = $1")
        .bind(key)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Deletes setting `key` only when its value is `value`; returns the number of rows deleted (0 or 1), so
/// two racing callers cannot both take the same value.
///
/// # Errors
/// Database errors.
pub async fn delete_setting_if(
    ex: impl super::Exec<'_>,
    key: &str,
    value: &str,
) -> Result<u64, super::DbError> {
    Ok(
        sqlx::query("DELETE FROM settings WHERE key = $1 AND value = $2")
            .bind(key)
            .bind(value)
            .execute(ex)
            .await?
            .rows_affected(),
    )
}

/// Reads three settings at once: `(key, value)` of those that exist, in no particular order.
///
/// # Errors
/// Database errors.
pub async fn get_settings3(
    ex: impl super::Exec<'_>,
    keys: [&str; 3],
) -> Result<Vec<(String, String)>, super::DbError> {
    sqlx::query_as("SELECT key, value FROM settings WHERE key IN ($1, $2, $3)")
        .bind(keys[0])
        .bind(keys[1])
        .bind(keys[2])
        .fetch_all(ex)
        .await
        .map_err(DbError::from)
}

/// Reads any number of settings at once: `(key, value)` of those that exist, in no particular order;
/// nothing for no keys.
///
/// # Errors
/// Database errors.
pub async fn get_settings_in(
    ex: impl super::Exec<'_>,
    keys: &[&str],
) -> Result<Vec<(String, String)>, super::DbError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=keys.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT key, value FROM settings WHERE key IN ({})",
        marks.join(", ")
    );
    let mut q = sqlx::query_as(&sql);
    for k in keys {
        q = q.bind(*k);
    }
    q.fetch_all(ex).await.map_err(DbError::from)
}

/// Writes a setting (insert or replace) with any executor, e.g. inside a transaction.
///
/// # Errors
/// Database errors.
pub async fn put_setting_in(
    ex: impl super::Exec<'_>,
    key: &str,
    value: &str,
) -> Result<(), super::DbError> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(ex)
    .await?;
    Ok(())
}

/// Deletes a setting with any executor, e.g. inside a transaction.
///
/// # Errors
/// Database errors.
pub async fn delete_setting_in(ex: impl super::Exec<'_>, key: &str) -> Result<(), super::DbError> {
    sqlx::query("DELETE FROM settings WHERE key = $1")
        .bind(key)
        .execute(ex)
        .await?;
    Ok(())
}
