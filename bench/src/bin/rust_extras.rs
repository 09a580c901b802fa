//! The Rust rows of bench/run that are not timings: memory (allocations per
//! `Verifier::verify`, peak RSS, and a leak check over many verifications)
//! and scaling (RS256 signing and HS256 verification on 1 and 2 threads).
//!
//! `cargo run --release -p tessera-bench --bin rust_extras -- [--quick] [--json PATH]`
//!
//! Allocations are counted exactly by a global allocator wrapping the system
//! one (only in this binary). The leak check verifies the fixed HS256 token
//! 10,000,000 times (1,000,000 with `--quick`) and samples the resident set
//! size every tenth of the run; growth is measured from the first sample, so
//! warm-up is excluded. The numbers are reported, never asserted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tessera::jwt;
use tessera::Algorithm;
use tessera_bench::{Setup, CLAIMS_JSON};

struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the
// wrapper only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size as u64, Relaxed);
        // SAFETY: forwarded with the caller's pointer, layout and size.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A field of /proc/self/status in KiB (VmRSS, VmHWM).
fn status_kib(field: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn memory(quick: bool) -> String {
    let s = Setup::new(Algorithm::HS256);
    // Allocations per call, over a warm verifier.
    for _ in 0..1000 {
        black_box(s.verifier.verify(&s.token).unwrap());
    }
    let n = 100_000u64;
    let (a0, b0) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
    for _ in 0..n {
        black_box(s.verifier.verify(black_box(&s.token)).unwrap());
    }
    let allocs = (ALLOCS.load(Relaxed) - a0) as f64 / n as f64;
    let bytes = (BYTES.load(Relaxed) - b0) as f64 / n as f64;

    let ops: u64 = if quick { 1_000_000 } else { 10_000_000 };
    let step = ops / 10;
    let mut samples = Vec::new();
    let start = Instant::now();
    for i in 1..=ops {
        black_box(s.verifier.verify(black_box(&s.token)).unwrap());
        if i % step == 0 {
            samples.push((i, status_kib("VmRSS")));
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let growth = samples.last().unwrap().1 as i64 - samples[0].1 as i64;
    let peak = status_kib("VmHWM");
    println!(
        "memory: Verifier::verify HS256: {allocs:.2} allocations ({bytes:.0} bytes) per call; \
         {ops} verifications in {secs:.1} s, RSS {} → {} KiB (growth {growth} KiB), peak {peak} KiB",
        samples[0].1,
        samples.last().unwrap().1
    );
    let samples_json: Vec<String> = samples
        .iter()
        .map(|(i, kib)| format!("[{i}, {kib}]"))
        .collect();
    format!(
        "{{\"language\": \"rust\", \"operation\": \"verify\", \"algorithm\": \"HS256\", \
         \"api\": \"Verifier::verify\", \"ops\": {ops}, \"peak_rss_kib\": {peak}, \
         \"allocs_per_op\": {allocs:.3}, \"alloc_bytes_per_op\": {bytes:.1}, \
         \"rss_samples_kib\": [{}], \"growth_kib\": {growth}, \"leak\": {}, \
         \"note\": \"exact count by a global allocator in the benchmark binary; the claims are returned as one owned String\"}}",
        samples_json.join(", "),
        growth > 1024
    )
}

/// Operations per second of `op` on `threads` threads sharing one `Setup`, for `time`.
fn throughput(s: &Arc<Setup>, threads: usize, time: Duration, op: fn(&Setup)) -> f64 {
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (s, stop, done) = (Arc::clone(s), Arc::clone(&stop), Arc::clone(&done));
            std::thread::spawn(move || {
                let mut n = 0u64;
                while !stop.load(Relaxed) {
                    op(&s);
                    n += 1;
                }
                done.fetch_add(n, Relaxed);
            })
        })
        .collect();
    let start = Instant::now();
    std::thread::sleep(time);
    stop.store(true, Relaxed);
    for h in handles {
        h.join().expect("benchmark thread");
    }
    done.load(Relaxed) as f64 / start.elapsed().as_secs_f64()
}

/// One scaling case: algorithm, operation, the API timed, and one call of it.
type Case = (Algorithm, &'static str, &'static str, fn(&Setup));

fn scaling(quick: bool) -> Vec<String> {
    let time = Duration::from_millis(if quick { 500 } else { 2000 });
    let mut rows = Vec::new();
    let cases: [Case; 2] = [
        (Algorithm::RS256, "sign", "jwt::encode", |s| {
            black_box(jwt::encode(black_box(CLAIMS_JSON), &s.key, None).unwrap());
        }),
        (Algorithm::HS256, "verify", "Verifier::verify", |s| {
            black_box(s.verifier.verify(black_box(&s.token)).unwrap());
        }),
    ];
    for (alg, op, api, f) in cases {
        let s = Arc::new(Setup::new(alg));
        let one = throughput(&s, 1, time, f);
        let two = throughput(&s, 2, time, f);
        println!(
            "scaling: {alg} {op}: 1 thread {one:.0}/s, 2 threads {two:.0}/s ({:.2}x)",
            two / one
        );
        for (threads, ops) in [(1, one), (2, two)] {
            let speedup = if threads == 2 {
                format!(", \"speedup\": {:.3}", two / one)
            } else {
                String::new()
            };
            rows.push(format!(
                "{{\"language\": \"rust\", \"operation\": \"{op}\", \"algorithm\": \"{alg}\", \
                 \"api\": \"{api}\", \"threads\": {threads}, \"ops_per_s\": {ops:.1}{speedup}}}"
            ));
        }
    }
    rows
}

fn main() {
    let mut quick = false;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--quick" => quick = true,
            "--json" => out = args.next(),
            other => {
                eprintln!("usage: rust_extras [--quick] [--json PATH] (unknown argument {other})");
                std::process::exit(2);
            }
        }
    }
    let scaling = scaling(quick);
    let memory = memory(quick);
    let json = format!(
        "{{\"language\": \"rust\", \"env\": {{\"tessera\": \"{}\", \"backend\": \"{}\", \"quick\": {quick}}}, \
         \"rows\": [], \"memory\": [{memory}], \"scaling\": [{}]}}\n",
        env!("CARGO_PKG_VERSION"),
        tessera::CRYPTO_BACKEND,
        scaling.join(", ")
    );
    if let Some(path) = out {
        std::fs::write(&path, json).unwrap_or_else(|e| panic!("write {path}: {e}"));
    }
}
