#!/usr/bin/env bash
# Node binding (node/ + bindings/node): builds the napi-rs addon from source
# once (cargo, shared target dir, via the package's npm install script), runs
# the node --test suite (JWT vectors, API, concurrency, jose/jsonwebtoken
# interop, ESM; cookie vectors, cookie interop with keygrip / cookies /
# cookie-signature and live cookie-session / express-session apps, cookie
# property tests, tessera/express against stock cookie-session over loopback
# HTTP; server-side sessions: scenario vectors, API, key layout, concurrency
# and faults on real Redis, serverSession / bearer with two Express
# instances on one Redis) under tests/redis/with-redis (a standalone
# redis-server and a 3-master Cluster on loopback, stopped afterwards) with
# TESSERA_REQUIRE_REDIS=1, so a missing Redis fails instead of skipping;
# type-checks index.d.ts and express.d.ts with tsc, and checks the README's
# install command (`npm install <checkout>/node`) from a fresh project, CJS
# and ESM, including the `tessera/express` subpath.
# Called by scripts/test.sh; runs on its own too.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

step() { printf '\n== node: %s\n' "$*"; }

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    step "installing Node.js and npm (Debian packages)"
    apt-get update && apt-get install -y nodejs npm
fi
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    step "installing redis-server (Debian package; not started as a service)"
    apt-get update && apt-get install -y redis-server
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

step "npm install in node/ (dev dependencies; the install script runs cargo build --release -p tessera-node)"
(cd node && npm install --no-audit --no-fund)

step "node --test (node $(node --version)) under tests/redis/with-redis, TESSERA_REQUIRE_REDIS=1"
# test/*.test.* only: test/support/ holds helpers (and the crosslang.js CLI), not tests.
TESSERA_REQUIRE_REDIS=1 tests/redis/with-redis bash -c 'cd node && node --test test/*.test.js test/*.test.mjs'

step "tsc --noEmit over test/types.ts and test/types.mts (index.d.ts, express.d.ts)"
(cd node && ./node_modules/.bin/tsc --noEmit -p test/tsconfig.json)

step "README install command from a fresh project: npm install $repo/node"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(
    cd "$tmp"
    npm init -y >/dev/null
    npm install --no-audit --no-fund "$repo/node"
    node -e "
        const { Key, jwt, TesseraError } = require('tessera');
        const key = Key.hmac('0123456789abcdef0123456789abcdef');
        const token = jwt.encode({ sub: 'cjs', exp: 4102444800 }, key);
        if (jwt.decode(token, key).sub !== 'cjs') throw new Error('CJS round trip failed');
        try { jwt.decode(token + 'x', key); throw new Error('accepted a bad token'); }
        catch (e) { if (!(e instanceof TesseraError) || e.code !== 'INVALID_SIGNATURE') throw e; }
        console.log('require(\"tessera\") works');
        const { cookies } = require('tessera');
        const sc = new cookies.SessionCookie('0123456789abcdef0123456789abcdef', { encrypted: true });
        if (sc.open(sc.seal({ u: 1 })).u !== 1) throw new Error('SessionCookie round trip failed');
        const cookieSession = require('tessera/express');
        if (typeof cookieSession({ keys: ['k'] }) !== 'function') throw new Error('tessera/express is not a middleware factory');
        console.log('require(\"tessera/express\") works');
        const { sessions } = require('tessera');
        const manager = new sessions.SessionManager(new sessions.MemoryStore(), { ttl: 60 });
        if (typeof cookieSession.serverSession({ manager }) !== 'function') throw new Error('serverSession is not a middleware factory');
        manager.create({ cjs: true }).then((id) => manager.load(id)).then((s) => {
            if (!s || s.data.cjs !== true) throw new Error('session round trip failed');
            console.log('require(\"tessera\").sessions works');
        });
    "
    cat > esm.mjs <<'JS'
import tessera, { Key, Verifier } from 'tessera';
const key = await Key.generateAsync('ES256');
const token = await tessera.jwt.encodeAsync({ sub: 'esm', exp: 4102444800 }, key);
const claims = await new Verifier(key.public()).verifyAsync(token);
if (claims.sub !== 'esm') throw new Error('ESM round trip failed');
console.log('import … from "tessera" works');
import cookieSession, { cookieSession as named } from 'tessera/express';
if (cookieSession !== named || typeof cookieSession({ keys: ['k'], format: 'sealed', secrets: ['0123456789abcdef0123456789abcdef'] }) !== 'function') {
  throw new Error('import from "tessera/express" failed');
}
console.log('import … from "tessera/express" works');
import { sessions } from 'tessera';
import { serverSession, bearer } from 'tessera/express';
const store = new sessions.MemoryStore();
const manager = new sessions.SessionManager(store, { ttl: 60 });
const sid = await manager.create({ esm: true }, { userId: 'u' });
if ((await manager.load(sid)).userId !== 'u' || typeof serverSession({ manager }) !== 'function'
    || typeof bearer({ verifier: new Verifier(key.public(), { denylist: new sessions.Denylist(store) }) }) !== 'function') {
  throw new Error('sessions from ESM failed');
}
console.log('import { sessions } from "tessera" works');
JS
    node esm.mjs
)

step "node binding: all tests passed"
