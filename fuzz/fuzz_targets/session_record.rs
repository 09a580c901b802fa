//! Session store value decoding: the JSON records `SessionManager`,
//! `Denylist` and `RefreshTokens` read back from a store (docs/sessions.md),
//! driven through the public API over a store the target controls.
//!
//! Input: byte 0 = which record (mod 3), the rest the stored value(s):
//! - 0 a session record `s:…` → `SessionManager::load`;
//! - 1 a denylist record `d:…` → `Denylist::is_revoked`;
//! - 2 a refresh record `r:…` and its family record `f:…`, separated by
//!   0xFF → `RefreshTokens::rotate`.
//!
//! Invariants: no panic, no `INTERNAL`; a bad record is an error (never
//! "absent"); decode → encode → decode is the identity: a session that loads
//! saves (same data, user, times; version + 1) and loads back equal (at
//! version u64::MAX the save is `MALFORMED`); a
//! refresh token that rotates gives a new token that rotates to the same
//! user and data, and the old one is then `REFRESH_TOKEN_REUSED`.
#![no_main]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use tessera::session::{Denylist, RefreshTokens, SessionManager, SessionStore};
use tessera::{ErrorCode, Result};
use tessera_fuzz::{ok, split2};

/// A store holding the fuzzed values under the keys [`ID`] maps to (and,
/// for refresh families, under every `f:` key) until something is written
/// under that exact key.
#[derive(Default)]
struct FuzzStore {
    defaults: HashMap<String, Vec<u8>>,
    family: Option<Vec<u8>>,
    written: Mutex<HashMap<String, Option<Vec<u8>>>>,
}

impl FuzzStore {
    fn current(&self, key: &str) -> Option<Vec<u8>> {
        if let Some(v) = self.written.lock().unwrap().get(key) {
            return v.clone();
        }
        if key.starts_with("f:") {
            return self.family.clone();
        }
        self.defaults.get(key).cloned()
    }
    fn put(&self, key: &str, value: Option<&[u8]>) {
        self.written
            .lock()
            .unwrap()
            .insert(key.to_owned(), value.map(<[u8]>::to_vec));
    }
}

impl SessionStore for FuzzStore {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.current(key))
    }
    fn get_touch(&self, key: &str, _ttl_ms: u64) -> Result<Option<Vec<u8>>> {
        Ok(self.current(key))
    }
    fn set(&self, key: &str, value: &[u8], _ttl_ms: u64) -> Result<()> {
        self.put(key, Some(value));
        Ok(())
    }
    fn set_nx(&self, key: &str, value: &[u8], _ttl_ms: u64) -> Result<bool> {
        if self.current(key).is_some() {
            return Ok(false);
        }
        self.put(key, Some(value));
        Ok(true)
    }
    fn compare_and_swap(
        &self,
        key: &str,
        expected: &[u8],
        new: Option<(&[u8], u64)>,
    ) -> Result<bool> {
        if self.current(key).as_deref() != Some(expected) {
            return Ok(false);
        }
        self.put(key, new.map(|(v, _)| v));
        Ok(true)
    }
    fn delete(&self, key: &str) -> Result<bool> {
        let existed = self.current(key).is_some();
        self.put(key, None);
        Ok(existed)
    }
    fn expire(&self, key: &str, _ttl_ms: u64) -> Result<bool> {
        Ok(self.current(key).is_some())
    }
    fn set_add(&self, _key: &str, _member: &str, _ttl_ms: u64) -> Result<()> {
        Ok(())
    }
    fn set_remove(&self, _key: &str, _member: &str) -> Result<()> {
        Ok(())
    }
    fn set_members(&self, _key: &str) -> Result<Vec<String>> {
        Ok(Vec::new())
    }
}

/// An id of the shape `SessionManager` and `RefreshTokens` hand out.
const ID: &str = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuz";

/// `<kind>:<hex sha256(secret)>`, the store key of a session or refresh token.
fn hashed_key(kind: &str, secret: &str) -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, secret.as_bytes());
    let hex: String = d.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("{kind}:{hex}")
}

fn store(entries: &[(String, &[u8])], family: Option<&[u8]>) -> Arc<FuzzStore> {
    Arc::new(FuzzStore {
        defaults: entries
            .iter()
            .map(|(k, v)| (k.clone(), v.to_vec()))
            .collect(),
        family: family.map(<[u8]>::to_vec),
        ..FuzzStore::default()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 3 {
        0 => {
            let m = SessionManager::new(
                store(&[(hashed_key("s", ID), rest)], None),
                Duration::from_secs(3600),
                None,
            )
            .expect("manager");
            let Some(Some(s)) = ok(m.load(ID), rest) else {
                return;
            };
            if s.version == u64::MAX {
                // The largest version cannot advance.
                let e = m
                    .save(ID, &s.data, s.version)
                    .expect_err("version overflow");
                assert_eq!(e.code(), ErrorCode::Malformed);
                return;
            }
            let v = m
                .save(ID, &s.data, s.version)
                .unwrap_or_else(|e| panic!("loaded {s:?} but cannot save it back: {e:?}"));
            assert_eq!(v, s.version + 1);
            let back = m.load(ID).expect("saved record loads").expect("present");
            assert_eq!(back.data, s.data);
            assert_eq!(back.user_id, s.user_id);
            assert_eq!(back.created_at, s.created_at);
            assert_eq!(back.expires_at, s.expires_at);
            assert_eq!(back.version, v);
        }
        1 => {
            let d = Denylist::new(store(&[("d:jti-1".to_owned(), rest)], None));
            match d.is_revoked("jti-1") {
                Ok(revoked) => assert!(revoked, "a stored record is a revocation"),
                Err(e) => assert_eq!(e.code(), ErrorCode::Malformed, "{e:?}"),
            }
        }
        _ => {
            let (token, family) = split2(rest);
            let r = RefreshTokens::new(
                store(&[(hashed_key("r", ID), token)], Some(family)),
                Duration::from_secs(3600),
            )
            .expect("refresh");
            let Some(first) = ok(r.rotate(ID), rest) else {
                return;
            };
            let second = r
                .rotate(&first.token)
                .unwrap_or_else(|e| panic!("rotated {first:?} but not its successor: {e:?}"));
            assert_eq!(second.user_id, first.user_id);
            assert_eq!(second.data, first.data);
            let again = r.rotate(ID).expect_err("a retired token rotates again");
            assert_eq!(again.code(), ErrorCode::RefreshTokenReused);
        }
    }
});
