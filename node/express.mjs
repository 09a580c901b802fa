// ESM entry of `tessera/express`: the same function as the CommonJS entry.
import cookieSession from './express.js';

const { serverSession, bearer } = cookieSession;
export { cookieSession, serverSession, bearer };
export default cookieSession;
