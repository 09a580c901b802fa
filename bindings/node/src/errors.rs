//! Error mapping: `tessera::Error` → a JS `Error` whose `code` is the core's
//! code (plus `:claim`), for sync calls (returned `napi::Error<Code>`) and
//! async calls (an error object built on the JS thread in `Task::resolve`).

use std::borrow::Cow;

use napi::bindgen_prelude::{Env, JsError};
use tessera::{Error, ErrorCode};

/// The JS `code` of a native error: `"EXPIRED"` or `"EXPIRED:exp"`.
pub struct Code(Cow<'static, str>);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The result of every sync export.
pub type Result<T> = napi::Result<T, Code>;

/// Maps a core error (the message never holds key material or a token).
pub fn to_js_err(e: Error) -> napi::Error<Code> {
    let code = match e.claim() {
        None => Cow::Borrowed(e.code().as_str()),
        Some(claim) => Cow::Owned(format!("{}:{claim}", e.code().as_str())),
    };
    napi::Error::new(Code(code), e.message())
}

/// The error an async task rejects with: the same JS object a sync call
/// throws, built here on the JS thread so it keeps its `code`.
pub fn async_err(env: &Env, e: Error) -> napi::Error {
    napi::Error::from(JsError::from(to_js_err(e)).into_unknown(*env))
}

/// Runs `f`, turning a panic into `INTERNAL` (used on libuv pool threads,
/// where an unwinding panic would otherwise abort the process).
pub fn guard<T>(f: impl FnOnce() -> tessera::Result<T>) -> tessera::Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(Error::new(
            ErrorCode::Internal,
            "internal error (a panic was caught)",
        ))
    })
}
