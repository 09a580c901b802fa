//! Ordered key sets: `kid` selection, rotation, JWKS import/export.
//!
//! Signing uses the key chosen by `kid`, else the first private key.
//! Verifying selects by the token's `kid` when it has one (no match is
//! `KEY_NOT_FOUND`); otherwise it tries only the keys whose algorithm equals
//! the token's. To rotate, [`KeySet::rotate`] a new key to the front: it signs
//! from then on, and the old keys keep verifying until you [`KeySet::remove`] them.

use serde_json::Value;

use crate::alg::Algorithm;
use crate::error::{invalid_argument, invalid_key, Error, ErrorCode, Result};
use crate::jwk;
use crate::key::{Key, KeyOptions};

/// An ordered set of keys. Cloning is cheap (keys are shared).
#[derive(Clone, Debug, Default)]
pub struct KeySet {
    keys: Vec<Key>,
    skipped: usize,
}

impl KeySet {
    /// A set of `keys`, in order. Two keys with the same `kid` are
    /// `INVALID_ARGUMENT` (selection would be ambiguous).
    pub fn new(keys: Vec<Key>) -> Result<KeySet> {
        let mut set = KeySet::default();
        for k in keys {
            set.push(k)?;
        }
        Ok(set)
    }

    /// Appends a key (it verifies; it signs only if no earlier key can).
    pub fn push(&mut self, key: Key) -> Result<()> {
        self.check_kid(&key)?;
        self.keys.push(key);
        Ok(())
    }

    /// Inserts `key` first, so it becomes the signing key; the others keep
    /// verifying tokens they signed.
    pub fn rotate(&mut self, key: Key) -> Result<()> {
        self.check_kid(&key)?;
        self.keys.insert(0, key);
        Ok(())
    }

    /// Removes the key with `kid`; returns it, if it was there.
    pub fn remove(&mut self, kid: &str) -> Option<Key> {
        let i = self.keys.iter().position(|k| k.kid() == Some(kid))?;
        Some(self.keys.remove(i))
    }

    fn check_kid(&self, key: &Key) -> Result<()> {
        if let Some(kid) = key.kid() {
            if self.get(kid).is_some() {
                return Err(invalid_argument(format!(
                    "duplicate kid {} in key set",
                    crate::error::echo(kid)
                )));
            }
        }
        Ok(())
    }

    /// The key with this `kid`.
    pub fn get(&self, kid: &str) -> Option<&Key> {
        self.keys.iter().find(|k| k.kid() == Some(kid))
    }

    /// The keys, in order.
    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// How many JWKS entries [`KeySet::from_jwks`] skipped as unusable.
    pub fn skipped(&self) -> usize {
        self.skipped
    }

    /// The distinct algorithms of the keys, in order of first appearance.
    pub fn algorithms(&self) -> Vec<Algorithm> {
        let mut out: Vec<Algorithm> = Vec::new();
        for k in &self.keys {
            if !out.contains(&k.alg()) {
                out.push(k.alg());
            }
        }
        out
    }

    /// A set from JWKS JSON text (`{"keys": [...]}`). Entries Tessera cannot
    /// use (unknown `kty` or curve, `"use": "enc"`, invalid material) are
    /// skipped, not fatal; a set with no usable key at all is `INVALID_KEY`.
    pub fn from_jwks(jwks: &str) -> Result<KeySet> {
        let mut map = jwk::parse_map(jwks, "JWKS")?;
        let set = Self::from_jwks_map(&map);
        // A JWKS may carry private keys: wipe the parsed copies of their members.
        if let Some(Value::Array(entries)) = map.get_mut("keys") {
            for entry in entries {
                if let Value::Object(m) = entry {
                    jwk::wipe_private_members(m);
                }
            }
        }
        set
    }

    fn from_jwks_map(map: &serde_json::Map<String, Value>) -> Result<KeySet> {
        let entries = match map.get("keys") {
            Some(Value::Array(a)) => a,
            _ => return Err(invalid_key("JWKS has no \"keys\" array")),
        };
        let mut set = KeySet::default();
        for entry in entries {
            let Value::Object(m) = entry else {
                set.skipped += 1;
                continue;
            };
            match jwk::from_map(m, &KeyOptions::default()) {
                Ok(k) if set.check_kid(&k).is_ok() => set.keys.push(k),
                Ok(_) => return Err(invalid_key("JWKS has two keys with the same kid")),
                Err(_) => set.skipped += 1,
            }
        }
        if set.keys.is_empty() && !entries.is_empty() {
            return Err(invalid_key("JWKS contains no usable key"));
        }
        Ok(set)
    }

    /// The public JWKS (`{"keys":[...]}`): public parts only; HMAC keys are
    /// never exported.
    pub fn to_jwks(&self) -> String {
        let keys: Vec<Value> = self
            .keys
            .iter()
            .filter_map(|k| k.to_jwk(false).ok())
            .filter_map(|j| serde_json::from_str(&j).ok())
            .collect();
        serde_json::json!({ "keys": keys }).to_string()
    }

    /// The key that signs: the one with `kid` if given, else the first private key.
    pub fn signing_key(&self, kid: Option<&str>) -> Result<&Key> {
        match kid {
            Some(kid) => {
                let k = self.get(kid).ok_or_else(|| {
                    Error::new(ErrorCode::KeyNotFound, "no key with the requested kid")
                })?;
                if !k.is_private() {
                    return Err(invalid_key("the key with this kid cannot sign"));
                }
                Ok(k)
            }
            None => self
                .keys
                .iter()
                .find(|k| k.is_private())
                .ok_or_else(|| Error::new(ErrorCode::KeyNotFound, "no key in the set can sign")),
        }
    }
}

impl From<Key> for KeySet {
    fn from(key: Key) -> KeySet {
        KeySet {
            keys: vec![key],
            skipped: 0,
        }
    }
}

/// Anything that can choose a signing key: a [`Key`] or a [`KeySet`].
pub trait SigningKeys {
    /// The signing key for an optional requested `kid`.
    fn signing_key(&self, kid: Option<&str>) -> Result<&Key>;
}

impl SigningKeys for KeySet {
    fn signing_key(&self, kid: Option<&str>) -> Result<&Key> {
        KeySet::signing_key(self, kid)
    }
}

impl SigningKeys for Key {
    fn signing_key(&self, kid: Option<&str>) -> Result<&Key> {
        if let (Some(want), Some(have)) = (kid, self.kid()) {
            if want != have {
                return Err(invalid_argument("header kid differs from the key's kid"));
            }
        }
        if !self.is_private() {
            return Err(invalid_key("a public key cannot sign"));
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwks_round_trip_and_skips() {
        let a = Key::generate_with(Algorithm::ES256, Some("a")).unwrap();
        let b = Key::generate_with(Algorithm::EdDSA, Some("b")).unwrap();
        let h = Key::generate_with(Algorithm::HS256, Some("h")).unwrap();
        let set = KeySet::new(vec![a.clone(), b, h]).unwrap();
        let jwks = set.to_jwks();
        assert!(!jwks.contains("\"d\"") && !jwks.contains("\"k\""));
        let back = KeySet::from_jwks(&jwks).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back.get("a").unwrap().thumbprint(), a.thumbprint());

        let mixed = r#"{"keys":[{"kty":"RSA","use":"enc","n":"AQAB","e":"AQAB"},
            {"kty":"EC","crv":"P-521","x":"AA","y":"AA"},{"kty":"weird"},42,
            {"kty":"oct","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI","kid":"ok"}]}"#;
        let set = KeySet::from_jwks(mixed).unwrap();
        assert_eq!((set.len(), set.skipped()), (1, 4));
        assert_eq!(
            KeySet::from_jwks(r#"{"keys":[{"kty":"weird"}]}"#)
                .unwrap_err()
                .code(),
            ErrorCode::InvalidKey
        );
        assert_eq!(
            KeySet::from_jwks("[]").unwrap_err().code(),
            ErrorCode::Malformed
        );
    }

    #[test]
    fn selection_and_rotation() {
        let old = Key::generate_with(Algorithm::HS256, Some("old")).unwrap();
        let new = Key::generate_with(Algorithm::HS256, Some("new")).unwrap();
        let mut set = KeySet::from(old.clone());
        assert_eq!(set.signing_key(None).unwrap().kid(), Some("old"));
        set.rotate(new).unwrap();
        assert_eq!(set.signing_key(None).unwrap().kid(), Some("new"));
        assert_eq!(set.signing_key(Some("old")).unwrap().kid(), Some("old"));
        assert_eq!(
            set.signing_key(Some("x")).unwrap_err().code(),
            ErrorCode::KeyNotFound
        );
        assert_eq!(
            set.push(old).unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
        assert!(set.remove("old").is_some());
        assert_eq!(set.len(), 1);
    }
}
