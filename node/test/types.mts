// Typed usage from ESM (default and named imports), checked by `tsc --noEmit`.
import tessera, { Key, Verifier, TesseraError, jwt } from 'tessera';
import type { JwtClaims } from 'tessera';

const key: Key = tessera.Key.generate('EdDSA');
const token: string = jwt.encode({ sub: 'esm', exp: 4102444800 }, key);
const verifier: Verifier = new Verifier(key.public(), { leeway: 1 });
const claims: JwtClaims = await verifier.verifyAsync(token);
const same: boolean = tessera.TesseraError === TesseraError && Key === tessera.Key;
console.log(claims.sub, same);

// Cookies from ESM.
import { cookies } from 'tessera';
const sealer = new tessera.cookies.SessionCookie('0123456789abcdef0123456789abcdef', { encrypted: true });
const sealedEsm: string = sealer.seal({ esm: true });
const openedEsm: { esm: boolean } = sealer.open<{ esm: boolean }>(sealedEsm);
const csEsm: cookies.ExpressSigned = new cookies.ExpressCookieSession(['k']).sign({ a: 1 });
console.log(openedEsm, csEsm, cookies === tessera.cookies);

// tessera/express from ESM (default and named).
import cookieSessionEsm, { cookieSession as namedEsm } from 'tessera/express';
import type { CookieSessionOptions } from 'tessera/express';
const esmOpts: CookieSessionOptions = { keys: ['k'], format: 'sealed' };
const esmMiddleware: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next: () => void) => void = cookieSessionEsm(esmOpts);
console.log(esmMiddleware, namedEsm === cookieSessionEsm);

// Sessions and the server-side Express integration from ESM.
import { sessions } from 'tessera';
import { serverSession, bearer } from 'tessera/express';
import type { ServerSessionOptions, BearerOptions } from 'tessera/express';
const esmStore = new sessions.MemoryStore();
const esmManager = new tessera.sessions.SessionManager(esmStore, { ttl: 60 });
const esmId: string = await esmManager.create({ esm: true });
const esmSession: sessions.Session | null = await esmManager.load(esmId);
const ssOpts: ServerSessionOptions = { manager: esmManager, onConflict: 'error' };
const bOpts: BearerOptions = { verifier: new Verifier(key.public(), { denylist: new sessions.Denylist(esmStore) }) };
console.log(esmSession, serverSession(ssOpts), bearer(bOpts), sessions === tessera.sessions);

// Remote JWKS from ESM.
import { jwks } from 'tessera';
import type { JwksStatus } from 'tessera';
const remoteEsm = new jwks.RemoteKeySet('https://issuer.example/jwks.json', { maxAge: 600, timeout: 2 });
const remoteStatus: JwksStatus = remoteEsm.status();
const remoteVerifier: Verifier = new Verifier(remoteEsm, { audience: 'api' });
console.log(remoteStatus.state, remoteVerifier, jwks === tessera.jwks, remoteEsm.url);
