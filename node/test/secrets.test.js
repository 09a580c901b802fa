'use strict';
// Secrets hygiene (issue 11) in the Node binding: no error and no inspected
// object ever holds a secret (HMAC secrets, private key members, cookie
// secrets, secretKeyBase, session ids, refresh tokens, CSRF session
// bindings) or a whole token or cookie. Every secret is guarded in its raw,
// hex (both cases), base64 and base64url (padded or not) forms; tokens,
// cookies and key texts as they are. A text fails if it holds any 20-byte
// piece of any of them (or a whole one shorter than that).
//
// Checked for every failure (sync throws and async rejections):
// err.message, err.stack, err.code, err.claim, JSON.stringify(err),
// util.inspect(err) (which walks `cause`). For objects: util.inspect (also
// with showHidden and full depth), String(x) and JSON.stringify(x).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const util = require('node:util');

const tessera = require('..');
const { Key, KeySet, Verifier, TesseraError, jwt, jws, cookies, sessions } = tessera;

const PIECE = 20;
const NOW = 1_800_000_000;

let seed = 0x5eed;
function randBytes(n) {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    out[i] = seed >>> 16;
  }
  return out;
}
function randText(n) {
  const a = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  return [...randBytes(n)].map((b) => a[b % a.length]).join('');
}

class Guard {
  constructor() {
    this.pieces = new Set();
    this.short = [];
    this.checked = 0;
    this.failures = [];
  }

  needle(buf) {
    const s = buf.toString('latin1');
    if (s.length < PIECE) {
      this.short.push(s);
      return;
    }
    for (let i = 0; i + PIECE <= s.length; i++) this.pieces.add(s.slice(i, i + PIECE));
  }

  secret(s) {
    const raw = Buffer.from(s);
    assert.ok(raw.length >= 12);
    this.needle(raw);
    const hex = raw.toString('hex');
    this.needle(Buffer.from(hex));
    this.needle(Buffer.from(hex.toUpperCase()));
    for (const enc of [raw.toString('base64'), raw.toString('base64url')]) {
      this.needle(Buffer.from(enc));
      this.needle(Buffer.from(enc.replace(/=+$/, '')));
      this.needle(Buffer.from(enc.replace(/=+$/, '') + '='.repeat((4 - (enc.length % 4)) % 4)));
    }
  }

  text(t) {
    this.needle(Buffer.from(t));
  }

  /** A mutated input: guarded when more than a fragment. */
  input(t) {
    if (t.length >= PIECE) this.text(t);
  }

  key(key) {
    const jwk = key.toJwk({ private: true });
    for (const m of ['k', 'd', 'p', 'q', 'dp', 'dq', 'qi']) {
      if (jwk[m] !== undefined) this.secret(Buffer.from(jwk[m], 'base64url'));
    }
  }

  check(context, hay) {
    this.checked++;
    const h = Buffer.from(String(hay)).toString('latin1');
    for (let i = 0; i + PIECE <= h.length; i++) {
      if (this.pieces.has(h.slice(i, i + PIECE))) {
        this.failures.push(`${context}: holds a secret piece: ${JSON.stringify(hay)}`);
        return;
      }
    }
    for (const n of this.short) {
      if (h.includes(n)) {
        this.failures.push(`${context}: holds ${JSON.stringify(n)}: ${JSON.stringify(hay)}`);
        return;
      }
    }
  }

  error(context, e) {
    this.check(`${context} message`, e.message);
    this.check(`${context} stack`, e.stack);
    this.check(`${context} code`, e.code);
    if (e.claim !== undefined) this.check(`${context} claim`, e.claim);
    this.check(`${context} JSON`, JSON.stringify(e));
    this.check(`${context} inspect`, util.inspect(e, { depth: Infinity }));
    this.check(`${context} String`, String(e));
  }

  /** `f` must throw a TesseraError (or `type`). */
  throws(context, f, type = TesseraError) {
    try {
      f();
    } catch (e) {
      if (!(e instanceof type)) this.failures.push(`${context}: threw ${e && e.name}: ${e && e.message}`);
      this.error(context, e);
      return;
    }
    this.failures.push(`${context}: succeeded`);
  }

  /** `p` (a promise) must reject with a TesseraError. */
  async rejects(context, p) {
    try {
      await p;
    } catch (e) {
      if (!(e instanceof TesseraError)) this.failures.push(`${context}: rejected with ${e && e.name}`);
      this.error(context, e);
      return;
    }
    this.failures.push(`${context}: resolved`);
  }

  shows(context, x) {
    this.check(`${context} inspect`, util.inspect(x));
    this.check(`${context} inspect hidden`, util.inspect(x, { showHidden: true, depth: Infinity }));
    this.check(`${context} String`, String(x));
    let json;
    try {
      json = JSON.stringify(x);
    } catch {
      json = undefined;
    }
    if (json !== undefined) this.check(`${context} JSON`, json);
  }

  done(atLeast) {
    assert.deepEqual(this.failures.slice(0, 40), [], `${this.failures.length} leak(s)`);
    assert.ok(this.checked >= atLeast, `only ${this.checked} texts checked`);
  }
}

function mutants(s) {
  const out = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const r = c === 'A' ? 'B' : c === '.' ? '_' : c === '-' ? '.' : 'A';
    out.push(s.slice(0, i) + r + s.slice(i + 1));
  }
  for (let n = 0; n < s.length; n += 3) out.push(s.slice(0, n));
  for (const x of ['A', '=', '.', '--', '%']) out.push(s + x);
  return out.filter((m) => m !== s);
}

function rejected(g, what, value, open, other) {
  g.text(value);
  open(value); // the control opens
  g.throws(`${what} other secret`, () => other(value));
  const ms = mutants(value);
  ms.forEach((m, i) => {
    g.input(m);
    g.throws(`${what} mutant ${i}`, () => open(m));
  });
  assert.ok(ms.length > value.length);
}

test('the guard catches every form', () => {
  const secret = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz!@#$');
  for (const form of [
    secret.toString('latin1'),
    secret.toString('hex'),
    secret.toString('hex').toUpperCase(),
    secret.toString('base64'),
    secret.toString('base64url'),
  ]) {
    const g = new Guard();
    g.secret(secret);
    g.check('t', `error: ${form.slice(3, 3 + PIECE + 2)}`);
    assert.equal(g.failures.length, 1, form);
  }
  const g = new Guard();
  g.text('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijklmnopqrstuvwxyz');
  const e = new TesseraError('MALFORMED', 'fine', { cause: new Error('bad eyJzdWIiOiIxIn0.abcdefgh') });
  g.error('t', e);
  assert.ok(g.failures.length > 0, 'a cause is inspected');
});

test('JWT failures hold no secret and no token', async () => {
  const g = new Guard();
  const sa = randBytes(64);
  const sb = randText(64);
  g.secret(sa);
  g.secret(sb);
  const a = Key.hmac(sa, { kid: 'k' });
  const b = Key.hmac(sb, { kid: 'k' });
  const sub = randText(48);
  const iss = randText(48);
  g.text(sub);
  g.text(iss);
  const token = jwt.encode({ sub, iss, aud: 'x', exp: NOW + 600 }, a);
  g.text(token);
  const va = new Verifier(a, { audience: 'x', now: NOW, cacheSize: 8 });
  const vb = new Verifier(b, { audience: 'x', now: NOW });
  va.verify(token);
  g.throws('wrong key', () => vb.verify(token));
  await g.rejects('wrong key async', vb.verifyAsync(token));
  mutants(token).forEach((m, i) => {
    g.input(m);
    g.throws(`mutant ${i}`, () => va.verify(m));
    try {
      jwt.decodeUnverified(m);
    } catch (e) {
      g.error(`unverified mutant ${i}`, e);
    }
  });
  for (const [what, opts] of [
    ['issuer', { issuer: 'other' }],
    ['subject', { subject: 'other' }],
    ['audience', { audience: 'y' }],
    ['expired', { now: NOW + 10_000 }],
    ['required', { required: ['exp', 'scope'] }],
    ['typ', { typ: 'at+jwt' }],
  ]) {
    const o = { audience: 'x', now: NOW, ...opts };
    g.throws(what, () => new Verifier(a, o).verify(token));
    g.throws(`decode ${what}`, () => jwt.decode(token, a, o));
  }
  const long = randText(300);
  g.text(long);
  const seg = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  for (const header of [{ alg: 'HS256', kid: long }, { alg: 'HS256', crit: [long] }, { alg: long }, { alg: 'none' }]) {
    const crafted = `${seg(header)}.${seg({ sub, exp: NOW + 60 })}.${'A'.repeat(43)}`;
    g.text(crafted);
    g.throws(`crafted ${Object.keys(header)}`, () => va.verify(crafted));
  }
  g.throws('sign with crit', () => jws.sign(Buffer.from('x'), a, { header: { crit: [long] } }), Error);
  g.throws('sign unknown kid', () => jwt.encode({ a: 1 }, new KeySet([a]), { header: { kid: long } }));
  g.throws('too large', () => va.verify(token + 'A'.repeat(20_000)));
  g.shows('Verifier', va);
  g.shows('Verifier b', vb);
  g.shows('Key', a);
  g.shows('KeySet', new KeySet([a]));
  g.done(2000);
});

test('key failures and key objects hold no key material', async () => {
  const g = new Guard();
  const keys = {};
  for (const alg of ['HS256', 'HS512', 'ES256', 'ES384', 'EdDSA']) keys[alg] = Key.generate(alg, { kid: alg });
  keys.RS256 = await Key.generateAsync('RS256', { kid: 'RS256' });
  for (const k of Object.values(keys)) g.key(k);
  for (const [alg, key] of Object.entries(keys)) {
    g.shows(alg, key);
    const jwk = key.toJwk({ private: true });
    if (!alg.startsWith('HS')) {
      g.check(`${alg} public JWK`, JSON.stringify(key.toJwk()));
      g.shows(`${alg} public`, key.public());
    } else {
      g.throws(`${alg} public JWK`, () => key.toJwk());
    }
    for (const member of ['k', 'd', 'p', 'q', 'dp', 'dq', 'qi', 'x', 'n']) {
      const v = jwk[member];
      if (v === undefined) continue;
      const mid = v.length >> 1;
      for (const damaged of [v.slice(0, mid) + (v[mid] === 'A' ? 'B' : 'A') + v.slice(mid + 1), v.slice(0, -2), v + 'AAAA', undefined]) {
        const bad = { ...jwk, [member]: damaged };
        if (damaged === undefined) delete bad[member];
        for (const [what, f] of [
          ['object', () => Key.fromJwk(bad)],
          ['text', () => Key.fromJwk(JSON.stringify(bad))],
          ['JWKS', () => KeySet.fromJwks({ keys: [bad] })],
        ]) {
          try {
            f();
          } catch (e) {
            g.error(`${alg} damaged ${member} ${what}`, e);
          }
        }
      }
    }
    const other = alg.startsWith('HS') ? 'ES256' : 'HS256';
    g.throws(`${alg} as ${other}`, () => Key.fromJwk(jwk, { alg: other }));
  }
  const set = new KeySet(Object.values(keys));
  g.shows('KeySet', set);
  g.check('JWKS', JSON.stringify(set.toJwks()));
  const weak = randBytes(16);
  g.secret(weak);
  g.throws('weak bytes', () => Key.hmac(weak));
  const weakText = randText(20);
  g.secret(weakText);
  g.throws('weak string', () => Key.hmac(weakText));
  g.throws('weak oct JWK', () => Key.fromJwk({ kty: 'oct', k: weak.toString('base64url') }));
  const pem =
    '-----BEGIN PRIVATE KEY-----\n' +
    'MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n' +
    '-----END PRIVATE KEY-----\n';
  const ed = Key.fromPem(pem);
  g.key(ed);
  const body = pem.split('\n')[1];
  g.text(body);
  g.secret(Buffer.from(body, 'base64'));
  for (let i = 0; i < body.length; i++) {
    const flipped = pem.replace(body, body.slice(0, i) + (body[i] === 'A' ? 'B' : 'A') + body.slice(i + 1));
    for (const text of [flipped, Buffer.from(flipped)]) {
      try {
        Key.fromPem(text);
      } catch (e) {
        g.error(`PEM flip ${i}`, e);
      }
    }
    g.throws(`PEM cut ${i}`, () => Key.fromPem(pem.replace(body, body.slice(0, i))));
  }
  g.throws('PEM wrong alg', () => Key.fromPem(pem, { alg: 'RS256' }));
  const kid = randText(200);
  g.text(kid);
  const k1 = Key.generate('HS256', { kid });
  const k2 = Key.generate('HS256', { kid });
  g.key(k1);
  g.key(k2);
  g.throws('duplicate kid', () => new KeySet([k1, k2]));
  g.throws('JWKS duplicate kid', () =>
    KeySet.fromJwks({ keys: [k1.toJwk({ private: true }), k2.toJwk({ private: true })] }),
  );
  g.done(800);
});

test('cookie failures and codec objects hold no secret and no cookie', () => {
  const g = new Guard();
  const s1 = randText(48);
  const s2 = randBytes(48);
  g.secret(s1);
  g.secret(s2);
  const data = { user: 'alice', n: [1, 2, 3] };
  for (const encrypted of [false, true]) {
    const c1 = new cookies.SessionCookie([s1], { encrypted, maxAge: 100 });
    const c2 = new cookies.SessionCookie([s2], { encrypted, maxAge: 100 });
    const v = c1.seal(data, { now: NOW });
    rejected(g, `native ${encrypted}`, v, (x) => c1.open(x, { now: NOW }), (x) => c2.open(x, { now: NOW }));
    g.throws('native expired', () => c1.open(v, { now: NOW + 1000 }));
    g.throws('native load', () => c1.load(`session=${v.slice(0, -3)}`, { now: NOW }));
    g.shows('SessionCookie', c1);
    g.shows('OpenedCookie', c1.openInfo(v, { now: NOW }));
  }
  g.throws('native short secret', () => new cookies.SessionCookie([s1.slice(0, 20)]));
  const f1 = new cookies.FlaskCookie(s1);
  const f2 = new cookies.FlaskCookie(s2);
  const fv = f1.dumps(data, { now: NOW });
  rejected(g, 'flask', fv, (x) => f1.loads(x, { now: NOW }), (x) => f2.loads(x, { now: NOW }));
  g.shows('FlaskCookie', f1);
  for (const keyDerivation of ['concat', 'django-concat', 'hmac', 'none']) {
    const a = new cookies.Signer(s1, { keyDerivation });
    const b = new cookies.Signer(s2, { keyDerivation });
    rejected(g, `Signer ${keyDerivation}`, a.sign('value'), (x) => a.unsign(x), (x) => b.unsign(x));
    g.shows('Signer', a);
    const ta = new cookies.TimestampSigner([s2, s1], { keyDerivation });
    const tb = new cookies.TimestampSigner(Buffer.concat([s2, Buffer.from('x')]), { keyDerivation });
    const tv = ta.sign('value', { now: NOW });
    rejected(
      g,
      `TimestampSigner ${keyDerivation}`,
      tv,
      (x) => ta.unsign(x, { maxAge: 60, now: NOW }),
      (x) => tb.unsign(x, { maxAge: 60, now: NOW }),
    );
    g.throws('TimestampSigner expired', () => ta.unsign(tv, { maxAge: 60, now: NOW + 61 }));
    g.shows('TimestampSigner', ta);
  }
  const sa = new cookies.URLSafeTimedSerializer(s1);
  const sb = new cookies.URLSafeTimedSerializer(s2);
  rejected(g, 'URLSafeTimedSerializer', sa.dumps(data, { now: NOW }), (x) => sa.loads(x, { now: NOW }), (x) => sb.loads(x, { now: NOW }));
  g.shows('URLSafeTimedSerializer', sa);
  const e1 = new cookies.ExpressCookieSession([s1]);
  const e2 = new cookies.ExpressCookieSession([s2]);
  const { value, sig } = e1.sign(data);
  g.text(value);
  rejected(g, 'cookie-session sig', sig, (x) => e1.verify(value, x), (x) => e2.verify(value, x));
  rejected(g, 'cookie-session value', value, (x) => e1.verify(x, sig), (x) => e2.verify(x, sig));
  g.shows('ExpressCookieSession', e1);
  const sid = randText(32);
  g.text(sid);
  const x1 = new cookies.ExpressSessionId([s1]);
  const x2 = new cookies.ExpressSessionId([s2]);
  const xv = x1.sign(sid);
  rejected(g, 'express-session', xv, (x) => x1.unsign(x), (x) => x2.unsign(x));
  g.throws('express-session load', () => x1.load(`connect.sid=${xv.replace('.', 'x')}`));
  g.shows('ExpressSessionId', x1);
  const base1 = randText(128);
  const base2 = randBytes(64);
  g.secret(base1);
  g.secret(base2);
  for (const digest of ['sha256', 'sha1']) {
    const r1 = new cookies.RailsCookie(base1, { cookieName: '_app_session', digest });
    const r2 = new cookies.RailsCookie(base2, {
      cookieName: '_app_session',
      digest,
      rotations: [{ secretKeyBase: Buffer.concat([base2, Buffer.from('x')]), digest: 'sha1' }],
    });
    const rv = r1.encrypt(data, { expiresAt: NOW + 60 });
    rejected(g, `rails ${digest}`, rv, (x) => r1.decrypt(x, { now: NOW }), (x) => r2.decrypt(x, { now: NOW }));
    g.throws('rails expired', () => r1.decrypt(rv, { now: NOW + 120 }));
    g.shows('RailsCookie', r2);
  }
  g.throws('rails empty', () => new cookies.RailsCookie(Buffer.alloc(0), { cookieName: '_s' }));
  const session = randText(43);
  g.text(session);
  const k1 = new cookies.CsrfTokens([s1]);
  const k2 = new cookies.CsrfTokens([s2]);
  const t = k1.generate(session);
  rejected(g, 'csrf', t, (x) => k1.verify(session, x), (x) => k2.verify(session, x));
  g.throws('csrf other session', () => k1.verify(randText(43), t));
  g.throws('csrf short secret', () => new cookies.CsrfTokens([s1.slice(0, 20)]));
  g.shows('CsrfTokens', k1);
  // Secrets of the wrong type: the TypeError names types, never values.
  g.throws('secret list with a number', () => new cookies.SessionCookie([s1, 7]), TypeError);
  g.throws('secret object', () => new cookies.CsrfTokens({ [s1]: 1 }), TypeError);
  g.done(5000);
});

function sha256Hex(s) {
  return crypto.createHash('sha256').update(s).digest('hex');
}

test('session failures and session objects hold no id or token', async () => {
  const g = new Guard();
  const store = new sessions.MemoryStore();
  const m = new sessions.SessionManager(store, { ttl: 600, idleTimeout: 60 });
  const sid = await m.create({ a: 1 }, { userId: 'alice' });
  g.text(sid);
  g.text(sha256Hex(sid));
  const s = await m.load(sid);
  assert.equal(s.id, sid);
  assert.equal(JSON.parse(JSON.stringify(s)).id, sid, 'JSON keeps the id');
  g.check('Session inspect', util.inspect(s));
  g.check('Session inspect hidden', util.inspect(s, { showHidden: true, depth: Infinity }));
  await m.save(sid, { a: 2 }, s.version);
  await g.rejects('stale save', m.save(sid, { a: 3 }, s.version));
  const unknown = randText(43);
  g.text(unknown);
  await g.rejects('unknown save', m.save(unknown, {}, 0));
  await g.rejects('unknown merge', m.merge(unknown, {}));
  const rotated = await m.rotate(sid);
  g.text(rotated);
  g.shows('SessionManager', m);
  g.shows('MemoryStore', store);
  const rt = new sessions.RefreshTokens(store, { ttl: 600 });
  const t0 = await rt.issue('bob', { scope: 'x' });
  g.text(t0);
  const r1 = await rt.rotate(t0);
  g.text(r1.token);
  g.check('Rotated inspect', util.inspect(r1));
  g.check('Rotated inspect hidden', util.inspect(r1, { showHidden: true, depth: Infinity }));
  assert.equal(JSON.parse(JSON.stringify(r1)).token, r1.token, 'JSON keeps the token');
  await g.rejects('reused', rt.rotate(t0));
  await g.rejects('revoked family', rt.rotate(r1.token));
  await g.rejects('unknown refresh', rt.rotate(unknown));
  const odd = randText(30) + '!'.repeat(13);
  g.text(odd);
  await g.rejects('not a token', rt.rotate(odd));
  g.shows('RefreshTokens', rt);
  const deny = new sessions.Denylist(store);
  const jti = randText(40);
  g.text(jti);
  await deny.revoke(jti, NOW * 10);
  const key = Key.generate('HS256');
  g.key(key);
  const token = jwt.encode({ jti, exp: NOW + 60 }, key);
  g.text(token);
  const v = new Verifier(key, { now: NOW, denylist: deny });
  g.throws('revoked', () => v.verify(token));
  await g.rejects('revoked async', v.verifyAsync(token));
  g.shows('Denylist', deny);
  g.shows('Verifier with denylist', v);
  const password = randText(32);
  g.text(password);
  for (const url of [`redis://user:${password}@127.0.0.1:1/0`, `redis+unix:///tmp/tessera-none.sock?pass=${password}`]) {
    const r = new sessions.RedisStore(url, { connectTimeout: 0.2, ioTimeout: 0.2 });
    g.shows('RedisStore', r);
    await g.rejects('redis unreachable', r.ping());
  }
  g.throws('redis bad URL', () => new sessions.RedisStore(`nope://:${password}@host`));
  g.done(60);
});
