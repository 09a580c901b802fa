//! Express: `ExpressCookieSession` (cookie-session + keygrip) and
//! `ExpressSessionId` (express-session's signed id).

use std::sync::Arc;

use tessera::cookie::express as ex;

use crate::cookie::index;
use crate::{Result, Secret};

/// The two cookies cookie-session sets: `<name>=value` and `<name>.sig=sig`.
/// Together they are the credential, so both are [`Secret`]s (Kotlin/Swift
/// `value.value`, `sig.value`; the record's text shows `Secret(…)`).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ExpressSignedCookie {
    /// The value of the `<name>` cookie (base64 of the session JSON).
    pub value: Secret,
    /// The value of the `<name>.sig` cookie.
    pub sig: Secret,
}

/// A verified cookie-session session.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ExpressVerified {
    /// The session JSON text, exactly as it was signed.
    pub json: String,
    /// The index of the key that matched (keygrip's `index`).
    pub key_index: i32,
    /// Signed with an older key: set `<name>.sig` again (`signValue(value)`).
    pub needs_resign: bool,
}

impl From<ex::ExpressVerified> for ExpressVerified {
    fn from(v: ex::ExpressVerified) -> Self {
        ExpressVerified {
            needs_resign: v.needs_resign(),
            key_index: index(v.key_index),
            json: v.json,
        }
    }
}

/// Express `cookie-session` with keygrip (HMAC-SHA1). `keys` newest first,
/// as in keygrip: `keys[0]` signs, every key verifies. `name` is the cookie
/// name (`null`: cookie-session's `session`). Immutable and thread-safe.
#[derive(Debug, uniffi::Object)]
pub struct ExpressCookieSession {
    inner: ex::ExpressCookieSession,
}

#[uniffi::export]
impl ExpressCookieSession {
    /// No keys or a bad name is `INVALID_ARGUMENT`; an empty key `INVALID_KEY`.
    #[uniffi::constructor(default(name = None))]
    pub fn new(keys: Vec<Vec<u8>>, name: Option<String>) -> Result<Arc<Self>> {
        let keys = super::wiped(keys);
        let inner = match name {
            Some(name) => ex::ExpressCookieSession::new(&keys, &name)?,
            None => ex::ExpressCookieSession::with_default_name(&keys)?,
        };
        Ok(Arc::new(ExpressCookieSession { inner }))
    }

    /// The cookie name (the signature cookie is `<name>.sig`).
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// Encodes and signs `sessionJson` (a JSON object; pass what
    /// `JSON.stringify` writes to be byte-identical with Node).
    pub fn sign(&self, session_json: String) -> Result<ExpressSignedCookie> {
        let (value, sig) = self.inner.sign(&session_json)?;
        Ok(ExpressSignedCookie {
            value: Secret(value),
            sig: Secret(sig),
        })
    }

    /// keygrip's signature of an existing `<name>` value with `keys[0]`.
    pub fn sign_value(&self, value: String) -> String {
        self.inner.sign_value(&value)
    }

    /// Verifies `sig` over `value` and decodes: the session JSON text.
    /// `INVALID_SIGNATURE` or `MALFORMED`.
    pub fn verify(&self, value: String, sig: String) -> Result<String> {
        Ok(self.inner.verify(&value, &sig)?)
    }

    /// `verify`, also telling which key matched.
    pub fn verify_info(&self, value: String, sig: String) -> Result<ExpressVerified> {
        Ok(self.inner.verify_index(&value, &sig)?.into())
    }

    /// Reads `<name>` and `<name>.sig` from a raw `Cookie` request header as
    /// cookie-session does and verifies them; `SESSION_NOT_FOUND` if absent.
    pub fn load(&self, cookie_header: String) -> Result<String> {
        Ok(self.inner.load(&cookie_header)?)
    }

    /// `load`, also telling which key matched.
    pub fn load_info(&self, cookie_header: String) -> Result<ExpressVerified> {
        Ok(self.inner.load_index(&cookie_header)?.into())
    }
}

/// A verified express-session id.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct UnsignedSessionId {
    /// The session id: Kotlin/Swift `sid.value`; the record's text shows
    /// `Secret(…)`.
    pub sid: Secret,
    /// The index of the secret that matched (above 0: sign it again).
    pub secret_index: i32,
}

/// express-session's signed session-id cookie (`s:<id>.<signature>`,
/// HMAC-SHA256). `secrets[0]` signs, every secret verifies. Immutable and
/// thread-safe.
#[derive(Debug, uniffi::Object)]
pub struct ExpressSessionId {
    inner: ex::ExpressSessionId,
}

#[uniffi::export]
impl ExpressSessionId {
    /// No secrets is `INVALID_ARGUMENT`; an empty secret `INVALID_KEY`.
    #[uniffi::constructor]
    pub fn new(secrets: Vec<Vec<u8>>) -> Result<Arc<Self>> {
        let secrets = super::wiped(secrets);
        Ok(Arc::new(ExpressSessionId {
            inner: ex::ExpressSessionId::new(&secrets)?,
        }))
    }

    /// `s:<sid>.<signature>`, the logical cookie value (percent-encode it
    /// when writing a `Set-Cookie`, as express-session does).
    pub fn sign(&self, sid: String) -> String {
        self.inner.sign(&sid)
    }

    /// The session id of a cookie value (`s:…` or `s%3A…`, quoted or not).
    /// `MALFORMED` or `INVALID_SIGNATURE`.
    pub fn unsign(&self, value: String) -> Result<String> {
        Ok(self.inner.unsign(&value)?)
    }

    /// `unsign`, also telling which secret matched.
    pub fn unsign_info(&self, value: String) -> Result<UnsignedSessionId> {
        let (sid, i) = self.inner.unsign_index(&value)?;
        Ok(UnsignedSessionId {
            sid: Secret(sid),
            secret_index: index(i),
        })
    }

    /// Reads the cookie `name` (`null`: `connect.sid`) from a raw `Cookie`
    /// request header as express-session does and unsigns it;
    /// `SESSION_NOT_FOUND` if absent or empty.
    #[uniffi::method(default(name = None))]
    pub fn load(&self, cookie_header: String, name: Option<String>) -> Result<String> {
        Ok(self.load_info(cookie_header, name)?.sid.0)
    }

    /// `load`, also telling which secret matched.
    #[uniffi::method(default(name = None))]
    pub fn load_info(
        &self,
        cookie_header: String,
        name: Option<String>,
    ) -> Result<UnsignedSessionId> {
        let name = name.as_deref().unwrap_or(ex::DEFAULT_SESSION_ID_NAME);
        let (sid, i) = self.inner.load_index(&cookie_header, name)?;
        Ok(UnsignedSessionId {
            sid: Secret(sid),
            secret_index: index(i),
        })
    }
}
