//! What an invitation's or a campaign's definition names, resolved in the writer's transaction: the
//! flow (by pk; the default enrollment flow when none is named) and the roles and groups (by pk or name),
//! with each reference that does not exist reported, so every door words it as its own field error.

use super::error::Error;
use crate::store::Tx;

/// The flow a definition gets when it names none (the seed's "use default-enrollment-flow").
pub const DEFAULT_FLOW_SLUG: &str = "default-enrollment-flow";

/// A definition's references as found: the pks of those that exist (roles and groups sorted, without
/// duplicates), and those that do not, as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct References {
    /// The flow's pk; `None` when the named flow (or the default one) does not exist.
    pub flow_pk: Option<String>,
    /// Role pks.
    pub roles: Vec<String>,
    /// Group pks.
    pub groups: Vec<String>,
    /// Roles named that do not exist.
    pub unknown_roles: Vec<String>,
    /// Groups named that do not exist.
    pub unknown_groups: Vec<String>,
}

/// Resolves `flow` (a pk, or `None` for [`DEFAULT_FLOW_SLUG`]), `roles` and `groups` (pks or names)
/// inside `tx`.
///
/// # Errors
/// Storage errors.
pub async fn resolve(
    tx: &mut Tx,
    flow: Option<&str>,
    roles: &[String],
    groups: &[String],
) -> Result<References, Error> {
    let mut r = References {
        flow_pk: match flow {
            Some(pk) => crate::store::flows::existing_flow_pk(&mut **tx, pk).await?,
            None => crate::store::flows::flow_pk_by_slug(&mut **tx, DEFAULT_FLOW_SLUG).await?,
        },
        ..References::default()
    };
    for role in roles {
        match crate::store::directory::role_pk_by_pk_or_name(&mut **tx, role).await? {
            Some(pk) => r.roles.push(pk),
            None => r.unknown_roles.push(role.clone()),
        }
    }
    for group in groups {
        match crate::store::directory::group_pk_by_pk_or_name(&mut **tx, group).await? {
            Some(pk) => r.groups.push(pk),
            None => r.unknown_groups.push(group.clone()),
        }
    }
    r.roles.sort();
    r.roles.dedup();
    r.groups.sort();
    r.groups.dedup();
    Ok(r)
}
