//! Key loading from files written by OpenSSL 3 (core/tests/keys/), in every
//! container Tessera accepts, plus the refusals.

use std::path::PathBuf;

use tessera::{jws, Algorithm, ErrorCode, Key, KeyOptions, KeySet};

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/keys")
        .join(name)
}

fn pem(name: &str) -> String {
    std::fs::read_to_string(path(name)).unwrap()
}

fn load(name: &str) -> Result<Key, tessera::Error> {
    Key::from_pem(&pem(name), None)
}

/// A private key and its public counterpart agree: sign with one, verify with the other.
fn pair(private: &Key, public: &Key) {
    assert!(private.is_private());
    assert!(!public.is_private());
    assert_eq!(private.alg(), public.alg());
    assert_eq!(private.thumbprint(), public.thumbprint());
    let token = jws::sign(b"payload", private, None).unwrap();
    assert_eq!(
        jws::verify(&token, &KeySet::from(public.clone())).unwrap(),
        b"payload"
    );
}

#[test]
fn rsa_in_every_container() {
    let pkcs8 = load("rsa_pkcs8.pem").unwrap();
    assert_eq!(pkcs8.alg(), Algorithm::RS256, "RSA defaults to RS256");
    for public in ["rsa_spki.pem", "rsa_pkcs1_pub.pem", "rsa_cert.pem"] {
        pair(&pkcs8, &load(public).unwrap());
    }
    let pkcs1 = load("rsa_pkcs1.pem").unwrap();
    pair(&pkcs1, &load("rsa_spki.pem").unwrap());
    let der = std::fs::read(path("rsa_pkcs8.der")).unwrap();
    let from_der = Key::from_der(&der, Some(Algorithm::PS384)).unwrap();
    assert_eq!(from_der.alg(), Algorithm::PS384);
    pair(
        &from_der,
        &Key::from_pem(&pem("rsa_spki.pem"), Some(Algorithm::PS384)).unwrap(),
    );
    // The public key's DER (SPKI) is recognised by Key::from_der too.
    let spki_der = base64_body(&pem("rsa_spki.pem"));
    assert!(!Key::from_der(&spki_der, None).unwrap().is_private());
}

#[test]
fn openssl_signatures_verify() {
    let msg = std::fs::read(path("msg.txt")).unwrap();
    let rsa = load("rsa_spki.pem").unwrap();
    rsa.verify(&msg, &std::fs::read(path("rsa_pkcs8.sig")).unwrap())
        .unwrap();
    let ed = load("ed25519_spki.pem").unwrap();
    assert_eq!(ed.alg(), Algorithm::EdDSA);
    ed.verify(&msg, &std::fs::read(path("ed25519.sig")).unwrap())
        .unwrap();
    // ring's Ed25519 signatures are deterministic: Tessera reproduces OpenSSL's.
    let ed_private = load("ed25519_pkcs8.pem").unwrap();
    assert_eq!(
        ed_private.sign(&msg).unwrap(),
        std::fs::read(path("ed25519.sig")).unwrap()
    );
}

#[test]
fn ec_and_ed25519() {
    let sec1 = load("ec256_sec1.pem").unwrap();
    assert_eq!(sec1.alg(), Algorithm::ES256);
    // `openssl ecparam -genkey` writes an EC PARAMETERS block first: skipped.
    let with_params = load("ec256_sec1_with_params.pem").unwrap();
    assert_eq!(with_params.thumbprint(), sec1.thumbprint());
    let pkcs8 = load("ec256_pkcs8.pem").unwrap();
    pair(&pkcs8, &load("ec256_spki.pem").unwrap());
    pair(&sec1, &load("ec256_spki.pem").unwrap());
    let p384 = load("ec384_pkcs8.pem").unwrap();
    assert_eq!(p384.alg(), Algorithm::ES384);
    pair(&p384, &load("ec384_spki.pem").unwrap());
    pair(
        &load("ed25519_pkcs8.pem").unwrap(),
        &load("ed25519_spki.pem").unwrap(),
    );
    // The curve fixes the algorithm: a P-256 key cannot be bound to ES384.
    assert_eq!(
        Key::from_pem(&pem("ec256_spki.pem"), Some(Algorithm::ES384))
            .unwrap_err()
            .code(),
        ErrorCode::InvalidKey
    );
}

#[test]
fn refusals() {
    let code = |name: &str| load(name).unwrap_err().code();
    assert_eq!(code("ec521_pkcs8.pem"), ErrorCode::UnsupportedAlgorithm);
    assert_eq!(code("secp256k1_pkcs8.pem"), ErrorCode::UnsupportedAlgorithm);
    assert_eq!(code("ed448_pkcs8.pem"), ErrorCode::UnsupportedAlgorithm);
    assert_eq!(code("rsa1024_pkcs8.pem"), ErrorCode::InvalidKey);
    assert_eq!(code("rsa1024_spki.pem"), ErrorCode::InvalidKey);
    assert_eq!(code("rsa_encrypted.pem"), ErrorCode::InvalidKey);
    assert_eq!(code("rsa_pkcs1_encrypted.pem"), ErrorCode::InvalidKey);
    // An RSA public key can never become an HMAC key (algorithm confusion).
    assert_eq!(
        Key::from_pem(&pem("rsa_spki.pem"), Some(Algorithm::HS256))
            .unwrap_err()
            .code(),
        ErrorCode::InvalidKey
    );
    for garbage in [
        "",
        "hello",
        "-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----\n",
        "-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----\n",
        "-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n",
    ] {
        assert_eq!(
            Key::from_pem(garbage, None).unwrap_err().code(),
            ErrorCode::InvalidKey,
            "{garbage:?}"
        );
    }
}

#[test]
fn weak_rsa_only_verifies_when_allowed() {
    let opts = KeyOptions {
        allow_weak: true,
        ..Default::default()
    };
    let weak_public = Key::from_pem_with(&pem("rsa1024_spki.pem"), &opts).unwrap();
    assert_eq!(weak_public.alg(), Algorithm::RS256);
    // ring cannot sign with (or build a key pair from) a modulus under 2048 bits.
    assert_eq!(
        Key::from_pem_with(&pem("rsa1024_pkcs8.pem"), &opts)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidKey
    );
    let ps = KeyOptions {
        alg: Some(Algorithm::PS256),
        allow_weak: true,
        ..Default::default()
    };
    assert_eq!(
        Key::from_pem_with(&pem("rsa1024_spki.pem"), &ps)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidKey
    );
}

fn base64_body(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let mut out = Vec::new();
    let table = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (mut acc, mut bits) = (0u32, 0);
    for c in body.bytes().filter(|&c| c != b'=') {
        acc = acc << 6 | table.iter().position(|&t| t == c).unwrap() as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}
