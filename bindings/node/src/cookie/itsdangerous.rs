//! itsdangerous `Signer`, `TimestampSigner`, `URLSafeTimedSerializer`
//! (wrap `tessera::cookie::itsdangerous`). Values cross as bytes; the
//! serializer's payload as JSON text.

use napi::bindgen_prelude::{Buffer, Uint8Array};
use napi_derive::napi;
use tessera::cookie::itsdangerous::{self as its, Digest, KeyDerivation, SignerOptions};

use super::{clock, seconds, secrets};
use crate::errors::{to_js_err, Result};

/// The class defaults (`base`) with the options the caller gave.
fn signer_options(
    mut base: SignerOptions,
    salt: Option<Uint8Array>,
    sep: Option<Uint8Array>,
    key_derivation: Option<String>,
    digest_method: Option<String>,
) -> tessera::Result<SignerOptions> {
    if let Some(salt) = salt {
        base.salt = salt.to_vec();
    }
    if let Some(sep) = sep {
        base.sep = sep.to_vec();
    }
    if let Some(kd) = key_derivation {
        base.key_derivation = KeyDerivation::parse(&kd)?;
    }
    if let Some(d) = digest_method {
        base.digest = Digest::parse(&d)?;
    }
    Ok(base)
}

/// itsdangerous `Signer` (native half of `cookies.Signer`).
#[napi(js_name = "Signer")]
pub struct Signer {
    inner: its::Signer,
}

#[napi]
impl Signer {
    /// `secret_keys` oldest → newest (the newest signs).
    #[napi(constructor, catch_unwind)]
    pub fn new(
        secret_keys: Vec<Uint8Array>,
        salt: Option<Uint8Array>,
        sep: Option<Uint8Array>,
        key_derivation: Option<String>,
        digest_method: Option<String>,
    ) -> Result<Signer> {
        let opts = signer_options(
            SignerOptions::default(),
            salt,
            sep,
            key_derivation,
            digest_method,
        )
        .map_err(to_js_err)?;
        its::Signer::new(&secrets(&secret_keys), &opts)
            .map(|inner| Signer { inner })
            .map_err(to_js_err)
    }

    /// `value + sep + signature`.
    #[napi(catch_unwind)]
    pub fn sign(&self, value: &[u8]) -> Buffer {
        self.inner.sign(value).into()
    }

    /// The value, if the signature verifies under any secret.
    #[napi(catch_unwind)]
    pub fn unsign(&self, signed: &[u8]) -> Result<Buffer> {
        self.inner
            .unsign(signed)
            .map(|v| Buffer::from(v.to_vec()))
            .map_err(to_js_err)
    }
}

/// A value and the Unix time it was signed at.
#[napi(object)]
pub struct Unsigned {
    pub value: Buffer,
    pub timestamp: i64,
}

/// A payload (JSON text) and the Unix time it was signed at.
#[napi(object)]
pub struct Loaded {
    pub json: String,
    pub timestamp: i64,
}

/// itsdangerous `TimestampSigner` (native half of `cookies.TimestampSigner`).
#[napi(js_name = "TimestampSigner")]
pub struct TimestampSigner {
    inner: its::TimestampSigner,
}

#[napi]
impl TimestampSigner {
    /// Same arguments as `Signer`.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        secret_keys: Vec<Uint8Array>,
        salt: Option<Uint8Array>,
        sep: Option<Uint8Array>,
        key_derivation: Option<String>,
        digest_method: Option<String>,
    ) -> Result<TimestampSigner> {
        let opts = signer_options(
            SignerOptions::default(),
            salt,
            sep,
            key_derivation,
            digest_method,
        )
        .map_err(to_js_err)?;
        its::TimestampSigner::new(&secrets(&secret_keys), &opts)
            .map(|inner| TimestampSigner { inner })
            .map_err(to_js_err)
    }

    /// `value + sep + timestamp + sep + signature`, signed at `now`.
    #[napi(catch_unwind)]
    pub fn sign(&self, value: &[u8], now: Option<i64>) -> Result<Buffer> {
        self.inner
            .sign(value, clock(now))
            .map(Buffer::from)
            .map_err(to_js_err)
    }

    /// The value and its timestamp; with `max_age`, the age is checked at `now`.
    #[napi(catch_unwind)]
    pub fn unsign(
        &self,
        signed: &[u8],
        max_age: Option<i64>,
        now: Option<i64>,
    ) -> Result<Unsigned> {
        let max_age = seconds("maxAge", max_age).map_err(to_js_err)?;
        self.inner
            .unsign(signed, max_age, clock(now))
            .map(|(v, ts)| Unsigned {
                value: v.to_vec().into(),
                timestamp: ts,
            })
            .map_err(to_js_err)
    }
}

/// itsdangerous `URLSafeTimedSerializer` (native half of
/// `cookies.URLSafeTimedSerializer`); payloads cross as JSON text.
#[napi(js_name = "URLSafeTimedSerializer")]
pub struct UrlSafeTimedSerializer {
    inner: its::URLSafeTimedSerializer,
}

#[napi]
impl UrlSafeTimedSerializer {
    /// Defaults are the serializer's (salt `itsdangerous`).
    #[napi(constructor, catch_unwind)]
    pub fn new(
        secret_keys: Vec<Uint8Array>,
        salt: Option<Uint8Array>,
        sep: Option<Uint8Array>,
        key_derivation: Option<String>,
        digest_method: Option<String>,
    ) -> Result<UrlSafeTimedSerializer> {
        let opts = signer_options(
            its::URLSafeTimedSerializer::default_options(),
            salt,
            sep,
            key_derivation,
            digest_method,
        )
        .map_err(to_js_err)?;
        its::URLSafeTimedSerializer::new(&secrets(&secret_keys), &opts)
            .map(|inner| UrlSafeTimedSerializer { inner })
            .map_err(to_js_err)
    }

    /// The signed, URL-safe form of the JSON text `json`, signed at `now`.
    #[napi(catch_unwind)]
    pub fn dumps(&self, json: String, now: Option<i64>) -> Result<String> {
        self.inner.dumps(&json, clock(now)).map_err(to_js_err)
    }

    /// The payload as JSON text; with `max_age`, the age is checked at `now`.
    #[napi(catch_unwind)]
    pub fn loads(&self, cookie: String, max_age: Option<i64>, now: Option<i64>) -> Result<String> {
        let max_age = seconds("maxAge", max_age).map_err(to_js_err)?;
        self.inner
            .loads(&cookie, max_age, clock(now))
            .map_err(to_js_err)
    }

    /// `loads`, also returning the signing time (Unix seconds), as
    /// itsdangerous' `loads(..., return_timestamp=True)`.
    #[napi(catch_unwind)]
    pub fn loads_with_timestamp(
        &self,
        cookie: String,
        max_age: Option<i64>,
        now: Option<i64>,
    ) -> Result<Loaded> {
        let max_age = seconds("maxAge", max_age).map_err(to_js_err)?;
        self.inner
            .loads_with_timestamp(&cookie, max_age, clock(now))
            .map(|(json, timestamp)| Loaded { json, timestamp })
            .map_err(to_js_err)
    }
}
