#!/usr/bin/env node
'use strict';
// Memory of Verifier.verify (HS256, the fixed workload) through the Node
// binding: heap allocations per verification, peak RSS, and a leak check.
//
//   node memory.js [--quick] [--json PATH]
//   TESSERA_BENCH_MALLOC_COUNT=/path/libmalloc_count.so node memory.js ...
//
// - Allocations per op: Node cannot call the shim's malloc_count_snapshot()
//   without an addon, so two child processes run under
//   LD_PRELOAD=bench/memory/malloc_count.c's shim (MALLOC_COUNT_OUT = its
//   totals at exit), one doing N1 and one N2 verifications after the same
//   set-up and warm-up: allocs/op = (allocs(N2) - allocs(N1)) / (N2 - N1);
//   whatever start-up and warm-up allocate cancels. Counted: every malloc,
//   calloc, realloc (when it allocates) and aligned allocation in the process
//   (the core and napi-rs in Rust, Node/V8's C++ side, including work of V8's
//   GC threads that grows with the garbage the calls leave). Not counted:
//   objects on V8's JS heap (the claims object JSON.parse builds, strings),
//   which V8 carves out of its own mmap'd pages. The pair is repeated and
//   the median taken. The timing runs are never instrumented.
// - Leak check: 10,000,000 verifications (1,000,000 with --quick) in one
//   uninstrumented child (node --expose-gc); every tenth of the run it runs a
//   full GC (so the sample shows what is retained, not garbage awaiting a
//   collection) and samples VmRSS from /proc/self/status. growth_kib = last
//   sample - first sample (taken after the first tenth, so warm-up is
//   excluded); leak = growth_kib > 1024. Peak RSS = VmHWM of that child at
//   the end.
// The shim: $TESSERA_BENCH_MALLOC_COUNT (bench/run builds it), else built
// here with gcc into $CARGO_TARGET_DIR/bench-memory/ (default target/).

const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const CLAIMS_JSON = '{"sub":"1234567890","name":"John Doe","admin":true,"iat":1700000000,"exp":4102444800,"iss":"https://issuer.example","aud":"api"}';
const HMAC_SECRET = Buffer.from('tessera-bench-hmac-secret-32-bytes-long!');
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const API = 'Verifier.verify';

/** A verifier and its token (same as bench.js); checks it works. */
function setup() {
  const tessera = require('tessera');
  const key = tessera.Key.hmac(HMAC_SECRET);
  const token = tessera.jwt.encode(CLAIMS_JSON, key);
  const verifier = new tessera.Verifier(key, { issuer: 'https://issuer.example', audience: 'api' });
  if (JSON.stringify(verifier.verify(token)) !== CLAIMS_JSON) throw new Error('setup: wrong claims');
  return { tessera, verifier, token };
}

/** A field of /proc/self/status in KiB (VmRSS, VmHWM). */
function status(field) {
  const m = fs.readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  if (!m) throw new Error(`no ${field} in /proc/self/status`);
  return Number(m[1]);
}

// ------------------------------------------------------------ children

/** --alloc-child N WARM: WARM then N verifications; the shim writes the totals at exit. */
function allocChild(n, warm) {
  const { verifier, token } = setup();
  let sink = 0;
  for (let i = 0; i < warm; i++) sink += verifier.verify(token).exp & 1;
  for (let i = 0; i < n; i++) sink += verifier.verify(token).exp & 1;
  process.stdout.write(JSON.stringify({ hwm: status('VmHWM'), sink }));
}

/** --leak-child N: N verifications, RSS sampled after a full GC every N/10. */
function leakChild(n) {
  if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');
  const { verifier, token } = setup();
  const tenth = Math.floor(n / 10);
  const rss = [];
  const heap = [];
  const start = { rss: status('VmRSS') };
  let sink = 0;
  const t0 = performance.now();
  for (let done = 0; done < n; ) {
    for (let i = 0; i < tenth; i++) sink += verifier.verify(token).exp & 1;
    done += tenth;
    global.gc();
    rss.push([done, status('VmRSS')]);
    heap.push([done, Math.round(process.memoryUsage().heapUsed / 1024)]);
  }
  const us = ((performance.now() - t0) * 1000) / n;
  process.stdout.write(JSON.stringify({ rss, heap, start, hwm: status('VmHWM'), us, sink }));
}

// ------------------------------------------------------------ parent

function shimPath() {
  if (process.env.TESSERA_BENCH_MALLOC_COUNT) {
    if (!fs.existsSync(process.env.TESSERA_BENCH_MALLOC_COUNT)) throw new Error(`TESSERA_BENCH_MALLOC_COUNT=${process.env.TESSERA_BENCH_MALLOC_COUNT} does not exist`);
    return process.env.TESSERA_BENCH_MALLOC_COUNT;
  }
  const root = path.resolve(__dirname, '..', '..');
  const src = path.join(root, 'bench', 'memory', 'malloc_count.c');
  const dir = path.join(process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(root, 'target'), 'bench-memory');
  const so = path.join(dir, 'libmalloc_count.so');
  if (!fs.existsSync(so) || fs.statSync(so).mtimeMs < fs.statSync(src).mtimeMs) {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${so}.${process.pid}.tmp`;
    execFileSync('gcc', ['-O2', '-shared', '-fPIC', '-o', tmp, src], { stdio: 'inherit' });
    fs.renameSync(tmp, so);
  }
  return so;
}

function child(args, env = {}, nodeFlags = []) {
  const r = spawnSync(process.execPath, [...nodeFlags, __filename, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** {allocs, bytes, frees} of one instrumented child doing n verifications after `warm`. */
function countedRun(shim, n, warm) {
  const out = path.join(os.tmpdir(), `tessera-malloc-count-${process.pid}-${n}.txt`);
  try {
    const res = child(['--alloc-child', String(n), String(warm)], { LD_PRELOAD: shim, MALLOC_COUNT_OUT: out });
    const totals = Object.fromEntries(
      fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => {
        const [k, v] = l.split(' ');
        return [k, Number(v)];
      }),
    );
    if (!(totals.allocs > 0)) throw new Error(`no malloc counts in ${out}: is the shim preloaded?`);
    return { ...totals, hwm: res.hwm };
  } finally {
    fs.rmSync(out, { force: true });
  }
}

async function main() {
  if (argv[0] === '--alloc-child') return allocChild(Number(argv[1]), Number(argv[2]));
  if (argv[0] === '--leak-child') return leakChild(Number(argv[1]));

  const { median, round4, contractEnv, jsonPath, writeJson } = require('./timing');
  const jsonOut = jsonPath();
  const { tessera } = setup();
  const loads = [os.loadavg()[0]];
  console.log(`Tessera ${tessera.version} (Node ${process.version}); load ${os.loadavg()[0].toFixed(1)}`);

  // Allocations per verification.
  const shim = shimPath();
  const [N1, N2, WARM, PAIRS] = QUICK ? [50000, 250000, 50000, 1] : [100000, 1100000, 200000, 3];
  const perOp = [];
  const bytesPerOp = [];
  const freesPerOp = [];
  for (let i = 0; i < PAIRS; i++) {
    const a = countedRun(shim, N1, WARM);
    const b = countedRun(shim, N2, WARM);
    perOp.push((b.allocs - a.allocs) / (N2 - N1));
    bytesPerOp.push((b.bytes - a.bytes) / (N2 - N1));
    freesPerOp.push((b.frees - a.frees) / (N2 - N1));
    console.log(`  alloc pair ${i + 1}: ${N1} ops → ${a.allocs} allocs, ${N2} ops → ${b.allocs} allocs: ${perOp[i].toFixed(3)} allocs/op, ${bytesPerOp[i].toFixed(1)} bytes/op, ${freesPerOp[i].toFixed(3)} frees/op`);
  }
  const allocs = median(perOp);
  const bytes = median(bytesPerOp);
  console.log(`HS256 ${API}: ${allocs.toFixed(3)} heap allocations/op (${bytes.toFixed(1)} bytes/op), malloc shim, (N2 - N1) = ${N2 - N1} ops, median of ${PAIRS}`);

  // Leak check.
  const OPS = QUICK ? 1000000 : 10000000;
  const leak = child(['--leak-child', String(OPS)], {}, ['--expose-gc']);
  loads.push(os.loadavg()[0]);
  const growth = leak.rss[leak.rss.length - 1][1] - leak.rss[0][1];
  console.log(`leak check: ${OPS} verifications at ${leak.us.toFixed(2)} µs/op; RSS at start ${leak.start.rss} KiB, after each tenth (after a full GC): ${leak.rss.map(([, k]) => k).join(' ')} KiB`);
  console.log(`  JS heap used (KiB): ${leak.heap.map(([, k]) => k).join(' ')}`);
  console.log(`  growth (last - first sample) ${growth} KiB → ${growth > 1024 ? 'LEAK (> 1024 KiB)' : 'no leak'}; peak RSS (VmHWM) ${leak.hwm} KiB`);

  const memory = [{
    language: 'node', operation: 'verify', algorithm: 'HS256', api: API,
    ops: OPS, peak_rss_kib: leak.hwm,
    allocs_per_op: round4(allocs), alloc_bytes_per_op: round4(bytes),
    allocs_per_op_samples: perOp.map(round4),
    rss_samples_kib: leak.rss, heap_used_samples_kib: leak.heap,
    growth_kib: growth, leak: growth > 1024,
    us_per_op: round4(leak.us),
    note: `allocs: malloc/calloc/realloc/aligned allocations of the whole process (Rust core + napi-rs + Node/V8's C++ side, incl. GC threads) per verify, LD_PRELOAD shim, two child runs (${N1} and ${N2} ops after ${WARM} warm-up), median of ${PAIRS}; V8 JS-heap objects (the claims object, strings) are not malloc'd and not counted. Leak check: RSS after a full GC (node --expose-gc) every tenth; peak RSS = VmHWM of that child`,
  }];
  loads.push(os.loadavg()[0]);
  if (jsonOut) writeJson(jsonOut, { language: 'node', env: contractEnv(tessera, {}, QUICK, loads), rows: [], memory, scaling: [] });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
