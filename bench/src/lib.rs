//! The fixed workload of bench/README.md, prepared once for every
//! implementation: the raw `ring` and `aws-lc-rs` primitives (the floors),
//! Tessera, `jsonwebtoken` 9.3, `jsonwebtoken` 11 and `jwt-simple` — same key
//! material, same claims, same token. Used by `benches/jwt.rs` (criterion) and `benches/paired.rs`
//! (interleaved ratios).

use std::hint::black_box;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use ring::rand::SystemRandom;
use serde::{Deserialize, Serialize};
use tessera::jwt::{self, Validation, Verifier};
use tessera::{Algorithm, Key, KeySet};

pub use jsonwebtoken as jwt9;
pub use jsonwebtoken11 as jwt11;
pub use jwt_simple;

/// The fixed claims, byte for byte what Tessera signs.
pub const CLAIMS_JSON: &str = r#"{"sub":"1234567890","name":"John Doe","admin":true,"iat":1700000000,"exp":4102444800,"iss":"https://issuer.example","aud":"api"}"#;
/// The accepted issuer.
pub const ISSUER: &str = "https://issuer.example";
/// The accepted audience.
pub const AUDIENCE: &str = "api";
/// The HS256 secret (40 bytes).
pub const HMAC_SECRET: &[u8] = b"tessera-bench-hmac-secret-32-bytes-long!";

/// The algorithms benchmarked, in table order.
pub const ALGORITHMS: [Algorithm; 4] = [
    Algorithm::HS256,
    Algorithm::RS256,
    Algorithm::ES256,
    Algorithm::EdDSA,
];

/// The implementations, in table order (these are the criterion function names).
pub const IMPLS: [&str; 6] = [
    "ring_floor",
    "aws_lc_floor",
    "tessera",
    "jsonwebtoken_9",
    "jsonwebtoken_11",
    "jwt_simple",
];
/// Index of Tessera in [`IMPLS`].
pub const TESSERA: usize = 2;

/// Sign or verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Produce a token from the claims.
    Sign,
    /// Verify the token and validate exp, iss, aud.
    Verify,
}

impl Op {
    /// `"sign"` or `"verify"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Sign => "sign",
            Op::Verify => "verify",
        }
    }
}

/// The same claims as a struct, for `jsonwebtoken` (field order = [`CLAIMS_JSON`]).
#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct BenchClaims {
    sub: String,
    name: String,
    admin: bool,
    iat: u64,
    exp: u64,
    iss: String,
    aud: String,
}

/// [`CLAIMS_JSON`] as a [`BenchClaims`].
pub fn bench_claims() -> BenchClaims {
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
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(b64).expect("PEM base64")
}

fn b64u(s: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(s).expect("base64url")
}

/// A member of a Tessera public key's JWK, decoded.
fn jwk_member(key: &Key, name: &str) -> Vec<u8> {
    let jwk: serde_json::Value = serde_json::from_str(&key.to_jwk(false).unwrap()).unwrap();
    b64u(jwk[name].as_str().expect("JWK member"))
}

/// Tessera's private key for `alg` from the fixed key material (the HMAC
/// secret for HS256).
pub fn tessera_key(alg: Algorithm) -> Key {
    match alg {
        Algorithm::HS256 => Key::hmac(HMAC_SECRET, alg).unwrap(),
        Algorithm::RS256 => Key::from_pem(RSA_PEM, Some(alg)).unwrap(),
        Algorithm::ES256 => Key::from_pem(P256_PEM, Some(alg)).unwrap(),
        Algorithm::EdDSA => Key::from_pem(ED_PEM, Some(alg)).unwrap(),
        other => panic!("not benchmarked: {other}"),
    }
}

/// Tessera's verifier for `key` (its public key; the secret itself for
/// HMAC) with the workload's policy: exp required and checked, iss and aud
/// required and checked, no leeway (Tessera's default), real clock.
pub fn tessera_verifier(key: &Key) -> Verifier {
    let validation = Validation {
        issuer: Some(vec![ISSUER.to_owned()]),
        audience: Some(vec![AUDIENCE.to_owned()]),
        ..Validation::default()
    };
    let verifying = if key.alg() == Algorithm::HS256 {
        key.clone()
    } else {
        key.public().unwrap()
    };
    Verifier::new(KeySet::from(verifying), validation).unwrap()
}

/// The raw primitives of one crypto library, keys already parsed: what a
/// floor measures. Written once for ring and once for aws-lc-rs, whose APIs
/// are the same apart from how an ECDSA key pair is loaded.
macro_rules! floor_module {
    ($module:ident, $backend:ident, $doc:literal, |$alg:ident, $der:ident, $rng:ident| $ec_pair:expr) => {
        #[doc = $doc]
        pub mod $module {
            use $backend::rand::SystemRandom;
            use $backend::signature::{self as rsig, KeyPair as _};

            /// The parsed key material of one algorithm.
            #[allow(clippy::large_enum_variant)] // one per algorithm, built once
            pub enum Floor {
                /// HMAC key (precomputed pads).
                Hmac($backend::hmac::Key),
                /// RSA key pair, and the public components verification uses.
                Rsa {
                    /// For signing.
                    pair: rsig::RsaKeyPair,
                    /// Modulus.
                    n: Vec<u8>,
                    /// Exponent.
                    e: Vec<u8>,
                },
                /// P-256 key pair and its public point.
                Ec {
                    /// For signing.
                    pair: rsig::EcdsaKeyPair,
                    /// Uncompressed public point.
                    point: Vec<u8>,
                },
                /// Ed25519 key pair and its public key.
                Ed {
                    /// For signing.
                    pair: rsig::Ed25519KeyPair,
                    /// Public key.
                    public: Vec<u8>,
                },
            }

            impl Floor {
                /// Loads the fixed key material for `alg` (PKCS#8 DER for the
                /// key pairs; `n`, `e` are the RSA public components).
                pub fn new(alg: tessera::Algorithm, der: &[u8], n: Vec<u8>, e: Vec<u8>) -> Floor {
                    let $rng = SystemRandom::new();
                    match alg {
                        tessera::Algorithm::HS256 => Floor::Hmac($backend::hmac::Key::new(
                            $backend::hmac::HMAC_SHA256,
                            crate::HMAC_SECRET,
                        )),
                        tessera::Algorithm::RS256 => Floor::Rsa {
                            pair: rsig::RsaKeyPair::from_pkcs8(der).unwrap(),
                            n,
                            e,
                        },
                        tessera::Algorithm::ES256 => {
                            let ($alg, $der) = (&rsig::ECDSA_P256_SHA256_FIXED_SIGNING, der);
                            let pair: rsig::EcdsaKeyPair = $ec_pair.unwrap();
                            let point = pair.public_key().as_ref().to_vec();
                            Floor::Ec { pair, point }
                        }
                        _ => {
                            let pair =
                                rsig::Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).unwrap();
                            let public = pair.public_key().as_ref().to_vec();
                            Floor::Ed { pair, public }
                        }
                    }
                }

                /// The raw signature over `msg`.
                pub fn sign(&self, rng: &SystemRandom, msg: &[u8]) -> Vec<u8> {
                    match self {
                        Floor::Hmac(k) => $backend::hmac::sign(k, msg).as_ref().to_vec(),
                        Floor::Rsa { pair, n, .. } => {
                            let mut sig = vec![0; n.len()];
                            pair.sign(&rsig::RSA_PKCS1_SHA256, rng, msg, &mut sig)
                                .unwrap();
                            sig
                        }
                        Floor::Ec { pair, .. } => pair.sign(rng, msg).unwrap().as_ref().to_vec(),
                        Floor::Ed { pair, .. } => pair.sign(msg).as_ref().to_vec(),
                    }
                }

                /// Whether `sig` is a valid raw signature over `msg`.
                pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
                    match self {
                        Floor::Hmac(k) => $backend::hmac::verify(k, msg, sig).is_ok(),
                        Floor::Rsa { n, e, .. } => rsig::RsaPublicKeyComponents { n, e }
                            .verify(&rsig::RSA_PKCS1_2048_8192_SHA256, msg, sig)
                            .is_ok(),
                        Floor::Ec { point, .. } => {
                            rsig::UnparsedPublicKey::new(&rsig::ECDSA_P256_SHA256_FIXED, point)
                                .verify(msg, sig)
                                .is_ok()
                        }
                        Floor::Ed { public, .. } => {
                            rsig::UnparsedPublicKey::new(&rsig::ED25519, public)
                                .verify(msg, sig)
                                .is_ok()
                        }
                    }
                }
            }
        }
    };
}

floor_module!(
    ring_floor,
    ring,
    "ring's raw primitives: the floor of Tessera's default build.",
    |alg, der, rng| rsig::EcdsaKeyPair::from_pkcs8(alg, der, &rng)
);
floor_module!(
    aws_lc_floor,
    aws_lc_rs,
    "aws-lc-rs's raw primitives: the floor of Tessera's `aws-lc` build.",
    |alg, der, rng| {
        let _ = &rng;
        rsig::EcdsaKeyPair::from_pkcs8(alg, der)
    }
);

/// The private claims of the workload, for `jwt-simple`'s `JWTClaims`.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
pub struct SimpleCustom {
    name: String,
    admin: bool,
}

/// `jwt-simple`'s keys for one algorithm (a key pair and its public key).
#[allow(clippy::large_enum_variant)] // one per algorithm, built once
pub enum Simple {
    /// HS256.
    Hs(jwt_simple::prelude::HS256Key),
    /// RS256.
    Rs(
        jwt_simple::prelude::RS256KeyPair,
        jwt_simple::prelude::RS256PublicKey,
    ),
    /// ES256.
    Es(
        jwt_simple::prelude::ES256KeyPair,
        jwt_simple::prelude::ES256PublicKey,
    ),
    /// EdDSA.
    Ed(
        jwt_simple::prelude::Ed25519KeyPair,
        jwt_simple::prelude::Ed25519PublicKey,
    ),
}

impl Simple {
    fn new(alg: Algorithm) -> Simple {
        use jwt_simple::prelude::*;
        match alg {
            Algorithm::HS256 => Simple::Hs(HS256Key::from_bytes(HMAC_SECRET)),
            Algorithm::RS256 => Simple::Rs(
                RS256KeyPair::from_pem(RSA_PEM).unwrap(),
                RS256PublicKey::from_pem(RSA_PUB_PEM).unwrap(),
            ),
            Algorithm::ES256 => Simple::Es(
                ES256KeyPair::from_pem(P256_PEM).unwrap(),
                ES256PublicKey::from_pem(P256_PUB_PEM).unwrap(),
            ),
            _ => Simple::Ed(
                Ed25519KeyPair::from_pem(ED_PEM).unwrap(),
                Ed25519PublicKey::from_pem(ED_PUB_PEM).unwrap(),
            ),
        }
    }

    /// The workload's claims as `jwt-simple` builds them (fixed iat and exp).
    pub fn claims() -> jwt_simple::prelude::JWTClaims<SimpleCustom> {
        use jwt_simple::prelude::*;
        let custom = SimpleCustom {
            name: "John Doe".into(),
            admin: true,
        };
        let mut c = Claims::with_custom_claims(custom, Duration::from_secs(60))
            .with_issuer(ISSUER)
            .with_subject("1234567890")
            .with_audience(AUDIENCE);
        c.issued_at = Some(Duration::from_secs(1_700_000_000));
        c.expires_at = Some(Duration::from_secs(4_102_444_800));
        c
    }

    /// Verification options equal to the others': iss and aud checked, no
    /// clock tolerance (jwt-simple checks `exp` whenever it is present).
    pub fn options() -> jwt_simple::prelude::VerificationOptions {
        use jwt_simple::prelude::*;
        VerificationOptions {
            allowed_issuers: Some(HashSet::from_strings(&[ISSUER])),
            allowed_audiences: Some(HashSet::from_strings(&[AUDIENCE])),
            time_tolerance: Some(Duration::from_secs(0)),
            ..Default::default()
        }
    }

    /// Signs `claims`.
    pub fn sign(&self, claims: jwt_simple::prelude::JWTClaims<SimpleCustom>) -> String {
        use jwt_simple::prelude::*;
        match self {
            Simple::Hs(k) => k.authenticate(claims),
            Simple::Rs(k, _) => k.sign(claims),
            Simple::Es(k, _) => k.sign(claims),
            Simple::Ed(k, _) => k.sign(claims),
        }
        .unwrap()
    }

    /// Verifies `token`; the claims on success.
    pub fn verify(
        &self,
        token: &str,
        options: &jwt_simple::prelude::VerificationOptions,
    ) -> Option<jwt_simple::prelude::JWTClaims<SimpleCustom>> {
        use jwt_simple::prelude::*;
        let o = Some(options.clone());
        match self {
            Simple::Hs(k) => k.verify_token::<SimpleCustom>(token, o),
            Simple::Rs(_, k) => k.verify_token::<SimpleCustom>(token, o),
            Simple::Es(_, k) => k.verify_token::<SimpleCustom>(token, o),
            Simple::Ed(_, k) => k.verify_token::<SimpleCustom>(token, o),
        }
        .ok()
    }
}

/// Everything one algorithm needs, prepared once (keys are never re-parsed
/// by the code under test unless the library itself does so).
pub struct Setup {
    /// The algorithm.
    pub alg: Algorithm,
    /// Tessera's private key (signs).
    pub key: Key,
    /// Tessera's verifier: the public key (the secret for HS256) + policy.
    pub verifier: Verifier,
    /// The token every implementation verifies (signed by Tessera).
    pub token: String,
    /// `header.payload` of `token` (floor input).
    pub signing_input: Vec<u8>,
    /// The decoded signature of `token` (floor input).
    pub signature: Vec<u8>,
    /// The raw ring objects.
    pub floor: ring_floor::Floor,
    /// The raw aws-lc-rs objects.
    pub aws_floor: aws_lc_floor::Floor,
    /// One CSPRNG for ring's floor.
    pub rng: SystemRandom,
    /// One CSPRNG for aws-lc's floor.
    pub aws_rng: aws_lc_rs::rand::SystemRandom,
    /// jwt-simple's keys.
    pub simple: Simple,
    /// jwt-simple's claims (cloned per `sign`: `sign` takes them by value).
    pub simple_claims: jwt_simple::prelude::JWTClaims<SimpleCustom>,
    /// jwt-simple's verification options (cloned per `verify_token`, which takes them by value).
    pub simple_options: jwt_simple::prelude::VerificationOptions,
    /// `BenchClaims` for jsonwebtoken's `encode`.
    pub claims: BenchClaims,
    /// jsonwebtoken 9.3.
    pub header9: jwt9::Header,
    /// jsonwebtoken 9.3.
    pub enc9: jwt9::EncodingKey,
    /// jsonwebtoken 9.3.
    pub dec9: jwt9::DecodingKey,
    /// jsonwebtoken 9.3.
    pub val9: jwt9::Validation,
    /// jsonwebtoken 11.
    pub header11: jwt11::Header,
    /// jsonwebtoken 11.
    pub enc11: jwt11::EncodingKey,
    /// jsonwebtoken 11.
    pub dec11: jwt11::DecodingKey,
    /// jsonwebtoken 11.
    pub val11: jwt11::Validation,
}

impl Setup {
    /// Prepares `alg` (HS256, RS256, ES256 or EdDSA) and checks that every
    /// implementation accepts every other's token.
    pub fn new(alg: Algorithm) -> Setup {
        let (key, der, enc9, dec9, enc11, dec11) = match alg {
            Algorithm::HS256 => (
                tessera_key(alg),
                Vec::new(),
                jwt9::EncodingKey::from_secret(HMAC_SECRET),
                jwt9::DecodingKey::from_secret(HMAC_SECRET),
                jwt11::EncodingKey::from_secret(HMAC_SECRET),
                jwt11::DecodingKey::from_secret(HMAC_SECRET),
            ),
            Algorithm::RS256 => (
                tessera_key(alg),
                pem_der(RSA_PEM),
                jwt9::EncodingKey::from_rsa_pem(RSA_PEM.as_bytes()).unwrap(),
                jwt9::DecodingKey::from_rsa_pem(RSA_PUB_PEM.as_bytes()).unwrap(),
                jwt11::EncodingKey::from_rsa_pem(RSA_PEM.as_bytes()).unwrap(),
                jwt11::DecodingKey::from_rsa_pem(RSA_PUB_PEM.as_bytes()).unwrap(),
            ),
            Algorithm::ES256 => (
                tessera_key(alg),
                pem_der(P256_PEM),
                jwt9::EncodingKey::from_ec_pem(P256_PEM.as_bytes()).unwrap(),
                jwt9::DecodingKey::from_ec_pem(P256_PUB_PEM.as_bytes()).unwrap(),
                jwt11::EncodingKey::from_ec_pem(P256_PEM.as_bytes()).unwrap(),
                jwt11::DecodingKey::from_ec_pem(P256_PUB_PEM.as_bytes()).unwrap(),
            ),
            Algorithm::EdDSA => (
                tessera_key(alg),
                pem_der(ED_PEM),
                jwt9::EncodingKey::from_ed_pem(ED_PEM.as_bytes()).unwrap(),
                jwt9::DecodingKey::from_ed_pem(ED_PUB_PEM.as_bytes()).unwrap(),
                jwt11::EncodingKey::from_ed_pem(ED_PEM.as_bytes()).unwrap(),
                jwt11::DecodingKey::from_ed_pem(ED_PUB_PEM.as_bytes()).unwrap(),
            ),
            other => panic!("not benchmarked: {other}"),
        };

        let (n, e) = if alg == Algorithm::RS256 {
            let public = key.public().unwrap();
            (jwk_member(&public, "n"), jwk_member(&public, "e"))
        } else {
            (Vec::new(), Vec::new())
        };
        let floor = ring_floor::Floor::new(alg, &der, n.clone(), e.clone());
        let aws_floor = aws_lc_floor::Floor::new(alg, &der, n, e);

        // Equivalent policies everywhere (the peers' below match Tessera's).
        let verifier = tessera_verifier(&key);

        let (alg9, alg11) = match alg {
            Algorithm::HS256 => (jwt9::Algorithm::HS256, jwt11::Algorithm::HS256),
            Algorithm::RS256 => (jwt9::Algorithm::RS256, jwt11::Algorithm::RS256),
            Algorithm::ES256 => (jwt9::Algorithm::ES256, jwt11::Algorithm::ES256),
            _ => (jwt9::Algorithm::EdDSA, jwt11::Algorithm::EdDSA),
        };
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
            aws_floor,
            rng: SystemRandom::new(),
            aws_rng: aws_lc_rs::rand::SystemRandom::new(),
            simple: Simple::new(alg),
            simple_claims: Simple::claims(),
            simple_options: Simple::options(),
            claims: bench_claims(),
            header9: jwt9::Header::new(alg9),
            enc9,
            dec9,
            val9,
            header11: jwt11::Header::new(alg11),
            enc11,
            dec11,
            val11,
        };
        s.check();
        s
    }

    /// Every implementation accepts every other's token and rejects a
    /// tampered one, before anything is timed.
    fn check(&self) {
        let want = bench_claims();
        assert!(self.floor.verify(&self.signing_input, &self.signature));
        let sig = self.floor.sign(&self.rng, &self.signing_input);
        assert!(self.floor.verify(&self.signing_input, &sig));
        assert!(self.aws_floor.verify(&self.signing_input, &self.signature));
        let sig = self.aws_floor.sign(&self.aws_rng, &self.signing_input);
        assert!(self.aws_floor.verify(&self.signing_input, &sig));
        assert!(self.floor.verify(&self.signing_input, &sig));
        let want_simple = Simple::claims();

        let t9 = jwt9::encode(&self.header9, &want, &self.enc9).unwrap();
        let t11 = jwt11::encode(&self.header11, &want, &self.enc11).unwrap();
        let tt = jwt::encode(CLAIMS_JSON, &self.key, None).unwrap();
        let ts = self.simple.sign(Simple::claims());
        for t in [&self.token, &t9, &t11, &tt, &ts] {
            let c = self.verifier.verify(t).unwrap();
            assert_eq!(c.deserialize::<BenchClaims>().unwrap(), want);
            let c9 = jwt9::decode::<BenchClaims>(t, &self.dec9, &self.val9).unwrap();
            assert_eq!(c9.claims, want);
            let c11 = jwt11::decode::<BenchClaims>(t, &self.dec11, &self.val11).unwrap();
            assert_eq!(c11.claims, want);
            let cs = self.simple.verify(t, &self.simple_options).unwrap();
            assert_eq!(cs.custom, want_simple.custom);
            assert_eq!(cs.issuer, want_simple.issuer);
            assert_eq!(cs.expires_at, want_simple.expires_at);
        }
        // Everybody signs the same payload bytes (same member order).
        assert_eq!(tt.split('.').nth(1), t9.split('.').nth(1));
        assert_eq!(tt.split('.').nth(1), t11.split('.').nth(1));
        let mut bad = self.token.clone().into_bytes();
        let i = bad.len() - 3;
        bad[i] = if bad[i] == b'A' { b'B' } else { b'A' };
        let bad = String::from_utf8(bad).unwrap();
        assert!(self.verifier.verify(&bad).is_err());
        assert!(jwt9::decode::<BenchClaims>(&bad, &self.dec9, &self.val9).is_err());
        assert!(jwt11::decode::<BenchClaims>(&bad, &self.dec11, &self.val11).is_err());
        assert!(self.simple.verify(&bad, &self.simple_options).is_none());
    }

    /// Runs one operation of implementation `which` (one of [`IMPLS`]) once.
    /// Results are passed through `black_box` and dropped inside, so every
    /// implementation pays for freeing what it returns.
    #[inline]
    pub fn run(&self, op: Op, which: usize) {
        match (op, which) {
            (Op::Sign, 0) => {
                black_box(self.floor.sign(&self.rng, black_box(&self.signing_input)));
            }
            (Op::Sign, 1) => {
                black_box(
                    self.aws_floor
                        .sign(&self.aws_rng, black_box(&self.signing_input)),
                );
            }
            (Op::Sign, 2) => {
                black_box(jwt::encode(black_box(CLAIMS_JSON), &self.key, None).unwrap());
            }
            (Op::Sign, 3) => {
                black_box(
                    jwt9::encode(&self.header9, black_box(&self.claims), &self.enc9).unwrap(),
                );
            }
            (Op::Sign, 4) => {
                black_box(
                    jwt11::encode(&self.header11, black_box(&self.claims), &self.enc11).unwrap(),
                );
            }
            (Op::Sign, _) => {
                black_box(self.simple.sign(black_box(&self.simple_claims).clone()));
            }
            (Op::Verify, 0) => {
                assert!(self
                    .floor
                    .verify(black_box(&self.signing_input), black_box(&self.signature)));
            }
            (Op::Verify, 1) => {
                assert!(self
                    .aws_floor
                    .verify(black_box(&self.signing_input), black_box(&self.signature)));
            }
            (Op::Verify, 2) => {
                black_box(self.verifier.verify(black_box(&self.token)).unwrap());
            }
            (Op::Verify, 3) => {
                black_box(
                    jwt9::decode::<BenchClaims>(black_box(&self.token), &self.dec9, &self.val9)
                        .unwrap(),
                );
            }
            (Op::Verify, 4) => {
                black_box(
                    jwt11::decode::<BenchClaims>(black_box(&self.token), &self.dec11, &self.val11)
                        .unwrap(),
                );
            }
            (Op::Verify, _) => {
                black_box(
                    self.simple
                        .verify(black_box(&self.token), &self.simple_options)
                        .unwrap(),
                );
            }
        }
    }
}
