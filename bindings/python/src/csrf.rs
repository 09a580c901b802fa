//! `tessera.cookies.CsrfTokens`: synchronizer tokens bound to a session id,
//! masked per response (the core's `cookie::csrf`).

use pyo3::prelude::*;
use tessera::cookie::csrf::CsrfTokens;

use crate::convert::secrets as secret_list;
use crate::errors::IntoPy;
use crate::header::str_arg;
use crate::itsdangerous::text_arg;

/// CSRF tokens: ``secrets`` (each at least 32 bytes), the first generates,
/// every one verifies.
#[pyclass(module = "tessera._native", name = "CsrfTokens", frozen)]
pub struct PyCsrfTokens {
    inner: CsrfTokens,
}

#[pymethods]
impl PyCsrfTokens {
    #[new]
    fn py_new(secrets: &Bound<'_, PyAny>) -> PyResult<Self> {
        let keys = secret_list(secrets, "secrets")?;
        CsrfTokens::new(&keys)
            .py_err()
            .map(|inner| PyCsrfTokens { inner })
    }

    /// A fresh token for ``session_id`` (different on every call).
    fn generate(&self, session_id: &Bound<'_, PyAny>) -> PyResult<String> {
        self.inner
            .generate(&str_arg(session_id, "session_id")?)
            .py_err()
    }

    /// ``None`` if ``token`` was generated for ``session_id``; otherwise
    /// ``InvalidSignatureError`` (another session or secret) or
    /// ``DecodeError`` (not a token).
    fn verify(&self, session_id: &Bound<'_, PyAny>, token: &Bound<'_, PyAny>) -> PyResult<()> {
        let session_id = str_arg(session_id, "session_id")?;
        self.inner
            .verify(&session_id, &text_arg(token, "token")?)
            .py_err()
    }
}
