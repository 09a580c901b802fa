//! `tessera._native`: the PyO3 extension module behind the `tessera` Python
//! package (`python/`). Thin on purpose: argument conversion, error mapping,
//! GIL release; every rule lives in the `tessera` core crate.
//!
//! Built by maturin (`pip install ./python`), abi3 for CPython ≥ 3.9.

mod convert;
mod cookie_json;
mod csrf;
mod errors;
mod express;
mod flask;
mod header;
mod itsdangerous;
mod jwks;
mod jws;
mod jwt;
mod key;
mod keyset;
mod native;
mod rails;
mod session;
mod verifier;

use pyo3::prelude::*;

#[pymodule(gil_used = false)]
mod _native {
    #[pymodule_export]
    use crate::csrf::PyCsrfTokens;
    #[pymodule_export]
    use crate::errors::_error_for_code;
    #[pymodule_export]
    use crate::express::{PyExpressCookieSession, PyExpressSessionId};
    #[pymodule_export]
    use crate::flask::{_flask_tagged_json, _flask_untagged, PyFlaskCookie};
    #[pymodule_export]
    use crate::header::{delete_cookie, parse_cookie, set_cookie};
    #[pymodule_export]
    use crate::itsdangerous::{PySigner, PyTimestampSigner, PyURLSafeTimedSerializer};
    #[pymodule_export]
    use crate::jwks::PyRemoteKeySet;
    #[pymodule_export]
    use crate::jws::{jws_sign, jws_verify, jws_verify_detached};
    #[pymodule_export]
    use crate::jwt::{jwt_decode, jwt_decode_unverified, jwt_encode};
    #[pymodule_export]
    use crate::key::PyKey;
    #[pymodule_export]
    use crate::keyset::PyKeySet;
    #[pymodule_export]
    use crate::native::{PyOpenedCookie, PySessionCookie};
    #[pymodule_export]
    use crate::rails::PyRailsCookie;
    #[pymodule_export]
    use crate::session::{
        PyDenylist, PyMemoryStore, PyRedisStore, PyRefreshTokens, PySessionManager,
    };
    #[pymodule_export]
    use crate::verifier::PyVerifier;

    use pyo3::prelude::*;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        // Every core error code, in numeric (C ABI) order.
        let codes: Vec<&str> = tessera::ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        m.add("ERROR_CODES", pyo3::types::PyTuple::new(m.py(), codes)?)?;
        // Every algorithm name, in the core's order.
        let algs: Vec<&str> = tessera::Algorithm::ALL.iter().map(|a| a.as_str()).collect();
        m.add("ALGORITHMS", pyo3::types::PyTuple::new(m.py(), algs)?)?;
        Ok(())
    }
}
