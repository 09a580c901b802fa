//! The Rust-core half of the C benchmark (bench/c): the very workload
//! `bench/c/bench.c` runs through the C ABI, here through the Rust core,
//! timed the same way, so `bench/c/run` can alternate the two processes and
//! show what the C ABI costs.
//!
//! ```text
//! core_rounds backend                     the core's crypto backend (tessera::CRYPTO_BACKEND)
//! core_rounds tokens                      "token ALG TOKEN" lines (Tessera-signed, for the C side to check)
//! core_rounds verify-tokens FILE          verifies the C program's "token ALG TOKEN" lines
//! core_rounds serve                       stdin "CASE N" -> stdout µs/op of a batch of N calls
//! core_rounds memory OPS                  allocations per op (with the malloc_count shim LD_PRELOADed)
//! ```
//!
//! The cases, in this order everywhere: sign HS256, RS256, ES256, EdDSA,
//! then verify in the same order. Sign is `jwt::encode(CLAIMS_JSON, &key,
//! None)` with a prebuilt `Key`, the token dropped; verify is
//! `Verifier::verify(&token)` on the prebuilt `Verifier` (exp, iss, aud
//! validated), the `Claims` dropped — exactly what `Setup::run(op, 1)` of
//! `src/lib.rs` times, on the same keys, policy and claims (built here
//! rather than with `Setup::new`, which also prepares every other library).
//! A batch of N calls is timed with `Instant` (clock_gettime
//! CLOCK_MONOTONIC, as the C program does); bench/c/harness.py asks this
//! process and the C program for batches in turn.

use std::ffi::{c_char, c_void, CStr};
use std::hint::black_box;
use std::io::{BufRead as _, Write as _};
use std::time::Instant;

use tessera::jwt::{self, Verifier};
use tessera::{Algorithm, Key};
use tessera_bench::{tessera_key, tessera_verifier, ALGORITHMS, CLAIMS_JSON};

/// What one algorithm needs, prepared once: what `Setup::new` of
/// src/lib.rs builds for Tessera (without the other libraries' keys).
struct Setup {
    alg: Algorithm,
    /// The private key (the secret for HS256): signs.
    key: Key,
    /// The public key (the secret for HS256) + exp/iss/aud policy.
    verifier: Verifier,
    /// The token verify times (signed by `key`).
    token: String,
}

impl Setup {
    fn new(alg: Algorithm) -> Setup {
        let key = tessera_key(alg);
        let verifier = tessera_verifier(&key);
        let token = jwt::encode(CLAIMS_JSON, &key, None).unwrap();
        // Self-check: the claims come back exactly; a tampered token is refused.
        assert_eq!(verifier.verify(&token).unwrap().json(), CLAIMS_JSON);
        let mut bad = token.clone().into_bytes();
        let i = bad.len() - 3;
        bad[i] = if bad[i] == b'A' { b'B' } else { b'A' };
        assert!(verifier.verify(std::str::from_utf8(&bad).unwrap()).is_err());
        Setup {
            alg,
            key,
            verifier,
            token,
        }
    }
}

const NCASE: usize = 8;

fn case_name(c: usize) -> (&'static str, &'static str) {
    let op = if c < 4 { "sign" } else { "verify" };
    (op, ALGORITHMS[c % 4].as_str())
}

#[inline]
fn sign_once(s: &Setup) {
    black_box(jwt::encode(black_box(CLAIMS_JSON), &s.key, None).unwrap());
}

#[inline]
fn verify_once(s: &Setup) {
    black_box(s.verifier.verify(black_box(&s.token)).unwrap());
}

/// Mean ns per op over `n` calls of case `c`.
fn time_batch(setups: &[Setup], c: usize, n: u64) -> f64 {
    let s = &setups[c % 4];
    let start = Instant::now();
    if c < 4 {
        for _ in 0..n {
            sign_once(s);
        }
    } else {
        for _ in 0..n {
            verify_once(s);
        }
    }
    start.elapsed().as_nanos() as f64 / n as f64
}

/// Serves timing requests from bench/c/harness.py: each stdin line
/// `CASE N` times one batch of N calls of case CASE (0..7) and answers one
/// line, the mean µs per call (the C program answers the same requests; the
/// harness alternates between the two processes a batch at a time).
fn serve(setups: &[Setup]) {
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line.expect("stdin");
        let mut f = line.split_whitespace();
        let c: usize = f.next().and_then(|v| v.parse().ok()).expect("CASE N");
        let n: u64 = f.next().and_then(|v| v.parse().ok()).expect("CASE N");
        assert!(c < NCASE && n >= 1, "bad request {line}");
        let us = time_batch(setups, c, n) / 1e3;
        writeln!(stdout, "{us:.5}").expect("stdout");
        stdout.flush().expect("stdout");
    }
}

fn verify_tokens(setups: &[Setup], file: &str) {
    let text = std::fs::read_to_string(file).expect("token file");
    let mut seen = [false; 4];
    for line in text.lines() {
        let mut parts = line.split(' ');
        if parts.next() != Some("token") {
            continue;
        }
        let (alg, token) = (parts.next().unwrap(), parts.next().unwrap());
        let i = ALGORITHMS
            .iter()
            .position(|a| a.as_str() == alg)
            .expect("algorithm");
        let claims = setups[i]
            .verifier
            .verify(token)
            .unwrap_or_else(|e| panic!("{alg}: the core refuses the C ABI's token: {e}"));
        assert_eq!(claims.json(), CLAIMS_JSON, "{alg}: claims");
        if alg != "ES256" {
            // Deterministic signatures: byte for byte the same token.
            assert_eq!(
                token, setups[i].token,
                "{alg}: the C ABI signed other bytes"
            );
        }
        seen[i] = true;
    }
    assert!(seen.iter().all(|&s| s), "a token for every algorithm");
    println!("ok: the Rust core accepts the C ABI's tokens");
}

extern "C" {
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
}

/// `malloc_count_snapshot` of the LD_PRELOADed shim, if any (RTLD_DEFAULT is
/// the null handle on glibc).
fn snapshot_fn() -> Option<unsafe extern "C" fn(*mut u64)> {
    let name: &CStr = c"malloc_count_snapshot";
    // SAFETY: dlsym with RTLD_DEFAULT and a NUL-terminated name.
    let p = unsafe { dlsym(std::ptr::null_mut(), name.as_ptr()) };
    // SAFETY: the shim defines it as `void malloc_count_snapshot(unsigned long long[3])`.
    (!p.is_null())
        .then(|| unsafe { std::mem::transmute::<*mut c_void, unsafe extern "C" fn(*mut u64)>(p) })
}

fn memory(setups: &[Setup], ops: u64) {
    let snap = snapshot_fn();
    println!("shim {}", snap.is_some() as u8);
    let Some(snap) = snap else { return };
    for c in 0..NCASE {
        let n = if c == 1 { ops / 50 + 1 } else { ops };
        time_batch(setups, c, 100);
        let (mut a, mut b) = ([0u64; 3], [0u64; 3]);
        // SAFETY: three writable u64s.
        unsafe { snap(a.as_mut_ptr()) };
        time_batch(setups, c, n);
        // SAFETY: as above.
        unsafe { snap(b.as_mut_ptr()) };
        let (op, alg) = case_name(c);
        let per = |i: usize| (b[i] - a[i]) as f64 / n as f64;
        println!(
            "allocs {op} {alg} {n} {:.3} {:.1} {:.3}",
            per(0),
            per(1),
            per(2)
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let setups: Vec<Setup> = ALGORITHMS.iter().map(|&a| Setup::new(a)).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["tokens"] => {
            for s in &setups {
                // A fresh encode (the same bytes as s.token for deterministic algorithms).
                let t = jwt::encode(CLAIMS_JSON, &s.key, None).unwrap();
                println!("token {} {t}", s.alg.as_str());
            }
        }
        ["backend"] => println!("{}", tessera::CRYPTO_BACKEND),
        ["verify-tokens", file] => verify_tokens(&setups, file),
        ["serve"] => serve(&setups),
        ["memory", ops] => memory(&setups, ops.parse().expect("OPS")),
        _ => {
            eprintln!(
                "usage: core_rounds backend | tokens | verify-tokens FILE | serve | memory OPS"
            );
            std::process::exit(2);
        }
    }
}
