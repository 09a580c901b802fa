"""Differential tests against PyJWT (and its `cryptography` backend), both
directions, for every algorithm both implement: tokens signed by either
verify in the other, with the same claims; tampered tokens fail in both.

Keys travel both ways too: Tessera-generated keys go to PyJWT as JWKs, and
`cryptography`-generated keys come to Tessera as PEM (PKCS#8 / SPKI).
"""

from __future__ import annotations

from typing import Any, Dict, Tuple

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

import tessera
from tessera import InvalidTokenError, Key, Verifier

from conftest import CLAIMS

ALGS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
        "ES256", "ES384", "EdDSA"]
OPTS: Dict[str, Any] = {"issuer": CLAIMS["iss"], "audience": CLAIMS["aud"]}
EXTRA = {**CLAIMS, "nested": {"list": [1, 2.5, None, True, "é"]}, "big": 2**70}


def test_every_tessera_algorithm_is_covered() -> None:
    assert sorted(ALGS) == sorted(tessera.ALGORITHMS)


_RSA: Dict[str, Any] = {}


def crypto_key(alg: str) -> Any:
    """A `cryptography` private key (or HMAC secret) for `alg`."""
    if alg.startswith("HS"):
        return bytes(range(64))[: {"HS256": 32, "HS384": 48, "HS512": 64}[alg]]
    if alg[:2] in ("RS", "PS"):
        if "k" not in _RSA:
            _RSA["k"] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return _RSA["k"]
    if alg == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if alg == "ES384":
        return ec.generate_private_key(ec.SECP384R1())
    return ed25519.Ed25519PrivateKey.generate()


def pem_pair(key: Any) -> Tuple[bytes, bytes]:
    priv = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    pub = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    return priv, pub


@pytest.mark.parametrize("alg", ALGS)
def test_pyjwt_signs_tessera_verifies(alg: str) -> None:
    k = crypto_key(alg)
    if alg.startswith("HS"):
        sign_with, verify_with = k, Key.hmac(k, alg=alg)
    else:
        priv, pub = pem_pair(k)
        sign_with, verify_with = k, Key.from_pem(pub, alg=alg)
        # The private PEM loads too, and its public half is the same key.
        assert Key.from_pem(priv, alg=alg).thumbprint() == verify_with.thumbprint()
    token = pyjwt.encode(EXTRA, sign_with, algorithm=alg)
    assert tessera.jwt.decode(token, verify_with, **OPTS) == EXTRA
    assert Verifier(verify_with, algorithms=[alg], **OPTS).verify(token) == EXTRA
    head, body, sig = token.split(".")
    with pytest.raises(InvalidTokenError):
        tessera.jwt.decode(f"{head}.{body}.{sig[::-1]}", verify_with, **OPTS)


@pytest.mark.parametrize("alg", ALGS)
def test_tessera_signs_pyjwt_verifies(alg: str, keys: Dict[str, Key]) -> None:
    k = keys[alg]
    if alg.startswith("HS"):
        verify_with: Any = pyjwt.PyJWK(k.to_jwk(private=True)).key
    else:
        verify_with = pyjwt.PyJWK(k.public().to_jwk()).key
    token = tessera.jwt.encode(EXTRA, k)
    claims = pyjwt.decode(token, verify_with, algorithms=[alg], issuer=CLAIMS["iss"],
                          audience=CLAIMS["aud"])
    assert claims == EXTRA
    header = pyjwt.get_unverified_header(token)
    assert header == {"alg": alg, "typ": "JWT", "kid": alg}
    head, body, sig = token.split(".")
    with pytest.raises(pyjwt.InvalidTokenError):
        pyjwt.decode(f"{head}.{body}.{sig[::-1]}", verify_with, algorithms=[alg],
                     issuer=CLAIMS["iss"], audience=CLAIMS["aud"])


@pytest.mark.parametrize("alg", ["HS256", "RS256", "ES256", "EdDSA"])
def test_both_reject_the_same_expired_token(alg: str, keys: Dict[str, Key]) -> None:
    k = keys[alg]
    token = tessera.jwt.encode({**CLAIMS, "exp": 1_000_000_000}, k)
    verify_with = (pyjwt.PyJWK(k.to_jwk(private=True)).key if alg.startswith("HS")
                   else pyjwt.PyJWK(k.public().to_jwk()).key)
    with pytest.raises(pyjwt.ExpiredSignatureError):
        pyjwt.decode(token, verify_with, algorithms=[alg], audience="api")
    with pytest.raises(tessera.ExpiredSignatureError):
        tessera.jwt.decode(token, k, audience="api")


def test_tessera_refuses_what_pyjwt_would_be_tricked_into() -> None:
    """Algorithm confusion: an HS256 token MACed with an RSA public key's PEM.
    Tessera's RSA key is bound to RS256, so the token is refused."""
    priv, pub = pem_pair(crypto_key("RS256"))
    forged = pyjwt.api_jws.PyJWS().encode(
        b'{"exp":4102444800}', key=b"x" * 32, algorithm="HS256")  # a well-formed HS256 token
    with pytest.raises(tessera.InvalidAlgorithmError):
        tessera.jwt.decode(forged, Key.from_pem(pub))
    with pytest.raises(tessera.InvalidAlgorithmError):
        tessera.jwt.decode(pyjwt.encode({"exp": 4102444800}, None, algorithm="none"),
                           Key.from_pem(pub))
