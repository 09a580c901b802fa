'use strict';
// Runs the JavaScript examples of node/README.md (both sides of the migration
// guides too: jose and jsonwebtoken are dev dependencies), each in its own
// node process. Blocks whose first line is `// not run` are skipped.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const pkg = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(pkg, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

// What the migration examples take as given.
const PRELUDE = `
const __k = require('tessera').Key.generate('ES256', { kid: '2026-11' });
const privateJwk = __k.toJwk({ private: true });
const publicJwk = __k.toJwk();
`;

test('README has examples', () => assert.ok(blocks.length >= 6, `${blocks.length} js blocks`));

blocks.forEach((code, i) => {
  const first = code.split('\n')[0];
  const run = !first.startsWith('// not run');
  test(`README example ${i + 1}: ${first.slice(0, 60)}`, { skip: !run && 'marked not run' }, () => {
    const esm = /^import .* from 'tessera';$/m.test(code);
    const source = esm ? code : `${PRELUDE}\n(async () => {\n${code}\n})().catch((e) => { console.error(e); process.exit(1); });`;
    const r = spawnSync(process.execPath, [...(esm ? ['--input-type=module'] : []), '-e', source], {
      cwd: pkg,
      encoding: 'utf8',
      timeout: 60000,
    });
    assert.equal(r.status, 0, `example ${i + 1} failed:\n${code}\n--- stderr:\n${r.stderr}`);
  });
});
