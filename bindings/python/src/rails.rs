//! `tessera.cookies.RailsCookie`: Rails 7+ encrypted cookies (AES-256-GCM,
//! PBKDF2 key generator, `_rails` envelope), the core's `cookie::rails`.
//!
//! Times are Unix seconds (`int`/`float`) or `datetime` here, milliseconds
//! in the core (Rails keeps milliseconds in `exp`).

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyType};
use tessera::cookie::rails::{RailsCookie, RailsDigest};

use crate::convert::{bytes_arg, detach_for, json_to_py, type_name};
use crate::cookie_json::{write_json, Style};
use crate::errors::{invalid_argument, type_error, IntoPy};
use crate::header::str_arg;
use crate::itsdangerous::text_arg;

static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TIMEDELTA: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn out_of_range(name: &str) -> PyErr {
    invalid_argument(format!("{name} is out of range"))
}

/// Unix milliseconds from seconds (`int`, or `float` rounded to the
/// microsecond, then floored to the millisecond) or a `datetime` (naive = UTC; exact: `(dt - epoch) // 1 ms`).
fn millis(v: &Bound<'_, PyAny>, name: &str) -> PyResult<i64> {
    let py = v.py();
    let datetime = DATETIME.import(py, "datetime", "datetime")?;
    if v.is_instance(datetime)? {
        let utc = py.import("datetime")?.getattr("timezone")?.getattr("utc")?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("tzinfo", &utc)?;
        let v = if v.getattr("tzinfo")?.is_none() {
            v.call_method("replace", (), Some(&kwargs))?
        } else {
            v.clone()
        };
        let epoch = datetime.call((1970, 1, 1), Some(&kwargs))?;
        let one_ms = TIMEDELTA
            .import(py, "datetime", "timedelta")?
            .call((0, 0, 0, 1), None)?;
        return v
            .sub(epoch)?
            .floor_div(one_ms)?
            .extract::<i64>()
            .map_err(|_| out_of_range(name));
    }
    if v.cast::<PyBool>().is_ok() {
        return Err(type_error(format!(
            "{name} must be int, float or datetime, not bool"
        )));
    }
    if v.cast::<PyInt>().is_ok() {
        return v
            .extract::<i64>()
            .ok()
            .and_then(|s| s.checked_mul(1000))
            .ok_or_else(|| out_of_range(name));
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        // To the microsecond first (as `datetime.fromtimestamp` rounds), so
        // 1700000000.123 is 1700000000123 ms, not ...122.
        let micros = (f.value() * 1e6).round();
        if !micros.is_finite() || micros.abs() >= i64::MAX as f64 {
            return Err(out_of_range(name));
        }
        return Ok((micros as i64).div_euclid(1000));
    }
    Err(type_error(format!(
        "{name} must be int, float or datetime, not {}",
        type_name(v)
    )))
}

/// Rails' encrypted cookie ``cookie_name`` under ``secret_key_base``;
/// ``digest`` is the key generator's hash: ``"sha256"`` (Rails 7 defaults)
/// or ``"sha1"`` (apps still on 5.2–6.1 defaults). ``rotations`` lists older
/// ``(secret_key_base, digest)`` pairs that still decrypt (Rails'
/// ``cookies_rotations.rotate :encrypted``); ``encrypt`` always uses the first.
#[pyclass(module = "tessera._native", name = "RailsCookie", frozen)]
pub struct PyRailsCookie {
    inner: RailsCookie,
}

#[pymethods]
impl PyRailsCookie {
    #[new]
    #[pyo3(signature = (secret_key_base, *, cookie_name, digest = "sha256".to_owned(), rotations = None),
        text_signature = "(secret_key_base, *, cookie_name, digest='sha256', rotations=None)")]
    fn py_new(
        py: Python<'_>,
        secret_key_base: &Bound<'_, PyAny>,
        cookie_name: &Bound<'_, PyAny>,
        digest: String,
        rotations: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let base = zeroize::Zeroizing::new(bytes_arg(secret_key_base, "secret_key_base")?);
        let name = str_arg(cookie_name, "cookie_name")?;
        let digest = RailsDigest::parse(&digest).py_err()?;
        let mut older = Vec::new();
        if let Some(list) = rotations {
            for item in list.try_iter()? {
                let item = item?;
                let (skb, d): (Bound<'_, PyAny>, String) = item.extract().map_err(|_| {
                    type_error(format!(
                        "rotations must hold (secret_key_base, digest) pairs, not {}",
                        type_name(&item)
                    ))
                })?;
                older.push((
                    zeroize::Zeroizing::new(bytes_arg(&skb, "rotations")?),
                    RailsDigest::parse(&d).py_err()?,
                ));
            }
        }
        // PBKDF2 (1000 iterations) takes about a millisecond per key: without the GIL.
        py.detach(|| RailsCookie::with_rotations(&base, &name, digest, &older))
            .py_err()
            .map(|inner| PyRailsCookie { inner })
    }

    /// The cookie name (the purpose is ``cookie.<name>``).
    #[getter]
    fn cookie_name(&self) -> &str {
        self.inner.name()
    }

    /// The cookie value (Rack-escaped, as Rails sends it) for ``data``, any
    /// JSON value (a ``str`` is a JSON string here, as in Rails), expiring
    /// at ``expires_at`` (Unix seconds or ``datetime``) or never.
    #[pyo3(signature = (data, expires_at = None))]
    fn encrypt(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        expires_at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let json = write_json(data, Style::Json)?;
        let exp = expires_at
            .filter(|e| !e.is_none())
            .map(|e| millis(e, "expires_at"))
            .transpose()?;
        detach_for(py, json.len(), || self.inner.encrypt(&json, exp)).py_err()
    }

    /// The value in ``cookie`` (escaped or not) if it decrypts, is for this
    /// cookie name and has not expired at ``now`` (Unix seconds or
    /// ``datetime``; default: the clock).
    #[pyo3(signature = (cookie, now = None))]
    fn decrypt<'py>(
        &self,
        py: Python<'py>,
        cookie: &Bound<'py, PyAny>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let cookie = text_arg(cookie, "cookie")?;
        let now_ms = match now.filter(|n| !n.is_none()) {
            Some(n) => millis(n, "now")?,
            None => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                .map_err(|_| out_of_range("the system clock"))?,
        };
        let json = detach_for(py, cookie.len(), || self.inner.decrypt(&cookie, now_ms)).py_err()?;
        json_to_py(py, &json)
    }
}
