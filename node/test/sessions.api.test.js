'use strict';
// The `sessions` API on the MemoryStore: shapes of results, promises
// everywhere a store is touched, argument checks (TypeError) and the core's
// codes for bad values, expiry, limits, the Verifier's denylist option, and
// that a Redis password never shows in inspect output.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const { setTimeout: sleep } = require('node:timers/promises');

const tessera = require('..');
const { sessions, TesseraError, Key, Verifier, jwt } = tessera;
const { MemoryStore, RedisStore, SessionManager, Denylist, RefreshTokens } = sessions;

const SECRET = '0123456789abcdef0123456789abcdef';

/** Rejects (never throws synchronously) with a TesseraError of `code`. */
async function rejectsWith(promiseOrFn, code) {
  const p = typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn;
  assert.ok(p instanceof Promise, 'a promise');
  await assert.rejects(p, (e) => {
    assert.ok(e instanceof TesseraError, `${e}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

async function rejectsType(fn, pattern) {
  const p = fn();
  assert.ok(p instanceof Promise, 'argument errors of async methods reject, never throw');
  await assert.rejects(p, (e) => e instanceof TypeError && pattern.test(e.message));
}

function manager(opts = { ttl: 600 }) {
  return new SessionManager(new MemoryStore(), opts);
}

test('the namespace: frozen, the same objects from CJS and ESM', async () => {
  assert.ok(Object.isFrozen(sessions));
  assert.deepEqual(Object.keys(sessions).sort(), ['Denylist', 'MemoryStore', 'RedisStore', 'RefreshTokens', 'SessionManager']);
  const esm = await import('tessera');
  assert.equal(esm.sessions, sessions);
  assert.equal(esm.default.sessions, sessions);
});

test('SessionManager: every method returns a promise; results have the documented shapes', async () => {
  const m = manager({ ttl: 600, idleTimeout: 60 });
  assert.equal(m.ttl, 600);
  assert.equal(m.idleTimeout, 60);
  const created = m.create({ cart: [1, 2], name: 'Jürgen' }, { userId: 'alice' });
  assert.ok(created instanceof Promise);
  const id = await created;
  assert.match(id, /^[A-Za-z0-9_-]{43}$/);
  const before = Date.now();
  const s = await m.load(id);
  assert.deepEqual(Object.keys(s).sort(), ['createdAt', 'data', 'expiresAt', 'id', 'userId', 'version']);
  assert.equal(s.id, id);
  assert.deepEqual(s.data, { cart: [1, 2], name: 'Jürgen' });
  assert.equal(s.version, 0);
  assert.equal(s.userId, 'alice');
  assert.ok(s.createdAt instanceof Date && s.createdAt.getTime() <= before);
  assert.equal(s.expiresAt.getTime() - s.createdAt.getTime(), 600_000);
  assert.equal(await m.save(id, { n: 1 }, s.version), 1);
  assert.equal(await m.save(id, '{"n":2}', 1), 2, 'JSON text is taken as is');
  assert.equal(await m.merge(id, { m: { deep: true } }), 3);
  assert.equal(await m.merge(id, '{"m":{"deep":null,"x":1}}'), 4);
  assert.deepEqual((await m.load(id)).data, { n: 2, m: { x: 1 } });
  assert.equal(await m.touch(id), true);
  const next = await m.rotate(id);
  assert.match(next, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(await m.load(id), null);
  assert.equal(await m.rotate(id), null);
  assert.equal((await m.load(next)).userId, 'alice');
  assert.equal(await m.destroy(next), true);
  assert.equal(await m.destroy(next), false);
  assert.equal(await m.touch(next), false);
  const anon = await m.create({});
  assert.equal((await m.load(anon)).userId, null);
  await m.create({}, { userId: 'bob' });
  await m.create({}, { userId: 'bob' });
  assert.equal(await m.destroyUser('bob'), 2);
  assert.equal(await m.destroyUser('bob'), 0);
});

test('SessionManager.rotate with userId: log-in on an anonymous session, atomically', async () => {
  const m = manager();
  const anon = await m.create({ cart: [7] });
  const before = await m.load(anon);
  const next = await m.rotate(anon, { userId: 'ada' });
  assert.equal(await m.load(anon), null);
  const s = await m.load(next);
  assert.deepEqual([s.data, s.userId, s.version], [{ cart: [7] }, 'ada', before.version]);
  assert.equal(s.createdAt.getTime(), before.createdAt.getTime(), 'the same session: its expiry does not move');
  assert.equal(s.expiresAt.getTime(), before.expiresAt.getTime());
  const moved = await m.rotate(next, { userId: 'bea' });
  assert.equal((await m.load(moved)).userId, 'bea');
  assert.equal(await m.destroyUser('ada'), 0, 'no longer in the old user\'s index');
  assert.equal(await m.destroyUser('bea'), 1);
  assert.equal(await m.rotate(moved, { userId: 'bea' }), null);
  await rejectsWith(m.rotate(await m.create({}), { userId: '' }), 'INVALID_ARGUMENT');
  await rejectsType(() => m.rotate(anon, { userId: 1 }), /userId must be a string/);
  await rejectsType(() => m.rotate(anon, { user: 'x' }), /unknown option "user"/);
});

test('SessionManager: versioned saves never lose a write; errors carry the codes', async () => {
  const m = manager();
  const id = await m.create({ n: 0 });
  const a = await m.load(id);
  const b = await m.load(id);
  assert.equal(await m.save(id, { ...a.data, a: true }, a.version), 1);
  await rejectsWith(m.save(id, { ...b.data, b: true }, b.version), 'SESSION_CONFLICT');
  assert.deepEqual((await m.load(id)).data, { n: 0, a: true });
  await m.destroy(id);
  await rejectsWith(m.save(id, {}, 1), 'SESSION_NOT_FOUND');
  await rejectsWith(m.merge(id, { x: 1 }), 'SESSION_NOT_FOUND');
});

test('SessionManager: concurrent merges all land (atomic, retried)', async () => {
  const m = manager();
  const id = await m.create({});
  const versions = await Promise.all(Array.from({ length: 40 }, (_, i) => m.merge(id, { [`k${i}`]: i })));
  assert.deepEqual([...versions].sort((x, y) => x - y), Array.from({ length: 40 }, (_, i) => i + 1));
  const s = await m.load(id);
  assert.equal(Object.keys(s.data).length, 40);
  assert.equal(s.version, 40);
});

test('MemoryStore under concurrency (libuv pool threads): one refresh winner, no id collisions', async () => {
  const store = new MemoryStore();
  const rt = new RefreshTokens(store, { ttl: 600 });
  const token = await rt.issue('zed');
  const results = await Promise.allSettled(Array.from({ length: 64 }, () => rt.rotate(token)));
  const won = results.filter((r) => r.status === 'fulfilled');
  assert.equal(won.length, 1);
  for (const r of results.filter((x) => x.status === 'rejected')) assert.equal(r.reason.code, 'REFRESH_TOKEN_REUSED');
  await rejectsWith(rt.rotate(won[0].value.token), 'REFRESH_TOKEN_REUSED');
  const m = new SessionManager(store, { ttl: 600 });
  const ids = await Promise.all(Array.from({ length: 1000 }, (_, i) => m.create({ i }, { userId: 'zed' })));
  assert.equal(new Set(ids).size, 1000);
  assert.equal(await m.destroyUser('zed'), 1000);
});

test('SessionManager: argument types are TypeErrors, bad values the core codes', async () => {
  const store = new MemoryStore();
  assert.throws(() => new SessionManager(store), /options is required/);
  assert.throws(() => new SessionManager(store, {}), /option ttl is required/);
  assert.throws(() => new SessionManager(store, { ttl: '60' }), /option ttl must be a number of seconds/);
  assert.throws(() => new SessionManager(store, { ttl: 60, idle: 5 }), /unknown option "idle"/);
  assert.throws(() => new SessionManager({}, { ttl: 60 }), /store must be a sessions.MemoryStore or sessions.RedisStore/);
  assert.throws(() => new SessionManager(null, { ttl: 60 }), TypeError);
  for (const ttl of [0, -1, Infinity]) {
    assert.throws(() => new SessionManager(store, { ttl }), (e) => e instanceof TesseraError && e.code === 'INVALID_ARGUMENT', `ttl ${ttl}`);
  }
  assert.throws(() => new SessionManager(store, { ttl: 60, idleTimeout: -5 }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.equal(new SessionManager(store, { ttl: 0.5 }).ttl, 0.5, 'fractions of seconds');

  const m = new SessionManager(store, { ttl: 60 });
  await rejectsType(() => m.create([1, 2]), /data must be an object or JSON text/);
  await rejectsType(() => m.create({}, { userId: 5 }), /userId must be a string/);
  await rejectsType(() => m.create({}, { user: 'a' }), /unknown option "user"/);
  await rejectsType(() => m.load(undefined), /id is required/);
  await rejectsType(() => m.save('x', {}, '1'), /version must be an integer/);
  await rejectsType(() => m.save('x', {}, 1.5), /version must be an integer/);
  await rejectsType(() => m.destroyUser(null), /userId must be a string/);
  await rejectsWith(m.create('[1]'), 'INVALID_ARGUMENT');
  await rejectsWith(m.create('{"a":'), 'INVALID_ARGUMENT');
  await rejectsWith(m.create({}, { userId: '' }), 'INVALID_ARGUMENT');
  await rejectsWith(m.create({}, { userId: 'a\nb' }), 'INVALID_ARGUMENT');
  await rejectsWith(m.destroyUser('x'.repeat(257)), 'INVALID_ARGUMENT');
  const id = await m.create({});
  await rejectsWith(m.save(id, {}, -1), 'INVALID_ARGUMENT');
  await rejectsWith(m.merge(id, '[]'), 'INVALID_ARGUMENT');
  // Strings that are not ids are "no session", never an error.
  for (const notId of ['', 'x', '../../etc/passwd', 'A'.repeat(43) + '=']) {
    assert.equal(await m.load(notId), null);
  }
});

test('idle timeout and absolute ttl are both enforced', async () => {
  const idle = manager({ ttl: 60, idleTimeout: 0.15 });
  const id = await idle.create({});
  for (let i = 0; i < 4; i += 1) {
    await sleep(80);
    assert.equal(await idle.touch(id), true, 'touching keeps it alive');
  }
  await sleep(250);
  assert.equal(await idle.load(id), null, 'idle too long');
  const short = manager({ ttl: 0.15 });
  const s = await short.create({});
  await sleep(50);
  assert.notEqual(await short.load(s), null);
  await sleep(150);
  assert.equal(await short.load(s), null, 'past its absolute ttl');
});

test('MemoryStore: options, limits (STORE_UNAVAILABLE, never eviction), purge', async () => {
  assert.throws(() => new MemoryStore({ maxEntries: 1.5 }), /maxEntries must be an integer/);
  assert.throws(() => new MemoryStore({ max_entries: 5 }), /unknown option "max_entries"/);
  assert.throws(() => new MemoryStore({ maxBytes: -1 }), (e) => e.code === 'INVALID_ARGUMENT');
  const store = new MemoryStore({ maxEntries: 3 });
  assert.equal(store.size, 0);
  const m = new SessionManager(store, { ttl: 0.2 });
  const ids = [await m.create({ a: 1 }), await m.create({ a: 2 }), await m.create({ a: 3 })];
  assert.equal(store.size, 3);
  assert.ok(store.bytes > 3 * 96);
  await rejectsWith(m.create({ a: 4 }), 'STORE_UNAVAILABLE');
  for (const id of ids) assert.notEqual(await m.load(id), null, 'nothing live was evicted');
  await sleep(250);
  const purged = store.purgeExpired();
  assert.ok(purged instanceof Promise);
  await purged;
  assert.equal(store.size, 0);
  assert.equal(store.bytes, 0);
  assert.ok(await m.create({ a: 5 }), 'room again once expired');
  await store.ping();
  const tiny = new SessionManager(new MemoryStore({ maxBytes: 300 }), { ttl: 60 });
  await rejectsWith(tiny.create({ big: 'x'.repeat(400) }), 'STORE_UNAVAILABLE');
});

test('Denylist: revoke / isRevoked, exp as seconds or Date, argument checks', async () => {
  const d = new Denylist(new MemoryStore());
  const now = Math.floor(Date.now() / 1000);
  assert.equal(await d.isRevoked('j1'), false);
  assert.equal(await d.revoke('j1', now + 3600), undefined);
  assert.equal(await d.isRevoked('j1'), true);
  await d.revoke('j2', new Date(Date.now() + 60_000));
  assert.equal(await d.isRevoked('j2'), true);
  await d.revoke('dead', now - 100_000);
  assert.equal(await d.isRevoked('dead'), false, 'nothing stored for a long-dead token');
  assert.equal(await d.isRevoked(''), false, 'no such entry can exist');
  await rejectsWith(d.revoke('', now + 60), 'INVALID_ARGUMENT');
  await rejectsWith(d.revoke('a\u0000b', now + 60), 'INVALID_ARGUMENT');
  await rejectsType(() => d.revoke('j', '123'), /exp must be Unix seconds/);
  await rejectsType(() => d.revoke('j', new Date(NaN)), /exp must be a valid Date/);
  await rejectsType(() => d.isRevoked(1), /jti must be a string/);
  assert.throws(() => new Denylist(), /store is required/);
});

test('Verifier with a denylist on the MemoryStore: REVOKED, MISSING_CLAIM, sync and async', async () => {
  const key = Key.hmac(SECRET);
  const store = new MemoryStore();
  const denylist = new Denylist(store);
  const v = new Verifier(key, { denylist, leeway: 5 });
  const token = jwt.encode({ sub: 'u', exp: 4102444800, jti: 't-1' }, key);
  assert.equal(v.verify(token).jti, 't-1');
  assert.equal((await v.verifyAsync(token)).jti, 't-1');
  await denylist.revoke('t-1', 4102444800);
  for (const attempt of [() => v.verify(token), () => v.verifyAsync(token)]) {
    await assert.rejects(async () => attempt(), (e) => e instanceof TesseraError && e.code === 'REVOKED' && e.claim === 'jti');
  }
  const noJti = jwt.encode({ sub: 'u', exp: 4102444800 }, key);
  assert.throws(() => v.verify(noJti), (e) => e.code === 'MISSING_CLAIM' && e.claim === 'jti');
  await assert.rejects(v.verifyAsync(noJti), (e) => e.code === 'MISSING_CLAIM');
  // The signature is checked before the denylist.
  const forged = `${token.slice(0, -2)}AA`;
  assert.throws(() => v.verify(forged), (e) => e.code === 'INVALID_SIGNATURE');
  // Without a denylist the same token verifies (the list is per verifier).
  assert.equal(new Verifier(key).verify(token).jti, 't-1');
  assert.equal(new Verifier(key, { denylist: undefined }).verify(token).jti, 't-1');
  assert.throws(() => new Verifier(key, { denylist: store }), /option denylist must be a sessions.Denylist/);
  assert.throws(() => new Verifier(key, { denylist: {} }), TypeError);
  assert.throws(() => new Verifier(key, { denyList: denylist }), /unknown option "denyList"/);
});

test('Verifier with a denylist on Redis: verify refuses (INVALID_ARGUMENT), verifyAsync fails closed', async () => {
  const key = Key.hmac(SECRET);
  // Nothing listens on port 1: the store cannot answer.
  const store = new RedisStore('redis://127.0.0.1:1/0', { connectTimeout: 0.3, ioTimeout: 0.3 });
  const v = new Verifier(key, { denylist: new Denylist(store) });
  const token = jwt.encode({ sub: 'u', exp: 4102444800, jti: 't-1' }, key);
  assert.throws(() => v.verify(token), (e) => e instanceof TesseraError && e.code === 'INVALID_ARGUMENT' && /verifyAsync/.test(e.message));
  await rejectsWith(v.verifyAsync(token), 'STORE_UNAVAILABLE');
  // Signature and claims still come first.
  await rejectsWith(v.verifyAsync(`${token.slice(0, -2)}AA`), 'INVALID_SIGNATURE');
});

test('RefreshTokens: issue, rotate, reuse revokes the family, revokeFamily, revokeUser', async () => {
  const rt = new RefreshTokens(new MemoryStore(), { ttl: 600 });
  const t0 = await rt.issue('bob', { device: 'phone' });
  assert.match(t0, /^[A-Za-z0-9_-]{43}$/);
  const r1 = await rt.rotate(t0);
  assert.deepEqual(Object.keys(r1).sort(), ['data', 'token', 'userId']);
  assert.deepEqual(r1, { userId: 'bob', data: { device: 'phone' }, token: r1.token });
  const r2 = await rt.rotate(r1.token);
  await rejectsWith(rt.rotate(t0), 'REFRESH_TOKEN_REUSED');
  await rejectsWith(rt.rotate(r2.token), 'REFRESH_TOKEN_REUSED');
  const c0 = await rt.issue('carol');
  const c1 = await rt.rotate(c0);
  assert.equal(c1.data, null);
  assert.equal(await rt.revokeFamily(c0), true);
  await rejectsWith(rt.rotate(c1.token), 'REVOKED');
  assert.equal(await rt.revokeFamily('A'.repeat(43)), false);
  await rejectsWith(rt.rotate('A'.repeat(43)), 'SESSION_NOT_FOUND');
  await rejectsWith(rt.rotate('garbage'), 'MALFORMED');
  const d1 = await rt.issue('dave');
  const d2 = await rt.issue('dave', '{"k":1}');
  assert.equal(await rt.revokeUser('dave'), 2);
  await rejectsWith(rt.rotate(d1), 'REVOKED');
  await rejectsWith(rt.rotate(d2), 'REVOKED');
  assert.equal(await rt.revokeUser('dave'), 0);
  await rejectsWith(rt.issue('u', '[]'), 'INVALID_ARGUMENT');
  await rejectsWith(rt.issue(''), 'INVALID_ARGUMENT');
  await rejectsType(() => rt.issue('u', [1]), /data must be an object or JSON text/);
  await rejectsType(() => rt.rotate(undefined), /token is required/);
  assert.throws(() => new RefreshTokens(new MemoryStore()), /options is required/);
  assert.throws(() => new RefreshTokens(new MemoryStore(), { ttl: 0 }), (e) => e.code === 'INVALID_ARGUMENT');
});

test('RedisStore: URL and option checks; nothing connects at construction', async () => {
  assert.throws(() => new RedisStore(), /url is required/);
  assert.throws(() => new RedisStore(6379), /url must be a Redis URL or an array of them/);
  assert.throws(() => new RedisStore(['redis://a', 1]), TypeError);
  assert.throws(() => new RedisStore('not a url'), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => new RedisStore([]), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => new RedisStore(['redis://127.0.0.1:1', 'redis://127.0.0.1:2']), (e) => e.code === 'INVALID_ARGUMENT' && /cluster/.test(e.message));
  assert.throws(() => new RedisStore('redis://127.0.0.1:1', { poolSize: 0 }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => new RedisStore('redis://127.0.0.1:1', { poolSize: -1 }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => new RedisStore('redis://127.0.0.1:1', { connectTimeout: 0 }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => new RedisStore('redis://127.0.0.1:1', { ioTimeout: -1 }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => new RedisStore('redis://127.0.0.1:1', { ioTimeout: '1' }), TypeError);
  assert.throws(() => new RedisStore('redis://127.0.0.1:1', { cluster: 'yes' }), TypeError);
  assert.throws(() => new RedisStore('redis://127.0.0.1:1', { pool_size: 1 }), /unknown option "pool_size"/);
  // Constructed fine against nothing; the first call fails closed, fast.
  const store = new RedisStore('redis://127.0.0.1:1/0', { connectTimeout: 0.2 });
  const t0 = Date.now();
  await rejectsWith(store.ping(), 'STORE_UNAVAILABLE');
  const m = new SessionManager(store, { ttl: 60 });
  await rejectsWith(m.load('A'.repeat(43)), 'STORE_UNAVAILABLE');
  assert.ok(Date.now() - t0 < 5000);
  // A password never shows in inspect output.
  const withPassword = new RedisStore('redis://user:hunter2secret@127.0.0.1:1/0');
  const shown = util.inspect(withPassword);
  assert.match(shown, /RedisStore/);
  assert.doesNotMatch(shown, /hunter2secret/);
});

test('services take only the package own stores (brand-checked, not duck-typed)', () => {
  assert.throws(() => new Denylist({ get: () => null }), TypeError);
  assert.throws(() => new RefreshTokens(Object.create(MemoryStore.prototype), { ttl: 1 }), TypeError);
  assert.throws(() => new SessionManager(Object.create(RedisStore.prototype), { ttl: 1 }), TypeError);
  assert.match(util.inspect(new MemoryStore()), /MemoryStore/);
  assert.match(util.inspect(manager()), /SessionManager/);
});

test('cookies.URLSafeTimedSerializer.loads returnTimestamp (itsdangerous return_timestamp=True)', () => {
  const s = new tessera.cookies.URLSafeTimedSerializer(SECRET);
  const signed = s.dumps({ a: 1 }, { now: 1700000000 });
  assert.deepEqual(s.loads(signed, { returnTimestamp: true, now: 1700000005 }), { value: { a: 1 }, timestamp: 1700000000 });
  assert.deepEqual(s.loads(signed, { returnTimestamp: false, now: 1700000005 }), { a: 1 });
  assert.deepEqual(s.loads(s.dumps([1, 'x'], { now: 5 }), { returnTimestamp: true, now: 6 }), { value: [1, 'x'], timestamp: 5 });
  assert.throws(() => s.loads(signed, { returnTimestamp: 1 }), /returnTimestamp must be a boolean/);
  assert.throws(() => s.loads(signed, { returnTimestamp: true, maxAge: 5, now: 1700000010 }), (e) => e.code === 'EXPIRED');
});

test('saveChanges: a request\'s top-level changes land on top of a concurrent save', async () => {
  const m = new SessionManager(new MemoryStore(), { ttl: 60 });
  const id = await m.create({ a: 1, gone: true });
  const first = await m.load(id);
  await m.save(id, { a: 1, gone: true, other: 'x' }, first.version);
  await rejectsWith(m.save(id, { a: 2 }, first.version), 'SESSION_CONFLICT');
  const saved = await m.saveChanges(id, first.data, { a: 2 });
  assert.deepEqual(saved.data, { a: 2, other: 'x' });
  assert.equal(saved.id, id);
  assert.equal(saved.version, first.version + 2);
  assert.deepEqual((await m.load(id)).data, { a: 2, other: 'x' });
  await m.destroy(id);
  await rejectsWith(m.saveChanges(id, {}, { a: 1 }), 'SESSION_NOT_FOUND');
  await assert.rejects(m.saveChanges(id, [], {}), TypeError);
});
