#!/usr/bin/env bash
# Python binding tests (issues 3 and 8). Called by scripts/test.sh; runs on a
# fresh clone: builds and installs the wheel exactly as the README says
# (`pip install ./python`) into a venv under target/, installs the test tools
# from PyPI, then runs pytest (vectors, API, threads, PyJWT differential;
# cookie vectors, Flask/itsdangerous differential and property tests, the
# Flask session interfaces over real HTTP; server-side sessions, denylist and
# refresh tokens on MemoryStore, a real Redis and a real Redis Cluster, faults
# and GIL release) under tests/redis/with-redis with TESSERA_REQUIRE_REDIS=1
# (a missing Redis fails, never skips), mypy --strict on a typed usage file,
# and mypy.stubtest on the native stubs.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

# maturin runs cargo: share the workspace's target dir so ring & co. are not
# built twice.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
venv="$CARGO_TARGET_DIR/py-venv"
python="$venv/bin/python"

if [ ! -x "$python" ]; then
    python3 -m venv "$venv"
fi
"$python" -m pip install --quiet --upgrade pip
"$python" -m pip install --quiet pytest mypy pyjwt cryptography \
    flask itsdangerous markupsafe hypothesis redis

# The session tests start real redis-server processes (Debian's package).
if ! command -v redis-server >/dev/null; then
    apt-get update && apt-get install -y redis-server
fi

echo "-- pip install ./python (builds the abi3 wheel with maturin)"
"$python" -m pip install --quiet --force-reinstall --no-deps ./python

echo "-- pytest python/tests (under tests/redis/with-redis)"
# Run from python/tests so `import tessera` is the installed wheel, not the
# source tree (which has no native module). with-redis starts a standalone
# Redis and a 3-master Cluster on free loopback ports, exports their URLs and
# stops them afterwards, whatever the outcome.
export TESSERA_REQUIRE_REDIS=1
tests/redis/with-redis bash -c 'cd python/tests && "$0" -m pytest -q -p no:cacheprovider .' "$python"

echo "-- mypy --strict (typed usage file and the package sources)"
(cd python && "$python" -m mypy --strict --cache-dir "$CARGO_TARGET_DIR/mypy-cache" \
    tessera tests/typing_usage.py)

echo "-- stubtest tessera._native (stubs vs the installed module)"
(cd "$CARGO_TARGET_DIR" && "$python" -m mypy.stubtest tessera._native)
