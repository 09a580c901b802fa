//! JSON Web Keys (RFC 7517/7518/8037): parsing into [`Key`] and exporting.

use serde_json::{Map, Value};

use crate::alg::Algorithm;
use crate::b64;
use crate::crypto::RsaComponents;
use crate::error::{invalid_key, Error, ErrorCode, Result};
use crate::json;
use crate::key::{self, Key, KeyOptions, Parts};

/// The JWK members that hold private key material (RFC 7518 §6).
const PRIVATE_MEMBERS: &[&str] = &["k", "d", "p", "q", "dp", "dq", "qi"];

/// Wipes the private members' text in a parsed JWK (serde_json's `Value`
/// cannot wipe itself on drop).
pub(crate) fn wipe_private_members(m: &mut Map<String, Value>) {
    use zeroize::Zeroize;
    for name in PRIVATE_MEMBERS {
        if let Some(Value::String(s)) = m.get_mut(*name) {
            s.zeroize();
        }
    }
    if let Some(Value::Array(oth)) = m.get_mut("oth") {
        for v in oth {
            if let Value::Object(o) = v {
                wipe_private_members(o);
            }
        }
    }
}

/// Parses JWK JSON text.
pub(crate) fn parse(text: &str, opts: &KeyOptions) -> Result<Key> {
    let mut map = parse_map(text, "JWK")?;
    let key = from_map(&map, opts);
    wipe_private_members(&mut map);
    key
}

/// Strictly parses a JSON object into a map (cold path: keys, JWKS).
pub(crate) fn parse_map(text: &str, what: &'static str) -> Result<Map<String, Value>> {
    json::validate_object(text, what)?;
    serde_json::from_str(text).map_err(|_| Error::new(ErrorCode::Malformed, "invalid JSON"))
}

fn member<'a>(m: &'a Map<String, Value>, name: &'static str) -> Result<Option<&'a str>> {
    match m.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid_key(format!(
            "JWK member \"{name}\" must be a string"
        ))),
    }
}

/// A base64url member's bytes. Private members are wrapped in `Zeroizing` by
/// every caller.
fn bytes(m: &Map<String, Value>, name: &'static str) -> Result<Option<Vec<u8>>> {
    match member(m, name)? {
        None => Ok(None),
        Some(s) => b64::decode(s)
            .map(Some)
            .map_err(|_| invalid_key(format!("JWK member \"{name}\" is not base64url"))),
    }
}

fn required(m: &Map<String, Value>, name: &'static str) -> Result<Vec<u8>> {
    bytes(m, name)?.ok_or_else(|| invalid_key(format!("JWK is missing \"{name}\"")))
}

/// Builds a key from a parsed JWK object.
pub(crate) fn from_map(m: &Map<String, Value>, opts: &KeyOptions) -> Result<Key> {
    if member(m, "use")? == Some("enc") {
        return Err(invalid_key("JWK is for encryption (\"use\": \"enc\")"));
    }
    if let Some(ops) = m.get("key_ops") {
        let ops = ops
            .as_array()
            .ok_or_else(|| invalid_key("JWK \"key_ops\" must be an array"))?;
        if !ops.iter().any(|o| o == "sign" || o == "verify") {
            return Err(invalid_key(
                "JWK \"key_ops\" allows neither sign nor verify",
            ));
        }
    }
    let jwk_alg = member(m, "alg")?.map(Algorithm::parse).transpose()?;
    let alg = match (opts.alg, jwk_alg) {
        (Some(a), Some(b)) if a != b => {
            return Err(invalid_key(format!("JWK is for {b}, not {a}")));
        }
        (a, b) => a.or(b),
    };
    let kid = match &opts.kid {
        Some(k) => Some(k.clone()),
        None => member(m, "kid")?.map(str::to_owned),
    };
    let opts = KeyOptions {
        alg,
        kid,
        allow_weak: opts.allow_weak,
    };
    let kty = member(m, "kty")?.ok_or_else(|| invalid_key("JWK has no \"kty\""))?;
    match kty {
        "oct" => Key::hmac_with(&zeroize::Zeroizing::new(required(m, "k")?), &opts),
        "RSA" => {
            let (n, e) = (required(m, "n")?, required(m, "e")?);
            if m.contains_key("oth") {
                return Err(invalid_key("multi-prime RSA keys are not supported"));
            }
            match bytes(m, "d")? {
                None => key::rsa_public_key(&n, &e, &opts),
                Some(d) => {
                    let z = |name| required(m, name).map(zeroize::Zeroizing::new);
                    let d = zeroize::Zeroizing::new(d);
                    let (p, q, dp, dq, qi) = (z("p")?, z("q")?, z("dp")?, z("dq")?, z("qi")?);
                    key::rsa_private_key(
                        &RsaComponents {
                            n: &n,
                            e: &e,
                            d: &d,
                            p: &p,
                            q: &q,
                            dp: &dp,
                            dq: &dq,
                            qi: &qi,
                        },
                        &opts,
                    )
                }
            }
        }
        "EC" => {
            let curve = match member(m, "crv")? {
                Some("P-256") => Algorithm::ES256,
                Some("P-384") => Algorithm::ES384,
                Some(_) => {
                    return Err(Error::new(
                        ErrorCode::UnsupportedAlgorithm,
                        "unsupported elliptic curve (only P-256 and P-384)",
                    ))
                }
                None => return Err(invalid_key("EC JWK has no \"crv\"")),
            };
            let (_, len) = key::ec_curve(curve);
            let (x, y) = (required(m, "x")?, required(m, "y")?);
            if x.len() != len || y.len() != len {
                return Err(invalid_key("EC JWK coordinates have the wrong length"));
            }
            let mut point = Vec::with_capacity(1 + 2 * len);
            point.push(4);
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            match bytes(m, "d")? {
                None => key::ec_public_key(curve, &point, &opts),
                Some(d) => key::ec_private_key(curve, &zeroize::Zeroizing::new(d), &point, &opts),
            }
        }
        "OKP" => {
            match member(m, "crv")? {
                Some("Ed25519") => {}
                Some(_) => {
                    return Err(Error::new(
                        ErrorCode::UnsupportedAlgorithm,
                        "unsupported OKP curve (only Ed25519)",
                    ))
                }
                None => return Err(invalid_key("OKP JWK has no \"crv\"")),
            }
            let x = required(m, "x")?;
            match bytes(m, "d")? {
                None => key::ed25519_public_key(&x, &opts),
                Some(d) => key::ed25519_key(&zeroize::Zeroizing::new(d), Some(&x), &opts),
            }
        }
        _ => Err(Error::new(
            ErrorCode::UnsupportedAlgorithm,
            "unsupported JWK key type",
        )),
    }
}

/// Exports a key as JWK JSON text (members sorted by name).
pub(crate) fn to_jwk(key: &Key, private: bool) -> Result<String> {
    let mut m = Map::new();
    let mut put = |name: &str, v: &[u8]| {
        m.insert(name.to_owned(), Value::String(b64::encode(v)));
    };
    match key.parts() {
        Parts::Oct { secret } => {
            if !private {
                return Err(invalid_key(
                    "an HMAC key has no public form; export it with private = true",
                ));
            }
            put("k", secret);
        }
        Parts::Rsa { n, e, private: p } => {
            put("n", n);
            put("e", e);
            if let (true, Some(p)) = (private, p) {
                put("d", &p.d);
                put("p", &p.p);
                put("q", &p.q);
                put("dp", &p.dp);
                put("dq", &p.dq);
                put("qi", &p.qi);
            }
        }
        Parts::Ec { x, y, d, .. } => {
            put("x", x);
            put("y", y);
            if let (true, Some(d)) = (private, d) {
                put("d", d);
            }
        }
        Parts::Okp { x, d } => {
            put("x", x);
            if let (true, Some(d)) = (private, d) {
                put("d", d);
            }
        }
    }
    let (kty, crv) = kty_crv(key.parts());
    m.insert("kty".into(), kty.into());
    if let Some(crv) = crv {
        m.insert("crv".into(), crv.into());
    }
    m.insert("alg".into(), key.alg().as_str().into());
    if let Some(kid) = key.kid() {
        m.insert("kid".into(), kid.into());
    }
    let text = serde_json::to_string(&m)
        .map_err(|_| Error::new(ErrorCode::Internal, "JWK serialization failed"))?;
    // The intermediate copies of private members are wiped; the text is the
    // caller's (the bindings wipe theirs after handing it over).
    wipe_private_members(&mut m);
    Ok(text)
}

fn kty_crv(parts: &Parts) -> (&'static str, Option<&'static str>) {
    match parts {
        Parts::Oct { .. } => ("oct", None),
        Parts::Rsa { .. } => ("RSA", None),
        Parts::Ec { crv, .. } => ("EC", Some(crv)),
        Parts::Okp { .. } => ("OKP", Some("Ed25519")),
    }
}

/// The RFC 7638 canonical JSON of the key's required public members.
pub(crate) fn thumbprint_input(key: &Key) -> String {
    let e = b64::encode;
    match key.parts() {
        Parts::Oct { secret } => {
            // Hashed at once by `thumbprint`, which wipes this text.
            format!(r#"{{"k":"{}","kty":"oct"}}"#, e(secret))
        }
        Parts::Rsa { n, e: exp, .. } => {
            format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, e(exp), e(n))
        }
        Parts::Ec { crv, x, y, .. } => format!(
            r#"{{"crv":"{crv}","kty":"EC","x":"{}","y":"{}"}}"#,
            e(x),
            e(y)
        ),
        Parts::Okp { x, .. } => format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, e(x)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7638_thumbprint() {
        // RFC 7638 §3.1 example key.
        let jwk = r#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#;
        let key = Key::from_jwk(jwk).unwrap();
        assert_eq!(
            key.thumbprint(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
        assert_eq!(key.kid(), Some("2011-04-29"));
    }

    #[test]
    fn rejects_bad_jwks() {
        let cases = [
            (r#"{"kty":"oct"}"#, ErrorCode::InvalidKey),
            (
                r#"{"kty":"oct","k":"AAAA","k":"AAAA"}"#,
                ErrorCode::Malformed,
            ),
            (
                r#"{"kty":"EC","crv":"P-521","x":"AA","y":"AA"}"#,
                ErrorCode::UnsupportedAlgorithm,
            ),
            (
                r#"{"kty":"OKP","crv":"X25519","x":"AA"}"#,
                ErrorCode::UnsupportedAlgorithm,
            ),
            (r#"{"kty":"foo"}"#, ErrorCode::UnsupportedAlgorithm),
            (
                r#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#,
                ErrorCode::InvalidKey,
            ),
            (r#"[1]"#, ErrorCode::Malformed),
            (
                r#"{"kty":"oct","k":"AAAA","alg":"ES512"}"#,
                ErrorCode::UnsupportedAlgorithm,
            ),
            (
                r#"{"kty":"oct","k":"AA==","use":"sig"}"#,
                ErrorCode::InvalidKey,
            ),
        ];
        for (jwk, code) in cases {
            assert_eq!(Key::from_jwk(jwk).unwrap_err().code(), code, "{jwk}");
        }
    }

    #[test]
    fn jwk_round_trip() {
        for &alg in Algorithm::ALL {
            let key = Key::generate_with(alg, Some("kid-1")).unwrap();
            let private = key.to_jwk(true).unwrap();
            let again = Key::from_jwk(&private).unwrap();
            assert_eq!(again.alg(), alg);
            assert_eq!(again.kid(), Some("kid-1"));
            assert_eq!(again.thumbprint(), key.thumbprint());
            let sig = again.sign(b"m").unwrap();
            key.verify(b"m", &sig).unwrap();
            if alg.family() != crate::alg::KeyFamily::Hmac {
                let public = Key::from_jwk(&key.to_jwk(false).unwrap()).unwrap();
                assert!(!public.is_private());
                assert!(!key.to_jwk(false).unwrap().contains("\"d\""));
            } else {
                assert!(key.to_jwk(false).is_err());
            }
        }
    }
}
