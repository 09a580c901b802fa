//! `RailsCookie`: Rails 7+ encrypted cookies.

use std::sync::Arc;

use tessera::cookie::rails::RailsDigest;

use crate::cookie::now_ms_or_clock;
use crate::Result;

/// A Rails encrypted cookie (`cookies.encrypted`, the CookieStore session)
/// for one cookie name: AES-256-GCM with a key from `secretKeyBase` by
/// PBKDF2, `digest` `sha256` (Rails 7.0+, the default) or `sha1` (apps on
/// 5.2–6.1 defaults). Times are Unix **milliseconds**. Immutable and
/// thread-safe.
#[derive(Debug, uniffi::Object)]
pub struct RailsCookie {
    inner: tessera::cookie::rails::RailsCookie,
}

#[uniffi::export]
impl RailsCookie {
    /// An empty `secretKeyBase` is `INVALID_KEY`; another digest, or a cookie
    /// name that is not a token, `INVALID_ARGUMENT`.
    #[uniffi::constructor(default(digest = "sha256"))]
    pub fn new(secret_key_base: Vec<u8>, cookie_name: String, digest: String) -> Result<Arc<Self>> {
        let digest = RailsDigest::parse(&digest)?;
        Ok(Arc::new(RailsCookie {
            inner: tessera::cookie::rails::RailsCookie::new(
                &secret_key_base,
                &cookie_name,
                digest,
            )?,
        }))
    }

    /// The cookie value (Rack-escaped) for the JSON text `json` (any JSON
    /// value), expiring at `expiresAtMs` or never. `COOKIE_TOO_LARGE` past
    /// Rails' 4096 bytes; bad JSON is `INVALID_ARGUMENT`.
    #[uniffi::method(default(expires_at_ms = None))]
    pub fn encrypt(&self, json: String, expires_at_ms: Option<i64>) -> Result<String> {
        Ok(self.inner.encrypt(&json, expires_at_ms)?)
    }

    /// The JSON text of a cookie value as sent, at `nowMs` (default: now).
    /// `INVALID_SIGNATURE` (another key or cookie name), `EXPIRED`, `MALFORMED`.
    #[uniffi::method(default(now_ms = None))]
    pub fn decrypt(&self, cookie: String, now_ms: Option<i64>) -> Result<String> {
        Ok(self.inner.decrypt(&cookie, now_ms_or_clock(now_ms))?)
    }
}
