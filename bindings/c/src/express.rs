//! Express: `tessera_express_cookie_session` (cookie-session + keygrip) and
//! `tessera_express_session_id` (express-session's signed id cookie),
//! `tessera::cookie::express`. Immutable; `Arc` inside.

use std::ffi::c_char;

use tessera::cookie::express::{ExpressCookieSession, ExpressSessionId, DEFAULT_SESSION_ID_NAME};

use crate::boundary::{boundary, guard};
use crate::cookie::{cookie_text, secret_list};
use crate::error::tessera_status;
use crate::ffi::{
    arc_ptr, c_string, config_str, free_arc, opt_config_str, out, try_ref, Castable, OwnershipArc,
};

/// Express `cookie-session` (with keygrip): the session in the cookie
/// `<name>`, its signature in `<name>.sig`. Immutable and thread-safe. Free
/// with `tessera_express_cookie_session_free`.
#[allow(non_camel_case_types)]
pub struct tessera_express_cookie_session {
    _private: [u8; 0],
}

impl Castable for tessera_express_cookie_session {
    type Ownership = OwnershipArc;
    type RustType = ExpressCookieSession;
}

/// express-session's signed session-id cookie (`s:<id>.<signature>`).
/// Immutable and thread-safe. Free with `tessera_express_session_id_free`.
#[allow(non_camel_case_types)]
pub struct tessera_express_session_id {
    _private: [u8; 0],
}

impl Castable for tessera_express_session_id {
    type Ownership = OwnershipArc;
    type RustType = ExpressSessionId;
}

const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<ExpressCookieSession>();
    shareable::<ExpressSessionId>();
};

/// Writes an optional index out-parameter.
fn put_index(index_out: Option<&mut usize>, index: usize) {
    if let Some(i) = index_out {
        *i = index;
    }
}

/// A cookie-session codec. `keys` are `keys_count` pointers with their
/// lengths in `key_lens`, **newest first** as in keygrip: `keys[0]` signs,
/// every key verifies. `name` is the cookie name (NULL: cookie-session's
/// default, `"session"`); the signature cookie is `<name>.sig`. No keys or a
/// bad cookie name is `TESSERA_STATUS_INVALID_ARGUMENT`; an empty key is
/// `TESSERA_STATUS_INVALID_KEY`.
///
/// # Safety
/// `keys` and `key_lens` are readable for `keys_count` elements (each key
/// for its length); `name` is NULL or NUL-terminated; `session_out` is
/// writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_express_cookie_session_new(
    keys: *const *const u8,
    key_lens: *const usize,
    keys_count: usize,
    name: *const c_char,
    session_out: *mut *mut tessera_express_cookie_session,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let keys = unsafe { secret_list(keys, key_lens, keys_count, "keys") }?;
        let name = unsafe { opt_config_str(name, "name") }?;
        let session_out = unsafe { out(session_out, "session_out") }?;
        let codec = match name {
            Some(name) => ExpressCookieSession::new(&keys, name)?,
            None => ExpressCookieSession::with_default_name(&keys)?,
        };
        *session_out = arc_ptr(codec);
        Ok(())
    })
}

/// Encodes and signs a session given as JSON text (a JSON object; pass
/// `JSON.stringify` output to be byte-identical with Node). On success
/// `*value_out` is the value of the `<name>` cookie and `*sig_out` that of
/// `<name>.sig` (free both with `tessera_string_free`).
///
/// # Safety
/// `session` is a live codec or NULL; `session_json` is NUL-terminated;
/// both out-params are writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_express_cookie_session_sign(
    session: *const tessera_express_cookie_session,
    session_json: *const c_char,
    value_out: *mut *mut c_char,
    sig_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let codec = unsafe { try_ref(session, "session") }?;
        let json = unsafe { config_str(session_json, "session_json") }?;
        let value_out = unsafe { out(value_out, "value_out") }?;
        let sig_out = unsafe { out(sig_out, "sig_out") }?;
        let (value, sig) = codec.sign(json)?;
        let (value, sig) = (c_string(value, "value")?, c_string(sig, "sig")?);
        *value_out = value.into_raw();
        *sig_out = sig.into_raw();
        Ok(())
    })
}

/// keygrip's signature, with `keys[0]`, of an existing `<name>` cookie
/// value (the `value_len` bytes at `value`): re-issue `<name>.sig` with it
/// when a verification reported a key index above 0. On success `*sig_out`
/// is the signature (free with `tessera_string_free`).
///
/// # Safety
/// `session` is a live codec or NULL; `value` is readable for `value_len`
/// bytes; `sig_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_express_cookie_session_sign_value(
    session: *const tessera_express_cookie_session,
    value: *const u8,
    value_len: usize,
    sig_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let codec = unsafe { try_ref(session, "session") }?;
        let value = unsafe { cookie_text(value, value_len, "value") }?;
        let sig_out = unsafe { out(sig_out, "sig_out") }?;
        *sig_out = c_string(codec.sign_value(value), "sig")?.into_raw();
        Ok(())
    })
}

/// Verifies a `<name>` cookie value against its `<name>.sig` value (each a
/// pointer and a length) with every key, then decodes it. On success
/// `*session_json_out` is the session JSON text exactly as it was signed
/// (free with `tessera_string_free`) and, when `key_index_out` is not NULL,
/// `*key_index_out` the index of the key that matched (above 0: re-sign
/// with `tessera_express_cookie_session_sign_value`). A signature matching
/// no key is `TESSERA_STATUS_INVALID_SIGNATURE`; a value that is not a
/// base64 JSON object is `TESSERA_STATUS_MALFORMED`.
///
/// # Safety
/// `session` is a live codec or NULL; `value` and `sig` are readable for
/// their lengths; `session_json_out` is writable; `key_index_out` is NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_express_cookie_session_verify(
    session: *const tessera_express_cookie_session,
    value: *const u8,
    value_len: usize,
    sig: *const u8,
    sig_len: usize,
    session_json_out: *mut *mut c_char,
    key_index_out: *mut usize,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let codec = unsafe { try_ref(session, "session") }?;
        let value = unsafe { cookie_text(value, value_len, "value") }?;
        let sig = unsafe { cookie_text(sig, sig_len, "sig") }?;
        let json_out = unsafe { out(session_json_out, "session_json_out") }?;
        let index_out = unsafe { key_index_out.as_mut() };
        let verified = codec.verify_index(value, sig)?;
        *json_out = c_string(verified.json, "session JSON")?.into_raw();
        put_index(index_out, verified.key_index);
        Ok(())
    })
}

/// Finds `<name>` and `<name>.sig` in a raw `Cookie` request header (the
/// `header_len` bytes at `cookie_header`) as cookie-session does, then
/// verifies them as `tessera_express_cookie_session_verify`. Either cookie
/// absent or empty is `TESSERA_STATUS_SESSION_NOT_FOUND`.
///
/// # Safety
/// `session` is a live codec or NULL; `cookie_header` is readable for
/// `header_len` bytes; `session_json_out` is writable; `key_index_out` is
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_express_cookie_session_load(
    session: *const tessera_express_cookie_session,
    cookie_header: *const u8,
    header_len: usize,
    session_json_out: *mut *mut c_char,
    key_index_out: *mut usize,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let codec = unsafe { try_ref(session, "session") }?;
        let header = unsafe { cookie_text(cookie_header, header_len, "cookie_header") }?;
        let json_out = unsafe { out(session_json_out, "session_json_out") }?;
        let index_out = unsafe { key_index_out.as_mut() };
        let verified = codec.load_index(header)?;
        *json_out = c_string(verified.json, "session JSON")?.into_raw();
        put_index(index_out, verified.key_index);
        Ok(())
    })
}

/// Frees a cookie-session codec. NULL is a no-op; never twice.
///
/// # Safety
/// `session` is NULL or a codec from this library that is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_express_cookie_session_free(
    session: *const tessera_express_cookie_session,
) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_arc(session) })
}

/// An express-session id signer. `secrets` are `secrets_count` pointers
/// with their lengths in `secret_lens`, in express-session's order:
/// `secrets[0]` signs, every secret verifies. No secrets is
/// `TESSERA_STATUS_INVALID_ARGUMENT`; an empty secret
/// `TESSERA_STATUS_INVALID_KEY`.
///
/// # Safety
/// `secrets` and `secret_lens` are readable for `secrets_count` elements
/// (each secret for its length); `ids_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_express_session_id_new(
    secrets: *const *const u8,
    secret_lens: *const usize,
    secrets_count: usize,
    ids_out: *mut *mut tessera_express_session_id,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let secrets = unsafe { secret_list(secrets, secret_lens, secrets_count, "secrets") }?;
        let ids_out = unsafe { out(ids_out, "ids_out") }?;
        *ids_out = arc_ptr(ExpressSessionId::new(&secrets)?);
        Ok(())
    })
}

/// Signs the session id `sid`: on success `*value_out` is
/// `"s:" + sid + "." + signature`, the logical cookie value (free with
/// `tessera_string_free`; percent-encode it, as express-session does, when
/// writing a `Set-Cookie` header).
///
/// # Safety
/// `ids` is a live signer or NULL; `sid` is NUL-terminated; `value_out` is
/// writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_express_session_id_sign(
    ids: *const tessera_express_session_id,
    sid: *const c_char,
    value_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let ids = unsafe { try_ref(ids, "ids") }?;
        let sid = unsafe { config_str(sid, "sid") }?;
        let value_out = unsafe { out(value_out, "value_out") }?;
        *value_out = c_string(ids.sign(sid), "value")?.into_raw();
        Ok(())
    })
}

/// Verifies a signed id cookie value (the `value_len` bytes at `value`:
/// literal `s:…` or percent-encoded `s%3A…`, optionally in double quotes).
/// On success `*sid_out` is the session id (free with
/// `tessera_string_free`) and, when `secret_index_out` is not NULL,
/// `*secret_index_out` the index of the secret that matched. No `s:`
/// prefix is `TESSERA_STATUS_MALFORMED`; a signature matching no secret is
/// `TESSERA_STATUS_INVALID_SIGNATURE`.
///
/// # Safety
/// `ids` is a live signer or NULL; `value` is readable for `value_len`
/// bytes; `sid_out` is writable; `secret_index_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_express_session_id_unsign(
    ids: *const tessera_express_session_id,
    value: *const u8,
    value_len: usize,
    sid_out: *mut *mut c_char,
    secret_index_out: *mut usize,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let ids = unsafe { try_ref(ids, "ids") }?;
        let value = unsafe { cookie_text(value, value_len, "value") }?;
        let sid_out = unsafe { out(sid_out, "sid_out") }?;
        let index_out = unsafe { secret_index_out.as_mut() };
        let (sid, index) = ids.unsign_index(value)?;
        *sid_out = c_string(sid, "sid")?.into_raw();
        put_index(index_out, index);
        Ok(())
    })
}

/// Finds the cookie `name` (NULL: express-session's default,
/// `"connect.sid"`) in a raw `Cookie` request header (the `header_len`
/// bytes at `cookie_header`) as express-session does, and unsigns it as
/// `tessera_express_session_id_unsign`. Absent or empty is
/// `TESSERA_STATUS_SESSION_NOT_FOUND`.
///
/// # Safety
/// `ids` is a live signer or NULL; `cookie_header` is readable for
/// `header_len` bytes; `name` is NULL or NUL-terminated; `sid_out` is
/// writable; `secret_index_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_express_session_id_load(
    ids: *const tessera_express_session_id,
    cookie_header: *const u8,
    header_len: usize,
    name: *const c_char,
    sid_out: *mut *mut c_char,
    secret_index_out: *mut usize,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let ids = unsafe { try_ref(ids, "ids") }?;
        let header = unsafe { cookie_text(cookie_header, header_len, "cookie_header") }?;
        let name = unsafe { opt_config_str(name, "name") }?.unwrap_or(DEFAULT_SESSION_ID_NAME);
        let sid_out = unsafe { out(sid_out, "sid_out") }?;
        let index_out = unsafe { secret_index_out.as_mut() };
        let (sid, index) = ids.load_index(header, name)?;
        *sid_out = c_string(sid, "sid")?.into_raw();
        put_index(index_out, index);
        Ok(())
    })
}

/// Frees an express-session id signer. NULL is a no-op; never twice.
///
/// # Safety
/// `ids` is NULL or a signer from this library that is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_express_session_id_free(ids: *const tessera_express_session_id) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_arc(ids) })
}
