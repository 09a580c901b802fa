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
use crate::session::Denylist;
use crate::tasks::VerifyTask;

/// A prepared verifier (native half of `node/index.js`'s `Verifier`).
#[napi]
pub struct Verifier {
    inner: Arc<tessera::jwt::Verifier>,
    /// Has a denylist on a remote store: `verify` would block the event loop.
    remote_denylist: bool,
}

#[napi]
impl Verifier {
    /// `options` is JSON text with the core's option names (snake_case).
    #[napi(constructor, catch_unwind)]
    pub fn new(
        keys: &KeySet,
        options: Option<String>,
        denylist: Option<&Denylist>,
    ) -> Result<Verifier> {
        let validation = validation(options.as_deref()).map_err(to_js_err)?;
        let mut inner =
            tessera::jwt::Verifier::new(keys.inner.clone(), validation).map_err(to_js_err)?;
        if let Some(d) = denylist {
            inner = inner.with_denylist(d.inner.clone());
        }
        Ok(Verifier {
            inner: Arc::new(inner),
            remote_denylist: denylist.is_some_and(|d| d.remote),
        })
    }

    /// Verifies on the JS thread; returns the claims JSON text.
    /// `INVALID_ARGUMENT` with a denylist on Redis (use `verifyAsync`).
    #[napi(catch_unwind)]
    pub fn verify(&self, token: JsStr) -> Result<String> {
        if self.remote_denylist {
            return Err(to_js_err(tessera::Error::new(
                tessera::ErrorCode::InvalidArgument,
                "this verifier's denylist is on Redis: verify() would block the event loop, use verifyAsync()",
            )));
        }
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
