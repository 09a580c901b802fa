//! `SessionCookie`: Tessera's own sealed session cookie.

use std::sync::Arc;

use tessera::cookie::native::{self as n, SessionCookieOptions};

use crate::cookie::header::{attributes, CookieAttributes, CookiePair};
use crate::cookie::{max_age, now_or_clock};
use crate::Result;

/// An opened session.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct OpenedCookie {
    /// The session JSON text.
    pub json: String,
    /// When it was sealed (Unix seconds).
    pub issued_at: i64,
    /// An older secret opened it: seal it again with the current one.
    pub needs_reissue: bool,
}

impl From<n::Opened> for OpenedCookie {
    fn from(o: n::Opened) -> Self {
        OpenedCookie {
            json: o.json,
            issued_at: o.issued_at,
            needs_reissue: o.needs_reissue,
        }
    }
}

/// Tessera's session cookie: signed (HMAC-SHA256) or `encrypted`
/// (AES-256-GCM), bound to its cookie `name` (`null`: `session`), with an
/// authenticated issued-at checked against `maxAge` (seconds; `null`: any
/// age). `secrets` (each >= 32 bytes, `INVALID_KEY` otherwise): the first
/// seals, every one opens. A value whose `Set-Cookie` line would pass 4096
/// bytes is `COOKIE_TOO_LARGE` unless `chunked`. `attributes` (`null`:
/// `defaultCookieAttributes()`) are written on every line. Immutable and
/// thread-safe.
#[derive(Debug, uniffi::Object)]
pub struct SessionCookie {
    inner: n::SessionCookie,
}

#[uniffi::export]
impl SessionCookie {
    /// A bad name or attributes, or a negative `maxAge`, are `INVALID_ARGUMENT`.
    #[uniffi::constructor(default(name = None, encrypted = false, max_age = None, chunked = false, attributes = None))]
    pub fn new(
        secrets: Vec<Vec<u8>>,
        name: Option<String>,
        encrypted: bool,
        max_age: Option<i64>,
        chunked: bool,
        attributes: Option<CookieAttributes>,
    ) -> Result<Arc<Self>> {
        let secrets = super::wiped(secrets);
        let defaults = SessionCookieOptions::default();
        let opts = SessionCookieOptions {
            name: name.unwrap_or(defaults.name),
            encrypted,
            max_age: self::max_age("maxAge", max_age)?,
            chunked,
            attributes: self::attributes(attributes)?,
        };
        Ok(Arc::new(SessionCookie {
            inner: n::SessionCookie::new(&secrets, opts)?,
        }))
    }

    /// The cookie name.
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// One cookie value for `sessionJson` (a JSON object) sealed at `now`
    /// (default: now); `COOKIE_TOO_LARGE` past 4096 bytes.
    #[uniffi::method(default(now = None))]
    pub fn seal(&self, session_json: String, now: Option<i64>) -> Result<String> {
        Ok(self.inner.seal(&session_json, now_or_clock(now))?)
    }

    /// The cookies to set: `[(name, value)]`, or `name.0 … name.N-1` when
    /// it does not fit and chunking is on.
    #[uniffi::method(default(now = None))]
    pub fn seal_chunks(&self, session_json: String, now: Option<i64>) -> Result<Vec<CookiePair>> {
        let chunks = self.inner.seal_chunks(&session_json, now_or_clock(now))?;
        Ok(chunks
            .into_iter()
            .map(|(name, value)| CookiePair { name, value })
            .collect())
    }

    /// Complete `Set-Cookie` header values for the session, plus deletions of
    /// this session's stale cookies named in the request's `Cookie` header.
    #[uniffi::method(default(now = None, request_cookie_header = None))]
    pub fn set_cookie_headers(
        &self,
        session_json: String,
        now: Option<i64>,
        request_cookie_header: Option<String>,
    ) -> Result<Vec<String>> {
        let now = now_or_clock(now);
        Ok(self
            .inner
            .set_cookie_headers(&session_json, now, request_cookie_header.as_deref())?)
    }

    /// `Set-Cookie` header values deleting the session and every chunk of
    /// it named in the request (log out).
    #[uniffi::method(default(request_cookie_header = None))]
    pub fn clear_cookie_headers(
        &self,
        request_cookie_header: Option<String>,
    ) -> Result<Vec<String>> {
        Ok(self
            .inner
            .clear_cookie_headers(request_cookie_header.as_deref())?)
    }

    /// Opens one cookie value at `now`: the session JSON text. `MALFORMED`,
    /// `INVALID_SIGNATURE`, `EXPIRED`, `ISSUED_IN_FUTURE`, `TOO_LARGE`.
    #[uniffi::method(default(now = None))]
    pub fn open(&self, value: String, now: Option<i64>) -> Result<String> {
        Ok(self.inner.open(&value, now_or_clock(now))?.json)
    }

    /// `open`, also returning the issued-at and whether to re-issue.
    #[uniffi::method(default(now = None))]
    pub fn open_info(&self, value: String, now: Option<i64>) -> Result<OpenedCookie> {
        Ok(self.inner.open(&value, now_or_clock(now))?.into())
    }

    /// Opens the session from a raw `Cookie` request header (single or
    /// chunked); `SESSION_NOT_FOUND` when it has none.
    #[uniffi::method(default(now = None))]
    pub fn load(&self, cookie_header: String, now: Option<i64>) -> Result<OpenedCookie> {
        Ok(self.inner.load(&cookie_header, now_or_clock(now))?.into())
    }
}
