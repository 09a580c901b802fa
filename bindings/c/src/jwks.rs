//! `tessera_remote_keyset`: a JWKS fetched from an identity provider's URL and
//! cached by the core's policy (`tessera::jwks`: max age within bounds,
//! stale-while-error, cooled-down single-flight refetch on an unknown kid, a
//! negative cache, export/import), and `tessera_verifier_new_remote`, a
//! verifier that takes its keys from one.
//!
//! Every call that may fetch blocks the calling thread (for about the
//! `timeout` option at most); the handle is an `Arc` of the core's
//! `RemoteKeySet`, whose clones share one cache, so a verifier built on it
//! and the handle see the same keys.

use std::ffi::c_char;
use std::ptr;

use tessera::jwks::{RemoteKeySet, RemoteOptions};
use tessera::jwt::{Validation, Verifier};

use crate::boundary::{boundary, guard};
use crate::error::tessera_status;
use crate::ffi::{
    arc_ptr, box_ptr, c_string, config_str, free_arc, opt_config_str, out, try_ref, Castable,
    OwnershipArc,
};
use crate::keyset::tessera_keyset;
use crate::verifier::tessera_verifier;

/// A key set fetched from a JWKS URL and cached. Thread-safe (Arc inside):
/// share one between all threads and verifiers; concurrent callers that
/// need a fetch share one request (single flight). Every function taking it
/// may block for about the `timeout` option while a fetch runs, so call them
/// from worker threads, not from an event loop. Free with
/// `tessera_remote_keyset_free` once no thread uses it; verifiers built on
/// it keep their own reference (the same cache).
#[allow(non_camel_case_types)]
pub struct tessera_remote_keyset {
    _private: [u8; 0],
}

impl Castable for tessera_remote_keyset {
    type Ownership = OwnershipArc;
    type RustType = RemoteKeySet;
}

/// A remote key set for `url`: `https://`, or `http://` to a loopback host
/// (`127.0.0.0/8`, `::1`, `localhost`) for tests and sidecars; any other URL
/// is `TESSERA_STATUS_INVALID_ARGUMENT`. Nothing is fetched until keys are
/// needed. `options_json` (NULL for the defaults) is a JSON object with the
/// option names every binding uses, every member optional: `max_age`
/// (seconds a fetched set is fresh without `Cache-Control: max-age`, and the
/// most a response may ask for; default 300), `min_age` (the least a response
/// may ask for; 30), `cooldown` (least time between fetches caused by unknown
/// kids or after a failure; 30), `timeout` (the whole budget of one fetch,
/// redirects and body included; 5), `negative_ttl` (how long a kid still
/// unknown after a refetch is answered `KEY_NOT_FOUND` without fetching;
/// 300), `max_stale` (how long past its freshness a set may be served while
/// fetches fail; `null`, the default, is unlimited) — all in seconds,
/// fractions allowed — and `max_bytes` (largest body; 524288),
/// `max_redirects` (same-scheme redirects followed; 3), `ca_pem` (trust only
/// these CA certificates, PEM). An unknown member or a bad value is
/// `TESSERA_STATUS_INVALID_ARGUMENT`. Redirects to another scheme or to a URL
/// that fails the same rules are refused; `jku`/`x5u` in tokens are never
/// fetched.
///
/// # Safety
/// `url` is NUL-terminated; `options_json` is NULL or NUL-terminated;
/// `remote_keyset_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_remote_keyset_new(
    url: *const c_char,
    options_json: *const c_char,
    remote_keyset_out: *mut *mut tessera_remote_keyset,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let url = unsafe { config_str(url, "url") }?;
        let options = unsafe { opt_config_str(options_json, "options_json") }?;
        let remote_keyset_out = unsafe { out(remote_keyset_out, "remote_keyset_out") }?;
        let opts = match options {
            None => RemoteOptions::default(),
            Some(json) => RemoteOptions::from_json(json)?,
        };
        *remote_keyset_out = arc_ptr(RemoteKeySet::new(url, opts)?);
        Ok(())
    })
}

/// The current keys as a new key set (free with `tessera_keyset_free`): the
/// cached set while fresh; otherwise it is refetched (one request shared by
/// every concurrent caller), and if that fails the last good (stale) set is
/// served. `TESSERA_STATUS_JWKS_UNAVAILABLE` when no usable set exists
/// (nothing fetched yet and the fetch failed, or past `max_stale`); the
/// message names the URL. Blocks while a fetch runs.
///
/// # Safety
/// `remote_keyset` is a live remote key set or NULL; `keyset_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_remote_keyset_keys(
    remote_keyset: *const tessera_remote_keyset,
    keyset_out: *mut *mut tessera_keyset,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let remote = unsafe { try_ref(remote_keyset, "remote_keyset") }?;
        let keyset_out = unsafe { out(keyset_out, "keyset_out") }?;
        *keyset_out = box_ptr(remote.keys()?);
        Ok(())
    })
}

/// Fetches now, whatever the cache holds (joining a request already in
/// flight), and returns the fetched keys as a new key set (free with
/// `tessera_keyset_free`). A failed fetch (unreachable, timeout, HTTP error,
/// body over `max_bytes`, not a JWKS with a usable key, refused redirect) is
/// `TESSERA_STATUS_JWKS_UNAVAILABLE` with the URL and the reason in the
/// message, and the cached set stays in use. Blocks while the fetch runs.
///
/// # Safety
/// As `tessera_remote_keyset_keys`.
#[no_mangle]
pub unsafe extern "C" fn tessera_remote_keyset_refresh(
    remote_keyset: *const tessera_remote_keyset,
    keyset_out: *mut *mut tessera_keyset,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let remote = unsafe { try_ref(remote_keyset, "remote_keyset") }?;
        let keyset_out = unsafe { out(keyset_out, "keyset_out") }?;
        *keyset_out = box_ptr(remote.refresh()?);
        Ok(())
    })
}

/// The cache's state as a new JSON string (free with `tessera_string_free`):
/// `url`, `state` (`"empty"`, `"fresh"` or `"stale"`), `fetched_at`,
/// `fresh_until`, `last_error_at` (Unix seconds with fractions, or `null`),
/// `last_error` (`{"code","message"}` of the last failed fetch, `null` after
/// a success), `keys` (how many), `requests` (HTTP requests made),
/// `generation` (changes of the set). Never fetches.
///
/// # Safety
/// `remote_keyset` is a live remote key set or NULL; `status_json_out` is
/// writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_remote_keyset_status(
    remote_keyset: *const tessera_remote_keyset,
    status_json_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let remote = unsafe { try_ref(remote_keyset, "remote_keyset") }?;
        let status_json_out = unsafe { out(status_json_out, "status_json_out") }?;
        *status_json_out = c_string(remote.status().to_json(), "status")?.into_raw();
        Ok(())
    })
}

/// The cache as a new JSON string (free with `tessera_string_free`) for
/// `tessera_remote_keyset_import_cache` in another process (a serverless
/// cold start): `url`, `fetched_at`, `fresh_until` and the public `jwks`.
/// While nothing is cached the call succeeds and `*cache_json_out` is NULL.
/// Never fetches.
///
/// # Safety
/// `remote_keyset` is a live remote key set or NULL; `cache_json_out` is
/// writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_remote_keyset_export_cache(
    remote_keyset: *const tessera_remote_keyset,
    cache_json_out: *mut *mut c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let remote = unsafe { try_ref(remote_keyset, "remote_keyset") }?;
        let cache_json_out = unsafe { out(cache_json_out, "cache_json_out") }?;
        *cache_json_out = match remote.export_cache() {
            Some(json) => c_string(json, "cache")?.into_raw(),
            None => ptr::null_mut(),
        };
        Ok(())
    })
}

/// Loads a cache exported by `tessera_remote_keyset_export_cache` (here or in
/// another process). It must be for the same URL, and be valid JSON with a
/// `fetched_at` and a JWKS with a usable key, else
/// `TESSERA_STATUS_INVALID_ARGUMENT` (or the key set's error); it is ignored
/// (success) when the cache already holds a set fetched later. The imported
/// set is fresh until its `fresh_until`, never beyond `max_age` after its
/// `fetched_at`. Never fetches.
///
/// # Safety
/// `remote_keyset` is a live remote key set or NULL; `cache_json` is
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tessera_remote_keyset_import_cache(
    remote_keyset: *const tessera_remote_keyset,
    cache_json: *const c_char,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let remote = unsafe { try_ref(remote_keyset, "remote_keyset") }?;
        let json = unsafe { config_str(cache_json, "cache_json") }?;
        remote.import_cache(json)
    })
}

/// Frees a remote key set. NULL is a no-op; never twice, and not while
/// another thread still uses it. Verifiers built on it keep working (they
/// hold their own reference to the same cache).
///
/// # Safety
/// `remote_keyset` is NULL or a remote key set from this library that is not
/// used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tessera_remote_keyset_free(remote_keyset: *const tessera_remote_keyset) {
    // SAFETY: per the contract.
    guard((), || unsafe { free_arc(remote_keyset) })
}

/// A verifier whose keys come from `remote_keyset` (which it shares: the
/// handle may be freed afterwards), with the options of
/// `tessera_verifier_new` in `options_json` (NULL for the defaults). Nothing
/// is fetched here. `tessera_verifier_verify` then takes the set's current
/// keys and selects by `kid`; a `kid` the set lacks makes it refetch (at most
/// once per `cooldown`, shared by concurrent callers) before the answer is
/// `TESSERA_STATUS_KEY_NOT_FOUND`; with no usable keys the answer is
/// `TESSERA_STATUS_JWKS_UNAVAILABLE`. Verification may therefore block while
/// a fetch runs. Thread-safe like every verifier.
///
/// # Safety
/// `remote_keyset` is a live remote key set or NULL; `options_json` is NULL
/// or NUL-terminated; `verifier_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tessera_verifier_new_remote(
    remote_keyset: *const tessera_remote_keyset,
    options_json: *const c_char,
    verifier_out: *mut *mut tessera_verifier,
) -> tessera_status {
    boundary(|| {
        // SAFETY: per the contract.
        let remote = unsafe { try_ref(remote_keyset, "remote_keyset") }?;
        let options = unsafe { opt_config_str(options_json, "options_json") }?;
        let verifier_out = unsafe { out(verifier_out, "verifier_out") }?;
        let validation = match options {
            None => Validation::default(),
            Some(json) => Validation::from_json(json)?,
        };
        *verifier_out = arc_ptr(Verifier::remote(remote.clone(), validation)?);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn last_message() -> String {
        let p = crate::boundary::tessera_last_error_message();
        assert!(!p.is_null());
        unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned()
    }

    #[test]
    fn construction_checks_the_url_and_options() {
        let mut rk: *mut tessera_remote_keyset = ptr::null_mut();
        let s = unsafe {
            tessera_remote_keyset_new(c"http://example.com/jwks".as_ptr(), ptr::null(), &mut rk)
        };
        assert_eq!(s, tessera_status::InvalidArgument);
        assert!(rk.is_null());
        let s = unsafe {
            tessera_remote_keyset_new(
                c"https://issuer.example/jwks".as_ptr(),
                c"{\"nope\":1}".as_ptr(),
                &mut rk,
            )
        };
        assert_eq!(s, tessera_status::InvalidArgument);
        assert!(last_message().contains("nope"));
        let s = unsafe {
            tessera_remote_keyset_new(
                c"https://issuer.example/jwks".as_ptr(),
                c"{\"timeout\":0.5}".as_ptr(),
                &mut rk,
            )
        };
        assert_eq!(s, tessera_status::Ok);
        let mut json: *mut c_char = ptr::null_mut();
        assert_eq!(
            unsafe { tessera_remote_keyset_export_cache(rk, &mut json) },
            tessera_status::Ok
        );
        assert!(json.is_null());
        assert_eq!(
            unsafe { tessera_remote_keyset_status(rk, &mut json) },
            tessera_status::Ok
        );
        let status = unsafe { CStr::from_ptr(json) }.to_str().unwrap().to_owned();
        assert!(status.contains("\"state\":\"empty\""), "{status}");
        unsafe { crate::ffi::tessera_string_free(json) };
        let mut verifier: *mut tessera_verifier = ptr::null_mut();
        assert_eq!(
            unsafe { tessera_verifier_new_remote(rk, ptr::null(), &mut verifier) },
            tessera_status::Ok
        );
        unsafe { tessera_remote_keyset_free(rk) };
        unsafe { crate::verifier::tessera_verifier_free(verifier) };
    }

    #[test]
    fn nothing_listening_is_jwks_unavailable_naming_the_url() {
        // A loopback port that was just free: connection refused.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = std::ffi::CString::new(format!("http://127.0.0.1:{port}/jwks.json")).unwrap();
        let mut rk: *mut tessera_remote_keyset = ptr::null_mut();
        let s = unsafe {
            tessera_remote_keyset_new(url.as_ptr(), c"{\"timeout\":2}".as_ptr(), &mut rk)
        };
        assert_eq!(s, tessera_status::Ok);
        let mut keys: *mut tessera_keyset = ptr::null_mut();
        let s = unsafe { tessera_remote_keyset_keys(rk, &mut keys) };
        assert_eq!(s, tessera_status::JwksUnavailable);
        assert!(keys.is_null());
        let msg = last_message();
        assert!(msg.starts_with("JWKS_UNAVAILABLE: "), "{msg}");
        assert!(msg.contains(url.to_str().unwrap()), "{msg}");
        unsafe { tessera_remote_keyset_free(rk) };
    }
}
