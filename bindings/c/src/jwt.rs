//! JWT encoding and unverified decoding.

use std::ffi::c_char;

use tessera::{jwt, Error, SigningKeys};

use crate::boundary::boundary;
use crate::error::tessera_status;
use crate::ffi::{
    c_string, c_string_nul_free, config_str, opt_config_str, out, token_str, try_ref,
};
use crate::key::tessera_key;
use crate::keyset::tessera_keyset;

/// Shared by both encoders.
unsafe fn encode(
    keys: &impl SigningKeys,
    claims_json: *const c_char,
    header_json: *const c_char,
    token_out: *mut *mut c_char,
) -> Result<(), Error> {
    // SAFETY: per the callers' contract.
    let claims = unsafe { config_str(claims_json, "claims_json") }?;
    let header = unsafe { opt_config_str(header_json, "header_json") }?;
    let token_out = unsafe { out(token_out, "token_out") }?;
    let token = jwt::encode(claims, keys, header)?;
    *token_out = c_string_nul_free(token).into_raw();
    Ok(())
}

/// Encodes and signs a JWT with `key`. `claims_json` must be a JSON object
/// (no duplicate members); it is signed byte for byte as given (not
/// re-serialized). `header_json` (NULL: none) is a JSON object of extra
/// header members; the header gets `alg` (must equal the key's if given),
/// `typ: "JWT"` unless given, and the key's `kid`. On success `*token_out` is
/// the compact token (free with `tessera_string_free`). Bad claims or header
/// JSON is `TESSERA_STATUS_INVALID_ARGUMENT`; a public key
/// `TESSERA_STATUS_INVALID_KEY`.
///
/// # Safety
/// `key` is a live key or NULL; `claims_json` is NUL-terminated;
/// `header_json` is NULL or NUL-terminated; `token_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_jwt_encode(
    key: *const tessera_key,
    claims_json: *const c_char,
    header_json: *const c_char,
    token_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let key = unsafe { try_ref(key, "key") }?;
        unsafe { encode(key, claims_json, header_json, token_out) }
    })
}

/// `tessera_jwt_encode` with a key set: a `kid` in `header_json` selects the
/// signing key (no such key: `TESSERA_STATUS_KEY_NOT_FOUND`), else the first
/// key that can sign.
///
/// # Safety
/// `keyset` is a live key set or NULL; otherwise as `tessera_jwt_encode`.
#[no_mangle]
pub unsafe extern "C" fn tessera_jwt_encode_keyset(
    keyset: *const tessera_keyset,
    claims_json: *const c_char,
    header_json: *const c_char,
    token_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let keyset = unsafe { try_ref(keyset, "keyset") }?;
        unsafe { encode(keyset, claims_json, header_json, token_out) }
    })
}

/// Decodes a JWT **without verifying** its signature or claims, for
/// inspection only (never for authorization). The same structural checks as
/// verification apply (`TESSERA_STATUS_MALFORMED`, `TESSERA_STATUS_TOO_LARGE`).
/// On success `*header_json_out` and `*claims_json_out` are new strings (free
/// each with `tessera_string_free`).
///
/// # Safety
/// `token` is readable for `len` bytes; both out-params are writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_jwt_decode_unverified(
    token: *const u8,
    len: usize,
    header_json_out: *mut *mut c_char,
    claims_json_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let token = unsafe { token_str(token, len) }?;
        let header_json_out = unsafe { out(header_json_out, "header_json_out") }?;
        let claims_json_out = unsafe { out(claims_json_out, "claims_json_out") }?;
        let u = jwt::decode_unverified(token)?;
        let header = c_string(u.header_json, "header")?;
        let claims = c_string(u.claims_json, "claims")?;
        *header_json_out = header.into_raw();
        *claims_json_out = claims.into_raw();
        Ok(())
    })
}
