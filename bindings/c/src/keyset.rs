//! `tessera_keyset`: an ordered set of keys (kid selection, rotation, JWKS).
//! `Box` inside: mutable through `tessera_keyset_add`/`_rotate`.

use std::ffi::c_char;

use tessera::KeySet;

use crate::boundary::{boundary, guard};
use crate::error::tessera_status;
use crate::ffi::{
    box_ptr, c_string, config_str, free_box, out, try_mut, try_ref, Castable, OwnershipBox,
};
use crate::key::tessera_key;

/// An ordered set of keys. Functions taking `const tessera_keyset *` only
/// read it and may run on many threads at once; `tessera_keyset_add` and
/// `tessera_keyset_rotate` (non-const) need exclusive access: no other
/// call may use the same set meanwhile. Verifiers copy the set (cheaply:
/// keys are shared), so a set may be changed or freed once a verifier has
/// been built from it. Free with `tessera_keyset_free`.
#[allow(non_camel_case_types)]
pub struct tessera_keyset {
    _private: [u8; 0],
}

impl Castable for tessera_keyset {
    type Ownership = OwnershipBox;
    type RustType = KeySet;
}

/// A new, empty key set.
///
/// # Safety
/// `keyset_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_keyset_new(
    keyset_out: *mut *mut tessera_keyset,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let keyset_out = unsafe { out(keyset_out, "keyset_out") }?;
        *keyset_out = box_ptr(KeySet::default());
        Ok(())
    })
}

/// Appends `key` (it verifies; it signs only if no earlier key can). The set
/// keeps its own reference: `key` may be freed afterwards. A second key with
/// the same kid is `TESSERA_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `keyset` is a live key set (not used by another thread meanwhile) or
/// NULL; `key` is a live key or NULL.
#[no_mangle]
pub unsafe extern "C" fn tessera_keyset_add(
    keyset: *mut tessera_keyset,
    key: *const tessera_key,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let keyset = unsafe { try_mut(keyset, "keyset") }?;
        let key = unsafe { try_ref(key, "key") }?;
        keyset.push(key.clone())
    })
}

/// Inserts `key` first, so it signs from now on; the other keys keep
/// verifying. Otherwise as `tessera_keyset_add`.
///
/// # Safety
/// As `tessera_keyset_add`.
#[no_mangle]
pub unsafe extern "C" fn tessera_keyset_rotate(
    keyset: *mut tessera_keyset,
    key: *const tessera_key,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let keyset = unsafe { try_mut(keyset, "keyset") }?;
        let key = unsafe { try_ref(key, "key") }?;
        keyset.rotate(key.clone())
    })
}

/// A key set from JWKS JSON text (`{"keys":[...]}`). Entries Tessera cannot
/// use (unknown `kty` or curve, `"use":"enc"`, invalid material) are skipped;
/// a JWKS with entries but no usable key is `TESSERA_STATUS_INVALID_KEY`.
///
/// # Safety
/// `jwks_json` is NUL-terminated; `keyset_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_keyset_from_jwks(
    jwks_json: *const c_char,
    keyset_out: *mut *mut tessera_keyset,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let jwks = unsafe { config_str(jwks_json, "jwks_json") }?;
        let keyset_out = unsafe { out(keyset_out, "keyset_out") }?;
        *keyset_out = box_ptr(KeySet::from_jwks(jwks)?);
        Ok(())
    })
}

/// The public JWKS of the set (`{"keys":[...]}`, public parts only; HMAC keys
/// are never exported) as a new string (free with `tessera_string_free`).
///
/// # Safety
/// `keyset` is a live key set or NULL; `jwks_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_keyset_to_jwks(
    keyset: *const tessera_keyset,
    jwks_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let keyset = unsafe { try_ref(keyset, "keyset") }?;
        let jwks_out = unsafe { out(jwks_out, "jwks_out") }?;
        *jwks_out = c_string(keyset.to_jwks(), "jwks")?.into_raw();
        Ok(())
    })
}

/// The number of keys in the set (0 when `keyset` is NULL).
///
/// # Safety
/// `keyset` is a live key set or NULL.
#[no_mangle]
pub unsafe extern "C" fn tessera_keyset_len(keyset: *const tessera_keyset) -> usize {
    // SAFETY: per the contract.
    guard(0, || {
        unsafe { try_ref(keyset, "keyset") }.map_or(0, KeySet::len)
    })
}

/// Frees a key set. NULL is a no-op; never twice.
///
/// # Safety
/// `keyset` is NULL or a key set from this library that is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_keyset_free(keyset: *mut tessera_keyset) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_box(keyset) })
}
