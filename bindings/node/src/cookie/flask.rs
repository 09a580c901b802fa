//! Flask's session cookie (wraps `tessera::cookie::flask::FlaskCookie`).
//! Sessions cross as Flask's tagged JSON text.

use napi::bindgen_prelude::Uint8Array;
use napi_derive::napi;
use tessera::cookie::flask::{self, DEFAULT_MAX_AGE};

use super::{clock, seconds, secrets};
use crate::errors::{to_js_err, Result};

/// Flask's `SecureCookieSessionInterface.salt`. The core spells it only
/// inside `FlaskCookie::new`; it is needed here for `fallbacks` and
/// `max_age`, which only `with_options` takes (see node/README.md, "core").
const FLASK_SALT: &[u8] = b"cookie-session";

/// A Flask session-cookie codec (native half of `cookies.FlaskCookie`).
#[napi(js_name = "FlaskCookie")]
pub struct FlaskCookie {
    inner: flask::FlaskCookie,
}

#[napi]
impl FlaskCookie {
    /// `fallbacks` oldest first; `max_age` `None` is Flask's default
    /// (31 days) unless `no_max_age`, which disables the age check.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        secret_key: &[u8],
        fallbacks: Vec<Uint8Array>,
        salt: Option<Uint8Array>,
        max_age: Option<i64>,
        no_max_age: bool,
    ) -> Result<FlaskCookie> {
        let max_age = if no_max_age {
            None
        } else {
            Some(
                seconds("maxAge", max_age)
                    .map_err(to_js_err)?
                    .unwrap_or(DEFAULT_MAX_AGE),
            )
        };
        let salt = salt.map(|s| s.to_vec());
        flask::FlaskCookie::with_options(
            secret_key,
            &secrets(&fallbacks),
            salt.as_deref().unwrap_or(FLASK_SALT),
            max_age,
        )
        .map(|inner| FlaskCookie { inner })
        .map_err(to_js_err)
    }

    /// The cookie value for the session `json` (tagged JSON object text).
    #[napi(catch_unwind)]
    pub fn dumps(&self, json: String, now: Option<i64>) -> Result<String> {
        self.inner.dumps(&json, clock(now)).map_err(to_js_err)
    }

    /// The session as tagged JSON text.
    #[napi(catch_unwind)]
    pub fn loads(&self, cookie: String, now: Option<i64>) -> Result<String> {
        self.inner.loads(&cookie, clock(now)).map_err(to_js_err)
    }
}
