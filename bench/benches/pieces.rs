//! Where the time of an HS256 `Verifier::verify` goes: the pieces of the hot
//! path measured one by one on the fixed workload, through Tessera's public
//! API where it exposes them and with the libraries Tessera builds on
//! otherwise. Not part of `bench/run`; run it with
//! `cargo bench -p tessera-bench --bench pieces`.
//!
//! Before timing anything it prints how many heap allocations one call of
//! each piece makes (a counting global allocator).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use criterion::{criterion_group, criterion_main, Criterion};
use serde::Deserialize;
use tessera::jwt::{Validation, Verifier};
use tessera::{jws, Algorithm, Key, KeySet};

struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        System.alloc(l)
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        System.alloc_zeroed(l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        System.realloc(p, l, n)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocs_of<R>(f: impl Fn() -> R) -> usize {
    drop(f()); // warm any lazy statics
    let before = ALLOCS.load(Ordering::Relaxed);
    drop(black_box(f()));
    ALLOCS.load(Ordering::Relaxed) - before
}

const CLAIMS_JSON: &str = r#"{"sub":"1234567890","name":"John Doe","admin":true,"iat":1700000000,"exp":4102444800,"iss":"https://issuer.example","aud":"api"}"#;
const HMAC_SECRET: &[u8] = b"tessera-bench-hmac-secret-32-bytes-long!";

#[allow(dead_code)]
#[derive(Deserialize)]
struct Registered<'a> {
    exp: f64,
    iat: f64,
    #[serde(borrow)]
    iss: &'a str,
    #[serde(borrow)]
    sub: &'a str,
    #[serde(borrow)]
    aud: &'a str,
}

fn pieces(c: &mut Criterion) {
    let key = Key::hmac(HMAC_SECRET, Algorithm::HS256).unwrap();
    let ring_key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, HMAC_SECRET);
    let token = tessera::jwt::encode(CLAIMS_JSON, &key, None).unwrap();
    let mut segs = token.split('.');
    let (h, p, s) = (
        segs.next().unwrap(),
        segs.next().unwrap(),
        segs.next().unwrap(),
    );
    let signing_input = &token[..h.len() + 1 + p.len()];
    let sig = URL_SAFE_NO_PAD.decode(s).unwrap();
    let keys = KeySet::from(key.clone());
    let full = Verifier::new(
        keys.clone(),
        Validation {
            issuer: Some(vec!["https://issuer.example".into()]),
            audience: Some(vec!["api".into()]),
            ..Validation::default()
        },
    )
    .unwrap();
    let opts = jws::JwsOptions::default();

    type Piece<'a> = (&'a str, Box<dyn Fn() -> usize + 'a>);
    let list: Vec<Piece> = vec![
        (
            "hmac_floor (ring::hmac::verify)",
            Box::new(|| {
                ring::hmac::verify(&ring_key, signing_input.as_bytes(), &sig).is_ok() as usize
            }),
        ),
        (
            "key_verify (Key::verify)",
            Box::new(|| key.verify(signing_input.as_bytes(), &sig).is_ok() as usize),
        ),
        (
            "b64_payload_tessera (b64::decode)",
            Box::new(|| tessera::b64::decode(p).unwrap().len()),
        ),
        (
            "b64_payload_base64_crate",
            Box::new(|| URL_SAFE_NO_PAD.decode(p).unwrap().len()),
        ),
        (
            "b64_signature_tessera",
            Box::new(|| tessera::b64::decode(s).unwrap().len()),
        ),
        (
            "json_claims_ignored_any (serde_json floor)",
            Box::new(|| {
                serde_json::from_str::<serde::de::IgnoredAny>(CLAIMS_JSON).unwrap();
                0
            }),
        ),
        (
            "json_claims_borrowed_struct (registered only, no alloc)",
            Box::new(|| {
                serde_json::from_str::<Registered>(CLAIMS_JSON)
                    .unwrap()
                    .sub
                    .len()
            }),
        ),
        (
            "json_claims_value (serde_json::Value)",
            Box::new(|| {
                serde_json::from_str::<serde_json::Value>(CLAIMS_JSON)
                    .unwrap()
                    .as_object()
                    .unwrap()
                    .len()
            }),
        ),
        (
            "jws_verify_with (no claims, no header cache)",
            Box::new(|| {
                jws::verify_with(&token, &keys, &opts)
                    .unwrap()
                    .payload
                    .len()
            }),
        ),
        (
            "jwt_decode_unverified (strict parse, no crypto)",
            Box::new(|| {
                tessera::jwt::decode_unverified(&token)
                    .unwrap()
                    .claims_json
                    .len()
            }),
        ),
        (
            "verifier_verify (full hot path)",
            Box::new(|| full.verify(&token).unwrap().json().len()),
        ),
    ];

    eprintln!("heap allocations per call:");
    for (name, f) in &list {
        eprintln!("  {:>3}  {name}", allocs_of(f));
    }

    let mut g = c.benchmark_group("pieces");
    for (name, f) in &list {
        let id = name.split(' ').next().unwrap();
        g.bench_function(id, |b| b.iter(f));
    }
    g.finish();
}

criterion_group!(pieces_group, pieces);
criterion_main!(pieces_group);
