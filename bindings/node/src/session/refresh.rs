//! `RefreshTokens`: rotating refresh tokens in families (wraps
//! `tessera::session::RefreshTokens`).

use std::sync::Arc;

use napi::bindgen_prelude::AsyncTask;
use napi_derive::napi;

use super::store::Store;
use super::{duration, number};
use crate::errors::{to_js_err, Result};
use crate::tasks::Blocking;

/// A successful rotation; `data` is JSON object text.
#[napi(object)]
pub struct RotatedToken {
    pub user_id: String,
    pub data: Option<String>,
    pub token: String,
}

/// Refresh tokens on a store (native half of `sessions.RefreshTokens`).
#[napi]
pub struct RefreshTokens {
    inner: Arc<tessera::session::RefreshTokens>,
}

#[napi]
impl RefreshTokens {
    /// `ttl` in seconds (each token's lifetime).
    #[napi(constructor, catch_unwind)]
    pub fn new(store: &Store, ttl: f64) -> Result<RefreshTokens> {
        let ttl = duration("ttl", ttl).map_err(to_js_err)?;
        tessera::session::RefreshTokens::new(store.shared(), ttl)
            .map(|r| RefreshTokens { inner: Arc::new(r) })
            .map_err(to_js_err)
    }

    /// Starts a family; resolves to its first token.
    #[napi(catch_unwind)]
    pub fn issue(&self, user_id: String, data: Option<String>) -> AsyncTask<Blocking<String>> {
        let r = self.inner.clone();
        Blocking::task(move || r.issue(&user_id, data.as_deref()))
    }

    /// Retires `token`; resolves to the user, the data and the new token.
    #[napi(catch_unwind)]
    pub fn rotate(&self, token: String) -> AsyncTask<Blocking<RotatedToken>> {
        let r = self.inner.clone();
        Blocking::task(move || {
            r.rotate(&token).map(|t| RotatedToken {
                user_id: t.user_id,
                data: t.data,
                token: t.token,
            })
        })
    }

    /// Revokes the family of `token`; `false` if the token is unknown.
    #[napi(catch_unwind)]
    pub fn revoke_family(&self, token: String) -> AsyncTask<Blocking<bool>> {
        let r = self.inner.clone();
        Blocking::task(move || r.revoke_family(&token))
    }

    /// Revokes every family of `user_id`; resolves to how many were live.
    #[napi(catch_unwind)]
    pub fn revoke_user(&self, user_id: String) -> AsyncTask<Blocking<i64>> {
        let r = self.inner.clone();
        Blocking::task(move || r.revoke_user(&user_id).map(number))
    }

    /// The core's description (for `util.inspect`).
    #[napi(catch_unwind)]
    pub fn describe(&self) -> String {
        format!("{:?}", self.inner)
    }
}
