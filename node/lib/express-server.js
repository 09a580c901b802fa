'use strict';
// `tessera/express`: server-side sessions (`serverSession`) and Bearer JWTs
// (`bearer`) for Express and any Node http server.
//
// serverSession: `req.session` like express-session's, backed by a
// sessions.SessionManager (memory or Redis: the same records Flask, C and
// mobile read). The cookie holds only the session id (Set-Cookie built by
// the core); the data lives in the store. Sessions are loaded before the
// route runs and committed before the response leaves: the first
// writeHead/write/end waits (queued, then replayed in order) while the
// session is created, saved, rotated or destroyed, so a new Set-Cookie can
// still be added and a lost race can still be answered. Saves are versioned:
// a request that loaded version n saves only while the session is still at
// n. On a conflict the default answers 409 `{code, message}` (nothing of the
// route's response is sent); `onConflict: 'merge'` reloads the newest
// version and reapplies this request's top-level changes instead (keys set
// or removed; the last writer of a key wins), as Tessera's Flask integration
// does. Every rule about ids, expiry and versions is the core's.
//
// bearer: `Authorization: Bearer <JWT>` verified off the event loop
// (Verifier.verifyAsync, which consults its denylist); claims in `req.auth`.

const { TesseraError, mustBe, isPlainObject } = require('./base.js');
const { cookies } = require('./cookies.js');
const { sessions } = require('./sessions.js');
const { isSecureRequest } = require('./express.js');
const { Verifier } = require('../index.js');

const STATE = Symbol('tessera.serverSession');
const ATTRIBUTE_OPTIONS = ['path', 'domain', 'secure', 'httpOnly', 'sameSite', 'partitioned', 'maxAge'];
const OPTIONS = ['manager', 'name', 'onConflict', ...ATTRIBUTE_OPTIONS];

// ------------------------------------------------------------ req.session

/**
 * `req.session`: the session data as own properties (anything JSON holds),
 * the metadata and methods on the prototype. Data keys that collide with
 * those names (`id`, `save`, `__proto__`, …; written by another language)
 * are kept unchanged and written back, but not shown.
 */
class ServerSession {
  constructor(state, data) {
    Object.defineProperty(this, STATE, { value: state });
    assign(this, data);
  }

  /** The session id (null until the session is first stored). */
  get id() {
    return this[STATE].sid;
  }

  /** The user the session belongs to (`destroyUser` reaches it), or null. */
  get userId() {
    return this[STATE].userId;
  }

  /** The version loaded or last saved (null until stored). */
  get version() {
    return this[STATE].version;
  }

  /** No stored session backs this one yet. */
  get isNew() {
    return this[STATE].sid === null;
  }

  /**
   * Like express-session's: a new, empty session replaces this one when the
   * response is committed, and the old one is destroyed (call it on login:
   * session fixation defence). With `{ userId }` the new session belongs to
   * that user (`SessionManager.destroyUser` reaches it).
   * @param {{userId?: string}|Function} [opts]
   * @param {Function} [cb] express-session style callback
   */
  regenerate(opts, cb) {
    return settle(opts, cb, (o) => {
      const userId = loginOf('req.session.regenerate', o);
      clear(this);
      const s = this[STATE];
      s.destroy = s.sid !== null;
      s.rotate = true;
      s.login = userId;
    });
  }

  /**
   * Keeps the data under a new id when the response is committed (the old id
   * stops working first). With `{ userId }` the session becomes that user's
   * in the same atomic step (log-in on an anonymous session).
   * @param {{userId?: string}|Function} [opts]
   * @param {Function} [cb]
   */
  rotate(opts, cb) {
    return settle(opts, cb, (o) => {
      const userId = loginOf('req.session.rotate', o);
      const s = this[STATE];
      s.rotate = true;
      s.login = userId;
    });
  }

  /** Ends the session (log out): data cleared, record deleted and cookie removed when the response is committed. */
  destroy(cb) {
    return settle(undefined, cb, () => {
      clear(this);
      const s = this[STATE];
      s.destroy = s.sid !== null || s.staleCookie;
      s.rotate = false;
      s.login = undefined;
    });
  }

  /**
   * Commits now instead of when the response starts (e.g. before streaming
   * a response): creates, saves, rotates or destroys as needed and adds the
   * Set-Cookie header. Rejects with SESSION_CONFLICT / SESSION_NOT_FOUND
   * like the automatic commit would answer 409.
   */
  save(cb) {
    const s = this[STATE];
    return settle(undefined, cb, () => s.commitNow());
  }

  /** Reads the session again from the store (drops this request's unsaved changes). */
  reload(cb) {
    const s = this[STATE];
    return settle(undefined, cb, () => s.reload());
  }
}

/** Runs `f` (sync or async) as a Promise, with an optional node-style callback. */
function settle(opts, cb, f) {
  let o = opts;
  let callback = cb;
  if (typeof o === 'function') {
    callback = o;
    o = undefined;
  }
  const p = new Promise((resolve) => resolve(f(o)));
  if (typeof callback === 'function') {
    p.then(() => callback(null), (e) => callback(e));
    return undefined;
  }
  return p;
}

function loginOf(where, o) {
  if (o === undefined || o === null) return undefined;
  if (!isPlainObject(o)) throw mustBe(where, 'options', 'an object ({ userId })', o);
  for (const k of Object.keys(o)) {
    if (k !== 'userId') throw new TypeError(`${where}: unknown option "${k}" (known: userId)`);
  }
  if (o.userId === undefined || o.userId === null) return undefined;
  if (typeof o.userId !== 'string') throw mustBe(where, 'option userId', 'a string', o.userId);
  return o.userId;
}

function assign(sess, data) {
  const hidden = sess[STATE].hidden;
  for (const k of Object.keys(data)) {
    if (k in sess) hidden[k] = data[k];
    else sess[k] = data[k];
  }
}

function clear(sess) {
  for (const k of Object.keys(sess)) delete sess[k];
  const hidden = sess[STATE].hidden;
  for (const k of Object.keys(hidden)) delete hidden[k];
}

/** The data to store: the visible keys over the hidden ones. */
function dataOf(sess) {
  const out = { ...sess[STATE].hidden };
  for (const k of Object.keys(sess)) out[k] = sess[k];
  return out;
}

// ------------------------------------------------------------ options

function checkOptions(options) {
  const where = 'serverSession';
  if (!isPlainObject(options)) throw mustBe(where, 'options', 'an object with manager', options);
  for (const k of Object.keys(options)) {
    if (!OPTIONS.includes(k)) throw new TypeError(`${where}: unknown option "${k}" (known: ${OPTIONS.join(', ')})`);
  }
  if (!(options.manager instanceof sessions.SessionManager)) {
    throw mustBe(where, 'option manager', 'a sessions.SessionManager', options.manager);
  }
  const name = options.name ?? 'session';
  if (typeof name !== 'string') throw mustBe(where, 'option name', 'a string', name);
  const onConflict = options.onConflict ?? 'error';
  if (onConflict !== 'error' && onConflict !== 'merge') throw mustBe(where, 'option onConflict', '"error" or "merge"', onConflict);
  const attrs = {};
  for (const k of ATTRIBUTE_OPTIONS) if (options[k] !== undefined && options[k] !== null) attrs[k] = options[k];
  // Bad names and attributes (a broken __Host- rule, SameSite=None without
  // Secure) fail here, at setup, with the core's INVALID_ARGUMENT.
  cookies.setCookie(name, 'A'.repeat(43), { secure: true, ...attrs });
  return { manager: options.manager, name, onConflict, attrs };
}

function appendVary(res, field) {
  const current = res.getHeader('Vary');
  const list = current === undefined ? [] : String(current).split(',').map((s) => s.trim()).filter(Boolean);
  if (list.includes('*') || list.some((v) => v.toLowerCase() === field.toLowerCase())) return;
  list.push(field);
  res.setHeader('Vary', list.join(', '));
}

function pushSetCookie(res, line) {
  const current = res.getHeader('Set-Cookie');
  const name = line.slice(0, line.indexOf('=') + 1);
  const lines = (current === undefined ? [] : [].concat(current)).filter((h) => !String(h).startsWith(name));
  lines.push(line);
  res.setHeader('Set-Cookie', lines);
}

const CONTENT_HEADERS = ['content-length', 'content-type', 'content-encoding', 'content-language', 'content-range',
  'content-disposition', 'etag', 'last-modified', 'transfer-encoding'];

/** Replaces the response (nothing of it sent yet) with `status` and `{code, message}`. */
function answer(res, end, status, code, message) {
  for (const h of CONTENT_HEADERS) res.removeHeader(h);
  const body = JSON.stringify({ code, message });
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  end.call(res, body);
}

// ------------------------------------------------------------ the middleware

/**
 * Server-side session middleware.
 * @param {{manager: SessionManager, name?: string, onConflict?: 'error'|'merge',
 *   path?: string|false, domain?: string, secure?: boolean, httpOnly?: boolean,
 *   sameSite?: string|false, partitioned?: boolean, maxAge?: number}} options
 *   name default "session"; attributes as `cookies.setCookie` (maxAge in
 *   seconds, default none: a browser-session cookie; the store enforces the
 *   manager's ttl either way); `secure` defaults to whether the request is
 *   HTTPS, httpOnly to true, sameSite to Lax.
 */
function serverSession(options) {
  const { manager, name, onConflict, attrs } = checkOptions(options);

  return function tesseraServerSession(req, res, next) {
    if (req[STATE]) {
      next();
      return;
    }
    let sid = null;
    const header = req.headers.cookie;
    if (typeof header === 'string' && header !== '') {
      try {
        sid = cookies.parseCookie(header)[name] ?? null;
      } catch (e) {
        if (!(e instanceof TesseraError)) throw e;
        sid = null; // an unparseable or oversized Cookie header carries no session
      }
    }

    const state = {
      sid: null,
      version: null,
      userId: null,
      loadedJson: '{}',
      hidden: Object.create(null),
      staleCookie: false,
      destroy: false,
      rotate: false,
      login: undefined,
      accessed: false,
      failed: false,
      loadError: null,
      chain: Promise.resolve(),
      commitNow: () => enqueue(),
      reload: () => reload(),
    };
    let sess = null;

    const cookieAttrs = () => ({ secure: isSecureRequest(req), ...attrs });
    const setLine = (id) => cookies.setCookie(name, id, cookieAttrs());
    const deleteLine = () => {
      const { maxAge, ...rest } = cookieAttrs();
      return cookies.deleteCookie(name, rest);
    };

    function adopt(s) {
      state.sid = s.id;
      state.version = s.version;
      state.userId = s.userId;
      state.loadedJson = JSON.stringify(s.data);
      for (const k of Object.keys(state.hidden)) delete state.hidden[k];
      sess = sess ?? new ServerSession(state, {});
      for (const k of Object.keys(sess)) delete sess[k];
      assign(sess, s.data);
    }

    async function reload() {
      if (state.sid === null) return;
      const s = await manager.load(state.sid);
      if (s === null) {
        clear(sess);
        Object.assign(state, { sid: null, version: null, userId: null, loadedJson: '{}', staleCookie: true });
      } else {
        adopt(s);
      }
    }

    /** Does the session need a store call or a cookie change? */
    function pending() {
      if (sess === null || state.failed) return false;
      if (state.destroy || state.rotate) return true;
      let json;
      try {
        json = JSON.stringify(dataOf(sess));
      } catch {
        return true; // not JSON (a BigInt, a cycle): the commit reports it
      }
      if (state.sid === null) return json !== '{}' || state.staleCookie;
      return json !== state.loadedJson;
    }

    async function save(data, json) {
      try {
        state.version = await manager.save(state.sid, json, state.version);
        state.loadedJson = json;
      } catch (e) {
        if (!(e instanceof TesseraError) || e.code !== 'SESSION_CONFLICT' || onConflict !== 'merge') throw e;
        await reapply(data);
      }
    }

    /** onConflict 'merge': this request's top-level changes onto the newest version (the core's saveChanges). */
    async function reapply(data) {
      adopt(await manager.saveChanges(state.sid, state.loadedJson, data));
    }

    /**
     * Brings the store in line with `req.session`; returns the Set-Cookie
     * line to send (or null). With `cookieable` false (the headers are
     * gone) nothing that needs a new cookie is done.
     */
    async function commit(cookieable) {
      if (sess === null || state.failed) return null;
      const warn = (what) => process.emitWarning(
        `tessera/express serverSession: ${what} after the response headers were sent; call \`await req.session.save()\` before writing the body`,
        { code: 'TESSERA_SESSION_LATE' },
      );
      const data = dataOf(sess);
      const json = JSON.stringify(data);
      const populated = Object.keys(data).length > 0;
      if (state.destroy) {
        state.destroy = false;
        if (state.sid !== null) await manager.destroy(state.sid);
        Object.assign(state, { sid: null, version: null, userId: null, loadedJson: '{}', staleCookie: true });
        if (!state.rotate) {
          state.staleCookie = false;
          return cookieable ? deleteLine() : null;
        }
      }
      if (state.sid === null) {
        if (populated || state.rotate) {
          if (!cookieable) {
            warn('a new session was not stored');
            return null;
          }
          const id = await manager.create(json, { userId: state.login });
          Object.assign(state, { sid: id, version: 0, userId: state.login ?? null, loadedJson: json, staleCookie: false, rotate: false, login: undefined });
          return setLine(id);
        }
        if (state.staleCookie && cookieable) {
          state.staleCookie = false;
          return deleteLine(); // its session is gone: stop sending it
        }
        return null;
      }
      if (!populated && json !== state.loadedJson && !state.rotate) {
        // Emptied: log out (as an emptied cookie session is deleted).
        await manager.destroy(state.sid);
        Object.assign(state, { sid: null, version: null, userId: null, loadedJson: '{}' });
        return cookieable ? deleteLine() : null;
      }
      if (state.rotate && !cookieable) {
        warn('the session was not rotated');
        state.rotate = false;
        state.login = undefined;
      }
      if (state.rotate) {
        // Saved first (versioned), then moved to a new id atomically: the old
        // id stops working before the new one exists; with a log-in the
        // session becomes the user's in the same step.
        if (json !== state.loadedJson) await save(data, json);
        const userId = state.login ?? state.userId ?? undefined;
        let next = await manager.rotate(state.sid, { userId });
        if (next === null) {
          // Ended meanwhile (expired, logged out elsewhere): start afresh for the log-in.
          next = await manager.create(JSON.stringify(dataOf(sess)), { userId });
          state.version = 0;
        }
        Object.assign(state, { sid: next, userId: userId ?? null, rotate: false, login: undefined });
        return setLine(next);
      }
      if (json !== state.loadedJson) await save(data, json);
      return null;
    }

    /** Runs one commit after any running one; adds its Set-Cookie line. */
    function enqueue() {
      const run = state.chain.then(async () => {
        const line = await commit(!res.headersSent);
        if (line !== null && !res.headersSent) {
          pushSetCookie(res, line);
          appendVary(res, 'Cookie');
        }
      });
      state.chain = run.catch(() => {});
      return run;
    }

    // ---- holding the response while the session commits

    const prev = { writeHead: res.writeHead, write: res.write, end: res.end };
    let committing = false;
    const queue = [];
    const replay = () => {
      committing = false;
      for (const [method, args] of queue.splice(0)) {
        try {
          prev[method].apply(res, args);
        } catch (e) {
          // What the route's own call would have thrown (e.g. writeHead
          // twice) can no longer reach it: end the response with the error.
          res.destroy(e);
          return;
        }
      }
    };
    const fail = (e) => {
      committing = false;
      state.failed = true;
      queue.length = 0;
      if (e instanceof TesseraError && (e.code === 'SESSION_CONFLICT' || e.code === 'SESSION_NOT_FOUND') && !res.headersSent) {
        if (e.code === 'SESSION_NOT_FOUND') pushSetCookie(res, deleteLine());
        answer(res, prev.end, 409, e.code, e.message);
        return;
      }
      if (e instanceof TesseraError && e.code === 'STORE_UNAVAILABLE') e.status = 503;
      if (res.headersSent) {
        res.destroy(e);
        return;
      }
      next(e);
    };
    for (const method of ['writeHead', 'write', 'end']) {
      res[method] = function hold(...args) {
        if (committing) {
          queue.push([method, args]);
          return method === 'write' ? true : this;
        }
        // Streaming after the headers: only the final end() can have work left.
        if ((method !== 'end' && res.headersSent) || !pending()) return prev[method].apply(this, args);
        committing = true;
        queue.push([method, args]);
        enqueue().then(replay, fail);
        return method === 'write' ? true : this;
      };
    }

    Object.defineProperty(req, STATE, { value: state });
    Object.defineProperty(req, 'sessionID', { configurable: true, enumerable: false, get: () => state.sid });
    Object.defineProperty(req, 'session', {
      configurable: true,
      enumerable: true,
      get() {
        if (state.loadError) throw state.loadError;
        if (!state.accessed) {
          state.accessed = true;
          if (!res.headersSent) appendVary(res, 'Cookie');
        }
        return sess;
      },
      set(v) {
        if (state.loadError) throw state.loadError;
        if (v === null || v === undefined) {
          sess.destroy();
          return;
        }
        if (!isPlainObject(v)) throw new TypeError('req.session can only be set to null (destroy) or a plain object (replace the data)');
        clear(sess);
        assign(sess, v);
      },
    });

    if (sid === null) {
      sess = new ServerSession(state, {});
      next();
      return;
    }
    manager.load(sid).then(
      (s) => {
        sess = new ServerSession(state, {});
        if (s === null) state.staleCookie = true;
        else adopt(s);
        next();
      },
      (e) => {
        // Fail closed, but only for requests that use the session.
        if (e instanceof TesseraError && e.code === 'STORE_UNAVAILABLE') e.status = 503;
        state.loadError = e;
        next();
      },
    );
  };
}

// ------------------------------------------------------------ Bearer JWTs

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

function deny(res, status, code, message) {
  if (status === 401) {
    res.setHeader('WWW-Authenticate', code === null ? 'Bearer' : `Bearer error="invalid_token", error_description="${code}"`);
  }
  const body = JSON.stringify({ code, message });
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/**
 * Bearer-JWT middleware: `Authorization: Bearer <JWT>` verified by
 * `verifier` off the event loop (`verifyAsync`; give the verifier a
 * `denylist` and revoked tokens are refused). The claims go in
 * `req[property]` (default `req.auth`). A missing or rejected token answers
 * 401 with `{code, message}` (`code` is the Tessera code, null when no token
 * was sent) and a `WWW-Authenticate: Bearer` challenge (RFC 6750); a denylist
 * store that cannot answer is 503 STORE_UNAVAILABLE (never let through), and
 * so is a verifier on a jwks.RemoteKeySet with no usable keys (503
 * JWKS_UNAVAILABLE: the provider is down, the token is not at fault).
 * @param {{verifier: import('../index.js').Verifier, property?: string}} options
 */
/** Codes that say the server cannot decide now (503), not that the token is bad (401). */
const UNAVAILABLE = new Set(['STORE_UNAVAILABLE', 'JWKS_UNAVAILABLE']);

function bearer(options) {
  const where = 'bearer';
  if (!isPlainObject(options)) throw mustBe(where, 'options', 'an object with verifier', options);
  for (const k of Object.keys(options)) {
    if (k !== 'verifier' && k !== 'property') throw new TypeError(`${where}: unknown option "${k}" (known: verifier, property)`);
  }
  const { verifier } = options;
  if (!(verifier instanceof Verifier)) throw mustBe(where, 'option verifier', 'a tessera Verifier', verifier);
  const property = options.property ?? 'auth';
  if (typeof property !== 'string' || property === '') throw mustBe(where, 'option property', 'a non-empty string', property);

  return function tesseraBearer(req, res, next) {
    const header = req.headers.authorization;
    const m = typeof header === 'string' ? BEARER.exec(header) : null;
    if (m === null) {
      deny(res, 401, null, 'a Bearer token is required');
      return;
    }
    verifier.verifyAsync(m[1]).then(
      (claims) => {
        req[property] = claims;
        next();
      },
      (e) => {
        if (!(e instanceof TesseraError)) {
          next(e);
          return;
        }
        deny(res, UNAVAILABLE.has(e.code) ? 503 : 401, e.code, e.message);
      },
    );
  };
}

module.exports = { serverSession, bearer, ServerSession };
