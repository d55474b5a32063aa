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

/// What was typed into stage `stage` of flow `slug` when the invitee switched language on it (issue 16
/// item 1: switching keeps the typed fields): the draft of `values` for that stage's fields, never a
/// password, to seal into the draft cookie. Reads the flow and invitation as the landing page does and
/// changes nothing.
///
/// # Errors
/// As [`super::resolve`] (an invalid invitation keeps nothing).
pub async fn switch_draft(
    db: &crate::service::Db,
    slug: &str,
    itoken: Option<&Itoken>,
    stage: usize,
    values: &std::collections::HashMap<String, String>,
    client_ip: &str,
) -> Result<Option<StageDraft>, crate::service::error::Error> {
    let resolved = super::resolve(
        db,
        slug,
        itoken,
        crate::service::time::now(),
        super::Asking::view(client_ip),
    )
    .await?;
    let fields = super::journey(&resolved.flow, resolved.invitation.as_ref()).fields(stage);
    Ok(draft_of(slug, itoken, stage, &fields, values))
}

/// The draft of `values` typed into stage `stage` (whose prompt fields are `fields`) of flow `slug`
/// with `itoken`: none for a stage without prompt fields (the code page).
pub(super) fn draft_of(
    slug: &str,
    itoken: Option<&Itoken>,
    stage: usize,
    fields: &[crate::domain::flow::PromptField],
    values: &std::collections::HashMap<String, String>,
) -> Option<StageDraft> {
    (!fields.is_empty()).then(|| {
        StageDraft::new(
            slug,
            plan_token(itoken).map(str::to_owned),
            stage,
            fields,
            values,
            super::MAX_PROMPT_VALUE,
        )
    })
}
