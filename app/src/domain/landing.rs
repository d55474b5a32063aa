//! Where a signed-in user lands: one rule for every door (sign-in, enrollment, accepting an invitation,
//! set-up).

use crate::domain::flow::UserType;

/// The admin dashboard's first page.
pub const DASHBOARD: &str = "/admin/invitations";

/// The signed-in user's profile page (it lists what they were granted).
pub const PROFILE: &str = "/";

/// The page an invitee lands on when their use of an invitation waits for an approver (issue 17 item 3).
pub const PENDING_APPROVAL: &str = "/if/pending/";

/// How the user came to be signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival<'a> {
    /// The sign-in form, with the page they asked for (`?next=`), if any.
    SignedIn {
        /// `next` as given (checked here with [`is_safe_next`]).
        next: Option<&'a str>,
    },
    /// Enrolled through a flow whose `user_login` stage signed them in.
    Enrolled,
    /// Accepted an invitation with an existing account.
    Joined,
    /// Created the first admin on the set-up page.
    SetUp,
}

/// Who landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arriving<'a> {
    /// Admin rights.
    pub is_superuser: bool,
    /// `internal` or `external`.
    pub user_type: UserType,
    /// The default application (System → Brands, else `USHER_DEFAULT_APP_URL`), when set.
    pub default_app: Option<&'a str>,
}

/// The path or URL to send a signed-in user to:
/// - signing in: a safe `next` they asked for, else admins the dashboard, external users the default
///   application when one is set, everyone else their profile;
/// - enrolling: external users the default application when one is set, else their profile;
/// - accepting an invitation: their profile, which lists what they were granted;
/// - set-up: the dashboard.
pub fn landing(arrival: Arrival<'_>, who: Arriving<'_>) -> String {
    let app = who
        .default_app
        .filter(|_| who.user_type == UserType::External);
    match arrival {
        Arrival::SignedIn { next: Some(n) } if is_safe_next(n) => n.to_owned(),
        Arrival::SignedIn { .. } if who.is_superuser => DASHBOARD.to_owned(),
        Arrival::SignedIn { .. } | Arrival::Enrolled => app.unwrap_or(PROFILE).to_owned(),
        Arrival::Joined => PROFILE.to_owned(),
        Arrival::SetUp => DASHBOARD.to_owned(),
    }
}

/// Whether `next` is a safe same-origin relative path to redirect to after login: it starts with a single
/// `/`, not `//` or `/\`, and has no scheme, backslash or control characters (open-redirect defence).
pub fn is_safe_next(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && !next.contains("://")
}

/// Whether `next` is an invitation link of this site (`/if/flow/…`, and [`is_safe_next`]): where "Sign
/// out" on a flow page may return to.
pub fn is_invitation_link(next: &str) -> bool {
    next.starts_with("/if/flow/") && is_safe_next(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_out_returns_to_invitation_links_only() {
        assert!(is_invitation_link("/if/flow/enroll/?itoken=abc"));
        assert!(!is_invitation_link("/admin/invitations"));
        assert!(!is_invitation_link("https://evil.io/if/flow/"));
        assert!(!is_invitation_link("/if/flow/x\\evil"));
    }

    #[test]
    fn next_accepts_relative_paths_only() {
        assert!(is_safe_next("/admin/invitations"));
        assert!(is_safe_next("/if/flow/x/?itoken=1"));
        assert!(!is_safe_next("https://evil.io/"));
        assert!(!is_safe_next("//evil.io/"));
        assert!(!is_safe_next("/\\evil.io"));
        assert!(!is_safe_next("/x\n"));
        assert!(!is_safe_next("admin"));
        assert!(!is_safe_next("/redirect?u=http://evil.io"));
    }

    const APP: Option<&str> = Some("https://app.example.com/");

    fn who(
        is_superuser: bool,
        user_type: UserType,
        default_app: Option<&'static str>,
    ) -> Arriving<'static> {
        Arriving {
            is_superuser,
            user_type,
            default_app,
        }
    }

    #[test]
    fn signing_in_goes_to_next_then_by_role_and_type() {
        let signed_in = |next| Arrival::SignedIn { next };
        let ext = who(false, UserType::External, APP);
        assert_eq!(landing(signed_in(Some("/if/accept/")), ext), "/if/accept/");
        assert_eq!(
            landing(signed_in(Some("https://evil.io/")), ext),
            APP.unwrap()
        );
        assert_eq!(
            landing(signed_in(None), who(true, UserType::Internal, APP)),
            DASHBOARD
        );
        assert_eq!(landing(signed_in(None), ext), APP.unwrap());
        assert_eq!(
            landing(signed_in(None), who(false, UserType::External, None)),
            PROFILE
        );
        assert_eq!(
            landing(signed_in(None), who(false, UserType::Internal, APP)),
            PROFILE
        );
    }

    #[test]
    fn enrolling_joining_and_set_up() {
        assert_eq!(
            landing(Arrival::Enrolled, who(false, UserType::External, APP)),
            APP.unwrap()
        );
        assert_eq!(
            landing(Arrival::Enrolled, who(false, UserType::Internal, APP)),
            PROFILE
        );
        assert_eq!(
            landing(Arrival::Joined, who(false, UserType::External, APP)),
            PROFILE
        );
        assert_eq!(
            landing(Arrival::SetUp, who(true, UserType::Internal, None)),
            DASHBOARD
        );
    }
}
