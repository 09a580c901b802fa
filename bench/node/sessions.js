#!/usr/bin/env node
'use strict';
// Server-side session load in Node: Tessera vs the usual way, on one local Redis.
//
//   TESSERA_REDIS_URL=redis://127.0.0.1:6379/0 node sessions.js [--quick]
//
// - Tessera: sessions.SessionManager(RedisStore).load(id) — a Promise; the
//   Redis round trip runs on the libuv pool, never on the event loop.
// - express-session + connect-redis 9 (node-redis 6): store.get(sid) — what
//   express-session does on every request.
// Both are run with 64 loads in flight (what a busy server sees) and one at a
// time. Throughput per core = completed loads per CPU-second of this process
// (process.cpuUsage: user + system, all threads), the figure that decides how
// many cores a fleet needs; wall-clock throughput is shown too.
// Target (issue 8): Tessera's Redis-backed load ≥ 2x the peers' throughput per core.

const os = require('node:os');
const { performance } = require('node:perf_hooks');
const { createClient } = require('redis');
const { RedisStore: ConnectRedis } = require('connect-redis');
const tessera = require('tessera');

const QUICK = process.argv.includes('--quick');
const ROUNDS = QUICK ? 3 : 7;
const MS = QUICK ? 400 : 1500;
const DATA = {
  user_id: 1234567, username: 'alice@example.com', roles: ['admin', 'editor', 'viewer'],
  csrf: 'Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4', theme: 'dark', last_seen: 1763000000, flags: { beta: true, mfa: true },
};

/** {wallOps, cpuOps}: completed calls per wall second and per CPU second, `inFlight` kept pending. */
function run(fn, ms, inFlight) {
  return new Promise((resolve, reject) => {
    let done = 0;
    let pending = 0;
    let stop = false;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const finish = () => {
      const wall = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(cpu0);
      resolve({ wallOps: done / wall, cpuOps: done / ((c.user + c.system) / 1e6) });
    };
    const launch = () => {
      pending++;
      fn().then(() => {
        done++;
        pending--;
        if (!stop && performance.now() - t0 >= ms) stop = true;
        if (!stop) launch();
        else if (pending === 0) finish();
      }, reject);
    };
    for (let i = 0; i < inFlight; i++) launch();
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main() {
  const url = process.env.TESSERA_REDIS_URL;
  if (!url) {
    console.error('TESSERA_REDIS_URL is not set (bench/sessions/run starts a redis-server)');
    process.exit(2);
  }
  const pkg = (n) => JSON.parse(require('node:fs').readFileSync(require('node:path').join(__dirname, 'node_modules', n, 'package.json'), 'utf8')).version;
  console.log(`Tessera ${tessera.version} (Node ${process.version}), connect-redis ${pkg('connect-redis')}, redis ${pkg('redis')}; load ${os.loadavg()[0].toFixed(1)}`);

  const manager = new tessera.sessions.SessionManager(new tessera.sessions.RedisStore(url), { ttl: 86400 });
  const id = await manager.create(DATA, { userId: 'alice' });
  const client = createClient({ url });
  await client.connect();
  const peer = new ConnectRedis({ client, prefix: 'sess:' });
  const sid = 'bench-express-session-sid-0123456789';
  await new Promise((res, rej) => peer.set(sid, { cookie: { originalMaxAge: 86400000 }, ...DATA }, (e) => (e ? rej(e) : res())));
  const peerGet = () => new Promise((res, rej) => peer.get(sid, (e, s) => (e ? rej(e) : res(s))));
  const ours = await manager.load(id);
  const theirs = await peerGet();
  if (JSON.stringify(ours.data) !== JSON.stringify(DATA) || theirs.username !== DATA.username) throw new Error('setup: wrong data');

  const rows = { 'tessera SessionManager.load': () => manager.load(id), 'express-session + connect-redis get': peerGet };
  let missed = false;
  for (const inFlight of [64, 1]) {
    const samples = Object.fromEntries(Object.keys(rows).map((k) => [k, []]));
    for (const [k, fn] of Object.entries(rows)) await run(fn, 200, inFlight); // warm up
    for (let r = 0; r < ROUNDS; r++) {
      for (const [k, fn] of Object.entries(rows)) samples[k].push(await run(fn, MS, inFlight));
    }
    console.log(`\nsession load, ${inFlight} in flight (median of ${ROUNDS} rounds)`);
    const med = {};
    for (const k of Object.keys(rows)) {
      med[k] = { wall: median(samples[k].map((s) => s.wallOps)), cpu: median(samples[k].map((s) => s.cpuOps)) };
      console.log(`  ${k.padEnd(38)} ${med[k].wall.toFixed(0).padStart(8)} loads/s  ${med[k].cpu.toFixed(0).padStart(8)} loads per CPU-second`);
    }
    const [t, p] = Object.keys(rows).map((k) => med[k]);
    const perCore = t.cpu / p.cpu;
    console.log(`  → throughput per core ${perCore.toFixed(2)}x, wall ${(t.wall / p.wall).toFixed(2)}x (target ≥ 2x per core)`);
    if (inFlight === 64 && perCore < 2) missed = true;
  }
  console.log(`\nload at the end: ${os.loadavg()[0].toFixed(1)}; target ${missed ? 'MISSED' : 'met'}`);
  await client.quit();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
