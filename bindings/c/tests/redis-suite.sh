#!/usr/bin/env bash
# The Redis-dependent C tests, run by scripts/test-c.sh inside
# tests/redis/with-redis (which exports TESSERA_REDIS_URL and
# TESSERA_REDIS_CLUSTER_URLS) with TESSERA_REQUIRE_REDIS=1:
#
#   tests/redis/with-redis bash bindings/c/tests/redis-suite.sh BUILD_DIR
#
# BUILD_DIR holds the test binaries test-c.sh compiled (plain and -asan).
# Runs redis.c (layout, foreign records, sharing, concurrency) and the
# session scenario vectors on standalone Redis and on the Cluster, plain,
# under valgrind and under ASan + UBSan, then drives the crosslang CLI
# through a session's life on both.
set -euo pipefail
cd "$(dirname "$0")/../../.."
build="$1"
: "${TESSERA_REDIS_URL:?run under tests/redis/with-redis}"
: "${TESSERA_REDIS_CLUSTER_URLS:?run under tests/redis/with-redis}"
export TESSERA_REQUIRE_REDIS=1
scenarios=tests/vectors/sessions/scenarios.json
step() { printf '\n-- c (redis): %s\n' "$*"; }

step "plain"
"$build/redis" 8 25
"$build/session_vectors" "$scenarios" --redis "$TESSERA_REDIS_URL"
"$build/session_vectors" "$scenarios" --redis "$TESSERA_REDIS_CLUSTER_URLS" --cluster

step "under valgrind"
vg=(valgrind -q --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,indirect
    --errors-for-leak-kinds=definite,indirect --suppressions=bindings/c/tests/valgrind.supp)
"${vg[@]}" "$build/redis" 4 4
"${vg[@]}" "$build/session_vectors" "$scenarios" --redis "$TESSERA_REDIS_URL"
"${vg[@]}" "$build/session_vectors" "$scenarios" --redis "$TESSERA_REDIS_CLUSTER_URLS" --cluster

step "under AddressSanitizer + UBSan"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
"$build/redis-asan" 8 10
"$build/session_vectors-asan" "$scenarios" --redis "$TESSERA_REDIS_URL"
"$build/session_vectors-asan" "$scenarios" --redis "$TESSERA_REDIS_CLUSTER_URLS" --cluster
unset ASAN_OPTIONS UBSAN_OPTIONS

step "crosslang CLI: a session's life, standalone and Cluster"
for mode in standalone cluster; do
    if [ "$mode" = cluster ]; then
        cl=("$build/crosslang" --cluster --prefix "crosslang-smoke:$$:" "$TESSERA_REDIS_CLUSTER_URLS")
    else
        cl=("$build/crosslang" --prefix "crosslang-smoke:$$:" "$TESSERA_REDIS_URL")
    fi
    field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
    [ "$("${cl[@]}" ping)" = '{"ok":true}' ]
    id=$(field "$("${cl[@]}" create '{"from":"c","n":[1,2]}' 'smoke"user')" id)
    loaded=$("${cl[@]}" load "$id")
    python3 - "$loaded" <<'PY'
import json, sys
s = json.loads(sys.argv[1])
assert s["found"] is True and s["data"] == {"from": "c", "n": [1, 2]}, s
assert s["version"] == 0 and s["user"] == 'smoke"user' and s["expires"] - s["created"] == 3600000, s
PY
    [ "$(field "$("${cl[@]}" save "$id" '{"from":"c2"}' 0)" version)" = 1 ]
    out=$("${cl[@]}" save "$id" '{"lost":1}' 0) && exit 1
    [ "$(field "$out" error)" = SESSION_CONFLICT ]
    new=$(field "$("${cl[@]}" rotate "$id")" id)
    [ "$("${cl[@]}" load "$id")" = '{"found":false}' ]
    [ "$("${cl[@]}" rotate "$id")" = '{"found":false}' ]
    [ "$(field "$("${cl[@]}" load "$new")" version)" = 1 ]
    anon=$(field "$("${cl[@]}" create '{}')" id)
    other=$(field "$("${cl[@]}" rotate "$anon" 'smoke"user')" id)  # log-in: now the user's
    [ "$(field "$("${cl[@]}" load "$other")" user)" = 'smoke"user' ]
    [ "$("${cl[@]}" destroy_user 'smoke"user')" = '{"count":2}' ]
    [ "$("${cl[@]}" load "$new")" = '{"found":false}' ]
    [ "$("${cl[@]}" destroy "$other")" = '{"destroyed":false}' ]
    set +e
    out=$("$build/crosslang" --prefix x redis://127.0.0.1:1/0 load "$id"); rc=$?
    set -e
    [ "$rc" = 1 ] && [ "$(field "$out" error)" = STORE_UNAVAILABLE ]
    echo "crosslang ($mode): create, load, save, conflict, rotate (and to a user), destroy_user, destroy, store down: ok"
done
