//! Interleaved (paired) ratios. On a shared, noisy machine criterion's
//! one-function-after-the-other estimates drift by more than the 5% the
//! targets allow, so here every round times one short batch (about 0.5 ms) of
//! each implementation back to back, rotating the order, for many rounds
//! (short batches: more of them fall between two preemptions).
//!
//! Two estimates per ratio:
//! * `p10` — the ratio of each implementation's 10th-percentile batch time:
//!   preemption and cache pollution by other processes only ever add time, so
//!   the fastest batches are the least disturbed ones. The targets are
//!   judged on this.
//! * `median` (with its interquartile range) of the per-round ratios, which
//!   shows how much the machine's load moved things during the run.
//!
//! `cargo bench -p tessera-bench --bench paired -- [--rounds N] [--batch-us U] [--out FILE] [FILTER]`
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
            "--out" => a.out = it.next(),
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

fn main() {
    let a = args();
    let mut json = String::from("{\n");
    let _ = write!(
        json,
        "  \"rounds\": {},\n  \"batch_us\": {},\n  \"groups\": {{",
        a.rounds,
        a.batch.as_micros()
    );
    let mut first = true;
    // (numerator, denominator) pairs reported per group.
    const RATIOS: [(usize, usize); 3] = [(1, 0), (2, 1), (3, 1)];
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
            let p10: Vec<f64> = per_round.iter().map(|v| quantile(v, 0.1)).collect();
            let median: Vec<f64> = per_round.iter().map(|v| quantile(v, 0.5)).collect();
            print!("{group:<14}");
            for (w, t) in p10.iter().enumerate() {
                print!("  {}={:.3}µs", IMPLS[w], t / 1000.0);
            }
            println!("  (p10 batch times)");
            let _ = write!(
                json,
                "{}\n    \"{group}\": {{\n      \"p10_ns\": {{",
                if first { "" } else { "," }
            );
            first = false;
            let list = |v: &[f64]| {
                v.iter()
                    .enumerate()
                    .map(|(w, t)| format!("\"{}\": {t:.1}", IMPLS[w]))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let _ = write!(
                json,
                "{}}},\n      \"median_ns\": {{{}}},\n      \"ratios\": {{",
                list(&p10),
                list(&median)
            );
            for (k, (num, den)) in RATIOS.into_iter().enumerate() {
                let ratios: Vec<f64> = (0..a.rounds)
                    .map(|r| per_round[num][r] / per_round[den][r])
                    .collect();
                let (m, q1, q3) = (
                    quantile(&ratios, 0.5),
                    quantile(&ratios, 0.25),
                    quantile(&ratios, 0.75),
                );
                let r10 = p10[num] / p10[den];
                println!(
                    "    {}/{}: p10 {r10:.3}, per-round median {m:.3} (IQR {q1:.3}–{q3:.3})",
                    IMPLS[num], IMPLS[den]
                );
                let _ = write!(
                    json,
                    "{}\"{}/{}\": {{\"p10\": {r10:.4}, \"median\": {m:.4}, \"q1\": {q1:.4}, \"q3\": {q3:.4}}}",
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
