//! `tessera_flask_cookie`: Flask's default session cookie, byte for byte
//! (`tessera::cookie::flask::FlaskCookie`). Immutable; `Arc` inside.

use std::ffi::c_char;

use tessera::cookie::flask::{FlaskCookie, DEFAULT_MAX_AGE, DEFAULT_SALT};

use crate::boundary::{boundary, guard};
use crate::cookie::{cookie_text, max_age, now_or_clock, secret_list};
use crate::error::tessera_status;
use crate::ffi::{
    arc_ptr, bytes, c_string, config_str, free_arc, opt_config_str, out, try_ref, Castable,
    OwnershipArc,
};

/// A Flask session-cookie codec: Flask's `SECRET_KEY` signs, it and the
/// fallbacks open. Immutable and thread-safe. Free with
/// `tessera_flask_cookie_free`.
#[allow(non_camel_case_types)]
pub struct tessera_flask_cookie {
    _private: [u8; 0],
}

impl Castable for tessera_flask_cookie {
    type Ownership = OwnershipArc;
    type RustType = FlaskCookie;
}

const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<FlaskCookie>();
};

/// Flask's default `PERMANENT_SESSION_LIFETIME` (31 days) in seconds, for
/// the `max_age` of `tessera_flask_cookie_new`.
pub const TESSERA_FLASK_DEFAULT_MAX_AGE: i64 = 2678400;
// The literal is for cbindgen; the value is the core's.
const _: () = assert!(TESSERA_FLASK_DEFAULT_MAX_AGE as u64 == DEFAULT_MAX_AGE);

/// A Flask cookie codec. `secret_key` (`secret_key_len` bytes) is Flask's
/// `SECRET_KEY`: it signs. `fallbacks` are `SECRET_KEY_FALLBACKS`, oldest
/// first (`fallbacks_count` pointers with their lengths in `fallback_lens`;
/// 0 and NULL, NULL for none): they only open cookies. `salt` is NULL for
/// Flask's `"cookie-session"`. `max_age` in seconds is checked against the
/// cookie's timestamp when it is opened: pass
/// `TESSERA_FLASK_DEFAULT_MAX_AGE` for Flask's default, or
/// `TESSERA_NO_MAX_AGE` for none.
///
/// # Safety
/// `secret_key` is readable for `secret_key_len` bytes; `fallbacks` and
/// `fallback_lens` are readable for `fallbacks_count` elements (each
/// fallback for its length); `salt` is NULL or NUL-terminated;
/// `cookie_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_flask_cookie_new(
    secret_key: *const u8,
    secret_key_len: usize,
    fallbacks: *const *const u8,
    fallback_lens: *const usize,
    fallbacks_count: usize,
    salt: *const c_char,
    max_age: i64,
    cookie_out: *mut *mut tessera_flask_cookie,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let secret_key = unsafe { bytes(secret_key, secret_key_len, "secret_key") }?;
        let fallbacks =
            unsafe { secret_list(fallbacks, fallback_lens, fallbacks_count, "fallbacks") }?;
        let salt = unsafe { opt_config_str(salt, "salt") }?.map_or(DEFAULT_SALT, str::as_bytes);
        let cookie_out = unsafe { out(cookie_out, "cookie_out") }?;
        let max_age = self::max_age(max_age, "max_age")?;
        let codec = FlaskCookie::with_options(secret_key, &fallbacks, salt, max_age)?;
        *cookie_out = arc_ptr(codec);
        Ok(())
    })
}

/// The cookie value for a session, signed at `now` (Unix seconds, or
/// `TESSERA_NOW`). `session_json` is Flask's *tagged* JSON text of a JSON
/// object (`{" t": [...]}` for a tuple, `{" b": "..."}` for bytes, …);
/// anything Flask could not read back is `TESSERA_STATUS_INVALID_ARGUMENT`.
/// The value is byte-identical to Flask's (compressed when smaller). On
/// success `*value_out` is the value (free with `tessera_string_free`).
///
/// # Safety
/// `cookie` is a live codec or NULL; `session_json` is NUL-terminated;
/// `value_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_flask_cookie_dumps(
    cookie: *const tessera_flask_cookie,
    session_json: *const c_char,
    now: i64,
    value_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let codec = unsafe { try_ref(cookie, "cookie") }?;
        let json = unsafe { config_str(session_json, "session_json") }?;
        let value_out = unsafe { out(value_out, "value_out") }?;
        let value = codec.dumps(json, now_or_clock(now))?;
        *value_out = c_string(value, "cookie value")?.into_raw();
        Ok(())
    })
}

/// Opens a Flask cookie value (the `value_len` bytes at `value`) at `now`
/// (Unix seconds, or `TESSERA_NOW`). On success `*session_json_out` is the
/// session as Flask's tagged JSON text (free with `tessera_string_free`).
/// Rejections: `TESSERA_STATUS_INVALID_SIGNATURE` (no key matches),
/// `_EXPIRED` (older than `max_age`), `_ISSUED_IN_FUTURE`, `_MALFORMED`
/// (not a Flask cookie, or not UTF-8), `_TOO_LARGE` (inflates too far).
///
/// # Safety
/// `cookie` is a live codec or NULL; `value` is readable for `value_len`
/// bytes; `session_json_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_flask_cookie_loads(
    cookie: *const tessera_flask_cookie,
    value: *const u8,
    value_len: usize,
    now: i64,
    session_json_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let codec = unsafe { try_ref(cookie, "cookie") }?;
        let value = unsafe { cookie_text(value, value_len, "cookie value") }?;
        let json_out = unsafe { out(session_json_out, "session_json_out") }?;
        let json = codec.loads(value, now_or_clock(now))?;
        *json_out = c_string(json, "session JSON")?.into_raw();
        Ok(())
    })
}

/// Frees a Flask cookie codec. NULL is a no-op; never twice.
///
/// # Safety
/// `cookie` is NULL or a codec from this library that is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_flask_cookie_free(cookie: *const tessera_flask_cookie) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_arc(cookie) })
}
