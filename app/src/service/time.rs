//! The clock, the one impure piece of time handling; parsing and formatting are pure domain code
//! ([`crate::domain::time`], re-exported here).

pub use crate::domain::time::*;

/// Now, UTC Unix seconds.
pub fn now() -> Timestamp {
    chrono::Utc::now().timestamp()
}
