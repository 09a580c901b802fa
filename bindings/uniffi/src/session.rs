//! Server-side sessions for Kotlin and Swift: the stores ([`MemoryStore`],
//! [`RedisStore`]) and the services on them ([`SessionManager`] with
//! [`Session`], [`Denylist`], [`RefreshTokens`] with [`Rotated`]), the core's
//! `tessera::session` (docs/sessions.md: the key layout every language
//! shares). Conversion only: every rule lives in the core.
//!
//! - **Stores.** UniFFI objects have no subtyping, so a service takes a
//!   [`SessionStore`]: Kotlin `SessionStore.Memory(store)` /
//!   `SessionStore.Redis(store)`, Swift `.memory(store:)` / `.redis(store:)`.
//!   A service keeps its own reference to the store.
//! - **Blocking.** Every call that touches a store blocks the calling thread
//!   (Redis: for at most the connect and I/O timeouts). Call them off the UI
//!   thread (a background dispatcher or queue); every object is thread-safe.
//! - **Numbers** cross as signed 64-bit (Kotlin `Long`, Swift `Int64`), like
//!   the rest of this binding: durations in milliseconds (`ttlMs`, …), times
//!   in Unix milliseconds, a denylist `exp` in Unix seconds (a JWT's `exp`).
//!   A negative one is `INVALID_ARGUMENT`.
//! - **JSON** crosses as text: session data and merge patches are JSON
//!   object text, returned exactly as stored.
//! - **No session is not an error**: `load` answers `null`/`nil`, `touch` and
//!   `destroy` `false`, `rotate` `null`; a store that cannot answer throws
//!   `STORE_UNAVAILABLE`, a corrupt record `MALFORMED`.

use std::sync::Arc;
use std::time::Duration;

use tessera::session as core;
use tessera::{Error, ErrorCode};

use crate::{Result, Secret, TesseraError};

/// A duration in milliseconds: negative is `INVALID_ARGUMENT`; zero goes to
/// the core, which refuses a zero lifetime.
fn millis(name: &str, ms: i64) -> Result<Duration> {
    u64::try_from(ms)
        .map(Duration::from_millis)
        .map_err(|_| TesseraError::invalid_argument(format!("{name} must not be negative")))
}

/// A count or size in range for `T`: otherwise `INVALID_ARGUMENT`.
fn count<T: TryFrom<i64>>(name: &str, n: i64) -> Result<T> {
    T::try_from(n).map_err(|_| {
        TesseraError::invalid_argument(format!("{name} must be a non-negative number in range"))
    })
}

/// A stored number (a version, a count) as a `Long`: one past `i64::MAX`
/// can only come from a record written by hand, so it is `MALFORMED`.
fn long(name: &str, n: u64) -> Result<i64> {
    i64::try_from(n).map_err(|_| {
        Error::new(
            ErrorCode::Malformed,
            format!("{name} {n} does not fit a signed 64-bit integer"),
        )
        .into()
    })
}

/// The embedded store: thread-safe, expired entries invisible at once and
/// purged as the store is written, bounded by `maxEntries` and `maxBytes`
/// (keys + values + 96 bytes per entry; `null`: the core's 1,000,000 and 256
/// MiB). A write past a limit throws `STORE_UNAVAILABLE`; live entries are
/// never evicted. One process only: use [`RedisStore`] to share sessions.
#[derive(Debug, uniffi::Object)]
pub struct MemoryStore {
    inner: Arc<core::MemoryStore>,
}

#[uniffi::export]
impl MemoryStore {
    /// A negative limit is `INVALID_ARGUMENT`.
    #[uniffi::constructor(default(max_entries = None, max_bytes = None))]
    pub fn new(max_entries: Option<i64>, max_bytes: Option<i64>) -> Result<Arc<Self>> {
        let entries = match max_entries {
            Some(n) => count("maxEntries", n)?,
            None => core::DEFAULT_MAX_ENTRIES,
        };
        let bytes = match max_bytes {
            Some(n) => count("maxBytes", n)?,
            None => core::DEFAULT_MAX_BYTES,
        };
        Ok(Arc::new(MemoryStore {
            inner: Arc::new(core::MemoryStore::new(entries, bytes)),
        }))
    }

    /// Entries held (live, or expired and not yet purged).
    pub fn len(&self) -> i64 {
        i64::try_from(self.inner.len()).unwrap_or(i64::MAX)
    }

    /// Whether no entry is held.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// Bytes accounted for against `maxBytes`.
    pub fn bytes_used(&self) -> i64 {
        i64::try_from(self.inner.bytes()).unwrap_or(i64::MAX)
    }

    /// Removes every expired entry now (writes also do it, shard by shard).
    pub fn purge_expired(&self) {
        self.inner.purge_expired();
    }
}

/// A store on Redis, standalone (one URL) or Cluster (`cluster = true`, the
/// URLs are seed nodes): `redis://[user:pass@]host:port/db`, `rediss://…`
/// (TLS), `redis+unix:///path`. `prefix` starts every key (`null`:
/// `"tessera:"`; apps sharing sessions use the same one); `poolSize`
/// (`null`: 16), `connectTimeoutMs` and `ioTimeoutMs` (`null`: 2000 each).
/// Nothing connects at construction: an unreachable Redis throws
/// `STORE_UNAVAILABLE` on first use (never "no session"), and after a
/// restart the next call works on the same object.
#[derive(Debug, uniffi::Object)]
pub struct RedisStore {
    inner: Arc<core::RedisStore>,
}

#[uniffi::export]
impl RedisStore {
    /// A URL that does not parse, no URL, several without `cluster`, a pool
    /// size of 0 or a timeout under 1 ms is `INVALID_ARGUMENT`.
    #[uniffi::constructor(default(
        prefix = None,
        pool_size = None,
        connect_timeout_ms = None,
        io_timeout_ms = None,
        cluster = false
    ))]
    pub fn new(
        urls: Vec<String>,
        prefix: Option<String>,
        pool_size: Option<i64>,
        connect_timeout_ms: Option<i64>,
        io_timeout_ms: Option<i64>,
        cluster: bool,
    ) -> Result<Arc<Self>> {
        let d = core::RedisOptions::default();
        let opts = core::RedisOptions {
            prefix: prefix.unwrap_or(d.prefix),
            pool_size: pool_size
                .map(|n| count("poolSize", n))
                .transpose()?
                .unwrap_or(d.pool_size),
            connect_timeout: connect_timeout_ms
                .map(|n| millis("connectTimeoutMs", n))
                .transpose()?
                .unwrap_or(d.connect_timeout),
            io_timeout: io_timeout_ms
                .map(|n| millis("ioTimeoutMs", n))
                .transpose()?
                .unwrap_or(d.io_timeout),
            cluster,
        };
        Ok(Arc::new(RedisStore {
            inner: Arc::new(core::RedisStore::new(&urls, opts)?),
        }))
    }

    /// Checks that Redis answers `PING`; `STORE_UNAVAILABLE` otherwise.
    pub fn ping(&self) -> Result<()> {
        Ok(self.inner.ping()?)
    }
}

/// The store a service works on: Kotlin `SessionStore.Memory(store)` or
/// `SessionStore.Redis(store)`; Swift `.memory(store:)` or `.redis(store:)`.
#[derive(Debug, uniffi::Enum)]
pub enum SessionStore {
    /// The embedded memory store.
    Memory { store: Arc<MemoryStore> },
    /// A Redis store.
    Redis { store: Arc<RedisStore> },
}

impl SessionStore {
    fn shared(&self) -> Arc<dyn core::SessionStore> {
        match self {
            SessionStore::Memory { store } => store.inner.clone(),
            SessionStore::Redis { store } => store.inner.clone(),
        }
    }
}

/// A loaded session.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Session {
    /// Its id (what was loaded): Kotlin/Swift `id.value`; the record's
    /// text shows `Secret(…)`.
    pub id: Secret,
    /// The data: JSON object text, exactly as stored.
    pub data: String,
    /// The user it was created for, if any.
    pub user_id: Option<String>,
    /// Pass this to `SessionManager.save`.
    pub version: i64,
    /// Creation time (Unix milliseconds).
    pub created_at_ms: i64,
    /// Absolute expiry (Unix milliseconds); an idle timeout may end it sooner.
    pub expires_at_ms: i64,
}

impl Session {
    fn new(id: String, s: core::Session) -> Result<Session> {
        Ok(Session {
            version: long("version", s.version)?,
            id: Secret(id),
            data: s.data,
            user_id: s.user_id,
            created_at_ms: s.created_at,
            expires_at_ms: s.expires_at,
        })
    }
}

/// Server-side sessions: the data lives in the store, the client holds only
/// the id (256 random bits, base64url; the store keys on its SHA-256).
/// Sessions live at most `ttlMs` from creation and, with `idleTimeoutMs`, at
/// most that long between uses. Saves are versioned: a save that lost a race
/// throws `SESSION_CONFLICT` instead of silently dropping a write.
/// Immutable and thread-safe; blocking (see the module docs).
#[derive(Debug, uniffi::Object)]
pub struct SessionManager {
    inner: core::SessionManager,
}

#[uniffi::export]
impl SessionManager {
    /// A `ttlMs` or `idleTimeoutMs` of 0 or less is `INVALID_ARGUMENT`.
    #[uniffi::constructor(default(idle_timeout_ms = None))]
    pub fn new(
        store: SessionStore,
        ttl_ms: i64,
        idle_timeout_ms: Option<i64>,
    ) -> Result<Arc<Self>> {
        let ttl = millis("ttlMs", ttl_ms)?;
        let idle = idle_timeout_ms
            .map(|n| millis("idleTimeoutMs", n))
            .transpose()?;
        Ok(Arc::new(SessionManager {
            inner: core::SessionManager::new(store.shared(), ttl, idle)?,
        }))
    }

    /// Creates a session holding `dataJson` (JSON object text), optionally
    /// for `userId` (then `destroyUser` reaches it), and returns its id.
    /// Data that is not an object, or a user id that is empty, over 256
    /// bytes or has control characters, is `INVALID_ARGUMENT`.
    #[uniffi::method(default(user_id = None))]
    pub fn create(&self, data_json: String, user_id: Option<String>) -> Result<String> {
        Ok(self.inner.create(&data_json, user_id.as_deref())?)
    }

    /// The session under `id`, or `null` when there is none (unknown,
    /// expired, destroyed, or not an id at all). Restarts the idle timer.
    pub fn load(&self, id: String) -> Result<Option<Session>> {
        self.inner
            .load(&id)?
            .map(|s| Session::new(id, s))
            .transpose()
    }

    /// Replaces the data if the session is still at `version` (what `load`
    /// returned) and returns the new version. `SESSION_CONFLICT` if another
    /// request saved it since (reload and reapply, or use `merge`);
    /// `SESSION_NOT_FOUND` if it no longer exists.
    pub fn save(&self, id: String, data_json: String, version: i64) -> Result<i64> {
        let version = count("version", version)?;
        long("version", self.inner.save(&id, &data_json, version)?)
    }

    /// Saves what a request changed on top of whatever was saved meanwhile
    /// (the merge answer to `SESSION_CONFLICT`): the top-level members whose
    /// value differs between `loadedJson` (the data as loaded) and
    /// `dataJson` (as wanted now) are set, the ones missing from `dataJson`
    /// removed, on the newest version, atomically. Returns the session as
    /// saved; `SESSION_NOT_FOUND` if it ended meanwhile.
    pub fn save_changes(
        &self,
        id: String,
        loaded_json: String,
        data_json: String,
    ) -> Result<Session> {
        let saved = self.inner.save_changes(&id, &loaded_json, &data_json)?;
        Session::new(id, saved)
    }

    /// Applies the RFC 7396 merge patch `patchJson` (`{"k": v}` sets `k`,
    /// `{"k": null}` removes it) atomically, retrying against concurrent
    /// writers; returns the new version. `SESSION_NOT_FOUND` if there is no
    /// such session.
    pub fn merge(&self, id: String, patch_json: String) -> Result<i64> {
        long("version", self.inner.merge(&id, &patch_json)?)
    }

    /// Restarts the idle timer; `false` if there is no such session.
    pub fn touch(&self, id: String) -> Result<bool> {
        Ok(self.inner.touch(&id)?)
    }

    /// Ends the session; `false` if there was none.
    pub fn destroy(&self, id: String) -> Result<bool> {
        Ok(self.inner.destroy(&id)?)
    }

    /// Moves the session to a new id and returns it (`null` if there is no
    /// session under `id`); call it on log-in (session fixation defence).
    /// The old id stops working before the new one exists. With `userId`
    /// the session also becomes that user's (log-in on an anonymous
    /// session; `destroyUser` then reaches it); `null` keeps its user.
    /// `SESSION_CONFLICT` if the session changed meanwhile.
    #[uniffi::method(default(user_id = None))]
    pub fn rotate(&self, id: String, user_id: Option<String>) -> Result<Option<String>> {
        Ok(match user_id {
            None => self.inner.rotate(&id)?,
            Some(u) => self.inner.rotate_for_user(&id, &u)?,
        })
    }

    /// Ends every session created for `userId` ("log out everywhere", in
    /// every language sharing the store); returns how many were live.
    pub fn destroy_user(&self, user_id: String) -> Result<i64> {
        long("count", self.inner.destroy_user(&user_id)?)
    }
}

/// Revoked JWT ids (`jti`) on a store, each kept until its token's `exp`
/// (plus 300 s for verifier leeway). Give it to `Verifier(keys, validation,
/// denylist)` and revoked tokens throw `REVOKED`. Thread-safe; blocking.
#[derive(Debug, uniffi::Object)]
pub struct Denylist {
    pub(crate) inner: Arc<core::Denylist>,
}

#[uniffi::export]
impl Denylist {
    /// A denylist kept in `store`.
    #[uniffi::constructor]
    pub fn new(store: SessionStore) -> Arc<Self> {
        Arc::new(Denylist {
            inner: Arc::new(core::Denylist::new(store.shared())),
        })
    }

    /// Revokes `jti` until `exp` (the token's own `exp`, Unix seconds). A
    /// token already long expired stores nothing. A `jti` that is empty,
    /// over 256 bytes or has control characters is `INVALID_ARGUMENT`.
    pub fn revoke(&self, jti: String, exp: i64) -> Result<()> {
        Ok(self.inner.revoke(&jti, exp)?)
    }

    /// Whether `jti` is revoked. `STORE_UNAVAILABLE` when the store cannot
    /// say: refuse the token then, never assume "not revoked".
    pub fn is_revoked(&self, jti: String) -> Result<bool> {
        Ok(self.inner.is_revoked(&jti)?)
    }
}

/// The outcome of a refresh-token rotation.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Rotated {
    /// The user the token family belongs to.
    pub user_id: String,
    /// The data given to `issue` (JSON object text), if any.
    pub data: Option<String>,
    /// The new refresh token (the one presented is now retired): Kotlin/Swift
    /// `token.value`; the record's text shows `Secret(…)`.
    pub token: Secret,
}

/// Opaque refresh tokens (256 random bits, base64url) in families, each
/// valid for `ttlMs` (every rotation starts a fresh one). `rotate` retires
/// the token presented and returns the next; presenting a retired token
/// again revokes the whole family (`REFRESH_TOKEN_REUSED`). When several
/// threads or devices present one token at once, exactly one wins.
/// Thread-safe; blocking.
#[derive(Debug, uniffi::Object)]
pub struct RefreshTokens {
    inner: core::RefreshTokens,
}

#[uniffi::export]
impl RefreshTokens {
    /// A `ttlMs` of 0 or less is `INVALID_ARGUMENT`.
    #[uniffi::constructor]
    pub fn new(store: SessionStore, ttl_ms: i64) -> Result<Arc<Self>> {
        let ttl = millis("ttlMs", ttl_ms)?;
        Ok(Arc::new(RefreshTokens {
            inner: core::RefreshTokens::new(store.shared(), ttl)?,
        }))
    }

    /// Starts a family for `userId` with optional `dataJson` (JSON object
    /// text) handed back by every rotation; returns its first token.
    #[uniffi::method(default(data_json = None))]
    pub fn issue(&self, user_id: String, data_json: Option<String>) -> Result<String> {
        Ok(self.inner.issue(&user_id, data_json.as_deref())?)
    }

    /// Retires `token` and returns the next one of its family.
    /// `REFRESH_TOKEN_REUSED` (already rotated: the family is now revoked),
    /// `REVOKED` (family revoked), `SESSION_NOT_FOUND` (unknown or expired),
    /// `MALFORMED` (not a refresh token).
    pub fn rotate(&self, token: String) -> Result<Rotated> {
        let r = self.inner.rotate(&token)?;
        Ok(Rotated {
            user_id: r.user_id,
            data: r.data,
            token: Secret(r.token),
        })
    }

    /// Revokes the family of `token` (any token of it, current or retired):
    /// its tokens then throw `REVOKED`. `false` if the token is unknown.
    pub fn revoke_family(&self, token: String) -> Result<bool> {
        Ok(self.inner.revoke_family(&token)?)
    }

    /// Revokes every family of `userId` ("log out everywhere" for refresh
    /// tokens; their tokens then throw `REVOKED`); returns how many were
    /// still live.
    pub fn revoke_user(&self, user_id: String) -> Result<i64> {
        long("count", self.inner.revoke_user(&user_id)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code<T: std::fmt::Debug>(r: Result<T>) -> ErrorCode {
        r.unwrap_err().code()
    }

    #[test]
    fn arguments_convert_or_fail_with_invalid_argument() {
        assert_eq!(millis("t", 1500).unwrap(), Duration::from_millis(1500));
        assert_eq!(millis("t", 0).unwrap(), Duration::ZERO);
        assert_eq!(code(millis("t", -1)), ErrorCode::InvalidArgument);
        assert_eq!(code(count::<u32>("n", -1)), ErrorCode::InvalidArgument);
        assert_eq!(
            code(count::<u32>("n", i64::from(u32::MAX) + 1)),
            ErrorCode::InvalidArgument
        );
        assert_eq!(code(long("v", u64::MAX)), ErrorCode::Malformed);
        assert_eq!(long("v", 7).unwrap(), 7);
    }

    #[test]
    fn memory_store_defaults_are_the_cores() {
        let s = MemoryStore::new(None, None).unwrap();
        let d = format!("{:?}", core::MemoryStore::default());
        assert_eq!(format!("{:?}", s.inner), d);
        assert!(s.is_empty());
        assert_eq!(
            code(MemoryStore::new(Some(-1), None)),
            ErrorCode::InvalidArgument
        );
    }

    #[test]
    fn redis_store_arguments() {
        let url = || vec!["redis://127.0.0.1:1/0".to_owned()];
        assert!(RedisStore::new(url(), None, None, None, None, false).is_ok());
        for (pool, ct, io) in [
            (Some(0), None, None),
            (Some(-1), None, None),
            (None, Some(0), None), // the core refuses zero timeouts
            (None, Some(-1), None),
            (None, None, Some(0)),
            (None, None, Some(-5)),
        ] {
            assert_eq!(
                code(RedisStore::new(url(), None, pool, ct, io, false)),
                ErrorCode::InvalidArgument
            );
        }
        assert_eq!(
            code(RedisStore::new(vec![], None, None, None, None, false)),
            ErrorCode::InvalidArgument
        );
        let down = RedisStore::new(url(), None, Some(1), Some(200), Some(200), false).unwrap();
        assert_eq!(code(down.ping()), ErrorCode::StoreUnavailable);
    }
}
