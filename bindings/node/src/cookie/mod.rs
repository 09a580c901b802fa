//! Cookie codecs (`tessera::cookie`), one file per core module. Every class
//! here is the native half of a class in `node/lib/cookies.js`, which checks
//! argument types and converts JS values (objects ⇄ JSON text, strings ⇄
//! bytes); formats, defaults and checks are the core's.
//!
//! Times cross as Unix seconds (`i64`); `None` means the system clock.

pub mod csrf;
pub mod express;
pub mod flask;
pub mod header;
pub mod itsdangerous;
pub mod native;
pub mod rails;

use napi::bindgen_prelude::Uint8Array;
use tessera::{Error, ErrorCode};

/// `now`, or the system clock, in Unix seconds.
pub(crate) fn clock(now: Option<i64>) -> i64 {
    now.unwrap_or_else(tessera::unix_now)
}

/// Secrets as owned byte strings (JS hands strings over as UTF-8 bytes),
/// wiped when dropped (the codecs keep only keys derived from them).
pub(crate) fn secrets(list: &[Uint8Array]) -> Vec<zeroize::Zeroizing<Vec<u8>>> {
    list.iter()
        .map(|s| zeroize::Zeroizing::new(s.to_vec()))
        .collect()
}

/// A JS number of seconds that the core takes as `u64` (a max age).
pub(crate) fn seconds(what: &'static str, v: Option<i64>) -> tessera::Result<Option<u64>> {
    v.map(|n| {
        u64::try_from(n).map_err(|_| {
            Error::new(
                ErrorCode::InvalidArgument,
                format!("{what} must not be negative"),
            )
        })
    })
    .transpose()
}
