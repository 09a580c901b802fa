//! Compact JWS over arbitrary bytes (for payloads that are not JWT claims).

use std::sync::Arc;

use crate::key::Key;
use crate::keyset::KeySet;
use crate::Result;

/// Signs `payload` as a compact JWS with `key`; `headerJson` holds extra
/// protected header members as JSON object text.
#[uniffi::export(default(header_json = None))]
pub fn jws_sign(payload: Vec<u8>, key: Arc<Key>, header_json: Option<String>) -> Result<String> {
    Ok(tessera::jws::sign(
        &payload,
        &key.inner,
        header_json.as_deref(),
    )?)
}

/// Verifies a compact JWS with `keys` and returns its payload.
#[uniffi::export]
pub fn jws_verify(token: String, keys: Arc<KeySet>) -> Result<Vec<u8>> {
    Ok(tessera::jws::verify(&token, &keys.inner)?)
}

/// Verifies a compact JWS with a detached payload (RFC 7515 appendix F: the
/// token's payload segment is empty).
#[uniffi::export]
pub fn jws_verify_detached(token: String, payload: Vec<u8>, keys: Arc<KeySet>) -> Result<()> {
    tessera::jws::verify_detached(&token, &payload, &keys.inner)?;
    Ok(())
}
