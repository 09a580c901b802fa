// ESM entry of `tessera/express`: the same function as the CommonJS entry.
import cookieSession from './express.js';

export { cookieSession };
export default cookieSession;
