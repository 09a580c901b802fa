//! Sign and verify, side by side: the raw `ring` primitive (the floor),
//! Tessera, `jsonwebtoken` 9.3 and `jsonwebtoken` 11 — the fixed workload of
//! bench/README.md, the same key material and the same token for everyone
//! (prepared in `tessera_bench::Setup`).
//!
//! Groups are `<ALG>/<op>`; functions are `ring_floor`, `tessera`,
//! `jsonwebtoken_9`, `jsonwebtoken_11`. `bench/run` turns criterion's
//! estimates into the table in bench/RESULTS.md.

use criterion::{criterion_group, criterion_main, Criterion};
use tessera_bench::{Op, Setup, ALGORITHMS, IMPLS};

fn benches(c: &mut Criterion) {
    for alg in ALGORITHMS {
        let s = Setup::new(alg);
        for op in [Op::Sign, Op::Verify] {
            let mut g = c.benchmark_group(format!("{alg}/{}", op.as_str()));
            for (which, name) in IMPLS.iter().enumerate() {
                g.bench_function(*name, |b| b.iter(|| s.run(op, which)));
            }
            g.finish();
        }
    }
}

criterion_group!(jwt_benches, benches);
criterion_main!(jwt_benches);
