//! `Key`: one parsed key bound to one algorithm (wraps `tessera::Key`).

use napi::bindgen_prelude::{AsyncTask, Buffer};
use napi_derive::napi;
use tessera::Algorithm;

use crate::convert::key_options;
use crate::errors::{to_js_err, Result};
use crate::keyset::KeySet;
use crate::tasks::GenerateTask;

/// A key (native half of `node/index.js`'s `Key`).
#[napi]
pub struct Key {
    pub(crate) inner: tessera::Key,
}

impl From<tessera::Key> for Key {
    fn from(inner: tessera::Key) -> Self {
        Key { inner }
    }
}

#[napi]
impl Key {
    /// An HMAC key from secret bytes.
    #[napi(factory, catch_unwind)]
    pub fn hmac(
        secret: &[u8],
        alg: Option<String>,
        kid: Option<String>,
        allow_weak: Option<bool>,
    ) -> Result<Key> {
        let opts = key_options(alg, kid, allow_weak).map_err(to_js_err)?;
        tessera::Key::hmac_with(secret, &opts)
            .map(Key::from)
            .map_err(to_js_err)
    }

    /// A key from PEM text (PKCS#8, SPKI, PKCS#1, SEC1, X.509 certificate).
    #[napi(factory, catch_unwind)]
    pub fn from_pem(
        pem: String,
        alg: Option<String>,
        kid: Option<String>,
        allow_weak: Option<bool>,
    ) -> Result<Key> {
        // Our copy of the key text is wiped when dropped.
        let pem = zeroize::Zeroizing::new(pem);
        let opts = key_options(alg, kid, allow_weak).map_err(to_js_err)?;
        tessera::Key::from_pem_with(&pem, &opts)
            .map(Key::from)
            .map_err(to_js_err)
    }

    /// A key from JWK JSON text.
    #[napi(factory, catch_unwind)]
    pub fn from_jwk(
        jwk: String,
        alg: Option<String>,
        kid: Option<String>,
        allow_weak: Option<bool>,
    ) -> Result<Key> {
        let jwk = zeroize::Zeroizing::new(jwk);
        let opts = key_options(alg, kid, allow_weak).map_err(to_js_err)?;
        tessera::Key::from_jwk_with(&jwk, &opts)
            .map(Key::from)
            .map_err(to_js_err)
    }

    /// A fresh private key (RSA generation takes a while: see `generateAsync`).
    #[napi(factory, catch_unwind)]
    pub fn generate(alg: String, kid: Option<String>) -> Result<Key> {
        let alg = Algorithm::parse(&alg).map_err(to_js_err)?;
        tessera::Key::generate_with(alg, kid.as_deref())
            .map(Key::from)
            .map_err(to_js_err)
    }

    /// `generate` on the libuv pool.
    #[napi(catch_unwind)]
    pub fn generate_async(alg: String, kid: Option<String>) -> AsyncTask<GenerateTask> {
        AsyncTask::new(GenerateTask { alg, kid })
    }

    /// The algorithm this key is bound to.
    #[napi(getter, catch_unwind)]
    pub fn alg(&self) -> &'static str {
        self.inner.alg().as_str()
    }

    /// The key id, if any.
    #[napi(getter, catch_unwind)]
    pub fn kid(&self) -> Option<String> {
        self.inner.kid().map(str::to_owned)
    }

    /// Whether the key can sign.
    #[napi(getter, catch_unwind)]
    pub fn is_private(&self) -> bool {
        self.inner.is_private()
    }

    /// Whether operations with this key are cheap enough to run on the JS
    /// thread even when called through an async API (HMAC).
    #[napi(getter, catch_unwind)]
    pub fn is_cheap(&self) -> bool {
        self.inner.alg().family() == tessera::KeyFamily::Hmac
    }

    /// The public half (same alg and kid).
    #[napi(catch_unwind)]
    pub fn public(&self) -> Result<Key> {
        self.inner.public().map(Key::from).map_err(to_js_err)
    }

    /// JWK JSON text.
    #[napi(catch_unwind)]
    pub fn to_jwk(&self, private: bool) -> Result<String> {
        self.inner.to_jwk(private).map_err(to_js_err)
    }

    /// RFC 7638 thumbprint (SHA-256, base64url).
    #[napi(catch_unwind)]
    pub fn thumbprint(&self) -> String {
        self.inner.thumbprint()
    }

    /// Raw JWS signature over `msg`.
    #[napi(catch_unwind)]
    pub fn sign(&self, msg: &[u8]) -> Result<Buffer> {
        self.inner.sign(msg).map(Buffer::from).map_err(to_js_err)
    }

    /// Checks a raw JWS signature over `msg` (`INVALID_SIGNATURE` if not).
    #[napi(catch_unwind)]
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<()> {
        self.inner.verify(msg, sig).map_err(to_js_err)
    }

    /// A set holding only this key (what verification takes).
    #[napi(catch_unwind)]
    pub fn to_key_set(&self) -> KeySet {
        KeySet {
            inner: tessera::KeySet::from(self.inner.clone()),
        }
    }
}
