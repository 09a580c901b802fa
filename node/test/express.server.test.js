'use strict';
// `tessera/express` serverSession and bearer, live: real Express apps on
// 127.0.0.1 over real HTTP. One app on a MemoryStore for the behaviour
// (cookie = id only, nothing stored for anonymous visitors, regenerate /
// rotate / destroy, versioned saves: 409 or merge, streaming, fail-closed
// store errors); then two instances sharing one Redis (standalone and
// Cluster): log in on one, read on the other, logout visible on both,
// log out everywhere, revoked JWTs refused by both.

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { setTimeout: sleep } = require('node:timers/promises');
const express = require('express');

const { serverSession, bearer } = require('tessera/express');
const { sessions, Key, Verifier, jwt, TesseraError } = require('tessera');
const { redisTest, tesseraStore, targets } = require('./support/redis.js');
const sessionApp = require('./support/session-app.js');

const { MemoryStore, RedisStore, SessionManager, Denylist } = sessions;
const { JWT_SECRET } = sessionApp;

// ------------------------------------------------------------- harness

/** An Express app with serverSession on `manager` and the routes the tests use (support/session-app.js). */
function app(manager, opts, verifier) {
  return listen(sessionApp.app(manager, opts, verifier));
}

const servers = [];
after(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

function listen(handler) {
  return new Promise((resolve, reject) => {
    const server = http.createServer(handler);
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      servers.push(server);
      resolve(`http://127.0.0.1:${server.address().port}`);
    });
  });
}

/** A cookie jar that follows Set-Cookie (deletions included), like a browser on one host. */
class Jar {
  constructor() {
    this.cookies = new Map();
  }
  header() {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }
  apply(lines) {
    for (const line of lines) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const expired = attrs.some((a) => /^max-age=(0|-)/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  get sid() {
    return this.cookies.get('sid');
  }
}

/** `method path` with the jar's cookies; the jar takes the response's Set-Cookie. */
async function call(base, method, path, jar, headers = {}) {
  const cookie = jar ? jar.header() : '';
  const res = await fetch(base + path, { method, headers: { ...(cookie ? { cookie } : {}), ...headers } });
  const setCookies = res.headers.getSetCookie();
  if (jar) jar.apply(setCookies);
  const text = await res.text();
  let body = text;
  try {
    body = JSON.parse(text);
  } catch {
    // a text body
  }
  return { status: res.status, body, setCookies, headers: res.headers };
}

async function ok(...args) {
  const r = await call(...args);
  assert.equal(r.status, 200, `${args[1]} ${args[2]}: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

// ------------------------------------------------------------- one app, MemoryStore

test('cookie holds only the id; nothing stored for an anonymous visitor; attributes from the core', async () => {
  const store = new MemoryStore();
  const manager = new SessionManager(store, { ttl: 600 });
  const base = await app(manager);
  const jar = new Jar();
  const anon = await ok(base, 'GET', '/me', jar);
  assert.deepEqual(anon.body, { data: {}, id: null, userId: null, version: null, isNew: true });
  assert.deepEqual(anon.setCookies, []);
  assert.equal(store.size, 0, 'no record for a visitor who stored nothing');
  assert.match(anon.headers.get('vary') || '', /Cookie/);

  const login = await ok(base, 'POST', '/login?user=alice', jar);
  assert.equal(login.setCookies.length, 1);
  assert.match(login.setCookies[0], /^sid=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
  const s = await manager.load(jar.sid);
  assert.deepEqual([s.data, s.userId, s.version], [{ user: 'alice' }, 'alice', 0]);

  const me = await ok(base, 'GET', '/me', jar);
  assert.deepEqual(me.body, { data: { user: 'alice' }, id: jar.sid, userId: 'alice', version: 0, isNew: false });
  assert.deepEqual(me.setCookies, [], 'an unchanged session is neither saved nor re-sent');
  const v1 = await ok(base, 'POST', '/views', jar);
  assert.equal(v1.body.version, 0, 'version as loaded (saved when the response commits)');
  assert.deepEqual(v1.setCookies, []);
  assert.equal((await manager.load(jar.sid)).version, 1);
  await ok(base, 'POST', '/views', jar);
  assert.deepEqual((await manager.load(jar.sid)).data, { user: 'alice', views: 2 });
  assert.deepEqual((await ok(base, 'GET', '/untouched', jar)).setCookies, []);
});

test('secure and other attributes; a bad cookie name or __Host- rule fails at setup', async () => {
  const manager = new SessionManager(new MemoryStore(), { ttl: 600 });
  const base = await app(manager, { secure: true, sameSite: 'Strict', maxAge: 3600, domain: 'example.test', path: '/app' });
  const r = await ok(base, 'POST', '/views', null);
  assert.match(r.setCookies[0], /^sid=[A-Za-z0-9_-]{43}; Path=\/app; Domain=example\.test; Max-Age=3600; Secure; HttpOnly; SameSite=Strict$/);
  assert.throws(() => serverSession({ manager, name: '__Host-sid', path: '/x' }), (e) => e instanceof TesseraError && e.code === 'INVALID_ARGUMENT');
  assert.throws(() => serverSession({ manager, name: 'bad name' }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => serverSession({ manager, sameSite: 'None', secure: false }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => serverSession({ manager, cookie: {} }), /unknown option "cookie"/);
  assert.throws(() => serverSession({ manager, onConflict: 'retry' }), /onConflict must be "error" or "merge"/);
  assert.throws(() => serverSession({}), /option manager is required/);
  assert.throws(() => serverSession({ manager: {} }), /option manager must be a sessions.SessionManager/);
  assert.throws(() => serverSession(), TypeError);
  assert.equal(typeof serverSession({ manager, name: '__Host-sid' }), 'function');
});

test('regenerate on login: a new id, the old one dead, data dropped; rotate keeps data; destroy logs out', async () => {
  const manager = new SessionManager(new MemoryStore(), { ttl: 600 });
  const base = await app(manager);
  const jar = new Jar();
  await ok(base, 'POST', '/views', jar);
  const anonId = jar.sid;
  assert.ok(anonId);
  await ok(base, 'POST', '/login?user=bob', jar);
  assert.notEqual(jar.sid, anonId, 'session fixation defence');
  assert.equal(await manager.load(anonId), null);
  assert.deepEqual((await manager.load(jar.sid)).data, { user: 'bob' });

  const before = jar.sid;
  await ok(base, 'POST', '/views', jar);
  const rotated = await ok(base, 'POST', '/rotate', jar);
  assert.equal(rotated.setCookies.length, 1);
  assert.notEqual(jar.sid, before);
  assert.equal(await manager.load(before), null);
  const kept = await manager.load(jar.sid);
  assert.deepEqual([kept.data, kept.userId], [{ user: 'bob', views: 1 }, 'bob']);

  const id = jar.sid;
  const out = await ok(base, 'POST', '/logout', jar);
  assert.match(out.setCookies[0], /^sid=; Path=\/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/);
  assert.equal(jar.sid, undefined);
  assert.equal(await manager.load(id), null);
  // A stale cookie (its session gone) is deleted once.
  const stale = await call(base, 'GET', '/me', null, { cookie: `sid=${id}` });
  assert.equal(stale.body.isNew, true);
  assert.match(stale.setCookies[0] || '', /^sid=; /);
});

test('rotate({ userId }) on an anonymous session: log-in keeping the data, reachable by destroyUser', async () => {
  const manager = new SessionManager(new MemoryStore(), { ttl: 600 });
  const base = await app(manager);
  const jar = new Jar();
  await ok(base, 'POST', '/views', jar);
  await ok(base, 'POST', '/set?key=cart&value=7', jar);
  const anon = jar.sid;
  await ok(base, 'POST', '/rotate?user=eve', jar);
  assert.notEqual(jar.sid, anon);
  assert.equal(await manager.load(anon), null);
  const s = await manager.load(jar.sid);
  assert.deepEqual([s.data, s.userId, s.version], [{ views: 1, cart: '7' }, 'eve', 1]);
  assert.equal((await ok(base, 'GET', '/me', jar)).body.userId, 'eve');
  assert.equal(await manager.destroyUser('eve'), 1);
  assert.equal((await ok(base, 'GET', '/me', jar)).body.isNew, true);
});

test('req.session = null destroys, an object replaces the data, emptying it logs out', async () => {
  const manager = new SessionManager(new MemoryStore(), { ttl: 600 });
  const base = await app(manager);
  const jar = new Jar();
  await ok(base, 'POST', '/views', jar);
  await ok(base, 'POST', '/replace', jar);
  assert.deepEqual((await manager.load(jar.sid)).data, { replaced: true });
  let id = jar.sid;
  await ok(base, 'POST', '/null', jar);
  assert.equal(await manager.load(id), null);
  assert.equal(jar.sid, undefined);
  await ok(base, 'POST', '/views', jar);
  id = jar.sid;
  await ok(base, 'POST', '/empty', jar);
  assert.equal(await manager.load(id), null, 'an emptied session ends');
  assert.equal(jar.sid, undefined);
});

test('overlapping requests: the late save answers 409 SESSION_CONFLICT and the first write survives', async () => {
  const manager = new SessionManager(new MemoryStore(), { ttl: 600 });
  const base = await app(manager);
  const jar = new Jar();
  await ok(base, 'POST', '/views', jar);
  const slow = call(base, 'POST', '/set?key=a&value=1&delay=400', jar);
  await sleep(120);
  await ok(base, 'POST', '/set?key=b&value=2', jar);
  const late = await slow;
  assert.equal(late.status, 409);
  assert.deepEqual(late.body.code, 'SESSION_CONFLICT');
  assert.equal(typeof late.body.message, 'string');
  assert.match(late.headers.get('content-type'), /application\/json/);
  assert.deepEqual((await manager.load(jar.sid)).data, { views: 1, b: '2' }, 'no silent lost update, no half write');
});

test('onConflict merge: overlapping requests both land (top-level keys, removals too)', async () => {
  const manager = new SessionManager(new MemoryStore(), { ttl: 600 });
  const base = await app(manager, { onConflict: 'merge' });
  const jar = new Jar();
  await ok(base, 'POST', '/set?key=gone&value=x', jar);
  await ok(base, 'POST', '/set?key=keep&value=y', jar);
  const slow = call(base, 'POST', '/set?key=a&value=1&delay=400', jar);
  await sleep(120);
  await ok(base, 'POST', '/unset?key=gone', jar);
  await ok(base, 'POST', '/set?key=b&value=2', jar);
  assert.equal((await slow).status, 200);
  const s = await manager.load(jar.sid);
  assert.deepEqual(s.data, { keep: 'y', b: '2', a: '1' });
  assert.equal(s.version, 4);
});

test('a session that ended while the request ran is not brought back: 409 SESSION_NOT_FOUND, cookie removed', async () => {
  const manager = new SessionManager(new MemoryStore(), { ttl: 600 });
  for (const onConflict of ['error', 'merge']) {
    const base = await app(manager, { onConflict });
    const jar = new Jar();
    await ok(base, 'POST', '/views', jar);
    const id = jar.sid;
    const slow = call(base, 'POST', '/set?key=a&value=1&delay=300', jar);
    await sleep(100);
    assert.equal(await manager.destroy(id), true);
    const r = await slow;
    assert.equal(r.status, 409, onConflict);
    assert.equal(r.body.code, 'SESSION_NOT_FOUND');
    assert.match(r.setCookies[0] || '', /^sid=; /);
    assert.equal(await manager.load(id), null);
  }
});

test('streaming: the first write waits for the new session, so its cookie goes out; a late change is saved', async () => {
  const manager = new SessionManager(new MemoryStore(), { ttl: 600 });
  const base = await app(manager);
  const jar = new Jar();
  const r = await ok(base, 'POST', '/stream', jar);
  assert.equal(r.body, 'one,two,three');
  assert.ok(jar.sid, 'Set-Cookie sent although the body was streamed');
  assert.deepEqual((await manager.load(jar.sid)).data, { streamed: 'before' });
  const late = await ok(base, 'POST', '/stream-late', jar);
  assert.equal(late.body, 'headers are out;done');
  assert.deepEqual((await manager.load(jar.sid)).data, { streamed: 'before', late: true }, 'saved before the end');
});

test('req.session.save(): commits now, the id is known in the route', async () => {
  const manager = new SessionManager(new MemoryStore(), { ttl: 600 });
  const base = await app(manager);
  const jar = new Jar();
  const r = await ok(base, 'POST', '/explicit', jar);
  assert.equal(r.body.id, jar.sid);
  assert.equal(r.body.version, 0);
  assert.deepEqual((await manager.load(jar.sid)).data, { explicit: true });
  const again = await ok(base, 'POST', '/explicit', jar);
  assert.deepEqual(again.setCookies, [], 'unchanged data: no second save');
  assert.equal(again.body.version, 0);
});

test('keys another language stored under reserved names (id, save, …) survive, hidden', async () => {
  const manager = new SessionManager(new MemoryStore(), { ttl: 600 });
  const base = await app(manager);
  const id = await manager.create({ id: 5, save: 'x', regenerate: [1], views: 1 });
  const jar = new Jar();
  jar.cookies.set('sid', id);
  const me = await ok(base, 'GET', '/me', jar);
  assert.deepEqual(me.body.data, { views: 1 });
  assert.equal(me.body.id, id, 'req.session.id is the session id');
  await ok(base, 'POST', '/views', jar);
  assert.deepEqual((await manager.load(id)).data, { id: 5, save: 'x', regenerate: [1], views: 2 });
});

test('data JSON cannot hold (a BigInt) is an error for the app, nothing half-saved', async () => {
  const manager = new SessionManager(new MemoryStore(), { ttl: 600 });
  const base = await app(manager);
  const jar = new Jar();
  await ok(base, 'POST', '/views', jar);
  const r = await call(base, 'POST', '/bigint', jar);
  assert.equal(r.status, 500);
  assert.deepEqual((await manager.load(jar.sid)).data, { views: 1 });
});

test('store down: routes using the session fail closed (503 via the app\'s error handling), others work', async () => {
  const store = new RedisStore('redis://127.0.0.1:1/0', { connectTimeout: 0.3, ioTimeout: 0.3 });
  const manager = new SessionManager(store, { ttl: 600 });
  const a = express();
  a.use(serverSession({ manager, name: 'sid' }));
  a.get('/me', (req, res) => res.json({ data: { ...req.session } }));
  a.post('/views', (req, res) => {
    req.session.views = 1;
    res.json({ ok: true });
  });
  a.get('/untouched', (req, res) => res.json({ ok: true }));
  a.use((err, req, res, next) => res.status(err.status || 500).json({ code: err.code }));
  const base = await listen(a);
  const cookie = `sid=${'A'.repeat(43)}`;
  const me = await call(base, 'GET', '/me', null, { cookie });
  assert.deepEqual([me.status, me.body], [503, { code: 'STORE_UNAVAILABLE' }], 'never "anonymous" on a store failure');
  assert.equal((await call(base, 'GET', '/untouched', null, { cookie })).status, 200);
  const create = await call(base, 'POST', '/views', null);
  assert.deepEqual([create.status, create.body], [503, { code: 'STORE_UNAVAILABLE' }]);
  assert.deepEqual(create.setCookies, []);
});

test('bearer: 401 with the code and an RFC 6750 challenge; claims in req.auth; denylist on a MemoryStore', async () => {
  const key = Key.hmac(JWT_SECRET);
  const store = new MemoryStore();
  const denylist = new Denylist(store);
  const verifier = new Verifier(key, { denylist });
  const base = await app(new SessionManager(store, { ttl: 60 }), {}, verifier);
  const token = jwt.encode({ sub: 'u1', exp: 4102444800, jti: 'b-1' }, key);
  const good = await call(base, 'GET', '/api/me', null, { authorization: `Bearer ${token}` });
  assert.deepEqual([good.status, good.body], [200, { sub: 'u1', jti: 'b-1' }]);
  assert.equal((await call(base, 'GET', '/api/me', null, { authorization: `bearer  ${token} ` })).status, 200, 'scheme case-insensitive');
  const none = await call(base, 'GET', '/api/me', null);
  assert.deepEqual([none.status, none.body.code, none.headers.get('www-authenticate')], [401, null, 'Bearer']);
  assert.equal((await call(base, 'GET', '/api/me', null, { authorization: `Basic ${token}` })).status, 401);
  const forged = await call(base, 'GET', '/api/me', null, { authorization: `Bearer ${token.slice(0, -2)}AA` });
  assert.deepEqual([forged.status, forged.body.code], [401, 'INVALID_SIGNATURE']);
  assert.equal(forged.headers.get('www-authenticate'), 'Bearer error="invalid_token", error_description="INVALID_SIGNATURE"');
  const expired = jwt.encode({ sub: 'u1', exp: 1000, jti: 'b-2' }, key);
  assert.equal((await call(base, 'GET', '/api/me', null, { authorization: `Bearer ${expired}` })).body.code, 'EXPIRED');
  const noJti = jwt.encode({ sub: 'u1', exp: 4102444800 }, key);
  assert.equal((await call(base, 'GET', '/api/me', null, { authorization: `Bearer ${noJti}` })).body.code, 'MISSING_CLAIM');
  await denylist.revoke('b-1', 4102444800);
  const revoked = await call(base, 'GET', '/api/me', null, { authorization: `Bearer ${token}` });
  assert.deepEqual([revoked.status, revoked.body.code], [401, 'REVOKED']);
  assert.throws(() => bearer({}), /option verifier is required/);
  assert.throws(() => bearer({ verifier: {} }), /a tessera Verifier/);
  assert.throws(() => bearer({ verifier, scheme: 'x' }), /unknown option "scheme"/);
});

test('bearer: a denylist store that cannot answer is 503 STORE_UNAVAILABLE, never a pass', async () => {
  const key = Key.hmac(JWT_SECRET);
  const store = new RedisStore('redis://127.0.0.1:1/0', { connectTimeout: 0.3, ioTimeout: 0.3 });
  const a = express();
  a.get('/api', bearer({ verifier: new Verifier(key, { denylist: new Denylist(store) }), property: 'jwt' }), (req, res) => res.json(req.jwt));
  const base = await listen(a);
  const token = jwt.encode({ sub: 'u1', exp: 4102444800, jti: 'x' }, key);
  const r = await call(base, 'GET', '/api', null, { authorization: `Bearer ${token}` });
  assert.deepEqual([r.status, r.body.code], [503, 'STORE_UNAVAILABLE']);
  assert.equal(r.headers.get('www-authenticate'), null);
});

// ------------------------------------------------------------- two instances, one store

const instanceManager = (s) => new SessionManager(s, { ttl: 600, idleTimeout: 300 });
const instanceVerifier = (s) => new Verifier(Key.hmac(JWT_SECRET), { denylist: new Denylist(s) });

/** The second instance in a process of its own (support/session-app.js) on the same Redis. */
function childInstance(kind, prefix) {
  const url = kind === 'cluster' ? targets.cluster.join(',') : targets.standalone;
  const args = [path.join(__dirname, 'support', 'session-app.js'), url, prefix, ...(kind === 'cluster' ? ['--cluster'] : [])];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((r) => child.once('exit', r));
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`session-app.js exited with ${code} before listening`)));
    child.stdout.on('data', (d) => {
      out += d;
      if (!out.includes('\n')) return;
      const { port } = JSON.parse(out);
      resolve({
        base: `http://127.0.0.1:${port}`,
        close: () => {
          child.stdin.end();
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          return exited.then(() => clearTimeout(timer));
        },
      });
    });
  });
}

/** A and B: two instances on the same sessions (`store` is one they share, for the denylist). */
async function twoInstances(a, b, store) {
  const key = Key.hmac(JWT_SECRET);
  const jar = new Jar();
  await ok(a, 'POST', '/login?user=carol', jar);
  const id = jar.sid;
  assert.deepEqual((await ok(b, 'GET', '/me', jar)).body.data, { user: 'carol' }, 'logged in on A, read on B');
  await ok(b, 'POST', '/views', jar);
  await ok(a, 'POST', '/views', jar);
  const seen = await ok(b, 'GET', '/me', jar);
  assert.deepEqual([seen.body.data, seen.body.version, seen.body.userId], [{ user: 'carol', views: 2 }, 2, 'carol']);
  await ok(b, 'POST', '/logout', jar);
  const gone = await call(a, 'GET', '/me', null, { cookie: `sid=${id}` });
  assert.equal(gone.body.isNew, true, 'logout on B is visible on A');
  assert.match(gone.setCookies[0] || '', /^sid=; /, 'A drops the dead cookie');

  // Log out everywhere: two devices, ended from either instance.
  const phone = new Jar();
  const laptop = new Jar();
  await ok(a, 'POST', '/login?user=dan', phone);
  await ok(b, 'POST', '/login?user=dan', laptop);
  assert.deepEqual((await ok(a, 'POST', '/everywhere', laptop)).body, { ended: 2 });
  assert.equal((await ok(b, 'GET', '/me', phone)).body.isNew, true);
  assert.equal((await ok(a, 'GET', '/me', laptop)).body.isNew, true);

  // A revoked JWT is refused by both.
  const token = jwt.encode({ sub: 'carol', exp: Math.floor(Date.now() / 1000) + 600, jti: `j-${Date.now()}` }, key);
  const auth = { authorization: `Bearer ${token}` };
  assert.equal((await call(a, 'GET', '/api/me', null, auth)).status, 200);
  assert.equal((await call(b, 'GET', '/api/me', null, auth)).status, 200);
  await new Denylist(store).revoke(jwt.decodeUnverified(token).claims.jti, jwt.decodeUnverified(token).claims.exp);
  for (const base of [a, b]) {
    const r = await call(base, 'GET', '/api/me', null, auth);
    assert.deepEqual([r.status, r.body.code], [401, 'REVOKED']);
  }

  // Overlapping requests across instances: still no lost update.
  const jar2 = new Jar();
  await ok(a, 'POST', '/views', jar2);
  const slow = call(a, 'POST', '/set?key=x&value=1&delay=400', jar2);
  await sleep(120);
  await ok(b, 'POST', '/set?key=y&value=2', jar2);
  assert.equal((await slow).status, 409);
  assert.deepEqual((await ok(b, 'GET', '/me', jar2)).body.data, { views: 1, y: '2' });
}

test('two instances sharing one MemoryStore (one process)', async () => {
  const store = new MemoryStore();
  const a = await app(instanceManager(store), {}, instanceVerifier(store));
  const b = await app(instanceManager(store), {}, instanceVerifier(store));
  await twoInstances(a, b, store);
});
for (const kind of ['standalone', 'cluster']) {
  redisTest(kind, 'two Express instances, two processes, one Redis: sessions, logout, log out everywhere, revoked JWTs', async () => {
    const { store, prefix } = tesseraStore(kind);
    const a = await app(instanceManager(store), {}, instanceVerifier(store));
    const b = await childInstance(kind, prefix);
    try {
      await twoInstances(a, b.base, store);
      await twoInstances(b.base, a, store);
    } finally {
      await b.close();
    }
  });
}
