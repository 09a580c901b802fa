//! Express `cookie-session` (+ keygrip) and express-session signed ids
//! (wrap `tessera::cookie::express`). Sessions cross as JSON text.

use napi::bindgen_prelude::Uint8Array;
use napi_derive::napi;
use tessera::cookie::express::{self, DEFAULT_COOKIE_SESSION_NAME, DEFAULT_SESSION_ID_NAME};

use super::secrets;
use crate::convert::JsStr;
use crate::errors::{to_js_err, Result};

/// A verified cookie-session: the JSON text as cookie-session wrote it, the
/// index of the key that verified it, and whether `<name>.sig` should be
/// re-issued with `keys[0]`.
#[napi(object)]
pub struct ExpressVerified {
    pub json: String,
    pub key_index: u32,
    pub needs_resign: bool,
}

impl From<express::ExpressVerified> for ExpressVerified {
    fn from(v: express::ExpressVerified) -> Self {
        ExpressVerified {
            needs_resign: v.needs_resign(),
            json: v.json,
            key_index: u32::try_from(v.key_index).unwrap_or(u32::MAX),
        }
    }
}

/// `<name>` and `<name>.sig` cookie values.
#[napi(object)]
pub struct ExpressSigned {
    pub value: String,
    pub sig: String,
}

/// cookie-session codec (native half of `cookies.ExpressCookieSession`).
#[napi(js_name = "ExpressCookieSession")]
pub struct ExpressCookieSession {
    inner: express::ExpressCookieSession,
}

#[napi]
impl ExpressCookieSession {
    /// `keys` newest first (`keys[0]` signs); `name` defaults to the core's.
    #[napi(constructor, catch_unwind)]
    pub fn new(keys: Vec<Uint8Array>, name: Option<String>) -> Result<ExpressCookieSession> {
        express::ExpressCookieSession::new(
            &secrets(&keys),
            name.as_deref().unwrap_or(DEFAULT_COOKIE_SESSION_NAME),
        )
        .map(|inner| ExpressCookieSession { inner })
        .map_err(to_js_err)
    }

    /// The cookie name.
    #[napi(getter, catch_unwind)]
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// `(value, sig)` for the session JSON text (kept byte for byte).
    #[napi(catch_unwind)]
    pub fn sign(&self, json: String) -> Result<ExpressSigned> {
        self.inner
            .sign(&json)
            .map(|(value, sig)| ExpressSigned { value, sig })
            .map_err(to_js_err)
    }

    /// keygrip's signature of `<name>=<value>` with `keys[0]`.
    #[napi(catch_unwind)]
    pub fn sign_value(&self, value: String) -> String {
        self.inner.sign_value(&value)
    }

    /// Verifies the two cookie values.
    #[napi(catch_unwind)]
    pub fn verify(&self, value: JsStr, sig: String) -> Result<ExpressVerified> {
        self.inner
            .verify_index(value.as_str(), &sig)
            .map(ExpressVerified::from)
            .map_err(to_js_err)
    }

    /// `verify` returning only the session JSON text (the hot path: no
    /// result object to build).
    #[napi(catch_unwind)]
    pub fn verify_json(&self, value: JsStr, sig: String) -> Result<String> {
        self.inner.verify(value.as_str(), &sig).map_err(to_js_err)
    }

    /// Finds and verifies the two cookies in a raw `Cookie` header.
    #[napi(catch_unwind)]
    pub fn load(&self, cookie_header: JsStr) -> Result<ExpressVerified> {
        self.inner
            .load_index(cookie_header.as_str())
            .map(ExpressVerified::from)
            .map_err(to_js_err)
    }

    /// `load` returning only the session JSON text.
    #[napi(catch_unwind)]
    pub fn load_json(&self, cookie_header: JsStr) -> Result<String> {
        self.inner.load(cookie_header.as_str()).map_err(to_js_err)
    }
}

/// express-session signed ids (native half of `cookies.ExpressSessionId`).
#[napi(js_name = "ExpressSessionId")]
pub struct ExpressSessionId {
    inner: express::ExpressSessionId,
}

#[napi]
impl ExpressSessionId {
    /// `secrets[0]` signs, any verifies.
    #[napi(constructor, catch_unwind)]
    pub fn new(secrets_: Vec<Uint8Array>) -> Result<ExpressSessionId> {
        express::ExpressSessionId::new(&secrets(&secrets_))
            .map(|inner| ExpressSessionId { inner })
            .map_err(to_js_err)
    }

    /// `s:<sid>.<signature>` (the logical cookie value).
    #[napi(catch_unwind)]
    pub fn sign(&self, sid: String) -> String {
        self.inner.sign(&sid)
    }

    /// The session id of a cookie value (literal or percent-encoded).
    #[napi(catch_unwind)]
    pub fn unsign(&self, value: String) -> Result<String> {
        self.inner.unsign(&value).map_err(to_js_err)
    }

    /// The session id from cookie `name` (default `connect.sid`) of a raw `Cookie` header.
    #[napi(catch_unwind)]
    pub fn load(&self, cookie_header: JsStr, name: Option<String>) -> Result<String> {
        self.inner
            .load(
                cookie_header.as_str(),
                name.as_deref().unwrap_or(DEFAULT_SESSION_ID_NAME),
            )
            .map_err(to_js_err)
    }
}
