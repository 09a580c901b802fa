//! `tessera_rails_cookie`: Rails 7+ encrypted cookies
//! (`tessera::cookie::rails::RailsCookie`). Immutable; `Arc` inside.

use std::ffi::c_char;

use tessera::cookie::rails::{RailsCookie, RailsDigest};
use tessera::Error;

use crate::boundary::{boundary, guard};
use crate::cookie::{cookie_text, now_ms_or_clock, secret_list, TESSERA_UNSET};
use crate::error::tessera_status;
use crate::ffi::{
    arc_ptr, bytes, c_string, config_str, free_arc, opt_config_str, out, try_ref, Castable,
    OwnershipArc,
};

/// A Rails encrypted-cookie codec for one cookie name (AES-256-GCM, key
/// from `secret_key_base` by PBKDF2, the `_rails` envelope with purpose and
/// expiry). Immutable and thread-safe. Free with `tessera_rails_cookie_free`.
#[allow(non_camel_case_types)]
pub struct tessera_rails_cookie {
    _private: [u8; 0],
}

impl Castable for tessera_rails_cookie {
    type Ownership = OwnershipArc;
    type RustType = RailsCookie;
}

const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<RailsCookie>();
};

/// A digest name: NULL is the core's default (`"sha256"`, Rails 7.0+).
///
/// # Safety
/// `digest` is NULL or NUL-terminated.
unsafe fn digest_arg(digest: *const c_char, what: &'static str) -> Result<RailsDigest, Error> {
    // SAFETY: per the contract.
    match unsafe { opt_config_str(digest, what) }? {
        None => Ok(RailsDigest::default()),
        Some(name) => RailsDigest::parse(name),
    }
}

/// The codec for the cookie `cookie_name` (for the session,
/// `_<app>_session`: the name is the purpose, so a value for one cookie
/// never opens as another). `secret_key_base` is the app's (its
/// `secret_key_base_len` bytes; empty is `TESSERA_STATUS_INVALID_KEY`): it
/// encrypts and decrypts. `digest` is the key generator's hash: `"sha256"`
/// (Rails 7.0+, and the meaning of NULL) or `"sha1"` (apps on 5.2–6.1
/// defaults).
///
/// Rotation (Rails' `cookies_rotations.rotate :encrypted`):
/// `rotations_count` older `secret_key_base`s that still decrypt, in
/// `rotations` with their lengths in `rotation_lens`, and their digests in
/// `rotation_digests` (NULL for all `"sha256"`, or one name or NULL per
/// rotation); 0 and NULL, NULL, NULL for none. Another digest name, or a
/// cookie name that is not an RFC 7230 token, is
/// `TESSERA_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `secret_key_base` is readable for `secret_key_base_len` bytes;
/// `cookie_name` is NUL-terminated; `digest` is NULL or NUL-terminated;
/// `rotations` and `rotation_lens` are readable for `rotations_count`
/// elements (each rotation for its length); `rotation_digests` is NULL or
/// readable for `rotations_count` pointers, each NULL or NUL-terminated;
/// `rails_out` is writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the key, its rotations, the out-parameter
pub unsafe extern "C" fn tessera_rails_cookie_new(
    secret_key_base: *const u8,
    secret_key_base_len: usize,
    cookie_name: *const c_char,
    digest: *const c_char,
    rotations: *const *const u8,
    rotation_lens: *const usize,
    rotation_digests: *const *const c_char,
    rotations_count: usize,
    rails_out: *mut *mut tessera_rails_cookie,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let base = unsafe { bytes(secret_key_base, secret_key_base_len, "secret_key_base") }?;
        let name = unsafe { config_str(cookie_name, "cookie_name") }?;
        let digest = unsafe { digest_arg(digest, "digest") }?;
        let old = unsafe { secret_list(rotations, rotation_lens, rotations_count, "rotations") }?;
        let digests = if rotation_digests.is_null() || rotations_count == 0 {
            vec![RailsDigest::default(); old.len()]
        } else {
            // SAFETY: non-NULL and readable for `rotations_count` pointers per the contract.
            unsafe { std::slice::from_raw_parts(rotation_digests, rotations_count) }
                .iter()
                // SAFETY: each NULL or NUL-terminated per the contract.
                .map(|&d| unsafe { digest_arg(d, "rotation_digests") })
                .collect::<Result<Vec<_>, _>>()?
        };
        let rails_out = unsafe { out(rails_out, "rails_out") }?;
        let rotations: Vec<(&[u8], RailsDigest)> = old.into_iter().zip(digests).collect();
        *rails_out = arc_ptr(RailsCookie::with_rotations(base, name, digest, &rotations)?);
        Ok(())
    })
}

/// Encrypts the JSON value `json` (any JSON value, written as
/// `ActiveSupport::JSON.encode` does) into a cookie value Rails reads,
/// Rack-escaped, expiring at `expires_at_ms` (Unix milliseconds) or never
/// (`TESSERA_UNSET`). Past Rails' 4096-byte limit is
/// `TESSERA_STATUS_COOKIE_TOO_LARGE`; JSON that does not parse is
/// `TESSERA_STATUS_INVALID_ARGUMENT`. On success `*value_out` is the value
/// (free with `tessera_string_free`).
///
/// # Safety
/// `rails` is a live codec or NULL; `json` is NUL-terminated; `value_out` is
/// writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_rails_cookie_encrypt(
    rails: *const tessera_rails_cookie,
    json: *const c_char,
    expires_at_ms: i64,
    value_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let rails = unsafe { try_ref(rails, "rails") }?;
        let json = unsafe { config_str(json, "json") }?;
        let value_out = unsafe { out(value_out, "value_out") }?;
        let expires = (expires_at_ms != TESSERA_UNSET).then_some(expires_at_ms);
        *value_out = c_string(rails.encrypt(json, expires)?, "cookie value")?.into_raw();
        Ok(())
    })
}

/// Decrypts a cookie value as sent (the `value_len` bytes at `value`,
/// Rack-escaped or not) at `now_ms` (Unix **milliseconds**, or
/// `TESSERA_NOW`). On success `*json_out` is the value's JSON text (free
/// with `tessera_string_free`). Rejections: `TESSERA_STATUS_INVALID_SIGNATURE`
/// (does not decrypt with this key, or written for another cookie name),
/// `_EXPIRED`, `_MALFORMED` (not a Rails 6+ encrypted cookie, not UTF-8),
/// `_TOO_LARGE`.
///
/// # Safety
/// `rails` is a live codec or NULL; `value` is readable for `value_len`
/// bytes; `json_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_rails_cookie_decrypt(
    rails: *const tessera_rails_cookie,
    value: *const u8,
    value_len: usize,
    now_ms: i64,
    json_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let rails = unsafe { try_ref(rails, "rails") }?;
        let value = unsafe { cookie_text(value, value_len, "cookie value") }?;
        let json_out = unsafe { out(json_out, "json_out") }?;
        let json = rails.decrypt(value, now_ms_or_clock(now_ms))?;
        *json_out = c_string(json, "JSON")?.into_raw();
        Ok(())
    })
}

/// Frees a Rails cookie codec. NULL is a no-op; never twice.
///
/// # Safety
/// `rails` is NULL or a codec from this library that is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_rails_cookie_free(rails: *const tessera_rails_cookie) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_arc(rails) })
}
