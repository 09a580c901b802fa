//! `MemoryStore` and `RedisStore`, and the `store` argument the services take.

use std::sync::Arc;
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::PyString;
use tessera::session::{
    MemoryStore, RedisOptions, RedisStore, SessionStore, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES,
};

use crate::convert::type_name;
use crate::errors::{invalid_argument, type_error, IntoPy};

/// The embedded store: thread-safe, expired entries invisible at once and
/// purged as shards are written, bounded by ``max_entries`` and ``max_bytes``
/// (keys + values + 96 bytes per entry). A write past a limit fails with
/// ``STORE_UNAVAILABLE``; live entries are never evicted. One process only:
/// use ``RedisStore`` to share sessions between processes or machines.
#[pyclass(module = "tessera._native", name = "MemoryStore", frozen)]
pub struct PyMemoryStore {
    pub(crate) inner: Arc<MemoryStore>,
}

#[pymethods]
impl PyMemoryStore {
    #[new]
    #[pyo3(signature = (*, max_entries = None, max_bytes = None),
        text_signature = "(*, max_entries=1000000, max_bytes=268435456)")]
    fn py_new(
        max_entries: Option<&Bound<'_, PyAny>>,
        max_bytes: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let max_entries = match max_entries.filter(|v| !v.is_none()) {
            Some(v) => super::count(v, "max_entries")?,
            None => DEFAULT_MAX_ENTRIES,
        };
        let max_bytes = match max_bytes.filter(|v| !v.is_none()) {
            Some(v) => super::count(v, "max_bytes")?,
            None => DEFAULT_MAX_BYTES,
        };
        Ok(PyMemoryStore {
            inner: Arc::new(MemoryStore::new(max_entries, max_bytes)),
        })
    }

    /// Entries held (live, or expired and not yet purged).
    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// Bytes accounted for against ``max_bytes``.
    #[getter]
    fn bytes_used(&self) -> usize {
        self.inner.bytes()
    }

    /// Removes every expired entry now (writes also do it, shard by shard).
    fn purge_expired(&self, py: Python<'_>) {
        let inner = &self.inner;
        py.detach(|| inner.purge_expired());
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.inner)
    }
}

/// A store on Redis, standalone or Cluster (the same key layout in every
/// language; see docs/sessions.md). Nothing connects at construction: an
/// unreachable server is ``STORE_UNAVAILABLE`` on first use, after at most
/// ``connect_timeout``; every command is bounded by ``io_timeout``; after a
/// Redis restart the next call works on the same object.
#[pyclass(module = "tessera._native", name = "RedisStore", frozen)]
pub struct PyRedisStore {
    pub(crate) inner: Arc<RedisStore>,
}

/// `url`: one URL (`str`) or a sequence of them (Cluster seed nodes).
fn urls(v: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    let want = "url must be str or a sequence of str";
    if v.cast::<PyString>().is_ok() {
        return Ok(vec![super::text(v, "url")?]);
    }
    if v.cast::<pyo3::types::PyBytes>().is_ok() || v.cast::<pyo3::types::PyMapping>().is_ok() {
        return Err(type_error(format!("{want}, not {}", type_name(v))));
    }
    let iter = v
        .try_iter()
        .map_err(|_| type_error(format!("{want}, not {}", type_name(v))))?;
    iter.map(|u| super::text(&u?, "url")).collect()
}

/// A timeout: like any duration, and also more than zero (the pool cannot
/// wait zero seconds; see the report to the core in the module docs).
fn timeout(v: &Bound<'_, PyAny>, name: &str) -> PyResult<Duration> {
    let d = super::required_duration(v, name)?;
    if d.is_zero() {
        return Err(invalid_argument(format!(
            "{name} must be more than 0 seconds"
        )));
    }
    Ok(d)
}

#[pymethods]
impl PyRedisStore {
    #[new]
    #[pyo3(signature = (url, *, prefix = None, pool_size = None, connect_timeout = None,
        io_timeout = None, cluster = false),
        text_signature = "(url, *, prefix='tessera:', pool_size=16, connect_timeout=2.0, io_timeout=2.0, cluster=False)")]
    fn py_new(
        url: &Bound<'_, PyAny>,
        prefix: Option<&Bound<'_, PyAny>>,
        pool_size: Option<&Bound<'_, PyAny>>,
        connect_timeout: Option<&Bound<'_, PyAny>>,
        io_timeout: Option<&Bound<'_, PyAny>>,
        cluster: bool,
    ) -> PyResult<Self> {
        let defaults = RedisOptions::default();
        let opts = RedisOptions {
            prefix: match super::opt_text(prefix, "prefix")? {
                Some(p) => p,
                None => defaults.prefix,
            },
            pool_size: match pool_size.filter(|v| !v.is_none()) {
                Some(n) => super::count(n, "pool_size")?,
                None => defaults.pool_size,
            },
            connect_timeout: match connect_timeout.filter(|v| !v.is_none()) {
                Some(t) => timeout(t, "connect_timeout")?,
                None => defaults.connect_timeout,
            },
            io_timeout: match io_timeout.filter(|v| !v.is_none()) {
                Some(t) => timeout(t, "io_timeout")?,
                None => defaults.io_timeout,
            },
            cluster,
        };
        let urls = urls(url)?;
        RedisStore::new(&urls, opts)
            .py_err()
            .map(|s| PyRedisStore { inner: Arc::new(s) })
    }

    /// Checks that Redis answers; ``StoreUnavailableError`` otherwise.
    fn ping(&self, py: Python<'_>) -> PyResult<()> {
        let inner = &self.inner;
        py.detach(|| inner.ping()).py_err()
    }

    fn __repr__(&self) -> String {
        // The core's Debug never shows a password.
        format!("{:?}", self.inner)
    }
}

/// The `store` argument: a `MemoryStore` or a `RedisStore`.
pub(crate) fn store_arg(v: &Bound<'_, PyAny>) -> PyResult<Arc<dyn SessionStore>> {
    if let Ok(m) = v.cast::<PyMemoryStore>() {
        return Ok(m.get().inner.clone());
    }
    if let Ok(r) = v.cast::<PyRedisStore>() {
        return Ok(r.get().inner.clone());
    }
    Err(type_error(format!(
        "store must be a tessera.sessions.MemoryStore or RedisStore, not {}",
        type_name(v)
    )))
}
