//! Interleaved (paired) ratios. On a shared, noisy machine criterion's
//! one-function-after-the-other estimates drift by more than the 5% the
//! targets allow, so here every round times one short batch (about 0.5 ms) of
//! each implementation back to back, rotating the order, for many rounds
//! (short batches: more of them fall between two preemptions).
//!
//! Every row of the output (the runner contract of bench/README.md) holds
//! Tessera's and the peer's median batch time per operation with their
//! interquartile ranges, ratio = peer / Tessera of those medians, the IQR of
//! the per-round ratios (rounds are paired, so load drift cancels), and
//! `ratio_p10`, the ratio of the 10th-percentile batch times (other processes
//! only ever add time, so the fastest batches are the least disturbed ones).
//!
//! `cargo bench -p tessera-bench [--features aws-lc] --bench paired -- [--rounds N] [--batch-us U] [--json FILE] [FILTER]`
//! (bench/run does this once per crypto backend).

use std::time::{Duration, Instant};

use tessera::Algorithm;
use tessera_bench::{Op, Setup, ALGORITHMS, IMPLS, TESSERA};

struct Args {
    rounds: usize,
    batch: Duration,
    out: Option<String>,
    filter: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        rounds: 1600,
        batch: Duration::from_micros(500),
        out: None,
        filter: None,
    };
    // Without `--bench` (as under `cargo test --all-targets`): a smoke run.
    if !std::env::args().any(|a| a == "--bench") {
        a.rounds = 2;
        a.batch = Duration::from_micros(100);
    }
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--rounds" => a.rounds = it.next().and_then(|v| v.parse().ok()).expect("--rounds N"),
            "--batch-us" => {
                let us: u64 = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--batch-us U");
                a.batch = Duration::from_micros(us);
            }
            "--json" | "--out" => a.out = it.next(),
            "--bench" => {} // passed by `cargo bench`
            other if !other.starts_with('-') => a.filter = Some(other.to_owned()),
            _ => {}
        }
    }
    a
}

/// Mean ns per operation over `iters` runs.
fn time(s: &Setup, op: Op, which: usize, iters: u64) -> f64 {
    let start = Instant::now();
    for _ in 0..iters {
        s.run(op, which);
    }
    start.elapsed().as_nanos() as f64 / iters as f64
}

/// Iterations that take about `batch` (at least one).
fn calibrate(s: &Setup, op: Op, which: usize, batch: Duration) -> u64 {
    let mut iters = 1u64;
    loop {
        let ns = time(s, op, which, iters) * iters as f64;
        if ns >= batch.as_nanos() as f64 / 4.0 || iters >= 1 << 30 {
            let per = time(s, op, which, iters);
            return ((batch.as_nanos() as f64 / per) as u64).max(1);
        }
        iters *= 2;
    }
}

/// The `p` quantile (0..=1) of `v`, linearly interpolated.
fn quantile(v: &[f64], p: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let x = p * (v.len() - 1) as f64;
    let (lo, hi) = (x.floor() as usize, x.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (x - lo as f64)
}

/// The name users know each implementation by (the `peer` of a row).
fn peer_name(which: usize) -> &'static str {
    match IMPLS[which] {
        "ring_floor" => "ring (raw primitive: floor)",
        "aws_lc_floor" => "aws-lc-rs (raw primitive: floor)",
        "jsonwebtoken_9" => "jsonwebtoken 9 (ring)",
        "jsonwebtoken_11" => "jsonwebtoken 11 (aws-lc-rs)",
        "jwt_simple" if cfg!(feature = "boring") => "jwt-simple (BoringSSL RSA)",
        "jwt_simple" => "jwt-simple (pure-Rust RSA)",
        other => other,
    }
}

/// The minimum ratio (peer / Tessera) for a row, if it sets one.
/// Targets apply to the default build (signatures on aws-lc-rs); the ring
/// build, which the mobile library ships, is shown without targets.
fn target(alg: Algorithm, op: Op, which: usize) -> Option<f64> {
    if tessera::CRYPTO_BACKEND != "aws-lc-rs" {
        return None;
    }
    match IMPLS[which] {
        // "HS256 verify in Rust within 2x of the raw HMAC floor" (HMAC runs
        // on ring in every build).
        "ring_floor" => (alg == Algorithm::HS256 && op == Op::Verify).then_some(0.5),
        "aws_lc_floor" => None,
        // "Faster than every peer on every row in its language."
        _ => Some(1.0),
    }
}

fn main() {
    let a = args();
    let mut rows: Vec<String> = Vec::new();
    for alg in ALGORITHMS {
        let groups = [Op::Sign, Op::Verify].map(|op| (op, format!("{alg}/{}", op.as_str())));
        if groups
            .iter()
            .all(|(_, g)| a.filter.as_deref().is_some_and(|f| !g.contains(f)))
        {
            continue;
        }
        let s = Setup::new(alg);
        for (op, group) in groups {
            if a.filter.as_deref().is_some_and(|f| !group.contains(f)) {
                continue;
            }
            let iters: Vec<u64> = (0..IMPLS.len())
                .map(|w| calibrate(&s, op, w, a.batch))
                .collect();
            let mut per_round: Vec<Vec<f64>> = vec![Vec::new(); IMPLS.len()];
            for r in 0..a.rounds {
                let mut order: Vec<usize> = (0..IMPLS.len()).collect();
                order.rotate_left(r % IMPLS.len());
                if (r / IMPLS.len()) % 2 == 1 {
                    order.reverse();
                }
                for w in order {
                    per_round[w].push(time(&s, op, w, iters[w]));
                }
            }
            let us = |w: usize, p: f64| quantile(&per_round[w], p) / 1000.0;
            println!(
                "{group:<14} tessera {:.3} µs (IQR {:.3}–{:.3})",
                us(TESSERA, 0.5),
                us(TESSERA, 0.25),
                us(TESSERA, 0.75)
            );
            for w in (0..IMPLS.len()).filter(|&w| w != TESSERA) {
                let ratios: Vec<f64> = (0..a.rounds)
                    .map(|r| per_round[w][r] / per_round[TESSERA][r])
                    .collect();
                let (t, p) = (us(TESSERA, 0.5), us(w, 0.5));
                let p10 = quantile(&per_round[w], 0.1) / quantile(&per_round[TESSERA], 0.1);
                let (q1, q3) = (quantile(&ratios, 0.25), quantile(&ratios, 0.75));
                println!(
                    "    {:<34} {p:>9.3} µs  ratio {:.3} (IQR {q1:.3}–{q3:.3}; p10 {p10:.3})",
                    peer_name(w),
                    p / t
                );
                let target = target(alg, op, w)
                    .map(|t| format!(", \"target\": {t}"))
                    .unwrap_or_default();
                rows.push(format!(
                    "{{\"language\": \"rust\", \"operation\": \"{}\", \"algorithm\": \"{alg}\", \
                     \"tessera\": \"{}\", \"tessera_us\": {t:.4}, \"peer\": \"{}\", \"peer_us\": {p:.4}, \
                     \"ratio\": {:.4}, \"tessera_iqr\": [{:.4}, {:.4}], \"peer_iqr\": [{:.4}, {:.4}], \
                     \"ratio_iqr\": [{q1:.4}, {q3:.4}], \"ratio_p10\": {p10:.4}, \"rounds\": {}{target}}}",
                    op.as_str(),
                    match op {
                        Op::Sign => "jwt::encode",
                        Op::Verify => "Verifier::verify",
                    },
                    peer_name(w),
                    p / t,
                    us(TESSERA, 0.25),
                    us(TESSERA, 0.75),
                    us(w, 0.25),
                    us(w, 0.75),
                    a.rounds
                ));
            }
        }
    }
    let json = format!(
        "{{\"language\": \"rust\", \"env\": {{\"tessera\": \"{}\", \"backend\": \"{}\", \
         \"runtime\": \"rustc (release)\", \"rounds\": {}, \"batch_us\": {}}}, \
         \"rows\": [\n{}\n], \"memory\": [], \"scaling\": []}}\n",
        env!("CARGO_PKG_VERSION"),
        tessera::CRYPTO_BACKEND,
        a.rounds,
        a.batch.as_micros(),
        rows.join(",\n")
    );
    if let Some(out) = a.out {
        if let Some(dir) = std::path::Path::new(&out).parent() {
            std::fs::create_dir_all(dir).expect("create output directory");
        }
        std::fs::write(&out, json).expect("write --json");
    }
}
