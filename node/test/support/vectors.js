'use strict';
// The language-neutral vectors' KEYSPEC and `validation` readers
// (tests/vectors/README.md, schema 1), shared by test/vectors.test.js and
// test/mutations.test.js. Strict: an unknown member is a broken vector
// (a `Broken` error), never a silent default.

const { Key, KeySet } = require('../..');

/** A vector that is itself broken (not a library failure). */
class Broken extends Error {}
const broken = (msg) => {
  throw new Broken(msg);
};
const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
const field = (c, name) => (has(c, name) ? c[name] : broken(`missing "${name}"`));
const text = (c, name) => (typeof field(c, name) === 'string' ? c[name] : broken(`"${name}" must be a string`));
const unhex = (s) => (/^([0-9a-fA-F]{2})*$/.test(s) ? Buffer.from(s, 'hex') : broken('bad hex'));

/** The vectors' snake_case validation members → the camelCase options. */
const VALIDATION = {
  algorithms: 'algorithms', issuer: 'issuer', audience: 'audience', subject: 'subject',
  required: 'required', leeway: 'leeway', max_age: 'maxAge', typ: 'typ', now: 'now',
  verify_exp: 'verifyExp', verify_nbf: 'verifyNbf', max_token_bytes: 'maxTokenBytes',
};

/** KEYSPEC → Key. A load error is the outcome of the case that uses the key. */
function loadKey(spec) {
  const opts = {};
  let material;
  for (const [k, v] of Object.entries(spec)) {
    if (k === 'alg' && typeof v === 'string') opts.alg = v;
    else if (k === 'kid' && typeof v === 'string') opts.kid = v;
    else if (k === 'allow_weak' && typeof v === 'boolean') opts.allowWeak = v;
    else if (['jwk', 'pem', 'secret_hex', 'secret_utf8'].includes(k) && material === undefined) material = [k, v];
    else broken(`bad key spec member "${k}"`);
  }
  const [kind, v] = material ?? broken('a key spec needs one of jwk, pem, secret_hex, secret_utf8');
  if (kind === 'jwk' && v !== null && typeof v === 'object' && !Array.isArray(v)) return Key.fromJwk(v, opts);
  if (kind === 'pem' && typeof v === 'string') return Key.fromPem(v, opts);
  if (kind === 'secret_hex' && typeof v === 'string') return Key.hmac(unhex(v), opts);
  if (kind === 'secret_utf8' && typeof v === 'string') return Key.hmac(v, opts);
  return broken(`bad key material "${kind}"`);
}

function key(keys, name) {
  if (typeof name !== 'string') broken('a key name is a string');
  return loadKey(has(keys, name) ? keys[name] : broken(`unknown key "${name}"`));
}

function keySet(keys, names) {
  if (!Array.isArray(names)) broken('a list of key names');
  return new KeySet(names.map((n) => key(keys, n)));
}

/** A case's `validation` object → the Node options (undefined when absent). */
function validation(v) {
  if (v === undefined) return undefined;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) broken('validation: object');
  const out = {};
  for (const [k, x] of Object.entries(v)) out[has(VALIDATION, k) ? VALIDATION[k] : broken(`unknown validation member "${k}"`)] = x;
  return out;
}

module.exports = { Broken, broken, has, field, text, unhex, VALIDATION, loadKey, key, keySet, validation };
