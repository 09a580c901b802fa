'use strict';
// `require('tessera/express')`: the cookie-session-compatible middleware
// factory (see lib/express.js). Like `require('cookie-session')`, the module
// is the function itself; `.cookieSession` names it for destructuring.

const { cookieSession } = require('./lib/express.js');

module.exports = cookieSession;
module.exports.cookieSession = cookieSession;
