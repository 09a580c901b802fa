//! Compact JWS over arbitrary (non-JSON) payloads.

use std::ffi::c_char;

use tessera::{jws, Error, SigningKeys};

use crate::boundary::boundary;
use crate::error::tessera_status;
use crate::ffi::{bytes, c_string, into_c_bytes, opt_config_str, out, token_str, try_ref};
use crate::key::tessera_key;
use crate::keyset::tessera_keyset;

/// Shared by both signers.
unsafe fn sign(
    keys: &impl SigningKeys,
    payload: *const u8,
    payload_len: usize,
    header_json: *const c_char,
    token_out: *mut *mut c_char,
) -> Result<(), Error> {
    // SAFETY: per the callers' contract.
    let payload = unsafe { bytes(payload, payload_len, "payload") }?;
    let header = unsafe { opt_config_str(header_json, "header_json") }?;
    let token_out = unsafe { out(token_out, "token_out") }?;
    let token = jws::sign(payload, keys, header)?;
    *token_out = c_string(token, "token")?.into_raw();
    Ok(())
}

/// Signs the `payload_len` bytes at `payload` as a compact JWS with `key`.
/// `header_json` (NULL: none) is a JSON object of extra protected header
/// members (`alg`, if given, must equal the key's; `crit` and `b64` are
/// refused). On success `*token_out` is the token (free with
/// `tessera_string_free`).
///
/// # Safety
/// `key` is a live key or NULL; `payload` is readable for `payload_len`
/// bytes; `header_json` is NULL or NUL-terminated; `token_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_jws_sign(
    key: *const tessera_key,
    payload: *const u8,
    payload_len: usize,
    header_json: *const c_char,
    token_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let key = unsafe { try_ref(key, "key") }?;
        unsafe { sign(key, payload, payload_len, header_json, token_out) }
    })
}

/// `tessera_jws_sign` with a key set: a `kid` in `header_json` selects the
/// signing key, else the first key that can sign.
///
/// # Safety
/// `keyset` is a live key set or NULL; otherwise as `tessera_jws_sign`.
#[no_mangle]
pub unsafe extern "C" fn tessera_jws_sign_keyset(
    keyset: *const tessera_keyset,
    payload: *const u8,
    payload_len: usize,
    header_json: *const c_char,
    token_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let keyset = unsafe { try_ref(keyset, "keyset") }?;
        unsafe { sign(keyset, payload, payload_len, header_json, token_out) }
    })
}

/// Verifies the compact JWS in the `len` bytes at `token` with `keyset`
/// (kid selection as for JWTs; no claim checks). On success
/// `*payload_out`/`*payload_len_out` hold the payload (free with
/// `tessera_bytes_free(payload, payload_len)`; an empty payload is NULL, 0).
///
/// # Safety
/// `keyset` is a live key set or NULL; `token` is readable for `len` bytes;
/// both out-params are writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_jws_verify(
    keyset: *const tessera_keyset,
    token: *const u8,
    len: usize,
    payload_out: *mut *mut u8,
    payload_len_out: *mut usize,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let keyset = unsafe { try_ref(keyset, "keyset") }?;
        let token = unsafe { token_str(token, len) }?;
        let payload_out = unsafe { out(payload_out, "payload_out") }?;
        let payload_len_out = unsafe { out(payload_len_out, "payload_len_out") }?;
        let (payload, payload_len) = into_c_bytes(jws::verify(token, keyset)?);
        *payload_out = payload;
        *payload_len_out = payload_len;
        Ok(())
    })
}

/// Verifies a compact JWS with a detached payload (RFC 7515 appendix F: the
/// token's middle segment is empty; the `payload_len` bytes at `payload` are
/// what was signed). `TESSERA_STATUS_OK` when it verifies.
///
/// # Safety
/// `keyset` is a live key set or NULL; `token` and `payload` are readable for
/// their lengths.
#[no_mangle]
pub unsafe extern "C" fn tessera_jws_verify_detached(
    keyset: *const tessera_keyset,
    token: *const u8,
    len: usize,
    payload: *const u8,
    payload_len: usize,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let keyset = unsafe { try_ref(keyset, "keyset") }?;
        let token = unsafe { token_str(token, len) }?;
        let payload = unsafe { bytes(payload, payload_len, "payload") }?;
        jws::verify_detached(token, payload, keyset).map(drop)
    })
}
