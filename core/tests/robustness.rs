//! Hostile-input robustness: thousands of mutated tokens, keys and JWKS go
//! through the public API. Every call must return (Ok or a coded Err) — never
//! panic, hang or accept a tampered token. Deterministic (fixed PRNG seed).

use tessera::{jws, jwt, Algorithm, ErrorCode, Key, KeySet};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INTERESTING: &[u8] = b".=-_+/ \n\t\0\"{}[]:,\\eyJ";

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(6) {
            0 if !v.is_empty() => {
                let i = at.min(v.len() - 1);
                v[i] ^= 1 << rng.below(8);
            }
            1 => v.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
            2 if at < v.len() => {
                v.remove(at);
            }
            3 => v.truncate(at),
            4 if !v.is_empty() => {
                let i = at.min(v.len() - 1);
                v[i] = INTERESTING[rng.below(INTERESTING.len())];
            }
            _ => {
                let from = rng.below(v.len());
                let chunk: Vec<u8> = v[from..(from + 8).min(v.len())].to_vec();
                let at = at.min(v.len());
                v.splice(at..at, chunk);
            }
        }
    }
    v
}

#[test]
fn mutated_tokens_are_rejected_never_panic() {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let claims = r#"{"sub":"u1","exp":4102444800,"aud":["a","b"],"nested":{"x":[1,2.5,null,true]},"s":"\u00e9\ud83d\ude00"}"#;
    for alg in [Algorithm::HS256, Algorithm::ES256, Algorithm::EdDSA] {
        let key = Key::generate(alg).unwrap();
        let token = jwt::encode(claims, &key, None).unwrap();
        let keys = KeySet::from(key);
        let validation = jwt::Validation {
            audience: Some(vec!["a".into()]),
            ..Default::default()
        };
        let verifier = jwt::Verifier::new(keys.clone(), validation).unwrap();
        verifier.verify(&token).unwrap();
        for _ in 0..3000 {
            let bad = mutate(&mut rng, token.as_bytes());
            let result = verifier.verify_bytes(&bad);
            if bad != token.as_bytes() {
                // Any change is caught: base64url is canonical, so no two
                // encodings of one token exist.
                let e = result.expect_err("a mutated token was accepted");
                assert!(ErrorCode::ALL.contains(&e.code()));
                assert!(!e.message().contains(&token), "message echoes the token");
            }
            if let Ok(text) = std::str::from_utf8(&bad) {
                let _ = jwt::decode_unverified(text);
                let _ = jws::verify(text, &keys);
            }
        }
    }
}

#[test]
fn garbage_keys_never_panic() {
    let mut rng = Rng(0x0bad_cafe_f00d_0001);
    let seeds: Vec<String> = [
        Algorithm::ES256,
        Algorithm::EdDSA,
        Algorithm::HS256,
        Algorithm::RS256,
    ]
    .iter()
    .map(|&a| {
        Key::generate_with(a, Some("k"))
            .unwrap()
            .to_jwk(true)
            .unwrap()
    })
    .collect();
    for seed in &seeds {
        for _ in 0..300 {
            let bad = mutate(&mut rng, seed.as_bytes());
            if let Ok(text) = std::str::from_utf8(&bad) {
                let _ = Key::from_jwk(text);
                let _ = KeySet::from_jwks(&format!("{{\"keys\":[{text}]}}"));
            }
        }
    }
    let pem = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/keys/ec256_pkcs8.pem"
    ))
    .unwrap();
    let der = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/keys/rsa_pkcs8.der"
    ))
    .unwrap();
    for _ in 0..1000 {
        let bad = mutate(&mut rng, pem.as_bytes());
        if let Ok(text) = std::str::from_utf8(&bad) {
            let _ = Key::from_pem(text, None);
        }
        let _ = Key::from_der(&mutate(&mut rng, &der), None);
    }
}

#[test]
fn oversized_and_deep_inputs_fail_fast() {
    let key = Key::generate(Algorithm::HS256).unwrap();
    let keys = KeySet::from(key);
    let huge = "a".repeat(10 * 1024 * 1024);
    let e = jwt::decode(&huge, &keys, &Default::default()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::TooLarge);
    // Untrusted bytes: the size limit applies before any UTF-8 or base64 check.
    let big_binary = vec![0xffu8; 20_000];
    assert_eq!(
        jws::verify_bytes(&big_binary, &keys).unwrap_err().code(),
        ErrorCode::TooLarge
    );
    assert_eq!(
        jwt::decode_unverified_bytes(&big_binary)
            .unwrap_err()
            .code(),
        ErrorCode::TooLarge
    );
    let small_binary = b"\xff\xfe.\xff.\xff";
    assert_eq!(
        jws::verify_bytes(small_binary, &keys).unwrap_err().code(),
        ErrorCode::Malformed
    );
    assert_eq!(
        jwt::decode_unverified_bytes(small_binary)
            .unwrap_err()
            .code(),
        ErrorCode::Malformed
    );
    assert_eq!(
        jws::verify_detached_bytes(small_binary, b"", &keys)
            .unwrap_err()
            .code(),
        ErrorCode::Malformed
    );
    let deep_jwks = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    assert_eq!(
        KeySet::from_jwks(&deep_jwks).unwrap_err().code(),
        ErrorCode::Malformed
    );
    let deep_jwk = format!("{{\"kty\":{}}}", "{\"a\":".repeat(100_000));
    assert_eq!(
        Key::from_jwk(&deep_jwk).unwrap_err().code(),
        ErrorCode::Malformed
    );
}

// Regressions found by the cargo-fuzz targets (fuzz/, docs/fuzzing.md).

/// cookie_native: `seal` accepted a JSON object with whitespace around it
/// and sealed it as given, which `open` then refused as MALFORMED.
#[test]
fn fuzz_native_seal_with_surrounding_whitespace_opens() {
    use tessera::cookie::native::{SessionCookie, SessionCookieOptions};
    for encrypted in [false, true] {
        let c = SessionCookie::new(
            &["tessera-native-cookie-secret-2026-current-0001"],
            SessionCookieOptions {
                encrypted,
                ..SessionCookieOptions::default()
            },
        )
        .unwrap();
        for json in [" {\"us\":42,\"f\":\"<&>\"}", "{\"a\":1}\n", "\t\r\n {} \n"] {
            let sealed = c.seal(json, 1_763_000_000).unwrap();
            let opened = c.open(&sealed, 1_763_000_000).unwrap();
            assert_eq!(opened.json, json.trim(), "{json:?} encrypted={encrypted}");
        }
    }
}

/// A session created with `{}` on a MemoryStore: the store, the manager, the
/// id, its store key (docs/sessions.md: `s:<hex sha256(id)>`) and the record
/// text, for tests that plant a damaged record.
fn stored_session() -> (
    std::sync::Arc<tessera::session::MemoryStore>,
    tessera::session::SessionManager,
    String,
    String,
    String,
) {
    use std::sync::Arc;
    use std::time::Duration;
    use tessera::session::{MemoryStore, SessionManager, SessionStore};
    let store = Arc::new(MemoryStore::default());
    let m = SessionManager::new(store.clone(), Duration::from_secs(600), None).unwrap();
    let id = m.create("{}", None).unwrap();
    let key = {
        let d = ring::digest::digest(&ring::digest::SHA256, id.as_bytes());
        let hex: String = d.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        format!("s:{hex}")
    };
    let text = String::from_utf8(store.get(&key).unwrap().unwrap()).unwrap();
    (store, m, id, key, text)
}

/// session_record: a stored session at version u64::MAX overflowed on save
/// (a panic with overflow checks, a wrap to version 0 without).
#[test]
fn fuzz_session_at_largest_version_is_malformed_on_save() {
    use tessera::session::SessionStore;
    let (store, m, id, key, text) = stored_session();
    let at_max = text.replace("\"version\":0", &format!("\"version\":{}", u64::MAX));
    assert_ne!(at_max, text);
    store.set(&key, at_max.as_bytes(), 600_000).unwrap();
    let s = m.load(&id).unwrap().unwrap();
    assert_eq!(s.version, u64::MAX);
    let err = m.save(&id, "{\"a\":1}", u64::MAX).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Malformed);
    assert_eq!(m.load(&id).unwrap().unwrap().version, u64::MAX);
}

/// cookie_flask: a validly signed Flask cookie holding a tagged value Flask
/// never writes (`" b"` that is not base64) loads as signed, exactly as
/// Flask's reader sees it (the bindings then convert tags as Flask does, and
/// report MALFORMED where Flask's conversion fails); `dumps` refuses it, since
/// it writes only what Flask writes. Found by fuzz/cookie_flask, whose
/// round-trip invariant allows exactly this case.
#[test]
fn fuzz_flask_tagged_values_flask_never_writes() {
    use tessera::cookie::flask::{FlaskCookie, DEFAULT_SALT};
    use tessera::cookie::itsdangerous::{Digest, KeyDerivation, SignerOptions, TimestampSigner};
    let secret = b"flask-interop-secret-key-1";
    let flask = FlaskCookie::new(secret).unwrap();
    let signer = TimestampSigner::new(
        &[secret],
        &SignerOptions {
            salt: DEFAULT_SALT.to_vec(),
            sep: b".".to_vec(),
            key_derivation: KeyDerivation::Hmac,
            digest: Digest::Sha1,
        },
    )
    .unwrap();
    let now = 1_763_000_000;
    let cookie = |json: &str| {
        let signed = signer
            .sign(tessera::b64::encode(json.as_bytes()).as_bytes(), now)
            .unwrap();
        String::from_utf8(signed).unwrap()
    };
    for lenient in [
        r#"{"b":{" b":"EP:hYv4="}}"#,
        r#"{"b":{"\u0020b":"EP:hYv4="}}"#,
        r#"{"u":{" u":"not-a-uuid"}}"#,
        r#"{"t":{" t":"ab"}}"#,
    ] {
        assert_eq!(flask.loads(&cookie(lenient), now).unwrap(), lenient);
        let err = flask.dumps(lenient, now).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidArgument, "{lenient}");
    }
    for good in [r#"{"b":{" b":"aGk="}}"#, r#"{"name":" spaced \u00e9"}"#] {
        let json = flask.loads(&cookie(good), now).unwrap();
        let again = flask.dumps(&json, now).unwrap();
        assert!(flask.loads(&again, now).is_ok(), "{good}");
    }
}

/// session_record: a stored session whose data is not a JSON object (or an
/// object with a duplicate member) loaded, and could then not be saved back.
/// It is MALFORMED.
#[test]
fn fuzz_session_with_non_object_data_is_malformed() {
    use tessera::session::SessionStore;
    let (store, m, id, key, text) = stored_session();
    for data in ["\"alice\"", "[1]", "null", "7", "{\"a\":1,\"a\":2}"] {
        let rec = text.replace("\"data\":{}", &format!("\"data\":{data}"));
        assert_ne!(rec, text);
        store.set(&key, rec.as_bytes(), 600_000).unwrap();
        let err = m.load(&id).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Malformed, "{data}");
    }
}

/// cookie_flask: `dumps` took a number that is not a finite double
/// (`1e1022162231`) and wrote a cookie that `loads` then refused (MALFORMED,
/// "number out of range"). `dumps` now refuses it (INVALID_ARGUMENT), so a
/// dumped cookie always loads; a large but finite number still round-trips.
#[test]
fn fuzz_flask_dumps_refuses_numbers_loads_refuses() {
    use tessera::cookie::flask::FlaskCookie;
    use tessera::cookie::itsdangerous::{SignerOptions, URLSafeTimedSerializer};
    let now = 1_763_000_000;
    let flask = FlaskCookie::new(b"flask-interop-secret-key-1").unwrap();
    let ser = URLSafeTimedSerializer::new(&[b"secret-key-0123456789"], &SignerOptions::default())
        .unwrap();
    for bad in [
        r#"{"g": 1e1022162231}"#,
        r#"{"g": -1e400}"#,
        r#"{"a": [1, 2e309]}"#,
    ] {
        let err = flask.dumps(bad, now).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidArgument, "{bad}");
        let err = ser.dumps(bad, now).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidArgument, "{bad}");
    }
    for good in [
        r#"{"g": 1e308}"#,
        r#"{"g": 123456789012345678901234567890}"#,
    ] {
        let cookie = flask.dumps(good, now).unwrap();
        flask.loads(&cookie, now).unwrap();
        let cookie = ser.dumps(good, now).unwrap();
        ser.loads(&cookie, None, now).unwrap();
    }
}
