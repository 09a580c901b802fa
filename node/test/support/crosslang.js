#!/usr/bin/env node
'use strict';
// Cross-language driver: one session operation through the Node binding
// against a given Redis, printed as one line of JSON, so a test in another
// language (Python, C) can check that what it wrote, Node reads, and the
// other way round, through the shared key layout (docs/sessions.md).
//
//   node node/test/support/crosslang.js [flags] <redis-url> <op> <args...>
//
// <redis-url>  one URL (standalone), or comma-separated seed URLs with --cluster
// flags        --prefix=P (default "tessera:", the layout's), --cluster,
//              --ttl=SECONDS (SessionManager / RefreshTokens ttl, default 3600),
//              --idle=SECONDS (SessionManager idleTimeout, default none),
//              --timeout=SECONDS (connect and I/O timeouts, default 2)
//
// ops and what they print on success (exit status 0):
//   create <data-json> [user]      {"id": "<session id>"}
//   load <id>                      {"session": null | {"data", "version", "userId", "createdAt", "expiresAt"}}  (times: Unix ms)
//   save <id> <data-json> <version> {"version": n}
//   merge <id> <patch-json>        {"version": n}
//   touch <id>                     {"touched": bool}
//   rotate <id> [user]             {"id": "<new id>" | null}   (with user: the session becomes that user's)
//   destroy <id>                   {"destroyed": bool}
//   destroy_user <user>            {"count": n}
//   revoke <jti> <exp>             {"revoked": true}               (exp: Unix seconds)
//   is_revoked <jti>               {"revoked": bool}
//   issue <user> [data-json]       {"token": "<refresh token>"}
//   rotate_refresh <token>         {"userId", "data", "token"}
//   revoke_family <token>          {"revoked": bool}
//
// JSON arguments are handed to the core byte for byte (it validates them:
// `[1]` or broken JSON is INVALID_ARGUMENT, as from any language).
// A Tessera error prints {"error": "<CODE>", "message": "..."} and exits 1;
// a usage error prints to stderr and exits 2. Example (Python side):
//
//   out = subprocess.run(["node", "node/test/support/crosslang.js", url, "load", sid],
//                        capture_output=True, text=True, check=True)
//   assert json.loads(out.stdout)["session"]["data"] == {"from": "python"}
//
// node/test/sessions.redis.test.js runs every op through this file.

const path = require('node:path');

// Under `node --test test/` a support file is run too: do nothing then.
if (process.argv.length <= 2 && process.env.NODE_TEST_CONTEXT) process.exit(0);

const { sessions, TesseraError } = require(path.join(__dirname, '..', '..'));

function usage(message) {
  process.stderr.write(`crosslang.js: ${message}\nusage: node crosslang.js [--prefix=P] [--cluster] [--ttl=S] [--idle=S] [--timeout=S] <redis-url> <op> <args...>\n`);
  process.exit(2);
}

const flags = { prefix: 'tessera:', cluster: false, ttl: 3600, idle: undefined, timeout: 2 };
const positional = [];
for (const arg of process.argv.slice(2)) {
  const m = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
  if (!m) {
    positional.push(arg);
    continue;
  }
  const [, name, value] = m;
  if (name === 'cluster' && value === undefined) flags.cluster = true;
  else if (name === 'prefix' && value !== undefined) flags.prefix = value;
  else if (['ttl', 'idle', 'timeout'].includes(name) && value !== undefined && Number.isFinite(Number(value))) flags[name] = Number(value);
  else usage(`bad flag ${arg}`);
}
const [url, op, ...args] = positional;
if (!url || !op) usage('a Redis URL and an op are required');

const ARITY = {
  create: [1, 2], load: [1, 1], save: [3, 3], merge: [2, 2], touch: [1, 1], rotate: [1, 2], destroy: [1, 1],
  destroy_user: [1, 1], revoke: [2, 2], is_revoked: [1, 1], issue: [1, 2], rotate_refresh: [1, 1], revoke_family: [1, 1],
};
if (!ARITY[op]) usage(`unknown op ${op} (known: ${Object.keys(ARITY).join(', ')})`);
if (args.length < ARITY[op][0] || args.length > ARITY[op][1]) usage(`${op} takes ${ARITY[op].join(' to ')} arguments`);

async function main() {
  const urls = flags.cluster ? url.split(',') : url;
  const store = new sessions.RedisStore(urls, {
    prefix: flags.prefix,
    cluster: flags.cluster,
    connectTimeout: flags.timeout,
    ioTimeout: flags.timeout,
  });
  const manager = () => new sessions.SessionManager(store, { ttl: flags.ttl, idleTimeout: flags.idle });
  const refresh = () => new sessions.RefreshTokens(store, { ttl: flags.ttl });
  const [a, b, c] = args;
  switch (op) {
    case 'create':
      return { id: await manager().create(a, b === undefined ? undefined : { userId: b }) };
    case 'load': {
      const s = await manager().load(a);
      return {
        session: s && { data: s.data, version: s.version, userId: s.userId, createdAt: s.createdAt.getTime(), expiresAt: s.expiresAt.getTime() },
      };
    }
    case 'save':
      if (!/^\d+$/.test(c)) usage('version must be a whole number');
      return { version: await manager().save(a, b, Number(c)) };
    case 'merge':
      return { version: await manager().merge(a, b) };
    case 'touch':
      return { touched: await manager().touch(a) };
    case 'rotate':
      return { id: await manager().rotate(a, b === undefined ? undefined : { userId: b }) };
    case 'destroy':
      return { destroyed: await manager().destroy(a) };
    case 'destroy_user':
      return { count: await manager().destroyUser(a) };
    case 'revoke':
      if (!/^-?\d+$/.test(b)) usage('exp must be Unix seconds');
      await new sessions.Denylist(store).revoke(a, Number(b));
      return { revoked: true };
    case 'is_revoked':
      return { revoked: await new sessions.Denylist(store).isRevoked(a) };
    case 'issue':
      return { token: await refresh().issue(a, b === undefined ? undefined : b) };
    case 'rotate_refresh':
      return refresh().rotate(a);
    case 'revoke_family':
      return { revoked: await refresh().revokeFamily(a) };
    default:
      return usage(`unknown op ${op}`);
  }
}

main().then(
  (out) => {
    process.stdout.write(`${JSON.stringify(out)}\n`);
  },
  (e) => {
    if (e instanceof TesseraError) {
      process.stdout.write(`${JSON.stringify({ error: e.code, message: e.message })}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`crosslang.js: ${e && e.stack ? e.stack : e}\n`);
    process.exitCode = 2;
  },
);
