//! CSRF synchronizer tokens bound to a session (OWASP "synchronizer token"
//! with BREACH masking).
//!
//! The per-session secret is `HMAC-SHA256(K, "tessera-csrf/v1" || session_id)`
//! with `K = HKDF-SHA256(secret, salt = "tessera-csrf/v1", info = "csrf")`, so
//! nothing needs storing: any server holding the secret can check a token for
//! the session it is serving. Each call to [`CsrfTokens::generate`] masks it
//! with 32 fresh random bytes (`token = base64url(mask || mask ⊕ hmac)`), so the
//! token in a compressed response changes every time; [`CsrfTokens::verify`]
//! unmasks and compares in constant time. The first secret generates; every
//! secret verifies (rotation).

use crate::b64;
use crate::crypto::prims::{ct_eq, hkdf_sha256, Hash, Mac};
use crate::crypto::random_bytes;
use crate::error::{invalid_key, malformed, Error, ErrorCode, Result};
use zeroize::Zeroizing;

const CONTEXT: &[u8] = b"tessera-csrf/v1";
const LEN: usize = 32;
/// Length of a token: base64url of 64 bytes, unpadded.
pub const TOKEN_LEN: usize = 86;

/// Generates and checks CSRF tokens bound to a session id.
pub struct CsrfTokens {
    keys: Vec<Mac>,
}

impl std::fmt::Debug for CsrfTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsrfTokens")
            .field("secrets", &self.keys.len())
            .finish_non_exhaustive()
    }
}

impl CsrfTokens {
    /// Secrets of at least 32 bytes (`INVALID_KEY` otherwise); the first generates.
    pub fn new<S: AsRef<[u8]>>(secrets: &[S]) -> Result<CsrfTokens> {
        if secrets.is_empty() {
            return Err(invalid_key("CsrfTokens needs at least one secret"));
        }
        let keys = secrets
            .iter()
            .map(|s| {
                let s = s.as_ref();
                if s.len() < super::native::MIN_SECRET_LEN {
                    return Err(invalid_key("CSRF secrets must be at least 32 bytes"));
                }
                Ok(Mac::new(
                    Hash::Sha256,
                    &hkdf_sha256(s, CONTEXT, b"csrf", 32)?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(CsrfTokens { keys })
    }

    /// A fresh masked token for `session_id`.
    pub fn generate(&self, session_id: &str) -> Result<String> {
        // The per-session secret is wiped when dropped; only its masked form leaves.
        let raw = Zeroizing::new(self.keys[0].sign(&[CONTEXT, session_id.as_bytes()]));
        let mut token = random_bytes(2 * LEN)?;
        let (mask, masked) = token.split_at_mut(LEN);
        for ((t, r), m) in masked.iter_mut().zip(raw.iter()).zip(mask.iter()) {
            *t = r ^ m;
        }
        Ok(b64::encode(&token))
    }

    /// Checks `token` for `session_id`: `MALFORMED` if it is not a token's
    /// shape, `INVALID_SIGNATURE` if it belongs to another session or secret.
    pub fn verify(&self, session_id: &str, token: &str) -> Result<()> {
        if token.len() != TOKEN_LEN {
            return Err(malformed("CSRF token has the wrong length"));
        }
        let bytes = b64::decode(token).map_err(|_| malformed("CSRF token is not base64url"))?;
        let (mask, masked) = bytes.split_at(LEN);
        let raw: Zeroizing<Vec<u8>> =
            Zeroizing::new(mask.iter().zip(masked).map(|(m, x)| m ^ x).collect());
        let mut ok = false;
        for key in &self.keys {
            let expected = Zeroizing::new(key.sign(&[CONTEXT, session_id.as_bytes()]));
            ok |= ct_eq(&expected, &raw);
        }
        if ok {
            Ok(())
        } else {
            Err(Error::new(
                ErrorCode::InvalidSignature,
                "CSRF token does not match this session",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_bind_to_session_and_rotate() {
        let old = CsrfTokens::new(&[[7u8; 32]]).unwrap();
        let new = CsrfTokens::new(&[[9u8; 32], [7u8; 32]]).unwrap();
        let a = old.generate("sid-1").unwrap();
        let b = old.generate("sid-1").unwrap();
        assert_ne!(a, b, "masked per call");
        assert_eq!(a.len(), TOKEN_LEN);
        old.verify("sid-1", &a).unwrap();
        new.verify("sid-1", &b).unwrap();
        assert_eq!(
            old.verify("sid-2", &a).unwrap_err().code(),
            ErrorCode::InvalidSignature
        );
        let fresh = new.generate("sid-1").unwrap();
        assert_eq!(
            old.verify("sid-1", &fresh).unwrap_err().code(),
            ErrorCode::InvalidSignature
        );
        assert_eq!(
            old.verify("sid-1", "short").unwrap_err().code(),
            ErrorCode::Malformed
        );
        let mut flipped = a.clone().into_bytes();
        flipped[40] = if flipped[40] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).unwrap();
        assert!(old.verify("sid-1", &flipped).is_err());
        assert!(CsrfTokens::new(&[[1u8; 16]]).is_err());
    }
}
