//! Shared fixtures of the fuzz targets: the fixed keys and secrets (the ones
//! tests/vectors uses, so seeds taken from the vectors open), the fixed clock,
//! and the checks every target applies to an error.

use tessera::{Error, ErrorCode, Key, KeySet};

/// The clock of every target (Unix seconds): just after the cookie vectors were
/// minted. `jwt.json`/`attacks.json` use 1700000000; their tokens expire in 2100.
pub const NOW: i64 = 1_763_000_010;

/// The HMAC secret of `hs256` in tests/vectors/jwt.json and attacks.json.
pub const HS256_SECRET: &[u8] = b"tessera-vectors-hs256-secret-001";

/// RFC 7515 A.1's HMAC key (JWK).
pub const RFC7515_A1_JWK: &str = r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
/// RFC 7515 A.3's P-256 public key (`es256-pub` in attacks.json).
pub const ES256_PUB_JWK: &str = r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;
/// RFC 7515 A.2's RSA public key (`rs256-pub`).
pub const RS256_PUB_JWK: &str = r#"{"kty":"RSA","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ","e":"AQAB"}"#;
/// RFC 8037 A.4's Ed25519 public key.
pub const ED25519_PUB_JWK: &str =
    r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;

/// The HMAC keys of [`jwt_keys`], in order (for re-signing).
pub fn hmac_keys() -> Vec<Key> {
    vec![
        Key::hmac(HS256_SECRET, tessera::Algorithm::HS256).expect("hs256"),
        Key::from_jwk_with(
            RFC7515_A1_JWK,
            &tessera::KeyOptions::alg(tessera::Algorithm::HS256),
        )
        .expect("rfc7515 A.1"),
    ]
}

/// The fixed verification set: two HS256 secrets, ES256, RS256 and EdDSA
/// public keys (no kids, so every key of the token's algorithm is tried).
pub fn jwt_keys() -> KeySet {
    let mut keys = hmac_keys();
    for (jwk, alg) in [
        (ES256_PUB_JWK, tessera::Algorithm::ES256),
        (RS256_PUB_JWK, tessera::Algorithm::RS256),
        (ED25519_PUB_JWK, tessera::Algorithm::EdDSA),
    ] {
        keys.push(Key::from_jwk_with(jwk, &tessera::KeyOptions::alg(alg)).expect("fixture key"));
    }
    KeySet::new(keys).expect("key set")
}

/// Checks what every failure must be: a proper code, never `INTERNAL` (an
/// internal failure on input is a bug), and a message that repeats no long
/// token-like run of the input (a MAC, signature, secret or base64 body: 32
/// or more base64url characters; no message template has such a word).
pub fn check_error(e: &Error, input: &[u8]) {
    assert_ne!(e.code(), ErrorCode::Internal, "INTERNAL on input: {e:?}");
    let msg = e.message().as_bytes();
    let b64 = |c: &u8| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_';
    for run in input.split(|c| !b64(c)).filter(|r| r.len() >= 32) {
        assert!(
            !msg.windows(run.len()).any(|w| w == run),
            "error message repeats input: {:?}",
            e.message()
        );
    }
}

/// Whether two JSON texts hold the same data: equal as JSON values when both
/// parse with serde_json (member order and escapes aside), else equal text.
pub fn same_json(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<serde_json::Value>(a),
        serde_json::from_str::<serde_json::Value>(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// `r`'s error checked with [`check_error`]; the value if any.
pub fn ok<T>(r: tessera::Result<T>, input: &[u8]) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            check_error(&e, input);
            None
        }
    }
}

/// `data` split at the first `0xFF` byte (never part of UTF-8 text), for
/// targets that take two inputs.
pub fn split2(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}

/// The bytes as text: UTF-8 when valid, else each byte as U+0000..U+00FF
/// (ISO-8859-1, as the mutation vectors feed text APIs).
pub fn text(data: &[u8]) -> String {
    match std::str::from_utf8(data) {
        Ok(s) => s.to_owned(),
        Err(_) => data.iter().map(|&b| char::from(b)).collect(),
    }
}
