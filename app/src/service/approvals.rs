//! Approval of an invitation's use (issue 17 item 3; rules in [`crate::domain::approval`]).
//!
//! A use of an invitation that requires approval is taken as any other (its quota, the ledger, the
//! `invitation_used` event), but what it grants waits: [`request_in`], in the use's own transaction,
//! writes a pending request with the roles and groups approval will grant, leaves a new account
//! inactive, records `approval_requested` and emails every approver (the active superusers, and the
//! members of the approvers' group its inviter policy names: the inviters' managers) the invitee's form
//! data and the link to the confirmation page (`/if/approval/{pk}`, whose
//! POST decides; the GET never does). [`decide`] takes one decision in one transaction by a conditional
//! update on the pending row, so two approvers at once produce one decision; it grants, activates and
//! tells the invitee by email. [`expire_due`] denies what waited past its expiry
//! (`USHER_APPROVAL_EXPIRY_DAYS`, [`DEFAULT_EXPIRY_DAYS`] by default).

use super::error::{Error, Problem, Refusal};
use super::mail::Rendered;
use super::notifications::Notifier;
use super::{time, Config, Db};
use crate::domain::approval::{self, ApprovalError, ApprovalStatus, Decision};
use crate::domain::audit::{Action, Model, Who};
use crate::domain::invitation::{Invitation, UseAction};
use crate::domain::user::CurrentUser;
use crate::i18n::Locale;
use crate::store::approvals::{self as store, RequestRow};
use crate::store::db::new_uuid;
use crate::store::Tx;
use crate::t;
use serde_json::{json, Map, Value};

pub use crate::domain::approval::DEFAULT_EXPIRY_DAYS;

/// The most requests one [`expire_due`] round denies.
pub const EXPIRY_BATCH: i64 = 100;

/// The most requests Directory → Approvals lists.
pub const LIST_LIMIT: i64 = 200;

/// Who used an invitation that requires approval, as the request records them.
#[derive(Debug, Clone)]
pub struct Applicant<'a> {
    /// The account's pk.
    pub pk: i64,
    /// Its username.
    pub username: &'a str,
    /// What they entered (no password), shown to the approver.
    pub form: Map<String, Value>,
    /// Whether approval activates the account (a new account of a flow that creates active users).
    pub activate: bool,
}

/// Writes a pending request for `applicant`'s use of `inv` (`action`) inside the use's transaction,
/// with the invitation's roles and groups plus `extra_groups` (read in the transaction) as what approval
/// grants; records `approval_requested` and queues an email to each approver in their language. Returns
/// the request's pk.
///
/// # Errors
/// [`Error::Internal`] when a message does not render; database errors.
pub async fn request_in(
    tx: &mut Tx,
    config: &Config,
    inv: &Invitation,
    applicant: &Applicant<'_>,
    action: UseAction,
    mut extra_groups: Vec<String>,
    ip: &str,
) -> Result<String, Error> {
    use crate::store::invitations as inv_store;
    let now = time::now();
    let pk = new_uuid();
    extra_groups.extend(inv_store::granted_group_pks(&mut **tx, &inv.pk).await?);
    extra_groups.sort();
    extra_groups.dedup();
    let roles = inv_store::granted_role_pks(&mut **tx, &inv.pk).await?;
    let approver_group = inv_store::approver_group(&mut **tx, &inv.pk).await?;
    let expires_at = approval::expires_at(now, config.approval_expiry_days);
    let form = Value::Object(applicant.form.clone()).to_string();
    store::insert(
        &mut **tx,
        &store::NewRequest {
            pk: &pk,
            invitation_pk: &inv.pk,
            invitation_name: inv.name.as_str(),
            invited_by: inv.created_by.pk,
            approver_group_pk: approver_group.as_deref(),
            user_pk: applicant.pk,
            kind: action.as_str(),
            role_pks: &json!(roles).to_string(),
            group_pks: &json!(extra_groups).to_string(),
            activate: applicant.activate,
            form_data: &form,
            created: now,
            expires_at,
        },
    )
    .await?;
    crate::service::audit::record(
        &mut **tx,
        Who::user(applicant.pk, applicant.username, ip).event(
            Action::ApprovalRequested,
            Model::Invitation,
            &inv.pk,
            json!({"request": pk, "username": applicant.username, "use": action.as_str(), "invited_by": inv.created_by.username}),
        ),
    )
    .await?;
    let with = Notifier::from(config);
    let brand = crate::service::brands::mail_brand(&mut **tx, config).await?;
    let link = format!(
        "{}/if/approval/{pk}",
        config.public_url.trim_end_matches('/')
    );
    for (approver_pk, name, email) in store::approvers(&mut **tx, approver_group.as_deref()).await?
    {
        let l = preferred_of(tx, approver_pk, with.locale).await?;
        let mut lines = vec![t!(
            l,
            "approval-mail-username",
            username = applicant.username
        )];
        for (k, v) in &applicant.form {
            if k != "username" {
                let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                lines.push(format!("{k}: {v}"));
            }
        }
        lines.push(t!(
            l,
            "approval-mail-expires",
            expires = l.datetime(expires_at)
        ));
        let msg = render_approval(&ApprovalMail {
            brand: brand.clone(),
            locale: l,
            name,
            subject: t!(
                l,
                "approval-mail-request-subject",
                username = applicant.username
            ),
            headline: t!(
                l,
                "approval-mail-request-headline",
                username = applicant.username,
                invitation = inv.name.as_str(),
                inviter = inv.invited_by()
            ),
            lines,
            link: Some((link.clone(), t!(l, "approval-mail-review"))),
            footer: t!(l, "approval-mail-request-why"),
        })?;
        super::outbox::enqueue(tx, with.key, None, None, &[email], &[], &[], &msg).await?;
    }
    Ok(pk)
}

/// A message about an approval request (issue 17 item 3): to an approver (the invitee's form data and
/// the link to decide), or to the invitee (the decision).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalMail {
    /// The brand (System → Brands): its logo above, its accent on the link's button.
    pub brand: crate::service::mail::MailBrand,
    /// The language it is written in.
    pub locale: Locale,
    /// Who it greets: a display name, else username.
    pub name: String,
    /// The subject line.
    pub subject: String,
    /// The first line, in bold in HTML.
    pub headline: String,
    /// Details, one per line (a list in HTML).
    pub lines: Vec<String>,
    /// An absolute URL to follow, with its text; `None` for none.
    pub link: Option<(String, String)>,
    /// The closing line (why they get it, or what happens next).
    pub footer: String,
}

/// Renders an approval message from `app/templates/approval.{txt,html}`.
///
/// # Errors
/// [`Error::Internal`] when a template fails to render.
pub fn render_approval(m: &ApprovalMail) -> Result<Rendered, Error> {
    let (link, link_text) = m.link.clone().unwrap_or_default();
    super::mail::render(
        m.locale,
        m.subject.clone(),
        "approval.txt",
        "approval.html",
        &minijinja::context! {
            lang => m.locale.code(),
            brand => m.brand.title,
            logo => m.brand.logo,
            accent => m.brand.accent,
            accent_fg => m.brand.accent_fg,
            name => m.name,
            headline => m.headline,
            lines => m.lines,
            link => link,
            link_text => link_text,
            footer => m.footer,
        },
    )
}

/// The preferred language of account `pk` (`attributes.settings.locale`), else `fallback`.
async fn preferred_of(tx: &mut Tx, pk: i64, fallback: Locale) -> Result<Locale, Error> {
    Ok(crate::store::users::attributes(&mut **tx, pk)
        .await?
        .as_deref()
        .and_then(attributes_locale)
        .unwrap_or(fallback))
}

fn attributes_locale(attributes: &str) -> Option<Locale> {
    serde_json::from_str::<Map<String, Value>>(attributes)
        .ok()
        .and_then(|a| crate::i18n::preferred(&a))
}

/// A request as Directory → Approvals and the confirmation page show it. Times are UTC Unix seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The stored row.
    pub row: RequestRow,
    /// Where it stands now (a pending one past its expiry reads as expired).
    pub status: ApprovalStatus,
    /// The names of the roles approval grants (of those that still exist).
    pub roles: Vec<String>,
    /// The names of the groups approval grants (of those that still exist).
    pub groups: Vec<String>,
    /// What the invitee entered.
    pub form: Map<String, Value>,
}

/// The role and group directories, read once per page of requests.
struct Directories {
    roles: Vec<crate::store::directory::NamedRow>,
    groups: Vec<crate::store::directory::NamedRow>,
}

impl Directories {
    async fn read(db: &Db) -> Result<Self, Error> {
        use crate::store::directory::{list, Kind};
        Ok(Self {
            roles: list(&db.pool, Kind::Role).await?,
            groups: list(&db.pool, Kind::Group).await?,
        })
    }

    /// The names of those of `all` whose pk is in the JSON array `pks` (of those that still exist).
    fn names(all: &[crate::store::directory::NamedRow], pks: &str) -> Vec<String> {
        let pks = serde_json::from_str::<Vec<String>>(pks).unwrap_or_default();
        all.iter()
            .filter(|r| pks.contains(&r.pk))
            .map(|r| r.name.clone())
            .collect()
    }

    fn request(&self, row: RequestRow, now: i64) -> Result<Request, Error> {
        let status = ApprovalStatus::parse(&row.status)
            .ok_or(Error::Internal)?
            .at(row.expires_at, now);
        Ok(Request {
            status,
            roles: Self::names(&self.roles, &row.role_pks),
            groups: Self::names(&self.groups, &row.group_pks),
            form: serde_json::from_str(&row.form_data).unwrap_or_default(),
            row,
        })
    }
}

/// Whether `user` may see and decide request `row`: a superuser, or a member of its approvers' group
/// (the inviter policy's `approvers`, the inviters' managers).
pub fn may_approve(user: &CurrentUser, row: &RequestRow) -> bool {
    user.is_superuser
        || (!row.approver_group.is_empty() && user.groups.contains(&row.approver_group))
}

/// The requests `user` may decide ([`may_approve`]), pending first (oldest first), then the decided
/// ones, newest first (at most [`LIST_LIMIT`] read).
///
/// # Errors
/// Database errors; [`Error::Internal`] for a corrupt status.
pub async fn list(db: &Db, user: &CurrentUser) -> Result<Vec<Request>, Error> {
    let now = time::now();
    let rows = store::list(&db.pool, LIST_LIMIT).await?;
    let mine: Vec<RequestRow> = rows.into_iter().filter(|r| may_approve(user, r)).collect();
    if mine.is_empty() {
        return Ok(Vec::new());
    }
    let directories = Directories::read(db).await?;
    mine.into_iter()
        .map(|row| directories.request(row, now))
        .collect()
}

/// Request `pk`, when `user` may decide it ([`may_approve`]).
///
/// # Errors
/// [`Error::Forbidden`] for one that is unknown or not theirs to decide (the same answer, so nobody
/// learns which requests exist); database errors.
pub async fn find(db: &Db, user: &CurrentUser, pk: &str) -> Result<Request, Error> {
    let row = store::get(&db.pool, pk)
        .await?
        .filter(|r| may_approve(user, r))
        .ok_or(Error::Forbidden)?;
    Directories::read(db).await?.request(row, time::now())
}

/// Decides request `pk` as `approver` (a superuser or a member of its approvers' group; `who` for the
/// event): one transaction takes the decision if the
/// request is still pending and unexpired (a conditional update: of two approvers at once, one wins and
/// the other is told it was decided), then, on approval, grants the roles and groups, activates a new
/// account whose flow creates active users, records `approval_decided` and emails the invitee the
/// decision (with the reason) in their language. Returns the new status.
///
/// # Errors
/// [`Error::Forbidden`] for a request that is unknown or not `approver`'s to decide ([`may_approve`]);
/// [`Error::Invalid`] under `reason` for a denial without one or one too long;
/// [`Error::Refused`] ([`Refusal::ApprovalDecided`], with its outcome) for a request already decided or
/// expired; database errors. Nothing is written on error.
#[tracing::instrument(name = "approvals.decide", skip_all, fields(request = pk))]
pub async fn decide(
    db: &Db,
    config: &Config,
    who: &Who,
    approver: &CurrentUser,
    pk: &str,
    decision: Decision,
    reason: &str,
) -> Result<ApprovalStatus, Error> {
    match store::get(&db.pool, pk).await? {
        Some(r) if may_approve(approver, &r) => {}
        _ => return Err(Error::Forbidden),
    }
    let reason = approval::parse_reason(decision, reason).map_err(refused)?;
    let now = time::now();
    let by = if approver.name.trim().is_empty() {
        approver.username.as_str()
    } else {
        approver.name.as_str()
    };
    let mut tx = db.begin().await?;
    let status = decision.status();
    let taken = store::decide(
        &mut *tx,
        pk,
        status.as_str(),
        &reason,
        (Some(approver.pk), by),
        now,
    )
    .await?;
    let row = store::get(&mut *tx, pk)
        .await?
        .ok_or(Error::NotFound(super::error::Entity::ApprovalRequest))?;
    if taken == 0 {
        let stored = ApprovalStatus::parse(&row.status).ok_or(Error::Internal)?;
        approval::may_decide(stored, row.expires_at, now).map_err(refused)?;
        // Pending and unexpired, yet not updated: only a concurrent change explains it.
        return Err(refused(ApprovalError::AlreadyDecided(stored)));
    }
    if decision == Decision::Approve {
        let pks = |j: &str| serde_json::from_str::<Vec<String>>(j).unwrap_or_default();
        for g in pks(&row.group_pks) {
            if crate::store::directory::group_exists(&mut *tx, &g).await? {
                crate::store::users::add_group(&mut *tx, row.user_pk, &g).await?;
            }
        }
        for r in pks(&row.role_pks) {
            if crate::store::directory::role_pk_by_pk_or_name(&mut *tx, &r)
                .await?
                .as_deref()
                == Some(r.as_str())
            {
                crate::store::users::add_role(&mut *tx, row.user_pk, &r).await?;
            }
        }
        if row.activate {
            crate::store::users::set_active(&mut *tx, row.user_pk, true).await?;
        }
    }
    crate::service::audit::record(
        &mut *tx,
        who.event(
            Action::ApprovalDecided,
            Model::Invitation,
            &row.invitation_pk,
            json!({"request": pk, "username": row.username, "decision": status.as_str(), "reason": reason}),
        ),
    )
    .await?;
    tell_invitee(&mut tx, config, &row, status, &reason).await?;
    tx.commit().await?;
    Ok(status)
}

/// An [`ApprovalError`] as the service's error: a decision already taken is a refusal, the rest is
/// the reason field's problem.
fn refused(e: ApprovalError) -> Error {
    match e {
        ApprovalError::AlreadyDecided(s) => Error::Refused(Refusal::ApprovalDecided(s)),
        other => Error::field("reason", Problem::Approval(other)),
    }
}

/// Emails the invitee of request `row` that it was `status` (approved, denied with `reason`, expired),
/// in their preferred language.
async fn tell_invitee(
    tx: &mut Tx,
    config: &Config,
    row: &RequestRow,
    status: ApprovalStatus,
    reason: &str,
) -> Result<(), Error> {
    if row.user_email.trim().is_empty() {
        return Ok(());
    }
    let l = attributes_locale(&row.user_attributes).unwrap_or(config.default_locale);
    let name = if row.user_name.trim().is_empty() {
        row.username.clone()
    } else {
        row.user_name.clone()
    };
    let site = config.public_url.trim_end_matches('/');
    let invitation = row.invitation_name.clone();
    let (subject, headline, lines, link) = match status {
        ApprovalStatus::Approved => (
            t!(l, "approval-mail-approved-subject"),
            t!(
                l,
                "approval-mail-approved-headline",
                invitation = invitation
            ),
            if reason.is_empty() {
                Vec::new()
            } else {
                vec![t!(l, "approval-mail-reason", reason = reason)]
            },
            Some((format!("{site}/login"), t!(l, "approval-mail-sign-in"))),
        ),
        ApprovalStatus::Denied => (
            t!(l, "approval-mail-denied-subject"),
            t!(l, "approval-mail-denied-headline", invitation = invitation),
            vec![t!(l, "approval-mail-reason", reason = reason)],
            None,
        ),
        ApprovalStatus::Expired | ApprovalStatus::Pending => (
            t!(l, "approval-mail-expired-subject"),
            t!(l, "approval-mail-expired-headline", invitation = invitation),
            Vec::new(),
            None,
        ),
    };
    let msg = render_approval(&ApprovalMail {
        brand: crate::service::brands::mail_brand(&mut **tx, config).await?,
        locale: l,
        name,
        subject,
        headline,
        lines,
        link,
        footer: t!(l, "approval-mail-decided-why"),
    })?;
    super::outbox::enqueue(
        tx,
        &config.secret_key,
        None,
        None,
        std::slice::from_ref(&row.user_email),
        &[],
        &[],
        &msg,
    )
    .await?;
    Ok(())
}

/// Denies, as expired, the pending requests past their expiry (at most [`EXPIRY_BATCH`]), each in its own
/// transaction with its event and the invitee's email; a request decided meanwhile is left as it is.
/// Returns how many expired.
///
/// # Errors
/// Database errors; [`Error::Internal`] when a message does not render.
pub async fn expire_due(db: &Db, config: &Config) -> Result<usize, Error> {
    let now = time::now();
    let mut n = 0;
    for pk in store::due_to_expire(&db.pool, now, EXPIRY_BATCH).await? {
        let mut tx = db.begin().await?;
        if store::expire(&mut *tx, &pk, now).await? == 0 {
            continue;
        }
        let Some(row) = store::get(&mut *tx, &pk).await? else {
            continue;
        };
        crate::service::audit::record(
            &mut *tx,
            Who::system().event(
                Action::ApprovalDecided,
                Model::Invitation,
                &row.invitation_pk,
                json!({"request": pk, "username": row.username, "decision": "expired", "reason": ""}),
            ),
        )
        .await?;
        tell_invitee(&mut tx, config, &row, ApprovalStatus::Expired, "").await?;
        tx.commit().await?;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::brand::Accent;
    use crate::service::mail::MailBrand;

    /// The brand is on approval messages too (issue 16 item 5): its logo above, its accent on the button.
    #[test]
    fn an_approval_message_carries_the_brand() {
        let brand = MailBrand::new(
            "Acme".into(),
            Some("https://cdn.example.com/logo.svg".into()),
            Some(Accent([0xff, 0xdd, 0x00])),
        );
        let msg = render_approval(&ApprovalMail {
            brand,
            locale: Locale::En,
            name: "Ann".into(),
            subject: "Your request was approved".into(),
            headline: "Approved".into(),
            lines: vec![],
            link: Some(("https://usher.example/login".into(), "Sign in".into())),
            footer: "Why".into(),
        })
        .unwrap();
        let html = msg.html.replace("&#x2f;", "/");
        assert!(
            html.contains(r#"<img src="https://cdn.example.com/logo.svg" alt="Acme""#),
            "{html}"
        );
        assert!(html.contains("background:#ffdd00;color:#000000;"), "{html}");
    }
}
