'use strict';
// Property tests over the public `cookies` API, deterministic (seeded
// PRNG): random payloads and secrets round trip through every codec, and
// every single-character change of a sealed/signed cookie (each position
// replaced by every printable ASCII character) is rejected with a
// TesseraError whose code is a rejection code, never accepted and never
// another kind of failure.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { cookies, TesseraError } = require('..');

/** splitmix32-style PRNG: deterministic across runs. */
function rng(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const below = (n) => next() % n;
  const CHARS = ['a', 'Z', '0', ' ', '"', '\\', '/', '+', '=', '.', '%', ';', 'é', '€', '🍪', '\n', '\u0001', '<', '\u2028'];
  const text = (max) => Array.from({ length: below(max + 1) }, () => CHARS[below(CHARS.length)]).join('');
  const key = () => `k${text(6)}`; // never a Flask tag (those start with a space)
  const value = (depth) => {
    switch (below(depth > 2 ? 5 : 7)) {
      case 0: return null;
      case 1: return below(2) === 1;
      case 2: return (below(2) ? -1 : 1) * below(2 ** 31);
      case 3: return below(1000) / 8;
      case 4: return text(12);
      case 5: return Array.from({ length: below(5) }, () => value(depth + 1));
      default: return object(depth + 1);
    }
  };
  const object = (depth = 0) => {
    const o = {};
    for (let i = below(6); i > 0; i--) o[key()] = value(depth);
    return o;
  };
  const secret = (min = 1) => Buffer.from(Array.from({ length: min + below(40) }, () => below(256)));
  return { next, below, text, object, value, secret };
}

const REJECTIONS = new Set(['INVALID_SIGNATURE', 'MALFORMED', 'EXPIRED', 'ISSUED_IN_FUTURE', 'SESSION_NOT_FOUND']);
const PRINTABLE = Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i));

/**
 * Every single-character change of `s` (every position × every printable
 * ASCII) must make `open` throw a rejection. `same(m)` marks a change that is
 * only another spelling of the same bytes (percent-escape hex case), skipped.
 */
function everyChangeRejected(s, open, label, same = () => false) {
  let tried = 0;
  for (let i = 0; i < s.length; i++) {
    for (const ch of PRINTABLE) {
      if (ch === s[i]) continue;
      const m = s.slice(0, i) + ch + s.slice(i + 1);
      if (same(m)) continue;
      tried++;
      let accepted;
      try {
        accepted = open(m);
      } catch (e) {
        if (!(e instanceof TesseraError)) throw new Error(`${label}: position ${i} → ${ch}: ${e}`);
        if (!REJECTIONS.has(e.code)) assert.fail(`${label}: position ${i} → ${ch}: unexpected code ${e.code}`);
        continue;
      }
      assert.fail(`${label}: position ${i} → ${JSON.stringify(ch)} accepted: ${JSON.stringify(accepted)}`);
    }
  }
  assert.ok(tried > s.length * 50, `${label}: ${tried} changes tried`);
}

const NOW = 1763000000;

test('FlaskCookie: random sessions round trip; every change rejected', () => {
  const r = rng(1);
  for (let i = 0; i < 150; i++) {
    const fc = new cookies.FlaskCookie(r.secret(), { fallbacks: i % 3 ? [] : [r.secret()] });
    const data = r.object();
    const now = NOW + r.below(1e6);
    const cookie = fc.dumps(data, { now });
    assert.deepEqual(fc.loads(cookie, { now }), data, `case ${i}`);
    if (i % 25 === 0) everyChangeRejected(cookie, (m) => fc.loads(m, { now }), `flask ${i}`);
  }
});

test('URLSafeTimedSerializer: random values and options round trip; every change rejected', () => {
  const r = rng(2);
  const derivations = ['concat', 'django-concat', 'hmac', 'none'];
  const digests = ['sha1', 'sha256', 'sha384', 'sha512'];
  for (let i = 0; i < 120; i++) {
    const s = new cookies.URLSafeTimedSerializer([r.secret(), r.secret()], {
      salt: r.text(5),
      keyDerivation: derivations[i % 4],
      digestMethod: digests[(i >> 2) % 4],
      sep: ['.', '!', '~'][i % 3],
    });
    const v = r.value(0);
    const cookie = s.dumps(v, { now: NOW });
    assert.deepEqual(s.loads(cookie, { now: NOW + 5, maxAge: 10 }), v);
    if (i % 30 === 0) everyChangeRejected(cookie, (m) => s.loads(m, { now: NOW }), `serializer ${i}`);
  }
});

test('Signer / TimestampSigner: random bytes round trip; every change rejected', () => {
  const r = rng(3);
  for (let i = 0; i < 100; i++) {
    const keys = [r.secret(), r.secret()];
    const value = r.secret(0);
    const signer = new cookies.Signer(keys, { salt: r.secret(0) });
    const signed = signer.sign(value);
    assert.ok(Buffer.isBuffer(signed));
    assert.ok(signer.unsign(signed).equals(value));
    const ts = new cookies.TimestampSigner(keys);
    const text = r.text(20);
    const tsigned = ts.sign(text, { now: NOW });
    assert.deepEqual(ts.unsign(tsigned, { now: NOW, maxAge: 0, returnTimestamp: true }), { value: text, timestamp: NOW });
    if (i % 25 === 0) {
      const b64 = signer.sign(Buffer.from(value.toString('base64url')));
      everyChangeRejected(b64.toString('latin1'), (m) => signer.unsign(Buffer.from(m, 'latin1')), `signer ${i}`);
      everyChangeRejected(tsigned, (m) => ts.unsign(m, { now: NOW, maxAge: 60 }), `timestamp ${i}`);
    }
  }
});

test('ExpressCookieSession: random sessions round trip (value, header, rotation); every change rejected', () => {
  const r = rng(4);
  for (let i = 0; i < 150; i++) {
    const keys = [r.secret(), r.secret(), r.secret()];
    const cs = new cookies.ExpressCookieSession(keys, { name: `s${i}` });
    const data = r.object();
    const { value, sig } = cs.sign(data);
    assert.deepEqual(cs.verify(value, sig), data);
    assert.deepEqual(cs.load(`x=1; s${i}=${value}; s${i}.sig=${sig}`), data);
    const old = new cookies.ExpressCookieSession(keys.slice(2), { name: `s${i}` }).sign(data);
    assert.deepEqual(cs.verifyInfo(old.value, old.sig), { data, keyIndex: 2, needsResign: true });
    if (i % 30 === 0) {
      everyChangeRejected(value, (m) => cs.verify(m, sig), `cookie-session value ${i}`);
      everyChangeRejected(sig, (m) => cs.verify(value, m), `cookie-session sig ${i}`);
    }
  }
});

test('ExpressSessionId: random ids round trip; every change rejected', () => {
  const r = rng(5);
  for (let i = 0; i < 150; i++) {
    const ids = new cookies.ExpressSessionId([r.secret(), r.secret()]);
    const sid = r.text(30);
    const signed = ids.sign(sid);
    assert.equal(ids.unsign(signed), sid);
    assert.equal(ids.unsign(encodeURIComponent(signed)), sid);
    if (i % 30 === 0 && sid.length > 0) everyChangeRejected(signed, (m) => ids.unsign(m), `session id ${i}`);
  }
});

test('SessionCookie (signed and encrypted): random sessions round trip; every change rejected; chunks', () => {
  const r = rng(6);
  for (let i = 0; i < 120; i++) {
    const encrypted = i % 2 === 1;
    const secrets = [r.secret(32), r.secret(32)];
    const sc = new cookies.SessionCookie(secrets, { encrypted, maxAge: 3600 });
    const data = r.object();
    const value = sc.seal(data, { now: NOW });
    assert.deepEqual(sc.openInfo(value, { now: NOW + 10 }), { data, issuedAt: NOW, needsReissue: false });
    const old = new cookies.SessionCookie(secrets.slice(1), { encrypted }).seal(data, { now: NOW });
    assert.equal(sc.openInfo(old, { now: NOW }).needsReissue, true);
    if (i % 30 < 2) everyChangeRejected(value, (m) => sc.open(m, { now: NOW }), `session cookie ${encrypted ? 'encrypted' : 'signed'} ${i}`);
  }
  // A session too large for one cookie: chunked, reassembled from a Cookie header.
  const sc = new cookies.SessionCookie('0123456789abcdef0123456789abcdef', { chunked: true, encrypted: true });
  const big = { blob: r.text(4000) + 'x'.repeat(6000) };
  const lines = sc.setCookieHeaders(big, { now: NOW });
  assert.ok(lines.length > 1);
  const header = lines.map((l) => l.split(';')[0]).join('; ');
  assert.deepEqual(sc.load(header, { now: NOW }).data, big);
  assert.deepEqual(sc.sealChunks({ a: 1 }, { now: NOW }).map(([n]) => n), ['session']);
  assert.throws(() => new cookies.SessionCookie('0123456789abcdef0123456789abcdef').seal(big), (e) => e.code === 'COOKIE_TOO_LARGE');
});

test('RailsCookie: random values round trip; every change rejected', () => {
  const r = rng(7);
  for (let i = 0; i < 40; i++) {
    const rc = new cookies.RailsCookie(r.secret(16), { cookieName: '_app_session', digest: i % 2 ? 'sha1' : 'sha256' });
    const v = r.value(0);
    const cookie = rc.encrypt(v, { expiresAt: NOW + 60 });
    assert.deepEqual(rc.decrypt(cookie, { now: NOW }), v);
    assert.throws(() => rc.decrypt(cookie, { now: NOW + 60 }), (e) => e.code === 'EXPIRED');
    if (i % 20 === 0) {
      // Other spellings of the same message are not changes: Rack unescaping
      // ignores the hex case (`%2f` is `%2F`), and the core reads a space
      // (`+` or `%20`) as the `+` it stands for in base64.
      const message = (m) => decodeURIComponent(m.replace(/\+/g, '%20')).replace(/ /g, '+');
      const unescaped = message(cookie);
      const same = (m) => {
        try {
          return message(m) === unescaped;
        } catch {
          return false;
        }
      };
      everyChangeRejected(cookie, (m) => rc.decrypt(m, { now: NOW }), `rails ${i}`, same);
    }
  }
});

test('CsrfTokens: tokens verify for their session only; every change rejected', () => {
  const r = rng(8);
  const csrf = new cookies.CsrfTokens([r.secret(32), r.secret(32)]);
  for (let i = 0; i < 50; i++) {
    const sid = r.text(20);
    const a = csrf.generate(sid);
    const b = csrf.generate(sid);
    assert.notEqual(a, b);
    csrf.verify(sid, a);
    csrf.verify(sid, b);
    assert.throws(() => csrf.verify(`${sid}x`, a), (e) => e.code === 'INVALID_SIGNATURE');
    if (i % 25 === 0) everyChangeRejected(a, (m) => csrf.verify(sid, m), `csrf ${i}`);
  }
});
