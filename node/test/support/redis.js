'use strict';
// Shared by the tests that need a real Redis (not a test file itself).
//
// tests/redis/with-redis starts a standalone redis-server and a 3-master
// Redis Cluster on free loopback ports and exports TESSERA_REDIS_URL and
// TESSERA_REDIS_CLUSTER_URLS (comma-separated). Without them, Redis tests
// are skipped, unless TESSERA_REQUIRE_REDIS=1 (scripts/test-node.sh sets
// it): then a missing Redis is a failure, never a silent skip.
//
// Also: a raw client (the `redis` npm package) to check the key layout from
// outside, unique key prefixes so test files never see each other's keys,
// and a redis-server of a test's own (for fault tests that kill it).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const net = require('node:net');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const REQUIRED = process.env.TESSERA_REQUIRE_REDIS === '1';
const STANDALONE = process.env.TESSERA_REDIS_URL || null;
const CLUSTER = process.env.TESSERA_REDIS_CLUSTER_URLS ? process.env.TESSERA_REDIS_CLUSTER_URLS.split(',') : null;

/** Where each kind of Redis is, or null: `standalone` → one URL, `cluster` → seed URLs. */
const targets = { standalone: STANDALONE, cluster: CLUSTER };

/**
 * `test(name, fn)` that runs when `kind` ("standalone" or "cluster") is
 * available, is skipped when not, and fails when not but required.
 */
function redisTest(kind, name, opts, fn) {
  if (typeof opts === 'function') {
    fn = opts;
    opts = {};
  }
  if (targets[kind]) return test(`${name} [${kind}]`, opts, fn);
  const env = kind === 'standalone' ? 'TESSERA_REDIS_URL' : 'TESSERA_REDIS_CLUSTER_URLS';
  if (REQUIRED) {
    return test(`${name} [${kind}]`, () => {
      assert.fail(`TESSERA_REQUIRE_REDIS=1 but ${env} is not set (run under tests/redis/with-redis)`);
    });
  }
  return test(`${name} [${kind}]`, { skip: `no ${env} (run under tests/redis/with-redis)` }, fn);
}

/** A prefix of its own (ends with ":"), so parallel test files never collide. */
function uniquePrefix(tag = 't') {
  return `tessera-test:${tag}:${crypto.randomBytes(6).toString('hex')}:`;
}

/** A Tessera RedisStore on `kind`. */
function tesseraStore(kind, opts = {}) {
  const { sessions } = require('../..');
  const prefix = opts.prefix ?? uniquePrefix(kind);
  const store = kind === 'cluster'
    ? new sessions.RedisStore(targets.cluster, { ...opts, prefix, cluster: true })
    : new sessions.RedisStore(targets.standalone, { ...opts, prefix });
  return { store, prefix };
}

/** A connected raw client (node-redis) on `kind`; `quit()` it. */
async function rawClient(kind) {
  const { createClient, createCluster } = require('redis');
  const client = kind === 'cluster'
    ? createCluster({ rootNodes: targets.cluster.map((url) => ({ url })) })
    : createClient({ url: targets.standalone });
  client.on('error', () => {}); // reported through the failing command instead
  await client.connect();
  return client;
}

/** Every key under `prefix`, from every master in Cluster mode. */
async function keysUnder(kind, client, prefix) {
  const pattern = `${prefix}*`;
  if (kind !== 'cluster') return (await client.keys(pattern)).sort();
  const out = [];
  for (const master of client.masters) {
    const node = await client.nodeClient(master);
    out.push(...(await node.keys(pattern)));
  }
  return out.sort();
}

/** `<hex sha256(secret)>`, as the store keys ids and tokens. */
function sha256Hex(secret) {
  return crypto.createHash('sha256').update(secret, 'utf8').digest('hex');
}

// ------------------------------------------------------------ own server

/** A free loopback TCP port. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const HAVE_SERVER = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;

/**
 * A redis-server of the test's own on `port` (a free one by default), for
 * fault tests: `stop()` kills it (SIGKILL), `start()` brings it back on the
 * same port, `freeze()`/`thaw()` stop and continue it (SIGSTOP/SIGCONT).
 * `close()` stops it for good and removes its directory.
 */
class OwnRedis {
  constructor(port, dir) {
    this.port = port;
    this.dir = dir;
    this.url = `redis://127.0.0.1:${port}/0`;
    this.proc = null;
  }

  static async create() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-node-redis-'));
    const server = new OwnRedis(await freePort(), dir);
    await server.start();
    return server;
  }

  async start() {
    const args = ['--bind', '127.0.0.1', '--port', String(this.port), '--save', '', '--appendonly', 'no', '--daemonize', 'no',
      '--dir', this.dir, '--logfile', path.join(this.dir, 'log')];
    this.proc = spawn('redis-server', args, { stdio: 'ignore' });
    const deadline = Date.now() + 10000;
    while (Date.now() < deadline) {
      if (await this.#answers()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server on port ${this.port} did not start`);
  }

  #answers() {
    return new Promise((resolve) => {
      const s = net.connect(this.port, '127.0.0.1');
      s.setTimeout(500);
      s.on('connect', () => s.write('PING\r\n'));
      s.on('data', (d) => {
        s.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
      s.on('error', () => resolve(false));
      s.on('timeout', () => {
        s.destroy();
        resolve(false);
      });
    });
  }

  async stop() {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }

  freeze() {
    this.proc.kill('SIGSTOP');
  }

  thaw() {
    this.proc.kill('SIGCONT');
  }

  async close() {
    if (this.proc) {
      try {
        this.proc.kill('SIGCONT');
      } catch {
        // already gone
      }
    }
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A TCP server that accepts connections and never answers (a Redis that
 * hangs); `close()` it.
 */
async function silentServer() {
  const sockets = new Set();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return {
    url: `redis://127.0.0.1:${srv.address().port}/0`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => srv.close(r));
    },
  };
}

/**
 * Samples the event loop while `work` runs: resolves to `{ value | error,
 * elapsed, maxGap, ticks }`, where maxGap is the longest time (ms) between
 * two timer ticks of a 5 ms setInterval. A blocked loop shows as a big gap.
 */
async function measureLoop(work) {
  let last = performance.now();
  let maxGap = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks += 1;
  }, 5);
  const t0 = performance.now();
  let value;
  let error;
  try {
    value = await work();
  } catch (e) {
    error = e;
  }
  const elapsed = performance.now() - t0;
  clearInterval(timer);
  maxGap = Math.max(maxGap, performance.now() - last);
  return { value, error, elapsed, maxGap, ticks };
}

module.exports = {
  REQUIRED,
  targets,
  redisTest,
  uniquePrefix,
  tesseraStore,
  rawClient,
  keysUnder,
  sha256Hex,
  freePort,
  HAVE_SERVER,
  OwnRedis,
  silentServer,
  measureLoop,
};
