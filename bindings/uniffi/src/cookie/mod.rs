//! Cookie sessions for Kotlin and Swift: Tessera's own [`SessionCookie`],
//! the framework codecs ([`FlaskCookie`], [`Signer`], [`TimestampSigner`],
//! [`UrlSafeTimedSerializer`], [`ExpressCookieSession`],
//! [`ExpressSessionId`], [`RailsCookie`]), `Set-Cookie`/`Cookie` helpers and
//! [`CsrfTokens`]. Thin wrappers over `tessera::cookie`: sessions cross as
//! JSON text, secrets as byte arrays, `now` is optional (the system clock)
//! and Unix seconds (Rails: milliseconds). Every object is immutable and
//! thread-safe.

mod csrf;
mod express;
mod flask;
mod header;
mod itsdangerous;
mod native;
mod rails;

pub use csrf::CsrfTokens;
pub use express::{
    ExpressCookieSession, ExpressSessionId, ExpressSignedCookie, ExpressVerified, UnsignedSessionId,
};
pub use flask::FlaskCookie;
pub use header::{
    default_cookie_attributes, delete_cookie, parse_cookie, parse_cookie_pairs, set_cookie,
    CookieAttributes, CookiePair,
};
pub use itsdangerous::{
    Signer, TimestampSigner, TimestampedJson, TimestampedValue, UrlSafeTimedSerializer,
};
pub use native::{OpenedCookie, SessionCookie};
pub use rails::{RailsCookie, RailsRotation};

use crate::{Result, TesseraError};

/// Secrets as they arrive (owned copies of the foreign byte arrays), wiped
/// when dropped: the codecs keep only keys derived from them.
pub(crate) fn wiped(secrets: Vec<Vec<u8>>) -> Vec<zeroize::Zeroizing<Vec<u8>>> {
    secrets.into_iter().map(zeroize::Zeroizing::new).collect()
}

/// `now`, or the system clock (Unix seconds).
pub(crate) fn now_or_clock(now: Option<i64>) -> i64 {
    now.unwrap_or_else(tessera::unix_now)
}

/// `now_ms`, or the system clock (Unix milliseconds).
pub(crate) fn now_ms_or_clock(now_ms: Option<i64>) -> i64 {
    now_ms.unwrap_or_else(tessera::unix_now_ms)
}

/// An optional age in seconds: negative is `INVALID_ARGUMENT`.
pub(crate) fn max_age(name: &str, n: Option<i64>) -> Result<Option<u64>> {
    n.map(|n| {
        u64::try_from(n)
            .map_err(|_| TesseraError::invalid_argument(format!("{name} must not be negative")))
    })
    .transpose()
}

/// A list index for Kotlin/Swift (`Int` / `Int32`).
pub(crate) fn index(i: usize) -> i32 {
    i32::try_from(i).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_and_ages() {
        assert_eq!(now_or_clock(Some(-3)), -3);
        assert!(now_or_clock(None) > 1_700_000_000);
        assert!(now_ms_or_clock(None) > 1_700_000_000_000);
        assert_eq!(max_age("m", None).unwrap(), None);
        assert_eq!(max_age("m", Some(0)).unwrap(), Some(0));
        assert_eq!(
            max_age("m", Some(-1)).unwrap_err().code(),
            tessera::ErrorCode::InvalidArgument
        );
    }
}
