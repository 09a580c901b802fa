//! Secrets hygiene (issue 11): no error message and no `Debug` output of a
//! public type ever contains a secret (HMAC secrets, private key members,
//! cookie secrets, `secret_key_base`, session ids, refresh tokens, CSRF
//! session bindings) or a whole token or cookie, in any encoding.
//!
//! Every secret is registered in a [`Guard`] in its raw, hex (both cases),
//! standard base64 and base64url forms (padded and unpadded); tokens, cookies
//! and PEM/JWK texts as they are. A checked text fails if it contains any
//! 20-byte window of any of those forms (or a whole form shorter than that),
//! so a prefix, a suffix or a middle piece of a secret is caught too.
//!
//! Then: many failing calls (bad and tampered tokens, wrong keys, tampered
//! and truncated cookies of every format, bad JWK/PEM/DER holding private
//! material, session and refresh-token misuse, garbage store records) must
//! fail, and `err.to_string()`, `format!("{err:?}")`, `err.message()` and
//! `err.claim()` are checked; and `format!("{x:?}")` of every public type
//! that holds a secret is checked.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use tessera::cookie::csrf::CsrfTokens;
use tessera::cookie::express::{ExpressCookieSession, ExpressSessionId};
use tessera::cookie::flask::FlaskCookie;
use tessera::cookie::itsdangerous::{
    Signer, SignerOptions, TimestampSigner, URLSafeTimedSerializer,
};
use tessera::cookie::native::{SessionCookie, SessionCookieOptions};
use tessera::cookie::rails::{RailsCookie, RailsDigest};
use tessera::jwt::{self, Validation, Verifier};
use tessera::session::{
    Denylist, MemoryStore, RedisOptions, RedisStore, RefreshTokens, SessionManager, SessionStore,
};
use tessera::{jws, Algorithm, Error, ErrorCode, Key, KeyOptions, KeySet};

const WINDOW: usize = 20;
const NOW: i64 = 1_800_000_000;

/// Deterministic bytes (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| (self.next() >> 32) as u8).collect()
    }
    /// Printable secret text (letters and digits), as apps write secrets.
    fn text(&mut self, n: usize) -> String {
        const A: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        (0..n)
            .map(|_| A[(self.next() % A.len() as u64) as usize] as char)
            .collect()
    }
}

/// What must never appear, and what was checked.
#[derive(Default)]
struct Guard {
    windows: HashSet<Vec<u8>>,
    short: Vec<(String, Vec<u8>)>,
    labels: Vec<(Vec<u8>, String)>,
    checked: usize,
    failures: Vec<String>,
}

fn hex(b: &[u8], upper: bool) -> String {
    b.iter()
        .map(|x| {
            if upper {
                format!("{x:02X}")
            } else {
                format!("{x:02x}")
            }
        })
        .collect()
}

impl Guard {
    fn needle(&mut self, label: &str, n: &[u8]) {
        if n.len() < WINDOW {
            self.short.push((label.to_owned(), n.to_vec()));
            return;
        }
        for w in n.windows(WINDOW) {
            if self.windows.insert(w.to_vec()) {
                self.labels.push((w.to_vec(), label.to_owned()));
            }
        }
    }

    /// A secret in every encoding.
    fn secret(&mut self, label: &str, s: &[u8]) {
        assert!(s.len() >= 12, "{label}: too short to be guarded reliably");
        self.needle(&format!("{label} (raw)"), s);
        self.needle(&format!("{label} (hex)"), hex(s, false).as_bytes());
        self.needle(&format!("{label} (HEX)"), hex(s, true).as_bytes());
        for (name, e) in [
            ("base64", STANDARD.encode(s)),
            ("base64 unpadded", STANDARD_NO_PAD.encode(s)),
            ("base64url", URL_SAFE.encode(s)),
            ("base64url unpadded", URL_SAFE_NO_PAD.encode(s)),
        ] {
            self.needle(&format!("{label} ({name})"), e.as_bytes());
        }
    }

    /// A token, cookie or key text, as it is.
    fn text(&mut self, label: &str, t: &str) {
        self.needle(label, t.as_bytes());
    }

    /// A mutated input: guarded when long enough to be more than a fragment
    /// (a 3-byte prefix of a cookie is "t1.", which messages may well say).
    fn input(&mut self, label: &str, t: &str) {
        if t.len() >= WINDOW {
            self.needle(label, t.as_bytes());
        }
    }

    /// The private members of a key, from its private JWK (and the JWK text).
    fn key(&mut self, label: &str, key: &Key) {
        let jwk = key.to_jwk(true).unwrap();
        let v: serde_json::Value = serde_json::from_str(&jwk).unwrap();
        for m in ["k", "d", "p", "q", "dp", "dq", "qi"] {
            if let Some(s) = v.get(m).and_then(|x| x.as_str()) {
                let raw = URL_SAFE_NO_PAD.decode(s).unwrap();
                if raw.len() >= 12 {
                    self.secret(&format!("{label}.{m}"), &raw);
                } else {
                    self.needle(&format!("{label}.{m}"), s.as_bytes());
                }
            }
        }
    }

    fn check(&mut self, context: &str, hay: &str) {
        self.checked += 1;
        let h = hay.as_bytes();
        for w in h.windows(WINDOW) {
            if self.windows.contains(w) {
                let label = self
                    .labels
                    .iter()
                    .find(|(x, _)| x == w)
                    .map_or("?", |(_, l)| l.as_str());
                self.failures
                    .push(format!("{context}: contains a piece of {label}: {hay:?}"));
                return;
            }
        }
        for (label, n) in &self.short {
            if !n.is_empty() && h.windows(n.len()).any(|w| w == &n[..]) {
                self.failures
                    .push(format!("{context}: contains {label}: {hay:?}"));
                return;
            }
        }
    }

    /// Every text form of an error.
    fn error(&mut self, context: &str, e: &Error) {
        self.check(&format!("{context} Display"), &e.to_string());
        self.check(&format!("{context} Debug"), &format!("{e:?}"));
        self.check(&format!("{context} message"), e.message());
        if let Some(c) = e.claim() {
            self.check(&format!("{context} claim"), c);
        }
    }

    /// `r` must be an error (any code unless `codes` is non-empty); its text is checked.
    fn fails<T>(&mut self, context: &str, r: tessera::Result<T>, codes: &[ErrorCode]) {
        match r {
            Ok(_) => self.failures.push(format!("{context}: succeeded")),
            Err(e) => {
                if !codes.is_empty() && !codes.contains(&e.code()) {
                    self.failures
                        .push(format!("{context}: unexpected code {:?}", e.code()));
                }
                self.error(context, &e);
            }
        }
    }

    fn debug(&mut self, context: &str, x: &dyn std::fmt::Debug) {
        self.check(&format!("{context} Debug"), &format!("{x:?}"));
        self.check(&format!("{context} Debug (pretty)"), &format!("{x:#?}"));
    }

    fn finish(self, what: &str, at_least: usize) {
        assert!(
            self.failures.is_empty(),
            "{what}: {} leak(s) in {} checked texts:\n{}",
            self.failures.len(),
            self.checked,
            self.failures.join("\n")
        );
        assert!(
            self.checked >= at_least,
            "{what}: only {} texts checked",
            self.checked
        );
        println!("{what}: {} texts checked, no secret found", self.checked);
    }
}

/// Mutants of `s`: every character replaced by another of the same alphabet
/// class, every 3rd proper prefix, and a few extensions.
fn mutants(s: &str) -> Vec<String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    for i in 0..b.len() {
        let mut m = b.to_vec();
        m[i] = match m[i] {
            b'A' => b'B',
            b'.' => b'_',
            b'-' => b'.',
            c if c.is_ascii_alphanumeric() => b'A',
            _ => b'x',
        };
        if let Ok(t) = String::from_utf8(m) {
            if t != s {
                out.push(t);
            }
        }
    }
    for len in (0..b.len()).step_by(3) {
        if let Some(p) = s.get(..len) {
            out.push(p.to_owned());
        }
    }
    for suffix in ["A", "=", ".", "--", "%"] {
        out.push(format!("{s}{suffix}"));
    }
    out
}

fn b64url(s: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(s)
}

fn unsigned_token(header: &str, claims: &str) -> String {
    format!(
        "{}.{}.{}",
        b64url(header.as_bytes()),
        b64url(claims.as_bytes()),
        b64url(&[7u8; 32])
    )
}

#[test]
fn jwt_errors_carry_no_secret_and_no_token() {
    let mut rng = Rng(0x5eed_0001);
    let mut g = Guard::default();
    let sa = rng.bytes(64);
    let sb = rng.bytes(64);
    g.secret("HMAC secret A", &sa);
    g.secret("HMAC secret B", &sb);
    let opts = |kid: &str| KeyOptions {
        alg: Some(Algorithm::HS256),
        kid: Some(kid.to_owned()),
        allow_weak: false,
    };
    let key_a = Key::hmac_with(&sa, &opts("a")).unwrap();
    let key_b = Key::hmac_with(&sb, &opts("a")).unwrap();
    let secret_sub = rng.text(48);
    let secret_iss = rng.text(48);
    g.text("sub claim", &secret_sub);
    g.text("iss claim", &secret_iss);
    let claims = format!(
        r#"{{"sub":"{secret_sub}","iss":"{secret_iss}","exp":{},"aud":"x"}}"#,
        NOW + 600
    );
    let token = jwt::encode(&claims, &key_a, None).unwrap();
    g.text("token", &token);
    let mut v = Validation {
        now: Some(NOW),
        audience: Some(vec!["x".into()]),
        cache_size: 16,
        ..Validation::default()
    };
    let verifier_a = Verifier::new(KeySet::from(key_a.clone()), v.clone()).unwrap();
    let verifier_b = Verifier::new(KeySet::from(key_b.clone()), v.clone()).unwrap();
    verifier_a.verify(&token).unwrap();
    g.fails(
        "wrong key",
        verifier_b.verify(&token),
        &[ErrorCode::InvalidSignature],
    );
    for (i, m) in mutants(&token).iter().enumerate() {
        g.input("mutated token", m);
        let r = verifier_a.verify(m);
        g.fails(&format!("mutant {i}"), r, &[]);
        let r = jwt::decode_unverified(m);
        if let Err(e) = r {
            g.error(&format!("unverified mutant {i}"), &e);
        }
        if let Err(e) = jws::verify(m, &KeySet::from(key_a.clone())) {
            g.error(&format!("jws mutant {i}"), &e);
        }
    }
    // Claim checks on a token signed with the right key: the values are secrets.
    let check = |g: &mut Guard, what: &str, v: Validation, code: ErrorCode| {
        let ver = Verifier::new(KeySet::from(key_a.clone()), v).unwrap();
        g.fails(what, ver.verify(&token), &[code]);
    };
    check(
        &mut g,
        "issuer",
        Validation {
            issuer: Some(vec!["other".into()]),
            ..v.clone()
        },
        ErrorCode::InvalidIssuer,
    );
    check(
        &mut g,
        "subject",
        Validation {
            subject: Some("other".into()),
            ..v.clone()
        },
        ErrorCode::InvalidSubject,
    );
    check(
        &mut g,
        "audience",
        Validation {
            audience: Some(vec!["y".into()]),
            ..v.clone()
        },
        ErrorCode::InvalidAudience,
    );
    check(
        &mut g,
        "expired",
        Validation {
            now: Some(NOW + 10_000),
            ..v.clone()
        },
        ErrorCode::Expired,
    );
    check(
        &mut g,
        "required custom",
        Validation {
            required: vec!["exp".into(), "scope".into()],
            ..v.clone()
        },
        ErrorCode::MissingClaim,
    );
    // Claims that do not fit a type: serde would quote the value.
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Typed {
        sub: u64,
    }
    let claims_ok = verifier_a.verify(&token).unwrap();
    g.fails(
        "deserialize",
        claims_ok.deserialize::<Typed>(),
        &[ErrorCode::InvalidClaim],
    );
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    #[serde(deny_unknown_fields)]
    struct Strict {
        exp: i64,
    }
    g.fails(
        "deserialize unknown member",
        claims_ok.deserialize::<Strict>(),
        &[ErrorCode::InvalidClaim],
    );
    // Claims of the wrong type, with secret-like values.
    let wrong = format!(r#"{{"exp":"{secret_sub}"}}"#);
    let t = jwt::encode(&wrong, &key_a, None).unwrap();
    g.text("token", &t);
    g.fails(
        "exp string",
        verifier_a.verify(&t),
        &[ErrorCode::InvalidClaim],
    );
    // Attacker-controlled header members: long kid, long crit, alg none.
    let long = rng.text(300);
    g.text("long header value", &long);
    for (what, header) in [
        ("kid", format!(r#"{{"alg":"HS256","kid":"{long}"}}"#)),
        ("crit", format!(r#"{{"alg":"HS256","crit":["{long}"]}}"#)),
        ("alg", format!(r#"{{"alg":"{long}"}}"#)),
        ("typ", format!(r#"{{"alg":"HS256","typ":"{long}"}}"#)),
        ("none", r#"{"alg":"none"}"#.to_owned()),
        (
            "jwk",
            format!(r#"{{"alg":"HS256","jwk":{{"k":"{long}"}}}}"#),
        ),
    ] {
        let t = unsigned_token(&header, &claims);
        g.text("crafted token", &t);
        g.fails(&format!("header {what}"), verifier_a.verify(&t), &[]);
    }
    let kid_token = jwt::encode(
        &claims,
        &key_a.with_kid(Some(&long)),
        Some(&format!(r#"{{"kid":"{long}"}}"#)),
    )
    .unwrap();
    g.text("token", &kid_token);
    g.fails(
        "unknown kid",
        verifier_a.verify(&kid_token),
        &[ErrorCode::KeyNotFound],
    );
    g.fails(
        "too large",
        verifier_a.verify(&format!("{token}{}", "A".repeat(20_000))),
        &[ErrorCode::TooLarge],
    );
    // Signing errors: header extras naming a secret-like kid.
    g.fails(
        "sign unknown kid",
        jwt::encode(
            &claims,
            &KeySet::from(key_a.clone()),
            Some(&format!(r#"{{"kid":"{long}"}}"#)),
        ),
        &[ErrorCode::KeyNotFound],
    );
    g.fails(
        "sign crit",
        jws::sign(b"x", &key_a, Some(&format!(r#"{{"crit":["{long}"]}}"#))),
        &[ErrorCode::InvalidArgument],
    );
    g.fails(
        "sign bad claims",
        jwt::encode(&format!(r#"{{"a":"{secret_sub}""#), &key_a, None),
        &[ErrorCode::InvalidArgument],
    );
    // The verifier (with a cache that now holds the token) shows no token or key.
    v.cache_size = 4;
    let cached = Verifier::new(KeySet::from(key_a.clone()), v).unwrap();
    cached.verify(&token).unwrap();
    assert_eq!(cached.cache_len(), 1);
    g.debug("Verifier", &cached);
    g.debug("Verifier B", &verifier_b);
    g.debug("claims header", claims_ok.header());
    g.finish("jwt", 500);
}

#[test]
fn key_loading_errors_and_debug_carry_no_key_material() {
    let mut rng = Rng(0x5eed_0002);
    let mut g = Guard::default();
    // Weak and empty HMAC secrets, directly and as JWKs.
    let short = rng.bytes(16);
    g.secret("short HMAC secret", &short);
    g.fails(
        "short secret",
        Key::hmac(&short, Algorithm::HS256),
        &[ErrorCode::InvalidKey],
    );
    let long = rng.bytes(40);
    g.secret("HS384 40-byte secret", &long);
    g.fails(
        "short for HS512",
        Key::hmac(&long, Algorithm::HS512),
        &[ErrorCode::InvalidKey],
    );
    let jwk = format!(r#"{{"kty":"oct","k":"{}"}}"#, b64url(&short));
    g.text("weak oct JWK", &jwk);
    g.fails(
        "weak oct JWK",
        Key::from_jwk(&jwk),
        &[ErrorCode::InvalidKey],
    );
    let jwk = format!(r#"{{"kty":"oct","k":"{}","alg":"ES256"}}"#, b64url(&long));
    g.text("oct JWK", &jwk);
    g.fails("oct JWK for ES256", Key::from_jwk(&jwk), &[]);
    let jwk = format!(r#"{{"kty":"oct","k":"{}!"}}"#, b64url(&long));
    g.text("oct JWK", &jwk);
    g.fails("oct JWK not base64", Key::from_jwk(&jwk), &[]);
    let jwk = format!(
        r#"{{"kty":"oct","k":"{}","use":"enc","kid":"x"}}"#,
        b64url(&long)
    );
    g.text("oct JWK", &jwk);
    g.fails("oct JWK for encryption", Key::from_jwk(&jwk), &[]);

    // Generated private keys of every family: Debug, public exports, and
    // JWKs with one private member damaged.
    let mut count = 0;
    // One key per family and hash (RSA key generation is slow in debug builds).
    for alg in [
        Algorithm::HS256,
        Algorithm::HS384,
        Algorithm::HS512,
        Algorithm::RS256,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::EdDSA,
    ] {
        let key = Key::generate_with(alg, Some("k1")).unwrap();
        let label = format!("{alg} key");
        g.key(&label, &key);
        g.debug(&label, &key);
        if let Ok(public) = key.public() {
            g.debug(&format!("{label} public"), &public);
            g.check(
                &format!("{label} public JWK"),
                &public.to_jwk(false).unwrap(),
            );
            g.check(
                &format!("{label} to_jwk(false)"),
                &key.to_jwk(false).unwrap(),
            );
            // A public key cannot sign: the message must not name the key.
            g.fails(&format!("{label} public sign"), public.sign(b"m"), &[]);
        } else {
            g.fails(&format!("{label} to_jwk(false)"), key.to_jwk(false), &[]);
        }
        g.check(&format!("{label} thumbprint"), &key.thumbprint());
        let set = KeySet::new(vec![key.clone()]).unwrap();
        g.debug(&format!("{label} set"), &set);
        g.check(&format!("{label} set JWKS"), &set.to_jwks());
        let private: serde_json::Value = serde_json::from_str(&key.to_jwk(true).unwrap()).unwrap();
        for member in ["k", "d", "p", "q", "dp", "dq", "qi", "x", "y", "n"] {
            let Some(text) = private.get(member).and_then(|v| v.as_str()) else {
                continue;
            };
            let mut damaged = Vec::new();
            // A changed character, a truncation, an extension, a removal.
            let mut flipped = text.as_bytes().to_vec();
            let mid = flipped.len() / 2;
            flipped[mid] = if flipped[mid] == b'A' { b'B' } else { b'A' };
            damaged.push(Some(String::from_utf8(flipped).unwrap()));
            damaged.push(Some(text[..text.len() - 2].to_owned()));
            damaged.push(Some(format!("{text}AAAA")));
            damaged.push(None);
            for d in damaged {
                let mut m = private.clone();
                match d {
                    Some(d) => m[member] = serde_json::Value::String(d),
                    None => {
                        m.as_object_mut().unwrap().remove(member);
                    }
                }
                let text = m.to_string();
                if let Err(e) = Key::from_jwk(&text) {
                    g.error(&format!("{label} damaged {member}"), &e);
                    count += 1;
                }
                let jwks = format!(r#"{{"keys":[{text}]}}"#);
                if let Err(e) = KeySet::from_jwks(&jwks) {
                    g.error(&format!("{label} JWKS damaged {member}"), &e);
                }
            }
        }
        // The right key for another algorithm.
        let other = if alg.as_str().starts_with("HS") {
            Algorithm::ES256
        } else {
            Algorithm::HS256
        };
        let opts = KeyOptions {
            alg: Some(other),
            ..KeyOptions::default()
        };
        g.fails(
            &format!("{label} as {other}"),
            Key::from_jwk_with(&key.to_jwk(true).unwrap(), &opts),
            &[],
        );
    }
    assert!(count > 20, "only {count} damaged JWKs refused");

    // PEM files holding private keys: loaded, then damaged.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys");
    for file in [
        "rsa_pkcs8.pem",
        "rsa_pkcs1.pem",
        "ec256_pkcs8.pem",
        "ec256_sec1.pem",
        "ec384_pkcs8.pem",
        "ed25519_pkcs8.pem",
    ] {
        let pem = std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
        let key = Key::from_pem(&pem, None).unwrap();
        g.key(file, &key);
        let body: String = pem
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<Vec<_>>()
            .concat();
        g.text(&format!("{file} body"), &body);
        let der = STANDARD.decode(&body).unwrap();
        g.secret(&format!("{file} DER"), &der);
        g.debug(file, &key);
        let mut refused = 0;
        // Flip characters of the body throughout, truncate it, break the armor.
        let step = (body.len() / 40).max(1);
        let armor: Vec<&str> = pem.lines().filter(|l| l.starts_with("-----")).collect();
        let wrap = |b: &[u8]| {
            let lines: Vec<&str> = b
                .chunks(64)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect();
            format!(
                "{}\n{}\n{}\n",
                armor[0],
                lines.join("\n"),
                armor[armor.len() - 1]
            )
        };
        for i in (0..body.len()).step_by(step) {
            let mut b = body.as_bytes().to_vec();
            b[i] = match b[i] {
                b'A' => b'/',
                _ => b'A',
            };
            let flipped = wrap(&b);
            let cut = wrap(&body.as_bytes()[..i]);
            for (what, text) in [("flip", flipped), ("cut", cut)] {
                if let Err(e) = Key::from_pem(&text, None) {
                    refused += 1;
                    g.error(&format!("{file} {what} {i}"), &e);
                }
            }
        }
        for len in (0..der.len()).step_by((der.len() / 30).max(1)) {
            if let Err(e) = Key::from_der(&der[..len], None) {
                refused += 1;
                g.error(&format!("{file} DER[..{len}]"), &e);
            }
            let mut d = der.clone();
            d[len] ^= 0x41;
            if let Err(e) = Key::from_der(&d, None) {
                refused += 1;
                g.error(&format!("{file} DER flip {len}"), &e);
            }
        }
        let no_end = pem.replace("-----END", "-----FIN");
        g.fails(&format!("{file} no END"), Key::from_pem(&no_end, None), &[]);
        let wrong_alg = if file.starts_with("rsa") {
            Algorithm::ES256
        } else {
            Algorithm::RS256
        };
        g.fails(
            &format!("{file} wrong alg"),
            Key::from_pem(&pem, Some(wrong_alg)),
            &[ErrorCode::InvalidKey],
        );
        assert!(refused > 10, "{file}: only {refused} damaged forms refused");
    }
    // Keys Tessera refuses whole: the messages must not carry their material.
    for file in [
        "rsa_encrypted.pem",
        "rsa_pkcs1_encrypted.pem",
        "ec521_pkcs8.pem",
        "ed448_pkcs8.pem",
        "secp256k1_pkcs8.pem",
    ] {
        let pem = std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
        let body: String = pem
            .lines()
            .filter(|l| !l.starts_with("-----") && !l.contains(':'))
            .collect::<Vec<_>>()
            .concat();
        g.text(&format!("{file} body"), &body);
        g.fails(file, Key::from_pem(&pem, None), &[]);
    }
    // Duplicate (long) kids in a set: the echo is a short prefix.
    let kid = rng.text(200);
    g.text("long kid", &kid);
    let a = Key::generate_with(Algorithm::HS256, Some(&kid)).unwrap();
    let b = Key::generate_with(Algorithm::HS256, Some(&kid)).unwrap();
    g.key("dup a", &a);
    g.key("dup b", &b);
    g.fails(
        "duplicate kid",
        KeySet::new(vec![a.clone(), b.clone()]),
        &[ErrorCode::InvalidArgument],
    );
    let jwks = format!(
        r#"{{"keys":[{},{}]}}"#,
        a.to_jwk(true).unwrap(),
        b.to_jwk(true).unwrap()
    );
    g.text("private JWKS", &jwks);
    g.fails("JWKS duplicate kid", KeySet::from_jwks(&jwks), &[]);
    g.fails(
        "JWKS truncated",
        KeySet::from_jwks(&jwks[..jwks.len() - 3]),
        &[ErrorCode::Malformed],
    );
    g.finish("keys", 400);
}

/// Seals with `seal`, then checks every mutant and the wrong-secret codec.
fn cookie_cases(
    g: &mut Guard,
    what: &str,
    cookie: &str,
    open: &dyn Fn(&str) -> tessera::Result<()>,
    open_other: &dyn Fn(&str) -> tessera::Result<()>,
) {
    g.text(&format!("{what} cookie"), cookie);
    open(cookie).unwrap_or_else(|e| panic!("{what}: control fails: {e}"));
    g.fails(&format!("{what} wrong secret"), open_other(cookie), &[]);
    let mut n = 0;
    for (i, m) in mutants(cookie).iter().enumerate() {
        if let Err(e) = open(m) {
            n += 1;
            g.input(&format!("{what} mutant"), m);
            g.error(&format!("{what} mutant {i}"), &e);
        }
    }
    assert!(n > cookie.len() / 2, "{what}: only {n} mutants refused");
}

#[test]
fn cookie_errors_and_debug_carry_no_secret_and_no_cookie() {
    let mut rng = Rng(0x5eed_0003);
    let mut g = Guard::default();
    let s1 = rng.text(48);
    let s2 = rng.text(48);
    g.secret("cookie secret 1", s1.as_bytes());
    g.secret("cookie secret 2", s2.as_bytes());
    let data = r#"{"user":"alice","n":[1,2,3]}"#;

    // Tessera's own cookie, signed and encrypted.
    for encrypted in [false, true] {
        let opts = || SessionCookieOptions {
            encrypted,
            max_age: Some(100),
            ..SessionCookieOptions::default()
        };
        let c1 = SessionCookie::new(&[s1.as_bytes()], opts()).unwrap();
        let c2 = SessionCookie::new(&[s2.as_bytes()], opts()).unwrap();
        let v = c1.seal(data, NOW).unwrap();
        let what = format!("native encrypted={encrypted}");
        cookie_cases(&mut g, &what, &v, &|x| c1.open(x, NOW).map(|_| ()), &|x| {
            c2.open(x, NOW).map(|_| ())
        });
        g.fails(
            &format!("{what} expired"),
            c1.open(&v, NOW + 1000),
            &[ErrorCode::Expired],
        );
        let header = format!("session={}", &v[..v.len() - 4]);
        g.fails(&format!("{what} load"), c1.load(&header, NOW), &[]);
        g.debug(&what, &c1);
        g.fails(
            &format!("{what} short secret"),
            SessionCookie::new(&[&s1.as_bytes()[..20]], opts()),
            &[ErrorCode::InvalidKey],
        );
    }
    g.secret("short secret", &s1.as_bytes()[..20]);

    // Flask.
    let f1 = FlaskCookie::new(s1.as_bytes()).unwrap();
    let f2 = FlaskCookie::new(s2.as_bytes()).unwrap();
    let v = f1.dumps(data, NOW).unwrap();
    cookie_cases(
        &mut g,
        "flask",
        &v,
        &|x| f1.loads(x, NOW).map(|_| ()),
        &|x| f2.loads(x, NOW).map(|_| ()),
    );
    g.fails(
        "flask expired",
        f1.loads(&v, NOW + 10_000_000),
        &[ErrorCode::Expired],
    );
    g.fails("flask empty secret", FlaskCookie::new(b""), &[]);

    // itsdangerous, every key derivation.
    for kd in ["concat", "django-concat", "hmac", "none"] {
        let opts = SignerOptions {
            key_derivation: tessera::cookie::itsdangerous::KeyDerivation::parse(kd).unwrap(),
            ..SignerOptions::default()
        };
        let a = Signer::new(&[s1.as_bytes()], &opts).unwrap();
        let b = Signer::new(&[s2.as_bytes()], &opts).unwrap();
        let v = String::from_utf8(a.sign(b"value")).unwrap();
        cookie_cases(
            &mut g,
            &format!("itsdangerous Signer {kd}"),
            &v,
            &|x| a.unsign(x.as_bytes()).map(|_| ()),
            &|x| b.unsign(x.as_bytes()).map(|_| ()),
        );
        let a = TimestampSigner::new(&[s1.as_bytes()], &opts).unwrap();
        let b = TimestampSigner::new(&[s2.as_bytes()], &opts).unwrap();
        let v = String::from_utf8(a.sign(b"value", NOW).unwrap()).unwrap();
        cookie_cases(
            &mut g,
            &format!("itsdangerous TimestampSigner {kd}"),
            &v,
            &|x| a.unsign(x.as_bytes(), Some(60), NOW).map(|_| ()),
            &|x| b.unsign(x.as_bytes(), Some(60), NOW).map(|_| ()),
        );
        g.fails(
            "itsdangerous expired",
            a.unsign(v.as_bytes(), Some(60), NOW + 61),
            &[ErrorCode::Expired],
        );
    }
    let opts = URLSafeTimedSerializer::default_options();
    let a = URLSafeTimedSerializer::new(&[s1.as_bytes()], &opts).unwrap();
    let b = URLSafeTimedSerializer::new(&[s2.as_bytes()], &opts).unwrap();
    let v = a.dumps(data, NOW).unwrap();
    cookie_cases(
        &mut g,
        "URLSafeTimedSerializer",
        &v,
        &|x| a.loads(x, None, NOW).map(|_| ()),
        &|x| b.loads(x, None, NOW).map(|_| ()),
    );
    let empty: [&[u8]; 1] = [b""];
    g.fails(
        "itsdangerous empty key",
        Signer::new(&empty, &SignerOptions::default()),
        &[ErrorCode::InvalidKey],
    );

    // Express cookie-session.
    let e1 = ExpressCookieSession::new(&[s1.as_bytes()], "session").unwrap();
    let e2 = ExpressCookieSession::new(&[s2.as_bytes()], "session").unwrap();
    let (value, sig) = e1.sign(data).unwrap();
    g.text("cookie-session value", &value);
    cookie_cases(
        &mut g,
        "cookie-session sig",
        &sig,
        &|x| e1.verify(&value, x).map(|_| ()),
        &|x| e2.verify(&value, x).map(|_| ()),
    );
    cookie_cases(
        &mut g,
        "cookie-session value",
        &value,
        &|x| e1.verify(x, &sig).map(|_| ()),
        &|x| e2.verify(x, &sig).map(|_| ()),
    );
    g.fails(
        "cookie-session load",
        e1.load(&format!("session={value}; session.sig={}", &sig[1..])),
        &[ErrorCode::InvalidSignature],
    );
    g.debug("ExpressCookieSession", &e1);

    // express-session: the session id is a secret too.
    let sid = rng.text(32);
    g.text("express session id", &sid);
    let x1 = ExpressSessionId::new(&[s1.as_bytes()]).unwrap();
    let x2 = ExpressSessionId::new(&[s2.as_bytes()]).unwrap();
    let signed = x1.sign(&sid);
    cookie_cases(
        &mut g,
        "express-session",
        &signed,
        &|x| x1.unsign(x).map(|_| ()),
        &|x| x2.unsign(x).map(|_| ()),
    );
    g.fails(
        "express-session load",
        x1.load(
            &format!(
                "connect.sid={}",
                signed.replace(':', "%3A").replace('.', "x")
            ),
            "connect.sid",
        ),
        &[],
    );
    g.debug("ExpressSessionId", &x1);

    // Rails.
    let base1 = rng.text(128);
    let base2 = rng.text(128);
    g.secret("secret_key_base 1", base1.as_bytes());
    g.secret("secret_key_base 2", base2.as_bytes());
    for digest in [RailsDigest::Sha256, RailsDigest::Sha1] {
        let r1 = RailsCookie::new(base1.as_bytes(), "_app_session", digest).unwrap();
        let r2 = RailsCookie::new(base2.as_bytes(), "_app_session", digest).unwrap();
        let v = r1.encrypt(data, Some(NOW * 1000 + 60_000)).unwrap();
        cookie_cases(
            &mut g,
            &format!("rails {digest:?}"),
            &v,
            &|x| r1.decrypt(x, NOW * 1000).map(|_| ()),
            &|x| r2.decrypt(x, NOW * 1000).map(|_| ()),
        );
        g.fails(
            "rails expired",
            r1.decrypt(&v, NOW * 1000 + 120_000),
            &[ErrorCode::Expired],
        );
        let other = RailsCookie::new(base1.as_bytes(), "_other", digest).unwrap();
        g.fails(
            "rails other name",
            other.decrypt(&v, NOW * 1000),
            &[ErrorCode::InvalidSignature],
        );
        g.debug("RailsCookie", &r1);
        let rotated = RailsCookie::with_rotations(
            base2.as_bytes(),
            "_app_session",
            digest,
            &[(base1.as_bytes(), digest)],
        )
        .unwrap();
        g.debug("RailsCookie rotated", &rotated);
    }
    g.fails(
        "rails empty base",
        RailsCookie::new(b"", "_s", RailsDigest::Sha256),
        &[ErrorCode::InvalidKey],
    );

    // CSRF: the session id and the per-session secret.
    let c1 = CsrfTokens::new(&[s1.as_bytes()]).unwrap();
    let c2 = CsrfTokens::new(&[s2.as_bytes()]).unwrap();
    let session = rng.text(43);
    g.text("CSRF session id", &session);
    let token = c1.generate(&session).unwrap();
    cookie_cases(&mut g, "csrf", &token, &|x| c1.verify(&session, x), &|x| {
        c2.verify(&session, x)
    });
    g.fails(
        "csrf other session",
        c1.verify(&rng.text(43), &token),
        &[ErrorCode::InvalidSignature],
    );
    g.fails(
        "csrf short secret",
        CsrfTokens::new(&[&s1.as_bytes()[..20]]),
        &[ErrorCode::InvalidKey],
    );
    g.debug("CsrfTokens", &c1);
    g.finish("cookies", 1500);
}

fn sha256_hex(s: &str) -> String {
    ring::digest::digest(&ring::digest::SHA256, s.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn session_errors_and_debug_carry_no_session_id_or_refresh_token() {
    let mut rng = Rng(0x5eed_0004);
    let mut g = Guard::default();
    let store = Arc::new(MemoryStore::default());
    let sessions = SessionManager::new(
        store.clone(),
        Duration::from_secs(600),
        Some(Duration::from_secs(60)),
    )
    .unwrap();
    let id = sessions.create(r#"{"a":1}"#, Some("alice")).unwrap();
    g.text("session id", &id);
    g.text("session key", &sha256_hex(&id));
    let s = sessions.load(&id).unwrap().unwrap();
    sessions.save(&id, r#"{"a":2}"#, s.version).unwrap();
    g.fails(
        "stale save",
        sessions.save(&id, r#"{"a":3}"#, s.version),
        &[ErrorCode::SessionConflict],
    );
    let unknown = rng.text(43);
    g.text("unknown session id", &unknown);
    g.fails(
        "unknown save",
        sessions.save(&unknown, "{}", 0),
        &[ErrorCode::SessionNotFound],
    );
    g.fails(
        "unknown merge",
        sessions.merge(&unknown, "{}"),
        &[ErrorCode::SessionNotFound],
    );
    g.fails(
        "bad data",
        sessions.save(&id, &format!("[\"{unknown}\""), 1),
        &[ErrorCode::InvalidArgument],
    );
    // Garbage in the store, with secret-looking values in every field.
    let planted = rng.text(40);
    g.text("stored value", &planted);
    for bad in [
        format!(
            r#"{{"v":1,"data":{{}},"user":"alice","created":"{planted}","expires":1,"version":0}}"#
        ),
        format!(
            r#"{{"v":1,"data":{{}},"user":["{planted}"],"created":1,"expires":1,"version":0}}"#
        ),
        format!(
            r#"{{"v":1,"data":{{}},"user":"alice","created":1,"expires":{{"{planted}":1}},"version":0}}"#
        ),
        format!(r#"{{"v":"{planted}"}}"#),
        format!(r#"{{"{planted}":"#),
    ] {
        store
            .set(&format!("s:{}", sha256_hex(&id)), bad.as_bytes(), 60_000)
            .unwrap();
        g.fails(
            "garbage record",
            sessions.load(&id),
            &[ErrorCode::Malformed],
        );
    }
    let id2 = sessions.create("{}", None).unwrap();
    g.text("session id", &id2);
    let rotated = sessions.rotate(&id2).unwrap().unwrap();
    g.text("rotated session id", &rotated);
    g.debug("SessionManager", &sessions);
    g.debug("MemoryStore", &*store);
    if let Some(s) = sessions.load(&rotated).unwrap() {
        g.debug("Session", &s);
    }

    // Refresh tokens.
    let refresh = RefreshTokens::new(store.clone(), Duration::from_secs(600)).unwrap();
    let t0 = refresh.issue("bob", Some(r#"{"scope":"x"}"#)).unwrap();
    g.text("refresh token 0", &t0);
    g.text("refresh key 0", &sha256_hex(&t0));
    let r1 = refresh.rotate(&t0).unwrap();
    g.text("refresh token 1", &r1.token);
    g.debug("Rotated", &r1);
    g.fails(
        "reused",
        refresh.rotate(&t0),
        &[ErrorCode::RefreshTokenReused],
    );
    g.fails(
        "family revoked",
        refresh.rotate(&r1.token),
        &[ErrorCode::RefreshTokenReused],
    );
    let unknown = rng.text(43);
    g.text("unknown refresh token", &unknown);
    g.fails(
        "unknown refresh",
        refresh.rotate(&unknown),
        &[ErrorCode::SessionNotFound],
    );
    let odd = format!("{}{}", rng.text(30), "!".repeat(13));
    g.text("malformed refresh token", &odd);
    g.fails("not a token", refresh.rotate(&odd), &[ErrorCode::Malformed]);
    let t2 = refresh.issue("carol", None).unwrap();
    g.text("refresh token 2", &t2);
    store
        .set(
            &format!("r:{}", sha256_hex(&t2)),
            format!(r#"{{"v":1,"family":7,"user":"{planted}"}}"#).as_bytes(),
            60_000,
        )
        .unwrap();
    g.fails(
        "garbage refresh record",
        refresh.rotate(&t2),
        &[ErrorCode::Malformed],
    );
    g.fails(
        "bad label",
        refresh.issue(&format!("{planted}\n"), None),
        &[ErrorCode::InvalidArgument],
    );
    g.debug("RefreshTokens", &refresh);

    // The denylist and a verifier using it.
    let denylist = Arc::new(Denylist::new(store.clone()));
    let jti = rng.text(40);
    g.text("jti", &jti);
    denylist.revoke(&jti, NOW * 10).unwrap();
    let key = Key::generate(Algorithm::HS256).unwrap();
    g.key("denylist key", &key);
    let token = jwt::encode(
        &format!(r#"{{"jti":"{jti}","exp":{}}}"#, NOW + 60),
        &key,
        None,
    )
    .unwrap();
    g.text("revoked token", &token);
    let verifier = Verifier::new(
        KeySet::from(key),
        Validation {
            now: Some(NOW),
            ..Validation::default()
        },
    )
    .unwrap()
    .with_denylist(denylist.clone());
    g.fails("revoked", verifier.verify(&token), &[ErrorCode::Revoked]);
    g.debug("Denylist", &*denylist);
    g.debug("Verifier with denylist", &verifier);

    // Redis: passwords in URLs never reach Debug or an error.
    let password = rng.text(32);
    g.text("redis password", &password);
    for url in [
        format!("redis://user:{password}@127.0.0.1:1/0"),
        format!("rediss://:{password}@127.0.0.1:1"),
        format!("redis+unix:///tmp/tessera-none.sock?pass={password}"),
    ] {
        let opts = RedisOptions {
            connect_timeout: Duration::from_millis(200),
            io_timeout: Duration::from_millis(200),
            ..RedisOptions::default()
        };
        let r = RedisStore::new(&[url.as_str()], opts).unwrap();
        g.debug("RedisStore", &r);
        g.fails(
            "redis unreachable",
            r.ping(),
            &[ErrorCode::StoreUnavailable],
        );
    }
    g.fails(
        "redis bad URL",
        RedisStore::new(
            &[format!("nope://:{password}@host")],
            RedisOptions::default(),
        ),
        &[ErrorCode::InvalidArgument],
    );
    g.finish("sessions", 40);
}

#[test]
fn the_guard_catches_every_form() {
    // The checker itself: each encoding, and a piece of a token, is caught.
    let secret = b"0123456789abcdefghijklmnopqrstuvwxyz!@#$";
    for form in [
        String::from_utf8(secret.to_vec()).unwrap(),
        hex(secret, false),
        hex(secret, true),
        STANDARD.encode(secret),
        URL_SAFE_NO_PAD.encode(secret),
    ] {
        let mut g = Guard::default();
        g.secret("s", secret);
        g.check("test", &format!("error: {}…", &form[3..3 + WINDOW + 2]));
        assert_eq!(g.failures.len(), 1, "{form}");
    }
    let mut g = Guard::default();
    g.text(
        "token",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijklmnopqrstuvwxyz",
    );
    g.check("test", "bad token: eyJzdWIiOiIxIn0.abcdefgh");
    g.check("test", "signature does not verify");
    assert_eq!(g.failures.len(), 1);
    let mut g = Guard::default();
    g.needle("short", b"sixteen-byte-sid");
    g.check("test", "no sixteen-byte-sid here");
    assert_eq!(g.failures.len(), 1);
}
