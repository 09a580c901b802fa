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

/// A JS string argument read with one napi call into a reused per-thread
/// buffer (the hot path: tokens). napi-rs's `String` asks V8 for the UTF-8
/// length first, then allocates, then copies; this skips the first walk and
/// the allocation (about 6% of an HS256 `Verifier.verify` in instructions,
/// measured with callgrind). Strings too long for the buffer take the exact
/// path.
pub struct JsStr {
    buf: Vec<u8>,
    len: usize,
}

const JS_STR_BUF: usize = 16 * 1024 + 64;

thread_local! {
    static BUF: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

impl JsStr {
    /// The string (V8 writes valid UTF-8; lone surrogates become U+FFFD).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl Drop for JsStr {
    fn drop(&mut self) {
        if self.buf.capacity() == JS_STR_BUF {
            BUF.with(|b| b.set(std::mem::take(&mut self.buf)));
        }
    }
}

impl napi::bindgen_prelude::FromNapiValue for JsStr {
    unsafe fn from_napi_value(
        env: napi::sys::napi_env,
        value: napi::sys::napi_value,
    ) -> napi::Result<Self> {
        use napi::sys;
        let mut buf = BUF.with(|b| b.take());
        if buf.capacity() != JS_STR_BUF {
            buf = Vec::with_capacity(JS_STR_BUF);
        }
        buf.resize(JS_STR_BUF, 0);
        let mut written = 0usize;
        // SAFETY: `buf` has JS_STR_BUF writable bytes; env/value come from napi.
        let status = unsafe {
            sys::napi_get_value_string_utf8(
                env,
                value,
                buf.as_mut_ptr().cast(),
                JS_STR_BUF,
                &mut written,
            )
        };
        if status != sys::Status::napi_ok {
            BUF.with(|b| b.set(buf));
            return Err(napi::Error::new(
                napi::Status::StringExpected,
                "expected a string",
            ));
        }
        // V8 stops before a character that does not fit: near the end, the
        // string may have been cut, so read it exactly.
        if written + 4 < JS_STR_BUF - 1 {
            return Ok(JsStr { buf, len: written });
        }
        BUF.with(|b| b.set(buf));
        // SAFETY: as above; napi-rs's String does the exact two-call read.
        let s = unsafe {
            <String as napi::bindgen_prelude::FromNapiValue>::from_napi_value(env, value)?
        };
        let len = s.len();
        Ok(JsStr {
            buf: s.into_bytes(),
            len,
        })
    }
}
