//! `FlaskCookie`: Flask's session cookie, byte for byte.

use std::sync::Arc;

use tessera::cookie::flask::DEFAULT_SALT;

use crate::cookie::{max_age, now_or_clock};
use crate::Result;

/// Flask's default session cookie (`SecureCookieSessionInterface`), byte for
/// byte: the session is Flask's *tagged* JSON text (`{" t": [...]}` for a
/// tuple, `{" b": "<base64>"}` for bytes, `{" d": "<HTTP date>"}`, …).
/// `secretKey` (Flask's `SECRET_KEY`) signs; `fallbacks`
/// (`SECRET_KEY_FALLBACKS`, oldest first) only open. `salt` (`null`:
/// Flask's `cookie-session`); `maxAge` in seconds defaults to Flask's 31
/// days (`null`: no limit). Immutable and thread-safe.
#[derive(uniffi::Object)]
pub struct FlaskCookie {
    inner: tessera::cookie::flask::FlaskCookie,
}

#[uniffi::export]
impl FlaskCookie {
    /// `INVALID_ARGUMENT` for a negative `maxAge`.
    #[uniffi::constructor(default(fallbacks = [], salt = None, max_age = Some(2678400)))]
    pub fn new(
        secret_key: Vec<u8>,
        fallbacks: Vec<Vec<u8>>,
        salt: Option<String>,
        max_age: Option<i64>,
    ) -> Result<Arc<Self>> {
        let (secret_key, fallbacks) =
            (zeroize::Zeroizing::new(secret_key), super::wiped(fallbacks));
        let max_age = self::max_age("maxAge", max_age)?;
        let salt = salt.as_deref().map_or(DEFAULT_SALT, str::as_bytes);
        let inner = tessera::cookie::flask::FlaskCookie::with_options(
            &secret_key,
            &fallbacks,
            salt,
            max_age,
        )?;
        Ok(Arc::new(FlaskCookie { inner }))
    }

    /// The cookie value for `sessionJson` (tagged JSON text of an object),
    /// signed at `now` (Unix seconds; default: now), exactly as Flask writes
    /// it. Tagged values Flask could not read back are `INVALID_ARGUMENT`.
    #[uniffi::method(default(now = None))]
    pub fn dumps(&self, session_json: String, now: Option<i64>) -> Result<String> {
        Ok(self.inner.dumps(&session_json, now_or_clock(now))?)
    }

    /// Opens a Flask cookie at `now`: the session as tagged JSON text.
    /// `INVALID_SIGNATURE`, `EXPIRED`, `ISSUED_IN_FUTURE` or `MALFORMED`.
    #[uniffi::method(default(now = None))]
    pub fn loads(&self, cookie: String, now: Option<i64>) -> Result<String> {
        Ok(self.inner.loads(&cookie, now_or_clock(now))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera::cookie::flask::DEFAULT_MAX_AGE;

    /// The defaults in the constructor attribute are Flask's (the core's).
    #[test]
    fn constructor_defaults_are_the_cores() {
        assert_eq!(2678400, DEFAULT_MAX_AGE);
        let ours = FlaskCookie::new(b"k".to_vec(), vec![], None, Some(2678400)).unwrap();
        let core = tessera::cookie::flask::FlaskCookie::new(b"k").unwrap();
        let json = r#"{"a":1}"#;
        assert_eq!(
            ours.dumps(json.into(), Some(5)).unwrap(),
            core.dumps(json, 5).unwrap()
        );
        let old = core.dumps(json, 5).unwrap();
        let day = 86_400;
        assert!(ours.loads(old.clone(), Some(5 + 31 * day)).is_ok());
        assert!(ours.loads(old, Some(5 + 31 * day + 1)).is_err());
    }
}
