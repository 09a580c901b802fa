//! JWS algorithms Tessera implements.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, ErrorCode};

/// A JWS signature or MAC algorithm (RFC 7518, RFC 8037).
///
/// `none` is deliberately not a variant: it can never be produced or accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    /// HMAC with SHA-256.
    HS256,
    /// HMAC with SHA-384.
    HS384,
    /// HMAC with SHA-512.
    HS512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256 and MGF1-SHA-256.
    PS256,
    /// RSASSA-PSS with SHA-384 and MGF1-SHA-384.
    PS384,
    /// RSASSA-PSS with SHA-512 and MGF1-SHA-512.
    PS512,
    /// ECDSA on P-256 with SHA-256 (P1363 signature).
    ES256,
    /// ECDSA on P-384 with SHA-384 (P1363 signature).
    ES384,
    /// Ed25519 (RFC 8037).
    EdDSA,
}

/// The family of key an algorithm needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFamily {
    /// Symmetric secret (`oct`).
    Hmac,
    /// RSA.
    Rsa,
    /// NIST P-256 / P-384.
    Ec,
    /// Ed25519 (`OKP`).
    Okp,
}

impl Algorithm {
    /// Every algorithm, in a stable order.
    pub const ALL: &'static [Algorithm] = &[
        Self::HS256,
        Self::HS384,
        Self::HS512,
        Self::RS256,
        Self::RS384,
        Self::RS512,
        Self::PS256,
        Self::PS384,
        Self::PS512,
        Self::ES256,
        Self::ES384,
        Self::EdDSA,
    ];

    /// The JOSE name, e.g. `"RS256"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::HS256 => "HS256",
            Self::HS384 => "HS384",
            Self::HS512 => "HS512",
            Self::RS256 => "RS256",
            Self::RS384 => "RS384",
            Self::RS512 => "RS512",
            Self::PS256 => "PS256",
            Self::PS384 => "PS384",
            Self::PS512 => "PS512",
            Self::ES256 => "ES256",
            Self::ES384 => "ES384",
            Self::EdDSA => "EdDSA",
        }
    }

    /// The kind of key this algorithm needs.
    pub const fn family(self) -> KeyFamily {
        match self {
            Self::HS256 | Self::HS384 | Self::HS512 => KeyFamily::Hmac,
            Self::RS256 | Self::RS384 | Self::RS512 | Self::PS256 | Self::PS384 | Self::PS512 => {
                KeyFamily::Rsa
            }
            Self::ES256 | Self::ES384 => KeyFamily::Ec,
            Self::EdDSA => KeyFamily::Okp,
        }
    }

    /// For HMAC: the hash output length in bytes, which is also the minimum
    /// secret length (RFC 7518 §3.2).
    pub const fn hmac_min_secret_len(self) -> Option<usize> {
        match self {
            Self::HS256 => Some(32),
            Self::HS384 => Some(48),
            Self::HS512 => Some(64),
            _ => None,
        }
    }

    /// Parses a JOSE `alg` name (case-sensitive, as RFC 7515 requires).
    ///
    /// `none` in any letter case is `ALGORITHM_NOT_ALLOWED`; any other unknown
    /// name (including `ES512`, which needs P-521) is `UNSUPPORTED_ALGORITHM`.
    pub fn parse(name: &str) -> Result<Algorithm, Error> {
        Ok(match name {
            "HS256" => Self::HS256,
            "HS384" => Self::HS384,
            "HS512" => Self::HS512,
            "RS256" => Self::RS256,
            "RS384" => Self::RS384,
            "RS512" => Self::RS512,
            "PS256" => Self::PS256,
            "PS384" => Self::PS384,
            "PS512" => Self::PS512,
            "ES256" => Self::ES256,
            "ES384" => Self::ES384,
            "EdDSA" => Self::EdDSA,
            n if n.eq_ignore_ascii_case("none") => {
                return Err(Error::new(
                    ErrorCode::AlgorithmNotAllowed,
                    "alg \"none\" (unsecured JWS) is never accepted",
                ))
            }
            _ => {
                return Err(Error::new(
                    ErrorCode::UnsupportedAlgorithm,
                    "unsupported algorithm",
                ))
            }
        })
    }
}

impl FromStr for Algorithm {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Algorithm::parse(s)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in Algorithm::ALL {
            assert_eq!(Algorithm::parse(a.as_str()).unwrap(), *a);
        }
        for n in ["none", "None", "NONE", "nOnE"] {
            assert_eq!(
                Algorithm::parse(n).unwrap_err().code(),
                ErrorCode::AlgorithmNotAllowed
            );
        }
        for n in ["ES512", "hs256", "", "HS256 ", "RSA-OAEP"] {
            assert_eq!(
                Algorithm::parse(n).unwrap_err().code(),
                ErrorCode::UnsupportedAlgorithm
            );
        }
    }
}
