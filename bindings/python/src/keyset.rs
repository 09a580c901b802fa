//! `tessera.KeySet`, and the `Key | KeySet` argument every operation takes.

use pyo3::prelude::*;
use pyo3::types::PyList;
use tessera::{Key, KeySet};

use crate::convert::{json_arg, json_to_py};
use crate::errors::{type_error, IntoPy};
use crate::key::{slow, PyKey};

/// An ordered set of keys: signing uses the first private key (or the one
/// named by the header's ``kid``); verifying selects by ``kid``, else by alg.
#[pyclass(module = "tessera._native", name = "KeySet", frozen)]
pub struct PyKeySet {
    pub(crate) inner: KeySet,
}

#[pymethods]
impl PyKeySet {
    /// A key set from an iterable of ``Key``.
    #[new]
    fn py_new(keys: &Bound<'_, PyAny>) -> PyResult<Self> {
        let iter = keys
            .try_iter()
            .map_err(|_| type_error("keys must be an iterable of tessera.Key"))?;
        let mut out = Vec::new();
        for k in iter {
            let k = k?;
            match k.cast::<PyKey>() {
                Ok(k) => out.push(k.get().inner.clone()),
                Err(_) => {
                    return Err(type_error(format!(
                        "keys must be tessera.Key objects, found {}",
                        k.get_type().name()?
                    )))
                }
            }
        }
        KeySet::new(out).py_err().map(|inner| PyKeySet { inner })
    }

    /// A key set from a JWKS (JSON text or a dict). Unusable entries (unknown
    /// ``kty``, ``use: enc``) are skipped and counted in ``skipped``.
    #[staticmethod]
    fn from_jwks(py: Python<'_>, jwks: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = json_arg(jwks, "jwks")?;
        py.detach(|| KeySet::from_jwks(&text))
            .py_err()
            .map(|inner| PyKeySet { inner })
    }

    /// The public JWKS as a dict (``{"keys": [...]}``; HMAC keys are left out).
    fn to_jwks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.inner.to_jwks())
    }

    /// The keys, in order.
    #[getter]
    fn keys<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.inner.keys().iter().map(|k| PyKey::new(k.clone())))
    }

    /// How many JWKS entries ``from_jwks`` skipped.
    #[getter]
    fn skipped(&self) -> usize {
        self.inner.skipped()
    }

    /// The key with this ``kid``, or ``None``.
    fn get(&self, kid: String) -> Option<PyKey> {
        self.inner.get(&kid).cloned().map(PyKey::new)
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        let algs: Vec<&str> = self.inner.keys().iter().map(|k| k.alg().as_str()).collect();
        format!("KeySet({} keys: {})", self.inner.len(), algs.join(", "))
    }
}

/// A `Key` or a `KeySet` argument.
pub(crate) enum Keys {
    One(Key),
    Set(KeySet),
}

impl Keys {
    pub(crate) fn extract(v: &Bound<'_, PyAny>) -> PyResult<Keys> {
        if let Ok(k) = v.cast::<PyKey>() {
            Ok(Keys::One(k.get().inner.clone()))
        } else if let Ok(s) = v.cast::<PyKeySet>() {
            Ok(Keys::Set(s.get().inner.clone()))
        } else {
            let hint = if v.is_instance_of::<pyo3::types::PyString>()
                || v.is_instance_of::<pyo3::types::PyBytes>()
            {
                "; wrap a shared secret with tessera.Key.hmac(secret) or a PEM with tessera.Key.from_pem(pem)"
            } else {
                ""
            };
            Err(type_error(format!(
                "key must be a tessera.Key or tessera.KeySet, not {}{hint}",
                v.get_type().name()?
            )))
        }
    }

    /// Whether signing/verifying may be slow enough to release the GIL.
    pub(crate) fn slow(&self) -> bool {
        match self {
            Keys::One(k) => slow(k.alg()),
            Keys::Set(s) => s.keys().iter().any(|k| slow(k.alg())),
        }
    }

    pub(crate) fn into_set(self) -> KeySet {
        match self {
            Keys::One(k) => KeySet::from(k),
            Keys::Set(s) => s,
        }
    }
}
