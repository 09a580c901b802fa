'use strict';
// Tessera's own sealed session cookie (`cookies.SessionCookie`), the
// Set-Cookie / Cookie header helpers and CSRF tokens, on the core's
// tessera::cookie::{native, header, csrf}. This file checks argument types
// and converts values (sessions: objects here, JSON text in the core);
// absent options keep the core's defaults.

const {
  native,
  mustBe,
  checkString,
  optionalString,
  jsonObject,
  options,
  call,
  flag,
  secretList,
  instant,
  duration,
  parse,
} = require('./base.js');

const inspect = Symbol.for('nodejs.util.inspect.custom');

// ------------------------------------------------------------ attributes

const ATTRIBUTES = ['path', 'domain', 'maxAge', 'expires', 'secure', 'httpOnly', 'sameSite', 'partitioned'];

/** `Max-Age` in seconds (0 or less deletes): any integer. */
function maxAgeAttribute(where, v) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw mustBe(where, 'option maxAge', 'a number of seconds', v);
  const s = Math.floor(v);
  if (!Number.isSafeInteger(s)) throw new RangeError(`${where}: option maxAge is out of range`);
  return s;
}

/**
 * Cookie attribute options → the native argument. `path: false` and
 * `sameSite: false` leave the attribute out; absent ones keep the core's
 * defaults (Path=/; Secure; HttpOnly; SameSite=Lax).
 */
function attributesArg(where, o) {
  const a = {};
  if (o.path === false) a.omitPath = true;
  else if (o.path !== undefined && o.path !== null) a.path = checkString(where, 'option path', o.path);
  const domain = optionalString(where, 'option domain', o.domain);
  if (domain !== undefined) a.domain = domain;
  const maxAge = maxAgeAttribute(where, o.maxAge);
  if (maxAge !== undefined) a.maxAge = maxAge;
  const expires = instant(where, o.expires, 'expires');
  if (expires !== undefined) a.expires = expires;
  for (const name of ['secure', 'httpOnly', 'partitioned']) {
    const v = flag(where, `option ${name}`, o[name]);
    if (v !== undefined) a[name] = v;
  }
  if (o.sameSite === false) a.omitSameSite = true;
  else if (o.sameSite !== undefined && o.sameSite !== null) {
    a.sameSite = checkString(where, 'option sameSite', o.sameSite);
  }
  return a;
}

/**
 * A `Set-Cookie` header value. Defaults: Path=/; Secure; HttpOnly;
 * SameSite=Lax. `maxAge` is seconds; `expires` a Date or Unix seconds.
 * INVALID_ARGUMENT for a bad name or value, a broken `__Host-`/`__Secure-`
 * rule, or SameSite=None / Partitioned without Secure.
 */
function setCookie(name, value, opts) {
  const w = 'cookies.setCookie';
  const o = options(w, opts, ATTRIBUTES);
  checkString(w, 'name', name);
  checkString(w, 'value', value);
  const a = attributesArg(w, o);
  return call(() => native.cookieSetCookie(name, value, a));
}

/** A `Set-Cookie` header value deleting `name` (path and domain must match the cookie's). */
function deleteCookie(name, opts) {
  const w = 'cookies.deleteCookie';
  const o = options(w, opts, ['path', 'domain', 'secure', 'httpOnly', 'sameSite', 'partitioned']);
  checkString(w, 'name', name);
  const a = attributesArg(w, o);
  return call(() => native.cookieDeleteCookie(name, a));
}

/**
 * The cookies of a `Cookie` request header as an object without prototype
 * (the first of duplicate names wins; quotes removed; no percent-decoding).
 * TOO_LARGE over 64 KiB.
 */
function parseCookie(header) {
  checkString('cookies.parseCookie', 'header', header);
  const flat = call(() => native.cookieParseHeader(header));
  const out = Object.create(null);
  for (let i = 0; i < flat.length; i += 2) {
    if (!(flat[i] in out)) out[flat[i]] = flat[i + 1];
  }
  return out;
}

// ---------------------------------------------------------- SessionCookie

const SESSION_OPTIONS = ['name', 'encrypted', 'maxAge', 'chunked', 'path', 'domain', 'expires', 'secure', 'httpOnly', 'sameSite', 'partitioned'];

function opened(o) {
  return { data: parse(o.json), issuedAt: o.issuedAt, needsReissue: o.needsReissue };
}

/**
 * Tessera's session cookie: signed (HMAC-SHA256) or encrypted (AES-256-GCM),
 * bound to its name, with an authenticated issued-at, key rotation (the
 * first secret seals, all open) and optional chunking over `name.0`, `name.1`….
 */
class SessionCookie {
  #native;

  /**
   * @param {Array<string|Uint8Array>|string|Uint8Array} secrets each at least 32 bytes
   * @param {object} [opts] name ("session"), encrypted (false), maxAge (seconds; also the
   *   cookie's Max-Age), chunked (false), and the cookie attributes path, domain,
   *   expires, secure, httpOnly, sameSite, partitioned
   */
  constructor(secrets, opts) {
    const w = 'new SessionCookie';
    const o = options(w, opts, SESSION_OPTIONS);
    const s = secretList(w, 'secrets', secrets);
    // maxAge is the seal's (the core also makes it the cookie's Max-Age unless `expires` is given).
    const arg = { attributes: attributesArg(w, { ...o, maxAge: undefined }) };
    const name = optionalString(w, 'option name', o.name);
    if (name !== undefined) arg.name = name;
    for (const k of ['encrypted', 'chunked']) {
      const v = flag(w, `option ${k}`, o[k]);
      if (v !== undefined) arg[k] = v;
    }
    const maxAge = duration(w, 'maxAge', o.maxAge);
    if (maxAge !== undefined) arg.maxAge = maxAge;
    this.#native = call(() => new native.SessionCookie(s, arg));
  }

  /** The cookie name. */
  get name() {
    return this.#native.name;
  }

  /**
   * The cookie value for `data` (an object, or JSON object text taken byte for
   * byte). COOKIE_TOO_LARGE when its Set-Cookie line would pass 4096 bytes.
   * @param {{now?: number|Date}} [opts]
   */
  seal(data, opts) {
    const w = 'sessionCookie.seal';
    const o = options(w, opts, ['now']);
    const text = jsonObject(w, 'data', data);
    const now = instant(w, o.now);
    return call(() => this.#native.seal(text, now));
  }

  /** The cookies to set, as `[name, value]` pairs: one, or `name.0…` chunks when chunking is on. */
  sealChunks(data, opts) {
    const w = 'sessionCookie.sealChunks';
    const o = options(w, opts, ['now']);
    const text = jsonObject(w, 'data', data);
    const now = instant(w, o.now);
    return call(() => this.#native.sealChunks(text, now)).map(({ name, value }) => [name, value]);
  }

  /** The session data of one (unchunked) cookie value. */
  open(value, opts) {
    return this.openInfo(value, opts).data;
  }

  /** `{ data, issuedAt, needsReissue }`: needsReissue when an older secret opened it. */
  openInfo(value, opts) {
    const w = 'sessionCookie.open';
    const o = options(w, opts, ['now']);
    checkString(w, 'value', value);
    const now = instant(w, o.now);
    return opened(call(() => this.#native.open(value, now)));
  }

  /**
   * `{ data, issuedAt, needsReissue }` from a raw `Cookie` header, single or
   * chunked. SESSION_NOT_FOUND when the request has no such cookie.
   */
  load(cookieHeader, opts) {
    const w = 'sessionCookie.load';
    const o = options(w, opts, ['now']);
    checkString(w, 'cookieHeader', cookieHeader);
    const now = instant(w, o.now);
    return opened(call(() => this.#native.load(cookieHeader, now)));
  }

  /**
   * Complete Set-Cookie lines for `data`, plus deletions of this session's
   * stale cookies (old chunks) named in `requestCookieHeader`.
   * @param {{now?: number|Date, requestCookieHeader?: string}} [opts]
   */
  setCookieHeaders(data, opts) {
    const w = 'sessionCookie.setCookieHeaders';
    const o = options(w, opts, ['now', 'requestCookieHeader']);
    const text = jsonObject(w, 'data', data);
    const now = instant(w, o.now);
    const request = optionalString(w, 'option requestCookieHeader', o.requestCookieHeader);
    return call(() => this.#native.setCookieHeaders(text, now, request));
  }

  /** Set-Cookie lines deleting the session cookie and every chunk of it named in `requestCookieHeader`. */
  clearCookieHeaders(opts) {
    const w = 'sessionCookie.clearCookieHeaders';
    const o = options(w, opts, ['requestCookieHeader']);
    const request = optionalString(w, 'option requestCookieHeader', o.requestCookieHeader);
    return call(() => this.#native.clearCookieHeaders(request));
  }

  [inspect]() {
    return `SessionCookie { name: '${this.name}' }`;
  }
}

// ------------------------------------------------------------------- CSRF

/**
 * CSRF synchronizer tokens bound to a session id, masked afresh on every
 * `generate`. Secrets of at least 32 bytes; the first generates, all verify.
 */
class CsrfTokens {
  #native;

  constructor(secrets) {
    const s = secretList('new CsrfTokens', 'secrets', secrets);
    this.#native = call(() => new native.CsrfTokens(s));
  }

  /** A fresh token for the session. */
  generate(sessionId) {
    checkString('csrf.generate', 'sessionId', sessionId);
    return call(() => this.#native.generate(sessionId));
  }

  /** Throws TesseraError INVALID_SIGNATURE (another session or secret) or MALFORMED. */
  verify(sessionId, token) {
    checkString('csrf.verify', 'sessionId', sessionId);
    checkString('csrf.verify', 'token', token);
    call(() => this.#native.verify(sessionId, token));
  }

  [inspect]() {
    return 'CsrfTokens {}';
  }
}

module.exports = { SessionCookie, CsrfTokens, setCookie, deleteCookie, parseCookie };
