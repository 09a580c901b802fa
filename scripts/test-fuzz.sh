#!/usr/bin/env bash
# Bounded fuzzing of every cargo-fuzz target in fuzz/ (docs/fuzzing.md).
#
# Builds the targets once (nightly, AddressSanitizer + LeakSanitizer, release
# with debug assertions and overflow checks), builds the seed corpora from
# tests/vectors (fuzz/seed.py), then runs each target for
# TESSERA_FUZZ_SECONDS (default 15) seconds. Fails on any crash, panic,
# broken invariant, leak, timeout (> 10 s for one input) or out-of-memory.
#
# Cached between runs under the target dir: cargo-fuzz (fuzz-tools/), the
# build (fuzz/) and each target's grown corpus (fuzz/corpus/<target>).
# The first run on a fresh clone installs cargo-fuzz and builds everything
# cold (several minutes); later runs take TESSERA_FUZZ_SECONDS x 10 plus a
# few seconds.
#
#   TESSERA_FUZZ_SECONDS=60 scripts/test-fuzz.sh          # longer
#   TESSERA_FUZZ_TARGETS="jwt jwk" scripts/test-fuzz.sh   # some targets
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${TESSERA_FUZZ_SECONDS:-15}
target_dir=${CARGO_TARGET_DIR:-$root/target}
case "$target_dir" in /*) ;; *) target_dir=$root/$target_dir ;; esac
tools=$target_dir/fuzz-tools
out=$target_dir/fuzz
cargo_fuzz_version=0.13.2

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "error: the fuzz targets need the nightly toolchain (-Zsanitizer=address)" >&2
    exit 1
fi
if ! "$tools/bin/cargo-fuzz" --version 2>/dev/null | grep -q " $cargo_fuzz_version"; then
    echo "== installing cargo-fuzz $cargo_fuzz_version into $tools"
    # Its own target dir, so the workspace's build is untouched (and it is cached).
    CARGO_TARGET_DIR=$tools/build cargo install cargo-fuzz \
        --version "$cargo_fuzz_version" --locked --root "$tools"
fi
export PATH=$tools/bin:$PATH

echo "== fuzz crate: rustfmt and clippy (warnings are errors)"
# fuzz/ is its own workspace, so `cargo fmt --all` and the workspace clippy
# do not see it. Checked on stable into the shared target dir (the core's
# dependencies are already checked there).
rustfmt --edition 2021 --check fuzz/src/*.rs fuzz/fuzz_targets/*.rs
CARGO_TARGET_DIR=$target_dir cargo clippy --manifest-path fuzz/Cargo.toml --all-targets -- -D warnings

echo "== building the fuzz targets (nightly, ASan)"
build_start=$(date +%s)
# cargo-fuzz sets its own RUSTFLAGS; the workspace's must not leak in.
env -u RUSTFLAGS -u CARGO_TARGET_DIR cargo +nightly fuzz build \
    --fuzz-dir fuzz --target-dir "$out" --sanitizer address -O --debug-assertions
echo "built in $(( $(date +%s) - build_start )) s"
bin_dir=$out/x86_64-unknown-linux-gnu/release

targets=${TESSERA_FUZZ_TARGETS:-$(env -u CARGO_TARGET_DIR cargo +nightly fuzz list --fuzz-dir fuzz)}

seeds=$out/seeds
rm -rf "$seeds"
python3 fuzz/seed.py "$seeds"

dict_for() {
    case "$1" in
        jwt | jwk) echo fuzz/dict/jose.dict ;;
        pem_der) echo fuzz/dict/pem_der.dict ;;
        cookie_*) echo fuzz/dict/cookie.dict ;;
        session_record) echo fuzz/dict/session.dict ;;
        *) echo "" ;;
    esac
}

failed=()
printf '\n%-20s %10s %8s %8s %8s %s\n' target execs exec/s cov ft corpus
for t in $targets; do
    corpus=$out/corpus/$t
    artifacts=$out/artifacts/$t
    log=$out/logs/$t.log
    rm -rf "$artifacts"
    mkdir -p "$corpus" "$artifacts" "$out/logs" "$seeds/$t"
    dict=$(dict_for "$t")
    args=(-max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048
        -print_final_stats=1 -artifact_prefix="$artifacts/")
    [ -n "$dict" ] && args+=(-dict="$dict")
    status=0
    "$bin_dir/$t" "${args[@]}" "$corpus" "$seeds/$t" >"$log" 2>&1 || status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    last=$(grep -E "^#[0-9]+" "$log" | tail -n 1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    files=$(find "$corpus" -type f | wc -l)
    printf '%-20s %10s %8s %8s %8s %s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$files"
    if [ "$status" -ne 0 ] || grep -qE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|panicked at' "$log"; then
        failed+=("$t")
        echo "---- $t failed (exit $status); log $log, artifacts in $artifacts" >&2
        grep -E -A 12 'panicked at|ERROR: ' "$log" | head -n 40 >&2 || tail -n 40 "$log" >&2
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzzing failed: ${failed[*]}" >&2
    echo "reproduce: $bin_dir/<target> <artifact>" >&2
    exit 1
fi
echo "fuzzing passed: every target ran ${seconds} s without a crash, leak or timeout"
