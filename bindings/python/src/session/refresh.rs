//! `RefreshTokens`: rotating refresh tokens in families, with reuse detection.

use pyo3::prelude::*;
use tessera::session::RefreshTokens;

use super::{required_duration, rotated_class, store::store_arg, text};
use crate::convert::json_to_py;
use crate::errors::IntoPy;
use crate::native::object_json;

/// Opaque refresh tokens (256 random bits, base64url) in families.
/// ``rotate`` retires the token presented and returns a new one of the same
/// family, valid for a fresh ``ttl``. A retired token presented again was
/// copied: the whole family is revoked and the call fails with
/// ``RefreshTokenReusedError``, as does every later use of the family. When
/// one token is presented concurrently, exactly one caller wins.
#[pyclass(module = "tessera._native", name = "RefreshTokens", frozen)]
pub struct PyRefreshTokens {
    inner: RefreshTokens,
}

#[pymethods]
impl PyRefreshTokens {
    #[new]
    #[pyo3(signature = (store, *, ttl))]
    fn py_new(store: &Bound<'_, PyAny>, ttl: &Bound<'_, PyAny>) -> PyResult<Self> {
        let store = store_arg(store)?;
        let ttl = required_duration(ttl, "ttl")?;
        RefreshTokens::new(store, ttl)
            .py_err()
            .map(|inner| PyRefreshTokens { inner })
    }

    /// Starts a family for ``user_id`` with optional ``data`` (a dict, or
    /// JSON object text, handed back by every rotation); returns its first token.
    #[pyo3(signature = (user_id, data = None))]
    fn issue(
        &self,
        py: Python<'_>,
        user_id: &Bound<'_, PyAny>,
        data: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let user = text(user_id, "user_id")?;
        let data = data.filter(|d| !d.is_none()).map(object_json).transpose()?;
        py.detach(|| self.inner.issue(&user, data.as_deref()))
            .py_err()
    }

    /// Retires ``token`` and returns ``Rotated(user_id, data, token)`` with
    /// the new token. ``RefreshTokenReusedError`` for a retired token (the
    /// family is now revoked), ``RevokedTokenError`` after ``revoke_family``,
    /// ``SessionNotFoundError`` for an unknown or expired token,
    /// ``DecodeError`` (``MALFORMED``) for a string that is not a token.
    fn rotate<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let token = text(token, "token")?;
        let r = py.detach(|| self.inner.rotate(&token)).py_err()?;
        let data = match &r.data {
            Some(d) => json_to_py(py, d)?,
            None => py.None().into_bound(py),
        };
        rotated_class(py)?.call1((r.user_id, data, r.token))
    }

    /// Revokes the family of ``token`` (current or retired): its tokens then
    /// fail with ``RevokedTokenError``. ``False`` if the token is unknown.
    fn revoke_family(&self, py: Python<'_>, token: &Bound<'_, PyAny>) -> PyResult<bool> {
        let token = text(token, "token")?;
        py.detach(|| self.inner.revoke_family(&token)).py_err()
    }

    /// Revokes every family of ``user_id`` ("log out everywhere" for
    /// refresh tokens) and returns how many were still live.
    fn revoke_user(&self, py: Python<'_>, user_id: &Bound<'_, PyAny>) -> PyResult<u64> {
        let user = text(user_id, "user_id")?;
        py.detach(|| self.inner.revoke_user(&user)).py_err()
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.inner)
    }
}
