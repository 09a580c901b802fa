//! Pointer plumbing: opaque handles with typed ownership (after rustls-ffi's
//! `Castable`), argument checks, and the strings and buffers handed to C.
//!
//! Each opaque C type names the Rust type behind it and how it is owned:
//! `Arc` for immutable, shareable handles (`tessera_key`, `tessera_verifier`),
//! `Box` for handles with a single owner (`tessera_keyset`, `tessera_claims`).
//! The helpers below only accept the matching ownership, so a handle can only
//! be created and freed one way.

use std::ffi::{c_char, CStr, CString};
use std::ptr;
use std::sync::Arc;

use tessera::{Error, ErrorCode};

/// Ownership marker: the handle is an `Arc<RustType>` turned into a raw pointer.
pub(crate) struct OwnershipArc;
/// Ownership marker: the handle is a `Box<RustType>` turned into a raw pointer.
pub(crate) struct OwnershipBox;

/// Links an opaque C type to the Rust value behind it. The C types are
/// zero-sized, non-`repr(C)` structs written out in each module (cbindgen does
/// not expand macros), which cbindgen emits as `typedef struct x x;`.
pub(crate) trait Castable {
    /// [`OwnershipArc`] or [`OwnershipBox`].
    type Ownership;
    /// The Rust value a pointer to the C type points at.
    type RustType;
}

pub(crate) fn invalid_argument(msg: impl Into<std::borrow::Cow<'static, str>>) -> Error {
    Error::new(ErrorCode::InvalidArgument, msg)
}

fn null(what: &'static str) -> Error {
    invalid_argument(format!("{what} is NULL"))
}

/// Borrows the value behind a handle. NULL is `INVALID_ARGUMENT`.
///
/// # Safety
/// `ptr` is NULL or was returned by this library for type `C` and not freed,
/// and stays valid for `'a`.
pub(crate) unsafe fn try_ref<'a, C: Castable>(
    ptr: *const C,
    what: &'static str,
) -> Result<&'a C::RustType, Error> {
    // SAFETY: both Arc::into_raw and Box::into_raw point at the value itself.
    unsafe { ptr.cast::<C::RustType>().as_ref() }.ok_or_else(|| null(what))
}

/// Mutably borrows the value behind a `Box` handle. NULL is `INVALID_ARGUMENT`.
///
/// # Safety
/// As [`try_ref`], and no other reference to the value exists for `'a`.
pub(crate) unsafe fn try_mut<'a, C: Castable<Ownership = OwnershipBox>>(
    ptr: *mut C,
    what: &'static str,
) -> Result<&'a mut C::RustType, Error> {
    // SAFETY: a Box handle is uniquely owned by the caller, who lends it to us.
    unsafe { ptr.cast::<C::RustType>().as_mut() }.ok_or_else(|| null(what))
}

/// A new `Arc` handle for `value`.
pub(crate) fn arc_ptr<C: Castable<Ownership = OwnershipArc>>(value: C::RustType) -> *mut C {
    Arc::into_raw(Arc::new(value)).cast_mut().cast()
}

/// A new strong reference to the value behind an `Arc` handle (for a handle
/// that keeps another alive, e.g. a session manager its store). NULL is
/// `INVALID_ARGUMENT`.
///
/// # Safety
/// As [`try_ref`].
pub(crate) unsafe fn clone_arc<C: Castable<Ownership = OwnershipArc>>(
    ptr: *const C,
    what: &'static str,
) -> Result<Arc<C::RustType>, Error> {
    if ptr.is_null() {
        return Err(null(what));
    }
    let raw = ptr.cast::<C::RustType>();
    // SAFETY: per the contract this is a live pointer from Arc::into_raw
    // (arc_ptr); one more strong count, then an Arc that owns it.
    unsafe {
        Arc::increment_strong_count(raw);
        Ok(Arc::from_raw(raw))
    }
}

/// A new `Box` handle for `value`.
pub(crate) fn box_ptr<C: Castable<Ownership = OwnershipBox>>(value: C::RustType) -> *mut C {
    Box::into_raw(Box::new(value)).cast()
}

/// Releases an `Arc` handle; NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or came from [`arc_ptr`] for `C` and is not used afterwards.
pub(crate) unsafe fn free_arc<C: Castable<Ownership = OwnershipArc>>(ptr: *const C) {
    if !ptr.is_null() {
        // SAFETY: per the contract, this is the pointer Arc::into_raw returned.
        drop(unsafe { Arc::from_raw(ptr.cast::<C::RustType>()) });
    }
}

/// Releases a `Box` handle; NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or came from [`box_ptr`] for `C` and is not used afterwards.
pub(crate) unsafe fn free_box<C: Castable<Ownership = OwnershipBox>>(ptr: *mut C) {
    if !ptr.is_null() {
        // SAFETY: per the contract, this is the pointer Box::into_raw returned.
        drop(unsafe { Box::from_raw(ptr.cast::<C::RustType>()) });
    }
}

/// An out-parameter, checked for NULL before any work is done. Written only
/// once the whole call has succeeded.
///
/// # Safety
/// `ptr` is NULL or valid for writes of a `T` for `'a`.
pub(crate) unsafe fn out<'a, T>(ptr: *mut T, what: &'static str) -> Result<&'a mut T, Error> {
    // SAFETY: per the contract.
    unsafe { ptr.as_mut() }.ok_or_else(|| null(what))
}

/// A NUL-terminated configuration string (algorithm names, kids, JSON
/// arguments). NULL and non-UTF-8 are `INVALID_ARGUMENT`.
///
/// # Safety
/// `ptr` is NULL or points at a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn config_str<'a>(
    ptr: *const c_char,
    what: &'static str,
) -> Result<&'a str, Error> {
    // SAFETY: per the contract.
    unsafe { opt_config_str(ptr, what) }?.ok_or_else(|| null(what))
}

/// [`config_str`] where NULL means "not given".
///
/// # Safety
/// As [`config_str`].
pub(crate) unsafe fn opt_config_str<'a>(
    ptr: *const c_char,
    what: &'static str,
) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL and NUL-terminated per the contract.
    let s = unsafe { CStr::from_ptr(ptr) };
    s.to_str()
        .map(Some)
        .map_err(|_| invalid_argument(format!("{what} is not valid UTF-8")))
}

/// Untrusted bytes given as pointer + length. NULL is `INVALID_ARGUMENT`
/// unless `len` is 0 (then it is the empty input).
///
/// # Safety
/// `ptr` is NULL or valid for reads of `len` bytes for `'a`.
pub(crate) unsafe fn bytes<'a>(
    ptr: *const u8,
    len: usize,
    what: &'static str,
) -> Result<&'a [u8], Error> {
    if ptr.is_null() {
        return if len == 0 { Ok(&[]) } else { Err(null(what)) };
    }
    if len > isize::MAX as usize {
        return Err(invalid_argument(format!("{what} length is too large")));
    }
    // SAFETY: non-NULL, `len` readable bytes per the contract, len ≤ isize::MAX.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A token given as pointer + length, as text: non-UTF-8 is `MALFORMED`
/// (a token is untrusted input, not a configuration mistake).
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn token_str<'a>(ptr: *const u8, len: usize) -> Result<&'a str, Error> {
    // SAFETY: per the contract.
    let b = unsafe { bytes(ptr, len, "token") }?;
    std::str::from_utf8(b).map_err(|_| Error::new(ErrorCode::Malformed, "token is not UTF-8"))
}

/// An identifier from the network (a session id, a refresh token) given as
/// pointer + length, as text for the core, which decides what is an id:
/// bytes that are not UTF-8 become U+FFFD, which no id contains, so they get
/// exactly the core's answer for any other string that is not an id
/// (`load` finds nothing, a refresh-token rotation is `MALFORMED`).
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn id_text<'a>(
    ptr: *const u8,
    len: usize,
    what: &'static str,
) -> Result<std::borrow::Cow<'a, str>, Error> {
    // SAFETY: per the contract.
    let b = unsafe { bytes(ptr, len, what) }?;
    Ok(String::from_utf8_lossy(b))
}

/// `count` NUL-terminated configuration strings (Redis URLs). `count` 0 is
/// the empty list (the array may then be NULL); a NULL array or entry
/// otherwise, or an entry that is not UTF-8, is `INVALID_ARGUMENT`.
///
/// # Safety
/// When `count > 0`, `ptrs` is NULL or readable for `count` pointers, each
/// NULL or NUL-terminated and valid for `'a`.
pub(crate) unsafe fn config_str_list<'a>(
    ptrs: *const *const c_char,
    count: usize,
    what: &'static str,
) -> Result<Vec<&'a str>, Error> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if ptrs.is_null() {
        return Err(invalid_argument(format!(
            "{what}: NULL array with a count of {count}"
        )));
    }
    if count > isize::MAX as usize / std::mem::size_of::<*const c_char>() {
        return Err(invalid_argument(format!("{what}: count is too large")));
    }
    // SAFETY: non-NULL and readable for `count` elements per the contract.
    let ptrs = unsafe { std::slice::from_raw_parts(ptrs, count) };
    ptrs.iter()
        // SAFETY: each entry is NULL or NUL-terminated per the contract.
        .map(|&p| unsafe { config_str(p, what) })
        .collect()
}

/// A string for C, freed with `tessera_string_free`. Text with a NUL byte
/// cannot be a C string: `INVALID_ARGUMENT` (JSON output never has one).
pub(crate) fn c_string(s: String, what: &'static str) -> Result<CString, Error> {
    CString::new(s).map_err(|_| {
        invalid_argument(format!(
            "{what} contains a NUL byte and cannot be returned as a C string"
        ))
    })
}

/// A string the core guarantees has no NUL byte — a compact token (base64url
/// and dots), or claims that passed the core's strict JSON parser (which
/// refuses raw control characters) — handed to C without the scan that
/// `CString::new` makes. Freed with `tessera_string_free`.
pub(crate) fn c_string_nul_free(s: String) -> CString {
    debug_assert!(!s.as_bytes().contains(&0));
    // SAFETY: no interior NUL byte, per the guarantee above.
    unsafe { CString::from_vec_unchecked(s.into_bytes()) }
}

/// Hands a byte buffer to C as (pointer, length), freed with
/// `tessera_bytes_free`. An empty buffer is (NULL, 0).
pub(crate) fn into_c_bytes(v: Vec<u8>) -> (*mut u8, usize) {
    if v.is_empty() {
        return (ptr::null_mut(), 0);
    }
    let len = v.len();
    (Box::into_raw(v.into_boxed_slice()).cast::<u8>(), len)
}

/// Frees a string returned by this library. NULL is a no-op. Only for strings
/// this library returned (never `free()` them, never pass other strings here);
/// never twice.
///
/// # Safety
/// `s` is NULL or a string returned by a `tessera_*` function and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn tessera_string_free(s: *mut c_char) {
    crate::boundary::guard((), || {
        if !s.is_null() {
            // SAFETY: per the contract, it came from CString::into_raw.
            wipe_c_string(unsafe { CString::from_raw(s) });
        }
    })
}

/// Frees a returned string after overwriting it with zeros: it may be a
/// private JWK, a token, a cookie, a session id or a refresh token.
pub(crate) fn wipe_c_string(s: CString) {
    use zeroize::Zeroize as _;
    // Box<[u8]> to Vec without reallocating; zeroize wipes the whole capacity.
    s.into_bytes_with_nul().zeroize();
}

/// Frees a byte buffer returned by this library (`tessera_key_sign`,
/// `tessera_jws_verify`) with the length returned with it. NULL is a no-op.
/// Only for buffers this library returned (never `free()` them); never twice.
///
/// # Safety
/// `data` is NULL or a buffer returned by a `tessera_*` function together
/// with `len`, and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn tessera_bytes_free(data: *mut u8, len: usize) {
    crate::boundary::guard((), || {
        if !data.is_null() {
            // SAFETY: per the contract, it came from into_c_bytes with this len.
            drop(unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(data, len)) });
        }
    })
}
