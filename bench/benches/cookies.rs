//! Cookie codecs in Rust: Tessera's native `SessionCookie` (signed and
//! encrypted) on a 200-byte session (the issue's target: open under 1 µs),
//! and the framework codecs (Flask, cookie-session) on the same session.
//! The peers themselves (itsdangerous, keygrip) are measured in their own
//! languages by bench/python and bench/node, against Tessera's bindings.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use tessera::cookie::express::ExpressCookieSession;
use tessera::cookie::flask::FlaskCookie;
use tessera::cookie::native::{SessionCookie, SessionCookieOptions};

/// A 200-byte session, as JSON object text.
fn session() -> String {
    let s = r#"{"user_id":1234567,"username":"alice@example.com","roles":["admin","editor","viewer"],"csrf":"Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4","theme":"dark","last_seen":1763000000,"flags":{"beta":true,"mfa":true}}"#;
    assert!((195..=215).contains(&s.len()), "{}", s.len());
    s.to_owned()
}

fn benches(c: &mut Criterion) {
    let json = session();
    let now = 1_763_000_000;
    let secret = b"bench-secret-bench-secret-bench-secret!!";
    for encrypted in [false, true] {
        let codec = SessionCookie::new(
            &[secret],
            SessionCookieOptions {
                encrypted,
                max_age: Some(86_400),
                ..SessionCookieOptions::default()
            },
        )
        .unwrap();
        let value = codec.seal(&json, now).unwrap();
        let mode = if encrypted { "encrypted" } else { "signed" };
        let mut g = c.benchmark_group(format!("cookie/native-{mode}"));
        g.bench_function("seal", |b| {
            b.iter(|| codec.seal(black_box(&json), now).unwrap())
        });
        g.bench_function("open", |b| {
            b.iter(|| codec.open(black_box(&value), now).unwrap())
        });
        g.finish();
    }
    let flask = FlaskCookie::new(b"flask-secret-key").unwrap();
    let cookie = flask.dumps(&json, now).unwrap();
    let mut g = c.benchmark_group("cookie/flask");
    g.bench_function("dumps", |b| {
        b.iter(|| flask.dumps(black_box(&json), now).unwrap())
    });
    g.bench_function("loads", |b| {
        b.iter(|| flask.loads(black_box(&cookie), now).unwrap())
    });
    g.finish();
    let express =
        ExpressCookieSession::new(&["keygrip-key-1", "keygrip-key-0"], "session").unwrap();
    let (value, sig) = express.sign(&json).unwrap();
    let mut g = c.benchmark_group("cookie/cookie-session");
    g.bench_function("sign", |b| {
        b.iter(|| express.sign(black_box(&json)).unwrap())
    });
    g.bench_function("verify", |b| {
        b.iter(|| express.verify(black_box(&value), &sig).unwrap())
    });
    g.finish();
}

criterion_group!(cookie_benches, benches);
criterion_main!(cookie_benches);
