'use strict';
// Async work runs on the libuv thread pool: many concurrent verifyAsync calls
// settle correctly, and the event loop keeps turning while RSA signs.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { performance } = require('node:perf_hooks');
const { Key, KeySet, Verifier, TesseraError, jwt } = require('..');

const NOW = 1700000000;
// One RSA key from node:crypto (much faster to make than Key.generate's), bound to each RSA alg.
const RSA_PEM = require('node:crypto')
  .generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' });
const rsaKey = (alg, kid) => Key.fromPem(RSA_PEM, { alg, kid });

test('many concurrent verifyAsync calls settle with the right results', async () => {
  const keys = ['RS256', 'ES256', 'EdDSA', 'PS256', 'ES384'].map((alg, i) =>
    alg.startsWith('ES') || alg === 'EdDSA' ? Key.generate(alg, { kid: `k${i}` }) : rsaKey(alg, `k${i}`),
  );
  const verifier = new Verifier(new KeySet(keys.map((k) => k.public())), { now: NOW });
  const tokens = [];
  for (let i = 0; i < 200; i++) {
    const key = keys[i % keys.length];
    const exp = i % 7 === 0 ? NOW - 1 : NOW + 60; // every 7th has expired
    tokens.push(jwt.encode({ sub: `user-${i}`, exp, n: i }, key));
  }
  tokens.push('garbage', tokens[1].slice(0, -4) + 'AAAA');
  const rounds = 5;
  const calls = [];
  for (let r = 0; r < rounds; r++) for (const t of tokens) calls.push(verifier.verifyAsync(t));
  const results = await Promise.allSettled(calls);
  assert.equal(results.length, rounds * tokens.length);
  results.forEach((res, j) => {
    const i = j % tokens.length;
    if (i === 200) {
      assert.equal(res.status, 'rejected');
      assert.ok(res.reason instanceof TesseraError);
      assert.equal(res.reason.code, 'MALFORMED');
    } else if (i === 201) {
      assert.equal(res.reason.code, 'INVALID_SIGNATURE');
    } else if (i % 7 === 0) {
      assert.equal(res.status, 'rejected');
      assert.ok(res.reason instanceof TesseraError);
      assert.equal(res.reason.code, 'EXPIRED');
      assert.equal(res.reason.claim, 'exp');
    } else {
      assert.equal(res.status, 'fulfilled', res.reason && res.reason.message);
      assert.deepEqual(res.value, { sub: `user-${i}`, exp: NOW + 60, n: i });
    }
  });
  // the sync path agrees with the async one on every token
  for (let i = 0; i < tokens.length; i++) {
    const r = results[i];
    if (r.status === 'fulfilled') assert.deepEqual(verifier.verify(tokens[i]), r.value);
    else assert.throws(() => verifier.verify(tokens[i]), (e) => e.code === r.reason.code);
  }
});

test('the event loop keeps turning while RS256 signing runs async', async () => {
  const rsa = rsaKey('RS256');
  const claims = { sub: 'u', exp: 4102444800 };
  const n = 64;

  // What blocking would cost: n signatures on the JS thread.
  let t0 = performance.now();
  for (let i = 0; i < n; i++) jwt.encode(claims, rsa);
  const syncMs = performance.now() - t0;

  let ticks = 0;
  let intervals = 0;
  let stop = false;
  const spin = () => {
    ticks++;
    if (!stop) setImmediate(spin);
  };
  const timer = setInterval(() => intervals++, 1);

  t0 = performance.now();
  const pending = [];
  for (let i = 0; i < n; i++) pending.push(jwt.encodeAsync(claims, rsa));
  const dispatchMs = performance.now() - t0;
  setImmediate(spin);
  const tokens = await Promise.all(pending);
  stop = true;
  clearInterval(timer);

  // Handing the work to the pool took far less than doing it here (the pool
  // threads compete with this one for 2 cores, hence the generous margin)…
  assert.ok(dispatchMs < syncMs / 2, `dispatch ${dispatchMs.toFixed(2)} ms vs ${syncMs.toFixed(2)} ms of signing`);
  // …and the loop ran callbacks and timers while the signatures were computed.
  assert.ok(ticks >= 8, `only ${ticks} event-loop turns during ${n} async signatures`);
  assert.ok(intervals >= 1, 'no timer fired during the async signatures');
  const v = new Verifier(rsa.public());
  for (const t of tokens) assert.equal(v.verify(t).sub, 'u');
});

test('async verification of cheap (HMAC) keys stays correct under load', async () => {
  const hs = Key.hmac('0123456789abcdef0123456789abcdef');
  const v = new Verifier(hs, { now: NOW });
  const good = jwt.encode({ sub: 'a', exp: NOW + 1 }, hs);
  const old = jwt.encode({ sub: 'a', exp: NOW }, hs);
  const all = await Promise.allSettled(Array.from({ length: 1000 }, (_, i) => v.verifyAsync(i % 2 ? good : old)));
  all.forEach((r, i) => {
    if (i % 2) assert.equal(r.value.sub, 'a');
    else assert.equal(r.reason.code, 'EXPIRED');
  });
});
