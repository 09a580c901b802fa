//! `KeySet`: ordered keys, JWKS in and out.

use std::sync::Arc;

use crate::key::Key;
use crate::Result;

/// An ordered, immutable set of keys. Verifying selects by the token's `kid`
/// (no match is `KEY_NOT_FOUND`), otherwise tries the keys bound to the
/// token's `alg`; signing uses the first private key (or the header's `kid`).
#[derive(Debug, uniffi::Object)]
pub struct KeySet {
    pub(crate) inner: tessera::KeySet,
}

#[uniffi::export]
impl KeySet {
    /// A set of the given keys, in order. `INVALID_ARGUMENT` for two keys with
    /// the same kid.
    #[uniffi::constructor]
    pub fn new(keys: Vec<Arc<Key>>) -> Result<Arc<Self>> {
        let keys = keys.iter().map(|k| k.inner.clone()).collect();
        Ok(Arc::new(KeySet {
            inner: tessera::KeySet::new(keys)?,
        }))
    }

    /// A set from JWKS JSON text (`{"keys": [...]}`). Unusable entries (unknown
    /// `kty`, `use: "enc"`) are skipped, not fatal; see `skipped()`.
    #[uniffi::constructor]
    pub fn from_jwks(jwks: String) -> Result<Arc<Self>> {
        let jwks = zeroize::Zeroizing::new(jwks);
        Ok(Arc::new(KeySet {
            inner: tessera::KeySet::from_jwks(&jwks)?,
        }))
    }

    /// The public parts of the keys as JWKS JSON text (HMAC keys are left out).
    pub fn to_jwks(&self) -> String {
        self.inner.to_jwks()
    }

    /// The keys, in order.
    pub fn keys(&self) -> Vec<Arc<Key>> {
        let keys = self.inner.keys().iter();
        keys.map(|k| Arc::new(Key { inner: k.clone() })).collect()
    }

    /// The key with this kid, if any.
    pub fn get(&self, kid: String) -> Option<Arc<Key>> {
        let key = self.inner.get(&kid)?;
        Some(Arc::new(Key { inner: key.clone() }))
    }

    /// How many JWKS entries `fromJwks` skipped as unusable.
    pub fn skipped(&self) -> i32 {
        i32::try_from(self.inner.skipped()).unwrap_or(i32::MAX)
    }
}
