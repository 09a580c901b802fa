//! Server-side sessions, a JWT denylist and rotating refresh tokens, on one
//! store contract ([`SessionStore`]) with two implementations: the embedded
//! [`MemoryStore`] (the default) and [`RedisStore`] (standalone or Cluster).
//!
//! The key layout and the JSON records are the same in every language, so a
//! Flask and an Express instance share sessions through one Redis; they are
//! specified in `docs/sessions.md`. In short (`<prefix>` is `tessera:` unless
//! configured):
//!
//! | key | value | TTL |
//! |---|---|---|
//! | `s:<hex sha256(session id)>` | `{"v":1,"data":{…},"user":…,"created":ms,"expires":ms,"version":n}` | min(absolute left, idle timeout) |
//! | `u:<user id>` | set of session key hashes | the session TTL |
//! | `d:<jti>` | `{"v":1,"exp":s}` | until `exp` + 300 s |
//! | `r:<hex sha256(refresh token)>` | `{"v":1,"family":…,"user":…,"data":…,"state":"active"/"rotated","expires":ms}` | the token's life |
//! | `f:<family id>` | `{"v":1,"user":…,"revoked":null/"reused"/"revoked"}` | the newest token's life |
//! | `g:<user id>` | set of that user's family ids | the newest token's life |
//!
//! Ids and tokens are 256 bits from the OS CSPRNG, base64url (43 characters);
//! the store only ever sees their SHA-256, so a store dump hands out nothing live.

mod denylist;
mod manager;
mod memory;
mod record;
mod redis;
mod refresh;
mod store;

pub use denylist::Denylist;
pub use manager::{Session, SessionManager};
pub use memory::{MemoryStore, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES};
pub use redis::{RedisOptions, RedisStore};
pub use refresh::{RefreshTokens, Rotated};
pub use store::SessionStore;

use crate::error::{invalid_argument, Result};

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A fresh 256-bit id, base64url (43 characters). The raw bytes are wiped;
/// the id itself goes to the caller.
pub(crate) fn new_id() -> Result<String> {
    let raw = zeroize::Zeroizing::new(crate::crypto::random_bytes(32)?);
    Ok(crate::b64::encode(&raw))
}

/// Whether `id` has the shape of [`new_id`]'s output.
pub(crate) fn is_id(id: &str) -> bool {
    id.len() == 43
        && id
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
}

/// `<kind>:<hex sha256(secret)>`.
pub(crate) fn hashed_key(kind: &str, secret: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = crate::crypto::sha256(secret.as_bytes());
    let mut k = Vec::with_capacity(kind.len() + 1 + 64);
    k.extend_from_slice(kind.as_bytes());
    k.push(b':');
    for b in digest {
        k.extend_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
    }
    // ASCII hex after a UTF-8 `kind`: always valid.
    String::from_utf8(k).unwrap_or_default()
}

/// A user id or jti used in a key: 1..=256 bytes, no control characters.
pub(crate) fn check_label(what: &'static str, s: &str) -> Result<()> {
    if s.is_empty() || s.len() > 256 || s.chars().any(char::is_control) {
        return Err(invalid_argument(format!(
            "{what} must be 1 to 256 bytes without control characters"
        )));
    }
    Ok(())
}

/// A duration in whole milliseconds, at least 1 (`INVALID_ARGUMENT` for zero).
pub(crate) fn millis(what: &'static str, d: std::time::Duration) -> Result<u64> {
    /// 100 years: beyond it absolute times stop being representable dates in
    /// every binding (JavaScript's `Date` ends in the year 275760).
    const MAX_MS: u64 = 100 * 366 * 86_400_000;
    let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    if ms == 0 || ms > MAX_MS {
        return Err(invalid_argument(format!(
            "{what} must be between 1 ms and 100 years"
        )));
    }
    Ok(ms)
}
