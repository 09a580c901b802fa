//! Leak check of the Rust core (issue 11): 10^6 operations of the mix in
//! tests/leaks/README.md (HS256 sign/verify, RS256/ES256 verify, verify
//! failures, native cookie seal/open/tampered open, Flask loads, memory-store
//! sessions, denylist), RssAnon (VmRSS shown too) and the live heap blocks
//! sampled after every tenth; from the first sample (after the warm-up tenth)
//! to the last, RssAnon may grow at most 1024 KiB and the live blocks at most
//! 100 (the live heap bytes are shown, not checked). Exit 0: flat; 3: leak;
//! 2: a wrong result or a broken set-up.
//!
//! Built as the `leak_check` example of the `tessera` crate (core/Cargo.toml)
//! and run by tests/leaks/run in release:
//!
//!     cargo run --release -p tessera --example leak_check
//!
//! Environment: TESSERA_LEAK_OPS (default 1000000, a multiple of 1000);
//! TESSERA_LEAK_SELFTEST=1 keeps every result (values and errors) in a list,
//! a leak on purpose that the check must report.

use std::alloc::{GlobalAlloc, Layout, System};
use std::any::Any;
use std::process::exit;
use std::sync::atomic::{AtomicI64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tessera::cookie::flask::FlaskCookie;
use tessera::cookie::native::{SessionCookie, SessionCookieOptions};
use tessera::jwt::{self, Validation, Verifier};
use tessera::session::{Denylist, MemoryStore, SessionManager, SessionStore};
use tessera::{Algorithm, Error, ErrorCode, Key, KeySet};

const BINDING: &str = "rust";
const LIMIT_KIB: i64 = 1024;
/// Most live heap blocks the run may gain after the warm-up tenth: the
/// rarest operations of the mix run 10,000 times after it, so leaking even
/// one block per call of any of them passes this by far.
const LIMIT_BLOCKS: i64 = 100;
const EXP: i64 = 4_102_444_800; // 2100-01-01
const CLAIMS: &str =
    r#"{"sub":"leak-check","iss":"https://issuer.example","iat":1700000000,"exp":4102444800}"#;
const EXPIRED_CLAIMS: &str = r#"{"sub":"leak-check","exp":1000000000}"#;
const SESSION: &str = r#"{"user":"leak-check","cart":[1,2,3],"csrf":"0123456789abcdef"}"#;
const HMAC_SECRET: &[u8] = b"tessera-leak-check-hmac-secret-32-bytes!";
const COOKIE_SECRET: &[u8] = b"tessera-leak-check-cookie-secret-32bytes";
const FLASK_SECRET: &[u8] = b"tessera-leak-check-flask-secret";

/// The mix: (operation, slots out of every 100 operations), in slot order.
/// The same table is in every binding's program and in README.md.
const MIX: &[(&str, usize)] = &[
    ("sign_hs256", 20),
    ("verify_hs256", 22),
    ("verify_rs256", 1),
    ("verify_es256", 1),
    ("verify_bad_signature", 4),
    ("verify_expired", 3),
    ("verify_malformed", 3),
    ("verify_rs256_bad_signature", 1),
    ("verify_es256_bad_signature", 1),
    ("cookie_seal", 10),
    ("cookie_open", 10),
    ("cookie_open_tampered", 4),
    ("cookie_open_malformed", 1),
    ("flask_dumps", 1),
    ("flask_loads", 7),
    ("flask_loads_tampered", 2),
    ("session_create", 1),
    ("session_load", 1),
    ("session_destroy", 1),
    ("session_load_destroyed", 1),
    ("session_load_bad_id", 1),
    ("denylist_revoke", 1),
    ("denylist_check", 1),
    ("denylist_check_unknown", 1),
    ("denylist_revoke_invalid", 1),
];

/// The system allocator, counting live blocks (allocations minus frees), so
/// a leak is seen exactly, not only once it fills whole pages of RSS.
struct Counting;

static LIVE_BLOCKS: AtomicI64 = AtomicI64::new(0);
static LIVE_BYTES: AtomicI64 = AtomicI64::new(0);

fn allocated(p: *mut u8, size: usize) -> *mut u8 {
    if !p.is_null() {
        LIVE_BLOCKS.fetch_add(1, Relaxed);
        LIVE_BYTES.fetch_add(size as i64, Relaxed);
    }
    p
}

// SAFETY: every call is passed unchanged to `System`; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        allocated(System.alloc(layout), layout.size())
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        allocated(System.alloc_zeroed(layout), layout.size())
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BLOCKS.fetch_sub(1, Relaxed);
        LIVE_BYTES.fetch_sub(layout.size() as i64, Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            LIVE_BYTES.fetch_add(new_size as i64 - layout.size() as i64, Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// `token` with the character at `index` of its last segment replaced by
/// another base64url letter: same length, still canonical, other bytes.
fn tamper(token: &str, index: usize) -> String {
    let start = token.rfind('.').map_or(0, |p| p + 1);
    let mut bytes = token.as_bytes().to_vec();
    let at = start + index;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).expect("ASCII")
}

/// (RssAnon, VmRSS) in KiB from /proc/self/status. The check is on RssAnon:
/// a leak is anonymous memory, while the file-backed pages of VmRSS (the
/// mapped code) come and go with first use and page-cache pressure.
fn rss_kib() -> (i64, i64) {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let field = |name: &str| -> i64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| fail(format!("no {name} in /proc/self/status")))
    };
    (field("RssAnon:"), field("VmRSS:"))
}

fn fail(msg: String) -> ! {
    eprintln!("{BINDING}: FAILED: {msg}");
    exit(2);
}

struct Fixture {
    verifier: Verifier,
    rs_verifier: Verifier,
    es_verifier: Verifier,
    signing: KeySet,
    token: String,
    rs_token: String,
    es_token: String,
    bad_token: String,
    expired_token: String,
    rs_bad_token: String,
    es_bad_token: String,
    cookie: SessionCookie,
    sealed: String,
    tampered_cookie: String,
    flask: FlaskCookie,
    flask_value: String,
    flask_tampered: String,
    sessions: SessionManager,
    denylist: Denylist,
    now: i64,
    sid: String,
}

fn check<T>(what: &str, r: &tessera::Result<T>, want: ErrorCode) {
    match r {
        Err(e) if e.code() == want => {}
        Err(e) => fail(format!(
            "{what}: {} instead of {}",
            e.code().as_str(),
            want.as_str()
        )),
        Ok(_) => fail(format!("{what}: succeeded, expected {}", want.as_str())),
    }
}

fn ok<T>(what: &str, r: tessera::Result<T>) -> T {
    r.unwrap_or_else(|e: Error| fail(format!("{what}: {}: {}", e.code().as_str(), e.message())))
}

fn setup() -> tessera::Result<Fixture> {
    let now = tessera::unix_now();
    let hs = Key::hmac(HMAC_SECRET, Algorithm::HS256)?;
    let rs = Key::generate(Algorithm::RS256)?;
    let es = Key::generate(Algorithm::ES256)?;
    let validation = || Validation {
        issuer: Some(vec!["https://issuer.example".into()]),
        ..Validation::default()
    };
    let signing = KeySet::from(hs.clone());
    let verifier = Verifier::new(KeySet::from(hs), validation())?;
    let rs_verifier = Verifier::new(KeySet::from(rs.public()?), validation())?;
    let es_verifier = Verifier::new(KeySet::from(es.public()?), validation())?;
    let token = jwt::encode(CLAIMS, &signing, None)?;
    let rs_token = jwt::encode(CLAIMS, &KeySet::from(rs), None)?;
    let es_token = jwt::encode(CLAIMS, &KeySet::from(es), None)?;
    let expired_token = jwt::encode(EXPIRED_CLAIMS, &signing, None)?;
    let cookie = SessionCookie::new(
        &[COOKIE_SECRET],
        SessionCookieOptions {
            encrypted: true,
            ..SessionCookieOptions::default()
        },
    )?;
    let sealed = cookie.seal(SESSION, now)?;
    let flask = FlaskCookie::new(FLASK_SECRET)?;
    let flask_value = flask.dumps(SESSION, now)?;
    let store: Arc<dyn SessionStore> = Arc::new(MemoryStore::new(100_000, 64 << 20));
    Ok(Fixture {
        bad_token: tamper(&token, 10),
        rs_bad_token: tamper(&rs_token, 10),
        es_bad_token: tamper(&es_token, 10),
        tampered_cookie: tamper(&sealed, sealed.len() / 2),
        flask_tampered: tamper(&flask_value, 10),
        verifier,
        rs_verifier,
        es_verifier,
        signing,
        token,
        rs_token,
        es_token,
        expired_token,
        cookie,
        sealed,
        flask,
        flask_value,
        sessions: SessionManager::new(store.clone(), Duration::from_secs(3600), None)?,
        denylist: Denylist::new(store),
        now,
        sid: String::new(),
    })
}

fn claims_ok(what: &str, r: tessera::Result<jwt::Claims>) -> jwt::Claims {
    let claims = ok(what, r);
    if claims.registered().sub.as_deref() != Some("leak-check") {
        fail(format!("{what}: wrong claims {}", claims.json()));
    }
    claims
}

/// Runs operation `kind` (an index into MIX) for op number `i`; returns the
/// result, boxed, for the self-test's list.
fn run_op(f: &mut Fixture, kind: usize, i: u64) -> Box<dyn Any> {
    let name = MIX[kind].0;
    match kind {
        0 => Box::new(ok(name, jwt::encode(CLAIMS, &f.signing, None))),
        1 => Box::new(claims_ok(name, f.verifier.verify(&f.token))),
        2 => Box::new(claims_ok(name, f.rs_verifier.verify(&f.rs_token))),
        3 => Box::new(claims_ok(name, f.es_verifier.verify(&f.es_token))),
        4..=8 => {
            let (verifier, token, want) = match kind {
                4 => (
                    &f.verifier,
                    f.bad_token.as_str(),
                    ErrorCode::InvalidSignature,
                ),
                5 => (&f.verifier, f.expired_token.as_str(), ErrorCode::Expired),
                6 => (&f.verifier, "not-a-jwt", ErrorCode::Malformed),
                7 => (
                    &f.rs_verifier,
                    f.rs_bad_token.as_str(),
                    ErrorCode::InvalidSignature,
                ),
                _ => (
                    &f.es_verifier,
                    f.es_bad_token.as_str(),
                    ErrorCode::InvalidSignature,
                ),
            };
            let r = verifier.verify(token);
            check(name, &r, want);
            Box::new(r)
        }
        9 => Box::new(ok(name, f.cookie.seal(SESSION, f.now))),
        10 => {
            let opened = ok(name, f.cookie.open(&f.sealed, f.now));
            if opened.json != SESSION {
                fail(format!("{name}: wrong session {}", opened.json));
            }
            Box::new(opened)
        }
        11 | 12 => {
            let (value, want) = if kind == 11 {
                (f.tampered_cookie.as_str(), ErrorCode::InvalidSignature)
            } else {
                ("garbage!", ErrorCode::Malformed)
            };
            let r = f.cookie.open(value, f.now);
            check(name, &r, want);
            Box::new(r)
        }
        13 => Box::new(ok(name, f.flask.dumps(SESSION, f.now))),
        14 => {
            let json = ok(name, f.flask.loads(&f.flask_value, f.now));
            if !json.contains("\"leak-check\"") {
                fail(format!("{name}: wrong session {json}"));
            }
            Box::new(json)
        }
        15 => {
            let r = f.flask.loads(&f.flask_tampered, f.now);
            check(name, &r, ErrorCode::InvalidSignature);
            Box::new(r)
        }
        16 => {
            f.sid = ok(name, f.sessions.create(SESSION, Some("leak-user")));
            Box::new(f.sid.clone())
        }
        17 => match ok(name, f.sessions.load(&f.sid)) {
            Some(s) if s.data == SESSION => Box::new(s),
            other => fail(format!("{name}: {other:?}")),
        },
        18 => {
            if !ok(name, f.sessions.destroy(&f.sid)) {
                fail(format!("{name}: nothing destroyed"));
            }
            Box::new(())
        }
        19 | 20 => {
            let id = if kind == 19 {
                f.sid.as_str()
            } else {
                "not a session id"
            };
            match ok(name, f.sessions.load(id)) {
                None => Box::new(()),
                Some(s) => fail(format!("{name}: found {s:?}")),
            }
        }
        21 => {
            let jti = format!("jti-{}", (i / 100) % 500);
            ok(name, f.denylist.revoke(&jti, EXP));
            Box::new(jti)
        }
        22 | 23 => {
            let (jti, want) = if kind == 22 {
                (format!("jti-{}", (i / 100) % 500), true)
            } else {
                ("never-revoked".to_owned(), false)
            };
            if ok(name, f.denylist.is_revoked(&jti)) != want {
                fail(format!("{name}: is_revoked({jti}) != {want}"));
            }
            Box::new(jti)
        }
        24 => {
            let r = f.denylist.revoke("bad\njti", EXP);
            check(name, &r, ErrorCode::InvalidArgument);
            Box::new(r)
        }
        _ => unreachable!(),
    }
}

/// CPU seconds (user + system) of this process, from /proc/self/stat (in
/// clock ticks, USER_HZ = 100 on Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    // Fields after the command name, which is in parentheses: state is
    // field 3, utime 14, stime 15.
    let rest = &stat[stat.rfind(')').expect("(comm)") + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 =
        fields[11].parse::<u64>().unwrap_or(0) + fields[12].parse::<u64>().unwrap_or(0);
    ticks as f64 / 100.0
}

/// One sample, taken after each tenth of the run.
struct Sample {
    rss_anon_kib: i64,
    vm_rss_kib: i64,
    blocks: i64,
    bytes: i64,
}

fn main() {
    let ops: u64 = std::env::var("TESSERA_LEAK_OPS")
        .ok()
        .map(|v| v.parse().expect("TESSERA_LEAK_OPS: a number"))
        .unwrap_or(1_000_000);
    if ops == 0 || ops % 1000 != 0 {
        fail(format!(
            "TESSERA_LEAK_OPS={ops}: a positive multiple of 1000"
        ));
    }
    let selftest = std::env::var("TESSERA_LEAK_SELFTEST").is_ok_and(|v| v == "1");
    let slots: Vec<usize> = MIX
        .iter()
        .enumerate()
        .flat_map(|(k, &(_, n))| std::iter::repeat_n(k, n))
        .collect();
    assert_eq!(slots.len(), 100, "the mix fills 100 slots");

    let mut f = setup().unwrap_or_else(|e| fail(format!("set-up: {e}")));
    let mut kept: Vec<Box<dyn Any>> = Vec::new();
    let mut counts = vec![0u64; MIX.len()];
    let tenth = ops / 10;
    let mut samples = Vec::new();
    let t0 = Instant::now();
    let cpu0 = cpu_seconds();
    for i in 0..ops {
        let kind = slots[(i % 100) as usize];
        counts[kind] += 1;
        let result = run_op(&mut f, kind, i);
        if selftest {
            kept.push(result);
        }
        if (i + 1) % tenth == 0 {
            let (rss_anon_kib, vm_rss_kib) = rss_kib();
            samples.push(Sample {
                rss_anon_kib,
                vm_rss_kib,
                blocks: LIVE_BLOCKS.load(Relaxed),
                bytes: LIVE_BYTES.load(Relaxed),
            });
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;

    let mix: Vec<String> = MIX
        .iter()
        .zip(&counts)
        .map(|(&(name, _), n)| format!("{name}={n}"))
        .collect();
    println!("{BINDING}: counts {}", mix.join(" "));
    let note = if selftest {
        format!("; SELF-TEST: {} results kept on purpose", kept.len())
    } else {
        String::new()
    };
    println!(
        "{BINDING}: {ops} ops in {secs:.2} s ({:.0} ops/s; {cpu:.2} s of CPU){note}",
        ops as f64 / secs
    );
    let show = |what: &str, value: fn(&Sample) -> i64| {
        let shown: Vec<String> = samples.iter().map(|s| value(s).to_string()).collect();
        println!("{BINDING}: {what} after each tenth: {}", shown.join(" "));
    };
    show("RssAnon KiB", |s| s.rss_anon_kib);
    show("VmRSS KiB", |s| s.vm_rss_kib);
    show("live heap blocks", |s| s.blocks);
    show("live heap bytes", |s| s.bytes);
    let (first, last) = (&samples[0], &samples[samples.len() - 1]);
    let growth = last.rss_anon_kib - first.rss_anon_kib;
    let vm_growth = last.vm_rss_kib - first.vm_rss_kib;
    let block_growth = last.blocks - first.blocks;
    let leak = growth > LIMIT_KIB || block_growth > LIMIT_BLOCKS;
    println!(
        "RESULT binding={BINDING} ops={ops} seconds={secs:.2} cpu_seconds={cpu:.2} first_kib={} last_kib={} growth_kib={growth} limit_kib={LIMIT_KIB} vmrss_growth_kib={vm_growth} blocks_growth={block_growth} limit_blocks={LIMIT_BLOCKS} status={}",
        first.rss_anon_kib,
        last.rss_anon_kib,
        if leak { "LEAK" } else { "ok" }
    );
    if growth > LIMIT_KIB {
        eprintln!("{BINDING}: LEAK: RssAnon grew {growth} KiB after the warm-up tenth (limit {LIMIT_KIB} KiB)");
    }
    if block_growth > LIMIT_BLOCKS {
        eprintln!("{BINDING}: LEAK: {block_growth} more live heap blocks after the warm-up tenth (limit {LIMIT_BLOCKS})");
    }
    if leak {
        exit(3);
    }
}
