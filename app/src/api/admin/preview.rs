//! The invitation editor's checks before sending (issue 15 item 7): the invitation email as the
//! invitee will see it, and "would this address be accepted?", both for the editor's current (unsaved)
//! values. Both change nothing; both require a signed-in superuser first (401 anonymous, 403 non-admin)
//! and take JSON input.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond};
use crate::error::AppError;
use crate::model::InvitationForm;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// The invitation email of the editor's draft, as it would be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailPreview {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body (a whole document; the editor shows it in a sandboxed frame).
    pub html: String,
    /// The preview's link: the real one is made when the invitation is sent, so its token is a
    /// placeholder that says so (`crate::service::invitations::PREVIEW_TOKEN`).
    pub link: String,
}

/// The answer to "would this address be accepted?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressCheck {
    /// Whether an invitee with this address may use the invitation.
    pub accepted: bool,
    /// The verdict, naming the rule that admits it or the rules that refuse it.
    pub sentence: String,
}

/// The invitation email for the editor's current values of `form` (its flow, expiry, roles and groups),
/// rendered exactly as sending renders it, with a placeholder token in its link. `pk` is the invitation
/// being edited (its creator is the inviter named), or `None` for a new one (the signed-in admin is).
/// Changes nothing.
///
/// # Errors
/// 400 [`AppError::Validation`] on `expires` when it is not a date and time; 404 for an unknown `pk`.
#[server(input = Json, endpoint = "admin/invitations/preview_email")]
pub async fn preview_invitation_email(
    pk: Option<String>,
    form: InvitationForm,
) -> Result<EmailPreview, AppError> {
    respond(
        async {
            use crate::domain::invitation::InvitationError;
            use crate::service::invitations::{self, MailDraft};
            let (st, user) = admin().await?;
            let expires = if form.never_expires {
                None
            } else {
                Some(
                    crate::domain::time::parse_input(&form.expires).map_err(|e| {
                        AppError::field(
                            "expires",
                            InvitationError::ExpiresInvalid(e).worded(crate::i18n::wording()),
                        )
                    })?,
                )
            };
            let inviter = match pk.as_deref() {
                Some(pk) => invitations::find(&st.db, pk).await?.invited_by().to_owned(),
                None if user.name.is_empty() => user.username.clone(),
                None => user.name.clone(),
            };
            let draft = MailDraft {
                inviter: &inviter,
                flow_pk: &form.flow,
                roles: &form.roles,
                groups: &form.groups,
                expires,
                locale: crate::i18n::Locale::parse(&form.locale).ok(),
            };
            let now = crate::service::time::now();
            let (m, link) = invitations::preview_mail(&st.db, &st.config, draft, now).await?;
            Ok(EmailPreview {
                subject: m.subject,
                text: m.text,
                html: m.html,
                link,
            })
        }
        .await,
    )
}

/// Whether an invitee with `address` would be accepted by the email rules `emails` (the editor's
/// current text, one rule per line), and by which rule: the same matching the enrollment prompt and
/// accepting apply ([`crate::domain::email_rules::explain`]). `fixed_data.email` only pre-fills the
/// form and is where the invitation is sent; it admits or refuses no one, so it is not asked for.
/// Changes nothing.
///
/// # Errors
/// 400 [`AppError::Validation`] on `emails` when a rule does not parse.
#[server(input = Json, endpoint = "admin/invitations/check_address")]
pub async fn check_invitation_address(
    emails: String,
    address: String,
) -> Result<AddressCheck, AppError> {
    respond(
        async {
            use crate::domain::email_rules::{explain, parse_rules};
            admin().await?;
            let rules = parse_rules(&emails)
                .map_err(|e| AppError::field("emails", e.worded(crate::i18n::wording())))?;
            let verdict = explain(&rules, &address);
            Ok(AddressCheck {
                accepted: verdict.accepted(),
                sentence: verdict.sentence_in(crate::i18n::wording()),
            })
        }
        .await,
    )
}
