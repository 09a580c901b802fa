"""Verifier(cache_size=N): the opt-in verified-token cache (core jwt::Verifier).

A hit is only ever the byte-identical token that verified; exp/nbf/iat/
max_age and the denylist are re-checked on every hit."""

from __future__ import annotations

import threading
import time
from typing import Any, List

import pytest

from tessera import (
    ExpiredSignatureError,
    InvalidArgumentError,
    InvalidSignatureError,
    Key,
    RevokedTokenError,
    TesseraError,
    TokenTooOldError,
    Verifier,
    jwt,
)
from tessera.sessions import Denylist, MemoryStore

KEY = Key.hmac(b"0123456789abcdef0123456789abcdef")
FAR = 4102444800


def test_hit_returns_equal_claims() -> None:
    v = Verifier(KEY, cache_size=100)
    assert repr(v) == "Verifier(keys=[HS256], cache_size=100)"
    token = jwt.encode({"sub": "u1", "exp": FAR, "n": [1, 2.5, None]}, KEY)
    first = v.verify(token)
    second = v.verify(token)
    third = v.verify(token.encode())
    assert first == second == third == {"sub": "u1", "exp": FAR, "n": [1, 2.5, None]}
    # Each call gets its own dict.
    second["sub"] = "changed"
    assert v.verify(token)["sub"] == "u1"


def test_one_byte_changed_is_not_served() -> None:
    v = Verifier(KEY, cache_size=100)
    token = jwt.encode({"sub": "u1", "exp": FAR}, KEY)
    v.verify(token)
    last = "A" if token[-2] != "A" else "B"
    with pytest.raises(InvalidSignatureError):
        v.verify(token[:-2] + last + token[-1])
    with pytest.raises(TesseraError):
        v.verify(token + "A")
    assert v.verify(token)["sub"] == "u1"


def test_expired_after_caching() -> None:
    v = Verifier(KEY, cache_size=100)
    token = jwt.encode({"sub": "u1", "exp": int(time.time()) + 2}, KEY)  # valid >= 1 s more
    assert v.verify(token)["sub"] == "u1"
    time.sleep(3.1)
    with pytest.raises(ExpiredSignatureError) as e:
        v.verify(token)
    assert e.value.code == "EXPIRED" and e.value.claim == "exp"


def test_max_age_uses_the_verifiers_clock() -> None:
    token = jwt.encode({"exp": 2000, "iat": 950}, KEY)
    assert Verifier(KEY, cache_size=10, now=1000, max_age=100).verify(token)["iat"] == 950
    later = Verifier(KEY, cache_size=10, now=1060, max_age=100)
    for _ in range(2):
        with pytest.raises(TokenTooOldError):
            later.verify(token)


def test_revoked_after_caching() -> None:
    deny = Denylist(MemoryStore())
    v = Verifier(KEY, cache_size=100, denylist=deny)
    token = jwt.encode({"sub": "u1", "exp": FAR, "jti": "j-1"}, KEY)
    v.verify(token)
    v.verify(token)
    deny.revoke("j-1", FAR)
    for _ in range(2):
        with pytest.raises(RevokedTokenError):
            v.verify(token)


@pytest.mark.parametrize("bad", [-1, 1_000_001, 2**70])
def test_option_out_of_range(bad: int) -> None:
    with pytest.raises(InvalidArgumentError, match="cache_size"):
        Verifier(KEY, cache_size=bad)


@pytest.mark.parametrize("bad", [True, 1.5, "10", [1]])
def test_option_wrong_type(bad: Any) -> None:
    with pytest.raises(TypeError, match="cache_size"):
        Verifier(KEY, cache_size=bad)


def test_option_defaults_and_decode_has_none() -> None:
    assert repr(Verifier(KEY, cache_size=None)) == "Verifier(keys=[HS256])"
    assert repr(Verifier(KEY, cache_size=0)) == "Verifier(keys=[HS256])"
    Verifier(KEY, cache_size=1_000_000)
    token = jwt.encode({"exp": FAR}, KEY)
    with pytest.raises(TypeError):
        jwt.decode(token, KEY, cache_size=10)  # type: ignore[call-arg]


def test_many_tokens_and_threads() -> None:
    v = Verifier(KEY, cache_size=16)
    tokens = [jwt.encode({"n": i, "exp": FAR}, KEY) for i in range(300)]
    errors: List[BaseException] = []

    def work() -> None:
        try:
            for _ in range(3):
                for i, t in enumerate(tokens):
                    assert v.verify(t)["n"] == i
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
