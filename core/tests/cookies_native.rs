//! `tests/vectors/cookies/native.json`: Tessera's own session cookie, as
//! every binding must read it. The file is produced by this test (the format
//! is Tessera's; see docs/cookies.md) and checked on every run:
//!
//!     TESSERA_REGENERATE=1 cargo test -p tessera --test cookies_native
//!
//! Signed values are deterministic, so re-sealing a signed case must give the
//! stored value byte for byte: a change to the format fails here first.

use serde_json::{json, Value};
use tessera::cookie::header::CookieAttributes;
use tessera::cookie::native::{SessionCookie, SessionCookieOptions};

const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/vectors/cookies/native.json"
);
const NEW: &str = "tessera-native-cookie-secret-2026-current-0001";
const OLD: &str = "tessera-native-cookie-secret-2025-previous-0000";
const NOW: i64 = 1_763_000_000;

fn codec(c: &Value) -> SessionCookie {
    let secrets: Vec<String> = c["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    SessionCookie::new(
        &secrets,
        SessionCookieOptions {
            name: c["cookie_name"].as_str().unwrap().to_owned(),
            encrypted: c["encrypted"].as_bool().unwrap(),
            max_age: c["max_age"].as_u64(),
            chunked: c["chunked"].as_bool().unwrap_or(false),
            attributes: CookieAttributes::default(),
        },
    )
    .unwrap()
}

fn case(
    name: &str,
    secrets: &[&str],
    cookie_name: &str,
    encrypted: bool,
    max_age: Option<u64>,
) -> Value {
    json!({"name": name, "secrets": secrets, "cookie_name": cookie_name, "encrypted": encrypted,
           "max_age": max_age, "chunked": false})
}

fn flip(value: &str, at: usize) -> String {
    let mut b = value.as_bytes().to_vec();
    b[at] = if b[at] == b'A' { b'B' } else { b'A' };
    String::from_utf8(b).unwrap()
}

fn generate() -> Value {
    let mut cases = Vec::new();
    let session = r#"{"user_id":42,"name":"Jürgen 🍪","roles":["admin","dev"],"csrf":"<&>"}"#;
    // Valid: opened at `now` with what `expect` says.
    // (name, secrets, cookie name, encrypted, max_age, sealed at, opened at)
    type Valid<'a> = (&'a str, &'a [&'a str], &'a str, bool, Option<u64>, i64, i64);
    let valid: [Valid; 7] = [
        ("signed", &[NEW], "session", false, None, NOW, NOW + 10),
        ("encrypted", &[NEW], "session", true, None, NOW, NOW + 10),
        (
            "signed-max-age-boundary",
            &[NEW],
            "sid",
            false,
            Some(3600),
            NOW,
            NOW + 3600,
        ),
        (
            "encrypted-max-age",
            &[NEW],
            "__Host-session",
            true,
            Some(86_400),
            NOW,
            NOW + 86_399,
        ),
        (
            "clock-skew-allowed",
            &[NEW],
            "session",
            false,
            Some(60),
            NOW + 60,
            NOW,
        ),
        (
            "rotation-signed",
            &[NEW, OLD],
            "session",
            false,
            None,
            NOW,
            NOW + 1,
        ),
        (
            "rotation-encrypted",
            &[NEW, OLD],
            "session",
            true,
            None,
            NOW,
            NOW + 1,
        ),
    ];
    for (name, secrets, cookie_name, encrypted, max_age, sealed_at, open_now) in valid {
        let mut c = case(name, secrets, cookie_name, encrypted, max_age);
        let rotated = name.starts_with("rotation");
        // Rotation cases are sealed with the old secret alone.
        let sealer = if rotated {
            codec(&case(name, &[OLD], cookie_name, encrypted, max_age))
        } else {
            codec(&c)
        };
        let value = sealer.seal(session, sealed_at).unwrap();
        c["value"] = json!(value);
        c["now"] = json!(open_now);
        c["expect"] = json!({"json": session, "issued_at": sealed_at, "needs_reissue": rotated});
        if !encrypted && !rotated {
            c["seal"] = json!({"json": session, "now": sealed_at});
        }
        cases.push(c);
    }
    // A chunked session, read from a Cookie header.
    let big = format!(r#"{{"blob":"{}","n":1}}"#, "z".repeat(5000));
    let mut c = case("chunked-load", &[NEW], "session", false, None);
    c["chunked"] = json!(true);
    let parts = codec(&c).seal_chunks(&big, NOW).unwrap();
    assert_eq!(parts.len(), 2);
    let header: Vec<String> = parts
        .iter()
        .rev()
        .map(|(n, v)| format!("{n}={v}"))
        .collect();
    c["cookie_header"] = json!(format!("theme=dark; {}; other=\"1\"", header.join("; ")));
    c["now"] = json!(NOW);
    c["expect"] = json!({"json": big, "issued_at": NOW, "needs_reissue": false});
    cases.push(c);
    let mut c = case("load-single-quoted", &[NEW], "session", true, None);
    let v = codec(&c).seal("{}", NOW).unwrap();
    c["cookie_header"] = json!(format!("a=1; session=\"{v}\""));
    c["now"] = json!(NOW);
    c["expect"] = json!({"json": "{}", "issued_at": NOW, "needs_reissue": false});
    cases.push(c);

    // Rejected.
    let base = case("x", &[NEW], "session", false, Some(3600));
    let signed = codec(&base).seal(session, NOW).unwrap();
    let enc_case = case("x", &[NEW], "session", true, Some(3600));
    let encrypted = codec(&enc_case).seal(session, NOW).unwrap();
    let other_name = codec(&case("x", &[NEW], "admin", false, None))
        .seal(session, NOW)
        .unwrap();
    let other_secret = codec(&case("x", &[OLD], "session", false, None))
        .seal(session, NOW)
        .unwrap();
    let mut chunked = base.clone();
    chunked["chunked"] = json!(true);
    let parts = codec(&chunked).seal_chunks(&big, NOW).unwrap();
    let rejected: Vec<(&str, &Value, String, i64, &str)> = vec![
        ("expired", &base, signed.clone(), NOW + 3601, "EXPIRED"),
        (
            "encrypted-expired",
            &enc_case,
            encrypted.clone(),
            NOW + 3601,
            "EXPIRED",
        ),
        (
            "issued-in-future",
            &base,
            signed.clone(),
            NOW - 61,
            "ISSUED_IN_FUTURE",
        ),
        (
            "other-cookie-name",
            &base,
            other_name,
            NOW,
            "INVALID_SIGNATURE",
        ),
        (
            "unknown-secret",
            &base,
            other_secret,
            NOW,
            "INVALID_SIGNATURE",
        ),
        (
            "signed-read-as-encrypted",
            &enc_case,
            signed.clone(),
            NOW,
            "INVALID_SIGNATURE",
        ),
        (
            "encrypted-read-as-signed",
            &base,
            encrypted.clone(),
            NOW,
            "INVALID_SIGNATURE",
        ),
        (
            "signed-payload-flip",
            &base,
            flip(&signed, 10),
            NOW,
            "INVALID_SIGNATURE",
        ),
        (
            "signed-tag-flip",
            &base,
            flip(&signed, signed.len() - 5),
            NOW,
            "INVALID_SIGNATURE",
        ),
        (
            "encrypted-flip",
            &enc_case,
            flip(&encrypted, 30),
            NOW,
            "INVALID_SIGNATURE",
        ),
        (
            "signed-truncated-tag",
            &base,
            signed[..signed.len() - 4].to_owned(),
            NOW,
            "INVALID_SIGNATURE",
        ),
        (
            "signed-extended",
            &base,
            format!("{signed}AAAA"),
            NOW,
            "INVALID_SIGNATURE",
        ),
        ("no-prefix", &base, signed[3..].to_owned(), NOW, "MALFORMED"),
        (
            "future-version",
            &base,
            format!("t2.{}", &signed[3..]),
            NOW,
            "MALFORMED",
        ),
        (
            "not-base64url",
            &base,
            format!("{}+/", &signed),
            NOW,
            "MALFORMED",
        ),
        ("padded", &base, format!("{signed}="), NOW, "MALFORMED"),
        ("too-short", &base, "t1.cwAAAA".to_owned(), NOW, "MALFORMED"),
        (
            "unknown-mode",
            &base,
            "t1.eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4".to_owned(),
            NOW,
            "MALFORMED",
        ),
        ("empty", &base, String::new(), NOW, "MALFORMED"),
    ];
    for (name, cfg, value, now, code) in rejected {
        let mut c = cfg.clone();
        c["name"] = json!(name);
        c["value"] = json!(value);
        c["now"] = json!(now);
        c["expect"] = json!({"error": code});
        cases.push(c);
    }
    let headers = [
        (
            "load-absent",
            "theme=dark; session.1=x".to_owned(),
            "SESSION_NOT_FOUND",
        ),
        (
            "load-missing-chunk",
            format!("session.0={}", parts[0].1),
            "MALFORMED",
        ),
        (
            "load-chunk-altered",
            format!(
                "session.0={}; session.1={}",
                parts[0].1,
                flip(&parts[1].1, 5)
            ),
            "INVALID_SIGNATURE",
        ),
        (
            "load-bad-chunk-count",
            format!("session.0=1.{}; session.1={}", &parts[0].1[2..], parts[1].1),
            "MALFORMED",
        ),
    ];
    for (name, header, code) in headers {
        let mut c = chunked.clone();
        c["name"] = json!(name);
        c["cookie_header"] = json!(header);
        c["now"] = json!(NOW);
        c["expect"] = json!({"error": code});
        cases.push(c);
    }
    json!({
        "_schema": "cases[]: name; secrets (UTF-8, first seals, all open); cookie_name; encrypted; max_age (seconds or null); chunked; now (Unix seconds); either value (open(value, now)) or cookie_header (load(cookie_header, now)). expect: {json (exact text), issued_at, needs_reissue} or {error: Tessera code}. seal (signed cases only): seal(seal.json, seal.now) must equal value byte for byte.",
        "_generator": "core/tests/cookies_native.rs (TESSERA_REGENERATE=1)",
        "_format": "docs/cookies.md",
        "cases": cases,
    })
}

#[test]
fn native_vectors() {
    if std::env::var_os("TESSERA_REGENERATE").is_some() {
        let text = serde_json::to_string_pretty(&generate()).unwrap() + "\n";
        std::fs::write(PATH, text).unwrap();
    }
    let v: Value = serde_json::from_str(&std::fs::read_to_string(PATH).unwrap()).unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 30);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let cs = codec(c);
        let now = c["now"].as_i64().unwrap();
        let got = match (c["value"].as_str(), c["cookie_header"].as_str()) {
            (Some(value), None) => cs.open(value, now),
            (None, Some(header)) => cs.load(header, now),
            _ => panic!("{name}: needs value or cookie_header"),
        };
        let expect = &c["expect"];
        if let Some(code) = expect["error"].as_str() {
            let err = got.err().unwrap_or_else(|| panic!("{name}: accepted"));
            assert_eq!(err.code().as_str(), code, "{name}: {err}");
            continue;
        }
        let o = got.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(o.json, expect["json"].as_str().unwrap(), "{name}");
        assert_eq!(o.issued_at, expect["issued_at"].as_i64().unwrap(), "{name}");
        assert_eq!(
            o.needs_reissue,
            expect["needs_reissue"].as_bool().unwrap(),
            "{name}"
        );
        if let Some(seal) = c.get("seal") {
            let again = cs
                .seal(
                    seal["json"].as_str().unwrap(),
                    seal["now"].as_i64().unwrap(),
                )
                .unwrap();
            assert_eq!(
                again,
                c["value"].as_str().unwrap(),
                "{name}: seal is not byte-identical"
            );
        }
    }
}

/// Random sessions and secrets round trip in both modes; every single-byte
/// change to a sealed value is rejected (a deterministic xorshift stream).
#[test]
fn property_round_trip_and_tamper() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for round in 0..60 {
        let secret: Vec<u8> = (0..32 + next() % 32).map(|_| next() as u8).collect();
        let encrypted = round % 2 == 1;
        let cs = SessionCookie::new(
            &[&secret],
            SessionCookieOptions {
                encrypted,
                ..Default::default()
            },
        )
        .unwrap();
        let n = next() % 8;
        let members: Vec<String> = (0..n)
            .map(|i| {
                let s: String = (0..next() % 40)
                    .map(|_| char::from_u32(0x20 + (next() % 0x2000) as u32).unwrap_or('x'))
                    .collect();
                format!("{}:{}", json!(format!("k{i}")), json!(s))
            })
            .collect();
        let data = format!("{{{}}}", members.join(","));
        let now = (next() % 2_000_000_000) as i64;
        let value = cs.seal(&data, now).unwrap();
        let o = cs.open(&value, now).unwrap();
        assert_eq!((o.json.as_str(), o.issued_at), (data.as_str(), now));
        if round % 6 == 0 {
            for i in 0..value.len() {
                let mut b = value.clone().into_bytes();
                b[i] ^= 1 + (next() % 0x7f) as u8;
                if let Ok(m) = String::from_utf8(b) {
                    assert!(cs.open(&m, now).is_err(), "round {round} byte {i}");
                }
            }
        }
    }
}
