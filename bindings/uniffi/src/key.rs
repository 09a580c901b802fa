//! `Key`: parsed once, bound to one algorithm, immutable, shareable.

use std::sync::Arc;

use tessera::{Algorithm, KeyOptions};

use crate::Result;

/// A key bound to exactly one algorithm (`"HS256"`, `"ES256"`, `"EdDSA"`, …).
/// Immutable and safe to share between threads.
#[derive(Debug, uniffi::Object)]
pub struct Key {
    pub(crate) inner: tessera::Key,
}

impl Key {
    fn wrap(inner: tessera::Key) -> Arc<Self> {
        Arc::new(Key { inner })
    }
}

fn alg(name: &str) -> Result<Algorithm> {
    Ok(Algorithm::parse(name)?)
}

fn options(alg_name: Option<String>, kid: Option<String>, allow_weak: bool) -> Result<KeyOptions> {
    Ok(KeyOptions {
        alg: alg_name.as_deref().map(alg).transpose()?,
        kid,
        allow_weak,
    })
}

#[uniffi::export]
impl Key {
    /// An HMAC key from the raw secret; `alg` is `HS256` (the default),
    /// `HS384` or `HS512`. Secrets shorter than the hash output are
    /// `INVALID_KEY` unless `allowWeak`.
    #[uniffi::constructor(default(alg = None, kid = None, allow_weak = false))]
    pub fn hmac(
        secret: Vec<u8>,
        alg: Option<String>,
        kid: Option<String>,
        allow_weak: bool,
    ) -> Result<Arc<Self>> {
        // Our copies of key material are wiped when dropped.
        let secret = zeroize::Zeroizing::new(secret);
        let opts = options(alg, kid, allow_weak)?;
        Ok(Self::wrap(tessera::Key::hmac_with(&secret, &opts)?))
    }

    /// A key from PEM text: PKCS#8, SPKI, PKCS#1 (RSA), SEC1 (EC) or an X.509
    /// certificate. `alg` defaults to the only one the key type allows (RS256
    /// for RSA).
    #[uniffi::constructor(default(alg = None, kid = None, allow_weak = false))]
    pub fn from_pem(
        pem: String,
        alg: Option<String>,
        kid: Option<String>,
        allow_weak: bool,
    ) -> Result<Arc<Self>> {
        let pem = zeroize::Zeroizing::new(pem);
        let opts = options(alg, kid, allow_weak)?;
        Ok(Self::wrap(tessera::Key::from_pem_with(&pem, &opts)?))
    }

    /// A key from JWK JSON text. `alg` and `kid` default to the JWK's.
    #[uniffi::constructor(default(alg = None, kid = None, allow_weak = false))]
    pub fn from_jwk(
        jwk: String,
        alg: Option<String>,
        kid: Option<String>,
        allow_weak: bool,
    ) -> Result<Arc<Self>> {
        let jwk = zeroize::Zeroizing::new(jwk);
        let opts = options(alg, kid, allow_weak)?;
        Ok(Self::wrap(tessera::Key::from_jwk_with(&jwk, &opts)?))
    }

    /// A new random private key for `alg` (RSA keys are 2048-bit and take a
    /// moment to generate).
    #[uniffi::constructor(default(kid = None))]
    pub fn generate(alg: String, kid: Option<String>) -> Result<Arc<Self>> {
        let alg = self::alg(&alg)?;
        Ok(Self::wrap(tessera::Key::generate_with(
            alg,
            kid.as_deref(),
        )?))
    }

    /// The algorithm this key is bound to, e.g. `"ES256"`.
    pub fn alg(&self) -> String {
        self.inner.alg().as_str().to_owned()
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<String> {
        self.inner.kid().map(str::to_owned)
    }

    /// Whether this key can sign (HMAC keys always can).
    pub fn is_private(&self) -> bool {
        self.inner.is_private()
    }

    /// The public half (same alg and kid). `INVALID_KEY` for an HMAC key,
    /// which has none.
    pub fn public(&self) -> Result<Arc<Key>> {
        Ok(Self::wrap(self.inner.public()?))
    }

    /// The key as JWK JSON text; private members only when `private` is true.
    #[uniffi::method(default(private = false))]
    pub fn to_jwk(&self, private: bool) -> Result<String> {
        Ok(self.inner.to_jwk(private)?)
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url).
    pub fn thumbprint(&self) -> String {
        self.inner.thumbprint()
    }

    /// A raw signature (or MAC) over `msg` with this key's algorithm; ECDSA
    /// signatures are P1363 (`r||s`).
    pub fn sign(&self, msg: Vec<u8>) -> Result<Vec<u8>> {
        Ok(self.inner.sign(&msg)?)
    }

    /// Checks a raw signature over `msg`; throws `INVALID_SIGNATURE` when it
    /// does not verify.
    pub fn verify_signature(&self, msg: Vec<u8>, sig: Vec<u8>) -> Result<()> {
        Ok(self.inner.verify(&msg, &sig)?)
    }
}
