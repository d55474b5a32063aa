//! Applying blueprints (one transaction: all of a file or nothing) and exporting a flow as one.
//! Reading and checking the file is [`crate::domain::blueprint`].
//!
//! `identifiers` upsert: groups, stages and invitations by `name`, flows by `slug`; re-importing a file
//! updates what it created and never duplicates. A flow's stage bindings are the ones the file gives it
//! (authentik's `order` kept as the position): re-importing the same file leaves them as they are.

use super::error::{Context, Entity, Error, Problem, Refusal};
use super::{invitations, time, Db};
use crate::domain::audit::Who;
pub use crate::domain::blueprint::ApplyReport;
use crate::domain::blueprint::{parse, Plan};
use crate::domain::fixed_data;
use crate::domain::flow::StageKind;
use crate::domain::invitation::{InvitationError, InvitationName, InvitationPatch};
use crate::store::db::new_uuid;
use crate::store::{directory, flows};
use std::collections::BTreeMap;
use yaml_serde::value::{Tag, TaggedValue};
use yaml_serde::{Mapping, Value as Y};

/// Whether applying a blueprint may change Usher's built-in flows and stages
/// ([`crate::domain::blueprint::builtin_changes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltinChanges {
    /// Refuse, naming what would change, so the admin can confirm (the default of every door).
    Refuse,
    /// The admin confirmed (the import form's second step; `usher blueprint apply --force`).
    Confirmed,
}

/// The name of the field an unconfirmed change to a built-in flow is reported on
/// ([`Error::Invalid`]): the import form's confirmation.
pub const CONFIRM_FIELD: &str = crate::domain::flow::CONFIRM_BUILTIN_FIELD;

/// Reads and applies a blueprint in one transaction. Invitations it creates are `created_by` this user;
/// their events name `who`.
///
/// # Errors
/// [`Refusal::Blueprint`] with the entry and path of what is wrong (see
/// [`crate::domain::blueprint::parse`]), or [`Refusal::BlueprintInvitation`] for an invitation whose
/// name or expiry is invalid; [`Problem::BuiltinChanges`] on [`CONFIRM_FIELD`] naming the built-in flows
/// and stages it would change,
/// unless `builtin` is [`BuiltinChanges::Confirmed`]; database errors. Nothing is applied on error.
pub async fn apply(
    db: &Db,
    key: &super::SecretKey,
    text: &str,
    context: &BTreeMap<String, String>,
    (who, created_by): (&Who, i64),
    builtin: BuiltinChanges,
) -> Result<ApplyReport, Error> {
    let plan = parse(text, context).map_err(|e| Error::Refused(Refusal::Blueprint(e)))?;
    if builtin == BuiltinChanges::Refuse {
        let shipped = crate::domain::flow::builtin_flows();
        let mut stored = Vec::new();
        for f in &shipped {
            if let Some(s) = super::flows::load_flow(db, &f.slug).await? {
                stored.push(s.def);
            }
        }
        let changes = crate::domain::blueprint::builtin_changes(&plan, &stored, &shipped);
        if !changes.is_empty() {
            return Err(Error::field(
                CONFIRM_FIELD,
                Problem::BuiltinChanges(changes),
            ));
        }
    }
    apply_plan(db, key, &plan, who, created_by).await
}

async fn apply_plan(
    db: &Db,
    key: &super::SecretKey,
    plan: &Plan,
    who: &Who,
    created_by: i64,
) -> Result<ApplyReport, Error> {
    let mut report = ApplyReport {
        name: plan.name.clone(),
        flows: plan.flows.iter().map(|f| f.slug.clone()).collect(),
        ..Default::default()
    };
    let mut count = |created: bool| {
        if created {
            report.created += 1
        } else {
            report.updated += 1
        }
    };
    let now = time::now();
    let mut tx = db.begin().await?;
    for g in &plan.groups {
        let exists = directory::group_pk_by_name(&mut *tx, g).await?.is_some();
        if !exists {
            directory::insert(&mut *tx, directory::Kind::Group, &new_uuid(), g, now).await?;
        }
        count(!exists);
    }
    let mut flow_pks = BTreeMap::new();
    for f in &plan.flows {
        let up = flows::upsert_flow_by_slug(
            &mut tx,
            &flows::FlowFields {
                slug: &f.slug,
                name: &f.name,
                title: &f.title,
                designation: f.designation.as_str(),
                authentication: f.authentication.as_str(),
            },
        )
        .await?;
        count(up.created);
        flow_pks.insert(f.slug.clone(), up.pk);
    }
    let mut stage_pks = BTreeMap::new();
    for s in &plan.stages {
        let config = serde_json::to_string(&s.kind).context("encoding a stage's settings")?;
        let up = flows::upsert_stage_by_name(&mut tx, &s.name, s.kind.name(), &config).await?;
        count(up.created);
        stage_pks.insert(s.name.clone(), up.pk);
    }
    for (slug, flow_pk) in &flow_pks {
        let bound: Vec<&(String, String, i64)> =
            plan.bindings.iter().filter(|(f, ..)| f == slug).collect();
        if bound.is_empty() {
            continue;
        }
        flows::delete_stage_bindings(&mut *tx, flow_pk).await?;
        for (_, stage, order) in bound {
            let stage_pk = stage_pks
                .get(stage)
                .context("binding a stage the blueprint created")?;
            flows::insert_stage_binding(&mut *tx, &new_uuid(), flow_pk, stage_pk, *order).await?;
        }
    }
    for inv in &plan.invitations {
        let bad = |m: &dyn std::fmt::Display| {
            Error::Refused(Refusal::BlueprintInvitation(
                inv.name.clone(),
                m.to_string(),
            ))
        };
        let flow_pk = flow_pks
            .get(&inv.flow_slug)
            .context("finding the flow of a blueprint invitation")?;
        let patch = InvitationPatch {
            name: Some(InvitationName::parse(&inv.name).map_err(|e| bad(&e))?),
            flow: Some(Some(flow_pk.clone())),
            expires: Some(
                inv.expires
                    .as_deref()
                    .map(time::parse_input)
                    .transpose()
                    .map_err(|e| bad(&e))?,
            ),
            not_before: Some(
                inv.not_before
                    .as_deref()
                    .map(time::parse_input)
                    .transpose()
                    .map_err(|_| bad(&InvitationError::NotBeforeInvalid))?,
            ),
            fixed_data: Some(fixed_data::validate(inv.fixed_data.clone()).map_err(|e| bad(&e))?),
            single_use: Some(inv.single_use),
            quota: Some(None),
            locale: Some(
                inv.locale
                    .as_deref()
                    .map(crate::i18n::Locale::parse)
                    .transpose()
                    .map_err(|e| bad(&e))?,
            ),
            ..InvitationPatch::default()
        };
        let created = invitations::upsert_by_name_in(&mut tx, key, who, created_by, patch, now)
            .await
            .map_err(|e| match e {
                invitations::WriteError::Invalid(errors) => bad(&errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")),
                invitations::WriteError::NotFound => Error::NotFound(Entity::Invitation),
                invitations::WriteError::Other(e) => e,
            })?;
        count(created);
    }
    tx.commit().await?;
    Ok(report)
}

fn keyof(id: &str) -> Y {
    Y::Tagged(Box::new(TaggedValue {
        tag: Tag::new("KeyOf"),
        value: Y::String(id.to_owned()),
    }))
}

fn map(pairs: Vec<(&str, Y)>) -> Y {
    let mut m = Mapping::new();
    for (k, v) in pairs {
        m.insert(Y::String(k.to_owned()), v);
    }
    Y::Mapping(m)
}

fn s(v: &str) -> Y {
    Y::String(v.to_owned())
}

fn entry(model: &str, id: &str, identifiers: Y, attrs: Vec<(&str, Y)>) -> Y {
    let mut pairs = vec![
        ("model", s(model)),
        ("id", s(id)),
        ("identifiers", identifiers),
    ];
    if !attrs.is_empty() {
        pairs.push(("attrs", map(attrs)));
    }
    map(pairs)
}

/// A flow, its stages (prompt stages with their prompts), the groups they name and its bindings, as an
/// authentik blueprint (v1) that [`apply`] reads back to the same flow.
///
/// # Errors
/// [`Error::NotFound`]; database errors.
pub async fn export(db: &Db, slug: &str) -> Result<String, Error> {
    let flow = super::flows::load_flow(db, slug)
        .await?
        .ok_or(Error::NotFound(Entity::Flow))?;
    let d = &flow.def;
    let mut entries = vec![entry(
        "authentik_flows.flow",
        "flow",
        map(vec![("slug", s(&d.slug))]),
        vec![
            ("name", s(&d.name)),
            ("title", s(&d.title)),
            ("designation", s(d.designation.as_str())),
            ("authentication", s(d.authentication.as_str())),
        ],
    )];
    let mut bindings = Vec::new();
    for (i, stage) in d.stages.iter().enumerate() {
        let id = format!("stage-{}", i + 1);
        let ident = map(vec![("name", s(&stage.name))]);
        let b = |v: bool| Y::Bool(v);
        let (model, attrs): (&str, Vec<(&str, Y)>) = match &stage.kind {
            StageKind::Invitation {
                continue_flow_without_invitation,
            } => (
                "authentik_stages_invitation.invitationstage",
                vec![(
                    "continue_flow_without_invitation",
                    b(*continue_flow_without_invitation),
                )],
            ),
            StageKind::Prompt { fields } => {
                let mut refs = Vec::new();
                for f in fields {
                    let pid = format!("{id}-field-{}", f.field_key);
                    entries.push(entry(
                        "authentik_stages_prompt.prompt",
                        &pid,
                        map(vec![(
                            "name",
                            s(&format!("{}-{}", stage.name, f.field_key)),
                        )]),
                        vec![
                            ("field_key", s(&f.field_key)),
                            ("label", s(&f.label)),
                            ("type", s(f.field_type.as_str())),
                            ("required", b(f.required)),
                            ("placeholder", s(&f.placeholder)),
                            ("order", Y::Number(f.order.into())),
                        ],
                    ));
                    refs.push(keyof(&pid));
                }
                (
                    "authentik_stages_prompt.promptstage",
                    vec![("fields", Y::Sequence(refs))],
                )
            }
            StageKind::UserWrite {
                user_creation_mode,
                user_type,
                user_path_template,
                create_users_group,
                create_users_as_inactive,
            } => {
                let mut attrs = vec![
                    ("user_creation_mode", s(user_creation_mode.as_str())),
                    ("user_type", s(user_type.as_str())),
                    ("user_path_template", s(user_path_template)),
                    ("create_users_as_inactive", b(*create_users_as_inactive)),
                ];
                if let Some(g) = create_users_group {
                    let gid = format!("group-{g}");
                    entries.push(entry(
                        "authentik_core.group",
                        &gid,
                        map(vec![("name", s(g))]),
                        vec![],
                    ));
                    attrs.push(("create_users_group", keyof(&gid)));
                }
                ("authentik_stages_user_write.userwritestage", attrs)
            }
            StageKind::Email {
                token_expiry,
                max_attempts,
                activate_user_on_success,
            } => (
                "authentik_stages_email.emailstage",
                vec![
                    ("token_expiry", Y::Number((*token_expiry).into())),
                    ("recovery_max_attempts", Y::Number((*max_attempts).into())),
                    ("activate_user_on_success", b(*activate_user_on_success)),
                ],
            ),
            StageKind::UserLogin => ("authentik_stages_user_login.userloginstage", vec![]),
        };
        entries.push(entry(model, &id, ident, attrs));
        bindings.push(map(vec![
            ("model", s("authentik_flows.flowstagebinding")),
            (
                "identifiers",
                map(vec![
                    ("target", keyof("flow")),
                    ("stage", keyof(&id)),
                    ("order", Y::Number(((i as i64 + 1) * 10).into())),
                ]),
            ),
        ]));
    }
    entries.extend(bindings);
    let doc = map(vec![
        ("version", Y::Number(1.into())),
        (
            "metadata",
            map(vec![("name", s(&format!("Usher export: {}", d.name)))]),
        ),
        ("entries", Y::Sequence(entries)),
    ]);
    yaml_serde::to_string(&doc).context("writing the blueprint export")
}

/// Every flow with its stages in binding order, by slug (Flows & Stages → Flows; the page shows whether
/// each binds an invitation stage, its stages' settings as YAML, whether it runs open enrollment). Two
/// statements whatever the number of flows ([`super::flows::load_all_flows`]).
///
/// # Errors
/// Database errors; [`Error::Internal`] when a stored stage's settings do not parse.
pub async fn list_flows(db: &Db) -> Result<Vec<super::flows::StoredFlow>, Error> {
    super::flows::load_all_flows(db).await
}
