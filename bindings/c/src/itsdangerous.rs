//! itsdangerous: `tessera_signer`, `tessera_timestamp_signer` and
//! `tessera_url_safe_timed_serializer` (`tessera::cookie::itsdangerous`).
//! Immutable; `Arc` inside.

use std::ffi::c_char;

use tessera::cookie::itsdangerous::{
    Digest, KeyDerivation, Signer, SignerOptions, TimestampSigner, URLSafeTimedSerializer,
};
use tessera::Error;

use crate::boundary::{boundary, guard};
use crate::cookie::{cookie_text, max_age, now_or_clock, secret_list};
use crate::error::tessera_status;
use crate::ffi::{
    arc_ptr, bytes, c_string, config_str, free_arc, into_c_bytes, opt_config_str, out, try_ref,
    Castable, OwnershipArc,
};

/// itsdangerous' `Signer`: `value + sep + signature`. Immutable and
/// thread-safe. Free with `tessera_signer_free`.
#[allow(non_camel_case_types)]
pub struct tessera_signer {
    _private: [u8; 0],
}

impl Castable for tessera_signer {
    type Ownership = OwnershipArc;
    type RustType = Signer;
}

/// itsdangerous' `TimestampSigner`: `value + sep + timestamp + sep +
/// signature`. Immutable and thread-safe. Free with
/// `tessera_timestamp_signer_free`.
#[allow(non_camel_case_types)]
pub struct tessera_timestamp_signer {
    _private: [u8; 0],
}

impl Castable for tessera_timestamp_signer {
    type Ownership = OwnershipArc;
    type RustType = TimestampSigner;
}

/// itsdangerous' `URLSafeTimedSerializer` (JSON, zlib when smaller,
/// timestamp, signature). Immutable and thread-safe. Free with
/// `tessera_url_safe_timed_serializer_free`.
#[allow(non_camel_case_types)]
pub struct tessera_url_safe_timed_serializer {
    _private: [u8; 0],
}

impl Castable for tessera_url_safe_timed_serializer {
    type Ownership = OwnershipArc;
    type RustType = URLSafeTimedSerializer;
}

const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<Signer>();
    shareable::<TimestampSigner>();
    shareable::<URLSafeTimedSerializer>();
};

/// The secrets and options shared by the three constructors; NULL options
/// keep the core's defaults for the class (`defaults`).
struct Args<'a> {
    keys: Vec<&'a [u8]>,
    opts: SignerOptions,
}

/// # Safety
/// As the constructors' contract.
#[allow(clippy::too_many_arguments)] // the constructors' C parameters, one for one
unsafe fn args<'a>(
    secret_keys: *const *const u8,
    secret_key_lens: *const usize,
    secret_keys_count: usize,
    salt: *const c_char,
    sep: *const c_char,
    key_derivation: *const c_char,
    digest_method: *const c_char,
    mut opts: SignerOptions,
) -> Result<Args<'a>, Error> {
    // SAFETY: per the caller's contract.
    let keys = unsafe {
        secret_list(
            secret_keys,
            secret_key_lens,
            secret_keys_count,
            "secret_keys",
        )
    }?;
    if let Some(salt) = unsafe { opt_config_str(salt, "salt") }? {
        opts.salt = salt.as_bytes().to_vec();
    }
    if let Some(sep) = unsafe { opt_config_str(sep, "sep") }? {
        opts.sep = sep.as_bytes().to_vec();
    }
    if let Some(kd) = unsafe { opt_config_str(key_derivation, "key_derivation") }? {
        opts.key_derivation = KeyDerivation::parse(kd)?;
    }
    if let Some(d) = unsafe { opt_config_str(digest_method, "digest_method") }? {
        opts.digest = Digest::parse(d)?;
    }
    Ok(Args { keys, opts })
}

/// An itsdangerous `Signer`. `secret_keys` are `secret_keys_count`
/// pointers with their lengths in `secret_key_lens`, **oldest first** as in
/// itsdangerous: the last one signs, every one verifies. The options are
/// NUL-terminated UTF-8 strings, NULL for itsdangerous' default: `salt`
/// (`"itsdangerous.Signer"`), `sep` (`"."`; base64url characters are
/// refused), `key_derivation` (`"django-concat"`; also `"concat"`, `"hmac"`,
/// `"none"`), `digest_method` (`"sha1"`; also `"sha256"`, `"sha384"`,
/// `"sha512"`). No secret is `TESSERA_STATUS_INVALID_KEY`; an unknown option
/// value is `TESSERA_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `secret_keys` and `secret_key_lens` are readable for `secret_keys_count`
/// elements (each secret for its length); the options are NULL or
/// NUL-terminated; `signer_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_signer_new(
    secret_keys: *const *const u8,
    secret_key_lens: *const usize,
    secret_keys_count: usize,
    salt: *const c_char,
    sep: *const c_char,
    key_derivation: *const c_char,
    digest_method: *const c_char,
    signer_out: *mut *mut tessera_signer,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let a = unsafe {
            args(
                secret_keys,
                secret_key_lens,
                secret_keys_count,
                salt,
                sep,
                key_derivation,
                digest_method,
                SignerOptions::default(),
            )
        }?;
        let signer_out = unsafe { out(signer_out, "signer_out") }?;
        *signer_out = arc_ptr(Signer::new(&a.keys, &a.opts)?);
        Ok(())
    })
}

/// Signs the `value_len` bytes at `value` with the newest secret. On success
/// `*signed_out`/`*signed_len_out` hold `value + sep + signature` (free with
/// `tessera_bytes_free`).
///
/// # Safety
/// `signer` is a live signer or NULL; `value` is readable for `value_len`
/// bytes; both out-params are writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_signer_sign(
    signer: *const tessera_signer,
    value: *const u8,
    value_len: usize,
    signed_out: *mut *mut u8,
    signed_len_out: *mut usize,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let signer = unsafe { try_ref(signer, "signer") }?;
        let value = unsafe { bytes(value, value_len, "value") }?;
        let signed_out = unsafe { out(signed_out, "signed_out") }?;
        let signed_len_out = unsafe { out(signed_len_out, "signed_len_out") }?;
        (*signed_out, *signed_len_out) = into_c_bytes(signer.sign(value));
        Ok(())
    })
}

/// Verifies the `signed_len` bytes at `signed` with every secret. On
/// success `*value_out`/`*value_len_out` hold the value (free with
/// `tessera_bytes_free`; an empty value is NULL, 0). A bad signature is
/// `TESSERA_STATUS_INVALID_SIGNATURE`; no separator or a signature that is
/// not base64url is `TESSERA_STATUS_MALFORMED`.
///
/// # Safety
/// `signer` is a live signer or NULL; `signed` is readable for `signed_len`
/// bytes; both out-params are writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_signer_unsign(
    signer: *const tessera_signer,
    signed: *const u8,
    signed_len: usize,
    value_out: *mut *mut u8,
    value_len_out: *mut usize,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let signer = unsafe { try_ref(signer, "signer") }?;
        let signed = unsafe { bytes(signed, signed_len, "signed") }?;
        let value_out = unsafe { out(value_out, "value_out") }?;
        let value_len_out = unsafe { out(value_len_out, "value_len_out") }?;
        let value = signer.unsign(signed)?;
        (*value_out, *value_len_out) = into_c_bytes(value.to_vec());
        Ok(())
    })
}

/// Frees a signer. NULL is a no-op; never twice.
///
/// # Safety
/// `signer` is NULL or a signer from this library that is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_signer_free(signer: *const tessera_signer) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_arc(signer) })
}

/// An itsdangerous `TimestampSigner`: the arguments and defaults of
/// `tessera_signer_new`.
///
/// # Safety
/// As `tessera_signer_new`.
#[no_mangle]
pub unsafe extern "C" fn tessera_timestamp_signer_new(
    secret_keys: *const *const u8,
    secret_key_lens: *const usize,
    secret_keys_count: usize,
    salt: *const c_char,
    sep: *const c_char,
    key_derivation: *const c_char,
    digest_method: *const c_char,
    signer_out: *mut *mut tessera_timestamp_signer,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let a = unsafe {
            args(
                secret_keys,
                secret_key_lens,
                secret_keys_count,
                salt,
                sep,
                key_derivation,
                digest_method,
                SignerOptions::default(),
            )
        }?;
        let signer_out = unsafe { out(signer_out, "signer_out") }?;
        *signer_out = arc_ptr(TimestampSigner::new(&a.keys, &a.opts)?);
        Ok(())
    })
}

/// Signs the `value_len` bytes at `value` with the timestamp `now` (Unix
/// seconds >= 0, or `TESSERA_NOW`). On success `*signed_out`/
/// `*signed_len_out` hold the signed value (free with `tessera_bytes_free`).
///
/// # Safety
/// `signer` is a live timestamp signer or NULL; `value` is readable for
/// `value_len` bytes; both out-params are writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_timestamp_signer_sign(
    signer: *const tessera_timestamp_signer,
    value: *const u8,
    value_len: usize,
    now: i64,
    signed_out: *mut *mut u8,
    signed_len_out: *mut usize,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let signer = unsafe { try_ref(signer, "signer") }?;
        let value = unsafe { bytes(value, value_len, "value") }?;
        let signed_out = unsafe { out(signed_out, "signed_out") }?;
        let signed_len_out = unsafe { out(signed_len_out, "signed_len_out") }?;
        let signed = signer.sign(value, now_or_clock(now))?;
        (*signed_out, *signed_len_out) = into_c_bytes(signed);
        Ok(())
    })
}

/// Verifies the `signed_len` bytes at `signed`. With `max_age` seconds
/// (`TESSERA_NO_MAX_AGE`: no limit), a value older than that at `now` (Unix
/// seconds, or `TESSERA_NOW`) is `TESSERA_STATUS_EXPIRED` and one from after
/// `now` is `TESSERA_STATUS_ISSUED_IN_FUTURE`. On success
/// `*value_out`/`*value_len_out` hold the value (free with
/// `tessera_bytes_free`; empty is NULL, 0) and, when `timestamp_out` is not
/// NULL, `*timestamp_out` the signing time (Unix seconds).
///
/// # Safety
/// `signer` is a live timestamp signer or NULL; `signed` is readable for
/// `signed_len` bytes; `value_out` and `value_len_out` are writable;
/// `timestamp_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_timestamp_signer_unsign(
    signer: *const tessera_timestamp_signer,
    signed: *const u8,
    signed_len: usize,
    max_age: i64,
    now: i64,
    value_out: *mut *mut u8,
    value_len_out: *mut usize,
    timestamp_out: *mut i64,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let signer = unsafe { try_ref(signer, "signer") }?;
        let signed = unsafe { bytes(signed, signed_len, "signed") }?;
        let value_out = unsafe { out(value_out, "value_out") }?;
        let value_len_out = unsafe { out(value_len_out, "value_len_out") }?;
        let timestamp_out = unsafe { timestamp_out.as_mut() };
        let max_age = self::max_age(max_age, "max_age")?;
        let (value, ts) = signer.unsign(signed, max_age, now_or_clock(now))?;
        (*value_out, *value_len_out) = into_c_bytes(value.to_vec());
        if let Some(t) = timestamp_out {
            *t = ts;
        }
        Ok(())
    })
}

/// Frees a timestamp signer. NULL is a no-op; never twice.
///
/// # Safety
/// `signer` is NULL or a timestamp signer from this library that is not
/// used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_timestamp_signer_free(signer: *const tessera_timestamp_signer) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_arc(signer) })
}

/// An itsdangerous `URLSafeTimedSerializer`: the arguments of
/// `tessera_signer_new`, except that a NULL `salt` is the serializer's
/// default, `"itsdangerous"`.
///
/// # Safety
/// As `tessera_signer_new`.
#[no_mangle]
pub unsafe extern "C" fn tessera_url_safe_timed_serializer_new(
    secret_keys: *const *const u8,
    secret_key_lens: *const usize,
    secret_keys_count: usize,
    salt: *const c_char,
    sep: *const c_char,
    key_derivation: *const c_char,
    digest_method: *const c_char,
    serializer_out: *mut *mut tessera_url_safe_timed_serializer,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let a = unsafe {
            args(
                secret_keys,
                secret_key_lens,
                secret_keys_count,
                salt,
                sep,
                key_derivation,
                digest_method,
                URLSafeTimedSerializer::default_options(),
            )
        }?;
        let serializer_out = unsafe { out(serializer_out, "serializer_out") }?;
        *serializer_out = arc_ptr(URLSafeTimedSerializer::new(&a.keys, &a.opts)?);
        Ok(())
    })
}

/// Serializes the JSON text `json` (compact, member order kept, zlib when
/// smaller) and signs it at `now` (Unix seconds >= 0, or `TESSERA_NOW`), as
/// itsdangerous' `dumps` does. On success `*value_out` is the signed value
/// (free with `tessera_string_free`).
///
/// # Safety
/// `serializer` is a live serializer or NULL; `json` is NUL-terminated;
/// `value_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_url_safe_timed_serializer_dumps(
    serializer: *const tessera_url_safe_timed_serializer,
    json: *const c_char,
    now: i64,
    value_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let ser = unsafe { try_ref(serializer, "serializer") }?;
        let json = unsafe { config_str(json, "json") }?;
        let value_out = unsafe { out(value_out, "value_out") }?;
        let value = ser.dumps(json, now_or_clock(now))?;
        *value_out = c_string(value, "signed value")?.into_raw();
        Ok(())
    })
}

/// Verifies and decodes the `value_len` bytes at `value` (`max_age` and
/// `now` as in `tessera_timestamp_signer_unsign`). On success `*json_out`
/// is the payload as compact JSON text (free with `tessera_string_free`)
/// and, when `timestamp_out` is not NULL, `*timestamp_out` the signing time
/// (Unix seconds; itsdangerous' `loads(..., return_timestamp=True)`).
///
/// # Safety
/// `serializer` is a live serializer or NULL; `value` is readable for
/// `value_len` bytes; `json_out` is writable; `timestamp_out` is NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_url_safe_timed_serializer_loads(
    serializer: *const tessera_url_safe_timed_serializer,
    value: *const u8,
    value_len: usize,
    max_age: i64,
    now: i64,
    json_out: *mut *mut c_char,
    timestamp_out: *mut i64,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let ser = unsafe { try_ref(serializer, "serializer") }?;
        let value = unsafe { cookie_text(value, value_len, "value") }?;
        let json_out = unsafe { out(json_out, "json_out") }?;
        // SAFETY: NULL or writable per the contract.
        let timestamp_out = unsafe { timestamp_out.as_mut() };
        let max_age = self::max_age(max_age, "max_age")?;
        let (json, timestamp) = ser.loads_with_timestamp(value, max_age, now_or_clock(now))?;
        *json_out = c_string(json, "JSON")?.into_raw();
        if let Some(t) = timestamp_out {
            *t = timestamp;
        }
        Ok(())
    })
}

/// Frees a serializer. NULL is a no-op; never twice.
///
/// # Safety
/// `serializer` is NULL or a serializer from this library that is not used
/// afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_url_safe_timed_serializer_free(
    serializer: *const tessera_url_safe_timed_serializer,
) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_arc(serializer) })
}
