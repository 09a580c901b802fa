//! JWT (RFC 7519) on top of [`crate::jws`]: encoding, and verification with a
//! strict, explicit [`Validation`] policy.
//!
//! ```
//! use tessera::{jwt::{self, Validation, Verifier}, Algorithm, Key};
//! let key = Key::hmac(b"0123456789abcdef0123456789abcdef", Algorithm::HS256)?;
//! let token = jwt::encode(r#"{"sub":"u1","exp":4102444800}"#, &key, None)?;
//! let verifier = Verifier::new(key.into(), Validation::default())?;
//! let claims = verifier.verify(&token)?;
//! assert_eq!(claims.registered().sub.as_deref(), Some("u1"));
//! # Ok::<(), tessera::Error>(())
//! ```
//!
//! # Order of checks
//!
//! Size (`TOO_LARGE`), structure and header (`MALFORMED`,
//! `UNSUPPORTED_ALGORITHM`, `ALGORITHM_NOT_ALLOWED`,
//! `UNSUPPORTED_CRITICAL_HEADER`), key selection (`KEY_NOT_FOUND`,
//! `ALGORITHM_NOT_ALLOWED`), signature (`INVALID_SIGNATURE`); then, on the
//! authenticated claims only: JSON (`MALFORMED`), types of registered claims
//! (`INVALID_CLAIM`), `required` (`MISSING_CLAIM`), `exp` (`EXPIRED`), `nbf`
//! (`NOT_YET_VALID`), `iat` (`ISSUED_IN_FUTURE`), `max_age` (`TOO_OLD`), `iss`,
//! `aud`, `sub`, `typ`. The first failure is reported.

use std::time::{SystemTime, UNIX_EPOCH};

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use crate::alg::Algorithm;
use crate::error::{invalid_argument, malformed, Error, ErrorCode, Result};
use crate::json::{self, ObjectSink, Scalar};
use crate::jws::{self, AlgSet, Header, HeaderCache, DEFAULT_MAX_TOKEN_BYTES};
use crate::keyset::{KeySet, SigningKeys};
use crate::session::Denylist;

/// The validation policy. Construct with `Validation::default()` (the strict
/// defaults) and set what you need.
#[derive(Clone, Debug)]
pub struct Validation {
    /// Algorithms accepted. Defaults to the algorithms of the verifier's keys.
    pub algorithms: Option<Vec<Algorithm>>,
    /// Accepted issuers; the token's `iss` must equal one. Defaults to not checked.
    pub issuer: Option<Vec<String>>,
    /// Accepted audiences; the token's `aud` (string or array) must contain one.
    /// When not set, a token that carries `aud` is rejected (RFC 7519 §4.1.3).
    /// Defaults to not set.
    pub audience: Option<Vec<String>>,
    /// The required `sub`. Defaults to not checked.
    pub subject: Option<String>,
    /// Claims that must be present. Defaults to `["exp"]`.
    pub required: Vec<String>,
    /// Seconds of clock skew tolerated for `exp`, `nbf`, `iat` and `max_age`.
    /// Defaults to `0`.
    pub leeway: u64,
    /// Maximum age in seconds, measured from `iat` (which becomes required).
    /// Defaults to not checked.
    pub max_age: Option<u64>,
    /// Required header `typ`, compared case-insensitively, with an optional
    /// `application/` prefix ignored (RFC 7515 §4.1.9), e.g. `"at+jwt"`.
    /// Defaults to not checked.
    pub typ: Option<String>,
    /// The current time in seconds since the epoch, for tests and replays.
    /// Defaults to the system clock.
    pub now: Option<i64>,
    /// Check `exp` when present. Defaults to `true`. (Whether `exp` must be
    /// present is `required`.)
    pub verify_exp: bool,
    /// Check `nbf` when present. Defaults to `true`.
    pub verify_nbf: bool,
    /// Longest token accepted, in bytes, checked before decoding. Defaults to 16 KiB.
    pub max_token_bytes: usize,
}

impl Default for Validation {
    fn default() -> Self {
        Validation {
            algorithms: None,
            issuer: None,
            audience: None,
            subject: None,
            required: vec!["exp".to_owned()],
            leeway: 0,
            max_age: None,
            typ: None,
            now: None,
            verify_exp: true,
            verify_nbf: true,
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
        }
    }
}

impl Validation {
    /// A policy from a JSON object whose member names are the option names
    /// every binding uses (`algorithms`, `issuer`, `audience`, `subject`,
    /// `required`, `leeway`, `max_age`, `typ`, `now`, `verify_exp`,
    /// `verify_nbf`, `max_token_bytes`). `issuer` and `audience` may be a
    /// string or a list of strings; `null` means "default". Unknown names and
    /// wrong types are `INVALID_ARGUMENT`; unknown algorithm names are
    /// `UNSUPPORTED_ALGORITHM`.
    pub fn from_json(options: &str) -> Result<Validation> {
        use serde_json::Value;
        json::validate_object(options, "options")
            .map_err(|e| invalid_argument(e.message().to_owned()))?;
        let map: serde_json::Map<String, Value> = serde_json::from_str(options)
            .map_err(|_| invalid_argument("options are not valid JSON"))?;
        let mut v = Validation::default();
        let bad =
            |name: &str, want: &str| invalid_argument(format!("option {name:?} must be {want}"));
        let strings = |name: &str, value: &Value, one_ok: bool| -> Result<Vec<String>> {
            match value {
                Value::String(s) if one_ok => Ok(vec![s.clone()]),
                Value::Array(a) => a
                    .iter()
                    .map(|x| {
                        x.as_str()
                            .map(str::to_owned)
                            .ok_or_else(|| bad(name, "a list of strings"))
                    })
                    .collect(),
                _ => Err(bad(
                    name,
                    if one_ok {
                        "a string or a list of strings"
                    } else {
                        "a list of strings"
                    },
                )),
            }
        };
        let seconds = |name: &str, value: &Value| {
            value
                .as_u64()
                .ok_or_else(|| bad(name, "a non-negative integer (seconds)"))
        };
        let flag =
            |name: &str, value: &Value| value.as_bool().ok_or_else(|| bad(name, "a boolean"));
        let string = |name: &str, value: &Value| {
            value
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| bad(name, "a string"))
        };
        for (name, value) in &map {
            if value.is_null() {
                if matches!(
                    name.as_str(),
                    "algorithms"
                        | "issuer"
                        | "audience"
                        | "subject"
                        | "required"
                        | "leeway"
                        | "max_age"
                        | "typ"
                        | "now"
                        | "verify_exp"
                        | "verify_nbf"
                        | "max_token_bytes"
                ) {
                    continue;
                }
                return Err(invalid_argument(format!("unknown option {name:?}")));
            }
            match name.as_str() {
                "algorithms" => {
                    v.algorithms = Some(
                        strings(name, value, false)?
                            .iter()
                            .map(|a| Algorithm::parse(a))
                            .collect::<Result<_>>()?,
                    )
                }
                "issuer" => v.issuer = Some(strings(name, value, true)?),
                "audience" => v.audience = Some(strings(name, value, true)?),
                "subject" => v.subject = Some(string(name, value)?),
                "required" => v.required = strings(name, value, false)?,
                "leeway" => v.leeway = seconds(name, value)?,
                "max_age" => v.max_age = Some(seconds(name, value)?),
                "typ" => v.typ = Some(string(name, value)?),
                "now" => {
                    v.now = Some(
                        value
                            .as_i64()
                            .ok_or_else(|| bad(name, "an integer (seconds)"))?,
                    )
                }
                "verify_exp" => v.verify_exp = flag(name, value)?,
                "verify_nbf" => v.verify_nbf = flag(name, value)?,
                "max_token_bytes" => {
                    v.max_token_bytes = usize::try_from(seconds(name, value)?)
                        .map_err(|_| bad(name, "a byte count"))?
                }
                _ => return Err(invalid_argument(format!("unknown option {name:?}"))),
            }
        }
        Ok(v)
    }
}

/// The registered claims (RFC 7519 §4.1), already parsed and type-checked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Registered {
    /// `exp` (NumericDate).
    pub exp: Option<f64>,
    /// `nbf` (NumericDate).
    pub nbf: Option<f64>,
    /// `iat` (NumericDate).
    pub iat: Option<f64>,
    /// `iss`.
    pub iss: Option<String>,
    /// `sub`.
    pub sub: Option<String>,
    /// `aud`, as a list (a single string becomes one element).
    pub aud: Option<Vec<String>>,
    /// `jti`.
    pub jti: Option<String>,
}

/// Verified claims: the exact decoded JSON text, the registered claims, the header.
#[derive(Clone, Debug)]
pub struct Claims {
    json: String,
    header: std::sync::Arc<Header>,
    registered: OnceLock<Registered>,
}

impl Claims {
    /// The claims JSON text exactly as it was signed.
    pub fn json(&self) -> &str {
        &self.json
    }
    /// The claims JSON text, owned.
    pub fn into_json(self) -> String {
        self.json
    }
    /// The registered claims (extracted on first use; verification itself
    /// works on borrowed values and allocates none of them).
    pub fn registered(&self) -> &Registered {
        self.registered.get_or_init(|| {
            let mut sink = ClaimsSink::new(&[]);
            // The text was validated during verification: this cannot fail.
            let _ = json::parse_object(&self.json, &mut sink, "claims");
            sink.reg.to_owned_claims()
        })
    }
    /// The protected header.
    pub fn header(&self) -> &Header {
        &self.header
    }
    /// The claims as a `serde_json::Value` (built on request only).
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::from_str(&self.json).unwrap_or(serde_json::Value::Null)
    }
    /// Deserializes the claims into `T`; `INVALID_CLAIM` if they do not fit.
    pub fn deserialize<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_str(&self.json)
            .map_err(|e| Error::new(ErrorCode::InvalidClaim, format!("claims do not fit: {e}")))
    }
}

/// `aud` as found: one string or a list.
#[derive(Clone, Debug)]
enum Aud<'a> {
    One(Cow<'a, str>),
    Many(Vec<Cow<'a, str>>),
}

impl Aud<'_> {
    fn iter(&self) -> impl Iterator<Item = &str> {
        let (one, many) = match self {
            Aud::One(s) => (Some(s.as_ref()), &[][..]),
            Aud::Many(v) => (None, v.as_slice()),
        };
        one.into_iter().chain(many.iter().map(|s| s.as_ref()))
    }
}

/// Registered claims borrowed from the claims text.
#[derive(Default)]
struct Found<'a> {
    exp: Option<f64>,
    nbf: Option<f64>,
    iat: Option<f64>,
    iss: Option<Cow<'a, str>>,
    sub: Option<Cow<'a, str>>,
    aud: Option<Aud<'a>>,
    jti: Option<Cow<'a, str>>,
}

impl Found<'_> {
    fn to_owned_claims(&self) -> Registered {
        let s = |v: &Option<Cow<'_, str>>| v.as_deref().map(str::to_owned);
        Registered {
            exp: self.exp,
            nbf: self.nbf,
            iat: self.iat,
            iss: s(&self.iss),
            sub: s(&self.sub),
            aud: self
                .aud
                .as_ref()
                .map(|a| a.iter().map(str::to_owned).collect()),
            jti: s(&self.jti),
        }
    }
}

const REG_EXP: u8 = 1;
const REG_NBF: u8 = 2;
const REG_IAT: u8 = 4;
const REG_ISS: u8 = 8;
const REG_SUB: u8 = 16;
const REG_AUD: u8 = 32;
const REG_JTI: u8 = 64;

fn registered_bit(name: &str) -> Option<u8> {
    Some(match name {
        "exp" => REG_EXP,
        "nbf" => REG_NBF,
        "iat" => REG_IAT,
        "iss" => REG_ISS,
        "sub" => REG_SUB,
        "aud" => REG_AUD,
        "jti" => REG_JTI,
        _ => return None,
    })
}

/// A prepared verifier: keys + policy, built once, then [`Verifier::verify`]
/// is the hot path. `Send + Sync`; share it between threads.
#[derive(Clone, Debug)]
pub struct Verifier {
    keys: KeySet,
    validation: Validation,
    allowed: AlgSet,
    headers: HeaderCache,
    required_registered: u8,
    required_custom: Vec<String>,
    denylist: Option<Arc<Denylist>>,
}

impl Verifier {
    /// Builds a verifier. `INVALID_ARGUMENT` for an empty key set or an
    /// unusable policy.
    pub fn new(keys: KeySet, validation: Validation) -> Result<Verifier> {
        let mut verifier = Verifier::new_uncached(keys, validation)?;
        verifier.headers = HeaderCache::for_keys(&verifier.keys);
        Ok(verifier)
    }

    /// A verifier without the known-header table (building it costs more
    /// than it saves for a single token).
    fn new_uncached(keys: KeySet, validation: Validation) -> Result<Verifier> {
        if keys.is_empty() {
            return Err(invalid_argument("a verifier needs at least one key"));
        }
        if validation.algorithms.as_ref().is_some_and(|a| a.is_empty()) {
            return Err(invalid_argument("algorithms must not be empty"));
        }
        if validation.max_token_bytes == 0 {
            return Err(invalid_argument("max_token_bytes must be positive"));
        }
        let mut required_registered = 0;
        let mut required_custom = Vec::new();
        for name in &validation.required {
            match registered_bit(name) {
                Some(bit) => required_registered |= bit,
                None if !required_custom.contains(name) => required_custom.push(name.clone()),
                None => {}
            }
        }
        if required_custom.len() > 64 {
            return Err(invalid_argument("at most 64 custom required claims"));
        }
        let allowed = jws::allowed_set(&keys, validation.algorithms.as_deref());
        Ok(Verifier {
            headers: HeaderCache::default(),
            keys,
            validation,
            allowed,
            required_registered,
            required_custom,
            denylist: None,
        })
    }

    /// Also refuses tokens whose `jti` is in `denylist` (`REVOKED`). Every
    /// token must then carry a `jti` (`MISSING_CLAIM` otherwise: a token
    /// without one could never be revoked), and a denylist that cannot answer
    /// makes verification fail with `STORE_UNAVAILABLE`. The denylist is
    /// consulted last, after the signature and every other claim check.
    pub fn with_denylist(mut self, denylist: Arc<Denylist>) -> Verifier {
        self.denylist = Some(denylist);
        self
    }

    /// The key set.
    pub fn keys(&self) -> &KeySet {
        &self.keys
    }

    /// The policy.
    pub fn validation(&self) -> &Validation {
        &self.validation
    }

    /// Verifies `token` and validates its claims.
    pub fn verify(&self, token: &str) -> Result<Claims> {
        self.verify_bytes(token.as_bytes())
    }

    /// [`Verifier::verify`] for a token given as bytes (non-UTF-8 is `MALFORMED`).
    pub fn verify_bytes(&self, token: &[u8]) -> Result<Claims> {
        let v = jws::verify_compact(
            token,
            &self.keys,
            self.allowed,
            self.validation.max_token_bytes,
            Some(&self.headers),
        )?;
        let json = String::from_utf8(v.payload).map_err(|_| malformed("claims: not UTF-8"))?;
        self.check_claims(&json, &v.header)?;
        let claims = Claims {
            json,
            header: v.header,
            registered: OnceLock::new(),
        };
        if let Some(denylist) = &self.denylist {
            let jti = claims.registered().jti.as_deref().ok_or_else(|| {
                Error::claim_error(
                    ErrorCode::MissingClaim,
                    "jti",
                    "a verifier with a denylist needs a jti claim",
                )
            })?;
            if denylist.is_revoked(jti)? {
                return Err(Error::claim_error(
                    ErrorCode::Revoked,
                    "jti",
                    "token has been revoked",
                ));
            }
        }
        Ok(claims)
    }

    fn check_claims(&self, payload: &str, header: &Header) -> Result<()> {
        let mut sink = ClaimsSink::new(&self.required_custom);
        json::parse_object(payload, &mut sink, "claims")?;
        if let Some(claim) = sink.bad {
            return Err(Error::claim_error(
                ErrorCode::InvalidClaim,
                claim,
                format!("claim {claim:?} has the wrong type"),
            ));
        }
        self.validate(&sink.reg, sink.present_custom, header)
    }

    fn validate(&self, r: &Found<'_>, present_custom: u64, header: &Header) -> Result<()> {
        let v = &self.validation;
        let missing = |claim: &'static str| {
            Error::claim_error(
                ErrorCode::MissingClaim,
                claim,
                format!("required claim {claim:?} is missing"),
            )
        };
        let present = (r.exp.is_some() as u8 * REG_EXP)
            | (r.nbf.is_some() as u8 * REG_NBF)
            | (r.iat.is_some() as u8 * REG_IAT)
            | (r.iss.is_some() as u8 * REG_ISS)
            | (r.sub.is_some() as u8 * REG_SUB)
            | (r.aud.is_some() as u8 * REG_AUD)
            | (r.jti.is_some() as u8 * REG_JTI);
        let absent = self.required_registered & !present;
        if absent != 0 {
            let name =
                ["exp", "nbf", "iat", "iss", "sub", "aud", "jti"][absent.trailing_zeros() as usize];
            return Err(missing(name));
        }
        if present_custom.count_ones() as usize != self.required_custom.len() {
            let i = (!present_custom).trailing_zeros() as usize;
            let name = self.required_custom[i].clone();
            return Err(Error::claim_error(
                ErrorCode::MissingClaim,
                name,
                "a required claim is missing",
            ));
        }
        let now = v.now.unwrap_or_else(system_now) as f64;
        let leeway = v.leeway as f64;
        if let (true, Some(exp)) = (v.verify_exp, r.exp) {
            if exp <= now - leeway {
                return Err(Error::claim_error(
                    ErrorCode::Expired,
                    "exp",
                    "token has expired",
                ));
            }
        }
        if let (true, Some(nbf)) = (v.verify_nbf, r.nbf) {
            if nbf > now + leeway {
                return Err(Error::claim_error(
                    ErrorCode::NotYetValid,
                    "nbf",
                    "token is not valid yet",
                ));
            }
        }
        if let Some(iat) = r.iat {
            if iat > now + leeway {
                return Err(Error::claim_error(
                    ErrorCode::IssuedInFuture,
                    "iat",
                    "token was issued in the future",
                ));
            }
        }
        if let Some(max_age) = v.max_age {
            let iat = r.iat.ok_or_else(|| missing("iat"))?;
            if iat + max_age as f64 + leeway < now {
                return Err(Error::claim_error(
                    ErrorCode::TooOld,
                    "iat",
                    "token is older than max_age",
                ));
            }
        }
        if let Some(issuers) = &v.issuer {
            let iss = r.iss.as_deref().ok_or_else(|| missing("iss"))?;
            if !issuers.iter().any(|i| i == iss) {
                return Err(Error::claim_error(
                    ErrorCode::InvalidIssuer,
                    "iss",
                    "issuer is not accepted",
                ));
            }
        }
        match (&v.audience, &r.aud) {
            (Some(_), None) => return Err(missing("aud")),
            (Some(accepted), Some(aud)) => {
                if !aud.iter().any(|a| accepted.iter().any(|x| x == a)) {
                    return Err(Error::claim_error(
                        ErrorCode::InvalidAudience,
                        "aud",
                        "audience is not accepted",
                    ));
                }
            }
            (None, Some(_)) => {
                return Err(Error::claim_error(
                    ErrorCode::InvalidAudience,
                    "aud",
                    "token has an audience but no audience was configured to accept",
                ))
            }
            (None, None) => {}
        }
        if let Some(subject) = &v.subject {
            let sub = r.sub.as_deref().ok_or_else(|| missing("sub"))?;
            if sub != subject {
                return Err(Error::claim_error(
                    ErrorCode::InvalidSubject,
                    "sub",
                    "subject does not match",
                ));
            }
        }
        if let Some(want) = &v.typ {
            let ok = header
                .typ
                .as_deref()
                .is_some_and(|t| media_type_eq(t, want));
            if !ok {
                return Err(Error::claim_error(
                    ErrorCode::InvalidType,
                    "typ",
                    "header typ does not match",
                ));
            }
        }
        Ok(())
    }
}

fn strip_application(t: &str) -> &str {
    match t.get(..12) {
        Some(p) if p.eq_ignore_ascii_case("application/") => &t[12..],
        _ => t,
    }
}

fn media_type_eq(a: &str, b: &str) -> bool {
    strip_application(a).eq_ignore_ascii_case(strip_application(b))
}

fn system_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

struct ClaimsSink<'a, 'v> {
    reg: Found<'a>,
    bad: Option<&'static str>,
    custom: &'v [String],
    present_custom: u64,
}

impl<'v> ClaimsSink<'_, 'v> {
    fn new(custom: &'v [String]) -> Self {
        ClaimsSink {
            reg: Found::default(),
            bad: None,
            custom,
            present_custom: 0,
        }
    }
}

impl<'a> ObjectSink<'a> for ClaimsSink<'a, '_> {
    fn member(&mut self, key: &str, sc: &mut json::Scanner<'a>) -> Result<(), json::Syntax> {
        let Some(bit) = registered_bit(key) else {
            if let Some(i) = self.custom.iter().position(|c| c == key) {
                self.present_custom |= 1 << i;
            }
            return sc.skip();
        };
        let value = sc.scalar()?;
        let r = &mut self.reg;
        let ok = match (bit, value) {
            (REG_EXP, Scalar::Number(n)) => r.exp.replace(n).is_none(),
            (REG_NBF, Scalar::Number(n)) => r.nbf.replace(n).is_none(),
            (REG_IAT, Scalar::Number(n)) => r.iat.replace(n).is_none(),
            (REG_ISS, Scalar::String(s)) => r.iss.replace(s).is_none(),
            (REG_SUB, Scalar::String(s)) => r.sub.replace(s).is_none(),
            (REG_JTI, Scalar::String(s)) => r.jti.replace(s).is_none(),
            (REG_AUD, Scalar::String(s)) => r.aud.replace(Aud::One(s)).is_none(),
            (REG_AUD, Scalar::Strings(v)) => r.aud.replace(Aud::Many(v)).is_none(),
            _ => false,
        };
        if !ok && self.bad.is_none() {
            self.bad = Some(match bit {
                REG_EXP => "exp",
                REG_NBF => "nbf",
                REG_IAT => "iat",
                REG_ISS => "iss",
                REG_SUB => "sub",
                REG_AUD => "aud",
                _ => "jti",
            });
        }
        Ok(())
    }
}

/// Encodes and signs a JWT. `claims_json` must be a strict JSON object; it is
/// signed byte for byte as given. `header` is optional JSON object text of
/// extra header members (see [`jws::sign`]); `typ` defaults to `"JWT"`, `kid`
/// to the key's.
pub fn encode(claims_json: &str, keys: &impl SigningKeys, header: Option<&str>) -> Result<String> {
    json::validate_object(claims_json, "claims")
        .map_err(|e| invalid_argument(e.message().to_owned()))?;
    jws::sign_inner(claims_json.as_bytes(), keys, header, Some("JWT"))
}

/// Encodes any `Serialize` value (which must serialize to a JSON object).
pub fn encode_claims<T: serde::Serialize>(
    claims: &T,
    keys: &impl SigningKeys,
    header: Option<&str>,
) -> Result<String> {
    let text = serde_json::to_string(claims)
        .map_err(|e| invalid_argument(format!("claims do not serialize: {e}")))?;
    encode(&text, keys, header)
}

/// One-shot verification: builds a [`Verifier`] and verifies `token`.
/// Build a `Verifier` once instead when verifying many tokens.
pub fn decode(token: &str, keys: &KeySet, validation: &Validation) -> Result<Claims> {
    decode_bytes(token.as_bytes(), keys, validation)
}

/// [`decode`] for a token given as bytes (non-UTF-8 is `MALFORMED`).
pub fn decode_bytes(token: &[u8], keys: &KeySet, validation: &Validation) -> Result<Claims> {
    Verifier::new_uncached(keys.clone(), validation.clone())?.verify_bytes(token)
}

/// A JWT's header and claims **without verification**, for inspection only
/// (never for authorization). The same structural checks as verification apply.
#[derive(Clone, Debug)]
pub struct Unverified {
    /// Header JSON text.
    pub header_json: String,
    /// Claims JSON text.
    pub claims_json: String,
}

/// Decodes a JWT **without verifying** its signature or claims.
pub fn decode_unverified(token: &str) -> Result<Unverified> {
    decode_unverified_bytes(token.as_bytes())
}

/// [`decode_unverified`] for a token given as bytes (size limit first, then
/// any non-base64url byte is `MALFORMED`).
pub fn decode_unverified_bytes(token: &[u8]) -> Result<Unverified> {
    let u = jws::decode_unverified_bytes(token)?;
    let claims_json = json::utf8(&u.payload, "claims")?.to_owned();
    json::validate_object(&claims_json, "claims")?;
    Ok(Unverified {
        header_json: u.header_json,
        claims_json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_from_json() {
        let v = Validation::from_json(
            r#"{"algorithms":["ES256"],"issuer":"a","audience":["x","y"],"required":[],
                "leeway":5,"max_age":60,"typ":"at+jwt","now":-1,"verify_exp":false,"subject":null}"#,
        )
        .unwrap();
        assert_eq!(v.algorithms, Some(vec![Algorithm::ES256]));
        assert_eq!(v.issuer, Some(vec!["a".to_owned()]));
        assert_eq!(v.audience.as_ref().map(Vec::len), Some(2));
        assert!(v.required.is_empty() && !v.verify_exp && v.verify_nbf);
        assert_eq!((v.leeway, v.max_age, v.now), (5, Some(60), Some(-1)));
        assert_eq!(Validation::from_json("{}").unwrap().required, vec!["exp"]);
        for (bad, code) in [
            (r#"{"leway":1}"#, ErrorCode::InvalidArgument),
            (r#"{"leeway":-1}"#, ErrorCode::InvalidArgument),
            (r#"{"leeway":"1"}"#, ErrorCode::InvalidArgument),
            (r#"{"required":"exp"}"#, ErrorCode::InvalidArgument),
            (r#"{"issuer":[1]}"#, ErrorCode::InvalidArgument),
            (r#"{"algorithms":["none"]}"#, ErrorCode::AlgorithmNotAllowed),
            (
                r#"{"algorithms":["ES512"]}"#,
                ErrorCode::UnsupportedAlgorithm,
            ),
            (r#"{"a":1,"a":1}"#, ErrorCode::InvalidArgument),
            ("[]", ErrorCode::InvalidArgument),
        ] {
            assert_eq!(
                Validation::from_json(bad).unwrap_err().code(),
                code,
                "{bad}"
            );
        }
    }
}
