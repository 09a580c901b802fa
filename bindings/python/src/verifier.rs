//! `tessera.Verifier` (keys + policy, built once) and the keyword options it
//! shares with `tessera.jwt.decode`.
//!
//! The binding only converts types; every rule (defaults, what each option
//! means, which values are invalid beyond their Python type) is the core's
//! `jwt::Validation`.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyInt};
use tessera::jwt::{Claims, Validation, Verifier};
use tessera::session::Denylist;

use crate::convert::{epoch_seconds, json_to_py, opt_str, seconds, strings, token_arg};
use crate::errors::{invalid_argument, type_error, IntoPy};
use crate::jwks::{in_thread, inline, PyRemoteKeySet};
use crate::key::alg;
use crate::keyset::Keys;
use crate::session::PyDenylist;
use std::sync::Arc;

/// The keyword options, exactly as Python spells them.
pub(crate) struct Options<'a, 'py> {
    pub algorithms: Option<&'a Bound<'py, PyAny>>,
    pub issuer: Option<&'a Bound<'py, PyAny>>,
    pub audience: Option<&'a Bound<'py, PyAny>>,
    pub subject: Option<&'a Bound<'py, PyAny>>,
    pub required: Option<&'a Bound<'py, PyAny>>,
    pub leeway: Option<&'a Bound<'py, PyAny>>,
    pub max_age: Option<&'a Bound<'py, PyAny>>,
    pub typ: Option<&'a Bound<'py, PyAny>>,
    pub now: Option<&'a Bound<'py, PyAny>>,
    pub verify_exp: Option<&'a Bound<'py, PyAny>>,
    pub verify_nbf: Option<&'a Bound<'py, PyAny>>,
    pub max_token_bytes: Option<&'a Bound<'py, PyAny>>,
    /// `Verifier` only (`jwt.decode` never caches).
    pub cache_size: Option<&'a Bound<'py, PyAny>>,
    pub denylist: Option<&'a Bound<'py, PyAny>>,
}

fn given<'a, 'py>(v: Option<&'a Bound<'py, PyAny>>) -> Option<&'a Bound<'py, PyAny>> {
    v.filter(|v| !v.is_none())
}

fn flag(v: Option<&Bound<'_, PyAny>>, name: &str, default: bool) -> PyResult<bool> {
    match given(v) {
        None => Ok(default),
        Some(v) => match v.cast::<PyBool>() {
            Ok(b) => Ok(b.is_true()),
            Err(_) => Err(type_error(format!(
                "{name} must be bool, not {}",
                v.get_type().name()?
            ))),
        },
    }
}

impl Options<'_, '_> {
    /// The core policy. `None` means "the default" for every option.
    pub(crate) fn validation(&self) -> PyResult<Validation> {
        let mut v = Validation::default();
        if let Some(a) = given(self.algorithms) {
            v.algorithms = Some(
                strings(a, "algorithms", false)?
                    .iter()
                    .map(|n| alg(n))
                    .collect::<PyResult<_>>()?,
            );
        }
        if let Some(i) = given(self.issuer) {
            v.issuer = Some(strings(i, "issuer", true)?);
        }
        if let Some(a) = given(self.audience) {
            v.audience = Some(strings(a, "audience", true)?);
        }
        v.subject = opt_str(self.subject, "subject")?;
        if let Some(r) = given(self.required) {
            v.required = strings(r, "required", false)?;
        }
        if let Some(l) = seconds(self.leeway, "leeway")? {
            v.leeway = l;
        }
        v.max_age = seconds(self.max_age, "max_age")?;
        v.typ = opt_str(self.typ, "typ")?;
        v.now = epoch_seconds(self.now, "now")?;
        v.verify_exp = flag(self.verify_exp, "verify_exp", true)?;
        v.verify_nbf = flag(self.verify_nbf, "verify_nbf", true)?;
        if let Some(m) = given(self.max_token_bytes) {
            if m.cast::<PyInt>().is_err() || m.cast::<PyBool>().is_ok() {
                return Err(type_error(format!(
                    "max_token_bytes must be int, not {}",
                    m.get_type().name()?
                )));
            }
            v.max_token_bytes = m
                .extract::<usize>()
                .map_err(|_| invalid_argument("max_token_bytes must be a positive byte count"))?;
        }
        if let Some(c) = given(self.cache_size) {
            if c.cast::<PyInt>().is_err() || c.cast::<PyBool>().is_ok() {
                return Err(type_error(format!(
                    "cache_size must be int, not {}",
                    c.get_type().name()?
                )));
            }
            // Out of range (negative, over the core's maximum): the core's
            // INVALID_ARGUMENT from `Verifier::new`.
            v.cache_size = c.extract::<usize>().unwrap_or(usize::MAX);
        }
        Ok(v)
    }

    /// The denylist to consult, if one was given.
    pub(crate) fn denylist(&self) -> PyResult<Option<Arc<Denylist>>> {
        match given(self.denylist) {
            None => Ok(None),
            Some(d) => match d.cast::<PyDenylist>() {
                Ok(d) => Ok(Some(d.get().inner.clone())),
                Err(_) => Err(type_error(format!(
                    "denylist must be a tessera.sessions.Denylist or None, not {}",
                    d.get_type().name()?
                ))),
            },
        }
    }
}

/// Keys + policy built once; ``verify`` is the hot path. Immutable and safe to
/// share between threads.
#[pyclass(module = "tessera._native", name = "Verifier", frozen)]
pub struct PyVerifier {
    inner: Verifier,
    /// Release the GIL around verification (RSA/EC/Ed25519 keys present, or
    /// a denylist to consult).
    detach: bool,
    /// Built with a denylist (for `repr`).
    has_denylist: bool,
    /// Verification may block on I/O (a remote key set, a denylist's store):
    /// `verify_async` runs it in a worker thread.
    blocking: bool,
}

impl PyVerifier {
    pub(crate) fn build(keys: Keys, options: &Options<'_, '_>) -> PyResult<PyVerifier> {
        let validation = options.validation()?;
        let denylist = options.denylist()?;
        let has_denylist = denylist.is_some();
        // A denylist means store I/O on every verification: release the GIL.
        let detach = keys.slow() || has_denylist;
        let mut inner = Verifier::new(keys.into_set(), validation).py_err()?;
        if let Some(d) = denylist {
            inner = inner.with_denylist(d);
        }
        Ok(PyVerifier {
            inner,
            detach,
            has_denylist,
            blocking: has_denylist,
        })
    }

    /// A verifier on a remote JWKS (`tessera.jwks.RemoteKeySet`): any
    /// verification may fetch, so it always releases the GIL.
    fn build_remote(keys: &PyRemoteKeySet, options: &Options<'_, '_>) -> PyResult<PyVerifier> {
        let validation = options.validation()?;
        let denylist = options.denylist()?;
        let has_denylist = denylist.is_some();
        let mut inner = Verifier::remote(keys.inner.clone(), validation).py_err()?;
        if let Some(d) = denylist {
            inner = inner.with_denylist(d);
        }
        Ok(PyVerifier {
            inner,
            detach: true,
            has_denylist,
            blocking: true,
        })
    }

    /// Verifies a token given as `str` or `bytes` and returns the claims dict.
    pub(crate) fn verify_any<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let bytes: Bound<'py, PyBytes> = token_arg(token)?;
        let token = bytes.as_bytes();
        let claims = maybe_detach(py, self.detach, || self.inner.verify_bytes(token));
        claims_to_py(py, &claims.py_err()?)
    }
}

/// Runs `f` with the GIL released when `detach` (RSA/EC/Ed25519 work, store
/// I/O); HMAC verification alone is too short for the release to pay off.
pub(crate) fn maybe_detach<T: Send>(
    py: Python<'_>,
    detach: bool,
    f: impl FnOnce() -> T + Send,
) -> T {
    if detach {
        py.detach(f)
    } else {
        f()
    }
}

/// Verified claims → a plain dict (exact ints, floats, str, …).
pub(crate) fn claims_to_py<'py>(py: Python<'py>, claims: &Claims) -> PyResult<Bound<'py, PyAny>> {
    json_to_py(py, claims.json())
}

#[pymethods]
impl PyVerifier {
    #[new]
    #[pyo3(signature = (key, *, algorithms = None, issuer = None, audience = None,
        subject = None, required = None, leeway = None, max_age = None, typ = None,
        now = None, verify_exp = None, verify_nbf = None, max_token_bytes = None,
        cache_size = None, denylist = None))]
    #[allow(clippy::too_many_arguments)]
    fn py_new<'py>(
        key: &Bound<'py, PyAny>,
        algorithms: Option<&Bound<'py, PyAny>>,
        issuer: Option<&Bound<'py, PyAny>>,
        audience: Option<&Bound<'py, PyAny>>,
        subject: Option<&Bound<'py, PyAny>>,
        required: Option<&Bound<'py, PyAny>>,
        leeway: Option<&Bound<'py, PyAny>>,
        max_age: Option<&Bound<'py, PyAny>>,
        typ: Option<&Bound<'py, PyAny>>,
        now: Option<&Bound<'py, PyAny>>,
        verify_exp: Option<&Bound<'py, PyAny>>,
        verify_nbf: Option<&Bound<'py, PyAny>>,
        max_token_bytes: Option<&Bound<'py, PyAny>>,
        cache_size: Option<&Bound<'py, PyAny>>,
        denylist: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Self> {
        let options = Options {
            algorithms,
            issuer,
            audience,
            subject,
            required,
            leeway,
            max_age,
            typ,
            now,
            verify_exp,
            verify_nbf,
            max_token_bytes,
            cache_size,
            denylist,
        };
        if let Ok(remote) = key.cast::<PyRemoteKeySet>() {
            return PyVerifier::build_remote(remote.get(), &options);
        }
        let keys = Keys::extract(key).map_err(|e| {
            if e.is_instance_of::<pyo3::exceptions::PyTypeError>(key.py()) {
                crate::errors::type_error(format!(
                    "{} (a Verifier also takes a tessera.jwks.RemoteKeySet)",
                    e.value(key.py())
                ))
            } else {
                e
            }
        })?;
        PyVerifier::build(keys, &options)
    }

    /// Verifies ``token`` (``str`` or ``bytes``) and returns its claims as a
    /// dict (with ``cache_size``, a token verified before is answered from
    /// the cache: ``exp``/``nbf``/``iat``/``max_age`` and the denylist are
    /// re-checked on every hit); raises a ``TesseraError`` subclass otherwise. With a
    /// ``denylist``, a token must carry a ``jti`` (``MISSING_CLAIM``), a
    /// revoked one is ``REVOKED``, and a store that cannot answer is
    /// ``STORE_UNAVAILABLE`` (never "not revoked"). On a
    /// ``tessera.jwks.RemoteKeySet`` the keys are selected by ``kid`` from
    /// its current set (an unknown ``kid`` refetches it, at most once per
    /// cooldown), the GIL is released while a fetch may be in progress, and
    /// no usable set at all is ``JWKS_UNAVAILABLE``.
    fn verify<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.verify_any(py, token)
    }

    /// ``verify`` for asyncio: ``claims = await verifier.verify_async(token)``.
    /// A verifier that may block (a ``tessera.jwks.RemoteKeySet``, a
    /// denylist's store) verifies in a worker thread, never on the event
    /// loop; one on fixed keys verifies when awaited (microseconds of CPU).
    fn verify_async<'py>(
        slf: &Bound<'py, Self>,
        token: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let verify = slf.getattr("verify")?;
        let args = [token.clone()];
        if slf.get().blocking {
            in_thread(&verify, &args)
        } else {
            inline(&verify, &args)
        }
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let deny = if self.has_denylist { ", denylist" } else { "" };
        let size = self.inner.validation().cache_size;
        let cache = if size > 0 {
            format!(", cache_size={size}")
        } else {
            String::new()
        };
        if let Some(remote) = self.inner.remote_keys() {
            let url = pyo3::types::PyString::new(py, remote.url()).repr()?;
            return Ok(format!("Verifier(remote={url}{deny}{cache})"));
        }
        let algs: Vec<&str> = self
            .inner
            .keys()
            .keys()
            .iter()
            .map(|k| k.alg().as_str())
            .collect();
        Ok(format!("Verifier(keys=[{}]{deny}{cache})", algs.join(", ")))
    }
}
