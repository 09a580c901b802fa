// The ESM entry: named and default imports by package name give the same
// objects as require('tessera'), and the API works from ESM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import tessera, { Key, KeySet, Verifier, TesseraError, jwt, jws, jwks, cookies, errorCodes, algorithms, version } from 'tessera';

const require = createRequire(import.meta.url);

test('ESM named and default exports are the CommonJS objects', () => {
  const cjs = require('tessera');
  assert.equal(tessera, cjs);
  assert.equal(Key, cjs.Key);
  assert.equal(KeySet, cjs.KeySet);
  assert.equal(Verifier, cjs.Verifier);
  assert.equal(TesseraError, cjs.TesseraError);
  assert.equal(jwt, cjs.jwt);
  assert.equal(jws, cjs.jws);
  assert.equal(jwks, cjs.jwks);
  assert.equal(cookies, cjs.cookies);
  assert.equal(errorCodes, cjs.errorCodes);
  assert.equal(algorithms, cjs.algorithms);
  assert.equal(version, cjs.version);
  assert.deepEqual(Object.keys(tessera).sort(), Object.keys(cjs).sort());
});

test('ESM: sign, verify, reject', async () => {
  const key = await Key.generateAsync('EdDSA', { kid: 'esm' });
  const token = await jwt.encodeAsync({ sub: 'esm', exp: 4102444800 }, key);
  const verifier = new Verifier(new KeySet([key.public()]));
  assert.deepEqual(await verifier.verifyAsync(token), { sub: 'esm', exp: 4102444800 });
  await assert.rejects(verifier.verifyAsync(token + 'x'), (e) => e instanceof TesseraError && e.code === 'MALFORMED');
  assert.equal(jws.verify(jws.sign('x', key), key).toString(), 'x');
});
