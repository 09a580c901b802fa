//! `Verifier`: keys + policy built once; `verify` is the hot path.
//!
//! The token crosses as a JS string (read into a reused buffer, see
//! `convert::JsStr`) and the claims come back as the exact JSON text, parsed
//! once by `JSON.parse` in JS: measured with callgrind on the HS256 workload,
//! 31 k instructions per verify that way against 53 k when the object is
//! built here (serde_json + napi calls); see `bench/node/README.md`.

use std::sync::Arc;

use napi::bindgen_prelude::AsyncTask;
use napi_derive::napi;

use crate::convert::{validation, JsStr};
use crate::errors::{to_js_err, Result};
use crate::keyset::KeySet;
use crate::tasks::VerifyTask;

/// A prepared verifier (native half of `node/index.js`'s `Verifier`).
#[napi]
pub struct Verifier {
    inner: Arc<tessera::jwt::Verifier>,
}

#[napi]
impl Verifier {
    /// `options` is JSON text with the core's option names (snake_case).
    #[napi(constructor, catch_unwind)]
    pub fn new(keys: &KeySet, options: Option<String>) -> Result<Verifier> {
        let validation = validation(options.as_deref()).map_err(to_js_err)?;
        tessera::jwt::Verifier::new(keys.inner.clone(), validation)
            .map(|v| Verifier { inner: Arc::new(v) })
            .map_err(to_js_err)
    }

    /// Verifies on the JS thread; returns the claims JSON text.
    #[napi(catch_unwind)]
    pub fn verify(&self, token: JsStr) -> Result<String> {
        self.inner
            .verify(token.as_str())
            .map(tessera::jwt::Claims::into_json)
            .map_err(to_js_err)
    }

    /// Verifies on the libuv pool.
    #[napi(catch_unwind)]
    pub fn verify_async(&self, token: String) -> AsyncTask<VerifyTask> {
        AsyncTask::new(VerifyTask::prepared(self.inner.clone(), token))
    }
}
