//! `RemoteKeySet`: a JWKS fetched from a URL and cached (wraps
//! `tessera::jwks::RemoteKeySet`; the policy is the core's, see
//! `core/src/jwks.rs`).
//!
//! `keys` and `refresh` may wait on the network (up to the `timeout`
//! option), so they run on the libuv pool and return promises. `status`,
//! `exportCache` and `importCache` only take the cache's lock (never held
//! across a fetch), so they are sync.

use napi::bindgen_prelude::AsyncTask;
use napi_derive::napi;

use crate::errors::{to_js_err, Result};
use crate::keyset::KeySet;
use crate::tasks::Blocking;

/// A remote JWKS with its cache (native half of `jwks.RemoteKeySet`;
/// clones of the core object share the cache, so a `Verifier` built on it
/// sees the same keys).
#[napi]
pub struct RemoteKeySet {
    pub(crate) inner: tessera::jwks::RemoteKeySet,
}

#[napi]
impl RemoteKeySet {
    /// `options` is JSON text with the core's option names (snake_case,
    /// seconds): `RemoteOptions::from_json`. No I/O.
    #[napi(constructor, catch_unwind)]
    pub fn new(url: String, options: Option<String>) -> Result<RemoteKeySet> {
        let opts = match options.as_deref() {
            None => tessera::jwks::RemoteOptions::default(),
            Some(json) => tessera::jwks::RemoteOptions::from_json(json).map_err(to_js_err)?,
        };
        tessera::jwks::RemoteKeySet::new(&url, opts)
            .map(|inner| RemoteKeySet { inner })
            .map_err(to_js_err)
    }

    /// The URL (without any user info).
    #[napi(getter, catch_unwind)]
    pub fn url(&self) -> String {
        self.inner.url().to_owned()
    }

    /// The current set (cached, refetched, or stale); libuv pool.
    #[napi(catch_unwind)]
    pub fn keys(&self) -> AsyncTask<Blocking<KeySet>> {
        let inner = self.inner.clone();
        Blocking::task(move || inner.keys().map(|inner| KeySet { inner }))
    }

    /// Fetches now (sharing a request in flight); libuv pool.
    #[napi(catch_unwind)]
    pub fn refresh(&self) -> AsyncTask<Blocking<KeySet>> {
        let inner = self.inner.clone();
        Blocking::task(move || inner.refresh().map(|inner| KeySet { inner }))
    }

    /// The cache's state as JSON text (`Status::to_json`; JS makes Dates
    /// and a TesseraError of it).
    #[napi(catch_unwind)]
    pub fn status(&self) -> String {
        self.inner.status().to_json()
    }

    /// The cache as JSON text, or null while nothing is cached.
    #[napi(catch_unwind)]
    pub fn export_cache(&self) -> Option<String> {
        self.inner.export_cache()
    }

    /// Loads an exported cache (`INVALID_ARGUMENT` for another URL or bad text).
    #[napi(catch_unwind)]
    pub fn import_cache(&self, data: String) -> Result<()> {
        self.inner.import_cache(&data).map_err(to_js_err)
    }
}
