//! Sign and verify, side by side: the raw `ring` primitive (the floor),
//! Tessera, `jsonwebtoken` 9.3 and `jsonwebtoken` 11 — the fixed workload of
//! bench/README.md, the same key material and the same token for everyone.
//!
//! Groups are `<ALG>/<op>`; functions are `ring_floor`, `tessera`,
//! `jsonwebtoken_9`, `jsonwebtoken_11`. `bench/run` turns criterion's
//! estimates into the table in bench/RESULTS.md.

use std::hint::black_box;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use criterion::{criterion_group, criterion_main, Criterion};
use ring::rand::SystemRandom;
use ring::signature::{self as rsig, KeyPair as _};
use serde::{Deserialize, Serialize};
use tessera::jwt::{self, Validation, Verifier};
use tessera::{Algorithm, Key, KeySet};

use jsonwebtoken as jwt9;
use jsonwebtoken11 as jwt11;

/// The fixed claims, byte for byte what Tessera signs.
const CLAIMS_JSON: &str = r#"{"sub":"1234567890","name":"John Doe","admin":true,"iat":1700000000,"exp":4102444800,"iss":"https://issuer.example","aud":"api"}"#;
const ISSUER: &str = "https://issuer.example";
const AUDIENCE: &str = "api";
const HMAC_SECRET: &[u8] = b"tessera-bench-hmac-secret-32-bytes-long!";

/// The same claims as a struct, for `jsonwebtoken` (field order = CLAIMS_JSON).
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct BenchClaims {
    sub: String,
    name: String,
    admin: bool,
    iat: u64,
    exp: u64,
    iss: String,
    aud: String,
}

fn bench_claims() -> BenchClaims {
    serde_json::from_str(CLAIMS_JSON).expect("claims")
}

// Test keys generated with openssl; never use them for anything else.
const RSA_PEM: &str = include_str!("../keys/rsa2048.pem");
const RSA_PUB_PEM: &str = include_str!("../keys/rsa2048.pub.pem");
const P256_PEM: &str = include_str!("../keys/p256.pem");
const P256_PUB_PEM: &str = include_str!("../keys/p256.pub.pem");
const ED_PEM: &str = include_str!("../keys/ed25519.pem");
const ED_PUB_PEM: &str = include_str!("../keys/ed25519.pub.pem");

/// The DER inside a one-block PEM document.
fn pem_der(pem: &str) -> Vec<u8> {
    let b64: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    STANDARD.decode(b64).expect("PEM base64")
}

fn b64u(s: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(s).expect("base64url")
}

/// A JWK member of a Tessera public key, as base64url text.
fn jwk_member(key: &Key, name: &str) -> String {
    let jwk: serde_json::Value = serde_json::from_str(&key.to_jwk(false).unwrap()).unwrap();
    jwk[name].as_str().expect("JWK member").to_owned()
}

/// Everything one algorithm needs, prepared once.
struct Setup {
    alg: Algorithm,
    /// Tessera's private key (signs) and verifier (public key + policy).
    key: Key,
    verifier: Verifier,
    /// The token every implementation verifies (signed by Tessera).
    token: String,
    /// `header.payload` of `token` and its decoded signature (floor inputs).
    signing_input: Vec<u8>,
    signature: Vec<u8>,
    floor: Floor,
    enc9: jwt9::EncodingKey,
    dec9: jwt9::DecodingKey,
    val9: jwt9::Validation,
    enc11: jwt11::EncodingKey,
    dec11: jwt11::DecodingKey,
    val11: jwt11::Validation,
}

/// The raw ring objects, already parsed.
enum Floor {
    Hmac(ring::hmac::Key),
    Rsa {
        pair: rsig::RsaKeyPair,
        n: Vec<u8>,
        e: Vec<u8>,
    },
    Ec {
        pair: rsig::EcdsaKeyPair,
        point: Vec<u8>,
    },
    Ed {
        pair: rsig::Ed25519KeyPair,
        public: Vec<u8>,
    },
}

impl Floor {
    fn sign(&self, rng: &SystemRandom, msg: &[u8]) -> Vec<u8> {
        match self {
            Floor::Hmac(k) => ring::hmac::sign(k, msg).as_ref().to_vec(),
            Floor::Rsa { pair, .. } => {
                let mut sig = vec![0; pair.public().modulus_len()];
                pair.sign(&rsig::RSA_PKCS1_SHA256, rng, msg, &mut sig)
                    .unwrap();
                sig
            }
            Floor::Ec { pair, .. } => pair.sign(rng, msg).unwrap().as_ref().to_vec(),
            Floor::Ed { pair, .. } => pair.sign(msg).as_ref().to_vec(),
        }
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        match self {
            Floor::Hmac(k) => ring::hmac::verify(k, msg, sig).is_ok(),
            Floor::Rsa { n, e, .. } => rsig::RsaPublicKeyComponents { n, e }
                .verify(&rsig::RSA_PKCS1_2048_8192_SHA256, msg, sig)
                .is_ok(),
            Floor::Ec { point, .. } => {
                rsig::UnparsedPublicKey::new(&rsig::ECDSA_P256_SHA256_FIXED, point)
                    .verify(msg, sig)
                    .is_ok()
            }
            Floor::Ed { public, .. } => rsig::UnparsedPublicKey::new(&rsig::ED25519, public)
                .verify(msg, sig)
                .is_ok(),
        }
    }
}

fn setup(alg: Algorithm) -> Setup {
    let (key, floor, enc9, dec9, enc11, dec11) = match alg {
        Algorithm::HS256 => (
            Key::hmac(HMAC_SECRET, alg).unwrap(),
            Floor::Hmac(ring::hmac::Key::new(ring::hmac::HMAC_SHA256, HMAC_SECRET)),
            jwt9::EncodingKey::from_secret(HMAC_SECRET),
            jwt9::DecodingKey::from_secret(HMAC_SECRET),
            jwt11::EncodingKey::from_secret(HMAC_SECRET),
            jwt11::DecodingKey::from_secret(HMAC_SECRET),
        ),
        Algorithm::RS256 => {
            let key = Key::from_pem(RSA_PEM, Some(alg)).unwrap();
            let pair = rsig::RsaKeyPair::from_pkcs8(&pem_der(RSA_PEM)).unwrap();
            let public = key.public().unwrap();
            let (n, e) = (b64u(&jwk_member(&public, "n")), b64u(&jwk_member(&public, "e")));
            (
                key,
                Floor::Rsa { pair, n, e },
                jwt9::EncodingKey::from_rsa_pem(RSA_PEM.as_bytes()).unwrap(),
                jwt9::DecodingKey::from_rsa_pem(RSA_PUB_PEM.as_bytes()).unwrap(),
                jwt11::EncodingKey::from_rsa_pem(RSA_PEM.as_bytes()).unwrap(),
                jwt11::DecodingKey::from_rsa_pem(RSA_PUB_PEM.as_bytes()).unwrap(),
            )
        }
        Algorithm::ES256 => {
            let key = Key::from_pem(P256_PEM, Some(alg)).unwrap();
            let pair = rsig::EcdsaKeyPair::from_pkcs8(
                &rsig::ECDSA_P256_SHA256_FIXED_SIGNING,
                &pem_der(P256_PEM),
                &SystemRandom::new(),
            )
            .unwrap();
            let point = pair.public_key().as_ref().to_vec();
            (
                key,
                Floor::Ec { pair, point },
                jwt9::EncodingKey::from_ec_pem(P256_PEM.as_bytes()).unwrap(),
                jwt9::DecodingKey::from_ec_pem(P256_PUB_PEM.as_bytes()).unwrap(),
                jwt11::EncodingKey::from_ec_pem(P256_PEM.as_bytes()).unwrap(),
                jwt11::DecodingKey::from_ec_pem(P256_PUB_PEM.as_bytes()).unwrap(),
            )
        }
        Algorithm::EdDSA => {
            let key = Key::from_pem(ED_PEM, Some(alg)).unwrap();
            let pair = rsig::Ed25519KeyPair::from_pkcs8_maybe_unchecked(&pem_der(ED_PEM)).unwrap();
            let public = pair.public_key().as_ref().to_vec();
            (
                key,
                Floor::Ed { pair, public },
                jwt9::EncodingKey::from_ed_pem(ED_PEM.as_bytes()).unwrap(),
                jwt9::DecodingKey::from_ed_pem(ED_PUB_PEM.as_bytes()).unwrap(),
                jwt11::EncodingKey::from_ed_pem(ED_PEM.as_bytes()).unwrap(),
                jwt11::DecodingKey::from_ed_pem(ED_PUB_PEM.as_bytes()).unwrap(),
            )
        }
        other => panic!("not benchmarked: {other}"),
    };

    let validation = Validation {
        issuer: Some(vec![ISSUER.to_owned()]),
        audience: Some(vec![AUDIENCE.to_owned()]),
        ..Validation::default()
    };
    let verifying_key = if alg == Algorithm::HS256 {
        key.clone()
    } else {
        key.public().unwrap()
    };
    let verifier = Verifier::new(KeySet::from(verifying_key), validation).unwrap();

    let (alg9, alg11) = match alg {
        Algorithm::HS256 => (jwt9::Algorithm::HS256, jwt11::Algorithm::HS256),
        Algorithm::RS256 => (jwt9::Algorithm::RS256, jwt11::Algorithm::RS256),
        Algorithm::ES256 => (jwt9::Algorithm::ES256, jwt11::Algorithm::ES256),
        _ => (jwt9::Algorithm::EdDSA, jwt11::Algorithm::EdDSA),
    };
    // Equivalent policies: exp required and checked, iss and aud checked,
    // no leeway (Tessera's default).
    let mut val9 = jwt9::Validation::new(alg9);
    val9.set_issuer(&[ISSUER]);
    val9.set_audience(&[AUDIENCE]);
    val9.set_required_spec_claims(&["exp", "iss", "aud"]);
    val9.leeway = 0;
    let mut val11 = jwt11::Validation::new(alg11);
    val11.set_issuer(&[ISSUER]);
    val11.set_audience(&[AUDIENCE]);
    val11.set_required_spec_claims(&["exp", "iss", "aud"]);
    val11.leeway = 0;

    let token = jwt::encode(CLAIMS_JSON, &key, None).unwrap();
    let dot = token.rfind('.').unwrap();
    let signing_input = token.as_bytes()[..dot].to_vec();
    let signature = b64u(&token[dot + 1..]);

    let s = Setup {
        alg,
        key,
        verifier,
        token,
        signing_input,
        signature,
        floor,
        enc9,
        dec9,
        val9,
        enc11,
        dec11,
        val11,
    };
    s.check();
    s
}

impl Setup {
    fn alg9(&self) -> jwt9::Algorithm {
        self.val9.algorithms[0]
    }
    fn alg11(&self) -> jwt11::Algorithm {
        self.val11.algorithms[0]
    }

    /// Every implementation accepts every other's token before anything is timed.
    fn check(&self) {
        let want = bench_claims();
        assert!(self.floor.verify(&self.signing_input, &self.signature));
        let rng = SystemRandom::new();
        let sig = self.floor.sign(&rng, &self.signing_input);
        assert!(self.floor.verify(&self.signing_input, &sig));

        let t9 = jwt9::encode(&jwt9::Header::new(self.alg9()), &want, &self.enc9).unwrap();
        let t11 = jwt11::encode(&jwt11::Header::new(self.alg11()), &want, &self.enc11).unwrap();
        let tt = jwt::encode(CLAIMS_JSON, &self.key, None).unwrap();
        for t in [&self.token, &t9, &t11, &tt] {
            let c = self.verifier.verify(t).unwrap();
            assert_eq!(c.deserialize::<BenchClaims>().unwrap(), want);
            let c9 = jwt9::decode::<BenchClaims>(t, &self.dec9, &self.val9).unwrap();
            assert_eq!(c9.claims, want);
            let c11 = jwt11::decode::<BenchClaims>(t, &self.dec11, &self.val11).unwrap();
            assert_eq!(c11.claims, want);
        }
        // Tessera signs the claims byte for byte, and so does jsonwebtoken
        // here (same member order): the payload segments are identical.
        assert_eq!(tt.split('.').nth(1), t9.split('.').nth(1));
        // A tampered token is rejected by all (so nobody is skipping work).
        let mut bad = self.token.clone().into_bytes();
        let i = bad.len() - 3;
        bad[i] = if bad[i] == b'A' { b'B' } else { b'A' };
        let bad = String::from_utf8(bad).unwrap();
        assert!(self.verifier.verify(&bad).is_err());
        assert!(jwt9::decode::<BenchClaims>(&bad, &self.dec9, &self.val9).is_err());
        assert!(jwt11::decode::<BenchClaims>(&bad, &self.dec11, &self.val11).is_err());
    }
}

fn benches(c: &mut Criterion) {
    let rng = SystemRandom::new();
    for alg in [
        Algorithm::HS256,
        Algorithm::RS256,
        Algorithm::ES256,
        Algorithm::EdDSA,
    ] {
        let s = setup(alg);
        let claims = bench_claims();
        let header9 = jwt9::Header::new(s.alg9());
        let header11 = jwt11::Header::new(s.alg11());

        let mut g = c.benchmark_group(format!("{}/sign", s.alg));
        g.bench_function("ring_floor", |b| {
            b.iter(|| s.floor.sign(&rng, black_box(&s.signing_input)))
        });
        g.bench_function("tessera", |b| {
            b.iter(|| jwt::encode(black_box(CLAIMS_JSON), &s.key, None).unwrap())
        });
        g.bench_function("jsonwebtoken_9", |b| {
            b.iter(|| jwt9::encode(&header9, black_box(&claims), &s.enc9).unwrap())
        });
        g.bench_function("jsonwebtoken_11", |b| {
            b.iter(|| jwt11::encode(&header11, black_box(&claims), &s.enc11).unwrap())
        });
        g.finish();

        let mut g = c.benchmark_group(format!("{}/verify", s.alg));
        g.bench_function("ring_floor", |b| {
            b.iter(|| {
                assert!(s
                    .floor
                    .verify(black_box(&s.signing_input), black_box(&s.signature)))
            })
        });
        g.bench_function("tessera", |b| {
            b.iter(|| s.verifier.verify(black_box(&s.token)).unwrap())
        });
        g.bench_function("jsonwebtoken_9", |b| {
            b.iter(|| jwt9::decode::<BenchClaims>(black_box(&s.token), &s.dec9, &s.val9).unwrap())
        });
        g.bench_function("jsonwebtoken_11", |b| {
            b.iter(|| {
                jwt11::decode::<BenchClaims>(black_box(&s.token), &s.dec11, &s.val11).unwrap()
            })
        });
        g.finish();
    }
}

criterion_group!(jwt_benches, benches);
criterion_main!(jwt_benches);
