//! `tessera_verifier` (key set + validation policy, built once, the hot path)
//! and `tessera_claims` (verified claims with the registered ones parsed).

use std::ffi::{c_char, CString};
use std::ptr;

use tessera::jwt::{Claims, Validation, Verifier};
use tessera::{Error, ErrorCode};

use crate::boundary::{boundary, guard};
use crate::denylist::tessera_denylist;
use crate::error::tessera_status;
use crate::ffi::{
    arc_ptr, box_ptr, bytes, c_string_nul_free, clone_arc, config_str, free_arc, free_box,
    invalid_argument, opt_config_str, out, try_ref, Castable, OwnershipArc, OwnershipBox,
};
use crate::keyset::tessera_keyset;

/// A key set plus a validation policy. Immutable and thread-safe: share one
/// verifier between all threads and call `tessera_verifier_verify`
/// concurrently. Free with `tessera_verifier_free` once no thread uses it.
#[allow(non_camel_case_types)]
pub struct tessera_verifier {
    _private: [u8; 0],
}

impl Castable for tessera_verifier {
    type Ownership = OwnershipArc;
    type RustType = Verifier;
}

/// Verified claims: the claims JSON exactly as signed plus the registered
/// claims (`exp`, `nbf`, `iat`, `iss`, `sub`, `aud`, `jti`) already parsed,
/// so a C program needs no JSON parser for them. Immutable: may be read
/// from several threads at once. Free with `tessera_claims_free`; strings
/// borrowed from it live until then.
#[allow(non_camel_case_types)]
pub struct tessera_claims {
    _private: [u8; 0],
}

impl Castable for tessera_claims {
    type Ownership = OwnershipBox;
    type RustType = ClaimsData;
}

/// Text for C: the bytes plus a NUL (the text itself may contain `\u0000`).
struct CText(Box<[u8]>);

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
}

/// What a `tessera_claims` handle points at.
pub(crate) struct ClaimsData {
    json: CString,
    exp: Option<f64>,
    nbf: Option<f64>,
    iat: Option<f64>,
    iss: Option<CText>,
    sub: Option<CText>,
    jti: Option<CText>,
    aud: Option<Vec<CText>>,
}

impl ClaimsData {
    fn new(claims: Claims) -> Result<ClaimsData, Error> {
        let r = claims.registered();
        let text = |s: &Option<String>| s.as_deref().map(CText::new);
        Ok(ClaimsData {
            exp: r.exp,
            nbf: r.nbf,
            iat: r.iat,
            iss: text(&r.iss),
            sub: text(&r.sub),
            jti: text(&r.jti),
            aud: r
                .aud
                .as_ref()
                .map(|a| a.iter().map(|s| CText::new(s)).collect()),
            json: c_string_nul_free(claims.into_json()),
        })
    }
}

fn absent(name: &str) -> Error {
    Error::claim_error(
        ErrorCode::MissingClaim,
        name.to_owned(),
        format!("the token has no {name:?} claim"),
    )
}

/// A verifier for `keyset` (copied: the set may be changed or freed
/// afterwards) with the options in `options_json`, a JSON object whose member
/// names are the ones every Tessera binding uses: `algorithms` (list),
/// `issuer` (string or list), `audience` (string or list), `subject`,
/// `required` (list; default `["exp"]`), `leeway` (seconds, default 0),
/// `max_age` (seconds), `typ`, `now` (epoch seconds, for tests), `verify_exp`,
/// `verify_nbf` (booleans, default true), `max_token_bytes` (default 16384),
/// `cache_size` (entries of the opt-in verified-token cache, 0 to 1000000;
/// default 0, off: a byte-identical token verified before is answered from
/// it, with `exp`, `nbf`, `iat`, `max_age` and any denylist re-checked on
/// every hit; least recently used out). NULL means all defaults. An unknown name, a wrong type or an empty key set
/// is `TESSERA_STATUS_INVALID_ARGUMENT`; an unknown algorithm name
/// `TESSERA_STATUS_UNSUPPORTED_ALGORITHM`.
///
/// # Safety
/// `keyset` is a live key set or NULL; `options_json` is NULL or
/// NUL-terminated; `verifier_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_verifier_new(
    keyset: *const tessera_keyset,
    options_json: *const c_char,
    verifier_out: *mut *mut tessera_verifier,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let keyset = unsafe { try_ref(keyset, "keyset") }?;
        let options = unsafe { opt_config_str(options_json, "options_json") }?;
        let verifier_out = unsafe { out(verifier_out, "verifier_out") }?;
        let validation = match options {
            None => Validation::default(),
            Some(json) => Validation::from_json(json)?,
        };
        *verifier_out = arc_ptr(Verifier::new(keyset.clone(), validation)?);
        Ok(())
    })
}

/// `tessera_verifier_new`, and the verifier also refuses tokens whose `jti`
/// is in `denylist` (`TESSERA_STATUS_REVOKED`, claim `jti`), checked last,
/// after the signature and every claim. Every token must then carry a `jti`
/// (`TESSERA_STATUS_MISSING_CLAIM` otherwise: a token without one could
/// never be revoked), and a denylist whose store cannot answer makes
/// verification fail with `TESSERA_STATUS_STORE_UNAVAILABLE`. The verifier
/// keeps its own reference to the denylist. A NULL `denylist` is
/// `TESSERA_STATUS_INVALID_ARGUMENT` (use `tessera_verifier_new` for none).
///
/// # Safety
/// As `tessera_verifier_new`; `denylist` is a live denylist or NULL.
#[no_mangle]
pub unsafe extern "C" fn tessera_verifier_new_with_denylist(
    keyset: *const tessera_keyset,
    options_json: *const c_char,
    denylist: *const tessera_denylist,
    verifier_out: *mut *mut tessera_verifier,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let keyset = unsafe { try_ref(keyset, "keyset") }?;
        let options = unsafe { opt_config_str(options_json, "options_json") }?;
        let denylist = unsafe { clone_arc(denylist, "denylist") }?;
        let verifier_out = unsafe { out(verifier_out, "verifier_out") }?;
        let validation = match options {
            None => Validation::default(),
            Some(json) => Validation::from_json(json)?,
        };
        let verifier = Verifier::new(keyset.clone(), validation)?.with_denylist(denylist);
        *verifier_out = arc_ptr(verifier);
        Ok(())
    })
}

/// Verifies the `len` bytes at `token` (signature, then claims under the
/// verifier's policy). On success `*claims_json_out` is the claims JSON text
/// exactly as signed (free with `tessera_string_free`). On failure the status
/// is the reason (`TESSERA_STATUS_EXPIRED`, …; a non-UTF-8 token is
/// `TESSERA_STATUS_MALFORMED`) and `tessera_last_error_claim()` names the
/// claim, if any. Safe to call from many threads on one verifier.
///
/// # Safety
/// `verifier` is a live verifier or NULL; `token` is readable for `len`
/// bytes; `claims_json_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_verifier_verify(
    verifier: *const tessera_verifier,
    token: *const u8,
    len: usize,
    claims_json_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let verifier = unsafe { try_ref(verifier, "verifier") }?;
        let token = unsafe { bytes(token, len, "token") }?;
        let claims_json_out = unsafe { out(claims_json_out, "claims_json_out") }?;
        let claims = verifier.verify_bytes(token)?;
        *claims_json_out = c_string_nul_free(claims.into_json()).into_raw();
        Ok(())
    })
}

/// `tessera_verifier_verify`, returning a `tessera_claims` handle (free with
/// `tessera_claims_free`) that also gives the registered claims without
/// parsing JSON.
///
/// # Safety
/// As `tessera_verifier_verify`.
#[no_mangle]
pub unsafe extern "C" fn tessera_verifier_verify_claims(
    verifier: *const tessera_verifier,
    token: *const u8,
    len: usize,
    claims_out: *mut *mut tessera_claims,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let verifier = unsafe { try_ref(verifier, "verifier") }?;
        let token = unsafe { bytes(token, len, "token") }?;
        let claims_out = unsafe { out(claims_out, "claims_out") }?;
        let claims = ClaimsData::new(verifier.verify_bytes(token)?)?;
        *claims_out = box_ptr(claims);
        Ok(())
    })
}

/// Frees a verifier. NULL is a no-op; never twice, and not while another
/// thread still uses it.
///
/// # Safety
/// `verifier` is NULL or a verifier from this library that is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_verifier_free(verifier: *const tessera_verifier) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_arc(verifier) })
}

/// The claims JSON text exactly as signed, borrowed from `claims` (valid
/// until `tessera_claims_free`; do not free it). NULL when `claims` is NULL.
///
/// # Safety
/// `claims` is a live claims handle or NULL.
#[no_mangle]
pub unsafe extern "C" fn tessera_claims_json(claims: *const tessera_claims) -> *const c_char {
    guard(ptr::null(), || {
        // SAFETY: per the contract.
        unsafe { try_ref(claims, "claims") }.map_or(ptr::null(), |c| c.json.as_ptr())
    })
}

/// A registered NumericDate claim: `name` is `"exp"`, `"nbf"` or `"iat"`
/// (others are `TESSERA_STATUS_INVALID_ARGUMENT`). On success `*value_out`
/// is its value (seconds since the epoch; JSON numbers may have fractions).
/// An absent claim is `TESSERA_STATUS_MISSING_CLAIM`.
///
/// # Safety
/// `claims` is a live claims handle or NULL; `name` is NUL-terminated;
/// `value_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_claims_number(
    claims: *const tessera_claims,
    name: *const c_char,
    value_out: *mut f64,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let claims = unsafe { try_ref(claims, "claims") }?;
        let name = unsafe { config_str(name, "name") }?;
        let value_out = unsafe { out(value_out, "value_out") }?;
        let value = match name {
            "exp" => claims.exp,
            "nbf" => claims.nbf,
            "iat" => claims.iat,
            _ => return Err(invalid_argument("name must be \"exp\", \"nbf\" or \"iat\"")),
        };
        *value_out = value.ok_or_else(|| absent(name))?;
        Ok(())
    })
}

/// A registered string claim: `name` is `"iss"`, `"sub"` or `"jti"` (others
/// are `TESSERA_STATUS_INVALID_ARGUMENT`). On success `*value_out` points at
/// the NUL-terminated value, borrowed from `claims` (valid until
/// `tessera_claims_free`; do not free it), and `*len_out` (if `len_out` is
/// not NULL) is its length in bytes, which differs from `strlen` only when
/// the value contains `\u0000`. An absent claim is `TESSERA_STATUS_MISSING_CLAIM`.
///
/// # Safety
/// `claims` is a live claims handle or NULL; `name` is NUL-terminated;
/// `value_out` is writable; `len_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_claims_string(
    claims: *const tessera_claims,
    name: *const c_char,
    value_out: *mut *const c_char,
    len_out: *mut usize,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let claims = unsafe { try_ref(claims, "claims") }?;
        let name = unsafe { config_str(name, "name") }?;
        let value_out = unsafe { out(value_out, "value_out") }?;
        let value = match name {
            "iss" => &claims.iss,
            "sub" => &claims.sub,
            "jti" => &claims.jti,
            _ => return Err(invalid_argument("name must be \"iss\", \"sub\" or \"jti\"")),
        };
        let value = value.as_ref().ok_or_else(|| absent(name))?;
        *value_out = value.ptr();
        // SAFETY: NULL or writable per the contract.
        if let Some(len_out) = unsafe { len_out.as_mut() } {
            *len_out = value.len();
        }
        Ok(())
    })
}

/// The number of audiences in `aud` (a string `aud` counts as one; `[]` as
/// zero). An absent `aud` is `TESSERA_STATUS_MISSING_CLAIM`.
///
/// # Safety
/// `claims` is a live claims handle or NULL; `count_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_claims_audience_count(
    claims: *const tessera_claims,
    count_out: *mut usize,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let claims = unsafe { try_ref(claims, "claims") }?;
        let count_out = unsafe { out(count_out, "count_out") }?;
        *count_out = claims.aud.as_ref().ok_or_else(|| absent("aud"))?.len();
        Ok(())
    })
}

/// The audience at `index` (0-based, below `tessera_claims_audience_count`;
/// else `TESSERA_STATUS_INVALID_ARGUMENT`), borrowed like
/// `tessera_claims_string`'s value, with its length in `*len_out` (if not NULL).
///
/// # Safety
/// `claims` is a live claims handle or NULL; `value_out` is writable;
/// `len_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_claims_audience(
    claims: *const tessera_claims,
    index: usize,
    value_out: *mut *const c_char,
    len_out: *mut usize,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let claims = unsafe { try_ref(claims, "claims") }?;
        let value_out = unsafe { out(value_out, "value_out") }?;
        let aud = claims.aud.as_ref().ok_or_else(|| absent("aud"))?;
        let value = aud
            .get(index)
            .ok_or_else(|| invalid_argument("audience index out of range"))?;
        *value_out = value.ptr();
        // SAFETY: NULL or writable per the contract.
        if let Some(len_out) = unsafe { len_out.as_mut() } {
            *len_out = value.len();
        }
        Ok(())
    })
}

/// Frees a claims handle (and every string borrowed from it). NULL is a
/// no-op; never twice.
///
/// # Safety
/// `claims` is NULL or a claims handle from this library that is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_claims_free(claims: *mut tessera_claims) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_box(claims) })
}
