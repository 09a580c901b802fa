// Type definitions for tessera (Node.js binding of Tessera's Rust core).
// Hand-written; checked by `tsc --noEmit` over test/types.ts in CI.

/// <reference types="node" />

/** A JWS algorithm Tessera implements. `none` is never one. */
export type Algorithm =
  | 'HS256' | 'HS384' | 'HS512'
  | 'RS256' | 'RS384' | 'RS512'
  | 'PS256' | 'PS384' | 'PS512'
  | 'ES256' | 'ES384'
  | 'EdDSA';

/** The stable error codes (the contract shared by every Tessera binding). */
export type ErrorCode =
  | 'MALFORMED' | 'TOO_LARGE' | 'UNSUPPORTED_ALGORITHM' | 'ALGORITHM_NOT_ALLOWED' | 'KEY_NOT_FOUND'
  | 'INVALID_KEY' | 'INVALID_SIGNATURE' | 'EXPIRED' | 'NOT_YET_VALID' | 'ISSUED_IN_FUTURE' | 'TOO_OLD'
  | 'INVALID_ISSUER' | 'INVALID_AUDIENCE' | 'INVALID_SUBJECT' | 'INVALID_TYPE' | 'MISSING_CLAIM'
  | 'INVALID_CLAIM' | 'UNSUPPORTED_CRITICAL_HEADER' | 'REVOKED' | 'COOKIE_TOO_LARGE'
  | 'SESSION_NOT_FOUND' | 'SESSION_CONFLICT' | 'REFRESH_TOKEN_REUSED' | 'STORE_UNAVAILABLE'
  | 'INVALID_ARGUMENT' | 'INTERNAL' | 'JWKS_UNAVAILABLE';

/** Bytes: a Buffer, any Uint8Array / ArrayBufferView, an ArrayBuffer, or a string (taken as UTF-8). */
export type BytesLike = string | ArrayBufferView | ArrayBuffer;

/** A JSON object value (what claims and headers are). */
export type JsonObject = { [name: string]: unknown };

/** Every failure of a Tessera operation, from sync calls and async ones alike. */
export class TesseraError extends Error {
  constructor(code: ErrorCode, message: string, options?: { claim?: string; cause?: unknown });
  readonly name: 'TesseraError';
  /** The stable code, e.g. `'EXPIRED'`. Compare codes, never messages. */
  readonly code: ErrorCode;
  /** The claim (or header member) the error is about, e.g. `'exp'`, if any. */
  readonly claim: string | undefined;
}

export interface KeyOptions {
  /** Bind the key to this algorithm (default: the JWK's `alg`, the only one the key type allows, RS256 for RSA, HS256 for secrets). */
  alg?: Algorithm | (string & {});
  /** The key id (`kid`); for JWKs it replaces the JWK's. */
  kid?: string;
  /** Accept HMAC secrets shorter than the hash and RSA moduli of 1024–2047 bits. Default false. */
  allowWeak?: boolean;
}

/** A JWK as a plain object. */
export interface Jwk {
  kty: 'oct' | 'RSA' | 'EC' | 'OKP' | (string & {});
  alg?: string;
  kid?: string;
  use?: string;
  crv?: string;
  [member: string]: unknown;
}

/** A JWK Set as a plain object. */
export interface Jwks {
  keys: Jwk[];
}

/** A parsed key bound to exactly one algorithm. Immutable; safe to share. */
export class Key {
  /** @internal Keys are made by the static factories. */
  private constructor();
  /** An HMAC key (HS256/384/512, default HS256) from a secret; strings are taken as UTF-8. Secrets shorter than the hash are INVALID_KEY unless `allowWeak`. */
  static hmac(secret: BytesLike, opts?: KeyOptions): Key;
  /** A key from PEM text: PKCS#8, SPKI, PKCS#1 RSA, SEC1 EC or an X.509 certificate. */
  static fromPem(pem: string | Uint8Array, opts?: KeyOptions): Key;
  /** A key from a JWK, as an object or JSON text. */
  static fromJwk(jwk: string | Jwk | JsonObject, opts?: KeyOptions): Key;
  /** A fresh private key (RSA: 2048 bits, which takes about a second: prefer `generateAsync`). */
  static generate(alg: Algorithm | (string & {}), opts?: { kid?: string }): Key;
  /** `generate` on the libuv thread pool. */
  static generateAsync(alg: Algorithm | (string & {}), opts?: { kid?: string }): Promise<Key>;
  /** The one algorithm this key is bound to. */
  readonly alg: Algorithm;
  /** The key id, if any. */
  readonly kid: string | undefined;
  /** Whether the key can sign (HMAC keys and private keys). */
  readonly isPrivate: boolean;
  /** The public half (same alg and kid). HMAC keys have none: INVALID_KEY. */
  public(): Key;
  /** The key as a JWK object with `alg` and `kid`; private members only with `{ private: true }` (required for HMAC keys). */
  toJwk(opts?: { private?: boolean }): Jwk;
  /** The RFC 7638 JWK thumbprint (SHA-256, base64url). */
  thumbprint(): string;
  /** The raw JWS signature of `data` with this key's algorithm. */
  sign(data: BytesLike): Buffer;
  /** Checks a raw JWS signature of `data`; throws TesseraError INVALID_SIGNATURE when it does not verify. */
  verify(data: BytesLike, signature: BytesLike): void;
  /** `{ alg, kid, isPrivate }`: never key material. */
  toJSON(): { alg: Algorithm; kid: string | undefined; isPrivate: boolean };
}

/**
 * An ordered set of keys. Signing uses the key named by the header's `kid`,
 * else the first private key; verifying selects by the token's `kid` when it
 * has one, else tries the keys whose algorithm equals the token's.
 */
export class KeySet implements Iterable<Key> {
  /** A set of `keys`, in order; two keys with the same kid are INVALID_ARGUMENT. */
  constructor(keys?: Iterable<Key>);
  /** A set from a JWKS (object or JSON text); unusable entries are skipped (see `skipped`). */
  static fromJwks(jwks: string | Jwks | JsonObject): KeySet;
  /** The public JWKS; HMAC keys are never exported. */
  toJwks(): Jwks;
  /** The keys, in order. */
  keys(): Key[];
  /** Number of keys. */
  readonly size: number;
  /** JWKS entries `fromJwks` skipped as unusable. */
  readonly skipped: number;
  [Symbol.iterator](): Iterator<Key>;
}

/** What signs: one key, or a key set. What verifies: the same. */
export type KeyLike = Key | KeySet;

/** Validation policy. Every option is optional; the defaults are strict. */
export interface VerifyOptions {
  /** Algorithms accepted. Default: the keys' algorithms. */
  algorithms?: ReadonlyArray<Algorithm | (string & {})>;
  /** Accepted issuers; the token's `iss` must equal one. Default: not checked. */
  issuer?: string | ReadonlyArray<string>;
  /** Accepted audiences; the token's `aud` must contain one. Default: a token with `aud` is rejected. */
  audience?: string | ReadonlyArray<string>;
  /** The required `sub`. Default: not checked. */
  subject?: string;
  /** Claims that must be present. Default `['exp']`. */
  required?: ReadonlyArray<string>;
  /** Seconds of clock skew tolerated for exp, nbf, iat and maxAge. Default 0. */
  leeway?: number;
  /** Maximum age in seconds, from `iat` (which becomes required). Default: not checked. */
  maxAge?: number;
  /** Required header `typ` (case-insensitive, `application/` prefix ignored), e.g. `'at+jwt'`. */
  typ?: string;
  /** The current time (epoch seconds or a Date), for tests. Default: the system clock. */
  now?: number | Date;
  /** Check `exp` when present. Default true. */
  verifyExp?: boolean;
  /** Check `nbf` when present. Default true. */
  verifyNbf?: boolean;
  /** Longest token accepted, in bytes, checked before decoding. Default 16384. */
  maxTokenBytes?: number;
}

/** Options for signing. */
export interface SignOptions {
  /** Extra protected header members (object or JSON text); `kid` picks the signing key in a KeySet. */
  header?: JsonObject | string;
}

/** Registered claims, as Tessera validated them, plus any others. */
export interface JwtClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  [claim: string]: unknown;
}

/** A JWT/JWS protected header. */
export interface JwtHeader {
  alg: string;
  typ?: string;
  kid?: string;
  cty?: string;
  [member: string]: unknown;
}

/** Options of `new Verifier`: the validation policy, and a denylist to consult. */
export interface VerifierOptions extends VerifyOptions {
  /**
   * Refuse revoked tokens (`REVOKED`); every token then needs a `jti`
   * (`MISSING_CLAIM`), and a store that cannot answer fails verification
   * (`STORE_UNAVAILABLE`). On a `RedisStore` only `verifyAsync` works
   * (`verify` would block the event loop: `INVALID_ARGUMENT`).
   */
  denylist?: sessions.Denylist;
  /**
   * Opt-in verified-token cache: remember up to this many successfully
   * verified tokens (least recently used out) and answer a byte-identical
   * token from it without redoing the signature check. `exp`, `nbf`, `iat`,
   * `maxAge` (against `now` or the system clock, with `leeway`) and the
   * `denylist` are re-checked on every hit; a different token, even by one
   * byte, is never served from it. Integer, 0 (the default) is off, at most
   * 1000000 (`INVALID_ARGUMENT` otherwise). Like fast-jwt's `cache`.
   */
  cacheSize?: number;
}

/** Keys + validation policy, built once; `verify` is the hot path. */
export class Verifier {
  /**
   * `key` may be a `jwks.RemoteKeySet`: keys are then selected by `kid` from
   * its cache (shared with it), fetched as needed; an unknown `kid` refetches
   * at most once per cooldown (`KEY_NOT_FOUND` after), no usable keys is
   * `JWKS_UNAVAILABLE`. On a remote key set only `verifyAsync` works
   * (`verify` would block the event loop on a fetch: `INVALID_ARGUMENT`).
   */
  constructor(key: KeyLike | jwks.RemoteKeySet, opts?: VerifierOptions);
  /**
   * Verifies the signature and validates the claims; returns the claims. Throws TesseraError
   * (`INVALID_ARGUMENT` on a verifier built on a `jwks.RemoteKeySet` or with a denylist on a
   * `RedisStore`: use `verifyAsync`).
   */
  verify<T extends object = JwtClaims>(token: string): T;
  /** `verify` off the event loop (libuv pool for RSA/EC/Ed25519, a remote key set and with a denylist; HMAC alone runs inline). Rejects with TesseraError. */
  verifyAsync<T extends object = JwtClaims>(token: string): Promise<T>;
}

/** Options of `new jwks.RemoteKeySet`. Durations are seconds (fractions allowed). */
export interface RemoteKeySetOptions {
  /** How long a fetched set is fresh without `Cache-Control: max-age`, and the most a response's max-age can ask for. Default 300. */
  maxAge?: number;
  /** The least a response's max-age (or `no-cache`) can ask for. Default 30. */
  minAge?: number;
  /** Least time between fetches caused by unknown kids, and after a failed fetch. Default 30. */
  cooldown?: number;
  /** The whole budget of one fetch: connect, TLS, redirects, headers and body. Default 5. */
  timeout?: number;
  /** Largest response body accepted, in bytes. Default 524288 (512 KiB). */
  maxBytes?: number;
  /** How long a kid still unknown after a refetch is answered `KEY_NOT_FOUND` without fetching. Default 300. */
  negativeTtl?: number;
  /** How long past its freshness a set is still served while fetches fail; `null` (the default) or `Infinity`: unlimited. */
  maxStale?: number | null;
  /** Redirects followed per fetch (same scheme, same URL rules). Default 3. */
  maxRedirects?: number;
  /** Trust only these CA certificates (PEM) instead of the built-in roots. */
  caPem?: string | Uint8Array | null;
}

/** `RemoteKeySet.status()`: the cache's state. */
export interface JwksStatus {
  /** The URL (without any user info). */
  url: string;
  /** `'empty'` (nothing fetched or imported yet), `'fresh'` (within its max age) or `'stale'`. */
  state: 'empty' | 'fresh' | 'stale';
  /** `state === 'fresh'`. */
  fresh: boolean;
  /** When the set served now was fetched. */
  fetchedAt: Date | null;
  /** When it stops (or stopped) being fresh. */
  freshUntil: Date | null;
  /** The error of the last fetch if it failed (cleared by a success), e.g. `JWKS_UNAVAILABLE` naming the URL. */
  lastError: TesseraError | null;
  /** When that fetch failed. */
  lastErrorAt: Date | null;
  /** Keys in the set. */
  keys: number;
  /** HTTP requests made. */
  requests: number;
  /** Changes of the set (a refetch of the same keys is not one). */
  generation: number;
}

/**
 * Remote JWKS: a key set fetched from an identity provider's `jwks_uri` and
 * cached so that the provider being slow or down never becomes an outage
 * (the policy: docs/jwks.md). `https://` only (`http://` for loopback hosts);
 * `jku`/`x5u` in tokens are never fetched.
 */
export namespace jwks {
  /**
   * A JWKS fetched from `url` and cached. Nothing is fetched until keys are
   * needed. `keys()`/`refresh()` run on the libuv pool (the event loop never
   * waits on a fetch); the other methods only take a lock. Give it to
   * `new Verifier(remote, opts)` and use `verifyAsync`.
   */
  class RemoteKeySet {
    /** `INVALID_ARGUMENT` for a URL that is not `https://` (or `http://` to a loopback host) or bad option values; TypeError for wrong types. */
    constructor(url: string, opts?: RemoteKeySetOptions);
    /** The URL (without any user info). */
    readonly url: string;
    /** The cached set while fresh, else refetched (one request for concurrent callers), else the stale set while fetches fail. Rejects with `JWKS_UNAVAILABLE` (URL in the message) when there is no usable set. */
    keys(): Promise<KeySet>;
    /** Fetches now. Rejects with `JWKS_UNAVAILABLE` when the fetch fails (the cached set stays). */
    refresh(): Promise<KeySet>;
    /** The cache's state (sync: it only takes a lock). */
    status(): JwksStatus;
    /** The cache as JSON text (public keys), for `importCache` in another process; `null` while empty. */
    exportCache(): string | null;
    /** Loads `exportCache()` text (`INVALID_ARGUMENT` for another URL); ignored when the cache holds a newer set. */
    importCache(data: string): void;
  }
}

export const jwt: {
  /** Signs `claims` (an object, or JSON text signed byte for byte) as a JWT. */
  encode(claims: JsonObject | string, key: KeyLike, opts?: SignOptions): string;
  /** `encode` off the event loop (libuv pool; HMAC runs inline). */
  encodeAsync(claims: JsonObject | string, key: KeyLike, opts?: SignOptions): Promise<string>;
  /** Verifies and validates `token`; returns the claims. Build a Verifier once for many tokens. */
  decode<T extends object = JwtClaims>(token: string, key: KeyLike, opts?: VerifyOptions): T;
  /** `decode` off the event loop (libuv pool; HMAC runs inline). */
  decodeAsync<T extends object = JwtClaims>(token: string, key: KeyLike, opts?: VerifyOptions): Promise<T>;
  /** Header and claims WITHOUT any verification: for inspection only, never for authorization. */
  decodeUnverified<T extends object = JwtClaims>(token: string): { header: JwtHeader; claims: T };
};

export const jws: {
  /** Signs arbitrary bytes (strings as UTF-8) as a compact JWS. */
  sign(payload: BytesLike, key: KeyLike, opts?: SignOptions): string;
  /** `sign` off the event loop (libuv pool; HMAC runs inline). */
  signAsync(payload: BytesLike, key: KeyLike, opts?: SignOptions): Promise<string>;
  /** Verifies a compact JWS; returns its payload. */
  verify(token: string, key: KeyLike): Buffer;
  /** Verifies a JWS with a detached payload (empty middle segment, RFC 7515 appendix F). */
  verifyDetached(token: string, payload: BytesLike, key: KeyLike): void;
};

/** Unix seconds, or a Date. */
export type Instant = number | Date;

/**
 * Cookie sessions on Tessera's core: its own sealed `SessionCookie`, codecs
 * byte for byte compatible with Flask / itsdangerous, Express (cookie-session
 * + keygrip, express-session) and Rails, header helpers and CSRF tokens.
 * Every rejection is a TesseraError: a bad signature INVALID_SIGNATURE, an
 * expired or future timestamp EXPIRED / ISSUED_IN_FUTURE, garbage MALFORMED.
 * Secrets are strings (UTF-8) or bytes. `now` defaults to the system clock.
 */
export namespace cookies {
  /** itsdangerous' `digest_method` names. */
  type DigestMethod = 'sha1' | 'sha256' | 'sha384' | 'sha512';
  /** itsdangerous' `key_derivation` names. */
  type KeyDerivation = 'concat' | 'django-concat' | 'hmac' | 'none';
  /** One secret, or a list of them (rotation). */
  type Secrets = BytesLike | ReadonlyArray<BytesLike>;
  /** Binary input that is not a string: what gives a Buffer back. */
  type Binary = ArrayBufferView | ArrayBuffer;

  /** itsdangerous' signer options, camelCase. Defaults are the class's (salt `itsdangerous.Signer` for signers, `itsdangerous` for the serializer; django-concat; sha1; "."). */
  interface SignerOptions {
    salt?: BytesLike;
    sep?: string;
    keyDerivation?: KeyDerivation | (string & {});
    digestMethod?: DigestMethod | (string & {});
  }
  interface NowOptions {
    /** The time to sign or check at (default: the system clock). */
    now?: Instant;
  }
  interface MaxAgeOptions extends NowOptions {
    /** Seconds; an older signature is EXPIRED, a future one ISSUED_IN_FUTURE. Default: not checked. */
    maxAge?: number;
  }

  /** itsdangerous' `Signer`. Secrets oldest → newest: the newest signs, every one verifies. */
  class Signer {
    constructor(secretKey: Secrets, opts?: SignerOptions);
    /** `value + sep + signature`; a string gives a string, bytes give a Buffer. */
    sign(value: string): string;
    sign(value: Binary): Buffer;
    /** The value if the signature verifies (INVALID_SIGNATURE, MALFORMED otherwise). */
    unsign(signed: string): string;
    unsign(signed: Binary): Buffer;
    /** Whether `signed` verifies. */
    validate(signed: BytesLike): boolean;
  }

  /** itsdangerous' `TimestampSigner`. */
  class TimestampSigner {
    constructor(secretKey: Secrets, opts?: SignerOptions);
    sign(value: string, opts?: NowOptions): string;
    sign(value: Binary, opts?: NowOptions): Buffer;
    /** With `returnTimestamp: true`: the value and when it was signed (Unix seconds). */
    unsign(signed: string, opts: MaxAgeOptions & { returnTimestamp: true }): { value: string; timestamp: number };
    unsign(signed: Binary, opts: MaxAgeOptions & { returnTimestamp: true }): { value: Buffer; timestamp: number };
    unsign(signed: string, opts?: MaxAgeOptions & { returnTimestamp?: false }): string;
    unsign(signed: Binary, opts?: MaxAgeOptions & { returnTimestamp?: false }): Buffer;
    validate(signed: BytesLike, opts?: MaxAgeOptions): boolean;
  }

  /** itsdangerous' `URLSafeTimedSerializer` (JSON payload, zlib when smaller, timestamp). */
  class URLSafeTimedSerializer {
    constructor(secretKey: Secrets, opts?: SignerOptions);
    /** Signs `JSON.stringify(value)`. */
    dumps(value: unknown, opts?: NowOptions): string;
    /** With `returnTimestamp: true`: the value and when it was signed (Unix seconds). */
    loads<T = unknown>(signed: string, opts: MaxAgeOptions & { returnTimestamp: true }): { value: T; timestamp: number };
    loads<T = unknown>(signed: string, opts?: MaxAgeOptions & { returnTimestamp?: false }): T;
  }

  /**
   * A value of Flask's tagged JSON (what `FlaskCookie` reads and writes):
   * `{" b": base64}` bytes, `{" t": [...]}` tuple, `{" u": hex}` UUID,
   * `{" d": http-date}` datetime, `{" m": html}` Markup, `{" di": {"<key>__": v}}`
   * a one-key dict whose key is a tag.
   */
  type FlaskTagged =
    | { ' b': string }
    | { ' t': FlaskValue[] }
    | { ' u': string }
    | { ' d': string }
    | { ' m': string }
    | { ' di': { [key: string]: FlaskValue } };
  type FlaskValue = null | boolean | number | string | FlaskValue[] | FlaskTagged | { [key: string]: FlaskValue };

  interface FlaskCookieOptions {
    /** Flask's SECRET_KEY_FALLBACKS, oldest first: they open cookies, `secretKey` signs. */
    fallbacks?: ReadonlyArray<BytesLike>;
    /** Default `cookie-session`. */
    salt?: BytesLike;
    /** Seconds (default Flask's 2678400, 31 days); `null` disables the age check. */
    maxAge?: number | null;
  }

  /** Flask's session cookie, byte-identical to Flask's; sessions in Flask's tagged JSON form. */
  class FlaskCookie {
    constructor(secretKey: BytesLike, opts?: FlaskCookieOptions);
    /** The cookie value for a session object (tagged form) or JSON object text (taken byte for byte). */
    dumps(session: JsonObject | string, opts?: NowOptions): string;
    /** The session, in tagged form. */
    loads<T extends object = { [key: string]: FlaskValue }>(cookie: string, opts?: NowOptions): T;
  }

  /** `<name>` and `<name>.sig` cookie values. */
  interface ExpressSigned {
    value: string;
    sig: string;
  }
  /** A verified cookie-session. */
  interface ExpressVerified<T> {
    data: T;
    /** The index of the key that verified it. */
    keyIndex: number;
    /** An older key verified it: re-issue `<name>.sig` with keys[0]. */
    needsResign: boolean;
  }

  /** Express `cookie-session` + keygrip. Keys newest first: keys[0] signs, any verifies. */
  class ExpressCookieSession {
    constructor(keys: Secrets, opts?: { name?: string });
    /** The cookie name (default `session`); the signature cookie is `<name>.sig`. */
    readonly name: string;
    /** Values of both cookies for `data` (JSON.stringify'd like cookie-session, or JSON object text kept as is). */
    sign(data: JsonObject | string): ExpressSigned;
    /** keygrip's signature of `<name>=<value>` with keys[0]. */
    signValue(value: string): string;
    verify<T extends object = JsonObject>(value: string, sig: string): T;
    verifyInfo<T extends object = JsonObject>(value: string, sig: string): ExpressVerified<T>;
    /** From a raw `Cookie` header; SESSION_NOT_FOUND when either cookie is missing or empty. */
    load<T extends object = JsonObject>(cookieHeader: string): T;
    loadInfo<T extends object = JsonObject>(cookieHeader: string): ExpressVerified<T>;
  }

  /** express-session's signed session id (`cookie-signature`). secrets[0] signs, any verifies. */
  class ExpressSessionId {
    constructor(secrets: Secrets);
    /** `s:<sid>.<signature>` (percent-encode it for a Set-Cookie, as express-session does). */
    sign(sid: string): string;
    /** The session id of a cookie value (`s:…`, `s%3A…`, quoted or not). */
    unsign(value: string): string;
    /** The session id from a raw `Cookie` header (cookie `name`, default `connect.sid`). */
    load(cookieHeader: string, opts?: { name?: string }): string;
  }
  /** `SameSite` values (any case). */
  type SameSite = 'Strict' | 'Lax' | 'None' | 'strict' | 'lax' | 'none';

  /** Cookie attributes. Absent ones keep Tessera's defaults: Path=/; Secure; HttpOnly; SameSite=Lax. */
  interface CookieAttributes {
    /** Default "/"; `false` leaves Path out. */
    path?: string | false;
    domain?: string;
    /** `Max-Age`, seconds (0 or less deletes). */
    maxAge?: number;
    /** `Expires`: a Date or Unix seconds. */
    expires?: Instant;
    /** Default true. */
    secure?: boolean;
    /** Default true. */
    httpOnly?: boolean;
    /** Default 'Lax'; `false` leaves SameSite out. 'None' requires `secure`. */
    sameSite?: SameSite | false;
    /** CHIPS `Partitioned`; requires `secure`. Default false. */
    partitioned?: boolean;
  }

  /** A `Set-Cookie` header value; INVALID_ARGUMENT for a bad name/value or a broken `__Host-`/`__Secure-` rule. */
  function setCookie(name: string, value: string, opts?: CookieAttributes): string;
  /** A `Set-Cookie` header value deleting `name` (empty value, Max-Age=0, Expires in 1970). */
  function deleteCookie(name: string, opts?: Omit<CookieAttributes, 'maxAge' | 'expires'>): string;
  /** The cookies of a `Cookie` header (first of duplicates wins; quotes removed; no percent-decoding). TOO_LARGE over 64 KiB. */
  function parseCookie(header: string): { [name: string]: string };

  interface SessionCookieOptions extends Omit<CookieAttributes, 'maxAge'> {
    /** Cookie name, bound into the MAC/AAD. Default "session". */
    name?: string;
    /** AES-256-GCM instead of HMAC-SHA256. Default false. */
    encrypted?: boolean;
    /** Largest age in seconds (EXPIRED past it); also the cookie's Max-Age. Default: any age. */
    maxAge?: number;
    /** Split values over 4096 bytes across `name.0`, `name.1`, … (else COOKIE_TOO_LARGE). Default false. */
    chunked?: boolean;
  }

  /** An opened session cookie. */
  interface OpenedCookie<T> {
    data: T;
    /** When it was sealed (Unix seconds). */
    issuedAt: number;
    /** Opened with an older secret: seal it again with the current one. */
    needsReissue: boolean;
  }

  /** Tessera's sealed session cookie. Secrets (≥ 32 bytes each): the first seals, every one opens. */
  class SessionCookie {
    constructor(secrets: Secrets, opts?: SessionCookieOptions);
    readonly name: string;
    /** One cookie value; COOKIE_TOO_LARGE when the Set-Cookie line would pass 4096 bytes. */
    seal(data: JsonObject | string, opts?: NowOptions): string;
    /** `[name, value]` pairs: one cookie, or `name.0…` chunks when chunking is on. */
    sealChunks(data: JsonObject | string, opts?: NowOptions): Array<[string, string]>;
    open<T extends object = JsonObject>(value: string, opts?: NowOptions): T;
    openInfo<T extends object = JsonObject>(value: string, opts?: NowOptions): OpenedCookie<T>;
    /** From a raw `Cookie` header, single or chunked; SESSION_NOT_FOUND if absent. */
    load<T extends object = JsonObject>(cookieHeader: string, opts?: NowOptions): OpenedCookie<T>;
    /** Complete Set-Cookie lines, plus deletions of this session's stale cookies named in the request. */
    setCookieHeaders(data: JsonObject | string, opts?: NowOptions & { requestCookieHeader?: string }): string[];
    /** Set-Cookie lines deleting the session (and every chunk named in the request). */
    clearCookieHeaders(opts?: { requestCookieHeader?: string }): string[];
  }

  /** CSRF synchronizer tokens bound to a session id (≥ 32-byte secrets; the first generates, all verify). */
  class CsrfTokens {
    constructor(secrets: Secrets);
    /** A fresh masked token (different on every call). */
    generate(sessionId: string): string;
    /** Throws TesseraError INVALID_SIGNATURE (another session or secret) or MALFORMED. */
    verify(sessionId: string, token: string): void;
  }

  /** The key generator's hash: sha256 (Rails 7.0+ defaults) or sha1 (older apps). */
  type RailsDigest = 'sha256' | 'sha1';

  interface RailsCookieOptions {
    /** The cookie's name (its purpose is `cookie.<name>`), e.g. `_myapp_session`. */
    cookieName: string;
    /** Default 'sha256'. */
    digest?: RailsDigest;
    /** More secret_key_base/digest pairs that also open cookies (`cookies_rotations`). */
    rotations?: ReadonlyArray<{ secretKeyBase: BytesLike; digest?: RailsDigest }>;
  }

  /** Rails 7+ encrypted cookies (AES-256-GCM, PBKDF2, `_rails` envelope), both directions. */
  class RailsCookie {
    constructor(secretKeyBase: BytesLike, opts: RailsCookieOptions);
    readonly name: string;
    /** The Rack-escaped cookie value; `expiresAt` goes in the envelope. */
    encrypt(value: unknown, opts?: { expiresAt?: Instant }): string;
    /** The value; INVALID_SIGNATURE (wrong key or cookie name), EXPIRED, MALFORMED. */
    decrypt<T = unknown>(cookie: string, opts?: NowOptions): T;
  }
}

/**
 * Server-side sessions, a JWT denylist and rotating refresh tokens, on the
 * embedded `MemoryStore` or on Redis (standalone or Cluster), with the key
 * layout every Tessera language shares (docs/sessions.md). Every method that
 * may touch a store returns a Promise and runs on the libuv thread pool: the
 * event loop never waits on Redis. Durations are seconds. Failures reject
 * with TesseraError: STORE_UNAVAILABLE when the store cannot answer (never
 * "no session"), MALFORMED for a record that does not parse.
 */
export namespace sessions {
  interface MemoryStoreOptions {
    /** Most entries held. Default 1,000,000. */
    maxEntries?: number;
    /** Most bytes held (keys + values + 96 per entry). Default 268435456 (256 MiB). */
    maxBytes?: number;
  }

  /** The embedded store (one process). A write past a limit is STORE_UNAVAILABLE; live entries are never evicted. */
  class MemoryStore {
    constructor(opts?: MemoryStoreOptions);
    /** Entries held (live, or expired and not yet purged). */
    readonly size: number;
    /** Bytes accounted for against `maxBytes`. */
    readonly bytes: number;
    /** Removes every expired entry now. */
    purgeExpired(): Promise<void>;
    /** Always resolves (for symmetry with RedisStore). */
    ping(): Promise<void>;
  }

  interface RedisStoreOptions {
    /** Prepended to every key. Default "tessera:" (apps sharing sessions use the same). */
    prefix?: string;
    /** Most connections kept. Default 16. */
    poolSize?: number;
    /** Seconds to connect or wait for a pooled connection. Default 2. */
    connectTimeout?: number;
    /** Seconds each command may take. Default 2. */
    ioTimeout?: number;
    /** Redis Cluster: the URLs are seed nodes. Default false. */
    cluster?: boolean;
  }

  /** A store on Redis (`redis://`, `rediss://`, `redis+unix://`); connects on first use, reconnects after restarts. */
  class RedisStore {
    constructor(url: string | ReadonlyArray<string>, opts?: RedisStoreOptions);
    /** Resolves when Redis answers; rejects with STORE_UNAVAILABLE otherwise. */
    ping(): Promise<void>;
  }

  /** What the services take. */
  type Store = MemoryStore | RedisStore;

  /** A loaded session. */
  interface Session<T extends object = JsonObject> {
    id: string;
    data: T;
    /** Pass it to `save`. */
    version: number;
    /** The user it was created for, or null. */
    userId: string | null;
    createdAt: Date;
    /** Absolute expiry. */
    expiresAt: Date;
  }

  interface SessionManagerOptions {
    /** Seconds a session lives from creation. */
    ttl: number;
    /** Seconds a session lives between uses (load, touch, save). Default: no idle limit. */
    idleTimeout?: number;
  }

  /** Server-side sessions; saves are versioned (SESSION_CONFLICT instead of a lost write). */
  class SessionManager {
    constructor(store: Store, opts: SessionManagerOptions);
    readonly ttl: number;
    readonly idleTimeout: number | null;
    /** Creates a session (data: an object or JSON object text); resolves to its id. */
    create(data: JsonObject | string, opts?: { userId?: string }): Promise<string>;
    /** The session, or null (unknown, expired, destroyed, not an id). Restarts the idle timer. */
    load<T extends object = JsonObject>(id: string): Promise<Session<T> | null>;
    /** Saves if still at `version`; resolves to the new version. SESSION_CONFLICT / SESSION_NOT_FOUND. */
    save(id: string, data: JsonObject | string, version: number): Promise<number>;
    /** A request's top-level changes (loaded → data) onto the newest version (the "merge" answer to SESSION_CONFLICT); resolves to the session as saved. SESSION_NOT_FOUND if it ended. */
    saveChanges<T extends object = JsonObject>(id: string, loaded: JsonObject | string, data: JsonObject | string): Promise<Session<T>>;
    /** RFC 7396 merge patch, atomic; resolves to the new version. */
    merge(id: string, patch: JsonObject | string): Promise<number>;
    /** Restarts the idle timer; false if there is no such session. */
    touch(id: string): Promise<boolean>;
    /** Ends the session; false if there was none. */
    destroy(id: string): Promise<boolean>;
    /** Moves the session to a new id (the old one stops working first); null if there is none. With `userId` it also becomes that user's (log-in). */
    rotate(id: string, opts?: { userId?: string }): Promise<string | null>;
    /** Ends every session of the user; resolves to how many were live. */
    destroyUser(userId: string): Promise<number>;
  }

  /** Revoked JWT ids, each kept until the token's `exp`; give it to `new Verifier(key, { denylist })`. */
  class Denylist {
    constructor(store: Store);
    /** Revokes `jti` until `exp` (Unix seconds or a Date). */
    revoke(jti: string, exp: Instant): Promise<void>;
    /** Whether `jti` is revoked (STORE_UNAVAILABLE when the store cannot say). */
    isRevoked(jti: string): Promise<boolean>;
  }

  /** A successful refresh-token rotation. */
  interface Rotated<T extends object = JsonObject> {
    userId: string;
    /** The data given to `issue`, or null. */
    data: T | null;
    /** The new token (the presented one is retired). */
    token: string;
  }

  /** Rotating refresh tokens in families, with reuse detection. */
  class RefreshTokens {
    constructor(store: Store, opts: { ttl: number });
    /** Starts a family; resolves to its first token. */
    issue(userId: string, data?: JsonObject | string | null): Promise<string>;
    /** REFRESH_TOKEN_REUSED (family now revoked), REVOKED, SESSION_NOT_FOUND, MALFORMED. */
    rotate<T extends object = JsonObject>(token: string): Promise<Rotated<T>>;
    /** Revokes the token's family; false if the token is unknown. */
    revokeFamily(token: string): Promise<boolean>;
    /** Revokes every family of the user; resolves to how many were live. */
    revokeUser(userId: string): Promise<number>;
  }
}

/** Every error code, in numeric order. */
export const errorCodes: ReadonlyArray<ErrorCode>;
/** Every algorithm Tessera implements. */
export const algorithms: ReadonlyArray<Algorithm>;
/** The package version. */
export const version: string;

declare const tessera: {
  Key: typeof Key;
  KeySet: typeof KeySet;
  Verifier: typeof Verifier;
  TesseraError: typeof TesseraError;
  jwt: typeof jwt;
  jws: typeof jws;
  jwks: typeof jwks;
  cookies: typeof cookies;
  sessions: typeof sessions;
  errorCodes: typeof errorCodes;
  algorithms: typeof algorithms;
  version: typeof version;
};
export default tessera;
