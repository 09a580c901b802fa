"""Shared fixtures: one key per algorithm (RSA generation is slow: once);
the Redis servers of tests/redis/with-redis and stores on them."""

from __future__ import annotations

import os
import uuid
from typing import Dict, List, Optional, Union

import pytest

import tessera
from tessera.sessions import MemoryStore, RedisStore

CLAIMS = {
    "sub": "1234567890",
    "name": "John Doe",
    "admin": True,
    "iat": 1700000000,
    "exp": 4102444800,
    "iss": "https://issuer.example",
    "aud": "api",
}


@pytest.fixture(scope="session")
def keys() -> Dict[str, tessera.Key]:
    """A private key for every algorithm, kid = the alg name."""
    out: Dict[str, tessera.Key] = {}
    rsa = tessera.Key.generate("RS256", kid="rsa")
    rsa_jwk = rsa.to_jwk(private=True)
    for alg in tessera.ALGORITHMS:
        if alg.startswith(("RS", "PS")):
            out[alg] = tessera.Key.from_jwk({**rsa_jwk, "alg": alg}, kid=alg)
        else:
            out[alg] = tessera.Key.generate(alg, kid=alg)
    return out


# ------------------------------------------------------------------ Redis

# tests/redis/with-redis starts a standalone redis-server and a 3-master
# Cluster and exports their URLs; scripts/test-python.sh runs the suite under
# it with TESSERA_REQUIRE_REDIS=1, so a missing Redis fails there instead of
# skipping quietly.
REQUIRE_REDIS = os.environ.get("TESSERA_REQUIRE_REDIS") == "1"


def need(what: str) -> None:
    """Skip (or, with TESSERA_REQUIRE_REDIS=1, fail) for a missing Redis."""
    message = f"{what} (run under tests/redis/with-redis)"
    if REQUIRE_REDIS:
        pytest.fail(f"TESSERA_REQUIRE_REDIS=1 but {message}")
    pytest.skip(message)


def redis_url() -> str:
    url = os.environ.get("TESSERA_REDIS_URL")
    if not url:
        need("TESSERA_REDIS_URL is not set")
    assert url is not None
    return url


def redis_cluster_urls() -> List[str]:
    urls = [u for u in os.environ.get("TESSERA_REDIS_CLUSTER_URLS", "").split(",") if u]
    if not urls:
        need("TESSERA_REDIS_CLUSTER_URLS is not set")
    return urls


def unique_prefix() -> str:
    """A key prefix of its own, so tests sharing one Redis never meet."""
    return f"tessera-test:{uuid.uuid4().hex[:12]}:"


STORE_KINDS = ("memory", "redis", "cluster")


def make_store(kind: str, prefix: Optional[str] = None) -> Union[MemoryStore, RedisStore]:
    """A fresh store of `kind`: a MemoryStore, or a RedisStore on the
    with-redis standalone server or Cluster under a prefix of its own."""
    if kind == "memory":
        return MemoryStore()
    prefix = prefix or unique_prefix()
    if kind == "redis":
        return RedisStore(redis_url(), prefix=prefix, connect_timeout=2, io_timeout=2)
    if kind == "cluster":
        return RedisStore(redis_cluster_urls(), prefix=prefix, cluster=True,
                          connect_timeout=2, io_timeout=2)
    raise AssertionError(kind)


@pytest.fixture(params=STORE_KINDS)
def any_store(request: pytest.FixtureRequest) -> Union[MemoryStore, RedisStore]:
    """Each test using it runs on a MemoryStore, standalone Redis and Redis Cluster."""
    return make_store(str(request.param))
