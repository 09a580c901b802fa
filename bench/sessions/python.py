#!/usr/bin/env python3
"""Server-side sessions in Python: Tessera vs the usual way, on one local Redis.

- Session load, as a Flask app does it on every request: the session
  interface's `open_session` inside one request context (cookie → id → store →
  data). Tessera's `tessera.flask.ServerSessionInterface` against Flask-Session's
  `RedisSessionInterface` (redis-py, msgpack), both on the same local Redis.
- The store calls alone: load (`SessionManager.load` vs
  `RedisSessionInterface._retrieve_session_data`) and save
  (`SessionManager.save(id, data, version)`, versioned: a compare-and-set in
  Redis, vs `RedisSessionInterface._upsert_session`, a plain SET with expiry).
- For scale, no peer: MemoryStore load, `RefreshTokens.rotate` on Redis.

Each call is timed by wall clock (latency, µs/op) and by the CPU the process
spent per op; "per core" figures are ops per CPU-second, since a Redis round
trip leaves the core idle meanwhile. Rounds are interleaved (A B A B …),
medians and IQRs over rounds. Target (issue 8): Tessera's Redis-backed load
≥ 2x the peer's throughput per core, i.e. peer CPU/op ÷ Tessera CPU/op ≥ 2
(the rows "… (CPU per op)"); the wall-clock rows have no target.

    TESSERA_REDIS_URL=redis://127.0.0.1:6379/0 python bench/sessions/python.py [--quick] [--json PATH]
    tests/redis/with-redis python bench/sessions/python.py --quick   # starts and stops a Redis
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import flask
import redis
from flask_session.redis import RedisSessionInterface

import tessera
from tessera.flask import ServerSessionInterface
from tessera.sessions import MemoryStore, RedisStore, RefreshTokens, SessionManager

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
import benchjson  # noqa: E402

DATA: Dict[str, Any] = {
    "user_id": 1234567, "username": "alice@example.com", "roles": ["admin", "editor", "viewer"],
    "csrf": "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4", "theme": "dark", "last_seen": 1763000000,
    "flags": {"beta": True, "mfa": True},
}
PEER = "Flask-Session + redis-py"
CTX = "(request context push/pop alone)"
CPU_TARGET = 2.0


def timed(fn: Callable[[], Any], seconds: float) -> Tuple[float, float]:
    """(wall µs/op, CPU µs/op) over a batch lasting about `seconds`."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        if time.perf_counter() - t0 > seconds / 5:
            break
        n *= 2
    n = max(1, int(n * 5))
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(n):
        fn()
    return (time.perf_counter() - w0) / n * 1e6, (time.process_time() - c0) / n * 1e6


def measure(fns: Dict[str, Callable[[], Any]], rounds: int, seconds: float) -> Dict[str, Tuple[List[float], List[float]]]:
    """Per function, the per-round (wall µs/op list, CPU µs/op list), rounds interleaved."""
    out: Dict[str, Tuple[List[float], List[float]]] = {k: ([], []) for k in fns}
    for _ in range(rounds):
        for k, fn in fns.items():
            w, c = timed(fn, seconds)
            out[k][0].append(w)
            out[k][1].append(c)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", metavar="PATH", help="write the runner JSON (bench/run's contract) here")
    args = ap.parse_args()
    rounds, seconds = (3, 0.2) if args.quick else (7, 0.5)
    url = os.environ.get("TESSERA_REDIS_URL")
    if not url:
        print("TESSERA_REDIS_URL is not set (run under tests/redis/with-redis, or bench/sessions/run)",
              file=sys.stderr)
        return 2
    peers_v = {"Flask-Session": benchjson.version("Flask-Session"), "redis-py": benchjson.version("redis"),
               "Flask": benchjson.version("flask")}
    env = benchjson.env(peers_v, args.quick)
    env["redis"] = url.split("@")[-1]
    print(f"# tessera {tessera.__version__}, " + ", ".join(f"{k} {v}" for k, v in peers_v.items())
          + f", Python {sys.version.split()[0]}; load {os.getloadavg()[0]:.1f}")

    app = flask.Flask("bench")
    app.secret_key = "bench-secret-key-bench-secret-key!!"
    # Tessera: data in Redis through SessionManager, the cookie holds the id.
    manager = SessionManager(RedisStore(url), ttl=86400)
    ours = ServerSessionInterface(manager)
    sid = manager.create(DATA, user_id="alice")
    save_sid = manager.create(DATA, user_id="alice")
    # Flask-Session: the same data through redis-py.
    client = redis.Redis.from_url(url)
    peer = RedisSessionInterface(app, client=client, key_prefix="session:")
    peer_sid = "bench-flask-session-sid-0123456789abcdef"
    peer_save_sid = "bench-flask-session-sid-save-0123456789ab"
    lifetime = app.permanent_session_lifetime
    for s in (peer_sid, peer_save_sid):
        peer._upsert_session(lifetime, peer.session_class(DATA, sid=s), peer._get_store_id(s))

    ours_name, peer_name = ours.get_cookie_name(app), app.config["SESSION_COOKIE_NAME"]
    ctx_ours = app.test_request_context(headers={"Cookie": f"{ours_name}={sid}"})
    ctx_peer = app.test_request_context(headers={"Cookie": f"{peer_name}={peer_sid}"})
    with ctx_ours:
        assert dict(ours.open_session(app, flask.request)) == DATA, "Tessera open_session"
    with ctx_peer:
        assert dict(peer.open_session(app, flask.request)) == DATA, "Flask-Session open_session"

    def open_ours() -> Any:
        with ctx_ours:
            return ours.open_session(app, flask.request)

    def open_peer() -> Any:
        with ctx_peer:
            return peer.open_session(app, flask.request)

    def push_pop() -> None:  # the harness alone: Flask's request context, the same on both sides
        with ctx_ours:
            pass

    peer_store_id = peer._get_store_id(peer_sid)
    peer_save_id = peer._get_store_id(peer_save_sid)
    version = [manager.load(save_sid).version]  # type: ignore[union-attr]

    def save_ours() -> None:
        version[0] = manager.save(save_sid, DATA, version[0])

    peer_session = peer.session_class(DATA, sid=peer_save_sid)

    def save_peer() -> None:
        peer._upsert_session(lifetime, peer_session, peer_save_id)

    save_ours()
    save_peer()
    assert dict(manager.load(save_sid) or {}) == DATA  # type: ignore[arg-type]
    assert dict(peer._retrieve_session_data(peer_save_id) or {}) == DATA

    memory = SessionManager(MemoryStore(), ttl=86400)
    msid = memory.create(DATA)
    refresh = RefreshTokens(RedisStore(url), ttl=86400)
    token = [refresh.issue("alice")]

    def rotate() -> None:
        token[0] = refresh.rotate(token[0]).token

    # (operation, Tessera's api, {Tessera: fn, peer: fn}, target on the CPU row)
    groups: List[Tuple[str, str, Dict[str, Callable[[], Any]], Optional[float]]] = [
        ("session load", "ServerSessionInterface.open_session",
         {"Tessera": open_ours, PEER: open_peer, CTX: push_pop}, CPU_TARGET),
        ("session load (store call)", "SessionManager.load",
         {"Tessera": lambda: manager.load(sid), PEER: lambda: peer._retrieve_session_data(peer_store_id)},
         CPU_TARGET),
        ("session save (store call)", "SessionManager.save (versioned)",
         {"Tessera": save_ours, PEER: save_peer}, None),
    ]
    notes = {
        "session load": "Flask SessionInterface.open_session in a request context; peer RedisSessionInterface",
        "session load (store call)": "peer: RedisSessionInterface._retrieve_session_data",
        "session save (store call)": "Tessera: compare-and-set on the version; peer: "
                                     "RedisSessionInterface._upsert_session (plain SET EX, msgpack)",
    }
    rows: List[Dict[str, Any]] = []
    for op, api, fns, target in groups:
        res = measure(fns, rounds, seconds)
        (tw, tc), (pw, pc) = res["Tessera"], res[PEER]
        wall = benchjson.row(op, "redis", api, PEER, tw, pw, note=notes[op] + "; wall-clock latency")
        cpu = benchjson.row(op + " (CPU per op)", "redis", api, PEER, tc, pc, target=target,
                            note=notes[op] + "; process CPU time per op (ratio = throughput per core)")
        rows += [wall, cpu]
        print(f"\n{op}")
        for k, (w, c) in res.items():
            wm, cm = benchjson.median(w), benchjson.median(c)
            print(f"  {k:34} {wm:8.2f} µs/op wall  {cm:8.2f} µs CPU/op  {1e6 / cm:9.0f} ops per CPU-second")
        if CTX in res:
            cw, cc = (benchjson.median(x) for x in res[CTX])
            print(f"  → without the request context (CPU/op minus the context's): per core "
                  f"{(benchjson.median(pc) - cc) / (benchjson.median(tc) - cc):.2f}x (printed only)")
        print(f"  → per core: {cpu['ratio']:.2f}x (IQR {cpu['ratio_iqr'][0]:.2f}–{cpu['ratio_iqr'][1]:.2f})"
              f"; latency: {wall['ratio']:.2f}x" + (f" (target ≥ {target}x per core)" if target else ""))
    res = measure({"MemoryStore SessionManager.load": lambda: memory.load(msid),
                   "RefreshTokens.rotate (Redis)": rotate}, rounds, seconds)
    print("\nfor scale (no peer)")
    for k, (w, c) in res.items():
        wm, cm = benchjson.median(w), benchjson.median(c)
        print(f"  {k:34} {wm:8.2f} µs/op wall  {cm:8.2f} µs CPU/op  {1e6 / cm:9.0f} ops per CPU-second")
    missed = benchjson.check_targets(rows)
    print(f"\n# load at the end {os.getloadavg()[0]:.1f}")
    print("target: " + ("met" if not missed else "MISSED " + "; ".join(missed)))
    benchjson.write(args.json, env, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
