#!/usr/bin/env node
'use strict';
// Server-side sessions in Node: Tessera vs the usual way, on one local Redis.
//
//   TESSERA_REDIS_URL=redis://127.0.0.1:6379/0 node sessions.js [--quick] [--json PATH]
//   tests/redis/with-redis node bench/node/sessions.js --quick --json /tmp/x.json
//
// - load: Tessera sessions.SessionManager(RedisStore).load(id) — a Promise;
//   the Redis round trip runs on the libuv pool, never on the event loop —
//   vs express-session + connect-redis 9 (node-redis 6) store.get(sid), what
//   express-session does on every request.
// - save: SessionManager.save(id, data, version) (versioned: a conflicting
//   write fails instead of being lost) vs connect-redis store.set(sid, sess)
//   (a plain SET with the TTL), what express-session does after a change.
// Each is run with 64 calls in flight (what a busy server sees; every slot
// works on its own session, so versioned saves never conflict) and one at a
// time. Throughput per core = completed calls per CPU-second of this process
// (process.cpuUsage: user + system, all threads), the figure that decides how
// many cores a fleet needs; wall-clock throughput is shown too. Rounds
// alternate Tessera and the peer (paired).
// Target (issue 8): Tessera's Redis-backed load ≥ 2x the peers' throughput per core.
//
// JSON rows (µs per operation, medians over rounds, IQRs): "session load" /
// "session save" = CPU µs per call with 64 in flight (1e6 / calls per
// CPU-second); "… (wall, 64 in flight)" = wall µs per completed call;
// "… (1 in flight)" = wall µs per call awaited one by one (latency).

const os = require('node:os');
const { performance } = require('node:perf_hooks');
const { createClient } = require('redis');
const { RedisStore: ConnectRedis } = require('connect-redis');
const tessera = require('tessera');
const { median, iqr, pairedRatio, contractRow, contractEnv, jsonPath, writeJson, pkgVersion } = require('./timing');

const QUICK = process.argv.includes('--quick');
const JSON_PATH = jsonPath();
const ROUNDS = QUICK ? 3 : 7;
const MS = QUICK ? 400 : 1500;
const SLOTS = 64;
const DATA = {
  user_id: 1234567, username: 'alice@example.com', roles: ['admin', 'editor', 'viewer'],
  csrf: 'Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4', theme: 'dark', last_seen: 1763000000, flags: { beta: true, mfa: true },
};
const PEER_SESSION = { cookie: { originalMaxAge: 86400000 }, ...DATA };

/** {wallOps, cpuOps}: completed calls per wall second and per CPU second, `inFlight` kept pending; fn(slot) for slot < inFlight. */
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
    const launch = (slot) => {
      pending++;
      fn(slot).then(() => {
        done++;
        pending--;
        if (!stop && performance.now() - t0 >= ms) stop = true;
        if (!stop) launch(slot);
        else if (pending === 0) finish();
      }, reject);
    };
    for (let i = 0; i < inFlight; i++) launch(i);
  });
}

async function main() {
  const url = process.env.TESSERA_REDIS_URL;
  if (!url) {
    console.error('TESSERA_REDIS_URL is not set (tests/redis/with-redis or bench/sessions/run start a redis-server)');
    process.exit(2);
  }
  const peers = { 'connect-redis': pkgVersion('connect-redis'), redis: pkgVersion('redis'), 'express-session': pkgVersion('express-session') };
  const loads = [os.loadavg()[0]];
  console.log(`Tessera ${tessera.version} (Node ${process.version}), connect-redis ${peers['connect-redis']}, redis ${peers.redis}; load ${os.loadavg()[0].toFixed(1)}`);

  const manager = new tessera.sessions.SessionManager(new tessera.sessions.RedisStore(url), { ttl: 86400 });
  const client = createClient({ url });
  await client.connect();
  const peer = new ConnectRedis({ client, prefix: 'sess:', ttl: 86400 });
  const peerSet = (sid, sess) => new Promise((res, rej) => peer.set(sid, sess, (e) => (e ? rej(e) : res())));
  const peerGet = (sid) => new Promise((res, rej) => peer.get(sid, (e, s) => (e ? rej(e) : res(s))));

  // One session per in-flight slot on each side.
  const ids = [];
  const versions = [];
  const sids = [];
  for (let i = 0; i < SLOTS; i++) {
    ids.push(await manager.create(DATA, { userId: `alice-${i}` }));
    versions.push((await manager.load(ids[i])).version);
    sids.push(`bench-express-session-sid-${String(i).padStart(4, '0')}-0123456789`);
    await peerSet(sids[i], PEER_SESSION);
  }
  const ours = await manager.load(ids[0]);
  const theirs = await peerGet(sids[0]);
  if (JSON.stringify(ours.data) !== JSON.stringify(DATA) || JSON.stringify(theirs) !== JSON.stringify(PEER_SESSION)) {
    throw new Error('setup: wrong data');
  }
  // A save is visible to the next load on both sides.
  const changed = { ...DATA, theme: 'light' };
  versions[0] = await manager.save(ids[0], changed, versions[0]);
  await peerSet(sids[0], { ...PEER_SESSION, theme: 'light' });
  if ((await manager.load(ids[0])).data.theme !== 'light' || (await peerGet(sids[0])).theme !== 'light') throw new Error('setup: save not seen');

  const ops = {
    load: {
      tessera: ['sessions.SessionManager.load', (i) => manager.load(ids[i])],
      peer: ['express-session + connect-redis', (i) => peerGet(sids[i]), 'connect-redis store.get (GET + JSON.parse)'],
    },
    save: {
      tessera: ['sessions.SessionManager.save', async (i) => { versions[i] = await manager.save(ids[i], DATA, versions[i]); }],
      peer: ['express-session + connect-redis', (i) => peerSet(sids[i], PEER_SESSION), 'connect-redis store.set (JSON.stringify + SET EX)'],
    },
  };

  const rows = [];
  let missed = false;
  for (const [op, sides] of Object.entries(ops)) {
    for (const inFlight of [SLOTS, 1]) {
      const names = { tessera: `tessera ${sides.tessera[0]}`, peer: sides.peer[0] };
      const samples = { [names.tessera]: [], [names.peer]: [] };
      for (const side of ['tessera', 'peer']) await run(sides[side][1], 200, inFlight); // warm up
      for (let r = 0; r < ROUNDS; r++) {
        const order = r % 2 ? ['peer', 'tessera'] : ['tessera', 'peer'];
        for (const side of order) samples[names[side]].push(await run(sides[side][1], MS, inFlight));
      }
      loads.push(os.loadavg()[0]);
      // µs per call: CPU and wall, per round
      const cpuUs = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map((s) => 1e6 / s.cpuOps)]));
      const wallUs = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map((s) => 1e6 / s.wallOps)]));
      console.log(`\nsession ${op}, ${inFlight} in flight (median of ${ROUNDS} rounds)`);
      for (const k of Object.keys(samples)) {
        const [lo, hi] = iqr(wallUs[k]);
        console.log(`  ${k.padEnd(38)} ${(1e6 / median(wallUs[k])).toFixed(0).padStart(8)} ${op}s/s (wall ${median(wallUs[k]).toFixed(1)} µs, IQR ${lo.toFixed(1)}–${hi.toFixed(1)})  ${(1e6 / median(cpuUs[k])).toFixed(0).padStart(8)} per CPU-second (${median(cpuUs[k]).toFixed(1)} CPU µs)`);
      }
      const perCore = pairedRatio(cpuUs, names.peer, names.tessera);
      console.log(`  → throughput per core ${perCore.toFixed(2)}x, wall ${pairedRatio(wallUs, names.peer, names.tessera).toFixed(2)}x (paired)${op === 'load' ? ' (target ≥ 2x per core)' : ''}`);
      if (op === 'load' && inFlight === SLOTS && perCore < 2) missed = true;

      const base = { algorithm: 'redis', tessera: sides.tessera[0], tName: names.tessera, peer: sides.peer[0], pName: names.peer };
      if (inFlight === SLOTS) {
        rows.push(contractRow(cpuUs, {
          ...base, operation: `session ${op}`, ...(op === 'load' ? { target: 2.0 } : {}),
          note: `CPU µs of this process per completed call (all threads), ${SLOTS} in flight: 1e6 / throughput per core; peer: ${sides.peer[2]}`,
        }));
        rows.push(contractRow(wallUs, { ...base, operation: `session ${op} (wall, ${SLOTS} in flight)`, note: 'wall µs per completed call (throughput)' }));
      } else {
        rows.push(contractRow(wallUs, { ...base, operation: `session ${op} (1 in flight)`, note: 'wall µs per call, each awaited before the next (latency)' }));
      }
    }
  }
  console.log(`\nload at the end: ${os.loadavg()[0].toFixed(1)}; target (load per core ≥ 2x) ${missed ? 'MISSED' : 'met'}`);
  for (const i of ids) await manager.destroy(i);
  for (const sid of sids) await new Promise((res) => peer.destroy(sid, res));
  await client.quit();
  if (JSON_PATH) writeJson(JSON_PATH, { language: 'node', env: contractEnv(tessera, peers, QUICK, loads), rows, memory: [], scaling: [] });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
