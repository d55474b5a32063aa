//! Directory → Campaigns (issue 15): the campaigns, one campaign's page, its definition, the import's dry
//! run and its confirmation, resending, revoking. Every function requires a signed-in superuser first
//! (401 anonymous, 403 non-admin) and takes JSON input; each calls one campaign service function.

#[cfg(feature = "ssr")]
use crate::api::ctx::{admin, respond, who};
use crate::domain::campaign::{CampaignForm, CampaignPage, CampaignView, ImportSource, ImportView};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::service::{campaigns, time};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Every campaign, newest first, with its recipients counted by state.
#[server(input = Json, endpoint = "admin/campaigns/list")]
pub async fn list_campaigns() -> Result<Vec<CampaignView>, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            let now = time::now();
            Ok(campaigns::list(&st.db, now)
                .await?
                .into_iter()
                .map(|c| parse::worded(c, now))
                .collect())
        }
        .await,
    )
}

/// One campaign (by pk or name) with its recipients.
#[server(input = Json, endpoint = "admin/campaigns/get")]
pub async fn get_campaign(pk: String) -> Result<CampaignPage, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            let now = time::now();
            let (campaign, recipients) = campaigns::get(&st.db, &pk, now).await?;
            Ok(CampaignPage {
                campaign: parse::worded(campaign, now),
                recipients: recipients
                    .into_iter()
                    .map(|mut r| {
                        r.created_text = crate::domain::time::format_absolute(r.created);
                        r
                    })
                    .collect(),
            })
        }
        .await,
    )
}

/// The editor's form: a new campaign's defaults (`pk` `None`: the default flow, expiry in 14 days, no
/// reminders), or campaign `pk`'s definition.
#[server(input = Json, endpoint = "admin/campaigns/form")]
pub async fn campaign_editor_form(pk: Option<String>) -> Result<CampaignForm, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            let input =
                |t: Option<i64>| t.map(crate::domain::time::format_input).unwrap_or_default();
            Ok(match pk {
                None => CampaignForm {
                    expires: input(Some(time::now() + 14 * 86_400)),
                    ..Default::default()
                },
                Some(pk) => {
                    let (c, _) = campaigns::get(&st.db, &pk, time::now()).await?;
                    CampaignForm {
                        name: c.name,
                        description: c.description,
                        flow: c.flow_pk,
                        expires: input(c.expires),
                        not_before: input(c.not_before),
                        fixed_data: c.fixed_data,
                        email_subject: c.email_subject,
                        email_message: c.email_message,
                        reminder_days: c
                            .reminder_days
                            .iter()
                            .map(u32::to_string)
                            .collect::<Vec<_>>()
                            .join(", "),
                        digest: c.digest,
                        roles: c.roles.into_iter().map(|(pk, _)| pk).collect(),
                        groups: c.groups.into_iter().map(|(pk, _)| pk).collect(),
                    }
                }
            })
        }
        .await,
    )
}

/// Creates a campaign (`pk` `None`) or stores its definition; returns its pk.
#[server(input = Json, endpoint = "admin/campaigns/save")]
pub async fn save_campaign(pk: Option<String>, form: CampaignForm) -> Result<String, AppError> {
    respond(
        async {
            let (st, user) = admin().await?;
            let draft = parse::draft_of(&form).map_err(parse::invalid)?;
            let who = who(&user).await;
            Ok(match pk {
                None => campaigns::create(&st.db, &who, user.pk, &draft, time::now()).await?,
                Some(pk) => {
                    campaigns::update(&st.db, &who, &pk, &draft).await?;
                    pk
                }
            })
        }
        .await,
    )
}

/// Deletes a campaign, its recipients and their invitations.
#[server(input = Json, endpoint = "admin/campaigns/delete")]
pub async fn delete_campaign(pk: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, user) = admin().await?;
            Ok(campaigns::delete(&st.db, &who(&user).await, &pk).await?)
        }
        .await,
    )
}

/// The dry run of an import: what each row would be; nothing is written.
#[server(input = Json, endpoint = "admin/campaigns/dry_run")]
pub async fn campaign_dry_run(pk: String, source: ImportSource) -> Result<ImportView, AppError> {
    respond(
        async {
            let (st, _) = admin().await?;
            let rows = parse::rows_of(&source)?;
            Ok(parse::import_view(
                &campaigns::dry_run(&st.db, &pk, rows).await?,
            ))
        }
        .await,
    )
}

/// Applies an import (after its dry run), in one transaction.
#[server(input = Json, endpoint = "admin/campaigns/import")]
pub async fn campaign_import(pk: String, source: ImportSource) -> Result<ImportView, AppError> {
    respond(
        async {
            let (st, user) = admin().await?;
            let rows = parse::rows_of(&source)?;
            let done = campaigns::import(
                &st.db,
                &st.config,
                &who(&user).await,
                &pk,
                rows,
                time::now(),
                &|_, _| {},
            )
            .await?;
            Ok(parse::import_view(&done))
        }
        .await,
    )
}

/// Sends the invitation again to every recipient who has not joined; returns how many.
#[server(input = Json, endpoint = "admin/campaigns/resend")]
pub async fn campaign_resend(pk: String) -> Result<usize, AppError> {
    respond(
        async {
            let (st, user) = admin().await?;
            Ok(campaigns::resend(&st.db, &st.config, &who(&user).await, &pk).await?)
        }
        .await,
    )
}

/// Revokes one recipient: their invitation stops working at once.
#[server(input = Json, endpoint = "admin/campaigns/revoke")]
pub async fn campaign_revoke(pk: String, recipient: String) -> Result<(), AppError> {
    respond(
        async {
            let (st, user) = admin().await?;
            Ok(campaigns::revoke(&st.db, &who(&user).await, &pk, &recipient).await?)
        }
        .await,
    )
}

/// Revokes every recipient who has not joined; returns how many.
#[server(input = Json, endpoint = "admin/campaigns/revoke_all")]
pub async fn campaign_revoke_all(pk: String) -> Result<u64, AppError> {
    respond(
        async {
            let (st, user) = admin().await?;
            Ok(campaigns::revoke_all(&st.db, &who(&user).await, &pk).await?)
        }
        .await,
    )
}

/// The edge's parsing: the form into a draft, the import's source into rows.
#[cfg(feature = "ssr")]
pub(crate) mod parse {
    use crate::domain::campaign::{
        parse_csv, parse_pasted, parse_reminder_days, CampaignDraft, CampaignError, CampaignForm,
        CampaignName, ImportSource, ImportView, RecipientInput, RowLine,
    };
    use crate::error::AppError;
    use crate::service::error::{Error, Problem};

    /// Field errors as the dashboard shows them.
    pub fn invalid(errors: Vec<CampaignError>) -> AppError {
        AppError::from(Error::Invalid(
            errors
                .into_iter()
                .map(|e| (e.field().to_owned(), Problem::Campaign(e)))
                .collect(),
        ))
    }

    fn time_or_none(raw: &str, e: CampaignError, errors: &mut Vec<CampaignError>) -> Option<i64> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        crate::domain::time::parse_input(raw)
            .map_err(|_| errors.push(e))
            .ok()
    }

    /// Parses the form; every field's error at once.
    ///
    /// # Errors
    /// The [`CampaignError`]s of the fields that do not parse.
    pub fn draft_of(form: &CampaignForm) -> Result<CampaignDraft, Vec<CampaignError>> {
        let mut errors = Vec::new();
        let name = CampaignName::parse(&form.name)
            .map_err(|e| errors.push(e))
            .ok();
        let expires = time_or_none(&form.expires, CampaignError::ExpiresInvalid, &mut errors);
        let not_before = time_or_none(
            &form.not_before,
            CampaignError::NotBeforeInvalid,
            &mut errors,
        );
        let fixed_data = crate::domain::fixed_data::parse_fixed_data(&form.fixed_data)
            .map_err(|e| errors.push(CampaignError::FixedData(e)))
            .ok();
        let reminder_days = parse_reminder_days(&form.reminder_days)
            .map_err(|e| errors.push(CampaignError::Reminders(e)))
            .ok();
        match (name, fixed_data, reminder_days) {
            (Some(name), Some(fixed_data), Some(reminder_days)) if errors.is_empty() => {
                Ok(CampaignDraft {
                    name,
                    description: form.description.trim().to_owned(),
                    flow: Some(form.flow.trim().to_owned()).filter(|f| !f.is_empty()),
                    expires,
                    not_before,
                    fixed_data,
                    email_subject: form.email_subject.trim().to_owned(),
                    email_message: form.email_message.trim().to_owned(),
                    reminder_days,
                    digest: form.digest,
                    roles: form.roles.clone(),
                    groups: form.groups.clone(),
                })
            }
            _ => Err(errors),
        }
    }

    /// The rows of an import's source: the CSV when given, else the pasted addresses.
    ///
    /// # Errors
    /// A CSV refused as a whole, under `csv`; no rows, under `pasted`.
    pub fn rows_of(source: &ImportSource) -> Result<Vec<RecipientInput>, AppError> {
        let rows = if source.csv.trim().is_empty() {
            parse_pasted(&source.pasted)
        } else {
            parse_csv(source.csv.as_bytes())
                .map_err(|e| AppError::from(Error::field("csv", Problem::Csv(e))))?
        };
        if rows.is_empty() {
            return Err(AppError::from(Error::field("pasted", Problem::NoRecipient)));
        }
        Ok(rows)
    }

    /// A campaign with its times worded at `now`.
    pub fn worded(
        mut c: crate::domain::campaign::CampaignView,
        now: i64,
    ) -> crate::domain::campaign::CampaignView {
        use crate::domain::time::format_absolute;
        c.expires_text = crate::i18n::wording().expiry_utc(c.expires, now);
        c.not_before_text = c.not_before.map(format_absolute).unwrap_or_default();
        c.created_text = format_absolute(c.created);
        c
    }

    /// An import as the dashboard shows it, each row's verdict in the dashboard's language.
    pub fn import_view(i: &crate::service::campaigns::Import) -> ImportView {
        let l = crate::i18n::wording();
        ImportView {
            rows: i
                .rows
                .iter()
                .map(|r| RowLine {
                    explain: r.verdict.explain_in(l),
                    ..RowLine::from(r)
                })
                .collect(),
            counts: i.counts,
        }
    }
}
