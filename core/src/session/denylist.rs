//! `Denylist`: revoked JWT ids (`jti`), each kept until its token's `exp`
//! (plus [`MARGIN_SECS`] for verifiers with leeway), so the list never grows
//! without bound. Give it to a `jwt::Verifier` (`with_denylist`) and revoked
//! tokens are refused with `REVOKED`.

use std::sync::Arc;

use super::record::{self, DenyRecord, VERSION};
use super::store::SessionStore;
use super::{check_label, now_ms};
use crate::error::Result;

/// Seconds an entry outlives its token's `exp` (covers verifier leeway).
pub const MARGIN_SECS: i64 = 300;

/// Revoked token ids on a store.
pub struct Denylist {
    store: Arc<dyn SessionStore>,
}

impl std::fmt::Debug for Denylist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Denylist").finish_non_exhaustive()
    }
}

impl Denylist {
    /// A denylist kept in `store`.
    pub fn new(store: Arc<dyn SessionStore>) -> Denylist {
        Denylist { store }
    }

    /// Revokes `jti` until `exp` (Unix seconds, the token's own `exp`). A
    /// token already past `exp` + the margin is refused by every verifier
    /// anyway, so nothing is stored for it.
    pub fn revoke(&self, jti: &str, exp: i64) -> Result<()> {
        check_label("jti", jti)?;
        let until_ms = exp.saturating_add(MARGIN_SECS).saturating_mul(1000);
        let left = until_ms.saturating_sub(now_ms());
        if left <= 0 {
            return Ok(());
        }
        let rec = record::encode(&DenyRecord { v: VERSION, exp });
        self.store.set(&format!("d:{jti}"), &rec, left as u64)
    }

    /// Whether `jti` is revoked. `STORE_UNAVAILABLE` when the store cannot
    /// say: callers must refuse the token then, never assume "not revoked".
    pub fn is_revoked(&self, jti: &str) -> Result<bool> {
        if check_label("jti", jti).is_err() {
            // No such entry can exist.
            return Ok(false);
        }
        match self.store.get(&format!("d:{jti}"))? {
            None => Ok(false),
            Some(bytes) => record::decode::<DenyRecord>("denylist", &bytes).map(|_| true),
        }
    }
}
