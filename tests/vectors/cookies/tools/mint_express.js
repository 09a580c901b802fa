#!/usr/bin/env node
// Mints tests/vectors/cookies/express.json with the REAL Express libraries:
// cookie-session (+ cookies + keygrip) behind a real express app on loopback,
// and express-session / cookie-signature for signed session ids.
//
//   cd tests/vectors/cookies/tools && npm install && node mint_express.js
//
// Output is deterministic (fixed keys, fixed data, fixed session ids). CI does
// not rerun this script; the JSON file is checked in.
'use strict';
const fs = require('fs');
const path = require('path');
const http = require('http');
const assert = require('assert');
const express = require('express');
const cookieSession = require('cookie-session');
const Keygrip = require('keygrip');
const signature = require('cookie-signature');
const session = require('express-session');
const cookie = require('cookie');

const versions = {};
for (const m of ['express', 'cookie-session', 'cookies', 'keygrip', 'cookie-signature', 'express-session', 'cookie']) {
  versions[m] = require(path.join(__dirname, 'node_modules', m, 'package.json')).version;
}

function request(port, p, cookieHeader) {
  return new Promise((resolve, reject) => {
    const headers = cookieHeader === undefined ? {} : { Cookie: cookieHeader };
    http.get({ host: '127.0.0.1', port, path: p, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ setCookie: res.headers['set-cookie'] || [], body }));
    }).on('error', reject);
  });
}

async function withApp(keys, name, fn) {
  const app = express();
  app.use(cookieSession({ name, keys }));
  app.get('/set', (req, res) => {
    req.session = JSON.parse(req.query.d);
    res.end('ok');
  });
  app.get('/get', (req, res) => {
    res.end(req.session.isNew ? 'NEW' : JSON.stringify(req.session));
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    return await fn(server.address().port);
  } finally {
    server.close();
  }
}

function pick(setCookie, name) {
  for (const line of setCookie) {
    const first = line.split(';')[0];
    const eq = first.indexOf('=');
    if (first.slice(0, eq) === name) return first.slice(eq + 1);
  }
  return undefined;
}

const SESSIONS = [
  ['simple', { user_id: 42, username: 'alice' }],
  ['unicode', { name: 'Zoë ☕ 🍪', ja: '日本語', esc: 'quote" back\\ nl\n tab\t' }],
  ['nested', { cart: { items: [{ sku: 'A1', qty: 2 }, { sku: 'B2', qty: 1 }], total: 19.99 }, flags: [true, false, null], 2: 'int-key', a: 1e-7, big: 12345678901234567890 }],
  ['b64-specials', { s: '<<??>>~~', t: 'ÿþ?>' }],
  ['empty-ish', { x: '' }],
];

async function mintCookieSession() {
  const valid = [];
  const rejected = [];
  const K_NEW = 'keygrip-key-new-2026', K_OLD = 'keygrip-key-old-2025', K_OLDER = 'keygrip-key-older';
  const rotating = [K_NEW, K_OLD, K_OLDER];

  // 1. Real middleware mints, with the default name and a custom one.
  for (const [name, keys] of [['session', [K_NEW]], ['myapp.sess', rotating]]) {
    for (const [id, data] of SESSIONS) {
      await withApp(keys, name, async (port) => {
        const r = await request(port, '/set?d=' + encodeURIComponent(JSON.stringify(data)));
        const value = pick(r.setCookie, name);
        const sig = pick(r.setCookie, name + '.sig');
        const json = Buffer.from(value, 'base64').toString('utf8');
        assert.strictEqual(json, JSON.stringify(data));
        const header = `${name}=${value}; ${name}.sig=${sig}`;
        const back = await request(port, '/get', header);
        assert.strictEqual(back.body, json);
        valid.push({ id: `cs-${name}-${id}`, keys, name, value, sig, cookie_header: header,
          set_cookie: r.setCookie, expected_json: json, expected_index: 0, sign_identical: true });
      });
    }
  }
  // 2. Rotation: minted by an app on an old key, read by an app with [new, old, older].
  for (const [i, oldKey] of [[1, K_OLD], [2, K_OLDER]]) {
    const data = { user: 'rotated', k: i };
    let value, sig;
    await withApp([oldKey], 'session', async (port) => {
      const r = await request(port, '/set?d=' + encodeURIComponent(JSON.stringify(data)));
      value = pick(r.setCookie, 'session');
      sig = pick(r.setCookie, 'session.sig');
    });
    await withApp(rotating, 'session', async (port) => {
      const header = `session=${value}; session.sig=${sig}`;
      const back = await request(port, '/get', header);
      assert.strictEqual(back.body, JSON.stringify(data));
      assert.strictEqual(new Keygrip(rotating).index('session=' + value, sig), i);
      valid.push({ id: `cs-rotation-index-${i}`, keys: rotating, name: 'session', value, sig,
        cookie_header: header, expected_json: JSON.stringify(data), expected_index: i,
        sign_identical: false, resigned_sig: new Keygrip(rotating).sign('session=' + value) });
    });
  }
  // 3. Header shapes, each checked against the real middleware.
  const base = valid[0];
  const v = base.value, s = base.sig;
  const shapes = [
    ['other-cookies', `a=1; xsession=zz; session=${v}; b=2; session.sig=${s}; c=3`],
    ['quoted', `session="${v}"; session.sig="${s}"`],
    ['no-space', `session=${v};session.sig=${s}`],
    ['extra-spaces', `foo=bar;   session=${v};  session.sig=${s}`],
    ['sig-first', `session.sig=${s}; session=${v}`],
    ['duplicate-first-wins', `session=${v}; session.sig=${s}; session=${valid[1].value}; session.sig=${valid[1].sig}`],
  ];
  for (const [id, header] of shapes) {
    await withApp(base.keys, 'session', async (port) => {
      const back = await request(port, '/get', header);
      assert.strictEqual(back.body, base.expected_json, id);
    });
    valid.push({ id: `cs-header-${id}`, keys: base.keys, name: 'session', cookie_header: header,
      expected_json: base.expected_json, expected_index: 0 });
  }

  // 4. Rejections, each confirmed with the real library.
  const flip = (str, i) => str.slice(0, i) + (str[i] === 'A' ? 'B' : 'A') + str.slice(i + 1);
  const kg = (keys) => new Keygrip(keys);
  const rej = (id, keys, name, value, sig, error, extra) => {
    if (error === 'INVALID_SIGNATURE') assert.strictEqual(kg(keys).index(`${name}=${value}`, sig), -1, id);
    rejected.push(Object.assign({ id, keys, name, value, sig, error }, extra || {}));
  };
  rej('cs-tampered-value', base.keys, 'session', flip(v, 3), s, 'INVALID_SIGNATURE');
  rej('cs-tampered-sig', base.keys, 'session', v, flip(s, 5), 'INVALID_SIGNATURE');
  rej('cs-wrong-key', ['some-other-key'], 'session', v, s, 'INVALID_SIGNATURE');
  rej('cs-reject-name-swap', base.keys, 'other', v, s, 'INVALID_SIGNATURE');
  rej('cs-sig-padded', base.keys, 'session', v, s + '=', 'INVALID_SIGNATURE');
  rej('cs-sig-std-alphabet', base.keys, 'session', v, s.replace(/-/g, '+').replace(/_/g, '/') + (/[-_]/.test(s) ? '' : '+'), 'INVALID_SIGNATURE');
  rej('cs-sig-truncated', base.keys, 'session', v, s.slice(0, -1), 'INVALID_SIGNATURE');
  rej('cs-sig-empty', base.keys, 'session', v, '', 'INVALID_SIGNATURE');
  rej('cs-old-key-removed', [K_NEW], 'session', valid.find((c) => c.id === 'cs-rotation-index-1').value,
    valid.find((c) => c.id === 'cs-rotation-index-1').sig, 'INVALID_SIGNATURE');
  // Correctly signed, but not a base64 JSON object (only a key holder can make these).
  for (const [id, raw] of [['not-json', 'not json'], ['json-array', '[1,2]'], ['bad-utf8', Buffer.from([0x7b, 0xff, 0x7d])]]) {
    const val = Buffer.from(raw).toString('base64');
    rejected.push({ id: `cs-malformed-${id}`, keys: base.keys, name: 'session', value: val,
      sig: kg(base.keys).sign('session=' + val), error: 'MALFORMED' });
  }
  // Header-level failures, confirmed as a new (empty) session by the real app.
  const headerCases = [
    ['cs-header-no-cookie', 'a=1; b=2', 'SESSION_NOT_FOUND'],
    ['cs-header-no-sig', `session=${v}`, 'SESSION_NOT_FOUND'],
    ['cs-header-empty', '', 'SESSION_NOT_FOUND'],
    ['cs-header-cleared', 'session=; session.sig=', 'SESSION_NOT_FOUND'],
    ['cs-header-empty-value-signed', `session=; session.sig=${kg(base.keys).sign('session=')}`, 'SESSION_NOT_FOUND'],
    ['cs-header-bad-sig', `session=${v}; session.sig=${flip(s, 0)}`, 'INVALID_SIGNATURE'],
    ['cs-header-sig-for-other-value', `session=${v}; session.sig=${valid[1].sig}`, 'INVALID_SIGNATURE'],
    ['cs-header-dup-second-valid', `session=${flip(v, 2)}; session.sig=${s}; session=${v}`, 'INVALID_SIGNATURE'],
  ];
  for (const [id, header, error] of headerCases) {
    await withApp(base.keys, 'session', async (port) => {
      const back = await request(port, '/get', header);
      assert.strictEqual(back.body, 'NEW', id);
    });
    rejected.push({ id, keys: base.keys, name: 'session', cookie_header: header, error });
  }
  return { valid, rejected };
}

async function mintSessionIds() {
  const valid = [];
  const rejected = [];
  const secrets = ['express-secret-new', 'express-secret-old'];
  // Real middleware with fixed ids.
  const sids = ['fixedSessionId0123456789ABCDEFgh', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'x-y_z-0123456789abcdefghijklmnop'];
  for (const sid of sids) {
    const app = express();
    app.use(session({ secret: secrets, genid: () => sid, resave: false, saveUninitialized: false }));
    app.get('/', (req, res) => {
      req.session.views = 1;
      res.end('ok');
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const r = await request(server.address().port, '/');
    server.close();
    const wire = pick(r.setCookie, 'connect.sid');
    const literal = cookie.parse('connect.sid=' + wire)['connect.sid'];
    assert.strictEqual(signature.unsign(literal.slice(2), secrets[0]), sid);
    valid.push({ id: `sid-middleware-${sid.slice(0, 8)}`, secrets, sid, signed: literal, wire,
      set_cookie: r.setCookie.filter((l) => l.startsWith('connect.sid=')).map((l) => l.replace(/Expires=[^;]*; /, '')),
      expected_index: 0, sign_identical: true });
  }
  // cookie-signature directly: more ids and secrets, rotation.
  for (const [id, secs, sid, idx] of [
    ['sid-unicode-secret', ['sécret ☕'], 'abc', 0],
    ['sid-with-dot', secrets, 'a.b.c', 0],
    ['sid-rotation-old', secrets, 'rotatedSession00000000000000000', 1],
    ['sid-empty', secrets, '', 0],
  ]) {
    const signed = 's:' + signature.sign(sid, secs[idx]);
    const wire = encodeURIComponent(signed);
    valid.push({ id, secrets: secs, sid, signed, wire, expected_index: idx, sign_identical: idx === 0 });
  }
  const base = valid[0];
  const body = base.signed.slice(2);
  const flip = (str, i) => str.slice(0, i) + (str[i] === 'A' ? 'B' : 'A') + str.slice(i + 1);
  const dot = body.lastIndexOf('.');
  const sigPart = body.slice(dot + 1);
  const rej = (id, secs, value, error) => {
    const lit = value.includes('%') ? decodeURIComponent(value) : value;
    if (lit.startsWith('s:')) assert.strictEqual(signature.unsign(lit.slice(2), secs[0]), false, id);
    if (secs[1]) assert.strictEqual(lit.startsWith('s:') && signature.unsign(lit.slice(2), secs[1]), false, id);
    rejected.push({ id, secrets: secs, value, error });
  };
  rej('sid-tampered-id', secrets, 's:' + flip(body, 1), 'INVALID_SIGNATURE');
  rej('sid-tampered-sig', secrets, 's:' + flip(body, body.length - 3), 'INVALID_SIGNATURE');
  rej('sid-wrong-secret', ['nope'], base.signed, 'INVALID_SIGNATURE');
  rej('sid-wrong-secret-encoded', ['nope'], base.wire, 'INVALID_SIGNATURE');
  rej('sid-padded-sig', secrets, base.signed + '=', 'INVALID_SIGNATURE');
  rej('sid-b64url-sig', secrets, 's:' + body.slice(0, dot + 1) + sigPart.replace(/\+/g, '-').replace(/\//g, '_') + (/[+/]/.test(sigPart) ? '' : '-'), 'INVALID_SIGNATURE');
  rej('sid-truncated-sig', secrets, base.signed.slice(0, -1), 'INVALID_SIGNATURE');
  rej('sid-unsigned', secrets, base.sid, 'MALFORMED');
  rej('sid-no-dot', secrets, 's:' + base.sid, 'MALFORMED');
  rej('sid-empty-value', secrets, '', 'MALFORMED');

  // Raw Cookie headers, each confirmed by a real express-session app whose
  // store holds base.sid (an unusable cookie makes it generate 'NEW').
  const headers = [];
  let n = 0;
  const app = express();
  app.use(session({ secret: secrets, genid: () => (n++ === 0 ? base.sid : 'NEW'), resave: false, saveUninitialized: false }));
  app.get('/', (req, res) => {
    req.session.views = 1;
    res.end('ok');
  });
  app.get('/id', (req, res) => res.end(req.sessionID));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = server.address().port;
  const first = await request(port, '/');
  assert.strictEqual(pick(first.setCookie, 'connect.sid'), base.wire);
  for (const [id, header, expect] of [
    ['sid-header-wire', `connect.sid=${base.wire}`, base.sid],
    ['sid-header-literal', `connect.sid=${base.signed}`, base.sid],
    ['sid-header-quoted', `a=1; connect.sid="${base.wire}"`, base.sid],
    ['sid-header-spaces', ` x=y;connect.sid = ${base.wire} ;z=1`, base.sid],
    ['sid-header-duplicate-first-wins', `connect.sid=${base.wire}; connect.sid=s%3Abogus.sig`, base.sid],
    ['sid-header-no-cookie', 'a=1; b=2', 'SESSION_NOT_FOUND'],
    ['sid-header-empty', 'connect.sid=; a=1', 'SESSION_NOT_FOUND'],
    ['sid-header-unsigned', `connect.sid=${base.sid}`, 'MALFORMED'],
    ['sid-header-tampered', `connect.sid=${base.wire.slice(0, -2)}AA`, 'INVALID_SIGNATURE'],
    ['sid-header-duplicate-bad-first', `connect.sid=s%3Abogus.sig; connect.sid=${base.wire}`, 'INVALID_SIGNATURE'],
  ]) {
    const r = await request(port, '/id', header);
    const ok = expect === base.sid;
    assert.strictEqual(r.body, ok ? base.sid : 'NEW', id);
    headers.push(Object.assign({ id, secrets, name: 'connect.sid', cookie_header: header },
      ok ? { expected_sid: expect, expected_index: 0 } : { error: expect }));
  }
  server.close();
  return { valid, rejected, headers };
}

(async () => {
  const cs = await mintCookieSession();
  const sid = await mintSessionIds();
  assert(cs.valid.some((c) => c.value && /[+/]/.test(c.value) && c.value.endsWith('=')), 'need a value with +,/ and =');
  const out = {
    description: 'Express cookie vectors minted by tools/mint_express.js with the real libraries (express + cookie-session + keygrip; express-session + cookie-signature). See COOKIE_FORMATS.md sections C and D.',
    versions,
    schema: {
      cookie_session: 'valid cases. keys (newest first, UTF-8), name (cookie name). Either value+sig (verify) and/or cookie_header (load). expected_json: session JSON text exactly as JSON.stringify wrote it; expected_index: matching key. sign_identical: signing expected_json with keys[0] must give exactly value and sig. resigned_sig: the .sig keygrip gives with keys[0] (re-issue on rotation).',
      cookie_session_rejected: 'keys, name, and value+sig (verify) or cookie_header (load); error: the expected Tessera error code.',
      session_id: 'secrets (secrets[0] signs), sid, signed (literal s:... value), wire (percent-encoded form as sent in a Cookie header); both unsign to sid with expected_index. sign_identical: sign(sid) must equal signed.',
      session_id_rejected: 'secrets, value (as found in the cookie); error: the expected Tessera error code.',
      session_id_headers: 'secrets, name (cookie name), cookie_header (raw Cookie header as express-session reads it); expected_sid + expected_index, or error.',
    },
    cookie_session: cs.valid,
    cookie_session_rejected: cs.rejected,
    session_id: sid.valid,
    session_id_rejected: sid.rejected,
    session_id_headers: sid.headers,
  };
  const file = path.join(__dirname, '..', 'express.json');
  fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  console.log(`wrote ${file}: ${cs.valid.length}+${cs.rejected.length} cookie-session, ${sid.valid.length}+${sid.rejected.length} session-id cases`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
