//! Invitation service, in rooms by concern (issue 36 item 1): [`token`] (the token and its digest),
//! [`write`] (validation of a draft, create/edit/toggle/regenerate/delete), [`list`] (the dashboard's
//! table), [`uses`] (finding an invitation by token and using it: consume, grant, record) and [`links`]
//! (the named links of public invitations, issue 15 item 6).
//! Everything public is re-exported here, so callers name `service::invitations::…`.

pub mod links;
pub mod list;
pub mod preview;
pub mod reminders;
pub mod token;
pub mod uses;
pub mod write;

pub use crate::domain::invitation::{Invitation, ListedInvitation};
pub use crate::store::invitations::{ListQuery, OrderField};
pub use links::*;
pub use list::*;
pub use preview::*;
pub use token::*;
pub use uses::*;
pub use write::*;

use crate::service::error::{Entity, Error};

/// The error of an invitation pk that names none.
fn not_found() -> Error {
    Error::NotFound(Entity::Invitation)
}
