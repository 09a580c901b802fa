'use strict';
// Runs the mutation vectors, tests/vectors/mutations/mutations.json (schema 1,
// written by tests/vectors/tools/generate.py; format in common with every
// binding, reference runner core/tests/mutations.rs), through the public Node
// API: every single-bit flip, every truncation and the listed extensions of
// valid tokens and cookies, and the mixed-up cookie names, must be refused
// with one of the case's allowed error codes.
//
// * the unmutated input (the control) must succeed;
// * bitflip: every bit of every byte of the UTF-8 bytes of input[field]; the
//   string APIs get the mutated bytes decoded as ISO-8859-1 (byte b becomes
//   U+00bb). A mutant holding a NUL byte is skipped (C strings cannot carry
//   it) and counted as skipped;
// * truncate: every proper prefix (lengths 0 .. len-1), as bytes;
// * extend: input[field] + s for each of `suffixes`;
// * renames: input[renames.field] = v for each value, field unmutated;
// * every mutant must throw a TesseraError whose code is in `errors`;
//   success, another code or another exception is a failure.
//
// One test per case; all its failures are reported together; the number of
// mutants checked must equal the count computed from the input lengths. A JWT
// case runs each mutant through jwt.decode and through one Verifier with its
// verified-token cache on (the control is cached first, so a mutant must not
// be answered from it).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { Verifier, TesseraError, jwt, cookies, errorCodes } = require('..');
const { Broken, broken, has, keySet, validation } = require('./support/vectors');

const FILE = path.join(__dirname, '..', '..', 'tests', 'vectors', 'mutations', 'mutations.json');
const FILE_FIELDS = ['suite', 'schema', 'description', 'keys', 'cases'];
const CASE_FIELDS = ['id', 'target', 'input', 'field', 'mutations', 'suffixes', 'renames', 'errors', 'comment'];
const KINDS = ['bitflip', 'truncate', 'extend'];

const str = (o, name) => (typeof o[name] === 'string' ? o[name] : broken(`"${name}" must be a string`));
const int = (o, name) => (Number.isInteger(o[name]) ? o[name] : broken(`"${name}" must be an integer`));
const optInt = (o, name) => (o[name] === null ? null : int(o, name));
const strs = (o, name) => {
  const v = o[name];
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : broken(`"${name}" must be a list of strings`);
};
const bool = (o, name) => (typeof o[name] === 'boolean' ? o[name] : broken(`"${name}" must be a boolean`));
const maxAgeOpt = (v) => (v === null ? {} : { maxAge: v });

// ------------------------------------------------------------------ targets
// Each target: its input members (required / optional), the members its
// (expensive) object is built from (a mutation or rename of one of them
// rebuilds it), and build(input, keys) → [[api name, call(input)], ...].

const TARGETS = {
  jwt: {
    required: ['keys', 'token'],
    optional: ['validation'],
    builtFrom: ['keys', 'validation'],
    // jwt_decode as in attacks.json; and a Verifier (cache on) with the same options.
    build(inp, keys) {
      const set = keySet(keys, inp.keys);
      const opts = validation(inp.validation);
      const verifier = new Verifier(set, { ...opts, cacheSize: 1024 });
      return [
        ['jwt.decode', (i) => jwt.decode(str(i, 'token'), set, opts)],
        ['Verifier.verify', (i) => verifier.verify(str(i, 'token'))],
      ];
    },
  },
  native: {
    required: ['secrets', 'cookie_name', 'encrypted', 'max_age', 'now', 'value'],
    optional: [],
    builtFrom: ['secrets', 'cookie_name', 'encrypted', 'max_age'],
    // open(value, now) as in cookies/native.json's `value` cases.
    build(inp) {
      const sc = new cookies.SessionCookie(strs(inp, 'secrets'), {
        name: str(inp, 'cookie_name'),
        encrypted: bool(inp, 'encrypted'),
        ...maxAgeOpt(optInt(inp, 'max_age')),
      });
      return [['SessionCookie.open', (i) => sc.open(str(i, 'value'), { now: int(i, 'now') })]];
    },
  },
  flask: {
    required: ['secret_key', 'fallbacks', 'open_now', 'cookie'],
    optional: [],
    builtFrom: ['secret_key', 'fallbacks'],
    // loads(cookie, open_now) with Flask's max_age 2678400, as in cookies/flask.json.
    build(inp) {
      const fc = new cookies.FlaskCookie(str(inp, 'secret_key'), { fallbacks: strs(inp, 'fallbacks'), maxAge: 2678400 });
      return [['FlaskCookie.loads', (i) => fc.loads(str(i, 'cookie'), { now: int(i, 'open_now') })]];
    },
  },
  itsdangerous: {
    required: ['kind', 'secret_keys', 'salt', 'key_derivation', 'digest', 'sep', 'open_now', 'max_age', 'cookie'],
    optional: [],
    builtFrom: ['kind', 'secret_keys', 'salt', 'key_derivation', 'digest', 'sep'],
    // unsign / loads as in cookies/itsdangerous.json.
    build(inp) {
      const salt = inp.salt;
      if (salt !== null && typeof salt !== 'string') broken('"salt" must be a string or null');
      const opts = { keyDerivation: str(inp, 'key_derivation'), digestMethod: str(inp, 'digest'), sep: str(inp, 'sep') };
      if (salt !== null) opts.salt = salt;
      const secrets = strs(inp, 'secret_keys');
      const timed = (i) => ({ now: int(i, 'open_now'), ...maxAgeOpt(optInt(i, 'max_age')) });
      switch (str(inp, 'kind')) {
        case 'signer': {
          const s = new cookies.Signer(secrets, opts);
          return [['Signer.unsign', (i) => s.unsign(str(i, 'cookie'))]];
        }
        case 'timestamp_signer': {
          const s = new cookies.TimestampSigner(secrets, opts);
          return [['TimestampSigner.unsign', (i) => s.unsign(str(i, 'cookie'), timed(i))]];
        }
        case 'serializer': {
          const s = new cookies.URLSafeTimedSerializer(secrets, opts);
          return [['URLSafeTimedSerializer.loads', (i) => s.loads(str(i, 'cookie'), timed(i))]];
        }
        default:
          return broken(`unknown itsdangerous kind "${inp.kind}"`);
      }
    },
  },
  express_cookie_session: {
    required: ['keys', 'name', 'value', 'sig'],
    optional: [],
    builtFrom: ['keys', 'name'],
    // verify(value, sig) as in express.json `cookie_session`.
    build(inp) {
      const cs = new cookies.ExpressCookieSession(strs(inp, 'keys'), { name: str(inp, 'name') });
      return [['ExpressCookieSession.verify', (i) => cs.verify(str(i, 'value'), str(i, 'sig'))]];
    },
  },
  express_session_id: {
    required: ['secrets', 'value'],
    optional: [],
    builtFrom: ['secrets'],
    // unsign(value) as in express.json `session_id_rejected`.
    build(inp) {
      const ids = new cookies.ExpressSessionId(strs(inp, 'secrets'));
      return [['ExpressSessionId.unsign', (i) => ids.unsign(str(i, 'value'))]];
    },
  },
  rails: {
    required: ['secret_key_base', 'digest', 'cookie_name', 'now_ms', 'cookie'],
    optional: [],
    builtFrom: ['secret_key_base', 'digest', 'cookie_name'],
    // decrypt(cookie, now_ms) as in cookies/rails.json.
    build(inp) {
      const rc = new cookies.RailsCookie(str(inp, 'secret_key_base'), { cookieName: str(inp, 'cookie_name'), digest: str(inp, 'digest') });
      return [['RailsCookie.decrypt', (i) => rc.decrypt(str(i, 'cookie'), { now: new Date(int(i, 'now_ms')) })]];
    },
  },
};

// ------------------------------------------------------------------ mutants

/** The text a string API receives for mutated bytes; null if it holds a NUL. */
const latin1 = (bytes) => (bytes.includes(0) ? null : Buffer.from(bytes).toString('latin1'));

/** Every mutant of a case: { label, member, value } (value null: skipped). */
function* mutants(c, inp) {
  const raw = Buffer.from(inp[c.field], 'utf8');
  if (c.mutations.includes('bitflip')) {
    for (let i = 0; i < raw.length; i++) {
      for (let b = 0; b < 8; b++) {
        const flipped = Buffer.from(raw);
        flipped[i] ^= 1 << b;
        yield { label: `bitflip i=${i} b=${b}`, member: c.field, value: latin1(flipped) };
      }
    }
  }
  if (c.mutations.includes('truncate')) {
    for (let n = 0; n < raw.length; n++) yield { label: `truncate len=${n}`, member: c.field, value: latin1(raw.subarray(0, n)) };
  }
  if (c.mutations.includes('extend')) {
    for (const s of c.suffixes) yield { label: `extend ${JSON.stringify(s)}`, member: c.field, value: s.includes('\0') ? null : inp[c.field] + s };
  }
  if (c.renames !== undefined) {
    const f = c.renames.field;
    for (const v of c.renames.values) yield { label: `rename ${f}=${JSON.stringify(v)}`, member: f, value: v.includes('\0') ? null : v };
  }
}

/**
 * [checked, skipped] computed from the input lengths alone: 8 per byte for
 * bitflip (less the flips that make a NUL: bytes with a single bit set), one
 * per byte for truncate, one per suffix, one per rename value.
 */
function expectedCounts(c, inp) {
  const raw = Buffer.from(inp[c.field], 'utf8');
  let checked = 0;
  let skipped = 0;
  if (c.mutations.includes('bitflip')) {
    const nul = [...raw].filter((x) => x !== 0 && (x & (x - 1)) === 0).length;
    checked += 8 * raw.length - nul;
    skipped += nul;
  }
  if (c.mutations.includes('truncate')) checked += raw.length;
  const lists = [];
  if (c.mutations.includes('extend')) lists.push(c.suffixes);
  if (c.renames !== undefined) lists.push(c.renames.values);
  for (const list of lists) {
    const nul = list.filter((s) => s.includes('\0')).length;
    checked += list.length - nul;
    skipped += nul;
  }
  return [checked, skipped];
}

// ------------------------------------------------------------------ cases

/** Schema checks of one case; throws Broken when the vector is broken. */
function checkCase(c) {
  if (c === null || typeof c !== 'object' || Array.isArray(c)) broken('a case is an object');
  const extra = Object.keys(c).filter((k) => !CASE_FIELDS.includes(k));
  if (extra.length) broken(`unknown case members ${extra.join(', ')}`);
  for (const k of ['id', 'target', 'input', 'field', 'mutations', 'errors']) if (!has(c, k)) broken(`missing "${k}"`);
  const target = has(TARGETS, c.target) ? TARGETS[c.target] : broken(`unknown target "${c.target}"`);
  const inp = c.input;
  if (inp === null || typeof inp !== 'object' || Array.isArray(inp)) broken('"input" must be an object');
  const missing = target.required.filter((k) => !has(inp, k));
  const unknown = Object.keys(inp).filter((k) => !target.required.includes(k) && !target.optional.includes(k));
  if (missing.length || unknown.length) broken(`input members: missing [${missing}], unknown [${unknown}]`);
  if (typeof c.field !== 'string' || !has(inp, c.field) || typeof inp[c.field] !== 'string') broken(`field "${c.field}" is not a string member of input`);
  if (inp[c.field].includes('\0')) broken('input[field] holds a NUL (no C string can carry the control)');
  const kinds = c.mutations;
  if (!Array.isArray(kinds) || kinds.length === 0 || kinds.some((k) => !KINDS.includes(k)) || new Set(kinds).size !== kinds.length) {
    broken(`mutations must be a non-empty subset of ${KINDS}: ${JSON.stringify(kinds)}`);
  }
  if (kinds.includes('extend') !== has(c, 'suffixes')) broken('"suffixes" is present iff "extend" is listed');
  if (has(c, 'suffixes') && strs(c, 'suffixes').length === 0) broken('"suffixes" is empty');
  if (has(c, 'renames')) {
    const r = c.renames;
    if (r === null || typeof r !== 'object' || Object.keys(r).sort().join() !== 'field,values') broken('"renames" must be {field, values}');
    if (!has(inp, r.field) || typeof inp[r.field] !== 'string') broken(`renames.field "${r.field}" is not a string member of input`);
    strs(r, 'values');
  }
  const errors = strs(c, 'errors');
  if (errors.length === 0) broken('"errors" is empty');
  const bad = errors.filter((e) => !errorCodes.includes(e));
  if (bad.length) broken(`unknown error codes ${bad}`);
  return target;
}

/** [error code or null on success, what happened]. */
function outcome(call, inp) {
  let result;
  try {
    result = call(inp);
  } catch (e) {
    if (e instanceof TesseraError) return [e.code, `${e.code}: ${e.message}`];
    return [null, `threw ${e?.name}: ${e?.message}`];
  }
  return [null, `succeeded: ${String(JSON.stringify(result)).slice(0, 120)}`];
}

/** Runs one case: { failures, checked, skipped }. Broken vectors throw Broken. */
function runCase(c, keys) {
  const target = checkCase(c);
  const inp = c.input;
  const allowed = c.errors;
  const failures = [];
  const callsFor = (i) => {
    try {
      return [target.build(i, keys), ''];
    } catch (e) {
      if (e instanceof Broken) throw e;
      return [null, e instanceof TesseraError ? e.code : `threw ${e?.name}: ${e?.message}`];
    }
  };
  const [base, why] = callsFor(inp);
  if (base === null) return { failures: [`control: building the codec failed: ${why}`], checked: 0, skipped: 0 };
  for (const [api, call] of base) {
    const [code, what] = outcome(call, inp);
    if (code !== null || what.startsWith('threw')) failures.push(`control (${api}) must succeed: ${what}`);
  }
  let checked = 0;
  let skipped = 0;
  for (const m of mutants(c, inp)) {
    if (m.value === null) {
      skipped++;
      continue;
    }
    checked++;
    const mutated = { ...inp, [m.member]: m.value };
    let calls = base;
    if (target.builtFrom.includes(m.member)) {
      const [built, err] = callsFor(mutated);
      if (built === null) {
        if (!allowed.includes(err)) failures.push(`${m.label}: building the codec: ${err} (allowed: ${allowed})`);
        continue;
      }
      calls = built;
    }
    for (const [api, call] of calls) {
      const [code, what] = outcome(call, mutated);
      if (code === null || !allowed.includes(code)) failures.push(`${m.label} (${api}): ${what}`);
    }
  }
  return { failures, checked, skipped };
}

// ------------------------------------------------------------------ tests

const doc = fs.existsSync(FILE) ? JSON.parse(fs.readFileSync(FILE, 'utf8')) : null;
const cases = doc !== null && Array.isArray(doc.cases) ? doc.cases : [];
const totals = { cases: 0, checked: 0, skipped: 0 };

test('mutations: the vector file', () => {
  assert.ok(doc !== null, `${FILE} is missing (python3 tests/vectors/tools/generate.py)`);
  const extra = Object.keys(doc).filter((k) => !FILE_FIELDS.includes(k));
  assert.deepEqual(extra, [], 'unknown file members');
  assert.equal(doc.suite, 'mutations');
  assert.equal(doc.schema, 1);
  assert.ok(doc.keys !== null && typeof doc.keys === 'object' && !Array.isArray(doc.keys), 'keys: object');
  assert.ok(cases.length > 0, 'cases: a non-empty list');
  const ids = cases.map((c) => c?.id);
  assert.ok(ids.every((id) => typeof id === 'string'), 'every case needs a string id');
  assert.equal(new Set(ids).size, ids.length, 'duplicate ids');
  assert.deepEqual([...new Set(cases.map((c) => c.target))].sort(), Object.keys(TARGETS).sort(), 'every target has cases (and no other)');
  assert.deepEqual([...new Set(cases.flatMap((c) => c.mutations ?? []))].sort(), [...KINDS].sort());
  assert.ok(cases.some((c) => has(c, 'renames')), 'no case mixes up cookie names');
});

cases.forEach((c, index) => {
  const id = typeof c?.id === 'string' ? c.id : `<case #${index}>`;
  test(`mutations: ${id}`, () => {
    const start = process.hrtime.bigint();
    let r;
    let want;
    try {
      r = runCase(c, doc.keys ?? {});
      want = expectedCounts(c, c.input);
    } catch (e) {
      assert.fail(`${id}: ${e instanceof Broken ? 'broken vector' : 'runner error'}: ${e.message}`);
    }
    totals.cases++;
    totals.checked += r.checked;
    totals.skipped += r.skipped;
    const took = Number(process.hrtime.bigint() - start) / 1e9;
    if (r.failures.length) {
      const shown = r.failures.slice(0, 200);
      const more = r.failures.length > shown.length ? `\n... and ${r.failures.length - shown.length} more` : '';
      assert.fail(`${id} (${c.target}, ${r.checked} mutants, ${took.toFixed(2)}s): ${r.failures.length} failures:\n${shown.join('\n')}${more}`);
    }
    assert.ok(r.checked > 0, 'no mutant was checked');
    assert.deepEqual([r.checked, r.skipped], want, 'mutants checked and skipped against the count the input lengths give');
  });
});

test('mutations: totals', (t) => {
  assert.equal(totals.cases, cases.length, 'every case ran');
  t.diagnostic(`mutations: ${totals.cases} cases, ${totals.checked} mutants checked, ${totals.skipped} skipped (NUL)`);
});

test('mutations: the runner is strict', () => {
  const { Key } = require('..');
  const keys = { k: { secret_utf8: '0123456789abcdef0123456789abcdef' } };
  const token = jwt.encode({ sub: 'a', exp: 1700000100 }, Key.hmac('0123456789abcdef0123456789abcdef'));
  const ok = {
    id: 'x',
    target: 'jwt',
    input: { keys: ['k'], token, validation: { now: 1700000000 } },
    field: 'token',
    mutations: ['bitflip', 'truncate', 'extend'],
    suffixes: ['A', '='],
    errors: ['ALGORITHM_NOT_ALLOWED', 'INVALID_SIGNATURE', 'KEY_NOT_FOUND', 'MALFORMED', 'UNSUPPORTED_ALGORITHM'],
  };
  let r = runCase(ok, keys);
  assert.deepEqual(r.failures, []);
  assert.deepEqual([r.checked, r.skipped], expectedCounts(ok, ok.input));
  assert.equal(r.checked + r.skipped, 9 * token.length + 2);
  // A too-narrow error list turns refusals into failures.
  r = runCase({ ...ok, errors: ['INVALID_SIGNATURE'] }, keys);
  assert.ok(r.failures.some((f) => f.includes('MALFORMED')) && r.failures.some((f) => f.includes('UNSUPPORTED_ALGORITHM')));
  // A control that does not verify is a failure.
  r = runCase({ ...ok, input: { ...ok.input, validation: { now: 1800000000 } } }, keys);
  assert.ok(r.failures.some((f) => f.startsWith('control')));
  // An "extension" that leaves the token intact is accepted: a failure, through both APIs.
  r = runCase({ ...ok, suffixes: [''] }, keys);
  assert.equal(r.failures.length, 2);
  assert.ok(r.failures.every((f) => f.startsWith('extend ""')), r.failures.join('\n'));
  const brokenCases = [
    { ...ok, target: 'frobnicate' },
    { ...ok, surprise: 1 },
    { ...ok, field: 'nope' },
    { ...ok, mutations: ['bitflip', 'reverse'] },
    { ...ok, mutations: [] },
    { ...ok, suffixes: undefined, mutations: ['bitflip', 'extend'] },
    { ...ok, mutations: ['bitflip'] },
    { ...ok, errors: ['NO_SUCH_CODE'] },
    { ...ok, input: { ...ok.input, colour: 'red' } },
    { ...ok, input: { token } },
    { ...ok, renames: { field: 'token' } },
    { ...ok, input: { ...ok.input, validation: { leway: 1 } } },
  ];
  for (const b of brokenCases) {
    if (b.suffixes === undefined) delete b.suffixes;
    assert.throws(() => runCase(b, keys), Broken, JSON.stringify(b).slice(0, 80));
  }
  // Cookie renames: another cookie name must not open the cookie (the
  // unchanged name, listed as a "rename", is caught).
  const value = new cookies.SessionCookie(['s'.repeat(32)], { name: 'session' }).seal({ a: 1 }, { now: 1700000000 });
  const native = {
    id: 'n',
    target: 'native',
    input: { secrets: ['s'.repeat(32)], cookie_name: 'session', encrypted: false, max_age: null, now: 1700000001, value },
    field: 'value',
    mutations: ['truncate'],
    renames: { field: 'cookie_name', values: ['other', 'session'] },
    errors: ['INVALID_SIGNATURE', 'MALFORMED'],
  };
  r = runCase(native, {});
  assert.equal(r.checked, value.length + 2);
  assert.deepEqual(r.failures.map((f) => f.split(' (')[0]), ['rename cookie_name="session"']);
});

test('mutations: bit-7 flips reach the API as U+0080..U+00FF; NUL mutants are skipped', () => {
  const c = { field: 't', mutations: ['bitflip'] };
  const ms = [...mutants(c, { t: '@a' })];
  assert.equal(ms.length, 16);
  assert.deepEqual(ms[6], { label: 'bitflip i=0 b=6', member: 't', value: null }); // '@' ^ 0x40 = NUL
  assert.equal(ms[7].value, '\u00c0a');
  assert.equal(ms[15].value, '@\u00e1');
  assert.deepEqual(expectedCounts(c, { t: '@a' }), [15, 1]);
});
