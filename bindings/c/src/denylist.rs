//! `tessera_denylist`: revoked JWT ids (`jti`) on a store
//! (`tessera::session::Denylist`). Immutable; `Arc` inside. Give it to
//! `tessera_verifier_new_with_denylist` and revoked tokens are refused with
//! `TESSERA_STATUS_REVOKED`.

use std::ffi::c_char;

use tessera::session::Denylist;

use crate::boundary::{boundary, guard};
use crate::error::tessera_status;
use crate::ffi::{arc_ptr, config_str, free_arc, out, try_ref, Castable, OwnershipArc};
use crate::store::tessera_store;

/// Revoked token ids, each kept until its token's `exp` (plus 300 s for
/// verifier leeway), so the list never grows without bound. Thread-safe:
/// share one between threads and verifiers. Free with `tessera_denylist_free`
/// (verifiers built with it keep their own reference).
#[allow(non_camel_case_types)]
pub struct tessera_denylist {
    _private: [u8; 0],
}

impl Castable for tessera_denylist {
    type Ownership = OwnershipArc;
    type RustType = Denylist;
}

const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<Denylist>();
};

/// A denylist kept in `store` (it keeps its own reference to the store).
///
/// # Safety
/// `store` is a live store or NULL; `denylist_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_denylist_new(
    store: *const tessera_store,
    denylist_out: *mut *mut tessera_denylist,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let store = unsafe { try_ref(store, "store") }?;
        let denylist_out = unsafe { out(denylist_out, "denylist_out") }?;
        *denylist_out = arc_ptr(Denylist::new(store.shared()));
        Ok(())
    })
}

/// Revokes the token id `jti` until `exp` (the token's own `exp`, Unix
/// seconds). A token already past `exp` + 300 s is refused by every
/// verifier anyway, so nothing is stored for it. A `jti` that is empty,
/// longer than 256 bytes or has control characters is
/// `TESSERA_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `denylist` is a live denylist or NULL; `jti` is NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tessera_denylist_revoke(
    denylist: *const tessera_denylist,
    jti: *const c_char,
    exp: i64,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let denylist = unsafe { try_ref(denylist, "denylist") }?;
        let jti = unsafe { config_str(jti, "jti") }?;
        denylist.revoke(jti, exp)
    })
}

/// Whether the token id `jti` is revoked: on success `*revoked_out`.
/// `TESSERA_STATUS_STORE_UNAVAILABLE` when the store cannot say: refuse the
/// token then, never assume "not revoked".
///
/// # Safety
/// `denylist` is a live denylist or NULL; `jti` is NUL-terminated;
/// `revoked_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_denylist_is_revoked(
    denylist: *const tessera_denylist,
    jti: *const c_char,
    revoked_out: *mut bool,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let denylist = unsafe { try_ref(denylist, "denylist") }?;
        let jti = unsafe { config_str(jti, "jti") }?;
        let revoked_out = unsafe { out(revoked_out, "revoked_out") }?;
        *revoked_out = denylist.is_revoked(jti)?;
        Ok(())
    })
}

/// Frees a denylist. NULL is a no-op; never twice.
///
/// # Safety
/// `denylist` is NULL or a denylist from this library that is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_denylist_free(denylist: *const tessera_denylist) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_arc(denylist) })
}
