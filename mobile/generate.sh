#!/usr/bin/env bash
# Regenerates the UniFFI bindings from the tessera-uniffi cdylib (library
# mode; the API is read from the compiled library's metadata):
#
#   mobile/kotlin/src/main/kotlin/dev/tessera/tessera_uniffi.kt   Kotlin (package dev.tessera)
#   mobile/swift/Sources/Tessera/Tessera.swift                    Swift (module Tessera)
#   mobile/swift/Headers/TesseraFFI.h                             C header of the FFI
#   mobile/swift/Headers/module.modulemap                         module TesseraFFI
#
#   mobile/generate.sh           rewrite the checked-in files
#   mobile/generate.sh --check   regenerate into a temp dir; exit 1 if any checked-in file differs
#
# Builds the debug cdylib and the uniffi-bindgen binary in one cargo command
# (the dev profile: the output is the same as release, the build much
# shorter). Honours CARGO_TARGET_DIR (default: the workspace's target/).
# SKIP_BUILD=1 reuses what is already built. Output is deterministic.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

check=false
case "${1:-}" in
    --check) check=true ;;
    "") ;;
    *) echo "usage: mobile/generate.sh [--check]" >&2; exit 2 ;;
esac

target="${CARGO_TARGET_DIR:-$root/target}"
case "$(uname -s)" in
    Darwin) lib="$target/debug/libtessera_uniffi.dylib" ;;
    *) lib="$target/debug/libtessera_uniffi.so" ;;
esac
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    cargo build --quiet -p tessera-uniffi --features cli --lib --bin uniffi-bindgen
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$target/debug/uniffi-bindgen" generate --library "$lib" --crate tessera_uniffi \
    --language kotlin --language swift --no-format --out-dir "$out/raw"

# Generated file → checked-in path.
pairs=(
    "dev/tessera/tessera_uniffi.kt:mobile/kotlin/src/main/kotlin/dev/tessera/tessera_uniffi.kt"
    "Tessera.swift:mobile/swift/Sources/Tessera/Tessera.swift"
    "TesseraFFI.h:mobile/swift/Headers/TesseraFFI.h"
    "TesseraFFI.modulemap:mobile/swift/Headers/module.modulemap"
)
n_raw=$(find "$out/raw" -type f | wc -l)
if [ "$n_raw" -ne "${#pairs[@]}" ]; then
    echo "error: uniffi-bindgen wrote $n_raw files, expected ${#pairs[@]}:" >&2
    (cd "$out/raw" && find . -type f) >&2
    exit 1
fi

stale=0
for pair in "${pairs[@]}"; do
    from="$out/raw/${pair%%:*}" to="${pair#*:}"
    if $check; then
        if ! cmp -s "$from" "$to"; then
            echo "stale: $to (run mobile/generate.sh)" >&2
            diff -u "$to" "$from" | head -40 >&2 || true
            stale=1
        fi
    else
        mkdir -p "$(dirname "$to")"
        cp "$from" "$to"
    fi
done
if $check; then
    [ "$stale" -eq 0 ] && echo "mobile bindings are fresh (${#pairs[@]} files)"
    exit "$stale"
fi
echo "regenerated ${#pairs[@]} files under mobile/"
