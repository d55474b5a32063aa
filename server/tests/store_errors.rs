//! `store::Error` (issue 36 item 4): made once from `sqlx::Error` at the store's boundary, so the
//! services match on what a failure means (a missing row, a conflict on a named constraint, a busy
//! database), on SQLite and PostgreSQL alike, never on a driver's codes.

mod common;
use common::TestApp;
use usher_app::store::{self, directory, tokens};

db_tests!(a_taken_name_is_a_conflict_and_a_missing_row_is_not_found,);

async fn a_taken_name_is_a_conflict_and_a_missing_row_is_not_found(app: TestApp) {
    let pool = &app.db.pool;
    directory::insert(pool, directory::Kind::Group, "g-1", "staff", 0)
        .await
        .expect("a new group");
    let err = directory::insert(pool, directory::Kind::Group, "g-2", "staff", 0)
        .await
        .expect_err("a second group of the same name");
    match &err {
        store::Error::Conflict(constraint) => assert!(
            constraint.contains("name"),
            "the conflict names its constraint or columns: {constraint}"
        ),
        other => panic!("a unique violation is a conflict, not {other:?}"),
    }
    assert!(store::is_unique_violation(&err));

    let err = tokens::get(pool, "no-such-token")
        .await
        .expect_err("no such token");
    assert!(
        matches!(err, store::Error::NotFound),
        "a missing row is NotFound: {err:?}"
    );
    assert!(!store::is_unique_violation(&err));

    // Anything else (here a statement on a table that does not exist) is neither, and reaches the
    // user as a plain internal error.
    let err = store::Error::from(
        sqlx::query("SELECT nothing FROM no_such_table")
            .execute(pool)
            .await
            .expect_err("no such table"),
    );
    assert!(matches!(err, store::Error::Other(_)), "{err:?}");
    // (The store's error reaches a service, and through it the user; no edge takes it directly.)
    assert!(matches!(
        usher_app::error::AppError::from(usher_app::service::error::Error::from(err)),
        usher_app::error::AppError::Internal
    ));
}
