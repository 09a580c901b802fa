#!/usr/bin/env python3
"""Server-side session load and refresh rotation in Python: Tessera vs the usual way.

- Session load, as a Flask app does it on every request: the session
  interface's `open_session` inside one request context (cookie → id → store →
  data). Tessera's `tessera.flask.ServerSessionInterface` against Flask-Session's
  `RedisSessionInterface` (redis-py, msgpack), both on the same local Redis.
  Also the store-level calls alone: `SessionManager.load` vs
  `RedisSessionInterface._retrieve_session_data`.
- Refresh rotation: `RefreshTokens.rotate` (Redis), no peer in Flask-Session.
- MemoryStore load, for scale.

Throughput per core: a sequential loop measures latency (µs/op, wall) and
the CPU the process spent per op; "per core" figures are ops per CPU-second,
since a Redis round trip leaves the core idle meanwhile. Target (issue 8):
Tessera's Redis-backed load ≥ 2x the peers' throughput per core.

    TESSERA_REDIS_URL=redis://127.0.0.1:6379/0 python bench/sessions/python.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any, Callable, Dict, List, Tuple

import flask
import redis
from flask_session.redis import RedisSessionInterface

import tessera
from tessera.flask import ServerSessionInterface
from tessera.sessions import MemoryStore, RedisStore, RefreshTokens, SessionManager

DATA: Dict[str, Any] = {
    "user_id": 1234567, "username": "alice@example.com", "roles": ["admin", "editor", "viewer"],
    "csrf": "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4", "theme": "dark", "last_seen": 1763000000,
    "flags": {"beta": True, "mfa": True},
}


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


def measure(rows: Dict[str, Callable[[], Any]], rounds: int, seconds: float) -> Dict[str, Tuple[float, float]]:
    samples: Dict[str, List[Tuple[float, float]]] = {k: [] for k in rows}
    for _ in range(rounds):
        for k, fn in rows.items():
            samples[k].append(timed(fn, seconds))
    return {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in samples.items()}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    rounds, seconds = (3, 0.2) if args.quick else (7, 0.5)
    url = os.environ.get("TESSERA_REDIS_URL")
    if not url:
        print("TESSERA_REDIS_URL is not set (bench/sessions/run starts a redis-server)", file=sys.stderr)
        return 2
    from importlib.metadata import version

    print(f"# tessera {tessera.__version__}, Flask-Session {version('Flask-Session')}, redis-py {version('redis')}, "
          f"Flask {version('flask')}, Python {sys.version.split()[0]}; load {os.getloadavg()[0]:.1f}")

    app = flask.Flask("bench")
    app.secret_key = "bench-secret-key-bench-secret-key!!"
    # Tessera: data in Redis through SessionManager, the cookie holds the id.
    manager = SessionManager(RedisStore(url), ttl=86400)
    ours = ServerSessionInterface(manager)
    sid = manager.create(DATA, user_id="alice")
    # Flask-Session: the same data through redis-py.
    client = redis.Redis.from_url(url)
    peer = RedisSessionInterface(app, client=client, key_prefix="session:")
    peer_sid = "bench-flask-session-sid-0123456789abcdef"
    peer._upsert_session(app.permanent_session_lifetime, peer.session_class(DATA, sid=peer_sid),
                         peer._get_store_id(peer_sid))

    ours_name, peer_name = ours.get_cookie_name(app), app.config["SESSION_COOKIE_NAME"]
    ctx_ours = app.test_request_context(headers={"Cookie": f"{ours_name}={sid}"})
    ctx_peer = app.test_request_context(headers={"Cookie": f"{peer_name}={peer_sid}"})
    with ctx_ours:
        assert dict(ours.open_session(app, flask.request)) == DATA
    with ctx_peer:
        assert dict(peer.open_session(app, flask.request)) == DATA

    def open_ours() -> Any:
        with ctx_ours:
            return ours.open_session(app, flask.request)

    def open_peer() -> Any:
        with ctx_peer:
            return peer.open_session(app, flask.request)

    memory = SessionManager(MemoryStore(), ttl=86400)
    msid = memory.create(DATA)
    refresh = RefreshTokens(RedisStore(url), ttl=86400)
    token = [refresh.issue("alice")]

    def rotate() -> None:
        token[0] = refresh.rotate(token[0]).token

    groups = [
        ("session load, Flask SessionInterface.open_session", {"Tessera ServerSessionInterface": open_ours,
                                                              "Flask-Session RedisSessionInterface": open_peer}),
        ("session load, store call alone", {"Tessera SessionManager.load": lambda: manager.load(sid),
                                           "Flask-Session _retrieve_session_data":
                                               lambda: peer._retrieve_session_data(peer._get_store_id(peer_sid))}),
        ("for scale", {"MemoryStore SessionManager.load": lambda: memory.load(msid),
                       "RefreshTokens.rotate (Redis)": rotate}),
    ]
    missed = []
    for title, rows in groups:
        res = measure(rows, rounds, seconds)
        print(f"\n{title}")
        for k, (wall, cpu) in res.items():
            print(f"  {k:40} {wall:8.2f} µs/op wall  {cpu:8.2f} µs CPU/op  {1e6 / cpu:9.0f} ops per CPU-second")
        names = list(res)
        if title.startswith("session load"):
            t, p = res[names[0]], res[names[1]]
            per_core = p[1] / t[1]
            print(f"  → throughput per core: {per_core:.2f}x; latency: {p[0] / t[0]:.2f}x (target ≥ 2x per core)")
            if per_core < 2:
                missed.append(f"{title}: {per_core:.2f}x")
    print(f"\n# load at the end {os.getloadavg()[0]:.1f}")
    print("target: " + ("met" if not missed else "MISSED " + "; ".join(missed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
