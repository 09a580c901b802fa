//! `CsrfTokens`: CSRF synchronizer tokens bound to a session.

use std::sync::Arc;

use crate::Result;

/// CSRF tokens bound to a session id (nothing stored: any server with the
/// secret checks a token for the session it serves). `secrets` each >= 32
/// bytes: the first generates, every one verifies. Immutable and thread-safe.
#[derive(Debug, uniffi::Object)]
pub struct CsrfTokens {
    inner: tessera::cookie::csrf::CsrfTokens,
}

#[uniffi::export]
impl CsrfTokens {
    /// No secret, or one under 32 bytes, is `INVALID_KEY`.
    #[uniffi::constructor]
    pub fn new(secrets: Vec<Vec<u8>>) -> Result<Arc<Self>> {
        let secrets = super::wiped(secrets);
        Ok(Arc::new(CsrfTokens {
            inner: tessera::cookie::csrf::CsrfTokens::new(&secrets)?,
        }))
    }

    /// A fresh token for `sessionId` (different on every call).
    pub fn generate(&self, session_id: String) -> Result<String> {
        Ok(self.inner.generate(&session_id)?)
    }

    /// Returns when `token` was generated for `sessionId`; throws
    /// `INVALID_SIGNATURE` (another session or secret) or `MALFORMED`.
    pub fn verify(&self, session_id: String, token: String) -> Result<()> {
        Ok(self.inner.verify(&session_id, &token)?)
    }
}
