#!/usr/bin/env bash
# Prepares what the cluster demo (examples/cluster) runs on, idempotently, on
# a fresh machine: the Python binding and Flask in a venv (target/py-venv),
# the Node binding (node/) and the Express app's packages, and nginx and
# redis-server from Debian when missing and we are root (without nginx the
# runner uses its own round-robin proxy; without redis-server only cookie
# mode runs). Prints the Python to use. Sourced by scripts/demo.sh and
# tests/cluster/run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
log() { printf '== %s\n' "$*" >&2; }

missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v node >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${missing[*]} (Debian packages)"
    apt-get update -qq >&2 && apt-get install -y -qq "${missing[@]}" >&2
fi

venv="$CARGO_TARGET_DIR/py-venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
# Rebuild only when the installed module is missing or older than its sources.
native="$("$venv/bin/python" -c 'import tessera._native as m; print(m.__file__)' 2>/dev/null || true)"
if [ -z "$native" ] || ! "$venv/bin/python" -c 'import tessera.sessions' 2>/dev/null \
    || [ -n "$(find "$root/core/src" "$root/bindings/python/src" "$root/python/tessera" -newer "$native" 2>/dev/null | head -1)" ]; then
    log "building the Python binding (pip install ./python)"
    "$venv/bin/python" -m pip install --quiet --upgrade pip >&2
    "$venv/bin/python" -m pip install --quiet --force-reinstall --no-deps "$root/python" >&2
fi
"$venv/bin/python" -c 'import flask' 2>/dev/null || "$venv/bin/python" -m pip install --quiet flask >&2

if [ ! -e "$root/node/tessera.node" ] \
    || [ -n "$(find "$root/core/src" "$root/bindings/node/src" -newer "$root/node/tessera.node" 2>/dev/null | head -1)" ]; then
    log "building the Node binding (npm install in node/)"
    (cd "$root/node" && npm install --no-audit --no-fund >&2)
fi
if [ ! -d "$root/examples/cluster/express_app/node_modules/express" ]; then
    log "installing the Express app's packages"
    (cd "$root/examples/cluster/express_app" && npm install --no-audit --no-fund --ignore-scripts >&2)
fi
echo "$venv/bin/python"
