// Typed usage from ESM (default and named imports), checked by `tsc --noEmit`.
import tessera, { Key, Verifier, TesseraError, jwt } from 'tessera';
import type { JwtClaims } from 'tessera';

const key: Key = tessera.Key.generate('EdDSA');
const token: string = jwt.encode({ sub: 'esm', exp: 4102444800 }, key);
const verifier: Verifier = new Verifier(key.public(), { leeway: 1 });
const claims: JwtClaims = await verifier.verifyAsync(token);
const same: boolean = tessera.TesseraError === TesseraError && Key === tessera.Key;
console.log(claims.sub, same);
