//! Argument conversion shared by the exports. JS has already checked types
//! (`node/index.js`); values are checked by the core.

use tessera::jwt::Validation;
use tessera::{Algorithm, KeyOptions};

/// Key options from the JS arguments; an unknown `alg` is the core's error.
pub fn key_options(
    alg: Option<String>,
    kid: Option<String>,
    allow_weak: Option<bool>,
) -> tessera::Result<KeyOptions> {
    Ok(KeyOptions {
        alg: alg.as_deref().map(Algorithm::parse).transpose()?,
        kid,
        allow_weak: allow_weak.unwrap_or(false),
    })
}

/// A validation policy from JSON text with the core's (snake_case) option
/// names; `None` is the strict default.
pub fn validation(options: Option<&str>) -> tessera::Result<Validation> {
    match options {
        None => Ok(Validation::default()),
        Some(json) => Validation::from_json(json),
    }
}

/// `[header,claims]` as one JSON array text, so JS parses once.
pub fn pair_json(header: &str, claims: &str) -> String {
    let mut out = String::with_capacity(header.len() + claims.len() + 3);
    out.push('[');
    out.push_str(header);
    out.push(',');
    out.push_str(claims);
    out.push(']');
    out
}
