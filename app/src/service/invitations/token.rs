//! Invitation tokens: the lookup digest, the token parsed at the edge ([`Itoken`]), new and sealed tokens.

use crate::service::error::Error;
use crate::service::Db;
use crate::store::db::new_uuid;
use crate::store::invitations::{self as store};

/// The lookup digest of invitation token `token` as given, what `invitations.token` stores (migration
/// 0018): BLAKE2b-512, hex. Unkeyed, as API token hashes: a token is 122 random bits, so its digest
/// cannot be turned back into a working link; showing the link needs the sealed copy
/// ([`crate::service::SecretKey::seal`]), which needs `USHER_SECRET_KEY`.
pub fn token_digest(token: &str) -> String {
    DIGESTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    crate::service::hashing::secret_digest(store::TOKEN_SEAL, &[token])
}

/// Token digests computed by this process ([`token_digest`]), for tests and metrics: the landing page
/// computes one per request (issue 36 item 5).
static DIGESTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many token digests this process computed ([`token_digest`]).
pub fn digests_computed() -> u64 {
    DIGESTS.load(std::sync::atomic::Ordering::Relaxed)
}

/// An invitation token as a request gave it (`?itoken=`, a form's `itoken`), trimmed, with its lookup
/// digest computed once, at the edge (issue 36 item 5): the services take this, never the raw text, so
/// a request hashes its token once however many layers look at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Itoken {
    given: String,
    digest: String,
}

impl Itoken {
    /// The token in `raw`, trimmed; `None` when it is missing or blank.
    pub fn parse(raw: Option<&str>) -> Option<Self> {
        let given = raw.map(str::trim).filter(|t| !t.is_empty())?;
        Some(Self {
            given: given.to_owned(),
            digest: token_digest(given),
        })
    }

    /// The token as given (trimmed): what a link carries.
    pub fn given(&self) -> &str {
        &self.given
    }

    /// Its lookup digest ([`token_digest`]): what the database and flow plans keep.
    pub fn digest(&self) -> &str {
        &self.digest
    }
}

/// A new random token for invitation `pk`: `(token, digest, sealed)`.
pub(crate) fn new_token(key: &crate::service::SecretKey, pk: &str) -> (String, String, String) {
    new_token_for(key, store::TOKEN_SEAL, pk)
}

/// A new random token sealed for `purpose` with aad `pk` (an invitation's, [`store::TOKEN_SEAL`], or a
/// named link's, [`store::LINK_SEAL`]): `(token, digest, sealed)`. Both kinds share the lookup digest
/// ([`token_digest`]), so a request's token is hashed once whichever it turns out to be.
pub(super) fn new_token_for(
    key: &crate::service::SecretKey,
    purpose: &str,
    pk: &str,
) -> (String, String, String) {
    let token = new_uuid();
    let digest = token_digest(&token);
    let sealed = key.seal(purpose, pk, &token);
    (token, digest, sealed)
}

/// The token of invitation `pk` from its sealed copy; `None` when there is none or it was sealed under
/// another `USHER_SECRET_KEY` (the link must then be regenerated).
pub(crate) fn open_token(
    key: &crate::service::SecretKey,
    pk: &str,
    sealed: Option<&str>,
) -> Option<String> {
    let token = key.open(store::TOKEN_SEAL, pk, sealed?);
    if token.is_none() {
        tracing::warn!(
            invitation = pk,
            "an invitation token sealed with another USHER_SECRET_KEY: regenerate its link"
        );
    }
    token
}

/// Rewrites the invitations stored before migration 0018 (token as given, not sealed): each gets its
/// token's digest and sealed copy, and the outbox rows that carried it the digest, so their links keep
/// working. Run at start-up, before serving; idempotent, and safe with several instances starting on
/// one database. Returns how many it rewrote.
///
/// # Errors
/// Database errors.
pub async fn seal_legacy_tokens(db: &Db, key: &crate::service::SecretKey) -> Result<u64, Error> {
    let mut done = 0;
    loop {
        let batch = store::legacy_tokens(&db.pool, 500).await?;
        if batch.is_empty() {
            return Ok(done);
        }
        let mut tx = db.begin().await?;
        for (pk, given) in &batch {
            let digest = token_digest(given);
            let sealed = key.seal(store::TOKEN_SEAL, pk, given);
            done += store::seal_legacy_token(
                &mut tx,
                pk,
                given,
                store::StoredToken {
                    digest: &digest,
                    sealed: &sealed,
                },
            )
            .await?;
        }
        tx.commit().await?;
    }
}
