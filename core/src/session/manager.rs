//! `SessionManager`: server-side sessions on a [`SessionStore`].
//!
//! - `create` makes a 256-bit id and stores the session under its SHA-256.
//! - `load` returns the session or `None` (unknown, expired, idle too long,
//!   or not an id at all). It resets the idle timer in the same round trip.
//! - Saves are versioned: `save(id, data, version)` succeeds only if the
//!   session is still at `version` (the one `load` returned) and answers the
//!   new version; otherwise `SESSION_CONFLICT`, so two overlapping requests
//!   never silently drop a write. `merge(id, patch)` applies an RFC 7396 JSON
//!   merge patch (members set, `null` deletes) atomically, retrying on
//!   concurrent writes, for callers that change a few keys.
//! - `rotate` gives the same session a new id (log-in fixation defence): the
//!   old id is deleted (compare-and-swap) before the new one is written, so
//!   the two never work at the same time.
//! - `destroy_user` ends every session created for a user (a per-user index).
//! - Absolute expiry (`ttl`, from creation) and idle expiry (`idle_timeout`,
//!   from the last load, touch or save) are both enforced.
//!
//! Store failures are `STORE_UNAVAILABLE`, never `None`.

use std::sync::Arc;
use std::time::Duration;

use serde_json::value::RawValue;

use super::record::{self, SessionRecord, VERSION};
use super::store::SessionStore;
use super::{check_label, hashed_key, is_id, millis, new_id, now_ms};
use crate::error::{invalid_argument, Error, ErrorCode, Result};

/// How often `merge` retries against concurrent writers before `SESSION_CONFLICT`.
const MERGE_ATTEMPTS: usize = 16;

/// A loaded session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The session data: JSON object text.
    pub data: String,
    /// The user it was created for, if any.
    pub user_id: Option<String>,
    /// Pass this to [`SessionManager::save`].
    pub version: u64,
    /// Creation time (Unix milliseconds).
    pub created_at: i64,
    /// Absolute expiry (Unix milliseconds).
    pub expires_at: i64,
}

/// Server-side sessions (see the module docs).
pub struct SessionManager {
    store: Arc<dyn SessionStore>,
    ttl_ms: u64,
    idle_ms: Option<u64>,
}

impl std::fmt::Debug for SessionManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionManager")
            .field("ttl_ms", &self.ttl_ms)
            .field("idle_ms", &self.idle_ms)
            .finish_non_exhaustive()
    }
}

fn conflict() -> Error {
    Error::new(
        ErrorCode::SessionConflict,
        "the session changed since it was loaded (another request saved it first); load it again",
    )
}

fn not_found() -> Error {
    Error::new(
        ErrorCode::SessionNotFound,
        "no such session (unknown, expired or destroyed)",
    )
}

fn object(what: &'static str, json: &str) -> Result<()> {
    crate::json::validate_object(json, what)
        .map_err(|e| invalid_argument(format!("{} (session data is a JSON object)", e.message())))
}

impl SessionManager {
    /// Sessions living at most `ttl` from creation and, with `idle_timeout`,
    /// at most that long between uses.
    pub fn new(
        store: Arc<dyn SessionStore>,
        ttl: Duration,
        idle_timeout: Option<Duration>,
    ) -> Result<SessionManager> {
        Ok(SessionManager {
            store,
            ttl_ms: millis("ttl", ttl)?,
            idle_ms: idle_timeout
                .map(|d| millis("idle_timeout", d))
                .transpose()?,
        })
    }

    /// The store's TTL for a session ending at `expires` (ms), at `now`.
    fn store_ttl(&self, expires: i64, now: i64) -> u64 {
        let left = u64::try_from(expires.saturating_sub(now))
            .unwrap_or(0)
            .max(1);
        self.idle_ms.map_or(left, |idle| idle.min(left))
    }

    /// Creates a session holding `data` (a JSON object), optionally for a
    /// user (then [`destroy_user`](Self::destroy_user) reaches it). Returns its id.
    pub fn create(&self, data: &str, user_id: Option<&str>) -> Result<String> {
        object("session data", data)?;
        if let Some(u) = user_id {
            check_label("user_id", u)?;
        }
        let now = now_ms();
        let expires = now.saturating_add(i64::try_from(self.ttl_ms).unwrap_or(i64::MAX));
        let raw =
            RawValue::from_string(data.to_owned()).map_err(|e| invalid_argument(e.to_string()))?;
        let rec = SessionRecord {
            v: VERSION,
            data: &raw,
            user: user_id.map(str::to_owned),
            created: now,
            expires,
            version: 0,
        };
        let bytes = record::encode(&rec);
        // 256 random bits never collide in practice; a collision is retried, never overwritten.
        for _ in 0..3 {
            let id = new_id()?;
            let key = hashed_key("s", &id);
            if self
                .store
                .set_nx(&key, &bytes, self.store_ttl(expires, now))?
            {
                if let Some(u) = user_id {
                    self.index_add(u, &key)?;
                }
                return Ok(id);
            }
        }
        Err(Error::new(
            ErrorCode::Internal,
            "could not allocate a fresh session id",
        ))
    }

    fn index_add(&self, user: &str, key: &str) -> Result<()> {
        self.store
            .set_add(&format!("u:{user}"), &key[2..], self.ttl_ms)
    }

    fn index_remove(&self, user: &str, key: &str) -> Result<()> {
        self.store.set_remove(&format!("u:{user}"), &key[2..])
    }

    /// (store key, raw record, parsed fields) of a live session.
    fn fetch(&self, id: &str, touch: bool) -> Result<Option<(String, Vec<u8>, Session)>> {
        if !is_id(id) {
            return Ok(None);
        }
        let key = hashed_key("s", id);
        let bytes = match (touch, self.idle_ms) {
            (true, Some(idle)) => self.store.get_touch(&key, idle)?,
            _ => self.store.get(&key)?,
        };
        let Some(bytes) = bytes else { return Ok(None) };
        let rec: SessionRecord<'_> = record::decode("session", &bytes)?;
        // Only data create and save accept (a JSON object without duplicate
        // members, nesting ≤ MAX_DEPTH): found by fuzzing, other data loaded
        // and could then not be saved back.
        crate::json::validate_object(rec.data.get(), "session data").map_err(|e| {
            Error::new(
                ErrorCode::Malformed,
                format!("store holds a bad session record: {}", e.message()),
            )
        })?;
        if let Some(u) = &rec.user {
            // What create accepts, so every binding can hand it back (C strings included).
            check_label("user_id", u).map_err(|_| {
                Error::new(
                    ErrorCode::Malformed,
                    "store holds a session with an invalid user id",
                )
            })?;
        }
        let session = Session {
            data: rec.data.get().to_owned(),
            user_id: rec.user.clone(),
            version: rec.version,
            created_at: rec.created,
            expires_at: rec.expires,
        };
        drop(rec);
        if now_ms() >= session.expires_at {
            // Past its absolute expiry (the store may keep it a moment longer).
            self.store.compare_and_swap(&key, &bytes, None)?;
            return Ok(None);
        }
        Ok(Some((key, bytes, session)))
    }

    /// The session, or `None` if there is none under `id`. Resets the idle timer.
    pub fn load(&self, id: &str) -> Result<Option<Session>> {
        Ok(self.fetch(id, true)?.map(|(_, _, s)| s))
    }

    fn write(&self, key: &str, current: &[u8], s: &Session, data: &str) -> Result<Option<u64>> {
        let raw =
            RawValue::from_string(data.to_owned()).map_err(|e| invalid_argument(e.to_string()))?;
        // A stored version of u64::MAX cannot advance (found by fuzzing: it
        // overflowed here).
        let version = s.version.checked_add(1).ok_or_else(|| {
            Error::new(
                ErrorCode::Malformed,
                "store holds a session at the largest version",
            )
        })?;
        let rec = SessionRecord {
            v: VERSION,
            data: &raw,
            user: s.user_id.clone(),
            created: s.created_at,
            expires: s.expires_at,
            version,
        };
        let ttl = self.store_ttl(s.expires_at, now_ms());
        Ok(self
            .store
            .compare_and_swap(key, current, Some((&record::encode(&rec), ttl)))?
            .then_some(version))
    }

    /// Replaces the data of the session at `version` and returns its new
    /// version. `SESSION_CONFLICT` if it was saved since, `SESSION_NOT_FOUND`
    /// if it no longer exists.
    pub fn save(&self, id: &str, data: &str, version: u64) -> Result<u64> {
        object("session data", data)?;
        let (key, current, s) = self.fetch(id, false)?.ok_or_else(not_found)?;
        if s.version != version {
            return Err(conflict());
        }
        self.write(&key, &current, &s, data)?.ok_or_else(conflict)
    }

    /// Applies the RFC 7396 merge patch `patch` (a JSON object: members set,
    /// `null` removes) to the current data, atomically; returns the new version.
    pub fn merge(&self, id: &str, patch: &str) -> Result<u64> {
        object("merge patch", patch)?;
        let patch: serde_json::Value =
            serde_json::from_str(patch).map_err(|e| invalid_argument(e.to_string()))?;
        for _ in 0..MERGE_ATTEMPTS {
            let (key, current, s) = self.fetch(id, false)?.ok_or_else(not_found)?;
            let mut data: serde_json::Value = serde_json::from_str(&s.data).map_err(|e| {
                Error::new(ErrorCode::Malformed, format!("stored session data: {e}"))
            })?;
            merge_patch(&mut data, &patch);
            let text = data.to_string();
            if let Some(v) = self.write(&key, &current, &s, &text)? {
                return Ok(v);
            }
        }
        Err(conflict())
    }

    /// Saves what a request changed, on top of whatever was saved meanwhile:
    /// the top-level members whose value differs between `loaded` (the data
    /// as the request loaded it) and `data` (as it wants it now) are set, the
    /// ones absent from `data` removed, all applied to the newest version and
    /// retried against concurrent writers. This is the "merge" answer to
    /// `SESSION_CONFLICT` that the framework integrations offer. Returns the
    /// session as saved; `SESSION_NOT_FOUND` if it ended meanwhile.
    pub fn save_changes(&self, id: &str, loaded: &str, data: &str) -> Result<Session> {
        use serde_json::{Map, Value};
        let object = |what: &'static str, text: &str| -> Result<Map<String, Value>> {
            object(what, text)?;
            match serde_json::from_str(text) {
                Ok(Value::Object(m)) => Ok(m),
                _ => Err(invalid_argument(format!("{what} is not a JSON object"))),
            }
        };
        let (before, after) = (
            object("loaded data", loaded)?,
            object("session data", data)?,
        );
        let changed: Vec<(&String, &Value)> = after
            .iter()
            .filter(|(k, v)| before.get(*k) != Some(*v))
            .collect();
        let removed: Vec<&String> = before.keys().filter(|k| !after.contains_key(*k)).collect();
        for _ in 0..MERGE_ATTEMPTS {
            let (key, current, s) = self.fetch(id, false)?.ok_or_else(not_found)?;
            let Value::Object(mut latest) = serde_json::from_str(&s.data).map_err(|e| {
                Error::new(ErrorCode::Malformed, format!("stored session data: {e}"))
            })?
            else {
                return Err(Error::new(
                    ErrorCode::Malformed,
                    "stored session data is not an object",
                ));
            };
            for k in &removed {
                latest.remove(*k);
            }
            for (k, v) in &changed {
                latest.insert((*k).clone(), (*v).clone());
            }
            let text = Value::Object(latest).to_string();
            if let Some(version) = self.write(&key, &current, &s, &text)? {
                return Ok(Session {
                    data: text,
                    version,
                    ..s
                });
            }
        }
        Err(conflict())
    }

    /// Resets the idle timer; `false` if there is no such session.
    pub fn touch(&self, id: &str) -> Result<bool> {
        Ok(self.fetch(id, true)?.is_some())
    }

    /// Ends the session; `false` if there was none.
    pub fn destroy(&self, id: &str) -> Result<bool> {
        let Some((key, _, s)) = self.fetch(id, false)? else {
            return Ok(false);
        };
        let existed = self.store.delete(&key)?;
        if let Some(u) = &s.user_id {
            self.index_remove(u, &key)?;
        }
        Ok(existed)
    }

    /// Moves the session to a new id and returns it (`None` if there is no
    /// session under `id`). The old id stops working before the new one
    /// exists; `SESSION_CONFLICT` if the session changed meanwhile.
    pub fn rotate(&self, id: &str) -> Result<Option<String>> {
        self.rotate_impl(id, None)
    }

    /// [`rotate`](Self::rotate) that also makes the session belong to
    /// `user_id` (log-in on an anonymous session: new id, same data, now in
    /// the user's index for [`destroy_user`](Self::destroy_user)).
    pub fn rotate_for_user(&self, id: &str, user_id: &str) -> Result<Option<String>> {
        check_label("user_id", user_id)?;
        self.rotate_impl(id, Some(user_id))
    }

    fn rotate_impl(&self, id: &str, user: Option<&str>) -> Result<Option<String>> {
        let Some((key, current, s)) = self.fetch(id, false)? else {
            return Ok(None);
        };
        if !self.store.compare_and_swap(&key, &current, None)? {
            return Err(conflict());
        }
        let now = now_ms();
        let bytes = match user {
            None => current.clone(),
            Some(u) => {
                let raw = RawValue::from_string(s.data.clone())
                    .map_err(|e| invalid_argument(e.to_string()))?;
                record::encode(&SessionRecord {
                    v: VERSION,
                    data: &raw,
                    user: Some(u.to_owned()),
                    created: s.created_at,
                    expires: s.expires_at,
                    version: s.version,
                })
            }
        };
        let new_user = user.map(str::to_owned).or_else(|| s.user_id.clone());
        for _ in 0..3 {
            let new = new_id()?;
            let new_key = hashed_key("s", &new);
            if self
                .store
                .set_nx(&new_key, &bytes, self.store_ttl(s.expires_at, now))?
            {
                if let Some(u) = &s.user_id {
                    self.index_remove(u, &key)?;
                }
                if let Some(u) = &new_user {
                    self.index_add(u, &new_key)?;
                }
                return Ok(Some(new));
            }
        }
        Err(Error::new(
            ErrorCode::Internal,
            "could not allocate a fresh session id",
        ))
    }

    /// Ends every session created for `user_id` ("log out everywhere");
    /// returns how many were live.
    pub fn destroy_user(&self, user_id: &str) -> Result<u64> {
        check_label("user_id", user_id)?;
        let index = format!("u:{user_id}");
        let mut n = 0;
        for hash in self.store.set_members(&index)? {
            if self.store.delete(&format!("s:{hash}"))? {
                n += 1;
            }
            self.store.set_remove(&index, &hash)?;
        }
        Ok(n)
    }
}

/// RFC 7396 §2.
fn merge_patch(target: &mut serde_json::Value, patch: &serde_json::Value) {
    use serde_json::Value;
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    if let Value::Object(t) = target {
        for (k, v) in p {
            if v.is_null() {
                t.remove(k);
            } else {
                merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::MemoryStore;

    fn manager(idle: Option<u64>) -> SessionManager {
        SessionManager::new(
            Arc::new(MemoryStore::default()),
            Duration::from_secs(3600),
            idle.map(Duration::from_millis),
        )
        .unwrap()
    }

    #[test]
    fn lifecycle_versions_and_rotation() {
        let m = manager(None);
        let id = m.create(r#"{"n":1}"#, Some("alice")).unwrap();
        assert_eq!(id.len(), 43);
        let s = m.load(&id).unwrap().unwrap();
        assert_eq!(
            (s.data.as_str(), s.version, s.user_id.as_deref()),
            (r#"{"n":1}"#, 0, Some("alice"))
        );
        assert_eq!(m.save(&id, r#"{"n":2}"#, 0).unwrap(), 1);
        assert_eq!(
            m.save(&id, r#"{"n":3}"#, 0).unwrap_err().code(),
            ErrorCode::SessionConflict
        );
        assert_eq!(m.merge(&id, r#"{"m":true,"n":null}"#).unwrap(), 2);
        assert_eq!(m.load(&id).unwrap().unwrap().data, r#"{"m":true}"#);
        // Two requests loaded version 2; one saved first; the other's changes merge on top.
        m.save(&id, r#"{"m":true,"a":1}"#, 2).unwrap();
        let saved = m.save_changes(&id, r#"{"m":true}"#, r#"{"b":2}"#).unwrap();
        assert_eq!(
            (saved.data.as_str(), saved.version),
            (r#"{"a":1,"b":2}"#, 4)
        );
        assert_eq!(m.load(&id).unwrap().unwrap().data, r#"{"a":1,"b":2}"#);
        let new = m.rotate(&id).unwrap().unwrap();
        assert!(m.load(&id).unwrap().is_none());
        let anon = m.create(r#"{"cart":[7]}"#, None).unwrap();
        let owned = m.rotate_for_user(&anon, "alice").unwrap().unwrap();
        assert!(m.load(&anon).unwrap().is_none());
        let s = m.load(&owned).unwrap().unwrap();
        assert_eq!(
            (s.data.as_str(), s.user_id.as_deref()),
            (r#"{"cart":[7]}"#, Some("alice"))
        );
        assert_eq!(m.load(&new).unwrap().unwrap().version, 4);
        let other = m.create("{}", Some("alice")).unwrap();
        m.create("{}", Some("bob")).unwrap();
        assert_eq!(m.destroy_user("alice").unwrap(), 3);
        assert!(m.load(&new).unwrap().is_none() && m.load(&other).unwrap().is_none());
        assert!(m.load(&owned).unwrap().is_none());
        assert!(!m.destroy(&new).unwrap());
        assert!(m.load("not-an-id").unwrap().is_none());
        assert_eq!(
            m.create("[1]", None).unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
        assert_eq!(
            m.save(&new, "{}", 2).unwrap_err().code(),
            ErrorCode::SessionNotFound
        );
    }

    #[test]
    fn idle_and_absolute_expiry() {
        let m = manager(Some(30));
        let id = m.create("{}", None).unwrap();
        for _ in 0..4 {
            std::thread::sleep(Duration::from_millis(10));
            assert!(m.touch(&id).unwrap());
        }
        std::thread::sleep(Duration::from_millis(60));
        assert!(m.load(&id).unwrap().is_none());
        let short = SessionManager::new(
            Arc::new(MemoryStore::default()),
            Duration::from_millis(20),
            None,
        )
        .unwrap();
        let id = short.create("{}", None).unwrap();
        std::thread::sleep(Duration::from_millis(30));
        assert!(short.load(&id).unwrap().is_none());
    }

    #[test]
    fn garbage_in_the_store_is_loud() {
        let store = Arc::new(MemoryStore::default());
        let m = SessionManager::new(store.clone(), Duration::from_secs(60), None).unwrap();
        let id = m.create("{}", None).unwrap();
        store
            .set(&hashed_key("s", &id), b"not json", 60_000)
            .unwrap();
        assert_eq!(m.load(&id).unwrap_err().code(), ErrorCode::Malformed);
        store
            .set(
                &hashed_key("s", &id),
                br#"{"v":2,"data":{},"user":null,"created":0,"expires":0,"version":0}"#,
                60_000,
            )
            .unwrap();
        assert_eq!(m.load(&id).unwrap_err().code(), ErrorCode::Malformed);
        store
            .set(
                &hashed_key("s", &id),
                br#"{"v":1,"data":{},"user":"a\u0000b","created":0,"expires":99999999999999,"version":0}"#,
                60_000,
            )
            .unwrap();
        assert_eq!(m.load(&id).unwrap_err().code(), ErrorCode::Malformed);
    }
}
