'use strict';
// Tessera for Node.js: JWT/JWS signing and verification, remote JWKS
// (`jwks`, lib/jwks.js), cookie sessions (`cookies`, lib/cookies.js), and
// server-side sessions, a JWT denylist and refresh tokens on memory or Redis
// (`sessions`, lib/sessions.js), on Tessera's Rust core.
//
// This file is the public API (CommonJS; index.mjs re-exports it for ESM).
// It checks argument types (TypeError), converts JS values to what the native
// addon takes (JSON text, bytes), and turns every native failure into a
// TesseraError with the core's code. Every rule lives in the Rust core.

const {
  native,
  errorCodes,
  TesseraError,
  fromNative,
  rethrow,
  mustBe,
  isPlainObject,
  checkString,
  optionalString,
  bytes,
  jsonObject,
  options,
  EMPTY,
  flag,
  call,
} = require('./lib/base.js');
const { cookies } = require('./lib/cookies.js');
const { sessions, denylistHandle } = require('./lib/sessions.js');
const { makeJwks } = require('./lib/jwks.js');

// ----------------------------------------------------------------- keys

// Set in the classes' static blocks: brand checks (private fields, so a
// look-alike object never passes) and access to the native handles.
let isKey; // (v) => v is a Key made by this module
let isKeySet; // (v) => v is a KeySet made by this module
let keyHandle; // (key: Key) => native Key
let keySetHandle; // (key: Key | KeySet) => native KeySet (a Key's own one-key set)
const CREATE = Symbol('tessera.create');
const inspect = Symbol.for('nodejs.util.inspect.custom');

/** A parsed key bound to exactly one algorithm. Immutable. */
class Key {
  #native;
  #set; // a native KeySet of this one key, made on first use for verifying
  #alg;
  #kid;
  #private;

  /** @private use Key.hmac, Key.fromPem, Key.fromJwk or Key.generate */
  constructor(token, handle) {
    if (token !== CREATE) {
      throw new TypeError(
        'Key has no public constructor: use Key.hmac(), Key.fromPem(), Key.fromJwk() or Key.generate()',
      );
    }
    this.#native = handle;
    this.#alg = handle.alg;
    this.#kid = handle.kid ?? undefined;
    this.#private = handle.isPrivate;
  }

  static {
    isKey = (v) => v !== null && typeof v === 'object' && #native in v;
    keyHandle = (key) => key.#native;
    const keySetOfKey = (key) => {
      if (key.#set === undefined) key.#set = key.#native.toKeySet();
      return key.#set;
    };
    keySetHandle = (k) => (#native in k ? keySetOfKey(k) : keySetNative(k));
  }

  /**
   * An HMAC key (HS256/384/512) from a secret. Strings are taken as UTF-8.
   * @param {Buffer|Uint8Array|string} secret
   * @param {{alg?: string, kid?: string, allowWeak?: boolean}} [opts]
   */
  static hmac(secret, opts) {
    const w = 'Key.hmac';
    const o = options(w, opts, ['alg', 'kid', 'allowWeak']);
    const s = bytes(w, 'secret', secret);
    return wrapKey(() => native.Key.hmac(s, optionalString(w, 'alg', o.alg), optionalString(w, 'kid', o.kid), flag(w, 'allowWeak', o.allowWeak)));
  }

  /**
   * A key from PEM text: PKCS#8, SPKI, PKCS#1 RSA, SEC1 EC, or an X.509 certificate.
   * @param {string|Buffer} pem
   * @param {{alg?: string, kid?: string, allowWeak?: boolean}} [opts]
   */
  static fromPem(pem, opts) {
    const w = 'Key.fromPem';
    const o = options(w, opts, ['alg', 'kid', 'allowWeak']);
    let text = pem;
    if (pem instanceof Uint8Array) text = Buffer.from(pem.buffer, pem.byteOffset, pem.byteLength).toString('utf8');
    checkString(w, 'pem', text);
    return wrapKey(() => native.Key.fromPem(text, optionalString(w, 'alg', o.alg), optionalString(w, 'kid', o.kid), flag(w, 'allowWeak', o.allowWeak)));
  }

  /**
   * A key from a JWK (object or JSON text). `alg` must agree with the JWK's; `kid` replaces it.
   * @param {string|object} jwk
   * @param {{alg?: string, kid?: string, allowWeak?: boolean}} [opts]
   */
  static fromJwk(jwk, opts) {
    const w = 'Key.fromJwk';
    const o = options(w, opts, ['alg', 'kid', 'allowWeak']);
    const text = jsonObject(w, 'jwk', jwk);
    return wrapKey(() => native.Key.fromJwk(text, optionalString(w, 'alg', o.alg), optionalString(w, 'kid', o.kid), flag(w, 'allowWeak', o.allowWeak)));
  }

  /**
   * A fresh private key for `alg` (RSA: 2048 bits; slow, prefer generateAsync).
   * @param {string} alg
   * @param {{kid?: string}} [opts]
   */
  static generate(alg, opts) {
    const w = 'Key.generate';
    const o = options(w, opts, ['kid']);
    checkString(w, 'alg', alg);
    return wrapKey(() => native.Key.generate(alg, optionalString(w, 'kid', o.kid)));
  }

  /** Key.generate on the libuv thread pool. */
  static generateAsync(alg, opts) {
    const w = 'Key.generateAsync';
    let promise;
    try {
      const o = options(w, opts, ['kid']);
      checkString(w, 'alg', alg);
      promise = native.Key.generateAsync(alg, optionalString(w, 'kid', o.kid));
    } catch (e) {
      return Promise.reject(fromNative(e));
    }
    return promise.then((handle) => new Key(CREATE, handle), rethrow);
  }

  /** The one algorithm this key is bound to, e.g. "RS256". */
  get alg() {
    return this.#alg;
  }

  /** The key id, or undefined. */
  get kid() {
    return this.#kid;
  }

  /** Whether the key can sign (HMAC keys and private keys). */
  get isPrivate() {
    return this.#private;
  }

  /** The public half (same alg and kid); HMAC keys have none (INVALID_KEY). */
  public() {
    return wrapKey(() => this.#native.public());
  }

  /**
   * The key as a JWK object with `alg` and `kid`; private members only with `{ private: true }`.
   * @param {{private?: boolean}} [opts]
   */
  toJwk(opts) {
    const o = options('key.toJwk', opts, ['private']);
    const priv = flag('key.toJwk', 'private', o.private) === true;
    return JSON.parse(call(() => this.#native.toJwk(priv)));
  }

  /** The RFC 7638 JWK thumbprint (SHA-256, base64url). */
  thumbprint() {
    return call(() => this.#native.thumbprint());
  }

  /**
   * The raw JWS signature of `data` with this key's algorithm.
   * @param {Buffer|Uint8Array|string} data
   * @returns {Buffer}
   */
  sign(data) {
    const d = bytes('key.sign', 'data', data);
    return call(() => this.#native.sign(d));
  }

  /**
   * Checks a raw JWS signature of `data`; throws TesseraError INVALID_SIGNATURE if it does not verify.
   * @param {Buffer|Uint8Array|string} data
   * @param {Buffer|Uint8Array} signature
   */
  verify(data, signature) {
    const d = bytes('key.verify', 'data', data);
    const s = bytes('key.verify', 'signature', signature);
    call(() => this.#native.verify(d, s));
  }

  toJSON() {
    return { alg: this.#alg, kid: this.#kid, isPrivate: this.#private };
  }

  [inspect]() {
    return `Key { alg: '${this.#alg}', kid: ${this.#kid === undefined ? 'undefined' : `'${this.#kid}'`}, isPrivate: ${this.#private} }`;
  }
}

function wrapKey(f) {
  return new Key(CREATE, call(f));
}

let keySetNative; // (set: KeySet) => native KeySet
let wrapKeySet; // (handle: native KeySet) => KeySet

/** An ordered set of keys: signing picks by kid or the first private key; verifying selects by the token's kid. */
class KeySet {
  #native;

  static {
    isKeySet = (v) => v !== null && typeof v === 'object' && #native in v;
    keySetNative = (set) => set.#native;
    wrapKeySet = (handle) => KeySet.#fromHandle(handle);
  }

  /**
   * @param {Iterable<Key>} [keys]
   */
  constructor(keys) {
    if (keys === CREATE) return; // KeySet.#fromHandle sets the handle
    const w = 'new KeySet';
    if (keys !== undefined && (keys === null || typeof keys === 'string' || typeof keys[Symbol.iterator] !== 'function')) {
      throw mustBe(w, 'keys', 'an array of Key', keys);
    }
    const handle = new native.KeySet();
    for (const key of keys ?? []) {
      if (!isKey(key)) throw mustBe(w, 'every element of keys', 'a Key', key);
      call(() => handle.push(keyHandle(key)));
    }
    this.#native = handle;
  }

  static #fromHandle(handle) {
    const set = new KeySet(CREATE);
    set.#native = handle;
    return set;
  }

  /**
   * A key set from a JWKS (object or JSON text). Unusable entries (unknown kty,
   * use: "enc", bad material) are skipped; see `skipped`.
   * @param {string|object} jwks
   */
  static fromJwks(jwks) {
    const text = jsonObject('KeySet.fromJwks', 'jwks', jwks);
    return KeySet.#fromHandle(call(() => native.KeySet.fromJwks(text)));
  }

  /** The public JWKS object ({ keys: [...] }); HMAC keys are never exported. */
  toJwks() {
    return JSON.parse(call(() => this.#native.toJwks()));
  }

  /** The keys, in order. */
  keys() {
    return call(() => this.#native.keys()).map((h) => new Key(CREATE, h));
  }

  /** Number of keys. */
  get size() {
    return this.#native.size;
  }

  /** How many JWKS entries fromJwks skipped as unusable. */
  get skipped() {
    return this.#native.skipped;
  }

  [Symbol.iterator]() {
    return this.keys()[Symbol.iterator]();
  }

  [inspect]() {
    return `KeySet { size: ${this.size} }`;
  }
}

const { jwks, remoteHandle } = makeJwks(wrapKeySet);

/** The native KeySet to verify with, from a Key or a KeySet. */
function verifyKeys(where, key) {
  if (isKey(key) || isKeySet(key)) return keySetHandle(key);
  throw mustBe(where, 'key', 'a Key or KeySet (e.g. Key.hmac(secret), Key.fromPem(pem))', key);
}

/** verifyKeys for `new Verifier`, whose TypeError also names RemoteKeySet. */
function verifierKeys(where, key) {
  if (isKey(key) || isKeySet(key)) return keySetHandle(key);
  throw mustBe(where, 'key', 'a Key, KeySet or jwks.RemoteKeySet', key);
}

function checkSigner(where, key) {
  if (isKey(key) || isKeySet(key)) return key;
  throw mustBe(where, 'key', 'a Key or KeySet (e.g. Key.hmac(secret), Key.fromPem(pem))', key);
}

function hasOwn(o, name) {
  return Object.prototype.hasOwnProperty.call(o, name);
}

/** HMAC-only work is cheaper than a trip to the thread pool: it runs inline. */
function isCheap(key) {
  return isKey(key) ? key.alg.startsWith('HS') : keySetHandle(key).isCheap;
}

// ----------------------------------------------------------- validation

/** JS option name → [core option name, check]. */
const VALIDATION = new Map([
  ['algorithms', ['algorithms', strings]],
  ['issuer', ['issuer', stringOrStrings]],
  ['audience', ['audience', stringOrStrings]],
  ['subject', ['subject', string]],
  ['required', ['required', strings]],
  ['leeway', ['leeway', number]],
  ['maxAge', ['max_age', number]],
  ['typ', ['typ', string]],
  ['now', ['now', time]],
  ['verifyExp', ['verify_exp', boolean]],
  ['verifyNbf', ['verify_nbf', boolean]],
  ['maxTokenBytes', ['max_token_bytes', number]],
]);
const VALIDATION_NAMES = [...VALIDATION.keys()];

function string(w, n, v) {
  if (typeof v !== 'string') throw mustBe(w, `option ${n}`, 'a string', v);
  return v;
}
function strings(w, n, v) {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw mustBe(w, `option ${n}`, 'an array of strings', v);
  }
  return v;
}
function stringOrStrings(w, n, v) {
  return typeof v === 'string' ? v : strings(w, n, v);
}
function number(w, n, v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw mustBe(w, `option ${n}`, 'a finite number (seconds)', v);
  return v;
}
function boolean(w, n, v) {
  if (typeof v !== 'boolean') throw mustBe(w, `option ${n}`, 'a boolean', v);
  return v;
}
function time(w, n, v) {
  if (v instanceof Date) {
    const ms = v.getTime();
    if (Number.isNaN(ms)) throw mustBe(w, `option ${n}`, 'a valid Date', v);
    return Math.floor(ms / 1000);
  }
  return number(w, n, v);
}

/** Options of `new Verifier` only (not of jwt.decode), for the unknown-option hint. */
const VERIFIER_ONLY = new Set(['cacheSize', 'denylist']);

/**
 * Validation options (camelCase) → the core's JSON text (snake_case), or null
 * for the defaults. `extra` holds core options already checked (snake_case).
 */
function validationJson(where, opts, extra) {
  if (opts === undefined || opts === null) return extra ? JSON.stringify(extra) : null;
  if (!isPlainObject(opts)) throw mustBe(where, 'options', 'an object', opts);
  const out = { ...extra };
  let any = extra !== undefined;
  for (const name of Object.keys(opts)) {
    const spec = VALIDATION.get(name);
    if (spec === undefined) {
      const camel = name.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
      let hint = ` (known: ${VALIDATION_NAMES.join(', ')})`;
      if (VALIDATION.has(camel)) hint = ` (did you mean "${camel}"?)`;
      else if (VERIFIER_ONLY.has(camel)) {
        hint = name === camel ? ` ("${camel}" is an option of new Verifier only)` : ` (did you mean "${camel}"?)`;
      }
      throw new TypeError(`${where}: unknown option "${name}"${hint}`);
    }
    const v = opts[name];
    if (v === undefined || v === null) continue;
    out[spec[0]] = spec[1](where, name, v);
    any = true;
  }
  return any ? JSON.stringify(out) : null;
}

// ------------------------------------------------------------- verifier

/** Keys + validation policy, built once; `verify` is the hot path. */
class Verifier {
  #native;
  #cheap;

  /**
   * @param {Key|KeySet|jwks.RemoteKeySet} key a RemoteKeySet makes a verifier
   *   that selects keys by kid from the remote set's cache (fetching as
   *   needed, on the libuv pool): only verifyAsync works on it (verify would
   *   block the event loop on a fetch: INVALID_ARGUMENT).
   * @param {object} [opts] validation options (see jwt.decode), and
   *   `denylist` (a sessions.Denylist): revoked tokens fail with REVOKED,
   *   tokens need a `jti` (MISSING_CLAIM), and a store that cannot answer
   *   fails verification (STORE_UNAVAILABLE). On a RedisStore only
   *   verifyAsync works (verify would block the event loop: INVALID_ARGUMENT).
   *   `cacheSize` (integer, 0 = off, at most 1000000): remember this many
   *   verified tokens (least recently used out); a byte-identical token is
   *   answered from the cache, with exp/nbf/iat/maxAge and the denylist
   *   re-checked on every hit.
   */
  constructor(key, opts) {
    const w = 'new Verifier';
    const remote = remoteHandle(key);
    const keys = remote === undefined ? verifierKeys(w, key) : undefined;
    let denylist;
    let extra;
    let policy = opts;
    if (isPlainObject(opts) && (hasOwn(opts, 'denylist') || hasOwn(opts, 'cacheSize'))) {
      const { denylist: d, cacheSize: c, ...rest } = opts;
      if (d !== undefined && d !== null) denylist = denylistHandle(w, d);
      if (c !== undefined && c !== null) {
        if (typeof c !== 'number' || !Number.isInteger(c)) {
          throw mustBe(w, 'option cacheSize', 'an integer (entries; 0 is off)', c);
        }
        // Range (0 to 1000000) is the core's INVALID_ARGUMENT.
        extra = { cache_size: c };
      }
      policy = rest;
    }
    const json = validationJson(w, policy, extra);
    this.#native = call(() =>
      remote === undefined ? new native.Verifier(keys, json, denylist) : native.Verifier.remote(remote, json, denylist),
    );
    // With a denylist every verification asks the store, with a remote key
    // set it may fetch: always off the loop.
    this.#cheap = remote === undefined && keys.isCheap && denylist === undefined;
  }

  /**
   * Verifies the token and validates its claims; returns the claims.
   * @param {string} token
   * @returns {object}
   */
  verify(token) {
    if (typeof token !== 'string') throw mustBe('verifier.verify', 'token', 'a string', token);
    let text;
    try {
      text = this.#native.verify(token);
    } catch (e) {
      throw fromNative(e);
    }
    return JSON.parse(text);
  }

  /**
   * `verify` off the event loop: on the libuv thread pool for RSA, EC and
   * Ed25519 keys, remote key sets, and whenever there is a denylist to
   * consult; HMAC-only verifiers without one run inline (cheaper than the trip).
   * @param {string} token
   * @returns {Promise<object>}
   */
  verifyAsync(token) {
    if (typeof token !== 'string') {
      return Promise.reject(mustBe('verifier.verifyAsync', 'token', 'a string', token));
    }
    if (this.#cheap) {
      try {
        return Promise.resolve(this.verify(token));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return this.#native.verifyAsync(token).then(JSON.parse, rethrow);
  }

  [inspect]() {
    return 'Verifier {}';
  }
}

// ------------------------------------------------------------------ jwt

const ENCODE_OPTIONS = ['header'];

function encodeArgs(where, claims, key, opts) {
  const o = options(where, opts, ENCODE_OPTIONS);
  const text = jsonObject(where, 'claims', claims);
  checkSigner(where, key);
  const header = o.header === undefined || o.header === null ? undefined : jsonObject(where, 'option header', o.header);
  return [text, header];
}

const jwt = Object.freeze({
  /**
   * Signs `claims` as a JWT. An object is JSON.stringify'd; a string is signed
   * byte for byte. The header gets alg, typ "JWT" (unless given) and the key's kid.
   */
  encode(claims, key, opts) {
    const [text, header] = encodeArgs('jwt.encode', claims, key, opts);
    return call(() =>
      isKey(key)
        ? native.jwtEncodeKey(text, keyHandle(key), header)
        : native.jwtEncodeSet(text, keySetHandle(key), header),
    );
  },

  /** jwt.encode off the event loop (libuv pool; HMAC runs inline). */
  encodeAsync(claims, key, opts) {
    let promise;
    try {
      const [text, header] = encodeArgs('jwt.encodeAsync', claims, key, opts);
      if (isCheap(key)) return Promise.resolve(jwt.encode(text, key, opts && { header }));
      promise =
        isKey(key)
          ? native.jwtEncodeKeyAsync(text, keyHandle(key), header)
          : native.jwtEncodeSetAsync(text, keySetHandle(key), header);
    } catch (e) {
      return Promise.reject(fromNative(e));
    }
    return promise.then(undefined, rethrow);
  },

  /**
   * Verifies `token` with `key` and validates its claims; returns the claims.
   * Build a Verifier once instead when verifying many tokens.
   */
  decode(token, key, opts) {
    const w = 'jwt.decode';
    checkString(w, 'token', token);
    const keys = verifyKeys(w, key);
    const json = validationJson(w, opts);
    let text;
    try {
      text = native.jwtDecode(token, keys, json);
    } catch (e) {
      throw fromNative(e);
    }
    return JSON.parse(text);
  },

  /** jwt.decode off the event loop (libuv pool; HMAC runs inline). */
  decodeAsync(token, key, opts) {
    const w = 'jwt.decodeAsync';
    let promise;
    try {
      checkString(w, 'token', token);
      const keys = verifyKeys(w, key);
      const json = validationJson(w, opts);
      if (keys.isCheap) return Promise.resolve(JSON.parse(native.jwtDecode(token, keys, json)));
      promise = native.jwtDecodeAsync(token, keys, json);
    } catch (e) {
      return Promise.reject(fromNative(e));
    }
    return promise.then(JSON.parse, rethrow);
  },

  /**
   * The header and claims WITHOUT verifying anything, for inspection only
   * (never for authorization). The same structural checks as verification apply.
   */
  decodeUnverified(token) {
    checkString('jwt.decodeUnverified', 'token', token);
    const [header, claims] = JSON.parse(call(() => native.jwtDecodeUnverified(token)));
    return { header, claims };
  },
});

// ------------------------------------------------------------------ jws

function signArgs(where, payload, key, opts) {
  const o = options(where, opts, ENCODE_OPTIONS);
  const data = bytes(where, 'payload', payload);
  checkSigner(where, key);
  const header = o.header === undefined || o.header === null ? undefined : jsonObject(where, 'option header', o.header);
  return [data, header];
}

const jws = Object.freeze({
  /** Signs arbitrary bytes (strings as UTF-8) as a compact JWS. */
  sign(payload, key, opts) {
    const [data, header] = signArgs('jws.sign', payload, key, opts);
    return call(() =>
      isKey(key)
        ? native.jwsSignKey(data, keyHandle(key), header)
        : native.jwsSignSet(data, keySetHandle(key), header),
    );
  },

  /** jws.sign off the event loop (libuv pool; HMAC runs inline). */
  signAsync(payload, key, opts) {
    let promise;
    try {
      const [data, header] = signArgs('jws.signAsync', payload, key, opts);
      if (isCheap(key)) return Promise.resolve(jws.sign(data, key, opts && { header }));
      promise =
        isKey(key)
          ? native.jwsSignKeyAsync(data, keyHandle(key), header)
          : native.jwsSignSetAsync(data, keySetHandle(key), header);
    } catch (e) {
      return Promise.reject(fromNative(e));
    }
    return promise.then(undefined, rethrow);
  },

  /** Verifies a compact JWS; returns its payload bytes. */
  verify(token, key) {
    const w = 'jws.verify';
    checkString(w, 'token', token);
    const keys = verifyKeys(w, key);
    return call(() => native.jwsVerify(token, keys));
  },

  /** Verifies a JWS with a detached payload (RFC 7515 appendix F: empty middle segment). */
  verifyDetached(token, payload, key) {
    const w = 'jws.verifyDetached';
    checkString(w, 'token', token);
    const data = bytes(w, 'payload', payload);
    const keys = verifyKeys(w, key);
    call(() => native.jwsVerifyDetached(token, data, keys));
  },
});

module.exports = {
  Key,
  KeySet,
  Verifier,
  TesseraError,
  jwt,
  jws,
  jwks,
  cookies,
  sessions,
  errorCodes,
  algorithms: Object.freeze(native.algorithms()),
  version: native.version(),
};
// `require('tessera').default` is the module itself (for TypeScript default
// imports and bundlers); non-enumerable so it is not one more export.
Object.defineProperty(module.exports, 'default', { value: module.exports });
// For the package's own tests only (not API): the addon and the error mapping.
Object.defineProperty(module.exports, Symbol.for('tessera.internal'), { value: { native, fromNative } });
