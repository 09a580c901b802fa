//! `KeySet`: ordered keys, `kid` selection, JWKS (wraps `tessera::KeySet`).

use napi_derive::napi;
use tessera::SigningKeys;

use crate::errors::{to_js_err, Result};
use crate::key::Key;

/// A key set (native half of `node/index.js`'s `KeySet`).
#[napi]
pub struct KeySet {
    pub(crate) inner: tessera::KeySet,
}

#[napi]
impl KeySet {
    /// An empty set; JS fills it with `push`.
    #[napi(constructor, catch_unwind)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> KeySet {
        KeySet {
            inner: tessera::KeySet::default(),
        }
    }

    /// Appends a key (`INVALID_ARGUMENT` for a duplicate kid).
    #[napi(catch_unwind)]
    pub fn push(&mut self, key: &Key) -> Result<()> {
        self.inner.push(key.inner.clone()).map_err(to_js_err)
    }

    /// A set from JWKS JSON text (unusable entries are skipped).
    #[napi(factory, catch_unwind)]
    pub fn from_jwks(jwks: String) -> Result<KeySet> {
        // A JWKS may hold private keys: our copy is wiped when dropped.
        let jwks = zeroize::Zeroizing::new(jwks);
        tessera::KeySet::from_jwks(&jwks)
            .map(|inner| KeySet { inner })
            .map_err(to_js_err)
    }

    /// The public JWKS JSON text.
    #[napi(catch_unwind)]
    pub fn to_jwks(&self) -> String {
        self.inner.to_jwks()
    }

    /// The keys, in order (new handles sharing the key material).
    #[napi(catch_unwind)]
    pub fn keys(&self) -> Vec<Key> {
        self.inner.keys().iter().cloned().map(Key::from).collect()
    }

    /// Number of keys.
    #[napi(getter, catch_unwind)]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }

    /// JWKS entries skipped as unusable by `fromJwks`.
    #[napi(getter, catch_unwind)]
    pub fn skipped(&self) -> u32 {
        u32::try_from(self.inner.skipped()).unwrap_or(u32::MAX)
    }

    /// Whether every key is cheap to use on the JS thread (HMAC).
    #[napi(getter, catch_unwind)]
    pub fn is_cheap(&self) -> bool {
        self.inner
            .keys()
            .iter()
            .all(|k| k.alg().family() == tessera::KeyFamily::Hmac)
    }
}

/// What signs: one key, or a set (which picks by `kid` or the first private key).
#[derive(Clone)]
pub enum Signer {
    /// A single key.
    Key(tessera::Key),
    /// A key set.
    Set(tessera::KeySet),
}

impl Signer {
    pub fn of_key(key: &Key) -> Signer {
        Signer::Key(key.inner.clone())
    }
    pub fn of_set(set: &KeySet) -> Signer {
        Signer::Set(set.inner.clone())
    }
}

impl SigningKeys for Signer {
    fn signing_key(&self, kid: Option<&str>) -> tessera::Result<&tessera::Key> {
        match self {
            Signer::Key(k) => k.signing_key(kid),
            Signer::Set(s) => s.signing_key(kid),
        }
    }
}
