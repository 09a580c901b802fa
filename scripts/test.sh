#!/usr/bin/env bash
# Runs every Tessera test. `.ci/run` calls exactly this after installing
# prerequisites; the README's second set-up command is this script.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "lint (clippy, warnings are errors)"
# The core signs on aws-lc-rs by default; `--no-default-features` is the
# ring build that the mobile library ships (docs/crypto-backends.md).
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p tessera --no-default-features --all-targets -- -D warnings

step "Rust tests: core unit + doc tests, vectors, differential, cookies, CLI"
# The Rails cookie test hands Tessera's cookies to Ruby's ActiveSupport; the
# session tests start real redis-server processes (standalone and Cluster).
missing=()
ruby -e 'require "active_support"' >/dev/null 2>&1 || missing+=(ruby-activesupport)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update && apt-get install -y "${missing[@]}"
fi
export TESSERA_REQUIRE_RUBY=1 TESSERA_REQUIRE_REDIS=1
cargo test --workspace

step "Rust core tests again on the ring backend (every vector file, Wycheproof, cookies, sessions)"
# `cargo test --workspace` above built the core with aws-lc-rs (the default);
# this is the ring build that the mobile library ships.
cargo test -p tessera --no-default-features

# Each binding has its own script (it installs what it needs: pip/npm/Maven
# packages, Debian packages such as valgrind); run in this order.
for binding in c python node mobile; do
    script="scripts/test-$binding.sh"
    if [ -f "$script" ]; then
        step "binding: $binding ($script)"
        bash "$script"
    fi
done

step "cross-language sessions: Python, Node and C on one Redis (tests/crosslang/run)"
bash tests/crosslang/run

step "leak check: 10^6 mixed operations per binding, flat memory (tests/leaks/run)"
bash tests/leaks/run

step "fuzzing: every cargo-fuzz target, bounded (scripts/test-fuzz.sh)"
bash scripts/test-fuzz.sh

step "test vectors are fresh (regenerated from ../shared/vectors)"
python3 tests/vectors/tools/generate.py --check

step "CLI walk-through runs"
bash scripts/cli-demo.sh > /dev/null

step "the cluster: Flask + Express behind nginx, every mode, journey + load (tests/cluster/run)"
bash tests/cluster/run

step "README main job (scripts/demo.sh: the cluster demo, cookie mode) runs"
bash scripts/demo.sh > /dev/null

step "all tests passed"
