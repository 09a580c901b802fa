#!/usr/bin/env node
// Builds the native addon from source (`cargo build --release -p tessera-node`
// in the Tessera workspace around this package) and copies it to
// ../tessera.node. Run by `npm install` (the package's "install" script), so
// `npm install ./node` needs only Rust (cargo); nothing is downloaded except
// crates by cargo itself. CARGO_TARGET_DIR is honoured (default: the
// workspace's target/, shared with every other crate).
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const pkgDir = path.resolve(__dirname, '..');
const root = path.resolve(pkgDir, '..');
const manifest = path.join(root, 'Cargo.toml');
const out = path.join(pkgDir, 'tessera.node');

function fail(message) {
  console.error(`tessera: ${message}`);
  process.exit(1);
}

if (!fs.existsSync(path.join(root, 'bindings', 'node', 'Cargo.toml'))) {
  fail(`cannot find the Rust sources (${path.join(root, 'bindings', 'node')}); ` +
    'install from a Tessera checkout: npm install /path/to/tessera/node');
}

const targetDir = process.env.CARGO_TARGET_DIR
  ? path.resolve(process.env.CARGO_TARGET_DIR)
  : path.join(root, 'target');
const cargo = process.env.CARGO || 'cargo';
const args = ['build', '--release', '-p', 'tessera-node', '--manifest-path', manifest];
console.error(`tessera: ${cargo} ${args.join(' ')}  (CARGO_TARGET_DIR=${targetDir})`);
const result = spawnSync(cargo, args, {
  stdio: 'inherit',
  env: { ...process.env, CARGO_TARGET_DIR: targetDir },
});
if (result.error) {
  fail(`could not run cargo (${result.error.message}); building the addon needs Rust: https://rustup.rs`);
}
if (result.status !== 0) fail(`cargo build failed (exit ${result.status})`);

const lib = {
  darwin: 'libtessera_node.dylib',
  win32: 'tessera_node.dll',
}[process.platform] || 'libtessera_node.so';
const built = path.join(targetDir, 'release', lib);
if (!fs.existsSync(built)) fail(`cargo succeeded but ${built} is missing`);

// Copy then rename: a running process that has the old addon loaded keeps it.
const tmp = `${out}.${process.pid}.tmp`;
fs.copyFileSync(built, tmp);
fs.renameSync(tmp, out);
console.error(`tessera: built ${path.relative(process.cwd(), out) || out}`);
