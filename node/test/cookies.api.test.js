'use strict';
// The `cookies` API surface: argument checks (TypeError before any native
// call), configuration errors with the core's codes, Flask's tagged form,
// string-in/string-out vs bytes, time options, header helpers, and that
// nothing secret shows up when objects are printed.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const tessera = require('..');
const { cookies, TesseraError } = tessera;

const S32 = '0123456789abcdef0123456789abcdef';
const NOW = 1763000000;

function isCode(code) {
  return (e) => {
    assert.ok(e instanceof TesseraError, `expected TesseraError, got ${e && e.name}: ${e && e.message}`);
    assert.equal(e.code, code, e.message);
    assert.ok(e.message.length > 0);
    return true;
  };
}

test('exports: a frozen namespace of classes and functions', () => {
  assert.ok(Object.isFrozen(cookies));
  assert.deepEqual(Object.keys(cookies).sort(), [
    'CsrfTokens', 'ExpressCookieSession', 'ExpressSessionId', 'FlaskCookie', 'RailsCookie', 'SessionCookie',
    'Signer', 'TimestampSigner', 'URLSafeTimedSerializer', 'deleteCookie', 'parseCookie', 'setCookie',
  ]);
});

test('wrong argument types are TypeErrors naming the argument', () => {
  const cases = [
    [() => new cookies.Signer(), /secretKey is required/],
    [() => new cookies.Signer(42), /secretKey must be/],
    [() => new cookies.Signer('k', { salt: 5 }), /salt must be/],
    [() => new cookies.Signer('k', { sep: Buffer.from('.') }), /sep must be a string/],
    [() => new cookies.Signer('k', { digest: 'sha1' }), /unknown option "digest"/],
    [() => new cookies.Signer('k').unsign(null), /signed is required|signed must be/],
    [() => new cookies.TimestampSigner('k').sign('v', { now: 'today' }), /now must be/],
    [() => new cookies.TimestampSigner('k').unsign('v', { maxAge: '5' }), /maxAge must be/],
    [() => new cookies.TimestampSigner('k').unsign('v', { returnTimestamp: 1 }), /returnTimestamp must be/],
    [() => new cookies.URLSafeTimedSerializer('k').dumps(undefined), /value is required/],
    [() => new cookies.URLSafeTimedSerializer('k').dumps(() => 1), /value must be a JSON-serializable/],
    [() => new cookies.URLSafeTimedSerializer('k').loads(5), /signed must be a string/],
    [() => new cookies.FlaskCookie('k', { fallbacks: 'old' }), /fallbacks must be an array/],
    [() => new cookies.FlaskCookie('k').dumps([1]), /session must be an object/],
    [() => new cookies.FlaskCookie('k').loads(Buffer.from('x')), /cookie must be a string/],
    [() => new cookies.ExpressCookieSession(['k'], { name: 5 }), /name must be a string/],
    [() => new cookies.ExpressCookieSession(['k']).verify('v'), /sig is required/],
    [() => new cookies.ExpressCookieSession(['k']).load(undefined), /cookieHeader is required/],
    [() => new cookies.ExpressSessionId([1]), /secrets\[0\] must be/],
    [() => new cookies.SessionCookie(S32, { encrypted: 'yes' }), /encrypted must be a boolean/],
    [() => new cookies.SessionCookie(S32, { sameSite: true }), /sameSite must be a string/],
    [() => new cookies.SessionCookie(S32, { expires: 'soon' }), /expires must be/],
    [() => new cookies.SessionCookie(S32, { maxAge: new Date() }), /maxAge must be a number/],
    [() => new cookies.SessionCookie(S32).seal('{}', { now: new Date(NaN) }), /now must be a valid Date/],
    [() => cookies.setCookie('a', 1), /value must be a string/],
    [() => cookies.setCookie('a', 'b', { expires: 'tomorrow' }), /expires must be/],
    [() => cookies.parseCookie(), /header is required/],
    [() => new cookies.RailsCookie('k'), /options is required/],
    [() => new cookies.RailsCookie('k', {}), /cookieName is required/],
    [() => new cookies.RailsCookie('k', { cookieName: 'c', rotations: [{ key: 'x' }] }), /unknown option "key"/],
    [() => new cookies.CsrfTokens(S32).verify('sid'), /token is required/],
  ];
  for (const [f, re] of cases) assert.throws(f, (e) => e instanceof TypeError && re.test(e.message), String(f));
});

test('bad configuration and input: the core\'s codes', () => {
  assert.throws(() => new cookies.Signer([]), isCode('INVALID_KEY'));
  assert.throws(() => new cookies.Signer('k', { sep: 'a' }), isCode('INVALID_ARGUMENT'));
  assert.throws(() => new cookies.Signer('k', { digestMethod: 'md5' }), isCode('INVALID_ARGUMENT'));
  assert.throws(() => new cookies.Signer('k', { keyDerivation: 'pbkdf2' }), isCode('INVALID_ARGUMENT'));
  assert.throws(() => new cookies.TimestampSigner('k').unsign('v.x.y', { maxAge: -1 }), isCode('INVALID_ARGUMENT'));
  assert.throws(() => new cookies.FlaskCookie('k', { maxAge: -5 }), isCode('INVALID_ARGUMENT'));
  assert.throws(() => new cookies.FlaskCookie('k').dumps('{"a":1,"a":2}'), isCode('INVALID_ARGUMENT'));
  assert.throws(() => new cookies.FlaskCookie('k').dumps({ a: { ' t': 1 } }), isCode('INVALID_ARGUMENT'));
  assert.throws(() => new cookies.FlaskCookie('k').dumps({}, { now: -1 }), isCode('INVALID_ARGUMENT'));
  assert.throws(() => new cookies.ExpressCookieSession([]), isCode('INVALID_ARGUMENT'));
  assert.throws(() => new cookies.ExpressCookieSession(['']), isCode('INVALID_KEY'));
  assert.throws(() => new cookies.ExpressCookieSession(['k'], { name: 'a b' }), isCode('INVALID_ARGUMENT'));
  assert.throws(() => new cookies.ExpressCookieSession(['k']).sign('[1]'), isCode('INVALID_ARGUMENT'));
  assert.throws(() => new cookies.ExpressCookieSession(['k']).verify('e30=', 'not base64!'), isCode('INVALID_SIGNATURE'));
  assert.throws(() => new cookies.SessionCookie('short'), isCode('INVALID_KEY'));
  assert.throws(() => new cookies.SessionCookie([]), isCode('INVALID_KEY'));
  assert.throws(() => new cookies.SessionCookie(S32, { name: '__Host-s', secure: false }), isCode('INVALID_ARGUMENT'));
  assert.throws(() => new cookies.SessionCookie(S32, { sameSite: 'sometimes' }), isCode('INVALID_ARGUMENT'));
  assert.throws(() => new cookies.SessionCookie(S32, { sameSite: 'None', secure: false }), isCode('INVALID_ARGUMENT'));
  assert.throws(() => new cookies.SessionCookie(S32).seal('[]'), isCode('INVALID_ARGUMENT'));
  assert.throws(() => new cookies.SessionCookie(S32).load('a=1'), isCode('SESSION_NOT_FOUND'));
  assert.throws(() => new cookies.SessionCookie(S32).load(`a=${'x'.repeat(70000)}`), isCode('TOO_LARGE'));
  assert.throws(() => new cookies.CsrfTokens('short'), isCode('INVALID_KEY'));
  assert.throws(() => new cookies.CsrfTokens(S32).verify('s', 'abc'), isCode('MALFORMED'));
  assert.throws(() => new cookies.RailsCookie('', { cookieName: 'c' }), isCode('INVALID_KEY'));
  assert.throws(() => new cookies.RailsCookie('k', { cookieName: 'c', digest: 'md5' }), isCode('INVALID_ARGUMENT'));
  assert.throws(() => new cookies.RailsCookie('k', { cookieName: 'c d' }), isCode('INVALID_ARGUMENT'));
  assert.throws(() => new cookies.RailsCookie('k', { cookieName: 'c' }).encrypt(undefined), TypeError);
  assert.throws(() => cookies.setCookie('a b', 'v'), isCode('INVALID_ARGUMENT'));
  assert.throws(() => cookies.setCookie('a', 'v;Domain=evil'), isCode('INVALID_ARGUMENT'));
  assert.throws(() => cookies.setCookie('__Secure-a', 'v', { secure: false }), isCode('INVALID_ARGUMENT'));
});

test('Signer: strings give strings, bytes give Buffers; validate', () => {
  const s = new cookies.Signer(['old', 'new'], { salt: 'salt', digestMethod: 'sha256', keyDerivation: 'hmac' });
  const signed = s.sign('hello');
  assert.equal(typeof signed, 'string');
  assert.ok(signed.startsWith('hello.'));
  assert.equal(s.unsign(signed), 'hello');
  const bin = s.sign(new Uint8Array([0, 255, 1]));
  assert.ok(Buffer.isBuffer(bin));
  assert.deepEqual([...s.unsign(bin)], [0, 255, 1]);
  assert.equal(s.validate(signed), true);
  assert.equal(s.validate(`${signed}x`), false);
  assert.equal(new cookies.Signer('old', { salt: 'salt', digestMethod: 'sha256', keyDerivation: 'hmac' }).validate(signed), false);
  // The oldest secret still opens; only the newest signs.
  const byOld = new cookies.Signer('old', { salt: 'salt', digestMethod: 'sha256', keyDerivation: 'hmac' }).sign('x');
  assert.equal(s.unsign(byOld), 'x');
  assert.throws(() => s.unsign('no-separator'), isCode('MALFORMED'));
});

test('TimestampSigner: maxAge, future timestamps, Date for now, returnTimestamp', () => {
  const ts = new cookies.TimestampSigner('k');
  const signed = ts.sign('v', { now: new Date(NOW * 1000 + 999) });
  assert.deepEqual(ts.unsign(signed, { returnTimestamp: true, now: NOW }), { value: 'v', timestamp: NOW });
  assert.equal(ts.unsign(signed, { maxAge: 10, now: NOW + 10 }), 'v');
  assert.throws(() => ts.unsign(signed, { maxAge: 10, now: NOW + 11 }), isCode('EXPIRED'));
  assert.throws(() => ts.unsign(signed, { maxAge: 10, now: NOW - 1 }), isCode('ISSUED_IN_FUTURE'));
  assert.equal(ts.unsign(signed, { maxAge: Infinity, now: NOW + 1e9 }), 'v');
  assert.equal(ts.validate(signed, { maxAge: 10, now: NOW + 11 }), false);
  // Without `now`, the system clock: a fresh signature is 0 seconds old.
  assert.equal(ts.unsign(ts.sign('w'), { maxAge: 5 }), 'w');
});

test('FlaskCookie: tagged JSON form both ways; maxAge default, custom and null', () => {
  const fc = new cookies.FlaskCookie('flask-interop-secret-key-1');
  const session = {
    bytes: { ' b': Buffer.from('ab').toString('base64') },
    tuple: { ' t': [1, 'x'] },
    uuid: { ' u': '00000000000000000000000000000001' },
    when: { ' d': 'Fri, 31 Dec 1999 23:59:59 GMT' },
    markup: { ' m': '<i>x</i>' },
    dictWithTagKey: { ' di': { ' t__': 1 } },
  };
  const cookie = fc.dumps(session, { now: NOW });
  assert.deepEqual(fc.loads(cookie, { now: NOW }), session);
  assert.equal(fc.loads(cookie, { now: NOW + 2678400 }).tuple[' t'][1], 'x');
  assert.throws(() => fc.loads(cookie, { now: NOW + 2678401 }), isCode('EXPIRED'));
  assert.throws(() => new cookies.FlaskCookie('flask-interop-secret-key-1', { maxAge: 60 }).loads(cookie, { now: NOW + 61 }), isCode('EXPIRED'));
  assert.deepEqual(new cookies.FlaskCookie('flask-interop-secret-key-1', { maxAge: null }).loads(cookie, { now: NOW + 1e8 }).markup, { ' m': '<i>x</i>' });
  // Rotation: a fallback opens, the current key signs.
  const rotated = new cookies.FlaskCookie('next-key', { fallbacks: ['flask-interop-secret-key-1'] });
  assert.deepEqual(rotated.loads(cookie, { now: NOW }), session);
  assert.throws(() => fc.loads(rotated.dumps({ a: 1 }, { now: NOW }), { now: NOW }), isCode('INVALID_SIGNATURE'));
  // A different salt is a different key.
  assert.throws(() => new cookies.FlaskCookie('flask-interop-secret-key-1', { salt: 'other' }).loads(cookie, { now: NOW }), isCode('INVALID_SIGNATURE'));
});

test('URLSafeTimedSerializer: any JSON value, compression of large payloads', () => {
  const s = new cookies.URLSafeTimedSerializer('k');
  for (const v of ['text', 42, null, [1, { a: 'é' }], { nested: { deep: [true] } }]) {
    assert.deepEqual(s.loads(s.dumps(v, { now: NOW }), { now: NOW }), v);
  }
  const big = s.dumps({ list: Array.from({ length: 300 }, (_, i) => i) }, { now: NOW });
  assert.ok(big.startsWith('.'), 'compressed payloads start with "."');
  assert.equal(s.loads(big, { now: NOW }).list[299], 299);
  assert.throws(() => new cookies.URLSafeTimedSerializer('k', { salt: 'x' }).loads(big), isCode('INVALID_SIGNATURE'));
});

test('header helpers', () => {
  assert.equal(cookies.setCookie('sid', 'abc'), 'sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax');
  assert.equal(
    cookies.setCookie('a', 'b', { path: '/x', domain: 'example.com', maxAge: 60, expires: new Date(784111777000), sameSite: 'strict', httpOnly: false }),
    'a=b; Path=/x; Domain=example.com; Max-Age=60; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Secure; SameSite=Strict',
  );
  assert.equal(cookies.setCookie('a', 'b', { path: false, sameSite: false, secure: false }), 'a=b; HttpOnly');
  assert.equal(cookies.deleteCookie('a', { path: '/x' }), 'a=; Path=/x; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; HttpOnly; SameSite=Lax');
  const parsed = cookies.parseCookie(' a=1; b="two" ;junk; __proto__=x; a=3');
  assert.equal(Object.getPrototypeOf(parsed), null);
  assert.deepEqual(Object.entries(parsed), [['a', '1'], ['b', 'two'], ['__proto__', 'x']]);
});

test('SessionCookie: attributes, rotation, reissue, chunk clean-up', () => {
  const sc = new cookies.SessionCookie([S32, 'f'.repeat(32)], { name: 'sess', maxAge: 600, sameSite: 'Strict', domain: 'example.com' });
  assert.equal(sc.name, 'sess');
  const [line] = sc.setCookieHeaders({ u: 1 }, { now: NOW });
  assert.match(line, /^sess=t1\.[A-Za-z0-9_-]+; Path=\/; Domain=example\.com; Max-Age=600; Secure; HttpOnly; SameSite=Strict$/);
  const value = line.slice(5, line.indexOf(';'));
  assert.deepEqual(sc.load(`sess=${value}`, { now: NOW + 600 }), { data: { u: 1 }, issuedAt: NOW, needsReissue: false });
  assert.throws(() => sc.open(value, { now: NOW + 601 }), isCode('EXPIRED'));
  const old = new cookies.SessionCookie('f'.repeat(32), { name: 'sess' }).seal({ u: 2 }, { now: NOW });
  assert.equal(sc.openInfo(old, { now: NOW }).needsReissue, true);
  // Another cookie name never opens it.
  assert.throws(() => new cookies.SessionCookie(S32, { name: 'other' }).open(value, { now: NOW }), isCode('INVALID_SIGNATURE'));
  // Stale chunks in the request are deleted when a single cookie is written.
  const lines = sc.setCookieHeaders({ u: 3 }, { now: NOW, requestCookieHeader: 'sess.0=2.x; sess.1=y; other=1' });
  assert.deepEqual(lines.slice(1).map((l) => l.split(';')[0]), ['sess.0=', 'sess.1=']);
  assert.deepEqual(sc.clearCookieHeaders({ requestCookieHeader: 'sess.1=y' }).map((l) => l.split(';')[0]), ['sess=', 'sess.1=']);
});

test('printing never shows secrets', () => {
  const secret = 'super-secret-value-0123456789abcdef';
  for (const o of [
    new cookies.Signer(secret),
    new cookies.TimestampSigner(secret),
    new cookies.URLSafeTimedSerializer(secret),
    new cookies.FlaskCookie(secret),
    new cookies.ExpressCookieSession([secret]),
    new cookies.ExpressSessionId(secret),
    new cookies.SessionCookie(secret),
    new cookies.CsrfTokens(secret),
    new cookies.RailsCookie(secret, { cookieName: 'c' }),
  ]) {
    const shown = util.inspect(o, { showHidden: true, depth: 5 }) + JSON.stringify(o);
    assert.ok(!shown.includes('super-secret'), shown);
  }
});

test('ESM: cookies is the same namespace', async () => {
  const esm = await import('tessera');
  assert.equal(esm.cookies, cookies);
  assert.equal(esm.default.cookies, cookies);
});
