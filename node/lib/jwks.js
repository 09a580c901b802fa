'use strict';
// `jwks`: a key set fetched from an identity provider's JWKS URL and cached
// (tessera::jwks::RemoteKeySet; the policy is the core's, docs/jwks.md):
// https only (http for loopback hosts), one deadline and a size cap per
// fetch, fresh for the response's max-age within [minAge, maxAge],
// stale-while-error, an unknown kid refetched at most once per cooldown,
// concurrent misses sharing one request, export/import of the cache.
//
// keys() and refresh() may wait on the network, so they run on the libuv
// thread pool and return promises: the event loop never waits on a fetch (a
// provider that does not answer holds a pool thread for up to `timeout`).
// status(), exportCache() and importCache() only take the cache's lock (never
// held across a fetch) and are sync. A Verifier built on a RemoteKeySet
// verifies with verifyAsync only (verify throws INVALID_ARGUMENT).
//
// Durations are seconds (fractions allowed); times come back as Dates.

const { native, TesseraError, fromNative, rethrow, mustBe, checkString, isPlainObject, call } = require('./base.js');

const inspect = Symbol.for('nodejs.util.inspect.custom');

/** JS option name → [core option name, check]. */
const OPTIONS = new Map([
  ['maxAge', ['max_age', seconds]],
  ['minAge', ['min_age', seconds]],
  ['cooldown', ['cooldown', seconds]],
  ['timeout', ['timeout', seconds]],
  ['negativeTtl', ['negative_ttl', seconds]],
  ['maxStale', ['max_stale', maxStale]],
  ['maxBytes', ['max_bytes', integer]],
  ['maxRedirects', ['max_redirects', integer]],
  ['caPem', ['ca_pem', pem]],
]);
const NAMES = [...OPTIONS.keys()];

function seconds(w, n, v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw mustBe(w, `option ${n}`, 'a finite number of seconds', v);
  return v; // range (negative, zero where not allowed) is the core's INVALID_ARGUMENT
}
function maxStale(w, n, v) {
  if (v === Infinity) return null; // unlimited, like null
  return seconds(w, n, v);
}
function integer(w, n, v) {
  if (!Number.isSafeInteger(v)) throw mustBe(w, `option ${n}`, 'an integer', v);
  return v;
}
function pem(w, n, v) {
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  if (typeof v !== 'string') throw mustBe(w, `option ${n}`, 'PEM text (a string or Buffer)', v);
  return v;
}

/** Options (camelCase) → the core's JSON text (snake_case), or undefined for the defaults. */
function optionsJson(where, opts) {
  if (opts === undefined || opts === null) return undefined;
  if (!isPlainObject(opts)) throw mustBe(where, 'options', 'an object', opts);
  const out = {};
  for (const name of Object.keys(opts)) {
    const spec = OPTIONS.get(name);
    if (spec === undefined) {
      const camel = name.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
      const hint = OPTIONS.has(camel) ? `did you mean "${camel}"?` : `known: ${NAMES.join(', ')}`;
      throw new TypeError(`${where}: unknown option "${name}" (${hint})`);
    }
    const v = opts[name];
    if (v === undefined) continue;
    if (v === null) {
      // null is "unlimited" for maxStale, "the built-in roots" for caPem, the default otherwise.
      if (name === 'maxStale' || name === 'caPem') out[spec[0]] = null;
      continue;
    }
    out[spec[0]] = spec[1](where, name, v);
  }
  return JSON.stringify(out);
}

/** Unix seconds (fractional) or null → a Date or null. */
const date = (s) => (s === null || s === undefined ? null : new Date(s * 1000));

/**
 * Builds the module around the package's KeySet (index.js passes
 * `wrapKeySet`, native KeySet handle → KeySet). Returns the public `jwks`
 * namespace and `remoteHandle` (a RemoteKeySet → its native handle, or
 * undefined for anything else: the brand check Verifier uses).
 */
function makeJwks(wrapKeySet) {
  let remoteHandle;

  /** Runs `f` (a native call returning a promise of a native KeySet); never throws. */
  function keySetPromise(f) {
    let promise;
    try {
      promise = f();
    } catch (e) {
      return Promise.reject(fromNative(e));
    }
    return promise.then(wrapKeySet, rethrow);
  }

  /**
   * A JWKS fetched from `url` and cached. Nothing is fetched until keys are
   * needed. Give it to `new Verifier(remote, opts)` to verify tokens by kid
   * (`verifyAsync`); the verifier shares this cache.
   */
  class RemoteKeySet {
    #native;

    static {
      remoteHandle = (v) => (v !== null && typeof v === 'object' && #native in v ? v.#native : undefined);
    }

    /**
     * @param {string} url `https://…`, or `http://` to a loopback host (INVALID_ARGUMENT otherwise)
     * @param {{maxAge?: number, minAge?: number, cooldown?: number, timeout?: number,
     *   maxBytes?: number, negativeTtl?: number, maxStale?: number|null,
     *   maxRedirects?: number, caPem?: string|Buffer}} [opts] seconds; defaults
     *   300, 30, 30, 5, 524288 bytes, 300, null (unlimited), 3, the built-in roots
     */
    constructor(url, opts) {
      const w = 'new jwks.RemoteKeySet';
      checkString(w, 'url', url);
      const json = optionsJson(w, opts);
      this.#native = call(() => new native.RemoteKeySet(url, json));
    }

    /** The URL (without any user info). */
    get url() {
      return this.#native.url;
    }

    /**
     * The current key set: the cached one while fresh, else refetched (one
     * request shared by concurrent callers), else the stale one while
     * fetches fail. Rejects with JWKS_UNAVAILABLE (the URL in the message)
     * when there is no usable set at all.
     * @returns {Promise<import('../index.js').KeySet>}
     */
    keys() {
      return keySetPromise(() => this.#native.keys());
    }

    /**
     * Fetches now, whatever the cache holds. Rejects with JWKS_UNAVAILABLE
     * when the fetch fails (the cached set stays and keeps being served).
     * @returns {Promise<import('../index.js').KeySet>}
     */
    refresh() {
      return keySetPromise(() => this.#native.refresh());
    }

    /** The cache's state (sync: it only takes a lock). */
    status() {
      const s = JSON.parse(call(() => this.#native.status()));
      return {
        url: s.url,
        state: s.state,
        fresh: s.state === 'fresh',
        fetchedAt: date(s.fetched_at),
        freshUntil: date(s.fresh_until),
        lastError: s.last_error === null ? null : new TesseraError(s.last_error.code, s.last_error.message),
        lastErrorAt: date(s.last_error_at),
        keys: s.keys,
        requests: s.requests,
        generation: s.generation,
      };
    }

    /** The cache as JSON text (public keys only), for importCache in another process; null while empty. */
    exportCache() {
      return call(() => this.#native.exportCache()) ?? null;
    }

    /**
     * Loads exportCache() text (INVALID_ARGUMENT for another URL or bad text);
     * ignored when the cache already holds a set fetched later.
     * @param {string} data
     */
    importCache(data) {
      checkString('remoteKeySet.importCache', 'data', data);
      call(() => this.#native.importCache(data));
    }

    [inspect]() {
      return `RemoteKeySet { url: ${JSON.stringify(this.url)} }`;
    }
  }

  const jwks = Object.freeze({ RemoteKeySet });
  return { jwks, remoteHandle };
}

module.exports = { makeJwks };
