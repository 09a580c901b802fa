//! `Denylist`: revoked JWT ids, each kept until its token's `exp`.

use std::sync::Arc;

use pyo3::prelude::*;
use tessera::session::Denylist;

use super::{store::store_arg, text};
use crate::convert::epoch_seconds;
use crate::errors::{type_error, IntoPy};

/// Revoked JWT ids (``jti``) on a store, each kept until its token's ``exp``
/// (plus a 300 s margin for verifier leeway), so the list never grows
/// without bound. Give it to ``tessera.Verifier(..., denylist=...)`` and
/// revoked tokens fail with ``RevokedTokenError`` (``REVOKED``).
#[pyclass(module = "tessera._native", name = "Denylist", frozen)]
pub struct PyDenylist {
    pub(crate) inner: Arc<Denylist>,
}

#[pymethods]
impl PyDenylist {
    #[new]
    fn py_new(store: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyDenylist {
            inner: Arc::new(Denylist::new(store_arg(store)?)),
        })
    }

    /// Revokes ``jti`` until ``exp`` (the token's own ``exp``: Unix seconds,
    /// or a ``datetime``). A token already long expired stores nothing.
    fn revoke(
        &self,
        py: Python<'_>,
        jti: &Bound<'_, PyAny>,
        exp: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let jti = text(jti, "jti")?;
        let exp = epoch_seconds(Some(exp), "exp")?
            .ok_or_else(|| type_error("exp must be int, float or datetime.datetime, not None"))?;
        py.detach(|| self.inner.revoke(&jti, exp)).py_err()
    }

    /// Whether ``jti`` is revoked. ``StoreUnavailableError`` when the store
    /// cannot say: never treat that as "not revoked".
    fn is_revoked(&self, py: Python<'_>, jti: &Bound<'_, PyAny>) -> PyResult<bool> {
        let jti = text(jti, "jti")?;
        py.detach(|| self.inner.is_revoked(&jti)).py_err()
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.inner)
    }
}
