#!/usr/bin/env node
'use strict';
// Tessera's Node binding vs jose, jsonwebtoken and fast-jwt on the fixed
// workload (bench/README.md): the same claims, the same token per algorithm,
// exp/iss/aud validated, keys preloaded as key objects by every library.
//
//   node bench.js                 full run (about 4 minutes on 2 cores)
//   node bench.js --quick         fewer, shorter rounds
//   node bench.js --markdown      also print the README table
//   node bench.js --only=EdDSA    one verify group (HS256, RS256, ES256, EdDSA, sign, pool)
//
// Method: rows of one group run interleaved, ROUND_MS each, for ROUNDS
// rounds; a row's figure is the median over rounds of µs per operation, and
// a ratio is the median over rounds of the per-round ratio (paired, so
// drift in machine load cancels). Async rows keep WINDOW calls in flight
// (throughput: µs per completed call); "seq" rows await each call.

const { runner } = require('./timing');
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const tessera = require('tessera');
const jsonwebtoken = require('jsonwebtoken');
const fastJwt = require('fast-jwt');

const args = new Set(process.argv.slice(2));
const ONLY = (process.argv.find((a) => a.startsWith('--only=')) || '').slice(7);
const wanted = (name) => !ONLY || ONLY === name;
const QUICK = args.has('--quick');
const ROUNDS = QUICK ? 3 : 9;
const ROUND_MS = QUICK ? 120 : 300;
const WINDOW = 64;

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

/** Everything each library needs for one algorithm, prepared once. */
function setup(alg) {
  const hmac = alg === 'HS256';
  const t = hmac ? { priv: tessera.Key.hmac(HMAC_SECRET) } : { priv: tessera.Key.fromPem(PEMS[alg][0], { alg }) };
  t.pub = hmac ? t.priv : tessera.Key.fromPem(PEMS[alg][1], { alg });
  const privObj = hmac ? crypto.createSecretKey(HMAC_SECRET) : crypto.createPrivateKey(PEMS[alg][0]);
  const pubObj = hmac ? privObj : crypto.createPublicKey(PEMS[alg][1]);
  const token = tessera.jwt.encode(CLAIMS_JSON, t.priv);
  const verifier = new tessera.Verifier(t.pub, { issuer: ISSUER, audience: AUDIENCE });
  // fast-jwt takes the secret or PEM and makes its key object once, at creation.
  const fjOpts = { key: hmac ? HMAC_SECRET : PEMS[alg][1], algorithms: [alg], allowedIss: ISSUER, allowedAud: AUDIENCE };
  return {
    alg,
    token,
    verifier,
    tessera: t,
    privObj,
    pubObj,
    fastVerify: fastJwt.createVerifier({ ...fjOpts, cache: false }),
    fastVerifyCached: fastJwt.createVerifier({ ...fjOpts, cache: true }),
    fastSign: fastJwt.createSigner({ key: hmac ? HMAC_SECRET : PEMS[alg][0], algorithm: alg, noTimestamp: true }),
    jwtOpts: { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE },
    joseOpts: { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE },
  };
}

// ------------------------------------------------------------ timing

const { row, runGroup, median, pairedRatio, timeAsync } = runner({ rounds: ROUNDS, roundMs: ROUND_MS, pending: WINDOW });

// ------------------------------------------------------------ groups

function verifyRows(s) {
  const { token, verifier } = s;
  return [
    row('tessera Verifier.verify', 'sync', () => verifier.verify(token)),
    row('tessera Verifier.verifyAsync', 'async', () => verifier.verifyAsync(token)),
    row('tessera Verifier.verifyAsync seq', 'seq', () => verifier.verifyAsync(token)),
    row('fast-jwt (cache off)', 'sync', () => s.fastVerify(token)),
    row('fast-jwt (cache on)', 'sync', () => s.fastVerifyCached(token)),
    // jsonwebtoken 9 has no EdDSA
    ...(s.alg === 'EdDSA' ? [] : [row('jsonwebtoken', 'sync', () => jsonwebtoken.verify(token, s.pubObj, s.jwtOpts))]),
    row('jose jwtVerify', 'async', () => jose.jwtVerify(token, s.pubObj, s.joseOpts)),
  ];
}

function signRows(s) {
  const key = s.tessera.priv;
  return [
    row('tessera jwt.encode', 'sync', () => tessera.jwt.encode(CLAIMS_JSON, key)),
    row('tessera jwt.encodeAsync', 'async', () => tessera.jwt.encodeAsync(CLAIMS_JSON, key)),
    row('fast-jwt', 'sync', () => s.fastSign(CLAIMS)),
    row('jsonwebtoken', 'sync', () => jsonwebtoken.sign(CLAIMS, s.privObj, { algorithm: s.alg, noTimestamp: true })),
    row('jose SignJWT', 'async', () => new jose.SignJWT(CLAIMS).setProtectedHeader({ alg: s.alg, typ: 'JWT' }).sign(s.privObj)),
  ];
}

/** Async RS256 signing throughput (signatures/s) in a child with UV_THREADPOOL_SIZE=n. */
function poolThroughput(n, lib = 'tessera') {
  const r = spawnSync(process.execPath, [__filename, '--pool-child', `--lib=${lib}`], {
    env: { ...process.env, UV_THREADPOOL_SIZE: String(n) },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`pool child failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function poolChild() {
  let sign;
  if (args.has('--lib=jose')) {
    // control: jose signs with WebCrypto, which also runs on the libuv pool
    const { SignJWT } = await import('jose');
    const key = crypto.createPrivateKey(PEMS.RS256[0]);
    sign = () => new SignJWT(CLAIMS).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(key);
  } else {
    const key = tessera.Key.fromPem(PEMS.RS256[0], { alg: 'RS256' });
    sign = () => tessera.jwt.encodeAsync(CLAIMS_JSON, key);
  }
  const ms = QUICK ? 300 : 600;
  await timeAsync(sign, 200, 16); // warm up
  const rates = [];
  for (let i = 0; i < 3; i++) rates.push(1e6 / (await timeAsync(sign, ms, 16)));
  process.stdout.write(JSON.stringify(rates));
}

// ------------------------------------------------------------ main

let jose;

async function main() {
  if (args.has('--pool-child')) return poolChild();
  jose = await import('jose');
  const os = require('node:os');
  console.log(`Tessera ${tessera.version} (Node ${process.version}), ${os.cpus().length} CPUs (${os.cpus()[0].model}), load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`jose ${require('jose/package.json').version}, jsonwebtoken ${require('jsonwebtoken/package.json').version}, fast-jwt ${require('fast-jwt/package.json').version}; ${ROUNDS} rounds x ${ROUND_MS} ms per row, async window ${WINDOW}`);

  const results = [];
  const targets = { HS256: 2, RS256: 1.2, ES256: 1.2, EdDSA: 2.5 };
  for (const alg of ['HS256', 'RS256', 'ES256', 'EdDSA'].filter(wanted)) {
    const s = setup(alg);
    // every library accepts the token and returns the same claims
    for (const r of verifyRows(s)) {
      const out = await r.fn();
      const claims = out.payload ?? out;
      if (JSON.stringify(claims) !== CLAIMS_JSON) throw new Error(`${alg} ${r.name}: wrong claims ${JSON.stringify(claims)}`);
    }
    const samples = await runGroup(`${alg} verify (µs/op, median of ${ROUNDS} rounds)`, verifyRows(s));
    const speedup = pairedRatio(samples, 'fast-jwt (cache off)', 'tessera Verifier.verify');
    const asyncCost = pairedRatio(samples, 'tessera Verifier.verifyAsync', 'tessera Verifier.verify');
    const seqCost = pairedRatio(samples, 'tessera Verifier.verifyAsync seq', 'tessera Verifier.verify');
    results.push({ alg, op: 'verify', samples, speedup, asyncCost, seqCost, target: targets[alg] });
    console.log(`  → tessera vs fast-jwt (cache off): ${speedup.toFixed(2)}x faster (target ≥ ${targets[alg]}x: ${speedup >= targets[alg] ? 'met' : 'MISSED'})`);
    console.log(`  → async cost: ${asyncCost.toFixed(2)}x sync with ${WINDOW} in flight, ${seqCost.toFixed(2)}x awaited one by one (target < 2x)`);
  }

  let signSamples;
  if (wanted('sign')) {
    const rs = setup('RS256');
    signSamples = await runGroup(`RS256 sign (µs/op, median of ${ROUNDS} rounds)`, signRows(rs));
    const signVsFast = pairedRatio(signSamples, 'fast-jwt', 'tessera jwt.encode');
    const signAsyncCost = pairedRatio(signSamples, 'tessera jwt.encodeAsync', 'tessera jwt.encode');
    console.log(`  → tessera vs fast-jwt: ${signVsFast.toFixed(2)}x; encodeAsync cost ${signAsyncCost.toFixed(2)}x sync (${WINDOW} in flight, default pool of 4)`);
  }
  if (!wanted('pool')) return;

  // Children alternate (1, 2, 1, 2, …) so both see the same machine load;
  // the ratio is the median of the per-pair ratios.
  const one = [];
  const two = [];
  const joseOne = [];
  const joseTwo = [];
  for (let i = 0; i < (QUICK ? 2 : 4); i++) {
    one.push(median(poolThroughput(1)));
    two.push(median(poolThroughput(2)));
    joseOne.push(median(poolThroughput(1, 'jose')));
    joseTwo.push(median(poolThroughput(2, 'jose')));
  }
  const scaling = median(two.map((x, i) => x / one[i]));
  const joseScaling = median(joseTwo.map((x, i) => x / joseOne[i]));
  console.log('\nAsync RS256 signing throughput (jwt.encodeAsync, 16 in flight, children alternating)');
  console.log(`  UV_THREADPOOL_SIZE=1: ${median(one).toFixed(0)} signatures/s  (children: ${one.map((x) => x.toFixed(0)).join(' ')})`);
  console.log(`  UV_THREADPOOL_SIZE=2: ${median(two).toFixed(0)} signatures/s  (children: ${two.map((x) => x.toFixed(0)).join(' ')})`);
  console.log(`  → 2 threads / 1 thread: ${scaling.toFixed(2)}x (target ≥ 1.7x: ${scaling >= 1.7 ? 'met' : 'MISSED'})`);
  console.log(`  control, jose (WebCrypto on the same pool): ${median(joseOne).toFixed(0)} → ${median(joseTwo).toFixed(0)} signatures/s, ${joseScaling.toFixed(2)}x`);
  console.log(`\nload at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);

  if (args.has('--markdown') && !ONLY) markdown(results, signSamples, one, two, joseOne, joseTwo);
}

function markdown(results, signSamples, one, two, joseOne, joseTwo) {
  const f = (samples, name) => (samples[name] ? median(samples[name]).toFixed(2) : '—');
  console.log('\n| alg | tessera sync | tessera async (64 in flight) | tessera async (awaited 1 by 1) | fast-jwt | fast-jwt cache on | jsonwebtoken | jose (64 in flight) | fast-jwt / tessera | target | async / sync (in flight, 1 by 1) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
  for (const r of results) {
    const s = r.samples;
    console.log(`| ${r.alg} verify | ${f(s, 'tessera Verifier.verify')} | ${f(s, 'tessera Verifier.verifyAsync')} | ${f(s, 'tessera Verifier.verifyAsync seq')} | ${f(s, 'fast-jwt (cache off)')} | ${f(s, 'fast-jwt (cache on)')} | ${f(s, 'jsonwebtoken')} | ${f(s, 'jose jwtVerify')} | **${r.speedup.toFixed(2)}x** | ≥ ${r.target}x ${r.speedup >= r.target ? 'met' : 'MISSED'} | ${r.asyncCost.toFixed(2)}x, ${r.seqCost.toFixed(2)}x |`);
  }
  const s = signSamples;
  console.log(`\n| RS256 sign | tessera sync | tessera async (64 in flight) | fast-jwt | jsonwebtoken | jose |\n|---|---:|---:|---:|---:|---:|\n| µs/op | ${f(s, 'tessera jwt.encode')} | ${f(s, 'tessera jwt.encodeAsync')} | ${f(s, 'fast-jwt')} | ${f(s, 'jsonwebtoken')} | ${f(s, 'jose SignJWT')} |`);
  console.log(`\n| async RS256 signing | 1 pool thread | 2 pool threads | ratio | target |\n|---|---:|---:|---:|---|\n| tessera jwt.encodeAsync, signatures/s | ${median(one).toFixed(0)} | ${median(two).toFixed(0)} | **${median(two.map((x, i) => x / one[i])).toFixed(2)}x** | ≥ 1.7x |\n| control: jose SignJWT (WebCrypto, same pool) | ${median(joseOne).toFixed(0)} | ${median(joseTwo).toFixed(0)} | ${median(joseTwo.map((x, i) => x / joseOne[i])).toFixed(2)}x | — |`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
