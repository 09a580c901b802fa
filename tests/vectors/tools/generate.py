#!/usr/bin/env python3
"""Generates Tessera's language-neutral test vectors (tests/vectors/*.json).

Python 3.11 standard library only. Deterministic: fixed keys and secrets, no
randomness; the only ECDSA/PSS signatures are reused from the RFC and
Wycheproof data. HMAC and RSA PKCS#1 v1.5 signatures are computed here.

    python3 tests/vectors/tools/generate.py            # (re)write the files
    python3 tests/vectors/tools/generate.py --check    # exit 1 if any would change
    python3 tests/vectors/tools/generate.py --shared DIR

The format (schema 1) is documented in tests/vectors/README.md.
"""

import argparse
import base64
import hashlib
import hmac
import json
import sys
import urllib.parse
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parents[1]
# The repository's parent holds shared/vectors (…/work/main/tests/vectors/tools → …/work/shared).
DEFAULT_SHARED = Path(__file__).resolve().parents[4] / "shared" / "vectors"

NOW = 1700000000  # the fixed clock of jwt.json and attacks.json
FAR = 4102444800  # 2100-01-01, a comfortably future exp
APACHE = "Apache-2.0 (Tessera project)"
HASHES = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}


# ---------------------------------------------------------------------------
# Encoding helpers


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def i2b(x: int, length: int = 0) -> bytes:
    return x.to_bytes(max(length, (x.bit_length() + 7) // 8, 1), "big")


def b2i(b: bytes) -> int:
    return int.from_bytes(b, "big")


def cjson(obj) -> str:
    """Compact JSON, key order as written (what the vectors sign)."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def as_bytes(part) -> bytes:
    if isinstance(part, bytes):
        return part
    if isinstance(part, str):
        return part.encode("utf-8")
    return cjson(part).encode("utf-8")


# ---------------------------------------------------------------------------
# HMAC tokens


def mac(alg: str, secret: bytes, msg: bytes) -> bytes:
    return hmac.new(secret, msg, HASHES[alg[2:]]).digest()


def hs_token(secret: bytes, header, payload, alg: str = "HS256") -> str:
    """A token over raw header/payload (dict → compact JSON, str/bytes as is)."""
    signing_input = b64u(as_bytes(header)) + "." + b64u(as_bytes(payload))
    return signing_input + "." + b64u(mac(alg, secret, signing_input.encode()))


def resign(secret: bytes, h64: str, p64: str, alg: str = "HS256") -> str:
    """A token over already-encoded (possibly non-canonical) segments."""
    signing_input = h64 + "." + p64
    return signing_input + "." + b64u(mac(alg, secret, signing_input.encode()))


# ---------------------------------------------------------------------------
# DER / PEM, built by hand


def der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    b = i2b(n)
    return bytes([0x80 | len(b)]) + b


def tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + der_len(len(content)) + content


def der_int(x: int) -> bytes:
    b = i2b(x)
    return tlv(0x02, b"\x00" + b if b[0] & 0x80 else b)


def seq(*parts: bytes) -> bytes:
    return tlv(0x30, b"".join(parts))


def oid(dotted: str) -> bytes:
    nums = [int(x) for x in dotted.split(".")]
    out = bytes([40 * nums[0] + nums[1]])
    for n in nums[2:]:
        chunk = [n & 0x7F]
        n >>= 7
        while n:
            chunk.append(0x80 | (n & 0x7F))
            n >>= 7
        out += bytes(reversed(chunk))
    return tlv(0x06, out)


def bit_string(b: bytes) -> bytes:
    return tlv(0x03, b"\x00" + b)


def octets(b: bytes) -> bytes:
    return tlv(0x04, b)


NULL = b"\x05\x00"
OID_RSA = oid("1.2.840.113549.1.1.1")
OID_EC = oid("1.2.840.10045.2.1")
OID_CURVE = {"P-256": oid("1.2.840.10045.3.1.7"), "P-384": oid("1.3.132.0.34")}
OID_ED25519 = oid("1.3.101.112")


def pem(label: str, der: bytes) -> str:
    body = base64.b64encode(der).decode("ascii")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def jwk_int(jwk: dict, name: str) -> int:
    return b2i(unb64u(jwk[name]))


def rsa_pkcs1_public(jwk: dict) -> bytes:
    return seq(der_int(jwk_int(jwk, "n")), der_int(jwk_int(jwk, "e")))


def rsa_pkcs1_private(jwk: dict) -> bytes:
    names = ["n", "e", "d", "p", "q", "dp", "dq", "qi"]
    return seq(der_int(0), *(der_int(jwk_int(jwk, n)) for n in names))


def rsa_spki(jwk: dict) -> bytes:
    return seq(seq(OID_RSA, NULL), bit_string(rsa_pkcs1_public(jwk)))


def rsa_pkcs8(jwk: dict) -> bytes:
    return seq(der_int(0), seq(OID_RSA, NULL), octets(rsa_pkcs1_private(jwk)))


def ec_point(jwk: dict) -> bytes:
    return b"\x04" + unb64u(jwk["x"]) + unb64u(jwk["y"])


def ec_spki(jwk: dict) -> bytes:
    return seq(seq(OID_EC, OID_CURVE[jwk["crv"]]), bit_string(ec_point(jwk)))


def ec_sec1(jwk: dict, with_curve: bool) -> bytes:
    parts = [der_int(1), octets(unb64u(jwk["d"]))]
    if with_curve:
        parts.append(tlv(0xA0, OID_CURVE[jwk["crv"]]))
    parts.append(tlv(0xA1, bit_string(ec_point(jwk))))
    return seq(*parts)


def ec_pkcs8(jwk: dict) -> bytes:
    alg_id = seq(OID_EC, OID_CURVE[jwk["crv"]])
    return seq(der_int(0), alg_id, octets(ec_sec1(jwk, with_curve=False)))


def ed_spki(jwk: dict) -> bytes:
    return seq(seq(OID_ED25519), bit_string(unb64u(jwk["x"])))


def ed_pkcs8(jwk: dict) -> bytes:
    return seq(der_int(0), seq(OID_ED25519), octets(octets(unb64u(jwk["d"]))))


def ecdsa_p1363_to_der(sig: bytes) -> bytes:
    half = len(sig) // 2
    return seq(der_int(b2i(sig[:half])), der_int(b2i(sig[half:])))


def thumbprint(jwk: dict) -> str:
    """RFC 7638 (required members only, sorted, no whitespace)."""
    req = {"RSA": ["e", "kty", "n"], "EC": ["crv", "kty", "x", "y"], "OKP": ["crv", "kty", "x"],
           "oct": ["k", "kty"]}[jwk["kty"]]
    canon = {k: jwk[k] for k in req}
    if jwk["kty"] == "RSA":  # minimal big-endian integers
        canon["n"] = b64u(i2b(jwk_int(jwk, "n")))
        canon["e"] = b64u(i2b(jwk_int(jwk, "e")))
    return b64u(hashlib.sha256(cjson(canon).encode()).digest())


def public_jwk(jwk: dict) -> dict:
    private = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}
    return {k: v for k, v in jwk.items() if k not in private}


# ---------------------------------------------------------------------------
# RSA PKCS#1 v1.5 signing (deterministic) and a fixed 1024-bit key

DIGEST_INFO = {
    "256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "512": bytes.fromhex("3051300d060960864801650304020305000440"),
}


def rsa_sign(jwk: dict, alg: str, msg: bytes) -> bytes:
    n, d = jwk_int(jwk, "n"), jwk_int(jwk, "d")
    k = (n.bit_length() + 7) // 8
    t = DIGEST_INFO[alg[2:]] + HASHES[alg[2:]](msg).digest()
    em = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return i2b(pow(b2i(em), d, n), k)


def rs_token(jwk: dict, header, payload, alg: str = "RS256") -> str:
    signing_input = b64u(as_bytes(header)) + "." + b64u(as_bytes(payload))
    return signing_input + "." + b64u(rsa_sign(jwk, alg, signing_input.encode()))


SMALL_PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71]


def is_probable_prime(n: int) -> bool:
    if n < 2:
        return False
    for p in SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for a in SMALL_PRIMES:  # fixed bases: deterministic output
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def fixed_prime(label: bytes, bits: int, e: int) -> int:
    x = b2i(hashlib.sha512(label).digest()[: bits // 8]) | (3 << (bits - 2)) | 1
    while not (is_probable_prime(x) and (x - 1) % e != 0):
        x += 2
    return x


def rsa_jwk_from_primes(p: int, q: int, e: int = 65537) -> dict:
    n, d = p * q, pow(e, -1, (p - 1) * (q - 1))
    vals = {"n": n, "e": e, "d": d, "p": p, "q": q, "dp": d % (p - 1), "dq": d % (q - 1),
            "qi": pow(q, -1, p)}
    return {"kty": "RSA", **{k: b64u(i2b(v)) for k, v in vals.items()}}


RSA1024 = rsa_jwk_from_primes(fixed_prime(b"tessera-vectors-rsa1024-p", 512, 65537),
                              fixed_prime(b"tessera-vectors-rsa1024-q", 512, 65537))
assert jwk_int(RSA1024, "n").bit_length() == 1024


# ---------------------------------------------------------------------------
# P-384 arithmetic, only to derive the public point of a fixed private scalar

P384 = {
    "p": 2**384 - 2**128 - 2**96 + 2**32 - 1,
    "b": 0xB3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF,
    "n": 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
    "G": (0xAA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7,
          0x3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F),
}


def ec_add(c, P, Q):
    p = c["p"]
    if P is None:
        return Q
    if Q is None:
        return P
    if P[0] == Q[0] and (P[1] + Q[1]) % p == 0:
        return None
    if P == Q:
        lam = (3 * P[0] * P[0] - 3) * pow(2 * P[1], -1, p) % p
    else:
        lam = (Q[1] - P[1]) * pow(Q[0] - P[0], -1, p) % p
    x = (lam * lam - P[0] - Q[0]) % p
    return x, (lam * (P[0] - x) - P[1]) % p


def ec_mul(c, k, P):
    R = None
    while k:
        if k & 1:
            R = ec_add(c, R, P)
        P, k = ec_add(c, P, P), k >> 1
    return R


def p384_jwk(label: bytes) -> dict:
    c = P384
    gx, gy = c["G"]
    assert (gy * gy - (gx**3 - 3 * gx + c["b"])) % c["p"] == 0
    assert ec_mul(c, c["n"], c["G"]) is None
    d = b2i(hashlib.sha384(label).digest()) % c["n"]
    x, y = ec_mul(c, d, c["G"])
    return {"kty": "EC", "crv": "P-384", "x": b64u(i2b(x, 48)), "y": b64u(i2b(y, 48)),
            "d": b64u(i2b(d, 48))}


# ---------------------------------------------------------------------------
# Output


def case(id_, op, expect, **inputs):
    c = {"id": id_, "op": op}
    comment = inputs.pop("comment", None)
    source = inputs.pop("source", None)
    c.update(inputs)
    c["expect"] = expect
    if comment:
        c["comment"] = comment
    if source:
        c["source"] = source
    return c


def err(code, claim=None):
    return {"error": code} if claim is None else {"error": code, "claim": claim}


def dump(doc: dict) -> str:
    """Stable layout: header fields, one line per key, one line per case."""
    enc = lambda v: json.dumps(v, ensure_ascii=True, separators=(", ", ": "))  # noqa: E731
    out = ["{"]
    for k in ("suite", "schema", "description", "source", "license"):
        out.append(f"  {enc(k)}: {enc(doc[k])},")
    keys = list(doc["keys"].items())
    out.append('  "keys": {' + ("" if keys else "},"))
    for i, (name, spec) in enumerate(keys):
        out.append(f"    {enc(name)}: {enc(spec)}" + ("," if i < len(keys) - 1 else ""))
    if keys:
        out.append("  },")
    out.append('  "cases": [')
    cases = doc["cases"]
    for i, c in enumerate(cases):
        out.append("    " + enc(c) + ("," if i < len(cases) - 1 else ""))
    out.append("  ]")
    out.append("}")
    return "\n".join(out) + "\n"


def document(suite, description, source, license_, keys, cases):
    ids = [c["id"] for c in cases]
    dupes = {i for i in ids if ids.count(i) > 1}
    assert not dupes, f"duplicate case ids in {suite}: {sorted(dupes)}"
    for c in cases:
        for ref in [c.get("key")] + c.get("keys", []) + c.get("verify_keys", []):
            assert ref is None or ref in keys, f"{suite}/{c['id']}: unknown key {ref}"
    return {"suite": suite, "schema": 1, "description": description, "source": source,
            "license": license_, "keys": keys, "cases": cases}


# ---------------------------------------------------------------------------
# rfc.json


def rfc_suite(shared: Path) -> dict:
    data = json.loads((shared / "rfc_vectors.json").read_text())
    vectors = {v["id"]: v for v in data["vectors"]}
    keys, cases = {}, []
    hs_key_of_a1 = "rfc7515-A.1"

    for v in data["vectors"]:
        vid, alg = v["id"], v["alg"]
        src = v["source"]
        if alg == "none":
            continue
        unsupported = alg == "ES512"
        priv, pub = vid + "-private", vid + "-public"
        if v["jwk"]["kty"] == "oct":
            priv = pub = vid
            keys[vid] = {"jwk": v["jwk"], "alg": alg}
        else:
            keys[priv] = {"jwk": v["jwk"]} if unsupported else {"jwk": v["jwk"], "alg": alg}
            keys[pub] = {"jwk": v["jwk_public"]} if unsupported else {"jwk": v["jwk_public"], "alg": alg}

        if unsupported:
            for name in (priv, pub):
                cases.append(case(f"{name}-load", "load_key", err("UNSUPPORTED_ALGORITHM"), key=name,
                                  comment="P-521 is not implemented (ring has no P-521)", source=src))
            keys[pub + "-as-es512"] = {"jwk": v["jwk_public"], "alg": "ES512"}
            cases.append(case(f"{pub}-load-alg-es512", "load_key", err("UNSUPPORTED_ALGORITHM"),
                              key=pub + "-as-es512", comment="alg ES512 itself is unsupported", source=src))
            for label, token in [("", v["compact"])] + [("-" + n["name"], n["compact"])
                                                        for n in v["negative_variants"]]:
                cases.append(case(f"{vid}-verify{label}", "jws_verify", err("UNSUPPORTED_ALGORITHM"),
                                  keys=[hs_key_of_a1], token=token,
                                  comment="header alg ES512 is refused before any key is used",
                                  source=src))
            continue

        if v["detached_payload"]:
            b64_false = '"b64":false' in v["protected_header_utf8"]
            expect = err("UNSUPPORTED_CRITICAL_HEADER") if b64_false else {"payload_hex": v["payload_hex"]}
            cases.append(case(f"{vid}-verify-detached", "jws_verify", expect, keys=[pub], token=v["compact"],
                              detached_payload_hex=v["payload_hex"], source=src,
                              comment=("RFC 7797 unencoded payload (crit b64) is not implemented"
                                       if b64_false else "detached content (RFC 7515 appendix F)")))
            if not b64_false:
                h64, _, s64 = v["compact"].split(".")
                cases.append(case(f"{vid}-detached-payload-segment-not-empty", "jws_verify", err("MALFORMED"),
                                  keys=[pub], token=f"{h64}.{v['payload_b64']}.{s64}",
                                  detached_payload_hex=v["payload_hex"], source=src,
                                  comment="a detached JWS must have an empty payload segment"))
                cases.append(case(f"{vid}-verify-detached-wrong-payload", "jws_verify", err("INVALID_SIGNATURE"),
                                  keys=[pub], token=v["compact"], detached_payload_hex=v["payload_hex"] + "00",
                                  source=src))
        else:
            cases.append(case(f"{vid}-verify", "jws_verify", {"payload_hex": v["payload_hex"]},
                              keys=[pub], token=v["compact"], source=src))
            if priv != pub:
                cases.append(case(f"{vid}-verify-with-private-key", "jws_verify",
                                  {"payload_hex": v["payload_hex"]}, keys=[priv], token=v["compact"],
                                  source=src))
            for n in v["negative_variants"]:
                assert n["expected_error"] == "InvalidSignature"
                cases.append(case(f"{vid}-{n['name']}", "jws_verify", err("INVALID_SIGNATURE"),
                                  keys=[pub], token=n["compact"], source=src))

        if v["deterministic_signature"]:
            b64_false = '"b64":false' in v["protected_header_utf8"]
            payload_part = v["payload_utf8"] if b64_false else v["payload_b64"]
            msg = v["protected_header_b64"] + "." + payload_part
            if v["jwk"]["kty"] == "oct":
                assert b64u(mac(alg, unb64u(v["jwk"]["k"]), msg.encode())) == v["signature_b64"]
            if alg.startswith("RS"):
                assert b64u(rsa_sign(v["jwk"], alg, msg.encode())) == v["signature_b64"]
            cases.append(case(f"{vid}-sign", "sign_signature", {"sig_b64u": v["signature_b64"]}, key=priv,
                              msg_utf8=msg, source=src,
                              comment="signing input = protected header b64 '.' payload"
                                      + (" (raw, b64=false)" if b64_false else " b64")))
            sig = unb64u(v["signature_b64"])
            cases.append(case(f"{vid}-verify-signature", "verify_signature", {"valid": True}, key=pub,
                              msg_hex=msg.encode().hex(), sig_hex=sig.hex(), source=src))

    # A.5: alg none
    a5 = vectors["rfc7515-A.5"]
    cases.append(case("rfc7515-A.5-verify", "jws_verify", err("ALGORITHM_NOT_ALLOWED"), keys=[hs_key_of_a1],
                      token=a5["compact"], source=a5["source"], comment="alg none is never accepted"))
    cases.append(case("rfc7515-A.5-jwt-decode", "jwt_decode", err("ALGORITHM_NOT_ALLOWED"),
                      keys=[hs_key_of_a1], token=a5["compact"], validation={"now": 1300819379},
                      source=a5["source"]))

    # A.1/A.2/A.3 as JWTs (exp 1300819380).
    claims = {"iss": "joe", "exp": 1300819380, "http://example.com/is_root": True}
    for vid in ("rfc7515-A.1", "rfc7515-A.2", "rfc7515-A.3"):
        v = vectors[vid]
        assert json.loads(v["payload_utf8"]) == claims
        k = vid if v["jwk"]["kty"] == "oct" else vid + "-public"
        cases.append(case(f"{vid}-jwt-valid-before-exp", "jwt_decode",
                          {"claims": claims, "registered": {"iss": "joe", "exp": 1300819380, "sub": None}},
                          keys=[k], token=v["compact"], validation={"now": 1300819379}, source=v["source"]))
        cases.append(case(f"{vid}-jwt-expired-at-exp", "jwt_decode", err("EXPIRED", "exp"), keys=[k],
                          token=v["compact"], validation={"now": 1300819380}, source=v["source"],
                          comment="expired iff exp <= now - leeway"))
        cases.append(case(f"{vid}-jwt-expired-real-clock", "jwt_decode", err("EXPIRED", "exp"), keys=[k],
                          token=v["compact"], source=v["source"], comment="no now: the system clock (after 2011)"))
        cases.append(case(f"{vid}-jwt-leeway", "jwt_decode", {"claims": claims}, keys=[k],
                          token=v["compact"], validation={"now": 1300819390, "leeway": 11},
                          source=v["source"]))
    v = vectors["rfc7797-4.2"]
    cases.append(case("rfc7797-4.2-jwt-decode", "jwt_decode", err("UNSUPPORTED_CRITICAL_HEADER"),
                      keys=["rfc7797-4.2"], token=v["compact"], source=v["source"],
                      comment="a JWT API must always reject b64=false"))

    # RFC 7638 §3.1 thumbprint example and thumbprints of the RFC keys.
    keys["rfc7638-3.1"] = {"jwk": {
        "kty": "RSA",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        "e": "AQAB", "alg": "RS256", "kid": "2011-04-29"}}
    assert thumbprint(keys["rfc7638-3.1"]["jwk"]) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    cases.append(case("rfc7638-3.1-thumbprint", "load_key",
                      {"alg": "RS256", "kid": "2011-04-29", "private": False,
                       "thumbprint": "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"},
                      key="rfc7638-3.1", source="RFC 7638 section 3.1"))
    for name, spec in list(keys.items()):
        jwk = spec["jwk"]
        if name.startswith("rfc7638") or jwk.get("crv") == "P-521":
            continue
        cases.append(case(f"{name}-load", "load_key",
                          {"alg": spec["alg"], "kid": jwk.get("kid"), "private": "d" in jwk or "k" in jwk,
                           "thumbprint": thumbprint(jwk)}, key=name))

    return document(
        "rfc", "Published JWS examples: RFC 7515 appendix A, RFC 8037 A.4, RFC 7520 section 4, "
        "RFC 7797 section 4.2, RFC 7638 section 3.1, with negative variants and JWT validation of the "
        "A.1-A.3 claims.",
        "RFC 7515, RFC 7520, RFC 7638, RFC 7797, RFC 8037, via shared/vectors/rfc_vectors.json "
        "(format_version %s)" % data["format_version"],
        "IETF Trust Legal Provisions: code components of RFCs are under the Revised BSD License",
        keys, cases)


# ---------------------------------------------------------------------------
# wycheproof_*.json

WYCHEPROOF = [
    ("wycheproof_ecdsa_p256", "ecdsa_p256_sha256_p1363.json"),
    ("wycheproof_ecdsa_p384", "ecdsa_p384_sha384_p1363.json"),
    ("wycheproof_ed25519", "ed25519.json"),
    ("wycheproof_rsa_pkcs1_2048", "rsa_pkcs1v15_2048_sha256.json"),
    ("wycheproof_rsa_pss_2048", "rsa_pss_2048_sha256_mgf1_32.json"),
    ("wycheproof_hmac_sha256", "hmac_sha256.json"),
]
WYCHEPROOF_EXPECT = {"valid": {"valid": True}, "invalid": err("INVALID_SIGNATURE"),
                     "reject_key": err("INVALID_KEY")}


def wycheproof_suite(suite: str, path: Path) -> dict:
    data = json.loads(path.read_text())
    keys, names, cases = {}, {}, []
    for t in data["tests"]:
        k = t["key"]
        jwk = k["jwk"] if "jwk" in k else {"kty": "oct", "k": k["k"]}
        canon = cjson(dict(sorted(jwk.items())))
        if canon not in names:
            names[canon] = f"k{len(names) + 1}"
            keys[names[canon]] = {"jwk": jwk, "alg": t["alg"]}
        assert keys[names[canon]]["alg"] == t["alg"]
        note = t["comment"] or "-"
        note += f" [result {t['result']}; flags {', '.join(t['flags'])}]"
        cases.append(case(t["id"], "verify_signature", WYCHEPROOF_EXPECT[t["jws_expected"]],
                          key=names[canon], msg_hex=t["msg_hex"], sig_hex=t["sig_hex"], comment=note,
                          source=f"tcId {t['tcId']}"))
    return document(
        suite, f"Wycheproof {data['jws_alg']} signature/MAC tests at the primitive level "
        "(Key::verify over the raw message). jws_expected is the strict JWS answer: acceptable -> invalid, "
        "truncated HMAC tags -> invalid, HMAC keys shorter than the hash -> INVALID_KEY.",
        data["source"] + "; converted by shared/vectors (" + path.name + ")",
        "Apache-2.0 (C2SP/wycheproof, https://github.com/C2SP/wycheproof)", keys, cases)


# ---------------------------------------------------------------------------
# Shared keys of jwt.json and attacks.json

S256 = b"tessera-vectors-hs256-secret-001"
S256_OTHER = b"tessera-vectors-hs256-secret-002"
S384 = b"tessera-vectors-hs384-secret-0001-abcdefghijklmn"
S512 = b"tessera-vectors-hs512-secret-0001-abcdefghijklmnopqrstuvwxyz0123"
assert (len(S256), len(S256_OTHER), len(S384), len(S512)) == (32, 32, 48, 64)


def rfc_jwks(shared: Path) -> dict:
    data = json.loads((shared / "rfc_vectors.json").read_text())
    v = {x["id"]: x for x in data["vectors"]}
    strip = lambda j: {k: x for k, x in j.items() if k not in ("kid", "use", "alg")}  # noqa: E731
    return {"rsa": strip(v["rfc7515-A.2"]["jwk"]), "rsa_other": strip(v["rfc7520-4.1"]["jwk"]),
            "es256": strip(v["rfc7515-A.3"]["jwk"]), "ed": strip(v["rfc8037-A.4"]["jwk"]),
            "es384": p384_jwk(b"tessera-vectors-p384-key-1")}


def asym_keys(j: dict) -> dict:
    """Private/public JWK and PEM keyspecs for every asymmetric algorithm."""
    keys = {}
    for alg in ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"):
        keys[alg.lower()] = {"jwk": j["rsa"], "alg": alg}
        keys[alg.lower() + "-pub"] = {"jwk": public_jwk(j["rsa"]), "alg": alg}
    for alg, name, jwk in (("ES256", "es256", j["es256"]), ("ES384", "es384", j["es384"]),
                           ("EdDSA", "eddsa", j["ed"])):
        keys[name] = {"jwk": jwk, "alg": alg}
        keys[name + "-pub"] = {"jwk": public_jwk(jwk), "alg": alg}
    keys["rs256-pkcs8-pem"] = {"pem": pem("PRIVATE KEY", rsa_pkcs8(j["rsa"]))}
    keys["rs256-pkcs1-pem"] = {"pem": pem("RSA PRIVATE KEY", rsa_pkcs1_private(j["rsa"]))}
    keys["rs256-spki-pem"] = {"pem": pem("PUBLIC KEY", rsa_spki(j["rsa"]))}
    keys["rs256-pkcs1-pub-pem"] = {"pem": pem("RSA PUBLIC KEY", rsa_pkcs1_public(j["rsa"]))}
    keys["ps384-pkcs8-pem"] = {"pem": pem("PRIVATE KEY", rsa_pkcs8(j["rsa"])), "alg": "PS384"}
    keys["ps384-spki-pem"] = {"pem": pem("PUBLIC KEY", rsa_spki(j["rsa"])), "alg": "PS384"}
    keys["es256-pkcs8-pem"] = {"pem": pem("PRIVATE KEY", ec_pkcs8(j["es256"]))}
    keys["es256-sec1-pem"] = {"pem": pem("EC PRIVATE KEY", ec_sec1(j["es256"], with_curve=True))}
    keys["es256-spki-pem"] = {"pem": pem("PUBLIC KEY", ec_spki(j["es256"]))}
    keys["es384-pkcs8-pem"] = {"pem": pem("PRIVATE KEY", ec_pkcs8(j["es384"]))}
    keys["es384-spki-pem"] = {"pem": pem("PUBLIC KEY", ec_spki(j["es384"]))}
    keys["eddsa-pkcs8-pem"] = {"pem": pem("PRIVATE KEY", ed_pkcs8(j["ed"]))}
    keys["eddsa-spki-pem"] = {"pem": pem("PUBLIC KEY", ed_spki(j["ed"]))}
    return keys


# ---------------------------------------------------------------------------
# jwt.json


def jwt_suite(shared: Path) -> dict:
    j = rfc_jwks(shared)
    keys = {
        "hs256": {"secret_utf8": S256.decode(), "alg": "HS256"},
        "hs256-other": {"secret_utf8": S256_OTHER.decode(), "alg": "HS256"},
        "hs256-k1": {"secret_utf8": S256.decode(), "alg": "HS256", "kid": "k1"},
        "hs256-other-k3": {"secret_utf8": S256_OTHER.decode(), "alg": "HS256", "kid": "k3"},
        "hs384": {"secret_hex": S384.hex(), "alg": "HS384"},
        "hs384-k2": {"secret_hex": S384.hex(), "alg": "HS384", "kid": "k2"},
        "hs512": {"secret_hex": S512.hex(), "alg": "HS512"},
        "hs256-jwk": {"jwk": {"kty": "oct", "k": b64u(S256), "kid": "jwk-kid"}},
        "hs256-default-alg": {"secret_utf8": S256.decode()},
        "hs256-short": {"secret_utf8": "short-secret", "alg": "HS256"},
        "hs256-short-weak": {"secret_utf8": "short-secret", "alg": "HS256", "allow_weak": True},
        "hs384-32-bytes": {"secret_utf8": S256.decode(), "alg": "HS384"},
        "hs256-empty-weak": {"secret_hex": "", "alg": "HS256", "allow_weak": True},
        "rsa1024-pub": {"jwk": public_jwk(RSA1024), "alg": "RS256"},
        "rsa1024-pub-weak": {"jwk": public_jwk(RSA1024), "alg": "RS256", "allow_weak": True},
        "rsa1024-pub-weak-ps256": {"jwk": public_jwk(RSA1024), "alg": "PS256", "allow_weak": True},
        "rsa1024-private-weak": {"jwk": RSA1024, "alg": "RS256", "allow_weak": True},
        "rsa-as-es256": {"jwk": public_jwk(j["rsa"]), "alg": "ES256"},
        "rsa-as-hs256": {"jwk": public_jwk(j["rsa"]), "alg": "HS256"},
        "es256-as-es384": {"jwk": public_jwk(j["es256"]), "alg": "ES384"},
        "jwk-alg-mismatch": {"jwk": {**public_jwk(j["es256"]), "alg": "ES256"}, "alg": "ES384"},
        "jwk-alg-none": {"jwk": {"kty": "oct", "k": b64u(S256), "alg": "none"}},
        "jwk-use-enc": {"jwk": {"kty": "oct", "k": b64u(S256), "use": "enc"}},
        "jwk-kty-unknown": {"jwk": {"kty": "XYZ"}},
        "jwk-x25519": {"jwk": {"kty": "OKP", "crv": "X25519", "x": j["ed"]["x"]}},
        "ec-point-off-curve": {"jwk": {**public_jwk(j["es256"]), "y": j["es256"]["x"]}},
        "pem-garbage": {"pem": "-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----\n"},
        "pem-none": {"pem": "no pem block here"},
        "pem-encrypted": {"pem": pem("ENCRYPTED PRIVATE KEY", seq(seq(oid("1.2.840.113549.1.5.13")), octets(b"x")))},
        "jwk-key-ops-encrypt": {"jwk": {"kty": "oct", "k": b64u(S256), "key_ops": ["encrypt"]}},
        "jwk-key-ops-verify": {"jwk": {**public_jwk(j["es256"]), "key_ops": ["verify"]}},
        "jwk-oct-as-rs256": {"jwk": {"kty": "oct", "k": b64u(S256)}, "alg": "RS256"},
        "jwk-ec-missing-y": {"jwk": {k: v for k, v in public_jwk(j["es256"]).items() if k != "y"}},
        "jwk-rsa-huge-exponent": {"jwk": {**public_jwk(j["rsa"]), "e": b64u(b"\x01" + bytes(8) + b"\x01")}},
        "jwk-rsa-even-exponent": {"jwk": {**public_jwk(j["rsa"]), "e": b64u(i2b(65536))}},
        "jwk-rsa-exponent-1": {"jwk": {**public_jwk(j["rsa"]), "e": "AQ"}},
        "jwk-rsa-wrong-d": {"jwk": {**j["rsa"], "d": j["rsa_other"]["d"]}},
        "jwk-kid-replaced": {"jwk": {**public_jwk(j["es256"]), "kid": "from-jwk"}, "kid": "from-options"},
        "es256-sec1-pem-with-params-crlf": {"pem": (pem("EC PARAMETERS", OID_CURVE["P-256"])
                                                    + pem("EC PRIVATE KEY", ec_sec1(j["es256"], True))).replace("\n", "\r\n")},
    }
    keys.update(asym_keys(j))
    cases = []
    H = {"alg": "HS256", "typ": "JWT"}
    tok = lambda claims, header=H, secret=S256, alg="HS256": hs_token(secret, header, claims, alg)  # noqa: E731
    val = lambda **kw: {"now": NOW, **kw}  # noqa: E731

    def dec(id_, claims, expect, keys_=("hs256",), header=H, validation=None, comment=None, secret=S256,
            alg="HS256"):
        token = tok(claims, header, secret, alg)
        cases.append(case(id_, "jwt_decode", expect, keys=list(keys_), token=token,
                          validation=val(**(validation or {})), comment=comment))

    # --- keys
    def load(name, expect, comment=None):
        cases.append(case(f"key-{name}", "load_key", expect, key=name, comment=comment))

    load("hs256", {"alg": "HS256", "kid": None, "private": True, "thumbprint": thumbprint({"kty": "oct", "k": b64u(S256)})})
    load("hs256-jwk", {"alg": "HS256", "kid": "jwk-kid", "private": True})
    load("hs256-default-alg", {"alg": "HS256"}, "a raw secret without alg binds to HS256")
    load("hs256-short", err("INVALID_KEY"), "HMAC secrets shorter than the hash are refused (RFC 7518 3.2)")
    load("hs256-short-weak", {"alg": "HS256", "private": True}, "allow_weak accepts a short secret")
    load("hs384-32-bytes", err("INVALID_KEY"), "HS384 needs at least 48 bytes")
    load("hs256-empty-weak", err("INVALID_KEY"), "an empty secret is refused even with allow_weak")
    load("rsa1024-pub", err("INVALID_KEY"), "RSA moduli under 2048 bits are refused")
    load("rsa1024-pub-weak", {"alg": "RS256", "private": False}, "allow_weak: 1024-bit RSA may verify RS256")
    load("rsa1024-pub-weak-ps256", err("INVALID_KEY"), "weak RSA keys verify RS256/RS512 only")
    load("rsa1024-private-weak", err("INVALID_KEY"), "weak RSA keys never sign")
    load("rsa-as-es256", err("INVALID_KEY"), "alg must match the key type")
    load("rsa-as-hs256", err("INVALID_KEY"), "an RSA key can never be an HMAC key")
    load("es256-as-es384", err("INVALID_KEY"), "a P-256 key is ES256 only")
    load("jwk-alg-mismatch", err("INVALID_KEY"), "KeyOptions alg must agree with the JWK alg")
    load("jwk-alg-none", err("ALGORITHM_NOT_ALLOWED"))
    load("jwk-use-enc", err("INVALID_KEY"))
    load("jwk-kty-unknown", err("UNSUPPORTED_ALGORITHM"))
    load("jwk-x25519", err("UNSUPPORTED_ALGORITHM"))
    load("ec-point-off-curve", err("INVALID_KEY"))
    load("pem-garbage", err("INVALID_KEY"))
    load("pem-none", err("INVALID_KEY"))
    load("pem-encrypted", err("INVALID_KEY"), "encrypted PKCS#8 is not supported")
    load("jwk-key-ops-encrypt", err("INVALID_KEY"), "key_ops allows neither sign nor verify")
    load("jwk-key-ops-verify", {"alg": "ES256", "private": False})
    load("jwk-oct-as-rs256", err("INVALID_KEY"))
    load("jwk-ec-missing-y", err("INVALID_KEY"))
    load("jwk-rsa-huge-exponent", err("INVALID_KEY"), "exponents over 64 bits are refused")
    load("jwk-rsa-even-exponent", err("INVALID_KEY"))
    load("jwk-rsa-exponent-1", err("INVALID_KEY"))
    load("jwk-rsa-wrong-d", err("INVALID_KEY"), "d must agree with dp/dq (ring itself never reads d)")
    load("jwk-kid-replaced", {"kid": "from-options"}, "KeyOptions kid replaces the JWK kid")
    load("es256-sec1-pem-with-params-crlf", {"alg": "ES256", "private": True, "thumbprint": thumbprint(j["es256"])},
         "OpenSSL layout: an EC PARAMETERS block first; CRLF line ends")
    for name, spec in asym_keys(j).items():
        pub = name.endswith("-pub") or "spki" in name or "pub-pem" in name
        src = {"rs": j["rsa"], "ps": j["rsa"], "es": j["es384"] if "384" in name else j["es256"],
               "ed": j["ed"]}[name[:2]]
        alg = spec.get("alg") or {"rs": "RS256", "es": "ES384" if "384" in name else "ES256",
                                  "ed": "EdDSA"}[name[:2]]
        load(name, {"alg": alg, "kid": None, "private": not pub, "thumbprint": thumbprint(src)})

    # --- valid tokens and registered claims
    full = {"iss": "https://issuer.example", "sub": "user-1", "aud": "api", "exp": NOW + 3600,
            "nbf": NOW - 60, "iat": NOW - 60, "jti": "id-1", "name": "Ada", "roles": ["a", "b"],
            "nested": {"k": [1, 2.5, None, True]}}
    dec("valid-all-registered", full,
        {"claims": full, "registered": {"iss": "https://issuer.example", "sub": "user-1", "aud": ["api"],
                                        "exp": NOW + 3600, "nbf": NOW - 60, "iat": NOW - 60, "jti": "id-1"}},
        validation={"issuer": "https://issuer.example", "audience": "api", "subject": "user-1"})
    dec("valid-minimal", {"exp": NOW + 1},
        {"claims": {"exp": NOW + 1}, "registered": {"exp": NOW + 1, "iss": None, "sub": None, "aud": None,
                                                    "nbf": None, "iat": None, "jti": None}})
    for alg, secret, name in (("HS384", S384, "hs384"), ("HS512", S512, "hs512")):
        dec(f"valid-{name}", {"exp": NOW + 10}, {"claims": {"exp": NOW + 10}}, keys_=[name],
            header={"alg": alg, "typ": "JWT"}, secret=secret, alg=alg)
    dec("valid-no-typ-header", {"exp": NOW + 10}, {"claims": {"exp": NOW + 10}}, header={"alg": "HS256"})
    dec("valid-unicode-claims", {"exp": NOW + 10, "name": "Zo\u00eb \u2603 \U0001F600"},
        {"claims": {"exp": NOW + 10, "name": "Zo\u00eb \u2603 \U0001F600"}})

    # --- exp
    dec("exp-past", {"exp": NOW - 1}, err("EXPIRED", "exp"))
    dec("exp-equal-now", {"exp": NOW}, err("EXPIRED", "exp"), comment="expired iff exp <= now - leeway")
    dec("exp-future", {"exp": NOW + 1}, {"registered": {"exp": NOW + 1}})
    dec("exp-leeway-boundary", {"exp": NOW - 30}, err("EXPIRED", "exp"), validation={"leeway": 30})
    dec("exp-within-leeway", {"exp": NOW - 29}, {"registered": {"exp": NOW - 29}}, validation={"leeway": 30})
    dec("exp-float-future", {"exp": NOW + 0.5}, {"registered": {"exp": NOW + 0.5}})
    dec("exp-float-past", {"exp": NOW - 0.5}, err("EXPIRED", "exp"))
    dec("exp-float-zero-fraction", f'{{"exp":{NOW + 1}.0}}', {"registered": {"exp": NOW + 1}})
    dec("exp-exponent-notation", '{"exp":4.1e9}', {"registered": {"exp": 4.1e9}})
    dec("exp-negative", {"exp": -1}, err("EXPIRED", "exp"))
    dec("exp-verify-false", {"exp": NOW - 1000}, {"registered": {"exp": NOW - 1000}},
        validation={"verify_exp": False})
    dec("exp-missing-default-required", {"sub": "x"}, err("MISSING_CLAIM", "exp"))
    dec("exp-missing-required-empty", {"sub": "x"}, {"claims": {"sub": "x"}}, validation={"required": []})
    dec("exp-missing-verify-exp-false", {"sub": "x"}, err("MISSING_CLAIM", "exp"),
        validation={"verify_exp": False}, comment="verify_exp does not change required")
    dec("exp-string", {"exp": str(NOW + 10)}, err("INVALID_CLAIM", "exp"))
    dec("exp-null", {"exp": None}, err("INVALID_CLAIM", "exp"))
    dec("exp-bool", {"exp": True}, err("INVALID_CLAIM", "exp"))
    dec("exp-array", {"exp": [NOW + 10]}, err("INVALID_CLAIM", "exp"))
    dec("exp-object", {"exp": {"t": NOW + 10}}, err("INVALID_CLAIM", "exp"))
    dec("exp-string-required-empty", {"exp": "soon"}, err("INVALID_CLAIM", "exp"),
        validation={"required": [], "verify_exp": False}, comment="types are checked even when not verified")

    # --- nbf
    dec("nbf-future", {"exp": FAR, "nbf": NOW + 1}, err("NOT_YET_VALID", "nbf"))
    dec("nbf-now", {"exp": FAR, "nbf": NOW}, {"registered": {"nbf": NOW}})
    dec("nbf-within-leeway", {"exp": FAR, "nbf": NOW + 30}, {"registered": {"nbf": NOW + 30}},
        validation={"leeway": 30})
    dec("nbf-beyond-leeway", {"exp": FAR, "nbf": NOW + 31}, err("NOT_YET_VALID", "nbf"),
        validation={"leeway": 30})
    dec("nbf-verify-false", {"exp": FAR, "nbf": NOW + 1000}, {"registered": {"nbf": NOW + 1000}},
        validation={"verify_nbf": False})
    dec("nbf-string", {"exp": FAR, "nbf": "0"}, err("INVALID_CLAIM", "nbf"))
    dec("nbf-float-future", {"exp": FAR, "nbf": NOW + 0.25}, err("NOT_YET_VALID", "nbf"))

    # --- iat and max_age
    dec("iat-future", {"exp": FAR, "iat": NOW + 1}, err("ISSUED_IN_FUTURE", "iat"))
    dec("iat-future-within-leeway", {"exp": FAR, "iat": NOW + 30}, {"registered": {"iat": NOW + 30}},
        validation={"leeway": 30})
    dec("iat-string", {"exp": FAR, "iat": "yesterday"}, err("INVALID_CLAIM", "iat"))
    dec("max-age-boundary", {"exp": FAR, "iat": NOW - 100}, {"registered": {"iat": NOW - 100}},
        validation={"max_age": 100}, comment="too old iff iat + max_age + leeway < now")
    dec("max-age-too-old", {"exp": FAR, "iat": NOW - 101}, err("TOO_OLD", "iat"), validation={"max_age": 100})
    dec("max-age-leeway", {"exp": FAR, "iat": NOW - 101}, {"registered": {"iat": NOW - 101}},
        validation={"max_age": 100, "leeway": 1})
    dec("max-age-missing-iat", {"exp": FAR}, err("MISSING_CLAIM", "iat"), validation={"max_age": 100})
    dec("max-age-zero-now", {"exp": FAR, "iat": NOW}, {"registered": {"iat": NOW}}, validation={"max_age": 0})

    # --- iss
    iss = "https://issuer.example"
    dec("iss-match", {"exp": FAR, "iss": iss}, {"registered": {"iss": iss}}, validation={"issuer": iss})
    dec("iss-list-match", {"exp": FAR, "iss": iss}, {"registered": {"iss": iss}},
        validation={"issuer": ["https://other.example", iss]})
    dec("iss-wrong", {"exp": FAR, "iss": "https://evil.example"}, err("INVALID_ISSUER", "iss"),
        validation={"issuer": iss})
    dec("iss-list-wrong", {"exp": FAR, "iss": "https://evil.example"}, err("INVALID_ISSUER", "iss"),
        validation={"issuer": [iss, "https://other.example"]})
    dec("iss-case-sensitive", {"exp": FAR, "iss": iss.upper()}, err("INVALID_ISSUER", "iss"),
        validation={"issuer": iss})
    dec("iss-missing", {"exp": FAR}, err("MISSING_CLAIM", "iss"), validation={"issuer": iss})
    dec("iss-number", {"exp": FAR, "iss": 42}, err("INVALID_CLAIM", "iss"))
    dec("iss-not-checked", {"exp": FAR, "iss": "anything"}, {"registered": {"iss": "anything"}})
    dec("iss-required", {"exp": FAR}, err("MISSING_CLAIM", "iss"), validation={"required": ["exp", "iss"]})

    # --- aud
    dec("aud-string", {"exp": FAR, "aud": "api"}, {"registered": {"aud": ["api"]}},
        validation={"audience": "api"})
    dec("aud-array", {"exp": FAR, "aud": ["web", "api"]}, {"registered": {"aud": ["web", "api"]}},
        validation={"audience": "api"})
    dec("aud-accepted-list", {"exp": FAR, "aud": "api"}, {"registered": {"aud": ["api"]}},
        validation={"audience": ["other", "api"]})
    dec("aud-array-mismatch", {"exp": FAR, "aud": ["web", "mobile"]}, err("INVALID_AUDIENCE", "aud"),
        validation={"audience": "api"})
    dec("aud-string-mismatch", {"exp": FAR, "aud": "apis"}, err("INVALID_AUDIENCE", "aud"),
        validation={"audience": "api"})
    dec("aud-empty-array", {"exp": FAR, "aud": []}, err("INVALID_AUDIENCE", "aud"),
        validation={"audience": "api"})
    dec("aud-missing", {"exp": FAR}, err("MISSING_CLAIM", "aud"), validation={"audience": "api"})
    dec("aud-not-configured", {"exp": FAR, "aud": "api"}, err("INVALID_AUDIENCE", "aud"),
        comment="a token with aud is rejected when no audience is configured (RFC 7519 4.1.3)")
    dec("aud-number-array", {"exp": FAR, "aud": [1]}, err("INVALID_CLAIM", "aud"),
        validation={"audience": "api"})
    dec("aud-mixed-array", {"exp": FAR, "aud": ["api", 1]}, err("INVALID_CLAIM", "aud"),
        validation={"audience": "api"})
    dec("aud-number", {"exp": FAR, "aud": 7}, err("INVALID_CLAIM", "aud"), validation={"audience": "api"})

    # --- sub, jti
    dec("sub-match", {"exp": FAR, "sub": "user-1"}, {"registered": {"sub": "user-1"}},
        validation={"subject": "user-1"})
    dec("sub-mismatch", {"exp": FAR, "sub": "user-2"}, err("INVALID_SUBJECT", "sub"),
        validation={"subject": "user-1"})
    dec("sub-missing", {"exp": FAR}, err("MISSING_CLAIM", "sub"), validation={"subject": "user-1"})
    dec("sub-number", {"exp": FAR, "sub": 1}, err("INVALID_CLAIM", "sub"))
    dec("jti-number", {"exp": FAR, "jti": 1}, err("INVALID_CLAIM", "jti"))
    dec("jti-required-missing", {"exp": FAR}, err("MISSING_CLAIM", "jti"), validation={"required": ["jti"]})

    # --- typ (header)
    at = {"alg": "HS256", "typ": "at+jwt"}
    dec("typ-application-prefix", {"exp": FAR}, {"registered": {"exp": FAR}}, header=at,
        validation={"typ": "application/at+jwt"})
    dec("typ-exact", {"exp": FAR}, {"registered": {"exp": FAR}}, header=at, validation={"typ": "at+jwt"})
    dec("typ-case-insensitive", {"exp": FAR}, {"registered": {"exp": FAR}},
        header={"alg": "HS256", "typ": "AT+JWT"}, validation={"typ": "at+jwt"})
    dec("typ-header-prefixed", {"exp": FAR}, {"registered": {"exp": FAR}},
        header={"alg": "HS256", "typ": "Application/AT+JWT"}, validation={"typ": "at+jwt"})
    dec("typ-mismatch", {"exp": FAR}, err("INVALID_TYPE", "typ"), validation={"typ": "at+jwt"})
    dec("typ-missing", {"exp": FAR}, err("INVALID_TYPE", "typ"), header={"alg": "HS256"},
        validation={"typ": "at+jwt"})
    dec("typ-not-checked", {"exp": FAR}, {"registered": {"exp": FAR}}, header={"alg": "HS256", "typ": "foo"})

    # --- required custom claims
    dec("required-custom-missing", {"exp": FAR}, err("MISSING_CLAIM", "tenant"),
        validation={"required": ["exp", "tenant"]})
    dec("required-custom-present", {"exp": FAR, "tenant": None}, {"claims": {"exp": FAR, "tenant": None}},
        validation={"required": ["exp", "tenant"]}, comment="presence is what counts, any value")
    dec("required-second-custom-missing", {"exp": FAR, "a": 1}, err("MISSING_CLAIM", "b"),
        validation={"required": ["a", "b"]})
    dec("required-nested-not-top-level", {"exp": FAR, "x": {"tenant": 1}}, err("MISSING_CLAIM", "tenant"),
        validation={"required": ["tenant"]})

    # --- order of checks (first failure wins)
    dec("order-type-before-missing", {"exp": "x"}, err("INVALID_CLAIM", "exp"),
        validation={"issuer": iss})
    dec("order-missing-before-expired", {"exp": NOW - 1}, err("MISSING_CLAIM", "iss"),
        validation={"required": ["exp", "iss"]})
    dec("order-expired-before-issuer", {"exp": NOW - 1, "iss": "evil"}, err("EXPIRED", "exp"),
        validation={"issuer": iss})
    dec("order-nbf-before-iat", {"exp": FAR, "nbf": NOW + 5, "iat": NOW + 5}, err("NOT_YET_VALID", "nbf"))
    dec("order-issuer-before-audience", {"exp": FAR, "iss": "evil", "aud": "x"},
        err("INVALID_ISSUER", "iss"), validation={"issuer": iss, "audience": "api"})
    dec("order-audience-before-subject", {"exp": FAR, "aud": "x", "sub": "y"},
        err("INVALID_AUDIENCE", "aud"), validation={"audience": "api", "subject": "z"})
    dec("order-subject-before-typ", {"exp": FAR, "sub": "y"}, err("INVALID_SUBJECT", "sub"),
        validation={"subject": "z", "typ": "at+jwt"})
    dec("order-signature-before-claims", {"exp": NOW - 1}, err("INVALID_SIGNATURE"), secret=S256_OTHER)

    # --- algorithms and key selection
    dec("algorithms-exclude-key-alg", {"exp": FAR}, err("ALGORITHM_NOT_ALLOWED"),
        validation={"algorithms": ["HS384"]})
    dec("algorithms-include-key-alg", {"exp": FAR}, {"registered": {"exp": FAR}},
        validation={"algorithms": ["HS512", "HS256"]})
    dec("algorithms-none-name", {"exp": FAR}, err("ALGORITHM_NOT_ALLOWED"),
        validation={"algorithms": ["none"]}, comment="\"none\" cannot even be named in algorithms")
    dec("key-alg-differs-from-token", {"exp": FAR}, err("ALGORITHM_NOT_ALLOWED"), keys_=["hs384"],
        comment="default algorithms are the keys' algorithms")
    dec("kid-not-in-set", {"exp": FAR}, err("KEY_NOT_FOUND"), keys_=["hs256-k1"],
        header={"alg": "HS256", "kid": "k9"})
    dec("kid-selects-key", {"exp": FAR}, {"registered": {"exp": FAR}}, keys_=["hs256-other-k3", "hs256-k1"],
        header={"alg": "HS256", "kid": "k1"})
    dec("kid-selects-wrong-key", {"exp": FAR}, err("INVALID_SIGNATURE"), keys_=["hs256-other-k3", "hs256-k1"],
        header={"alg": "HS256", "kid": "k3"}, comment="kid picks exactly one key; no fallback")
    dec("kid-selects-other-alg", {"exp": FAR}, err("ALGORITHM_NOT_ALLOWED"), keys_=["hs256-k1", "hs384-k2"],
        header={"alg": "HS256", "kid": "k2"})
    dec("kid-on-key-without-kid", {"exp": FAR}, err("KEY_NOT_FOUND"), keys_=["hs256"],
        header={"alg": "HS256", "kid": "k1"}, comment="a token kid only matches keys with that kid")
    dec("no-kid-tries-matching-keys", {"exp": FAR}, {"registered": {"exp": FAR}},
        keys_=["hs256-other", "hs384", "hs256"], comment="the second HS256 key verifies")
    dec("no-kid-keys-with-kid", {"exp": FAR}, {"registered": {"exp": FAR}}, keys_=["hs256-other-k3", "hs256-k1"],
        comment="without a token kid, keys with a kid are tried too")
    dec("no-kid-no-key-for-alg", {"exp": FAR}, err("KEY_NOT_FOUND"), keys_=["hs384"],
        validation={"algorithms": ["HS256", "HS384"]})
    dec("wrong-key", {"exp": FAR}, err("INVALID_SIGNATURE"), keys_=["hs256-other"])
    dec("duplicate-kid-in-set", {"exp": FAR}, err("INVALID_ARGUMENT"), keys_=["hs256-k1", "hs256-k1"])
    dec("no-keys", {"exp": FAR}, err("INVALID_ARGUMENT"), keys_=[], comment="a verifier needs a key")
    dec("algorithms-empty", {"exp": FAR}, err("INVALID_ARGUMENT"), validation={"algorithms": []})
    dec("max-token-bytes-zero", {"exp": FAR}, err("INVALID_ARGUMENT"), validation={"max_token_bytes": 0})
    dec("key-load-error-wins", {"exp": FAR}, err("INVALID_KEY"), keys_=["hs256", "hs256-short"],
        comment="every key of the set must load")

    # --- weak RSA verification (allow_weak) with a fixed 1024-bit key
    t = rs_token(RSA1024, {"alg": "RS256", "typ": "JWT"}, {"exp": FAR})
    cases.append(case("rsa1024-weak-verifies-rs256", "jwt_decode", {"claims": {"exp": FAR}},
                      keys=["rsa1024-pub-weak"], token=t, validation=val()))
    cases.append(case("rsa1024-refused-without-allow-weak", "jwt_decode", err("INVALID_KEY"),
                      keys=["rsa1024-pub"], token=t, validation=val()))

    # --- jwt_encode: exact tokens
    def enc(id_, key, claims_json, expect_header=None, header_json=None, secret=S256, alg="HS256",
            error=None, comment=None):
        inputs = {"key": key, "claims_json": claims_json}
        if header_json is not None:
            inputs["header_json"] = header_json
        if error:
            expect = err(error)
        else:
            expect = {"token": hs_token(secret, expect_header, claims_json.encode(), alg)}
        cases.append(case(id_, "jwt_encode", expect, comment=comment, **inputs))

    cj = cjson({"sub": "user-1", "exp": FAR})
    enc("encode-hs256", "hs256", cj, '{"alg":"HS256","typ":"JWT"}')
    enc("encode-hs384", "hs384", cj, '{"alg":"HS384","typ":"JWT"}', secret=S384, alg="HS384")
    enc("encode-hs512", "hs512", cj, '{"alg":"HS512","typ":"JWT"}', secret=S512, alg="HS512")
    enc("encode-key-kid", "hs256-k1", cj, '{"alg":"HS256","typ":"JWT","kid":"k1"}')
    enc("encode-claims-byte-for-byte", "hs256", ' {"z":1, "a":[2,1],\n"exp":4102444800} ',
        '{"alg":"HS256","typ":"JWT"}', comment="claims are signed exactly as given, whitespace and order kept")
    enc("encode-unicode-claims", "hs256", '{"name":"Zo\u00eb \u2603","exp":4102444800}',
        '{"alg":"HS256","typ":"JWT"}')
    enc("encode-header-extras-sorted", "hs256-k1", cj, '{"alg":"HS256","typ":"at+jwt","kid":"k1","b":[1,"x"],"cty":"x","zz":1}',
        header_json='{"zz":1,"kid":"k1","cty":"x","typ":"at+jwt","b":[1,"x"]}',
        comment="alg, typ, kid first; other members sorted by name")
    enc("encode-header-alg-same", "hs256", cj, '{"alg":"HS256","typ":"JWT"}', header_json='{"alg":"HS256"}')
    enc("encode-header-kid-without-key-kid", "hs256", cj, '{"alg":"HS256","typ":"JWT","kid":"given"}',
        header_json='{"kid":"given"}')
    enc("encode-header-empty", "hs256", cj, '{"alg":"HS256","typ":"JWT"}', header_json="{}")
    enc("encode-header-typ-override", "hs256", cj, '{"alg":"HS256","typ":"at+jwt"}',
        header_json='{"typ":"at+jwt"}')
    enc("encode-header-nested-sorted", "hs256", cj, '{"alg":"HS256","typ":"JWT","ext":{"a":2,"b":1}}',
        header_json='{"ext":{"b":1,"a":2}}', comment="nested header objects are re-serialized sorted")
    enc("encode-header-crit", "hs256", cj, header_json='{"crit":["exp"],"exp":1}', error="INVALID_ARGUMENT")
    enc("encode-header-b64", "hs256", cj, header_json='{"b64":false}', error="INVALID_ARGUMENT")
    enc("encode-header-alg-different", "hs256", cj, header_json='{"alg":"HS512"}', error="INVALID_ARGUMENT")
    enc("encode-header-alg-none", "hs256", cj, header_json='{"alg":"none"}', error="INVALID_ARGUMENT")
    enc("encode-header-kid-differs", "hs256-k1", cj, header_json='{"kid":"k2"}', error="INVALID_ARGUMENT")
    enc("encode-header-kid-number", "hs256", cj, header_json='{"kid":1}', error="INVALID_ARGUMENT")
    enc("encode-header-typ-number", "hs256", cj, header_json='{"typ":1}', error="INVALID_ARGUMENT")
    enc("encode-header-cty-null", "hs256", cj, header_json='{"cty":null}', error="INVALID_ARGUMENT")
    enc("encode-header-not-object", "hs256", cj, header_json='["alg"]', error="INVALID_ARGUMENT")
    enc("encode-header-duplicate", "hs256", cj, header_json='{"typ":"a","typ":"b"}', error="INVALID_ARGUMENT")
    enc("encode-claims-array", "hs256", "[1,2]", error="INVALID_ARGUMENT")
    enc("encode-claims-string", "hs256", '"sub"', error="INVALID_ARGUMENT")
    enc("encode-claims-invalid-json", "hs256", '{"exp":1,}', error="INVALID_ARGUMENT")
    enc("encode-claims-duplicate", "hs256", '{"exp":1,"exp":2}', error="INVALID_ARGUMENT")
    enc("encode-claims-trailing-data", "hs256", '{"exp":1}{}', error="INVALID_ARGUMENT")
    enc("encode-public-key", "es256-pub", cj, error="INVALID_KEY", comment="a public key cannot sign")
    enc("encode-weak-key", "hs256-short", cj, error="INVALID_KEY", comment="the key itself fails to load")

    # --- jwt_roundtrip: every algorithm, JWK and PEM keys
    rt_claims = cjson({"iss": iss, "sub": "user-1", "aud": ["api"], "exp": FAR, "iat": NOW})
    rt_val = val(issuer=iss, audience="api")
    rt_expect = {"claims": json.loads(rt_claims),
                 "registered": {"iss": iss, "sub": "user-1", "aud": ["api"], "exp": FAR, "iat": NOW}}

    def rt(id_, key, verify, expect=rt_expect, header_json=None, validation=rt_val, comment=None):
        extra = {"header_json": header_json} if header_json is not None else {}
        cases.append(case(id_, "jwt_roundtrip", expect, key=key, verify_keys=verify, claims_json=rt_claims,
                          validation=validation, comment=comment, **extra))

    for name in ("hs256", "hs384", "hs512"):
        rt(f"roundtrip-{name}", name, [name])
    for name in ("rs256", "rs384", "rs512", "ps256", "ps384", "ps512", "es256", "es384", "eddsa"):
        rt(f"roundtrip-{name}", name, [name + "-pub"])
        rt(f"roundtrip-{name}-verify-with-private", name, [name])
    rt("roundtrip-rs256-pkcs8-to-spki", "rs256-pkcs8-pem", ["rs256-spki-pem"])
    rt("roundtrip-rs256-pkcs1-to-pkcs1", "rs256-pkcs1-pem", ["rs256-pkcs1-pub-pem"])
    rt("roundtrip-rs256-pem-to-jwk", "rs256-pkcs8-pem", ["rs256-pub"])
    rt("roundtrip-ps384-pem", "ps384-pkcs8-pem", ["ps384-spki-pem"])
    rt("roundtrip-es256-pkcs8-to-spki", "es256-pkcs8-pem", ["es256-spki-pem"])
    rt("roundtrip-es256-sec1-to-jwk", "es256-sec1-pem", ["es256-pub"])
    rt("roundtrip-es384-pem", "es384-pkcs8-pem", ["es384-spki-pem"])
    rt("roundtrip-eddsa-pem", "eddsa-pkcs8-pem", ["eddsa-spki-pem"])
    rt("roundtrip-typ", "es256", ["es256-pub"], header_json='{"typ":"at+jwt"}',
       validation={**rt_val, "typ": "application/at+jwt"})
    rt("roundtrip-ps256-verified-as-rs256", "ps256", ["rs256-pub"], expect=err("ALGORITHM_NOT_ALLOWED"),
       comment="same RSA key, different alg binding")
    rt("roundtrip-es256-mixed-set", "es256", ["es256-pkcs8-pem", "eddsa-pub"], expect=rt_expect,
       comment="keys of other algs in the set are skipped")
    rt("roundtrip-rs256-other-key", "rs256", ["rs256-pub-other"], expect=err("INVALID_SIGNATURE"))
    keys["rs256-pub-other"] = {"jwk": public_jwk(j["rsa_other"]), "alg": "RS256"}
    rt("roundtrip-expired", "eddsa", ["eddsa-pub"], validation={**rt_val, "now": FAR},
       expect=err("EXPIRED", "exp"))
    rt("roundtrip-audience-mismatch", "es384", ["es384-pub"], validation={**rt_val, "audience": "web"},
       expect=err("INVALID_AUDIENCE", "aud"))

    # --- decode_unverified
    def unv(id_, token, expect, comment=None):
        cases.append(case(id_, "decode_unverified", expect, token=token, comment=comment))

    c = {"sub": "user-1", "exp": NOW - 10}
    unv("unverified-basic", tok(c), {"header": H, "claims": c}, "no signature or claim checks")
    unv("unverified-bad-signature", tok(c, secret=S256_OTHER), {"header": H, "claims": c})
    unv("unverified-alg-none", b64u(b'{"alg":"none"}') + "." + b64u(cjson(c).encode()) + ".",
        {"header": {"alg": "none"}, "claims": c})
    unv("unverified-two-segments", tok(c).rsplit(".", 1)[0], err("MALFORMED"))
    unv("unverified-payload-array", tok([1, 2]), err("MALFORMED"))
    unv("unverified-header-duplicate", tok(c, header='{"alg":"HS256","alg":"HS256"}'), err("MALFORMED"))
    unv("unverified-claims-duplicate", tok('{"exp":1,"exp":2}'), err("MALFORMED"))
    unv("unverified-signature-not-base64url", tok(c) + "*", err("MALFORMED"))
    unv("unverified-too-large", "a" * 16385, err("TOO_LARGE"))

    return document(
        "jwt", "JWT validation (claims, leeway, key selection), exact HS* encoding, round trips for every "
        f"algorithm with JWK and PEM keys, key loading, unverified decoding. Fixed clock now={NOW}.",
        "hand-written; tokens minted by tests/vectors/tools/generate.py; asymmetric keys from RFC 7515 A.2/A.3, "
        "RFC 7520 3.4, RFC 8037 A.1 plus a fixed P-384 key and a fixed 1024-bit RSA key derived by the script",
        APACHE, keys, cases)


# ---------------------------------------------------------------------------
# attacks.json


def mutate_trailing_bits(seg: str) -> str:
    """Sets unused low bits of the last character (a non-canonical encoding)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    unused = {2: 4, 3: 2}[len(seg) % 4]
    v = alphabet.index(seg[-1])
    assert v & ((1 << unused) - 1) == 0
    out = seg[:-1] + alphabet[v | 1]
    assert unb64u(out) == unb64u(seg)  # a lenient decoder sees the same bytes
    return out


def pad(seg: str) -> str:
    return seg + "=" * (-len(seg) % 4 or 1)


def attacks_suite(shared: Path) -> dict:
    j = rfc_jwks(shared)
    rfc = {v["id"]: v for v in json.loads((shared / "rfc_vectors.json").read_text())["vectors"]}
    spki_pem = pem("PUBLIC KEY", rsa_spki(j["rsa"]))
    keys = {
        "hs256": {"secret_utf8": S256.decode(), "alg": "HS256"},
        "hs256-k1": {"secret_utf8": S256.decode(), "alg": "HS256", "kid": "k1"},
        "attacker-hs256": {"secret_utf8": S256_OTHER.decode(), "alg": "HS256"},
        "rs256-pub": {"jwk": public_jwk(j["rsa"]), "alg": "RS256"},
        "rs256-pub-pem": {"pem": spki_pem},
        "attacker-rs256-pub": {"jwk": public_jwk(j["rsa_other"]), "alg": "RS256"},
        "es256-pub": {"jwk": public_jwk(j["es256"]), "alg": "ES256"},
    }
    cases = []
    H = {"alg": "HS256", "typ": "JWT"}
    C = {"sub": "user-1", "exp": FAR}
    good = hs_token(S256, H, C)
    val = {"now": NOW}

    def dec(id_, token, expect, keys_=("hs256",), validation=None, comment=None):
        cases.append(case(id_, "jwt_decode", expect, keys=list(keys_), token=token,
                          validation={**val, **(validation or {})}, comment=comment))

    dec("control-valid", good, {"claims": C}, comment="the unmodified token every attack starts from")

    # --- alg none, in every letter case (all 16)
    casings = ["".join(c.upper() if bit >> i & 1 else c for i, c in enumerate("none")) for bit in range(16)]
    assert len(set(casings)) == 16
    for name in casings:
        h64, p64 = b64u(cjson({"alg": name, "typ": "JWT"}).encode()), b64u(cjson(C).encode())
        dec(f"alg-{name}-empty-signature", f"{h64}.{p64}.", err("ALGORITHM_NOT_ALLOWED"))
        dec(f"alg-{name}-with-signature", resign(S256, h64, p64), err("ALGORITHM_NOT_ALLOWED"),
            comment="MACed with the real key, still refused")
    dec("alg-none-rfc7515-A.5", rfc["rfc7515-A.5"]["compact"], err("ALGORITHM_NOT_ALLOWED"),
        validation={"now": 1300819379})

    # --- algorithm confusion: HS256 MACed with the RSA public key's PEM text
    confused = hs_token(spki_pem.encode(), H, C)
    dec("hs256-with-rsa-public-pem-as-secret", confused, err("ALGORITHM_NOT_ALLOWED"), keys_=["rs256-pub-pem"],
        comment="HS256 is not the key's algorithm (RS256)")
    dec("hs256-with-rsa-public-pem-as-secret-jwk", confused, err("ALGORITHM_NOT_ALLOWED"), keys_=["rs256-pub"])
    dec("hs256-with-rsa-public-pem-algorithms-listed", confused, err("KEY_NOT_FOUND"), keys_=["rs256-pub-pem"],
        validation={"algorithms": ["HS256", "RS256"]},
        comment="HS256 passes the algorithms list, but no key is bound to HS256, so none is tried")
    dec("hs256-with-rsa-public-pem-kid", hs_token(spki_pem.encode(), {"alg": "HS256", "kid": "rsa"}, C),
        err("ALGORITHM_NOT_ALLOWED"), keys_=["rs256-pub-kid"], validation={"algorithms": ["HS256", "RS256"]},
        comment="kid selects the RSA key, whose alg (RS256) differs from the token's")
    keys["rs256-pub-kid"] = {"pem": spki_pem, "kid": "rsa"}
    keys["pem-text-as-hmac-secret"] = {"secret_utf8": spki_pem, "alg": "HS256"}
    dec("hs256-with-rsa-public-pem-control", confused, {"claims": C}, keys_=["pem-text-as-hmac-secret"],
        comment="the token is well-formed: it verifies only when the caller explicitly makes the PEM text an HS256 secret")
    # The same with other renderings of public keys as the MAC secret: EC PEM, DER, JWK JSON text.
    ec_pem = pem("PUBLIC KEY", ec_spki(j["es256"]))
    keys["es256-pub-pem"] = {"pem": ec_pem}
    for label, secret, key_names in (
            ("ec-public-pem", ec_pem.encode(), ["es256-pub-pem"]),
            ("ec-public-pem-jwk", ec_pem.encode(), ["es256-pub"]),
            ("rsa-spki-der", rsa_spki(j["rsa"]), ["rs256-pub"]), ("ec-spki-der", ec_spki(j["es256"]), ["es256-pub"]),
            ("rsa-jwk-json", cjson(public_jwk(j["rsa"])).encode(), ["rs256-pub"]),
            ("ec-jwk-json", cjson(public_jwk(j["es256"])).encode(), ["es256-pub"]),
            ("ec-raw-point", ec_point(j["es256"]), ["es256-pub"])):
        dec(f"hs256-with-{label}-as-secret", hs_token(secret, H, C), err("ALGORITHM_NOT_ALLOWED"), keys_=key_names,
            comment="HMAC over the public key's bytes: HS256 is not the key's algorithm")

    # --- ECDSA
    e_h64, e_p64 = b64u(b'{"alg":"ES256"}'), b64u(cjson(C).encode())
    dec("ecdsa-r-s-zero", f"{e_h64}.{e_p64}.{b64u(bytes(64))}", err("INVALID_SIGNATURE"), keys_=["es256-pub"],
        comment="r = s = 0 (CVE-2022-21449 class)")
    dec("ecdsa-empty-signature", f"{e_h64}.{e_p64}.", err("INVALID_SIGNATURE"), keys_=["es256-pub"])
    a3 = rfc["rfc7515-A.3"]
    h64, p64, s64 = a3["compact"].split(".")
    der_sig = ecdsa_p1363_to_der(unb64u(s64))
    cases.append(case("ecdsa-control-p1363", "jws_verify", {"payload_hex": a3["payload_hex"]}, keys=["es256-pub"],
                      token=a3["compact"], source=a3["source"]))
    cases.append(case("ecdsa-der-signature", "jws_verify", err("INVALID_SIGNATURE"), keys=["es256-pub"],
                      token=f"{h64}.{p64}.{b64u(der_sig)}", source=a3["source"],
                      comment="the valid RFC 7515 A.3 signature re-encoded as DER; JWS requires r||s"))

    # r and s out of range, or zero next to a valid partner (s >= n and r >= n must not be reduced mod n).
    # ES256: the RFC 7515 A.3 token with its signature altered. ES384: no published ES384 JWS exists and
    # ECDSA signatures are only reused, so a valid Wycheproof P-384 signature at the primitive level.
    def scalar_variants(r: int, s: int, n: int, size: int):
        top = 2 ** (8 * size) - 1
        return [("s-equals-n", r, n), ("s-n-plus-1", r, n + 1), ("s-max", r, top), ("s-plus-n", r, s + n),
                ("r-equals-n", n, s), ("r-n-plus-1", n + 1, s), ("r-max", top, s), ("r-plus-n", r + n, s),
                ("r-zero-valid-s", 0, s), ("s-zero-valid-r", r, 0), ("r-s-equal-n", n, n)]

    def p1363(r: int, s: int, size: int) -> bytes:
        return i2b(r, size) + i2b(s, size)

    N256 = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    sig = unb64u(s64)
    r, s = b2i(sig[:32]), b2i(sig[32:])
    for label, rr, ss in scalar_variants(r, s, N256, 32):
        if rr >= 2**256 or ss >= 2**256:
            continue  # r + n or s + n does not fit the 32-byte field
        cases.append(case(f"ecdsa-es256-{label}", "jws_verify", err("INVALID_SIGNATURE"), keys=["es256-pub"],
                          token=f"{h64}.{p64}.{b64u(p1363(rr, ss, 32))}", source=a3["source"],
                          comment="RFC 7515 A.3 with r/s replaced"))
    cases.append(case("ecdsa-es256-high-s", "jws_verify", {"payload_hex": a3["payload_hex"]}, keys=["es256-pub"],
                      token=f"{h64}.{p64}.{b64u(p1363(r, N256 - s, 32))}", source=a3["source"],
                      comment="(r, n - s) is the same signature (ECDSA is malleable; JWS does not require "
                              "low s): accepted, pinned"))
    p384 = json.loads((shared / "wycheproof" / "ecdsa_p384_sha384_p1363.json").read_text())
    w = next(t for t in p384["tests"] if t["result"] == "valid" and t["tcId"] == 1)
    keys["es384-wycheproof"] = {"jwk": w["key"]["jwk"], "alg": "ES384"}
    wsig = bytes.fromhex(w["sig_hex"])
    r, s = b2i(wsig[:48]), b2i(wsig[48:])
    src = f"Wycheproof ecdsa_p384_sha384_p1363 tcId {w['tcId']}, altered"
    cases.append(case("ecdsa-es384-control", "verify_signature", {"valid": True}, key="es384-wycheproof",
                      msg_hex=w["msg_hex"], sig_hex=wsig.hex(), source=src[:-9]))
    for label, rr, ss in scalar_variants(r, s, P384["n"], 48):
        if rr >= 2**384 or ss >= 2**384:
            continue
        cases.append(case(f"ecdsa-es384-{label}", "verify_signature", err("INVALID_SIGNATURE"),
                          key="es384-wycheproof", msg_hex=w["msg_hex"], sig_hex=p1363(rr, ss, 48).hex(), source=src))
    cases.append(case("ecdsa-es384-high-s", "verify_signature", {"valid": True}, key="es384-wycheproof",
                      msg_hex=w["msg_hex"], sig_hex=p1363(r, P384["n"] - s, 48).hex(), source=src,
                      comment="(r, n - s) is the same signature: accepted, pinned"))

    # --- header-supplied keys are never used
    atk_k = b64u(S256_OTHER)
    for name, extra in (("jwk", {"jwk": {"kty": "oct", "k": atk_k}}), ("jku", {"jku": "https://attacker.example/jwks"}),
                        ("x5u", {"x5u": "https://attacker.example/cert.pem"}),
                        ("x5c", {"x5c": [base64.b64encode(rsa_spki(j["rsa_other"])).decode()]})):
        t = hs_token(S256_OTHER, {"alg": "HS256", **extra}, C)
        dec(f"header-{name}-attacker-key", t, err("INVALID_SIGNATURE"),
            comment=f"signed with the attacker's key named by {name}")
        dec(f"header-{name}-control-attacker-key", t, {"claims": C}, keys_=["attacker-hs256"],
            comment="well-formed: only the key differs")
    t = hs_token(S256_OTHER, {"alg": "HS256", "kid": "attacker", "jku": "https://attacker.example/jwks"}, C)
    dec("header-jku-with-kid", t, err("KEY_NOT_FOUND"), keys_=["hs256-k1"])
    atk_pub = public_jwk(j["rsa_other"])
    t = rs_token(j["rsa_other"], {"alg": "RS256", "jwk": atk_pub}, C)
    dec("header-jwk-rsa-attacker-key", t, err("INVALID_SIGNATURE"), keys_=["rs256-pub"],
        comment="RS256 signed by the attacker's RSA key embedded as header jwk")
    dec("header-jwk-rsa-control", t, {"claims": C}, keys_=["attacker-rs256-pub"])

    # --- kid injection
    for label, kid in (("path-traversal", "../../../../dev/null"), ("sql", "x' OR '1'='1"), ("empty", ""),
                       ("path-traversal-etc-passwd", "../../../../etc/passwd"),
                       ("path-traversal-backslash", "..\\..\\windows"), ("percent-encoded-dots", "%2e%2e%2f"),
                       ("percent-encoded-k1", "%6b%31"), ("nul-inside", "k1\u0000"), ("nul-before", "\u0000k1"),
                       ("crlf-header-injection", "k1\r\nX-Injected: 1"), ("lf", "k1\n"),
                       ("jndi", "${jndi:ldap://x/a}"), ("sql-comment", "' OR '1'='1' --"),
                       ("4-kib", "k" * 4096), ("fullwidth-digit", "k\uff11"), ("upper-case", "K1"),
                       ("trailing-space", "k1 "), ("cyrillic-k", "\u043a1")):
        dec(f"kid-{label}", hs_token(S256, {"alg": "HS256", "kid": kid}, C), err("KEY_NOT_FOUND"),
            keys_=["hs256-k1"], comment="kids are compared byte for byte, never decoded or normalized"
            if label not in ("path-traversal", "sql", "empty") else None)
    dec("kid-k1-control", hs_token(S256, {"alg": "HS256", "kid": "k1"}, C), {"claims": C}, keys_=["hs256-k1"],
        comment="the same token shape with the real kid")
    dec("kid-number", hs_token(S256, {"alg": "HS256", "kid": 1}, C), err("MALFORMED"), keys_=["hs256-k1"])
    dec("kid-null", hs_token(S256, {"alg": "HS256", "kid": None}, C), err("MALFORMED"))
    dec("kid-array", hs_token(S256, {"alg": "HS256", "kid": ["k1"]}, C), err("MALFORMED"), keys_=["hs256-k1"])
    dec("typ-number", hs_token(S256, {"alg": "HS256", "typ": 1}, C), err("MALFORMED"))

    # --- crit and b64
    dec("crit-unknown", hs_token(S256, {"alg": "HS256", "crit": ["exp"], "exp": FAR}, C),
        err("UNSUPPORTED_CRITICAL_HEADER"))
    dec("crit-unknown-not-present", hs_token(S256, {"alg": "HS256", "crit": ["http://x.example/p"]}, C),
        err("UNSUPPORTED_CRITICAL_HEADER"))
    dec("crit-b64", hs_token(S256, {"alg": "HS256", "b64": False, "crit": ["b64"]}, C),
        err("UNSUPPORTED_CRITICAL_HEADER"))
    dec("crit-empty-array", hs_token(S256, {"alg": "HS256", "crit": []}, C), err("MALFORMED"))
    dec("crit-names-alg", hs_token(S256, {"alg": "HS256", "crit": ["alg"]}, C), err("MALFORMED"))
    dec("crit-names-registered-kid", hs_token(S256, {"alg": "HS256", "kid": "k", "crit": ["kid"]}, C),
        err("MALFORMED"))
    dec("crit-not-array", hs_token(S256, {"alg": "HS256", "crit": "exp", "exp": 1}, C), err("MALFORMED"))
    dec("crit-number-member", hs_token(S256, {"alg": "HS256", "crit": [1]}, C), err("MALFORMED"))
    dec("b64-false-without-crit", hs_token(S256, {"alg": "HS256", "b64": False}, C),
        err("UNSUPPORTED_CRITICAL_HEADER"))
    dec("b64-not-bool", hs_token(S256, {"alg": "HS256", "b64": "false"}, C), err("MALFORMED"))

    # --- non-canonical base64url in each segment (re-MACed, so a lenient decoder would accept)
    def pick(pred, make):
        for i in range(10000):
            t = make(i)
            if pred(t):
                return t
        raise AssertionError("no candidate")

    def b64_cases(seg_name, idx, base_token):
        h64, p64, s64 = base_token.split(".")
        segs = [h64, p64, s64]
        dec(f"b64-{seg_name}-control", base_token, {"claims": json.loads(unb64u(p64))})

        def with_seg(new):
            parts = list(segs)
            parts[idx] = new
            return resign(S256, parts[0], parts[1]) if idx < 2 else ".".join(parts)

        target = segs[idx]
        mid = len(target) // 2
        muts = {
            "trailing-bits": mutate_trailing_bits(target),
            "padding": pad(target),
            "plus": target.replace("-", "+", 1),
            "slash": target.replace("_", "/", 1),
            "space": target[:mid] + " " + target[mid:],
            "newline": target[:mid] + "\n" + target[mid:],
            "crlf-line-wrap": target[:mid] + "\r\n" + target[mid:],
            "percent-encoded-padding": pad(target).replace("=", "%3D"),
            "standard-alphabet": target.replace("-", "+").replace("_", "/"),
        }
        for label, new in muts.items():
            assert new != target, (seg_name, label)
            dec(f"b64-{seg_name}-{label}", with_seg(new), err("MALFORMED"))

    need = lambda s: "-" in s and "_" in s and len(s) % 4 in (2, 3)  # noqa: E731
    b64_cases("header", 0, pick(lambda t: need(t.split(".")[0]),
                                lambda i: hs_token(S256, {"alg": "HS256", "typ": "JWT", "x": "~" * (i % 7) + "?" * (i // 7)}, C)))
    b64_cases("payload", 1, pick(lambda t: need(t.split(".")[1]),
                                 lambda i: hs_token(S256, H, {**C, "n": "~" * (i % 7) + "?" * (i // 7)})))
    b64_cases("signature", 2, pick(lambda t: need(t.split(".")[2]),
                                   lambda i: hs_token(S256, H, {**C, "n": i})))

    # --- segment counts
    h64, p64, s64 = good.split(".")
    for label, t in (("empty", ""), ("one-segment", h64), ("two-segments", f"{h64}.{p64}"),
                     ("four-segments", f"{good}.{s64}"), ("trailing-dot", good + "."),
                     ("five-segments-jwe-shape", f"{h64}.{p64}.{s64}.{s64}.{s64}"), ("two-dots", ".."),
                     ("three-dots", "..."), ("dot", "."), ("leading-dot", "." + good)):
        dec(f"segments-{label}", t, err("MALFORMED"))
    dec("signature-stripped", f"{h64}.{p64}.", err("INVALID_SIGNATURE"))
    dec("signature-truncated-128-bits", f"{h64}.{p64}.{b64u(unb64u(s64)[:16])}", err("INVALID_SIGNATURE"))
    dec("signature-from-other-token", f"{h64}.{b64u(cjson({**C, 'sub': 'admin'}).encode())}.{s64}",
        err("INVALID_SIGNATURE"))
    mac_bytes = unb64u(s64)
    for label, sig in (("extended-one-byte", mac_bytes + b"\x00"), ("doubled", mac_bytes * 2),
                       ("truncated-one-byte", mac_bytes[:-1]), ("truncated-to-one-byte", mac_bytes[:1])):
        dec(f"signature-{label}", f"{h64}.{p64}.{b64u(sig)}", err("INVALID_SIGNATURE"))
    dec("signature-hs256-tag-of-hs512-token", f"{b64u(cjson({'alg': 'HS512'}).encode())}.{p64}.{s64}",
        err("INVALID_SIGNATURE"), keys_=["hs512"], comment="a 32-byte tag where HS512 needs 64")
    keys["hs512"] = {"secret_hex": S512.hex(), "alg": "HS512"}
    e_h = b64u(cjson(H).encode())
    dec("segments-empty-header-remaced", resign(S256, "", p64), err("MALFORMED"))
    dec("segments-empty-payload-remaced", resign(S256, e_h, ""), err("MALFORMED"),
        comment="an empty payload is not a JWT claims set (a detached JWS is jws_verify's business)")

    # --- whitespace around the token
    for label, t in (("leading-space", " " + good), ("trailing-space", good + " "), ("trailing-newline", good + "\n"),
                     ("leading-tab", "\t" + good), ("bearer-prefix", "Bearer " + good)):
        dec(f"whitespace-{label}", t, err("MALFORMED"))

    # --- size
    def sized(total):
        """A valid token of exactly `total` bytes (padding claim, plus a header filler if needed)."""
        for filler in range(4):
            header = {**H, "f": "f" * filler}
            base = len(hs_token(S256, header, {**C, "pad": ""}))
            for n in range((total - base) * 3 // 4 - 4, (total - base) * 3 // 4 + 4):
                t = hs_token(S256, header, {**C, "pad": "x" * n})
                if len(t) == total:
                    return t
        raise AssertionError(f"no token of {total} bytes")

    at_limit = sized(16384)
    over = sized(16385)
    assert (len(at_limit), len(over)) == (16384, 16385)
    dec("size-at-limit", at_limit, {"registered": {"exp": FAR}}, comment="exactly 16384 bytes")
    dec("size-over-limit", over, err("TOO_LARGE"), comment="a valid token of 16385 bytes")
    dec("size-over-limit-garbage", "a" * 16385, err("TOO_LARGE"), comment="size is checked before any decoding")
    dec("size-max-token-bytes-100", good, err("TOO_LARGE"), validation={"max_token_bytes": 100})
    dec("size-max-token-bytes-exact", good, {"claims": C}, validation={"max_token_bytes": len(good)})
    dec("size-max-token-bytes-one-less", good, err("TOO_LARGE"), validation={"max_token_bytes": len(good) - 1})

    # 1 MiB protected headers. The size limit comes first; with the limit raised past the token, what is
    # left is linear work (one base64url decode, one JSON scan with a hashed duplicate check, one MAC), so a
    # flat header of ~87,000 distinct members verifies; a deeply nested one stops at depth 65.
    MIB = 1 << 20
    members = []
    size = len('{"alg":"HS256","typ":"JWT"}')
    i = 0
    while size + len(',"m%06d":%d' % (i, i % 10)) <= MIB:
        members.append('"m%06d":%d' % (i, i % 10))
        size += len(members[-1]) + 1
        i += 1
    big_header = '{"alg":"HS256","typ":"JWT",' + ",".join(members)
    big_header += " " * (MIB - 1 - len(big_header)) + "}"
    assert len(big_header) == MIB
    big = hs_token(S256, big_header, C)
    raised = {"max_token_bytes": 2 * MIB}
    dec("header-1mib-default-limit", big, err("TOO_LARGE"),
        comment=f"a validly MACed token with a 1 MiB header ({len(members)} members): refused by size first")
    dec("header-1mib-limit-raised", big, {"claims": C}, validation=raised,
        comment="max_token_bytes raised to 2 MiB by the caller: the header is well-formed and verifies "
                "(linear work only; the caller chose the limit)")
    deep = '{"alg":"HS256","x":' + "[" * (MIB - 20) + "]"
    dup = '{"alg":"HS256",' + '"a":1,' * ((MIB - 21) // 6) + '"a":1}'
    dup = "{" + " " * (MIB - len(dup)) + dup[1:]
    assert len(deep) == len(dup) == MIB
    dec("header-1mib-deep-nesting-limit-raised", hs_token(S256, deep, C), err("MALFORMED"), validation=raised,
        comment="1 MiB of '[' (unterminated): refused at nesting depth 65, before any signature work")
    dec("header-1mib-duplicates-limit-raised", hs_token(S256, dup, C), err("MALFORMED"), validation=raised,
        comment="1 MiB of duplicate members: refused at the first duplicate")

    # --- JSON nesting (top-level object is depth 1)
    def nested(depth, kind):
        """Claims whose total depth is `depth`: the top object, then arrays or objects ending in an array."""
        below = depth - 1
        if kind == "array":
            opening, closing = "[" * below, "]" * below
        else:
            opening, closing = '{"a":' * (below - 1) + "[", "]" + "}" * (below - 1)
        return '{"exp":%d,"a":%s1%s}' % (FAR, opening, closing)

    for kind in ("array", "object"):
        dec(f"nesting-{kind}-64", hs_token(S256, H, nested(64, kind)), {"registered": {"exp": FAR}})
        dec(f"nesting-{kind}-65", hs_token(S256, H, nested(65, kind)), err("MALFORMED"))
    dec("nesting-in-aud-65", hs_token(S256, H, '{"exp":%d,"aud":%s"x"%s}' % (FAR, "[" * 64, "]" * 64)),
        err("MALFORMED"), validation={"audience": "x"})
    dec("nesting-header-64", hs_token(S256, '{"alg":"HS256","x":%s1%s}' % ("[" * 63, "]" * 63), C), {"claims": C})
    dec("nesting-header-65", hs_token(S256, '{"alg":"HS256","x":%s1%s}' % ("[" * 64, "]" * 64), C), err("MALFORMED"))
    dec("nesting-deep-unterminated", hs_token(S256, H, '{"exp":1,"a":' + "[" * 5000), err("MALFORMED"))

    # --- duplicate members
    for label, header in (("header-alg", '{"alg":"HS256","alg":"HS256"}'),
                          ("header-alg-escaped", '{"alg":"HS256","\\u0061lg":"HS256"}'),
                          ("header-alg-differs", '{"alg":"none","alg":"HS256"}'),
                          ("header-kid", '{"alg":"HS256","kid":"k1","kid":"k1"}'),
                          ("header-unknown-member", '{"alg":"HS256","x":1,"x":2}')):
        dec(f"duplicate-{label}", hs_token(S256, header, C), err("MALFORMED"), keys_=["hs256-k1"])
    for label, claims in (("claims-exp", '{"exp":%d,"exp":%d}' % (FAR, FAR)),
                          ("claims-exp-escaped", '{"exp":%d,"\\u0065xp":%d}' % (FAR, NOW - 1)),
                          ("claims-sub", '{"exp":%d,"sub":"a","sub":"b"}' % FAR),
                          ("claims-custom", '{"exp":%d,"role":"user","role":"admin"}' % FAR),
                          ("claims-nested", '{"exp":%d,"x":{"a":1,"a":2}}' % FAR),
                          ("claims-in-array", '{"exp":%d,"x":[{"a":1,"a":2}]}' % FAR)):
        dec(f"duplicate-{label}", hs_token(S256, H, claims), err("MALFORMED"))
    dec("escaped-member-name-is-exp", hs_token(S256, H, '{"\\u0065xp":%d}' % (NOW - 1)), err("EXPIRED", "exp"),
        comment="member names are compared after unescaping")

    # --- header / payload not objects, bad JSON
    for label, header in (("array", '["HS256"]'), ("string", '"HS256"'), ("null", "null"), ("number", "1"),
                          ("empty", ""), ("trailing-data", '{"alg":"HS256"}x'),
                          ("trailing-object", '{"alg":"HS256"}{}'), ("trailing-comma", '{"alg":"HS256",}'),
                          ("single-quotes", "{'alg':'HS256'}"), ("bom", '\ufeff{"alg":"HS256"}'),
                          ("nan", '{"alg":"HS256","x":NaN}'), ("comment", '{"alg":"HS256"/*c*/}'),
                          ("lone-surrogate", '{"alg":"HS256","x":"\\ud800"}')):
        dec(f"header-{label}", hs_token(S256, header, C), err("MALFORMED"))
    dec("header-invalid-utf8", hs_token(S256, b'{"alg":"HS256","x":"\xff"}', C), err("MALFORMED"))
    dec("header-invalid-utf8-in-name", hs_token(S256, b'{"alg":"HS256","\xc3\x28":1}', C), err("MALFORMED"))
    dec("header-overlong-utf8", hs_token(S256, b'{"alg":"HS256","x":"\xc0\xaf"}', C), err("MALFORMED"))
    for label, payload in (("array", "[1]"), ("string", '"claims"'), ("null", "null"), ("empty", ""),
                           ("trailing-data", '{"exp":%d}x' % FAR), ("trailing-object", '{"exp":%d}{}' % FAR),
                           ("huge-number", '{"exp":1e999}'), ("lone-surrogate", '{"exp":%d,"x":"\\udc00"}' % FAR)):
        dec(f"payload-{label}", hs_token(S256, H, payload), err("MALFORMED"), comment="valid MAC, bad claims")
    dec("payload-invalid-utf8", hs_token(S256, H, b'{"exp":%d,"x":"\xff"}' % FAR), err("MALFORMED"))
    dec("payload-invalid-utf8-in-name", hs_token(S256, H, b'{"exp":%d,"\xff":1}' % FAR), err("MALFORMED"))

    # --- claim types and values
    dec("exp-as-string", hs_token(S256, H, {**C, "exp": str(FAR)}), err("INVALID_CLAIM", "exp"))
    # exp literals, MACed with the real key so only claim parsing and validation decide. Numbers whose
    # double would be infinite are refused by the JSON parser (MALFORMED), as are NaN/Infinity (not
    # JSON); other JSON types are INVALID_CLAIM; finite values, fractional or huge, are compared as doubles.
    for label, literal, expect in (
            ("1e400", "1e400", err("MALFORMED")), ("minus-1e400", "-1e400", err("MALFORMED")),
            ("1e309", "1e309", err("MALFORMED")), ("1E400-upper", "1E400", err("MALFORMED")),
            ("long-digits-overflow", "1" + "0" * 400, err("MALFORMED")),
            ("nan", "NaN", err("MALFORMED")), ("infinity", "Infinity", err("MALFORMED")),
            ("minus-infinity", "-Infinity", err("MALFORMED")), ("plus-sign", "+%d" % FAR, err("MALFORMED")),
            ("leading-zero", "0%d" % FAR, err("MALFORMED")), ("hex", "0x%x" % FAR, err("MALFORMED")),
            ("true", "true", err("INVALID_CLAIM", "exp")), ("false", "false", err("INVALID_CLAIM", "exp")),
            ("null", "null", err("INVALID_CLAIM", "exp")), ("empty-array", "[]", err("INVALID_CLAIM", "exp")),
            ("array", "[%d]" % FAR, err("INVALID_CLAIM", "exp")), ("object", "{}", err("INVALID_CLAIM", "exp")),
            ("string-1", '"1"', err("INVALID_CLAIM", "exp")),
            ("1e300", "1e300", {"registered": {"exp": 1e300}}),
            ("max-double", "1.7976931348623157e308", {"registered": {"exp": 1.7976931348623157e308}}),
            ("fraction-far", "%d.5" % FAR, {"registered": {"exp": FAR + 0.5}}),
            ("fraction-just-after-now", "%d.5" % NOW, {"registered": {"exp": NOW + 0.5}}),
            ("fraction-just-before-now", "%d.5" % (NOW - 1), err("EXPIRED", "exp")),
            ("exponent-form-far", "4.1024448e9", {"registered": {"exp": 4102444800}}),
            ("underflow-to-zero", "1e-400", err("EXPIRED", "exp")), ("minus-zero", "-0", err("EXPIRED", "exp")),
            ("negative", "-1", err("EXPIRED", "exp"))):
        dec(f"exp-{label}", hs_token(S256, H, '{"sub":"user-1","exp":%s}' % literal), expect)
    for claim in ("nbf", "iat"):
        for label, literal, expect in (("1e400", "1e400", err("MALFORMED")), ("nan", "NaN", err("MALFORMED")),
                                       ("true", "true", err("INVALID_CLAIM", claim)),
                                       ("null", "null", err("INVALID_CLAIM", claim))):
            dec(f"{claim}-{label}", hs_token(S256, H, '{"exp":%d,"%s":%s}' % (FAR, claim, literal)), expect)
    dec("aud-array-mismatch", hs_token(S256, H, {**C, "aud": ["a", "b"]}), err("INVALID_AUDIENCE", "aud"),
        validation={"audience": "api"})

    # --- weak HMAC keys: shorter than the hash output (RFC 7518 3.2) is INVALID_KEY at load
    for alg, size in (("HS256", 32), ("HS384", 48), ("HS512", 64)):
        low = alg.lower()
        secret = (S512 * 2)[:size]
        for label, spec, expect in (
                ("empty", {"secret_hex": "", "alg": alg}, err("INVALID_KEY")),
                ("1-byte", {"secret_hex": "00", "alg": alg}, err("INVALID_KEY")),
                (f"{size - 1}-bytes", {"secret_hex": secret[:-1].hex(), "alg": alg}, err("INVALID_KEY")),
                (f"{size - 1}-bytes-jwk", {"jwk": {"kty": "oct", "k": b64u(secret[:-1])}, "alg": alg},
                 err("INVALID_KEY")),
                ("empty-allow-weak", {"secret_hex": "", "alg": alg, "allow_weak": True}, err("INVALID_KEY")),
                (f"{size}-bytes", {"secret_hex": secret.hex(), "alg": alg}, {"alg": alg, "private": True})):
            keys[f"weak-{low}-{label}"] = spec
            cases.append(case(f"weak-hmac-{low}-{label}", "load_key", expect, key=f"weak-{low}-{label}",
                              comment=f"{alg} needs at least {size} bytes" if "error" in expect and
                              "allow" not in label else None))
    keys["weak-hs256-31-bytes-token-key"] = {"secret_utf8": S256.decode()[:31], "alg": "HS256"}
    dec("weak-hmac-hs256-31-bytes-decode", hs_token(S256[:31], H, C), err("INVALID_KEY"),
        keys_=["weak-hs256-31-bytes-token-key"], comment="a token MACed with the short secret: the key never loads")

    # --- alg member
    for label, header in (("missing", {"typ": "JWT"}), ("number", {"alg": 256}), ("null", {"alg": None}),
                          ("array", {"alg": ["HS256"]}), ("object", {"alg": {"name": "HS256"}})):
        dec(f"alg-{label}", hs_token(S256, header, C), err("MALFORMED"))
    for name in ("HS1", "ES512", "hs256", "HS256 ", "RSA-OAEP", "", "ES256K", "Ed25519"):
        label = name.strip().replace(" ", "") or "empty-string"
        if name != name.strip():
            label += "-trailing-space"
        dec(f"alg-unsupported-{label}", hs_token(S256, {"alg": name}, C), err("UNSUPPORTED_ALGORITHM"))

    return document(
        "attacks", "Known JWT/JWS attacks and parser edge cases; every one must be rejected with the given code. "
        f"Fixed clock now={NOW}.",
        "hand-written; tokens minted by tests/vectors/tools/generate.py; RFC 7515 A.3/A.5 examples reused",
        APACHE, keys, cases)


# ---------------------------------------------------------------------------
# Ed25519 signing (RFC 8032 section 5.1, deterministic), checked against RFC 8037 A.4

ED_P = 2**255 - 19
ED_L = 2**252 + 27742317777372353535851937790883648493
ED_D = -121665 * pow(121666, -1, ED_P) % ED_P
ED_GY = 4 * pow(5, -1, ED_P) % ED_P


def _ed_recover_x(y: int, sign: int) -> int:
    x2 = (y * y - 1) * pow(ED_D * y * y + 1, -1, ED_P) % ED_P
    x = pow(x2, (ED_P + 3) // 8, ED_P)
    if (x * x - x2) % ED_P:
        x = x * pow(2, (ED_P - 1) // 4, ED_P) % ED_P
    assert (x * x - x2) % ED_P == 0
    return ED_P - x if x & 1 != sign else x


ED_G = (_ed_recover_x(ED_GY, 0), ED_GY, 1, _ed_recover_x(ED_GY, 0) * ED_GY % ED_P)


def _ed_add(P, Q):
    A, B = (P[1] - P[0]) * (Q[1] - Q[0]) % ED_P, (P[1] + P[0]) * (Q[1] + Q[0]) % ED_P
    C, D = 2 * P[3] * Q[3] * ED_D % ED_P, 2 * P[2] * Q[2] % ED_P
    E, F, G, H = B - A, D - C, D + C, B + A
    return E * F % ED_P, G * H % ED_P, F * G % ED_P, E * H % ED_P


def _ed_mul(s: int, P):
    Q = (0, 1, 1, 0)
    while s:
        if s & 1:
            Q = _ed_add(Q, P)
        P, s = _ed_add(P, P), s >> 1
    return Q


def _ed_compress(P) -> bytes:
    zinv = pow(P[2], -1, ED_P)
    x, y = P[0] * zinv % ED_P, P[1] * zinv % ED_P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def ed25519_sign(seed: bytes, msg: bytes) -> bytes:
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    pub = _ed_compress(_ed_mul(a, ED_G))
    r = int.from_bytes(hashlib.sha512(h[32:] + msg).digest(), "little") % ED_L
    R = _ed_compress(_ed_mul(r, ED_G))
    k = int.from_bytes(hashlib.sha512(R + pub + msg).digest(), "little") % ED_L
    return R + ((r + k * a) % ED_L).to_bytes(32, "little")


def ed_token(jwk: dict, header, payload) -> str:
    signing_input = b64u(as_bytes(header)) + "." + b64u(as_bytes(payload))
    return signing_input + "." + b64u(ed25519_sign(unb64u(jwk["d"]), signing_input.encode()))


# ---------------------------------------------------------------------------
# mutations/mutations.json: every bit flip, truncation and extension of valid tokens and cookies

COOKIES_DIR = OUT_DIR / "cookies"
MUTATION_TARGETS = {
    "jwt": ("keys", "token", "validation"),
    "native": ("secrets", "cookie_name", "encrypted", "max_age", "now", "value"),
    "flask": ("secret_key", "fallbacks", "open_now", "cookie"),
    "itsdangerous": ("kind", "secret_keys", "salt", "key_derivation", "digest", "sep", "open_now", "max_age",
                     "cookie"),
    "express_cookie_session": ("keys", "name", "value", "sig"),
    "express_session_id": ("secrets", "value"),
    "rails": ("secret_key_base", "digest", "cookie_name", "now_ms", "cookie"),
}
# Appended to the mutated member: base64url/base64 characters, padding, separators, a space, an escape.
SUFFIXES = ["A", "AA", "=", ".", "..", ".A", " ", "%3D"]


def mutation_count(c: dict) -> int:
    """Mutants a runner must check for a case (mutants holding a NUL byte count too, as skipped)."""
    n = len(c["input"][c["field"]].encode("utf-8"))
    total = 0
    for kind in c["mutations"]:
        total += {"bitflip": 8 * n, "truncate": n, "extend": len(c.get("suffixes", []))}[kind]
    return total + len(c.get("renames", {}).get("values", []))


def mcase(id_, target, input_, field, errors, comment, suffixes=SUFFIXES, renames=None, mutations=None):
    members = MUTATION_TARGETS[target]
    assert set(input_) <= set(members), (id_, set(input_) - set(members))
    required = [m for m in members if m != "validation"]
    assert all(m in input_ for m in required), (id_, [m for m in required if m not in input_])
    assert isinstance(input_[field], str) and input_[field], id_
    mutations = mutations or ["bitflip", "truncate", "extend"]
    c = {"id": id_, "target": target, "input": input_, "field": field, "mutations": mutations}
    if "extend" in mutations:
        c["suffixes"] = list(suffixes)
    if renames:
        assert renames["field"] in input_ and renames["field"] != field, id_
        assert input_[renames["field"]] not in renames["values"], id_
        c["renames"] = renames
    c["errors"] = sorted(errors)
    c["comment"] = comment
    return c


def cookie_cases(file: str, key: str = "cases", id_member: str = "name") -> dict:
    doc = json.loads((COOKIES_DIR / file).read_text(encoding="utf-8"))
    return {c[id_member]: c for c in doc[key]}


def mutations_suite(shared: Path) -> dict:
    j = rfc_jwks(shared)
    rfc = {v["id"]: v for v in json.loads((shared / "rfc_vectors.json").read_text())["vectors"]}
    a8037 = rfc["rfc8037-A.4"]
    # The Ed25519 signer reproduces RFC 8037 A.4 before it signs anything else.
    assert ed_token(a8037["jwk"], a8037["protected_header_utf8"], a8037["payload_utf8"]) == a8037["compact"]
    keys = {
        "hs256-k1": {"secret_utf8": S256.decode(), "alg": "HS256", "kid": "k1"},
        "rs256-pub": {"jwk": public_jwk(j["rsa"]), "alg": "RS256"},
        "es256-pub": {"jwk": public_jwk(j["es256"]), "alg": "ES256"},
        "eddsa-pub": {"jwk": public_jwk(j["ed"]), "alg": "EdDSA"},
    }
    C = {"sub": "user-1", "exp": FAR}
    # The codes core/tests/mutations.rs observes for each token's mutants (kept tight: a new code is a
    # behaviour change to look at). UNSUPPORTED_ALGORITHM / ALGORITHM_NOT_ALLOWED: a flip in the header
    # segment that changes the alg name (to an unknown one / to another supported one, e.g. RS256 -> PS256);
    # KEY_NOT_FOUND: one that changes the kid.
    sig, mal, uns, ana = "INVALID_SIGNATURE", "MALFORMED", "UNSUPPORTED_ALGORITHM", "ALGORITHM_NOT_ALLOWED"
    a3 = rfc["rfc7515-A.3"]
    hs_header = {"alg": "HS256", "typ": "JWT", "kid": "k1"}
    cases = [
        mcase("jwt-hs256", "jwt", {"keys": ["hs256-k1"], "token": hs_token(S256, hs_header, C),
                                   "validation": {"now": NOW}},
              "token", [sig, mal, uns, "KEY_NOT_FOUND"],
              "HS256 with a kid (a flip that changes the kid selects no key)"),
        mcase("jwt-rs256", "jwt", {"keys": ["rs256-pub"],
                                   "token": rs_token(j["rsa"], {"alg": "RS256", "typ": "JWT"}, C),
                                   "validation": {"now": NOW}},
              "token", [sig, mal, uns, ana],
              "RS256, RFC 7515 A.2 key, signed by the generator (PKCS#1 v1.5 is deterministic)"),
        mcase("jwt-es256-rfc7515-A.3", "jwt", {"keys": ["es256-pub"], "token": a3["compact"],
                                               "validation": {"now": 1300819379}},
              "token", [sig, mal, uns], "RFC 7515 A.3 verbatim (the published ECDSA signature), before its exp"),
        mcase("jwt-eddsa", "jwt", {"keys": ["eddsa-pub"],
                                   "token": ed_token(j["ed"], {"alg": "EdDSA", "typ": "JWT"}, C),
                                   "validation": {"now": NOW}},
              "token", [sig, mal, uns], "EdDSA, RFC 8037 A.1 key, signed by the generator's RFC 8032 signer"),
    ]

    # --- native (Tessera's own cookie): the cookie name is bound into the MAC / AEAD.
    native = cookie_cases("native.json")
    native_renames = ["Session", "session2", "sessio", "__Host-session", "sid", "session.0"]
    for name in ("signed", "encrypted"):
        src = native[name]
        inp = {k: src[k] for k in ("secrets", "cookie_name", "encrypted", "max_age", "now", "value")}
        cases.append(mcase(f"native-{name}", "native", inp, "value", ["INVALID_SIGNATURE", "MALFORMED"],
                           f"cookies/native.json '{name}'",
                           renames={"field": "cookie_name", "values": native_renames}))

    # --- Flask: SecureCookieSessionInterface; the cookie name is not part of the signature.
    flask = cookie_cases("flask.json")
    for name in ("flask-simple", "flask-compressed"):
        src = flask[name]
        inp = {k: src[k] for k in ("secret_key", "fallbacks", "open_now", "cookie")}
        cases.append(mcase(name, "flask", inp, "cookie", ["INVALID_SIGNATURE", "MALFORMED"],
                           f"cookies/flask.json '{name}' (minted by Flask)"))

    # --- itsdangerous: Signer, TimestampSigner, URLSafeTimedSerializer (no cookie name involved).
    itsd = cookie_cases("itsdangerous.json")
    for name in ("signer-hmac-sha256", "timestamp_signer-django-concat-sha1", "serializer-concat-sha512"):
        src = itsd[name]
        inp = {k: src[k] for k in MUTATION_TARGETS["itsdangerous"]}
        cases.append(mcase(f"itsdangerous-{name}", "itsdangerous", inp, "cookie",
                           ["INVALID_SIGNATURE", "MALFORMED"],
                           f"cookies/itsdangerous.json '{name}' (minted by itsdangerous)"))

    # --- Express cookie-session: keygrip signs "<name>=<value>", so the name is bound.
    express = cookie_cases("express.json", "cookie_session", "id")
    for name in ("cs-session-simple", "cs-myapp.sess-b64-specials"):
        src = express[name]
        inp = {k: src[k] for k in ("keys", "name", "value", "sig")}
        other = "session" if src["name"] != "session" else "myapp.sess"
        renames = {"field": "name", "values": [other, src["name"].upper(), src["name"] + ".sig", "x" + src["name"]]}
        for field in ("value", "sig"):
            cases.append(mcase(f"express-{name}-{field}", "express_cookie_session", inp, field,
                               ["INVALID_SIGNATURE", "MALFORMED"],
                               f"cookies/express.json cookie_session '{name}' (minted by cookie-session), "
                               f"mutating {field}. The core answers INVALID_SIGNATURE to every mutant; "
                               "MALFORMED is the byte APIs' (C) answer to a mutant that is not UTF-8",
                               renames=renames if field == "value" else None))

    # --- express-session ids: the signature covers the id only (the cookie name is not bound).
    sids = cookie_cases("express.json", "session_id", "id")
    src = sids["sid-middleware-fixedSes"]
    cases.append(mcase("express-session-id-fixedSes", "express_session_id",
                       {"secrets": src["secrets"], "value": src["signed"]}, "value",
                       ["INVALID_SIGNATURE", "MALFORMED"],
                       "cookies/express.json session_id 'sid-middleware-fixedSes', the literal s:... form. "
                       "Not the percent-encoded wire form: %2B and %2b are the same escape, so a case bit flip "
                       "of an escape's hex digit is an equivalent encoding. No ' ' suffix: cookie.parse trims "
                       "surrounding spaces, so a trailing space is the same value.",
                       suffixes=[s for s in SUFFIXES if s != " "]))

    # --- Rails encrypted cookies: the purpose "cookie.<name>" is inside the AEAD plaintext, so the name is bound.
    rails = cookie_cases("rails.json")
    for name in ("session-sha256", "session-sha1-legacy"):
        src = rails[name]
        inp = {k: src[k] for k in ("secret_key_base", "digest", "cookie_name", "now_ms")}
        inp["cookie"] = urllib.parse.unquote(src["cookie"], errors="strict")
        assert "%" not in inp["cookie"] and " " not in inp["cookie"]
        cases.append(mcase(f"rails-{name}", "rails", inp, "cookie", ["INVALID_SIGNATURE", "MALFORMED"],
                           f"cookies/rails.json '{name}' (minted by ActiveSupport), percent-decoded",
                           renames={"field": "cookie_name",
                                    "values": ["_App_session", "_app_session2", "app_session", "remember_token"]}))

    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate mutation case ids"
    total = sum(mutation_count(c) for c in cases)
    description = (
        "Every single-bit flip, every truncation and a set of extensions of valid JWTs and cookies, plus "
        "mixed-up cookie names where the format binds the name; every mutant must fail with one of the "
        f"case's errors. {len(cases)} cases, {total} mutants (counting those a runner skips for a NUL byte). "
        "Format: tests/vectors/README.md.")
    return {"suite": "mutations", "schema": 1, "description": description, "keys": keys, "cases": cases}


def dump_mutations(doc: dict) -> str:
    enc = lambda v: json.dumps(v, ensure_ascii=True, separators=(", ", ": "))  # noqa: E731
    out = ["{"]
    for k in ("suite", "schema", "description"):
        out.append(f"  {enc(k)}: {enc(doc[k])},")
    keys = list(doc["keys"].items())
    out.append('  "keys": {')
    for i, (name, spec) in enumerate(keys):
        out.append(f"    {enc(name)}: {enc(spec)}" + ("," if i < len(keys) - 1 else ""))
    out.append("  },")
    out.append('  "cases": [')
    for i, c in enumerate(doc["cases"]):
        out.append("    " + enc(c) + ("," if i < len(doc["cases"]) - 1 else ""))
    out.append("  ]")
    out.append("}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# main


def build(shared: Path) -> dict:
    docs = {"rfc.json": rfc_suite(shared), "jwt.json": jwt_suite(shared), "attacks.json": attacks_suite(shared)}
    for suite, name in WYCHEPROOF:
        docs[suite + ".json"] = wycheproof_suite(suite, shared / "wycheproof" / name)
    files = {name: dump(doc) for name, doc in docs.items()}
    files["mutations/mutations.json"] = dump_mutations(mutations_suite(shared))
    return files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared/vectors directory")
    ap.add_argument("--check", action="store_true", help="exit 1 if any file would change")
    args = ap.parse_args()
    files = build(args.shared)
    stale = []
    for name, text in files.items():
        path = OUT_DIR / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
            if not args.check:
                path.parent.mkdir(exist_ok=True)
                path.write_text(text, encoding="utf-8")
    found = [p.relative_to(OUT_DIR).as_posix() for p in (*OUT_DIR.glob("*.json"), *OUT_DIR.glob("mutations/*"))]
    unknown = sorted(name for name in found if name not in files)
    if args.check:
        for name in stale:
            print(f"stale: tests/vectors/{name}", file=sys.stderr)
        for name in unknown:
            print(f"not generated: tests/vectors/{name}", file=sys.stderr)
        return 1 if stale or unknown else 0
    for name in files:
        print(f"{'wrote' if name in stale else 'unchanged'}: tests/vectors/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
