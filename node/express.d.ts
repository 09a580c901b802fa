// Types of `tessera/express`: a drop-in for the `cookie-session` middleware,
// server-side sessions (`serverSession`) and Bearer JWTs (`bearer`).
// Hand-written; checked by `tsc --noEmit` over test/types.ts and test/types.mts.

/// <reference types="node" />
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { sessions, Verifier, JwtClaims } from './index';

/**
 * Cookie sessions for Express (or any Node http server), a drop-in for
 * `cookie-session`: the same options and the same `req.session`. By default
 * it reads and writes cookie-session's cookies (`<name>` and `<name>.sig`);
 * with `format: 'sealed'` it writes Tessera sealed cookies and still reads
 * the old ones once (migration).
 */
declare function cookieSession(options?: cookieSession.CookieSessionOptions): cookieSession.Middleware;

declare namespace cookieSession {
  /** A secret: a string (UTF-8) or bytes. */
  type Secret = string | ArrayBufferView | ArrayBuffer;

  interface CookieSessionOptions {
    /** Cookie name. Default "session". */
    name?: string;
    /** Signing keys, newest first: keys[0] signs, any verifies (keygrip order). */
    keys?: ReadonlyArray<Secret>;
    /** A single key, when `keys` is not given. */
    secret?: Secret;
    /** Milliseconds from now until the cookie expires (wins over `expires`). In sealed mode also checked on read. */
    maxAge?: number;
    /** When the cookie expires. Default: end of the browser session. */
    expires?: Date;
    /** Default "/"; a falsy value leaves Path out. */
    path?: string | false | null;
    domain?: string;
    /** Default: whether the request is HTTPS (`req.protocol`, which honours Express' `trust proxy`). `true` on plain HTTP writes nothing, as cookie-session. */
    secure?: boolean;
    /** Default true. */
    httpOnly?: boolean;
    /** `true` is Strict; default none. 'none' requires `secure`. */
    sameSite?: 'strict' | 'lax' | 'none' | 'Strict' | 'Lax' | 'None' | boolean;
    /** CHIPS `Partitioned` (requires `secure`). */
    partitioned?: boolean;
    /** Replace Set-Cookie headers for the same cookie set earlier in the response. Default true. */
    overwrite?: boolean;
    /** Always true: unsigned cookies are not supported (`false` throws). */
    signed?: true;
    /** "cookie-session" (default): cookie-session's own cookies. "sealed": Tessera SessionCookie. */
    format?: 'cookie-session' | 'sealed';
    /** Sealed mode: secrets of at least 32 bytes, first seals, all open. Default: `keys`. */
    secrets?: ReadonlyArray<Secret>;
    /** Sealed mode: AES-256-GCM instead of HMAC-SHA256. Default false. */
    encrypted?: boolean;
    /** Sealed mode: split sessions over 4 KB across `<name>.0`, `<name>.1`, …. Default false. */
    chunked?: boolean;
  }

  /** The session's metadata (read-only, not stored). */
  interface SessionMeta {
    /** No valid cookie came with the request. */
    readonly isNew: boolean;
    /** The data differs from what the request carried. */
    readonly isChanged: boolean;
    /** The session has data. */
    readonly isPopulated: boolean;
  }

  /** `req.session`: the data (anything JSON can hold) plus the metadata. */
  type Session = SessionMeta & { [key: string]: any };

  /** The middleware: `app.use(cookieSession({...}))`. */
  type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

  /** The factory, also under this name for `import { cookieSession } from 'tessera/express'`. */
  const cookieSession: (options?: CookieSessionOptions) => Middleware;

  /** Options of `serverSession`. Cookie attributes as `cookies.setCookie` takes them. */
  interface ServerSessionOptions {
    /** Where the sessions live (memory or Redis; shared with every Tessera language). */
    manager: sessions.SessionManager;
    /** Cookie name. Default "session" (Flask's, for apps sharing sessions with Flask). */
    name?: string;
    /**
     * A save that lost a race (another request saved the session after this
     * one loaded it): "error" (default) answers 409 `{code: "SESSION_CONFLICT", message}`
     * and keeps the other request's data; "merge" reloads the newest version and
     * reapplies this request's top-level changes (the last writer of a key wins).
     * A session that ended meanwhile is never brought back: 409 SESSION_NOT_FOUND.
     */
    onConflict?: 'error' | 'merge';
    /** Default "/"; `false` leaves Path out. */
    path?: string | false;
    domain?: string;
    /** Default: whether the request is HTTPS (`req.protocol`, honouring `trust proxy`). */
    secure?: boolean;
    /** Default true. */
    httpOnly?: boolean;
    /** Default "Lax"; `false` leaves SameSite out. */
    sameSite?: 'Strict' | 'Lax' | 'None' | 'strict' | 'lax' | 'none' | false;
    partitioned?: boolean;
    /** Cookie `Max-Age` in SECONDS (as `cookies.setCookie`). Default none: a browser-session cookie (the store enforces the manager's ttl anyway). */
    maxAge?: number;
  }

  /** A node-style callback (express-session compatibility). */
  type Callback = (err: unknown) => void;

  /** `req.session` of `serverSession`: the data as properties, the metadata and methods on top. */
  interface ServerSessionMethods {
    /** The session id; null until the session is first stored. */
    readonly id: string | null;
    /** The user it belongs to (`SessionManager.destroyUser` reaches it), or null. */
    readonly userId: string | null;
    /** The version loaded or last saved; null until stored. */
    readonly version: number | null;
    /** No stored session backs it yet. */
    readonly isNew: boolean;
    /** A new, empty session (for `userId`) replaces this one when the response commits; the old one is destroyed. Call it on login. */
    regenerate(opts?: { userId?: string }): Promise<void>;
    regenerate(callback: Callback): void;
    regenerate(opts: { userId?: string } | undefined, callback: Callback): void;
    /** The same data under a new id (for `userId`: that user's) when the response commits. */
    rotate(opts?: { userId?: string }): Promise<void>;
    rotate(callback: Callback): void;
    rotate(opts: { userId?: string } | undefined, callback: Callback): void;
    /** Ends the session (data cleared, record deleted, cookie removed) when the response commits. */
    destroy(): Promise<void>;
    destroy(callback: Callback): void;
    /** Commits now (e.g. before streaming a body) and adds the Set-Cookie header. Rejects with SESSION_CONFLICT / SESSION_NOT_FOUND. */
    save(): Promise<void>;
    save(callback: Callback): void;
    /** Reads the session again from the store (this request's unsaved changes are dropped). */
    reload(): Promise<void>;
    reload(callback: Callback): void;
  }
  type ServerSession = ServerSessionMethods & { [key: string]: any };

  /**
   * Server-side sessions: `req.session` like express-session's, backed by a
   * `sessions.SessionManager`; the cookie holds only the id. Loading happens
   * before the route; the response is held at its first write until the
   * session is committed (versioned saves). A store failure makes
   * `req.session` throw the TesseraError (`status` 503 for STORE_UNAVAILABLE).
   */
  const serverSession: (options: ServerSessionOptions) => Middleware;

  interface BearerOptions {
    /** Verifies the token (give it a `denylist` to refuse revoked tokens); `verifyAsync` is used. */
    verifier: Verifier;
    /** Where the claims go on `req`. Default "auth". */
    property?: string;
  }

  /**
   * `Authorization: Bearer <JWT>`: claims in `req.auth`; 401 `{code, message}`
   * with a `WWW-Authenticate: Bearer` challenge for a missing (code null) or
   * rejected token (e.g. REVOKED, EXPIRED); 503 when the denylist's store
   * cannot answer (STORE_UNAVAILABLE) or, for a verifier on a
   * `jwks.RemoteKeySet`, when the provider's keys cannot be fetched and none
   * are cached (JWKS_UNAVAILABLE).
   */
  const bearer: (options: BearerOptions) => Middleware;
}

declare global {
  namespace Express {
    interface Request {
      /**
       * The session: cookieSession's (`null` after `req.session = null`,
       * which clears the cookie) or serverSession's.
       */
      session?: cookieSession.Session | cookieSession.ServerSession | null | undefined;
      /** serverSession: the session id (null until stored). */
      sessionID?: string | null;
      /** bearer: the verified claims (`property` renames it). */
      auth?: JwtClaims;
      /** This request's copy of the options (change `maxAge` etc. for this response only). */
      sessionOptions: cookieSession.CookieSessionOptions;
    }
  }
}

export = cookieSession;
