#!/usr/bin/env node
'use strict';
// Tessera's Node binding vs jose, jsonwebtoken and fast-jwt on the fixed
// workload (bench/README.md): the same claims, the same token per algorithm,
// exp/iss/aud validated, keys preloaded as key objects by every library.
//
//   node bench.js                    full run (about 4 minutes on 2 cores)
//   node bench.js --quick            fewer, shorter rounds (well under a minute)
//   node bench.js --json PATH        also write bench/run's runner JSON to PATH
//   node bench.js --markdown         also print the rows as a Markdown table
//   node bench.js --only=HS256,sign  groups to run: an algorithm (HS256 RS256
//                                    ES256 EdDSA), an operation (verify, sign),
//                                    and/or scaling; a verify/sign group runs
//                                    when it matches each kind of token given
//
// Method: rows of one group run interleaved, ROUND_MS each, for ROUNDS
// rounds; a row's figure is the median over rounds of µs per operation, its
// spread the IQR of the per-round figures, and a ratio's spread the IQR of
// the per-round ratios (paired, so drift in machine load cancels). Async rows
// keep WINDOW calls in flight (throughput: µs per completed call); "seq" rows
// await each call.
//
// Scaling (ops/s with 1 and 2 threads, fixed time each, 1 and 2 alternating):
//   - RS256 sign, jwt.encodeAsync on the libuv pool, 16 in flight, in child
//     processes with UV_THREADPOOL_SIZE=1 and 2: what a Node server does to
//     sign without blocking its event loop (the binding's async calls run on
//     that pool).
//   - RS256 sign and HS256 verify, the sync call in a loop in 1 and 2
//     worker_threads: the only way to spread HMAC work over cores in one
//     process, since Tessera's HMAC verifyAsync runs inline on the event loop
//     (the pool trip costs more than the HMAC), so the pool cannot scale it.

const { isMainThread, Worker, workerData, parentPort } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const tessera = require('tessera');

// ------------------------------------------------------------ workload

const CLAIMS_JSON = '{"sub":"1234567890","name":"John Doe","admin":true,"iat":1700000000,"exp":4102444800,"iss":"https://issuer.example","aud":"api"}';
const CLAIMS = JSON.parse(CLAIMS_JSON);
const ISSUER = 'https://issuer.example';
const AUDIENCE = 'api';
const HMAC_SECRET = Buffer.from('tessera-bench-hmac-secret-32-bytes-long!');
const KEYS = path.join(__dirname, '..', 'keys');
const pem = (f) => fs.readFileSync(path.join(KEYS, f), 'utf8');
const PEMS = {
  RS256: [pem('rsa2048.pem'), pem('rsa2048.pub.pem')],
  ES256: [pem('p256.pem'), pem('p256.pub.pem')],
  EdDSA: [pem('ed25519.pem'), pem('ed25519.pub.pem')],
};
const ALGS = ['HS256', 'RS256', 'ES256', 'EdDSA'];

const tesseraKeys = (alg) => {
  if (alg === 'HS256') {
    const k = tessera.Key.hmac(HMAC_SECRET);
    return { priv: k, pub: k };
  }
  return { priv: tessera.Key.fromPem(PEMS[alg][0], { alg }), pub: tessera.Key.fromPem(PEMS[alg][1], { alg }) };
};

/** The sync call a scaling worker loops on (each thread builds its own key/verifier, once); lib 'fast-jwt' = the control. */
function scaleOp(op, lib) {
  if (lib === 'fast-jwt') {
    const fastJwt = require('fast-jwt');
    if (op === 'RS256 sign') {
      const sign = fastJwt.createSigner({ key: PEMS.RS256[0], algorithm: 'RS256' });
      return { fn: () => sign(CLAIMS), batch: 1 };
    }
    const token = tessera.jwt.encode(CLAIMS_JSON, tessera.Key.hmac(HMAC_SECRET));
    const verify = fastJwt.createVerifier({ key: HMAC_SECRET, algorithms: ['HS256'], allowedIss: ISSUER, allowedAud: AUDIENCE, cache: false });
    return { fn: () => verify(token), batch: 16 };
  }
  if (op === 'RS256 sign') {
    const { priv } = tesseraKeys('RS256');
    return { fn: () => tessera.jwt.encode(CLAIMS, priv), batch: 1 };
  }
  if (op === 'HS256 verify') {
    const { priv, pub } = tesseraKeys('HS256');
    const token = tessera.jwt.encode(CLAIMS_JSON, priv);
    const verifier = new tessera.Verifier(pub, { issuer: ISSUER, audience: AUDIENCE });
    return { fn: () => verifier.verify(token), batch: 64 };
  }
  throw new Error(`unknown scaling op ${op}`);
}

// ------------------------------------------------------------ scaling worker

if (!isMainThread && workerData && workerData.scale) {
  // Warm up, say ready, wait for "go", loop for `ms`, report the count.
  const { fn, batch } = scaleOp(workerData.scale, workerData.lib);
  const until = (ms) => {
    let ops = 0;
    const t0 = performance.now();
    let now = t0;
    while (now - t0 < ms) {
      for (let i = 0; i < batch; i++) fn();
      ops += batch;
      now = performance.now();
    }
    return { ops, ms: now - t0 };
  };
  until(workerData.warmMs);
  parentPort.once('message', () => parentPort.postMessage(until(workerData.ms)));
  parentPort.postMessage('ready');
  return;
}

// ------------------------------------------------------------ main-thread setup

const { spawnSync } = require('node:child_process');
const os = require('node:os');
const jsonwebtoken = require('jsonwebtoken');
const fastJwt = require('fast-jwt');
const { runner, median, contractRow, contractEnv, jsonPath, writeJson, pkgVersion, round4 } = require('./timing');

const argv = process.argv.slice(2);
const args = new Set(argv);
const ONLY = (argv.find((a) => a.startsWith('--only=')) || '').slice(7).split(',').filter(Boolean);
const QUICK = args.has('--quick');
const JSON_PATH = jsonPath();
const ROUNDS = QUICK ? 3 : 9;
const ROUND_MS = QUICK ? 120 : 300;
const WINDOW = 64;
const SCALE_MS = QUICK ? 500 : 2000;
const SCALE_PAIRS = QUICK ? 1 : 3;
const POOL_WINDOW = 16;

const GROUP_TOKENS = { alg: ALGS, op: ['verify', 'sign', 'scaling'] };
for (const t of ONLY) {
  if (!GROUP_TOKENS.alg.includes(t) && !GROUP_TOKENS.op.includes(t)) throw new Error(`--only: unknown group ${t}`);
}
/** Whether the group (alg, op) is selected: it must match each kind of token given. */
const wanted = (alg, op) => {
  if (op === 'scaling') return !ONLY.length || ONLY.includes('scaling');
  const algs = ONLY.filter((t) => ALGS.includes(t));
  const ops = ONLY.filter((t) => !ALGS.includes(t));
  return (!algs.length || !alg || algs.includes(alg)) && (!ops.length || ops.includes(op));
};

/** Everything each library needs for one algorithm, prepared once. */
function setup(alg) {
  const hmac = alg === 'HS256';
  const t = tesseraKeys(alg);
  const privObj = hmac ? crypto.createSecretKey(HMAC_SECRET) : crypto.createPrivateKey(PEMS[alg][0]);
  const pubObj = hmac ? privObj : crypto.createPublicKey(PEMS[alg][1]);
  const token = tessera.jwt.encode(CLAIMS_JSON, t.priv);
  const verifier = new tessera.Verifier(t.pub, { issuer: ISSUER, audience: AUDIENCE });
  // The same policy with the opt-in verified-token cache (fast-jwt's `cache: true` keeps 1000).
  const verifierCached = new tessera.Verifier(t.pub, { issuer: ISSUER, audience: AUDIENCE, cacheSize: 1000 });
  // fast-jwt takes the secret or PEM and makes its key object once, at creation.
  const fjOpts = { key: hmac ? HMAC_SECRET : PEMS[alg][1], algorithms: [alg], allowedIss: ISSUER, allowedAud: AUDIENCE };
  return {
    alg,
    token,
    verifier,
    verifierCached,
    tessera: t,
    privObj,
    pubObj,
    fastVerify: fastJwt.createVerifier({ ...fjOpts, cache: false }),
    fastVerifyCached: fastJwt.createVerifier({ ...fjOpts, cache: true }),
    fastSign: fastJwt.createSigner({ key: hmac ? HMAC_SECRET : PEMS[alg][0], algorithm: alg }),
    jwtOpts: { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE },
    joseOpts: { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE },
  };
}

const { row, runGroup, pairedRatio, timeAsync } = runner({ rounds: ROUNDS, roundMs: ROUND_MS, pending: WINDOW });
let jose;

// ------------------------------------------------------------ groups

function verifyRows(s) {
  const { token, verifier } = s;
  return [
    row('tessera Verifier.verify', 'sync', () => verifier.verify(token)),
    row('tessera Verifier.verifyAsync', 'async', () => verifier.verifyAsync(token)),
    row('tessera Verifier.verifyAsync seq', 'seq', () => verifier.verifyAsync(token)),
    row('tessera Verifier.verify (cache on)', 'sync', () => s.verifierCached.verify(token)),
    row('fast-jwt (cache off)', 'sync', () => s.fastVerify(token)),
    row('fast-jwt (cache on)', 'sync', () => s.fastVerifyCached(token)),
    // jsonwebtoken 9 has no EdDSA
    ...(s.alg === 'EdDSA' ? [] : [row('jsonwebtoken', 'sync', () => jsonwebtoken.verify(token, s.pubObj, s.jwtOpts))]),
    row('jose', 'async', () => jose.jwtVerify(token, s.pubObj, s.joseOpts)),
  ];
}

// Every signer gets the claims as an object (what an app has) and serializes
// them itself (the given iat kept: no noTimestamp, which drops it); every
// signer writes the header {"alg","typ":"JWT"}.
function signRows(s) {
  const key = s.tessera.priv;
  return [
    row('tessera jwt.encode', 'sync', () => tessera.jwt.encode(CLAIMS, key)),
    row('tessera jwt.encodeAsync', 'async', () => tessera.jwt.encodeAsync(CLAIMS, key)),
    row('fast-jwt', 'sync', () => s.fastSign(CLAIMS)),
    ...(s.alg === 'EdDSA' ? [] : [row('jsonwebtoken', 'sync', () => jsonwebtoken.sign(CLAIMS, s.privObj, { algorithm: s.alg }))]),
    row('jose', 'async', () => new jose.SignJWT(CLAIMS).setProtectedHeader({ alg: s.alg, typ: 'JWT' }).sign(s.privObj)),
  ];
}

const b64u = (text) => Buffer.from(text).toString('base64url');

/** Before timing: every verifier accepts Tessera's token with exactly the claims and refuses a tampered one; Tessera accepts every signer's token. */
async function crossCheck(s) {
  const [h, , sig] = s.token.split('.');
  const tampered = `${h}.${b64u(CLAIMS_JSON.replace('John Doe', 'Jane Doe'))}.${sig}`;
  for (const r of verifyRows(s)) {
    const out = await r.fn();
    const claims = out.payload ?? out;
    if (JSON.stringify(claims) !== CLAIMS_JSON) throw new Error(`${s.alg} ${r.name}: wrong claims ${JSON.stringify(claims)}`);
  }
  const refusers = {
    tessera: () => s.verifier.verify(tampered),
    'tessera (cache on)': () => s.verifierCached.verify(tampered),
    'fast-jwt': () => s.fastVerify(tampered),
    'fast-jwt (cache on)': () => s.fastVerifyCached(tampered),
    jose: () => jose.jwtVerify(tampered, s.pubObj, s.joseOpts),
    ...(s.alg === 'EdDSA' ? {} : { jsonwebtoken: () => jsonwebtoken.verify(tampered, s.pubObj, s.jwtOpts) }),
  };
  for (const [name, fn] of Object.entries(refusers)) {
    let accepted = true;
    try {
      await fn();
    } catch {
      accepted = false;
    }
    if (accepted) throw new Error(`${s.alg} ${name} accepted a tampered token`);
  }
  for (const r of signRows(s)) {
    const token = await r.fn();
    const claims = s.verifier.verify(token);
    if (JSON.stringify(claims) !== CLAIMS_JSON) throw new Error(`${s.alg} ${r.name}: Tessera reads ${JSON.stringify(claims)}`);
    if (JSON.parse(Buffer.from(token.split('.')[0], 'base64url')).typ !== 'JWT') throw new Error(`${s.alg} ${r.name}: header without typ JWT`);
  }
}

const NOTES = {
  cacheEqual: "both with their verified-token cache (Tessera cacheSize 1000, fast-jwt cache: true = 1000): a repeated token's claims from memory, time claims re-checked; Tessera's hit compares the whole token",
  cacheOn: "fast-jwt's cache returns the stored claims of a token it has verified before (no signature check on a hit): not the same work, shown for scale",
  joseSync: 'jose 6 has only async calls (WebCrypto on the libuv pool): µs per completed call with 64 in flight, which may use both cores; Tessera: the sync call on the event loop',
  hmacInline: "Tessera's HMAC async calls run inline (cheaper than the pool trip)",
  asyncPool: 'both sides on the libuv pool (default 4 threads), 64 calls in flight: µs per completed call',
};

async function verifyGroup(alg, rows) {
  const s = setup(alg);
  await crossCheck(s);
  const samples = await runGroup(`${alg} verify (µs/op, median of ${ROUNDS} rounds)`, verifyRows(s));
  const base = { operation: 'verify', algorithm: alg, tessera: 'Verifier.verify', tName: 'tessera Verifier.verify' };
  for (const peer of ['fast-jwt (cache off)', 'fast-jwt (cache on)', 'jsonwebtoken', 'jose']) {
    if (!samples[peer]) continue;
    // Targets only where the work is the same: fast-jwt's cache-on rows skip
    // the signature (the equal-work row is "verify (cache on)" below), and
    // jose is async-only, so its like-for-like row is the async one.
    const unequal = peer === 'fast-jwt (cache on)' || peer === 'jose';
    const target = unequal ? undefined : alg === 'HS256' && peer === 'fast-jwt (cache off)' ? 2.0 : 1.0;
    const note = peer === 'fast-jwt (cache on)' ? NOTES.cacheOn : peer === 'jose' ? NOTES.joseSync : undefined;
    rows.push(contractRow(samples, { ...base, peer, pName: peer, target, note }));
  }
  rows.push(contractRow(samples, {
    operation: 'verify (cache on)', algorithm: alg, tessera: 'Verifier.verify (cacheSize 1000)',
    tName: 'tessera Verifier.verify (cache on)', peer: 'fast-jwt (cache on)', pName: 'fast-jwt (cache on)', target: 1.0,
    note: NOTES.cacheEqual,
  }));
  rows.push(contractRow(samples, {
    operation: `verify (async, ${WINDOW} in flight)`, algorithm: alg, tessera: 'Verifier.verifyAsync',
    tName: 'tessera Verifier.verifyAsync', peer: 'jose', pName: 'jose', target: 1.0,
    note: alg === 'HS256' ? `${NOTES.asyncPool}; ${NOTES.hmacInline}` : NOTES.asyncPool,
  }));
  const speedup = pairedRatio(samples, 'fast-jwt (cache off)', 'tessera Verifier.verify');
  const want = alg === 'HS256' ? 2 : 1;
  console.log(`  → fast-jwt (cache off) / tessera: ${speedup.toFixed(2)}x (paired; target ≥ ${want}x: ${speedup >= want ? 'met' : 'MISSED'})`);
  const cached = pairedRatio(samples, 'fast-jwt (cache on)', 'tessera Verifier.verify (cache on)');
  console.log(`  → fast-jwt (cache on) / tessera (cache on): ${cached.toFixed(2)}x (paired; target ≥ 1x: ${cached >= 1 ? 'met' : 'MISSED'})`);
  console.log(`  → async / sync: ${pairedRatio(samples, 'tessera Verifier.verifyAsync', 'tessera Verifier.verify').toFixed(2)}x with ${WINDOW} in flight, ${pairedRatio(samples, 'tessera Verifier.verifyAsync seq', 'tessera Verifier.verify').toFixed(2)}x awaited one by one`);
}

async function signGroup(alg, rows) {
  const s = setup(alg);
  await crossCheck(s);
  const samples = await runGroup(`${alg} sign (µs/op, median of ${ROUNDS} rounds)`, signRows(s));
  const base = { operation: 'sign', algorithm: alg, tessera: 'jwt.encode', tName: 'tessera jwt.encode' };
  for (const peer of ['fast-jwt', 'jsonwebtoken', 'jose']) {
    if (!samples[peer]) continue;
    // jose is async-only: its like-for-like row is "sign (async, …)" below.
    const target = peer === 'jose' ? undefined : 1.0;
    rows.push(contractRow(samples, { ...base, peer, pName: peer, target, note: peer === 'jose' ? NOTES.joseSync : undefined }));
  }
  rows.push(contractRow(samples, {
    operation: `sign (async, ${WINDOW} in flight)`, algorithm: alg, tessera: 'jwt.encodeAsync',
    tName: 'tessera jwt.encodeAsync', peer: 'jose', pName: 'jose', target: 1.0,
    note: alg === 'HS256' ? `${NOTES.asyncPool}; ${NOTES.hmacInline}` : NOTES.asyncPool,
  }));
  const best = ['fast-jwt', 'jsonwebtoken'].filter((p) => samples[p]).map((p) => [p, pairedRatio(samples, p, 'tessera jwt.encode')]);
  console.log(`  → peer / tessera (sync): ${best.map(([p, r]) => `${p} ${r.toFixed(2)}x`).join(', ')}`);
}

// ------------------------------------------------------------ scaling

/** {wall, cpu}: ops per second and per CPU-second of the process, `op` looped synchronously in `n` worker_threads started together. */
async function workersThroughput(op, n, lib = 'tessera') {
  const workers = [];
  try {
    const ready = [];
    for (let i = 0; i < n; i++) {
      const w = new Worker(__filename, { workerData: { scale: op, lib, ms: SCALE_MS, warmMs: QUICK ? 150 : 400 } });
      workers.push(w);
      ready.push(new Promise((res, rej) => {
        w.once('message', res);
        w.once('error', rej);
      }));
    }
    await Promise.all(ready);
    const results = workers.map((w) => new Promise((res, rej) => {
      w.once('message', res);
      w.once('error', rej);
    }));
    const cpu0 = process.cpuUsage(); // the process: the workers' loops (the main thread only waits)
    for (const w of workers) w.postMessage('go');
    const out = await Promise.all(results);
    const cpu = process.cpuUsage(cpu0);
    const ops = out.reduce((sum, r) => sum + r.ops, 0);
    return { wall: out.reduce((sum, r) => sum + (r.ops * 1000) / r.ms, 0), cpu: ops / ((cpu.user + cpu.system) / 1e6) };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** {wall, cpu}: ops per second and per CPU-second of jwt.encodeAsync (RS256) with POOL_WINDOW in flight, in a child with UV_THREADPOOL_SIZE=n. */
function poolThroughput(n, lib = 'tessera') {
  const r = spawnSync(process.execPath, [__filename, '--pool-child', `--lib=${lib}`, ...(QUICK ? ['--quick'] : [])], {
    env: { ...process.env, UV_THREADPOOL_SIZE: String(n) },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`pool child failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function poolChild() {
  let sign;
  if (args.has('--lib=jose')) {
    // control: jose signs with WebCrypto, which runs on the same libuv pool
    const { SignJWT } = await import('jose');
    const key = crypto.createPrivateKey(PEMS.RS256[0]);
    sign = () => new SignJWT(CLAIMS).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(key);
  } else {
    const { priv } = tesseraKeys('RS256');
    sign = () => tessera.jwt.encodeAsync(CLAIMS, priv);
  }
  await timeAsync(sign, QUICK ? 150 : 400, POOL_WINDOW); // warm up
  const c0 = process.cpuUsage(); // all threads: the event loop and the pool
  const t0 = performance.now();
  const us = await timeAsync(sign, SCALE_MS, POOL_WINDOW);
  const ops = ((performance.now() - t0) * 1000) / us;
  const c = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ wall: 1e6 / us, cpu: ops / ((c.user + c.system) / 1e6) }));
}

async function scalingGroup(scaling) {
  const kinds = [
    {
      operation: 'sign', algorithm: 'RS256', measure: (n) => poolThroughput(n), control: (n) => poolThroughput(n, 'jose'),
      api: `jwt.encodeAsync on the libuv pool, UV_THREADPOOL_SIZE=threads, ${POOL_WINDOW} in flight (child processes)`,
      controlApi: 'jose SignJWT (WebCrypto on the same pool, same settings)',
      note: 'what a Node server does to sign off the event loop; the event loop thread also runs (JS side, promise settling)',
    },
    {
      operation: 'sign', algorithm: 'RS256', measure: (n) => workersThroughput('RS256 sign', n), control: (n) => workersThroughput('RS256 sign', n, 'fast-jwt'),
      api: 'jwt.encode (sync) looped in `threads` worker_threads', controlApi: 'fast-jwt signer (node:crypto) in the same worker_threads set-up',
    },
    {
      operation: 'verify', algorithm: 'HS256', measure: (n) => workersThroughput('HS256 verify', n), control: (n) => workersThroughput('HS256 verify', n, 'fast-jwt'),
      api: 'Verifier.verify (sync) looped in `threads` worker_threads', controlApi: 'fast-jwt verifier (cache off) in the same worker_threads set-up',
      note: "what a Node user does to spread HMAC verification over cores in one process: Tessera's HMAC verifyAsync runs inline on the event loop, so the libuv pool cannot scale it",
    },
  ];
  console.log(`\nScaling: ops/s with 1 and 2 threads, ${SCALE_MS} ms each, 1 and 2 alternating x ${SCALE_PAIRS}, each next to a peer as a control (how much of a second core the machine gave); per CPU-second = ops per CPU-second of the process (stays flat when nothing contends)`);
  for (const k of kinds) {
    const runs = { 1: [], 2: [] };
    const ctl = { 1: [], 2: [] };
    for (let i = 0; i < SCALE_PAIRS; i++) {
      for (const n of [1, 2]) {
        runs[n].push(await k.measure(n));
        ctl[n].push(await k.control(n));
      }
    }
    const med = (xs, f) => round4(median(xs.map((x) => x[f])));
    const [one, two, cpu1, cpu2] = [med(runs[1], 'wall'), med(runs[2], 'wall'), med(runs[1], 'cpu'), med(runs[2], 'cpu')];
    const [c1, c2] = [med(ctl[1], 'wall'), med(ctl[2], 'wall')];
    const load = round4(os.loadavg()[0]);
    const base = { language: 'node', operation: k.operation, algorithm: k.algorithm, api: k.api };
    const extra = (n) => ({
      ops_per_cpu_s: n === 1 ? cpu1 : cpu2,
      samples: runs[n].map((x) => round4(x.wall)),
      control: { api: k.controlApi, ops_per_s: n === 1 ? c1 : c2, ops_per_cpu_s: med(ctl[n], 'cpu'), samples: ctl[n].map((x) => round4(x.wall)) },
      loadavg: load,
      ...(k.note ? { note: k.note } : {}),
    });
    scaling.push({ ...base, threads: 1, ops_per_s: one, ...extra(1) });
    scaling.push({ ...base, threads: 2, ops_per_s: two, speedup: two / one, cpu_efficiency: cpu2 / cpu1, control_speedup: c2 / c1, ...extra(2) });
    console.log(`  ${k.algorithm} ${k.operation}, ${k.api}:\n    1 thread ${one.toFixed(0)} ops/s, 2 threads ${two.toFixed(0)} ops/s → ${(two / one).toFixed(2)}x  (runs ${runs[1].map((x) => x.wall.toFixed(0)).join(' ')} | ${runs[2].map((x) => x.wall.toFixed(0)).join(' ')}; load ${load})`);
    console.log(`    per CPU-second: ${cpu1.toFixed(0)} → ${cpu2.toFixed(0)} (${(cpu2 / cpu1).toFixed(2)}x)`);
    console.log(`    control, ${k.controlApi}: ${c1.toFixed(0)} → ${c2.toFixed(0)} ops/s, ${(c2 / c1).toFixed(2)}x; per CPU-second ${med(ctl[1], 'cpu').toFixed(0)} → ${med(ctl[2], 'cpu').toFixed(0)}`);
  }
}

// ------------------------------------------------------------ main

async function main() {
  if (args.has('--pool-child')) return poolChild();
  jose = await import('jose');
  const peers = { jose: pkgVersion('jose'), jsonwebtoken: pkgVersion('jsonwebtoken'), 'fast-jwt': pkgVersion('fast-jwt') };
  const loads = [os.loadavg()[0]];
  console.log(`Tessera ${tessera.version} (Node ${process.version}), ${os.cpus().length} CPUs (${os.cpus()[0].model}), load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`${Object.entries(peers).map(([k, v]) => `${k} ${v}`).join(', ')}; ${ROUNDS} rounds x ${ROUND_MS} ms per row, async window ${WINDOW}`);

  const rows = [];
  const scaling = [];
  for (const alg of ALGS) {
    if (wanted(alg, 'verify')) await verifyGroup(alg, rows);
    if (wanted(alg, 'sign')) await signGroup(alg, rows);
    loads.push(os.loadavg()[0]);
  }
  if (wanted(null, 'scaling')) await scalingGroup(scaling);
  loads.push(os.loadavg()[0]);
  console.log(`\nload at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);

  summary(rows);
  if (args.has('--markdown')) markdown(rows, scaling);
  if (JSON_PATH) {
    writeJson(JSON_PATH, { language: 'node', env: contractEnv(tessera, peers, QUICK, loads), rows, memory: [], scaling });
  }
}

function summary(rows) {
  const missed = rows.filter((r) => r.target !== undefined && r.ratio < r.target);
  console.log(`\nTargets (ratio = peer µs / tessera µs of the medians): ${rows.filter((r) => r.target !== undefined).length - missed.length} met, ${missed.length} missed`);
  for (const r of missed) console.log(`  MISSED: ${r.algorithm} ${r.operation} vs ${r.peer}: ${r.ratio.toFixed(2)}x < ${r.target}x`);
}

function markdown(rows, scaling) {
  if (rows.length) {
    console.log('\n| operation | alg | tessera | µs | peer | peer µs | ratio (IQR) | target |');
    console.log('|---|---|---|---:|---|---:|---:|---|');
  }
  for (const r of rows) {
    const t = r.target === undefined ? '—' : `≥ ${r.target}x ${r.ratio >= r.target ? 'met' : 'MISSED'}`;
    console.log(`| ${r.operation} | ${r.algorithm} | ${r.tessera} | ${r.tessera_us.toFixed(2)} | ${r.peer} | ${r.peer_us.toFixed(2)} | **${r.ratio.toFixed(2)}x** (${r.ratio_iqr.map((x) => x.toFixed(2)).join('–')}) | ${t} |`);
  }
  if (!scaling.length) return;
  console.log('\n| operation | alg | how | 1 thread ops/s | 2 threads ops/s | speedup | ops per CPU-second, 2 / 1 | control (peer) speedup |');
  console.log('|---|---|---|---:|---:|---:|---:|---:|');
  for (let i = 0; i < scaling.length; i += 2) {
    const [a, b] = [scaling[i], scaling[i + 1]];
    console.log(`| ${a.operation} | ${a.algorithm} | ${a.api} | ${a.ops_per_s.toFixed(0)} | ${b.ops_per_s.toFixed(0)} | **${b.speedup.toFixed(2)}x** | ${b.cpu_efficiency.toFixed(2)}x | ${b.control_speedup.toFixed(2)}x (${b.control.api}) |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
