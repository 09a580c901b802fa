//! `tessera.cookies.set_cookie`, `delete_cookie`, `parse_cookie`, and the
//! `Set-Cookie` attribute keywords `SessionCookie` shares with them. Every
//! rule (token names, cookie-octet values, `__Host-`/`__Secure-` prefixes,
//! `SameSite=None` needs `Secure`) is the core's `cookie::header`.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyString};
use tessera::cookie::header::{self, CookieAttributes, SameSite};

use crate::convert::{epoch_seconds, opt_str, type_name};
use crate::errors::{invalid_argument, type_error, IntoPy};
use crate::itsdangerous::text_arg;

static TIMEDELTA: pyo3::sync::PyOnceLock<Py<pyo3::types::PyType>> = pyo3::sync::PyOnceLock::new();

/// A `Max-Age` in whole seconds: `int` (may be ≤ 0, which deletes) or
/// `datetime.timedelta` (floored).
pub(crate) fn max_age_attr(v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<i64>> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let py = v.py();
    if v.is_instance(TIMEDELTA.import(py, "datetime", "timedelta")?)? {
        let secs = v.call_method0("total_seconds")?.extract::<f64>()?.floor();
        if !secs.is_finite() || secs.abs() >= i64::MAX as f64 {
            return Err(invalid_argument("max_age is out of range"));
        }
        return Ok(Some(secs as i64));
    }
    if v.cast::<PyInt>().is_ok() && v.cast::<PyBool>().is_err() {
        return v
            .extract::<i64>()
            .map(Some)
            .map_err(|_| invalid_argument("max_age is out of range"));
    }
    Err(type_error(format!(
        "max_age must be int or datetime.timedelta, not {}",
        type_name(v)
    )))
}

/// A `str` argument that must be valid Unicode (`InvalidArgumentError` for
/// lone surrogates, `TypeError` for other types).
pub(crate) fn str_arg(v: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    let s = v
        .cast::<PyString>()
        .map_err(|_| type_error(format!("{name} must be str, not {}", type_name(v))))?;
    let b = s
        .encode_utf8()
        .map_err(|_| invalid_argument(format!("{name} is not valid Unicode")))?;
    Ok(crate::convert::utf8(b.as_bytes())?.to_owned())
}

/// A `str`-or-`None` keyword whose default is neither: `path` and
/// `same_site` default to `"/"` and `"Lax"`, and an explicit `None` leaves
/// the attribute out.
pub(crate) enum Keyword {
    /// Not given: the documented default.
    Unset,
    /// Given: checked where its name is known ([`Keyword::value`]).
    Given(Py<PyAny>),
}

impl<'a, 'py> FromPyObject<'a, 'py> for Keyword {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Ok(Keyword::Given(obj.to_owned().unbind()))
    }
}

impl Keyword {
    /// `default` when not given, `None` for `None`, else the `str`
    /// (`TypeError` naming `name` for other types).
    pub(crate) fn value(
        self,
        py: Python<'_>,
        name: &str,
        default: &str,
    ) -> PyResult<Option<String>> {
        match self {
            Keyword::Unset => Ok(Some(default.to_owned())),
            Keyword::Given(v) => {
                let v = v.into_bound(py);
                if v.is_none() {
                    return Ok(None);
                }
                if v.cast::<PyString>().is_err() {
                    return Err(type_error(format!(
                        "{name} must be str or None, not {}",
                        type_name(&v)
                    )));
                }
                str_arg(&v, name).map(Some)
            }
        }
    }
}

/// The `Set-Cookie` attributes from their Python keywords.
#[allow(clippy::too_many_arguments)]
pub(crate) fn attributes(
    py: Python<'_>,
    path: Keyword,
    domain: Option<&Bound<'_, PyAny>>,
    max_age: Option<&Bound<'_, PyAny>>,
    expires: Option<&Bound<'_, PyAny>>,
    secure: bool,
    http_only: bool,
    same_site: Keyword,
    partitioned: bool,
) -> PyResult<CookieAttributes> {
    Ok(CookieAttributes {
        path: path.value(py, "path", "/")?,
        domain: opt_str(domain, "domain")?,
        max_age: max_age_attr(max_age)?,
        expires: epoch_seconds(expires, "expires")?,
        secure,
        http_only,
        same_site: same_site
            .value(py, "same_site", "Lax")?
            .map(|s| SameSite::parse(&s))
            .transpose()
            .py_err()?,
        partitioned,
    })
}

/// A complete ``Set-Cookie`` header value for ``name=value`` with the given
/// attributes (defaults: ``Path=/; Secure; HttpOnly; SameSite=Lax``).
/// ``expires`` is Unix seconds or a ``datetime``; ``max_age`` seconds or a
/// ``timedelta``. Invalid names, values or attribute combinations are
/// ``InvalidArgumentError``.
#[pyfunction]
#[pyo3(signature = (name, value, *, path = Keyword::Unset, domain = None, max_age = None,
    expires = None, secure = true, http_only = true, same_site = Keyword::Unset,
    partitioned = false),
    text_signature = "(name, value, *, path='/', domain=None, max_age=None, expires=None, secure=True, http_only=True, same_site='Lax', partitioned=False)")]
#[allow(clippy::too_many_arguments)]
pub(crate) fn set_cookie<'py>(
    py: Python<'py>,
    name: &Bound<'py, PyAny>,
    value: &Bound<'py, PyAny>,
    path: Keyword,
    domain: Option<&Bound<'py, PyAny>>,
    max_age: Option<&Bound<'py, PyAny>>,
    expires: Option<&Bound<'py, PyAny>>,
    secure: bool,
    http_only: bool,
    same_site: Keyword,
    partitioned: bool,
) -> PyResult<String> {
    let attrs = attributes(
        py,
        path,
        domain,
        max_age,
        expires,
        secure,
        http_only,
        same_site,
        partitioned,
    )?;
    header::set_cookie(&str_arg(name, "name")?, &str_arg(value, "value")?, &attrs).py_err()
}

/// A ``Set-Cookie`` header value that deletes cookie ``name`` (empty value,
/// ``Max-Age=0``, ``Expires`` in 1970); path and domain must be the cookie's.
#[pyfunction]
#[pyo3(signature = (name, *, path = Keyword::Unset, domain = None, secure = true,
    http_only = true, same_site = Keyword::Unset),
    text_signature = "(name, *, path='/', domain=None, secure=True, http_only=True, same_site='Lax')")]
pub(crate) fn delete_cookie<'py>(
    py: Python<'py>,
    name: &Bound<'py, PyAny>,
    path: Keyword,
    domain: Option<&Bound<'py, PyAny>>,
    secure: bool,
    http_only: bool,
    same_site: Keyword,
) -> PyResult<String> {
    let attrs = attributes(
        py, path, domain, None, None, secure, http_only, same_site, false,
    )?;
    header::delete_cookie(&str_arg(name, "name")?, &attrs).py_err()
}

/// The cookies of a ``Cookie`` request header as a dict (the first of
/// duplicate names wins, as browsers send the most specific first; one
/// pair of surrounding quotes removed; no percent-decoding). Over 64 KiB is
/// ``DecodeError`` (``TOO_LARGE``).
#[pyfunction]
pub(crate) fn parse_cookie<'py>(
    py: Python<'py>,
    header: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let text = text_arg(header, "header")?;
    let pairs = header::parse_cookie_header(&text).py_err()?;
    let out = PyDict::new(py);
    for (name, value) in pairs {
        if !out.contains(&name)? {
            out.set_item(name, value)?;
        }
    }
    Ok(out)
}
