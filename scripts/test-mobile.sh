#!/usr/bin/env bash
# Mobile (UniFFI) tests, called by scripts/test.sh; works from a fresh clone.
#   1. builds the tessera-uniffi cdylib and uniffi-bindgen once (debug profile)
#   2. the checked-in Kotlin/Swift/header/modulemap equal a fresh generation
#   3. the Swift FFI header parses as C, and every function it declares is
#      exported by the library (no Swift toolchain here: see mobile/README.md)
#   4. the Kotlin JUnit suite on the JVM, incl. every cookie vector file, the
#      mutation vectors (MutationsTest: every bit flip, truncation, extension),
#      the cookie API, the session scenario vectors and the session API, the
#      remote JWKS (JwksTest: a loopback HTTP server inside the JVM), run inside
#      tests/redis/with-redis with TESSERA_REQUIRE_REDIS=1 so the Redis tests
#      (standalone and Cluster) run and cannot be skipped (Maven fetches the
#      Kotlin compiler, JNA and JUnit from Maven Central on the first run, into
#      ~/.m2 unless MAVEN_REPO_LOCAL is set)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
step() { printf '\n-- mobile: %s\n' "$*"; }

# Prerequisites: a JDK (17+), Maven, gcc, redis-server. Present on the
# reference image; installed from Debian's packages when missing.
missing=()
command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
command -v gcc >/dev/null || missing+=(gcc)
command -v nm >/dev/null || missing+=(binutils)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ "${#missing[@]}" -gt 0 ]; then
    step "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

step "build the cdylib and uniffi-bindgen (dev profile)"
cargo build --quiet -p tessera-uniffi --features cli --lib --bin uniffi-bindgen
lib="$CARGO_TARGET_DIR/debug/libtessera_uniffi.so"

step "generated bindings are fresh (mobile/generate.sh --check)"
SKIP_BUILD=1 bash mobile/generate.sh --check

step "Swift FFI header parses as C; every declared function is exported"
headers=mobile/swift/Headers
printf '#include "TesseraFFI.h"\n' |
    gcc -fsyntax-only -Wall -Werror -D_Nullable= -D_Nonnull= -I "$headers" -x c -
declared=$(grep -oE '\b(uniffi|ffi)_tessera_uniffi_[A-Za-z0-9_]+' "$headers/TesseraFFI.h" | sort -u)
exported=$(nm -D --defined-only "$lib" | awk '{print $NF}' | sort -u)
absent=$(comm -23 <(echo "$declared") <(echo "$exported"))
if [ -n "$absent" ]; then
    echo "declared in TesseraFFI.h but not exported by $lib:" >&2
    echo "$absent" >&2
    exit 1
fi
echo "$(echo "$declared" | wc -l) FFI functions declared, all exported"
grep -q 'header "TesseraFFI.h"' "$headers/module.modulemap"
bash -n mobile/swift/build-xcframework.sh

step "Kotlin on the JVM (mvn test: token, cookie and session vectors, threads, API, remote JWKS; Redis and Cluster)"
log="$(mktemp)"
mvn_args=(-B --no-transfer-progress test "-Dtessera.library.dir=$CARGO_TARGET_DIR/debug")
[ -n "${MAVEN_REPO_LOCAL:-}" ] && mvn_args+=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL")
if (cd mobile/kotlin && TESSERA_REQUIRE_REDIS=1 ../../tests/redis/with-redis mvn "${mvn_args[@]}") >"$log" 2>&1; then
    grep -E '^vectors: |^cookie vectors: [0-9]|^session vectors |^mutations: |Tests run: [0-9]+, Failures' "$log"
    if grep -qE 'Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [1-9]' "$log"; then
        echo "error: tests were skipped (TESSERA_REQUIRE_REDIS=1 must run them all)" >&2
        exit 1
    fi
    rm -f "$log"
else
    tail -n 120 "$log"
    echo "mvn test failed (full log: $log)" >&2
    exit 1
fi
