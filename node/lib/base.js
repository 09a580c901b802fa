'use strict';
// Shared by every module of the package: the native addon, TesseraError and
// the mapping of native failures to it, and the argument checks (TypeError).
// Not public API (the package's exports map hides lib/).

const path = require('node:path');

const PKG = path.join(__dirname, '..');

const native = loadNative();

function loadNative() {
  const file = process.env.TESSERA_NODE_ADDON || path.join(PKG, 'tessera.node');
  try {
    return require(file);
  } catch (e) {
    const err = new Error(
      `tessera: cannot load the native addon ${file} (${e && e.message}). ` +
        'It is built from source by `npm install` (needs Rust/cargo); to rebuild: npm run build --prefix ' +
        PKG,
    );
    err.cause = e;
    throw err;
  }
}

// ---------------------------------------------------------------- errors

/** The core's error codes, in numeric order. */
const errorCodes = Object.freeze(native.errorCodes());
const CODES = new Set(errorCodes);

/** Every failure of a Tessera operation, sync or async. */
class TesseraError extends Error {
  /**
   * @param {string} code one of `errorCodes`, e.g. "EXPIRED"
   * @param {string} message human-readable, may change between versions
   * @param {{claim?: string, cause?: unknown}} [options]
   */
  constructor(code, message, options) {
    super(message, options && options.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
    this.claim = options ? options.claim : undefined;
  }
}
Object.defineProperty(TesseraError.prototype, 'name', {
  value: 'TesseraError',
  writable: true,
  configurable: true,
});

/** A native error (code "EXPIRED" or "EXPIRED:exp") → TesseraError. */
function fromNative(e) {
  if (e instanceof TesseraError || e instanceof TypeError) return e;
  const raw = e !== null && typeof e === 'object' && typeof e.code === 'string' ? e.code : '';
  const colon = raw.indexOf(':');
  const code = colon < 0 ? raw : raw.slice(0, colon);
  let err;
  if (CODES.has(code)) {
    err = new TesseraError(code, e.message, { claim: colon < 0 ? undefined : raw.slice(colon + 1) });
  } else {
    // A panic caught in Rust, or a napi conversion failure the checks here missed.
    const message = e !== null && typeof e === 'object' ? e.message : String(e);
    err = new TesseraError('INTERNAL', `internal error: ${message}`, { cause: e });
  }
  Error.captureStackTrace(err, fromNative);
  return err;
}

function rethrow(e) {
  throw fromNative(e);
}

// ------------------------------------------------------- argument checks

function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return v.constructor && v.constructor.name ? `a ${v.constructor.name}` : 'an object';
  if (typeof v === 'string') return 'a string';
  return `${typeof v} ${String(v)}`.slice(0, 40);
}

function mustBe(where, what, expected, v) {
  if (v === undefined) return new TypeError(`${where}: ${what} is required (${expected})`);
  return new TypeError(`${where}: ${what} must be ${expected}, got ${describe(v)}`);
}

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer);
}

function checkString(where, what, v) {
  if (typeof v !== 'string') throw mustBe(where, what, 'a string', v);
  return v;
}

function optionalString(where, what, v) {
  if (v === undefined || v === null) return undefined;
  return checkString(where, what, v);
}

/** Buffer, Uint8Array, any ArrayBufferView, ArrayBuffer, or a string (UTF-8). */
function bytes(where, what, v) {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  throw mustBe(where, what, 'a Buffer, Uint8Array or string', v);
}

/** JSON object text: a string is passed byte for byte, an object is stringified. */
function jsonObject(where, what, v) {
  if (typeof v === 'string') return v;
  if (!isPlainObject(v)) throw mustBe(where, what, 'an object or JSON text', v);
  return JSON.stringify(v);
}

/** Checks an options object: undefined/null → {}, unknown names → TypeError. */
function options(where, opts, names) {
  if (opts === undefined || opts === null) return EMPTY;
  if (!isPlainObject(opts)) throw mustBe(where, 'options', 'an object', opts);
  for (const name of Object.keys(opts)) {
    if (!names.includes(name)) {
      throw new TypeError(`${where}: unknown option "${name}" (known: ${names.join(', ')})`);
    }
  }
  return opts;
}
const EMPTY = Object.freeze({});

function flag(where, what, v) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw mustBe(where, what, 'a boolean', v);
  return v;
}

function call(f) {
  try {
    return f();
  } catch (e) {
    throw fromNative(e);
  }
}

// ------------------------------------------------------- cookie helpers

/** One secret or a list of them (strings are UTF-8) → Uint8Array[]. */
function secretList(where, what, v) {
  if (Array.isArray(v)) return v.map((s, i) => bytes(where, `${what}[${i}]`, s));
  if (v === undefined || v === null) throw mustBe(where, what, 'a secret (string or bytes) or an array of them', v);
  return [bytes(where, what, v)];
}

function optionalBytes(where, what, v) {
  if (v === undefined || v === null) return undefined;
  return bytes(where, `option ${what}`, v);
}

/** A time option (`now`, `expires`): Unix seconds or a Date → integer seconds; absent → undefined. */
function instant(where, v, what = 'now') {
  if (v === undefined || v === null) return undefined;
  const s = Math.floor(seconds(where, v, what));
  if (!Number.isSafeInteger(s)) throw new RangeError(`${where}: option ${what} is out of range`);
  return s;
}

/** A time option as Unix milliseconds (Rails' precision); absent → undefined. */
function instantMs(where, v, what = 'now') {
  if (v === undefined || v === null) return undefined;
  const s = seconds(where, v, what);
  const ms = v instanceof Date ? v.getTime() : Math.round(s * 1000);
  if (!Number.isSafeInteger(ms)) throw new RangeError(`${where}: option ${what} is out of range`);
  return ms;
}

function seconds(where, v, what) {
  if (v instanceof Date) {
    const ms = v.getTime();
    if (Number.isNaN(ms)) throw mustBe(where, `option ${what}`, 'a valid Date', v);
    return ms / 1000;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw mustBe(where, `option ${what}`, 'Unix seconds (a number) or a Date', v);
  return v;
}

/** A duration in seconds → integer (negative ones are the core's INVALID_ARGUMENT). */
function duration(where, what, v) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || Number.isNaN(v)) throw mustBe(where, `option ${what}`, 'a number of seconds', v);
  if (v === Infinity) return Number.MAX_SAFE_INTEGER;
  const s = Math.floor(v);
  if (!Number.isSafeInteger(s)) throw new RangeError(`${where}: option ${what} is out of range`);
  return s;
}

/** Bytes in, the same kind out: a string gives a string (UTF-8), bytes give a Buffer. */
function sameKind(input, out) {
  return typeof input === 'string' ? out.toString('utf8') : out;
}

/** JSON text → value (the core always returns valid JSON). */
const parse = (text) => JSON.parse(text);

/** Any JSON-serializable value → JSON text, as `JSON.stringify` writes it. */
function jsonValue(where, what, v) {
  const text = JSON.stringify(v);
  if (typeof text !== 'string') throw mustBe(where, what, 'a JSON-serializable value', v);
  return text;
}

/** `false` for a rejected value (any TesseraError), rethrows anything else. */
function accepted(f) {
  try {
    f();
    return true;
  } catch (e) {
    if (e instanceof TesseraError) return false;
    throw e;
  }
}

module.exports = {
  native,
  errorCodes,
  TesseraError,
  fromNative,
  rethrow,
  describe,
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
  secretList,
  optionalBytes,
  instant,
  instantMs,
  duration,
  sameKind,
  parse,
  jsonValue,
  accepted,
};
