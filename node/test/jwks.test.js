'use strict';
// Remote JWKS (jwks.RemoteKeySet, a Verifier on one) against a real HTTP
// server on 127.0.0.1 started by each test in this process: the test changes
// the document, status, headers and delay it serves and counts the requests
// it sees. Covers the cache, rotation (by max age and by unknown kid), the
// cooldown and negative cache, single flight of 100 concurrent promises,
// stale-while-error and its status, failures with no cache, garbage / huge /
// slow answers in bounded time with the old keys kept, redirects, URL rules
// and jku never fetched, export/import, status fields, and that the event
// loop keeps turning while a fetch waits on a slow server. Times are only
// ever asserted as generous upper bounds.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { performance } = require('node:perf_hooks');

const { jwks, Key, KeySet, Verifier, TesseraError, jwt } = require('..');
const { bearer } = require('../express.js');

const { RemoteKeySet } = jwks;
const EXP = 4102444800;
const KEY_A = Key.generate('ES256', { kid: 'a1' });
const KEY_B = Key.generate('ES256', { kid: 'b1' });
const KEY_EVIL = Key.generate('ES256', { kid: 'evil' });
const TOKEN_A = jwt.encode({ sub: 'a', exp: EXP }, KEY_A);
const TOKEN_B = jwt.encode({ sub: 'b', exp: EXP }, KEY_B);
const TIMEOUT = 1; // seconds: the `timeout` of the sets that meet slow servers
const BOUND_MS = (TIMEOUT + 2) * 1000; // "bounded": timeout + 2 s of slack

/** The public JWKS text of `keys`. */
function jwksOf(...keys) {
  return JSON.stringify({ keys: keys.map((k) => k.public().toJwk()) });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A JWKS server on 127.0.0.1. `/jwks` answers `s.status`, `s.headers` and
 * `s.body` after `s.delay` ms, unless `s.handler(req, res)` takes the request
 * (returns anything but false); `/ping` answers "pong" and is not counted.
 * `s.hits(path)` counts the requests for a path, `s.requests` those for /jwks.
 */
async function startServer() {
  const counts = new Map();
  const timers = new Set();
  const s = {
    body: jwksOf(KEY_A),
    status: 200,
    headers: { 'content-type': 'application/json' },
    delay: 0,
    handler: null,
    hits: (path) => counts.get(path) ?? 0,
    get requests() {
      return counts.get('/jwks') ?? 0;
    },
    later(ms, f) {
      const t = setTimeout(() => {
        timers.delete(t);
        f();
      }, ms);
      timers.add(t);
    },
  };
  const server = http.createServer((req, res) => {
    if (req.url === '/ping') {
      res.end('pong');
      return;
    }
    counts.set(req.url, (counts.get(req.url) ?? 0) + 1);
    const answer = () => {
      if (s.handler !== null && s.handler(req, res) !== false) return;
      res.writeHead(s.status, s.headers);
      res.end(s.body);
    };
    if (s.delay > 0) s.later(s.delay, answer);
    else answer();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  s.port = server.address().port;
  s.url = (path = '/jwks') => `http://127.0.0.1:${s.port}${path}`;
  s.close = () =>
    new Promise((resolve) => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return s;
}

/** Runs `fn(server)` with a fresh server, closed afterwards. */
function withServer(fn) {
  return async () => {
    const s = await startServer();
    try {
      await fn(s);
    } finally {
      await s.close();
    }
  };
}

/** A port nothing listens on (a server was there a moment ago). */
async function deadPort() {
  const s = await startServer();
  await s.close();
  return s.port;
}

/** Asserts a TesseraError with `code` (and a message matching `message`). */
function isTessera(code, message) {
  return (e) => {
    assert.ok(e instanceof TesseraError, `expected TesseraError, got ${e && e.name}: ${e && e.message}`);
    assert.equal(e.code, code, e.message);
    if (message !== undefined) assert.match(e.message, message);
    return true;
  };
}

const kids = (set) => set.keys().map((k) => k.kid);
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Awaits `promise`, returning how long it took and its outcome (never throws). */
async function timed(promise) {
  const t0 = performance.now();
  try {
    return { value: await promise, ms: performance.now() - t0 };
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
}

// ------------------------------------------------------------------ API

test('constructor: URL rules (INVALID_ARGUMENT), option types (TypeError), option values (INVALID_ARGUMENT)', () => {
  for (const url of ['http://example.com/jwks', 'http://10.0.0.1/jwks', 'ftp://127.0.0.1/jwks', 'file:///etc/passwd', 'jwks.json', '']) {
    assert.throws(() => new RemoteKeySet(url), isTessera('INVALID_ARGUMENT'), url);
  }
  for (const url of ['https://issuer.example/.well-known/jwks.json', 'http://127.0.0.1:1/jwks', 'http://localhost:1/x', 'http://[::1]:1/x']) {
    assert.equal(new RemoteKeySet(url).url, url);
  }
  assert.throws(() => new RemoteKeySet(), TypeError);
  assert.throws(() => new RemoteKeySet(42), TypeError);
  assert.throws(() => new RemoteKeySet('https://a.example/j', 'opts'), TypeError);
  assert.throws(() => new RemoteKeySet('https://a.example/j', { max_age: 5 }), /did you mean "maxAge"/);
  assert.throws(() => new RemoteKeySet('https://a.example/j', { ttl: 5 }), /unknown option "ttl"/);
  assert.throws(() => new RemoteKeySet('https://a.example/j', { timeout: '5' }), TypeError);
  assert.throws(() => new RemoteKeySet('https://a.example/j', { maxBytes: 1.5 }), TypeError);
  assert.throws(() => new RemoteKeySet('https://a.example/j', { caPem: 5 }), TypeError);
  assert.throws(() => new RemoteKeySet('https://a.example/j', { timeout: 0 }), isTessera('INVALID_ARGUMENT', /timeout/));
  assert.throws(() => new RemoteKeySet('https://a.example/j', { maxAge: -1 }), isTessera('INVALID_ARGUMENT', /max_age/));
  assert.throws(() => new RemoteKeySet('https://a.example/j', { maxBytes: -1 }), isTessera('INVALID_ARGUMENT', /max_bytes/));
  assert.throws(() => new RemoteKeySet('https://a.example/j', { caPem: 'not pem' }), isTessera('INVALID_ARGUMENT', /ca_pem/));
  // Every option, and null / undefined / Infinity where they mean "default" / "unlimited".
  const r = new RemoteKeySet('https://a.example/j', {
    maxAge: 600, minAge: 10, cooldown: 5, timeout: 2.5, maxBytes: 65536, negativeTtl: 60, maxStale: 3600, maxRedirects: 0,
    caPem: null,
  });
  assert.equal(r.url, 'https://a.example/j');
  new RemoteKeySet('https://a.example/j', { maxStale: null, timeout: undefined });
  new RemoteKeySet('https://a.example/j', { maxStale: Infinity });
  assert.match(require('node:util').inspect(r), /RemoteKeySet \{ url: "https:\/\/a\.example\/j" \}/);
  // No I/O before keys are needed: nothing to report yet.
  const st = r.status();
  assert.deepEqual(st, {
    url: 'https://a.example/j', state: 'empty', fresh: false, fetchedAt: null, freshUntil: null, lastError: null,
    lastErrorAt: null, keys: 0, requests: 0, generation: 0,
  });
  assert.equal(r.exportCache(), null);
});

test('the user info of a URL is never shown', () => {
  const r = new RemoteKeySet('https://user:s3cret@issuer.example/jwks');
  assert.equal(r.url, 'https://issuer.example/jwks');
  assert.doesNotMatch(JSON.stringify(r.status()) + require('node:util').inspect(r), /s3cret/);
});

test('sync verify on a remote verifier: INVALID_ARGUMENT pointing to verifyAsync, and no request', withServer(async (s) => {
  const v = new Verifier(new RemoteKeySet(s.url()));
  assert.throws(() => v.verify(TOKEN_A), isTessera('INVALID_ARGUMENT', /verifyAsync/));
  assert.throws(() => v.verify(TOKEN_A), /block the event loop/);
  assert.throws(() => v.verify(42), TypeError);
  assert.equal(s.requests, 0);
  assert.deepEqual(await v.verifyAsync(TOKEN_A), { sub: 'a', exp: EXP });
  await assert.rejects(v.verifyAsync(42), TypeError);
  assert.throws(() => new Verifier({ url: s.url() }), /a Key, KeySet or jwks\.RemoteKeySet/);
  assert.throws(() => jwt.decode(TOKEN_A, new RemoteKeySet(s.url())), TypeError);
}));

// --------------------------------------------------- 1. fetch once, cache

test('1. the first keys() / verifyAsync fetches once; later calls are served from the cache', withServer(async (s) => {
  const remote = new RemoteKeySet(s.url(), { maxAge: 60 });
  const set = await remote.keys();
  assert.ok(set instanceof KeySet);
  assert.deepEqual(kids(set), ['a1']);
  assert.equal(s.requests, 1);
  assert.deepEqual(kids(await remote.keys()), ['a1']);
  const v = new Verifier(remote);
  for (let i = 0; i < 5; i++) assert.equal((await v.verifyAsync(TOKEN_A)).sub, 'a');
  assert.equal(s.requests, 1);
  assert.equal(remote.status().requests, 1);

  // A verifier on a cold set fetches on its first verification, once.
  const cold = new Verifier(new RemoteKeySet(s.url(), { maxAge: 60 }), { cacheSize: 100 });
  assert.equal((await cold.verifyAsync(TOKEN_A)).sub, 'a');
  assert.equal((await cold.verifyAsync(TOKEN_A)).sub, 'a');
  assert.equal(s.requests, 2);
}));

// ------------------------------------------------------------ 2. rotation

test('2. rotation is picked up after max age', withServer(async (s) => {
  const remote = new RemoteKeySet(s.url(), { maxAge: 1, minAge: 1, cooldown: 1 });
  const v = new Verifier(remote);
  assert.equal((await v.verifyAsync(TOKEN_A)).sub, 'a');
  assert.equal(remote.status().generation, 1);
  s.body = jwksOf(KEY_B);
  assert.deepEqual(kids(await remote.keys()), ['a1'], 'still fresh: the old set, no request');
  assert.equal(s.requests, 1);
  await sleep(1200);
  assert.deepEqual(kids(await remote.keys()), ['b1']);
  assert.equal(s.requests, 2);
  assert.equal(remote.status().generation, 2);
  assert.equal((await v.verifyAsync(TOKEN_B)).sub, 'b');
  // A is gone from the set: after the one refetch its unknown kid allows, KEY_NOT_FOUND.
  await assert.rejects(v.verifyAsync(TOKEN_A), isTessera('KEY_NOT_FOUND'));
  assert.equal(s.requests, 3);
}));

test('2. rotation is picked up at once on an unknown kid; the verifier sees it transparently', withServer(async (s) => {
  const remote = new RemoteKeySet(s.url(), { maxAge: 300, cooldown: 30 });
  const v = new Verifier(remote, { cacheSize: 10 });
  assert.equal((await v.verifyAsync(TOKEN_A)).sub, 'a');
  assert.equal(s.requests, 1);
  s.body = jwksOf(KEY_A, KEY_B); // the provider publishes the new key
  assert.equal((await v.verifyAsync(TOKEN_B)).sub, 'b'); // unknown kid b1: one refetch
  assert.equal(s.requests, 2);
  assert.equal((await v.verifyAsync(TOKEN_A)).sub, 'a');
  assert.equal((await v.verifyAsync(TOKEN_B)).sub, 'b');
  assert.equal(s.requests, 2);
  assert.deepEqual(kids(await remote.keys()).sort(), ['a1', 'b1']);
  assert.equal(remote.status().generation, 2);
}));

// ------------------------------------------------------------ 3. cooldown

test('3. unknown kids within the cooldown: KEY_NOT_FOUND without a request; after it, one request', withServer(async (s) => {
  const remote = new RemoteKeySet(s.url(), { maxAge: 300, cooldown: 2 });
  const v = new Verifier(remote);
  await remote.keys();
  assert.equal(s.requests, 1);
  const unknown = jwt.encode({ sub: 'x', exp: EXP }, Key.generate('ES256', { kid: 'x1' }));
  await assert.rejects(v.verifyAsync(unknown), isTessera('KEY_NOT_FOUND', /still unknown after a refetch/));
  assert.equal(s.requests, 2, 'an unknown kid refetches once');
  // The provider now has b1, but the cooldown holds: no request.
  s.body = jwksOf(KEY_A, KEY_B);
  for (let i = 0; i < 5; i++) await assert.rejects(v.verifyAsync(TOKEN_B), isTessera('KEY_NOT_FOUND', /cooling down/));
  assert.equal(s.requests, 2);
  await sleep(2200);
  assert.equal((await v.verifyAsync(TOKEN_B)).sub, 'b');
  assert.equal(s.requests, 3, 'after the cooldown, one request');
  // The negative cache was forgotten when the set changed; x1 may refetch once more, after the cooldown.
  await assert.rejects(v.verifyAsync(unknown), isTessera('KEY_NOT_FOUND'));
  assert.equal(s.requests, 3);
}));

test('3. a kid still unknown after a refetch is remembered (negative cache): no request even after the cooldown', withServer(async (s) => {
  const remote = new RemoteKeySet(s.url(), { maxAge: 300, cooldown: 0.5, negativeTtl: 60 });
  const v = new Verifier(remote);
  await remote.keys();
  const unknown = jwt.encode({ sub: 'x', exp: EXP }, Key.generate('ES256', { kid: 'x1' }));
  await assert.rejects(v.verifyAsync(unknown), isTessera('KEY_NOT_FOUND', /still unknown after a refetch/));
  assert.equal(s.requests, 2, 'the first fetch, then one refetch for x1');
  await sleep(700);
  await assert.rejects(v.verifyAsync(unknown), isTessera('KEY_NOT_FOUND', /still unknown/));
  assert.equal(s.requests, 2);
}));

// -------------------------------------------------------- 4. single flight

test('4. single flight: 100 concurrent keys() on a cold cache make 1 request', withServer(async (s) => {
  s.delay = 300; // the request stays in flight while the others arrive
  const remote = new RemoteKeySet(s.url(), { maxAge: 60 });
  const sets = await Promise.all(Array.from({ length: 100 }, () => remote.keys()));
  assert.equal(s.requests, 1);
  for (const set of sets) assert.deepEqual(kids(set), ['a1']);
  assert.equal(remote.status().requests, 1);
}));

test('4. single flight: 100 concurrent verifyAsync on a cold cache make 1 request', withServer(async (s) => {
  s.delay = 300;
  const v = new Verifier(new RemoteKeySet(s.url(), { maxAge: 60 }));
  const results = await Promise.all(Array.from({ length: 100 }, () => v.verifyAsync(TOKEN_A)));
  assert.equal(s.requests, 1);
  for (const c of results) assert.deepEqual(c, { sub: 'a', exp: EXP });
}));

test('4. single flight: 100 concurrent verifyAsync with an unknown kid make 1 request', withServer(async (s) => {
  const remote = new RemoteKeySet(s.url(), { maxAge: 60, cooldown: 30 });
  const v = new Verifier(remote);
  await remote.keys();
  assert.equal(s.requests, 1);
  s.body = jwksOf(KEY_A, KEY_B);
  s.delay = 300;
  const mixed = Array.from({ length: 100 }, (_, i) => v.verifyAsync(i % 10 === 0 ? TOKEN_A : TOKEN_B));
  const results = await Promise.all(mixed);
  assert.equal(s.requests, 2, 'one refetch for 90 concurrent misses');
  results.forEach((c, i) => assert.equal(c.sub, i % 10 === 0 ? 'a' : 'b'));
}));

test('4. single flight: 100 concurrent verifyAsync with an unknown kid on a cold cache make 1 request', withServer(async (s) => {
  s.delay = 300;
  const v = new Verifier(new RemoteKeySet(s.url(), { maxAge: 60, cooldown: 30 }));
  // The set fetched for the cold cache lacks b1: it is as new as a refetch would make it.
  const results = await Promise.allSettled(Array.from({ length: 100 }, () => v.verifyAsync(TOKEN_B)));
  for (const r of results) isTessera('KEY_NOT_FOUND')(r.reason);
  assert.equal(s.requests, 1);
  // b1 is now remembered as unknown (the negative cache, until negativeTtl or
  // a change of the set): published later, it is still not fetched for.
  s.body = jwksOf(KEY_A, KEY_B);
  s.delay = 0;
  await assert.rejects(v.verifyAsync(TOKEN_B), isTessera('KEY_NOT_FOUND', /still unknown/));
  assert.equal(s.requests, 1);
}));

// --------------------------------------------------- 5. stale while error

test('5. server returning 500: the last good keys keep verifying; status stale with the error; recovery', withServer(async (s) => {
  const remote = new RemoteKeySet(s.url(), { maxAge: 1, minAge: 1, cooldown: 3 });
  const v = new Verifier(remote);
  assert.equal((await v.verifyAsync(TOKEN_A)).sub, 'a');
  s.status = 500;
  s.body = 'oops';
  await sleep(1200);
  assert.equal((await v.verifyAsync(TOKEN_A)).sub, 'a', 'stale keys verify');
  assert.equal(s.requests, 2, 'the refresh was tried');
  const st = remote.status();
  assert.equal(st.state, 'stale');
  assert.equal(st.fresh, false);
  assert.equal(st.keys, 1);
  assert.ok(st.lastError instanceof TesseraError);
  assert.equal(st.lastError.code, 'JWKS_UNAVAILABLE');
  assert.match(st.lastError.message, new RegExp(escape(s.url())));
  assert.match(st.lastError.message, /HTTP 500/);
  assert.ok(st.lastErrorAt instanceof Date && st.lastErrorAt >= st.fetchedAt);
  assert.ok(st.freshUntil < st.lastErrorAt);
  // Within the cooldown, stale keys are served at once, without a request.
  assert.deepEqual(kids(await remote.keys()), ['a1']);
  assert.equal(s.requests, 2);
  // An explicit refresh fetches at once (cooldown or not), reports the failure and keeps the set.
  await assert.rejects(remote.refresh(), isTessera('JWKS_UNAVAILABLE', new RegExp(escape(s.url()))));
  assert.equal(s.requests, 3);
  assert.deepEqual(kids(await remote.keys()), ['a1']);
  // The provider comes back: after the cooldown the next call refreshes.
  s.status = 200;
  s.body = jwksOf(KEY_A);
  await sleep(3200);
  assert.deepEqual(kids(await remote.keys()), ['a1']);
  assert.equal(s.requests, 4, 'first fetch, failed refetch, failed refresh(), the recovery');
  const back = remote.status();
  assert.equal(back.state, 'fresh');
  assert.equal(back.lastError, null);
  assert.equal(back.lastErrorAt, null);
  assert.equal(back.generation, 1, 'the same keys again are not a new generation');
}));

test('5. server stopped: the last good keys keep verifying, status stale (JWKS_UNAVAILABLE naming the URL)', async () => {
  const s = await startServer();
  const url = s.url();
  const remote = new RemoteKeySet(url, { maxAge: 1, minAge: 1, cooldown: 1, timeout: TIMEOUT });
  const v = new Verifier(remote);
  try {
    assert.equal((await v.verifyAsync(TOKEN_A)).sub, 'a');
  } finally {
    await s.close();
  }
  await sleep(1200);
  const r = await timed(v.verifyAsync(TOKEN_A));
  assert.equal(r.error, undefined, r.error && r.error.message);
  assert.equal(r.value.sub, 'a');
  assert.ok(r.ms < BOUND_MS, `${r.ms} ms`);
  const st = remote.status();
  assert.equal(st.state, 'stale');
  assert.equal(st.lastError.code, 'JWKS_UNAVAILABLE');
  assert.match(st.lastError.message, new RegExp(escape(url)));
  assert.equal(st.requests, 2);
  await assert.rejects(remote.refresh(), isTessera('JWKS_UNAVAILABLE', new RegExp(escape(url))));
  assert.deepEqual(kids(await remote.keys()), ['a1']);
});

test('5. maxStale bounds how long stale keys are served', withServer(async (s) => {
  const remote = new RemoteKeySet(s.url(), { maxAge: 1, minAge: 1, cooldown: 1, maxStale: 0.3 });
  await remote.keys();
  s.status = 503;
  await sleep(1500);
  await assert.rejects(remote.keys(), isTessera('JWKS_UNAVAILABLE', new RegExp(escape(s.url()))));
  await assert.rejects(new Verifier(remote).verifyAsync(TOKEN_A), isTessera('JWKS_UNAVAILABLE'));
}));

// ----------------------------------------------- 6. no cache, server down

test('6. no cache and the server down: JWKS_UNAVAILABLE with the URL in the message', async () => {
  const url = `http://127.0.0.1:${await deadPort()}/jwks`;
  const remote = new RemoteKeySet(url, { timeout: TIMEOUT, cooldown: 1 });
  const r = await timed(remote.keys());
  assert.ok(r.ms < BOUND_MS, `${r.ms} ms`);
  isTessera('JWKS_UNAVAILABLE', new RegExp(escape(url)))(r.error);
  await assert.rejects(new Verifier(remote).verifyAsync(TOKEN_A), isTessera('JWKS_UNAVAILABLE', new RegExp(escape(url))));
  await assert.rejects(remote.refresh(), isTessera('JWKS_UNAVAILABLE', new RegExp(escape(url))));
  const st = remote.status();
  assert.equal(st.state, 'empty');
  assert.equal(st.lastError.code, 'JWKS_UNAVAILABLE');
  assert.ok(st.lastErrorAt instanceof Date);
  assert.equal(remote.exportCache(), null);
});

test('6. no cache and a 404 / garbage: JWKS_UNAVAILABLE naming the URL', withServer(async (s) => {
  s.status = 404;
  const remote = new RemoteKeySet(s.url(), { cooldown: 1 });
  await assert.rejects(remote.keys(), isTessera('JWKS_UNAVAILABLE', /HTTP 404/));
  s.status = 200;
  s.body = '<html>not json</html>';
  await assert.rejects(remote.refresh(), isTessera('JWKS_UNAVAILABLE', new RegExp(`${escape(s.url())}.*not a usable JWKS`)));
}));

// ------------------------------------- 7. garbage, huge and slow answers

/** A remote with set A cached, then `s` switched to a bad answer by `spoil`; refresh() must fail in bounded time, A kept. */
async function badAnswer(s, spoil, message, opts) {
  s.body = jwksOf(KEY_A);
  s.status = 200;
  s.handler = null;
  s.delay = 0;
  const remote = new RemoteKeySet(s.url(), { maxAge: 60, cooldown: 1, timeout: TIMEOUT, maxBytes: 4096, ...opts });
  const v = new Verifier(remote);
  assert.equal((await v.verifyAsync(TOKEN_A)).sub, 'a');
  spoil(s);
  const r = await timed(remote.refresh());
  assert.ok(r.error, `refresh() resolved on a bad answer (${message})`);
  isTessera('JWKS_UNAVAILABLE', message)(r.error);
  assert.match(r.error.message, new RegExp(escape(s.url())));
  assert.ok(r.ms < BOUND_MS, `${message}: ${Math.round(r.ms)} ms`);
  // Old keys kept and served.
  assert.deepEqual(kids(await remote.keys()), ['a1']);
  assert.equal((await v.verifyAsync(TOKEN_A)).sub, 'a');
  const st = remote.status();
  assert.equal(st.keys, 1);
  assert.equal(st.generation, 1);
  assert.equal(st.lastError.code, 'JWKS_UNAVAILABLE');
  return r;
}

test('7. garbage bodies: a clear error, the old keys kept', withServer(async (s) => {
  await badAnswer(s, (x) => { x.body = '{"keys": [ not json'; }, /not a usable JWKS/);
  await badAnswer(s, (x) => { x.body = '{"keys": []}'; }, /no usable key/);
  await badAnswer(s, (x) => { x.body = JSON.stringify({ keys: [{ kty: 'nope', kid: 'z' }] }); }, /no usable key/);
  await badAnswer(s, (x) => { x.body = Buffer.from([0xff, 0xfe, 0x00]); }, /not UTF-8/);
}));

test('7. huge bodies (> maxBytes), with and without Content-Length: a clear error in bounded time, the old keys kept', withServer(async (s) => {
  const huge = JSON.stringify({ keys: [KEY_A.public().toJwk()], pad: 'x'.repeat(1 << 20) });
  await badAnswer(s, (x) => { x.body = huge; }, /over 4096 bytes \(max_bytes\)/);
  // Chunked (no Content-Length), and it never ends on its own: the reader must stop at the cap.
  await badAnswer(s, (x) => {
    x.handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"keys":[],"pad":"');
      const more = () => {
        if (res.destroyed || res.writableEnded) return;
        res.write('x'.repeat(1024), () => x.later(1, more));
      };
      more();
    };
  }, /over 4096 bytes \(max_bytes\)/);
  // The same set with a bigger cap is fine: the cap is what refused it.
  s.handler = null;
  s.body = JSON.stringify({ keys: [KEY_A.public().toJwk()], pad: 'x'.repeat(10000) });
  const roomy = new RemoteKeySet(s.url(), { maxBytes: 20000 });
  assert.deepEqual(kids(await roomy.keys()), ['a1']);
}));

test('7. slow answers (headers or body slower than timeout): a clear error in bounded time, the old keys kept', withServer(async (s) => {
  // No answer at all for 5 s.
  await badAnswer(s, (x) => { x.delay = 5000; }, /timed out/);
  // Headers at once, then the body trickles and stops.
  await badAnswer(s, (x) => {
    x.handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"keys":[');
      x.later(5000, () => res.end());
    };
  }, /timed out/);
}));

// ----------------------------------------------------------- 8. redirects

test('8. redirects: same-scheme loopback followed; another scheme, non-loopback http and loops refused', withServer(async (s) => {
  const redirect = (to) => (req, res) => {
    if (req.url === '/jwks') return false;
    res.writeHead(302, { location: to(req.url) });
    res.end();
    return true;
  };
  // Relative and absolute same-scheme loopback redirects are followed.
  s.handler = redirect(() => '/jwks');
  assert.deepEqual(kids(await new RemoteKeySet(s.url('/moved')).keys()), ['a1']);
  assert.equal(s.hits('/moved'), 1);
  assert.equal(s.requests, 1);
  s.handler = redirect(() => `http://localhost:${s.port}/jwks`);
  assert.deepEqual(kids(await new RemoteKeySet(s.url('/moved2')).keys()), ['a1']);
  assert.equal(s.requests, 2);

  // To https (another scheme): refused, the target never asked.
  s.handler = redirect(() => `https://127.0.0.1:${s.port}/jwks`);
  await assert.rejects(new RemoteKeySet(s.url('/to-https'), { timeout: TIMEOUT }).keys(), isTessera('JWKS_UNAVAILABLE', /another scheme/));
  // To plain http on a non-loopback host: refused without a lookup.
  s.handler = redirect(() => 'http://example.com/jwks');
  await assert.rejects(new RemoteKeySet(s.url('/to-remote'), { timeout: TIMEOUT }).keys(), isTessera('JWKS_UNAVAILABLE', /not allowed/));
  // To a file: URL.
  s.handler = redirect(() => 'file:///etc/passwd');
  await assert.rejects(new RemoteKeySet(s.url('/to-file')).keys(), isTessera('JWKS_UNAVAILABLE'));
  assert.equal(s.requests, 2, 'no refused redirect reached /jwks');

  // A loop: maxRedirects followed, then an error.
  s.handler = redirect((path) => path);
  await assert.rejects(new RemoteKeySet(s.url('/loop'), { maxRedirects: 2 }).keys(), isTessera('JWKS_UNAVAILABLE', /too many redirects/));
  assert.equal(s.hits('/loop'), 3);
  // maxRedirects: 0 follows none.
  s.handler = redirect(() => '/jwks');
  await assert.rejects(new RemoteKeySet(s.url('/moved3'), { maxRedirects: 0 }).keys(), isTessera('JWKS_UNAVAILABLE'));
  assert.equal(s.requests, 2);

  // A redirect that fails keeps the old keys.
  s.handler = null;
  const remote = new RemoteKeySet(s.url('/sometimes'), { cooldown: 1 });
  s.handler = (req, res) => {
    if (req.url !== '/sometimes') return false;
    res.writeHead(200, s.headers);
    res.end(s.body);
    return true;
  };
  await remote.keys();
  s.handler = redirect(() => `https://127.0.0.1:${s.port}/jwks`);
  await assert.rejects(remote.refresh(), isTessera('JWKS_UNAVAILABLE', /another scheme/));
  assert.deepEqual(kids(await remote.keys()), ['a1']);
}));

// ---------------------------------------------------------- 9. jku, x5u

test('9. jku / x5u in a token are never fetched', withServer(async (s) => {
  s.handler = (req, res) => {
    if (req.url === '/jwks') return false;
    res.writeHead(200, s.headers);
    res.end(jwksOf(KEY_EVIL)); // would make the evil token verify, if it were ever fetched
    return true;
  };
  const header = { jku: s.url('/evil-jku'), x5u: s.url('/evil-x5u') };
  const evil = jwt.encode({ sub: 'evil', exp: EXP }, KEY_EVIL, { header });
  const remote = new RemoteKeySet(s.url(), { cooldown: 30 });
  const v = new Verifier(remote);
  await remote.keys();
  await assert.rejects(v.verifyAsync(evil), isTessera('KEY_NOT_FOUND'));
  await assert.rejects(v.verifyAsync(evil), isTessera('KEY_NOT_FOUND'));
  // A token of a known key with a jku verifies by the configured set alone.
  const withJku = jwt.encode({ sub: 'a', exp: EXP }, KEY_A, { header });
  assert.equal((await v.verifyAsync(withJku)).sub, 'a');
  assert.equal(s.hits('/evil-jku'), 0);
  assert.equal(s.hits('/evil-x5u'), 0);
  assert.equal(s.requests, 2, 'the configured URL only: the first fetch and one refetch for the unknown kid');
}));

// -------------------------------------------------- 10. export and import

test('10. exportCache / importCache: a fresh RemoteKeySet verifies without any request', withServer(async (s) => {
  s.body = jwksOf(KEY_A, KEY_B);
  s.headers = { 'content-type': 'application/json', 'cache-control': 'max-age=120' };
  const first = new RemoteKeySet(s.url(), { maxAge: 300, minAge: 1 });
  await first.keys();
  assert.equal(s.requests, 1);
  const data = first.exportCache();
  assert.equal(typeof data, 'string');
  const parsed = JSON.parse(data);
  assert.equal(parsed.url, s.url());
  assert.deepEqual(parsed.jwks.keys.map((k) => k.kid).sort(), ['a1', 'b1']);
  for (const k of parsed.jwks.keys) assert.equal(k.d, undefined, 'public keys only');

  // A cold start in "another process": a new set, the cache imported.
  const cold = new RemoteKeySet(s.url(), { maxAge: 300 });
  cold.importCache(data);
  const st = cold.status();
  assert.equal(st.state, 'fresh');
  assert.equal(st.keys, 2);
  assert.equal(st.requests, 0);
  assert.ok(Math.abs(st.fetchedAt - first.status().fetchedAt) < 5);
  const v = new Verifier(cold);
  assert.equal((await v.verifyAsync(TOKEN_A)).sub, 'a');
  assert.equal((await v.verifyAsync(TOKEN_B)).sub, 'b');
  assert.deepEqual(kids(await cold.keys()).sort(), ['a1', 'b1']);
  assert.equal(s.requests, 1, 'the imported set answered: no request');

  // Another URL, bad text, wrong types.
  const other = new RemoteKeySet(s.url('/other'));
  assert.throws(() => other.importCache(data), isTessera('INVALID_ARGUMENT', /another URL/));
  assert.throws(() => cold.importCache('not json'), isTessera('INVALID_ARGUMENT'));
  assert.throws(() => cold.importCache(JSON.stringify({ ...parsed, jwks: { keys: [] } })), isTessera('INVALID_KEY'));
  assert.throws(() => cold.importCache(parsed), TypeError);
  assert.equal(other.exportCache(), null);
}));

// --------------------------------------------------- 11. status, max-age

test('11. status() fields after a fetch; Cache-Control max-age within [minAge, maxAge]', withServer(async (s) => {
  const freshFor = async (cacheControl, opts) => {
    s.headers = { 'content-type': 'application/json', ...(cacheControl ? { 'cache-control': cacheControl } : {}) };
    const remote = new RemoteKeySet(s.url(), opts);
    const before = Date.now();
    await remote.keys();
    const st = remote.status();
    assert.equal(st.url, s.url());
    assert.equal(st.state, 'fresh');
    assert.equal(st.fresh, true);
    assert.ok(st.fetchedAt instanceof Date && st.freshUntil instanceof Date);
    assert.ok(st.fetchedAt.getTime() >= before - 1000 && st.fetchedAt.getTime() <= Date.now() + 1000);
    assert.equal(st.lastError, null);
    assert.equal(st.lastErrorAt, null);
    assert.equal(st.keys, 1);
    assert.equal(st.requests, 1);
    assert.equal(st.generation, 1);
    return (st.freshUntil - st.fetchedAt) / 1000;
  };
  const near = (got, want) => assert.ok(Math.abs(got - want) < 2, `fresh for ${got} s, want about ${want}`);
  near(await freshFor(null, { maxAge: 100 }), 100);
  near(await freshFor('public, max-age=40', { maxAge: 100, minAge: 10 }), 40);
  near(await freshFor('max-age=100000', { maxAge: 100, minAge: 10 }), 100);
  near(await freshFor('max-age=1', { maxAge: 100, minAge: 10 }), 10);
  near(await freshFor('no-cache', { maxAge: 100, minAge: 10 }), 10);
}));

// ------------------------------------------------------ the event loop

test('the event loop keeps turning while a fetch waits on a slow server (the same server keeps answering)', withServer(async (s) => {
  s.delay = 1500;
  const remote = new RemoteKeySet(s.url(), { timeout: 5 });
  const v = new Verifier(remote);
  let ticks = 0;
  let maxGap = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks += 1;
  }, 10);
  const events = [];
  try {
    const verified = v.verifyAsync(TOKEN_A).then((c) => events.push(`verified ${c.sub}`));
    const fetched = remote.keys().then(() => events.push('keys'));
    await sleep(200);
    // The loop serves HTTP (this very server) while the fetch is pending.
    const pong = await new Promise((resolve, reject) => {
      http.get(s.url('/ping'), (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
    events.push(pong);
    await Promise.all([verified, fetched]);
  } finally {
    clearInterval(timer);
  }
  assert.equal(events[0], 'pong', `order: ${events.join(', ')}`);
  assert.deepEqual(events.slice(1).sort(), ['keys', 'verified a']);
  assert.equal(s.requests, 1);
  // 1.5 s of waiting at a 10 ms interval: far more than 20 ticks unless the loop was blocked.
  assert.ok(ticks >= 20, `${ticks} ticks`);
  assert.ok(maxGap < 1000, `the event loop stalled for ${Math.round(maxGap)} ms`);
}));

// ------------------------------------------------------- tessera/express

test('bearer on a remote verifier: 401 for a bad token, 503 JWKS_UNAVAILABLE when no keys can be had', async () => {
  const url = `http://127.0.0.1:${await deadPort()}/jwks`;
  const s = await startServer();
  const app = http.createServer((req, res) => {
    const verifier = req.url === '/down' ? downVerifier : upVerifier;
    bearer({ verifier })(req, res, () => res.end(JSON.stringify(req.auth)));
  });
  const upVerifier = new Verifier(new RemoteKeySet(s.url()));
  const downVerifier = new Verifier(new RemoteKeySet(url, { timeout: TIMEOUT }));
  await new Promise((r) => app.listen(0, '127.0.0.1', r));
  const get = (path, token) =>
    new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: app.address().port, path, headers: { authorization: `Bearer ${token}` } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(body) }));
      }).on('error', reject);
    });
  try {
    assert.deepEqual(await get('/up', TOKEN_A), { status: 200, body: { sub: 'a', exp: EXP } });
    const bad = await get('/up', TOKEN_B);
    assert.deepEqual([bad.status, bad.body.code], [401, 'KEY_NOT_FOUND']);
    const down = await get('/down', TOKEN_A);
    assert.deepEqual([down.status, down.body.code], [503, 'JWKS_UNAVAILABLE']);
  } finally {
    app.closeAllConnections();
    await new Promise((r) => app.close(r));
    await s.close();
  }
});
