//! JWT functions: encode, one-shot decode, unverified inspection.

use std::sync::Arc;

use crate::key::Key;
use crate::keyset::KeySet;
use crate::verifier::{Claims, Validation};
use crate::Result;

/// Signs `claimsJson` (a JSON object, signed byte for byte as given) with
/// `key`. `headerJson` holds extra header members as JSON object text;
/// `typ` defaults to `"JWT"` and `kid` to the key's.
#[uniffi::export(default(header_json = None))]
pub fn jwt_encode(
    claims_json: String,
    key: Arc<Key>,
    header_json: Option<String>,
) -> Result<String> {
    Ok(tessera::jwt::encode(
        &claims_json,
        &key.inner,
        header_json.as_deref(),
    )?)
}

/// Like `jwtEncode`, signing with the set's first private key, or the one
/// whose kid `headerJson` names.
#[uniffi::export(default(header_json = None))]
pub fn jwt_encode_with_key_set(
    claims_json: String,
    keys: Arc<KeySet>,
    header_json: Option<String>,
) -> Result<String> {
    Ok(tessera::jwt::encode(
        &claims_json,
        &keys.inner,
        header_json.as_deref(),
    )?)
}

/// One-shot verification (builds a `Verifier` each call: build one yourself
/// to verify many tokens).
#[uniffi::export(default(validation))]
pub fn jwt_decode(token: String, keys: Arc<KeySet>, validation: Validation) -> Result<Claims> {
    let validation = validation.try_into()?;
    Ok(tessera::jwt::decode(&token, &keys.inner, &validation)?.into())
}

/// A token's header and claims, **not verified**: for inspection only, never
/// for authorization.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct UnverifiedToken {
    /// The header JSON text.
    pub header_json: String,
    /// The claims JSON text.
    pub claims_json: String,
}

/// Decodes a JWT **without verifying** its signature or claims. The same
/// structural checks as verification apply (`MALFORMED`, `TOO_LARGE`, …).
#[uniffi::export]
pub fn jwt_decode_unverified(token: String) -> Result<UnverifiedToken> {
    let u = tessera::jwt::decode_unverified(&token)?;
    Ok(UnverifiedToken {
        header_json: u.header_json,
        claims_json: u.claims_json,
    })
}
