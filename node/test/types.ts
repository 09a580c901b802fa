// Typed usage of the whole API (CommonJS flavour), checked by `tsc --noEmit`
// (npm test). Never run: it only has to type-check, and the @ts-expect-error
// lines prove that misuse does not.
import tessera = require('tessera');
import { Key, KeySet, Verifier, TesseraError, jwt, jws, errorCodes, algorithms, version } from 'tessera';
import type { Algorithm, ErrorCode, JwtClaims, JwtHeader, Jwk, Jwks, VerifyOptions, SignOptions, KeyLike } from 'tessera';

async function usage(): Promise<void> {
  const secret: Key = Key.hmac('0123456789abcdef0123456789abcdef', { alg: 'HS256', kid: 'k1', allowWeak: false });
  const fromBuf: Key = Key.hmac(Buffer.from('s'), { allowWeak: true });
  const fromPem: Key = Key.fromPem('-----BEGIN PUBLIC KEY-----...', { alg: 'RS256', kid: 'r' });
  const fromPemBuf: Key = Key.fromPem(Buffer.from('pem'));
  const fromJwk: Key = Key.fromJwk({ kty: 'OKP', crv: 'Ed25519', x: '...' });
  const fromJwkText: Key = Key.fromJwk('{"kty":"oct","k":"..."}', { alg: 'HS512' });
  const generated: Key = Key.generate('ES256', { kid: 'e' });
  const rsa: Key = await Key.generateAsync('RS256');

  const alg: Algorithm = generated.alg;
  const kid: string | undefined = generated.kid;
  const priv: boolean = generated.isPrivate;
  const pub: Key = generated.public();
  const jwk: Jwk = pub.toJwk();
  const privJwk: Jwk = generated.toJwk({ private: true });
  const thumb: string = pub.thumbprint();
  const sig: Buffer = generated.sign('data');
  pub.verify(new Uint8Array([1, 2]), sig);

  const set = new KeySet([generated, rsa]);
  const empty = new KeySet();
  const fromJwks: KeySet = KeySet.fromJwks({ keys: [jwk] });
  const fromJwksText: KeySet = KeySet.fromJwks('{"keys":[]}');
  const jwks: Jwks = set.toJwks();
  const n: number = set.size + set.skipped + empty.size;
  for (const k of set) k.thumbprint();
  const listed: Key[] = set.keys();

  const header: SignOptions = { header: { kid: 'e', cty: 'x' } };
  const token: string = jwt.encode({ sub: 'u1', exp: 4102444800 }, generated, header);
  const token2: string = await jwt.encodeAsync('{"sub":"u1"}', set, { header: '{"typ":"at+jwt"}' });

  const options: VerifyOptions = {
    algorithms: ['ES256', 'RS256'],
    issuer: ['https://a', 'https://b'],
    audience: 'api',
    subject: 'u1',
    required: ['exp', 'iat'],
    leeway: 5,
    maxAge: 3600,
    typ: 'at+jwt',
    now: new Date(),
    verifyExp: true,
    verifyNbf: false,
    maxTokenBytes: 8192,
  };
  const claims: JwtClaims = jwt.decode(token, pub, options);
  const sub: string | undefined = claims.sub;
  const aud: string | string[] | undefined = claims.aud;
  interface MyClaims { sub: string; admin: boolean }
  const mine: MyClaims = jwt.decode<MyClaims>(token, set, { now: 1700000000 });
  const later: JwtClaims = await jwt.decodeAsync(token2, fromJwks);
  const { header: h, claims: c }: { header: JwtHeader; claims: JwtClaims } = jwt.decodeUnverified(token);

  const verifier = new Verifier(set, { issuer: 'https://a' });
  const v1: JwtClaims = verifier.verify(token);
  const v2: MyClaims = await verifier.verifyAsync<MyClaims>(token);
  const also = new Verifier(pub);
  const cached = new Verifier(pub, { cacheSize: 1000, maxAge: 60 });
  const fromCache: JwtClaims = cached.verify(token);
  console.log(fromCache.sub);

  const compact: string = jws.sign(Buffer.from([0, 1]), generated);
  const compact2: string = await jws.signAsync('text', set, { header: { cty: 'text/plain' } });
  const payload: Buffer = jws.verify(compact, pub);
  jws.verifyDetached(compact, 'payload', set);

  try {
    verifier.verify(token);
  } catch (e) {
    if (e instanceof TesseraError) {
      const code: ErrorCode = e.code;
      const claim: string | undefined = e.claim;
      if (e.code === 'EXPIRED') console.log(code, claim, e.message);
    }
  }
  const err = new TesseraError('INVALID_ARGUMENT', 'bad', { claim: 'x' });
  const codes: ReadonlyArray<ErrorCode> = errorCodes;
  const algs: ReadonlyArray<Algorithm> = algorithms;
  const ver: string = version;
  const keyLike: KeyLike = Math.random() > 0.5 ? pub : set;
  const viaDefault: string = tessera.jwt.encode({}, secret);

  // @ts-expect-error a secret string is not a key
  jwt.decode(token, 'secret');
  // @ts-expect-error claims must be an object or JSON text
  jwt.encode(42, secret);
  // @ts-expect-error unknown option
  new Verifier(pub, { maxage: 5 });
  // @ts-expect-error snake_case is the core's name, not the JS option
  jwt.decode(token, pub, { max_age: 5 });
  // @ts-expect-error cacheSize is an option of new Verifier, not of jwt.decode
  jwt.decode(token, pub, { cacheSize: 5 });
  // @ts-expect-error cacheSize is a number
  new Verifier(pub, { cacheSize: '5' });
  // @ts-expect-error leeway is a number
  jwt.decode(token, pub, { leeway: '5' });
  // @ts-expect-error keys have no public constructor
  new Key();
  // @ts-expect-error alg is read-only
  pub.alg = 'HS256';
  // @ts-expect-error not an error code
  const wrong: ErrorCode = 'EXPIRED_TOKEN';

  console.log(fromJwksText, fromBuf, fromPem, fromPemBuf, fromJwk, fromJwkText, alg, kid, priv, privJwk, thumb, jwks, n, listed,
    sub, aud, mine, later, h, c, v1, v2, also, compact2, payload, err, codes, algs, ver, keyLike, viaDefault, wrong);
}

void usage;

// ------------------------------------------------------------------ cookies
import { cookies } from 'tessera';
import type { Instant } from 'tessera';

function cookieUsage(): void {
  const now: Instant = new Date();
  const signer = new cookies.Signer(['old', Buffer.from('new')], { salt: 's', sep: '.', keyDerivation: 'hmac', digestMethod: 'sha256' });
  const signedText: string = signer.sign('v');
  const signedBytes: Buffer = signer.sign(new Uint8Array([1]));
  const plain: string = signer.unsign(signedText);
  const plainBytes: Buffer = signer.unsign(signedBytes);
  const ok: boolean = signer.validate(signedText);

  const ts = new cookies.TimestampSigner('k');
  const t1: string = ts.sign('v', { now });
  const t2: string = ts.unsign(t1, { maxAge: 60, now: 1700000000 });
  const t3: { value: string; timestamp: number } = ts.unsign(t1, { maxAge: 60, returnTimestamp: true });
  const t4: { value: Buffer; timestamp: number } = ts.unsign(Buffer.from(t1), { returnTimestamp: true });

  const ser = new cookies.URLSafeTimedSerializer('k', { salt: 'activate' });
  const token: string = ser.dumps({ id: 5 }, { now: 1700000000 });
  interface Activation { id: number }
  const act: Activation = ser.loads<Activation>(token, { maxAge: 3600 });

  const flask = new cookies.FlaskCookie('secret', { fallbacks: ['older'], salt: 'cookie-session', maxAge: null });
  const fcookie: string = flask.dumps({ user_id: 42, blob: { ' b': 'YWI=' } }, { now });
  const fsession = flask.loads(fcookie);
  const tagged: cookies.FlaskValue | undefined = fsession['blob'];
  const tag: cookies.FlaskTagged = { ' t': [1, 'x'] };

  const cs = new cookies.ExpressCookieSession(['new', 'old'], { name: 'session' });
  const { value, sig }: cookies.ExpressSigned = cs.sign({ user: 'ann' });
  const csName: string = cs.name;
  interface Sess { user: string }
  const sess: Sess = cs.verify<Sess>(value, sig);
  const info: cookies.ExpressVerified<Sess> = cs.loadInfo<Sess>(`session=${value}; session.sig=${sig}`);
  const resign: string = info.needsResign ? cs.signValue(value) : sig;

  const ids = new cookies.ExpressSessionId(['s1', 's2']);
  const sid: string = ids.unsign(ids.sign('abc'));
  const sid2: string = ids.load('connect.sid=s%3Aabc.x', { name: 'connect.sid' });

  const sc = new cookies.SessionCookie(['0123456789abcdef0123456789abcdef'], {
    name: '__Host-session', encrypted: true, maxAge: 3600, chunked: true,
    path: '/', secure: true, httpOnly: true, sameSite: 'Lax', partitioned: false,
  });
  const sealed: string = sc.seal({ user: 1 }, { now });
  const opened: cookies.OpenedCookie<Sess> = sc.openInfo<Sess>(sealed);
  const data: Sess = sc.open<Sess>(sealed, { now: 1700000000 });
  const loaded: cookies.OpenedCookie<Sess> = sc.load<Sess>(`__Host-session=${sealed}`);
  const chunks: Array<[string, string]> = sc.sealChunks({ user: 1 });
  const lines: string[] = sc.setCookieHeaders({ user: 1 }, { now, requestCookieHeader: 'a=1' });
  const gone: string[] = sc.clearCookieHeaders({ requestCookieHeader: 'a=1' });

  const line: string = cookies.setCookie('a', 'b', { path: false, domain: 'x.example', maxAge: 5, expires: now, secure: true, httpOnly: false, sameSite: 'none', partitioned: true });
  const del: string = cookies.deleteCookie('a', { path: '/' });
  const jar: { [name: string]: string } = cookies.parseCookie('a=1');

  const csrf = new cookies.CsrfTokens(['0123456789abcdef0123456789abcdef']);
  csrf.verify('sid', csrf.generate('sid'));

  const rails = new cookies.RailsCookie('base', { cookieName: '_app_session', digest: 'sha256', rotations: [{ secretKeyBase: 'old', digest: 'sha1' }] });
  const rcookie: string = rails.encrypt({ session_id: 'x' }, { expiresAt: now });
  const rvalue: { session_id: string } = rails.decrypt<{ session_id: string }>(rcookie, { now });

  // @ts-expect-error sign returns [value, sig] as an object, not a tuple
  const [v0] = cs.sign({});
  // @ts-expect-error the Flask secret is one key; fallbacks go in options
  new cookies.FlaskCookie('a', ['b']);
  // @ts-expect-error RailsCookie needs cookieName
  new cookies.RailsCookie('base', {});
  // @ts-expect-error SessionCookie's maxAge is seconds, not a Date
  new cookies.SessionCookie('s', { maxAge: new Date() });
  // @ts-expect-error sameSite true is not a SameSite
  cookies.setCookie('a', 'b', { sameSite: true });
  // @ts-expect-error digest names are itsdangerous' camelCase option
  new cookies.Signer('k', { digest_method: 'sha1' });

  console.log(plain, plainBytes, ok, t2, t3, t4, act, tagged, tag, csName, resign, sid, sid2, opened, data, loaded, chunks, lines, gone,
    line, del, jar, rvalue, v0, sess);
}
void cookieUsage;

// ------------------------------------------------------------ tessera/express
import express = require('express');
import cookieSession = require('tessera/express');
import { cookieSession as named } from 'tessera/express';

function expressUsage(): void {
  const app = express();
  const opts: cookieSession.CookieSessionOptions = {
    name: 'session', keys: ['new', Buffer.from('old')], maxAge: 24 * 3600 * 1000, path: '/', domain: 'example.com',
    secure: true, httpOnly: true, sameSite: 'lax', partitioned: false, overwrite: true, signed: true,
  };
  app.use(cookieSession(opts));
  app.use(named({ secret: 'k', format: 'sealed', secrets: ['0123456789abcdef0123456789abcdef'], encrypted: true, chunked: true, expires: new Date() }));
  app.get('/', (req, res) => {
    if (req.session) {
      req.session['views'] = (req.session['views'] || 0) + 1;
      const meta: [boolean, boolean, boolean] = [req.session.isNew, req.session.isChanged, req.session.isPopulated];
      console.log(meta);
    }
    req.sessionOptions.maxAge = 1000;
    req.session = null;
    res.end();
  });
  const mw: cookieSession.Middleware = cookieSession({ keys: ['k'] });
  // @ts-expect-error unsigned cookies are not supported
  cookieSession({ keys: ['k'], signed: false });
  // @ts-expect-error keys is a list
  cookieSession({ keys: 'k' });
  // @ts-expect-error format is cookie-session or sealed
  cookieSession({ keys: ['k'], format: 'jwt' });
  console.log(mw);
}
void expressUsage;

// ------------------------------------------------------------ sessions
import { sessions } from 'tessera';
import type { VerifierOptions } from 'tessera';

async function sessionsUsage(): Promise<void> {
  const memory = new sessions.MemoryStore({ maxEntries: 1000, maxBytes: 1 << 20 });
  const redis = new sessions.RedisStore('redis://127.0.0.1:6379/0', { prefix: 'app:', poolSize: 8, connectTimeout: 1, ioTimeout: 0.5 });
  const cluster = new sessions.RedisStore(['redis://10.0.0.1:7000', 'redis://10.0.0.2:7000'], { cluster: true });
  const size: number = memory.size + memory.bytes;
  await memory.purgeExpired();
  await redis.ping();
  const store: sessions.Store = Math.random() > 0.5 ? memory : cluster;

  const manager = new sessions.SessionManager(store, { ttl: 3600, idleTimeout: 900 });
  const ttl: number = manager.ttl;
  const idle: number | null = manager.idleTimeout;
  const id: string = await manager.create({ cart: [1] }, { userId: 'alice' });
  const anon: string = await manager.create('{"raw":true}');
  const s = await manager.load<{ cart: number[] }>(id);
  if (s !== null) {
    const cart: number[] = s.data.cart;
    const meta: [string, number, string | null, Date, Date] = [s.id, s.version, s.userId, s.createdAt, s.expiresAt];
    const next: number = await manager.save(id, { cart: [...cart, 2] }, s.version);
    console.log(meta, next);
  }
  const merged: number = await manager.merge(id, { theme: 'dark', cart: null });
  const changed: sessions.Session<{ theme: string }> = await manager.saveChanges<{ theme: string }>(id, {}, { theme: 'light' });
  void changed.data.theme;
  const flags: [boolean, boolean] = [await manager.touch(id), await manager.destroy(anon)];
  const rotated: string | null = await manager.rotate(id);
  const loggedIn: string | null = await manager.rotate(anon, { userId: 'alice' });
  const ended: number = await manager.destroyUser('alice');

  const denylist = new sessions.Denylist(redis);
  await denylist.revoke('jti-1', 4102444800);
  await denylist.revoke('jti-2', new Date());
  const revoked: boolean = await denylist.isRevoked('jti-1');
  const vopts: VerifierOptions = { denylist, audience: 'api', leeway: 5 };
  const verifier = new Verifier(Key.hmac('0123456789abcdef0123456789abcdef'), vopts);
  const claims: JwtClaims = await verifier.verifyAsync('token');

  const refresh = new sessions.RefreshTokens(store, { ttl: 86400 });
  const t0: string = await refresh.issue('bob', { device: 'phone' });
  const t1: string = await refresh.issue('bob');
  const r = await refresh.rotate<{ device: string }>(t0);
  const device: string | undefined = r.data?.device;
  const fam: [boolean, number] = [await refresh.revokeFamily(r.token), await refresh.revokeUser('bob')];

  // @ts-expect-error ttl is required
  new sessions.SessionManager(memory, {});
  // @ts-expect-error durations are seconds (numbers)
  new sessions.SessionManager(memory, { ttl: '1h' });
  // @ts-expect-error stores are MemoryStore or RedisStore
  new sessions.Denylist({});
  // @ts-expect-error the user id goes in an options object
  await manager.create({}, 'alice');
  // @ts-expect-error save needs the version
  await manager.save(id, {});
  // @ts-expect-error the denylist is a sessions.Denylist
  new Verifier(Key.hmac('0123456789abcdef0123456789abcdef'), { denylist: memory });
  const ts: { value: { a: number }; timestamp: number } = new cookies.URLSafeTimedSerializer('k').loads<{ a: number }>('x', { returnTimestamp: true });
  console.log(size, ttl, idle, merged, flags, rotated, loggedIn, ended, revoked, claims, t1, device, fam, ts);
}
void sessionsUsage;

// ------------------------------------------------------------ serverSession / bearer
import { serverSession, bearer } from 'tessera/express';

function serverSessionUsage(manager: sessions.SessionManager, verifier: Verifier): void {
  const app = express();
  const opts: cookieSession.ServerSessionOptions = {
    manager, name: '__Host-sid', onConflict: 'merge', path: '/', secure: true, httpOnly: true, sameSite: 'Strict', maxAge: 3600,
  };
  app.use(serverSession(opts));
  app.use(cookieSession.serverSession({ manager }));
  app.post('/login', async (req, res) => {
    const session = req.session as cookieSession.ServerSession;
    await session.regenerate({ userId: 'alice' });
    session['user'] = 'alice';
    await session.save();
    const meta: [string | null, string | null, number | null, boolean] = [session.id, session.userId, session.version, session.isNew];
    session.rotate((err) => console.log(err));
    await session.reload();
    res.json({ meta, sid: req.sessionID });
  });
  app.post('/logout', (req, res) => {
    (req.session as cookieSession.ServerSession).destroy((err) => res.json({ err }));
  });
  app.get('/api', bearer({ verifier }), (req, res) => res.json({ sub: req.auth?.sub }));
  app.get('/api2', cookieSession.bearer({ verifier, property: 'jwt' }), (req, res) => res.end());
  // @ts-expect-error manager is required
  serverSession({ name: 'sid' });
  // @ts-expect-error onConflict is error or merge
  serverSession({ manager, onConflict: 'retry' });
  // @ts-expect-error bearer needs a Verifier
  bearer({ verifier: Key.hmac('0123456789abcdef0123456789abcdef') });
}
void serverSessionUsage;

// ------------------------------------------------------------------ jwks
import { jwks } from 'tessera';
import type { JwksStatus, RemoteKeySetOptions } from 'tessera';

async function jwksUsage(): Promise<void> {
  const opts: RemoteKeySetOptions = {
    maxAge: 300, minAge: 30, cooldown: 30, timeout: 5, maxBytes: 524288, negativeTtl: 300, maxStale: null, maxRedirects: 3,
  };
  const remote = new jwks.RemoteKeySet('https://issuer.example/.well-known/jwks.json', opts);
  const withCa = new tessera.jwks.RemoteKeySet('https://idp.internal/jwks', { caPem: Buffer.from('pem'), maxStale: 3600 });
  const url: string = remote.url;
  const keys: KeySet = await remote.keys();
  const refreshed: KeySet = await remote.refresh();
  const status: JwksStatus = remote.status();
  const state: 'empty' | 'fresh' | 'stale' = status.state;
  const when: Date | null = status.fetchedAt ?? status.freshUntil ?? status.lastErrorAt;
  const code: ErrorCode | undefined = status.lastError?.code;
  const counts: number = status.keys + status.requests + status.generation + (status.fresh ? 1 : 0);
  const exported: string | null = remote.exportCache();
  if (exported !== null) withCa.importCache(exported);
  const verifier = new Verifier(remote, { issuer: 'https://issuer.example', audience: 'api' });
  const claims: JwtClaims = await verifier.verifyAsync('token');
  const jwksCode: ErrorCode = 'JWKS_UNAVAILABLE';
  // @ts-expect-error snake_case is the core's name, not the JS option
  new jwks.RemoteKeySet('https://a', { max_age: 5 });
  // @ts-expect-error durations are numbers (seconds)
  new jwks.RemoteKeySet('https://a', { timeout: '5' });
  // @ts-expect-error the URL is required
  new jwks.RemoteKeySet();
  // @ts-expect-error importCache takes the exported text
  remote.importCache({ url: 'https://a' });
  // @ts-expect-error a RemoteKeySet is not a KeySet (jwt.decode is sync)
  jwt.decode('token', remote);
  console.log(url, keys, refreshed, state, when, code, counts, claims, jwksCode);
}
void jwksUsage;
