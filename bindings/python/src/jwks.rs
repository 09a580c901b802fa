//! `tessera.jwks.RemoteKeySet`: the core's `jwks::RemoteKeySet` (a JWKS
//! fetched from an identity provider's URL and cached; the policy is the
//! core's, see core/src/jwks.rs and docs/jwks.md).
//!
//! Conversion only. Every method that may fetch, wait for a fetch in flight
//! or take the cache's lock runs with the GIL released, so a thread blocked
//! on a slow provider never stalls the interpreter; the `*_async` methods
//! run the blocking call in a worker thread (`tessera._aio`), never on the
//! event loop.

use std::time::{SystemTime, UNIX_EPOCH};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyAny, PyString, PyTuple, PyType};
use tessera::jwks::{RemoteKeySet, RemoteOptions};

use crate::convert::duration;
use crate::errors::{to_py_err, IntoPy};
use crate::header::str_arg;
use crate::keyset::PyKeySet;
use crate::session::count;

/// The pure-Python pieces (`tessera/jwks.py`, `tessera/_aio.py`), imported
/// once, on first use.
static STATUS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TO_THREAD: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static INLINE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// A coroutine that runs `f(*args)` in a worker thread
/// (`asyncio.to_thread`): for calls that may block on I/O.
pub(crate) fn in_thread<'py>(
    f: &Bound<'py, PyAny>,
    args: &[Bound<'py, PyAny>],
) -> PyResult<Bound<'py, PyAny>> {
    let to_thread = TO_THREAD.import(f.py(), "tessera._aio", "to_thread")?;
    call_with(to_thread, f, args)
}

/// A coroutine that runs `f(*args)` when awaited, on the loop's thread: for
/// calls that never block (CPU work of microseconds).
pub(crate) fn inline<'py>(
    f: &Bound<'py, PyAny>,
    args: &[Bound<'py, PyAny>],
) -> PyResult<Bound<'py, PyAny>> {
    let call = INLINE.import(f.py(), "tessera._aio", "call")?;
    call_with(call, f, args)
}

fn call_with<'py>(
    runner: &Bound<'py, PyAny>,
    f: &Bound<'py, PyAny>,
    args: &[Bound<'py, PyAny>],
) -> PyResult<Bound<'py, PyAny>> {
    let mut all = Vec::with_capacity(args.len() + 1);
    all.push(f.clone());
    all.extend(args.iter().cloned());
    runner.call1(PyTuple::new(f.py(), all)?)
}

/// Microseconds since the Unix epoch (negative before it).
fn micros(t: Option<SystemTime>) -> Option<i64> {
    t.map(|t| match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_micros()).map_or(i64::MIN, |m| -m),
    })
}

/// A JWKS fetched from ``url`` and cached: see ``tessera.jwks``.
#[pyclass(module = "tessera._native", name = "RemoteKeySet", frozen)]
pub struct PyRemoteKeySet {
    pub(crate) inner: RemoteKeySet,
}

/// An optional duration option: `None` keeps the default.
fn opt_duration(
    v: Option<&Bound<'_, PyAny>>,
    name: &str,
    default: std::time::Duration,
) -> PyResult<std::time::Duration> {
    Ok(duration(v, name)?.unwrap_or(default))
}

#[pymethods]
impl PyRemoteKeySet {
    #[new]
    #[pyo3(signature = (url, *, max_age = None, cooldown = None, timeout = None, min_age = None,
        max_bytes = None, negative_ttl = None, max_stale = None, max_redirects = None,
        ca_pem = None),
        text_signature = "(url, *, max_age=300, cooldown=30, timeout=5.0, min_age=30, max_bytes=524288, negative_ttl=300, max_stale=None, max_redirects=3, ca_pem=None)")]
    #[allow(clippy::too_many_arguments)]
    fn py_new(
        py: Python<'_>,
        url: &Bound<'_, PyAny>,
        max_age: Option<&Bound<'_, PyAny>>,
        cooldown: Option<&Bound<'_, PyAny>>,
        timeout: Option<&Bound<'_, PyAny>>,
        min_age: Option<&Bound<'_, PyAny>>,
        max_bytes: Option<&Bound<'_, PyAny>>,
        negative_ttl: Option<&Bound<'_, PyAny>>,
        max_stale: Option<&Bound<'_, PyAny>>,
        max_redirects: Option<&Bound<'_, PyAny>>,
        ca_pem: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let url = str_arg(url, "url")?;
        let d = RemoteOptions::default();
        let opts = RemoteOptions {
            max_age: opt_duration(max_age, "max_age", d.max_age)?,
            min_age: opt_duration(min_age, "min_age", d.min_age)?,
            cooldown: opt_duration(cooldown, "cooldown", d.cooldown)?,
            timeout: opt_duration(timeout, "timeout", d.timeout)?,
            negative_ttl: opt_duration(negative_ttl, "negative_ttl", d.negative_ttl)?,
            max_stale: duration(max_stale, "max_stale")?,
            max_bytes: match max_bytes.filter(|v| !v.is_none()) {
                Some(v) => count(v, "max_bytes")?,
                None => d.max_bytes,
            },
            max_redirects: match max_redirects.filter(|v| !v.is_none()) {
                Some(v) => count(v, "max_redirects")?,
                None => d.max_redirects,
            },
            ca_pem: match ca_pem.filter(|v| !v.is_none()) {
                Some(v) => Some(str_arg(v, "ca_pem")?),
                None => None,
            },
        };
        // Parsing a ca_pem builds a TLS configuration: no I/O, but not free.
        py.detach(|| RemoteKeySet::new(&url, opts))
            .py_err()
            .map(|inner| PyRemoteKeySet { inner })
    }

    /// The URL (without any user info).
    #[getter]
    fn url(&self) -> &str {
        self.inner.url()
    }

    /// The current key set: the cached one while fresh; otherwise refetched
    /// (one request shared by concurrent callers) and, if that fails, the
    /// stale one. ``JwksUnavailableError`` when there is no usable set.
    /// Blocks (GIL released) for at most about ``timeout``.
    fn keys(&self, py: Python<'_>) -> PyResult<PyKeySet> {
        let inner = &self.inner;
        py.detach(|| inner.keys())
            .py_err()
            .map(|inner| PyKeySet { inner })
    }

    /// Fetches now (sharing a request in flight). On failure raises
    /// ``JwksUnavailableError`` and keeps the cached set.
    fn refresh(&self, py: Python<'_>) -> PyResult<PyKeySet> {
        let inner = &self.inner;
        py.detach(|| inner.refresh())
            .py_err()
            .map(|inner| PyKeySet { inner })
    }

    /// ``keys()`` in a worker thread: ``await jwks.keys_async()``.
    fn keys_async<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        in_thread(&slf.getattr("keys")?, &[])
    }

    /// ``refresh()`` in a worker thread: ``await jwks.refresh_async()``.
    fn refresh_async<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        in_thread(&slf.getattr("refresh")?, &[])
    }

    /// The cache's state, as a ``tessera.jwks.JwksStatus``.
    fn status<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let inner = &self.inner;
        let s = py.detach(|| inner.status());
        let error = s.last_error.map(|e| to_py_err(e).into_value(py));
        STATUS
            .import(py, "tessera.jwks", "JwksStatus")?
            .call_method1(
                "_from_native",
                (
                    s.url,
                    s.state.as_str(),
                    micros(s.fetched_at),
                    micros(s.fresh_until),
                    error,
                    micros(s.last_error_at),
                    s.keys,
                    s.requests,
                    s.generation,
                ),
            )
    }

    /// The cache as JSON text for ``import_cache`` (another process, a
    /// serverless cold start), or ``None`` while nothing is cached.
    fn export_cache(&self, py: Python<'_>) -> Option<String> {
        let inner = &self.inner;
        py.detach(|| inner.export_cache())
    }

    /// Loads an ``export_cache()`` text (same URL, else
    /// ``InvalidArgumentError``); ignored when the cache holds newer keys.
    fn import_cache(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let data = str_arg(data, "data")?;
        let inner = &self.inner;
        py.detach(|| inner.import_cache(&data)).py_err()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let url = PyString::new(py, self.inner.url()).repr()?;
        Ok(format!("RemoteKeySet({url})"))
    }
}
