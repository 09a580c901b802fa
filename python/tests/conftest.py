"""Shared fixtures: one key per algorithm (RSA generation is slow: once)."""

from __future__ import annotations

from typing import Dict

import pytest

import tessera

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
