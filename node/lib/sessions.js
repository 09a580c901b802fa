'use strict';
// `sessions`: server-side sessions, a JWT denylist and rotating refresh
// tokens (tessera::session), on the embedded MemoryStore or on Redis
// (standalone or Cluster), with the key layout every Tessera language shares
// (docs/sessions.md): a session made by a Flask app is loaded, rotated and
// destroyed here, and the other way round.
//
// Every method that may touch a store returns a Promise and runs on the
// libuv thread pool, the MemoryStore's included: the event loop never waits
// on Redis. (A Redis that does not answer holds a pool thread for up to the
// store's timeouts; size the pool with UV_THREADPOOL_SIZE for many
// concurrent store calls.) Argument types are checked here (TypeError,
// thrown by constructors, a rejected promise from methods); values are the
// core's business (TesseraError INVALID_ARGUMENT and friends).
//
// Durations are seconds (fractions allowed); times come back as Dates.

const {
  native,
  fromNative,
  rethrow,
  mustBe,
  checkString,
  optionalString,
  jsonObject,
  options,
  flag,
  call,
} = require('./base.js');

const inspect = Symbol.for('nodejs.util.inspect.custom');

// ------------------------------------------------------------ helpers

/** Runs `f` (argument checks + a native call returning a promise); never throws. */
function run(f, map) {
  let promise;
  try {
    promise = f();
  } catch (e) {
    return Promise.reject(fromNative(e));
  }
  return promise.then(map, rethrow);
}

/** A duration in seconds (required unless `optional`); range is checked natively. */
function seconds(where, what, v, optional) {
  if ((v === undefined || v === null) && optional) return undefined;
  if (typeof v !== 'number' || Number.isNaN(v)) throw mustBe(where, `option ${what}`, 'a number of seconds', v);
  return v;
}

/** A whole number (negative ones are the core's INVALID_ARGUMENT). */
function integer(where, what, v, optional) {
  if ((v === undefined || v === null) && optional) return undefined;
  if (!Number.isSafeInteger(v)) throw mustBe(where, what, 'an integer', v);
  return v;
}

/** Unix seconds or a Date → whole seconds. */
function unixSeconds(where, what, v) {
  if (v instanceof Date) {
    const ms = v.getTime();
    if (Number.isNaN(ms)) throw mustBe(where, what, 'a valid Date', v);
    return Math.floor(ms / 1000);
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw mustBe(where, what, 'Unix seconds (a number) or a Date', v);
  const s = Math.floor(v);
  if (!Number.isSafeInteger(s)) throw new RangeError(`${where}: ${what} is out of range`);
  return s;
}

const identity = (v) => v;
const nothing = () => undefined;

// ------------------------------------------------------------ stores

let storeHandle; // (where, store) => the native Store of a MemoryStore or RedisStore

/**
 * The embedded store: thread-safe, expired entries invisible at once and
 * purged as it is written, bounded by `maxEntries` (default 1,000,000) and
 * `maxBytes` (default 256 MiB; keys + values + 96 bytes per entry). A write
 * past a limit fails with STORE_UNAVAILABLE: live entries are never evicted.
 * One process only: use RedisStore to share sessions between processes.
 */
class MemoryStore {
  #native;

  static {
    storeHandle = (where, s) => {
      if (s !== null && typeof s === 'object') {
        if (#native in s) return s.#native;
        const r = redisHandle(s);
        if (r !== undefined) return r;
      }
      throw mustBe(where, 'store', 'a sessions.MemoryStore or sessions.RedisStore', s);
    };
  }

  /** @param {{maxEntries?: number, maxBytes?: number}} [opts] */
  constructor(opts) {
    const w = 'new MemoryStore';
    const o = options(w, opts, ['maxEntries', 'maxBytes']);
    const entries = integer(w, 'option maxEntries', o.maxEntries, true);
    const bytes = integer(w, 'option maxBytes', o.maxBytes, true);
    this.#native = call(() => native.Store.memory(entries, bytes));
  }

  /** Entries held (live, or expired and not yet purged). */
  get size() {
    return this.#native.entries;
  }

  /** Bytes accounted for against `maxBytes`. */
  get bytes() {
    return this.#native.bytes;
  }

  /** Removes every expired entry now (writes also do it, shard by shard). */
  purgeExpired() {
    return run(() => this.#native.purgeExpired(), nothing);
  }

  /** Resolves (the memory store always answers); for symmetry with RedisStore. */
  ping() {
    return run(() => this.#native.ping(), nothing);
  }

  [inspect]() {
    return this.#native.describe();
  }
}

let redisHandle; // (v) => native Store | undefined

/**
 * A store on Redis, standalone (one URL) or Cluster (`cluster: true`, the
 * URLs are seed nodes): `redis://[user:pass@]host:port/db`, `rediss://` for
 * TLS, `redis+unix:///path`. Nothing connects at construction: an
 * unreachable server is STORE_UNAVAILABLE on first use, after at most
 * `connectTimeout`; each command is bounded by `ioTimeout`; after a Redis
 * restart the next call works on the same object. Every key starts with
 * `prefix` (default "tessera:"; apps sharing sessions use the same).
 */
class RedisStore {
  #native;

  static {
    redisHandle = (v) => (#native in v ? v.#native : undefined);
  }

  /**
   * @param {string|string[]} url one URL, or several (Cluster seed nodes)
   * @param {{prefix?: string, poolSize?: number, connectTimeout?: number, ioTimeout?: number, cluster?: boolean}} [opts]
   *   timeouts in seconds (default 2 each); poolSize default 16
   */
  constructor(url, opts) {
    const w = 'new RedisStore';
    let urls;
    if (typeof url === 'string') urls = [url];
    else if (Array.isArray(url) && url.every((u) => typeof u === 'string')) urls = url;
    else throw mustBe(w, 'url', 'a Redis URL or an array of them', url);
    const o = options(w, opts, ['prefix', 'poolSize', 'connectTimeout', 'ioTimeout', 'cluster']);
    const prefix = optionalString(w, 'option prefix', o.prefix);
    const pool = integer(w, 'option poolSize', o.poolSize, true);
    const connect = seconds(w, 'connectTimeout', o.connectTimeout, true);
    const io = seconds(w, 'ioTimeout', o.ioTimeout, true);
    const cluster = flag(w, 'option cluster', o.cluster);
    this.#native = call(() => native.Store.redis(urls, prefix, pool, connect, io, cluster));
  }

  /** Resolves when Redis answers PING; rejects with STORE_UNAVAILABLE otherwise. */
  ping() {
    return run(() => this.#native.ping(), nothing);
  }

  [inspect]() {
    return this.#native.describe(); // never shows a password
  }
}

// ------------------------------------------------------------ sessions

/**
 * `obj` with a (non-enumerable) util.inspect that shows `'…'` for its bearer
 * secret `member` (a session id, a refresh token): console.log and logs never
 * print it; JSON.stringify and property access are unchanged.
 */
function masked(obj, member) {
  Object.defineProperty(obj, inspect, {
    value(depth, options, inspectFn) {
      return (inspectFn || require('node:util').inspect)({ ...this, [member]: '…' }, options);
    },
  });
  return obj;
}

function loaded(id) {
  return (s) =>
    s === null || s === undefined
      ? null
      : masked(
          {
            id,
            data: JSON.parse(s.data),
            version: s.version,
            userId: s.userId ?? null,
            createdAt: new Date(s.createdAt),
            expiresAt: new Date(s.expiresAt),
          },
          'id',
        );
}

/**
 * Server-side sessions: the data lives in the store, the client holds only
 * the id (256 random bits, base64url; the store keys on its SHA-256). `ttl`
 * (seconds, required) bounds a session's life from creation, `idleTimeout`
 * (seconds, optional) the time between uses (load, touch, save). Saves are
 * versioned: `save` rejects with SESSION_CONFLICT when another request saved
 * since this one loaded, instead of silently losing its write.
 */
class SessionManager {
  #native;
  #ttl;
  #idle;

  /**
   * @param {MemoryStore|RedisStore} store
   * @param {{ttl: number, idleTimeout?: number}} opts seconds
   */
  constructor(store, opts) {
    const w = 'new SessionManager';
    const s = storeHandle(w, store);
    if (opts === undefined || opts === null) throw mustBe(w, 'options', 'an object with ttl (seconds)', opts);
    const o = options(w, opts, ['ttl', 'idleTimeout']);
    const ttl = seconds(w, 'ttl', o.ttl, false);
    const idle = seconds(w, 'idleTimeout', o.idleTimeout, true);
    this.#native = call(() => new native.SessionManager(s, ttl, idle));
    this.#ttl = ttl;
    this.#idle = idle ?? null;
  }

  /** Seconds a session lives from creation. */
  get ttl() {
    return this.#ttl;
  }

  /** Seconds a session lives between uses, or null. */
  get idleTimeout() {
    return this.#idle;
  }

  /**
   * Creates a session holding `data` (an object, or JSON object text),
   * optionally for `userId` (then `destroyUser` reaches it). Resolves to its id.
   * @param {object|string} data
   * @param {{userId?: string}} [opts]
   */
  create(data, opts) {
    const w = 'sessionManager.create';
    return run(() => {
      const o = options(w, opts, ['userId']);
      const text = jsonObject(w, 'data', data);
      const user = optionalString(w, 'option userId', o.userId);
      return this.#native.create(text, user);
    }, identity);
  }

  /**
   * The session `{ id, data, version, userId, createdAt, expiresAt }`, or
   * null when there is none under `id` (unknown, expired, destroyed, or not
   * an id at all). Restarts the idle timer.
   * @param {string} id
   */
  load(id) {
    return run(() => this.#native.load(checkString('sessionManager.load', 'id', id)), loaded(id));
  }

  /**
   * Replaces the data if the session is still at `version` (the one `load`
   * gave) and resolves to the new version. SESSION_CONFLICT if it was saved
   * since, SESSION_NOT_FOUND if it no longer exists.
   * @param {string} id
   * @param {object|string} data
   * @param {number} version
   */
  save(id, data, version) {
    const w = 'sessionManager.save';
    return run(() => {
      checkString(w, 'id', id);
      const text = jsonObject(w, 'data', data);
      integer(w, 'version', version, false);
      return this.#native.save(id, text, version);
    }, identity);
  }

  /**
   * Saves a request's changes on top of whatever was saved meanwhile: the
   * top-level keys whose value differs between `before` (the data as the
   * request loaded it) and `data` are set, the keys missing from `data`
   * removed, on the newest version (retried against concurrent writers, in
   * the core). Resolves to the session as saved. The "merge" answer to
   * SESSION_CONFLICT.
   * @param {string} id
   * @param {object|string} before the data as the request loaded it
   * @param {object|string} data
   */
  saveChanges(id, before, data) {
    const w = 'sessionManager.saveChanges';
    return run(() => {
      checkString(w, 'id', id);
      return this.#native.saveChanges(id, jsonObject(w, 'loaded', before), jsonObject(w, 'data', data));
    }, loaded(id));
  }

  /**
   * Applies an RFC 7396 merge patch (`{k: v}` sets k, `{k: null}` removes it,
   * nested objects merge) atomically, retrying against concurrent writers;
   * resolves to the new version.
   * @param {string} id
   * @param {object|string} patch
   */
  merge(id, patch) {
    const w = 'sessionManager.merge';
    return run(() => {
      checkString(w, 'id', id);
      return this.#native.merge(id, jsonObject(w, 'patch', patch));
    }, identity);
  }

  /** Restarts the idle timer; false if there is no such session. */
  touch(id) {
    return run(() => this.#native.touch(checkString('sessionManager.touch', 'id', id)), identity);
  }

  /** Ends the session; false if there was none. */
  destroy(id) {
    return run(() => this.#native.destroy(checkString('sessionManager.destroy', 'id', id)), identity);
  }

  /**
   * Moves the session to a new id and resolves to it (null if there is no
   * session under `id`): the old id stops working before the new one exists.
   * Call it on login (session fixation defence); with `{ userId }` the
   * session (same data, same expiry) also becomes that user's, so
   * `destroyUser` reaches it. SESSION_CONFLICT if the session changed
   * meanwhile.
   * @param {string} id
   * @param {{userId?: string}} [opts]
   */
  rotate(id, opts) {
    const w = 'sessionManager.rotate';
    return run(() => {
      checkString(w, 'id', id);
      const o = options(w, opts, ['userId']);
      return this.#native.rotate(id, optionalString(w, 'option userId', o.userId));
    }, (v) => v ?? null);
  }

  /** Ends every session created for `userId` ("log out everywhere"); resolves to how many were live. */
  destroyUser(userId) {
    return run(() => this.#native.destroyUser(checkString('sessionManager.destroyUser', 'userId', userId)), identity);
  }

  [inspect]() {
    return this.#native.describe();
  }
}

// ------------------------------------------------------------ denylist

let denylistHandle; // (where, v) => native Denylist

/**
 * Revoked JWT ids (`jti`), each kept until its token's `exp` (plus 300 s
 * for verifier leeway), so the list never grows without bound. Give it to
 * `new Verifier(key, { denylist })` and revoked tokens fail with REVOKED.
 */
class Denylist {
  #native;

  static {
    denylistHandle = (where, v) => {
      if (v !== null && typeof v === 'object' && #native in v) return v.#native;
      throw mustBe(where, 'option denylist', 'a sessions.Denylist', v);
    };
  }

  /** @param {MemoryStore|RedisStore} store */
  constructor(store) {
    const s = storeHandle('new Denylist', store);
    this.#native = call(() => new native.Denylist(s));
  }

  /**
   * Revokes `jti` until `exp` (the token's own exp: Unix seconds or a Date).
   * A token already long expired stores nothing.
   */
  revoke(jti, exp) {
    const w = 'denylist.revoke';
    return run(() => this.#native.revoke(checkString(w, 'jti', jti), unixSeconds(w, 'exp', exp)), nothing);
  }

  /** Whether `jti` is revoked. Rejects with STORE_UNAVAILABLE when the store cannot say: never treat that as "not revoked". */
  isRevoked(jti) {
    return run(() => this.#native.isRevoked(checkString('denylist.isRevoked', 'jti', jti)), identity);
  }

  [inspect]() {
    return 'Denylist {}';
  }
}

// ------------------------------------------------------------ refresh tokens

/**
 * Opaque refresh tokens (256 random bits, base64url) in families. `rotate`
 * retires the token presented and returns a new one of the same family,
 * valid for a fresh `ttl`. A retired token presented again was copied: the
 * whole family is revoked and the call rejects with REFRESH_TOKEN_REUSED, as
 * does every later use of the family. When one token is presented
 * concurrently, exactly one caller wins.
 */
class RefreshTokens {
  #native;

  /**
   * @param {MemoryStore|RedisStore} store
   * @param {{ttl: number}} opts seconds each token lives
   */
  constructor(store, opts) {
    const w = 'new RefreshTokens';
    const s = storeHandle(w, store);
    if (opts === undefined || opts === null) throw mustBe(w, 'options', 'an object with ttl (seconds)', opts);
    const o = options(w, opts, ['ttl']);
    const ttl = seconds(w, 'ttl', o.ttl, false);
    this.#native = call(() => new native.RefreshTokens(s, ttl));
  }

  /**
   * Starts a family for `userId` with optional `data` (an object or JSON
   * object text, handed back by every rotation); resolves to its first token.
   */
  issue(userId, data) {
    const w = 'refreshTokens.issue';
    return run(() => {
      checkString(w, 'userId', userId);
      const text = data === undefined || data === null ? undefined : jsonObject(w, 'data', data);
      return this.#native.issue(userId, text);
    }, identity);
  }

  /**
   * Retires `token`; resolves to `{ userId, data, token }` with the new
   * token. REFRESH_TOKEN_REUSED for a retired token (the family is now
   * revoked), REVOKED after revokeFamily, SESSION_NOT_FOUND for an unknown
   * or expired token, MALFORMED for a string that is not a token.
   */
  rotate(token) {
    return run(
      () => this.#native.rotate(checkString('refreshTokens.rotate', 'token', token)),
      (r) =>
        masked(
          { userId: r.userId, data: r.data === undefined || r.data === null ? null : JSON.parse(r.data), token: r.token },
          'token',
        ),
    );
  }

  /** Revokes the family of `token` (current or retired); false if the token is unknown. */
  revokeFamily(token) {
    return run(() => this.#native.revokeFamily(checkString('refreshTokens.revokeFamily', 'token', token)), identity);
  }

  /** Revokes every family of `userId`; resolves to how many were live. */
  revokeUser(userId) {
    return run(() => this.#native.revokeUser(checkString('refreshTokens.revokeUser', 'userId', userId)), identity);
  }

  [inspect]() {
    return this.#native.describe();
  }
}

const sessions = Object.freeze({ MemoryStore, RedisStore, SessionManager, Denylist, RefreshTokens });

module.exports = { sessions, denylistHandle };
