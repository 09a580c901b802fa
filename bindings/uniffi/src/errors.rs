//! The one exception type and the error code enum.

use std::fmt;

use tessera::ErrorCode;

/// Mirrors `tessera::ErrorCode` (a remote type: the core stays UniFFI-free).
/// Kotlin `ErrorCode.EXPIRED` (its `name` is the core's code string), Swift
/// `ErrorCode.expired`. UniFFI generates an exhaustive `match` over these
/// variants, so a code added to the core fails this build until it is added here.
#[uniffi::remote(Enum)]
pub enum ErrorCode {
    Malformed,
    TooLarge,
    UnsupportedAlgorithm,
    AlgorithmNotAllowed,
    KeyNotFound,
    InvalidKey,
    InvalidSignature,
    Expired,
    NotYetValid,
    IssuedInFuture,
    TooOld,
    InvalidIssuer,
    InvalidAudience,
    InvalidSubject,
    InvalidType,
    MissingClaim,
    InvalidClaim,
    UnsupportedCriticalHeader,
    Revoked,
    CookieTooLarge,
    SessionNotFound,
    SessionConflict,
    RefreshTokenReused,
    StoreUnavailable,
    InvalidArgument,
    Internal,
    JwksUnavailable,
}

/// Every Tessera failure: Kotlin `TesseraException.Failed`, Swift
/// `TesseraError.Failed`. `code` is the contract; `detail` is for humans and
/// may change (it is not called `message`, which would clash with Kotlin's
/// `Throwable.message`); `claim` names the claim a claim error is about.
#[derive(Debug, uniffi::Error)]
pub enum TesseraError {
    /// The operation failed with `code`.
    Failed {
        /// The stable error code; `errorCodeString(code)` spells it (`"EXPIRED"`).
        code: ErrorCode,
        /// A human-readable description; never contains key material or a whole token.
        detail: String,
        /// The claim the error is about (`exp`, `aud`, …), for claim errors.
        claim: Option<String>,
    },
}

impl fmt::Display for TesseraError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let TesseraError::Failed { code, detail, .. } = self;
        write!(f, "{}: {detail}", code.as_str())
    }
}

impl std::error::Error for TesseraError {}

impl From<tessera::Error> for TesseraError {
    fn from(e: tessera::Error) -> Self {
        TesseraError::Failed {
            code: e.code(),
            detail: e.message().to_owned(),
            claim: e.claim().map(str::to_owned),
        }
    }
}

impl TesseraError {
    /// An `INVALID_ARGUMENT` raised by the binding itself (argument conversion).
    pub(crate) fn invalid_argument(detail: impl Into<String>) -> Self {
        TesseraError::Failed {
            code: ErrorCode::InvalidArgument,
            detail: detail.into(),
            claim: None,
        }
    }

    /// The error code.
    pub fn code(&self) -> ErrorCode {
        let TesseraError::Failed { code, .. } = self;
        *code
    }
}

/// The code's stable string, exactly as every binding spells it
/// (`"EXPIRED"`, `"INVALID_SIGNATURE"`, …).
#[uniffi::export]
pub fn error_code_string(code: ErrorCode) -> String {
    code.as_str().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_crosses_with_its_claim() {
        for &code in ErrorCode::ALL {
            let e = TesseraError::from(tessera::Error::claim_error(code, "exp", "m"));
            assert_eq!(e.code(), code);
            assert_eq!(e.to_string(), format!("{}: m", code.as_str()));
            let TesseraError::Failed { detail, claim, .. } = e;
            assert_eq!((detail.as_str(), claim.as_deref()), ("m", Some("exp")));
            assert_eq!(error_code_string(code), code.as_str());
        }
        let e = TesseraError::from(tessera::Error::new(ErrorCode::Malformed, "x"));
        assert!(matches!(e, TesseraError::Failed { claim: None, .. }));
    }
}
