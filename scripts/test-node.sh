#!/usr/bin/env bash
# Node binding (node/ + bindings/node): builds the napi-rs addon from source
# once (cargo, shared target dir, via the package's npm install script), runs
# the node --test suite (JWT vectors, API, concurrency, jose/jsonwebtoken
# interop, ESM; cookie vectors, cookie interop with keygrip / cookies /
# cookie-signature and live cookie-session / express-session apps, cookie
# property tests, tessera/express against stock cookie-session over loopback
# HTTP), type-checks index.d.ts and express.d.ts with tsc, and checks the
# README's install command (`npm install <checkout>/node`) from a fresh
# project, CJS and ESM, including the `tessera/express` subpath.
# Called by scripts/test.sh; runs on its own too.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

step() { printf '\n== node: %s\n' "$*"; }

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    step "installing Node.js and npm (Debian packages)"
    apt-get update && apt-get install -y nodejs npm
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

step "npm install in node/ (dev dependencies; the install script runs cargo build --release -p tessera-node)"
(cd node && npm install --no-audit --no-fund)

step "node --test (node $(node --version))"
(cd node && node --test test/)

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
JS
    node esm.mjs
)

step "node binding: all tests passed"
