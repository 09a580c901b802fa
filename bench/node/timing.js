'use strict';
// Timing shared by the benchmarks (bench.js, cookies.js, sessions.js,
// memory.js): rows of one group run interleaved for a fixed time each, for
// several rounds; a row's figure is the median over rounds of µs per
// operation, its spread the interquartile range (p25..p75) of the per-round
// figures, and a ratio is the median of the per-round ratios (paired, so drift
// in machine load cancels). Also the JSON rows of bench/run's runner contract.

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
    for (const r of rows) {
      const [lo, hi] = iqr(samples[r.name]);
      console.log(`  ${r.name.padEnd(38)} ${med[r.name].toFixed(2).padStart(9)} µs/op  IQR ${lo.toFixed(2)}–${hi.toFixed(2)}  (${r.kind})`);
    }
    return samples;
  }

  return { row, measure, runGroup, median, pairedRatio, timeSync, timeAsync };
}

/** The q-quantile (0..1) of xs, linear between order statistics. */
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)]) - s[lo]);
}

const median = (xs) => quantile(xs, 0.5);

/** [p25, p75] of xs. */
const iqr = (xs) => [quantile(xs, 0.25), quantile(xs, 0.75)];

/** Per-round ratios samples[a][i] / samples[b][i] (rounds are interleaved, so paired). */
const pairedRatios = (samples, a, b) => samples[a].map((x, i) => x / samples[b][i]);

/** Median over rounds of samples[a][i] / samples[b][i]. */
const pairedRatio = (samples, a, b) => median(pairedRatios(samples, a, b));

const round4 = (x) => (Number.isFinite(x) ? Number(x.toPrecision(6)) : x);

/**
 * One row of the runner contract from a group's samples: Tessera's row
 * `tName` against the peer's row `pName` (both µs per round). ratio is
 * peer_us / tessera_us of the medians, exactly; ratio_iqr the spread of the
 * per-round ratios.
 */
function contractRow(samples, { language = 'node', operation, algorithm, tessera, tName, peer, pName, target, note }) {
  const t = samples[tName];
  const p = samples[pName];
  if (!t || !p) throw new Error(`contractRow: no samples for ${t ? pName : tName}`);
  const tessera_us = round4(median(t));
  const peer_us = round4(median(p));
  const out = {
    language, operation, algorithm, tessera, tessera_us, peer, peer_us,
    ratio: peer_us / tessera_us,
    tessera_iqr: iqr(t).map(round4),
    peer_iqr: iqr(p).map(round4),
    ratio_iqr: iqr(pairedRatios(samples, pName, tName)).map(round4),
    rounds: t.length,
  };
  if (target !== undefined && target !== null) out.target = target;
  if (note) out.note = note;
  return out;
}

/** The `env` object of the contract. */
function contractEnv(tessera, peers, quick, loadavgs) {
  const os = require('node:os');
  const loads = loadavgs && loadavgs.length ? loadavgs : [os.loadavg()[0]];
  return {
    tessera: tessera.version,
    runtime: `Node ${process.version}`,
    peers,
    loadavg: round4(loads.reduce((a, b) => a + b, 0) / loads.length),
    loadavg_samples: loads.map((x) => round4(x)),
    quick,
    cpus: `${os.cpus().length} x ${os.cpus()[0].model}`,
  };
}

/** `--json PATH` (or `--json=PATH`) from argv, or null. */
function jsonPath(argv = process.argv) {
  const i = argv.indexOf('--json');
  if (i >= 0) {
    if (!argv[i + 1] || argv[i + 1].startsWith('--')) throw new Error('--json needs a path');
    return argv[i + 1];
  }
  const eq = argv.find((a) => a.startsWith('--json='));
  return eq ? eq.slice(7) : null;
}

/** Writes the contract object to `path` (atomically: temp file, then rename). */
function writeJson(path, obj) {
  const fs = require('node:fs');
  const tmp = `${path}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(obj, null, 1)}\n`);
  fs.renameSync(tmp, path);
  console.log(`\nwrote ${path}`);
}

/** The version of an installed package, read from bench/node/node_modules (exports maps may hide package.json). */
function pkgVersion(name) {
  const fs = require('node:fs');
  const path = require('node:path');
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', name, 'package.json'), 'utf8')).version;
}

module.exports = { runner, quantile, median, iqr, pairedRatios, pairedRatio, contractRow, contractEnv, jsonPath, writeJson, pkgVersion, round4 };
