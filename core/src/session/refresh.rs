//! `RefreshTokens`: opaque, rotating refresh tokens in families
//! (OAuth 2.0 Security BCP §4.14 "refresh token rotation").
//!
//! `issue` starts a family; `rotate(token)` retires the token and returns a
//! new one in the same family. A retired token presented again means it was
//! copied: the whole family is revoked and the call fails with
//! `REFRESH_TOKEN_REUSED` (and so does every later use of any token of the
//! family). The retirement is a compare-and-swap, so when the same token is
//! presented concurrently exactly one caller gets a new token and the others
//! are treated as reuse. Unknown or expired tokens are `SESSION_NOT_FOUND`; a
//! family ended by `revoke_family` is `REVOKED`.

use std::sync::Arc;
use std::time::Duration;

use serde_json::value::RawValue;

use super::record::{self, FamilyRecord, RefreshRecord, Revoked, TokenState, VERSION};
use super::store::SessionStore;
use super::{check_label, hashed_key, is_id, millis, new_id, now_ms};
use crate::error::{invalid_argument, malformed, Error, ErrorCode, Result};

/// The outcome of a successful rotation. Its `Debug` leaves the token out.
#[derive(Clone, PartialEq, Eq)]
pub struct Rotated {
    /// The user the family belongs to.
    pub user_id: String,
    /// The data given to `issue` (JSON text), if any.
    pub data: Option<String>,
    /// The new refresh token (the presented one is now retired).
    pub token: String,
}

impl std::fmt::Debug for Rotated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rotated")
            .field("user_id", &self.user_id)
            .field("data", &self.data)
            .field("token", &"<redacted>")
            .finish()
    }
}

/// Rotating refresh tokens on a store (see the module docs).
pub struct RefreshTokens {
    store: Arc<dyn SessionStore>,
    ttl_ms: u64,
}

impl std::fmt::Debug for RefreshTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshTokens")
            .field("ttl_ms", &self.ttl_ms)
            .finish_non_exhaustive()
    }
}

fn not_found() -> Error {
    Error::new(
        ErrorCode::SessionNotFound,
        "unknown or expired refresh token",
    )
}

fn reused() -> Error {
    Error::new(
        ErrorCode::RefreshTokenReused,
        "refresh token was already used: its whole family is now revoked",
    )
}

impl RefreshTokens {
    /// Tokens valid for `ttl` each (every rotation starts a fresh `ttl`).
    pub fn new(store: Arc<dyn SessionStore>, ttl: Duration) -> Result<RefreshTokens> {
        Ok(RefreshTokens {
            store,
            ttl_ms: millis("ttl", ttl)?,
        })
    }

    fn family_key(family: &str) -> String {
        format!("f:{family}")
    }

    /// Stores a new active token of `family`; returns it.
    fn mint(&self, family: &str, user: &str, data: Option<&RawValue>, now: i64) -> Result<String> {
        let expires = now.saturating_add(i64::try_from(self.ttl_ms).unwrap_or(i64::MAX));
        let rec = record::encode(&RefreshRecord {
            v: VERSION,
            family: family.to_owned(),
            user: user.to_owned(),
            data,
            state: TokenState::Active,
            expires,
        });
        for _ in 0..3 {
            let token = new_id()?;
            if self
                .store
                .set_nx(&hashed_key("r", &token), &rec, self.ttl_ms)?
            {
                return Ok(token);
            }
        }
        Err(Error::new(
            ErrorCode::Internal,
            "could not allocate a fresh refresh token",
        ))
    }

    /// Starts a family for `user_id`, with optional `data` (JSON text)
    /// returned by every rotation; returns its first token.
    pub fn issue(&self, user_id: &str, data: Option<&str>) -> Result<String> {
        check_label("user_id", user_id)?;
        let data = data
            .map(|d| {
                crate::json::validate_object(d, "refresh token data")
                    .map_err(|e| invalid_argument(e.message().to_owned()))?;
                RawValue::from_string(d.to_owned()).map_err(|e| invalid_argument(e.to_string()))
            })
            .transpose()?;
        let family = crate::b64::encode(&crate::crypto::random_bytes(16)?);
        let fam = record::encode(&FamilyRecord {
            v: VERSION,
            user: user_id.to_owned(),
            revoked: None,
        });
        self.store
            .set(&Self::family_key(&family), &fam, self.ttl_ms)?;
        self.store
            .set_add(&format!("g:{user_id}"), &family, self.ttl_ms)?;
        self.mint(&family, user_id, data.as_deref(), now_ms())
    }

    fn revoke(&self, family: &str, user: &str, why: Revoked) -> Result<()> {
        let fam = record::encode(&FamilyRecord {
            v: VERSION,
            user: user.to_owned(),
            revoked: Some(why),
        });
        self.store.set(&Self::family_key(family), &fam, self.ttl_ms)
    }

    /// Retires `token` and returns a new one (see the module docs for errors).
    pub fn rotate(&self, token: &str) -> Result<Rotated> {
        if !is_id(token) {
            return Err(malformed("not a refresh token"));
        }
        let key = hashed_key("r", token);
        let bytes = self.store.get(&key)?.ok_or_else(not_found)?;
        let rec: RefreshRecord<'_> = record::decode("refresh token", &bytes)?;
        let now = now_ms();
        if now >= rec.expires {
            return Err(not_found());
        }
        match self.store.get(&Self::family_key(&rec.family))? {
            None => return Err(not_found()),
            Some(f) => match record::decode::<FamilyRecord>("refresh family", &f)?.revoked {
                Some(Revoked::Reused) => return Err(reused()),
                Some(Revoked::Revoked) => {
                    return Err(Error::new(
                        ErrorCode::Revoked,
                        "refresh token family was revoked",
                    ))
                }
                None => {}
            },
        }
        if rec.state == TokenState::Rotated {
            self.revoke(&rec.family, &rec.user, Revoked::Reused)?;
            return Err(reused());
        }
        // Retire it, keeping it (until it would have expired) to detect reuse.
        let retired = record::encode(&RefreshRecord {
            state: TokenState::Rotated,
            data: rec.data,
            ..clone_head(&rec)
        });
        let left = u64::try_from(rec.expires - now).unwrap_or(1).max(1);
        if !self
            .store
            .compare_and_swap(&key, &bytes, Some((&retired, left)))?
        {
            // Someone rotated it at the same moment: one presentation too many.
            self.revoke(&rec.family, &rec.user, Revoked::Reused)?;
            return Err(reused());
        }
        let new = self.mint(&rec.family, &rec.user, rec.data, now)?;
        self.store
            .expire(&Self::family_key(&rec.family), self.ttl_ms)?;
        self.store
            .set_add(&format!("g:{}", rec.user), &rec.family, self.ttl_ms)?;
        Ok(Rotated {
            user_id: rec.user.clone(),
            data: rec.data.map(|d| d.get().to_owned()),
            token: new,
        })
    }

    /// Revokes the family of `token` (any token of it, current or retired):
    /// its tokens then fail with `REVOKED`. `false` if the token is unknown.
    pub fn revoke_family(&self, token: &str) -> Result<bool> {
        if !is_id(token) {
            return Ok(false);
        }
        let Some(bytes) = self.store.get(&hashed_key("r", token))? else {
            return Ok(false);
        };
        let rec: RefreshRecord<'_> = record::decode("refresh token", &bytes)?;
        self.revoke(&rec.family, &rec.user, Revoked::Revoked)?;
        Ok(true)
    }
}

impl RefreshTokens {
    /// Revokes every family of `user_id` ("log out everywhere" for refresh
    /// tokens); returns how many were still live.
    pub fn revoke_user(&self, user_id: &str) -> Result<u64> {
        check_label("user_id", user_id)?;
        let index = format!("g:{user_id}");
        let mut n = 0;
        for family in self.store.set_members(&index)? {
            let key = Self::family_key(&family);
            if let Some(bytes) = self.store.get(&key)? {
                let rec: FamilyRecord = record::decode("refresh family", &bytes)?;
                if rec.revoked.is_none() {
                    n += 1;
                }
                if rec.revoked != Some(Revoked::Reused) {
                    self.revoke(&family, user_id, Revoked::Revoked)?;
                }
            }
            self.store.set_remove(&index, &family)?;
        }
        Ok(n)
    }
}

fn clone_head<'a>(r: &RefreshRecord<'a>) -> RefreshRecord<'a> {
    RefreshRecord {
        v: r.v,
        family: r.family.clone(),
        user: r.user.clone(),
        data: r.data,
        state: r.state,
        expires: r.expires,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::MemoryStore;

    #[test]
    fn rotation_reuse_and_revocation() {
        let store = Arc::new(MemoryStore::default());
        let rt = RefreshTokens::new(store, Duration::from_secs(60)).unwrap();
        let t0 = rt.issue("alice", Some(r#"{"scope":"a"}"#)).unwrap();
        let r1 = rt.rotate(&t0).unwrap();
        assert_eq!(
            (r1.user_id.as_str(), r1.data.as_deref()),
            ("alice", Some(r#"{"scope":"a"}"#))
        );
        let r2 = rt.rotate(&r1.token).unwrap();
        assert_eq!(
            rt.rotate(&t0).unwrap_err().code(),
            ErrorCode::RefreshTokenReused
        );
        assert_eq!(
            rt.rotate(&r2.token).unwrap_err().code(),
            ErrorCode::RefreshTokenReused
        );
        let other = rt.issue("bob", None).unwrap();
        assert!(rt.revoke_family(&other).unwrap());
        assert_eq!(rt.rotate(&other).unwrap_err().code(), ErrorCode::Revoked);
        assert_eq!(rt.rotate("x").unwrap_err().code(), ErrorCode::Malformed);
        let d1 = rt.issue("dave", None).unwrap();
        let d2 = rt.issue("dave", None).unwrap();
        let d1 = rt.rotate(&d1).unwrap().token;
        assert_eq!(rt.revoke_user("dave").unwrap(), 2);
        assert_eq!(rt.rotate(&d1).unwrap_err().code(), ErrorCode::Revoked);
        assert_eq!(rt.rotate(&d2).unwrap_err().code(), ErrorCode::Revoked);
        assert_eq!(rt.revoke_user("dave").unwrap(), 0);
        assert_eq!(
            rt.rotate(&"A".repeat(43)).unwrap_err().code(),
            ErrorCode::SessionNotFound
        );
    }

    #[test]
    fn concurrent_rotation_has_one_winner() {
        let store = Arc::new(MemoryStore::default());
        let rt = Arc::new(RefreshTokens::new(store, Duration::from_secs(60)).unwrap());
        for _ in 0..20 {
            let t = rt.issue("carol", None).unwrap();
            let results: Vec<_> = std::thread::scope(|s| {
                (0..8)
                    .map(|_| s.spawn(|| rt.rotate(&t)))
                    .collect::<Vec<_>>()
                    .into_iter()
                    .map(|h| h.join().unwrap())
                    .collect()
            });
            let wins: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
            assert_eq!(wins.len(), 1);
            assert!(results
                .iter()
                .filter(|r| r.is_err())
                .all(|r| r.as_ref().unwrap_err().code() == ErrorCode::RefreshTokenReused));
            assert_eq!(
                rt.rotate(&wins[0].token).unwrap_err().code(),
                ErrorCode::RefreshTokenReused
            );
        }
    }
}
