//! Rails encrypted cookies (wrap `tessera::cookie::rails::RailsCookie`).
//! Values cross as JSON text; times as Unix milliseconds.

use napi::bindgen_prelude::Uint8Array;
use napi_derive::napi;
use tessera::cookie::rails::{self, RailsDigest};

use crate::errors::{to_js_err, Result};

/// `digest`, or SHA-256 (Rails 7.0+ defaults; the contract's default,
/// docs/cookie-api-plan.md: the core's `RailsCookie::new` takes it explicitly).
fn digest(name: Option<&str>) -> tessera::Result<RailsDigest> {
    name.map(RailsDigest::parse)
        .transpose()
        .map(|d| d.unwrap_or(RailsDigest::Sha256))
}

/// Native half of `cookies.RailsCookie`.
#[napi(js_name = "RailsCookie")]
pub struct RailsCookie {
    inner: rails::RailsCookie,
}

#[napi]
impl RailsCookie {
    /// `rotate_keys[i]` (with `rotate_digests[i]`) also open cookies.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        secret_key_base: &[u8],
        cookie_name: String,
        digest_name: Option<String>,
        rotate_keys: Vec<Uint8Array>,
        rotate_digests: Vec<Option<String>>,
    ) -> Result<RailsCookie> {
        let build = || {
            let mut c = rails::RailsCookie::new(
                secret_key_base,
                &cookie_name,
                digest(digest_name.as_deref())?,
            )?;
            for (i, key) in rotate_keys.iter().enumerate() {
                let d = rotate_digests.get(i).cloned().flatten();
                c = c.rotate(key, digest(d.as_deref())?)?;
            }
            Ok(c)
        };
        build()
            .map(|inner| RailsCookie { inner })
            .map_err(to_js_err)
    }

    /// The cookie name.
    #[napi(getter, catch_unwind)]
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// The Rack-escaped cookie value for the JSON text `json`.
    #[napi(catch_unwind)]
    pub fn encrypt(&self, json: String, expires_at_ms: Option<i64>) -> Result<String> {
        self.inner.encrypt(&json, expires_at_ms).map_err(to_js_err)
    }

    /// The value's JSON text.
    #[napi(catch_unwind)]
    pub fn decrypt(&self, cookie: String, now_ms: Option<i64>) -> Result<String> {
        let now_ms = now_ms.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                .unwrap_or(0)
        });
        self.inner.decrypt(&cookie, now_ms).map_err(to_js_err)
    }
}
