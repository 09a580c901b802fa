//! # Tessera
//!
//! One audited core for web authentication state — JWT/JWS signing and
//! verification today, sealed cookies and server-side sessions next — exposed
//! unchanged to C, Python, Node.js, Kotlin and Swift, so that every service
//! accepts and rejects exactly the same tokens with the same error codes.
//!
//! ```
//! use tessera::{jwt::{self, Validation, Verifier}, Algorithm, ErrorCode, Key};
//!
//! let key = Key::generate_with(Algorithm::ES256, Some("2026-11"))?;
//! let token = jwt::encode(r#"{"sub":"u1","exp":4102444800,"iss":"https://issuer.example"}"#, &key, None)?;
//!
//! let validation = Validation {
//!     issuer: Some(vec!["https://issuer.example".into()]),
//!     ..Validation::default()
//! };
//! let verifier = Verifier::new(key.public()?.into(), validation)?;
//! let claims = verifier.verify(&token)?;
//! assert_eq!(claims.registered().sub.as_deref(), Some("u1"));
//!
//! let err = verifier.verify("not.a.token").unwrap_err();
//! assert_eq!(err.code(), ErrorCode::Malformed);
//! # Ok::<(), tessera::Error>(())
//! ```
//!
//! Security properties, by construction: a [`Key`] is bound to one
//! [`Algorithm`] and a token's `alg` must equal it; `none` is never accepted;
//! `exp` is required by default; header-supplied keys are never used; MACs are
//! compared in constant time; tokens are size-checked before any decoding.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod alg;
pub mod b64;
pub mod cookie;
mod crypto;
mod der;
mod error;
mod json;
mod jwk;
pub mod jwks;
pub mod jws;
pub mod jwt;
mod key;
mod keyset;
pub mod session;

pub use alg::{Algorithm, KeyFamily};
/// The library this build signs and verifies RSA, ECDSA and Ed25519 with:
/// `"ring"` (the default) or `"aws-lc-rs"` (the `aws-lc` cargo feature).
/// HMAC always runs on ring.
pub use crypto::BACKEND as CRYPTO_BACKEND;
pub use error::{Error, ErrorCode, Result};
pub use json::MAX_DEPTH;
pub use key::{Key, KeyOptions};
pub use keyset::{KeySet, SigningKeys};

/// The system clock in Unix seconds (what every `now` defaults to).
pub fn unix_now() -> i64 {
    unix_now_ms().div_euclid(1000)
}

/// The system clock in Unix milliseconds.
pub fn unix_now_ms() -> i64 {
    session::now_ms()
}

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
