// Types of `tessera/express`, a drop-in for the `cookie-session` middleware.
// Hand-written; checked by `tsc --noEmit` over test/types.ts and test/types.mts.

/// <reference types="node" />
import type { IncomingMessage, ServerResponse } from 'node:http';

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
}

declare global {
  namespace Express {
    interface Request {
      /** The cookie session; `null` after `req.session = null` (which clears the cookie). */
      session?: cookieSession.Session | null | undefined;
      /** This request's copy of the options (change `maxAge` etc. for this response only). */
      sessionOptions: cookieSession.CookieSessionOptions;
    }
  }
}

export = cookieSession;
