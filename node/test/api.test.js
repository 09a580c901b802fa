'use strict';
// The public API: argument validation (TypeError), TesseraError and codes from
// sync and async paths, keys, key sets, jwt and jws round trips.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const tessera = require('..');
const { Key, KeySet, Verifier, TesseraError, jwt, jws, errorCodes, algorithms } = tessera;

const SECRET = '0123456789abcdef0123456789abcdef';
const NOW = 1700000000;
const hs = Key.hmac(SECRET, { kid: 'h1' });
const es = Key.generate('ES256', { kid: 'e1' });
const claims = { sub: 'u1', iss: 'https://issuer.example', exp: NOW + 60, iat: NOW };

/** Asserts a TesseraError with `code` (and `claim`). */
function isTessera(code, claim) {
  return (e) => {
    assert.ok(e instanceof TesseraError, `expected TesseraError, got ${e && e.name}: ${e && e.message}`);
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'TesseraError');
    assert.equal(e.code, code, e.message);
    if (claim !== undefined) assert.equal(e.claim, claim);
    assert.equal(typeof e.message, 'string');
    assert.ok(e.message.length > 0);
    return true;
  };
}

test('exports', () => {
  assert.equal(typeof tessera.version, 'string');
  assert.equal(errorCodes.length, 27);
  assert.equal(errorCodes[0], 'MALFORMED');
  assert.equal(errorCodes[25], 'INTERNAL');
  assert.equal(errorCodes[26], 'JWKS_UNAVAILABLE');
  assert.deepEqual([...algorithms], ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA']);
  assert.ok(Object.isFrozen(jwt) && Object.isFrozen(jws) && Object.isFrozen(errorCodes));
});

test('TesseraError is an Error subclass users can construct and match', () => {
  const e = new TesseraError('EXPIRED', 'token has expired', { claim: 'exp' });
  assert.ok(e instanceof Error && e instanceof TesseraError);
  assert.equal(e.code, 'EXPIRED');
  assert.equal(e.claim, 'exp');
  assert.equal(String(e), 'TesseraError: token has expired');
  assert.match(e.stack, /TesseraError: token has expired/);
});

test('keys: properties, JWK, thumbprint, public half', () => {
  assert.equal(hs.alg, 'HS256');
  assert.equal(hs.kid, 'h1');
  assert.equal(hs.isPrivate, true);
  assert.equal(Key.hmac(Buffer.from(SECRET)).kid, undefined);
  assert.equal(Key.hmac(new TextEncoder().encode(SECRET + SECRET + SECRET), { alg: 'HS384' }).alg, 'HS384');
  const jwk = hs.toJwk({ private: true });
  assert.equal(jwk.kty, 'oct');
  assert.equal(Buffer.from(jwk.k, 'base64url').toString(), SECRET);
  assert.throws(() => hs.toJwk(), isTessera('INVALID_KEY'));
  assert.throws(() => hs.public(), isTessera('INVALID_KEY'));

  const pub = es.public();
  assert.equal(pub.isPrivate, false);
  assert.equal(pub.alg, 'ES256');
  assert.equal(pub.kid, 'e1');
  assert.equal(pub.thumbprint(), es.thumbprint());
  assert.equal(es.toJwk().d, undefined);
  assert.equal(typeof es.toJwk({ private: true }).d, 'string');
  const again = Key.fromJwk(JSON.stringify(es.toJwk({ private: true })));
  assert.equal(again.thumbprint(), es.thumbprint());
  assert.equal(again.isPrivate, true);
  assert.equal(Key.fromJwk(es.toJwk(), { kid: 'other' }).kid, 'other');
  assert.throws(() => Key.fromJwk(es.toJwk(), { alg: 'ES384' }), isTessera('INVALID_KEY'));

  // inspect never shows key material
  const shown = require('node:util').inspect(hs);
  assert.equal(shown, "Key { alg: 'HS256', kid: 'h1', isPrivate: true }");
  assert.deepEqual(JSON.parse(JSON.stringify(hs)), { alg: 'HS256', kid: 'h1', isPrivate: true });
});

test('keys: raw sign and verify', () => {
  const sig = es.sign('message');
  assert.ok(Buffer.isBuffer(sig));
  assert.equal(sig.length, 64);
  es.public().verify(Buffer.from('message'), sig);
  assert.throws(() => es.public().verify('massage', sig), isTessera('INVALID_SIGNATURE'));
  assert.throws(() => es.public().sign('x'), isTessera('INVALID_KEY'));
});

test('keys: load errors carry codes', () => {
  assert.throws(() => Key.hmac('short'), isTessera('INVALID_KEY'));
  assert.equal(Key.hmac('short', { allowWeak: true }).alg, 'HS256');
  assert.throws(() => Key.hmac(SECRET, { alg: 'none' }), isTessera('ALGORITHM_NOT_ALLOWED'));
  assert.throws(() => Key.hmac(SECRET, { alg: 'ES512' }), isTessera('UNSUPPORTED_ALGORITHM'));
  assert.throws(() => Key.hmac(SECRET, { alg: 'RS256' }), isTessera('INVALID_KEY'));
  assert.throws(() => Key.fromPem('-----BEGIN NONSENSE-----\n-----END NONSENSE-----\n'), isTessera('INVALID_KEY'));
  assert.throws(() => Key.fromJwk('{"kty":"oct"'), (e) => e instanceof TesseraError);
  assert.throws(() => Key.generate('HS999'), isTessera('UNSUPPORTED_ALGORITHM'));
  const pem = Buffer.from(
    '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n',
  );
  const ed = Key.fromPem(pem, { kid: 'ed' });
  assert.equal(ed.alg, 'EdDSA');
  assert.equal(ed.isPrivate, false);
});

test('key sets: JWKS round trip, kid selection, rotation order', () => {
  const a = Key.generate('ES256', { kid: 'a' });
  const b = Key.generate('EdDSA', { kid: 'b' });
  const set = new KeySet([a, b]);
  assert.equal(set.size, 2);
  assert.deepEqual(set.keys().map((k) => k.kid), ['a', 'b']);
  assert.deepEqual([...set].map((k) => k.alg), ['ES256', 'EdDSA']);
  const jwks = set.toJwks();
  assert.equal(jwks.keys.length, 2);
  assert.ok(jwks.keys.every((k) => k.d === undefined));
  const pub = KeySet.fromJwks(jwks);
  const pub2 = KeySet.fromJwks(JSON.stringify(jwks));
  assert.equal(pub.size, 2);
  assert.equal(pub2.skipped, 0);
  // signing with a set picks the first private key (or the one named by kid)
  const t1 = jwt.encode(claims, set);
  assert.equal(jwt.decodeUnverified(t1).header.kid, 'a');
  const t2 = jwt.encode(claims, set, { header: { kid: 'b' } });
  assert.equal(jwt.decodeUnverified(t2).header.alg, 'EdDSA');
  for (const t of [t1, t2]) assert.equal(jwt.decode(t, pub, { now: NOW }).sub, 'u1');
  assert.throws(() => jwt.encode(claims, set, { header: { kid: 'zz' } }), isTessera('KEY_NOT_FOUND'));
  assert.throws(() => jwt.encode(claims, pub), isTessera('KEY_NOT_FOUND'));
  assert.throws(() => new KeySet([a, Key.generate('ES256', { kid: 'a' })]), isTessera('INVALID_ARGUMENT'));
  const mixed = KeySet.fromJwks({ keys: [{ kty: 'EC', crv: 'P-521', x: 'AA', y: 'AA' }, a.public().toJwk()] });
  assert.equal(mixed.size, 1);
  assert.equal(mixed.skipped, 1);
  assert.throws(() => KeySet.fromJwks({ keys: [{ kty: 'XX' }] }), isTessera('INVALID_KEY'));
  assert.equal(new KeySet().size, 0);
  assert.throws(() => new Verifier(new KeySet([])), isTessera('INVALID_ARGUMENT'));
});

test('jwt: encode/decode round trip and strict defaults', () => {
  const token = jwt.encode(claims, hs);
  const { header } = jwt.decodeUnverified(token);
  assert.deepEqual(header, { alg: 'HS256', typ: 'JWT', kid: 'h1' });
  assert.deepEqual(jwt.decode(token, hs, { now: NOW }), claims);
  // strings are signed byte for byte
  const text = '{"sub":"u1",  "exp":4102444800}';
  const t2 = jwt.encode(text, hs, { header: '{"typ":"at+jwt"}' });
  assert.equal(Buffer.from(t2.split('.')[1], 'base64url').toString(), text);
  assert.equal(jwt.decode(t2, hs, { typ: 'at+jwt' }).sub, 'u1');
  assert.throws(() => jwt.decode(t2, hs, { typ: 'JWT' }), isTessera('INVALID_TYPE'));
  // exp required by default
  const noExp = jwt.encode({ sub: 'x' }, hs);
  assert.throws(() => jwt.decode(noExp, hs), isTessera('MISSING_CLAIM', 'exp'));
  assert.equal(jwt.decode(noExp, hs, { required: [] }).sub, 'x');
  // claim checks, each with its code and claim
  assert.throws(() => jwt.decode(token, hs, { now: NOW + 60 }), isTessera('EXPIRED', 'exp'));
  assert.equal(jwt.decode(token, hs, { now: NOW + 60, leeway: 1 }).sub, 'u1');
  assert.equal(jwt.decode(token, hs, { now: NOW + 600, verifyExp: false }).sub, 'u1');
  assert.throws(() => jwt.decode(token, hs, { now: NOW, issuer: 'other' }), isTessera('INVALID_ISSUER', 'iss'));
  assert.equal(jwt.decode(token, hs, { now: NOW, issuer: ['x', 'https://issuer.example'] }).sub, 'u1');
  assert.throws(() => jwt.decode(token, hs, { now: NOW, subject: 'u2' }), isTessera('INVALID_SUBJECT', 'sub'));
  assert.throws(() => jwt.decode(token, hs, { now: NOW + 30, maxAge: 10 }), isTessera('TOO_OLD', 'iat'));
  assert.throws(() => jwt.decode(token, hs, { now: new Date((NOW + 61) * 1000) }), isTessera('EXPIRED'));
  assert.throws(() => jwt.decode(token, hs, { now: NOW, algorithms: ['HS384'] }), isTessera('ALGORITHM_NOT_ALLOWED'));
  assert.throws(() => jwt.decode(token, hs, { now: NOW, leeway: -1 }), isTessera('INVALID_ARGUMENT'));
  assert.throws(() => jwt.decode(token, hs, { now: NOW, maxTokenBytes: 10 }), isTessera('TOO_LARGE'));
  const aud = jwt.encode({ ...claims, aud: ['a', 'b'] }, hs);
  assert.throws(() => jwt.decode(aud, hs, { now: NOW }), isTessera('INVALID_AUDIENCE', 'aud'));
  assert.equal(jwt.decode(aud, hs, { now: NOW, audience: 'b' }).sub, 'u1');
  const nbf = jwt.encode({ ...claims, nbf: NOW + 10 }, hs);
  assert.throws(() => jwt.decode(nbf, hs, { now: NOW }), isTessera('NOT_YET_VALID', 'nbf'));
  assert.equal(jwt.decode(nbf, hs, { now: NOW, verifyNbf: false }).sub, 'u1');
  const badType = jwt.encode({ exp: 'soon' }, hs);
  assert.throws(() => jwt.decode(badType, hs), isTessera('INVALID_CLAIM', 'exp'));
  // signatures, keys, structure
  const other = Key.hmac('another-secret-another-secret-32b', { kid: 'h1' });
  assert.throws(() => jwt.decode(token, other, { now: NOW }), isTessera('INVALID_SIGNATURE'));
  assert.throws(() => jwt.decode(token, es.public(), { now: NOW }), isTessera('ALGORITHM_NOT_ALLOWED'));
  assert.throws(() => jwt.decode('not-a-token', hs), isTessera('MALFORMED'));
  assert.throws(() => jwt.decode('', hs), isTessera('MALFORMED'));
  assert.throws(() => jwt.decode('a'.repeat(20000), hs), isTessera('TOO_LARGE'));
  assert.throws(() => jwt.encode(claims, es.public()), isTessera('INVALID_KEY'));
  assert.throws(() => jwt.encode('[1]', hs), isTessera('INVALID_ARGUMENT'));
  assert.throws(() => jwt.encode(claims, hs, { header: { crit: ['b64'] } }), (e) => e instanceof TesseraError);
  assert.throws(() => jwt.decodeUnverified('x.y'), isTessera('MALFORMED'));
});

test('jwt: alg none and unsigned tokens are refused', () => {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', exp: NOW + 60 })}.`;
  assert.throws(() => jwt.decode(none, hs, { now: NOW }), isTessera('ALGORITHM_NOT_ALLOWED'));
});

test('jws: arbitrary payloads, detached verification', () => {
  const bin = Buffer.from([0, 1, 2, 255]);
  const token = jws.sign(bin, es);
  assert.deepEqual(jws.verify(token, es.public()), bin);
  assert.ok(Buffer.isBuffer(jws.verify(token, es)));
  const t2 = jws.sign('hello', hs, { header: { cty: 'text/plain' } });
  assert.equal(jws.verify(t2, hs).toString(), 'hello');
  assert.equal(jwt.decodeUnverified !== undefined, true);
  const [h, , s] = t2.split('.');
  jws.verifyDetached(`${h}..${s}`, 'hello', hs);
  assert.throws(() => jws.verifyDetached(`${h}..${s}`, 'hellO', hs), isTessera('INVALID_SIGNATURE'));
  assert.throws(() => jws.verify(t2.slice(0, -2), hs), (e) => e instanceof TesseraError);
});

test('async paths reject with the same TesseraError codes', async () => {
  const rsa = await Key.generateAsync('RS256', { kid: 'r1' });
  assert.equal(rsa.alg, 'RS256');
  assert.equal(rsa.isPrivate, true);
  for (const key of [hs, es, rsa]) {
    const token = await jwt.encodeAsync(claims, key);
    const verifyKey = key === hs ? hs : key.public();
    assert.deepEqual(await jwt.decodeAsync(token, verifyKey, { now: NOW }), claims);
    const v = new Verifier(verifyKey, { now: NOW + 61 });
    assert.throws(() => v.verify(token), isTessera('EXPIRED', 'exp'));
    await assert.rejects(v.verifyAsync(token), isTessera('EXPIRED', 'exp'));
    await assert.rejects(jwt.decodeAsync(token, verifyKey, { now: NOW, issuer: 'x' }), isTessera('INVALID_ISSUER', 'iss'));
    await assert.rejects(jwt.decodeAsync(token, verifyKey, { now: NOW, leeway: -1 }), isTessera('INVALID_ARGUMENT'));
    await assert.rejects(new Verifier(verifyKey).verifyAsync('x.y.z'), isTessera('MALFORMED'));
    const signed = await jws.signAsync('payload', new KeySet([key]));
    assert.equal(jws.verify(signed, verifyKey).toString(), 'payload');
  }
  await assert.rejects(jwt.encodeAsync(claims, es.public()), isTessera('INVALID_KEY'));
  await assert.rejects(jwt.encodeAsync(claims, new KeySet([es.public()])), isTessera('KEY_NOT_FOUND'));
  await assert.rejects(Key.generateAsync('ES512'), isTessera('UNSUPPORTED_ALGORITHM'));
  await assert.rejects(Key.generateAsync('none'), isTessera('ALGORITHM_NOT_ALLOWED'));
});

test('wrong argument types throw TypeError (sync) or reject with it (async)', async () => {
  const token = jwt.encode(claims, hs);
  const v = new Verifier(hs);
  const bad = [
    () => Key.hmac(),
    () => Key.hmac(42),
    () => Key.hmac({}),
    () => Key.hmac(SECRET, 'HS256'),
    () => Key.hmac(SECRET, { alg: 256 }),
    () => Key.hmac(SECRET, { kid: 7 }),
    () => Key.hmac(SECRET, { allowWeak: 'yes' }),
    () => Key.hmac(SECRET, { algorithm: 'HS256' }),
    () => Key.fromPem(),
    () => Key.fromPem(123),
    () => Key.fromJwk(),
    () => Key.fromJwk([1]),
    () => Key.fromJwk(null),
    () => Key.generate(),
    () => Key.generate('ES256', { kid: {} }),
    () => new Key(),
    () => new Key('x'),
    () => new KeySet('abc'),
    () => new KeySet([hs, 'k']),
    () => new KeySet(null),
    () => new KeySet(5),
    () => KeySet.fromJwks(5),
    () => hs.toJwk({ private: 1 }),
    () => hs.toJwk('private'),
    () => hs.sign(5),
    () => hs.verify('x'),
    () => new Verifier(),
    () => new Verifier(SECRET),
    () => new Verifier(hs, 'strict'),
    () => new Verifier(hs, { leeway: '5' }),
    () => new Verifier(hs, { leeway: NaN }),
    () => new Verifier(hs, { issuer: 5 }),
    () => new Verifier(hs, { audience: ['a', 1] }),
    () => new Verifier(hs, { algorithms: 'HS256' }),
    () => new Verifier(hs, { required: 'exp' }),
    () => new Verifier(hs, { verifyExp: 0 }),
    () => new Verifier(hs, { now: '2024' }),
    () => new Verifier(hs, { now: new Date('nope') }),
    () => new Verifier(hs, { max_age: 5 }),
    () => new Verifier(hs, { expiresIn: 5 }),
    () => new Verifier(hs, { constructor: 5 }),
    () => v.verify(),
    () => v.verify(42),
    () => v.verify(Buffer.from(token)),
    () => jwt.encode(),
    () => jwt.encode(claims),
    () => jwt.encode(claims, SECRET),
    () => jwt.encode(42, hs),
    () => jwt.encode([claims], hs),
    () => jwt.encode(null, hs),
    () => jwt.encode(claims, hs, { header: 5 }),
    () => jwt.encode(claims, hs, { expiresIn: 60 }),
    () => jwt.decode(),
    () => jwt.decode(token),
    () => jwt.decode(token, 'secret'),
    () => jwt.decode(token, hs, { algorithm: 'HS256' }),
    () => jwt.decode(null, hs),
    () => jwt.decodeUnverified(),
    () => jwt.decodeUnverified({}),
    () => jws.sign(),
    () => jws.sign(5, hs),
    () => jws.sign('x', {}),
    () => jws.verify(5, hs),
    () => jws.verify('a.b.c', null),
    () => jws.verifyDetached('a..c', 5, hs),
    // look-alikes are not keys
    () => jwt.decode(token, Object.create(Key.prototype)),
    () => new Verifier(Object.create(KeySet.prototype)),
    () => jwt.encode(claims, { alg: 'HS256', kid: 'h1', isPrivate: true }),
    () => new KeySet([Object.create(Key.prototype)]),
  ];
  for (const f of bad) {
    assert.throws(f, TypeError, f.toString());
    try {
      f();
    } catch (e) {
      assert.ok(!(e instanceof TesseraError));
      assert.ok(e.message.length > 10, e.message);
    }
  }
  const badAsync = [
    () => v.verifyAsync(5),
    () => new Verifier(es.public()).verifyAsync(null),
    () => jwt.encodeAsync(claims, 'secret'),
    () => jwt.encodeAsync(5, es),
    () => jwt.decodeAsync(5, es),
    () => jwt.decodeAsync(token, es, { leeway: 'x' }),
    () => jws.signAsync(5, es),
    () => Key.generateAsync(5),
    () => Key.generateAsync('ES256', 'kid'),
  ];
  for (const f of badAsync) {
    const p = f();
    assert.ok(p instanceof Promise, f.toString());
    await assert.rejects(p, TypeError, f.toString());
  }
  assert.match(
    (() => {
      try {
        new Verifier(hs, { max_age: 5 });
      } catch (e) {
        return e.message;
      }
    })(),
    /did you mean "maxAge"/,
  );
});

test('tokens around the native read buffer size (16 KiB + 64) arrive intact', () => {
  const v = new Verifier(hs, { maxTokenBytes: 1 << 20 });
  const base = jwt.encode({ pad: '', exp: 4102444800 }, hs).length;
  for (let size = 16 * 1024 + 40; size <= 16 * 1024 + 90; size++) {
    // base64url(claims) grows by 4 chars per 3 bytes of padding: aim at `size`
    const pad = 'p'.repeat(Math.max(0, Math.floor(((size - base) * 3) / 4)));
    const token = jwt.encode({ pad, exp: 4102444800 }, hs);
    assert.equal(v.verify(token).pad.length, pad.length);
    for (const extra of ['é', '😀', '\uD800']) {
      assert.throws(() => v.verify(token + extra), isTessera('MALFORMED'));
      assert.throws(() => v.verify(token.slice(0, -1) + extra), isTessera('MALFORMED'));
    }
  }
  const big = jwt.encode({ pad: 'q'.repeat(100000), exp: 4102444800 }, hs);
  assert.equal(v.verify(big).pad.length, 100000);
  assert.throws(() => new Verifier(hs).verify(big), isTessera('TOO_LARGE'));
  assert.equal(v.verify(jwt.encode({ exp: 4102444800 }, hs)).exp, 4102444800); // the buffer is reused
});

test('hostile inputs never crash the process', async () => {
  const inputs = [
    '', ' ', '.', '..', '...', 'a.b.c', 'a.b.c.d', '\u0000.\u0000.\u0000', '\uD800.x.y', '😀.😀.😀',
    'eyJhbGciOiJIUzI1NiJ9.' + 'A'.repeat(5000) + '.sig', '.'.repeat(10000), 'x'.repeat(1 << 20),
  ];
  const v = new Verifier(hs);
  const ve = new Verifier(es.public());
  for (const t of inputs) {
    assert.throws(() => v.verify(t), (e) => e instanceof TesseraError);
    await assert.rejects(ve.verifyAsync(t), (e) => e instanceof TesseraError);
    assert.throws(() => jwt.decodeUnverified(t), (e) => e instanceof TesseraError);
    assert.throws(() => jws.verify(t, hs), (e) => e instanceof TesseraError);
    assert.throws(() => Key.fromPem(t), (e) => e instanceof TesseraError);
    assert.throws(() => Key.fromJwk(t), (e) => e instanceof TesseraError);
    assert.throws(() => KeySet.fromJwks(t), (e) => e instanceof TesseraError);
  }
  const deep = '{"a":'.repeat(200) + '1' + '}'.repeat(200);
  assert.throws(() => jwt.encode(deep, hs), isTessera('INVALID_ARGUMENT'));
  assert.throws(() => Key.fromJwk(deep), (e) => e instanceof TesseraError);
  assert.throws(() => jwt.encode({ big: 10n }, hs), TypeError); // JSON.stringify refuses BigInt
  const cyclic = {};
  cyclic.self = cyclic;
  assert.throws(() => jwt.encode(cyclic, hs), TypeError);
});

test('a Rust panic becomes TesseraError INTERNAL, sync and async, and the process lives on', async () => {
  const { native, fromNative } = tessera[Symbol.for('tessera.internal')];
  let caught;
  try {
    native.testPanic();
  } catch (e) {
    caught = fromNative(e);
  }
  assert.ok(caught instanceof TesseraError);
  assert.equal(caught.code, 'INTERNAL');
  assert.match(caught.message, /test panic/);
  await assert.rejects(
    native.testPanicAsync().then(undefined, (e) => {
      throw fromNative(e);
    }),
    isTessera('INTERNAL'),
  );
  assert.equal(jwt.decode(jwt.encode(claims, hs), hs, { now: NOW }).sub, 'u1'); // still working
});
