//! `RailsCookie`: Rails 7+ encrypted cookies.

use std::sync::Arc;

use tessera::cookie::rails::RailsDigest;

use crate::cookie::now_ms_or_clock;
use crate::Result;

/// An older `secret_key_base` that still decrypts (Rails'
/// `cookies_rotations.rotate :encrypted`), with its key generator digest
/// (`null`: `sha256`, Rails 7.0+; `sha1` for apps on 5.2–6.1 defaults).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct RailsRotation {
    /// The old `secret_key_base`.
    pub secret_key_base: Vec<u8>,
    /// Its digest (`null`: `sha256`).
    #[uniffi(default = None)]
    pub digest: Option<String>,
}

/// A digest name, or the core's default (`sha256`) for `null`.
fn digest(name: Option<&str>) -> Result<RailsDigest> {
    Ok(name
        .map(RailsDigest::parse)
        .transpose()?
        .unwrap_or_default())
}

/// A Rails encrypted cookie (`cookies.encrypted`, the CookieStore session)
/// for one cookie name: AES-256-GCM with a key from `secretKeyBase` by
/// PBKDF2, `digest` `sha256` (Rails 7.0+, and `null`) or `sha1` (apps on
/// 5.2–6.1 defaults). `rotations` are older keys that still decrypt (the
/// first key encrypts). Times are Unix **milliseconds**. Immutable and
/// thread-safe.
#[derive(Debug, uniffi::Object)]
pub struct RailsCookie {
    inner: tessera::cookie::rails::RailsCookie,
}

#[uniffi::export]
impl RailsCookie {
    /// An empty `secretKeyBase` (or rotation key) is `INVALID_KEY`; another
    /// digest, or a cookie name that is not a token, `INVALID_ARGUMENT`.
    #[uniffi::constructor(default(digest = None, rotations = []))]
    pub fn new(
        secret_key_base: Vec<u8>,
        cookie_name: String,
        digest: Option<String>,
        rotations: Vec<RailsRotation>,
    ) -> Result<Arc<Self>> {
        let secret_key_base = zeroize::Zeroizing::new(secret_key_base);
        let digest = self::digest(digest.as_deref())?;
        let rotations = rotations
            .into_iter()
            .map(|r| {
                let skb = zeroize::Zeroizing::new(r.secret_key_base);
                Ok((skb, self::digest(r.digest.as_deref())?))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Arc::new(RailsCookie {
            inner: tessera::cookie::rails::RailsCookie::with_rotations(
                &secret_key_base,
                &cookie_name,
                digest,
                &rotations,
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
