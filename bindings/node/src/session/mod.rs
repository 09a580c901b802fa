//! Server-side sessions (`tessera::session`): the native half of
//! `node/lib/sessions.js`. Stores (`Store`: memory or Redis), and the
//! services on them (`SessionManager`, `Denylist`, `RefreshTokens`).
//!
//! Every method that may touch a store returns a promise and runs on the
//! libuv thread pool (`tasks::Blocking`), so a call waiting on Redis never
//! blocks the event loop; this holds for the `MemoryStore` too (one code
//! path, and a purge or a full shard never stalls the loop). Conversion only:
//! ids, expiry, versions, the key layout and what a valid argument is are
//! the core's (docs/sessions.md).
//!
//! Durations cross as JS numbers of seconds (fractions allowed); times come
//! back as Unix milliseconds and versions and counts as numbers.

mod denylist;
mod manager;
mod refresh;
mod store;

pub use denylist::Denylist;
pub use manager::SessionManager;
pub use refresh::RefreshTokens;
pub use store::Store;

use std::time::Duration;

use tessera::{Error, ErrorCode};

fn invalid(message: String) -> Error {
    Error::new(ErrorCode::InvalidArgument, message)
}

/// A JS number of seconds as a `Duration`: `INVALID_ARGUMENT` when negative,
/// NaN or infinite (whether zero is allowed is the core's call).
pub(crate) fn duration(what: &str, seconds: f64) -> tessera::Result<Duration> {
    Duration::try_from_secs_f64(seconds).map_err(|_| {
        invalid(format!(
            "{what} must be a finite, non-negative number of seconds"
        ))
    })
}

/// A non-negative JS integer as `T` (`INVALID_ARGUMENT` when out of range).
pub(crate) fn count<T: TryFrom<i64>>(what: &str, v: i64) -> tessera::Result<T> {
    T::try_from(v).map_err(|_| invalid(format!("{what} must be a non-negative integer in range")))
}

/// A `u64` from the core (a version, a count) as a JS number.
pub(crate) fn number(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
