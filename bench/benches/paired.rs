//! Interleaved (paired) ratios: on a shared, noisy machine, criterion's
//! one-function-after-the-other estimates drift by more than the 5% the
//! targets allow. Here every round times one batch of each implementation
//! back to back (rotating the order), and a ratio is computed per round; the
//! median of those per-round ratios is what the targets are judged on.
//!
//! `cargo bench -p tessera-bench --bench paired -- [--rounds N] [--batch-ms M] [--out FILE]`
//! (bench/run does this and merges the result into the table).

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use tessera_bench::{Op, Setup, ALGORITHMS, IMPLS};

struct Args {
    rounds: usize,
    batch: Duration,
    out: Option<String>,
    filter: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        rounds: 41,
        batch: Duration::from_millis(20),
        out: None,
        filter: None,
    };
    // Without `--bench` (as under `cargo test --all-targets`): a smoke run.
    if !std::env::args().any(|a| a == "--bench") {
        a.rounds = 1;
        a.batch = Duration::from_millis(1);
    }
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--rounds" => a.rounds = it.next().and_then(|v| v.parse().ok()).expect("--rounds N"),
            "--batch-ms" => {
                let ms: u64 = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--batch-ms M");
                a.batch = Duration::from_millis(ms);
            }
            "--out" => a.out = it.next(),
            "--bench" => {} // passed by `cargo bench`
            other if !other.starts_with('-') => a.filter = Some(other.to_owned()),
            _ => {}
        }
    }
    a
}

fn time(s: &Setup, op: Op, which: usize, iters: u64) -> f64 {
    let start = Instant::now();
    for _ in 0..iters {
        s.run(op, which);
    }
    start.elapsed().as_nanos() as f64 / iters as f64
}

/// Iterations that take about `batch`.
fn calibrate(s: &Setup, op: Op, which: usize, batch: Duration) -> u64 {
    let mut iters = 1u64;
    loop {
        let ns = time(s, op, which, iters) * iters as f64;
        if ns >= batch.as_nanos() as f64 / 4.0 || iters >= 1 << 30 {
            let per = ns / iters as f64;
            return ((batch.as_nanos() as f64 / per) as u64).max(1);
        }
        iters *= 2;
    }
}

/// (median, first quartile, third quartile)
fn quartiles(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let q = |p: f64| {
        let x = p * (v.len() - 1) as f64;
        let (lo, hi) = (x.floor() as usize, x.ceil() as usize);
        v[lo] + (v[hi] - v[lo]) * (x - lo as f64)
    };
    (q(0.5), q(0.25), q(0.75))
}

fn main() {
    let a = args();
    let mut json = String::from("{\n");
    let _ = write!(
        json,
        "  \"rounds\": {},\n  \"batch_ms\": {},\n  \"groups\": {{",
        a.rounds,
        a.batch.as_millis()
    );
    let mut first = true;
    // (numerator, denominator) pairs reported per group.
    const RATIOS: [(usize, usize); 3] = [(1, 0), (2, 1), (3, 1)];
    for alg in ALGORITHMS {
        let s = Setup::new(alg);
        for op in [Op::Sign, Op::Verify] {
            let group = format!("{alg}/{}", op.as_str());
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
                if r % 2 == 1 {
                    order.reverse();
                }
                for w in order {
                    per_round[w].push(time(&s, op, w, iters[w]));
                }
            }
            let medians: Vec<f64> = per_round.iter().map(|v| quartiles(v.clone()).0).collect();
            print!("{group:<14}");
            for (w, m) in medians.iter().enumerate() {
                print!("  {}={:.3}µs", IMPLS[w], m / 1000.0);
            }
            println!();
            let _ = write!(
                json,
                "{}\n    \"{group}\": {{\n      \"median_ns\": {{",
                if first { "" } else { "," }
            );
            first = false;
            for (w, m) in medians.iter().enumerate() {
                let _ = write!(
                    json,
                    "{}\"{}\": {m:.1}",
                    if w == 0 { "" } else { ", " },
                    IMPLS[w]
                );
            }
            json.push_str("},\n      \"ratios\": {");
            for (k, (num, den)) in RATIOS.into_iter().enumerate() {
                let ratios: Vec<f64> = (0..a.rounds)
                    .map(|r| per_round[num][r] / per_round[den][r])
                    .collect();
                let (m, q1, q3) = quartiles(ratios);
                println!(
                    "    {}/{}: median {m:.3} (IQR {q1:.3}–{q3:.3})",
                    IMPLS[num], IMPLS[den]
                );
                let _ = write!(
                    json,
                    "{}\"{}/{}\": {{\"median\": {m:.4}, \"q1\": {q1:.4}, \"q3\": {q3:.4}}}",
                    if k == 0 { "" } else { ", " },
                    IMPLS[num],
                    IMPLS[den]
                );
            }
            json.push_str("}\n    }");
        }
    }
    json.push_str("\n  }\n}\n");
    if let Some(out) = a.out {
        if let Some(dir) = std::path::Path::new(&out).parent() {
            std::fs::create_dir_all(dir).expect("create output directory");
        }
        std::fs::write(&out, json).expect("write --out");
    }
}
