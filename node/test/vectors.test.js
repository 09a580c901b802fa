'use strict';
// Runs every language-neutral vector in tests/vectors/*.json through the
// public Node API. The format (schema 1) is documented in
// tests/vectors/README.md; this is a port of core/tests/vectors.rs (the
// reference runner): strict on unknown ops and members, every case run, every
// failure reported, and the expected error codes must cover the list below.
//
// Node-specific mapping: the vectors' `validation` uses the core's snake_case
// names, mapped here to the camelCase options; `registered` is read off the
// returned claims object (what a Node caller sees), a string `aud` as a list.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { TesseraError, jwt, jws, errorCodes } = require('..');
const { Broken, broken, has, field, text, unhex, loadKey, key, keySet, validation } = require('./support/vectors');

const DIR = path.join(__dirname, '..', '..', 'tests', 'vectors');
const REQUIRED_CODES = `MALFORMED TOO_LARGE UNSUPPORTED_ALGORITHM ALGORITHM_NOT_ALLOWED
  KEY_NOT_FOUND INVALID_KEY INVALID_SIGNATURE EXPIRED NOT_YET_VALID ISSUED_IN_FUTURE TOO_OLD
  INVALID_ISSUER INVALID_AUDIENCE INVALID_SUBJECT INVALID_TYPE MISSING_CLAIM INVALID_CLAIM
  UNSUPPORTED_CRITICAL_HEADER`.split(/\s+/);
const FILE_FIELDS = 'suite schema description source license keys cases'.split(' ');
const CASE_FIELDS = `id op expect comment source key keys verify_keys msg_hex msg_utf8 sig_hex
  token detached_payload_hex claims_json header_json validation`.split(/\s+/);
const EXPECT_FIELDS = {
  load_key: 'alg kid private thumbprint', verify_signature: 'valid', sign_signature: 'sig_b64u',
  jws_verify: 'payload_hex', jwt_encode: 'token', jwt_decode: 'claims registered',
  jwt_roundtrip: 'claims registered', decode_unverified: 'header claims',
};
/** Runs one op; returns what it observed as an object named like `expect`. */
function execute(op, c, keys) {
  const header = () => (has(c, 'header_json') ? { header: text(c, 'header_json') } : undefined);
  switch (op) {
    case 'load_key': {
      const k = key(keys, field(c, 'key'));
      return { alg: k.alg, kid: k.kid ?? null, private: k.isPrivate, thumbprint: k.thumbprint() };
    }
    case 'verify_signature':
      key(keys, field(c, 'key')).verify(unhex(text(c, 'msg_hex')), unhex(text(c, 'sig_hex')));
      return { valid: true };
    case 'sign_signature': {
      const k = key(keys, field(c, 'key'));
      const msg = has(c, 'msg_utf8') ? text(c, 'msg_utf8') : unhex(text(c, 'msg_hex'));
      return { sig_b64u: k.sign(msg).toString('base64url') };
    }
    case 'jws_verify': {
      const set = keySet(keys, field(c, 'keys'));
      const token = text(c, 'token');
      if (!has(c, 'detached_payload_hex')) return { payload_hex: jws.verify(token, set).toString('hex') };
      const payload = unhex(text(c, 'detached_payload_hex'));
      jws.verifyDetached(token, payload, set);
      return { payload_hex: payload.toString('hex') };
    }
    case 'jwt_encode':
      return { token: jwt.encode(text(c, 'claims_json'), key(keys, field(c, 'key')), header()) };
    case 'jwt_decode':
    case 'jwt_roundtrip': {
      const token = op === 'jwt_decode' ? text(c, 'token') : jwt.encode(text(c, 'claims_json'), key(keys, field(c, 'key')), header());
      const set = keySet(keys, field(c, op === 'jwt_decode' ? 'keys' : 'verify_keys'));
      const claims = jwt.decode(token, set, validation(c.validation));
      const str = (n) => claims[n] ?? null;
      const aud = typeof claims.aud === 'string' ? [claims.aud] : str('aud');
      const registered = { exp: str('exp'), nbf: str('nbf'), iat: str('iat'), iss: str('iss'), sub: str('sub'), aud, jti: str('jti') };
      return { claims, registered };
    }
    case 'decode_unverified':
      return jwt.decodeUnverified(text(c, 'token'));
    default:
      throw new Error('unreachable: checked by runCase');
  }
}

/** JSON equality; numbers compare by value (JS numbers are doubles). */
function same(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => has(b, k) && same(a[k], b[k]));
  }
  return a === b;
}

const show = (v) => JSON.stringify(v);

/** Runs one case: returns null when it passes, else what differed. Broken vectors throw Broken. */
function runCase(c, keys, codes) {
  const unknown = Object.keys(c).find((k) => !CASE_FIELDS.includes(k));
  if (unknown) broken(`unknown case field "${unknown}"`);
  const op = text(c, 'op');
  if (!has(EXPECT_FIELDS, op)) broken(`unknown op "${op}"`);
  const expect = field(c, 'expect');
  if (expect === null || typeof expect !== 'object' || Array.isArray(expect)) broken('expect: object');
  const wantError = has(expect, 'error') ? text(expect, 'error') : undefined;
  const allowed = (wantError === undefined ? EXPECT_FIELDS[op] : 'error claim').split(' ');
  const bad = Object.keys(expect).find((k) => !allowed.includes(k));
  if (bad) broken(`unexpected expect member "${bad}" for ${op}`);
  if (Object.keys(expect).length === 0) broken('empty expect');
  let got;
  let error;
  try {
    got = execute(op, c, keys);
  } catch (e) {
    if (e instanceof Broken) throw e;
    error = e;
  }
  if (wantError === undefined) {
    if (error) return `unexpected error ${error.name} ${error.code ?? ''}: ${error.message}`;
    for (const [k, want] of Object.entries(expect)) {
      const ok = k === 'registered'
        ? Object.entries(want).every(([n, v]) => same(v, got.registered[n])) // only the members listed
        : same(want, got[k]);
      if (!ok) return `${k}: expected ${show(want)}, got ${show(got[k])}`;
    }
    return null;
  }
  if (!errorCodes.includes(wantError)) broken(`unknown code ${wantError}`);
  codes.add(wantError);
  const wantClaim = has(expect, 'claim') ? text(expect, 'claim') : undefined;
  if (!error) return `expected ${wantError}, got success ${show(got)}`;
  if (!(error instanceof TesseraError)) return `expected ${wantError}, got ${error.name}: ${error.message}`;
  if (error.code !== wantError) return `expected ${wantError}, got ${error.code}: ${error.message}`;
  if (wantClaim !== undefined && error.claim !== wantClaim) return `expected claim ${wantClaim}, got ${error.claim}`;
  return null;
}

/** Runs a whole vector file; returns [failures, number of cases]. */
function runFile(name, doc, codes) {
  const failures = [];
  for (const k of Object.keys(doc)) if (!FILE_FIELDS.includes(k)) failures.push(`${name}: unknown file field "${k}"`);
  if (doc.schema !== 1) failures.push(`${name}: schema must be 1`);
  const keys = doc.keys ?? {};
  const cases = Array.isArray(doc.cases) ? doc.cases : [];
  const ids = new Set();
  for (const c of cases) {
    const id = c && typeof c.id === 'string' ? c.id : '<no id>';
    if (ids.has(id)) failures.push(`${name}: ${id}: duplicate id`);
    ids.add(id);
    try {
      const m = runCase(c ?? {}, keys, codes);
      if (m !== null) failures.push(`${name}: ${id}: ${m}`);
    } catch (e) {
      failures.push(`${name}: ${id}: ${e instanceof Broken ? 'broken vector' : 'runner error'}: ${e.message}`);
    }
  }
  return [failures, cases.length];
}

const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const codes = new Set();

test('vector files exist', () => assert.ok(files.length > 0, `no vector files in ${DIR}`));

for (const name of files) {
  test(`vectors: ${name}`, () => {
    const [failures, n] = runFile(name, JSON.parse(fs.readFileSync(path.join(DIR, name), 'utf8')), codes);
    assert.ok(n > 0, `${name}: no cases`);
    assert.equal(failures.length, 0, `${failures.length} of ${n} cases failed:\n${failures.join('\n')}`);
  });
}

test('vectors: expected error codes cover every required code', () => {
  const missing = REQUIRED_CODES.filter((c) => !codes.has(c));
  assert.deepEqual(missing, [], `no vector expects ${missing.join(', ')}`);
});

test('vectors: the runner rejects broken vectors', () => {
  const keys = { k: { secret_utf8: 'x'.repeat(32) } };
  const brokenCases = [
    { id: 'a', op: 'frobnicate', expect: { valid: true } },
    { id: 'b', op: 'load_key', key: 'k', expect: { alg: 'HS256', bogus: 1 } },
    { id: 'c', op: 'load_key', key: 'nope', expect: { alg: 'HS256' } },
    { id: 'd', op: 'load_key', key: 'k', extra: 1, expect: { alg: 'HS256' } },
    { id: 'e', op: 'jwt_decode', keys: ['k'], token: 'a.b.c', validation: { leway: 1 }, expect: { error: 'MALFORMED' } },
    { id: 'f', op: 'load_key', key: 'k', expect: {} },
  ];
  for (const c of brokenCases) {
    assert.throws(() => runCase(c, keys, new Set()), Broken, c.id);
  }
  assert.throws(() => runCase({ id: 'g', op: 'load_key', key: 'k', expect: { error: 'NOPE' } }, keys, new Set()), Broken);
  assert.throws(() => loadKey({ secret_utf8: 'x', color: 'red' }), Broken);
  // …and reports mismatches instead of passing them.
  const codes = new Set();
  assert.equal(runCase({ id: 'h', op: 'load_key', key: 'k', expect: { alg: 'HS256', kid: null } }, keys, codes), null);
  assert.match(runCase({ id: 'i', op: 'load_key', key: 'k', expect: { alg: 'HS384' } }, keys, codes), /alg: expected/);
  assert.match(runCase({ id: 'j', op: 'load_key', key: 'k', expect: { error: 'INVALID_KEY' } }, keys, codes), /got success/);
  const weak = { w: { secret_utf8: 'short' } };
  assert.match(runCase({ id: 'l', op: 'load_key', key: 'w', expect: { error: 'EXPIRED' } }, weak, codes), /got INVALID_KEY/);
});
