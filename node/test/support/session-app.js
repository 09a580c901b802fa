'use strict';
// The Express app of express.server.test.js (serverSession + bearer and the
// routes the tests call), shared so a second instance can run in another
// process. Not a test file. As a program it is that second instance:
//
//   node session-app.js <redis-url | comma-separated seed URLs> <prefix> [--cluster]
//
// listens on a free loopback port, prints {"port": N} and runs until stdin
// closes (the parent test ends it by closing the pipe or killing it).

const http = require('node:http');
const { setTimeout: sleep } = require('node:timers/promises');
const path = require('node:path');
const express = require('express');

const tessera = require(path.join(__dirname, '..', '..'));
const { serverSession, bearer } = require(path.join(__dirname, '..', '..', 'express.js'));

const JWT_SECRET = '0123456789abcdef0123456789abcdef';

function view(req) {
  const s = req.session;
  return { data: { ...s }, id: s.id, userId: s.userId, version: s.version, isNew: s.isNew };
}

/** An Express app with serverSession on `manager` and the routes the tests use. */
function app(manager, opts = {}, verifier = undefined) {
  const a = express();
  a.set('env', 'test'); // express' default error handler: no stack traces in the test log
  a.use(serverSession({ manager, name: 'sid', ...opts }));
  a.get('/me', (req, res) => res.json(view(req)));
  a.get('/untouched', (req, res) => res.json({ ok: true }));
  a.post('/login', async (req, res) => {
    req.session.views = 999; // dropped by regenerate
    await req.session.regenerate({ userId: req.query.user });
    req.session.user = req.query.user;
    res.json({ regenerated: true, isNew: req.session.isNew });
  });
  a.post('/views', (req, res) => {
    req.session.views = (req.session.views || 0) + 1;
    res.json(view(req));
  });
  a.post('/set', async (req, res) => {
    await sleep(Number(req.query.delay || 0));
    req.session[req.query.key] = req.query.value;
    res.json({ set: req.query.key });
  });
  a.post('/unset', (req, res) => {
    delete req.session[req.query.key];
    res.json({ unset: req.query.key });
  });
  a.post('/rotate', (req, res, next) => {
    req.session.rotate(req.query.user ? { userId: req.query.user } : undefined, (err) => (err ? next(err) : res.json({ rotated: true })));
  });
  a.post('/logout', async (req, res) => {
    await req.session.destroy();
    res.json({ loggedOut: true });
  });
  a.post('/null', (req, res) => {
    req.session = null;
    res.json({ ok: true });
  });
  a.post('/replace', (req, res) => {
    req.session = { replaced: true };
    res.json({ ok: true });
  });
  a.post('/empty', (req, res) => {
    for (const k of Object.keys(req.session)) delete req.session[k];
    res.json({ ok: true });
  });
  a.post('/explicit', async (req, res) => {
    req.session.explicit = true;
    await req.session.save();
    res.json({ id: req.session.id, version: req.session.version });
  });
  a.post('/stream', (req, res) => {
    req.session.streamed = 'before';
    res.setHeader('Content-Type', 'text/plain');
    res.write('one,');
    res.write('two,');
    setTimeout(() => res.end('three'), 20);
  });
  a.post('/stream-late', (req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.write('headers are out;');
    req.session.late = true;
    setTimeout(() => res.end('done'), 20);
  });
  a.post('/everywhere', async (req, res) => {
    res.json({ ended: await manager.destroyUser(req.session.userId) });
  });
  a.post('/bigint', (req, res) => {
    req.session.n = 1n;
    res.json({ ok: true });
  });
  if (verifier) {
    a.get('/api/me', bearer({ verifier }), (req, res) => res.json({ sub: req.auth.sub, jti: req.auth.jti }));
  }
  return a;
}


/** Listens on 127.0.0.1; resolves to [base URL, server]. */
function listen(handler) {
  return new Promise((resolve, reject) => {
    const server = http.createServer(handler);
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve([`http://127.0.0.1:${server.address().port}`, server]));
  });
}

module.exports = { app, listen, JWT_SECRET };

if (require.main === module && process.argv.length > 2) {
  const [url, prefix, flag] = process.argv.slice(2);
  const cluster = flag === '--cluster';
  const { sessions, Key, Verifier } = tessera;
  const store = new sessions.RedisStore(cluster ? url.split(',') : url, { prefix, cluster });
  const manager = new sessions.SessionManager(store, { ttl: 600, idleTimeout: 300 });
  const verifier = new Verifier(Key.hmac(JWT_SECRET), { denylist: new sessions.Denylist(store) });
  listen(app(manager, {}, verifier)).then(([base, server]) => {
    process.stdout.write(`${JSON.stringify({ port: Number(new URL(base).port) })}\n`);
    process.stdin.resume();
    process.stdin.on('end', () => server.close(() => process.exit(0)));
  });
}
