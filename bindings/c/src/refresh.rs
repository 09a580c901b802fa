//! `tessera_refresh_tokens`: rotating refresh tokens in families, with reuse
//! detection (`tessera::session::RefreshTokens`). Immutable; `Arc` inside.

use std::ffi::{c_char, CString};
use std::ptr;

use tessera::session::RefreshTokens;

use crate::boundary::{boundary, guard};
use crate::error::tessera_status;
use crate::ffi::{
    arc_ptr, c_string, config_str, free_arc, id_text, opt_config_str, out, try_ref, Castable,
    OwnershipArc,
};
use crate::store::{duration_ms, tessera_store};

/// Opaque refresh tokens (256 random bits, base64url; the store keys on
/// their SHA-256) in families. Rotating a token retires it and returns a new
/// one of the same family; presenting a retired token again revokes the
/// whole family (`TESSERA_STATUS_REFRESH_TOKEN_REUSED`). Thread-safe: when
/// several threads or processes rotate the same token at once, exactly one
/// gets a new token. Free with `tessera_refresh_tokens_free`.
#[allow(non_camel_case_types)]
pub struct tessera_refresh_tokens {
    _private: [u8; 0],
}

impl Castable for tessera_refresh_tokens {
    type Ownership = OwnershipArc;
    type RustType = RefreshTokens;
}

const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<RefreshTokens>();
};

/// Refresh tokens kept in `store` (it keeps its own reference), each valid
/// for `ttl_ms` milliseconds (every rotation starts a fresh `ttl_ms`). A
/// `ttl_ms` of 0 or less is `TESSERA_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `store` is a live store or NULL; `tokens_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_refresh_tokens_new(
    store: *const tessera_store,
    ttl_ms: i64,
    tokens_out: *mut *mut tessera_refresh_tokens,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let store = unsafe { try_ref(store, "store") }?;
        let tokens_out = unsafe { out(tokens_out, "tokens_out") }?;
        let ttl = duration_ms(ttl_ms, "ttl_ms")?;
        *tokens_out = arc_ptr(RefreshTokens::new(store.shared(), ttl)?);
        Ok(())
    })
}

/// Starts a family for `user_id` with optional `data_json` (JSON object
/// text, NULL for none) handed back by every rotation. On success
/// `*token_out` is its first token (free with `tessera_string_free`). A bad
/// user id or data that is not a JSON object is
/// `TESSERA_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `tokens` is a live service or NULL; `user_id` is NUL-terminated;
/// `data_json` is NULL or NUL-terminated; `token_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_refresh_tokens_issue(
    tokens: *const tessera_refresh_tokens,
    user_id: *const c_char,
    data_json: *const c_char,
    token_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let tokens = unsafe { try_ref(tokens, "tokens") }?;
        let user = unsafe { config_str(user_id, "user_id") }?;
        let data = unsafe { opt_config_str(data_json, "data_json") }?;
        let token_out = unsafe { out(token_out, "token_out") }?;
        *token_out = c_string(tokens.issue(user, data)?, "refresh token")?.into_raw();
        Ok(())
    })
}

/// Retires the refresh token in the `token_len` bytes at `token` and mints
/// the next one of its family. On success `*user_id_out` is the family's
/// user, `*data_json_out` the data given to `tessera_refresh_tokens_issue`
/// (NULL if none) and `*token_out` the new token (free each with
/// `tessera_string_free`). Failures: `TESSERA_STATUS_REFRESH_TOKEN_REUSED`
/// (the token was already rotated: the whole family is now revoked),
/// `TESSERA_STATUS_REVOKED` (family revoked), `TESSERA_STATUS_SESSION_NOT_FOUND`
/// (unknown or expired), `TESSERA_STATUS_MALFORMED` (not a refresh token).
///
/// # Safety
/// `tokens` is a live service or NULL; `token` is readable for `token_len`
/// bytes; `user_id_out`, `data_json_out` and `token_out` are writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_refresh_tokens_rotate(
    tokens: *const tessera_refresh_tokens,
    token: *const u8,
    token_len: usize,
    user_id_out: *mut *mut c_char,
    data_json_out: *mut *mut c_char,
    token_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let tokens = unsafe { try_ref(tokens, "tokens") }?;
        let token = unsafe { id_text(token, token_len, "token") }?;
        let user_id_out = unsafe { out(user_id_out, "user_id_out") }?;
        let data_json_out = unsafe { out(data_json_out, "data_json_out") }?;
        let token_out = unsafe { out(token_out, "token_out") }?;
        let rotated = tokens.rotate(&token)?;
        // Every conversion before any write: all three or none.
        let user = c_string(rotated.user_id, "user id")?;
        let data = rotated.data.map(|d| c_string(d, "data")).transpose()?;
        let new = c_string(rotated.token, "refresh token")?;
        *user_id_out = user.into_raw();
        *data_json_out = data.map_or(ptr::null_mut(), CString::into_raw);
        *token_out = new.into_raw();
        Ok(())
    })
}

/// Revokes the family of the token at `token` (any token of it, current or
/// retired): its tokens then fail with `TESSERA_STATUS_REVOKED`. On success
/// `*revoked_out` is false when the token is unknown.
///
/// # Safety
/// `tokens` is a live service or NULL; `token` is readable for `token_len`
/// bytes; `revoked_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_refresh_tokens_revoke_family(
    tokens: *const tessera_refresh_tokens,
    token: *const u8,
    token_len: usize,
    revoked_out: *mut bool,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let tokens = unsafe { try_ref(tokens, "tokens") }?;
        let token = unsafe { id_text(token, token_len, "token") }?;
        let revoked_out = unsafe { out(revoked_out, "revoked_out") }?;
        *revoked_out = tokens.revoke_family(&token)?;
        Ok(())
    })
}

/// Revokes every token family of `user_id` ("log out everywhere" for
/// refresh tokens; their tokens then fail with `TESSERA_STATUS_REVOKED`). On
/// success `*count_out` is how many families were still live. A bad user id
/// is `TESSERA_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `tokens` is a live service or NULL; `user_id` is NUL-terminated;
/// `count_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_refresh_tokens_revoke_user(
    tokens: *const tessera_refresh_tokens,
    user_id: *const c_char,
    count_out: *mut u64,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let tokens = unsafe { try_ref(tokens, "tokens") }?;
        let user = unsafe { config_str(user_id, "user_id") }?;
        let count_out = unsafe { out(count_out, "count_out") }?;
        *count_out = tokens.revoke_user(user)?;
        Ok(())
    })
}

/// Frees a refresh-token service. NULL is a no-op; never twice.
///
/// # Safety
/// `tokens` is NULL or a service from this library that is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_refresh_tokens_free(tokens: *const tessera_refresh_tokens) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_arc(tokens) })
}
