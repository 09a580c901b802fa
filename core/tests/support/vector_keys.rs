//! KEYSPEC loading and `validation` parsing shared by the vector runners
//! (`core/tests/vectors.rs`, `core/tests/mutations.rs`), included with
//! `#[path]`. The format is documented in `tests/vectors/README.md`.

use serde_json::{Map, Value};
use tessera::jwt::Validation;
use tessera::{Algorithm, Key, KeyOptions, KeySet};

pub type Obj = Map<String, Value>;

pub fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex length");
    let byte = |i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex");
    (0..s.len()).step_by(2).map(byte).collect()
}

/// KEYSPEC → Key. A load error is the outcome of the case that uses the key;
/// a broken spec panics.
pub fn load_key(spec: &Obj) -> tessera::Result<Key> {
    let (mut opts, mut material) = (KeyOptions::default(), None);
    for (k, v) in spec {
        match (k.as_str(), v) {
            ("alg", Value::String(a)) => opts.alg = Some(Algorithm::parse(a)?),
            ("kid", Value::String(s)) => opts.kid = Some(s.clone()),
            ("allow_weak", Value::Bool(b)) => opts.allow_weak = *b,
            (m @ ("jwk" | "pem" | "secret_hex" | "secret_utf8"), _) if material.is_none() => {
                material = Some((m, v))
            }
            _ => panic!("bad key spec member \"{k}\""),
        }
    }
    match material.expect("a key spec needs one of jwk, pem, secret_hex, secret_utf8") {
        ("jwk", v @ Value::Object(_)) => Key::from_jwk_with(&v.to_string(), &opts),
        ("pem", Value::String(p)) => Key::from_pem_with(p, &opts),
        ("secret_hex", Value::String(h)) => Key::hmac_with(&unhex(h), &opts),
        ("secret_utf8", Value::String(s)) => Key::hmac_with(s.as_bytes(), &opts),
        (m, _) => panic!("bad key material \"{m}\""),
    }
}

/// The key named `name` in the file's `keys`.
pub fn key(keys: &Obj, name: &Value) -> tessera::Result<Key> {
    let name = name.as_str().expect("a key name is a string");
    let spec = keys.get(name).and_then(Value::as_object);
    load_key(spec.unwrap_or_else(|| panic!("unknown key \"{name}\"")))
}

/// A list of key names → `KeySet::new` (keys loaded in order).
pub fn key_set(keys: &Obj, names: &Value) -> tessera::Result<KeySet> {
    let names = names.as_array().expect("a list of key names");
    KeySet::new(
        names
            .iter()
            .map(|n| key(keys, n))
            .collect::<tessera::Result<_>>()?,
    )
}

/// The case's options go through `Validation::from_json`, the same parser the
/// C ABI uses, so an unknown option name fails the case (INVALID_ARGUMENT).
pub fn validation(v: Option<&Value>) -> tessera::Result<Validation> {
    match v {
        None => Ok(Validation::default()),
        Some(v) => Validation::from_json(&v.to_string()),
    }
}
