#!/usr/bin/env node
'use strict';
// Remote JWKS: Tessera's jwks.RemoteKeySet + Verifier.verifyAsync against
// jose's createRemoteJWKSet + jwtVerify, jsonwebtoken + jwks-rsa (Auth0's
// recipe) and fast-jwt + get-jwks (fast-jwt's recipe), against a JWKS served
// by a local HTTP server that this script starts in a child process (so the
// "identity provider" never shares the event loop being measured).
//
//   node jwks.js [--quick] [--json PATH]
//
// The JWKS has 3 keys, as providers publish them: an older RSA-2048 key
// (generated at start-up, never signs), the bench RSA-2048 key and the bench
// P-256 key (bench/keys), each with kid, alg and use: "sig". Tokens carry the
// fixed claims of bench/README.md and a kid header; verification checks the
// signature, exp, iss and aud. Every response says `Connection: close`, so a
// fetch always opens a new connection (as in a fresh process: no client keeps
// one warm in a pool).
//
// Rows (same method as bench.js: interleaved rounds, medians, paired ratios):
//   verify, remote JWKS (warm, 64 in flight)  every library's cache holds the
//       set (warmed by one verification; the server's request count is checked
//       across the rows); µs per completed call with 64 in flight
//   verify, remote JWKS (warm, one at a time) the same calls awaited one by one
//   cold start: remote JWKS + first verify    construct the key set / client and
//       the verifier, verify one token: one HTTP fetch each (checked), awaited
//       one at a time; the server's time is inside every figure alike
// No targets: these rows are reported, never judged.

const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');

// ------------------------------------------------------------ the server (child process)

const JWKS_PATH = '/.well-known/jwks.json';

if (process.argv[2] === '--serve') {
  const body = fs.readFileSync(process.argv[3]);
  let count = 0;
  const server = http.createServer((req, res) => {
    let out;
    if (req.url === JWKS_PATH) {
      count++;
      out = body;
    } else if (req.url === '/_count') {
      out = Buffer.from(String(count));
    } else {
      res.writeHead(404, { connection: 'close' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': out.length, connection: 'close' });
    res.end(out);
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
  process.stdin.on('end', () => process.exit(0)); // the parent closed the pipe or ended
  process.stdin.resume();
  return;
}

// ------------------------------------------------------------ the bench

const os = require('node:os');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');
const tessera = require('tessera');
const jsonwebtoken = require('jsonwebtoken');
const fastJwt = require('fast-jwt');
const jwksRsa = require('jwks-rsa');
const buildGetJwks = require('get-jwks');
const { runner, contractRow, contractEnv, jsonPath, writeJson, pkgVersion, pairedRatio } = require('./timing');

const CLAIMS_JSON = '{"sub":"1234567890","name":"John Doe","admin":true,"iat":1700000000,"exp":4102444800,"iss":"https://issuer.example","aud":"api"}';
const ISSUER = 'https://issuer.example';
const AUDIENCE = 'api';
const KEYS = path.join(__dirname, '..', 'keys');
const KIDS = { RS256: 'rsa-2026-11', ES256: 'ec-2026-11' };
const PEM = { RS256: 'rsa2048.pem', ES256: 'p256.pem' };

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const JSON_PATH = jsonPath();
const ROUNDS = QUICK ? 3 : 9;
const ROUND_MS = QUICK ? 120 : 300;
const WINDOW = 64;
const { row, runGroup } = runner({ rounds: ROUNDS, roundMs: ROUND_MS, pending: WINDOW });
let jose;

function startServer(jwksFile) {
  const child = spawn(process.execPath, [__filename, '--serve', jwksFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`JWKS server exited (${code})`)));
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve({ child, port: Number(out.trim()) });
    });
  });
}

function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

/** Every implementation for one algorithm: warm verifiers (their caches shared across calls) and cold-start functions. */
function implementations(alg, url, base, jwksText) {
  const tOpts = { issuer: ISSUER, audience: AUDIENCE };
  const joseOpts = { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE };
  const jwtOpts = { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE };

  const tessRemote = () => new tessera.Verifier(new tessera.jwks.RemoteKeySet(url), tOpts);
  // jsonwebtoken + jwks-rsa, as Auth0's README shows: a key callback for jsonwebtoken.verify.
  const jwksRsaVerify = (client) => {
    const getKey = (header, cb) => client.getSigningKey(header.kid, (err, key) => (err ? cb(err) : cb(null, key.getPublicKey())));
    return (token) => new Promise((resolve, reject) => jsonwebtoken.verify(token, getKey, jwtOpts, (e, d) => (e ? reject(e) : resolve(d))));
  };
  // fast-jwt + get-jwks, as get-jwks' README shows for fast-jwt (the domain fixed, not taken from the token).
  const getJwksVerify = (getJwks) => fastJwt.createVerifier({
    key: async ({ header }) => getJwks.getPublicKey({ kid: header.kid, alg: header.alg, domain: base }),
    algorithms: [alg], allowedIss: ISSUER, allowedAud: AUDIENCE,
  });
  const newGetJwks = () => buildGetJwks({ issuersWhitelist: [base] });

  const tess = tessRemote();
  const joseSet = jose.createRemoteJWKSet(new URL(url));
  const rsaVerify = jwksRsaVerify(jwksRsa({ jwksUri: url }));
  const gjVerify = getJwksVerify(newGetJwks());
  // Context: the same verifications with the keys in memory (what the remote layer adds).
  const local = new tessera.Verifier(tessera.KeySet.fromJwks(jwksText), tOpts);
  const joseKey = crypto.createPublicKey({ key: JSON.parse(jwksText).keys.find((k) => k.kid === KIDS[alg]), format: 'jwk' });
  return {
    warm: {
      tessera: (t) => tess.verifyAsync(t),
      jose: (t) => jose.jwtVerify(t, joseSet, joseOpts).then((r) => r.payload),
      'jsonwebtoken + jwks-rsa': rsaVerify,
      'fast-jwt + get-jwks': gjVerify,
    },
    cold: {
      tessera: (t) => tessRemote().verifyAsync(t),
      jose: (t) => jose.jwtVerify(t, jose.createRemoteJWKSet(new URL(url)), joseOpts).then((r) => r.payload),
      'jsonwebtoken + jwks-rsa': (t) => jwksRsaVerify(jwksRsa({ jwksUri: url }))(t),
      'fast-jwt + get-jwks': (t) => getJwksVerify(newGetJwks())(t),
    },
    local: (t) => local.verifyAsync(t),
    joseLocal: (t) => jose.jwtVerify(t, joseKey, joseOpts),
  };
}

const PEERS = ['jose', 'jsonwebtoken + jwks-rsa', 'fast-jwt + get-jwks'];
const NOTES = {
  jose: 'jose createRemoteJWKSet(url) (its defaults: cacheMaxAge 10 min, cooldown 30 s), jwtVerify(token, JWKS, {algorithms, issuer, audience})',
  'jsonwebtoken + jwks-rsa': 'jwks-rsa client({jwksUri}) (cache on, its default: 10 min per kid); jsonwebtoken.verify(token, getKey, opts, cb) with getKey = client.getSigningKey(kid) → key.getPublicKey() (a PEM string, parsed by jsonwebtoken on every call)',
  'fast-jwt + get-jwks': "fast-jwt createVerifier({key: async ({header}) => getJwks.getPublicKey({kid, alg, domain}), algorithms, allowedIss, allowedAud}) (get-jwks' cache: 60 s per kid; getPublicKey converts the JWK to PEM on every call; fast-jwt's token cache off)",
};

async function benchAlg(alg, url, base, jwksText, count, rows) {
  const signer = tessera.Key.fromPem(fs.readFileSync(path.join(KEYS, PEM[alg]), 'utf8'), { alg, kid: KIDS[alg] });
  const token = tessera.jwt.encode(CLAIMS_JSON, signer);
  const [h, , sig] = token.split('.');
  const tampered = `${h}.${tessera.jwt.encode(CLAIMS_JSON.replace('John Doe', 'Jane Doe'), signer).split('.')[1]}.${sig}`;
  const impl = implementations(alg, url, base, jwksText);

  // Before timing: the claims exactly, a tampered token refused, the requests
  // each kind of call makes (first warm call: one each; cold: one per call).
  let c0 = await count();
  for (const [name, fn] of Object.entries(impl.warm)) {
    const claims = await fn(token);
    if (JSON.stringify(claims) !== CLAIMS_JSON) throw new Error(`${alg} ${name}: wrong claims ${JSON.stringify(claims)}`);
    let accepted = true;
    try {
      await fn(tampered);
    } catch {
      accepted = false;
    }
    if (accepted) throw new Error(`${alg} ${name} accepted a tampered token`);
  }
  let made = (await count()) - c0;
  if (made !== 4) throw new Error(`${alg}: the first warm verifications made ${made} requests, not 4`);
  for (const [name, fn] of Object.entries(impl.cold)) {
    c0 = await count();
    for (let i = 0; i < 3; i++) {
      if (JSON.stringify(await fn(token)) !== CLAIMS_JSON) throw new Error(`${alg} ${name} (cold): wrong claims`);
    }
    made = (await count()) - c0;
    if (made !== 3) throw new Error(`${alg}: 3 cold starts of ${name} made ${made} requests, not 3`);
  }

  const names = ['tessera', ...PEERS];
  const warmRows = [
    ...names.map((n) => row(`${n} (64 in flight)`, 'async', () => impl.warm[n](token))),
    ...names.map((n) => row(`${n} (one at a time)`, 'seq', () => impl.warm[n](token))),
    row('tessera local KeySet (64 in flight)', 'async', () => impl.local(token)),
    row('jose local KeyObject (64 in flight)', 'async', () => impl.joseLocal(token)),
  ];
  c0 = await count();
  const w = await runGroup(`${alg} verify, remote JWKS, warm caches (µs/op, median of ${ROUNDS} rounds)`, warmRows);
  const warmRequests = (await count()) - c0;
  console.log(`  HTTP requests while the warm rows ran: ${warmRequests}`);
  // A library's own cache expiring mid-run (get-jwks keeps keys 60 s) may refetch once; more is not a warm cache.
  if (warmRequests > PEERS.length + 1) throw new Error(`${alg}: ${warmRequests} requests during the warm rows`);
  console.log(`  → remote set / keys in memory, 64 in flight: Tessera ${pairedRatio(w, 'tessera (64 in flight)', 'tessera local KeySet (64 in flight)').toFixed(2)}x, jose ${pairedRatio(w, 'jose (64 in flight)', 'jose local KeyObject (64 in flight)').toFixed(2)}x`);

  const coldRows = names.map((n) => row(n, 'seq', () => impl.cold[n](token)));
  const c = await runGroup(`${alg} cold start: construct + first verify, one fetch each (µs/op, median of ${ROUNDS} rounds)`, coldRows);

  for (const [op, suffix] of [[`verify, remote JWKS (warm, ${WINDOW} in flight)`, ` (${WINDOW} in flight)`], ['verify, remote JWKS (warm, one at a time)', ' (one at a time)']]) {
    for (const peer of PEERS) {
      rows.push({
        ...contractRow(w, {
          operation: op, algorithm: alg, tessera: 'Verifier(jwks.RemoteKeySet(url)).verifyAsync', tName: `tessera${suffix}`,
          peer, pName: `${peer}${suffix}`,
          note: `${NOTES[peer]}; warm: ${warmRequests} HTTP requests while the rows ran; Tessera and jose verify on the libuv pool, jsonwebtoken and fast-jwt on the event loop`,
        }),
        http_requests_during_rows: warmRequests,
      });
    }
  }
  for (const peer of PEERS) {
    rows.push({
      ...contractRow(c, {
        operation: 'cold start: remote JWKS + first verify', algorithm: alg,
        tessera: 'new Verifier(new jwks.RemoteKeySet(url)) + verifyAsync', tName: 'tessera', peer, pName: peer,
        note: `${NOTES[peer]}; construct and verify one token: one HTTP fetch of a 3-key JWKS each (checked), plain HTTP on loopback (no TLS), a new connection each time; the server's time is in every figure`,
      }),
      http_requests_per_op: 1,
    });
  }
  for (const r of rows.filter((x) => x.algorithm === alg)) {
    console.log(`  ${r.operation.padEnd(42)} vs ${r.peer.padEnd(24)} ${r.ratio.toFixed(2)}x`);
  }
}

async function main() {
  jose = await import('jose');
  const peers = {
    jose: pkgVersion('jose'), jsonwebtoken: pkgVersion('jsonwebtoken'), 'jwks-rsa': pkgVersion('jwks-rsa'),
    'fast-jwt': pkgVersion('fast-jwt'), 'get-jwks': pkgVersion('get-jwks'),
  };
  console.log(`Tessera ${tessera.version} (Node ${process.version}), ${os.cpus().length} CPUs, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`${Object.entries(peers).map(([k, v]) => `${k} ${v}`).join(', ')}; ${ROUNDS} rounds x ${ROUND_MS} ms per row, async window ${WINDOW}`);
  const loads = [os.loadavg()[0]];

  // The provider's JWKS: an older RSA key first, then the bench's RSA and P-256 keys.
  const signers = ['RS256', 'ES256'].map((alg) => tessera.Key.fromPem(fs.readFileSync(path.join(KEYS, PEM[alg]), 'utf8'), { alg, kid: KIDS[alg] }));
  const old = tessera.Key.generate('RS256', { kid: 'rsa-2026-05' }).public();
  const jwks = new tessera.KeySet([old, ...signers.map((k) => k.public())]).toJwks();
  for (const k of jwks.keys) k.use = 'sig';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-jwks-'));
  const file = path.join(dir, 'jwks.json');
  fs.writeFileSync(file, JSON.stringify(jwks));

  const { child, port } = await startServer(file);
  child.removeAllListeners('exit');
  const base = `http://127.0.0.1:${port}`;
  const count = async () => Number(await get(`${base}/_count`));
  const rows = [];
  try {
    for (const alg of ['RS256', 'ES256']) {
      await benchAlg(alg, `${base}${JWKS_PATH}`, base, JSON.stringify(jwks), count, rows);
      loads.push(os.loadavg()[0]);
    }
  } finally {
    child.stdin.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nload at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  if (JSON_PATH) writeJson(JSON_PATH, { language: 'node', env: contractEnv(tessera, peers, QUICK, loads), rows, memory: [], scaling: [] });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
