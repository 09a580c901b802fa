'use strict';
// Interop with the real npm libraries, both directions: keygrip, cookies,
// cookie-signature directly; cookie-session and express-session as stock
// Express apps serving real HTTP on 127.0.0.1. What they mint opens in
// Tessera; what Tessera mints reaches the stock app's session. Rotation,
// tampering (with Tessera's error codes) and quoted cookie values included.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const Keygrip = require('keygrip');
const Cookies = require('cookies');
const signature = require('cookie-signature');
const express = require('express');
const cookieSession = require('cookie-session');
const expressSession = require('express-session');
const { cookies, TesseraError } = require('..');

const { ExpressCookieSession, ExpressSessionId } = cookies;
const NEW = 'keygrip-key-new-2026';
const OLD = 'keygrip-key-old-2025';

function isCode(code) {
  return (e) => {
    assert.ok(e instanceof TesseraError, `expected TesseraError, got ${e}`);
    assert.equal(e.code, code, e.message);
    return true;
  };
}

/** Flips one character of `s` at `i` to another of the same alphabet. */
function flip(s, i) {
  const c = s[i];
  const to = c === 'A' ? 'B' : 'A';
  return s.slice(0, i) + to + s.slice(i + 1);
}

// ---------------------------------------------------------------- keygrip

test('keygrip signs, Tessera verifies (rotation: index and needsResign)', () => {
  const value = Buffer.from(JSON.stringify({ user: 'ann', n: 1 })).toString('base64');
  const cs = new ExpressCookieSession([NEW, OLD]);
  const byNew = new Keygrip([NEW]).sign(`session=${value}`);
  const byOld = new Keygrip([OLD]).sign(`session=${value}`);
  assert.deepEqual(cs.verifyInfo(value, byNew), { data: { user: 'ann', n: 1 }, keyIndex: 0, needsResign: false });
  assert.deepEqual(cs.verifyInfo(value, byOld), { data: { user: 'ann', n: 1 }, keyIndex: 1, needsResign: true });
  // The re-issued signature is keygrip's with keys[0].
  assert.equal(cs.signValue(value), byNew);
  // A key Tessera does not hold, a signature for another cookie name, a tampered value.
  assert.throws(() => new ExpressCookieSession([NEW]).verify(value, byOld), isCode('INVALID_SIGNATURE'));
  assert.throws(() => cs.verify(value, new Keygrip([NEW]).sign(`other=${value}`)), isCode('INVALID_SIGNATURE'));
  assert.throws(() => cs.verify(flip(value, 3), byNew), isCode('INVALID_SIGNATURE'));
  assert.throws(() => cs.verify(value, flip(byNew, 5)), isCode('INVALID_SIGNATURE'));
});

test('Tessera signs, keygrip verifies (and rejects tampering)', () => {
  const cs = new ExpressCookieSession([NEW, OLD], { name: 'sess' });
  const { value, sig } = cs.sign({ cart: [1, 2], 'é': '🍪' });
  const kg = new Keygrip([OLD, NEW]);
  assert.equal(kg.index(`sess=${value}`, sig), 1);
  assert.equal(new Keygrip([NEW]).verify(`sess=${value}`, sig), true);
  assert.equal(kg.verify(`sess=${flip(value, 2)}`, sig), false);
  assert.equal(JSON.parse(Buffer.from(value, 'base64').toString()).cart[1], 2);
});

// ---------------------------------------------------------------- cookies

/** A request/response pair for the `cookies` module (no server needed). */
function fakeExchange(cookieHeader) {
  const headers = {};
  const res = {
    getHeader: (n) => headers[n.toLowerCase()],
    setHeader: (n, v) => {
      headers[n.toLowerCase()] = v;
    },
  };
  const req = { headers: cookieHeader === undefined ? {} : { cookie: cookieHeader }, connection: { encrypted: false } };
  return { req, res, setCookies: () => headers['set-cookie'] || [] };
}

/** `name=value` pairs of Set-Cookie lines → a Cookie header. */
function toCookieHeader(setCookies) {
  return setCookies.map((line) => line.split(';')[0]).join('; ');
}

test('`cookies` sets signed cookies, Tessera loads them (and the reverse, quoted values too)', () => {
  const x = fakeExchange();
  const c = new Cookies(x.req, x.res, { keys: [NEW, OLD] });
  const value = Buffer.from('{"id":7}').toString('base64');
  c.set('session', value, { signed: true });
  const header = toCookieHeader(x.setCookies());
  assert.deepEqual(new ExpressCookieSession([OLD, NEW]).loadInfo(header), { data: { id: 7 }, keyIndex: 1, needsResign: true });

  const cs = new ExpressCookieSession([OLD]);
  const signed = cs.sign({ id: 8 });
  for (const h of [
    `session=${signed.value}; session.sig=${signed.sig}`,
    `a=1; session="${signed.value}"; session.sig="${signed.sig}"`,
  ]) {
    const y = fakeExchange(h);
    const got = new Cookies(y.req, y.res, { keys: [NEW, OLD] }).get('session', { signed: true });
    assert.equal(got, signed.value);
    // An old key: `cookies` re-issues the .sig with keys[0], which is what Tessera's signValue gives.
    const reissued = y.setCookies().find((l) => l.startsWith('session.sig='));
    assert.equal(reissued.split(';')[0], `session.sig=${new ExpressCookieSession([NEW]).signValue(signed.value)}`);
    assert.deepEqual(cs.load(h), { id: 8 });
  }
  // Tampered: `cookies` refuses it, Tessera says INVALID_SIGNATURE.
  const bad = `session=${flip(signed.value, 4)}; session.sig=${signed.sig}`;
  const z = fakeExchange(bad);
  assert.equal(new Cookies(z.req, z.res, { keys: [OLD] }).get('session', { signed: true }), undefined);
  assert.throws(() => cs.load(bad), isCode('INVALID_SIGNATURE'));
  assert.throws(() => cs.load('session=abc'), isCode('SESSION_NOT_FOUND'));
});

// ------------------------------------------------------- cookie-signature

test('cookie-signature and ExpressSessionId agree both ways, with rotation', () => {
  const ids = new ExpressSessionId(['express-secret-new', 'express-secret-old']);
  for (const sid of ['fixedSessionId0123456789ABCDEFgh', 'x-y_z', 'with.dots.in.it', 'ü']) {
    const signed = ids.sign(sid);
    assert.equal(signed, `s:${signature.sign(sid, 'express-secret-new')}`);
    assert.equal(signature.unsign(signed.slice(2), 'express-secret-new'), sid);
    const old = `s:${signature.sign(sid, 'express-secret-old')}`;
    assert.equal(ids.unsign(old), sid);
    assert.equal(ids.unsign(encodeURIComponent(old)), sid);
    assert.throws(() => new ExpressSessionId('express-secret-new').unsign(old), isCode('INVALID_SIGNATURE'));
    assert.equal(signature.unsign(flip(signed, signed.length - 3).slice(2), 'express-secret-new'), false);
    assert.throws(() => ids.unsign(flip(signed, signed.length - 3)), isCode('INVALID_SIGNATURE'));
  }
  assert.throws(() => ids.unsign('fixedSessionId.abc'), isCode('MALFORMED'));
});

// ------------------------------------------------------------ live apps

const servers = [];
function listen(app) {
  return new Promise((resolve, reject) => {
    const server = http.createServer(app);
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      servers.push(server);
      resolve(`http://127.0.0.1:${server.address().port}`);
    });
  });
}
after(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

async function get(url, cookie) {
  const res = await fetch(url, { headers: cookie === undefined ? {} : { cookie } });
  assert.equal(res.status, 200, `${url}: ${res.status}`);
  return { body: await res.json(), setCookies: res.headers.getSetCookie() };
}

let cookieSessionApp;
let expressSessionApp;

before(async () => {
  const a = express();
  a.use(cookieSession({ name: 'session', keys: [NEW, OLD] }));
  a.get('/login', (req, res) => {
    req.session.user = req.query.user;
    req.session.roles = ['admin', 'ünï'];
    res.json({ ok: true });
  });
  a.get('/me', (req, res) => res.json({ session: req.session, isNew: req.session.isNew }));
  cookieSessionApp = await listen(a);

  const b = express();
  b.use(expressSession({ secret: ['express-secret-new', 'express-secret-old'], resave: false, saveUninitialized: false }));
  b.get('/login', (req, res) => {
    req.session.user = req.query.user;
    res.json({ sid: req.sessionID });
  });
  b.get('/me', (req, res) => res.json({ sid: req.sessionID, user: req.session.user ?? null }));
  expressSessionApp = await listen(b);
});

test('stock cookie-session app → Tessera: its cookies load', async () => {
  const { setCookies } = await get(`${cookieSessionApp}/login?user=ann`);
  assert.equal(setCookies.length, 2, setCookies.join(' | '));
  const header = toCookieHeader(setCookies);
  assert.deepEqual(new ExpressCookieSession([NEW]).load(header), { user: 'ann', roles: ['admin', 'ünï'] });
  // After a rotation where NEW became the old key.
  assert.deepEqual(new ExpressCookieSession(['k-2027', NEW]).loadInfo(header).keyIndex, 1);
  assert.throws(() => new ExpressCookieSession(['k-2027']).load(header), isCode('INVALID_SIGNATURE'));
});

test('Tessera → stock cookie-session app: the request reaches the session data', async () => {
  const data = { user: 'bob', cart: { items: [{ sku: 'A1', qty: 2 }] }, 'ü': '☕' };
  const { value, sig } = new ExpressCookieSession([NEW]).sign(data);
  const plain = await get(`${cookieSessionApp}/me`, `session=${value}; session.sig=${sig}`);
  assert.deepEqual(plain.body, { session: data, isNew: false });
  assert.deepEqual(plain.setCookies, []);

  const quoted = await get(`${cookieSessionApp}/me`, `x=1; session="${value}"; session.sig="${sig}"`);
  assert.deepEqual(quoted.body, { session: data, isNew: false });

  // Signed with the app's old key: accepted, and the app re-issues the .sig Tessera would.
  const old = new ExpressCookieSession([OLD]).sign(data);
  const rotated = await get(`${cookieSessionApp}/me`, `session=${old.value}; session.sig=${old.sig}`);
  assert.deepEqual(rotated.body.session, data);
  const resigned = rotated.setCookies.find((l) => l.startsWith('session.sig='));
  assert.equal(resigned.split(';')[0], `session.sig=${new ExpressCookieSession([NEW, OLD]).signValue(old.value)}`);

  // Tampered: the app starts a new empty session (and clears the .sig).
  const tampered = await get(`${cookieSessionApp}/me`, `session=${flip(value, 6)}; session.sig=${sig}`);
  assert.deepEqual(tampered.body, { session: {}, isNew: true });
  assert.ok(tampered.setCookies.some((l) => l.startsWith('session.sig=;')), tampered.setCookies.join(' | '));
});

test('stock express-session app → Tessera: the signed id is the app\'s session id', async () => {
  const { body, setCookies } = await get(`${expressSessionApp}/login?user=carol`);
  const header = toCookieHeader(setCookies);
  assert.match(header, /^connect\.sid=s%3A/);
  assert.equal(new ExpressSessionId('express-secret-new').load(header), body.sid);
  assert.equal(new ExpressSessionId(['other', 'express-secret-new']).load(`a=b; ${header}`), body.sid);
  assert.throws(() => new ExpressSessionId('other').load(header), isCode('INVALID_SIGNATURE'));
  assert.throws(() => new ExpressSessionId('other').load('a=b'), isCode('SESSION_NOT_FOUND'));
});

test('Tessera → stock express-session app: its signed ids reach the stored session', async () => {
  const { body } = await get(`${expressSessionApp}/login?user=dave`);
  const sid = body.sid;
  for (const secret of ['express-secret-new', 'express-secret-old']) {
    const signed = new ExpressSessionId(secret).sign(sid);
    for (const cookie of [`connect.sid=${encodeURIComponent(signed)}`, `connect.sid=${signed}`, `connect.sid="${encodeURIComponent(signed)}"`]) {
      const me = await get(`${expressSessionApp}/me`, cookie);
      assert.deepEqual(me.body, { sid, user: 'dave' }, cookie);
    }
  }
  // A tampered signature: the app does not find the session.
  const signed = new ExpressSessionId('express-secret-new').sign(sid);
  const me = await get(`${expressSessionApp}/me`, `connect.sid=${encodeURIComponent(flip(signed, signed.length - 2))}`);
  assert.notEqual(me.body.sid, sid);
  assert.equal(me.body.user, null);
});
