//! `tessera.cookies.ExpressCookieSession` (cookie-session + keygrip) and
//! `tessera.cookies.ExpressSessionId` (express-session's signed id), so a
//! Python service reads and writes the cookies of an Express app.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyMapping, PyString, PyTuple};
use tessera::cookie::express::{
    ExpressCookieSession, ExpressSessionId, DEFAULT_COOKIE_SESSION_NAME, DEFAULT_SESSION_ID_NAME,
};

use crate::convert::{detach_for, json_to_py, secrets as secret_list, type_name};
use crate::cookie_json::{write_json, Style};
use crate::errors::{type_error, IntoPy};
use crate::itsdangerous::text_arg;

/// Session data as JSON text: a dict is written compactly (as
/// ``json.dumps(separators=(",", ":"), ensure_ascii=False)``); a ``str`` is
/// taken as JSON text and kept byte for byte (pass ``JSON.stringify``'s
/// output to be byte-identical with Node).
fn data_json(data: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = data.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if data.cast::<PyDict>().is_ok() {
        return write_json(data, Style::Json);
    }
    if let Ok(m) = data.cast::<PyMapping>() {
        let d = PyDict::new(data.py());
        d.update(m)?;
        return write_json(&d, Style::Json);
    }
    Err(type_error(format!(
        "data must be a mapping (dict) or JSON text (str), not {}",
        type_name(data)
    )))
}

/// Express ``cookie-session``: cookies ``<name>`` (base64 JSON) and
/// ``<name>.sig`` (keygrip HMAC-SHA1). ``keys`` newest first: ``keys[0]``
/// signs, any verifies.
#[pyclass(module = "tessera._native", name = "ExpressCookieSession", frozen)]
pub struct PyExpressCookieSession {
    inner: ExpressCookieSession,
}

#[pymethods]
impl PyExpressCookieSession {
    #[new]
    #[pyo3(signature = (keys, *, name = DEFAULT_COOKIE_SESSION_NAME.to_owned()),
        text_signature = "(keys, *, name='session')")]
    fn py_new(keys: &Bound<'_, PyAny>, name: String) -> PyResult<Self> {
        let keys = secret_list(keys, "keys")?;
        ExpressCookieSession::new(&keys, &name)
            .py_err()
            .map(|inner| PyExpressCookieSession { inner })
    }

    /// The cookie name (the signature cookie is ``<name>.sig``).
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// ``(value, sig)``: the values of the ``<name>`` and ``<name>.sig`` cookies.
    fn sign<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let json = data_json(data)?;
        let (value, sig) = detach_for(py, json.len(), || self.inner.sign(&json)).py_err()?;
        PyTuple::new(py, [value, sig])
    }

    /// The session dict, if ``sig`` is a valid signature of ``value`` under any key.
    fn verify<'py>(
        &self,
        py: Python<'py>,
        value: &Bound<'py, PyAny>,
        sig: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (value, sig) = (text_arg(value, "value")?, text_arg(sig, "sig")?);
        let json = detach_for(py, value.len(), || self.inner.verify(&value, &sig)).py_err()?;
        json_to_py(py, &json)
    }

    /// The session dict from a raw ``Cookie`` request header
    /// (``SESSION_NOT_FOUND`` when either cookie is absent).
    fn load<'py>(
        &self,
        py: Python<'py>,
        cookie_header: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let header = text_arg(cookie_header, "cookie_header")?;
        let json = detach_for(py, header.len(), || self.inner.load(&header)).py_err()?;
        json_to_py(py, &json)
    }
}

/// express-session's signed session-id cookie (``s:<sid>.<sig>``,
/// HMAC-SHA256). ``secrets[0]`` signs, any verifies.
#[pyclass(module = "tessera._native", name = "ExpressSessionId", frozen)]
pub struct PyExpressSessionId {
    inner: ExpressSessionId,
}

#[pymethods]
impl PyExpressSessionId {
    #[new]
    fn py_new(secrets: &Bound<'_, PyAny>) -> PyResult<Self> {
        let keys = secret_list(secrets, "secrets")?;
        ExpressSessionId::new(&keys)
            .py_err()
            .map(|inner| PyExpressSessionId { inner })
    }

    /// ``"s:" + sid + "." + signature`` (percent-encode it, as Express does,
    /// when writing a ``Set-Cookie``).
    fn sign(&self, sid: &str) -> String {
        self.inner.sign(sid)
    }

    /// The session id of a cookie value (literal ``s:…`` or percent-encoded
    /// ``s%3A…``, optionally quoted).
    fn unsign(&self, value: &Bound<'_, PyAny>) -> PyResult<String> {
        self.inner.unsign(&text_arg(value, "value")?).py_err()
    }

    /// The session id of cookie ``name`` in a raw ``Cookie`` header, read as
    /// express-session reads it (``SESSION_NOT_FOUND`` when absent).
    #[pyo3(signature = (cookie_header, name = DEFAULT_SESSION_ID_NAME.to_owned()),
        text_signature = "(self, /, cookie_header, name='connect.sid')")]
    fn load(&self, cookie_header: &Bound<'_, PyAny>, name: String) -> PyResult<String> {
        let header = text_arg(cookie_header, "cookie_header")?;
        self.inner.load(&header, &name).py_err()
    }
}
