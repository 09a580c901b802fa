#!/usr/bin/env bash
# Builds the crosslang CLI (bindings/c/tests/crosslang.c), statically linked
# with the release libtessera, so it runs from anywhere without
# LD_LIBRARY_PATH. Prints the path of the binary.
#
#   bash bindings/c/tests/build-crosslang.sh [OUT]   default OUT: $CARGO_TARGET_DIR/c-tests/crosslang
#
# TESSERA_NO_BUILD=1 skips `cargo build --release -p tessera-c` (the caller built it).
set -euo pipefail
cd "$(dirname "$0")/../../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
out="${1:-$CARGO_TARGET_DIR/c-tests/crosslang}"
if [ "${TESSERA_NO_BUILD:-0}" != 1 ]; then
    cargo build --quiet --release -p tessera-c
fi
mkdir -p "$(dirname "$out")"
cc -std=c11 -Wall -Wextra -Werror -pedantic -O1 -Iinclude bindings/c/tests/crosslang.c \
    "$CARGO_TARGET_DIR/release/libtessera_c.a" -lm -lrt -lpthread -lutil -ldl -o "$out"
echo "$out"
