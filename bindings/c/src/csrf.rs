//! `tessera_csrf_tokens`: CSRF synchronizer tokens bound to a session
//! (`tessera::cookie::csrf::CsrfTokens`). Immutable; `Arc` inside.

use std::ffi::c_char;

use tessera::cookie::csrf::CsrfTokens;

use crate::boundary::{boundary, guard};
use crate::cookie::{cookie_text, secret_list};
use crate::error::tessera_status;
use crate::ffi::{arc_ptr, c_string, config_str, free_arc, out, try_ref, Castable, OwnershipArc};

/// Generates and checks CSRF tokens bound to a session id: nothing is
/// stored, any server holding the secret checks a token for the session it
/// serves. Immutable and thread-safe. Free with `tessera_csrf_tokens_free`.
#[allow(non_camel_case_types)]
pub struct tessera_csrf_tokens {
    _private: [u8; 0],
}

impl Castable for tessera_csrf_tokens {
    type Ownership = OwnershipArc;
    type RustType = CsrfTokens;
}

const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<CsrfTokens>();
};

/// A CSRF token codec. `secrets` are `secrets_count` pointers with their
/// lengths in `secret_lens`, each at least 32 bytes
/// (`TESSERA_STATUS_INVALID_KEY` otherwise, and for none): the first
/// generates, every one verifies.
///
/// # Safety
/// `secrets` and `secret_lens` are readable for `secrets_count` elements
/// (each secret for its length); `csrf_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_csrf_tokens_new(
    secrets: *const *const u8,
    secret_lens: *const usize,
    secrets_count: usize,
    csrf_out: *mut *mut tessera_csrf_tokens,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let secrets = unsafe { secret_list(secrets, secret_lens, secrets_count, "secrets") }?;
        let csrf_out = unsafe { out(csrf_out, "csrf_out") }?;
        *csrf_out = arc_ptr(CsrfTokens::new(&secrets)?);
        Ok(())
    })
}

/// A fresh token for `session_id` (masked with new random bytes on every
/// call, so it differs each time; 86 URL-safe characters). On success
/// `*token_out` is the token (free with `tessera_string_free`).
///
/// # Safety
/// `csrf` is a live codec or NULL; `session_id` is NUL-terminated;
/// `token_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_csrf_tokens_generate(
    csrf: *const tessera_csrf_tokens,
    session_id: *const c_char,
    token_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let csrf = unsafe { try_ref(csrf, "csrf") }?;
        let session_id = unsafe { config_str(session_id, "session_id") }?;
        let token_out = unsafe { out(token_out, "token_out") }?;
        *token_out = c_string(csrf.generate(session_id)?, "token")?.into_raw();
        Ok(())
    })
}

/// Checks the token (the `token_len` bytes at `token`, as received) for
/// `session_id`: `TESSERA_STATUS_OK` when it was generated for this session
/// with any of the secrets, `TESSERA_STATUS_INVALID_SIGNATURE` when for
/// another session or secret, `TESSERA_STATUS_MALFORMED` when it is not a
/// token at all (or not UTF-8).
///
/// # Safety
/// `csrf` is a live codec or NULL; `session_id` is NUL-terminated; `token`
/// is readable for `token_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn tessera_csrf_tokens_verify(
    csrf: *const tessera_csrf_tokens,
    session_id: *const c_char,
    token: *const u8,
    token_len: usize,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let csrf = unsafe { try_ref(csrf, "csrf") }?;
        let session_id = unsafe { config_str(session_id, "session_id") }?;
        let token = unsafe { cookie_text(token, token_len, "token") }?;
        csrf.verify(session_id, token)
    })
}

/// Frees a CSRF token codec. NULL is a no-op; never twice.
///
/// # Safety
/// `csrf` is NULL or a codec from this library that is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_csrf_tokens_free(csrf: *const tessera_csrf_tokens) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_arc(csrf) })
}
