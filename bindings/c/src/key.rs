//! `tessera_key`: one key bound to one algorithm (HMAC secret, RSA, EC or
//! Ed25519; private or public). Immutable; `Arc` inside.

use std::ffi::{c_char, CStr};
use std::ptr;

use tessera::{Algorithm, Error, Key, KeyOptions};

use crate::boundary::{boundary, guard};
use crate::error::tessera_status;
use crate::ffi::{
    arc_ptr, bytes, c_string, config_str, free_arc, into_c_bytes, invalid_argument, opt_config_str,
    out, try_ref, Castable, OwnershipArc,
};

/// A key bound to exactly one algorithm. Immutable and thread-safe: one
/// key may be used from any number of threads at once. Free with
/// `tessera_key_free`.
#[allow(non_camel_case_types)]
pub struct tessera_key {
    _private: [u8; 0],
}

impl Castable for tessera_key {
    type Ownership = OwnershipArc;
    type RustType = Key;
}

/// Flag for the `_ex` key constructors: accept HMAC secrets shorter than the
/// hash output and RSA moduli of 1024–2047 bits (verification with
/// RS256/RS512 only). Off by default.
pub const TESSERA_KEY_ALLOW_WEAK: u32 = 1;

const KNOWN_FLAGS: u32 = TESSERA_KEY_ALLOW_WEAK;

/// `alg`/`kid` (NULL = not given) and flags → `KeyOptions`. An unknown
/// algorithm name is `UNSUPPORTED_ALGORITHM` (`none`: `ALGORITHM_NOT_ALLOWED`),
/// as everywhere else.
unsafe fn options(alg: *const c_char, kid: *const c_char, flags: u32) -> Result<KeyOptions, Error> {
    if flags & !KNOWN_FLAGS != 0 {
        return Err(invalid_argument("unknown key flags"));
    }
    // SAFETY (both): NULL or NUL-terminated, per the caller's contract.
    let alg = unsafe { opt_config_str(alg, "alg") }?;
    let kid = unsafe { opt_config_str(kid, "kid") }?;
    Ok(KeyOptions {
        alg: alg.map(Algorithm::parse).transpose()?,
        kid: kid.map(str::to_owned),
        allow_weak: flags & TESSERA_KEY_ALLOW_WEAK != 0,
    })
}

/// The static name of an algorithm (exhaustive: a new algorithm fails to build).
pub(crate) fn alg_cstr(alg: Algorithm) -> &'static CStr {
    match alg {
        Algorithm::HS256 => c"HS256",
        Algorithm::HS384 => c"HS384",
        Algorithm::HS512 => c"HS512",
        Algorithm::RS256 => c"RS256",
        Algorithm::RS384 => c"RS384",
        Algorithm::RS512 => c"RS512",
        Algorithm::PS256 => c"PS256",
        Algorithm::PS384 => c"PS384",
        Algorithm::PS512 => c"PS512",
        Algorithm::ES256 => c"ES256",
        Algorithm::ES384 => c"ES384",
        Algorithm::EdDSA => c"EdDSA",
    }
}

/// Stores a new key handle in `*key_out` once `make` has succeeded.
fn new_key(
    key_out: *mut *mut tessera_key,
    make: impl FnOnce() -> Result<Key, Error>,
) -> tessera_status {
    boundary(|| {
        // SAFETY: NULL or writable, per the caller's contract.
        let key_out = unsafe { out(key_out, "key_out") }?;
        let key = make()?;
        *key_out = arc_ptr(key);
        Ok(())
    })
}

/// An HMAC key from the `len` bytes at `secret`. `alg` is `"HS256"` (the
/// default when NULL), `"HS384"` or `"HS512"`; `kid` is optional (NULL). A
/// secret shorter than the hash output (32/48/64 bytes) is
/// `TESSERA_STATUS_INVALID_KEY` (see `tessera_key_hmac_ex`).
///
/// # Safety
/// `secret` is readable for `len` bytes; `alg`/`kid` are NULL or
/// NUL-terminated; `key_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_key_hmac(
    secret: *const u8,
    len: usize,
    alg: *const c_char,
    kid: *const c_char,
    key_out: *mut *mut tessera_key,
) -> tessera_status {
    // SAFETY: same contract.
    unsafe { tessera_key_hmac_ex(secret, len, alg, kid, 0, key_out) }
}

/// `tessera_key_hmac` with `flags` (0 or `TESSERA_KEY_ALLOW_WEAK`; other bits
/// are `TESSERA_STATUS_INVALID_ARGUMENT`).
///
/// # Safety
/// As `tessera_key_hmac`.
#[no_mangle]
pub unsafe extern "C" fn tessera_key_hmac_ex(
    secret: *const u8,
    len: usize,
    alg: *const c_char,
    kid: *const c_char,
    flags: u32,
    key_out: *mut *mut tessera_key,
) -> tessera_status {
    new_key(key_out, || {
        // SAFETY: per the contract.
        let secret = unsafe { bytes(secret, len, "secret") }?;
        let opts = unsafe { options(alg, kid, flags) }?;
        Key::hmac_with(secret, &opts)
    })
}

/// A key from PEM text: PKCS#8 (`PRIVATE KEY`), SPKI (`PUBLIC KEY`), PKCS#1
/// (`RSA PRIVATE KEY`, `RSA PUBLIC KEY`), SEC1 (`EC PRIVATE KEY`) or an X.509
/// `CERTIFICATE`. `alg` NULL means: the only one the key type allows (P-256 →
/// ES256, Ed25519 → EdDSA), RS256 for RSA. `kid` is optional (NULL).
///
/// # Safety
/// `pem` is NUL-terminated; `alg`/`kid` are NULL or NUL-terminated;
/// `key_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_key_from_pem(
    pem: *const c_char,
    alg: *const c_char,
    kid: *const c_char,
    key_out: *mut *mut tessera_key,
) -> tessera_status {
    // SAFETY: same contract.
    unsafe { tessera_key_from_pem_ex(pem, alg, kid, 0, key_out) }
}

/// `tessera_key_from_pem` with `flags` (0 or `TESSERA_KEY_ALLOW_WEAK`).
///
/// # Safety
/// As `tessera_key_from_pem`.
#[no_mangle]
pub unsafe extern "C" fn tessera_key_from_pem_ex(
    pem: *const c_char,
    alg: *const c_char,
    kid: *const c_char,
    flags: u32,
    key_out: *mut *mut tessera_key,
) -> tessera_status {
    new_key(key_out, || {
        // SAFETY: per the contract.
        let pem = unsafe { config_str(pem, "pem") }?;
        let opts = unsafe { options(alg, kid, flags) }?;
        Key::from_pem_with(pem, &opts)
    })
}

/// A key from the `len` DER bytes at `der`, in any container
/// `tessera_key_from_pem` accepts. `alg`/`kid` as there.
///
/// # Safety
/// `der` is readable for `len` bytes; `alg`/`kid` are NULL or
/// NUL-terminated; `key_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_key_from_der(
    der: *const u8,
    len: usize,
    alg: *const c_char,
    kid: *const c_char,
    key_out: *mut *mut tessera_key,
) -> tessera_status {
    // SAFETY: same contract.
    unsafe { tessera_key_from_der_ex(der, len, alg, kid, 0, key_out) }
}

/// `tessera_key_from_der` with `flags` (0 or `TESSERA_KEY_ALLOW_WEAK`).
///
/// # Safety
/// As `tessera_key_from_der`.
#[no_mangle]
pub unsafe extern "C" fn tessera_key_from_der_ex(
    der: *const u8,
    len: usize,
    alg: *const c_char,
    kid: *const c_char,
    flags: u32,
    key_out: *mut *mut tessera_key,
) -> tessera_status {
    new_key(key_out, || {
        // SAFETY: per the contract.
        let der = unsafe { bytes(der, len, "der") }?;
        let opts = unsafe { options(alg, kid, flags) }?;
        Key::from_der_with(der, &opts)
    })
}

/// A key from a JWK (JSON object text); `alg` and `kid` come from the JWK.
///
/// # Safety
/// `jwk_json` is NUL-terminated; `key_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_key_from_jwk(
    jwk_json: *const c_char,
    key_out: *mut *mut tessera_key,
) -> tessera_status {
    // SAFETY: same contract.
    unsafe { tessera_key_from_jwk_ex(jwk_json, ptr::null(), ptr::null(), 0, key_out) }
}

/// `tessera_key_from_jwk` with options: `alg` (NULL: the JWK's) must agree
/// with the JWK's `alg` when both are given; `kid` (NULL: the JWK's) replaces
/// the JWK's; `flags` 0 or `TESSERA_KEY_ALLOW_WEAK`.
///
/// # Safety
/// `jwk_json` is NUL-terminated; `alg`/`kid` are NULL or NUL-terminated;
/// `key_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_key_from_jwk_ex(
    jwk_json: *const c_char,
    alg: *const c_char,
    kid: *const c_char,
    flags: u32,
    key_out: *mut *mut tessera_key,
) -> tessera_status {
    new_key(key_out, || {
        // SAFETY: per the contract.
        let jwk = unsafe { config_str(jwk_json, "jwk_json") }?;
        let opts = unsafe { options(alg, kid, flags) }?;
        Key::from_jwk_with(jwk, &opts)
    })
}

/// A fresh private key for `alg` (required) from the OS CSPRNG: a secret as
/// long as the hash for HS*, a 2048-bit RSA key (slow: ~0.1–1 s), a
/// P-256/P-384 or Ed25519 key. `kid` is optional (NULL).
///
/// # Safety
/// `alg` is NUL-terminated; `kid` is NULL or NUL-terminated; `key_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_key_generate(
    alg: *const c_char,
    kid: *const c_char,
    key_out: *mut *mut tessera_key,
) -> tessera_status {
    new_key(key_out, || {
        // SAFETY: per the contract.
        let alg = Algorithm::parse(unsafe { config_str(alg, "alg") }?)?;
        let kid = unsafe { opt_config_str(kid, "kid") }?;
        Key::generate_with(alg, kid)
    })
}

/// The public half of an asymmetric key (same alg and kid) as a new key.
/// HMAC keys have none: `TESSERA_STATUS_INVALID_KEY`.
///
/// # Safety
/// `key` is a live key or NULL; `public_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_key_public(
    key: *const tessera_key,
    public_out: *mut *mut tessera_key,
) -> tessera_status {
    new_key(public_out, || {
        // SAFETY: per the contract.
        unsafe { try_ref(key, "key") }?.public()
    })
}

/// The algorithm the key is bound to (`"ES256"`): a static string, never
/// freed. NULL when `key` is NULL.
///
/// # Safety
/// `key` is a live key or NULL.
#[no_mangle]
pub unsafe extern "C" fn tessera_key_alg(key: *const tessera_key) -> *const c_char {
    guard(ptr::null(), || {
        // SAFETY: per the contract.
        unsafe { try_ref(key, "key") }.map_or(ptr::null(), |k| alg_cstr(k.alg()).as_ptr())
    })
}

/// Whether the key can sign (HMAC keys and private keys). False when `key` is NULL.
///
/// # Safety
/// `key` is a live key or NULL.
#[no_mangle]
pub unsafe extern "C" fn tessera_key_is_private(key: *const tessera_key) -> bool {
    guard(false, || {
        // SAFETY: per the contract.
        unsafe { try_ref(key, "key") }.is_ok_and(|k| k.is_private())
    })
}

/// The key id: on success `*kid_out` is a new string (free with
/// `tessera_string_free`), or NULL when the key has no kid.
///
/// # Safety
/// `key` is a live key or NULL; `kid_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_key_kid(
    key: *const tessera_key,
    kid_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let key = unsafe { try_ref(key, "key") }?;
        let kid_out = unsafe { out(kid_out, "kid_out") }?;
        let kid = key
            .kid()
            .map(|k| c_string(k.to_owned(), "kid"))
            .transpose()?;
        *kid_out = kid.map_or(ptr::null_mut(), |k| k.into_raw());
        Ok(())
    })
}

/// The RFC 7638 JWK thumbprint (SHA-256, base64url) as a new string (free
/// with `tessera_string_free`).
///
/// # Safety
/// `key` is a live key or NULL; `thumbprint_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_key_thumbprint(
    key: *const tessera_key,
    thumbprint_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let key = unsafe { try_ref(key, "key") }?;
        let thumbprint_out = unsafe { out(thumbprint_out, "thumbprint_out") }?;
        *thumbprint_out = c_string(key.thumbprint(), "thumbprint")?.into_raw();
        Ok(())
    })
}

/// The key as JWK JSON text (with `alg` and `kid`) as a new string (free with
/// `tessera_string_free`). Private members only when `include_private`; an
/// HMAC key can only be exported with `include_private` (else
/// `TESSERA_STATUS_INVALID_KEY`).
///
/// # Safety
/// `key` is a live key or NULL; `jwk_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_key_to_jwk(
    key: *const tessera_key,
    include_private: bool,
    jwk_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let key = unsafe { try_ref(key, "key") }?;
        let jwk_out = unsafe { out(jwk_out, "jwk_out") }?;
        *jwk_out = c_string(key.to_jwk(include_private)?, "jwk")?.into_raw();
        Ok(())
    })
}

/// Signs the `msg_len` bytes at `msg` with the key's algorithm. On success
/// `*sig_out`/`*sig_len_out` hold the raw JWS signature (free with
/// `tessera_bytes_free(sig, sig_len)`). A public key is
/// `TESSERA_STATUS_INVALID_KEY`.
///
/// # Safety
/// `key` is a live key or NULL; `msg` is readable for `msg_len` bytes;
/// `sig_out` and `sig_len_out` are writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_key_sign(
    key: *const tessera_key,
    msg: *const u8,
    msg_len: usize,
    sig_out: *mut *mut u8,
    sig_len_out: *mut usize,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let key = unsafe { try_ref(key, "key") }?;
        let msg = unsafe { bytes(msg, msg_len, "msg") }?;
        let sig_out = unsafe { out(sig_out, "sig_out") }?;
        let sig_len_out = unsafe { out(sig_len_out, "sig_len_out") }?;
        let (sig, len) = into_c_bytes(key.sign(msg)?);
        *sig_out = sig;
        *sig_len_out = len;
        Ok(())
    })
}

/// Verifies a raw JWS signature (`sig`, `sig_len` bytes) over `msg`:
/// `TESSERA_STATUS_OK` when it verifies, `TESSERA_STATUS_INVALID_SIGNATURE`
/// when not. MACs are compared in constant time.
///
/// # Safety
/// `key` is a live key or NULL; `msg`/`sig` are readable for their lengths.
#[no_mangle]
pub unsafe extern "C" fn tessera_key_verify(
    key: *const tessera_key,
    msg: *const u8,
    msg_len: usize,
    sig: *const u8,
    sig_len: usize,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let key = unsafe { try_ref(key, "key") }?;
        let msg = unsafe { bytes(msg, msg_len, "msg") }?;
        let sig = unsafe { bytes(sig, sig_len, "sig") }?;
        key.verify(msg, sig)
    })
}

/// Frees a key. NULL is a no-op; never twice. Key sets and verifiers built
/// from the key keep their own reference, so they stay usable.
///
/// # Safety
/// `key` is NULL or a key from this library that is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_key_free(key: *const tessera_key) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_arc(key) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alg_names_match_core() {
        for &alg in Algorithm::ALL {
            assert_eq!(alg_cstr(alg).to_str().unwrap(), alg.as_str());
        }
    }
}
