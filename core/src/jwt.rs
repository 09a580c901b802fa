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
use crate::jwks::{RemoteKeySet, Snapshot};
use crate::jws::{self, AlgSet, Header, HeaderCache, VerifiedShared, DEFAULT_MAX_TOKEN_BYTES};
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
    /// Entries in the [`Verifier`]'s verified-token cache; `0` (the default)
    /// turns it off. At most [`MAX_CACHE_SIZE`]. See [`Verifier`] for what a
    /// hit re-checks; one-shot [`decode`] never caches.
    pub cache_size: usize,
}

/// The largest [`Validation::cache_size`] accepted.
pub const MAX_CACHE_SIZE: usize = 1_000_000;

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
            cache_size: 0,
        }
    }
}

impl Validation {
    /// A policy from a JSON object whose member names are the option names
    /// every binding uses (`algorithms`, `issuer`, `audience`, `subject`,
    /// `required`, `leeway`, `max_age`, `typ`, `now`, `verify_exp`,
    /// `verify_nbf`, `max_token_bytes`, `cache_size`). `issuer` and `audience` may be a
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
                        | "cache_size"
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
                "cache_size" => {
                    v.cache_size = value
                        .as_u64()
                        .and_then(|n| usize::try_from(n).ok())
                        .filter(|&n| n <= MAX_CACHE_SIZE)
                        .ok_or_else(|| {
                            bad(name, "an integer from 0 to 1000000 (entries; 0 is off)")
                        })?
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
        serde_json::from_str(&self.json).map_err(|e| {
            // The detail names the problem and its place, never a claim's value.
            let detail = crate::error::serde_detail(&e);
            Error::new(
                ErrorCode::InvalidClaim,
                format!("claims do not fit: {detail}"),
            )
        })
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
///
/// # Verified-token cache (opt-in)
///
/// With [`Validation::cache_size`] `> 0` the verifier remembers the claims of
/// tokens it has verified successfully, keyed by the **exact token bytes**,
/// and answers a repeated token without redoing the signature check. This is
/// not a security regression:
///
/// - a cached claim set is only ever returned for the byte-identical token
///   that verified: the lookup hashes the token with the standard library's
///   keyed SipHash (`RandomState`, a random key per verifier, so nobody can
///   aim tokens at a cached entry's bucket) and a hit compares the whole
///   token, so one changed byte is a miss and goes through full verification;
/// - everything that depends on the clock is re-checked on every hit against
///   the verifier's clock ([`Validation::now`] or the system clock), with the
///   leeway: `exp` (`EXPIRED`), `nbf` (`NOT_YET_VALID`), `iat`
///   (`ISSUED_IN_FUTURE`) and `max_age` (`TOO_OLD`); an entry that has
///   expired or grown too old is dropped;
/// - the denylist ([`Verifier::with_denylist`]) is consulted on every hit,
///   never cached: a revocation takes effect on the next verification;
/// - only successful verifications are cached; the other checks (keys,
///   algorithms, `iss`, `aud`, `sub`, `typ`, required claims) depend only on
///   the token and this verifier's fixed keys and policy;
/// - tokens longer than `max_token_bytes` are refused (`TOO_LARGE`) before
///   any lookup.
///
/// The cache holds at most `cache_size` entries and evicts the **least
/// recently used** one (a hit counts as a use). It is split into up to 16
/// shards by hash, each behind its own `Mutex`, so threads rarely contend;
/// each shard holds an equal part of `cache_size`. Clones of a verifier
/// share its cache. A hit returns claims equal to the first verification's.
#[derive(Clone, Debug)]
pub struct Verifier {
    keys: KeySet,
    validation: Validation,
    allowed: AlgSet,
    headers: HeaderCache,
    required_registered: u8,
    required_custom: Vec<String>,
    denylist: Option<Arc<Denylist>>,
    cache: Option<Arc<cache::TokenCache>>,
    remote: Option<RemoteKeySet>,
}

/// The clock-dependent claims of a verified token, kept to re-check a cache hit.
#[derive(Clone, Copy, Debug, Default)]
struct Times {
    exp: Option<f64>,
    nbf: Option<f64>,
    iat: Option<f64>,
    /// The remote key set's generation the token verified against (0 for
    /// fixed keys): a hit from an older generation is verified again.
    generation: u64,
}

fn missing(claim: &'static str) -> Error {
    Error::claim_error(
        ErrorCode::MissingClaim,
        claim,
        format!("required claim {claim:?} is missing"),
    )
}

impl Verifier {
    /// Builds a verifier. `INVALID_ARGUMENT` for an empty key set or an
    /// unusable policy.
    pub fn new(keys: KeySet, validation: Validation) -> Result<Verifier> {
        let mut verifier = Verifier::new_uncached(keys, validation)?;
        verifier.headers = HeaderCache::for_keys(&verifier.keys);
        verifier.with_cache()
    }

    /// A verifier on a remote JWKS ([`crate::jwks`]): every verification
    /// takes the set's current keys and selects by `kid`; a `kid` the set
    /// lacks makes it refetch (at most once per cooldown) before the answer
    /// is `KEY_NOT_FOUND`. With no usable keys the answer is
    /// `JWKS_UNAVAILABLE`. Nothing is fetched until the first verification.
    /// A cached verification is served only while the set has not changed.
    pub fn remote(keys: RemoteKeySet, validation: Validation) -> Result<Verifier> {
        let mut verifier = Verifier::checked(KeySet::default(), validation)?;
        verifier.remote = Some(keys);
        verifier.with_cache()
    }

    fn with_cache(mut self) -> Result<Verifier> {
        if self.validation.cache_size > 0 {
            self.cache = Some(Arc::new(cache::TokenCache::new(self.validation.cache_size)));
        }
        Ok(self)
    }

    /// A verifier without the known-header table (building it costs more
    /// than it saves for a single token).
    fn new_uncached(keys: KeySet, validation: Validation) -> Result<Verifier> {
        if keys.is_empty() {
            return Err(invalid_argument("a verifier needs at least one key"));
        }
        Verifier::checked(keys, validation)
    }

    fn checked(keys: KeySet, validation: Validation) -> Result<Verifier> {
        if validation.algorithms.as_ref().is_some_and(|a| a.is_empty()) {
            return Err(invalid_argument("algorithms must not be empty"));
        }
        if validation.max_token_bytes == 0 {
            return Err(invalid_argument("max_token_bytes must be positive"));
        }
        if validation.cache_size > MAX_CACHE_SIZE {
            return Err(invalid_argument(format!(
                "cache_size must be at most {MAX_CACHE_SIZE} (entries; 0 is off)"
            )));
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
            cache: None,
            remote: None,
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

    /// The fixed key set (empty for a verifier on a remote key set).
    pub fn keys(&self) -> &KeySet {
        &self.keys
    }

    /// The remote key set, for a verifier built by [`Verifier::remote`].
    pub fn remote_keys(&self) -> Option<&RemoteKeySet> {
        self.remote.as_ref()
    }

    /// The policy.
    pub fn validation(&self) -> &Validation {
        &self.validation
    }

    /// Verifies `token` and validates its claims.
    pub fn verify(&self, token: &str) -> Result<Claims> {
        self.verify_bytes(token.as_bytes())
    }

    /// How many tokens the verified-token cache holds now (`0` when it is off).
    pub fn cache_len(&self) -> usize {
        self.cache.as_ref().map_or(0, |c| c.len())
    }

    /// [`Verifier::verify`] for a token given as bytes (non-UTF-8 is `MALFORMED`).
    pub fn verify_bytes(&self, token: &[u8]) -> Result<Claims> {
        let cache = match &self.cache {
            // Too large: refused by the full path before any lookup.
            Some(cache) if token.len() <= self.validation.max_token_bytes => cache,
            _ => return self.verify_full(token).map(|(claims, _)| claims),
        };
        let hash = cache.hash(token);
        if let Some((claims, times)) = cache.get(hash, token) {
            let current = match &self.remote {
                Some(remote) => remote.snapshot()?.generation(),
                None => 0,
            };
            if times.generation != current {
                // Verified against keys that have changed since: again.
                cache.remove(hash, token);
                let (claims, times) = self.verify_full(token)?;
                cache.insert(hash, token, &claims, times);
                return Ok(claims);
            }
            if let Err(e) = self.check_times(times) {
                if matches!(e.code(), ErrorCode::Expired | ErrorCode::TooOld) {
                    cache.remove(hash, token);
                }
                return Err(e);
            }
            self.check_denylist(&claims)?;
            return Ok(claims);
        }
        let (claims, times) = self.verify_full(token)?;
        cache.insert(hash, token, &claims, times);
        Ok(claims)
    }

    /// Signature, claims and denylist: everything, no cache.
    fn verify_full(&self, token: &[u8]) -> Result<(Claims, Times)> {
        let (v, generation) = match &self.remote {
            None => (
                jws::verify_compact(
                    token,
                    &self.keys,
                    self.allowed,
                    self.validation.max_token_bytes,
                    Some(&self.headers),
                )?,
                0,
            ),
            Some(remote) => self.verify_remote(remote, token)?,
        };
        let json = String::from_utf8(v.payload).map_err(|_| malformed("claims: not UTF-8"))?;
        let mut times = self.check_claims(&json, &v.header)?;
        times.generation = generation;
        let claims = Claims {
            json,
            header: v.header,
            registered: OnceLock::new(),
        };
        self.check_denylist(&claims)?;
        Ok((claims, times))
    }

    /// The signature, against the remote set's current keys; an unknown
    /// `kid` gets one (cooled-down, shared) refetch.
    fn verify_remote(&self, remote: &RemoteKeySet, token: &[u8]) -> Result<(VerifiedShared, u64)> {
        let max = self.validation.max_token_bytes;
        // Size and shape before anything can cause a fetch.
        let header = jws::parse_header(jws::split(token, max)?.header)?;
        let snap = match header.kid.as_deref() {
            Some(kid) => remote.snapshot_for_kid(kid)?,
            None => remote.snapshot()?,
        };
        let verified = self.verify_with(&snap, token)?;
        Ok((verified, snap.generation()))
    }

    fn verify_with(&self, snap: &Snapshot, token: &[u8]) -> Result<VerifiedShared> {
        let allowed = jws::allowed_set(snap.keys(), self.validation.algorithms.as_deref());
        jws::verify_compact(
            token,
            snap.keys(),
            allowed,
            self.validation.max_token_bytes,
            Some(snap.headers()),
        )
    }

    /// `REVOKED` if the verifier has a denylist and `claims`' `jti` is on it.
    fn check_denylist(&self, claims: &Claims) -> Result<()> {
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
        Ok(())
    }

    fn check_claims(&self, payload: &str, header: &Header) -> Result<Times> {
        let mut sink = ClaimsSink::new(&self.required_custom);
        json::parse_object(payload, &mut sink, "claims")?;
        if let Some(claim) = sink.bad {
            return Err(Error::claim_error(
                ErrorCode::InvalidClaim,
                claim,
                format!("claim {claim:?} has the wrong type"),
            ));
        }
        self.validate(&sink.reg, sink.present_custom, header)?;
        Ok(Times {
            exp: sink.reg.exp,
            nbf: sink.reg.nbf,
            iat: sink.reg.iat,
            generation: 0,
        })
    }

    /// `exp`, `nbf`, `iat` and `max_age` against the verifier's clock.
    fn check_times(&self, t: Times) -> Result<()> {
        let v = &self.validation;
        let now = v.now.unwrap_or_else(system_now) as f64;
        let leeway = v.leeway as f64;
        if let (true, Some(exp)) = (v.verify_exp, t.exp) {
            if exp <= now - leeway {
                return Err(Error::claim_error(
                    ErrorCode::Expired,
                    "exp",
                    "token has expired",
                ));
            }
        }
        if let (true, Some(nbf)) = (v.verify_nbf, t.nbf) {
            if nbf > now + leeway {
                return Err(Error::claim_error(
                    ErrorCode::NotYetValid,
                    "nbf",
                    "token is not valid yet",
                ));
            }
        }
        if let Some(iat) = t.iat {
            if iat > now + leeway {
                return Err(Error::claim_error(
                    ErrorCode::IssuedInFuture,
                    "iat",
                    "token was issued in the future",
                ));
            }
        }
        if let Some(max_age) = v.max_age {
            let iat = t.iat.ok_or_else(|| missing("iat"))?;
            if iat + max_age as f64 + leeway < now {
                return Err(Error::claim_error(
                    ErrorCode::TooOld,
                    "iat",
                    "token is older than max_age",
                ));
            }
        }
        Ok(())
    }

    fn validate(&self, r: &Found<'_>, present_custom: u64, header: &Header) -> Result<()> {
        let v = &self.validation;
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
        self.check_times(Times {
            exp: r.exp,
            nbf: r.nbf,
            iat: r.iat,
            generation: 0,
        })?;
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
    let text = serde_json::to_string(claims).map_err(|e| {
        let detail = crate::error::serde_detail(&e);
        invalid_argument(format!("claims do not serialize: {detail}"))
    })?;
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

/// The verified-token cache behind [`Validation::cache_size`]: sharded,
/// bounded, least recently used out.
mod cache {
    use std::collections::hash_map::RandomState;
    use std::collections::HashMap;
    use std::fmt;
    use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
    use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

    use super::{Claims, Times};

    const MAX_SHARDS: usize = 16;
    const NIL: usize = usize::MAX;

    /// Tokens → verified claims. The map key is the token's keyed SipHash
    /// (computed once per lookup, also picking the shard); an entry keeps
    /// the whole token and a hit compares it, so a 64-bit collision is a
    /// miss, never someone else's claims.
    pub(super) struct TokenCache {
        hasher: RandomState,
        shards: Box<[Shard]>,
    }

    /// One shard on its own cache line (two threads on neighbouring shards
    /// do not bounce a line between cores).
    #[repr(align(64))]
    struct Shard(Mutex<Lru>);

    impl fmt::Debug for TokenCache {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("TokenCache")
                .field("shards", &self.shards.len())
                .field("len", &self.len())
                .finish()
        }
    }

    impl TokenCache {
        /// At most `capacity` (≥ 1) entries in all, split evenly over the shards.
        pub(super) fn new(capacity: usize) -> TokenCache {
            let n = capacity.clamp(1, MAX_SHARDS);
            let shards = (0..n)
                .map(|i| {
                    Shard(Mutex::new(Lru::new(
                        capacity / n + usize::from(i < capacity % n),
                    )))
                })
                .collect();
            TokenCache {
                hasher: RandomState::new(),
                shards,
            }
        }

        pub(super) fn hash(&self, token: &[u8]) -> u64 {
            self.hasher.hash_one(token)
        }

        fn shard(&self, hash: u64) -> MutexGuard<'_, Lru> {
            // Bits the shard's own table does not use for its bucket index
            // (low bits) or its tag (top 7 bits).
            let i = ((hash >> 40) & 0xffff) as usize % self.shards.len();
            self.shards[i]
                .0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
        }

        pub(super) fn len(&self) -> usize {
            self.shards
                .iter()
                .map(|s| s.0.lock().unwrap_or_else(PoisonError::into_inner).map.len())
                .sum()
        }

        /// The claims cached for exactly `token` (marked as just used).
        pub(super) fn get(&self, hash: u64, token: &[u8]) -> Option<(Claims, Times)> {
            let mut lru = self.shard(hash);
            let i = lru.find(hash, token)?;
            lru.unlink(i);
            lru.push_front(i);
            let e = lru.slots[i].entry.as_ref()?;
            Some((fresh(&e.claims), e.times))
        }

        /// Remembers a successful verification of `token`.
        pub(super) fn insert(&self, hash: u64, token: &[u8], claims: &Claims, times: Times) {
            let entry = Entry {
                token: zeroize::Zeroizing::new(token.into()),
                claims: fresh(claims),
                times,
            };
            self.shard(hash).insert(hash, entry);
        }

        /// Forgets `token` (expired or too old: it will not verify again).
        pub(super) fn remove(&self, hash: u64, token: &[u8]) {
            let mut lru = self.shard(hash);
            if let Some(i) = lru.find(hash, token) {
                lru.remove(hash, i);
            }
        }
    }

    /// A copy sharing the header, with the registered claims left to parse
    /// on demand (the cheapest clone).
    fn fresh(c: &Claims) -> Claims {
        Claims {
            json: c.json.clone(),
            header: Arc::clone(&c.header),
            registered: OnceLock::new(),
        }
    }

    struct Entry {
        /// The whole bearer token, wiped when the entry is evicted.
        token: zeroize::Zeroizing<Box<[u8]>>,
        claims: Claims,
        times: Times,
    }

    struct Slot {
        hash: u64,
        prev: usize,
        next: usize,
        entry: Option<Entry>,
    }

    /// The map's keys are already keyed SipHash values: use them as they are.
    #[derive(Default)]
    struct Prehashed(u64);

    impl Hasher for Prehashed {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for &b in bytes {
                self.0 = self.0.rotate_left(8) ^ u64::from(b);
            }
        }
        fn write_u64(&mut self, n: u64) {
            self.0 = n;
        }
    }

    /// A bounded map with a doubly linked recency list over a slab of slots
    /// (`head` most recently used, `tail` least).
    struct Lru {
        map: HashMap<u64, usize, BuildHasherDefault<Prehashed>>,
        slots: Vec<Slot>,
        free: Vec<usize>,
        head: usize,
        tail: usize,
        capacity: usize,
    }

    impl Lru {
        fn new(capacity: usize) -> Lru {
            Lru {
                map: HashMap::default(),
                slots: Vec::new(),
                free: Vec::new(),
                head: NIL,
                tail: NIL,
                capacity,
            }
        }

        fn find(&self, hash: u64, token: &[u8]) -> Option<usize> {
            let &i = self.map.get(&hash)?;
            let e = self.slots[i].entry.as_ref()?;
            // Constant-time: the cached token is a live credential.
            crate::crypto::prims::ct_eq(&e.token, token).then_some(i)
        }

        fn unlink(&mut self, i: usize) {
            let (prev, next) = (self.slots[i].prev, self.slots[i].next);
            match prev {
                NIL => self.head = next,
                p => self.slots[p].next = next,
            }
            match next {
                NIL => self.tail = prev,
                n => self.slots[n].prev = prev,
            }
        }

        fn push_front(&mut self, i: usize) {
            self.slots[i].prev = NIL;
            self.slots[i].next = self.head;
            match self.head {
                NIL => self.tail = i,
                h => self.slots[h].prev = i,
            }
            self.head = i;
        }

        fn remove(&mut self, hash: u64, i: usize) {
            self.unlink(i);
            self.slots[i].entry = None;
            self.free.push(i);
            self.map.remove(&hash);
        }

        fn insert(&mut self, hash: u64, entry: Entry) {
            if self.capacity == 0 {
                return;
            }
            if let Some(&i) = self.map.get(&hash) {
                // The same token verified twice at once, or (once in 2^64) a
                // different token with the same hash: the newest wins.
                self.slots[i].entry = Some(entry);
                self.unlink(i);
                self.push_front(i);
                return;
            }
            if self.map.len() >= self.capacity && self.tail != NIL {
                let t = self.tail;
                self.remove(self.slots[t].hash, t);
            }
            let slot = Slot {
                hash,
                prev: NIL,
                next: NIL,
                entry: Some(entry),
            };
            let i = match self.free.pop() {
                Some(i) => {
                    self.slots[i] = slot;
                    i
                }
                None => {
                    self.slots.push(slot);
                    self.slots.len() - 1
                }
            };
            self.push_front(i);
            self.map.insert(hash, i);
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn entry(token: &[u8]) -> Entry {
            Entry {
                token: zeroize::Zeroizing::new(token.into()),
                claims: claims(),
                times: Times::default(),
            }
        }

        fn claims() -> Claims {
            use crate::{Algorithm, Key, KeySet};
            let key = Key::hmac(&[9u8; 32], Algorithm::HS256).unwrap();
            let token = super::super::encode(r#"{"exp":4102444800}"#, &key, None).unwrap();
            let v = super::super::Validation::default();
            super::super::decode(&token, &KeySet::from(key), &v).unwrap()
        }

        fn has(lru: &Lru, hash: u64, token: &[u8]) -> bool {
            lru.find(hash, token).is_some()
        }

        #[test]
        fn least_recently_used_goes_first() {
            let mut lru = Lru::new(2);
            lru.insert(1, entry(b"a"));
            lru.insert(2, entry(b"b"));
            // Use "a": "b" is now the least recently used.
            let i = lru.find(1, b"a").unwrap();
            lru.unlink(i);
            lru.push_front(i);
            lru.insert(3, entry(b"c"));
            assert!(has(&lru, 1, b"a") && !has(&lru, 2, b"b") && has(&lru, 3, b"c"));
            lru.insert(4, entry(b"d"));
            assert!(!has(&lru, 1, b"a") && has(&lru, 3, b"c") && has(&lru, 4, b"d"));
            assert_eq!(lru.map.len(), 2);
            // Same hash, other token: a miss; the newest insert wins.
            assert!(!has(&lru, 3, b"x"));
            lru.insert(3, entry(b"x"));
            assert!(has(&lru, 3, b"x") && !has(&lru, 3, b"c"));
            let i = lru.find(4, b"d").unwrap();
            lru.remove(4, i);
            assert_eq!(lru.map.len(), 1);
            lru.insert(5, entry(b"e"));
            lru.insert(6, entry(b"f"));
            assert_eq!((lru.map.len(), lru.slots.len()), (2, 2));
        }

        #[test]
        fn capacity_split_over_shards() {
            for n in [1, 2, 15, 16, 17, 100, 1001] {
                let c = TokenCache::new(n);
                let total: usize = c.shards.iter().map(|s| s.0.lock().unwrap().capacity).sum();
                assert_eq!(total, n);
                assert!(c.shards.iter().all(|s| s.0.lock().unwrap().capacity >= 1));
            }
        }
    }
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

    mod cache {
        use super::super::*;
        use crate::session::{MemoryStore, SessionStore};
        use crate::Key;

        fn key() -> Key {
            Key::hmac(&[9u8; 32], Algorithm::HS256).unwrap()
        }

        fn cached(size: usize) -> Verifier {
            let v = Validation {
                cache_size: size,
                ..Validation::default()
            };
            Verifier::new(KeySet::from(key()), v).unwrap()
        }

        fn token(claims: &str) -> String {
            encode(claims, &key(), None).unwrap()
        }

        #[test]
        fn option() {
            assert_eq!(Validation::default().cache_size, 0);
            let v = Validation::from_json(r#"{"cache_size":1000}"#).unwrap();
            assert_eq!(v.cache_size, 1000);
            assert_eq!(
                Validation::from_json(r#"{"cache_size":null}"#)
                    .unwrap()
                    .cache_size,
                0
            );
            for bad in [
                r#"{"cache_size":-1}"#,
                r#"{"cache_size":1.5}"#,
                r#"{"cache_size":"10"}"#,
                r#"{"cache_size":true}"#,
                r#"{"cache_size":1000001}"#,
                r#"{"cache_size":18446744073709551616}"#,
            ] {
                let e = Validation::from_json(bad).unwrap_err();
                assert_eq!(e.code(), ErrorCode::InvalidArgument, "{bad}");
                assert!(e.message().contains("cache_size"), "{bad}: {}", e.message());
            }
            assert_eq!(
                Validation::from_json(r#"{"cache_size":1000000}"#)
                    .unwrap()
                    .cache_size,
                MAX_CACHE_SIZE
            );
            let too_big = Validation {
                cache_size: MAX_CACHE_SIZE + 1,
                ..Validation::default()
            };
            let e = Verifier::new(KeySet::from(key()), too_big).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidArgument);
            assert_eq!(
                Verifier::new(KeySet::from(key()), Validation::default())
                    .unwrap()
                    .cache_len(),
                0
            );
        }

        #[test]
        fn hit_returns_equal_claims() {
            let v = cached(10);
            let t = token(r#"{"sub":"u1","exp":4102444800,"n":[1,2]}"#);
            let first = v.verify(&t).unwrap();
            assert_eq!(v.cache_len(), 1);
            let second = v.verify(&t).unwrap();
            assert_eq!(v.cache_len(), 1);
            assert_eq!(first.json(), second.json());
            assert_eq!(first.registered(), second.registered());
            assert_eq!(first.header(), second.header());
            // One-shot decode never caches, and accepts the option.
            let opts = Validation {
                cache_size: 10,
                ..Validation::default()
            };
            assert_eq!(
                decode(&t, &KeySet::from(key()), &opts).unwrap().json(),
                first.json()
            );
        }

        #[test]
        fn one_byte_changed_is_not_served() {
            let v = cached(10);
            let t = token(r#"{"sub":"u1","exp":4102444800}"#);
            v.verify(&t).unwrap();
            let mut bytes = t.clone().into_bytes();
            let last = bytes.len() - 2;
            bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
            let e = v.verify_bytes(&bytes).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidSignature);
            // A changed payload byte too.
            let mut bytes = t.clone().into_bytes();
            let dot = t.find('.').unwrap() + 3;
            bytes[dot] = if bytes[dot] == b'x' { b'y' } else { b'x' };
            assert!(v.verify_bytes(&bytes).is_err());
            // A prefix or an extension of the token is not a hit either.
            assert!(v.verify(&t[..t.len() - 1]).is_err());
            assert!(v.verify(&format!("{t}A")).is_err());
            assert_eq!(v.cache_len(), 1);
            assert!(v.verify(&t).is_ok());
        }

        #[test]
        fn failures_are_not_cached_and_too_large_refused() {
            let v = Verifier::new(
                KeySet::from(key()),
                Validation {
                    cache_size: 10,
                    issuer: Some(vec!["good".into()]),
                    max_token_bytes: 200,
                    ..Validation::default()
                },
            )
            .unwrap();
            let bad_iss = token(r#"{"iss":"bad","exp":4102444800}"#);
            for _ in 0..2 {
                assert_eq!(
                    v.verify(&bad_iss).unwrap_err().code(),
                    ErrorCode::InvalidIssuer
                );
            }
            assert_eq!(v.cache_len(), 0);
            let long = token(&format!(
                r#"{{"iss":"good","exp":4102444800,"p":"{}"}}"#,
                "x".repeat(300)
            ));
            assert_eq!(v.verify(&long).unwrap_err().code(), ErrorCode::TooLarge);
            assert_eq!(v.cache_len(), 0);
        }

        #[test]
        fn expired_after_caching() {
            let v = cached(10);
            let exp = crate::unix_now() + 2; // valid for at least one more second
            let t = token(&format!(r#"{{"sub":"u1","exp":{exp}}}"#));
            v.verify(&t).unwrap();
            assert_eq!(v.cache_len(), 1);
            std::thread::sleep(std::time::Duration::from_millis(3100));
            let e = v.verify(&t).unwrap_err();
            assert_eq!((e.code(), e.claim()), (ErrorCode::Expired, Some("exp")));
            // The dead entry is dropped.
            assert_eq!(v.cache_len(), 0);
            assert_eq!(v.verify(&t).unwrap_err().code(), ErrorCode::Expired);
        }

        #[test]
        fn time_claims_use_the_verifiers_clock() {
            // A fixed clock: max_age and nbf re-checked on hits against it.
            let v = Verifier::new(
                KeySet::from(key()),
                Validation {
                    cache_size: 10,
                    now: Some(1_000),
                    max_age: Some(100),
                    ..Validation::default()
                },
            )
            .unwrap();
            let t = token(r#"{"exp":2000,"iat":950,"nbf":990}"#);
            v.verify(&t).unwrap();
            v.verify(&t).unwrap();
            assert_eq!(v.cache_len(), 1);
            // Same token, a verifier whose clock is later: TOO_OLD, not cached.
            let later = Verifier::new(
                KeySet::from(key()),
                Validation {
                    cache_size: 10,
                    now: Some(1_060),
                    max_age: Some(100),
                    ..Validation::default()
                },
            )
            .unwrap();
            assert_eq!(later.verify(&t).unwrap_err().code(), ErrorCode::TooOld);
            assert_eq!(later.cache_len(), 0);
        }

        #[test]
        fn revoked_after_caching() {
            let store: Arc<dyn SessionStore> = Arc::new(MemoryStore::default());
            let deny = Arc::new(Denylist::new(store));
            let v = cached(10).with_denylist(deny.clone());
            let t = token(r#"{"sub":"u1","exp":4102444800,"jti":"j-1"}"#);
            v.verify(&t).unwrap();
            v.verify(&t).unwrap();
            assert_eq!(v.cache_len(), 1);
            deny.revoke("j-1", 4_102_444_800).unwrap();
            let e = v.verify(&t).unwrap_err();
            assert_eq!((e.code(), e.claim()), (ErrorCode::Revoked, Some("jti")));
            assert_eq!(v.verify(&t).unwrap_err().code(), ErrorCode::Revoked);
            // A token without jti is refused, and so never cached.
            let no_jti = token(r#"{"sub":"u1","exp":4102444800}"#);
            assert_eq!(
                v.verify(&no_jti).unwrap_err().code(),
                ErrorCode::MissingClaim
            );
        }

        #[test]
        fn bounded_lru() {
            let v = cached(100);
            let tokens: Vec<String> = (0..10_000)
                .map(|i| token(&format!(r#"{{"n":{i},"exp":4102444800}}"#)))
                .collect();
            for t in &tokens {
                v.verify(t).unwrap();
                assert!(v.cache_len() <= 100);
            }
            assert_eq!(v.cache_len(), 100);
            for t in &tokens {
                assert!(v.verify(t).is_ok());
            }
            assert_eq!(v.cache_len(), 100);
            let one = cached(1);
            one.verify(&tokens[0]).unwrap();
            one.verify(&tokens[1]).unwrap();
            assert_eq!(one.cache_len(), 1);
        }

        #[test]
        fn concurrent_use() {
            let v = Arc::new(cached(64));
            let tokens: Arc<Vec<String>> = Arc::new(
                (0..200)
                    .map(|i| token(&format!(r#"{{"n":{i},"exp":4102444800}}"#)))
                    .collect(),
            );
            let handles: Vec<_> = (0..8)
                .map(|t| {
                    let (v, tokens) = (v.clone(), tokens.clone());
                    std::thread::spawn(move || {
                        for round in 0..5 {
                            for (i, tok) in tokens.iter().enumerate() {
                                if (i + t + round) % 3 == 0 {
                                    continue;
                                }
                                let c = v.verify(tok).unwrap();
                                assert_eq!(c.to_value()["n"], i);
                            }
                        }
                    })
                })
                .collect();
            for h in handles {
                h.join().unwrap();
            }
            assert!(v.cache_len() <= 64);
        }
    }
}
