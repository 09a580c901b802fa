//! The only place a `tessera::Error` becomes a Python exception.
//!
//! The classes are plain Python (`python/tessera/errors.py`), imported here, so
//! the hierarchy is written once and stays picklable and trivially typed.

use pyo3::exceptions::PyTypeError;
use pyo3::PyErr;
use tessera::{Error, ErrorCode};

pyo3::import_exception!(tessera.errors, TesseraError);
pyo3::import_exception!(tessera.errors, InvalidTokenError);
pyo3::import_exception!(tessera.errors, DecodeError);
pyo3::import_exception!(tessera.errors, InvalidSignatureError);
pyo3::import_exception!(tessera.errors, ExpiredSignatureError);
pyo3::import_exception!(tessera.errors, ImmatureSignatureError);
pyo3::import_exception!(tessera.errors, TokenTooOldError);
pyo3::import_exception!(tessera.errors, InvalidIssuerError);
pyo3::import_exception!(tessera.errors, InvalidAudienceError);
pyo3::import_exception!(tessera.errors, InvalidSubjectError);
pyo3::import_exception!(tessera.errors, InvalidTypeError);
pyo3::import_exception!(tessera.errors, MissingRequiredClaimError);
pyo3::import_exception!(tessera.errors, InvalidClaimError);
pyo3::import_exception!(tessera.errors, InvalidAlgorithmError);
pyo3::import_exception!(tessera.errors, KeyNotFoundError);
pyo3::import_exception!(tessera.errors, RevokedTokenError);
pyo3::import_exception!(tessera.errors, InvalidKeyError);
pyo3::import_exception!(tessera.errors, InvalidArgumentError);
pyo3::import_exception!(tessera.errors, RefreshTokenReusedError);
pyo3::import_exception!(tessera.errors, SessionNotFoundError);
pyo3::import_exception!(tessera.errors, SessionConflictError);
pyo3::import_exception!(tessera.errors, StoreUnavailableError);
pyo3::import_exception!(tessera.errors, JwksUnavailableError);

/// `tessera::Error` → the exception class of its code, with
/// `(message, code, claim)` as arguments.
pub(crate) fn to_py_err(e: Error) -> PyErr {
    let args = (
        e.message().to_owned(),
        e.code().as_str(),
        e.claim().map(str::to_owned),
    );
    // Every code listed, no `_` arm: a new core code is a compile error here.
    match e.code() {
        ErrorCode::Malformed | ErrorCode::TooLarge | ErrorCode::UnsupportedCriticalHeader => {
            DecodeError::new_err(args)
        }
        ErrorCode::InvalidSignature => InvalidSignatureError::new_err(args),
        ErrorCode::UnsupportedAlgorithm | ErrorCode::AlgorithmNotAllowed => {
            InvalidAlgorithmError::new_err(args)
        }
        ErrorCode::KeyNotFound => KeyNotFoundError::new_err(args),
        ErrorCode::InvalidKey => InvalidKeyError::new_err(args),
        ErrorCode::Expired => ExpiredSignatureError::new_err(args),
        ErrorCode::NotYetValid | ErrorCode::IssuedInFuture => ImmatureSignatureError::new_err(args),
        ErrorCode::TooOld => TokenTooOldError::new_err(args),
        ErrorCode::InvalidIssuer => InvalidIssuerError::new_err(args),
        ErrorCode::InvalidAudience => InvalidAudienceError::new_err(args),
        ErrorCode::InvalidSubject => InvalidSubjectError::new_err(args),
        ErrorCode::InvalidType => InvalidTypeError::new_err(args),
        ErrorCode::MissingClaim => MissingRequiredClaimError::new_err(args),
        ErrorCode::InvalidClaim => InvalidClaimError::new_err(args),
        ErrorCode::Revoked => RevokedTokenError::new_err(args),
        ErrorCode::InvalidArgument => InvalidArgumentError::new_err(args),
        ErrorCode::RefreshTokenReused => RefreshTokenReusedError::new_err(args),
        ErrorCode::SessionNotFound => SessionNotFoundError::new_err(args),
        ErrorCode::SessionConflict => SessionConflictError::new_err(args),
        ErrorCode::StoreUnavailable => StoreUnavailableError::new_err(args),
        ErrorCode::JwksUnavailable => JwksUnavailableError::new_err(args),
        ErrorCode::CookieTooLarge | ErrorCode::Internal => TesseraError::new_err(args),
    }
}

/// A bad argument *value*: `InvalidArgumentError` (a `ValueError`) with code
/// `INVALID_ARGUMENT`, as the core reports its own argument errors.
pub(crate) fn invalid_argument(message: impl Into<String>) -> PyErr {
    to_py_err(Error::new(ErrorCode::InvalidArgument, message.into()))
}

/// A bad argument *type*: a plain `TypeError`.
pub(crate) fn type_error(message: impl Into<String>) -> PyErr {
    PyTypeError::new_err(message.into())
}

/// `Result<T, tessera::Error>` → `PyResult<T>`.
pub(crate) trait IntoPy<T> {
    fn py_err(self) -> pyo3::PyResult<T>;
}

impl<T> IntoPy<T> for Result<T, Error> {
    fn py_err(self) -> pyo3::PyResult<T> {
        self.map_err(to_py_err)
    }
}

/// The exception Tessera raises for `code` (for tests and the Python layer):
/// `_error_for_code("EXPIRED", "msg")` is an `ExpiredSignatureError`.
#[pyo3::pyfunction]
#[pyo3(signature = (code, message, claim = None))]
pub(crate) fn _error_for_code(
    py: pyo3::Python<'_>,
    code: String,
    message: String,
    claim: Option<String>,
) -> pyo3::PyResult<pyo3::Py<pyo3::PyAny>> {
    let Some(code) = ErrorCode::from_str_code(&code) else {
        return Err(invalid_argument(format!("unknown error code {code:?}")));
    };
    let e = match claim {
        Some(c) => Error::claim_error(code, c, message),
        None => Error::new(code, message),
    };
    Ok(to_py_err(e).into_value(py).into_any())
}
