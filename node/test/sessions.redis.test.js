'use strict';
// Sessions on a real Redis, standalone and Cluster (tests/redis/with-redis):
// the key layout checked from outside with a raw client (node-redis), records
// written by hand (as another language would) read back, concurrency
// (one refresh-token winner, no id collisions, no lost saves), and every op
// of the cross-language driver (support/crosslang.js) in another process.

const assert = require('node:assert/strict');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');

const { sessions, TesseraError, Key, Verifier, jwt } = require('..');
const { redisTest, tesseraStore, rawClient, keysUnder, sha256Hex, uniquePrefix, targets } = require('./support/redis.js');

const { SessionManager, Denylist, RefreshTokens } = sessions;
const KINDS = ['standalone', 'cluster'];
const CROSSLANG = path.join(__dirname, 'support', 'crosslang.js');
const run = promisify(execFile);

async function withRaw(kind, fn) {
  const raw = await rawClient(kind);
  try {
    return await fn(raw);
  } finally {
    await (raw.close ? raw.close() : raw.quit());
  }
}

function codeOf(e) {
  assert.ok(e instanceof TesseraError, `${e}`);
  return e.code;
}

for (const kind of KINDS) {
  redisTest(kind, 'session keys: s:<sha256(id)> with the documented record, u:<user> index, nothing keyed on the id', async () => {
    const { store, prefix } = tesseraStore(kind);
    const m = new SessionManager(store, { ttl: 600, idleTimeout: 120 });
    await withRaw(kind, async (raw) => {
      const before = Date.now();
      const id = await m.create({ cart: [1, 2], name: 'Jürgen' }, { userId: 'alice' });
      const hash = sha256Hex(id);
      const keys = await keysUnder(kind, raw, prefix);
      assert.deepEqual(keys, [`${prefix}s:${hash}`, `${prefix}u:alice`].sort());
      assert.ok(keys.every((k) => !k.includes(id)), 'no key holds the id');
      const text = await raw.GET(`${prefix}s:${hash}`);
      assert.ok(!text.includes(id), 'no value holds the id');
      const rec = JSON.parse(text);
      assert.deepEqual(Object.keys(rec).sort(), ['created', 'data', 'expires', 'user', 'v', 'version']);
      assert.equal(rec.v, 1);
      assert.deepEqual(rec.data, { cart: [1, 2], name: 'Jürgen' });
      assert.equal(rec.user, 'alice');
      assert.equal(rec.version, 0);
      assert.ok(rec.created >= before - 5 && rec.created <= Date.now());
      assert.equal(rec.expires - rec.created, 600_000);
      const pttl = await raw.PTTL(`${prefix}s:${hash}`);
      assert.ok(pttl > 110_000 && pttl <= 120_000, `idle timeout bounds the store TTL: ${pttl}`);
      assert.equal(await raw.TYPE(`${prefix}u:alice`), 'set');
      assert.deepEqual(await raw.SMEMBERS(`${prefix}u:alice`), [hash]);
      const uttl = await raw.PTTL(`${prefix}u:alice`);
      assert.ok(uttl > 590_000 && uttl <= 600_000, `index TTL is the manager's ttl: ${uttl}`);

      assert.equal(await m.save(id, { cart: [] }, 0), 1);
      const saved = JSON.parse(await raw.GET(`${prefix}s:${hash}`));
      assert.equal(saved.version, 1);
      assert.deepEqual(saved.data, { cart: [] });
      assert.equal(saved.created, rec.created, 'saves keep creation and expiry');
      assert.equal(saved.expires, rec.expires);

      const next = await m.rotate(id);
      const nextHash = sha256Hex(next);
      assert.deepEqual(await keysUnder(kind, raw, prefix), [`${prefix}s:${nextHash}`, `${prefix}u:alice`].sort());
      assert.deepEqual(await raw.SMEMBERS(`${prefix}u:alice`), [nextHash]);
      assert.equal(await m.destroyUser('alice'), 1);
      assert.deepEqual(await keysUnder(kind, raw, prefix), []);
    });
  });

  redisTest(kind, 'denylist and refresh-token keys: d:<jti>, r:<sha256(token)>, f:<family>, g:<user>', async () => {
    const { store, prefix } = tesseraStore(kind);
    const deny = new Denylist(store);
    const rt = new RefreshTokens(store, { ttl: 600 });
    await withRaw(kind, async (raw) => {
      const exp = Math.floor(Date.now() / 1000) + 60;
      await deny.revoke('jti-1', exp);
      assert.deepEqual(JSON.parse(await raw.GET(`${prefix}d:jti-1`)), { v: 1, exp });
      const dttl = await raw.PTTL(`${prefix}d:jti-1`);
      assert.ok(dttl > 355_000 && dttl <= 361_000, `until exp + 300 s: ${dttl}`);

      const t0 = await rt.issue('bob', { device: 'phone' });
      const r0key = `${prefix}r:${sha256Hex(t0)}`;
      const r0 = JSON.parse(await raw.GET(r0key));
      assert.deepEqual(Object.keys(r0).sort(), ['data', 'expires', 'family', 'state', 'user', 'v']);
      assert.deepEqual([r0.v, r0.user, r0.state, r0.data], [1, 'bob', 'active', { device: 'phone' }]);
      assert.match(r0.family, /^[A-Za-z0-9_-]{22}$/);
      assert.deepEqual(JSON.parse(await raw.GET(`${prefix}f:${r0.family}`)), { v: 1, user: 'bob', revoked: null });
      const r1 = await rt.rotate(t0);
      assert.equal(JSON.parse(await raw.GET(r0key)).state, 'rotated');
      const n1 = JSON.parse(await raw.GET(`${prefix}r:${sha256Hex(r1.token)}`));
      assert.deepEqual([n1.family, n1.state], [r0.family, 'active']);
      assert.deepEqual(await raw.SMEMBERS(`${prefix}g:bob`), [r0.family]);
      await assert.rejects(rt.rotate(t0), (e) => codeOf(e) === 'REFRESH_TOKEN_REUSED');
      assert.equal(JSON.parse(await raw.GET(`${prefix}f:${r0.family}`)).revoked, 'reused');
      const keys = await keysUnder(kind, raw, prefix);
      assert.ok(keys.every((k) => !k.includes(t0) && !k.includes(r1.token)), 'no key holds a token');
      for (const k of keys) assert.ok((await raw.PTTL(k)) > 0, `${k} has a TTL`);
    });
  });

  redisTest(kind, 'records written by another writer are read; garbage, other versions and wrong types are MALFORMED', async () => {
    const { store, prefix } = tesseraStore(kind);
    const m = new SessionManager(store, { ttl: 600 });
    await withRaw(kind, async (raw) => {
      const id = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd'.padEnd(43, 'x');
      const key = `${prefix}s:${sha256Hex(id)}`;
      const now = Date.now();
      // As Python or C would write it, with an unknown field (ignored).
      await raw.SET(key, JSON.stringify({ v: 1, data: { from: 'elsewhere' }, user: 'zoe', created: now, expires: now + 60_000, version: 7, extra: true }), { PX: 60_000 });
      const s = await m.load(id);
      assert.deepEqual([s.data, s.userId, s.version], [{ from: 'elsewhere' }, 'zoe', 7]);
      assert.equal(s.expiresAt.getTime(), now + 60_000);
      assert.equal(await m.save(id, { from: 'node' }, 7), 8);
      assert.equal(JSON.parse(await raw.GET(key)).version, 8);

      await raw.SET(key, 'not json', { PX: 60_000 });
      await assert.rejects(m.load(id), (e) => codeOf(e) === 'MALFORMED');
      await raw.SET(key, JSON.stringify({ v: 2, data: {}, user: null, created: now, expires: now + 60_000, version: 0 }), { PX: 60_000 });
      await assert.rejects(m.load(id), (e) => codeOf(e) === 'MALFORMED');
      await raw.SET(key, JSON.stringify({ v: 1, data: {}, user: null, created: now, version: 0 }), { PX: 60_000 });
      await assert.rejects(m.load(id), (e) => codeOf(e) === 'MALFORMED');
      await raw.DEL(key);
      await raw.SADD(key, 'x');
      await assert.rejects(m.load(id), (e) => codeOf(e) === 'MALFORMED', 'WRONGTYPE is MALFORMED, never "no session"');
      await raw.DEL(key);
      assert.equal(await m.load(id), null);
      await raw.SET(`${prefix}d:bad`, '{"v":1}', { PX: 60_000 });
      await assert.rejects(new Denylist(store).isRevoked('bad'), (e) => codeOf(e) === 'MALFORMED');
    });
  });

  redisTest(kind, 'a prefix separates apps; the same prefix shares sessions between store objects', async () => {
    const a = tesseraStore(kind);
    const b = tesseraStore(kind);
    const shared = tesseraStore(kind, { prefix: a.prefix });
    const ma = new SessionManager(a.store, { ttl: 60 });
    const id = await ma.create({ app: 'a' });
    assert.equal(await new SessionManager(b.store, { ttl: 60 }).load(id), null);
    assert.deepEqual((await new SessionManager(shared.store, { ttl: 60 }).load(id)).data, { app: 'a' });
    await a.store.ping();
  });

  redisTest(kind, 'concurrency: one refresh token rotated 64 times at once: exactly one winner, the family revoked', async () => {
    const { store } = tesseraStore(kind);
    const rt = new RefreshTokens(store, { ttl: 600 });
    const token = await rt.issue('carol', { device: 'laptop' });
    const results = await Promise.allSettled(Array.from({ length: 64 }, () => rt.rotate(token)));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    assert.equal(won.length, 1, `winners: ${won.length}`);
    for (const r of lost) assert.equal(codeOf(r.reason), 'REFRESH_TOKEN_REUSED');
    assert.equal(won[0].value.userId, 'carol');
    // The winner's token belongs to the revoked family too.
    await assert.rejects(rt.rotate(won[0].value.token), (e) => codeOf(e) === 'REFRESH_TOKEN_REUSED');
  });

  redisTest(kind, 'concurrency: the same token rotated from 6 processes at once: exactly one winner', async () => {
    const { store, prefix } = tesseraStore(kind);
    const rt = new RefreshTokens(store, { ttl: 600 });
    const token = await rt.issue('dora');
    const url = kind === 'cluster' ? targets.cluster.join(',') : targets.standalone;
    const flags = [`--prefix=${prefix}`, ...(kind === 'cluster' ? ['--cluster'] : [])];
    const outs = await Promise.all(Array.from({ length: 6 }, () =>
      run(process.execPath, [CROSSLANG, ...flags, url, 'rotate_refresh', token]).then(
        (r) => JSON.parse(r.stdout),
        (e) => {
          assert.equal(e.code, 1, e.stderr);
          return JSON.parse(e.stdout);
        },
      )));
    assert.equal(outs.filter((o) => typeof o.token === 'string').length, 1, JSON.stringify(outs));
    for (const o of outs.filter((x) => x.error)) assert.equal(o.error, 'REFRESH_TOKEN_REUSED');
  });

  redisTest(kind, 'concurrency: 400 sessions created at once: no collisions, nothing lost, all indexed', async () => {
    const { store, prefix } = tesseraStore(kind);
    const m = new SessionManager(store, { ttl: 600 });
    const ids = await Promise.all(Array.from({ length: 400 }, (_, i) => m.create({ i }, { userId: 'erin' })));
    assert.equal(new Set(ids).size, 400);
    const loaded = await Promise.all(ids.map((id) => m.load(id)));
    loaded.forEach((s, i) => assert.deepEqual(s.data, { i }));
    await withRaw(kind, async (raw) => {
      assert.equal((await keysUnder(kind, raw, `${prefix}s:`)).length, 400);
      assert.equal((await raw.SMEMBERS(`${prefix}u:erin`)).length, 400);
    });
    assert.equal(await m.destroyUser('erin'), 400);
    assert.deepEqual(await Promise.all(ids.slice(0, 20).map((id) => m.load(id))), Array(20).fill(null));
  });

  redisTest(kind, 'concurrency: overlapping saves of one version: one wins, the rest conflict; merges all land', async () => {
    const { store } = tesseraStore(kind);
    const m = new SessionManager(store, { ttl: 600 });
    const id = await m.create({ n: 0 });
    const results = await Promise.allSettled(Array.from({ length: 24 }, (_, i) => m.save(id, { writer: i }, 0)));
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1);
    for (const r of results.filter((x) => x.status === 'rejected')) assert.equal(codeOf(r.reason), 'SESSION_CONFLICT');
    const s = await m.load(id);
    assert.equal(s.version, 1);
    assert.equal(results.indexOf(won[0]), s.data.writer, 'the stored data is the winner\'s');
    await Promise.all(Array.from({ length: 12 }, (_, i) => m.merge(id, { [`k${i}`]: i })));
    const after = await m.load(id);
    assert.equal(after.version, 13);
    assert.equal(Object.keys(after.data).filter((k) => k.startsWith('k')).length, 12);
  });

  redisTest(kind, 'concurrency: one session rotated 16 times at once: one new id, the old one dead', async () => {
    const { store } = tesseraStore(kind);
    const m = new SessionManager(store, { ttl: 600 });
    const id = await m.create({ x: 1 }, { userId: 'fay' });
    const results = await Promise.allSettled(Array.from({ length: 16 }, () => m.rotate(id)));
    const fresh = results.filter((r) => r.status === 'fulfilled' && r.value !== null).map((r) => r.value);
    assert.equal(fresh.length, 1, JSON.stringify(results.map((r) => r.status === 'fulfilled' ? r.value : r.reason.code)));
    for (const r of results) {
      if (r.status === 'rejected') assert.equal(codeOf(r.reason), 'SESSION_CONFLICT');
    }
    assert.equal(await m.load(id), null);
    assert.deepEqual((await m.load(fresh[0])).data, { x: 1 });
    assert.equal(await m.destroyUser('fay'), 1);
  });

  redisTest(kind, 'Verifier denylist on Redis: only verifyAsync, and it sees revocations made through the store', async () => {
    const { store } = tesseraStore(kind);
    const key = Key.hmac('0123456789abcdef0123456789abcdef');
    const deny = new Denylist(store);
    const v = new Verifier(key, { denylist: deny });
    const token = jwt.encode({ sub: 'u', exp: 4102444800, jti: 'redis-jti' }, key);
    assert.throws(() => v.verify(token), (e) => e.code === 'INVALID_ARGUMENT');
    assert.equal((await v.verifyAsync(token)).sub, 'u');
    await deny.revoke('redis-jti', 4102444800);
    await assert.rejects(v.verifyAsync(token), (e) => codeOf(e) === 'REVOKED');
  });

  redisTest(kind, 'support/crosslang.js: every op from another process, on the same keys', async () => {
    const { store, prefix } = tesseraStore(kind);
    const url = kind === 'cluster' ? targets.cluster.join(',') : targets.standalone;
    const flags = [`--prefix=${prefix}`, '--ttl=600', ...(kind === 'cluster' ? ['--cluster'] : [])];
    const cli = async (...args) => {
      try {
        return JSON.parse((await run(process.execPath, [CROSSLANG, ...flags, url, ...args])).stdout);
      } catch (e) {
        if (e.code === 1) return JSON.parse(e.stdout);
        throw e;
      }
    };
    const m = new SessionManager(store, { ttl: 600 });
    const mine = await m.create({ from: 'node-in-process' }, { userId: 'gus' });
    const loaded = await cli('load', mine);
    assert.deepEqual([loaded.session.data, loaded.session.userId, loaded.session.version], [{ from: 'node-in-process' }, 'gus', 0]);
    assert.equal(typeof loaded.session.expiresAt, 'number');
    const { id: theirs } = await cli('create', '{"from":"cli"}', 'gus');
    assert.deepEqual((await m.load(theirs)).data, { from: 'cli' });
    assert.deepEqual(await cli('save', theirs, '{"from":"cli","n":1}', '0'), { version: 1 });
    assert.deepEqual(await cli('save', theirs, '{"lost":true}', '0'), { error: 'SESSION_CONFLICT', message: (await cli('save', theirs, '{}', '0')).message });
    assert.deepEqual(await cli('merge', theirs, '{"n":null}'), { version: 2 });
    assert.deepEqual(await cli('touch', theirs), { touched: true });
    const { id: rotated0 } = await cli('rotate', theirs);
    const { id: rotated } = await cli('rotate', rotated0, 'gus');
    assert.equal(await m.load(rotated0), null);
    assert.equal(await m.load(theirs), null);
    assert.deepEqual((await m.load(rotated)).data, { from: 'cli' });
    assert.deepEqual(await cli('rotate', theirs), { id: null });
    assert.deepEqual(await cli('destroy_user', 'gus'), { count: 2 });
    assert.equal(await m.load(mine), null);
    assert.equal(await m.load(rotated), null);
    const { id: short } = await cli('create', '{}');
    assert.deepEqual(await cli('destroy', short), { destroyed: true });
    assert.deepEqual(await cli('destroy', short), { destroyed: false });
    assert.deepEqual(await cli('load', 'not-an-id'), { session: null });
    const exp = Math.floor(Date.now() / 1000) + 600;
    assert.deepEqual(await cli('revoke', 'cl-jti', String(exp)), { revoked: true });
    assert.equal(await new Denylist(store).isRevoked('cl-jti'), true);
    assert.deepEqual(await cli('is_revoked', 'cl-jti'), { revoked: true });
    const { token } = await cli('issue', 'hal', '{"d":1}');
    const r = await cli('rotate_refresh', token);
    assert.deepEqual([r.userId, r.data], ['hal', { d: 1 }]);
    assert.equal((await cli('rotate_refresh', token)).error, 'REFRESH_TOKEN_REUSED');
    assert.deepEqual(await cli('revoke_family', token), { revoked: true });
    assert.equal((await cli('create', '[1]')).error, 'INVALID_ARGUMENT');
    await assert.rejects(run(process.execPath, [CROSSLANG, url, 'nope']), (e) => e.code === 2 && /unknown op/.test(e.stderr));
  });
}

redisTest('standalone', 'the default prefix is "tessera:" (what every language uses unless configured)', async () => {
  const store = new sessions.RedisStore(targets.standalone);
  const m = new SessionManager(store, { ttl: 5 });
  const id = await m.create({ probe: uniquePrefix() });
  await withRaw('standalone', async (raw) => {
    assert.ok(await raw.GET(`tessera:s:${sha256Hex(id)}`));
  });
  assert.equal(await m.destroy(id), true);
});
