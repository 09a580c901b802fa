//! `tessera_session_manager` (server-side sessions on a store,
//! `tessera::session::SessionManager`; `Arc` inside) and `tessera_session`
//! (one loaded session; `Box`, immutable).
//!
//! Session ids come from the network (a cookie), so they are pointer +
//! length and need not be UTF-8: anything that is not an id is simply no
//! session, as the core answers for every binding. Session data and merge
//! patches are JSON object text, NUL-terminated. A call that finds no
//! session answers `TESSERA_STATUS_OK` with `*found_out == false` (load,
//! touch, rotate), so "no session" is never confused with a failure such as
//! `TESSERA_STATUS_STORE_UNAVAILABLE`.

use std::ffi::{c_char, CString};
use std::ptr;

use tessera::session::{Session, SessionManager};
use tessera::{Error, ErrorCode};

use crate::boundary::{boundary, guard};
use crate::error::tessera_status;
use crate::ffi::{
    arc_ptr, box_ptr, c_string, config_str, free_arc, free_box, id_text, opt_config_str, out,
    try_ref, Castable, OwnershipArc, OwnershipBox,
};
use crate::store::{duration_ms, opt_duration_ms, tessera_store};

/// Server-side sessions on a store: the data lives in the store, the client
/// holds only the id (256 random bits, base64url; the store keys on its
/// SHA-256). Saves are versioned, so two overlapping requests never silently
/// lose a write. Immutable and thread-safe: share one manager between all
/// threads. Free with `tessera_session_manager_free`.
#[allow(non_camel_case_types)]
pub struct tessera_session_manager {
    _private: [u8; 0],
}

impl Castable for tessera_session_manager {
    type Ownership = OwnershipArc;
    type RustType = SessionManager;
}

/// A loaded session: its data (JSON object text), user id, version and
/// times, read with the `tessera_session_*` getters. Immutable: read it from
/// any thread. Free with `tessera_session_free`; strings borrowed from it
/// live until then.
#[allow(non_camel_case_types)]
pub struct tessera_session {
    _private: [u8; 0],
}

impl Castable for tessera_session {
    type Ownership = OwnershipBox;
    type RustType = SessionData;
}

const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<SessionManager>();
    shareable::<SessionData>();
};

/// What a `tessera_session` handle points at.
pub(crate) struct SessionData {
    data: CString,
    user_id: Option<CString>,
    version: u64,
    created_at: i64,
    expires_at: i64,
}

impl SessionData {
    fn new(s: Session) -> Result<SessionData, Error> {
        let user_id = s
            .user_id
            .map(|u| {
                // A record written elsewhere could hold "\u0000" in its user.
                CString::new(u).map_err(|_| {
                    Error::new(
                        ErrorCode::Malformed,
                        "stored session: user id has a NUL byte",
                    )
                })
            })
            .transpose()?;
        Ok(SessionData {
            data: c_string(s.data, "session data")?,
            user_id,
            version: s.version,
            created_at: s.created_at,
            expires_at: s.expires_at,
        })
    }
}

/// A manager for sessions in `store` that live at most `ttl_ms`
/// milliseconds from creation and, unless `idle_timeout_ms` is
/// `TESSERA_UNSET`, at most `idle_timeout_ms` between uses (load, touch,
/// save). The manager keeps its own reference to the store. A `ttl_ms` or
/// `idle_timeout_ms` of 0 or less is `TESSERA_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `store` is a live store or NULL; `manager_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_manager_new(
    store: *const tessera_store,
    ttl_ms: i64,
    idle_timeout_ms: i64,
    manager_out: *mut *mut tessera_session_manager,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let store = unsafe { try_ref(store, "store") }?;
        let manager_out = unsafe { out(manager_out, "manager_out") }?;
        let ttl = duration_ms(ttl_ms, "ttl_ms")?;
        let idle = opt_duration_ms(idle_timeout_ms, "idle_timeout_ms")?;
        *manager_out = arc_ptr(SessionManager::new(store.shared(), ttl, idle)?);
        Ok(())
    })
}

/// Creates a session holding `data_json` (JSON object text), for `user_id`
/// (NULL: for no user; with one, `tessera_session_manager_destroy_user`
/// reaches it). On success `*id_out` is the new session id (43 characters;
/// free with `tessera_string_free`), the value for the session cookie.
/// Data that is not a JSON object, or a user id that is empty, longer than
/// 256 bytes or has control characters, is `TESSERA_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `manager` is a live manager or NULL; `data_json` is NUL-terminated;
/// `user_id` is NULL or NUL-terminated; `id_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_manager_create(
    manager: *const tessera_session_manager,
    data_json: *const c_char,
    user_id: *const c_char,
    id_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let manager = unsafe { try_ref(manager, "manager") }?;
        let data = unsafe { config_str(data_json, "data_json") }?;
        let user = unsafe { opt_config_str(user_id, "user_id") }?;
        let id_out = unsafe { out(id_out, "id_out") }?;
        let id = manager.create(data, user)?;
        *id_out = c_string(id, "session id")?.into_raw();
        Ok(())
    })
}

/// Loads the session under the `id_len` bytes at `id`, restarting its idle
/// timer. On success `*found_out` tells whether there is one: if so,
/// `*session_out` is it (free with `tessera_session_free`); if not (unknown,
/// expired, destroyed, or not a session id at all), `*session_out` is NULL.
/// A store that cannot answer is `TESSERA_STATUS_STORE_UNAVAILABLE`, a
/// corrupt record `TESSERA_STATUS_MALFORMED`: never "no session".
///
/// # Safety
/// `manager` is a live manager or NULL; `id` is readable for `id_len`
/// bytes; `found_out` and `session_out` are writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_manager_load(
    manager: *const tessera_session_manager,
    id: *const u8,
    id_len: usize,
    found_out: *mut bool,
    session_out: *mut *mut tessera_session,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let manager = unsafe { try_ref(manager, "manager") }?;
        let id = unsafe { id_text(id, id_len, "id") }?;
        let found_out = unsafe { out(found_out, "found_out") }?;
        let session_out = unsafe { out(session_out, "session_out") }?;
        let session = manager.load(&id)?.map(SessionData::new).transpose()?;
        *found_out = session.is_some();
        *session_out = session.map_or(ptr::null_mut(), box_ptr);
        Ok(())
    })
}

/// Replaces the data of the session under `id` with `data_json` (JSON object
/// text) if it is still at `version` (what `tessera_session_version`
/// returned when it was loaded). On success `*version_out` is its new
/// version. `TESSERA_STATUS_SESSION_CONFLICT` if another request saved it
/// since (load it again and reapply the change, or use
/// `tessera_session_manager_merge`); `TESSERA_STATUS_SESSION_NOT_FOUND` if it
/// no longer exists.
///
/// # Safety
/// `manager` is a live manager or NULL; `id` is readable for `id_len`
/// bytes; `data_json` is NUL-terminated; `version_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_manager_save(
    manager: *const tessera_session_manager,
    id: *const u8,
    id_len: usize,
    data_json: *const c_char,
    version: u64,
    version_out: *mut u64,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let manager = unsafe { try_ref(manager, "manager") }?;
        let id = unsafe { id_text(id, id_len, "id") }?;
        let data = unsafe { config_str(data_json, "data_json") }?;
        let version_out = unsafe { out(version_out, "version_out") }?;
        *version_out = manager.save(&id, data, version)?;
        Ok(())
    })
}

/// Applies the RFC 7396 merge patch `patch_json` (a JSON object: `{"k": v}`
/// sets `k`, `{"k": null}` removes it, nested objects merge) to the session
/// under `id`, atomically, retrying against concurrent writers. On success
/// `*version_out` is its new version. `TESSERA_STATUS_SESSION_NOT_FOUND` if
/// there is no such session; `TESSERA_STATUS_SESSION_CONFLICT` if writers
/// kept winning.
///
/// # Safety
/// `manager` is a live manager or NULL; `id` is readable for `id_len`
/// bytes; `patch_json` is NUL-terminated; `version_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_manager_merge(
    manager: *const tessera_session_manager,
    id: *const u8,
    id_len: usize,
    patch_json: *const c_char,
    version_out: *mut u64,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let manager = unsafe { try_ref(manager, "manager") }?;
        let id = unsafe { id_text(id, id_len, "id") }?;
        let patch = unsafe { config_str(patch_json, "patch_json") }?;
        let version_out = unsafe { out(version_out, "version_out") }?;
        *version_out = manager.merge(&id, patch)?;
        Ok(())
    })
}

/// Restarts the idle timer of the session under `id`. On success
/// `*found_out` is false when there is no such session.
///
/// # Safety
/// `manager` is a live manager or NULL; `id` is readable for `id_len`
/// bytes; `found_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_manager_touch(
    manager: *const tessera_session_manager,
    id: *const u8,
    id_len: usize,
    found_out: *mut bool,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let manager = unsafe { try_ref(manager, "manager") }?;
        let id = unsafe { id_text(id, id_len, "id") }?;
        let found_out = unsafe { out(found_out, "found_out") }?;
        *found_out = manager.touch(&id)?;
        Ok(())
    })
}

/// Ends the session under `id` (log out). On success `*destroyed_out` is
/// false when there was no such session.
///
/// # Safety
/// `manager` is a live manager or NULL; `id` is readable for `id_len`
/// bytes; `destroyed_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_manager_destroy(
    manager: *const tessera_session_manager,
    id: *const u8,
    id_len: usize,
    destroyed_out: *mut bool,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let manager = unsafe { try_ref(manager, "manager") }?;
        let id = unsafe { id_text(id, id_len, "id") }?;
        let destroyed_out = unsafe { out(destroyed_out, "destroyed_out") }?;
        *destroyed_out = manager.destroy(&id)?;
        Ok(())
    })
}

/// Saves what a request changed on top of whatever was saved meanwhile (the
/// merge answer to `TESSERA_STATUS_SESSION_CONFLICT`): the top-level members
/// whose value differs between `loaded_json` (the data as the request loaded
/// it) and `data_json` (as it wants it now) are set, the ones missing from
/// `data_json` removed, all on the newest version, atomically, retrying
/// against concurrent writers. On success `*session_out` is the session as
/// saved (free with `tessera_session_free`).
/// `TESSERA_STATUS_SESSION_NOT_FOUND` if it ended meanwhile; JSON that is not
/// an object is `TESSERA_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `manager` is a live manager or NULL; `id` is readable for `id_len`
/// bytes; `loaded_json` and `data_json` are NUL-terminated; `session_out` is
/// writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_manager_save_changes(
    manager: *const tessera_session_manager,
    id: *const u8,
    id_len: usize,
    loaded_json: *const c_char,
    data_json: *const c_char,
    session_out: *mut *mut tessera_session,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let manager = unsafe { try_ref(manager, "manager") }?;
        let id = unsafe { id_text(id, id_len, "id") }?;
        let loaded = unsafe { config_str(loaded_json, "loaded_json") }?;
        let data = unsafe { config_str(data_json, "data_json") }?;
        let session_out = unsafe { out(session_out, "session_out") }?;
        let saved = SessionData::new(manager.save_changes(&id, loaded, data)?)?;
        *session_out = box_ptr(saved);
        Ok(())
    })
}

/// Moves the session under `id` to a new id (call it on log-in: session
/// fixation defence); the old id stops working before the new one exists.
/// With `user_id` (not NULL) the session also becomes that user's (log-in on
/// an anonymous session: `tessera_session_manager_destroy_user` then reaches
/// it); NULL keeps its user. On success `*found_out` tells whether there was
/// a session: if so, `*new_id_out` is its new id (free with
/// `tessera_string_free`), else NULL. `TESSERA_STATUS_SESSION_CONFLICT` if
/// the session changed meanwhile; a bad user id is
/// `TESSERA_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `manager` is a live manager or NULL; `id` is readable for `id_len`
/// bytes; `user_id` is NULL or NUL-terminated; `found_out` and `new_id_out`
/// are writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_manager_rotate(
    manager: *const tessera_session_manager,
    id: *const u8,
    id_len: usize,
    user_id: *const c_char,
    found_out: *mut bool,
    new_id_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let manager = unsafe { try_ref(manager, "manager") }?;
        let id = unsafe { id_text(id, id_len, "id") }?;
        let user = unsafe { opt_config_str(user_id, "user_id") }?;
        let found_out = unsafe { out(found_out, "found_out") }?;
        let new_id_out = unsafe { out(new_id_out, "new_id_out") }?;
        let rotated = match user {
            None => manager.rotate(&id)?,
            Some(u) => manager.rotate_for_user(&id, u)?,
        };
        let new_id = rotated.map(|n| c_string(n, "session id")).transpose()?;
        *found_out = new_id.is_some();
        *new_id_out = new_id.map_or(ptr::null_mut(), CString::into_raw);
        Ok(())
    })
}

/// Ends every session created for `user_id` ("log out everywhere", in every
/// language sharing the store). On success `*count_out` is how many were
/// live. A user id that is empty, longer than 256 bytes or has control
/// characters is `TESSERA_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `manager` is a live manager or NULL; `user_id` is NUL-terminated;
/// `count_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_manager_destroy_user(
    manager: *const tessera_session_manager,
    user_id: *const c_char,
    count_out: *mut u64,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let manager = unsafe { try_ref(manager, "manager") }?;
        let user = unsafe { config_str(user_id, "user_id") }?;
        let count_out = unsafe { out(count_out, "count_out") }?;
        *count_out = manager.destroy_user(user)?;
        Ok(())
    })
}

/// Frees a manager (the store stays alive while anything else uses it).
/// NULL is a no-op; never twice, and not while another thread uses it.
///
/// # Safety
/// `manager` is NULL or a manager from this library that is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_manager_free(manager: *const tessera_session_manager) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_arc(manager) })
}

/// The session's data, JSON object text, borrowed from `session` (valid
/// until `tessera_session_free`; do not free it). NULL when `session` is NULL.
///
/// # Safety
/// `session` is a live session or NULL.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_data(session: *const tessera_session) -> *const c_char {
    guard(ptr::null(), || {
        // SAFETY: per the contract.
        unsafe { try_ref(session, "session") }.map_or(ptr::null(), |s| s.data.as_ptr())
    })
}

/// The user the session was created for, borrowed like
/// `tessera_session_data`'s text; NULL when it has none (or `session` is NULL).
///
/// # Safety
/// `session` is a live session or NULL.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_user_id(session: *const tessera_session) -> *const c_char {
    guard(ptr::null(), || {
        // SAFETY: per the contract.
        unsafe { try_ref(session, "session") }
            .ok()
            .and_then(|s| s.user_id.as_ref())
            .map_or(ptr::null(), |u| u.as_ptr())
    })
}

/// The session's version, to pass to `tessera_session_manager_save` (0 for
/// a new session; each save adds one). 0 when `session` is NULL.
///
/// # Safety
/// `session` is a live session or NULL.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_version(session: *const tessera_session) -> u64 {
    guard(0, || {
        // SAFETY: per the contract.
        unsafe { try_ref(session, "session") }.map_or(0, |s| s.version)
    })
}

/// When the session was created, in Unix milliseconds. 0 when `session` is NULL.
///
/// # Safety
/// `session` is a live session or NULL.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_created_at_ms(session: *const tessera_session) -> i64 {
    guard(0, || {
        // SAFETY: per the contract.
        unsafe { try_ref(session, "session") }.map_or(0, |s| s.created_at)
    })
}

/// When the session ends at the latest (creation + the manager's ttl), in
/// Unix milliseconds; an idle timeout may end it sooner. 0 when `session`
/// is NULL.
///
/// # Safety
/// `session` is a live session or NULL.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_expires_at_ms(session: *const tessera_session) -> i64 {
    guard(0, || {
        // SAFETY: per the contract.
        unsafe { try_ref(session, "session") }.map_or(0, |s| s.expires_at)
    })
}

/// Frees a session (and every string borrowed from it). NULL is a no-op;
/// never twice.
///
/// # Safety
/// `session` is NULL or a session from this library that is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_session_free(session: *mut tessera_session) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_box(session) })
}
