#!/usr/bin/env python3
"""Cookie codecs: Tessera's Python binding vs the libraries Flask apps use.

- Flask session cookie, `loads` and `dumps`: `tessera.cookies.FlaskCookie` vs
  Flask's own signing serializer (itsdangerous `URLSafeTimedSerializer` with
  Flask's tagged JSON, from `SecureCookieSessionInterface`), and vs a bare
  itsdangerous `URLSafeTimedSerializer`.
- Tessera's native `SessionCookie` (signed and encrypted) seal/open, for scale.

The session is the same 200-byte dict as bench/benches/cookies.rs. Rounds are
interleaved (A B A B …) and the median µs/op is reported; ratios are peer µs /
Tessera µs within a row. Target (issue 7): ≥ 8x itsdangerous on loads and dumps.

    python bench/python/cookies.py [--quick]

Needs: pip install ./python flask itsdangerous
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import flask
import itsdangerous
from flask.sessions import SecureCookieSessionInterface

import tessera
from tessera.cookies import FlaskCookie, SessionCookie

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import measure  # noqa: E402  (same interleaved-median method as the JWT bench)

SESSION: Dict[str, Any] = {
    "user_id": 1234567, "username": "alice@example.com", "roles": ["admin", "editor", "viewer"],
    "csrf": "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4", "theme": "dark", "last_seen": 1763000000,
    "flags": {"beta": True, "mfa": True},
}
SECRET = "bench-flask-secret-key"
TARGET = 8.0


def flask_serializer() -> itsdangerous.URLSafeTimedSerializer:
    app = flask.Flask("bench")
    app.secret_key = SECRET
    ser = SecureCookieSessionInterface().get_signing_serializer(app)
    assert ser is not None
    return ser


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    rounds, seconds = (3, 0.05) if args.quick else (7, 0.25)
    from importlib.metadata import version

    print(f"# tessera {tessera.__version__}, flask {version('flask')}, itsdangerous {version('itsdangerous')}, "
          f"Python {sys.version.split()[0]}; load {os.getloadavg()[0]:.1f}")
    tess = FlaskCookie(SECRET)
    peer = flask_serializer()
    plain = itsdangerous.URLSafeTimedSerializer(SECRET, salt="cookie-session")
    now = int(time.time())
    t_cookie = tess.dumps(SESSION, now=now)
    p_cookie = peer.dumps(SESSION)
    # Same bytes (Flask's output is byte-identical when signed in the same second).
    assert tess.loads(p_cookie) == SESSION and peer.loads(t_cookie) == SESSION
    plain_cookie = plain.dumps(SESSION)
    rows: List[Tuple[str, Dict[str, float]]] = []
    for op, fns in [
        ("Flask loads", {"Tessera": lambda: tess.loads(t_cookie),
                         "Flask (itsdangerous)": lambda: peer.loads(p_cookie, max_age=2678400),
                         "itsdangerous plain": lambda: plain.loads(plain_cookie, max_age=2678400)}),
        ("Flask dumps", {"Tessera": lambda: tess.dumps(SESSION),
                         "Flask (itsdangerous)": lambda: peer.dumps(SESSION),
                         "itsdangerous plain": lambda: plain.dumps(SESSION)}),
    ]:
        res = measure(fns, rounds, seconds)
        rows.append((op, res))
        print(f"{op:12} " + "  ".join(f"{k} {v:7.2f} µs" for k, v in res.items())
              + "   | " + "  ".join(f"{k} {v / res['Tessera']:5.1f}x" for k, v in res.items() if k != "Tessera"),
              flush=True)
    for encrypted in (False, True):
        sc = SessionCookie([b"bench-secret-bench-secret-bench-secret!!"], encrypted=encrypted, max_age=86400)
        value = sc.seal(SESSION)
        fns: Dict[str, Callable[[], Any]] = {"seal": lambda: sc.seal(SESSION), "open": lambda: sc.open(value)}
        res = measure(fns, rounds, seconds)
        mode = "encrypted" if encrypted else "signed"
        print(f"SessionCookie {mode:9}  seal {res['seal']:.2f} µs  open {res['open']:.2f} µs", flush=True)
    missed = [f"{op} vs {peer_name}: {res[peer_name] / res['Tessera']:.1f}x"
              for op, res in rows for peer_name in ("Flask (itsdangerous)",)
              if res[peer_name] / res["Tessera"] < TARGET]
    print(f"# load at the end {os.getloadavg()[0]:.1f}")
    print(f"target ≥ {TARGET}x: " + ("met" if not missed else "MISSED " + "; ".join(missed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
