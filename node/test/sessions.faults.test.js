'use strict';
// Faults, on a redis-server of this file's own (free loopback port): killed
// (STORE_UNAVAILABLE within the timeouts, never "no session"), restarted
// (the next call works on the same objects, even with several stale pooled
// connections), frozen (a timeout, then correct answers again), and a server
// that accepts but never answers. Throughout, the event loop keeps running:
// a 5 ms setInterval must keep ticking while calls wait on the dead store.

const { test } = require('node:test');
const assert = require('node:assert/strict');

const { sessions, TesseraError, Key, Verifier, jwt } = require('..');
const { REQUIRED, HAVE_SERVER, OwnRedis, silentServer, measureLoop } = require('./support/redis.js');

const { RedisStore, SessionManager, Denylist, RefreshTokens } = sessions;
const TIMEOUT = 0.5; // seconds: connectTimeout and ioTimeout of the stores here
// Generous bounds for a loaded 2-core CI machine; what matters is "bounded",
// and a blocked event loop shows as one gap as long as the whole call.
const MAX_CALL_MS = 4 * TIMEOUT * 1000 + 1500;
const MAX_GAP_MS = 150;

function serverTest(name, fn) {
  if (HAVE_SERVER) return test(name, { timeout: 60_000 }, fn);
  if (REQUIRED) return test(name, () => assert.fail('TESSERA_REQUIRE_REDIS=1 but redis-server is not installed'));
  return test(name, { skip: 'redis-server is not installed' }, fn);
}

function store(url) {
  return new RedisStore(url, { connectTimeout: TIMEOUT, ioTimeout: TIMEOUT, prefix: 'faults:' });
}

/** `n` calls at once; settles when all have, rejecting with the first error if every one failed. */
function all(n, call) {
  return async () => {
    const rs = await Promise.allSettled(Array.from({ length: n }, (_, i) => call(i)));
    const ok = rs.filter((r) => r.status === 'fulfilled');
    if (ok.length > 0) return `${ok.length} of ${n} succeeded`;
    for (const r of rs) assert.equal(r.reason.code, 'STORE_UNAVAILABLE', r.reason.message);
    throw rs[0].reason;
  };
}

/** Runs `work` while sampling the loop; asserts it failed closed, in time, with the loop responsive. */
async function failsClosed(what, work) {
  const r = await measureLoop(work);
  assert.ok(r.error !== undefined, `${what}: resolved with ${JSON.stringify(r.value)} on a dead store`);
  assert.ok(r.error instanceof TesseraError, `${what}: ${r.error}`);
  assert.equal(r.error.code, 'STORE_UNAVAILABLE', `${what}: ${r.error.message}`);
  assert.ok(r.elapsed < MAX_CALL_MS, `${what}: took ${Math.round(r.elapsed)} ms`);
  assert.ok(r.maxGap < MAX_GAP_MS, `${what}: the event loop stalled for ${Math.round(r.maxGap)} ms`);
  // A call that waited (a timeout, not a refused connection) let the 5 ms interval run.
  if (r.elapsed > 100) assert.ok(r.ticks >= r.elapsed / 5 / 4, `${what}: ${r.ticks} ticks in ${Math.round(r.elapsed)} ms`);
  if (process.env.TESSERA_TEST_VERBOSE) console.log(`${what}: ${Math.round(r.elapsed)} ms, ${r.ticks} ticks, max gap ${Math.round(r.maxGap)} ms`);
  return r;
}

serverTest('killed Redis: every service fails closed in time, the loop keeps ticking; restarted: the same objects work', async () => {
  const server = await OwnRedis.create();
  try {
    const s = store(server.url);
    const m = new SessionManager(s, { ttl: 600 });
    const deny = new Denylist(s);
    const rt = new RefreshTokens(s, { ttl: 600 });
    const key = Key.hmac('0123456789abcdef0123456789abcdef');
    const verifier = new Verifier(key, { denylist: deny });
    const token = jwt.encode({ sub: 'u', exp: 4102444800, jti: 'f-1' }, key);
    const id = await m.create({ alive: true });
    const refresh = await rt.issue('ivy');
    // Several pooled connections, all about to go stale.
    await Promise.all(Array.from({ length: 8 }, () => m.load(id)));

    await server.stop();
    await failsClosed('load', () => m.load(id));
    await failsClosed('create', () => m.create({}));
    await failsClosed('save', () => m.save(id, {}, 0));
    await failsClosed('destroyUser', () => m.destroyUser('ivy'));
    await failsClosed('isRevoked', () => deny.isRevoked('f-1'));
    await failsClosed('verifyAsync with a denylist', () => verifier.verifyAsync(token));
    await failsClosed('refresh rotate', () => rt.rotate(refresh));
    await failsClosed('ping', () => s.ping());
    // Many at once (more than the libuv pool's threads): still no stall.
    await failsClosed('16 loads at once', all(16, () => m.load(id)));

    await server.start();
    // The data died with the server (no persistence): a clean "no session", and new work succeeds.
    assert.equal(await m.load(id), null);
    const again = await m.create({ back: true });
    assert.deepEqual((await m.load(again)).data, { back: true });
    assert.equal((await verifier.verifyAsync(token)).jti, 'f-1');
    await s.ping();
  } finally {
    await server.close();
  }
});

serverTest('restart with several idle pooled connections: the first call after it succeeds', async () => {
  const server = await OwnRedis.create();
  try {
    const s = store(server.url);
    const m = new SessionManager(s, { ttl: 600 });
    await Promise.all(Array.from({ length: 8 }, () => m.create({})));
    await server.stop();
    await server.start();
    // Every pooled connection is stale now; the core retries on a fresh one.
    const id = await m.create({ first: true });
    assert.deepEqual((await m.load(id)).data, { first: true });
    const many = await Promise.all(Array.from({ length: 8 }, (_, i) => m.create({ i })));
    assert.equal(new Set(many).size, 8);
  } finally {
    await server.close();
  }
});

serverTest('frozen Redis: a timeout (STORE_UNAVAILABLE, loop alive), then correct answers once it runs again', async () => {
  const server = await OwnRedis.create();
  try {
    const s = store(server.url);
    const m = new SessionManager(s, { ttl: 600 });
    const a = await m.create({ who: 'a' });
    const b = await m.create({ who: 'b' });
    server.freeze();
    try {
      await failsClosed('load on a frozen server', () => m.load(a));
      await failsClosed('save on a frozen server', () => m.save(b, { who: 'b2' }, 0));
    } finally {
      server.thaw();
    }
    // No late reply to a timed-out command is taken for the answer to a new one.
    for (let i = 0; i < 5; i += 1) {
      assert.deepEqual((await m.load(a)).data, { who: 'a' });
      const bs = await m.load(b);
      assert.ok(['b', 'b2'].includes(bs.data.who), JSON.stringify(bs.data));
    }
  } finally {
    await server.close();
  }
});

test('a server that accepts and never answers: STORE_UNAVAILABLE within the timeouts, loop alive', async () => {
  const silent = await silentServer();
  try {
    const s = store(silent.url);
    const m = new SessionManager(s, { ttl: 600 });
    await failsClosed('load', () => m.load('A'.repeat(43)));
    await failsClosed('8 creates at once', all(8, () => m.create({})));
    const v = new Verifier(Key.hmac('0123456789abcdef0123456789abcdef'), { denylist: new Denylist(s) });
    const token = jwt.encode({ sub: 'u', exp: 4102444800, jti: 'x' }, Key.hmac('0123456789abcdef0123456789abcdef'));
    await failsClosed('verifyAsync', () => v.verifyAsync(token));
  } finally {
    await silent.close();
  }
});
