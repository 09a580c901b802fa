//! Differential tests against the `jsonwebtoken` crate (9.3, on ring): for
//! every algorithm both implement, over many generated claim sets, tokens
//! each one signs the other verifies with equal claims; tampered tokens and
//! tokens that fail validation are rejected by both, for matching reasons.
//! Where the two libraries deliberately differ, `documented_divergences`
//! pins the difference down so that a change on either side is noticed.
//!
//! Claim sets come from a small deterministic PRNG (xorshift64*), so a
//! failure names its algorithm and case number and reproduces. Keys: a fixed
//! RSA-2048 PKCS#8 fixture (tests/fixtures/differential_rsa2048.pem), fresh
//! EC / Ed25519 keys from ring on every run, and HMAC secrets from the PRNG;
//! jsonwebtoken gets its verifying keys from Tessera's exported JWK, so the
//! export is under test too.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken as jwt;
use jsonwebtoken::errors::ErrorKind;
use serde_json::{Map, Number, Value};
use tessera::jwt::{Validation, Verifier};
use tessera::{Algorithm, ErrorCode, Key, KeySet};

const RSA_PEM: &str = include_str!("fixtures/differential_rsa2048.pem");

/// Claim sets per algorithm (RSA signing is cheap enough with ring at
/// opt-level 3 even in the dev profile). `TESSERA_DIFF_CASES` overrides it
/// and `TESSERA_DIFF_SEED` changes the seed, for longer exploratory runs.
const CASES: u64 = 100;

fn cases() -> u64 {
    std::env::var("TESSERA_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CASES)
}

fn base_seed() -> u64 {
    std::env::var("TESSERA_DIFF_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x7E55_E7A0)
}

// ---------------------------------------------------------------------------
// Deterministic generation

/// xorshift64*.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo) as u64) as i64
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Characters strings are made of: ASCII, JSON specials, controls, BMP and
/// astral Unicode, U+2028 (valid raw in JSON), a noncharacter.
const CHARS: &[char] = &[
    'a', 'b', 'z', 'A', 'Q', '0', '7', ' ', '-', '_', '.', ':', '/', '"', '\\', '\n', '\t', '\r',
    '\u{8}', '\u{c}', '\u{0}', '\u{1f}', '\u{7f}', 'é', 'ß', 'ø', '中', '文', 'Ж', '\u{2028}',
    '\u{feff}', '\u{ffff}', '😀', '𝄞', '🦀',
];

/// Generates JSON text and, independently, the `serde_json::Value` it must
/// parse to (checked against serde_json for every claim set).
struct Gen<'r> {
    rng: &'r mut Rng,
    /// Set when a number was written that JSON tools may not round-trip
    /// bit-exactly (an integer beyond 64 bits, parsed as a float).
    lossy: bool,
}

impl Gen<'_> {
    fn string_value(&mut self, max: u64) -> String {
        let n = self.rng.below(max + 1);
        (0..n).map(|_| *self.rng.pick(CHARS)).collect()
    }

    /// Writes `s` as a JSON string, escaping randomly (but always where JSON
    /// requires it).
    fn write_str(&mut self, out: &mut String, s: &str) {
        out.push('"');
        for c in s.chars() {
            let must = c == '"' || c == '\\' || (c as u32) < 0x20;
            if !must && !self.rng.chance(15) {
                out.push(c);
                continue;
            }
            let short = match c {
                '"' => Some("\\\""),
                '\\' => Some("\\\\"),
                '/' => Some("\\/"),
                '\n' => Some("\\n"),
                '\t' => Some("\\t"),
                '\r' => Some("\\r"),
                '\u{8}' => Some("\\b"),
                '\u{c}' => Some("\\f"),
                _ => None,
            };
            match short {
                Some(e) if self.rng.chance(70) => out.push_str(e),
                _ => {
                    let mut units = [0u16; 2];
                    for u in c.encode_utf16(&mut units) {
                        if self.rng.chance(50) {
                            out.push_str(&format!("\\u{u:04x}"));
                        } else {
                            out.push_str(&format!("\\u{u:04X}"));
                        }
                    }
                }
            }
        }
        out.push('"');
    }

    fn ws(&mut self, out: &mut String) {
        if self.rng.chance(10) {
            let w = *self.rng.pick(&[" ", "\n", "\t", "  ", "\r\n"]);
            out.push_str(w);
        }
    }

    fn number(&mut self, out: &mut String) -> Value {
        match self.rng.below(9) {
            0 => {
                let n = self.rng.range(-1000, 1000);
                out.push_str(&n.to_string());
                Value::from(n)
            }
            1 => {
                let random = self.rng.next();
                let n = *self
                    .rng
                    .pick(&[u64::MAX, (1 << 53) + 1, i64::MAX as u64, random]);
                out.push_str(&n.to_string());
                Value::from(n)
            }
            2 => {
                let random = -((self.rng.next() >> 1) as i64);
                let n = *self.rng.pick(&[i64::MIN, -(1 << 53) - 1, random]);
                out.push_str(&n.to_string());
                Value::from(n)
            }
            3 | 4 => {
                // A dyadic fraction: exactly representable, short decimal form.
                let f = self.rng.range(-1_000_000, 1_000_000) as f64
                    / (1u64 << self.rng.range(1, 11)) as f64;
                let text = format!("{f:?}");
                out.push_str(&text);
                Value::Number(Number::from_f64(f).unwrap())
            }
            5 => {
                let text = format!(
                    "{}{}{}",
                    self.rng.range(1, 1_000_000),
                    self.rng.pick(&["e", "E", "e+"]),
                    self.rng.range(0, 16)
                );
                out.push_str(&text);
                Value::Number(Number::from_f64(text.parse().unwrap()).unwrap())
            }
            6 => {
                let text = format!("{}e-{}", self.rng.range(1, 100_000), self.rng.range(1, 10));
                out.push_str(&text);
                Value::Number(Number::from_f64(text.parse().unwrap()).unwrap())
            }
            7 => {
                out.push_str("0.0");
                Value::Number(Number::from_f64(0.0).unwrap())
            }
            _ => {
                // Beyond u64: serde_json reads it as a float.
                let text = *self.rng.pick(&[
                    "18446744073709551616",
                    "123456789012345678901234567890",
                    "-9223372036854775809",
                ]);
                out.push_str(text);
                self.lossy = true;
                serde_json::from_str(text).unwrap()
            }
        }
    }

    fn value(&mut self, out: &mut String, depth: u32) -> Value {
        let kinds = if depth >= 4 { 5 } else { 7 };
        match self.rng.below(kinds) {
            0 => {
                let s = self.string_value(12);
                self.write_str(out, &s);
                Value::String(s)
            }
            1 => self.number(out),
            2 => {
                let b = self.rng.chance(50);
                out.push_str(if b { "true" } else { "false" });
                Value::Bool(b)
            }
            3 => {
                out.push_str("null");
                Value::Null
            }
            4 => {
                let s = self.string_value(3);
                self.write_str(out, &s);
                Value::String(s)
            }
            5 => {
                out.push('[');
                let n = self.rng.below(5);
                let mut items = Vec::new();
                for i in 0..n {
                    if i > 0 {
                        out.push(',');
                    }
                    self.ws(out);
                    items.push(self.value(out, depth + 1));
                    self.ws(out);
                }
                out.push(']');
                Value::Array(items)
            }
            _ => {
                let n = self.rng.below(5);
                let mut members = Vec::new();
                for i in 0..n {
                    let name = format!("m{i}_{}", self.string_value(4));
                    let v = {
                        let mut text = String::new();
                        let v = self.value(&mut text, depth + 1);
                        (text, v)
                    };
                    members.push((name, v));
                }
                self.object(out, members)
            }
        }
    }

    /// Writes an object from (name, (value text, value)) pairs.
    fn object(&mut self, out: &mut String, members: Vec<(String, (String, Value))>) -> Value {
        out.push('{');
        let mut map = Map::new();
        for (i, (name, (text, v))) in members.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            self.ws(out);
            self.write_str(out, &name);
            self.ws(out);
            out.push(':');
            self.ws(out);
            out.push_str(&text);
            self.ws(out);
            assert!(
                map.insert(name, v).is_none(),
                "generator made a duplicate name"
            );
        }
        out.push('}');
        Value::Object(map)
    }
}

// ---------------------------------------------------------------------------
// Claim sets and the matching validation policies

/// A generated claim set: its exact JSON text, its value, and a policy that
/// accepts it (or, for a negative case, the policy it is judged under).
struct Case {
    text: String,
    value: Value,
    lossy: bool,
    issuer: Option<Vec<String>>,
    audience: Option<Vec<String>>,
    subject: Option<String>,
}

/// How a negative case must fail.
#[derive(Clone, Copy, Debug)]
enum Negative {
    Expired,
    NotYetValid,
    WrongIssuer,
    WrongAudience,
    UnexpectedAudience,
    MissingExp,
    NonNumericExp,
    WrongSubject,
}

const NEGATIVES: [Negative; 8] = [
    Negative::Expired,
    Negative::NotYetValid,
    Negative::WrongIssuer,
    Negative::WrongAudience,
    Negative::UnexpectedAudience,
    Negative::MissingExp,
    Negative::NonNumericExp,
    Negative::WrongSubject,
];

impl Negative {
    /// Tessera's code and the matching jsonwebtoken error kind.
    fn expected(self) -> (ErrorCode, ErrorKind) {
        match self {
            Negative::Expired => (ErrorCode::Expired, ErrorKind::ExpiredSignature),
            Negative::NotYetValid => (ErrorCode::NotYetValid, ErrorKind::ImmatureSignature),
            Negative::WrongIssuer => (ErrorCode::InvalidIssuer, ErrorKind::InvalidIssuer),
            Negative::WrongAudience | Negative::UnexpectedAudience => {
                (ErrorCode::InvalidAudience, ErrorKind::InvalidAudience)
            }
            Negative::MissingExp => (
                ErrorCode::MissingClaim,
                ErrorKind::MissingRequiredClaim("exp".into()),
            ),
            // jsonwebtoken treats an `exp` it cannot read as a number as
            // absent (or, for an array, fails to parse the claims at all:
            // see `jwt_kind_matches`).
            Negative::NonNumericExp => (
                ErrorCode::InvalidClaim,
                ErrorKind::MissingRequiredClaim("exp".into()),
            ),
            Negative::WrongSubject => (ErrorCode::InvalidSubject, ErrorKind::InvalidSubject),
        }
    }
}

/// Whether jsonwebtoken's error is the one expected for `neg`.
fn jwt_kind_matches(neg: Negative, want: &ErrorKind, got: &ErrorKind) -> bool {
    match (neg, got) {
        // Its NumericDate visitor rejects an array without consuming it,
        // which leaves serde_json mid-value: a JSON error, still a rejection.
        (Negative::NonNumericExp, ErrorKind::Json(_)) => true,
        _ => got == want,
    }
}

/// A NumericDate as JSON text: an integer, sometimes a float or exponent form.
fn numeric_date(rng: &mut Rng, t: i64) -> (String, Value) {
    match rng.below(6) {
        0 => {
            // Half a second later: still on the same side of every boundary
            // used here (the distances are at least five seconds).
            let text = format!("{t}.5");
            let v = Value::Number(Number::from_f64(t as f64 + 0.5).unwrap());
            (text, v)
        }
        1 => {
            let text = format!("{t}.0");
            (text, Value::Number(Number::from_f64(t as f64).unwrap()))
        }
        _ => (t.to_string(), Value::from(t)),
    }
}

/// The registered member name as written: occasionally with an escape
/// (`"\u0065xp"` is `exp`).
fn member_name(g: &mut Gen<'_>, name: &str) -> String {
    let mut text = String::new();
    let registered = ["exp", "nbf", "iat", "iss", "sub", "aud", "jti"].contains(&name);
    if registered && g.rng.chance(10) {
        let mut chars = name.chars();
        let first = chars.next().unwrap();
        text.push('"');
        text.push_str(&format!("\\u{:04x}", first as u32));
        text.extend(chars);
        text.push('"');
    } else {
        g.write_str(&mut text, name);
    }
    text
}

fn generate(rng: &mut Rng, negative: Option<Negative>) -> Case {
    let now = now();
    let mut g = Gen { rng, lossy: false };
    // (name, (text, value)) in the order written.
    let mut members: Vec<(String, (String, Value))> = Vec::new();
    let push = |m: &mut Vec<(String, (String, Value))>, name: &str, tv: (String, Value)| {
        m.push((name.to_owned(), tv))
    };

    let exp = g.rng.range(60, 100_000_000);
    match negative {
        Some(Negative::Expired) => {
            let t = now - g.rng.range(5, 10_000_000);
            push(&mut members, "exp", numeric_date(g.rng, t));
        }
        Some(Negative::MissingExp) => {}
        Some(Negative::NonNumericExp) => {
            let (text, v) = match g.rng.below(4) {
                0 => (
                    format!("\"{}\"", now + exp),
                    Value::String((now + exp).to_string()),
                ),
                1 => ("null".to_owned(), Value::Null),
                2 => ("true".to_owned(), Value::Bool(true)),
                _ => (
                    format!("[{}]", now + exp),
                    Value::Array(vec![Value::from(now + exp)]),
                ),
            };
            push(&mut members, "exp", (text, v));
        }
        _ => push(&mut members, "exp", numeric_date(g.rng, now + exp)),
    }
    if matches!(negative, Some(Negative::NotYetValid)) {
        let t = now + g.rng.range(5, 1_000_000);
        push(&mut members, "nbf", numeric_date(g.rng, t));
    } else if g.rng.chance(30) {
        let t = now - g.rng.range(5, 1_000_000);
        push(&mut members, "nbf", numeric_date(g.rng, t));
    }
    if g.rng.chance(50) {
        let t = now - g.rng.range(5, 1_000_000);
        push(&mut members, "iat", numeric_date(g.rng, t));
    }

    let string_member = |g: &mut Gen<'_>, s: &str| {
        let mut text = String::new();
        g.write_str(&mut text, s);
        (text, Value::String(s.to_owned()))
    };

    let mut issuer = None;
    if matches!(negative, Some(Negative::WrongIssuer)) {
        let tv = string_member(&mut g, "https://evil.example");
        push(&mut members, "iss", tv);
        issuer = Some(vec!["https://issuer.example".to_owned()]);
    } else if g.rng.chance(50) {
        let iss = if g.rng.chance(50) {
            "https://issuer.example/".to_owned()
        } else {
            g.string_value(16)
        };
        let tv = string_member(&mut g, &iss);
        push(&mut members, "iss", tv);
        let mut accepted = vec!["https://other.example".to_owned(), iss];
        if g.rng.chance(50) {
            accepted.reverse();
        }
        issuer = Some(accepted);
    }

    let mut subject = None;
    if matches!(negative, Some(Negative::WrongSubject)) {
        let tv = string_member(&mut g, "mallory");
        push(&mut members, "sub", tv);
        subject = Some("alice".to_owned());
    } else if g.rng.chance(50) {
        let sub = g.string_value(10);
        let tv = string_member(&mut g, &sub);
        push(&mut members, "sub", tv);
        if g.rng.chance(50) {
            subject = Some(sub);
        }
    }

    let mut audience = None;
    let aud_list: Option<(Vec<String>, bool)> = match negative {
        Some(Negative::WrongAudience) => {
            audience = Some(vec!["api".to_owned()]);
            Some((vec!["evil".to_owned(), "api2".to_owned()], g.rng.chance(50)))
        }
        Some(Negative::UnexpectedAudience) => Some((vec!["api".to_owned()], g.rng.chance(50))),
        _ if g.rng.chance(50) => {
            let n = g.rng.range(1, 4) as usize;
            let auds: Vec<String> = (0..n)
                .map(|i| format!("aud{i}-{}", g.string_value(6)))
                .collect();
            let chosen = auds[g.rng.below(n as u64) as usize].clone();
            audience = Some(vec!["not-this-one".to_owned(), chosen]);
            Some((auds, n > 1 || g.rng.chance(50)))
        }
        _ => None,
    };
    if let Some((auds, as_array)) = aud_list {
        let tv = if as_array || auds.len() > 1 {
            let mut text = String::from("[");
            for (i, a) in auds.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                g.write_str(&mut text, a);
            }
            text.push(']');
            (
                text,
                Value::Array(auds.iter().cloned().map(Value::String).collect()),
            )
        } else {
            string_member(&mut g, &auds[0])
        };
        push(&mut members, "aud", tv);
    }
    if g.rng.chance(30) {
        let jti = g.string_value(20);
        let tv = string_member(&mut g, &jti);
        push(&mut members, "jti", tv);
    }
    for i in 0..g.rng.below(7) {
        let name = format!("c{i}_{}", g.string_value(5));
        let mut text = String::new();
        let v = g.value(&mut text, 1);
        members.push((name, (text, v)));
    }

    // Shuffle, then write (registered names occasionally escaped).
    for i in (1..members.len()).rev() {
        let j = g.rng.below(i as u64 + 1) as usize;
        members.swap(i, j);
    }
    let mut text = String::from("{");
    let mut map = Map::new();
    for (i, (name, (vtext, v))) in members.into_iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        g.ws(&mut text);
        let name_text = member_name(&mut g, &name);
        text.push_str(&name_text);
        text.push(':');
        g.ws(&mut text);
        text.push_str(&vtext);
        map.insert(name, v);
    }
    g.ws(&mut text);
    text.push('}');
    let value = Value::Object(map);
    let lossy = g.lossy;
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap(),
        value,
        "generator self-check: {text}"
    );
    Case {
        text,
        value,
        lossy,
        issuer,
        audience,
        subject,
    }
}

// ---------------------------------------------------------------------------
// The two sides

struct Keys {
    alg: Algorithm,
    jwt_alg: jwt::Algorithm,
    /// Tessera: signs.
    private: Key,
    /// Tessera: verifies (the public key; the secret for HMAC).
    public: Key,
    encoding: jwt::EncodingKey,
    decoding: jwt::DecodingKey,
    /// Bytes an attacker might try as an HMAC secret (alg confusion).
    public_bytes: Vec<u8>,
}

fn jwk_str(key: &Key, member: &str) -> String {
    let jwk: Value = serde_json::from_str(&key.to_jwk(false).unwrap()).unwrap();
    jwk[member].as_str().unwrap().to_owned()
}

fn jwt_alg(alg: Algorithm) -> jwt::Algorithm {
    match alg {
        Algorithm::HS256 => jwt::Algorithm::HS256,
        Algorithm::HS384 => jwt::Algorithm::HS384,
        Algorithm::HS512 => jwt::Algorithm::HS512,
        Algorithm::RS256 => jwt::Algorithm::RS256,
        Algorithm::RS384 => jwt::Algorithm::RS384,
        Algorithm::RS512 => jwt::Algorithm::RS512,
        Algorithm::PS256 => jwt::Algorithm::PS256,
        Algorithm::PS384 => jwt::Algorithm::PS384,
        Algorithm::PS512 => jwt::Algorithm::PS512,
        Algorithm::ES256 => jwt::Algorithm::ES256,
        Algorithm::ES384 => jwt::Algorithm::ES384,
        Algorithm::EdDSA => jwt::Algorithm::EdDSA,
    }
}

fn keys(alg: Algorithm, rng: &mut Rng) -> Keys {
    use ring::signature as rs;
    let kid = format!("k-{alg}");
    let (private, encoding) = match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => {
            let len = alg.hmac_min_secret_len().unwrap() + rng.below(17) as usize;
            let secret = rng.bytes(len);
            (
                Key::hmac(&secret, alg).unwrap(),
                jwt::EncodingKey::from_secret(&secret),
            )
        }
        Algorithm::ES256 | Algorithm::ES384 => {
            let signing = if alg == Algorithm::ES256 {
                &rs::ECDSA_P256_SHA256_FIXED_SIGNING
            } else {
                &rs::ECDSA_P384_SHA384_FIXED_SIGNING
            };
            let doc = rs::EcdsaKeyPair::generate_pkcs8(signing, &ring::rand::SystemRandom::new())
                .unwrap();
            (
                Key::from_der(doc.as_ref(), Some(alg)).unwrap(),
                jwt::EncodingKey::from_ec_der(doc.as_ref()),
            )
        }
        Algorithm::EdDSA => {
            let doc = rs::Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
            (
                Key::from_der(doc.as_ref(), Some(alg)).unwrap(),
                jwt::EncodingKey::from_ed_der(doc.as_ref()),
            )
        }
        _ => (
            Key::from_pem(RSA_PEM, Some(alg)).unwrap(),
            jwt::EncodingKey::from_rsa_pem(RSA_PEM.as_bytes()).unwrap(),
        ),
    };
    let private = private.with_kid(Some(&kid));
    let public = if alg.hmac_min_secret_len().is_some() {
        private.clone()
    } else {
        private.public().unwrap()
    };
    if alg.hmac_min_secret_len().is_none() {
        assert!(!public.to_jwk(false).unwrap().contains("\"d\""));
    }
    let (decoding, public_bytes) = match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => {
            let secret = URL_SAFE_NO_PAD
                .decode(jwk_str_private(&private, "k"))
                .unwrap();
            (jwt::DecodingKey::from_secret(&secret), Vec::new())
        }
        Algorithm::ES256 | Algorithm::ES384 => {
            let (x, y) = (jwk_str(&public, "x"), jwk_str(&public, "y"));
            (
                jwt::DecodingKey::from_ec_components(&x, &y).unwrap(),
                public.to_jwk(false).unwrap().into_bytes(),
            )
        }
        Algorithm::EdDSA => {
            let x = jwk_str(&public, "x");
            (
                jwt::DecodingKey::from_ed_components(&x).unwrap(),
                URL_SAFE_NO_PAD.decode(&x).unwrap(),
            )
        }
        _ => {
            let (n, e) = (jwk_str(&public, "n"), jwk_str(&public, "e"));
            (
                jwt::DecodingKey::from_rsa_components(&n, &e).unwrap(),
                URL_SAFE_NO_PAD.decode(&n).unwrap(),
            )
        }
    };
    Keys {
        alg,
        jwt_alg: jwt_alg(alg),
        private,
        public,
        encoding,
        decoding,
        public_bytes,
    }
}

fn jwk_str_private(key: &Key, member: &str) -> String {
    let jwk: Value = serde_json::from_str(&key.to_jwk(true).unwrap()).unwrap();
    jwk[member].as_str().unwrap().to_owned()
}

fn tessera_verifier(k: &Keys, c: &Case) -> Verifier {
    let validation = Validation {
        issuer: c.issuer.clone(),
        audience: c.audience.clone(),
        subject: c.subject.clone(),
        ..Validation::default()
    };
    Verifier::new(KeySet::from(k.public.clone()), validation).unwrap()
}

/// jsonwebtoken's equivalent of the Tessera policy: no leeway, `nbf`
/// checked, and a configured issuer / audience / subject also required
/// (Tessera requires them; jsonwebtoken only checks them when present).
fn jwt_validation(k: &Keys, c: &Case) -> jwt::Validation {
    let mut v = jwt::Validation::new(k.jwt_alg);
    v.leeway = 0;
    v.validate_nbf = true;
    let mut required = vec!["exp"];
    if let Some(iss) = &c.issuer {
        v.set_issuer(iss);
        required.push("iss");
    }
    if let Some(aud) = &c.audience {
        v.set_audience(aud);
        required.push("aud");
    }
    if let Some(sub) = &c.subject {
        v.sub = Some(sub.clone());
        required.push("sub");
    }
    v.set_required_spec_claims(&required);
    v
}

fn jwt_decode(token: &str, k: &Keys, v: &jwt::Validation) -> Result<Value, ErrorKind> {
    jwt::decode::<Value>(token, &k.decoding, v)
        .map(|d| d.claims)
        .map_err(|e| e.into_kind())
}

fn b64_json(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(text.as_bytes())
}

fn payload_text(token: &str) -> String {
    let seg = token.split('.').nth(1).unwrap();
    String::from_utf8(URL_SAFE_NO_PAD.decode(seg).unwrap()).unwrap()
}

/// Checks Tessera's parsed registered claims against the generated value.
fn check_registered(claims: &tessera::jwt::Claims, value: &Value, ctx: &str) {
    let r = claims.registered();
    let num = |name: &str| value.get(name).and_then(Value::as_f64);
    let text = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
    assert_eq!(r.exp, num("exp"), "{ctx}: exp");
    assert_eq!(r.nbf, num("nbf"), "{ctx}: nbf");
    assert_eq!(r.iat, num("iat"), "{ctx}: iat");
    assert_eq!(r.iss, text("iss"), "{ctx}: iss");
    assert_eq!(r.sub, text("sub"), "{ctx}: sub");
    assert_eq!(r.jti, text("jti"), "{ctx}: jti");
    let aud = match value.get("aud") {
        None => None,
        Some(Value::String(s)) => Some(vec![s.clone()]),
        Some(Value::Array(a)) => Some(a.iter().map(|v| v.as_str().unwrap().to_owned()).collect()),
        Some(other) => panic!("{ctx}: generated aud {other}"),
    };
    assert_eq!(r.aud, aud, "{ctx}: aud");
}

/// Variants of a valid token that must be rejected by both.
fn tampered(token: &str, rng: &mut Rng) -> Vec<(String, &'static str)> {
    let parts: Vec<&str> = token.split('.').collect();
    let mut out = Vec::new();

    // One bit of one signature byte.
    let mut sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    let i = rng.below(sig.len() as u64) as usize;
    sig[i] ^= 1 << rng.below(8);
    out.push((
        format!("{}.{}.{}", parts[0], parts[1], URL_SAFE_NO_PAD.encode(&sig)),
        "signature bit flipped",
    ));

    // One character of the payload segment replaced by another alphabet character.
    let mut payload = parts[1].as_bytes().to_vec();
    let i = rng.below(payload.len() as u64) as usize;
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut c = *rng.pick(alphabet);
    while c == payload[i] {
        c = *rng.pick(alphabet);
    }
    payload[i] = c;
    out.push((
        format!(
            "{}.{}.{}",
            parts[0],
            String::from_utf8(payload).unwrap(),
            parts[2]
        ),
        "payload character changed",
    ));

    // A meaningful change: the claims re-encoded with a later exp.
    let mut claims: Value = serde_json::from_str(&payload_text(token)).unwrap();
    claims["exp"] = Value::from(4_102_444_800u64);
    claims["admin"] = Value::Bool(true);
    out.push((
        format!(
            "{}.{}.{}",
            parts[0],
            b64_json(&claims.to_string()),
            parts[2]
        ),
        "claims re-encoded",
    ));

    // Signature stripped.
    out.push((format!("{}.{}.", parts[0], parts[1]), "signature removed"));
    out
}

/// Forged tokens: `alg: none`, and (for public-key algorithms) an HMAC over
/// the token keyed with public key bytes (algorithm confusion).
fn forged(k: &Keys, claims_text: &str) -> Vec<(String, &'static str)> {
    let payload = b64_json(claims_text);
    let mut out = vec![(
        format!("{}.{payload}.", b64_json(r#"{"alg":"none","typ":"JWT"}"#)),
        "alg none",
    )];
    if !k.public_bytes.is_empty() {
        let input = format!("{}.{payload}", b64_json(r#"{"alg":"HS256","typ":"JWT"}"#));
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &k.public_bytes);
        let tag = ring::hmac::sign(&key, input.as_bytes());
        out.push((
            format!("{input}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref())),
            "HS256 keyed with the public key",
        ));
    }
    out
}

/// Everything for one algorithm; returns the number of checks made.
fn differential(alg: Algorithm) -> usize {
    let seed = base_seed() ^ ((alg as u64 + 1) * 0x1_0000_0001);
    let mut rng = Rng::new(seed);
    let k = keys(alg, &mut rng);
    let mut checks = 0;

    for case in 0..cases() {
        let c = generate(&mut rng, None);
        let ctx = format!("{alg} case {case} (seed {seed:#x}): {}", c.text);
        let verifier = tessera_verifier(&k, &c);
        let validation = jwt_validation(&k, &c);

        // Tessera signs, jsonwebtoken verifies.
        let header = if rng.chance(30) {
            Some(r#"{"cty":"x"}"#)
        } else {
            None
        };
        let t_token = tessera::jwt::encode(&c.text, &k.private, header).unwrap();
        assert_eq!(
            payload_text(&t_token),
            c.text,
            "{ctx}: signed byte for byte"
        );
        let got = jwt_decode(&t_token, &k, &validation)
            .unwrap_or_else(|e| panic!("{ctx}: jsonwebtoken rejected Tessera's token: {e:?}"));
        assert_eq!(got, c.value, "{ctx}: jsonwebtoken's claims");
        // And Tessera verifies its own.
        let own = verifier.verify(&t_token).unwrap();
        assert_eq!(own.json(), c.text, "{ctx}");
        check_registered(&own, &c.value, &ctx);

        // jsonwebtoken signs, Tessera verifies.
        let mut jheader = jwt::Header::new(k.jwt_alg);
        if rng.chance(50) {
            jheader.kid = Some(format!("k-{alg}"));
        }
        let j_token = jwt::encode(&jheader, &c.value, &k.encoding).unwrap();
        let claims = verifier
            .verify(&j_token)
            .unwrap_or_else(|e| panic!("{ctx}: Tessera rejected jsonwebtoken's token: {e:?}"));
        let j_payload = payload_text(&j_token);
        assert_eq!(claims.json(), j_payload, "{ctx}");
        assert_eq!(
            claims.to_value(),
            serde_json::from_str::<Value>(&j_payload).unwrap(),
            "{ctx}"
        );
        if !c.lossy {
            assert_eq!(claims.to_value(), c.value, "{ctx}: Tessera's claims");
            check_registered(&claims, &c.value, &ctx);
        }
        checks += 5;

        // Tampered and forged tokens: rejected by both.
        for token in [&t_token, &j_token] {
            for (bad, what) in tampered(token, &mut rng) {
                let t = verifier.verify(&bad);
                let j = jwt_decode(&bad, &k, &validation);
                assert!(t.is_err(), "{ctx}: Tessera accepted a token with {what}");
                assert!(
                    j.is_err(),
                    "{ctx}: jsonwebtoken accepted a token with {what}"
                );
                if what == "signature bit flipped" || what == "claims re-encoded" {
                    assert_eq!(
                        t.unwrap_err().code(),
                        ErrorCode::InvalidSignature,
                        "{ctx}: {what}"
                    );
                    assert_eq!(j.unwrap_err(), ErrorKind::InvalidSignature, "{ctx}: {what}");
                }
                checks += 2;
            }
        }
        for (bad, what) in forged(&k, &c.text) {
            let t = verifier.verify(&bad).unwrap_err();
            assert!(
                matches!(
                    t.code(),
                    ErrorCode::AlgorithmNotAllowed | ErrorCode::KeyNotFound
                ),
                "{ctx}: {what}: {t:?}"
            );
            assert!(
                jwt_decode(&bad, &k, &validation).is_err(),
                "{ctx}: jsonwebtoken accepted {what}"
            );
            checks += 2;
        }

        // A claim set that fails validation, for the same reason in both.
        let neg = NEGATIVES[case as usize % NEGATIVES.len()];
        let n = generate(&mut rng, Some(neg));
        let ctx = format!("{alg} case {case} {neg:?}: {}", n.text);
        let (code, kind) = neg.expected();
        let verifier = tessera_verifier(&k, &n);
        let validation = jwt_validation(&k, &n);
        let t_token = tessera::jwt::encode(&n.text, &k.private, None).unwrap();
        let j_token = jwt::encode(&jwt::Header::new(k.jwt_alg), &n.value, &k.encoding).unwrap();
        for token in [&t_token, &j_token] {
            let t = verifier.verify(token).map(|_| ()).unwrap_err();
            assert_eq!(t.code(), code, "{ctx}: Tessera: {t:?}");
            let j = jwt_decode(token, &k, &validation).unwrap_err();
            assert!(
                jwt_kind_matches(neg, &kind, &j),
                "{ctx}: jsonwebtoken: {j:?}, expected {kind:?}"
            );
            checks += 2;
        }
    }
    checks
}

macro_rules! differential_tests {
    ($($name:ident => $alg:ident,)*) => {$(
        #[test]
        fn $name() {
            let checks = differential(Algorithm::$alg);
            assert!(checks >= cases() as usize * 20, "{checks}");
        }
    )*};
}

differential_tests! {
    hs256 => HS256,
    hs384 => HS384,
    hs512 => HS512,
    rs256 => RS256,
    rs384 => RS384,
    rs512 => RS512,
    ps256 => PS256,
    ps384 => PS384,
    ps512 => PS512,
    es256 => ES256,
    es384 => ES384,
    eddsa => EdDSA,
}

/// A key Tessera generates, exported as a private JWK and loaded into
/// jsonwebtoken through a PKCS#1 document built from the JWK: both directions.
#[test]
fn generated_rsa_key_round_trips_through_jwk() {
    fn der_len(out: &mut Vec<u8>, len: usize) {
        if len < 0x80 {
            out.push(len as u8);
        } else {
            let bytes: Vec<u8> = len
                .to_be_bytes()
                .into_iter()
                .skip_while(|&b| b == 0)
                .collect();
            out.push(0x80 | bytes.len() as u8);
            out.extend(bytes);
        }
    }
    fn der_uint(out: &mut Vec<u8>, be: &[u8]) {
        let be: Vec<u8> = be.iter().copied().skip_while(|&b| b == 0).collect();
        let pad = match be.first() {
            None => true,
            Some(&b) => b & 0x80 != 0,
        };
        out.push(0x02);
        der_len(out, be.len() + pad as usize);
        if pad {
            out.push(0);
        }
        out.extend(be);
    }
    let key = Key::generate(Algorithm::RS256).unwrap();
    let jwk: Value = serde_json::from_str(&key.to_jwk(true).unwrap()).unwrap();
    let mut body = Vec::new();
    der_uint(&mut body, &[0]);
    for m in ["n", "e", "d", "p", "q", "dp", "dq", "qi"] {
        der_uint(
            &mut body,
            &URL_SAFE_NO_PAD.decode(jwk[m].as_str().unwrap()).unwrap(),
        );
    }
    let mut pkcs1 = vec![0x30];
    der_len(&mut pkcs1, body.len());
    pkcs1.extend(body);

    let public = key.public().unwrap();
    let decoding =
        jwt::DecodingKey::from_rsa_components(&jwk_str(&public, "n"), &jwk_str(&public, "e"))
            .unwrap();
    let k = Keys {
        alg: Algorithm::RS256,
        jwt_alg: jwt::Algorithm::RS256,
        private: key,
        public,
        encoding: jwt::EncodingKey::from_rsa_der(&pkcs1),
        decoding,
        public_bytes: Vec::new(),
    };
    assert_eq!(k.alg, Algorithm::RS256);
    let mut rng = Rng::new(99);
    for case in 0..5 {
        let c = generate(&mut rng, None);
        let ctx = format!("generated RSA case {case}");
        let t_token = tessera::jwt::encode(&c.text, &k.private, None).unwrap();
        assert_eq!(
            jwt_decode(&t_token, &k, &jwt_validation(&k, &c)).unwrap(),
            c.value,
            "{ctx}"
        );
        let j_token = jwt::encode(&jwt::Header::new(k.jwt_alg), &c.value, &k.encoding).unwrap();
        tessera_verifier(&k, &c).verify(&j_token).unwrap();
        // RS256 is deterministic: both produce the very same signature.
        let j_same = jwt::encode(
            &jwt::Header::new(k.jwt_alg),
            &serde_json::from_str::<Value>(&payload_text(&t_token)).unwrap(),
            &k.encoding,
        )
        .unwrap();
        if payload_text(&j_same) == c.text {
            assert_eq!(j_same.split('.').nth(2), t_token.split('.').nth(2), "{ctx}");
        }
    }
}

/// Where Tessera and jsonwebtoken 9.3 deliberately disagree. Each assertion
/// states today's behaviour of both; if one changes, revisit the docs.
#[test]
fn documented_divergences() {
    let mut rng = Rng::new(7);
    let k = keys(Algorithm::HS256, &mut rng);
    let now = now();
    let sign = |text: &str| tessera::jwt::encode(text, &k.private, None).unwrap();
    // For claims tessera::jwt::encode refuses to sign (duplicate names).
    let forge = |text: &str| {
        let input = format!(
            "{}.{}",
            b64_json(r#"{"alg":"HS256","typ":"JWT"}"#),
            b64_json(text)
        );
        let sig = k.private.sign(input.as_bytes()).unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
    };
    let tessera = |token: &str, v: Validation| {
        Verifier::new(KeySet::from(k.public.clone()), v)
            .unwrap()
            .verify(token)
            .map(|_| ())
            .map_err(|e| e.code())
    };
    let jwt_default = || {
        let mut v = jwt::Validation::new(jwt::Algorithm::HS256);
        v.leeway = 0;
        v.validate_nbf = true;
        v
    };
    let exp = now + 3600;

    // 1. A configured issuer when the token has no `iss`: Tessera requires it;
    //    jsonwebtoken only checks an `iss` that is present (unless "iss" is
    //    in required_spec_claims).
    let t = sign(&format!(r#"{{"exp":{exp}}}"#));
    let v = Validation {
        issuer: Some(vec!["https://issuer.example".into()]),
        ..Validation::default()
    };
    assert_eq!(tessera(&t, v), Err(ErrorCode::MissingClaim));
    let mut jv = jwt_default();
    jv.set_issuer(&["https://issuer.example"]);
    assert!(jwt_decode(&t, &k, &jv).is_ok());

    // 2. The same for a configured audience and no `aud`.
    let v = Validation {
        audience: Some(vec!["api".into()]),
        ..Validation::default()
    };
    assert_eq!(tessera(&t, v), Err(ErrorCode::MissingClaim));
    let mut jv = jwt_default();
    jv.set_audience(&["api"]);
    assert!(jwt_decode(&t, &k, &jv).is_ok());

    // 3. A configured subject and no `sub`.
    let v = Validation {
        subject: Some("alice".into()),
        ..Validation::default()
    };
    assert_eq!(tessera(&t, v), Err(ErrorCode::MissingClaim));
    let mut jv = jwt_default();
    jv.sub = Some("alice".into());
    assert!(jwt_decode(&t, &k, &jv).is_ok());

    // 4. `iss` as an array: not a StringOrURI, so INVALID_CLAIM in Tessera;
    //    jsonwebtoken accepts it when any element matches.
    let t = sign(&format!(
        r#"{{"exp":{exp},"iss":["https://issuer.example"]}}"#
    ));
    let v = Validation {
        issuer: Some(vec!["https://issuer.example".into()]),
        ..Validation::default()
    };
    assert_eq!(tessera(&t, v), Err(ErrorCode::InvalidClaim));
    let mut jv = jwt_default();
    jv.set_issuer(&["https://issuer.example"]);
    assert!(jwt_decode(&t, &k, &jv).is_ok());

    // 5. `iat` in the future: Tessera rejects it; jsonwebtoken never checks iat.
    let t = sign(&format!(r#"{{"exp":{exp},"iat":{}}}"#, now + 600));
    assert_eq!(
        tessera(&t, Validation::default()),
        Err(ErrorCode::IssuedInFuture)
    );
    assert!(jwt_decode(&t, &k, &jwt_default()).is_ok());

    // 6. Duplicate claim names: Tessera refuses the token as MALFORMED;
    //    jsonwebtoken's serde structs refuse a duplicated registered claim
    //    too (as a JSON error), but take the last of a duplicated custom one.
    //    (tessera::jwt::encode refuses to sign either.)
    let dup = format!(r#"{{"exp":{exp},"exp":{}}}"#, now - 600);
    assert_eq!(
        tessera::jwt::encode(&dup, &k.private, None)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidArgument
    );
    let t = forge(&dup);
    assert_eq!(
        tessera(&t, Validation::default()),
        Err(ErrorCode::Malformed)
    );
    assert!(matches!(
        jwt_decode(&t, &k, &jwt_default()),
        Err(ErrorKind::Json(_))
    ));
    let t = forge(&format!(r#"{{"exp":{exp},"role":"user","role":"admin"}}"#));
    assert_eq!(
        tessera(&t, Validation::default()),
        Err(ErrorCode::Malformed)
    );
    assert_eq!(jwt_decode(&t, &k, &jwt_default()).unwrap()["role"], "admin");
    // At any depth, and also when the names are only equal once unescaped.
    let t = forge(&format!(r#"{{"exp":{exp},"c":[{{"a":1,"\u0061":2}}]}}"#));
    assert_eq!(
        tessera(&t, Validation::default()),
        Err(ErrorCode::Malformed)
    );
    assert_eq!(jwt_decode(&t, &k, &jwt_default()).unwrap()["c"][0]["a"], 2);

    // 7. Negative and fractional NumericDates: Tessera compares them as
    //    numbers; jsonwebtoken rounds a float to the nearest second and
    //    treats a negative one as absent (so "missing exp").
    let t = sign(&format!(r#"{{"exp":{exp}.7}}"#));
    assert_eq!(tessera(&t, Validation::default()), Ok(()));
    assert!(jwt_decode(&t, &k, &jwt_default()).is_ok());
    let t = sign(r#"{"exp":-1}"#);
    assert_eq!(tessera(&t, Validation::default()), Err(ErrorCode::Expired));
    assert_eq!(
        jwt_decode(&t, &k, &jwt_default()).unwrap_err(),
        ErrorKind::MissingRequiredClaim("exp".into())
    );

    // 8. Defaults: jsonwebtoken's default leeway is 60 s and it skips nbf;
    //    Tessera's leeway is 0 and it checks nbf.
    let t = sign(&format!(r#"{{"exp":{},"nbf":{}}}"#, now - 20, now + 20));
    assert_eq!(tessera(&t, Validation::default()), Err(ErrorCode::Expired));
    assert!(jwt_decode(&t, &k, &jwt::Validation::new(jwt::Algorithm::HS256)).is_ok());
    let t = sign(&format!(r#"{{"exp":{exp},"nbf":{}}}"#, now + 3600));
    assert_eq!(
        tessera(&t, Validation::default()),
        Err(ErrorCode::NotYetValid)
    );
    assert!(jwt_decode(&t, &k, &jwt::Validation::new(jwt::Algorithm::HS256)).is_ok());

    // 9. Weak HMAC secrets: jsonwebtoken signs with any secret; Tessera
    //    refuses one shorter than the hash unless allow_weak is set.
    assert_eq!(
        Key::hmac(b"short", Algorithm::HS256).unwrap_err().code(),
        ErrorCode::InvalidKey
    );
    assert!(jwt::encode(
        &jwt::Header::new(jwt::Algorithm::HS256),
        &serde_json::json!({"exp": exp}),
        &jwt::EncodingKey::from_secret(b"short"),
    )
    .is_ok());

    // 10. Registered claims of the wrong type are INVALID_CLAIM in Tessera
    //     even when no policy looks at them; jsonwebtoken ignores what it
    //     does not validate.
    for claims in [
        format!(r#"{{"exp":{exp},"sub":123}}"#),
        format!(r#"{{"exp":{exp},"jti":["a"]}}"#),
        format!(r#"{{"exp":{exp},"iat":"yesterday"}}"#),
        format!(r#"{{"exp":{exp},"aud":["api",7]}}"#),
    ] {
        let t = sign(&claims);
        let v = Validation {
            audience: Some(vec!["api".into()]),
            ..Validation::default()
        };
        assert_eq!(tessera(&t, v), Err(ErrorCode::InvalidClaim), "{claims}");
        let mut jv = jwt_default();
        jv.set_audience(&["api"]);
        // (An `aud` it cannot read counts as absent, as in 2.)
        let j = jwt_decode(&t, &k, &jv);
        assert!(j.is_ok(), "{claims}: {j:?}");
    }
}

/// Whether JSON text has a duplicate member name at any depth (serde_json
/// itself keeps the last one silently).
fn has_duplicate_names(text: &[u8]) -> bool {
    use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
    use std::fmt;

    struct Dup;
    impl<'de> DeserializeSeed<'de> for Dup {
        type Value = bool;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            d.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Dup {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("JSON")
        }
        fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_str<E>(self, _: &str) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_unit<E>(self) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
            let mut dup = false;
            while let Some(d) = seq.next_element_seed(Dup)? {
                dup |= d;
            }
            Ok(dup)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            let mut names = std::collections::HashSet::new();
            let mut dup = false;
            while let Some(name) = map.next_key::<String>()? {
                dup |= !names.insert(name);
                dup |= map.next_value_seed(Dup)?;
            }
            Ok(dup)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(text);
    Dup.deserialize(&mut de).unwrap_or(false)
}

/// JSON strictness, end to end: claims whose custom value was mutated at
/// the byte level (deleted, inserted, replaced, duplicated or swapped bytes,
/// including stray UTF-8 lead/continuation bytes) are signed correctly and
/// handed to both libraries. They must agree on accepting or rejecting
/// each, and on the claims when they accept. The one expected difference,
/// a duplicate member name (Tessera: MALFORMED at any depth), is checked
/// separately.
#[test]
fn json_strictness_agreement() {
    let mut rng = Rng::new(base_seed() ^ 0x15_0A);
    let k = keys(Algorithm::HS256, &mut rng);
    let verifier = Verifier::new(KeySet::from(k.public.clone()), Validation::default()).unwrap();
    let mut validation = jwt::Validation::new(jwt::Algorithm::HS256);
    validation.leeway = 0;
    validation.validate_nbf = true;
    let header = b64_json(r#"{"alg":"HS256","typ":"JWT"}"#);
    let exp = now() + 3600;
    const BYTES: &[u8] = b"\"\\{}[],:01-+.eEtfnu/bx \t\n\x7f\x00\x1f\x80\xbf\xc3\xe2\xf0\xff";
    let (mut accepted, mut rejected, mut duplicates) = (0, 0, 0);
    for case in 0..cases() * 10 {
        let mut value = Vec::new();
        let mut text = String::new();
        Gen {
            rng: &mut rng,
            lossy: false,
        }
        .value(&mut text, 1);
        value.extend_from_slice(text.as_bytes());
        for _ in 0..rng.range(1, 3) {
            let i = rng.below(value.len() as u64 + 1) as usize;
            let at = i.min(value.len().saturating_sub(1));
            match rng.below(5) {
                0 if !value.is_empty() => {
                    value.remove(at);
                }
                1 if !value.is_empty() => value[at] = *rng.pick(BYTES),
                2 if !value.is_empty() => value.insert(at, value[at]),
                3 if value.len() > 1 && at + 1 < value.len() => value.swap(at, at + 1),
                _ => value.insert(i, *rng.pick(BYTES)),
            }
        }
        let mut payload = format!(r#"{{"exp":{exp},"c":"#).into_bytes();
        payload.extend_from_slice(&value);
        payload.push(b'}');
        let input = format!("{header}.{}", URL_SAFE_NO_PAD.encode(&payload));
        let sig = k.private.sign(input.as_bytes()).unwrap();
        let token = format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig));
        let ctx = format!("case {case}: {:?}", String::from_utf8_lossy(&payload));

        let t = verifier.verify(&token);
        let j = jwt_decode(&token, &k, &validation);
        if has_duplicate_names(&payload) {
            assert_eq!(t.unwrap_err().code(), ErrorCode::Malformed, "{ctx}");
            duplicates += 1;
            continue;
        }
        match (t, j) {
            (Ok(t), Ok(j)) => {
                assert_eq!(t.json().as_bytes(), payload.as_slice(), "{ctx}");
                assert_eq!(t.to_value(), j, "{ctx}");
                accepted += 1;
            }
            (Err(t), Err(_)) => {
                assert_eq!(t.code(), ErrorCode::Malformed, "{ctx}: {t:?}");
                rejected += 1;
            }
            (t, j) => panic!(
                "{ctx}: disagreement: Tessera {:?}, jsonwebtoken {:?}",
                t.map(|c| c.into_json()),
                j
            ),
        }
    }
    eprintln!("accepted {accepted}, rejected {rejected}, duplicates {duplicates}");
    // Both outcomes were exercised (the exact split depends on the seed).
    assert!(
        accepted > 10 && rejected > 10,
        "{accepted} {rejected} {duplicates}"
    );
}
