//! `Validation` (the policy record), `Verifier` (keys + policy, built once)
//! and `Claims` (what a verification returns).

use std::sync::Arc;

use tessera::Algorithm;

use crate::jwks::RemoteKeySet;
use crate::keyset::KeySet;
use crate::session::Denylist;
use crate::{Result, TesseraError};

/// The validation policy; the same options as the Python keywords and the
/// Node option object. Every field is optional: `null`/`nil` means the core's
/// default, stated next to each field (so no default lives in a binding).
#[derive(Clone, Debug, Default, uniffi::Record)]
pub struct Validation {
    /// Algorithms accepted, e.g. `["ES256"]`. Default: the keys' algorithms.
    #[uniffi(default)]
    pub algorithms: Option<Vec<String>>,
    /// Accepted issuers; the token's `iss` must equal one. Default: not checked.
    #[uniffi(default)]
    pub issuer: Option<Vec<String>>,
    /// Accepted audiences; the token's `aud` (string or array) must contain
    /// one. Default: not set, and a token that carries `aud` is rejected.
    #[uniffi(default)]
    pub audience: Option<Vec<String>>,
    /// The required `sub`. Default: not checked.
    #[uniffi(default)]
    pub subject: Option<String>,
    /// Claims that must be present. Default: `["exp"]`.
    #[uniffi(default)]
    pub required: Option<Vec<String>>,
    /// Seconds of clock skew tolerated for `exp`, `nbf`, `iat`, `maxAge`. Default: 0.
    #[uniffi(default)]
    pub leeway: Option<i64>,
    /// Maximum age in seconds, measured from `iat` (which becomes required).
    /// Default: not checked.
    #[uniffi(default)]
    pub max_age: Option<i64>,
    /// Required header `typ` (case-insensitive, `application/` prefix
    /// ignored), e.g. `"at+jwt"`. Default: not checked.
    #[uniffi(default)]
    pub typ: Option<String>,
    /// The current time (seconds since the epoch), for tests. Default: the system clock.
    #[uniffi(default)]
    pub now: Option<i64>,
    /// Check `exp` when present. Default: true.
    #[uniffi(default)]
    pub verify_exp: Option<bool>,
    /// Check `nbf` when present. Default: true.
    #[uniffi(default)]
    pub verify_nbf: Option<bool>,
    /// Longest token accepted, in bytes, checked before decoding. Default: 16384.
    #[uniffi(default)]
    pub max_token_bytes: Option<i64>,
    /// Entries of the `Verifier`'s opt-in verified-token cache (least
    /// recently used out), 0 to 1000000. A byte-identical token verified
    /// before is answered from it; `exp`, `nbf`, `iat`, `maxAge` and the
    /// denylist are re-checked on every hit, and a token that differs by one
    /// byte is never served from it. Default: 0 (off).
    #[uniffi(default)]
    pub cache_size: Option<i64>,
}

/// Integers cross as signed 64-bit (Kotlin `Long`, Swift `Int64`): friendlier
/// than unsigned types there. Negative seconds are a caller error.
fn seconds(name: &str, n: i64) -> Result<u64> {
    u64::try_from(n)
        .map_err(|_| TesseraError::invalid_argument(format!("{name} must not be negative")))
}

impl TryFrom<Validation> for tessera::jwt::Validation {
    type Error = TesseraError;

    fn try_from(v: Validation) -> Result<Self> {
        let mut out = tessera::jwt::Validation::default();
        if let Some(names) = v.algorithms {
            let algs = names.iter().map(|n| Algorithm::parse(n));
            out.algorithms = Some(algs.collect::<Result<_, _>>()?);
        }
        out.issuer = v.issuer.or(out.issuer);
        out.audience = v.audience.or(out.audience);
        out.subject = v.subject.or(out.subject);
        out.required = v.required.unwrap_or(out.required);
        if let Some(n) = v.leeway {
            out.leeway = seconds("leeway", n)?;
        }
        if let Some(n) = v.max_age {
            out.max_age = Some(seconds("maxAge", n)?);
        }
        out.typ = v.typ.or(out.typ);
        out.now = v.now.or(out.now);
        out.verify_exp = v.verify_exp.unwrap_or(out.verify_exp);
        out.verify_nbf = v.verify_nbf.unwrap_or(out.verify_nbf);
        if let Some(n) = v.max_token_bytes {
            out.max_token_bytes = usize::try_from(n).map_err(|_| {
                TesseraError::invalid_argument("maxTokenBytes must not be negative")
            })?;
        }
        if let Some(n) = v.cache_size {
            // Above the maximum: the core's INVALID_ARGUMENT from `Verifier::new`.
            out.cache_size = usize::try_from(n)
                .map_err(|_| TesseraError::invalid_argument("cacheSize must not be negative"))?;
        }
        Ok(out)
    }
}

/// Verified claims: the JSON text exactly as signed (decode it with
/// kotlinx.serialization or Codable) plus the registered claims, already
/// parsed by the core.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct Claims {
    /// The claims JSON text, byte for byte as signed.
    pub json: String,
    /// `exp` (seconds since the epoch), if present.
    pub exp: Option<f64>,
    /// `nbf`, if present.
    pub nbf: Option<f64>,
    /// `iat`, if present.
    pub iat: Option<f64>,
    /// `iss`, if present.
    pub iss: Option<String>,
    /// `sub`, if present.
    pub sub: Option<String>,
    /// `aud` as a list (a string `aud` becomes a one-element list), if present.
    pub aud: Option<Vec<String>>,
    /// `jti`, if present.
    pub jti: Option<String>,
}

impl From<tessera::jwt::Claims> for Claims {
    fn from(c: tessera::jwt::Claims) -> Self {
        let r = c.registered().clone();
        Claims {
            json: c.into_json(),
            exp: r.exp,
            nbf: r.nbf,
            iat: r.iat,
            iss: r.iss,
            sub: r.sub,
            aud: r.aud,
            jti: r.jti,
        }
    }
}

/// Keys + policy, built once; `verify` is the hot path. Immutable and safe to
/// share between threads (one per app is typical).
#[derive(Debug, uniffi::Object)]
pub struct Verifier {
    inner: tessera::jwt::Verifier,
}

#[uniffi::export]
impl Verifier {
    /// A verifier for `keys` with the `validation` policy (default: the strict
    /// defaults). `INVALID_ARGUMENT` for an empty key set or an unusable
    /// policy; `UNSUPPORTED_ALGORITHM` for an unknown name in `algorithms`.
    ///
    /// With a `denylist`, tokens whose `jti` is on it throw `REVOKED` (claim
    /// `jti`), checked after the signature and every claim; every token must
    /// then carry a `jti` (`MISSING_CLAIM`), and `verify` blocks on the
    /// denylist's store (`STORE_UNAVAILABLE` when it cannot answer: never
    /// "not revoked").
    #[uniffi::constructor(default(denylist = None, validation))]
    pub fn new(
        keys: Arc<KeySet>,
        validation: Validation,
        denylist: Option<Arc<Denylist>>,
    ) -> Result<Arc<Self>> {
        let mut inner = tessera::jwt::Verifier::new(keys.inner.clone(), validation.try_into()?)?;
        if let Some(d) = denylist {
            inner = inner.with_denylist(d.inner.clone());
        }
        Ok(Arc::new(Verifier { inner }))
    }

    /// A verifier on a remote JWKS: every verification takes the set's
    /// current keys and selects by `kid`; a `kid` the set lacks makes it
    /// refetch (at most once per cooldown) before the answer is
    /// `KEY_NOT_FOUND`, and with no usable keys the answer is
    /// `JWKS_UNAVAILABLE`. Nothing is fetched here; `verify` may fetch, so it
    /// blocks (call it off the main thread). `validation` and `denylist` as
    /// for the constructor.
    #[uniffi::constructor(default(denylist = None, validation))]
    pub fn remote(
        keys: Arc<RemoteKeySet>,
        validation: Validation,
        denylist: Option<Arc<Denylist>>,
    ) -> Result<Arc<Self>> {
        let mut inner = tessera::jwt::Verifier::remote(keys.inner.clone(), validation.try_into()?)?;
        if let Some(d) = denylist {
            inner = inner.with_denylist(d.inner.clone());
        }
        Ok(Arc::new(Verifier { inner }))
    }

    /// Verifies `token` (signature, then claims) and returns the claims JSON
    /// text exactly as signed.
    pub fn verify(&self, token: String) -> Result<String> {
        Ok(self.inner.verify(&token)?.into_json())
    }

    /// Like `verify`, also returning the registered claims parsed by the core.
    pub fn verify_claims(&self, token: String) -> Result<Claims> {
        Ok(self.inner.verify(&token)?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera::ErrorCode;

    #[test]
    fn unset_fields_are_the_core_defaults() {
        let got: tessera::jwt::Validation = Validation::default().try_into().unwrap();
        let want = tessera::jwt::Validation::default();
        assert_eq!(format!("{got:?}"), format!("{want:?}"));
    }

    #[test]
    fn fields_map_one_to_one() {
        let v = Validation {
            algorithms: Some(vec!["ES256".into(), "EdDSA".into()]),
            issuer: Some(vec!["i".into()]),
            audience: Some(vec!["a".into(), "b".into()]),
            subject: Some("s".into()),
            required: Some(vec![]),
            leeway: Some(5),
            max_age: Some(60),
            typ: Some("at+jwt".into()),
            now: Some(-1),
            verify_exp: Some(false),
            verify_nbf: Some(false),
            max_token_bytes: Some(100),
            cache_size: Some(1000),
        };
        let got: tessera::jwt::Validation = v.try_into().unwrap();
        let want = tessera::jwt::Validation::from_json(
            r#"{"algorithms":["ES256","EdDSA"],"issuer":"i","audience":["a","b"],"subject":"s",
                "required":[],"leeway":5,"max_age":60,"typ":"at+jwt","now":-1,
                "verify_exp":false,"verify_nbf":false,"max_token_bytes":100,
                "cache_size":1000}"#,
        )
        .unwrap();
        assert_eq!(format!("{got:?}"), format!("{want:?}"));
    }

    #[test]
    fn bad_values_are_errors() {
        let code = |v: Validation| {
            tessera::jwt::Validation::try_from(v)
                .map(|_| ())
                .unwrap_err()
                .code()
        };
        let bad_alg = Validation {
            algorithms: Some(vec!["none".into()]),
            ..Default::default()
        };
        assert_eq!(code(bad_alg), ErrorCode::AlgorithmNotAllowed);
        for v in [
            Validation {
                leeway: Some(-1),
                ..Default::default()
            },
            Validation {
                max_age: Some(-1),
                ..Default::default()
            },
            Validation {
                max_token_bytes: Some(-1),
                ..Default::default()
            },
            Validation {
                cache_size: Some(-1),
                ..Default::default()
            },
        ] {
            assert_eq!(code(v), ErrorCode::InvalidArgument);
        }
    }

    mod cache {
        use super::*;
        use crate::key::Key;
        use crate::session::MemoryStore;

        fn key() -> Arc<Key> {
            Key::hmac(vec![7u8; 32], Some("HS256".into()), None, false).unwrap()
        }

        fn verifier(cache_size: i64, denylist: Option<Arc<Denylist>>) -> Result<Arc<Verifier>> {
            let keys = KeySet::new(vec![key()]).unwrap();
            let v = Validation {
                cache_size: Some(cache_size),
                ..Default::default()
            };
            Verifier::new(keys, v, denylist)
        }

        fn encode(claims: &str) -> String {
            crate::jwt::jwt_encode(claims.into(), key(), None).unwrap()
        }

        #[test]
        fn hit_returns_equal_claims() {
            let v = verifier(100, None).unwrap();
            let t = encode(r#"{"sub":"u1","exp":4102444800}"#);
            let first = v.verify_claims(t.clone()).unwrap();
            assert_eq!(v.verify_claims(t.clone()).unwrap(), first);
            assert_eq!(v.verify(t.clone()).unwrap(), first.json);
            let mut other = t.into_bytes();
            let i = other.len() - 2;
            other[i] = if other[i] == b'A' { b'B' } else { b'A' };
            let e = v.verify(String::from_utf8(other).unwrap()).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidSignature);
        }

        #[test]
        fn expired_after_caching() {
            let v = verifier(100, None).unwrap();
            let t = encode(&format!(r#"{{"exp":{}}}"#, tessera::unix_now() + 2));
            v.verify(t.clone()).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(3100));
            assert_eq!(v.verify(t).unwrap_err().code(), ErrorCode::Expired);
        }

        #[test]
        fn revoked_after_caching() {
            let store = MemoryStore::new(None, None).unwrap();
            let deny = Denylist::new(crate::session::SessionStore::Memory { store });
            let v = verifier(100, Some(deny.clone())).unwrap();
            let t = encode(r#"{"exp":4102444800,"jti":"j-1"}"#);
            v.verify(t.clone()).unwrap();
            v.verify(t.clone()).unwrap();
            deny.revoke("j-1".into(), 4_102_444_800).unwrap();
            assert_eq!(v.verify(t).unwrap_err().code(), ErrorCode::Revoked);
        }

        #[test]
        fn size_bounds() {
            assert!(verifier(0, None).is_ok());
            assert!(verifier(1_000_000, None).is_ok());
            for bad in [-1, 1_000_001, i64::MAX] {
                let e = verifier(bad, None).unwrap_err();
                assert_eq!(e.code(), ErrorCode::InvalidArgument, "{bad}");
            }
        }
    }
}
