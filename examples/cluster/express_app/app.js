'use strict';
// The cluster demo's Express instance (examples/cluster/README.md).
//
// The same routes as ../flask_app/app.py, with every piece of auth done by
// Tessera's Node binding: sealed session cookies (`cookie` mode), server-side
// sessions in Redis (`redis` mode), access JWTs verified against a denylist
// and rotating refresh tokens (`jwt` mode, and alongside sessions in `redis`
// mode). Store calls run on the libuv pool (Promises), never blocking the
// event loop. The only thing written here is the password check (scrypt
// from node:crypto).
//
// Configuration comes from the environment (tessera-cluster sets it):
// TESSERA_MODE (cookie | redis | jwt), TESSERA_INSTANCE, TESSERA_PORT,
// TESSERA_SESSION_SECRET, TESSERA_JWT_SECRET (hex), TESSERA_REDIS (one URL,
// or seed URLs separated by commas with TESSERA_REDIS_CLUSTER=1).

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const express = require('express');
const tessera = require('tessera');

const { SessionCookie, setCookie, deleteCookie, parseCookie } = tessera.cookies;

const MODE = process.env.TESSERA_MODE || 'cookie';
const INSTANCE = process.env.TESSERA_INSTANCE || 'express';
const LANGUAGE = 'node';
const ISSUER = 'tessera-cluster-demo';
const ACCESS_TTL = 300;
const SESSION_TTL = 3600;
const SESSION_COOKIE = 'tessera_session';
const SID_COOKIE = 'tessera_sid';
// The demo serves plain HTTP on loopback; in production keep Secure (the default).
const COOKIE_SECURE = process.env.TESSERA_COOKIE_SECURE === '1';

const USERS = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'users.json'), 'utf8')).users;

const jwtKey = tessera.Key.hmac(Buffer.from(process.env.TESSERA_JWT_SECRET, 'hex'));
const sealer = new SessionCookie([Buffer.from(process.env.TESSERA_SESSION_SECRET, 'hex')], {
  name: SESSION_COOKIE, encrypted: true, maxAge: SESSION_TTL, secure: COOKIE_SECURE,
});

let store = null;
let sessions = null;
let refresh = null;
let denylist = null;
if (MODE === 'redis' || MODE === 'jwt') {
  const { RedisStore, SessionManager, RefreshTokens, Denylist } = tessera.sessions;
  const urls = process.env.TESSERA_REDIS.split(',');
  store = new RedisStore(urls.length > 1 ? urls : urls[0], { cluster: process.env.TESSERA_REDIS_CLUSTER === '1' });
  refresh = new RefreshTokens(store, { ttl: 86400 });
  denylist = new Denylist(store);
  if (MODE === 'redis') sessions = new SessionManager(store, { ttl: SESSION_TTL, idleTimeout: 900 });
}
const verifier = new tessera.Verifier(jwtKey, { issuer: ISSUER, required: ['exp', 'sub', 'jti'], ...(denylist ? { denylist } : {}) });

/** The user's role if `password` is theirs (scrypt, constant-time compare). */
function checkPassword(user, password) {
  const entry = Object.prototype.hasOwnProperty.call(USERS, user) ? USERS[user] : null;
  if (!entry) return null;
  const [, n, r, p, salt, want] = entry.password.split('$');
  const got = crypto.scryptSync(String(password), Buffer.from(salt, 'base64'), 32, { N: +n, r: +r, p: +p });
  const expected = Buffer.from(want, 'base64');
  return got.length === expected.length && crypto.timingSafeEqual(got, expected) ? entry.role : null;
}

class HttpError extends Error {
  constructor(code, status) {
    super(code);
    this.code = code;
    this.status = status;
  }
}

function reply(res, body, status = 200) {
  res.set('X-Served-By', `${INSTANCE} (${LANGUAGE})`);
  res.status(status).json({ ...body, instance: INSTANCE, language: LANGUAGE });
}

function accessToken(user, role, note) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: user, role, iss: ISSUER, iat: now, exp: now + ACCESS_TTL, jti: crypto.randomBytes(16).toString('base64url') };
  if (note !== undefined && note !== null) claims.note = note;
  return tessera.jwt.encode(claims, jwtKey);
}

function bearer(req) {
  const auth = req.get('authorization') || '';
  return auth.startsWith('Bearer ') ? auth.slice(7).trim() : null;
}

async function currentSession(req) {
  const header = req.get('cookie') || '';
  if (MODE === 'cookie') {
    try {
      return sealer.load(header).data;
    } catch (e) {
      if (['SESSION_NOT_FOUND', 'INVALID_SIGNATURE', 'EXPIRED', 'MALFORMED'].includes(e.code)) return null;
      throw e;
    }
  }
  if (sessions) {
    const sid = parseCookie(header)[SID_COOKIE];
    return sid ? sessions.load(sid) : null;
  }
  return null;
}

/** The caller: from the Bearer token if one is sent, else the session. */
async function who(req) {
  const token = bearer(req);
  if (token !== null) {
    const c = await verifier.verifyAsync(token);
    return { user: c.sub, role: c.role, note: c.note ?? null, via: 'jwt', jti: c.jti, exp: c.exp };
  }
  const s = await currentSession(req);
  if (!s) throw new HttpError('SESSION_NOT_FOUND', 401);
  const data = s.data ?? s;
  return { user: data.user, role: data.role, note: data.note ?? null, via: 'session' };
}

const app = express();
app.disable('x-powered-by');
app.use(express.json());
const route = (fn) => (req, res, next) => fn(req, res).catch(next);

app.get('/healthz', route(async (req, res) => {
  if (store) await store.ping();
  reply(res, { ok: true, mode: MODE });
}));

app.post('/login', route(async (req, res) => {
  const body = req.body || {};
  const user = String(body.username ?? '');
  const note = body.note ?? null;
  const role = checkPassword(user, body.password ?? '');
  if (role === null) throw new HttpError('INVALID_CREDENTIALS', 401);
  const out = {
    user,
    access_token: accessToken(user, role, note),
    refresh_token: refresh ? await refresh.issue(user, { role, note }) : null,
  };
  const data = { user, role, note, login_at: Math.floor(Date.now() / 1000) };
  const header = req.get('cookie') || '';
  if (MODE === 'cookie') {
    res.append('Set-Cookie', sealer.setCookieHeaders(data, { requestCookieHeader: header }));
  } else if (sessions) {
    // A fresh id on every login (no fixation); the old session, if any, ends.
    const old = parseCookie(header)[SID_COOKIE];
    if (old) await sessions.destroy(old);
    const sid = await sessions.create(data, { userId: user });
    res.append('Set-Cookie', setCookie(SID_COOKIE, sid, { maxAge: SESSION_TTL, secure: COOKIE_SECURE }));
  }
  reply(res, out);
}));

app.get('/me', route(async (req, res) => {
  reply(res, await who(req));
}));

app.post('/refresh', route(async (req, res) => {
  const body = req.body || {};
  if (!refresh) {
    // cookie mode: no store, so the sealed session slides instead.
    const header = req.get('cookie') || '';
    const { data } = sealer.load(header);
    res.append('Set-Cookie', sealer.setCookieHeaders(data, { requestCookieHeader: header }));
    reply(res, { user: data.user, access_token: accessToken(data.user, data.role, data.note), refresh_token: null });
    return;
  }
  const r = await refresh.rotate(String(body.refresh_token ?? ''));
  const data = r.data || {};
  reply(res, { user: r.userId, access_token: accessToken(r.userId, data.role || 'user', data.note), refresh_token: r.token });
}));

app.post('/logout', route(async (req, res) => {
  const body = req.body || {};
  const header = req.get('cookie') || '';
  if (MODE === 'cookie') {
    res.append('Set-Cookie', sealer.clearCookieHeaders({ requestCookieHeader: header }));
    reply(res, { ok: true });
    return;
  }
  if (sessions) {
    const sid = parseCookie(header)[SID_COOKIE];
    if (sid) await sessions.destroy(sid);
    res.append('Set-Cookie', deleteCookie(SID_COOKIE, { secure: COOKIE_SECURE }));
  }
  if (refresh && body.refresh_token) await refresh.revokeFamily(String(body.refresh_token));
  const token = bearer(req);
  if (token !== null && denylist) {
    const c = await verifier.verifyAsync(token);
    await denylist.revoke(c.jti, c.exp);
  }
  reply(res, { ok: true });
}));

app.post('/logout-all', route(async (req, res) => {
  if (MODE === 'cookie') throw new HttpError('NEEDS_A_STORE', 501);
  const id = await who(req);
  const ended = sessions ? await sessions.destroyUser(id.user) : 0;
  const families = refresh ? await refresh.revokeUser(id.user) : 0;
  if (id.via === 'jwt' && denylist) await denylist.revoke(id.jti, id.exp);
  reply(res, { ok: true, sessions_ended: ended, refresh_families_revoked: families });
}));

app.post('/admin/revoke', route(async (req, res) => {
  if (!denylist) throw new HttpError('NEEDS_A_STORE', 501);
  const id = await who(req);
  if (id.via !== 'jwt') throw new HttpError('BEARER_TOKEN_REQUIRED', 401);
  if (id.role !== 'admin') throw new HttpError('FORBIDDEN', 403);
  const body = req.body || {};
  await denylist.revoke(String(body.jti ?? ''), Number(body.exp ?? 0));
  reply(res, { ok: true, revoked: body.jti ?? null });
}));

// Errors: Tessera's codes as JSON; a store that cannot answer is an outage (503), never "logged out".
// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  if (err instanceof HttpError) return reply(res, { error: err.code }, err.status);
  if (err instanceof tessera.TesseraError) {
    return reply(res, { error: err.code }, err.code === 'STORE_UNAVAILABLE' ? 503 : 401);
  }
  if (err.type === 'entity.parse.failed') return reply(res, { error: 'MALFORMED' }, 400);
  console.error(err);
  return reply(res, { error: 'INTERNAL' }, 500);
});

const server = app.listen(Number(process.env.TESSERA_PORT), '127.0.0.1', () => {
  console.log(`${INSTANCE} (express, ${MODE} mode) on http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
