//! itsdangerous: `Signer`, `TimestampSigner`, `UrlSafeTimedSerializer`.

use std::sync::Arc;

use tessera::cookie::itsdangerous::{self as its, Digest, KeyDerivation, SignerOptions};

use crate::cookie::{max_age, now_or_clock};
use crate::Result;

/// The options shared by the three constructors; `null` keeps the core's
/// default for the class (`defaults`).
fn options(
    defaults: SignerOptions,
    salt: Option<String>,
    sep: Option<String>,
    key_derivation: Option<String>,
    digest_method: Option<String>,
) -> Result<SignerOptions> {
    let mut opts = defaults;
    if let Some(salt) = salt {
        opts.salt = salt.into_bytes();
    }
    if let Some(sep) = sep {
        opts.sep = sep.into_bytes();
    }
    if let Some(kd) = key_derivation {
        opts.key_derivation = KeyDerivation::parse(&kd)?;
    }
    if let Some(d) = digest_method {
        opts.digest = Digest::parse(&d)?;
    }
    Ok(opts)
}

/// itsdangerous' `Signer`: `value + sep + signature`. `secretKeys` oldest
/// first, as in itsdangerous: the last signs, every one verifies. Options
/// (`null`: itsdangerous' default): `salt` (`itsdangerous.Signer`), `sep`
/// (`.`), `keyDerivation` (`django-concat`, `concat`, `hmac`, `none`),
/// `digestMethod` (`sha1`, `sha256`, `sha384`, `sha512`). Immutable and
/// thread-safe.
#[derive(uniffi::Object)]
pub struct Signer {
    inner: its::Signer,
}

#[uniffi::export]
impl Signer {
    /// No secret is `INVALID_KEY`; an unknown option value `INVALID_ARGUMENT`.
    #[uniffi::constructor(default(salt = None, sep = None, key_derivation = None, digest_method = None))]
    pub fn new(
        secret_keys: Vec<Vec<u8>>,
        salt: Option<String>,
        sep: Option<String>,
        key_derivation: Option<String>,
        digest_method: Option<String>,
    ) -> Result<Arc<Self>> {
        let secret_keys = super::wiped(secret_keys);
        let opts = options(
            SignerOptions::default(),
            salt,
            sep,
            key_derivation,
            digest_method,
        )?;
        Ok(Arc::new(Signer {
            inner: its::Signer::new(&secret_keys, &opts)?,
        }))
    }

    /// `value + sep + signature`, signed with the newest secret.
    pub fn sign(&self, value: Vec<u8>) -> Vec<u8> {
        self.inner.sign(&value)
    }

    /// The value if the signature verifies with any secret
    /// (`INVALID_SIGNATURE`; `MALFORMED` without a separator or base64url signature).
    pub fn unsign(&self, signed_value: Vec<u8>) -> Result<Vec<u8>> {
        Ok(self.inner.unsign(&signed_value)?.to_vec())
    }
}

/// A value and the time it was signed (Unix seconds).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TimestampedValue {
    /// The signed value.
    pub value: Vec<u8>,
    /// When it was signed (Unix seconds).
    pub timestamp: i64,
}

/// A payload (JSON text) and the time it was signed (Unix seconds).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TimestampedJson {
    /// The payload as compact JSON text.
    pub json: String,
    /// When it was signed (Unix seconds).
    pub timestamp: i64,
}

/// itsdangerous' `TimestampSigner`: `value + sep + timestamp + sep +
/// signature`. Arguments and defaults as [`Signer`]. Immutable and thread-safe.
#[derive(uniffi::Object)]
pub struct TimestampSigner {
    inner: its::TimestampSigner,
}

#[uniffi::export]
impl TimestampSigner {
    /// As `Signer(...)`.
    #[uniffi::constructor(default(salt = None, sep = None, key_derivation = None, digest_method = None))]
    pub fn new(
        secret_keys: Vec<Vec<u8>>,
        salt: Option<String>,
        sep: Option<String>,
        key_derivation: Option<String>,
        digest_method: Option<String>,
    ) -> Result<Arc<Self>> {
        let secret_keys = super::wiped(secret_keys);
        let opts = options(
            SignerOptions::default(),
            salt,
            sep,
            key_derivation,
            digest_method,
        )?;
        Ok(Arc::new(TimestampSigner {
            inner: its::TimestampSigner::new(&secret_keys, &opts)?,
        }))
    }

    /// Signs `value` with the time `now` (Unix seconds >= 0; default: now).
    #[uniffi::method(default(now = None))]
    pub fn sign(&self, value: Vec<u8>, now: Option<i64>) -> Result<Vec<u8>> {
        Ok(self.inner.sign(&value, now_or_clock(now))?)
    }

    /// The value if the signature verifies; with `maxAge` (seconds), older
    /// than that at `now` is `EXPIRED` and later than `now` `ISSUED_IN_FUTURE`.
    #[uniffi::method(default(max_age = None, now = None))]
    pub fn unsign(
        &self,
        signed_value: Vec<u8>,
        max_age: Option<i64>,
        now: Option<i64>,
    ) -> Result<Vec<u8>> {
        Ok(self
            .unsign_with_timestamp(signed_value, max_age, now)?
            .value)
    }

    /// `unsign`, also returning when the value was signed.
    #[uniffi::method(default(max_age = None, now = None))]
    pub fn unsign_with_timestamp(
        &self,
        signed_value: Vec<u8>,
        max_age: Option<i64>,
        now: Option<i64>,
    ) -> Result<TimestampedValue> {
        let max_age = self::max_age("maxAge", max_age)?;
        let (value, timestamp) = self
            .inner
            .unsign(&signed_value, max_age, now_or_clock(now))?;
        Ok(TimestampedValue {
            value: value.to_vec(),
            timestamp,
        })
    }
}

/// itsdangerous' `URLSafeTimedSerializer`: JSON (compact, member order kept),
/// zlib when smaller, timestamp, signature. Arguments as [`Signer`], except
/// that the default salt is `itsdangerous`. Immutable and thread-safe.
#[derive(uniffi::Object)]
pub struct UrlSafeTimedSerializer {
    inner: its::URLSafeTimedSerializer,
}

#[uniffi::export]
impl UrlSafeTimedSerializer {
    /// As `Signer(...)`.
    #[uniffi::constructor(default(salt = None, sep = None, key_derivation = None, digest_method = None))]
    pub fn new(
        secret_keys: Vec<Vec<u8>>,
        salt: Option<String>,
        sep: Option<String>,
        key_derivation: Option<String>,
        digest_method: Option<String>,
    ) -> Result<Arc<Self>> {
        let secret_keys = super::wiped(secret_keys);
        let defaults = its::URLSafeTimedSerializer::default_options();
        let opts = options(defaults, salt, sep, key_derivation, digest_method)?;
        Ok(Arc::new(UrlSafeTimedSerializer {
            inner: its::URLSafeTimedSerializer::new(&secret_keys, &opts)?,
        }))
    }

    /// The signed value for the JSON text `json`, at `now` (default: now).
    #[uniffi::method(default(now = None))]
    pub fn dumps(&self, json: String, now: Option<i64>) -> Result<String> {
        Ok(self.inner.dumps(&json, now_or_clock(now))?)
    }

    /// Verifies and decodes (`maxAge`, `now` as in `TimestampSigner.unsign`):
    /// the payload as compact JSON text.
    #[uniffi::method(default(max_age = None, now = None))]
    pub fn loads(
        &self,
        signed_value: String,
        max_age: Option<i64>,
        now: Option<i64>,
    ) -> Result<String> {
        let max_age = self::max_age("maxAge", max_age)?;
        Ok(self
            .inner
            .loads(&signed_value, max_age, now_or_clock(now))?)
    }

    /// `loads`, also returning when the value was signed (itsdangerous'
    /// `loads(..., return_timestamp=True)`).
    #[uniffi::method(default(max_age = None, now = None))]
    pub fn loads_with_timestamp(
        &self,
        signed_value: String,
        max_age: Option<i64>,
        now: Option<i64>,
    ) -> Result<TimestampedJson> {
        let max_age = self::max_age("maxAge", max_age)?;
        let (json, timestamp) =
            self.inner
                .loads_with_timestamp(&signed_value, max_age, now_or_clock(now))?;
        Ok(TimestampedJson { json, timestamp })
    }
}
