//! `tessera.jws`: compact JWS for non-JWT payloads.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use tessera::jws;

use crate::convert::{bytes_arg, token_arg};
use crate::errors::{to_py_err, IntoPy};
use crate::jwt::headers_json;
use crate::keyset::Keys;

fn token_str(bytes: &Bound<'_, PyBytes>) -> PyResult<String> {
    String::from_utf8(bytes.as_bytes().to_vec()).map_err(|_| {
        to_py_err(tessera::Error::new(
            tessera::ErrorCode::Malformed,
            "token is not valid UTF-8",
        ))
    })
}

/// Signs ``payload`` (bytes; a str is UTF-8 encoded) as a compact JWS.
#[pyfunction]
#[pyo3(signature = (payload, key, headers = None))]
pub(crate) fn jws_sign(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
    key: &Bound<'_, PyAny>,
    headers: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let payload = bytes_arg(payload, "payload")?;
    let headers = headers_json(headers)?;
    let keys = Keys::extract(key)?;
    let run = || match &keys {
        Keys::One(k) => jws::sign(&payload, k, headers.as_deref()),
        Keys::Set(s) => jws::sign(&payload, s, headers.as_deref()),
    };
    if keys.slow() { py.detach(run) } else { run() }.py_err()
}

/// Verifies a compact JWS and returns its payload bytes.
#[pyfunction]
pub(crate) fn jws_verify<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let token = token_str(&token_arg(token)?)?;
    let keys = Keys::extract(key)?;
    let slow = keys.slow();
    let set = keys.into_set();
    let run = || jws::verify(&token, &set);
    let payload = if slow { py.detach(run) } else { run() }.py_err()?;
    Ok(PyBytes::new(py, &payload))
}

/// Verifies a JWS with a detached payload (``header..signature``) against
/// ``payload``; raises unless it verifies.
#[pyfunction]
pub(crate) fn jws_verify_detached(
    py: Python<'_>,
    token: &Bound<'_, PyAny>,
    payload: &Bound<'_, PyAny>,
    key: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let token = token_str(&token_arg(token)?)?;
    let payload = bytes_arg(payload, "payload")?;
    let keys = Keys::extract(key)?;
    let slow = keys.slow();
    let set = keys.into_set();
    let run = || jws::verify_detached(&token, &payload, &set).map(|_| ());
    if slow { py.detach(run) } else { run() }.py_err()
}
