//! CSRF synchronizer tokens (wrap `tessera::cookie::csrf::CsrfTokens`).

use napi::bindgen_prelude::Uint8Array;
use napi_derive::napi;
use tessera::cookie::csrf;

use super::secrets;
use crate::errors::{to_js_err, Result};

/// Native half of `cookies.CsrfTokens`.
#[napi(js_name = "CsrfTokens")]
pub struct CsrfTokens {
    inner: csrf::CsrfTokens,
}

#[napi]
impl CsrfTokens {
    /// The first secret generates, every secret verifies.
    #[napi(constructor, catch_unwind)]
    pub fn new(secrets_: Vec<Uint8Array>) -> Result<CsrfTokens> {
        csrf::CsrfTokens::new(&secrets(&secrets_))
            .map(|inner| CsrfTokens { inner })
            .map_err(to_js_err)
    }

    /// A fresh masked token for the session.
    #[napi(catch_unwind)]
    pub fn generate(&self, session_id: String) -> Result<String> {
        self.inner.generate(&session_id).map_err(to_js_err)
    }

    /// Checks a token for the session (`INVALID_SIGNATURE` / `MALFORMED`).
    #[napi(catch_unwind)]
    pub fn verify(&self, session_id: String, token: String) -> Result<()> {
        self.inner.verify(&session_id, &token).map_err(to_js_err)
    }
}
