//! `Set-Cookie` and `Cookie` headers (`tessera::cookie::header`):
//! `tessera_cookie_attributes` (Box: built with setters), `tessera_set_cookie`,
//! `tessera_delete_cookie`, `tessera_parse_cookie` with its result
//! `tessera_cookie_pairs` (Box, immutable), and the string arrays
//! (`tessera_strings_free`) that the session cookie's header functions return.

use std::ffi::{c_char, CString};
use std::ptr;

use tessera::cookie::header::{
    delete_cookie, parse_cookie_header, set_cookie, CookieAttributes, SameSite,
};
use tessera::Error;

use crate::boundary::{boundary, guard};
use crate::cookie::{cookie_text, TESSERA_UNSET};
use crate::error::tessera_status;
use crate::ffi::{
    box_ptr, c_string, config_str, free_box, invalid_argument, opt_config_str, out, try_mut,
    try_ref, Castable, OwnershipBox,
};

/// The attributes of a `Set-Cookie` line. Made by
/// `tessera_cookie_attributes_new` with the strict defaults (`Path=/; Secure;
/// HttpOnly; SameSite=Lax`), changed with the `_set_*` functions (which need
/// exclusive access), read by `tessera_set_cookie`, `tessera_delete_cookie`
/// and `tessera_session_cookie_new` (which copy it: it may be freed after).
/// Free with `tessera_cookie_attributes_free`.
#[allow(non_camel_case_types)]
pub struct tessera_cookie_attributes {
    _private: [u8; 0],
}

impl Castable for tessera_cookie_attributes {
    type Ownership = OwnershipBox;
    type RustType = CookieAttributes;
}

/// Cookie names and values, in order: what `tessera_parse_cookie` and
/// `tessera_session_cookie_seal_chunks` return. Immutable (read it from any
/// thread); strings borrowed from it live until `tessera_cookie_pairs_free`.
#[allow(non_camel_case_types)]
pub struct tessera_cookie_pairs {
    _private: [u8; 0],
}

impl Castable for tessera_cookie_pairs {
    type Ownership = OwnershipBox;
    type RustType = Pairs;
}

/// Flag for `tessera_cookie_attributes_set_flags`: `Secure`.
pub const TESSERA_COOKIE_SECURE: u32 = 1;
/// Flag for `tessera_cookie_attributes_set_flags`: `HttpOnly`.
pub const TESSERA_COOKIE_HTTP_ONLY: u32 = 2;
/// Flag for `tessera_cookie_attributes_set_flags`: `Partitioned` (CHIPS).
pub const TESSERA_COOKIE_PARTITIONED: u32 = 4;

const COOKIE_FLAGS: u32 =
    TESSERA_COOKIE_SECURE | TESSERA_COOKIE_HTTP_ONLY | TESSERA_COOKIE_PARTITIONED;

/// Text for C: NUL-terminated, with its length (a value may hold a NUL).
pub(crate) struct CText(Box<[u8]>);

impl CText {
    fn new(s: &str) -> CText {
        let mut v = Vec::with_capacity(s.len() + 1);
        v.extend_from_slice(s.as_bytes());
        v.push(0);
        CText(v.into_boxed_slice())
    }
    fn ptr(&self) -> *const c_char {
        self.0.as_ptr().cast()
    }
    fn len(&self) -> usize {
        self.0.len() - 1
    }
    fn text(&self) -> &[u8] {
        &self.0[..self.len()]
    }
}

/// What a `tessera_cookie_pairs` handle points at.
pub(crate) struct Pairs(Vec<(CText, CText)>);

impl Pairs {
    pub(crate) fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Pairs {
        Pairs(
            pairs
                .into_iter()
                .map(|(n, v)| (CText::new(&n), CText::new(&v)))
                .collect(),
        )
    }
}

/// A new attribute set with the core's strict defaults: `Path=/`, `Secure`,
/// `HttpOnly`, `SameSite=Lax`, no `Domain`, `Max-Age`, `Expires` or
/// `Partitioned`.
///
/// # Safety
/// `attrs_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_cookie_attributes_new(
    attrs_out: *mut *mut tessera_cookie_attributes,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let attrs_out = unsafe { out(attrs_out, "attrs_out") }?;
        *attrs_out = box_ptr(CookieAttributes::default());
        Ok(())
    })
}

/// Sets `Path` (NULL: no `Path` attribute). Checked when a line is built.
///
/// # Safety
/// `attrs` is a live attribute set (not used elsewhere meanwhile) or NULL;
/// `path` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tessera_cookie_attributes_set_path(
    attrs: *mut tessera_cookie_attributes,
    path: *const c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let attrs = unsafe { try_mut(attrs, "attrs") }?;
        attrs.path = unsafe { opt_config_str(path, "path") }?.map(str::to_owned);
        Ok(())
    })
}

/// Sets `Domain` (NULL: a host-only cookie). Checked when a line is built.
///
/// # Safety
/// As `tessera_cookie_attributes_set_path`.
#[no_mangle]
pub unsafe extern "C" fn tessera_cookie_attributes_set_domain(
    attrs: *mut tessera_cookie_attributes,
    domain: *const c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let attrs = unsafe { try_mut(attrs, "attrs") }?;
        attrs.domain = unsafe { opt_config_str(domain, "domain") }?.map(str::to_owned);
        Ok(())
    })
}

/// Sets `Max-Age` in seconds (0 or less deletes the cookie), or removes it
/// with `TESSERA_UNSET`.
///
/// # Safety
/// `attrs` is a live attribute set (not used elsewhere meanwhile) or NULL.
#[no_mangle]
pub unsafe extern "C" fn tessera_cookie_attributes_set_max_age(
    attrs: *mut tessera_cookie_attributes,
    max_age: i64,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let attrs = unsafe { try_mut(attrs, "attrs") }?;
        attrs.max_age = (max_age != TESSERA_UNSET).then_some(max_age);
        Ok(())
    })
}

/// Sets `Expires` as Unix seconds (written as an HTTP date; years 0–9999),
/// or removes it with `TESSERA_UNSET`.
///
/// # Safety
/// `attrs` is a live attribute set (not used elsewhere meanwhile) or NULL.
#[no_mangle]
pub unsafe extern "C" fn tessera_cookie_attributes_set_expires(
    attrs: *mut tessera_cookie_attributes,
    expires: i64,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let attrs = unsafe { try_mut(attrs, "attrs") }?;
        attrs.expires = (expires != TESSERA_UNSET).then_some(expires);
        Ok(())
    })
}

/// Sets the flag attributes at once: `flags` is a combination of
/// `TESSERA_COOKIE_SECURE`, `TESSERA_COOKIE_HTTP_ONLY` and
/// `TESSERA_COOKIE_PARTITIONED` (a flag left out is turned off); other bits
/// are `TESSERA_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `attrs` is a live attribute set (not used elsewhere meanwhile) or NULL.
#[no_mangle]
pub unsafe extern "C" fn tessera_cookie_attributes_set_flags(
    attrs: *mut tessera_cookie_attributes,
    flags: u32,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let attrs = unsafe { try_mut(attrs, "attrs") }?;
        if flags & !COOKIE_FLAGS != 0 {
            return Err(invalid_argument("unknown cookie attribute flags"));
        }
        attrs.secure = flags & TESSERA_COOKIE_SECURE != 0;
        attrs.http_only = flags & TESSERA_COOKIE_HTTP_ONLY != 0;
        attrs.partitioned = flags & TESSERA_COOKIE_PARTITIONED != 0;
        Ok(())
    })
}

/// Sets `SameSite`: `"Strict"`, `"Lax"` or `"None"` (any case), or NULL for
/// no attribute. Another value is `TESSERA_STATUS_INVALID_ARGUMENT` (and
/// leaves the set unchanged).
///
/// # Safety
/// `attrs` is a live attribute set (not used elsewhere meanwhile) or NULL;
/// `same_site` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tessera_cookie_attributes_set_same_site(
    attrs: *mut tessera_cookie_attributes,
    same_site: *const c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let attrs = unsafe { try_mut(attrs, "attrs") }?;
        let same_site = unsafe { opt_config_str(same_site, "same_site") }?;
        attrs.same_site = same_site.map(SameSite::parse).transpose()?;
        Ok(())
    })
}

/// Frees an attribute set. NULL is a no-op; never twice.
///
/// # Safety
/// `attrs` is NULL or an attribute set from this library that is not used
/// afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_cookie_attributes_free(attrs: *mut tessera_cookie_attributes) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_box(attrs) })
}

/// The attributes behind a possibly NULL handle (NULL: the defaults).
///
/// # Safety
/// `attrs` is NULL or a live attribute set.
pub(crate) unsafe fn attributes_or_default(
    attrs: *const tessera_cookie_attributes,
) -> Result<CookieAttributes, Error> {
    if attrs.is_null() {
        return Ok(CookieAttributes::default());
    }
    // SAFETY: per the contract.
    Ok(unsafe { try_ref(attrs, "attrs") }?.clone())
}

/// A complete `Set-Cookie` header value: `name=value` and the attributes
/// (`attrs` NULL: the defaults). A name that is not an RFC 7230 token, a
/// value outside RFC 6265 `cookie-octet`, a bad path or domain, a broken
/// `__Secure-`/`__Host-` prefix rule, or `SameSite=None`/`Partitioned`
/// without `Secure` are `TESSERA_STATUS_INVALID_ARGUMENT`. On success
/// `*line_out` is the header value (free with `tessera_string_free`).
///
/// # Safety
/// `name` and `value` are NUL-terminated; `attrs` is NULL or a live
/// attribute set; `line_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_set_cookie(
    name: *const c_char,
    value: *const c_char,
    attrs: *const tessera_cookie_attributes,
    line_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let name = unsafe { config_str(name, "name") }?;
        let value = unsafe { config_str(value, "value") }?;
        let attrs = unsafe { attributes_or_default(attrs) }?;
        let line_out = unsafe { out(line_out, "line_out") }?;
        *line_out = c_string(set_cookie(name, value, &attrs)?, "Set-Cookie")?.into_raw();
        Ok(())
    })
}

/// A `Set-Cookie` header value that deletes the cookie `name`: empty value,
/// `Max-Age=0`, `Expires` in 1970, and the other attributes of `attrs`
/// (NULL: the defaults), whose `Path` and `Domain` must be the cookie's own.
/// Errors as `tessera_set_cookie`.
///
/// # Safety
/// `name` is NUL-terminated; `attrs` is NULL or a live attribute set;
/// `line_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_delete_cookie(
    name: *const c_char,
    attrs: *const tessera_cookie_attributes,
    line_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let name = unsafe { config_str(name, "name") }?;
        let attrs = unsafe { attributes_or_default(attrs) }?;
        let line_out = unsafe { out(line_out, "line_out") }?;
        *line_out = c_string(delete_cookie(name, &attrs)?, "Set-Cookie")?.into_raw();
        Ok(())
    })
}

/// Parses a raw `Cookie` request header (the `header_len` bytes at
/// `header`): the pairs in order, duplicates kept, surrounding whitespace
/// and one pair of double quotes removed, no percent-decoding; pieces
/// without `=` are skipped. Over 64 KiB is `TESSERA_STATUS_TOO_LARGE`; not
/// UTF-8 is `TESSERA_STATUS_MALFORMED`. On success `*pairs_out` holds them
/// (free with `tessera_cookie_pairs_free`).
///
/// # Safety
/// `header` is readable for `header_len` bytes; `pairs_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_parse_cookie(
    header: *const u8,
    header_len: usize,
    pairs_out: *mut *mut tessera_cookie_pairs,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let header = unsafe { cookie_text(header, header_len, "header") }?;
        let pairs_out = unsafe { out(pairs_out, "pairs_out") }?;
        *pairs_out = box_ptr(Pairs::new(parse_cookie_header(header)?));
        Ok(())
    })
}

/// The number of pairs (0 when `pairs` is NULL).
///
/// # Safety
/// `pairs` is NULL or a live pair list.
#[no_mangle]
pub unsafe extern "C" fn tessera_cookie_pairs_len(pairs: *const tessera_cookie_pairs) -> usize {
    // SAFETY: per the contract.
    guard(0, || {
        unsafe { try_ref(pairs, "pairs") }.map_or(0, |p| p.0.len())
    })
}

/// The pair at `index`: `*name_out` and `*value_out` are borrowed,
/// NUL-terminated strings that live until the list is freed (do not free
/// them); `*name_len_out`/`*value_len_out` (each optional: NULL) their
/// lengths in bytes (a value may hold a NUL). An index past the end is
/// `TESSERA_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `pairs` is NULL or a live pair list; `name_out` and `value_out` are
/// writable; the length out-params are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_cookie_pairs_get(
    pairs: *const tessera_cookie_pairs,
    index: usize,
    name_out: *mut *const c_char,
    name_len_out: *mut usize,
    value_out: *mut *const c_char,
    value_len_out: *mut usize,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let pairs = unsafe { try_ref(pairs, "pairs") }?;
        let name_out = unsafe { out(name_out, "name_out") }?;
        let value_out = unsafe { out(value_out, "value_out") }?;
        let (name_len_out, value_len_out) =
            unsafe { (name_len_out.as_mut(), value_len_out.as_mut()) };
        let (name, value) = pairs
            .0
            .get(index)
            .ok_or_else(|| invalid_argument("pair index out of range"))?;
        *name_out = name.ptr();
        *value_out = value.ptr();
        if let Some(n) = name_len_out {
            *n = name.len();
        }
        if let Some(n) = value_len_out {
            *n = value.len();
        }
        Ok(())
    })
}

/// The value of the first pair named `name` (the cookie a server reads
/// when a name repeats): `*value_out` is borrowed as in
/// `tessera_cookie_pairs_get` and `*value_len_out` (optional) its length;
/// when no pair has that name the call succeeds with `*value_out` NULL.
///
/// # Safety
/// `pairs` is NULL or a live pair list; `name` is NUL-terminated;
/// `value_out` is writable; `value_len_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_cookie_pairs_find(
    pairs: *const tessera_cookie_pairs,
    name: *const c_char,
    value_out: *mut *const c_char,
    value_len_out: *mut usize,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let pairs = unsafe { try_ref(pairs, "pairs") }?;
        let name = unsafe { config_str(name, "name") }?;
        let value_out = unsafe { out(value_out, "value_out") }?;
        let value_len_out = unsafe { value_len_out.as_mut() };
        let found = pairs.0.iter().find(|(n, _)| n.text() == name.as_bytes());
        *value_out = found.map_or(ptr::null(), |(_, v)| v.ptr());
        if let Some(n) = value_len_out {
            *n = found.map_or(0, |(_, v)| v.len());
        }
        Ok(())
    })
}

/// Frees a pair list. NULL is a no-op; never twice.
///
/// # Safety
/// `pairs` is NULL or a pair list from this library that is not used
/// afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_cookie_pairs_free(pairs: *mut tessera_cookie_pairs) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_box(pairs) })
}

/// Hands an array of strings to C: `(array, count)`, freed with
/// `tessera_strings_free`. An empty list is (NULL, 0).
pub(crate) fn into_c_strings(lines: Vec<String>) -> Result<(*mut *mut c_char, usize), Error> {
    if lines.is_empty() {
        return Ok((ptr::null_mut(), 0));
    }
    let c = lines
        .into_iter()
        .map(|l| c_string(l, "Set-Cookie"))
        .collect::<Result<Vec<CString>, _>>()?;
    let raw: Box<[*mut c_char]> = c.into_iter().map(CString::into_raw).collect();
    let count = raw.len();
    Ok((Box::into_raw(raw).cast::<*mut c_char>(), count))
}

/// Frees an array of `count` strings returned by this library
/// (`tessera_session_cookie_set_cookie_headers`, …) together with the
/// strings in it. NULL is a no-op; never twice; never pass one string of it
/// to `tessera_string_free`.
///
/// # Safety
/// `strings` is NULL or an array returned by a `tessera_*` function together
/// with `count`, and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn tessera_strings_free(strings: *mut *mut c_char, count: usize) {
    guard((), || {
        if strings.is_null() {
            return;
        }
        // SAFETY: per the contract, it came from into_c_strings with this count.
        let raw = unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(strings, count)) };
        for &s in raw.iter() {
            if !s.is_null() {
                // SAFETY: each came from CString::into_raw.
                crate::ffi::wipe_c_string(unsafe { CString::from_raw(s) });
            }
        }
    })
}
