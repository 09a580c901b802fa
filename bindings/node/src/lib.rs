//! Node.js binding of Tessera: a napi-rs addon loaded by the npm package in
//! `node/` (`node/index.js` is the public API; this module is its engine).
//!
//! The crate only converts arguments and maps errors; every rule lives in the
//! `tessera` core. Conventions:
//!
//! * Strings cross as JS strings; JSON-shaped values (claims, headers,
//!   options, JWKs) cross as JSON text, parsed by the core or by `JSON.parse`
//!   in JS (one parse, measured faster than building objects here: see
//!   `bench/node/README.md`).
//! * Every failure is a JS `Error` whose `code` is the core's code string,
//!   followed by `:claim` when the error names a claim (`"EXPIRED:exp"`);
//!   `node/index.js` turns it into a `TesseraError { code, claim }` for sync
//!   and async calls alike.
//! * Every export is `catch_unwind`: a panic becomes an `INTERNAL` error,
//!   never an abort. Async work (libuv pool) catches panics itself.
//! * Store I/O (`session`: sessions, the JWT denylist, refresh tokens) always
//!   runs on the libuv pool and returns a promise; the event loop never waits
//!   on Redis.
//! * Remote JWKS fetches (`jwks::RemoteKeySet`, a `Verifier` on one) run on
//!   the libuv pool too; a remote verifier's sync `verify` refuses
//!   (`INVALID_ARGUMENT`) rather than block the event loop on a fetch.

#![deny(clippy::all)]

mod convert;
pub mod cookie;
mod errors;
mod jwks;
mod jws;
mod jwt;
mod key;
mod keyset;
mod session;
mod tasks;
mod verifier;

pub use jwks::RemoteKeySet;
pub use jws::*;
pub use jwt::*;
pub use key::Key;
pub use keyset::KeySet;
pub use session::{Denylist, RefreshTokens, SessionManager, Store};
pub use verifier::Verifier;

use napi_derive::napi;

/// The core's error codes, in numeric order (`ErrorCode::ALL`).
#[napi(catch_unwind)]
pub fn error_codes() -> Vec<&'static str> {
    tessera::ErrorCode::ALL.iter().map(|c| c.as_str()).collect()
}

/// The algorithms the core implements.
#[napi(catch_unwind)]
pub fn algorithms() -> Vec<&'static str> {
    tessera::Algorithm::ALL.iter().map(|a| a.as_str()).collect()
}

/// The crate version (the npm package has the same).
#[napi(catch_unwind)]
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// Test hook: panics, to prove a panic in a sync export becomes an error
/// (`INTERNAL` in JS), never an abort. Not part of the JS API.
#[doc(hidden)]
#[napi(catch_unwind)]
pub fn test_panic() -> String {
    panic!("test panic (sync)")
}

/// Test hook: panics on a libuv pool thread (the promise must reject).
#[doc(hidden)]
#[napi(catch_unwind)]
pub fn test_panic_async() -> napi::bindgen_prelude::AsyncTask<tasks::PanicTask> {
    napi::bindgen_prelude::AsyncTask::new(tasks::PanicTask)
}
