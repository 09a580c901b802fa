//! Flask's default session cookie (`SecureCookieSessionInterface`), byte for
//! byte (COOKIE_FORMATS.md, part A).
//!
//! The session travels as JSON text in Flask's *tagged* form: a tuple is
//! `{" t": [...]}`, bytes `{" b": "<standard base64>"}`, Markup `{" m": "..."}`,
//! a UUID `{" u": "<32 hex>"}`, a datetime `{" d": "<http date>"}`, and a
//! one-key dict whose key is a tag `{" di": {"<key>__": ...}}`. [`FlaskCookie::dumps`]
//! writes it exactly as Flask does (keys sorted, `ensure_ascii`, compact,
//! zlib when smaller); [`FlaskCookie::loads`] returns the tagged JSON, which the
//! bindings turn into native values. Numbers are copied verbatim, so callers
//! pass Python's float repr (`3.0`, `1e-07`) to stay byte-identical.
//!
//! Compression uses miniz (flate2's Rust backend): any Flask reads it, but a
//! compressed cookie is not byte-identical to Python's zlib output.

use super::itsdangerous::{Digest, KeyDerivation, SignerOptions, Style, URLSafeTimedSerializer};
use crate::error::Result;

/// Flask's default `PERMANENT_SESSION_LIFETIME`: 31 days, in seconds.
pub const DEFAULT_MAX_AGE: u64 = 2_678_400;

/// A Flask session-cookie codec.
pub struct FlaskCookie {
    ser: URLSafeTimedSerializer,
    max_age: Option<u64>,
}

impl FlaskCookie {
    /// Flask's defaults: salt `cookie-session`, max_age 31 days, no fallbacks.
    pub fn new(secret_key: &[u8]) -> Result<FlaskCookie> {
        Self::with_options::<&[u8]>(secret_key, &[], b"cookie-session", Some(DEFAULT_MAX_AGE))
    }

    /// `fallbacks` are Flask's `SECRET_KEY_FALLBACKS` (oldest first); they open
    /// cookies, `secret_key` signs. `max_age: None` disables the age check.
    pub fn with_options<S: AsRef<[u8]>>(
        secret_key: &[u8],
        fallbacks: &[S],
        salt: &[u8],
        max_age: Option<u64>,
    ) -> Result<FlaskCookie> {
        let mut keys: Vec<&[u8]> = fallbacks.iter().map(|k| k.as_ref()).collect();
        keys.push(secret_key);
        let opts = SignerOptions {
            salt: salt.to_vec(),
            sep: b".".to_vec(),
            key_derivation: KeyDerivation::Hmac,
            digest: Digest::Sha1,
        };
        let ser = URLSafeTimedSerializer::new(&keys, &opts)?.with_style(Style::Flask);
        Ok(FlaskCookie { ser, max_age })
    }

    /// The cookie value for the session `json` (tagged JSON text) signed at `now`.
    pub fn dumps(&self, json: &str, now: i64) -> Result<String> {
        self.ser.dumps(json, now)
    }

    /// Opens `cookie` at time `now`: the session as tagged JSON text.
    /// `INVALID_SIGNATURE`, `EXPIRED`, `ISSUED_IN_FUTURE` or `MALFORMED` otherwise.
    pub fn loads(&self, cookie: &str, now: i64) -> Result<String> {
        self.ser.loads(cookie, self.max_age, now)
    }
}
