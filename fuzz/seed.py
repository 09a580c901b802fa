#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets from tests/vectors.

    python3 fuzz/seed.py OUT_DIR

writes OUT_DIR/<target>/<sha1 of the input> for every target in fuzz/Cargo.toml.
Standard library only; deterministic. Each input starts with the mode/flags
byte(s) the target documents at its top (fuzz/fuzz_targets/<target>.rs).
"""

import base64
import hashlib
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VEC = os.path.join(ROOT, "tests", "vectors")
MAX = 8192  # the -max_len scripts/test-fuzz.sh gives libFuzzer

ALGS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512",
        "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]


def load(rel):
    with open(os.path.join(VEC, rel), encoding="utf-8") as f:
        return json.load(f)


def compact(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class Corpus:
    def __init__(self, out):
        self.out = out
        self.counts = {}

    def add(self, target, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        if len(data) > MAX:
            return
        d = os.path.join(self.out, target)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, hashlib.sha1(data).hexdigest())
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            self.counts[target] = self.counts.get(target, 0) + 1


def jose(c):
    files = ["jwt.json", "attacks.json", "rfc.json"] + sorted(
        f for f in os.listdir(VEC) if f.startswith("wycheproof_"))
    for name in files:
        v = load(name)
        keys = v.get("keys", {})
        for k in keys.values():
            if "jwk" in k:
                c.add("jwk", compact(k["jwk"]))
            if "pem" in k:
                mode = 2 * (ALGS.index(k["alg"]) + 1) if k.get("alg") in ALGS else 0
                if k.get("allow_weak"):
                    mode |= 0x80
                c.add("pem_der", bytes([mode]) + k["pem"].encode())
                body = re.sub(r"-----[^-]+-----|\s", "", k["pem"])
                try:
                    c.add("pem_der", bytes([mode | 1]) + base64.b64decode(body))
                except ValueError:
                    pass
        jwks = [k["jwk"] for k in keys.values() if "jwk" in k]
        if jwks:
            c.add("jwk", compact({"keys": jwks[:8]}))
        for case in v.get("cases", []):
            tok = case.get("token")
            if not isinstance(tok, str):
                continue
            c.add("jwt", b"\x00" + tok.encode())
            parts = tok.split(".")
            if len(parts) == 3:
                try:
                    h, p = b64url_decode(parts[0]), b64url_decode(parts[1])
                except ValueError:
                    continue
                c.add("jwt", b"\x01" + h + b"\xff" + p)


def cookies(c):
    native = load("cookies/native.json")
    for case in native["cases"]:
        flags = (1 if case["encrypted"] else 0) | (2 if len(case["secrets"]) > 1 else 0)
        flags |= 4 if case.get("max_age") else 0
        if "value" in case:
            c.add("cookie_native", bytes([flags]) + case["value"].encode())
        if "cookie_header" in case:
            c.add("cookie_native", bytes([flags | 8]) + case["cookie_header"].encode())
            c.add("cookie_header", case["cookie_header"])
        if "seal" in case:
            c.add("cookie_native", bytes([flags | 16]) + case["seal"]["json"].encode())
            c.add("cookie_native", bytes([flags | 24]) + case["seal"]["json"].encode())
        exp = case.get("expect", {})
        if "json" in exp:
            c.add("cookie_native", bytes([flags | 16]) + exp["json"].encode())

    flask = load("cookies/flask.json")
    for case in flask["cases"]:
        fb = 4 if case["fallbacks"] else 0
        c.add("cookie_flask", bytes([fb]) + case["cookie"].encode())
        c.add("cookie_flask", bytes([fb | 1]) + case["cookie"].rsplit(".", 2)[0].encode())
        if "json" in case:
            c.add("cookie_flask", bytes([fb | 2]) + case["json"].encode())

    its = load("cookies/itsdangerous.json")
    secrets = [["secret-a", "secret-b"], ["new"], ["old", "new"], ["k"]]
    digests = ["sha1", "sha256", "sha384", "sha512"]
    kdfs = ["concat", "django-concat", "hmac", "none"]
    for case in its["cases"]:
        if case["secret_keys"] not in secrets or case["salt"] not in (None, "custom-salt"):
            continue
        if case["sep"] not in (".", "~"):
            continue
        op = {"signer": 0, "timestamp_signer": 1, "serializer": 2}[case["kind"]]
        cfg = op | digests.index(case["digest"]) << 2 | kdfs.index(case["key_derivation"]) << 4
        cfg |= 0x40 if case["salt"] else 0
        cfg |= 0x80 if case["sep"] == "~" else 0
        sel = secrets.index(case["secret_keys"])
        c.add("cookie_itsdangerous", bytes([cfg, sel]) + case["cookie"].encode())
        if op == 2:
            payload = case["cookie"].rsplit(case["sep"], 2)[0]
            c.add("cookie_itsdangerous", bytes([cfg | 3, sel]) + payload.encode())

    express = load("cookies/express.json")
    for case in express["cookie_session"] + express["cookie_session_rejected"]:
        if "value" in case and "sig" in case:
            c.add("cookie_express", b"\x00" + case["value"].encode() + b"\xff" + case["sig"].encode())
            c.add("cookie_express", b"\x01" + case["value"].encode())
        if "cookie_header" in case:
            c.add("cookie_express", b"\x02" + case["cookie_header"].encode())
            c.add("cookie_header", case["cookie_header"])
        for line in case.get("set_cookie", []):
            c.add("cookie_header", line)
    for case in express["session_id"]:
        c.add("cookie_express", b"\x03" + case["signed"].encode())
        c.add("cookie_express", b"\x03" + case["wire"].encode())
        c.add("cookie_express", b"\x05" + case["sid"].encode())
        for line in case.get("set_cookie", []):
            c.add("cookie_header", line)
    for case in express["session_id_rejected"]:
        c.add("cookie_express", b"\x03" + case["value"].encode())
    for case in express["session_id_headers"]:
        c.add("cookie_express", b"\x04" + case["cookie_header"].encode())
        c.add("cookie_header", case["cookie_header"])

    rails = load("cookies/rails.json")
    for case in rails["cases"]:
        c.add("cookie_rails", b"\x00" + case["cookie"].encode())
        exp = case.get("expect", {})
        if "json" in exp:
            j = compact(exp["json"])
            c.add("cookie_rails", b"\x02" + j.encode())
            env = {"_rails": {"message": base64.b64encode(j.encode()).decode(),
                              "exp": None, "pur": "cookie." + case["cookie_name"]}}
            c.add("cookie_rails", b"\x01" + compact(env).encode())


def sessions(c):
    sc = load("sessions/scenarios.json")
    created, expires = 1763000000000, 4102444800000
    for s in sc["scenarios"]:
        for step in s["steps"]:
            exp = step.get("expect")
            if step["op"] == "load" and isinstance(exp, dict):
                rec = {"v": 1, "data": exp["data"], "user": exp.get("user"),
                       "created": created, "expires": expires, "version": exp["version"]}
                c.add("session_record", b"\x00" + compact(rec).encode())
            if step["op"] in ("create", "save") and "data" in step:
                rec = {"v": 1, "data": step["data"], "user": step.get("user"),
                       "created": created, "expires": expires, "version": 0}
                c.add("session_record", b"\x00" + compact(rec).encode())
            if step["op"] == "create" and "data" in step:
                # The largest version (an overflow once, see docs/fuzzing.md).
                rec = {"v": 1, "data": step["data"], "user": step.get("user"),
                       "created": created, "expires": expires, "version": 2**64 - 1}
                c.add("session_record", b"\x00" + compact(rec).encode())
            if step["op"] == "revoke":
                c.add("session_record", b"\x01" + compact({"v": 1, "exp": 1763000000 + step.get("exp_in", 0)}).encode())
            if step["op"] == "issue":
                for state in ("active", "rotated"):
                    rec = {"v": 1, "family": "ZmFtaWx5LWlkLTAwMDAwMA", "user": step["user"],
                           "data": step.get("data"), "state": state, "expires": expires}
                    for revoked in (None, "reused", "revoked"):
                        fam = {"v": 1, "user": step["user"], "revoked": revoked}
                        c.add("session_record", b"\x02" + compact(rec).encode() + b"\xff" + compact(fam).encode())


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    c = Corpus(sys.argv[1])
    jose(c)
    cookies(c)
    sessions(c)
    for t in sorted(c.counts):
        print(f"seeds {t}: {c.counts[t]}")


if __name__ == "__main__":
    main()
