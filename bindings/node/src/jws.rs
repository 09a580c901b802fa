//! `jws.*`: compact JWS over arbitrary bytes (non-JWT payloads).

use napi::bindgen_prelude::{AsyncTask, Buffer};
use napi_derive::napi;
use tessera::jws;

use crate::errors::{to_js_err, Result};
use crate::key::Key;
use crate::keyset::{KeySet, Signer};
use crate::tasks::JwsSignTask;

/// `jws::sign` with one key.
#[napi(catch_unwind)]
pub fn jws_sign_key(payload: &[u8], key: &Key, header: Option<String>) -> Result<String> {
    jws::sign(payload, &key.inner, header.as_deref()).map_err(to_js_err)
}

/// `jws::sign` with a key set.
#[napi(catch_unwind)]
pub fn jws_sign_set(payload: &[u8], keys: &KeySet, header: Option<String>) -> Result<String> {
    jws::sign(payload, &keys.inner, header.as_deref()).map_err(to_js_err)
}

/// `jws::sign` with one key, on the libuv pool.
#[napi(catch_unwind)]
pub fn jws_sign_key_async(
    payload: &[u8],
    key: &Key,
    header: Option<String>,
) -> AsyncTask<JwsSignTask> {
    AsyncTask::new(JwsSignTask {
        signer: Signer::of_key(key),
        payload: payload.to_vec(),
        header,
    })
}

/// `jws::sign` with a key set, on the libuv pool.
#[napi(catch_unwind)]
pub fn jws_sign_set_async(
    payload: &[u8],
    keys: &KeySet,
    header: Option<String>,
) -> AsyncTask<JwsSignTask> {
    AsyncTask::new(JwsSignTask {
        signer: Signer::of_set(keys),
        payload: payload.to_vec(),
        header,
    })
}

/// `jws::verify`; returns the payload bytes.
#[napi(catch_unwind)]
pub fn jws_verify(token: String, keys: &KeySet) -> Result<Buffer> {
    jws::verify(&token, &keys.inner)
        .map(Buffer::from)
        .map_err(to_js_err)
}

/// `jws::verify_detached` (RFC 7515 appendix F).
#[napi(catch_unwind)]
pub fn jws_verify_detached(token: String, payload: &[u8], keys: &KeySet) -> Result<()> {
    jws::verify_detached(&token, payload, &keys.inner)
        .map(drop)
        .map_err(to_js_err)
}
