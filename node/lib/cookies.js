'use strict';
// `cookies`: the cookie codecs of Tessera's core (tessera::cookie): byte for
// byte compatible with Flask / itsdangerous, Express (cookie-session +
// keygrip, express-session) and Rails, plus Tessera's own SessionCookie,
// header helpers and CSRF tokens (lib/session-cookie.js). This file checks argument types (TypeError) and
// converts JS values: sessions are objects here and JSON text in the core;
// strings are UTF-8 bytes. Formats, defaults and every check are the core's.
//
// Times: `now` options take Unix seconds or a Date (default: the system
// clock); `maxAge` options are seconds.

const {
  native,
  fromNative,
  mustBe,
  checkString,
  optionalString,
  bytes,
  jsonObject,
  options,
  call,
  secretList,
  optionalBytes,
  instant,
  instantMs,
  duration,
  sameKind,
  parse,
  jsonValue,
  accepted,
} = require('./base.js');
const { SessionCookie, CsrfTokens, setCookie, deleteCookie, parseCookie } = require('./session-cookie.js');

const inspect = Symbol.for('nodejs.util.inspect.custom');

// ------------------------------------------------------------ itsdangerous

const SIGNER_OPTIONS = ['salt', 'sep', 'keyDerivation', 'digestMethod'];

/** itsdangerous' options → the native constructor's arguments. */
function signerArgs(where, secretKey, opts) {
  const o = options(where, opts, SIGNER_OPTIONS);
  return [
    secretList(where, 'secretKey', secretKey),
    optionalBytes(where, 'salt', o.salt),
    o.sep === undefined || o.sep === null ? undefined : Buffer.from(checkString(where, 'option sep', o.sep), 'utf8'),
    optionalString(where, 'option keyDerivation', o.keyDerivation),
    optionalString(where, 'option digestMethod', o.digestMethod),
  ];
}

/**
 * itsdangerous' `Signer`: `value + sep + base64url(HMAC(derived key, value))`.
 * Secrets are ordered oldest → newest: the newest signs, every one verifies.
 */
class Signer {
  #native;

  /**
   * @param {string|Uint8Array|Array<string|Uint8Array>} secretKey one secret, or a list for rotation
   * @param {{salt?: string|Uint8Array, sep?: string, keyDerivation?: string, digestMethod?: string}} [opts]
   */
  constructor(secretKey, opts) {
    const args = signerArgs('new Signer', secretKey, opts);
    this.#native = call(() => new native.Signer(...args));
  }

  /** Signs `value`; a string gives a string, bytes give a Buffer. */
  sign(value) {
    const v = bytes('signer.sign', 'value', value);
    return sameKind(value, call(() => this.#native.sign(v)));
  }

  /** The value if the signature verifies (TesseraError INVALID_SIGNATURE / MALFORMED otherwise). */
  unsign(signed) {
    const v = bytes('signer.unsign', 'signed', signed);
    return sameKind(signed, call(() => this.#native.unsign(v)));
  }

  /** Whether `signed` verifies. */
  validate(signed) {
    const v = bytes('signer.validate', 'signed', signed);
    return accepted(() => this.unsign(v));
  }

  [inspect]() {
    return 'Signer {}';
  }
}

const UNSIGN_OPTIONS = ['maxAge', 'now', 'returnTimestamp'];

/** itsdangerous' `TimestampSigner`: `value + sep + timestamp + sep + signature`. */
class TimestampSigner {
  #native;

  /** Same arguments as `Signer`. */
  constructor(secretKey, opts) {
    const args = signerArgs('new TimestampSigner', secretKey, opts);
    this.#native = call(() => new native.TimestampSigner(...args));
  }

  /**
   * Signs `value` with the current time (or `now`).
   * @param {{now?: number|Date}} [opts]
   */
  sign(value, opts) {
    const w = 'timestampSigner.sign';
    const o = options(w, opts, ['now']);
    const v = bytes(w, 'value', value);
    const now = instant(w, o.now);
    return sameKind(value, call(() => this.#native.sign(v, now)));
  }

  /**
   * The value if the signature verifies; with `maxAge` (seconds) an older one
   * is EXPIRED and one from the future ISSUED_IN_FUTURE. With
   * `returnTimestamp: true`, `{ value, timestamp }` (Unix seconds).
   * @param {{maxAge?: number, now?: number|Date, returnTimestamp?: boolean}} [opts]
   */
  unsign(signed, opts) {
    const w = 'timestampSigner.unsign';
    const o = options(w, opts, UNSIGN_OPTIONS);
    const v = bytes(w, 'signed', signed);
    const maxAge = duration(w, 'maxAge', o.maxAge);
    const now = instant(w, o.now);
    if (o.returnTimestamp !== undefined && typeof o.returnTimestamp !== 'boolean') {
      throw mustBe(w, 'option returnTimestamp', 'a boolean', o.returnTimestamp);
    }
    const out = call(() => this.#native.unsign(v, maxAge, now));
    const value = sameKind(signed, out.value);
    return o.returnTimestamp ? { value, timestamp: out.timestamp } : value;
  }

  /** Whether `signed` verifies (and is not older than `maxAge`). */
  validate(signed, opts) {
    const o = options('timestampSigner.validate', opts, ['maxAge', 'now']);
    const v = bytes('timestampSigner.validate', 'signed', signed);
    return accepted(() => this.unsign(v, o));
  }

  [inspect]() {
    return 'TimestampSigner {}';
  }
}

/**
 * itsdangerous' `URLSafeTimedSerializer`: JSON, zlib when smaller, base64url,
 * timestamp, signature. Defaults are the serializer's: salt "itsdangerous",
 * django-concat, SHA-1, ".".
 */
class URLSafeTimedSerializer {
  #native;

  /** Same arguments as `Signer`. */
  constructor(secretKey, opts) {
    const args = signerArgs('new URLSafeTimedSerializer', secretKey, opts);
    this.#native = call(() => new native.URLSafeTimedSerializer(...args));
  }

  /**
   * Serializes `value` (anything `JSON.stringify` takes) and signs it.
   * @param {{now?: number|Date}} [opts]
   */
  dumps(value, opts) {
    const w = 'serializer.dumps';
    const o = options(w, opts, ['now']);
    const text = jsonValue(w, 'value', value);
    const now = instant(w, o.now);
    return call(() => this.#native.dumps(text, now));
  }

  /**
   * Verifies and deserializes; with `maxAge` (seconds) the age is checked.
   * With `returnTimestamp: true`, `{ value, timestamp }` (Unix seconds of
   * signing), as itsdangerous' `loads(..., return_timestamp=True)`.
   * @param {{maxAge?: number, now?: number|Date, returnTimestamp?: boolean}} [opts]
   */
  loads(signed, opts) {
    const w = 'serializer.loads';
    const o = options(w, opts, UNSIGN_OPTIONS);
    checkString(w, 'signed', signed);
    const maxAge = duration(w, 'maxAge', o.maxAge);
    const now = instant(w, o.now);
    if (o.returnTimestamp !== undefined && typeof o.returnTimestamp !== 'boolean') {
      throw mustBe(w, 'option returnTimestamp', 'a boolean', o.returnTimestamp);
    }
    if (o.returnTimestamp) {
      const out = call(() => this.#native.loadsWithTimestamp(signed, maxAge, now));
      return { value: parse(out.json), timestamp: out.timestamp };
    }
    return parse(call(() => this.#native.loads(signed, maxAge, now)));
  }

  [inspect]() {
    return 'URLSafeTimedSerializer {}';
  }
}

// ------------------------------------------------------------------ Flask

/**
 * Flask's session cookie, byte-identical to Flask's own. Sessions are plain
 * objects in Flask's *tagged JSON* form: bytes are `{" b": "<base64>"}`, a
 * tuple `{" t": [...]}`, a UUID `{" u": "<32 hex>"}`, a datetime
 * `{" d": "<HTTP date>"}`, Markup `{" m": "<html>"}`, and a one-key dict
 * whose key is a tag `{" di": {"<key>__": value}}`; loads returns them as
 * such and dumps writes them as Flask would read them back.
 */
class FlaskCookie {
  #native;

  /**
   * @param {string|Uint8Array} secretKey Flask's SECRET_KEY (signs and opens)
   * @param {{fallbacks?: Array<string|Uint8Array>, salt?: string|Uint8Array, maxAge?: number|null}} [opts]
   *   fallbacks: SECRET_KEY_FALLBACKS (oldest first; open only); maxAge: seconds
   *   (default Flask's 31 days), null for no age check
   */
  constructor(secretKey, opts) {
    const w = 'new FlaskCookie';
    const o = options(w, opts, ['fallbacks', 'salt', 'maxAge']);
    const key = bytes(w, 'secretKey', secretKey);
    let fallbacks = [];
    if (o.fallbacks !== undefined && o.fallbacks !== null) {
      if (!Array.isArray(o.fallbacks)) throw mustBe(w, 'option fallbacks', 'an array of secrets', o.fallbacks);
      fallbacks = secretList(w, 'option fallbacks', o.fallbacks);
    }
    const salt = optionalBytes(w, 'salt', o.salt);
    const unlimited = o.maxAge === null;
    const maxAge = duration(w, 'maxAge', o.maxAge);
    this.#native = call(() => new native.FlaskCookie(key, fallbacks, salt, maxAge, unlimited));
  }

  /**
   * The cookie value for `session` (an object in tagged form, or JSON object
   * text, taken byte for byte so Python's float forms such as `3.0` survive).
   * @param {{now?: number|Date}} [opts]
   */
  dumps(session, opts) {
    const w = 'flaskCookie.dumps';
    const o = options(w, opts, ['now']);
    const text = jsonObject(w, 'session', session);
    const now = instant(w, o.now);
    return call(() => this.#native.dumps(text, now));
  }

  /**
   * The session (tagged form) if the cookie verifies and is not older than maxAge.
   * @param {{now?: number|Date}} [opts]
   */
  loads(cookie, opts) {
    const w = 'flaskCookie.loads';
    const o = options(w, opts, ['now']);
    checkString(w, 'cookie', cookie);
    const now = instant(w, o.now);
    return parse(call(() => this.#native.loads(cookie, now)));
  }

  [inspect]() {
    return 'FlaskCookie {}';
  }
}

// ----------------------------------------------------------------- Express

function verified(v) {
  return { data: parse(v.json), keyIndex: v.keyIndex, needsResign: v.needsResign };
}

/**
 * Express `cookie-session` (with `cookies` + `keygrip`): the session is
 * `<name>=base64(JSON)` and `<name>.sig=keygrip(<name>=<value>)`. Keys are
 * ordered newest first: keys[0] signs, any verifies.
 */
class ExpressCookieSession {
  #native;

  /**
   * @param {Array<string|Uint8Array>|string|Uint8Array} keys
   * @param {{name?: string}} [opts] the cookie name (default "session")
   */
  constructor(keys, opts) {
    const w = 'new ExpressCookieSession';
    const o = options(w, opts, ['name']);
    const k = secretList(w, 'keys', keys);
    const name = optionalString(w, 'option name', o.name);
    this.#native = call(() => new native.ExpressCookieSession(k, name));
  }

  /** The cookie name (the signature cookie is `<name>.sig`). */
  get name() {
    return this.#native.name;
  }

  /**
   * The two cookie values for `data` (an object, JSON.stringify'd exactly as
   * cookie-session does, or JSON object text kept byte for byte).
   * @returns {{value: string, sig: string}}
   */
  sign(data) {
    const text = jsonObject('cookieSession.sign', 'data', data);
    const { value, sig } = call(() => this.#native.sign(text));
    return { value, sig };
  }

  /** keygrip's signature of `<name>=<value>` with keys[0] (what re-issues `<name>.sig`). */
  signValue(value) {
    checkString('cookieSession.signValue', 'value', value);
    return call(() => this.#native.signValue(value));
  }

  /** The session data if `sig` verifies `value` under any key. */
  verify(value, sig) {
    if (typeof value !== 'string') checkString('cookieSession.verify', 'value', value);
    if (typeof sig !== 'string') checkString('cookieSession.verify', 'sig', sig);
    let text;
    try {
      text = this.#native.verifyJson(value, sig); // the hot path: no closure
    } catch (e) {
      throw fromNative(e);
    }
    return JSON.parse(text);
  }

  /** `{ data, keyIndex, needsResign }`: needsResign when an older key verified it. */
  verifyInfo(value, sig) {
    const w = 'cookieSession.verify';
    checkString(w, 'value', value);
    checkString(w, 'sig', sig);
    return verified(call(() => this.#native.verify(value, sig)));
  }

  /**
   * The session data from a raw `Cookie` header (as the `cookies` module
   * reads it: quoted values unquoted, no percent-decoding). SESSION_NOT_FOUND
   * when the cookie or its `.sig` is missing or empty.
   */
  load(cookieHeader) {
    if (typeof cookieHeader !== 'string') checkString('cookieSession.load', 'cookieHeader', cookieHeader);
    let text;
    try {
      text = this.#native.loadJson(cookieHeader);
    } catch (e) {
      throw fromNative(e);
    }
    return JSON.parse(text);
  }

  /** `load` with `{ data, keyIndex, needsResign }`. */
  loadInfo(cookieHeader) {
    checkString('cookieSession.load', 'cookieHeader', cookieHeader);
    return verified(call(() => this.#native.load(cookieHeader)));
  }

  [inspect]() {
    return `ExpressCookieSession { name: '${this.name}' }`;
  }
}

/**
 * express-session's signed session-id cookie (`cookie-signature`):
 * `s:<sid>.<base64(HMAC-SHA256)>`. secrets[0] signs, any verifies.
 */
class ExpressSessionId {
  #native;

  /** @param {Array<string|Uint8Array>|string|Uint8Array} secrets express-session's `secret` */
  constructor(secrets) {
    const s = secretList('new ExpressSessionId', 'secrets', secrets);
    this.#native = call(() => new native.ExpressSessionId(s));
  }

  /** `s:<sid>.<signature>`, the cookie's value before percent-encoding. */
  sign(sid) {
    checkString('sessionId.sign', 'sid', sid);
    return call(() => this.#native.sign(sid));
  }

  /** The session id of a cookie value (`s:…` or percent-encoded `s%3A…`, quotes allowed). */
  unsign(value) {
    checkString('sessionId.unsign', 'value', value);
    return call(() => this.#native.unsign(value));
  }

  /**
   * The session id from a raw `Cookie` header (as express-session reads it).
   * SESSION_NOT_FOUND when the cookie is missing or empty.
   * @param {{name?: string}} [opts] the cookie name (default "connect.sid")
   */
  load(cookieHeader, opts) {
    const w = 'sessionId.load';
    const o = options(w, opts, ['name']);
    checkString(w, 'cookieHeader', cookieHeader);
    const name = optionalString(w, 'option name', o.name);
    return call(() => this.#native.load(cookieHeader, name));
  }

  [inspect]() {
    return 'ExpressSessionId {}';
  }
}

// ------------------------------------------------------------------ Rails

/**
 * Rails 7+ encrypted cookies (`cookies.encrypted`, the CookieStore session):
 * AES-256-GCM, PBKDF2 key generator, the `_rails` envelope with purpose and
 * expiry. Values are any JSON value (a session is an object).
 */
class RailsCookie {
  #native;

  /**
   * @param {string|Uint8Array} secretKeyBase
   * @param {{cookieName: string, digest?: 'sha256'|'sha1', rotations?: Array<{secretKeyBase: string|Uint8Array, digest?: 'sha256'|'sha1'}>}} opts
   *   cookieName: the cookie's name (bound in as the purpose); digest: the key
   *   generator's hash (sha256, Rails 7 defaults; sha1 for older apps);
   *   rotations: more keys that also open cookies (cookies_rotations)
   */
  constructor(secretKeyBase, opts) {
    const w = 'new RailsCookie';
    if (opts === undefined || opts === null) throw mustBe(w, 'options', 'an object with cookieName', opts);
    const o = options(w, opts, ['cookieName', 'digest', 'rotations']);
    const key = bytes(w, 'secretKeyBase', secretKeyBase);
    const name = checkString(w, 'option cookieName', o.cookieName);
    const digest = optionalString(w, 'option digest', o.digest);
    const keys = [];
    const digests = [];
    if (o.rotations !== undefined && o.rotations !== null) {
      if (!Array.isArray(o.rotations)) throw mustBe(w, 'option rotations', 'an array', o.rotations);
      o.rotations.forEach((r, i) => {
        const ro = options(`${w} rotations[${i}]`, r, ['secretKeyBase', 'digest']);
        keys.push(bytes(w, `rotations[${i}].secretKeyBase`, ro.secretKeyBase));
        digests.push(optionalString(w, `rotations[${i}].digest`, ro.digest));
      });
    }
    this.#native = call(() => new native.RailsCookie(key, name, digest, keys, digests));
  }

  /** The cookie name. */
  get name() {
    return this.#native.name;
  }

  /**
   * The cookie value (Rack-escaped, as Rails sends it) for `value`.
   * COOKIE_TOO_LARGE past Rails' 4096-byte limit.
   * @param {{expiresAt?: Date|number}} [opts] expiry (Date or Unix seconds) in the envelope; default none
   */
  encrypt(value, opts) {
    const w = 'railsCookie.encrypt';
    const o = options(w, opts, ['expiresAt']);
    const text = jsonValue(w, 'value', value);
    const exp = instantMs(w, o.expiresAt, 'expiresAt');
    return call(() => this.#native.encrypt(text, exp));
  }

  /**
   * The value of a cookie (as sent, escaped or not). INVALID_SIGNATURE when it
   * does not decrypt or belongs to another cookie name, EXPIRED past its exp.
   * @param {{now?: Date|number}} [opts]
   */
  decrypt(cookie, opts) {
    const w = 'railsCookie.decrypt';
    const o = options(w, opts, ['now']);
    checkString(w, 'cookie', cookie);
    const now = instantMs(w, o.now);
    return parse(call(() => this.#native.decrypt(cookie, now)));
  }

  [inspect]() {
    return `RailsCookie { name: '${this.name}' }`;
  }
}

const cookies = Object.freeze({
  Signer,
  TimestampSigner,
  URLSafeTimedSerializer,
  FlaskCookie,
  ExpressCookieSession,
  ExpressSessionId,
  RailsCookie,
  SessionCookie,
  CsrfTokens,
  setCookie,
  deleteCookie,
  parseCookie,
});

module.exports = { cookies };
