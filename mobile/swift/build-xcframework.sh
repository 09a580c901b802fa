#!/usr/bin/env bash
# Builds TesseraFFI.xcframework (the Rust core as static libraries plus the
# generated C header and module map) for the Swift package beside this file.
# Runs on macOS with Xcode and rustup; NOT run on Tessera's Linux CI, which
# has no Apple toolchain. Steps and targets: ../README.md ("iOS").
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
target_dir="${CARGO_TARGET_DIR:-$root/target}"

ios=aarch64-apple-ios                            # devices
sims=(aarch64-apple-ios-sim x86_64-apple-ios)    # simulators (Apple silicon, Intel)
macs=(aarch64-apple-darwin x86_64-apple-darwin)  # macOS (for `swift test`)
rustup target add "$ios" "${sims[@]}" "${macs[@]}"

# The crate's declared types are lib + cdylib; Apple apps link a static library.
for t in "$ios" "${sims[@]}" "${macs[@]}"; do
    cargo rustc -p tessera-uniffi --lib --release --target "$t" --crate-type staticlib
done

lib() { echo "$target_dir/$1/release/libtessera_uniffi.a"; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sim" "$work/mac" "$work/headers"
lipo -create "$(lib "${sims[0]}")" "$(lib "${sims[1]}")" -output "$work/sim/libtessera_uniffi.a"
lipo -create "$(lib "${macs[0]}")" "$(lib "${macs[1]}")" -output "$work/mac/libtessera_uniffi.a"
cp mobile/swift/Headers/TesseraFFI.h mobile/swift/Headers/module.modulemap "$work/headers/"

out=mobile/swift/TesseraFFI.xcframework
rm -rf "$out"
xcodebuild -create-xcframework \
    -library "$(lib "$ios")" -headers "$work/headers" \
    -library "$work/sim/libtessera_uniffi.a" -headers "$work/headers" \
    -library "$work/mac/libtessera_uniffi.a" -headers "$work/headers" \
    -output "$out"
echo "built $out"
