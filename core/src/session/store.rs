//! The storage contract under sessions, the denylist and refresh tokens.
//!
//! Keys are logical (`s:…`, `u:…`, `d:…`, `r:…`, `f:…`); a store adds its
//! prefix. Every value expires: TTLs are in milliseconds and at least 1.
//! Every operation is a single-key operation, so it maps onto one Redis
//! command or script and works unchanged on Redis Cluster.
//!
//! Errors: a store that cannot answer is `STORE_UNAVAILABLE` (never "absent"),
//! a reply that is not what the command returns is `MALFORMED`.

use crate::error::Result;

/// A key-value store with expiry, compare-and-swap and small sets.
pub trait SessionStore: Send + Sync {
    /// The value under `key`, if present and not expired.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>>;
    /// The value under `key`, and if present its TTL reset to `ttl_ms` (one round trip).
    fn get_touch(&self, key: &str, ttl_ms: u64) -> Result<Option<Vec<u8>>>;
    /// Stores `value` under `key` for `ttl_ms`.
    fn set(&self, key: &str, value: &[u8], ttl_ms: u64) -> Result<()>;
    /// Stores `value` only if `key` is absent; `true` if it was stored.
    fn set_nx(&self, key: &str, value: &[u8], ttl_ms: u64) -> Result<bool>;
    /// Atomically: if the value under `key` is exactly `expected`, replace it
    /// with `new` (value, TTL) or delete it (`None`); `true` if it happened.
    fn compare_and_swap(
        &self,
        key: &str,
        expected: &[u8],
        new: Option<(&[u8], u64)>,
    ) -> Result<bool>;
    /// Deletes `key`; `true` if it existed.
    fn delete(&self, key: &str) -> Result<bool>;
    /// Resets the TTL of `key`; `true` if it exists.
    fn expire(&self, key: &str, ttl_ms: u64) -> Result<bool>;
    /// Adds `member` to the set under `key` and sets the set's TTL to `ttl_ms`.
    fn set_add(&self, key: &str, member: &str, ttl_ms: u64) -> Result<()>;
    /// Removes `member` from the set under `key`.
    fn set_remove(&self, key: &str, member: &str) -> Result<()>;
    /// The members of the set under `key` (empty if absent).
    fn set_members(&self, key: &str) -> Result<Vec<String>>;
}
