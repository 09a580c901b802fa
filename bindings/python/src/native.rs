//! `tessera.cookies.SessionCookie` and `OpenedCookie`: Tessera's own sealed
//! session cookie (signed HMAC-SHA256 or encrypted AES-256-GCM, bound to its
//! name, issued-at authenticated, rotation, optional chunking), the core's
//! `cookie::native` (format in docs/cookies.md).

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyMapping, PyString, PyTuple};
use tessera::cookie::native::{Opened, SessionCookie, SessionCookieOptions};

use crate::convert::{
    detach_for, json_to_py, now_arg, opt_str, secrets as secret_list, type_name, MaxAge,
};
use crate::cookie_json::{write_json, Style};
use crate::errors::{type_error, IntoPy};
use crate::header::{attributes, str_arg, Keyword};
use crate::itsdangerous::text_arg;

/// Session data as JSON object text: a mapping is written as `json.dumps`
/// would (compact); a `str` is taken as JSON text (the core checks it is an
/// object).
pub(crate) fn object_json(data: &Bound<'_, PyAny>) -> PyResult<String> {
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

/// An opened session: ``data`` (dict), ``issued_at`` (Unix seconds),
/// ``needs_reissue`` (sealed with an older secret: seal it again), and
/// ``json``, the session's JSON text exactly as sealed.
#[pyclass(module = "tessera._native", name = "OpenedCookie", frozen)]
pub struct PyOpenedCookie {
    data: Py<PyAny>,
    #[pyo3(get)]
    issued_at: i64,
    #[pyo3(get)]
    needs_reissue: bool,
    #[pyo3(get)]
    json: String,
}

impl PyOpenedCookie {
    fn new(py: Python<'_>, o: Opened) -> PyResult<Self> {
        Ok(PyOpenedCookie {
            data: json_to_py(py, &o.json)?.unbind(),
            issued_at: o.issued_at,
            needs_reissue: o.needs_reissue,
            json: o.json,
        })
    }
}

#[pymethods]
impl PyOpenedCookie {
    /// The session as a dict.
    #[getter]
    fn data(&self, py: Python<'_>) -> Py<PyAny> {
        self.data.clone_ref(py)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "OpenedCookie(data={}, issued_at={}, needs_reissue={})",
            self.data.bind(py).repr()?,
            self.issued_at,
            if self.needs_reissue { "True" } else { "False" }
        ))
    }
}

/// Tessera's session cookie. ``secrets`` (each at least 32 bytes): the first
/// seals, every one opens. ``name`` is bound into every value; ``max_age``
/// (seconds or ``timedelta``, ``None`` = no limit) is checked against the
/// authenticated issued-at; the attribute keywords are written on
/// ``set_cookie_headers`` lines and counted in the 4096-byte limit
/// (``partitioned`` too, as in ``set_cookie``).
#[pyclass(module = "tessera._native", name = "SessionCookie", frozen)]
pub struct PySessionCookie {
    inner: SessionCookie,
}

#[pymethods]
impl PySessionCookie {
    #[new]
    #[pyo3(signature = (secrets, *, name = None, encrypted = false, max_age = MaxAge(None),
        chunked = false, path = Keyword::Unset, domain = None, secure = true, http_only = true,
        same_site = Keyword::Unset, partitioned = false),
        text_signature = "(secrets, *, name='session', encrypted=False, max_age=None, chunked=False, path='/', domain=None, secure=True, http_only=True, same_site='Lax', partitioned=False)")]
    #[allow(clippy::too_many_arguments)]
    fn py_new(
        py: Python<'_>,
        secrets: &Bound<'_, PyAny>,
        name: Option<&Bound<'_, PyAny>>,
        encrypted: bool,
        max_age: MaxAge,
        chunked: bool,
        path: Keyword,
        domain: Option<&Bound<'_, PyAny>>,
        secure: bool,
        http_only: bool,
        same_site: Keyword,
        partitioned: bool,
    ) -> PyResult<Self> {
        let keys = secret_list(secrets, "secrets")?;
        let name = match name.filter(|n| !n.is_none()) {
            None => "session".to_owned(),
            Some(n) => str_arg(n, "name")?,
        };
        let opts = SessionCookieOptions {
            name,
            encrypted,
            max_age: max_age.0,
            chunked,
            attributes: attributes(
                py,
                path,
                domain,
                None,
                None,
                secure,
                http_only,
                same_site,
                partitioned,
            )?,
        };
        // HKDF per secret: microseconds, but a long rotation list adds up.
        py.detach(|| SessionCookie::new(&keys, opts))
            .py_err()
            .map(|inner| PySessionCookie { inner })
    }

    /// The cookie name.
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// The cookie value for ``data`` (a dict, or JSON object text) sealed at
    /// ``now``. ``COOKIE_TOO_LARGE`` when its ``Set-Cookie`` line would pass
    /// 4096 bytes (use ``seal_chunks``/``set_cookie_headers`` with ``chunked=True``).
    #[pyo3(signature = (data, now = None))]
    fn seal(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let json = object_json(data)?;
        let now = now_arg(now)?;
        detach_for(py, json.len(), || self.inner.seal(&json, now)).py_err()
    }

    /// ``[(cookie name, value)]``: one cookie when it fits, else (with
    /// ``chunked=True``) ``name.0 … name.N-1``.
    #[pyo3(signature = (data, now = None))]
    fn seal_chunks<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let json = object_json(data)?;
        let now = now_arg(now)?;
        let chunks = detach_for(py, json.len(), || self.inner.seal_chunks(&json, now)).py_err()?;
        let list = PyList::empty(py);
        for (n, v) in chunks {
            list.append(PyTuple::new(py, [n, v])?)?;
        }
        Ok(list)
    }

    /// Complete ``Set-Cookie`` header values for ``data``: the value (or its
    /// chunks) plus deletions of this session's stale cookies named in
    /// ``request_cookie_header``.
    #[pyo3(signature = (data, now = None, request_cookie_header = None))]
    fn set_cookie_headers(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
        request_cookie_header: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<String>> {
        let json = object_json(data)?;
        let now = now_arg(now)?;
        let header = request_cookie_header
            .filter(|h| !h.is_none())
            .map(|h| text_arg(h, "request_cookie_header"))
            .transpose()?;
        let len = json.len() + header.as_ref().map_or(0, String::len);
        detach_for(py, len, || {
            self.inner.set_cookie_headers(&json, now, header.as_deref())
        })
        .py_err()
    }

    /// ``Set-Cookie`` header values deleting this session's cookie and every
    /// chunk of it named in ``request_cookie_header``.
    #[pyo3(signature = (request_cookie_header = None))]
    fn clear_cookie_headers(
        &self,
        request_cookie_header: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<String>> {
        let header = opt_str(request_cookie_header, "request_cookie_header")?;
        self.inner.clear_cookie_headers(header.as_deref()).py_err()
    }

    /// The session dict in one (unchunked) cookie value.
    #[pyo3(signature = (value, now = None))]
    fn open<'py>(
        &self,
        py: Python<'py>,
        value: &Bound<'py, PyAny>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let value = text_arg(value, "value")?;
        let now = now_arg(now)?;
        let opened = detach_for(py, value.len(), || self.inner.open(&value, now)).py_err()?;
        json_to_py(py, &opened.json)
    }

    /// ``open`` with the issued-at and whether to re-issue (``OpenedCookie``).
    #[pyo3(signature = (value, now = None))]
    fn open_info(
        &self,
        py: Python<'_>,
        value: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyOpenedCookie> {
        let value = text_arg(value, "value")?;
        let now = now_arg(now)?;
        let opened = detach_for(py, value.len(), || self.inner.open(&value, now));
        PyOpenedCookie::new(py, opened.py_err()?)
    }

    /// The session from a raw ``Cookie`` request header (single or chunked);
    /// ``SESSION_NOT_FOUND`` when it holds no cookie of this session.
    #[pyo3(signature = (cookie_header, now = None))]
    fn load(
        &self,
        py: Python<'_>,
        cookie_header: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyOpenedCookie> {
        let header = text_arg(cookie_header, "cookie_header")?;
        let now = now_arg(now)?;
        let opened = detach_for(py, header.len(), || self.inner.load(&header, now));
        PyOpenedCookie::new(py, opened.py_err()?)
    }
}
