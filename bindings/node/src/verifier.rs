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
use crate::jwks::RemoteKeySet;
use crate::keyset::KeySet;
use crate::session::Denylist;
use crate::tasks::VerifyTask;

/// A prepared verifier (native half of `node/index.js`'s `Verifier`).
#[napi]
pub struct Verifier {
    inner: Arc<tessera::jwt::Verifier>,
    /// Why `verify` would block the event loop (a denylist on Redis, keys
    /// from a remote JWKS), if it would: then only `verifyAsync` works.
    blocks: Option<&'static str>,
}

const REDIS_DENYLIST: &str =
    "this verifier's denylist is on Redis: verify() would block the event loop, use verifyAsync()";
const REMOTE_KEYS: &str = "this verifier's keys are a remote JWKS (jwks.RemoteKeySet): verify() \
     would block the event loop on a fetch, use verifyAsync()";

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
            blocks: denylist.is_some_and(|d| d.remote).then_some(REDIS_DENYLIST),
        })
    }

    /// A verifier on a remote JWKS (`tessera::jwt::Verifier::remote`): keys
    /// selected by kid from its cache, fetched as needed. Only
    /// `verifyAsync` works (`verify` is `INVALID_ARGUMENT`).
    #[napi(factory, catch_unwind)]
    pub fn remote(
        keys: &RemoteKeySet,
        options: Option<String>,
        denylist: Option<&Denylist>,
    ) -> Result<Verifier> {
        let validation = validation(options.as_deref()).map_err(to_js_err)?;
        let mut inner =
            tessera::jwt::Verifier::remote(keys.inner.clone(), validation).map_err(to_js_err)?;
        if let Some(d) = denylist {
            inner = inner.with_denylist(d.inner.clone());
        }
        Ok(Verifier {
            inner: Arc::new(inner),
            blocks: Some(REMOTE_KEYS),
        })
    }

    /// Verifies on the JS thread; returns the claims JSON text.
    /// `INVALID_ARGUMENT` with a denylist on Redis or keys from a remote
    /// JWKS (use `verifyAsync`).
    #[napi(catch_unwind)]
    pub fn verify(&self, token: JsStr) -> Result<String> {
        if let Some(why) = self.blocks {
            return Err(to_js_err(tessera::Error::new(
                tessera::ErrorCode::InvalidArgument,
                why,
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
