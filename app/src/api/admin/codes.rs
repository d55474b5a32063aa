//! The verification codes' guessing notice of every admin page. Every function requires a signed-in superuser first
//! (401 anonymous, 403 non-admin) and takes JSON input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond};
use crate::error::AppError;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The notice every admin page shows while verification codes are being guessed at (issue 35 item 4;
/// [`crate::service::verification::guessing_notice`]); `None` while nothing is past half.
#[server(input = Json, endpoint = "admin/codes/notice")]
pub async fn get_code_guessing_notice() -> Result<Option<crate::model::CodeGuessingNotice>, AppError>
{
    respond(
        async {
            let (st, _) = admin().await?;
            crate::service::verification::guessing_notice(&st.db, crate::service::time::now())
                .await
                .map(|n| n.map(notice_view))
                .map_err(AppError::from)
        }
        .await,
    )
}

/// The notice as the pages show it (times for people).
#[cfg(feature = "ssr")]
fn notice_view(
    n: crate::service::verification::GuessingNotice,
) -> crate::model::CodeGuessingNotice {
    use crate::domain::time::format_absolute;
    crate::model::CodeGuessingNotice {
        failures: n.failures,
        figure: n.figure,
        slowed: n.slowed,
        since: n.since.map(format_absolute),
        since_at: n.since,
        until: n.until.map(format_absolute),
        until_at: n.until,
        invitations: n.invitations,
    }
}
