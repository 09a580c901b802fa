//! `Store`: the native half of both `MemoryStore` and `RedisStore` in
//! `node/lib/sessions.js` (one class, so every service takes either).

use std::sync::Arc;

use napi::bindgen_prelude::AsyncTask;
use napi_derive::napi;
use tessera::session::{
    MemoryStore, RedisOptions, RedisStore, SessionStore, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES,
};

use super::{count, duration};
use crate::errors::{to_js_err, Result};
use crate::tasks::Blocking;

enum Kind {
    Memory(Arc<MemoryStore>),
    Redis(Arc<RedisStore>),
}

/// A session store: the embedded `MemoryStore` or a `RedisStore`.
#[napi]
pub struct Store {
    kind: Kind,
}

impl Store {
    /// The store, as the services take it.
    pub(crate) fn shared(&self) -> Arc<dyn SessionStore> {
        match &self.kind {
            Kind::Memory(m) => m.clone(),
            Kind::Redis(r) => r.clone(),
        }
    }

    /// Whether a call may wait on the network (anything but the memory store).
    pub(crate) fn is_remote(&self) -> bool {
        matches!(self.kind, Kind::Redis(_))
    }
}

/// A timeout in seconds, or the default (zero is the core's INVALID_ARGUMENT).
fn timeout(
    what: &str,
    seconds: Option<f64>,
    default: std::time::Duration,
) -> tessera::Result<std::time::Duration> {
    seconds.map_or(Ok(default), |s| duration(what, s))
}

#[napi]
impl Store {
    /// The embedded store, bounded by `max_entries` and `max_bytes` (the
    /// core's defaults when absent).
    #[napi(factory, catch_unwind)]
    pub fn memory(max_entries: Option<i64>, max_bytes: Option<i64>) -> Result<Store> {
        let entries = max_entries
            .map(|n| count::<usize>("maxEntries", n))
            .transpose()
            .map_err(to_js_err)?
            .unwrap_or(DEFAULT_MAX_ENTRIES);
        let bytes = max_bytes
            .map(|n| count::<usize>("maxBytes", n))
            .transpose()
            .map_err(to_js_err)?
            .unwrap_or(DEFAULT_MAX_BYTES);
        Ok(Store {
            kind: Kind::Memory(Arc::new(MemoryStore::new(entries, bytes))),
        })
    }

    /// A Redis store (one URL, or Cluster seed nodes); nothing connects yet.
    /// Timeouts in seconds; absent options keep the core's defaults.
    #[napi(factory, catch_unwind)]
    pub fn redis(
        urls: Vec<String>,
        prefix: Option<String>,
        pool_size: Option<i64>,
        connect_timeout: Option<f64>,
        io_timeout: Option<f64>,
        cluster: Option<bool>,
    ) -> Result<Store> {
        let d = RedisOptions::default();
        let opts = (|| {
            Ok::<_, tessera::Error>(RedisOptions {
                prefix: prefix.unwrap_or(d.prefix),
                pool_size: pool_size
                    .map(|n| count::<u32>("poolSize", n))
                    .transpose()?
                    .unwrap_or(d.pool_size),
                connect_timeout: timeout("connectTimeout", connect_timeout, d.connect_timeout)?,
                io_timeout: timeout("ioTimeout", io_timeout, d.io_timeout)?,
                cluster: cluster.unwrap_or(d.cluster),
            })
        })()
        .map_err(to_js_err)?;
        RedisStore::new(&urls, opts)
            .map(|r| Store {
                kind: Kind::Redis(Arc::new(r)),
            })
            .map_err(to_js_err)
    }

    /// Entries held by a memory store (live, or expired and not yet purged).
    #[napi(getter)]
    pub fn entries(&self) -> Option<f64> {
        match &self.kind {
            Kind::Memory(m) => Some(m.len() as f64),
            Kind::Redis(_) => None,
        }
    }

    /// Bytes a memory store accounts for against its `max_bytes`.
    #[napi(getter)]
    pub fn bytes(&self) -> Option<f64> {
        match &self.kind {
            Kind::Memory(m) => Some(m.bytes() as f64),
            Kind::Redis(_) => None,
        }
    }

    /// Removes every expired entry of a memory store now (libuv pool).
    #[napi(catch_unwind)]
    pub fn purge_expired(&self) -> AsyncTask<Blocking<()>> {
        let kind = match &self.kind {
            Kind::Memory(m) => Some(m.clone()),
            Kind::Redis(_) => None,
        };
        Blocking::task(move || {
            if let Some(m) = kind {
                m.purge_expired();
            }
            Ok(())
        })
    }

    /// Checks that the store answers (`STORE_UNAVAILABLE` otherwise); libuv pool.
    #[napi(catch_unwind)]
    pub fn ping(&self) -> AsyncTask<Blocking<()>> {
        let redis = match &self.kind {
            Kind::Memory(_) => None,
            Kind::Redis(r) => Some(r.clone()),
        };
        Blocking::task(move || redis.map_or(Ok(()), |r| r.ping()))
    }

    /// The core's description (never a password), for `util.inspect`.
    #[napi(catch_unwind)]
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Memory(m) => format!("{m:?}"),
            Kind::Redis(r) => format!("{r:?}"),
        }
    }
}
