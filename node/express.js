'use strict';
// `require('tessera/express')`: the cookie-session-compatible middleware
// factory (see lib/express.js). Like `require('cookie-session')`, the module
// is the function itself; `.cookieSession` names it for destructuring.
// Also: `serverSession` (server-side sessions in a sessions.SessionManager)
// and `bearer` (Bearer JWTs, denylist honoured), see lib/express-server.js.

const { cookieSession } = require('./lib/express.js');
const { serverSession, bearer } = require('./lib/express-server.js');

module.exports = cookieSession;
module.exports.cookieSession = cookieSession;
module.exports.serverSession = serverSession;
module.exports.bearer = bearer;
