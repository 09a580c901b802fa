'use strict';
// `tessera/express`: cookie sessions for Express (and any Node http server),
// a drop-in for the `cookie-session` middleware: the same options and the
// same `req.session` (isNew, isChanged, isPopulated, `req.session = null`,
// `req.sessionOptions`). By default it reads and writes cookie-session's own
// cookies (`<name>` + `<name>.sig`, keygrip HMAC-SHA1), so it replaces
// cookie-session in a running app without logging anyone out; with
// `format: 'sealed'` it writes Tessera sealed cookies (SessionCookie: HMAC or
// AES-GCM, name-bound, server-checked expiry) and still reads the old
// cookie-session cookies once, to migrate them.
//
// Everything cryptographic and every cookie format detail is the core's
// (cookies.ExpressCookieSession, cookies.SessionCookie, cookies.setCookie);
// this file is request/response plumbing.

const { TesseraError, mustBe, isPlainObject } = require('./base.js');
const { cookies } = require('./cookies.js');

const OPTIONS = [
  // cookie-session's
  'name', 'keys', 'secret', 'maxAge', 'expires', 'path', 'domain', 'secure', 'httpOnly', 'sameSite',
  'signed', 'overwrite', 'partitioned',
  // Tessera's
  'format', 'secrets', 'encrypted', 'chunked',
];

// ------------------------------------------------------------ the session

/** `req.session`: the session data as own properties, metadata on the prototype (as cookie-session). */
class Session {
  constructor(ctx, obj) {
    Object.defineProperty(this, '_ctx', { value: ctx });
    if (obj) {
      for (const key in obj) {
        if (!(key in this)) this[key] = obj[key];
      }
    }
  }

  /** The session is new for this request (no valid cookie came with it). */
  get isNew() {
    return this._ctx.isNew;
  }

  /** The data differs from what the request carried (always true for a new session). */
  get isChanged() {
    return this._ctx.isNew || this._ctx.json !== JSON.stringify(this);
  }

  /** The session has data. */
  get isPopulated() {
    return Object.keys(this).length > 0;
  }
}

function newSession(obj) {
  return new Session({ isNew: true, json: undefined, rewrite: false }, obj);
}

/** A session read from a cookie; `rewrite`: write it back even if unchanged (old key, old format). */
function loadedSession(data, rewrite) {
  return new Session({ isNew: false, json: JSON.stringify(data), rewrite }, data);
}

// ------------------------------------------------------------ plumbing

/** Runs `listener` once, just before the response writes its headers (as `on-headers`). */
function onHeaders(res, listener) {
  const prev = res.writeHead;
  let fired = false;
  res.writeHead = function writeHead(statusCode, ...rest) {
    let args = [statusCode, ...rest];
    if (!fired) {
      fired = true;
      // Headers passed to writeHead are applied first, so the listener sees and keeps them.
      const at = typeof rest[0] === 'string' ? 1 : 0;
      const headers = rest[at];
      if (headers !== null && typeof headers === 'object') {
        if (Array.isArray(headers)) {
          const pairs = Array.isArray(headers[0]) ? headers : headers.flatMap((v, i) => (i % 2 ? [] : [[v, headers[i + 1]]]));
          for (const [k, v] of pairs) {
            const prevValue = this.getHeader(k);
            this.setHeader(k, prevValue === undefined ? v : [].concat(prevValue, v));
          }
        } else {
          for (const k of Object.keys(headers)) if (k) this.setHeader(k, headers[k]);
        }
        args = [statusCode, ...rest.slice(0, at)];
      }
      this.statusCode = statusCode;
      listener.call(this);
      if (this.statusCode !== statusCode) args[0] = this.statusCode;
    }
    return prev.apply(this, args);
  };
}

/** The attributes a deletion line takes (its own Max-Age and Expires). */
function deletion(attrs) {
  const { expires, ...rest } = attrs;
  return rest;
}

/** Adds Set-Cookie lines; with `overwrite`, earlier lines for the same cookie name go first. */
function pushSetCookies(res, lines, overwrite) {
  const current = res.getHeader('Set-Cookie');
  let headers = current === undefined ? [] : [].concat(current);
  for (const line of lines) {
    if (overwrite) {
      const prefix = line.slice(0, line.indexOf('=') + 1);
      headers = headers.filter((h) => !String(h).startsWith(prefix));
    }
    headers.push(line);
  }
  res.setHeader('Set-Cookie', headers);
}

/** Is the request HTTPS (Express' `req.protocol`, which honours `trust proxy`, or a TLS socket)? */
function isSecureRequest(req) {
  if (req.protocol === 'https') return true;
  const socket = req.socket || req.connection;
  return Boolean(socket && socket.encrypted);
}

/**
 * The attributes of the cookies written for this request, cookie-session's
 * way: `maxAge` (ms) wins over `expires`; `secure` defaults to whether the
 * request is HTTPS; `sameSite: true` is Strict; a falsy `path` or `sameSite`
 * leaves the attribute out. `null` when `secure: true` on plain HTTP, where
 * cookie-session (through `cookies`) refuses to write.
 */
function attributesFor(req, o) {
  const requestSecure = isSecureRequest(req);
  if (o.secure && !requestSecure) return null;
  const a = {
    path: o.path === undefined ? '/' : o.path || false,
    secure: o.secure === undefined || o.secure === null ? requestSecure : Boolean(o.secure),
    httpOnly: o.httpOnly === undefined || o.httpOnly === null ? true : Boolean(o.httpOnly),
    sameSite: o.sameSite === true ? 'Strict' : o.sameSite || false,
  };
  if (o.domain) a.domain = o.domain;
  if (o.partitioned) a.partitioned = true;
  if (o.maxAge) a.expires = new Date(Date.now() + o.maxAge);
  else if (o.expires) a.expires = o.expires;
  return a;
}

function checkOptions(opts) {
  const where = 'tessera/express';
  if (opts === undefined || opts === null) return {};
  if (!isPlainObject(opts)) throw mustBe(where, 'options', 'an object', opts);
  for (const k of Object.keys(opts)) {
    if (k === 'priority') {
      throw new TypeError(`${where}: option "priority" is not supported (Tessera's Set-Cookie builder has no Priority attribute)`);
    }
    if (!OPTIONS.includes(k)) throw new TypeError(`${where}: unknown option "${k}" (known: ${OPTIONS.join(', ')})`);
  }
  if (opts.signed === false) {
    throw new TypeError(`${where}: signed: false (unsigned cookies anyone can forge) is not supported; every cookie is signed`);
  }
  if (opts.format !== undefined && opts.format !== 'cookie-session' && opts.format !== 'sealed') {
    throw mustBe(where, 'option format', '"cookie-session" or "sealed"', opts.format);
  }
  if (opts.keys !== undefined && !Array.isArray(opts.keys)) {
    throw mustBe(where, 'option keys', 'an array of secrets (strings or Buffers), newest first', opts.keys);
  }
  if (opts.maxAge !== undefined && opts.maxAge !== null && (typeof opts.maxAge !== 'number' || !Number.isFinite(opts.maxAge))) {
    throw mustBe(where, 'option maxAge', 'a number of milliseconds', opts.maxAge);
  }
  if (opts.expires !== undefined && opts.expires !== null && !(opts.expires instanceof Date)) {
    throw mustBe(where, 'option expires', 'a Date', opts.expires);
  }
  return opts;
}

// ------------------------------------------------------------ the middleware

/**
 * Cookie-session middleware. Options are cookie-session's (`name`
 * "session", `keys` newest first or `secret`, `maxAge` in ms, `expires`,
 * `path`, `domain`, `secure`, `httpOnly`, `sameSite`, `partitioned`,
 * `overwrite`, `signed`), plus Tessera's: `format` ("cookie-session", the
 * default, or "sealed"), and for sealed cookies `secrets` (≥ 32 bytes each;
 * default: `keys`), `encrypted`, `chunked`.
 */
function cookieSession(options) {
  const opts = checkOptions(options);
  const name = opts.name || 'session';
  const keys = opts.keys || (opts.secret !== undefined && opts.secret !== null ? [opts.secret] : undefined);
  if (opts.overwrite === undefined || opts.overwrite === null) opts.overwrite = true;
  if (opts.httpOnly === undefined || opts.httpOnly === null) opts.httpOnly = true;
  if (opts.signed === undefined || opts.signed === null) opts.signed = true;
  const sealed = opts.format === 'sealed';
  const secrets = sealed ? opts.secrets || keys : undefined;
  if (!keys && !secrets) throw new TypeError('tessera/express: .keys required.');

  // cookie-session's codec: reads (both formats: sealed mode migrates old cookies) and writes.
  const legacy = keys ? new cookies.ExpressCookieSession(keys, { name }) : undefined;
  // Sealed codecs by attribute set (secure follows the request; sessionOptions may change per request).
  const sealers = new Map();
  const sealer = (attrs, o) => {
    const sOpts = { name, path: attrs.path, secure: attrs.secure, httpOnly: attrs.httpOnly, sameSite: attrs.sameSite };
    if (attrs.domain) sOpts.domain = attrs.domain;
    if (attrs.partitioned) sOpts.partitioned = true;
    // cookie-session's maxAge (ms) is the sealed cookie's checked lifetime (and its Max-Age).
    if (o.maxAge) sOpts.maxAge = Math.ceil(o.maxAge / 1000);
    else if (o.expires) sOpts.expires = o.expires;
    for (const k of ['encrypted', 'chunked']) if (o[k] !== undefined && o[k] !== null) sOpts[k] = o[k];
    const key = JSON.stringify(sOpts);
    let sc = sealers.get(key);
    if (sc === undefined) {
      sc = new cookies.SessionCookie(secrets, sOpts);
      if (sealers.size >= 32) sealers.delete(sealers.keys().next().value);
      sealers.set(key, sc);
    }
    return sc;
  };
  // The reading codec. Attributes do not affect opening (the name, secrets,
  // mode and maxAge do); these are valid for any name, `__Host-` included.
  const reader = sealed ? sealer({ path: opts.path === undefined ? '/' : opts.path || false, secure: true, httpOnly: true, sameSite: false }, opts) : undefined;

  let warned = false;
  const warn = (e) => {
    if (warned) return;
    warned = true;
    process.emitWarning(`tessera/express: could not write the session cookie: ${e && e.message}`, { code: 'TESSERA_SESSION_COOKIE' });
  };

  return function tesseraCookieSession(req, res, next) {
    const header = typeof req.headers.cookie === 'string' ? req.headers.cookie : '';
    let sess; // undefined: not accessed; false: cleared; a Session
    req.sessionOptions = Object.create(opts);

    function read() {
      if (sealed) {
        try {
          const o = reader.load(header);
          return loadedSession(o.data, o.needsReissue);
        } catch (e) {
          if (!(e instanceof TesseraError)) throw e;
          // Not a sealed cookie: maybe a cookie-session one (migration) below.
          if (e.code !== 'SESSION_NOT_FOUND' && e.code !== 'MALFORMED') return newSession();
        }
      }
      if (!legacy) return newSession();
      try {
        const v = legacy.loadInfo(header);
        // An old key, or the old format in sealed mode: write it again.
        return loadedSession(v.data, v.needsResign || sealed);
      } catch (e) {
        if (!(e instanceof TesseraError)) throw e;
        if (e.code === 'INVALID_SIGNATURE' && !sealed) {
          // As `cookies` does: the bad signature cookie is cleared right away.
          const secure = isSecureRequest(req);
          pushSetCookies(res, [cookies.deleteCookie(`${name}.sig`, { path: '/', secure, httpOnly: true, sameSite: false })], true);
        }
        return newSession();
      }
    }

    Object.defineProperty(req, 'session', {
      configurable: true,
      enumerable: true,
      get() {
        if (sess === undefined) sess = read();
        return sess === false ? null : sess;
      },
      set(val) {
        if (val === undefined || val === null) {
          sess = false;
          return;
        }
        if (typeof val === 'object') {
          sess = newSession(val);
          return;
        }
        throw new Error('req.session can only be set as null or an object.');
      },
    });

    onHeaders(res, function writeSession() {
      if (sess === undefined) return; // never accessed
      const o = req.sessionOptions;
      try {
        const attrs = attributesFor(req, o);
        if (attrs === null) throw new Error('Cannot send secure cookie over unencrypted connection');
        // In sealed mode, a cookie-session signature cookie left from before the migration goes too.
        const staleSig = sealed && cookies.parseCookie(header)[`${name}.sig`] !== undefined;
        if (sess === false) {
          const lines = sealed
            ? sealer(attrs, o).clearCookieHeaders({ requestCookieHeader: header })
            : [cookies.deleteCookie(name, deletion(attrs))];
          if (!sealed || staleSig) lines.push(cookies.deleteCookie(`${name}.sig`, deletion(attrs)));
          pushSetCookies(res, lines, o.overwrite);
          return;
        }
        const save = ((!sess.isNew || sess.isPopulated) && sess.isChanged) || sess._ctx.rewrite;
        if (!save) return;
        const json = JSON.stringify(sess);
        let lines;
        if (sealed) {
          lines = sealer(attrs, o).setCookieHeaders(json, { requestCookieHeader: header });
          if (staleSig) lines.push(cookies.deleteCookie(`${name}.sig`, deletion(attrs)));
        } else {
          const { value, sig } = legacy.sign(json);
          lines = [cookies.setCookie(name, value, attrs), cookies.setCookie(`${name}.sig`, sig, attrs)];
        }
        pushSetCookies(res, lines, o.overwrite);
      } catch (e) {
        // cookie-session swallows write failures too; Tessera warns once.
        warn(e);
      }
    });

    next();
  };
}

module.exports = { cookieSession, Session, isSecureRequest };
