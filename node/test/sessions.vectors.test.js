'use strict';
// Runs tests/vectors/sessions/scenarios.json (the store-independent session
// behaviour every binding runs; core/tests/sessions.rs is the Rust runner)
// on a MemoryStore, and on standalone Redis and Redis Cluster when
// tests/redis/with-redis provides them (a fresh key prefix per scenario
// stands for the schema's "fresh store").

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');

const { sessions, TesseraError } = require('..');
const { redisTest, tesseraStore } = require('./support/redis.js');

const FILE = path.join(__dirname, '..', '..', 'tests', 'vectors', 'sessions', 'scenarios.json');
const DOC = JSON.parse(fs.readFileSync(FILE, 'utf8'));
const OPS = new Set([
  'create', 'load', 'save', 'merge', 'touch', 'destroy', 'rotate', 'destroy_user', 'sleep',
  'revoke', 'is_revoked', 'issue', 'rotate_refresh', 'revoke_family',
]);
// Every key a step may carry: an unknown one means the file grew a feature this runner lacks.
const STEP_KEYS = new Set(['op', 'as', 'id', 'token', 'literal', 'data', 'user', 'version', 'patch', 'ms', 'jti', 'exp_in', 'expect']);

test('scenario file: every op and key known, every op used, the session codes covered', () => {
  assert.ok(DOC._schema && DOC.scenarios.length >= 6);
  const seen = new Set();
  const codes = new Set();
  for (const sc of DOC.scenarios) {
    for (const step of sc.steps) {
      for (const k of Object.keys(step)) assert.ok(STEP_KEYS.has(k), `unknown step key ${k} in ${JSON.stringify(step)}`);
      assert.ok(OPS.has(step.op), `unknown op ${step.op}`);
      seen.add(step.op);
      if (step.expect && typeof step.expect === 'object' && 'error' in step.expect) codes.add(step.expect.error);
    }
  }
  assert.deepEqual([...seen].sort(), [...OPS].sort());
  for (const c of ['SESSION_CONFLICT', 'SESSION_NOT_FOUND', 'REFRESH_TOKEN_REUSED', 'REVOKED', 'MALFORMED']) {
    assert.ok(codes.has(c), c);
  }
});

/** `expect` is `{[key]: value}` or `{error: CODE}`: checks `call` against it. */
async function expectResult(at, expect, call, key) {
  if ('error' in expect) {
    await assert.rejects(call(), (e) => {
      assert.ok(e instanceof TesseraError, `${at}: ${e}`);
      assert.equal(e.code, expect.error, `${at}: ${e.message}`);
      return true;
    });
    return undefined;
  }
  const got = await call();
  if (key) assert.equal(got, expect[key], at);
  return got;
}

async function runScenario(sc, store) {
  const m = new sessions.SessionManager(store, {
    ttl: sc.ttl_ms / 1000,
    idleTimeout: sc.idle_ms === null ? undefined : sc.idle_ms / 1000,
  });
  const deny = new sessions.Denylist(store);
  const rt = new sessions.RefreshTokens(store, { ttl: sc.refresh_ttl_ms / 1000 });
  const names = new Map();
  for (const [i, step] of sc.steps.entries()) {
    const at = `${sc.name} step ${i} ${JSON.stringify(step)}`;
    const ref = (k) => {
      if (step.literal) return String(step[k]);
      assert.ok(names.has(step[k]), `${at}: unbound ${step[k]}`);
      return names.get(step[k]);
    };
    const { expect } = step;
    switch (step.op) {
      case 'create':
        names.set(step.as, await m.create(step.data, step.user === undefined ? undefined : { userId: step.user }));
        break;
      case 'load': {
        const got = await m.load(ref('id'));
        if (expect === null) {
          assert.equal(got, null, at);
        } else {
          assert.ok(got !== null, `${at}: no session`);
          assert.deepEqual(got.data, expect.data, at);
          assert.equal(got.version, expect.version, at);
          assert.equal(got.userId, expect.user, at);
          assert.equal(got.id, ref('id'), at);
          assert.ok(got.createdAt instanceof Date && got.expiresAt > got.createdAt, at);
        }
        break;
      }
      case 'save':
        await expectResult(at, expect, () => m.save(ref('id'), step.data, step.version), 'version');
        break;
      case 'merge':
        await expectResult(at, expect, () => m.merge(ref('id'), step.patch), 'version');
        break;
      case 'touch':
        assert.equal(await m.touch(ref('id')), expect, at);
        break;
      case 'destroy':
        assert.equal(await m.destroy(ref('id')), expect, at);
        break;
      case 'rotate': {
        const fresh = await m.rotate(ref('id'));
        if ('expect' in step) {
          assert.equal(expect, null, `${at}: a rotate step expects null or binds a name`);
          assert.equal(fresh, null, at);
        } else {
          assert.equal(typeof fresh, 'string', `${at}: no new id`);
          assert.notEqual(fresh, ref('id'), at);
          names.set(step.as, fresh);
        }
        break;
      }
      case 'destroy_user':
        assert.equal(await m.destroyUser(step.user), expect, at);
        break;
      case 'sleep':
        await sleep(step.ms);
        break;
      case 'revoke':
        await deny.revoke(step.jti, Math.floor(Date.now() / 1000) + step.exp_in);
        break;
      case 'is_revoked':
        assert.equal(await deny.isRevoked(step.jti), expect, at);
        break;
      case 'issue':
        names.set(step.as, await rt.issue(step.user, step.data));
        break;
      case 'rotate_refresh': {
        const r = await expectResult(at, expect, () => rt.rotate(ref('token')), null);
        if (r !== undefined) {
          assert.equal(r.userId, expect.user, at);
          assert.deepEqual(r.data, expect.data, at);
          assert.notEqual(r.token, ref('token'), at);
          names.set(step.as, r.token);
        }
        break;
      }
      case 'revoke_family':
        assert.equal(await rt.revokeFamily(ref('token')), expect, at);
        break;
      default:
        assert.fail(`${at}: unknown op`);
    }
  }
}

for (const sc of DOC.scenarios) {
  test(`scenario on MemoryStore: ${sc.name}`, () => runScenario(sc, new sessions.MemoryStore()));
  for (const kind of ['standalone', 'cluster']) {
    redisTest(kind, `scenario on RedisStore: ${sc.name}`, () => runScenario(sc, tesseraStore(kind).store));
  }
}
