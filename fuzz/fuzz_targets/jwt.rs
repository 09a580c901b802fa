//! Compact JWS/JWT: `jws::decode_unverified`, `jws::verify`, `jwt::decode`
//! and a caching `jwt::Verifier` against a fixed key set (HS256 ×2, ES256,
//! RS256, EdDSA).
//!
//! Input: byte 0 selects the mode, the rest is the data.
//! - even: the data is a token as given.
//! - odd: the data is `header JSON 0xFF payload`; the target signs it with
//!   the first HS256 key, so the fuzzer reaches header and claim parsing
//!   behind a valid MAC.
//!
//! Invariants: no panic; no `INTERNAL`; decode_unverified never panics; the
//! three calls agree (jwt::decode ok ⇒ jws::verify ok with the same payload;
//! the verifier with a cache answers exactly as the one-shot decode, twice);
//! whatever verifies re-encodes to the same token: the decoded header and
//! payload re-encode to the token's first two segments, the signature
//! re-verifies with the key, and an HS256 signature re-signed with the same
//! key over the same segments is byte-identical.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tessera::jwt::{self, Validation, Verifier};
use tessera::{b64, jws, Key, KeySet};
use tessera_fuzz::{check_error, hmac_keys, jwt_keys, ok, split2};

struct Fixture {
    keys: KeySet,
    hmac: Vec<Key>,
    validation: Validation,
    verifier: Verifier,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let keys = jwt_keys();
        let validation = Validation {
            now: Some(1_700_000_000),
            required: vec![],
            ..Validation::default()
        };
        let cached = Validation {
            cache_size: 64,
            ..validation.clone()
        };
        Fixture {
            verifier: Verifier::new(keys.clone(), cached).expect("verifier"),
            keys,
            hmac: hmac_keys(),
            validation,
        }
    })
}

fn check(token: &[u8]) {
    let f = fixture();
    let unverified = ok(jws::decode_unverified_bytes(token), token);
    let _ = ok(jwt::decode_unverified_bytes(token), token);
    let verified = ok(jws::verify_bytes(token, &f.keys), token);
    let decoded = jwt::decode_bytes(token, &f.keys, &f.validation);
    for _ in 0..2 {
        let cached = f.verifier.verify_bytes(token);
        match (&decoded, &cached) {
            (Ok(a), Ok(b)) => assert_eq!(a.json(), b.json()),
            (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "{a:?} vs {b:?}"),
            _ => panic!("cached verifier disagrees: {decoded:?} vs {cached:?}"),
        }
    }
    let decoded = ok(decoded, token);
    if let Some(claims) = &decoded {
        let payload = verified
            .as_ref()
            .expect("jwt::decode accepted what jws::verify refuses");
        assert_eq!(claims.json().as_bytes(), &payload[..]);
    }
    let Some(payload) = verified else { return };
    // Anything that verifies parses without verification too, identically.
    let u = unverified.expect("verifies but decode_unverified refuses");
    assert_eq!(u.payload, payload);
    let text = std::str::from_utf8(token).expect("a verified token is ASCII");
    let mut parts = text.split('.');
    let (h, p, s) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    assert!(parts.next().is_none());
    assert_eq!(
        b64::encode(u.header_json.as_bytes()),
        h,
        "header re-encodes"
    );
    assert_eq!(b64::encode(&payload), p, "payload re-encodes");
    let sig = b64::decode(s).expect("signature segment");
    let input = &token[..h.len() + 1 + p.len()];
    let with = jws::verify_with(text, &f.keys, &jws::JwsOptions::default()).expect("verify_with");
    let alg = with.header.alg;
    assert!(
        f.keys
            .keys()
            .iter()
            .any(|k| k.alg() == alg && k.verify(input, &sig).is_ok()),
        "no key of the header's alg re-verifies the signature"
    );
    if alg == tessera::Algorithm::HS256 {
        assert!(
            f.hmac
                .iter()
                .any(|k| b64::encode(&k.sign(input).unwrap()) == s),
            "re-signing with the same HMAC key gives another token"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        check(rest);
    } else {
        let (header, payload) = split2(rest);
        let mut token = b64::encode(header);
        token.push('.');
        token.push_str(&b64::encode(payload));
        let key = &fixture().hmac[0];
        let sig = key.sign(token.as_bytes()).expect("hmac");
        token.push('.');
        token.push_str(&b64::encode(&sig));
        check(token.as_bytes());
    }
    // Unused-input guard: check_error is also exercised on the raw data.
    if let Err(e) = jws::decode_unverified_bytes(data) {
        check_error(&e, data);
    }
});
