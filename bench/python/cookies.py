#!/usr/bin/env python3
"""Cookie codecs: Tessera's Python binding vs the libraries Flask apps use.

- Flask session cookie, `loads` and `dumps` (HMAC-SHA1, Flask's default):
  `tessera.cookies.FlaskCookie` vs
  * "Flask": Flask's own signing serializer (`SecureCookieSessionInterface().
    get_signing_serializer(app)`: itsdangerous `URLSafeTimedSerializer`, salt
    "cookie-session", HMAC key derivation, SHA-1, Flask's tagged JSON), and
  * "itsdangerous": a `URLSafeTimedSerializer` configured as Flask configures
    it (same salt, key derivation and digest) with itsdangerous' own JSON
    serializer, i.e. what an app calling itsdangerous directly does.
  All three accept each other's cookies (checked before timing); loads checks
  the signature and the age (max_age 31 days, Flask's permanent lifetime).
- Tessera's native `SessionCookie` (signed and encrypted) seal/open, for scale
  (no peer; printed only).

The session is the same 200-byte dict as bench/benches/cookies.rs. Rounds are
interleaved (A B C A B C …) and the median µs/op is reported with the IQR of
the rounds; ratios are peer µs / Tessera µs within a row. Targets (issue 10):
loads ≥ 8x both peers; dumps at least on par.

    python bench/python/cookies.py [--quick] [--json PATH]

Needs: pip install ./python flask itsdangerous
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List

import flask
import itsdangerous
from flask.sessions import SecureCookieSessionInterface

import tessera
from tessera.cookies import FlaskCookie, SessionCookie

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchjson  # noqa: E402
from benchjson import sample  # noqa: E402

SESSION: Dict[str, Any] = {
    "user_id": 1234567, "username": "alice@example.com", "roles": ["admin", "editor", "viewer"],
    "csrf": "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4", "theme": "dark", "last_seen": 1763000000,
    "flags": {"beta": True, "mfa": True},
}
SECRET = "bench-flask-secret-key"
MAX_AGE = 2678400  # Flask's PERMANENT_SESSION_LIFETIME, 31 days
TARGETS = {"flask loads": 8.0, "flask dumps": 1.0}


def flask_serializer() -> itsdangerous.URLSafeTimedSerializer:
    app = flask.Flask("bench")
    app.secret_key = SECRET
    ser = SecureCookieSessionInterface().get_signing_serializer(app)
    assert ser is not None
    return ser


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", metavar="PATH", help="write the runner JSON (bench/run's contract) here")
    args = ap.parse_args()
    rounds, seconds = (5, 0.04) if args.quick else (9, 0.25)

    peers_v = {"Flask": benchjson.version("flask"), "itsdangerous": benchjson.version("itsdangerous")}
    env = benchjson.env(peers_v, args.quick)
    print(f"# tessera {tessera.__version__}, flask {peers_v['Flask']}, itsdangerous {peers_v['itsdangerous']}, "
          f"Python {sys.version.split()[0]}; load {os.getloadavg()[0]:.1f}")
    tess = FlaskCookie(SECRET, max_age=MAX_AGE)
    flask_ser = flask_serializer()
    plain = itsdangerous.URLSafeTimedSerializer(
        SECRET, salt="cookie-session",
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1})
    now = int(time.time())
    t_cookie = tess.dumps(SESSION, now=now)
    f_cookie = flask_ser.dumps(SESSION)
    p_cookie = plain.dumps(SESSION)
    # Everyone accepts everyone's cookie, and rejects a tampered one.
    decoders: Dict[str, Callable[[str], Any]] = {
        "Tessera": tess.loads, "Flask": lambda c: flask_ser.loads(c, max_age=MAX_AGE),
        "itsdangerous": lambda c: plain.loads(c, max_age=MAX_AGE)}
    for name, cookie in (("Tessera", t_cookie), ("Flask", f_cookie), ("itsdangerous", p_cookie)):
        for other, decode in decoders.items():
            assert decode(cookie) == SESSION, f"{other} rejects {name}'s cookie"
    tampered = t_cookie[:-2] + ("AA" if t_cookie[-2:] != "AA" else "BA")
    for other, decode in decoders.items():
        try:
            decode(tampered)
        except Exception:
            pass
        else:
            raise AssertionError(f"{other} accepts a tampered cookie")

    rows: List[Dict[str, Any]] = []
    for op, api, fns in [
        ("flask loads", "FlaskCookie.loads",
         {"Tessera": lambda: tess.loads(t_cookie),
          "Flask": lambda: flask_ser.loads(f_cookie, max_age=MAX_AGE),
          "itsdangerous": lambda: plain.loads(p_cookie, max_age=MAX_AGE)}),
        ("flask dumps", "FlaskCookie.dumps",
         {"Tessera": lambda: tess.dumps(SESSION),
          "Flask": lambda: flask_ser.dumps(SESSION),
          "itsdangerous": lambda: plain.dumps(SESSION)}),
    ]:
        s = sample(fns, rounds, seconds)
        new = [benchjson.row(op, "HMAC-SHA1", api, peer, s["Tessera"], s[peer], target=TARGETS[op])
               for peer in ("Flask", "itsdangerous")]
        rows += new
        print(f"{op:12} " + "  ".join(
            f"{k} {benchjson.median(v):7.2f} µs [{benchjson.iqr(v)[0]:.2f}–{benchjson.iqr(v)[1]:.2f}]"
            for k, v in s.items()) + "   | " + "  ".join(
            f"{x['peer']} {x['ratio']:5.1f}x ({x['ratio_iqr'][0]:.1f}–{x['ratio_iqr'][1]:.1f})" for x in new),
            flush=True)
    for encrypted in (False, True):
        sc = SessionCookie([b"bench-secret-bench-secret-bench-secret!!"], encrypted=encrypted, max_age=86400)
        value = sc.seal(SESSION)
        assert sc.open(value) == SESSION
        s = sample({"seal": lambda: sc.seal(SESSION), "open": lambda: sc.open(value)}, rounds, seconds)
        mode = "encrypted" if encrypted else "signed"
        print(f"SessionCookie {mode:9}  seal {benchjson.median(s['seal']):.2f} µs  "
              f"open {benchjson.median(s['open']):.2f} µs   (no peer)", flush=True)
    missed = benchjson.check_targets(rows)
    print(f"# load at the end {os.getloadavg()[0]:.1f}")
    print("targets (issue 10: loads ≥ 8x, dumps ≥ 1x): " + ("met" if not missed else "MISSED " + "; ".join(missed)))
    benchjson.write(args.json, env, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
