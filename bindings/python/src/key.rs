//! `tessera.Key`: one parsed, immutable key bound to one algorithm.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use tessera::{Algorithm, Key, KeyFamily, KeyOptions};
use zeroize::Zeroizing;

use crate::convert::{bytes_arg, json_arg, json_to_py};
use crate::errors::IntoPy;

/// A key parsed once and bound to one algorithm (immutable, thread-safe).
#[pyclass(module = "tessera._native", name = "Key", frozen)]
pub struct PyKey {
    pub(crate) inner: Key,
}

/// Parses an algorithm name with the core's rules (`UNSUPPORTED_ALGORITHM`,
/// `ALGORITHM_NOT_ALLOWED` for `none`).
pub(crate) fn alg(name: &str) -> PyResult<Algorithm> {
    Algorithm::parse(name).py_err()
}

fn options(alg_name: Option<&str>, kid: Option<String>, allow_weak: bool) -> PyResult<KeyOptions> {
    Ok(KeyOptions {
        alg: alg_name.map(alg).transpose()?,
        kid,
        allow_weak,
    })
}

/// Whether operations with this algorithm are worth releasing the GIL for:
/// RSA, ECDSA and EdDSA take 25–800 µs; HMAC takes about 1 µs, less than a
/// release/re-acquire round trip costs under contention (see bench/python).
pub(crate) fn slow(alg: Algorithm) -> bool {
    alg.family() != KeyFamily::Hmac
}

impl PyKey {
    pub(crate) fn new(inner: Key) -> Self {
        PyKey { inner }
    }
}

#[pymethods]
impl PyKey {
    /// An HMAC key from a shared secret (``str`` is UTF-8 encoded). Secrets
    /// shorter than the hash output (32/48/64 bytes) are ``INVALID_KEY``
    /// unless ``allow_weak``.
    #[staticmethod]
    #[pyo3(signature = (secret, alg = "HS256".to_owned(), kid = None, allow_weak = false),
        text_signature = "(secret, alg='HS256', kid=None, allow_weak=False)")]
    fn hmac(
        secret: &Bound<'_, PyAny>,
        alg: String,
        kid: Option<String>,
        allow_weak: bool,
    ) -> PyResult<Self> {
        let secret = Zeroizing::new(bytes_arg(secret, "secret")?);
        let opts = options(Some(&alg), kid, allow_weak)?;
        Key::hmac_with(&secret, &opts).py_err().map(Self::new)
    }

    /// A key from PEM text: PKCS#8, SPKI, PKCS#1, SEC1 or an X.509
    /// certificate (its public key). ``alg`` defaults to the only one the key
    /// type allows (RS256 for RSA).
    #[staticmethod]
    #[pyo3(signature = (pem, alg = None, kid = None, allow_weak = false))]
    fn from_pem(
        py: Python<'_>,
        pem: &Bound<'_, PyAny>,
        alg: Option<String>,
        kid: Option<String>,
        allow_weak: bool,
    ) -> PyResult<Self> {
        let pem = Zeroizing::new(bytes_arg(pem, "pem")?);
        let opts = options(alg.as_deref(), kid, allow_weak)?;
        let Ok(text) = std::str::from_utf8(&pem[..]) else {
            return Err(crate::errors::to_py_err(tessera::Error::new(
                tessera::ErrorCode::InvalidKey,
                "PEM is not UTF-8 text",
            )));
        };
        // RSA private keys are checked with big-number arithmetic: release the GIL.
        py.detach(|| Key::from_pem_with(text, &opts))
            .py_err()
            .map(Self::new)
    }

    /// A key from DER bytes (any container ``from_pem`` accepts).
    #[staticmethod]
    #[pyo3(signature = (der, alg = None, kid = None, allow_weak = false))]
    fn from_der(
        py: Python<'_>,
        der: &Bound<'_, PyAny>,
        alg: Option<String>,
        kid: Option<String>,
        allow_weak: bool,
    ) -> PyResult<Self> {
        let der = Zeroizing::new(bytes_arg(der, "der")?);
        let opts = options(alg.as_deref(), kid, allow_weak)?;
        py.detach(|| Key::from_der_with(&der, &opts))
            .py_err()
            .map(Self::new)
    }

    /// A key from a JWK (JSON text or a dict). ``alg`` must agree with the
    /// JWK's ``alg`` when both are given; ``kid`` replaces the JWK's.
    #[staticmethod]
    #[pyo3(signature = (jwk, alg = None, kid = None, allow_weak = false))]
    fn from_jwk(
        py: Python<'_>,
        jwk: &Bound<'_, PyAny>,
        alg: Option<String>,
        kid: Option<String>,
        allow_weak: bool,
    ) -> PyResult<Self> {
        let text = Zeroizing::new(json_arg(jwk, "jwk")?.into_bytes());
        let opts = options(alg.as_deref(), kid, allow_weak)?;
        let text = std::str::from_utf8(&text[..]).unwrap_or_default();
        py.detach(|| Key::from_jwk_with(text, &opts))
            .py_err()
            .map(Self::new)
    }

    /// A fresh private key from the OS CSPRNG (RSA: 2048 bits).
    #[staticmethod]
    #[pyo3(signature = (alg, kid = None))]
    fn generate(py: Python<'_>, alg: String, kid: Option<String>) -> PyResult<Self> {
        let alg = self::alg(&alg)?;
        py.detach(|| Key::generate_with(alg, kid.as_deref()))
            .py_err()
            .map(Self::new)
    }

    /// The algorithm this key is bound to, e.g. ``"RS256"``.
    #[getter]
    fn alg(&self) -> &'static str {
        self.inner.alg().as_str()
    }

    /// The key id, or ``None``.
    #[getter]
    fn kid(&self) -> Option<&str> {
        self.inner.kid()
    }

    /// Whether the key can sign (HMAC and private keys).
    #[getter]
    fn is_private(&self) -> bool {
        self.inner.is_private()
    }

    /// The public half of an asymmetric key (same alg and kid);
    /// ``InvalidKeyError`` for an HMAC key.
    fn public(&self) -> PyResult<Self> {
        self.inner.public().py_err().map(Self::new)
    }

    /// The same key with another ``kid`` (the material is shared).
    #[pyo3(signature = (kid))]
    fn with_kid(&self, kid: Option<String>) -> Self {
        Self::new(self.inner.with_kid(kid.as_deref()))
    }

    /// The key as a JWK dict with ``alg`` and ``kid``. Private members only
    /// when ``private`` is true (an HMAC key needs ``private=True``).
    #[pyo3(signature = (private = false))]
    fn to_jwk<'py>(&self, py: Python<'py>, private: bool) -> PyResult<Bound<'py, PyAny>> {
        let text = Zeroizing::new(self.inner.to_jwk(private).py_err()?.into_bytes());
        json_to_py(py, std::str::from_utf8(&text[..]).unwrap_or_default())
    }

    /// The RFC 7638 thumbprint (SHA-256, base64url).
    fn thumbprint(&self) -> String {
        self.inner.thumbprint()
    }

    /// The raw JWS signature of ``message`` with this key's algorithm.
    fn sign<'py>(
        &self,
        py: Python<'py>,
        message: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let message = bytes_arg(message, "message")?;
        let sig = if slow(self.inner.alg()) {
            py.detach(|| self.inner.sign(&message))
        } else {
            self.inner.sign(&message)
        };
        Ok(PyBytes::new(py, &sig.py_err()?))
    }

    /// Checks a raw JWS ``signature`` over ``message``; raises
    /// ``InvalidSignatureError`` if it does not verify.
    fn verify(
        &self,
        py: Python<'_>,
        message: &Bound<'_, PyAny>,
        signature: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let message = bytes_arg(message, "message")?;
        let signature = bytes_arg(signature, "signature")?;
        if slow(self.inner.alg()) {
            py.detach(|| self.inner.verify(&message, &signature))
        } else {
            self.inner.verify(&message, &signature)
        }
        .py_err()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let kid = match self.inner.kid() {
            Some(k) => pyo3::types::PyString::new(py, k).repr()?.to_string(),
            None => "None".into(),
        };
        let private = if self.inner.is_private() {
            "True"
        } else {
            "False"
        };
        Ok(format!(
            "Key(alg='{}', kid={kid}, is_private={private})",
            self.inner.alg().as_str()
        ))
    }
}
