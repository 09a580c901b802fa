#!/usr/bin/env node
'use strict';
// Cookie codecs: Tessera's Node binding vs the libraries Express apps use.
//
//   node cookies.js [--quick] [--json PATH]
//
// - cookie-session verify: tessera cookies.ExpressCookieSession.verify (checks
//   the .sig and returns the session object) vs keygrip.verify (the signature
//   check alone) and vs what cookie-session does to read a session (keygrip
//   index + base64 decode + JSON.parse, the same work as Tessera's call).
//   Target (issue 7): ≥ 4x keygrip verify; issue 10: at least on par (1x).
// - cookie-session sign: ExpressCookieSession.sign vs JSON.stringify + base64 + keygrip.sign.
// - express-session ids: ExpressSessionId.unsign vs cookie-signature.unsign.
// - Tessera's native SessionCookie seal/open, for scale (no peer: not in the JSON).
// The session is the same 200-byte object as bench/benches/cookies.rs.
// --json PATH writes bench/run's runner JSON (rows with medians, IQRs, ratios).

const os = require('node:os');
const Keygrip = require('keygrip');
const signature = require('cookie-signature');
const tessera = require('tessera');
const { runner, contractRow, contractEnv, jsonPath, writeJson, pkgVersion } = require('./timing');

const QUICK = process.argv.includes('--quick');
const JSON_PATH = jsonPath();
const ROUNDS = QUICK ? 3 : 9;
const { row, runGroup, pairedRatio } = runner({ rounds: ROUNDS, roundMs: QUICK ? 120 : 300, pending: 1 });

const SESSION = {
  user_id: 1234567, username: 'alice@example.com', roles: ['admin', 'editor', 'viewer'],
  csrf: 'Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4', theme: 'dark', last_seen: 1763000000,
  flags: { beta: true, mfa: true },
};
const KEYS = ['keygrip-key-1', 'keygrip-key-0'];

async function main() {
  const peers = { keygrip: pkgVersion('keygrip'), 'cookie-signature': pkgVersion('cookie-signature') };
  const loads = [os.loadavg()[0]];
  const rows = [];
  console.log(`Tessera ${tessera.version} (Node ${process.version}), keygrip ${peers.keygrip}, cookie-signature ${peers['cookie-signature']}; load ${os.loadavg()[0].toFixed(1)}`);
  const { ExpressCookieSession, ExpressSessionId, SessionCookie } = tessera.cookies;

  const cs = new ExpressCookieSession(KEYS, { name: 'session' });
  const grip = new Keygrip(KEYS);
  const { value, sig } = cs.sign(SESSION);
  // cookie-session's own encoding and keygrip's signature are what Tessera wrote.
  if (value !== Buffer.from(JSON.stringify(SESSION)).toString('base64')) throw new Error('value differs');
  if (!grip.verify(`session=${value}`, sig)) throw new Error('keygrip refuses Tessera\'s sig');
  const readLikeCookieSession = () => {
    if (grip.index(`session=${value}`, sig) < 0) throw new Error('bad sig');
    return JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  };
  if (JSON.stringify(cs.verify(value, sig)) !== JSON.stringify(readLikeCookieSession())) throw new Error('verify differs');

  const verify = await runGroup(`cookie-session verify (µs/op, median of ${ROUNDS} rounds)`, [
    row('tessera ExpressCookieSession.verify', 'sync', () => cs.verify(value, sig)),
    row('keygrip.verify (signature only)', 'sync', () => grip.verify(`session=${value}`, sig)),
    row('cookie-session read (keygrip + decode)', 'sync', readLikeCookieSession),
  ]);
  const vsKeygrip = pairedRatio(verify, 'keygrip.verify (signature only)', 'tessera ExpressCookieSession.verify');
  const vsRead = pairedRatio(verify, 'cookie-session read (keygrip + decode)', 'tessera ExpressCookieSession.verify');
  console.log(`  → vs keygrip.verify ${vsKeygrip.toFixed(2)}x (target ≥ 4x: ${vsKeygrip >= 4 ? 'met' : 'MISSED'}); vs cookie-session's read ${vsRead.toFixed(2)}x`);
  const csVerify = { operation: 'cookie-session verify', algorithm: 'HMAC-SHA1', tessera: 'cookies.ExpressCookieSession.verify', tName: 'tessera ExpressCookieSession.verify', target: 1.0 };
  rows.push(contractRow(verify, {
    ...csVerify, peer: 'keygrip', pName: 'keygrip.verify (signature only)',
    note: "keygrip.verify(name=value, sig): the signature check alone (the peer does less: no base64 decode, no JSON.parse); issue 7 asked >= 4x",
  }));
  rows.push(contractRow(verify, {
    ...csVerify, peer: 'keygrip + base64 + JSON.parse (cookie-session read)', pName: 'cookie-session read (keygrip + decode)',
    note: "what cookie-session does to read a session: keygrip.index, base64 decode, JSON.parse (the same work as Tessera's call)",
  }));

  const sign = await runGroup('cookie-session sign', [
    row('tessera ExpressCookieSession.sign', 'sync', () => cs.sign(SESSION)),
    row('stringify + base64 + keygrip.sign', 'sync', () => {
      const v = Buffer.from(JSON.stringify(SESSION)).toString('base64');
      return [v, grip.sign(`session=${v}`)];
    }),
  ]);
  console.log(`  → ${pairedRatio(sign, 'stringify + base64 + keygrip.sign', 'tessera ExpressCookieSession.sign').toFixed(2)}x`);
  rows.push(contractRow(sign, {
    operation: 'cookie-session sign', algorithm: 'HMAC-SHA1', tessera: 'cookies.ExpressCookieSession.sign',
    tName: 'tessera ExpressCookieSession.sign', peer: 'keygrip', pName: 'stringify + base64 + keygrip.sign', target: 1.0,
    note: "cookie-session's write: JSON.stringify, base64, keygrip.sign",
  }));
  loads.push(os.loadavg()[0]);

  const ids = new ExpressSessionId(['express-session-secret']);
  const sid = 'aBcDeFgHiJkLmNoPqRsTuVwXyZ012345';
  const signed = ids.sign(sid);
  if (signature.sign(sid, 'express-session-secret') !== signed.slice(2)) throw new Error('sid differs');
  // express-session strips the "s:" before calling unsign; done here outside the timed call.
  const bare = signed.slice(2);
  const unsign = await runGroup('express-session id unsign', [
    row('tessera ExpressSessionId.unsign', 'sync', () => ids.unsign(signed)),
    row('cookie-signature.unsign', 'sync', () => signature.unsign(bare, 'express-session-secret')),
  ]);
  console.log(`  → ${pairedRatio(unsign, 'cookie-signature.unsign', 'tessera ExpressSessionId.unsign').toFixed(2)}x`);
  rows.push(contractRow(unsign, {
    operation: 'express-session id unsign', algorithm: 'HMAC-SHA256', tessera: 'cookies.ExpressSessionId.unsign',
    tName: 'tessera ExpressSessionId.unsign', peer: 'cookie-signature', pName: 'cookie-signature.unsign', target: 1.0,
    note: 'Tessera takes the cookie value "s:<sid>.<sig>"; cookie-signature.unsign the part after "s:", as express-session calls it',
  }));

  const scale = [];
  for (const encrypted of [false, true]) {
    const sc = new SessionCookie(['bench-secret-bench-secret-bench-secret!!'], { encrypted, maxAge: 86400 });
    const sealed = sc.seal(SESSION);
    const mode = encrypted ? 'encrypted' : 'signed';
    scale.push(row(`SessionCookie ${mode} seal`, 'sync', () => sc.seal(SESSION)));
    scale.push(row(`SessionCookie ${mode} open`, 'sync', () => sc.open(sealed)));
  }
  await runGroup('Tessera SessionCookie (for scale)', scale);
  loads.push(os.loadavg()[0]);
  console.log(`\nload at the end: ${os.loadavg()[0].toFixed(1)}`);
  if (JSON_PATH) writeJson(JSON_PATH, { language: 'node', env: contractEnv(tessera, peers, QUICK, loads), rows, memory: [], scaling: [] });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
