"""Randomized round trips through the Rust JSON conversions, with Python's
own `json` module as the oracle (fixed seed: deterministic)."""

from __future__ import annotations

import base64
import json
import math
import random
from typing import Any

import tessera

KEY = tessera.Key.hmac(b"0123456789abcdef0123456789abcdef")
ALPHABET = ["a", "Z", "0", " ", '"', "\\", "/", "\n", "\t", "\x00", "\x1f", "\x7f", "é", "ß",
            "\u2028", "\u4e2d", "\ufeff", "\U0001F600", "\U00010000"]


def rand_str(r: random.Random) -> str:
    return "".join(r.choice(ALPHABET) for _ in range(r.randint(0, 12)))


def rand_value(r: random.Random, depth: int) -> Any:
    kind = r.randint(0, 9 if depth < 6 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return r.random() < 0.5
    if kind == 2:
        return r.randint(-(2**63), 2**63 - 1)
    if kind == 3:
        return r.choice([0, -1, 2**64, -(2**64) - 1, 10**40, -(10**100), 2**63, -(2**63) - 1])
    if kind == 4:
        return r.choice([0.0, -0.0, 1.5, 1e-300, 5e-324, 1e300, 1.7976931348623157e308,
                         0.1, 1e16, 1e-7, 123456789.125, r.uniform(-1e6, 1e6)])
    if kind in (5, 6):
        return rand_str(r)
    if kind in (7, 8):
        return {rand_str(r) + str(i): rand_value(r, depth + 1) for i in range(r.randint(0, 4))}
    return [rand_value(r, depth + 1) for _ in range(r.randint(0, 4))]


def same(a: Any, b: Any) -> bool:
    """Equal values of equal types (bool is not int, int is not float)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return bool(a == b)


def payload_text(token: str) -> str:
    p = token.split(".")[1]
    return base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)).decode("utf-8")


def test_random_round_trips_agree_with_json_module() -> None:
    r = random.Random(20261121)
    for _ in range(400):
        claims = {"exp": 4102444800}
        claims.update({rand_str(r) + str(i): rand_value(r, 1) for i in range(r.randint(0, 6))})
        token = tessera.jwt.encode(claims, KEY)
        text = payload_text(token)
        # What Tessera signed is exactly what json.dumps would write, as a value.
        assert same(json.loads(text), claims)
        # What Tessera returns equals the json module's reading of the same text.
        out = tessera.jwt.decode(token, KEY)
        assert same(out, json.loads(text))
        assert same(out, claims)
        header, unverified = tessera.jwt.decode_unverified(token)
        assert same(unverified, out) and header["alg"] == "HS256"


def test_hand_written_json_text_reads_like_json_loads() -> None:
    texts = [
        '{"exp":4102444800,"a":1E2,"b":-0,"c":-0.0,"d":1e-2,"e":12345678901234567890123}',
        '{"exp":4102444800, "s" : "\\u00e9\\ud83d\\ude00\\n\\/\\b\\f\\r\\t\\"\\\\" }',
        '{"exp":4102444800,"n":[[],{},[{}],null,true,false],"z":9007199254740993}',
        '\n {"exp":4102444800}\t',
    ]
    for text in texts:
        token = tessera.jwt.encode(text, KEY)
        assert same(tessera.jwt.decode(token, KEY), json.loads(text)), text


def test_member_names_are_shared_across_calls_and_exact() -> None:
    """Short escape-free member names come from a per-thread cache of recent
    names: the same objects on every call, and never a wrong name (long
    names, escaped names and colliding names are still exact)."""
    from tessera import cookies

    fc = cookies.FlaskCookie(b"secret")
    long_name = "n" * 40
    session = {"user_id": 1, "csrf_token": "x", "": 2, long_name: 3, "caf\u00e9": 4, 'q"uote': 5}
    session.update({f"k{i}": i for i in range(200)})  # more names than slots: collisions
    value = fc.dumps(session)
    first, second = fc.loads(value), fc.loads(value)
    assert first == session and second == session
    names = {k: k for k in first}
    for k in second:
        assert k == names[k]
    small = fc.dumps({"user_id": 1, "csrf_token": "x"})
    a, b = fc.loads(small), fc.loads(small)
    assert [id(k) for k in a] == [id(k) for k in b]
    key = tessera.Key.hmac(b"k" * 32)
    token = tessera.jwt.encode({"sub": "a", "user_id": 7, "exp": 4102444800}, key)
    claims = tessera.Verifier(key).verify(token)
    assert claims["user_id"] == 7 and claims["sub"] == "a"
