'use strict';
// Leak check of the Node binding (issue 11): 10^6 operations of the mix in
// tests/leaks/README.md through the addon in node/ (HS256 sign/verify,
// RS256/ES256 verify, verify failures, native cookie seal/open/tampered
// open, Flask dumps/loads, MemoryStore sessions and denylist, which are
// promises run on the libuv pool). After every tenth: a full GC
// (node --expose-gc), then RssAnon (VmRSS shown too) from /proc/self/status
// and the V8 heap in use (process.memoryUsage().heapUsed). From the first
// sample (after the warm-up tenth) to the last, RssAnon may grow at most
// 2048 KiB and heapUsed at most 1024 KiB. Exit 0: flat; 3: leak; 2: a wrong
// result or a broken set-up (an uncaught exception exits 1).
//
//   node --expose-gc tests/leaks/node/leak_check.js
//
// Environment: TESSERA_LEAK_OPS (default 1000000, a multiple of 1000);
// TESSERA_LEAK_SELFTEST=1 keeps every result (values and errors) in an
// array, a leak on purpose that the check must report.

const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const tessera = require(path.resolve(__dirname, '..', '..', '..', 'node'));

const { Key, Verifier, TesseraError, jwt, cookies, sessions } = tessera;

const BINDING = 'node';
const LIMIT_KIB = 2048;
const LIMIT_HEAP_KIB = 1024;
const EXP = 4102444800;
const CLAIMS = { sub: 'leak-check', iss: 'https://issuer.example', iat: 1700000000, exp: EXP };
const EXPIRED_CLAIMS = { sub: 'leak-check', exp: 1000000000 };
const SESSION = { user: 'leak-check', cart: [1, 2, 3], csrf: '0123456789abcdef' };
const HMAC_SECRET = Buffer.from('tessera-leak-check-hmac-secret-32-bytes!');
const COOKIE_SECRET = Buffer.from('tessera-leak-check-cookie-secret-32bytes');
const FLASK_SECRET = Buffer.from('tessera-leak-check-flask-secret');

// (operation, slots out of every 100 operations), in slot order: the same
// table as every binding's program and README.md.
const MIX = [
  ['sign_hs256', 20],
  ['verify_hs256', 22],
  ['verify_rs256', 1],
  ['verify_es256', 1],
  ['verify_bad_signature', 4],
  ['verify_expired', 3],
  ['verify_malformed', 3],
  ['verify_rs256_bad_signature', 1],
  ['verify_es256_bad_signature', 1],
  ['cookie_seal', 10],
  ['cookie_open', 10],
  ['cookie_open_tampered', 4],
  ['cookie_open_malformed', 1],
  ['flask_dumps', 1],
  ['flask_loads', 7],
  ['flask_loads_tampered', 2],
  ['session_create', 1],
  ['session_load', 1],
  ['session_destroy', 1],
  ['session_load_destroyed', 1],
  ['session_load_bad_id', 1],
  ['denylist_revoke', 1],
  ['denylist_check', 1],
  ['denylist_check_unknown', 1],
  ['denylist_revoke_invalid', 1],
];

class Failed extends Error {}

/** `token` with the character at `index` of its last segment replaced by another base64url letter. */
function tamper(token, index) {
  const at = token.lastIndexOf('.') + 1 + index;
  return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
}

/** [RssAnon, VmRSS] in KiB. The check is on RssAnon: a leak is anonymous
 * memory, while the file-backed pages of VmRSS (the mapped code) come and go
 * with first use and page-cache pressure. */
function rssKib() {
  const status = fs.readFileSync('/proc/self/status', 'latin1');
  const field = (name) => {
    const m = status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'));
    if (!m) throw new Failed(`no ${name} in /proc/self/status`);
    return Number(m[1]);
  };
  return [field('RssAnon'), field('VmRSS')];
}

function buildOps() {
  const now = Math.floor(Date.now() / 1000);
  const hs = Key.hmac(HMAC_SECRET);
  const rs = Key.generate('RS256');
  const es = Key.generate('ES256');
  const issuer = 'https://issuer.example';
  const verifier = new Verifier(hs, { issuer });
  const rsVerifier = new Verifier(rs.public(), { issuer });
  const esVerifier = new Verifier(es.public(), { issuer });
  const token = jwt.encode(CLAIMS, hs);
  const rsToken = jwt.encode(CLAIMS, rs);
  const esToken = jwt.encode(CLAIMS, es);
  const expiredToken = jwt.encode(EXPIRED_CLAIMS, hs);
  const badToken = tamper(token, 10);
  const rsBad = tamper(rsToken, 10);
  const esBad = tamper(esToken, 10);
  const cookie = new cookies.SessionCookie([COOKIE_SECRET], { encrypted: true });
  const sealed = cookie.seal(SESSION, { now });
  const tamperedCookie = tamper(sealed, Math.floor(sealed.length / 2));
  const flask = new cookies.FlaskCookie(FLASK_SECRET);
  const flaskValue = flask.dumps(SESSION, { now });
  const flaskTampered = tamper(flaskValue, 10);
  const store = new sessions.MemoryStore({ maxEntries: 100000, maxBytes: 64 << 20 });
  const manager = new sessions.SessionManager(store, { ttl: 3600 });
  const denylist = new sessions.Denylist(store);
  const nowOpt = { now };
  let sid = null;

  function refused(name, code, f) {
    try {
      const got = f();
      throw new Failed(`${name}: succeeded (${JSON.stringify(got)}), expected ${code}`);
    } catch (e) {
      if (e instanceof Failed) throw e;
      if (!(e instanceof TesseraError) || e.code !== code || !e.message) {
        throw new Failed(`${name}: ${e.code} (${e.message}) instead of ${code}`);
      }
      return e;
    }
  }
  async function refusedAsync(name, code, promise) {
    try {
      const got = await promise;
      throw new Failed(`${name}: succeeded (${JSON.stringify(got)}), expected ${code}`);
    } catch (e) {
      if (e instanceof Failed) throw e;
      if (!(e instanceof TesseraError) || e.code !== code || !e.message) {
        throw new Failed(`${name}: ${e.code} (${e.message}) instead of ${code}`);
      }
      return e;
    }
  }
  function claimsOk(name, claims) {
    if (claims.sub !== 'leak-check') throw new Failed(`${name}: wrong claims ${JSON.stringify(claims)}`);
    return claims;
  }
  function sameSession(name, data) {
    // Member order aside (Flask's cookie sorts the keys).
    const same =
      Object.keys(data).length === 3 && data.user === SESSION.user && data.csrf === SESSION.csrf &&
      JSON.stringify(data.cart) === JSON.stringify(SESSION.cart);
    if (!same) throw new Failed(`${name}: wrong session ${JSON.stringify(data)}`);
    return data;
  }
  const jti = (i) => `jti-${Math.floor(i / 100) % 500}`;

  const ops = {
    sign_hs256: () => jwt.encode(CLAIMS, hs),
    verify_hs256: () => claimsOk('verify_hs256', verifier.verify(token)),
    verify_rs256: () => claimsOk('verify_rs256', rsVerifier.verify(rsToken)),
    verify_es256: () => claimsOk('verify_es256', esVerifier.verify(esToken)),
    verify_bad_signature: () => refused('verify_bad_signature', 'INVALID_SIGNATURE', () => verifier.verify(badToken)),
    verify_expired: () => refused('verify_expired', 'EXPIRED', () => verifier.verify(expiredToken)),
    verify_malformed: () => refused('verify_malformed', 'MALFORMED', () => verifier.verify('not-a-jwt')),
    verify_rs256_bad_signature: () =>
      refused('verify_rs256_bad_signature', 'INVALID_SIGNATURE', () => rsVerifier.verify(rsBad)),
    verify_es256_bad_signature: () =>
      refused('verify_es256_bad_signature', 'INVALID_SIGNATURE', () => esVerifier.verify(esBad)),
    cookie_seal: () => cookie.seal(SESSION, nowOpt),
    cookie_open: () => sameSession('cookie_open', cookie.open(sealed, nowOpt)),
    cookie_open_tampered: () =>
      refused('cookie_open_tampered', 'INVALID_SIGNATURE', () => cookie.open(tamperedCookie, nowOpt)),
    cookie_open_malformed: () => refused('cookie_open_malformed', 'MALFORMED', () => cookie.open('garbage!', nowOpt)),
    flask_dumps: () => flask.dumps(SESSION, nowOpt),
    flask_loads: () => sameSession('flask_loads', flask.loads(flaskValue, nowOpt)),
    flask_loads_tampered: () =>
      refused('flask_loads_tampered', 'INVALID_SIGNATURE', () => flask.loads(flaskTampered, nowOpt)),
    // The store's methods return promises (libuv pool).
    session_create: async () => {
      sid = await manager.create(SESSION, { userId: 'leak-user' });
      return sid;
    },
    session_load: async () => {
      const s = await manager.load(sid);
      if (!s) throw new Failed('session_load: not found');
      return sameSession('session_load', s.data);
    },
    session_destroy: async () => {
      if (!(await manager.destroy(sid))) throw new Failed('session_destroy: nothing destroyed');
      return true;
    },
    session_load_destroyed: async () => {
      const s = await manager.load(sid);
      if (s !== null) throw new Failed(`session_load_destroyed: found ${JSON.stringify(s)}`);
      const old = sid;
      sid = null;
      return old;
    },
    session_load_bad_id: async () => {
      const s = await manager.load('not a session id');
      if (s !== null) throw new Failed(`session_load_bad_id: found ${JSON.stringify(s)}`);
      return s;
    },
    denylist_revoke: async (i) => {
      await denylist.revoke(jti(i), EXP);
      return jti(i);
    },
    denylist_check: async (i) => {
      if (!(await denylist.isRevoked(jti(i)))) throw new Failed(`denylist_check: ${jti(i)} not revoked`);
      return jti(i);
    },
    denylist_check_unknown: async () => {
      if (await denylist.isRevoked('never-revoked')) throw new Failed('denylist_check_unknown: revoked');
      return false;
    },
    denylist_revoke_invalid: () =>
      refusedAsync('denylist_revoke_invalid', 'INVALID_ARGUMENT', denylist.revoke('bad\njti', EXP)),
  };
  return MIX.map(([name]) => {
    if (!ops[name]) throw new Failed(`no operation ${name}`);
    return { fn: ops[name], isAsync: name.startsWith('session_') || name.startsWith('denylist_') };
  });
}

async function main() {
  if (typeof global.gc !== 'function') throw new Failed('run with node --expose-gc');
  const ops = Number(process.env.TESSERA_LEAK_OPS || 1000000);
  if (!Number.isSafeInteger(ops) || ops <= 0 || ops % 1000) {
    throw new Failed(`TESSERA_LEAK_OPS=${process.env.TESSERA_LEAK_OPS}: a positive multiple of 1000`);
  }
  const selftest = process.env.TESSERA_LEAK_SELFTEST === '1';
  const table = buildOps();
  const schedule = [];
  MIX.forEach(([, n], k) => {
    for (let j = 0; j < n; j++) schedule.push(table[k]);
  });
  if (schedule.length !== 100) throw new Failed('the mix fills 100 slots');

  const kept = [];
  const counts = new Array(MIX.length).fill(0);
  const kindOf = [];
  MIX.forEach(([, n], k) => {
    for (let j = 0; j < n; j++) kindOf.push(k);
  });
  const tenth = ops / 10;
  const anon = [];
  const vm = [];
  const heap = [];
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < ops; i++) {
    const op = schedule[i % 100];
    counts[kindOf[i % 100]]++;
    const result = op.isAsync ? await op.fn(i) : op.fn(i);
    if (selftest) kept.push(result);
    if ((i + 1) % tenth === 0) {
      global.gc();
      const [a, v] = rssKib();
      anon.push(a);
      vm.push(v);
      heap.push(Math.round(process.memoryUsage().heapUsed / 1024));
    }
  }
  const secs = (performance.now() - t0) / 1000;
  const cpuUsed = process.cpuUsage(cpu0);
  const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
  const growth = anon[9] - anon[0];
  const heapGrowth = heap[9] - heap[0];
  const leak = growth > LIMIT_KIB || heapGrowth > LIMIT_HEAP_KIB;
  console.log(`${BINDING}: counts ${MIX.map(([name], k) => `${name}=${counts[k]}`).join(' ')}`);
  const note = selftest ? `; SELF-TEST: ${kept.length} results kept on purpose` : '';
  console.log(`${BINDING}: ${ops} ops in ${secs.toFixed(2)} s (${Math.round(ops / secs)} ops/s; ${cpu.toFixed(2)} s of CPU, all threads)${note}`);
  console.log(`${BINDING}: RssAnon KiB after each tenth (after a full GC): ${anon.join(' ')}`);
  console.log(`${BINDING}: VmRSS KiB after each tenth: ${vm.join(' ')}`);
  console.log(`${BINDING}: V8 heapUsed KiB after each tenth: ${heap.join(' ')}`);
  console.log(
    `RESULT binding=${BINDING} ops=${ops} seconds=${secs.toFixed(2)} cpu_seconds=${cpu.toFixed(2)} first_kib=${anon[0]} last_kib=${anon[9]} ` +
      `growth_kib=${growth} limit_kib=${LIMIT_KIB} vmrss_growth_kib=${vm[9] - vm[0]} heap_growth_kib=${heapGrowth} ` +
      `limit_heap_kib=${LIMIT_HEAP_KIB} status=${leak ? 'LEAK' : 'ok'}`,
  );
  if (growth > LIMIT_KIB) {
    console.error(`${BINDING}: LEAK: RssAnon grew ${growth} KiB after the warm-up tenth (limit ${LIMIT_KIB} KiB)`);
  }
  if (heapGrowth > LIMIT_HEAP_KIB) {
    console.error(`${BINDING}: LEAK: heapUsed grew ${heapGrowth} KiB after the warm-up tenth (limit ${LIMIT_HEAP_KIB} KiB)`);
  }
  return leak ? 3 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(`${BINDING}: FAILED: ${e instanceof Failed ? e.message : e.stack}`);
    process.exitCode = 2;
  },
);
