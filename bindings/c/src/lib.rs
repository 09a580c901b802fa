//! # tessera-c — the C ABI of Tessera
//!
//! `include/tessera.h` (generated from this crate by cbindgen, checked in),
//! `libtessera.so` and `libtessera.a`. The conventions — opaque handles,
//! `_new`/`_free`, inputs then outputs, out-parameters written only on
//! success, untrusted bytes as pointer + length, strings freed with
//! `tessera_string_free`, thread safety per handle — are written down in
//! `bindings/c/README.md`.
//!
//! This crate only converts arguments, maps errors and manages handle
//! lifetimes; every rule lives in the core crate `tessera`. Every exported
//! function runs inside the panic boundary of [`boundary`]: nothing unwinds
//! into C.
//!
//! Modules: [`ffi`] (handles, pointers, strings), [`boundary`] (panics, last
//! error), [`error`] (`tessera_status`), [`key`], [`keyset`], [`verifier`]
//! (also `tessera_claims`), [`jwt`], [`jws`]; cookies: [`cookie`] (shared
//! arguments), [`flask`], [`itsdangerous`], [`express`], [`session_cookie`]
//! (Tessera's own), [`rails`], [`cookie_header`] (`Set-Cookie`/`Cookie`),
//! [`csrf`]; server-side sessions: [`store`] (memory and Redis),
//! [`session`] (the manager and loaded sessions), [`denylist`] (revoked JWT
//! ids, also taken by `tessera_verifier_new_with_denylist`), [`refresh`]
//! (rotating refresh tokens); [`jwks`] (a remote JWKS fetched and cached,
//! and `tessera_verifier_new_remote`).

pub mod boundary;
pub mod cookie;
pub mod cookie_header;
pub mod csrf;
pub mod denylist;
pub mod error;
pub mod express;
pub mod ffi;
pub mod flask;
pub mod itsdangerous;
pub mod jwks;
pub mod jws;
pub mod jwt;
pub mod key;
pub mod keyset;
pub mod rails;
pub mod refresh;
pub mod session;
pub mod session_cookie;
pub mod store;
pub mod verifier;

use std::ffi::{c_char, CStr};

/// The library version as a NUL-terminated C string, e.g. `"0.1.0"`. Compare
/// with `TESSERA_VERSION` to detect a header/library mismatch. Static; do not free.
#[no_mangle]
pub extern "C" fn tessera_version() -> *const c_char {
    const VERSION: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => panic!("version has a NUL byte"),
        };
    VERSION.as_ptr()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The checked-in header must equal the one build.rs just generated with
    /// the pinned cbindgen. `TESSERA_UPDATE_HEADER=1 cargo test -p tessera-c`
    /// rewrites it.
    #[test]
    fn header_is_fresh() {
        let fresh = include_str!(concat!(env!("OUT_DIR"), "/tessera.h"));
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../include/tessera.h");
        if std::env::var_os("TESSERA_UPDATE_HEADER").is_some() {
            std::fs::write(&path, fresh).unwrap();
        }
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            checked_in == fresh,
            "include/tessera.h is stale: run `TESSERA_UPDATE_HEADER=1 cargo test -p tessera-c` \
             (or bash bindings/c/update-header.sh) and commit it"
        );
    }

    /// The version macros in the header (from cbindgen.toml) match Cargo.toml.
    #[test]
    fn header_version_matches_crate() {
        let header = include_str!(concat!(env!("OUT_DIR"), "/tessera.h"));
        let expect = [
            format!("#define TESSERA_VERSION \"{}\"", env!("CARGO_PKG_VERSION")),
            format!(
                "#define TESSERA_VERSION_MAJOR {}",
                env!("CARGO_PKG_VERSION_MAJOR")
            ),
            format!(
                "#define TESSERA_VERSION_MINOR {}",
                env!("CARGO_PKG_VERSION_MINOR")
            ),
            format!(
                "#define TESSERA_VERSION_PATCH {}",
                env!("CARGO_PKG_VERSION_PATCH")
            ),
        ];
        for line in expect {
            assert!(
                header.lines().any(|l| l == line),
                "header lacks `{line}`: update after_includes in bindings/c/cbindgen.toml"
            );
        }
        let v = unsafe { std::ffi::CStr::from_ptr(super::tessera_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
