'use strict';
// Differential tests against `jose` and `jsonwebtoken` from npm: tokens
// signed by either verify in Tessera and the reverse, for every algorithm
// they share (jsonwebtoken has no EdDSA), with keys made by Tessera (exported
// as JWK) and keys made by node:crypto (imported into Tessera as PEM).

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const jsonwebtoken = require('jsonwebtoken');
const { Key, TesseraError, jwt } = require('..');

let jose;
before(async () => {
  jose = await import('jose');
});

const ALGS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];
const JSONWEBTOKEN_ALGS = ALGS.filter((a) => a !== 'EdDSA');
const ISS = 'https://issuer.example';
const AUD = 'api';
const claims = { sub: '1234567890', name: 'Jöhn Doe ✓', admin: true, iat: 1700000000, exp: 4102444800, iss: ISS, aud: AUD, roles: ['a', 'b'], n: 1.5 };
const validation = { issuer: ISS, audience: AUD };

// RSA key generation is slow: one RSA key per origin, bound to each RSA alg.
const rsaPair = once(() => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }));
const rsaJwk = once(() => {
  const jwk = Key.generate('RS256').toJwk({ private: true });
  delete jwk.alg; // re-bound to each RSA algorithm below
  return jwk;
});
function once(f) {
  let v;
  return () => (v === undefined ? (v = f()) : v);
}

/** A key pair made by node:crypto, as KeyObjects and PEM. */
function peerKeys(alg) {
  if (alg.startsWith('HS')) {
    const secret = crypto.randomBytes(Number(alg.slice(2)) / 8);
    const k = crypto.createSecretKey(secret);
    return { priv: k, pub: k, tessera: Key.hmac(secret, { alg }), tesseraPublic: Key.hmac(secret, { alg }) };
  }
  const { privateKey, publicKey } = alg.startsWith('E')
    ? alg === 'EdDSA'
      ? crypto.generateKeyPairSync('ed25519')
      : crypto.generateKeyPairSync('ec', { namedCurve: alg === 'ES256' ? 'P-256' : 'P-384' })
    : rsaPair();
  const privPem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const pubPem = publicKey.export({ type: 'spki', format: 'pem' });
  return { priv: privateKey, pub: publicKey, tessera: Key.fromPem(privPem, { alg }), tesseraPublic: Key.fromPem(pubPem, { alg }) };
}

/** A key made by Tessera, handed to node:crypto as JWK. */
function tesseraKeys(alg) {
  const kid = `t-${alg}`;
  const key = alg.startsWith('HS')
    ? Key.generate(alg)
    : /^[RP]S/.test(alg)
      ? Key.fromJwk(rsaJwk(), { alg, kid })
      : Key.generate(alg, { kid });
  const jwk = key.toJwk({ private: true });
  if (alg.startsWith('HS')) {
    const k = crypto.createSecretKey(Buffer.from(jwk.k, 'base64url'));
    return { priv: k, pub: k, tessera: key, tesseraPublic: key };
  }
  const priv = crypto.createPrivateKey({ key: jwk, format: 'jwk' });
  return { priv, pub: crypto.createPublicKey(priv), tessera: key, tesseraPublic: key.public() };
}

const isSignatureError = (e) => e instanceof TesseraError && e.code === 'INVALID_SIGNATURE';

/** Flips one character of the signature. */
function tamper(token) {
  const i = token.lastIndexOf('.') + 5;
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
}

for (const alg of ALGS) {
  for (const [origin, make] of [['Tessera-made key (JWK)', tesseraKeys], ['node:crypto-made key (PEM)', peerKeys]]) {
    test(`${alg}, ${origin}: Tessera ⇄ jose`, async () => {
      const k = make(alg);
      const token = jwt.encode(claims, k.tessera);
      const { payload, protectedHeader } = await jose.jwtVerify(token, k.pub, { algorithms: [alg], issuer: ISS, audience: AUD });
      assert.deepEqual(payload, claims);
      assert.equal(protectedHeader.alg, alg);
      await assert.rejects(jose.jwtVerify(tamper(token), k.pub, { algorithms: [alg] }));

      const theirs = await new jose.SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(k.priv);
      assert.deepEqual(jwt.decode(theirs, k.tesseraPublic, validation), claims);
      assert.deepEqual(await jwt.decodeAsync(theirs, k.tesseraPublic, validation), claims);
      assert.throws(() => jwt.decode(tamper(theirs), k.tesseraPublic, validation), isSignatureError);
    });

    if (!JSONWEBTOKEN_ALGS.includes(alg)) continue;
    test(`${alg}, ${origin}: Tessera ⇄ jsonwebtoken`, async () => {
      const k = make(alg);
      const token = jwt.encode(claims, k.tessera);
      const verified = jsonwebtoken.verify(token, k.pub, { algorithms: [alg], issuer: ISS, audience: AUD });
      assert.deepEqual(verified, claims);
      assert.throws(() => jsonwebtoken.verify(tamper(token), k.pub, { algorithms: [alg] }), /invalid signature/);

      const theirs = jsonwebtoken.sign(claims, k.priv, k.tessera.kid ? { algorithm: alg, keyid: k.tessera.kid } : { algorithm: alg });
      assert.deepEqual(jwt.decode(theirs, k.tesseraPublic, validation), claims);
      assert.throws(() => jwt.decode(tamper(theirs), k.tesseraPublic, validation), isSignatureError);
      // …and jsonwebtoken's own iat/exp options produce tokens Tessera accepts.
      const minted = jsonwebtoken.sign({ sub: 'x' }, k.priv, { algorithm: alg, expiresIn: '1h', issuer: ISS });
      const got = jwt.decode(minted, k.tesseraPublic, { issuer: ISS });
      assert.equal(got.sub, 'x');
      assert.equal(got.exp - got.iat, 3600);
    });
  }
}

test('algorithm confusion: a token HMAC-signed with the RSA public key (jsonwebtoken) is refused', () => {
  const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' });
  // jsonwebtoken refuses to do this itself; forge it by hand.
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify({ sub: 'admin', exp: 4102444800 })).toString('base64url');
  const mac = crypto.createHmac('sha256', pem).update(`${header}.${body}`).digest('base64url');
  const forged = `${header}.${body}.${mac}`;
  assert.throws(() => jsonwebtoken.verify(forged, pem), /invalid algorithm/);
  assert.throws(() => jwt.decode(forged, Key.fromPem(pem)), (e) => e.code === 'ALGORITHM_NOT_ALLOWED');
});
