// ESM entry: the same objects as the CommonJS entry (index.js).
import tessera from './index.js';

export const { Key, KeySet, Verifier, TesseraError, jwt, jws, jwks, cookies, sessions, errorCodes, algorithms, version } = tessera;
export default tessera;
