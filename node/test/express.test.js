'use strict';
// `tessera/express` against stock `cookie-session`, live: real Express apps
// on 127.0.0.1 over real HTTP. Cookies minted by stock cookie-session reach
// the session in a tessera/express app and the reverse; the same request
// sequences give the same `req.session` behaviour and byte-identical cookies;
// rotation, tampering, clearing, attributes, per-request options; and the
// sealed format (Tessera SessionCookie) with migration from cookie-session
// cookies, encryption, chunking, expiry and secret rotation.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const express = require('express');
const stockSession = require('cookie-session');
const tesseraSession = require('tessera/express');
const { cookies } = require('tessera');

const K_NEW = 'cookie-session-key-2026';
const K_OLD = 'cookie-session-key-2025';
const K_NEXT = 'cookie-session-key-2027';
const SEALED_NEW = 'sealed-session-secret-2026-0123456789abcdef';
const SEALED_OLD = 'sealed-session-secret-2025-0123456789abcdef';

// ------------------------------------------------------------- harness

const servers = [];
after(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

/** An Express app with the session routes, listening on 127.0.0.1. */
async function app(middleware, setup) {
  const a = express();
  if (setup) setup(a);
  a.use(middleware);
  a.get('/login', (req, res) => {
    req.session.user = req.query.user;
    req.session.roles = ['admin', 'ünï'];
    res.json(state(req));
  });
  a.get('/views', (req, res) => {
    req.session.views = (req.session.views || 0) + 1;
    res.json(state(req));
  });
  a.get('/me', (req, res) => res.json(state(req)));
  a.get('/replace', (req, res) => {
    req.session = { replaced: true };
    res.json(state(req));
  });
  a.get('/empty', (req, res) => {
    req.session = {};
    res.json(state(req));
  });
  a.get('/logout', (req, res) => {
    req.session = null;
    res.json({ cleared: req.session === null });
  });
  a.get('/untouched', (req, res) => res.json({ ok: true }));
  a.get('/short', (req, res) => {
    req.sessionOptions.maxAge = 5000;
    req.session.short = true;
    res.json(state(req));
  });
  a.get('/big', (req, res) => {
    req.session.blob = 'x'.repeat(Number(req.query.n));
    res.json({ ok: true });
  });
  a.get('/writehead', (req, res) => {
    req.session.wh = 1;
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'other=1; Path=/' });
    res.end(JSON.stringify(state(req)));
  });
  return listen(a);
}

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

function state(req) {
  const s = req.session;
  return s === null ? null : { data: { ...s }, isNew: s.isNew, isChanged: s.isChanged, isPopulated: s.isPopulated };
}

/** A cookie jar that follows Set-Cookie (deletions included), like a browser on one host. */
class Jar {
  constructor(init) {
    this.cookies = new Map(Object.entries(init || {}));
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
      const expired = attrs.some((a) => {
        const [k, v] = a.split('=');
        if (/^max-age$/i.test(k)) return Number(v) <= 0;
        if (/^expires$/i.test(k)) return Date.parse(v) <= Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/** GET `path` with the jar's cookies; the jar takes the response's Set-Cookie. */
async function get(base, path, jar, headers = {}) {
  const cookie = jar ? jar.header() : '';
  const res = await fetch(base + path, { headers: { ...(cookie ? { cookie } : {}), ...headers } });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  const setCookies = res.headers.getSetCookie();
  if (jar) jar.apply(setCookies);
  return { body: await res.json(), setCookies };
}

/** Set-Cookie lines → [{name, value, attrs: {lowercase name: value|true}}]. */
function parseSetCookies(lines) {
  return lines.map((line) => {
    const [pair, ...rest] = line.split(';').map((s) => s.trim());
    const attrs = {};
    for (const a of rest) {
      const eq = a.indexOf('=');
      if (eq < 0) attrs[a.toLowerCase()] = true;
      else attrs[a.slice(0, eq).toLowerCase()] = a.slice(eq + 1);
    }
    const eq = pair.indexOf('=');
    return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attrs };
  });
}

const tamper = (s, i) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);

let stock; // stock cookie-session, keys [K_NEW, K_OLD]
let tessera; // tessera/express, same options
let stockNext; // stock, keys rotated: [K_NEXT, K_NEW]
let tesseraNext; // tessera/express, keys rotated
let stockOnlyNext; // stock, [K_NEXT]
let sealed; // tessera/express sealed (HMAC), migrates from cookie-session keys [K_NEW, K_OLD]
let sealedEnc; // sealed, encrypted, chunked, maxAge 60 s, secrets [SEALED_NEW, SEALED_OLD]

before(async () => {
  stock = await app(stockSession({ name: 'session', keys: [K_NEW, K_OLD] }));
  tessera = await app(tesseraSession({ name: 'session', keys: [K_NEW, K_OLD] }));
  stockNext = await app(stockSession({ keys: [K_NEXT, K_NEW] }));
  tesseraNext = await app(tesseraSession({ keys: [K_NEXT, K_NEW] }));
  stockOnlyNext = await app(stockSession({ keys: [K_NEXT] }));
  sealed = await app(tesseraSession({ keys: [K_NEW, K_OLD], format: 'sealed', secrets: [SEALED_NEW] }));
  sealedEnc = await app(
    tesseraSession({ format: 'sealed', secrets: [SEALED_NEW, SEALED_OLD], encrypted: true, chunked: true, maxAge: 60000, sameSite: 'lax' }),
  );
});

// --------------------------------------------------- cookie-session format

test('stock cookie-session mints, tessera/express reads: the request reaches the session', async () => {
  const jar = new Jar();
  await get(stock, '/login?user=ann', jar);
  assert.deepEqual([...jar.cookies.keys()], ['session', 'session.sig']);
  const me = await get(tessera, '/me', jar);
  assert.deepEqual(me.body, { data: { user: 'ann', roles: ['admin', 'ünï'] }, isNew: false, isChanged: false, isPopulated: true });
  assert.deepEqual(me.setCookies, [], 'an unchanged session is not rewritten');
});

test('tessera/express mints, stock cookie-session reads: the request reaches the session', async () => {
  const jar = new Jar();
  const login = await get(tessera, '/login?user=bob', jar);
  assert.equal(login.body.isNew, true);
  const me = await get(stock, '/me', jar);
  assert.deepEqual(me.body.data, { user: 'bob', roles: ['admin', 'ünï'] });
  assert.equal(me.body.isNew, false);
  // Alternating apps on one cookie: every write is read by the other.
  for (let i = 1; i <= 6; i++) {
    const r = await get(i % 2 ? stock : tessera, '/views', jar);
    assert.equal(r.body.data.views, i);
  }
});

test('same request sequence, same req.session behaviour and byte-identical cookies', async () => {
  const sequence = ['/me', '/untouched', '/views', '/views', '/me', '/replace', '/me', '/empty', '/me', '/login?user=z', '/logout', '/me', '/views'];
  const jars = [new Jar(), new Jar()];
  for (const path of sequence) {
    const [a, b] = [await get(stock, path, jars[0]), await get(tessera, path, jars[1])];
    assert.deepEqual(b.body, a.body, `${path}: body`);
    const [pa, pb] = [parseSetCookies(a.setCookies), parseSetCookies(b.setCookies)];
    assert.deepEqual(pb.map((c) => c.name), pa.map((c) => c.name), `${path}: cookies written`);
    // A deletion (stock writes a signature even for the emptied cookie) must be a deletion here too.
    const deletes = (c) => c.value === '' || Date.parse(c.attrs.expires) <= 0;
    for (let i = 0; i < pa.length; i++) {
      if (deletes(pa[i])) assert.ok(deletes(pb[i]) && pb[i].value === '', `${path}: ${pa[i].name} deleted`);
      else assert.equal(pb[i].value, pa[i].value, `${path}: ${pa[i].name} value`);
      assert.equal(pb[i].attrs.path, pa[i].attrs.path);
      assert.equal(Boolean(pb[i].attrs.httponly), Boolean(pa[i].attrs.httponly));
    }
    assert.deepEqual([...jars[1].cookies.keys()], [...jars[0].cookies.keys()], `${path}: cookies kept`);
  }
});

test('rotation: old-key cookies are read and re-signed with keys[0], both ways', async () => {
  // Stock app signed with K_NEW; the tessera app now has [K_NEXT, K_NEW].
  const jar = new Jar();
  await get(stock, '/login?user=rot', jar);
  const r = await get(tesseraNext, '/me', jar);
  assert.equal(r.body.data.user, 'rot');
  assert.deepEqual(parseSetCookies(r.setCookies).map((c) => c.name), ['session', 'session.sig']);
  // Re-signed with K_NEXT: a stock app holding only K_NEXT reads it.
  assert.equal((await get(stockOnlyNext, '/me', jar)).body.data.user, 'rot');

  // The reverse: tessera signed with K_NEW; a stock app with [K_NEXT, K_NEW] reads it and re-issues the .sig.
  const jar2 = new Jar();
  await get(tessera, '/login?user=rot2', jar2);
  const s = await get(stockNext, '/me', jar2);
  assert.equal(s.body.data.user, 'rot2');
  assert.ok(s.setCookies.some((l) => l.startsWith('session.sig=')), 'stock re-issues the signature');
  assert.equal((await get(stockOnlyNext, '/me', jar2)).body.data.user, 'rot2');

  // A key neither app holds any more: a new session.
  const jar3 = new Jar();
  await get(stock, '/login?user=gone', jar3);
  assert.deepEqual((await get(stockOnlyNext, '/me', new Jar(Object.fromEntries(jar3.cookies)))).body.isNew, true);
  assert.deepEqual((await get(await app(tesseraSession({ keys: [K_NEXT] })), '/me', jar3)).body.isNew, true);
});

test('tampering: a new empty session, and the bad signature cookie is cleared (as stock does)', async () => {
  const jar = new Jar();
  await get(stock, '/login?user=eve', jar);
  const value = jar.cookies.get('session');
  for (const bad of [
    { session: tamper(value, 8), 'session.sig': jar.cookies.get('session.sig') },
    { session: value, 'session.sig': tamper(jar.cookies.get('session.sig'), 3) },
    { session: value },
  ]) {
    const [a, b] = [await get(stock, '/me', new Jar(bad)), await get(tessera, '/me', new Jar(bad))];
    assert.deepEqual(b.body, { data: {}, isNew: true, isChanged: true, isPopulated: false });
    assert.deepEqual(b.body, a.body);
    assert.deepEqual(parseSetCookies(b.setCookies).map((c) => [c.name, c.value]), parseSetCookies(a.setCookies).map((c) => [c.name, c.value]));
  }
  // Quoted values are read as cookie-session reads them.
  const quoted = new Jar({ session: `"${value}"`, 'session.sig': `"${jar.cookies.get('session.sig')}"` });
  assert.equal((await get(tessera, '/me', quoted)).body.data.user, 'eve');
});

test('clearing: req.session = null deletes both cookies; the other app then sees no session', async () => {
  const jar = new Jar();
  await get(stock, '/login?user=bye', jar);
  const out = await get(tessera, '/logout', jar);
  assert.deepEqual(out.body, { cleared: true });
  assert.deepEqual(parseSetCookies(out.setCookies).map((c) => [c.name, c.value]), [['session', ''], ['session.sig', '']]);
  assert.equal(jar.cookies.size, 0);
  assert.equal((await get(stock, '/me', jar)).body.isNew, true);
  // And stock's clearing is understood by tessera/express.
  const jar2 = new Jar();
  await get(tessera, '/login?user=bye2', jar2);
  await get(stock, '/logout', jar2);
  assert.equal((await get(tessera, '/me', jar2)).body.isNew, true);
});

test('attributes match cookie-session: maxAge, path, domain, sameSite, httpOnly, secure behind a proxy, per-request options', async () => {
  const options = { keys: [K_NEW], maxAge: 3600000, path: '/', domain: 'example.test', sameSite: 'lax', httpOnly: false };
  const trust = (a) => a.set('trust proxy', true);
  const [a, b] = [await app(stockSession(options), trust), await app(tesseraSession(options), trust)];
  for (const headers of [{}, { 'x-forwarded-proto': 'https' }]) {
    const [ra, rb] = [await get(a, '/login?user=x', null, headers), await get(b, '/login?user=x', null, headers)];
    const [ca, cb] = [parseSetCookies(ra.setCookies), parseSetCookies(rb.setCookies)];
    assert.equal(cb.length, 2);
    for (let i = 0; i < 2; i++) {
      assert.equal(cb[i].value, ca[i].value, 'same value and signature');
      const { expires: ea, ...restA } = ca[i].attrs;
      const { expires: eb, 'max-age': _, samesite: sb, ...restB } = cb[i].attrs;
      assert.equal(sb.toLowerCase(), restA.samesite);
      delete restA.samesite;
      assert.deepEqual(restB, restA, JSON.stringify(headers));
      assert.ok(Math.abs(Date.parse(eb) - Date.parse(ea)) <= 2000, `${eb} vs ${ea}`);
      assert.ok(Math.abs(Date.parse(eb) - (Date.now() + 3600000)) < 5000);
    }
    assert.equal(Boolean(cb[0].attrs.secure), headers['x-forwarded-proto'] === 'https');
  }
  // req.sessionOptions changes this response only.
  const jar = new Jar();
  const short = await get(b, '/short', jar);
  const expires = Date.parse(parseSetCookies(short.setCookies)[0].attrs.expires);
  assert.ok(expires - Date.now() < 6000, 'maxAge 5 s for this response');
  // secure: true over plain HTTP writes nothing (cookie-session refuses the same way).
  const [sa, sb] = [await app(stockSession({ keys: [K_NEW], secure: true })), await app(tesseraSession({ keys: [K_NEW], secure: true }))];
  assert.deepEqual((await get(sa, '/login?user=s')).setCookies, []);
  assert.deepEqual((await get(sb, '/login?user=s')).setCookies, []);
});

test('headers passed to writeHead are kept, and the session cookies are added', async () => {
  const jar = new Jar();
  const r = await get(tessera, '/writehead', jar);
  assert.deepEqual(parseSetCookies(r.setCookies).map((c) => c.name), ['other', 'session', 'session.sig']);
  assert.equal((await get(stock, '/me', jar)).body.data.wh, 1);
});

test('options are checked when the middleware is made', () => {
  assert.throws(() => tesseraSession(), /\.keys required/);
  assert.throws(() => tesseraSession({ keys: 'k' }), /keys must be an array/);
  assert.throws(() => tesseraSession({ keys: ['k'], signed: false }), /signed: false/);
  assert.throws(() => tesseraSession({ keys: ['k'], priority: 'high' }), /priority/);
  assert.throws(() => tesseraSession({ keys: ['k'], maxage: 5 }), /unknown option "maxage"/);
  assert.throws(() => tesseraSession({ keys: ['k'], format: 'jwt' }), /format must be/);
  assert.throws(() => tesseraSession({ keys: ['k'], name: 'bad name' }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => tesseraSession({ keys: ['short'], format: 'sealed' }), (e) => e.code === 'INVALID_KEY');
  assert.equal(typeof tesseraSession({ secret: 'k' }), 'function');
  assert.equal(tesseraSession.cookieSession, tesseraSession);
});

// ------------------------------------------------------------ sealed format

test('sealed: cookie-session cookies migrate; sealed cookies read back; stale .sig removed', async () => {
  const jar = new Jar();
  await get(stock, '/login?user=mig', jar);
  const first = await get(sealed, '/me', jar);
  assert.deepEqual(first.body.data, { user: 'mig', roles: ['admin', 'ünï'] });
  assert.equal(first.body.isNew, false);
  // Rewritten in Tessera's format, the cookie-session signature deleted.
  assert.deepEqual([...jar.cookies.keys()], ['session']);
  assert.match(jar.cookies.get('session'), /^t1\./);
  const again = await get(sealed, '/me', jar);
  assert.deepEqual(again.body.data, { user: 'mig', roles: ['admin', 'ünï'] });
  assert.deepEqual(again.setCookies, []);
  // The value is Tessera's: it opens with SessionCookie and the same secret and name.
  const opened = new cookies.SessionCookie(SEALED_NEW).open(jar.cookies.get('session'));
  assert.equal(opened.user, 'mig');
  // A stock cookie-session app does not take a sealed cookie for its own.
  assert.equal((await get(stock, '/me', new Jar(Object.fromEntries(jar.cookies)))).body.isNew, true);
  // Logout deletes it.
  await get(sealed, '/logout', jar);
  assert.equal(jar.cookies.size, 0);
});

test('sealed: encrypted, chunked, expiring; rotation re-seals; tampering is a new session', async () => {
  const jar = new Jar();
  await get(sealedEnc, '/login?user=enc', jar);
  const value = jar.cookies.get('session');
  assert.match(value, /^t1\./);
  assert.ok(!Buffer.from(value.slice(3), 'base64url').toString('latin1').includes('enc'), 'the data is encrypted');
  assert.equal((await get(sealedEnc, '/me', jar)).body.data.user, 'enc');

  // Chunked: a 9 KB session spans several cookies and reads back whole; shrinking deletes the chunks.
  await get(sealedEnc, '/big?n=9000', jar);
  const names = [...jar.cookies.keys()].sort();
  assert.ok(names.includes('session.0') && names.includes('session.1') && names.includes('session.2'), names.join());
  assert.ok(!names.includes('session'), 'the single cookie was replaced');
  assert.equal((await get(sealedEnc, '/me', jar)).body.data.blob.length, 9000);
  await get(sealedEnc, '/big?n=10', jar);
  assert.deepEqual([...jar.cookies.keys()], ['session']);

  // maxAge is checked on the server: a cookie sealed 61 s ago is a new session.
  const codec = (secrets) => new cookies.SessionCookie(secrets, { encrypted: true, maxAge: 60 });
  const now = Math.floor(Date.now() / 1000);
  const stale = codec(SEALED_NEW).seal({ user: 'old' }, { now: now - 61 });
  assert.equal((await get(sealedEnc, '/me', new Jar({ session: stale }))).body.isNew, true);
  const fresh = codec(SEALED_NEW).seal({ user: 'fresh' }, { now: now - 5 });
  assert.equal((await get(sealedEnc, '/me', new Jar({ session: fresh }))).body.data.user, 'fresh');

  // An old secret opens, and the session is re-sealed with the current one.
  const oldJar = new Jar({ session: codec(SEALED_OLD).seal({ user: 'rot' }) });
  const r = await get(sealedEnc, '/me', oldJar);
  assert.equal(r.body.data.user, 'rot');
  assert.equal(codec(SEALED_NEW).openInfo(oldJar.cookies.get('session')).needsReissue, false);

  // Tampered, or sealed for another cookie name: a new session.
  const t = tamper(value, 20);
  assert.equal((await get(sealedEnc, '/me', new Jar({ session: t }))).body.isNew, true);
  const other = new cookies.SessionCookie(SEALED_NEW, { encrypted: true, name: 'other' }).seal({ user: 'x' });
  assert.equal((await get(sealedEnc, '/me', new Jar({ session: other }))).body.isNew, true);

  // Attributes: Max-Age from maxAge, SameSite as configured, HttpOnly; not Secure on plain HTTP.
  const attrs = parseSetCookies((await get(sealedEnc, '/login?user=a')).setCookies)[0].attrs;
  assert.deepEqual(attrs, { path: '/', 'max-age': '60', httponly: true, samesite: 'Lax' });
});

test('ESM: tessera/express gives the same function, default and named', async () => {
  const esm = await import('tessera/express');
  assert.equal(esm.default, tesseraSession);
  assert.equal(esm.cookieSession, tesseraSession);
});

test('sealed with a __Host- name behind an HTTPS proxy: Secure, Path=/, no Domain; readable back', async () => {
  const base = await app(
    tesseraSession({ name: '__Host-sid', format: 'sealed', secrets: [SEALED_NEW], encrypted: true }),
    (a) => a.set('trust proxy', true),
  );
  const https = { 'x-forwarded-proto': 'https' };
  const jar = new Jar();
  const login = await get(base, '/login?user=host', jar, https);
  const [c] = parseSetCookies(login.setCookies);
  assert.equal(c.name, '__Host-sid');
  assert.deepEqual(c.attrs, { path: '/', secure: true, httponly: true });
  assert.equal((await get(base, '/me', jar, https)).body.data.user, 'host');
  // Over plain HTTP such a cookie cannot be written (the browser would refuse it): nothing is sent.
  assert.deepEqual((await get(base, '/login?user=plain')).setCookies, []);
});
