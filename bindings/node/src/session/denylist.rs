//! `Denylist`: revoked JWT ids on a store (wraps `tessera::session::Denylist`).

use std::sync::Arc;

use napi::bindgen_prelude::AsyncTask;
use napi_derive::napi;

use super::store::Store;
use crate::tasks::Blocking;

/// Revoked `jti`s, each kept until its token's `exp` (native half of
/// `sessions.Denylist`; `Verifier` takes it).
#[napi]
pub struct Denylist {
    pub(crate) inner: Arc<tessera::session::Denylist>,
    /// On a remote store: consulting it may wait on the network, so a
    /// `Verifier` refuses to do it on the event loop (`verify`).
    pub(crate) remote: bool,
}

#[napi]
impl Denylist {
    #[napi(constructor, catch_unwind)]
    pub fn new(store: &Store) -> Denylist {
        Denylist {
            inner: Arc::new(tessera::session::Denylist::new(store.shared())),
            remote: store.is_remote(),
        }
    }

    /// Revokes `jti` until `exp` (Unix seconds); libuv pool.
    #[napi(catch_unwind)]
    pub fn revoke(&self, jti: String, exp: i64) -> AsyncTask<Blocking<()>> {
        let inner = self.inner.clone();
        Blocking::task(move || inner.revoke(&jti, exp))
    }

    /// Whether `jti` is revoked; libuv pool.
    #[napi(catch_unwind)]
    pub fn is_revoked(&self, jti: String) -> AsyncTask<Blocking<bool>> {
        let inner = self.inner.clone();
        Blocking::task(move || inner.is_revoked(&jti))
    }
}
