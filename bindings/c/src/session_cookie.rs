//! `tessera_session_cookie`: Tessera's own sealed session cookie
//! (`tessera::cookie::native::SessionCookie`: signed or encrypted,
//! name-bound, rotation, chunking). Immutable; `Arc` inside.

use std::ffi::c_char;

use tessera::cookie::native::{Opened, SessionCookie, SessionCookieOptions};
use tessera::Error;

use crate::boundary::{boundary, guard};
use crate::cookie::{cookie_text, max_age, now_or_clock, secret_list};
use crate::cookie_header::{
    attributes_or_default, into_c_strings, tessera_cookie_attributes, tessera_cookie_pairs, Pairs,
};
use crate::error::tessera_status;
use crate::ffi::{
    arc_ptr, box_ptr, c_string, config_str, free_arc, invalid_argument, opt_config_str, out,
    try_ref, Castable, OwnershipArc,
};

/// Tessera's session cookie: the first secret seals, every secret opens
/// (opening with another reports that the cookie needs re-issuing).
/// Immutable and thread-safe. Free with `tessera_session_cookie_free`.
#[allow(non_camel_case_types)]
pub struct tessera_session_cookie {
    _private: [u8; 0],
}

impl Castable for tessera_session_cookie {
    type Ownership = OwnershipArc;
    type RustType = SessionCookie;
}

const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<SessionCookie>();
};

/// Flag for `tessera_session_cookie_new`: AES-256-GCM (the session is
/// unreadable by the client) instead of HMAC-SHA256 (readable, not
/// changeable).
pub const TESSERA_SESSION_ENCRYPTED: u32 = 1;
/// Flag for `tessera_session_cookie_new`: values too large for one cookie
/// are split over `<name>.0`, `<name>.1`, … (see
/// `tessera_session_cookie_seal_chunks`) instead of
/// `TESSERA_STATUS_COOKIE_TOO_LARGE`.
pub const TESSERA_SESSION_CHUNKED: u32 = 2;

const SESSION_FLAGS: u32 = TESSERA_SESSION_ENCRYPTED | TESSERA_SESSION_CHUNKED;

/// A session cookie codec. `secrets` are `secrets_count` pointers with their
/// lengths in `secret_lens`, each at least 32 bytes
/// (`TESSERA_STATUS_INVALID_KEY` otherwise, and for none): the first seals,
/// every one opens. `name` is the cookie name (NULL: `"session"`), bound
/// into every MAC, so a value sealed for one name never opens as another.
/// `flags` combines `TESSERA_SESSION_ENCRYPTED` and `TESSERA_SESSION_CHUNKED`
/// (0: signed, unchunked). `max_age` in seconds is checked against the
/// sealed issued-at when opening (`TESSERA_NO_MAX_AGE`: none); when set and
/// `attrs` has neither `Max-Age` nor `Expires`, the `Set-Cookie` lines carry
/// `Max-Age=max_age`. `attrs` (copied; NULL: `Path=/; Secure; HttpOnly;
/// SameSite=Lax`) are written on every line and counted in the 4096-byte
/// limit. A bad name or attributes, or unknown flags, are
/// `TESSERA_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `secrets` and `secret_lens` are readable for `secrets_count` elements
/// (each secret for its length); `name` is NULL or NUL-terminated; `attrs`
/// is NULL or a live attribute set; `cookie_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_cookie_new(
    secrets: *const *const u8,
    secret_lens: *const usize,
    secrets_count: usize,
    name: *const c_char,
    flags: u32,
    max_age: i64,
    attrs: *const tessera_cookie_attributes,
    cookie_out: *mut *mut tessera_session_cookie,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let secrets = unsafe { secret_list(secrets, secret_lens, secrets_count, "secrets") }?;
        let name = unsafe { opt_config_str(name, "name") }?;
        let attributes = unsafe { attributes_or_default(attrs) }?;
        let cookie_out = unsafe { out(cookie_out, "cookie_out") }?;
        if flags & !SESSION_FLAGS != 0 {
            return Err(invalid_argument("unknown session cookie flags"));
        }
        let defaults = SessionCookieOptions::default();
        let opts = SessionCookieOptions {
            name: name.map_or(defaults.name, str::to_owned),
            encrypted: flags & TESSERA_SESSION_ENCRYPTED != 0,
            max_age: self::max_age(max_age, "max_age")?,
            chunked: flags & TESSERA_SESSION_CHUNKED != 0,
            attributes,
        };
        *cookie_out = arc_ptr(SessionCookie::new(&secrets, opts)?);
        Ok(())
    })
}

/// Seals the session `session_json` (a JSON object: anything else is
/// `TESSERA_STATUS_INVALID_ARGUMENT`) at `now` (Unix seconds, or
/// `TESSERA_NOW`) into one cookie value. `TESSERA_STATUS_COOKIE_TOO_LARGE`
/// when its `Set-Cookie` line would pass 4096 bytes (even if chunking is on:
/// use `tessera_session_cookie_seal_chunks` then). On success `*value_out`
/// is the value (free with `tessera_string_free`).
///
/// # Safety
/// `cookie` is a live codec or NULL; `session_json` is NUL-terminated;
/// `value_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_cookie_seal(
    cookie: *const tessera_session_cookie,
    session_json: *const c_char,
    now: i64,
    value_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let codec = unsafe { try_ref(cookie, "cookie") }?;
        let json = unsafe { config_str(session_json, "session_json") }?;
        let value_out = unsafe { out(value_out, "value_out") }?;
        let value = codec.seal(json, now_or_clock(now))?;
        *value_out = c_string(value, "cookie value")?.into_raw();
        Ok(())
    })
}

/// Seals like `tessera_session_cookie_seal` and returns the cookies to set
/// as (name, value) pairs: one pair `(<name>, value)` when it fits, else
/// `<name>.0` … `<name>.N-1` when chunking is on (at most 10), else
/// `TESSERA_STATUS_COOKIE_TOO_LARGE`. On success `*pairs_out` holds them
/// (free with `tessera_cookie_pairs_free`).
///
/// # Safety
/// `cookie` is a live codec or NULL; `session_json` is NUL-terminated;
/// `pairs_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_cookie_seal_chunks(
    cookie: *const tessera_session_cookie,
    session_json: *const c_char,
    now: i64,
    pairs_out: *mut *mut tessera_cookie_pairs,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let codec = unsafe { try_ref(cookie, "cookie") }?;
        let json = unsafe { config_str(session_json, "session_json") }?;
        let pairs_out = unsafe { out(pairs_out, "pairs_out") }?;
        let chunks = codec.seal_chunks(json, now_or_clock(now))?;
        *pairs_out = box_ptr(Pairs::new(chunks));
        Ok(())
    })
}

/// Writes an opened session to the out-parameters (the optional ones only
/// when not NULL).
fn put_opened(
    opened: Opened,
    json_out: &mut *mut c_char,
    issued_at_out: Option<&mut i64>,
    needs_reissue_out: Option<&mut bool>,
) -> Result<(), Error> {
    *json_out = c_string(opened.json, "session JSON")?.into_raw();
    if let Some(t) = issued_at_out {
        *t = opened.issued_at;
    }
    if let Some(r) = needs_reissue_out {
        *r = opened.needs_reissue;
    }
    Ok(())
}

/// Opens one (unchunked) cookie value (the `value_len` bytes at `value`) at
/// `now` (Unix seconds, or `TESSERA_NOW`). On success `*session_json_out` is
/// the session JSON text (free with `tessera_string_free`); the optional
/// `*issued_at_out` (Unix seconds) and `*needs_reissue_out` (true when an
/// older secret opened it: seal it again) are written when not NULL.
/// Rejections: `TESSERA_STATUS_MALFORMED` (not a Tessera cookie, not UTF-8),
/// `_INVALID_SIGNATURE` (tampered, sealed for another name or mode, or an
/// unknown secret), `_EXPIRED`, `_ISSUED_IN_FUTURE` (beyond 60 s of skew),
/// `_TOO_LARGE`.
///
/// # Safety
/// `cookie` is a live codec or NULL; `value` is readable for `value_len`
/// bytes; `session_json_out` is writable; the optional out-params are NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_cookie_open(
    cookie: *const tessera_session_cookie,
    value: *const u8,
    value_len: usize,
    now: i64,
    session_json_out: *mut *mut c_char,
    issued_at_out: *mut i64,
    needs_reissue_out: *mut bool,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let codec = unsafe { try_ref(cookie, "cookie") }?;
        let value = unsafe { cookie_text(value, value_len, "cookie value") }?;
        let json_out = unsafe { out(session_json_out, "session_json_out") }?;
        let (issued_at_out, needs_reissue_out) =
            unsafe { (issued_at_out.as_mut(), needs_reissue_out.as_mut()) };
        let opened = codec.open(value, now_or_clock(now))?;
        put_opened(opened, json_out, issued_at_out, needs_reissue_out)
    })
}

/// Opens the session from a raw `Cookie` request header (the `header_len`
/// bytes at `cookie_header`): the cookie `<name>`, or its chunks `<name>.0`
/// … (if both, the one issued last wins). No session cookie in the header
/// is `TESSERA_STATUS_SESSION_NOT_FOUND`; otherwise as
/// `tessera_session_cookie_open`.
///
/// # Safety
/// `cookie` is a live codec or NULL; `cookie_header` is readable for
/// `header_len` bytes; `session_json_out` is writable; the optional
/// out-params are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_cookie_load(
    cookie: *const tessera_session_cookie,
    cookie_header: *const u8,
    header_len: usize,
    now: i64,
    session_json_out: *mut *mut c_char,
    issued_at_out: *mut i64,
    needs_reissue_out: *mut bool,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let codec = unsafe { try_ref(cookie, "cookie") }?;
        let header = unsafe { cookie_text(cookie_header, header_len, "cookie_header") }?;
        let json_out = unsafe { out(session_json_out, "session_json_out") }?;
        let (issued_at_out, needs_reissue_out) =
            unsafe { (issued_at_out.as_mut(), needs_reissue_out.as_mut()) };
        let opened = codec.load(header, now_or_clock(now))?;
        put_opened(opened, json_out, issued_at_out, needs_reissue_out)
    })
}

/// The request's `Cookie` header as an option: NULL is "no header".
///
/// # Safety
/// As [`cookie_text`].
unsafe fn request_header<'a>(ptr: *const u8, len: usize) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() && len == 0 {
        return Ok(None);
    }
    // SAFETY: per the caller's contract.
    unsafe { cookie_text(ptr, len, "request_cookie_header") }.map(Some)
}

/// Complete `Set-Cookie` header values for the session `session_json`
/// sealed at `now` (Unix seconds, or `TESSERA_NOW`): the value or its
/// chunks, then deletions of this session's other cookies named in the
/// request's `Cookie` header (`request_cookie_header`, `header_len` bytes;
/// NULL, 0 for none), so no stale chunk survives. Errors as
/// `tessera_session_cookie_seal_chunks`. On success `*lines_out` is an array
/// of `*count_out` strings (free with `tessera_strings_free(lines, count)`).
///
/// # Safety
/// `cookie` is a live codec or NULL; `session_json` is NUL-terminated;
/// `request_cookie_header` is NULL or readable for `header_len` bytes; both
/// out-params are writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_cookie_set_cookie_headers(
    cookie: *const tessera_session_cookie,
    session_json: *const c_char,
    now: i64,
    request_cookie_header: *const u8,
    header_len: usize,
    lines_out: *mut *mut *mut c_char,
    count_out: *mut usize,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let codec = unsafe { try_ref(cookie, "cookie") }?;
        let json = unsafe { config_str(session_json, "session_json") }?;
        let request = unsafe { request_header(request_cookie_header, header_len) }?;
        let lines_out = unsafe { out(lines_out, "lines_out") }?;
        let count_out = unsafe { out(count_out, "count_out") }?;
        let lines = codec.set_cookie_headers(json, now_or_clock(now), request)?;
        (*lines_out, *count_out) = into_c_strings(lines)?;
        Ok(())
    })
}

/// `Set-Cookie` header values that delete the session (log out): the cookie
/// `<name>` and every chunk of it named in the request's `Cookie` header
/// (NULL, 0 for none). Out-params as
/// `tessera_session_cookie_set_cookie_headers`.
///
/// # Safety
/// `cookie` is a live codec or NULL; `request_cookie_header` is NULL or
/// readable for `header_len` bytes; both out-params are writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_cookie_clear_cookie_headers(
    cookie: *const tessera_session_cookie,
    request_cookie_header: *const u8,
    header_len: usize,
    lines_out: *mut *mut *mut c_char,
    count_out: *mut usize,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let codec = unsafe { try_ref(cookie, "cookie") }?;
        let request = unsafe { request_header(request_cookie_header, header_len) }?;
        let lines_out = unsafe { out(lines_out, "lines_out") }?;
        let count_out = unsafe { out(count_out, "count_out") }?;
        (*lines_out, *count_out) = into_c_strings(codec.clear_cookie_headers(request)?)?;
        Ok(())
    })
}

/// Frees a session cookie codec. NULL is a no-op; never twice.
///
/// # Safety
/// `cookie` is NULL or a codec from this library that is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_cookie_free(cookie: *const tessera_session_cookie) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_arc(cookie) })
}
