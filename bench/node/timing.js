'use strict';
// Timing shared by the benchmarks (bench.js, cookies.js): rows of one group
// run interleaved for a fixed time each, for several rounds; a row's figure
// is the median over rounds of µs per operation, and a ratio is the median of
// the per-round ratios (paired, so drift in machine load cancels).

const { performance } = require('node:perf_hooks');

/** A runner for `rounds` rounds of `roundMs` each, async rows keeping `pending` calls in flight. */
function runner({ rounds, roundMs, pending }) {
  /** µs per call of a sync function over about `ms` milliseconds. */
  function timeSync(fn, ms) {
    let batch = 1;
    for (;;) {
      const t0 = performance.now();
      for (let i = 0; i < batch; i++) fn();
      const dt = performance.now() - t0;
      if (dt > 2) break;
      batch *= 2;
    }
    let ops = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      for (let i = 0; i < batch; i++) fn();
      ops += batch;
      now = performance.now();
    }
    return ((now - start) * 1000) / ops;
  }

  /** µs per completed call of an async function with `window` calls in flight. */
  function timeAsync(fn, ms, window) {
    return new Promise((resolve, reject) => {
      let ops = 0;
      let inFlight = 0;
      let done = false;
      const start = performance.now();
      const launch = () => {
        inFlight++;
        fn().then(
          () => {
            ops++;
            inFlight--;
            if (!done && performance.now() - start >= ms) done = true;
            if (!done) launch();
            else if (inFlight === 0) resolve(((performance.now() - start) * 1000) / ops);
          },
          (e) => {
            done = true;
            reject(e);
          },
        );
      };
      for (let i = 0; i < window; i++) launch();
    });
  }

  /** A row: name, kind ('sync' | 'async' | 'seq'), function. */
  const row = (name, kind, fn) => ({ name, kind, fn });

  async function measure(r, ms) {
    if (r.kind === 'sync') return timeSync(r.fn, ms);
    return timeAsync(r.fn, ms, r.kind === 'seq' ? 1 : pending);
  }

  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };

  /** Runs a group's rows interleaved; returns { name: [µs per round] }. */
  async function runGroup(title, rows) {
    for (const r of rows) await measure(r, Math.min(100, roundMs)); // warm up (JIT, caches)
    const samples = Object.fromEntries(rows.map((r) => [r.name, []]));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? [...rows].reverse() : rows;
      for (const r of order) samples[r.name].push(await measure(r, roundMs));
    }
    const med = Object.fromEntries(rows.map((r) => [r.name, median(samples[r.name])]));
    console.log(`\n${title}`);
    for (const r of rows) console.log(`  ${r.name.padEnd(34)} ${med[r.name].toFixed(2).padStart(9)} µs/op  (${r.kind})`);
    return samples;
  }

  /** Median over rounds of samples[a][i] / samples[b][i]. */
  const pairedRatio = (samples, a, b) => median(samples[a].map((x, i) => x / samples[b][i]));

  return { row, measure, runGroup, median, pairedRatio, timeSync, timeAsync };
}

module.exports = { runner };
