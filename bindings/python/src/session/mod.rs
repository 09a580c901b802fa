//! `tessera.sessions`: the stores (`MemoryStore`, `RedisStore`) and the
//! services on them (`SessionManager`, `Denylist`, `RefreshTokens`), the
//! core's `tessera::session` (docs/sessions.md, docs/session-api-plan.md).
//!
//! Conversion only: every rule (ids, expiry, versions, key layout, what an
//! invalid argument is) is the core's. Every method that may touch a store
//! extracts its arguments first and then runs with the GIL released, so a
//! thread waiting on Redis never blocks the interpreter.

mod denylist;
mod manager;
mod refresh;
mod store;

pub(crate) use denylist::PyDenylist;
pub(crate) use manager::PySessionManager;
pub(crate) use refresh::PyRefreshTokens;
pub(crate) use store::{PyMemoryStore, PyRedisStore};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

use crate::errors::type_error;

/// The pure-Python classes the results are made of (`tessera/sessions.py`),
/// imported once, on first use.
static SESSION: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static ROTATED: PyOnceLock<Py<PyType>> = PyOnceLock::new();

pub(crate) fn session_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    SESSION.import(py, "tessera.sessions", "Session")
}

pub(crate) fn rotated_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    ROTATED.import(py, "tessera.sessions", "Rotated")
}

/// A `str` argument (an id, token, user id or jti): `TypeError` for other
/// types, `InvalidArgumentError` for lone surrogates. What makes a *valid*
/// id is the core's business.
pub(crate) use crate::header::str_arg as text;

/// An optional `str` argument (`None` allowed).
pub(crate) fn opt_text(v: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<String>> {
    v.filter(|v| !v.is_none())
        .map(|v| text(v, name))
        .transpose()
}

/// A required duration in seconds (`int`, `float`, `timedelta`).
pub(crate) fn required_duration(v: &Bound<'_, PyAny>, name: &str) -> PyResult<std::time::Duration> {
    crate::convert::duration(Some(v), name)?.ok_or_else(|| {
        type_error(format!(
            "{name} must be int, float or datetime.timedelta, not None"
        ))
    })
}

/// A non-negative whole number (`int`, not `bool`) that fits `T`:
/// `TypeError` for other types, `InvalidArgumentError` when out of range.
pub(crate) fn count<T>(v: &Bound<'_, PyAny>, name: &str) -> PyResult<T>
where
    T: for<'a, 'py> FromPyObject<'a, 'py>,
{
    use pyo3::types::{PyBool, PyInt};
    if v.cast::<PyInt>().is_err() || v.cast::<PyBool>().is_ok() {
        return Err(type_error(format!(
            "{name} must be int, not {}",
            crate::convert::type_name(v)
        )));
    }
    v.extract::<T>().map_err(|_| {
        crate::errors::invalid_argument(format!("{name} must be a non-negative int in range"))
    })
}
