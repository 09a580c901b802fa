//! `jwt.*`: encode (sync and on the libuv pool), one-shot decode,
//! `decodeUnverified`. Claims and headers cross as JSON text.

use napi::bindgen_prelude::AsyncTask;
use napi_derive::napi;
use tessera::jwt;

use crate::convert::{pair_json, validation};
use crate::errors::{to_js_err, Result};
use crate::key::Key;
use crate::keyset::{KeySet, Signer};
use crate::tasks::{EncodeTask, VerifyTask};

/// `jwt::encode` with one key.
#[napi(catch_unwind)]
pub fn jwt_encode_key(claims: String, key: &Key, header: Option<String>) -> Result<String> {
    jwt::encode(&claims, &key.inner, header.as_deref()).map_err(to_js_err)
}

/// `jwt::encode` with a key set.
#[napi(catch_unwind)]
pub fn jwt_encode_set(claims: String, keys: &KeySet, header: Option<String>) -> Result<String> {
    jwt::encode(&claims, &keys.inner, header.as_deref()).map_err(to_js_err)
}

/// `jwt::encode` with one key, on the libuv pool.
#[napi(catch_unwind)]
pub fn jwt_encode_key_async(
    claims: String,
    key: &Key,
    header: Option<String>,
) -> AsyncTask<EncodeTask> {
    AsyncTask::new(EncodeTask {
        signer: Signer::of_key(key),
        claims,
        header,
    })
}

/// `jwt::encode` with a key set, on the libuv pool.
#[napi(catch_unwind)]
pub fn jwt_encode_set_async(
    claims: String,
    keys: &KeySet,
    header: Option<String>,
) -> AsyncTask<EncodeTask> {
    AsyncTask::new(EncodeTask {
        signer: Signer::of_set(keys),
        claims,
        header,
    })
}

/// One-shot `jwt::decode`; returns the claims JSON text.
#[napi(catch_unwind)]
pub fn jwt_decode(token: String, keys: &KeySet, options: Option<String>) -> Result<String> {
    let validation = validation(options.as_deref()).map_err(to_js_err)?;
    jwt::decode(&token, &keys.inner, &validation)
        .map(jwt::Claims::into_json)
        .map_err(to_js_err)
}

/// One-shot `jwt::decode` on the libuv pool (the policy is checked there
/// too, so every failure is a rejection).
#[napi(catch_unwind)]
pub fn jwt_decode_async(
    token: String,
    keys: &KeySet,
    options: Option<String>,
) -> AsyncTask<VerifyTask> {
    AsyncTask::new(VerifyTask::one_shot(keys.inner.clone(), options, token))
}

/// `jwt::decode_unverified`; returns `[header,claims]` JSON text.
#[napi(catch_unwind)]
pub fn jwt_decode_unverified(token: String) -> Result<String> {
    let u = jwt::decode_unverified(&token).map_err(to_js_err)?;
    Ok(pair_json(&u.header_json, &u.claims_json))
}
