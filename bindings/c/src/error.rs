//! `tessera_status`: the return value of every fallible function, mirroring
//! [`tessera::ErrorCode`] number for number.

use std::ffi::{c_char, CStr};

use tessera::ErrorCode;

/// The result of every fallible `tessera_*` function: `TESSERA_STATUS_OK` (0),
/// or the number of the core error code (`TESSERA_STATUS_EXPIRED` = 8, …).
///
/// The numbers are ABI: append only, never renumber or reuse. Functions return
/// this type; functions that *take* a status (`tessera_status_str`) take a
/// `uint32_t`, so a C caller can never hand Rust an invalid enum value.
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum tessera_status {
    /// Success.
    Ok = 0,
    /// Input is not well-formed (segments, base64url, JSON, UTF-8 of a token).
    Malformed = 1,
    /// Input is larger than the configured limit; rejected before decoding.
    TooLarge = 2,
    /// The algorithm (or key type / curve) is not one Tessera implements.
    UnsupportedAlgorithm = 3,
    /// `none`, an algorithm outside `algorithms`, or not the key's algorithm.
    AlgorithmNotAllowed = 4,
    /// No key matches the token's `kid` (or no key can verify/sign).
    KeyNotFound = 5,
    /// Key material is invalid, weak, or unusable for the operation.
    InvalidKey = 6,
    /// The signature or MAC does not verify.
    InvalidSignature = 7,
    /// `exp` is in the past.
    Expired = 8,
    /// `nbf` is in the future.
    NotYetValid = 9,
    /// `iat` is in the future.
    IssuedInFuture = 10,
    /// `iat` is older than `max_age`.
    TooOld = 11,
    /// `iss` does not match.
    InvalidIssuer = 12,
    /// `aud` does not match.
    InvalidAudience = 13,
    /// `sub` does not match.
    InvalidSubject = 14,
    /// Header `typ` does not match.
    InvalidType = 15,
    /// A required claim is missing (also: a `tessera_claims_*` getter for an absent claim).
    MissingClaim = 16,
    /// A registered claim has the wrong type or an impossible value.
    InvalidClaim = 17,
    /// The header's `crit` lists an extension Tessera does not implement.
    UnsupportedCriticalHeader = 18,
    /// Reserved: the token (`jti`) or session was revoked.
    Revoked = 19,
    /// Reserved: the cookie would exceed the browser's 4096-byte limit.
    CookieTooLarge = 20,
    /// Reserved: no such session.
    SessionNotFound = 21,
    /// Reserved: a concurrent write to the session won.
    SessionConflict = 22,
    /// Reserved: a retired refresh token was presented.
    RefreshTokenReused = 23,
    /// Reserved: the session store could not be reached.
    StoreUnavailable = 24,
    /// The caller passed an invalid argument: a NULL pointer, a non-UTF-8
    /// configuration string, an unknown option or flag, bad JSON arguments.
    InvalidArgument = 25,
    /// A bug: an unexpected internal failure, including a panic caught at the boundary.
    Internal = 26,
    /// A remote JWKS (`tessera_remote_keyset`) could not be fetched and no
    /// usable cached key set is left; the message names the URL.
    JwksUnavailable = 27,
}

impl From<ErrorCode> for tessera_status {
    /// Exhaustive on purpose (no `_` arm): a new core code fails to build this
    /// crate until it has a status.
    fn from(code: ErrorCode) -> Self {
        match code {
            ErrorCode::Malformed => Self::Malformed,
            ErrorCode::TooLarge => Self::TooLarge,
            ErrorCode::UnsupportedAlgorithm => Self::UnsupportedAlgorithm,
            ErrorCode::AlgorithmNotAllowed => Self::AlgorithmNotAllowed,
            ErrorCode::KeyNotFound => Self::KeyNotFound,
            ErrorCode::InvalidKey => Self::InvalidKey,
            ErrorCode::InvalidSignature => Self::InvalidSignature,
            ErrorCode::Expired => Self::Expired,
            ErrorCode::NotYetValid => Self::NotYetValid,
            ErrorCode::IssuedInFuture => Self::IssuedInFuture,
            ErrorCode::TooOld => Self::TooOld,
            ErrorCode::InvalidIssuer => Self::InvalidIssuer,
            ErrorCode::InvalidAudience => Self::InvalidAudience,
            ErrorCode::InvalidSubject => Self::InvalidSubject,
            ErrorCode::InvalidType => Self::InvalidType,
            ErrorCode::MissingClaim => Self::MissingClaim,
            ErrorCode::InvalidClaim => Self::InvalidClaim,
            ErrorCode::UnsupportedCriticalHeader => Self::UnsupportedCriticalHeader,
            ErrorCode::Revoked => Self::Revoked,
            ErrorCode::CookieTooLarge => Self::CookieTooLarge,
            ErrorCode::SessionNotFound => Self::SessionNotFound,
            ErrorCode::SessionConflict => Self::SessionConflict,
            ErrorCode::RefreshTokenReused => Self::RefreshTokenReused,
            ErrorCode::StoreUnavailable => Self::StoreUnavailable,
            ErrorCode::InvalidArgument => Self::InvalidArgument,
            ErrorCode::Internal => Self::Internal,
            ErrorCode::JwksUnavailable => Self::JwksUnavailable,
        }
    }
}

impl tessera_status {
    /// The core code of a failure status; `None` for `Ok`. Exhaustive both
    /// ways: a status without a core code fails to build.
    #[cfg_attr(not(test), allow(dead_code))] // the point is that it compiles
    pub(crate) fn code(self) -> Option<ErrorCode> {
        Some(match self {
            Self::Ok => return None,
            Self::Malformed => ErrorCode::Malformed,
            Self::TooLarge => ErrorCode::TooLarge,
            Self::UnsupportedAlgorithm => ErrorCode::UnsupportedAlgorithm,
            Self::AlgorithmNotAllowed => ErrorCode::AlgorithmNotAllowed,
            Self::KeyNotFound => ErrorCode::KeyNotFound,
            Self::InvalidKey => ErrorCode::InvalidKey,
            Self::InvalidSignature => ErrorCode::InvalidSignature,
            Self::Expired => ErrorCode::Expired,
            Self::NotYetValid => ErrorCode::NotYetValid,
            Self::IssuedInFuture => ErrorCode::IssuedInFuture,
            Self::TooOld => ErrorCode::TooOld,
            Self::InvalidIssuer => ErrorCode::InvalidIssuer,
            Self::InvalidAudience => ErrorCode::InvalidAudience,
            Self::InvalidSubject => ErrorCode::InvalidSubject,
            Self::InvalidType => ErrorCode::InvalidType,
            Self::MissingClaim => ErrorCode::MissingClaim,
            Self::InvalidClaim => ErrorCode::InvalidClaim,
            Self::UnsupportedCriticalHeader => ErrorCode::UnsupportedCriticalHeader,
            Self::Revoked => ErrorCode::Revoked,
            Self::CookieTooLarge => ErrorCode::CookieTooLarge,
            Self::SessionNotFound => ErrorCode::SessionNotFound,
            Self::SessionConflict => ErrorCode::SessionConflict,
            Self::RefreshTokenReused => ErrorCode::RefreshTokenReused,
            Self::StoreUnavailable => ErrorCode::StoreUnavailable,
            Self::InvalidArgument => ErrorCode::InvalidArgument,
            Self::Internal => ErrorCode::Internal,
            Self::JwksUnavailable => ErrorCode::JwksUnavailable,
        })
    }

    /// The stable string, NUL-terminated and static.
    pub(crate) fn as_cstr(self) -> &'static CStr {
        match self {
            Self::Ok => c"OK",
            Self::Malformed => c"MALFORMED",
            Self::TooLarge => c"TOO_LARGE",
            Self::UnsupportedAlgorithm => c"UNSUPPORTED_ALGORITHM",
            Self::AlgorithmNotAllowed => c"ALGORITHM_NOT_ALLOWED",
            Self::KeyNotFound => c"KEY_NOT_FOUND",
            Self::InvalidKey => c"INVALID_KEY",
            Self::InvalidSignature => c"INVALID_SIGNATURE",
            Self::Expired => c"EXPIRED",
            Self::NotYetValid => c"NOT_YET_VALID",
            Self::IssuedInFuture => c"ISSUED_IN_FUTURE",
            Self::TooOld => c"TOO_OLD",
            Self::InvalidIssuer => c"INVALID_ISSUER",
            Self::InvalidAudience => c"INVALID_AUDIENCE",
            Self::InvalidSubject => c"INVALID_SUBJECT",
            Self::InvalidType => c"INVALID_TYPE",
            Self::MissingClaim => c"MISSING_CLAIM",
            Self::InvalidClaim => c"INVALID_CLAIM",
            Self::UnsupportedCriticalHeader => c"UNSUPPORTED_CRITICAL_HEADER",
            Self::Revoked => c"REVOKED",
            Self::CookieTooLarge => c"COOKIE_TOO_LARGE",
            Self::SessionNotFound => c"SESSION_NOT_FOUND",
            Self::SessionConflict => c"SESSION_CONFLICT",
            Self::RefreshTokenReused => c"REFRESH_TOKEN_REUSED",
            Self::StoreUnavailable => c"STORE_UNAVAILABLE",
            Self::InvalidArgument => c"INVALID_ARGUMENT",
            Self::Internal => c"INTERNAL",
            Self::JwksUnavailable => c"JWKS_UNAVAILABLE",
        }
    }

    /// The status with this number, if any.
    pub(crate) fn from_u32(n: u32) -> Option<tessera_status> {
        if n == 0 {
            return Some(Self::Ok);
        }
        ErrorCode::from_u32(n).map(Self::from)
    }
}

/// The stable name of a status: `"OK"` for 0, the core error code for the
/// others (`"EXPIRED"` for 8), and `"UNKNOWN"` for a number that is no status
/// of this library version. Never NULL; the string is static (do not free it).
///
/// Takes a `uint32_t`, not the enum, so any number a caller holds is safe to pass.
#[no_mangle]
pub extern "C" fn tessera_status_str(status: u32) -> *const c_char {
    // Nothing here can panic: a table lookup on static data.
    match tessera_status::from_u32(status) {
        Some(s) => s.as_cstr().as_ptr(),
        None => c"UNKNOWN".as_ptr(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_code_has_the_same_number_and_string() {
        assert_eq!(ErrorCode::ALL.len(), 27);
        for &code in ErrorCode::ALL {
            let status = tessera_status::from(code);
            assert_eq!(status as u32, code as u32, "{code}");
            assert_eq!(status.code(), Some(code));
            assert_eq!(tessera_status::from_u32(code.as_u32()), Some(status));
            let s = unsafe { CStr::from_ptr(tessera_status_str(code.as_u32())) };
            assert_eq!(s.to_str().unwrap(), code.as_str());
        }
    }

    #[test]
    fn ok_and_unknown_numbers() {
        assert_eq!(tessera_status::Ok as u32, 0);
        assert_eq!(tessera_status::Ok.code(), None);
        let s = |n| {
            unsafe { CStr::from_ptr(tessera_status_str(n)) }
                .to_str()
                .unwrap()
        };
        assert_eq!(s(0), "OK");
        assert_eq!(s(27), "JWKS_UNAVAILABLE");
        assert_eq!(s(28), "UNKNOWN");
        assert_eq!(s(u32::MAX), "UNKNOWN");
    }
}
