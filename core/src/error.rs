//! The one error type of Tessera: a stable [`ErrorCode`] plus a human message.
//!
//! Codes are the contract shared by every binding (C, Python, Node, Kotlin,
//! Swift); messages are for humans and may change. A message never contains
//! key material or a whole token. Errors about a claim name it ([`Error::claim`]).

use std::borrow::Cow;
use std::fmt;

/// Stable error codes. The numbers are ABI (the C `tessera_status` values):
/// append only, never renumber or reuse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u32)]
pub enum ErrorCode {
    /// Input is not well-formed (segments, base64url, JSON, types of header members).
    Malformed = 1,
    /// Input is larger than the configured limit; rejected before decoding.
    TooLarge = 2,
    /// The algorithm (or key type / curve) is not one Tessera implements.
    UnsupportedAlgorithm = 3,
    /// The algorithm is known but not allowed here (`none`, not in `algorithms`,
    /// or different from the key's algorithm).
    AlgorithmNotAllowed = 4,
    /// No key matches the token's `kid` (or no key can verify/sign).
    KeyNotFound = 5,
    /// Key material is invalid, weak, or unusable for the requested operation.
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
    /// A required claim is missing.
    MissingClaim = 16,
    /// A claim has the wrong type or an impossible value.
    InvalidClaim = 17,
    /// The header's `crit` lists an extension Tessera does not implement.
    UnsupportedCriticalHeader = 18,
    /// The token (jti) or session was revoked.
    Revoked = 19,
    /// The cookie would exceed the browser's 4096-byte limit.
    CookieTooLarge = 20,
    /// No such session.
    SessionNotFound = 21,
    /// A concurrent write to the session won.
    SessionConflict = 22,
    /// A retired refresh token was presented; its family is revoked.
    RefreshTokenReused = 23,
    /// The session store could not be reached; fail closed.
    StoreUnavailable = 24,
    /// The caller passed an invalid argument (bad option, bad JSON argument).
    InvalidArgument = 25,
    /// A bug or an unexpected internal failure.
    Internal = 26,
    /// A remote JWKS could not be fetched and no usable cached keys remain
    /// (the message names the URL and why).
    JwksUnavailable = 27,
}

impl ErrorCode {
    /// Every code, in numeric order.
    pub const ALL: &'static [ErrorCode] = &[
        Self::Malformed,
        Self::TooLarge,
        Self::UnsupportedAlgorithm,
        Self::AlgorithmNotAllowed,
        Self::KeyNotFound,
        Self::InvalidKey,
        Self::InvalidSignature,
        Self::Expired,
        Self::NotYetValid,
        Self::IssuedInFuture,
        Self::TooOld,
        Self::InvalidIssuer,
        Self::InvalidAudience,
        Self::InvalidSubject,
        Self::InvalidType,
        Self::MissingClaim,
        Self::InvalidClaim,
        Self::UnsupportedCriticalHeader,
        Self::Revoked,
        Self::CookieTooLarge,
        Self::SessionNotFound,
        Self::SessionConflict,
        Self::RefreshTokenReused,
        Self::StoreUnavailable,
        Self::InvalidArgument,
        Self::Internal,
        Self::JwksUnavailable,
    ];

    /// The stable string form, e.g. `"EXPIRED"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Malformed => "MALFORMED",
            Self::TooLarge => "TOO_LARGE",
            Self::UnsupportedAlgorithm => "UNSUPPORTED_ALGORITHM",
            Self::AlgorithmNotAllowed => "ALGORITHM_NOT_ALLOWED",
            Self::KeyNotFound => "KEY_NOT_FOUND",
            Self::InvalidKey => "INVALID_KEY",
            Self::InvalidSignature => "INVALID_SIGNATURE",
            Self::Expired => "EXPIRED",
            Self::NotYetValid => "NOT_YET_VALID",
            Self::IssuedInFuture => "ISSUED_IN_FUTURE",
            Self::TooOld => "TOO_OLD",
            Self::InvalidIssuer => "INVALID_ISSUER",
            Self::InvalidAudience => "INVALID_AUDIENCE",
            Self::InvalidSubject => "INVALID_SUBJECT",
            Self::InvalidType => "INVALID_TYPE",
            Self::MissingClaim => "MISSING_CLAIM",
            Self::InvalidClaim => "INVALID_CLAIM",
            Self::UnsupportedCriticalHeader => "UNSUPPORTED_CRITICAL_HEADER",
            Self::Revoked => "REVOKED",
            Self::CookieTooLarge => "COOKIE_TOO_LARGE",
            Self::SessionNotFound => "SESSION_NOT_FOUND",
            Self::SessionConflict => "SESSION_CONFLICT",
            Self::RefreshTokenReused => "REFRESH_TOKEN_REUSED",
            Self::StoreUnavailable => "STORE_UNAVAILABLE",
            Self::InvalidArgument => "INVALID_ARGUMENT",
            Self::Internal => "INTERNAL",
            Self::JwksUnavailable => "JWKS_UNAVAILABLE",
        }
    }

    /// Parses the string form; `None` for an unknown string.
    pub fn from_str_code(s: &str) -> Option<ErrorCode> {
        Self::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// The numeric (ABI) value.
    pub const fn as_u32(self) -> u32 {
        self as u32
    }

    /// The code for a numeric value; `None` for 0 or an unknown number.
    pub fn from_u32(n: u32) -> Option<ErrorCode> {
        Self::ALL.iter().copied().find(|c| c.as_u32() == n)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Tessera error: a code, a message, and the claim it concerns (if any).
///
/// Boxed so that `Result<T, Error>` stays one word on the hot path.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<Inner>);

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    code: ErrorCode,
    message: Cow<'static, str>,
    claim: Option<Cow<'static, str>>,
}

impl Error {
    /// A new error with `code` and a human-readable `message`.
    pub fn new(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Error {
        Error(Box::new(Inner {
            code,
            message: message.into(),
            claim: None,
        }))
    }

    /// A new error about the claim (or header member) `claim`.
    pub fn claim_error(
        code: ErrorCode,
        claim: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Error {
        Error(Box::new(Inner {
            code,
            message: message.into(),
            claim: Some(claim.into()),
        }))
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.0.code
    }

    /// The human-readable message (without the code prefix).
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The claim this error is about (`"exp"`, `"aud"`, …), if any.
    pub fn claim(&self) -> Option<&str> {
        self.0.claim.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.code.as_str(), self.0.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("code", &self.0.code)
            .field("message", &self.0.message);
        if let Some(c) = &self.0.claim {
            d.field("claim", c);
        }
        d.finish()
    }
}

impl std::error::Error for Error {}

/// `Result` with Tessera's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn malformed(msg: &'static str) -> Error {
    Error::new(ErrorCode::Malformed, msg)
}

pub(crate) fn invalid_key(msg: impl Into<Cow<'static, str>>) -> Error {
    Error::new(ErrorCode::InvalidKey, msg)
}

pub(crate) fn invalid_argument(msg: impl Into<Cow<'static, str>>) -> Error {
    Error::new(ErrorCode::InvalidArgument, msg)
}

/// Longest prefix (in characters) of an input string an error message may quote.
pub(crate) const ECHO_MAX_CHARS: usize = 16;

/// An input string as an error message may quote it: at most
/// [`ECHO_MAX_CHARS`] characters, escaped (`{:?}` rules, so no control
/// character or newline reaches a log), with `…` and the full byte length
/// when cut. Messages never quote a token, a cookie or a secret; this is for
/// short names the caller may need to see (a `crit` member, a `kid`).
pub(crate) fn echo(s: &str) -> String {
    match s.char_indices().nth(ECHO_MAX_CHARS) {
        None => format!("{s:?}"),
        Some((i, _)) => format!("{:?}… ({} bytes)", &s[..i], s.len()),
    }
}

/// A `serde_json` error as a message may carry it: what went wrong and where
/// (line, column), never the offending value. serde's own text quotes the
/// value (`invalid type: string "…", expected u64`) and unknown member
/// names; only the part before the first quote is kept, except for
/// `missing field` (whose name comes from the target type, not the input).
pub(crate) fn serde_detail(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let head = if text.starts_with("missing field `") {
        text.split(" at line ").next().unwrap_or("missing field")
    } else {
        text.split(['"', '`', '\'']).next().unwrap_or("")
    };
    let head = head.split(" at line ").next().unwrap_or("").trim_end();
    let head = head.trim_end_matches([':', ',', ' ']);
    let head = if head.is_empty() { "invalid" } else { head };
    if e.line() == 0 {
        head.to_owned()
    } else {
        format!("{head} at line {} column {}", e.line(), e.column())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_dense() {
        for (i, c) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(c.as_u32() as usize, i + 1);
            assert_eq!(ErrorCode::from_str_code(c.as_str()), Some(*c));
            assert_eq!(ErrorCode::from_u32(c.as_u32()), Some(*c));
        }
        assert_eq!(ErrorCode::from_u32(0), None);
        assert_eq!(ErrorCode::from_str_code("expired"), None);
    }

    #[test]
    fn display_has_code_prefix() {
        let e = Error::claim_error(ErrorCode::Expired, "exp", "token expired");
        assert_eq!(e.to_string(), "EXPIRED: token expired");
        assert_eq!(e.claim(), Some("exp"));
        assert_eq!(
            std::mem::size_of::<Result<()>>(),
            std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn echoes_are_short_and_escaped() {
        assert_eq!(echo("kid-1"), "\"kid-1\"");
        let long = "x".repeat(1000);
        let e = echo(&long);
        assert!(e.len() < 40 && e.ends_with("(1000 bytes)"), "{e}");
        assert_eq!(echo("a\nb"), "\"a\\nb\"");
        // Multi-byte characters are cut on a boundary.
        assert!(echo(&"é".repeat(40)).contains("… (80 bytes)"));
        // Short in characters but long once escaped.
        assert!(echo(&"\u{1}".repeat(16)).len() < 120);
    }

    #[test]
    fn serde_detail_drops_values() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct T {
            n: u64,
        }
        let e = serde_json::from_str::<T>(r#"{"n":"topsecret"}"#).unwrap_err();
        let d = serde_detail(&e);
        assert!(
            !d.contains("topsecret") && d.starts_with("invalid type: string"),
            "{d}"
        );
        let e = serde_json::from_str::<T>("{}").unwrap_err();
        assert!(serde_detail(&e).starts_with("missing field `n`"));
        let e = serde_json::from_str::<T>(r#"{"n":-5}"#).unwrap_err();
        assert!(!serde_detail(&e).contains("-5"));
    }
}
