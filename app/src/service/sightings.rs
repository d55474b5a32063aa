//! What invitees' requests show of an invitation without changing it (issue 14 items 1 and 2): its link
//! opened (a view) and its use refused (with the reason). Both are counted in this instance's memory on
//! the request path, which writes nothing (a GET changes no state, and the invitations' generation, the
//! key of every instance's invitation cache, never moves for a view), and written in one transaction
//! every [`FLUSH_SECS`] seconds by [`run`] (and at shutdown by [`flush`]): views are added to
//! `invitation_views`, and each invitation's refusals for one reason become one `invitation_refused`
//! event with their `count`, `first` and `last` times (so a burst of refused requests is one row, not
//! thousands).
//!
//! Only invitations that exist are counted (an unknown token is a plain 404 and leaves no trace), and at
//! most [`MAX_KEYS`] distinct invitations and reasons wait between two flushes: what comes past that is
//! dropped and logged, so memory stays bounded under a flood. A batch whose write fails is kept for the
//! next flush. A process killed without its shutdown flush loses at most its last few seconds.

use super::error::Error;
use super::{audit, time, Db};
use crate::domain::audit::{Action, Actor, Model, RefusalReason, Who};
use crate::store::invitations as store;
pub use crate::store::invitations::Views;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Seconds between two flushes of a running instance.
pub const FLUSH_SECS: u64 = 2;

/// The most distinct invitations (views) plus invitation-and-reason pairs (refusals) kept between two
/// flushes.
pub const MAX_KEYS: usize = 100_000;

/// Refusals of one invitation for one reason, since the last flush.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Refusals {
    count: i64,
    first: i64,
    last: i64,
    /// The last refused client's address.
    client_ip: String,
}

#[derive(Debug, Default)]
struct Tally {
    views: HashMap<String, Views>,
    /// Views of named links (issue 15 item 6), by link pk; each is in `views` under its invitation too.
    link_views: HashMap<String, Views>,
    refusals: HashMap<(String, RefusalReason), Refusals>,
    dropped: u64,
}

impl Tally {
    fn keys(&self) -> usize {
        self.views.len() + self.link_views.len() + self.refusals.len()
    }

    fn view(&mut self, pk: &str, count: i64, first: i64, last: i64) {
        self.add_view(false, pk, count, first, last);
    }

    fn link_view(&mut self, link_pk: &str, count: i64, first: i64, last: i64) {
        self.add_view(true, link_pk, count, first, last);
    }

    fn add_view(&mut self, link: bool, pk: &str, count: i64, first: i64, last: i64) {
        let full = self.keys() >= MAX_KEYS;
        let views = if link {
            &mut self.link_views
        } else {
            &mut self.views
        };
        if let Some(v) = views.get_mut(pk) {
            v.view_count += count;
            v.first_viewed = v.first_viewed.min(first);
            v.last_viewed = v.last_viewed.max(last);
        } else if !full {
            views.insert(
                pk.to_owned(),
                Views {
                    view_count: count,
                    first_viewed: first,
                    last_viewed: last,
                },
            );
        } else {
            self.dropped += 1;
        }
    }

    fn refusal(&mut self, pk: &str, reason: RefusalReason, r: Refusals) {
        if let Some(t) = self.refusals.get_mut(&(pk.to_owned(), reason)) {
            t.count += r.count;
            t.first = t.first.min(r.first);
            if r.last >= t.last {
                t.last = r.last;
                t.client_ip = r.client_ip;
            }
        } else if self.keys() < MAX_KEYS {
            self.refusals.insert((pk.to_owned(), reason), r);
        } else {
            self.dropped += 1;
        }
    }

    /// Puts back a batch whose write failed (merged with what came since).
    fn merge(&mut self, other: Tally) {
        for (pk, v) in other.views {
            self.view(&pk, v.view_count, v.first_viewed, v.last_viewed);
        }
        for (pk, v) in other.link_views {
            self.link_view(&pk, v.view_count, v.first_viewed, v.last_viewed);
        }
        for ((pk, reason), r) in other.refusals {
            self.refusal(&pk, reason, r);
        }
        self.dropped += other.dropped;
    }
}

/// This instance's views and refusals waiting to be written (one per [`Db`]).
#[derive(Debug, Default)]
pub struct Sightings {
    tally: Mutex<Tally>,
}

impl Sightings {
    fn lock(&self) -> std::sync::MutexGuard<'_, Tally> {
        // A panic while holding the lock leaves counts, never a broken invariant: keep going.
        self.tally.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts one view of invitation `invitation_pk` at `at` (UTC Unix seconds).
    pub fn viewed(&self, invitation_pk: &str, at: i64) {
        self.lock().view(invitation_pk, 1, at, at);
    }

    /// Counts one view of named link `link_pk` of invitation `invitation_pk` at `at` (UTC Unix
    /// seconds): for the link, and for the invitation's total as [`Self::viewed`] does.
    pub fn viewed_link(&self, invitation_pk: &str, link_pk: &str, at: i64) {
        let mut tally = self.lock();
        tally.view(invitation_pk, 1, at, at);
        tally.link_view(link_pk, 1, at, at);
    }

    /// Counts one refusal of invitation `invitation_pk` for `reason` at `at` (UTC Unix seconds), to a
    /// client at `client_ip` ("" when unknown).
    pub fn refused(&self, invitation_pk: &str, reason: RefusalReason, client_ip: &str, at: i64) {
        crate::service::metrics::invitation_refused(reason.as_str());
        self.lock().refusal(
            invitation_pk,
            reason,
            Refusals {
                count: 1,
                first: at,
                last: at,
                client_ip: client_ip.to_owned(),
            },
        );
    }

    /// How many views and refusals wait to be written (distinct invitations and reasons).
    pub fn pending(&self) -> usize {
        self.lock().keys()
    }

    fn take(&self) -> Tally {
        std::mem::take(&mut *self.lock())
    }
}

/// Writes what this instance counted since the last flush, in one transaction: views added to
/// `invitation_views`, refusals as `invitation_refused` events (actor: the invitee, from the last
/// refused client's address). Returns how many invitations and reasons were written. On failure the
/// batch is kept for the next flush.
///
/// # Errors
/// Database errors.
pub async fn flush(db: &Db) -> Result<usize, Error> {
    let tally = db.sightings.take();
    if tally.dropped > 0 {
        tracing::warn!(
            dropped = tally.dropped,
            "views or refusals were not counted: too many distinct invitations between two flushes"
        );
    }
    if tally.keys() == 0 {
        return Ok(0);
    }
    match write(db, &tally).await {
        Ok(n) => Ok(n),
        Err(e) => {
            db.sightings.lock().merge(Tally {
                dropped: 0,
                ..tally
            });
            Err(e)
        }
    }
}

async fn write(db: &Db, tally: &Tally) -> Result<usize, Error> {
    let mut tx = db.begin().await?;
    let mut n = 0;
    // A stable order, so concurrent flushes of several instances lock rows in the same order.
    let mut views: Vec<_> = tally.views.iter().collect();
    views.sort_by(|a, b| a.0.cmp(b.0));
    for (pk, v) in views {
        if store::add_views(&mut *tx, pk, *v).await? {
            n += 1;
        }
    }
    let mut link_views: Vec<_> = tally.link_views.iter().collect();
    link_views.sort_by(|a, b| a.0.cmp(b.0));
    for (pk, v) in link_views {
        if store::add_link_views(&mut *tx, pk, *v).await? {
            n += 1;
        }
    }
    let mut refusals: Vec<_> = tally.refusals.iter().collect();
    refusals.sort_by(|a, b| (&a.0 .0, a.0 .1.as_str()).cmp(&(&b.0 .0, b.0 .1.as_str())));
    for ((pk, reason), r) in refusals {
        let who = Who {
            actor: Actor::Invitee,
            client_ip: r.client_ip.clone(),
        };
        audit::record(
            &mut *tx,
            who.event(
                Action::InvitationRefused,
                Model::Invitation,
                pk,
                serde_json::json!({
                    "reason": reason.as_str(),
                    "count": r.count,
                    "first": r.first,
                    "last": r.last,
                }),
            ),
        )
        .await?;
        n += 1;
    }
    tx.commit().await?;
    Ok(n)
}

/// Flushes every [`FLUSH_SECS`] seconds, forever (a failed flush is logged and retried).
pub async fn run(db: Db) {
    let mut tick = tokio::time::interval(Duration::from_secs(FLUSH_SECS));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = flush(&db).await {
            tracing::warn!(error = %e, "writing views and refusals failed; kept for the next flush");
        }
    }
}

/// The refusal an invitee's error stands for, when it concerns the invitation (not a typing mistake
/// nor a server fault): its status, its email rules, a policy, a code or enrollment budget.
pub fn refusal_reason(e: &Error) -> Option<RefusalReason> {
    use super::error::{Problem, Refusal};
    match e {
        Error::InvalidInvitation(Some(status)) => RefusalReason::of_status(*status),
        Error::NotYetOpen(_) => Some(RefusalReason::NotYetOpen),
        Error::Invalid(fields) => fields
            .iter()
            .any(|(_, p)| {
                matches!(
                    p,
                    Problem::NotTheInvitedAddress
                        | Problem::AddressNotAllowed
                        | Problem::AllowedAddressRequired
                )
            })
            .then_some(RefusalReason::EmailRule),
        Error::Refused(Refusal::AccountAddressNotAllowed(_)) => Some(RefusalReason::EmailRule),
        Error::PolicyDenied(_) => Some(RefusalReason::Policy),
        Error::TooManyCodes(_) | Error::CodesPaused(_) | Error::CodesSlowed(_) => {
            Some(RefusalReason::CodeBudget)
        }
        Error::TooManyEnrollments(_) => Some(RefusalReason::EnrollmentBudget),
        _ => None,
    }
}

/// Counts `e` as a refusal of invitation `invitation_pk` to `client_ip` when it is one
/// ([`refusal_reason`]), and hands it back.
pub fn note_refusal(db: &Db, invitation_pk: &str, client_ip: &str, e: Error) -> Error {
    if let Some(reason) = refusal_reason(&e) {
        db.sightings
            .refused(invitation_pk, reason, client_ip, time::now());
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::invitation::InvitationStatus;
    use crate::service::error::{Problem, Refusal};

    #[test]
    fn views_and_refusals_add_up_per_invitation_and_reason() {
        let s = Sightings::default();
        s.viewed("a", 10);
        s.viewed("a", 5);
        s.viewed("b", 7);
        s.refused("a", RefusalReason::Expired, "10.0.0.1", 9);
        s.refused("a", RefusalReason::Expired, "10.0.0.2", 12);
        s.refused("a", RefusalReason::Policy, "10.0.0.3", 11);
        assert_eq!(s.pending(), 4);
        let t = s.take();
        assert_eq!(
            t.views["a"],
            Views {
                view_count: 2,
                first_viewed: 5,
                last_viewed: 10
            }
        );
        let r = &t.refusals[&("a".to_owned(), RefusalReason::Expired)];
        assert_eq!((r.count, r.first, r.last), (2, 9, 12));
        assert_eq!(r.client_ip, "10.0.0.2");
        assert_eq!(s.pending(), 0);
    }

    #[test]
    fn a_view_through_a_named_link_counts_for_the_link_and_the_invitation() {
        let s = Sightings::default();
        s.viewed("inv", 5);
        s.viewed_link("inv", "poster", 10);
        s.viewed_link("inv", "poster", 12);
        s.viewed_link("inv", "flyer", 11);
        let t = s.take();
        assert_eq!(t.views["inv"].view_count, 4);
        assert_eq!(t.link_views["poster"].view_count, 2);
        assert_eq!(
            (
                t.link_views["poster"].first_viewed,
                t.link_views["poster"].last_viewed
            ),
            (10, 12)
        );
        assert_eq!(t.link_views["flyer"].view_count, 1);
        let mut back = Tally::default();
        back.merge(t);
        assert_eq!(back.link_views["poster"].view_count, 2);
        assert_eq!(back.keys(), 3);
    }

    #[test]
    fn a_failed_batch_merges_back() {
        let s = Sightings::default();
        s.viewed("a", 10);
        let batch = s.take();
        s.viewed("a", 20);
        s.lock().merge(batch);
        let t = s.take();
        assert_eq!(t.views["a"].view_count, 2);
        assert_eq!(
            (t.views["a"].first_viewed, t.views["a"].last_viewed),
            (10, 20)
        );
    }

    #[test]
    fn memory_is_bounded_under_a_flood() {
        let mut t = Tally::default();
        for i in 0..MAX_KEYS + 10 {
            t.view(&i.to_string(), 1, 0, 0);
        }
        assert_eq!(t.keys(), MAX_KEYS);
        assert_eq!(t.dropped, 10);
        // A known key still counts.
        t.view("0", 1, 0, 0);
        assert_eq!(t.views["0"].view_count, 2);
    }

    #[test]
    fn errors_that_concern_the_invitation_are_refusals() {
        let cases = [
            (
                Error::InvalidInvitation(Some(InvitationStatus::Expired)),
                Some(RefusalReason::Expired),
            ),
            (
                Error::InvalidInvitation(Some(InvitationStatus::UsedUp)),
                Some(RefusalReason::UsedUp),
            ),
            (Error::InvalidInvitation(None), None),
            (Error::NotYetOpen(2_000), Some(RefusalReason::NotYetOpen)),
            (
                Error::field("email", Problem::NotTheInvitedAddress),
                Some(RefusalReason::EmailRule),
            ),
            (
                Error::field("email", Problem::AddressNotAllowed),
                Some(RefusalReason::EmailRule),
            ),
            (Error::field("username", Problem::UsernameTaken), None),
            (
                Error::Refused(Refusal::AccountAddressNotAllowed("x@y.example".into())),
                Some(RefusalReason::EmailRule),
            ),
            (
                Error::PolicyDenied(String::new()),
                Some(RefusalReason::Policy),
            ),
            (Error::CodesPaused(30), Some(RefusalReason::CodeBudget)),
            (Error::TooManyCodes(30), Some(RefusalReason::CodeBudget)),
            (
                Error::TooManyEnrollments(30),
                Some(RefusalReason::EnrollmentBudget),
            ),
            (Error::Internal, None),
            (Error::Refused(Refusal::StepNotStarted), None),
        ];
        for (e, want) in cases {
            assert_eq!(refusal_reason(&e), want, "{e:?}");
        }
    }
}
