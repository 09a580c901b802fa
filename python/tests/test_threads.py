"""Objects are shared between threads: one Verifier, one Key, many threads."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List

import tessera
from tessera import ExpiredSignatureError, InvalidSignatureError, Key, KeySet, Verifier, jwt

from conftest import CLAIMS

THREADS = 8
ROUNDS = 150


def test_many_threads_share_one_verifier(keys: Dict[str, Key]) -> None:
    algs = ["HS256", "RS256", "ES256", "EdDSA"]
    verify_keys = KeySet([keys["HS256"]] + [keys[a].public() for a in algs[1:]])
    verifier = Verifier(verify_keys, issuer=CLAIMS["iss"], audience=CLAIMS["aud"])
    good = {a: jwt.encode(CLAIMS, keys[a]) for a in algs}
    expired = {a: jwt.encode({**CLAIMS, "exp": 1}, keys[a]) for a in algs}
    forged = {a: t[:-4] + ("AAAA" if not t.endswith("AAAA") else "BBBB") for a, t in good.items()}
    start = threading.Barrier(THREADS)

    def work(n: int) -> List[str]:
        start.wait()
        seen = []
        for i in range(ROUNDS):
            a = algs[(n + i) % len(algs)]
            assert verifier.verify(good[a]) == CLAIMS
            try:
                verifier.verify(expired[a])
            except ExpiredSignatureError as e:
                seen.append(e.code)
            try:
                verifier.verify(forged[a])
            except InvalidSignatureError as e:
                seen.append(e.code)
        return seen

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(work, range(THREADS)))
    for seen in results:
        assert seen.count("EXPIRED") == ROUNDS and seen.count("INVALID_SIGNATURE") == ROUNDS


def test_many_threads_sign_with_one_key(keys: Dict[str, Key]) -> None:
    def work(n: int) -> List[str]:
        return [jwt.encode({**CLAIMS, "n": n, "i": i}, keys[alg])
                for i in range(20) for alg in ("HS256", "ES256", "EdDSA")]

    with ThreadPoolExecutor(THREADS) as pool:
        tokens = [t for ts in pool.map(work, range(THREADS)) for t in ts]
    pub = KeySet([keys["HS256"], keys["ES256"].public(), keys["EdDSA"].public()])
    seen = set()
    for t in tokens:
        c = tessera.jwt.decode(t, pub, audience="api")
        seen.add((c["n"], c["i"]))
    assert len(seen) == THREADS * 20


def test_rsa_signing_in_threads_gives_valid_tokens(keys: Dict[str, Key]) -> None:
    # Correctness only: the GIL-release speed-up is measured in bench/python.
    with ThreadPoolExecutor(2) as pool:
        tokens = list(pool.map(lambda i: jwt.encode({**CLAIMS, "i": i}, keys["RS256"]), range(8)))
    v = Verifier(keys["RS256"].public(), audience="api")
    assert sorted(v.verify(t)["i"] for t in tokens) == list(range(8))
