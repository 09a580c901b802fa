//! `tessera.cookies.FlaskCookie`: Flask's default session cookie
//! (`SecureCookieSessionInterface`) on the core's byte-identical codec.
//!
//! Python values go in and come out as Flask's `TaggedJSONSerializer` gives
//! them (see `cookie_json.rs`): `tuple`, `bytes`, `Markup`, `UUID` and aware
//! UTC `datetime` survive the round trip; the JSON text itself (key order,
//! escaping, compression) is the core's.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use tessera::cookie::flask::{FlaskCookie, DEFAULT_MAX_AGE};

use crate::convert::{detach_for, flask_json_to_py, now_arg, secrets, type_name, MaxAge};
use crate::cookie_json::{write_json, Style};
use crate::errors::{to_py_err, type_error, IntoPy};
use crate::itsdangerous::text_arg;

/// A Flask session cookie codec: ``secret_key`` signs, ``fallbacks`` (Flask's
/// ``SECRET_KEY_FALLBACKS``, oldest first) also open.
#[pyclass(module = "tessera._native", name = "FlaskCookie", frozen)]
pub struct PyFlaskCookie {
    inner: FlaskCookie,
}

/// The session argument as Flask's tagged JSON text: a dict (any `dict`
/// subclass, e.g. Flask's session object) is tagged and written here; a
/// `str` is taken as tagged JSON text already.
pub(crate) fn session_json(data: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = data.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if data.cast::<PyDict>().is_err() {
        return Err(type_error(format!(
            "the session must be a dict (or tagged JSON text), not {}",
            type_name(data)
        )));
    }
    write_json(data, Style::Flask)
}

#[pymethods]
impl PyFlaskCookie {
    #[new]
    #[pyo3(signature = (secret_key, *, fallbacks = None, salt = None, max_age = MaxAge(Some(DEFAULT_MAX_AGE))),
        text_signature = "(secret_key, *, fallbacks=(), salt='cookie-session', max_age=2678400)")]
    fn py_new(
        secret_key: &Bound<'_, PyAny>,
        fallbacks: Option<&Bound<'_, PyAny>>,
        salt: Option<&Bound<'_, PyAny>>,
        max_age: MaxAge,
    ) -> PyResult<Self> {
        let key = crate::convert::bytes_arg(secret_key, "secret_key")?;
        let key = zeroize::Zeroizing::new(key);
        let fallbacks = match fallbacks.filter(|f| !f.is_none()) {
            None => Vec::new(),
            Some(f) => secrets(f, "fallbacks")?,
        };
        let salt = match salt.filter(|s| !s.is_none()) {
            None => b"cookie-session".to_vec(),
            Some(s) => crate::convert::bytes_arg(s, "salt")?,
        };
        FlaskCookie::with_options(&key, &fallbacks, &salt, max_age.0)
            .py_err()
            .map(|inner| PyFlaskCookie { inner })
    }

    /// The cookie value for the session ``data`` signed at ``now``,
    /// byte-identical to Flask's.
    #[pyo3(signature = (data, now = None))]
    fn dumps(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let json = session_json(data)?;
        let now = now_arg(now)?;
        detach_for(py, json.len(), || self.inner.dumps(&json, now)).py_err()
    }

    /// The session in ``cookie`` as a dict of Flask's native values.
    #[pyo3(signature = (cookie, now = None))]
    fn loads<'py>(
        &self,
        py: Python<'py>,
        cookie: &Bound<'py, PyAny>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let cookie = text_arg(cookie, "cookie")?;
        let now = now_arg(now)?;
        let json = detach_for(py, cookie.len(), || self.inner.loads(&cookie, now)).py_err()?;
        let value = flask_json_to_py(py, &json)?;
        if value.cast::<PyDict>().is_err() {
            // A top-level tagged object (only a key holder can write one).
            return Err(to_py_err(tessera::Error::new(
                tessera::ErrorCode::Malformed,
                "the session is not a dict",
            )));
        }
        Ok(value)
    }
}

/// Flask's tagged JSON text for the session ``data`` (what ``FlaskCookie``
/// signs), for ``tessera.flask`` to seal in a ``SessionCookie``.
#[pyfunction]
pub(crate) fn _flask_tagged_json(data: &Bound<'_, PyAny>) -> PyResult<String> {
    if data.cast::<PyDict>().is_err() {
        return Err(type_error(format!(
            "the session must be a dict, not {}",
            type_name(data)
        )));
    }
    write_json(data, Style::Flask)
}

/// The session dict of Flask tagged JSON text (the reverse of
/// ``_flask_tagged_json``), Flask's native values included.
#[pyfunction]
pub(crate) fn _flask_untagged<'py>(py: Python<'py>, json: &str) -> PyResult<Bound<'py, PyAny>> {
    let value = flask_json_to_py(py, json).map_err(|e| {
        if e.is_instance_of::<crate::errors::TesseraError>(py) {
            return e;
        }
        let err = to_py_err(tessera::Error::new(
            tessera::ErrorCode::Malformed,
            format!("not Flask session JSON: {e}"),
        ));
        err.set_cause(py, Some(e));
        err
    })?;
    if value.cast::<PyDict>().is_err() {
        return Err(to_py_err(tessera::Error::new(
            tessera::ErrorCode::Malformed,
            "the session is not a dict",
        )));
    }
    Ok(value)
}
