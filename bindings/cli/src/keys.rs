//! Loading key files. The format is detected by content:
//!
//! - with `--secret`: the file's exact bytes are an HMAC secret;
//! - a JSON object with `"keys"` (and no `"kty"`): a JWKS;
//! - any other JSON object: a JWK;
//! - text with `-----BEGIN`: PEM;
//! - binary starting with a DER SEQUENCE: DER.
//!
//! Parsing itself is the core's (`Key::*_with`, `KeySet::from_jwks`); every
//! failure here is exit 2 with the core's code and the file name.

use std::fs;
use std::path::Path;

use tessera::{Algorithm, ErrorCode, Key, KeyOptions, KeySet};

use crate::fail::{Failure, OrUsage};

/// What a key file held.
pub enum Loaded {
    One(Key),
    Set(KeySet),
}

/// A key file's bytes, read once.
pub struct KeyFile {
    path: String,
    bytes: Vec<u8>,
}

impl KeyFile {
    pub fn read(path: &Path) -> Result<KeyFile, Failure> {
        let shown = path.display().to_string();
        let bytes = fs::read(path).map_err(|e| {
            Failure::new(
                ErrorCode::InvalidArgument,
                format!("cannot read key file {shown:?}: {e}"),
            )
        })?;
        Ok(KeyFile { path: shown, bytes })
    }

    fn fail(&self, err: tessera::Error) -> Failure {
        Failure::usage(&err).context(format_args!("key file {:?}", self.path))
    }

    fn text(&self) -> Result<&str, Failure> {
        std::str::from_utf8(&self.bytes).map_err(|_| {
            Failure::new(ErrorCode::InvalidKey, "key file is not UTF-8 text")
                .context(format_args!("key file {:?}", self.path))
        })
    }

    /// A raw HMAC secret: the file's exact bytes (alg from `opts`, default HS256).
    pub fn secret(&self, opts: &KeyOptions) -> Result<Key, Failure> {
        Key::hmac_with(&self.bytes, opts).map_err(|e| self.fail(e))
    }

    /// A JWKS (`{"keys":[...]}`), strictly.
    pub fn jwks(&self) -> Result<KeySet, Failure> {
        KeySet::from_jwks(self.text()?).map_err(|e| self.fail(e))
    }

    /// PEM, DER, JWK or JWKS, detected by content. `opts` applies to a single
    /// key; a JWKS ignores it (its members carry their own alg and kid).
    pub fn parse(&self, opts: &KeyOptions) -> Result<Loaded, Failure> {
        let start = self.bytes.trim_ascii_start();
        if start.starts_with(b"{") {
            let text = self.text()?;
            if is_jwks(text) {
                return self.jwks().map(Loaded::Set);
            }
            return Key::from_jwk_with(text, opts)
                .map(Loaded::One)
                .map_err(|e| self.fail(e));
        }
        if contains(&self.bytes, b"-----BEGIN") {
            return Key::from_pem_with(self.text()?, opts)
                .map(Loaded::One)
                .map_err(|e| self.fail(e));
        }
        if start.first() == Some(&0x30) {
            return Key::from_der_with(&self.bytes, opts)
                .map(Loaded::One)
                .map_err(|e| self.fail(e));
        }
        Err(Failure::new(
            ErrorCode::InvalidKey,
            "unrecognised key file: expected PEM, DER, a JWK or a JWKS \
             (use --secret for a raw HMAC secret)",
        )
        .context(format_args!("key file {:?}", self.path)))
    }

    /// [`KeyFile::parse`], then narrowed to one key: with `kid`, a JWKS
    /// yields its key with that kid (a single key gets `kid` through `opts`).
    pub fn select(&self, loaded: Loaded, kid: Option<&str>) -> Result<Loaded, Failure> {
        match (loaded, kid) {
            (Loaded::Set(set), Some(kid)) => match set.get(kid) {
                Some(k) => Ok(Loaded::One(k.clone())),
                None => Err(Failure::new(
                    ErrorCode::KeyNotFound,
                    format!("no key with kid {kid:?}"),
                )
                .context(format_args!("key file {:?}", self.path))),
            },
            (loaded, _) => Ok(loaded),
        }
    }
}

/// A JSON object with a `keys` member and no `kty` is a JWKS. Anything that
/// is not valid JSON is left to the JWK parser to report.
fn is_jwks(text: &str) -> bool {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(m)) => m.contains_key("keys") && !m.contains_key("kty"),
        _ => false,
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Options for one key: `kid`, `alg`, `allow_weak`.
pub fn options(kid: Option<&str>, alg: Option<Algorithm>, allow_weak: bool) -> KeyOptions {
    KeyOptions {
        alg,
        kid: kid.map(str::to_owned),
        allow_weak,
    }
}

/// Into a key set (for verifying).
pub fn into_set(loaded: Loaded) -> KeySet {
    match loaded {
        Loaded::One(k) => KeySet::from(k),
        Loaded::Set(s) => s,
    }
}

/// Loads all files into one set (for `jwks`); duplicate kids are an error.
pub fn load_all<P: AsRef<Path>>(paths: &[P]) -> Result<KeySet, Failure> {
    let mut set = KeySet::default();
    for p in paths {
        let file = KeyFile::read(p.as_ref())?;
        let keys = match file.parse(&KeyOptions::default())? {
            Loaded::One(k) => vec![k],
            Loaded::Set(s) => s.keys().to_vec(),
        };
        for k in keys {
            set.push(k)
                .or_usage()
                .map_err(|f| f.context(format_args!("key file {:?}", file.path)))?;
        }
    }
    Ok(set)
}
