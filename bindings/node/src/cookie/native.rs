//! Tessera's sealed session cookie (wraps `tessera::cookie::native`).
//! Sessions cross as JSON object text.

use napi::bindgen_prelude::Uint8Array;
use napi_derive::napi;
use tessera::cookie::native::{self, SessionCookieOptions};

use super::header::{attributes, AttributesArg};
use super::{clock, seconds, secrets};
use crate::convert::JsStr;
use crate::errors::{to_js_err, Result};

/// How the JS `SessionCookie` was configured; absent members keep the core's
/// defaults (`SessionCookieOptions::default()`).
#[napi(object)]
pub struct SessionCookieArg {
    pub name: Option<String>,
    pub encrypted: Option<bool>,
    pub max_age: Option<i64>,
    pub chunked: Option<bool>,
    pub attributes: Option<AttributesArg>,
}

/// An opened session.
#[napi(object)]
pub struct Opened {
    pub json: String,
    pub issued_at: i64,
    pub needs_reissue: bool,
}

impl From<native::Opened> for Opened {
    fn from(o: native::Opened) -> Self {
        Opened {
            json: o.json,
            issued_at: o.issued_at,
            needs_reissue: o.needs_reissue,
        }
    }
}

/// One cookie to set.
#[napi(object)]
pub struct NamedValue {
    pub name: String,
    pub value: String,
}

/// Tessera's session cookie (native half of `cookies.SessionCookie`).
#[napi(js_name = "SessionCookie")]
pub struct SessionCookie {
    inner: native::SessionCookie,
}

#[napi]
impl SessionCookie {
    /// The first secret seals, every secret opens.
    #[napi(constructor, catch_unwind)]
    pub fn new(secrets_: Vec<Uint8Array>, opts: Option<SessionCookieArg>) -> Result<SessionCookie> {
        let build = || {
            let mut o = SessionCookieOptions::default();
            if let Some(arg) = opts {
                if let Some(name) = arg.name {
                    o.name = name;
                }
                if let Some(encrypted) = arg.encrypted {
                    o.encrypted = encrypted;
                }
                o.max_age = seconds("maxAge", arg.max_age)?.or(o.max_age);
                if let Some(chunked) = arg.chunked {
                    o.chunked = chunked;
                }
                o.attributes = attributes(arg.attributes)?;
            }
            native::SessionCookie::new(&secrets(&secrets_), o)
        };
        build()
            .map(|inner| SessionCookie { inner })
            .map_err(to_js_err)
    }

    /// The cookie name.
    #[napi(getter, catch_unwind)]
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// One cookie value (`COOKIE_TOO_LARGE` past 4096 bytes with attributes).
    #[napi(catch_unwind)]
    pub fn seal(&self, json: String, now: Option<i64>) -> Result<String> {
        self.inner.seal(&json, clock(now)).map_err(to_js_err)
    }

    /// The cookies to set: the value, or its chunks when chunking is on.
    #[napi(catch_unwind)]
    pub fn seal_chunks(&self, json: String, now: Option<i64>) -> Result<Vec<NamedValue>> {
        self.inner
            .seal_chunks(&json, clock(now))
            .map(|v| {
                v.into_iter()
                    .map(|(name, value)| NamedValue { name, value })
                    .collect()
            })
            .map_err(to_js_err)
    }

    /// Opens one unchunked value.
    #[napi(catch_unwind)]
    pub fn open(&self, value: JsStr, now: Option<i64>) -> Result<Opened> {
        self.inner
            .open(value.as_str(), clock(now))
            .map(Opened::from)
            .map_err(to_js_err)
    }

    /// Opens the session from a raw `Cookie` header (single or chunked).
    #[napi(catch_unwind)]
    pub fn load(&self, cookie_header: JsStr, now: Option<i64>) -> Result<Opened> {
        self.inner
            .load(cookie_header.as_str(), clock(now))
            .map(Opened::from)
            .map_err(to_js_err)
    }

    /// Complete `Set-Cookie` lines, plus deletions of this session's stale cookies.
    #[napi(catch_unwind)]
    pub fn set_cookie_headers(
        &self,
        json: String,
        now: Option<i64>,
        request_cookie_header: Option<String>,
    ) -> Result<Vec<String>> {
        self.inner
            .set_cookie_headers(&json, clock(now), request_cookie_header.as_deref())
            .map_err(to_js_err)
    }

    /// Deletion lines for the session cookie and every chunk named in the request.
    #[napi(catch_unwind)]
    pub fn clear_cookie_headers(
        &self,
        request_cookie_header: Option<String>,
    ) -> Result<Vec<String>> {
        self.inner
            .clear_cookie_headers(request_cookie_header.as_deref())
            .map_err(to_js_err)
    }
}
