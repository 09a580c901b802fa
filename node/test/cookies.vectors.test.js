'use strict';
// Runs every cookie vector file in tests/vectors/cookies/*.json through the
// public Node API (`cookies`). The files were minted by the real libraries
// (tests/vectors/cookies/tools); each describes its own layout in a
// `_schema` (flask, itsdangerous) or `schema` (express) member. Every file
// needs a runner here: a file without one, an unknown member, a missing
// input or an unknown error code fails loudly (a broken or new vector is a
// failure, never a skip). Every case runs; all failures of a file are
// reported together.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { cookies, TesseraError, errorCodes } = require('..');

const DIR = path.join(__dirname, '..', '..', 'tests', 'vectors', 'cookies');

/** A vector that is itself broken (not a library failure). */
class Broken extends Error {}
const broken = (msg) => {
  throw new Broken(msg);
};
const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
const field = (c, name) => (has(c, name) ? c[name] : broken(`missing "${name}"`));
const str = (c, name) => (typeof field(c, name) === 'string' ? c[name] : broken(`"${name}" must be a string`));
const int = (c, name) => (Number.isInteger(field(c, name)) ? c[name] : broken(`"${name}" must be an integer`));
const strs = (c, name) => {
  const v = field(c, name);
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : broken(`"${name}" must be a list of strings`);
};
function only(c, allowed) {
  for (const k of Object.keys(c)) if (!allowed.includes(k)) broken(`unknown member "${k}"`);
}
function code(c, name = 'error') {
  const v = str(c, name);
  return errorCodes.includes(v) ? v : broken(`unknown error code "${v}"`);
}

/** Runs `f` expecting a TesseraError with `expected`. */
function rejects(f, expected) {
  let got;
  try {
    got = f();
  } catch (e) {
    if (!(e instanceof TesseraError)) throw e;
    assert.equal(e.code, expected, `expected ${expected}, got ${e.code}: ${e.message}`);
    return e;
  }
  assert.fail(`expected ${expected}, got success: ${JSON.stringify(got)}`);
}

/** Runs every case of a list, collecting failures; returns the count run. */
function runCases(file, list, keyName, runOne, failures, codes) {
  if (!Array.isArray(list) || list.length === 0) broken(`${file}: expected a non-empty list of cases`);
  const ids = new Set();
  for (const c of list) {
    const id = c && typeof c[keyName] === 'string' ? c[keyName] : '(no id)';
    try {
      if (ids.has(id)) broken(`duplicate ${keyName}`);
      ids.add(id);
      runOne(c, codes);
    } catch (e) {
      failures.push(`${file}: ${id}: ${e instanceof Broken ? 'BROKEN VECTOR: ' : ''}${e.message}`);
    }
  }
  return list.length;
}

// ------------------------------------------------------------------ flask

const FLASK_CASE = ['name', 'secret_key', 'fallbacks', 'now', 'json', 'cookie', 'compressed', 'open_now', 'expect'];

function flaskCase(c, codes) {
  only(c, FLASK_CASE);
  const fc = new cookies.FlaskCookie(str(c, 'secret_key'), { fallbacks: strs(c, 'fallbacks') });
  const cookie = str(c, 'cookie');
  if (has(c, 'now')) {
    const text = str(c, 'json');
    if (typeof field(c, 'compressed') !== 'boolean') broken('"compressed" must be a boolean');
    assert.equal(fc.dumps(text, { now: int(c, 'now') }), cookie, 'dumps(json text) is not byte-identical to Flask');
    assert.equal(cookie.startsWith('.'), c.compressed, 'compression flag');
    // The object form round-trips (numbers as JS numbers).
    const obj = JSON.parse(text);
    assert.deepEqual(fc.loads(fc.dumps(obj, { now: c.now }), { now: c.now }), obj);
  } else if (has(c, 'json') || has(c, 'compressed')) {
    broken('"json"/"compressed" without "now"');
  }
  const expect = field(c, 'expect');
  only(expect, ['json', 'error']);
  const now = int(c, 'open_now');
  if (has(expect, 'error')) {
    codes.add(code(expect));
    rejects(() => fc.loads(cookie, { now }), expect.error);
  } else {
    assert.deepEqual(fc.loads(cookie, { now }), field(expect, 'json'));
  }
}

// ------------------------------------------------------------ itsdangerous

const ITS_CASE = ['name', 'kind', 'secret_keys', 'salt', 'key_derivation', 'digest', 'sep', 'now', 'open_now',
  'max_age', 'value', 'json', 'cookie', 'compressed', 'expect'];
const ITS_KINDS = {
  signer: cookies.Signer,
  timestamp_signer: cookies.TimestampSigner,
  serializer: cookies.URLSafeTimedSerializer,
};

function itsdangerousCase(c, codes) {
  only(c, ITS_CASE);
  const kind = str(c, 'kind');
  const Cls = has(ITS_KINDS, kind) ? ITS_KINDS[kind] : broken(`unknown kind "${kind}"`);
  const salt = field(c, 'salt');
  if (salt !== null && typeof salt !== 'string') broken('"salt" must be a string or null');
  const opts = { keyDerivation: str(c, 'key_derivation'), digestMethod: str(c, 'digest'), sep: str(c, 'sep') };
  if (salt !== null) opts.salt = salt;
  const s = new Cls(strs(c, 'secret_keys'), opts);
  const cookie = str(c, 'cookie');
  const now = has(c, 'now') ? int(c, 'now') : undefined;
  const openNow = int(c, 'open_now');
  const maxAge = field(c, 'max_age');
  if (maxAge !== null && !Number.isInteger(maxAge)) broken('"max_age" must be an integer or null');
  const expect = field(c, 'expect');
  only(expect, ['value', 'json', 'error']);

  let open;
  if (kind === 'signer') {
    if (now !== undefined && has(c, 'value')) assert.equal(s.sign(str(c, 'value')), cookie, 'sign');
    open = () => s.unsign(cookie);
    // Bytes in, bytes out.
    if (!has(expect, 'error')) assert.ok(Buffer.from(s.unsign(Buffer.from(cookie))).equals(Buffer.from(expect.value)));
  } else if (kind === 'timestamp_signer') {
    if (now !== undefined && has(c, 'value')) assert.equal(s.sign(str(c, 'value'), { now }), cookie, 'sign');
    const o = { now: openNow, ...(maxAge === null ? {} : { maxAge }) };
    open = () => s.unsign(cookie, o);
    if (!has(expect, 'error')) {
      const { value, timestamp } = s.unsign(cookie, { ...o, returnTimestamp: true });
      assert.equal(value, expect.value);
      if (now !== undefined) assert.equal(timestamp, now);
      assert.equal(s.validate(cookie, o), true);
    }
  } else {
    if (now !== undefined && has(c, 'json')) {
      assert.equal(s.dumps(JSON.parse(str(c, 'json')), { now }), cookie, 'dumps');
      assert.equal(cookie.startsWith('.'), field(c, 'compressed'), 'compression flag');
    }
    open = () => s.loads(cookie, { now: openNow, ...(maxAge === null ? {} : { maxAge }) });
  }
  if (has(expect, 'error')) {
    codes.add(code(expect));
    rejects(open, expect.error);
    if (kind !== 'serializer') assert.equal(s.validate(cookie, kind === 'signer' ? undefined : { now: openNow, ...(maxAge === null ? {} : { maxAge }) }), false);
  } else if (has(expect, 'json')) {
    assert.deepEqual(open(), expect.json);
  } else {
    assert.equal(open(), str(expect, 'value'));
  }
}

// ---------------------------------------------------------------- express

const EXPRESS_GROUPS = ['cookie_session', 'cookie_session_rejected', 'session_id', 'session_id_rejected', 'session_id_headers'];

function codec(c) {
  return new cookies.ExpressCookieSession(strs(c, 'keys'), { name: str(c, 'name') });
}

const EXPRESS = {
  cookie_session(c) {
    only(c, ['id', 'keys', 'name', 'value', 'sig', 'cookie_header', 'set_cookie', 'expected_json', 'expected_index', 'sign_identical', 'resigned_sig']);
    const cs = codec(c);
    const json = str(c, 'expected_json');
    const index = int(c, 'expected_index');
    const want = { data: JSON.parse(json), keyIndex: index, needsResign: index > 0 };
    if (!has(c, 'value') && !has(c, 'cookie_header')) broken('needs value+sig or cookie_header');
    if (has(c, 'value')) {
      const value = str(c, 'value');
      const sig = str(c, 'sig');
      assert.deepEqual(cs.verifyInfo(value, sig), want);
      assert.deepEqual(cs.verify(value, sig), want.data);
      if (field(c, 'sign_identical') === true) {
        // JSON text byte for byte, and the object (JSON.stringify) like cookie-session.
        assert.deepEqual(cs.sign(json), { value, sig });
        assert.deepEqual(cs.sign(JSON.parse(json)), { value, sig });
      }
      if (has(c, 'resigned_sig')) assert.equal(cs.signValue(value), str(c, 'resigned_sig'));
      if (has(c, 'set_cookie')) {
        const lines = strs(c, 'set_cookie');
        assert.ok(lines[0].startsWith(`${cs.name}=${value};`), lines[0]);
        assert.ok(lines[1].startsWith(`${cs.name}.sig=${sig};`), lines[1]);
      }
    }
    if (has(c, 'cookie_header')) {
      const header = str(c, 'cookie_header');
      assert.deepEqual(cs.loadInfo(header), want);
      assert.deepEqual(cs.load(header), want.data);
    }
  },
  cookie_session_rejected(c, codes) {
    only(c, ['id', 'keys', 'name', 'value', 'sig', 'cookie_header', 'error']);
    const cs = codec(c);
    const expected = code(c);
    codes.add(expected);
    if (has(c, 'cookie_header')) rejects(() => cs.load(str(c, 'cookie_header')), expected);
    else rejects(() => cs.verify(str(c, 'value'), str(c, 'sig')), expected);
  },
  session_id(c) {
    only(c, ['id', 'secrets', 'sid', 'signed', 'wire', 'set_cookie', 'expected_index', 'sign_identical']);
    const ids = new cookies.ExpressSessionId(strs(c, 'secrets'));
    const sid = str(c, 'sid');
    int(c, 'expected_index');
    assert.equal(ids.unsign(str(c, 'signed')), sid);
    assert.equal(ids.unsign(str(c, 'wire')), sid);
    assert.equal(ids.unsign(`"${c.wire}"`), sid);
    assert.equal(ids.load(`connect.sid=${c.wire}`), sid);
    if (field(c, 'sign_identical') === true) assert.equal(ids.sign(sid), c.signed);
    if (has(c, 'set_cookie')) {
      const line = strs(c, 'set_cookie')[0];
      assert.ok(line.includes(`=${c.wire};`) || line.endsWith(`=${c.wire}`), line);
    }
  },
  session_id_rejected(c, codes) {
    only(c, ['id', 'secrets', 'value', 'error']);
    const ids = new cookies.ExpressSessionId(strs(c, 'secrets'));
    const expected = code(c);
    codes.add(expected);
    rejects(() => ids.unsign(str(c, 'value')), expected);
  },
  session_id_headers(c, codes) {
    only(c, ['id', 'secrets', 'name', 'cookie_header', 'expected_sid', 'expected_index', 'error']);
    const ids = new cookies.ExpressSessionId(strs(c, 'secrets'));
    const load = () => ids.load(str(c, 'cookie_header'), { name: str(c, 'name') });
    if (has(c, 'error')) {
      const expected = code(c);
      codes.add(expected);
      rejects(load, expected);
    } else {
      int(c, 'expected_index');
      assert.equal(load(), str(c, 'expected_sid'));
    }
  },
};

// ----------------------------------------------------------------- native

const NATIVE_CASE = ['name', 'secrets', 'cookie_name', 'encrypted', 'max_age', 'chunked', 'now', 'value', 'cookie_header', 'seal', 'expect'];

function nativeCase(c, codes) {
  only(c, NATIVE_CASE);
  const flagOf = (k) => (typeof field(c, k) === 'boolean' ? c[k] : broken(`"${k}" must be a boolean`));
  const maxAge = field(c, 'max_age');
  if (maxAge !== null && !Number.isInteger(maxAge)) broken('"max_age" must be an integer or null');
  const sc = new cookies.SessionCookie(strs(c, 'secrets'), {
    name: str(c, 'cookie_name'),
    encrypted: flagOf('encrypted'),
    chunked: flagOf('chunked'),
    ...(maxAge === null ? {} : { maxAge }),
  });
  const now = int(c, 'now');
  if (has(c, 'value') === has(c, 'cookie_header')) broken('exactly one of "value" and "cookie_header"');
  let open;
  if (has(c, 'value')) {
    const value = str(c, 'value');
    open = () => sc.openInfo(value, { now });
  } else {
    const header = str(c, 'cookie_header');
    open = () => sc.load(header, { now });
  }
  if (has(c, 'seal')) {
    const seal = field(c, 'seal');
    only(seal, ['json', 'now']);
    if (c.encrypted) broken('"seal" on an encrypted case (encryption is randomized)');
    // The JSON text is sealed byte for byte: the value must be identical.
    assert.equal(sc.seal(str(seal, 'json'), { now: int(seal, 'now') }), str(c, 'value'), 'seal is not byte-identical');
  }
  const expect = field(c, 'expect');
  if (has(expect, 'error')) {
    only(expect, ['error']);
    codes.add(code(expect));
    rejects(open, expect.error);
    if (has(c, 'value')) rejects(() => sc.open(c.value, { now }), expect.error);
  } else {
    only(expect, ['json', 'issued_at', 'needs_reissue']);
    const want = { data: JSON.parse(str(expect, 'json')), issuedAt: int(expect, 'issued_at'), needsReissue: field(expect, 'needs_reissue') };
    if (typeof want.needsReissue !== 'boolean') broken('"needs_reissue" must be a boolean');
    const got = open();
    assert.deepEqual(got, want);
    // The session text comes back exactly (JSON.stringify of it is the vector's text).
    assert.equal(JSON.stringify(got.data), expect.json);
    if (has(c, 'value')) {
      assert.deepEqual(sc.open(c.value, { now }), want.data);
      assert.deepEqual(sc.load(`a=1; ${c.cookie_name}=${c.value}`, { now }), want);
    }
  }
}

// ------------------------------------------------------------------ rails

const RAILS_CASE = ['name', 'secret_key_base', 'digest', 'cookie_name', 'cookie', 'now_ms', 'expect'];

function railsCase(c, codes) {
  only(c, RAILS_CASE);
  const rc = new cookies.RailsCookie(str(c, 'secret_key_base'), { cookieName: str(c, 'cookie_name'), digest: str(c, 'digest') });
  const now = new Date(int(c, 'now_ms'));
  const cookie = str(c, 'cookie');
  const expect = field(c, 'expect');
  only(expect, ['json', 'error']);
  if (has(expect, 'error')) {
    codes.add(code(expect));
    rejects(() => rc.decrypt(cookie, { now }), expect.error);
  } else {
    const value = field(expect, 'json');
    assert.deepEqual(rc.decrypt(cookie, { now }), value);
    // Tessera's own encryption of the value opens to the same value, unless
    // it is over Rails' cookie limit (which Rails' own jar refuses too).
    let again;
    try {
      again = rc.encrypt(value);
    } catch (e) {
      if (!(e instanceof TesseraError) || e.code !== 'COOKIE_TOO_LARGE') throw e;
      assert.ok(c.cookie_name.length + decodeURIComponent(cookie).length > 4096, 'COOKIE_TOO_LARGE for a cookie within 4096 bytes');
      return;
    }
    assert.deepEqual(rc.decrypt(again, { now }), value);
  }
}

// ------------------------------------------------------------------ files

/** file name → runner(doc, failures, codes) → number of cases run. */
const RUNNERS = {
  'flask.json'(doc, failures, codes) {
    only(doc, ['_schema', '_generator', '_versions', 'cases']);
    str(doc, '_schema');
    return runCases('flask.json', doc.cases, 'name', flaskCase, failures, codes);
  },
  'itsdangerous.json'(doc, failures, codes) {
    only(doc, ['_schema', '_generator', '_versions', 'cases']);
    str(doc, '_schema');
    return runCases('itsdangerous.json', doc.cases, 'name', itsdangerousCase, failures, codes);
  },
  'express.json'(doc, failures, codes) {
    only(doc, ['description', 'versions', 'schema', ...EXPRESS_GROUPS]);
    const schema = field(doc, 'schema');
    // Every group the file describes must be one this runner knows, and the reverse.
    assert.deepEqual(Object.keys(schema).sort(), [...EXPRESS_GROUPS].sort(), 'express.json schema groups');
    let n = 0;
    for (const group of EXPRESS_GROUPS) {
      n += runCases(`express.json ${group}`, field(doc, group), 'id', EXPRESS[group], failures, codes);
    }
    return n;
  },
  'native.json'(doc, failures, codes) {
    only(doc, ['_schema', '_format', '_generator', 'cases']);
    str(doc, '_schema');
    return runCases('native.json', doc.cases, 'name', nativeCase, failures, codes);
  },
  'rails.json'(doc, failures, codes) {
    only(doc, ['_schema', '_generator', '_versions', 'cases']);
    str(doc, '_schema');
    return runCases('rails.json', doc.cases, 'name', railsCase, failures, codes);
  },
};

const files = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

test('cookie vector files exist', () => {
  for (const f of ['flask.json', 'itsdangerous.json', 'express.json', 'native.json', 'rails.json']) assert.ok(files.includes(f), f);
});

const seen = new Set();
for (const file of files) {
  test(`cookie vectors: ${file}`, () => {
    const doc = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'));
    const runner = RUNNERS[file];
    if (runner === undefined) {
      const schema = doc && (doc._schema ?? doc.schema);
      assert.fail(
        `no Node runner for tests/vectors/cookies/${file} (its schema: ${JSON.stringify(schema)?.slice(0, 300)}); ` +
          'add one to node/test/cookies.vectors.test.js',
      );
    }
    const failures = [];
    const codes = new Set();
    let n;
    try {
      n = runner(doc, failures, codes);
    } catch (e) {
      assert.fail(`${file}: ${e instanceof Broken ? 'BROKEN VECTOR FILE: ' : ''}${e.message}`);
    }
    assert.deepEqual(failures, [], `${failures.length} of ${n} cases failed:\n${failures.join('\n')}`);
    assert.ok(n > 0);
    for (const c of codes) seen.add(c);
  });
}

test('the cookie vectors cover the rejection codes', () => {
  for (const c of ['INVALID_SIGNATURE', 'EXPIRED', 'ISSUED_IN_FUTURE', 'MALFORMED', 'SESSION_NOT_FOUND']) {
    assert.ok(seen.has(c), `no cookie vector expects ${c} (seen: ${[...seen].join(' ')})`);
  }
});
