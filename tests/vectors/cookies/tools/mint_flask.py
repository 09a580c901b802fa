#!/usr/bin/env python3
"""Mint Flask / itsdangerous cookie vectors with the REAL libraries.

Writes tests/vectors/cookies/flask.json and itsdangerous.json. Deterministic:
every timestamp is fixed by patching TimestampSigner.get_timestamp, and zlib
output is deterministic. Rerunnable; CI does not need to run it.

Usage: python3 tests/vectors/cookies/tools/mint_flask.py
(creates target/flask-venv with flask + itsdangerous if not run inside it).
"""
import json
import os
import subprocess
import sys
import uuid
from datetime import datetime, timezone

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
VENV = os.path.join(ROOT, "target", "flask-venv")
OUT = os.path.join(ROOT, "tests", "vectors", "cookies")

try:
    import flask  # noqa: F401
    import itsdangerous
except ImportError:
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
        subprocess.check_call([py, "-m", "pip", "install", "-q", "flask", "itsdangerous"])
    os.execv(py, [py] + sys.argv)

import hashlib  # noqa: E402

from flask import Flask  # noqa: E402
from flask.json.tag import TaggedJSONSerializer  # noqa: E402
from itsdangerous import (  # noqa: E402
    BadSignature, Signer, SignatureExpired, TimestampSigner, URLSafeTimedSerializer)
from markupsafe import Markup  # noqa: E402

T0 = 1700000000
NOW = [T0]
TimestampSigner.get_timestamp = lambda self: NOW[0]

DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256,
           "sha384": hashlib.sha384, "sha512": hashlib.sha512}


def expect_reject(fn, code):
    try:
        fn()
    except BadSignature:
        return {"error": code}
    raise AssertionError("real library accepted a case expected to fail: " + code)


def tamper(cookie, i):
    c = cookie[i]
    return cookie[:i] + ("A" if c != "A" else "B") + cookie[i + 1:]


# ---------------------------------------------------------------- Flask
def flask_cases():
    key, old, older = "flask-interop-secret-key-1", "old-secret-0", "older-secret-00"
    tagger = TaggedJSONSerializer()
    sessions = {
        "flask-simple": {"user_id": 42, "username": "alice"},
        "flask-empty": {},
        "flask-unicode": {"name": "J\u00fcrgen \U0001F36A", "ctl": "a\"b\\c\n\t\x01\x7f", "/": "x/y"},
        "flask-numbers": {"f": 3.0, "g": 1e-07, "h": 2.5, "big": 12345678901234567890,
                          "neg": -7, "z": 0.1, "t": True, "n": None},
        "flask-tag-tuple": {"t": (1, "a", (2,))},
        "flask-tag-bytes": {"b": b"\x00\xffab\xfe"},
        "flask-tag-markup": {"m": Markup("<b>hi</b>")},
        "flask-tag-uuid": {"u": uuid.UUID("12345678-1234-5678-1234-567812345678")},
        "flask-tag-datetime": {"d": datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)},
        "flask-tag-dict": {"d": {" t": "not a tuple"}},
        "flask-tag-mixed": {"d": {" u": "abc"}, "l": [b"ab", (1,), uuid.UUID(int=1),
                            datetime(1999, 12, 31, 23, 59, 59)], "m": Markup("<i>x</i>")},
        "flask-sorted-keys": {"zeta": 1, "alpha": {"y": 2, "b": [3, {"d": 4, "c": 5}]}, "Mid": 0},
        "flask-permanent": {"_permanent": True, "cart": [1, 2, 3]},
        "flask-compressed": {"items": ["item-%d" % (i % 7) for i in range(200)], "k": "v" * 300},
    }
    cases = []

    def app_for(secret, fallbacks=()):
        app = Flask("vectors")
        app.secret_key = secret
        app.config["SECRET_KEY_FALLBACKS"] = list(fallbacks)
        return app, app.session_interface.get_signing_serializer(app)

    app, ser = app_for(key)
    # Flask signs inside an app context: app.json (sort_keys=True) is used only there.
    ctx = app.app_context()
    ctx.push()
    for name, data in sessions.items():
        NOW[0] = T0
        cookie = ser.dumps(data)
        assert tagger.tag(ser.loads(cookie, max_age=2678400)) == tagger.tag(data)
        tagged = tagger.tag(data)
        cases.append({
            "name": name, "secret_key": key, "fallbacks": [], "now": T0,
            # input: tagged JSON, NOT in Flask's form (unsorted, spaced, raw unicode)
            "json": json.dumps(tagged, ensure_ascii=False),
            "cookie": cookie, "compressed": cookie.startswith("."),
            "open_now": T0 + 60, "expect": {"json": tagged},
        })
    simple = next(c for c in cases if c["name"] == "flask-simple")
    c0 = simple["cookie"]

    def reject(name, cookie, code, open_now=T0 + 60, secret=key, fallbacks=()):
        _, s = app_for(secret, fallbacks)
        NOW[0] = open_now
        exp = expect_reject(lambda: s.loads(cookie, max_age=2678400), code)
        cases.append({"name": name, "secret_key": secret, "fallbacks": list(fallbacks),
                      "cookie": cookie, "open_now": open_now, "expect": exp})

    def accept(name, cookie, data, open_now, secret=key, fallbacks=()):
        _, s = app_for(secret, fallbacks)
        NOW[0] = open_now
        assert tagger.tag(s.loads(cookie, max_age=2678400)) == tagger.tag(data)
        cases.append({"name": name, "secret_key": secret, "fallbacks": list(fallbacks),
                      "cookie": cookie, "open_now": open_now,
                      "expect": {"json": tagger.tag(data)}})

    d0 = sessions["flask-simple"]
    accept("flask-age-equals-max-age", c0, d0, T0 + 2678400)
    reject("flask-expired", c0, "EXPIRED", T0 + 2678401)
    reject("flask-future", c0, "ISSUED_IN_FUTURE", T0 - 1)
    reject("flask-wrong-key", c0, "INVALID_SIGNATURE", secret="another-key")
    for i in (0, 10, len(c0.split(".")[0]) + 2, len(c0) - 1):
        reject("flask-tamper-%d" % i, tamper(c0, i), "INVALID_SIGNATURE")
    reject("flask-truncated-sig", c0[:-1], "INVALID_SIGNATURE")
    reject("flask-no-separator", "garbage", "MALFORMED")
    reject("flask-empty-string", "", "MALFORMED")
    # rotation: a cookie signed with an old key opens with it in the fallbacks
    _, s_old = app_for(old)
    NOW[0] = T0
    c_old = s_old.dumps(d0)
    cases.append({"name": "flask-rotation-signed-by-old", "secret_key": old, "fallbacks": [],
                  "now": T0, "json": json.dumps(d0), "cookie": c_old, "compressed": False,
                  "open_now": T0, "expect": {"json": d0}})
    accept("flask-rotation-fallback-opens", c_old, d0, T0 + 5, fallbacks=[older, old])
    reject("flask-rotation-no-fallback", c_old, "INVALID_SIGNATURE")
    # signing uses SECRET_KEY even when fallbacks are configured
    _, s_rot = app_for(key, [older, old])
    NOW[0] = T0
    assert s_rot.dumps(d0) == c0
    cases.append({"name": "flask-rotation-signs-with-current", "secret_key": key,
                  "fallbacks": [older, old], "now": T0, "json": json.dumps(d0), "cookie": c0,
                  "compressed": False, "open_now": T0, "expect": {"json": d0}})
    return cases


# ---------------------------------------------------------- itsdangerous
def itsdangerous_cases():
    cases = []
    secrets = ["secret-a", "secret-b"]
    for kd in ("concat", "django-concat", "hmac", "none"):
        for dg in DIGESTS:
            for kind in ("signer", "timestamp_signer", "serializer"):
                salt = None if kd != "concat" else "custom-salt"
                kw = {"key_derivation": kd, "digest_method": DIGESTS[dg]}
                if salt is not None:
                    kw["salt"] = salt
                NOW[0] = T0
                case = {"name": "%s-%s-%s" % (kind, kd, dg), "kind": kind,
                        "secret_keys": secrets, "salt": salt, "key_derivation": kd,
                        "digest": dg, "sep": ".", "now": T0, "open_now": T0 + 10,
                        "max_age": 100}
                if kind == "signer":
                    s = Signer(secrets, **kw)
                    case["value"] = "hello.world"
                    case["cookie"] = s.sign("hello.world").decode()
                    assert Signer(secrets[-1:], **kw).unsign(case["cookie"]) == b"hello.world"
                    case["expect"] = {"value": "hello.world"}
                elif kind == "timestamp_signer":
                    s = TimestampSigner(secrets, **kw)
                    case["value"] = "v"
                    case["cookie"] = s.sign("v").decode()
                    case["expect"] = {"value": "v"}
                else:
                    kw.pop("salt", None)
                    s = URLSafeTimedSerializer(secrets, salt=salt or "itsdangerous",
                                               signer_kwargs=kw)
                    data = {"b": [1, 2.5, None], "a": "\u00e9\U0001F36A"}
                    case["json"] = json.dumps(data)
                    case["cookie"] = s.dumps(data)
                    case["compressed"] = case["cookie"].startswith(".")
                    case["expect"] = {"json": data}
                cases.append(case)
    base = {"secret_keys": ["k"], "salt": None, "key_derivation": "django-concat",
            "digest": "sha1", "sep": ".", "max_age": 100}
    NOW[0] = T0
    ser = URLSafeTimedSerializer(["k"])
    big = {"list": list(range(300)), "s": "x" * 500}
    c_big = ser.dumps(big)
    assert c_big.startswith(".")
    cases.append(dict(base, name="serializer-compressed", kind="serializer", now=T0,
                      json=json.dumps(big), cookie=c_big, compressed=True,
                      open_now=T0, expect={"json": big}))
    c_sep = TimestampSigner(["k"], sep="~").sign("a.b~c").decode()
    cases.append(dict(base, name="timestamp-signer-sep", kind="timestamp_signer", sep="~",
                      now=T0, value="a.b~c", cookie=c_sep, open_now=T0, expect={"value": "a.b~c"}))
    ts = TimestampSigner(["k"])
    c_ts = ts.sign("v").decode()
    for name, now, code in (("expired", T0 + 101, "EXPIRED"), ("future", T0 - 5, "ISSUED_IN_FUTURE")):
        NOW[0] = now
        exp = expect_reject(lambda: ts.unsign(c_ts, max_age=100), code)
        assert isinstance(exp, dict)
        cases.append(dict(base, name="timestamp-signer-" + name, kind="timestamp_signer",
                          cookie=c_ts, open_now=now, expect=exp))
    NOW[0] = T0
    # rotation: signed by the old key alone, opened by [old, new]
    c_rot = Signer(["old"]).sign("x").decode()
    assert Signer(["old", "new"]).unsign(c_rot) == b"x"
    cases.append(dict(base, name="signer-rotation-old-opens", kind="signer", secret_keys=["old", "new"],
                      cookie=c_rot, open_now=T0, expect={"value": "x"}))
    exp = expect_reject(lambda: Signer(["new"]).unsign(c_rot), "INVALID_SIGNATURE")
    cases.append(dict(base, name="signer-rotation-removed", kind="signer", secret_keys=["new"],
                      cookie=c_rot, open_now=T0, expect=exp))
    c_new = Signer(["old", "new"]).sign("x").decode()
    assert c_new == Signer(["new"]).sign("x").decode()
    cases.append(dict(base, name="signer-rotation-newest-signs", kind="signer",
                      secret_keys=["old", "new"], now=T0, value="x", cookie=c_new,
                      open_now=T0, expect={"value": "x"}))
    for name, cookie, code in (("no-sep", "abc", "MALFORMED"),
                               ("tampered", tamper(c_new, 0), "INVALID_SIGNATURE"),
                               ("bad-b64-sig", c_new[:-1] + "!", "MALFORMED")):
        exp = expect_reject(lambda: Signer(["new"]).unsign(cookie), code)
        cases.append(dict(base, name="signer-" + name, kind="signer", secret_keys=["new"],
                          cookie=cookie, open_now=T0, expect=exp))
    return cases


SCHEMA_FLASK = ("cases[]: name; secret_key; fallbacks (SECRET_KEY_FALLBACKS, oldest first); "
                "optional now + json + cookie + compressed: dumps(json, now) with the real Flask gave cookie "
                "(byte-identical unless compressed: zlib vs other deflate); open_now: loads(cookie, open_now) "
                "with max_age 2678400 gives expect.json (Flask's tagged JSON form) or fails with expect.error (Tessera code)")
SCHEMA_ITS = ("cases[]: name; kind signer|timestamp_signer|serializer; secret_keys (oldest first); salt "
              "(null = class default); key_derivation; digest; sep; optional now + value|json + cookie: the real "
              "itsdangerous sign/dumps at now gave cookie; open_now + max_age (timestamped kinds): unsign/loads "
              "gives expect.value (text) / expect.json, or fails with expect.error (Tessera code)")


def write(name, schema, cases):
    doc = {"_schema": schema, "_generator": "tests/vectors/cookies/tools/mint_flask.py",
           "_versions": {"flask": flask.__version__ if hasattr(flask, "__version__") else "?",
                         "itsdangerous": getattr(itsdangerous, "__version__", "2.x")},
           "cases": cases}
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(name, len(cases), "cases")


if __name__ == "__main__":
    import importlib.metadata as md
    flask.__version__ = md.version("flask")
    itsdangerous.__version__ = md.version("itsdangerous")
    write("flask.json", SCHEMA_FLASK, flask_cases())
    write("itsdangerous.json", SCHEMA_ITS, itsdangerous_cases())
