'use strict';
// new Verifier(key, { cacheSize }): the core's opt-in verified-token cache.
// A hit is only the byte-identical token that verified; exp/nbf/iat/maxAge
// and the denylist are re-checked on every hit.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { Key, Verifier, TesseraError, jwt, sessions } = require('..');

const SECRET = '0123456789abcdef0123456789abcdef';
const FAR = 4102444800;
const hs = Key.hmac(SECRET);
const es = Key.generate('ES256');

function isTessera(code, claim) {
  return (e) => {
    assert.ok(e instanceof TesseraError, `expected TesseraError, got ${e && e.name}: ${e && e.message}`);
    assert.equal(e.code, code, e.message);
    if (claim !== undefined) assert.equal(e.claim, claim);
    return true;
  };
}

test('a hit returns equal claims (sync and async, HMAC and ES256)', async () => {
  for (const key of [hs, es]) {
    const v = new Verifier(key, { cacheSize: 1000 });
    const token = jwt.encode({ sub: 'u1', exp: FAR, n: [1, 2.5, null] }, key);
    const first = v.verify(token);
    const second = v.verify(token);
    assert.deepEqual(first, { sub: 'u1', exp: FAR, n: [1, 2.5, null] });
    assert.deepEqual(second, first);
    assert.notEqual(second, first); // a fresh object each time
    assert.deepEqual(await v.verifyAsync(token), first);
  }
});

test('one changed byte is not served from the cache', () => {
  const v = new Verifier(es, { cacheSize: 10 });
  const token = jwt.encode({ sub: 'u1', exp: FAR }, es);
  v.verify(token);
  const c = token[token.length - 2] === 'A' ? 'B' : 'A';
  assert.throws(() => v.verify(token.slice(0, -2) + c + token.slice(-1)), isTessera('INVALID_SIGNATURE'));
  assert.throws(() => v.verify(token + 'A'), TesseraError);
  assert.equal(v.verify(token).sub, 'u1');
});

test('EXPIRED after caching (system clock)', async () => {
  const v = new Verifier(hs, { cacheSize: 10 });
  const token = jwt.encode({ sub: 'u1', exp: Math.floor(Date.now() / 1000) + 2 }, hs); // valid >= 1 s more
  assert.equal(v.verify(token).sub, 'u1');
  await new Promise((r) => setTimeout(r, 3100));
  assert.throws(() => v.verify(token), isTessera('EXPIRED', 'exp'));
  await assert.rejects(v.verifyAsync(token), isTessera('EXPIRED', 'exp'));
});

test('maxAge is re-checked against the verifier clock', () => {
  const token = jwt.encode({ exp: 2000, iat: 950 }, hs);
  assert.equal(new Verifier(hs, { cacheSize: 10, now: 1000, maxAge: 100 }).verify(token).iat, 950);
  const later = new Verifier(hs, { cacheSize: 10, now: 1060, maxAge: 100 });
  assert.throws(() => later.verify(token), isTessera('TOO_OLD'));
  assert.throws(() => later.verify(token), isTessera('TOO_OLD'));
});

test('REVOKED after caching', async () => {
  const denylist = new sessions.Denylist(new sessions.MemoryStore());
  const v = new Verifier(hs, { cacheSize: 10, denylist });
  const token = jwt.encode({ sub: 'u', exp: FAR, jti: 'j-1' }, hs);
  v.verify(token);
  assert.equal((await v.verifyAsync(token)).jti, 'j-1');
  await denylist.revoke('j-1', FAR);
  assert.throws(() => v.verify(token), isTessera('REVOKED', 'jti'));
  await assert.rejects(v.verifyAsync(token), isTessera('REVOKED', 'jti'));
});

test('cacheSize validation', () => {
  for (const ok of [0, 1, 1000, 1000000, null, undefined]) new Verifier(hs, { cacheSize: ok });
  for (const bad of [-1, 1000001, 2 ** 60]) {
    assert.throws(() => new Verifier(hs, { cacheSize: bad }), isTessera('INVALID_ARGUMENT'));
  }
  for (const bad of ['10', 1.5, NaN, Infinity, true, {}]) {
    assert.throws(() => new Verifier(hs, { cacheSize: bad }), TypeError);
  }
  assert.throws(() => new Verifier(hs, { cache_size: 10 }), /did you mean "cacheSize"/);
  const token = jwt.encode({ exp: FAR }, hs);
  assert.throws(() => jwt.decode(token, hs, { cacheSize: 10 }), /cacheSize.*new Verifier/);
});

test('many distinct tokens through a small cache', () => {
  const v = new Verifier(hs, { cacheSize: 16 });
  const tokens = Array.from({ length: 500 }, (_, i) => jwt.encode({ n: i, exp: FAR }, hs));
  for (let round = 0; round < 3; round++) {
    tokens.forEach((t, i) => assert.equal(v.verify(t).n, i));
  }
});
