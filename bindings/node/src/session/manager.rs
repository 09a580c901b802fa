//! `SessionManager`: server-side sessions (wraps `tessera::session::SessionManager`).

use std::sync::Arc;

use napi::bindgen_prelude::AsyncTask;
use napi_derive::napi;

use super::store::Store;
use super::{count, duration, number};
use crate::errors::{to_js_err, Result};
use crate::tasks::Blocking;

/// A loaded session; `data` is JSON object text, times Unix milliseconds.
#[napi(object)]
pub struct LoadedSession {
    pub data: String,
    pub user_id: Option<String>,
    pub version: i64,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Server-side sessions on a store (native half of `sessions.SessionManager`).
/// Data crosses as JSON object text, checked by the core.
#[napi]
pub struct SessionManager {
    inner: Arc<tessera::session::SessionManager>,
}

#[napi]
impl SessionManager {
    /// `ttl` and `idle_timeout` in seconds.
    #[napi(constructor, catch_unwind)]
    pub fn new(store: &Store, ttl: f64, idle_timeout: Option<f64>) -> Result<SessionManager> {
        let ttl = duration("ttl", ttl).map_err(to_js_err)?;
        let idle = idle_timeout
            .map(|s| duration("idleTimeout", s))
            .transpose()
            .map_err(to_js_err)?;
        tessera::session::SessionManager::new(store.shared(), ttl, idle)
            .map(|m| SessionManager { inner: Arc::new(m) })
            .map_err(to_js_err)
    }

    /// Creates a session; resolves to its id.
    #[napi(catch_unwind)]
    pub fn create(&self, data: String, user_id: Option<String>) -> AsyncTask<Blocking<String>> {
        let m = self.inner.clone();
        Blocking::task(move || m.create(&data, user_id.as_deref()))
    }

    /// The session, or `null`; restarts the idle timer.
    #[napi(catch_unwind)]
    pub fn load(&self, id: String) -> AsyncTask<Blocking<Option<LoadedSession>>> {
        let m = self.inner.clone();
        Blocking::task(move || {
            Ok(m.load(&id)?.map(|s| LoadedSession {
                data: s.data,
                user_id: s.user_id,
                version: number(s.version),
                created_at: s.created_at,
                expires_at: s.expires_at,
            }))
        })
    }

    /// Compare-and-swap save at `version`; resolves to the new version.
    #[napi(catch_unwind)]
    pub fn save(&self, id: String, data: String, version: i64) -> AsyncTask<Blocking<i64>> {
        let m = self.inner.clone();
        Blocking::task(move || {
            let version = count::<u64>("version", version)?;
            m.save(&id, &data, version).map(number)
        })
    }

    /// A request's top-level changes (`loaded` → `data`) onto the newest
    /// version (`save_changes`); resolves to the session as saved.
    #[napi(catch_unwind)]
    pub fn save_changes(
        &self,
        id: String,
        loaded: String,
        data: String,
    ) -> AsyncTask<Blocking<Option<LoadedSession>>> {
        let m = self.inner.clone();
        Blocking::task(move || {
            let s = m.save_changes(&id, &loaded, &data)?;
            Ok(Some(LoadedSession {
                data: s.data,
                user_id: s.user_id,
                version: number(s.version),
                created_at: s.created_at,
                expires_at: s.expires_at,
            }))
        })
    }

    /// RFC 7396 merge patch, atomically; resolves to the new version.
    #[napi(catch_unwind)]
    pub fn merge(&self, id: String, patch: String) -> AsyncTask<Blocking<i64>> {
        let m = self.inner.clone();
        Blocking::task(move || m.merge(&id, &patch).map(number))
    }

    /// Restarts the idle timer; `false` if there is no such session.
    #[napi(catch_unwind)]
    pub fn touch(&self, id: String) -> AsyncTask<Blocking<bool>> {
        let m = self.inner.clone();
        Blocking::task(move || m.touch(&id))
    }

    /// Ends the session; `false` if there was none.
    #[napi(catch_unwind)]
    pub fn destroy(&self, id: String) -> AsyncTask<Blocking<bool>> {
        let m = self.inner.clone();
        Blocking::task(move || m.destroy(&id))
    }

    /// Moves the session to a new id (`null` if there is none); with
    /// `user_id`, the session also becomes that user's (`rotate_for_user`).
    #[napi(catch_unwind)]
    pub fn rotate(
        &self,
        id: String,
        user_id: Option<String>,
    ) -> AsyncTask<Blocking<Option<String>>> {
        let m = self.inner.clone();
        Blocking::task(move || match user_id {
            None => m.rotate(&id),
            Some(u) => m.rotate_for_user(&id, &u),
        })
    }

    /// Ends every session of `user_id`; resolves to how many were live.
    #[napi(catch_unwind)]
    pub fn destroy_user(&self, user_id: String) -> AsyncTask<Blocking<i64>> {
        let m = self.inner.clone();
        Blocking::task(move || m.destroy_user(&user_id).map(number))
    }

    /// The core's description (for `util.inspect`).
    #[napi(catch_unwind)]
    pub fn describe(&self) -> String {
        format!("{:?}", self.inner)
    }
}
