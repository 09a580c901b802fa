//! `tessera.jwt`: `encode`, `decode` (one-shot), `decode_unverified`.

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use tessera::jwt;

use crate::convert::{json_to_py, to_json, token_arg};
use crate::errors::{to_py_err, IntoPy};
use crate::keyset::Keys;
use crate::verifier::{claims_to_py, maybe_detach, Options, PyVerifier};

/// Optional header extras (a mapping) as JSON text.
pub(crate) fn headers_json(headers: Option<&Bound<'_, PyAny>>) -> PyResult<Option<String>> {
    match headers.filter(|h| !h.is_none()) {
        None => Ok(None),
        Some(h) => to_json(h, "headers").map(Some),
    }
}

/// Encodes and signs ``claims`` (a mapping, serialized compactly in its own
/// order) with a ``Key`` or the signing key of a ``KeySet``. ``headers`` adds
/// header members (``typ`` defaults to ``"JWT"``, ``kid`` to the key's).
#[pyfunction]
#[pyo3(signature = (claims, key, headers = None))]
pub(crate) fn jwt_encode(
    py: Python<'_>,
    claims: &Bound<'_, PyAny>,
    key: &Bound<'_, PyAny>,
    headers: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let claims = to_json(claims, "claims")?;
    let headers = headers_json(headers)?;
    let keys = Keys::extract(key)?;
    let run = || match &keys {
        Keys::One(k) => jwt::encode(&claims, k, headers.as_deref()),
        Keys::Set(s) => jwt::encode(&claims, s, headers.as_deref()),
    };
    if keys.slow() { py.detach(run) } else { run() }.py_err()
}

/// Verifies ``token`` with ``key`` and the keyword policy and returns the
/// claims dict. Parses the options each call: build a ``Verifier`` to verify
/// many tokens. ``denylist`` (a ``tessera.sessions.Denylist``) also refuses
/// revoked tokens, as ``Verifier`` does.
#[pyfunction]
#[pyo3(signature = (token, key, *, algorithms = None, issuer = None, audience = None,
    subject = None, required = None, leeway = None, max_age = None, typ = None,
    now = None, verify_exp = None, verify_nbf = None, max_token_bytes = None, denylist = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn jwt_decode<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
    algorithms: Option<&Bound<'py, PyAny>>,
    issuer: Option<&Bound<'py, PyAny>>,
    audience: Option<&Bound<'py, PyAny>>,
    subject: Option<&Bound<'py, PyAny>>,
    required: Option<&Bound<'py, PyAny>>,
    leeway: Option<&Bound<'py, PyAny>>,
    max_age: Option<&Bound<'py, PyAny>>,
    typ: Option<&Bound<'py, PyAny>>,
    now: Option<&Bound<'py, PyAny>>,
    verify_exp: Option<&Bound<'py, PyAny>>,
    verify_nbf: Option<&Bound<'py, PyAny>>,
    max_token_bytes: Option<&Bound<'py, PyAny>>,
    denylist: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let keys = Keys::extract(key)?;
    let options = Options {
        algorithms,
        issuer,
        audience,
        subject,
        required,
        leeway,
        max_age,
        typ,
        now,
        verify_exp,
        verify_nbf,
        max_token_bytes,
        cache_size: None,
        denylist,
    };
    if denylist.is_some_and(|d| !d.is_none()) {
        // The core's one-shot `decode` takes no denylist: verify through a
        // Verifier that has one (it releases the GIL around the store).
        return PyVerifier::build(keys, &options)?.verify_any(py, token);
    }
    let validation = options.validation()?;
    // One token: the core's one-shot path, without the per-verifier setup a
    // reusable `Verifier` does.
    let detach = keys.slow();
    let keys = keys.into_set();
    let bytes = token_arg(token)?;
    let token = bytes.as_bytes();
    let claims = maybe_detach(py, detach, || jwt::decode_bytes(token, &keys, &validation));
    claims_to_py(py, &claims.py_err()?)
}

/// ``(header, claims)`` of a JWT **without verifying** anything but its
/// structure: for inspection only, never for authorization.
#[pyfunction]
pub(crate) fn jwt_decode_unverified<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTuple>> {
    let bytes = token_arg(token)?;
    let text = std::str::from_utf8(bytes.as_bytes()).map_err(|_| {
        to_py_err(tessera::Error::new(
            tessera::ErrorCode::Malformed,
            "token is not valid UTF-8",
        ))
    })?;
    let u = jwt::decode_unverified(text).py_err()?;
    PyTuple::new(
        py,
        [
            json_to_py(py, &u.header_json)?,
            json_to_py(py, &u.claims_json)?,
        ],
    )
}
