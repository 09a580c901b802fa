//! `tessera_store`: where server-side sessions, denylist entries and refresh
//! tokens live — the embedded memory store or Redis (standalone or Cluster),
//! `tessera::session::{MemoryStore, RedisStore}`. One opaque type for both,
//! so every service (`tessera_session_manager`, `tessera_denylist`,
//! `tessera_refresh_tokens`) takes either. Immutable; `Arc` inside.
//!
//! Also the integer arguments the session functions share: optional counts
//! and durations in milliseconds, `TESSERA_UNSET` meaning "the core's default".

use std::ffi::c_char;
use std::sync::Arc;
use std::time::Duration;

use tessera::session::{
    MemoryStore, RedisOptions, RedisStore, SessionStore, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES,
};
use tessera::Error;

use crate::boundary::{boundary, guard};
use crate::cookie::TESSERA_UNSET;
use crate::error::tessera_status;
use crate::ffi::{
    arc_ptr, config_str_list, free_arc, invalid_argument, opt_config_str, out, try_ref, Castable,
    OwnershipArc,
};

/// A session store: the embedded memory store (`tessera_memory_store_new`)
/// or Redis (`tessera_redis_store_new`). Thread-safe: share one store
/// between any number of managers, denylists and refresh-token services and
/// threads. Those keep their own reference, so the store handle may be freed
/// as soon as they are built. Free with `tessera_store_free`.
#[allow(non_camel_case_types)]
pub struct tessera_store {
    _private: [u8; 0],
}

impl Castable for tessera_store {
    type Ownership = OwnershipArc;
    type RustType = Store;
}

/// What a `tessera_store` handle points at.
pub(crate) enum Store {
    Memory(Arc<MemoryStore>),
    Redis(Arc<RedisStore>),
}

impl Store {
    /// The store as the services take it.
    pub(crate) fn shared(&self) -> Arc<dyn SessionStore> {
        match self {
            Store::Memory(m) => m.clone(),
            Store::Redis(r) => r.clone(),
        }
    }
}

const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<Store>();
};

/// Flag for `tessera_redis_store_new`: Redis Cluster (the URLs are seed nodes).
pub const TESSERA_REDIS_CLUSTER: u32 = 1;

const REDIS_FLAGS: u32 = TESSERA_REDIS_CLUSTER;

/// An optional non-negative integer: `None` for `TESSERA_UNSET`; negative
/// or too large for `T` is `INVALID_ARGUMENT`.
pub(crate) fn opt_count<T: TryFrom<i64>>(n: i64, what: &'static str) -> Result<Option<T>, Error> {
    if n == TESSERA_UNSET {
        return Ok(None);
    }
    T::try_from(n).map(Some).map_err(|_| {
        invalid_argument(format!(
            "{what} must be a non-negative count in range, or TESSERA_UNSET"
        ))
    })
}

/// A duration in milliseconds. Negative is `INVALID_ARGUMENT`; zero goes to
/// the core, which decides (a zero session lifetime is refused there).
pub(crate) fn duration_ms(n: i64, what: &'static str) -> Result<Duration, Error> {
    u64::try_from(n)
        .map(Duration::from_millis)
        .map_err(|_| invalid_argument(format!("{what} must not be negative")))
}

/// [`duration_ms`], or `None` for `TESSERA_UNSET`.
pub(crate) fn opt_duration_ms(n: i64, what: &'static str) -> Result<Option<Duration>, Error> {
    if n == TESSERA_UNSET {
        return Ok(None);
    }
    duration_ms(n, what).map(Some)
}

/// A new embedded memory store holding at most `max_entries` entries and
/// `max_bytes` bytes (keys + values + 96 bytes per entry); `TESSERA_UNSET`
/// for the core's defaults (1,000,000 entries, 256 MiB). Expired entries are
/// invisible at once and purged as the store is written. A write past a
/// limit fails with `TESSERA_STATUS_STORE_UNAVAILABLE`: live sessions are
/// never evicted silently. One process only: use Redis to share sessions
/// between processes. A negative limit is `TESSERA_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `store_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_memory_store_new(
    max_entries: i64,
    max_bytes: i64,
    store_out: *mut *mut tessera_store,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let store_out = unsafe { out(store_out, "store_out") }?;
        let max_entries = opt_count(max_entries, "max_entries")?.unwrap_or(DEFAULT_MAX_ENTRIES);
        let max_bytes = opt_count(max_bytes, "max_bytes")?.unwrap_or(DEFAULT_MAX_BYTES);
        let store = MemoryStore::new(max_entries, max_bytes);
        *store_out = arc_ptr(Store::Memory(Arc::new(store)));
        Ok(())
    })
}

/// A new Redis store on `urls` (`urls_count` NUL-terminated strings: one
/// URL, or the seed nodes with `TESSERA_REDIS_CLUSTER` in `flags`):
/// `redis://[user:pass@]host:port/db`, `rediss://…` (TLS),
/// `redis+unix:///path`. `prefix` starts every key (NULL: `"tessera:"`;
/// apps sharing sessions must use the same one; docs/sessions.md has the
/// key layout). `pool_size` (connections kept), `connect_timeout_ms`
/// (connecting, and waiting for a pooled connection) and `io_timeout_ms`
/// (each command) take `TESSERA_UNSET` for the core's defaults (16, 2000 ms,
/// 2000 ms).
///
/// Nothing connects yet: an unreachable Redis is
/// `TESSERA_STATUS_STORE_UNAVAILABLE` on first use (after at most the
/// connect timeout), never "no session"; when Redis comes back, the next
/// call works on the same store. A URL that does not parse, no URL, several
/// without the cluster flag, a pool size of 0, a timeout under 1 ms, or an
/// unknown flag is `TESSERA_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `urls` is readable for `urls_count` pointers, each NUL-terminated (NULL
/// only when `urls_count` is 0); `prefix` is NULL or NUL-terminated;
/// `store_out` is writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // one per store option, as in every binding
pub unsafe extern "C" fn tessera_redis_store_new(
    urls: *const *const c_char,
    urls_count: usize,
    prefix: *const c_char,
    pool_size: i64,
    connect_timeout_ms: i64,
    io_timeout_ms: i64,
    flags: u32,
    store_out: *mut *mut tessera_store,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let urls = unsafe { config_str_list(urls, urls_count, "urls") }?;
        let prefix = unsafe { opt_config_str(prefix, "prefix") }?;
        let store_out = unsafe { out(store_out, "store_out") }?;
        if flags & !REDIS_FLAGS != 0 {
            return Err(invalid_argument(format!(
                "unknown flags {:#x}",
                flags & !REDIS_FLAGS
            )));
        }
        let d = RedisOptions::default();
        let opts = RedisOptions {
            prefix: prefix.map_or(d.prefix, str::to_owned),
            pool_size: opt_count(pool_size, "pool_size")?.unwrap_or(d.pool_size),
            connect_timeout: opt_duration_ms(connect_timeout_ms, "connect_timeout_ms")?
                .unwrap_or(d.connect_timeout),
            io_timeout: opt_duration_ms(io_timeout_ms, "io_timeout_ms")?.unwrap_or(d.io_timeout),
            cluster: flags & TESSERA_REDIS_CLUSTER != 0,
        };
        *store_out = arc_ptr(Store::Redis(Arc::new(RedisStore::new(&urls, opts)?)));
        Ok(())
    })
}

/// Checks that the store answers: Redis must reply to `PING`
/// (`TESSERA_STATUS_STORE_UNAVAILABLE` otherwise, within the connect and
/// I/O timeouts); a memory store always answers.
///
/// # Safety
/// `store` is a live store or NULL.
#[no_mangle]
pub unsafe extern "C" fn tessera_store_ping(store: *const tessera_store) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        match unsafe { try_ref(store, "store") }? {
            Store::Memory(_) => Ok(()),
            Store::Redis(r) => r.ping(),
        }
    })
}

/// Releases the caller's reference to a store. Managers, denylists and
/// refresh-token services built on it keep their own. NULL is a no-op;
/// never twice.
///
/// # Safety
/// `store` is NULL or a store from this library that is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_store_free(store: *const tessera_store) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_arc(store) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera::ErrorCode;

    #[test]
    fn integer_arguments() {
        assert_eq!(opt_count::<usize>(TESSERA_UNSET, "n").unwrap(), None);
        assert_eq!(opt_count::<u32>(7, "n").unwrap(), Some(7));
        for bad in [-1, i64::from(u32::MAX) + 1] {
            assert_eq!(
                opt_count::<u32>(bad, "n").unwrap_err().code(),
                ErrorCode::InvalidArgument
            );
        }
        assert_eq!(duration_ms(0, "d").unwrap(), Duration::ZERO);
        assert_eq!(duration_ms(1500, "d").unwrap(), Duration::from_millis(1500));
        assert!(duration_ms(-1, "d").is_err());
        assert_eq!(opt_duration_ms(TESSERA_UNSET, "d").unwrap(), None);
    }
}
