//! Admin dashboard server functions. Every one requires a signed-in superuser first (401 anonymous,
//! 403 non-admin) and takes JSON input.
//! One file per area, mirroring `pages/admin/` (issue 36 item 1); every function is re-exported here.

pub mod brands;
pub mod campaigns;
pub mod codes;
pub mod directory;
pub mod email;
pub mod events;
pub mod flows;
pub mod invitation_links;
pub mod invitations;
pub mod outbox;
pub mod policies;
pub mod preview;
pub mod tokens;
pub mod users;
pub mod webhooks;

pub use brands::*;
pub use campaigns::*;
pub use codes::*;
pub use directory::*;
pub use email::*;
pub use events::*;
pub use flows::*;
pub use invitation_links::*;
pub use invitations::*;
pub use outbox::*;
pub use policies::*;
pub use preview::*;
pub use tokens::*;
pub use users::*;
pub use webhooks::*;
