//! A refused stage's draft (what the invitee typed, but no secret), sealed into a short-lived cookie.

use super::{plan_token, StageDraft, MAX_SEALED_DRAFT};
use crate::service::invitations::Itoken;
use crate::service::Config;

/// `draft` sealed for the draft cookie ([`Config::draft_cookie`]): the browser holds it, so a refused
/// submission writes nothing on the server (no session is started for it), and only this instance's
/// secret key opens it, bound to the flow and token it was typed for. `None` when it would not fit in a
/// cookie.
pub fn seal_draft(config: &Config, draft: &StageDraft) -> Option<String> {
    let json = serde_json::to_string(draft).ok()?;
    let sealed = config.secret_key.seal(
        "flow-draft",
        &draft_aad(&draft.slug, draft.token.as_deref()),
        &json,
    );
    (sealed.len() <= MAX_SEALED_DRAFT).then_some(sealed)
}

/// The draft in the draft cookie's value `sealed`, when it opens for this flow and token (`itoken`, as
/// the request gives it); `None` otherwise.
pub fn open_draft(
    config: &Config,
    slug: &str,
    itoken: Option<&Itoken>,
    sealed: &str,
) -> Option<StageDraft> {
    let token = plan_token(itoken);
    let json = config
        .secret_key
        .open("flow-draft", &draft_aad(slug, token), sealed)?;
    serde_json::from_str(&json).ok()
}

fn draft_aad(slug: &str, token: Option<&str>) -> String {
    format!("{slug}\n{}", token.unwrap_or(""))
}
