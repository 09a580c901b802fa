"""Typed usage of the public API, checked with ``mypy --strict`` (not run by
pytest). A wrong annotation in the stubs or the package fails the check."""

from __future__ import annotations

import datetime
from typing import Any, Dict, List, Optional, Tuple

import tessera
from tessera import Key, KeySet, TesseraError, Verifier, jws, jwt


def keys() -> Tuple[Key, Key, KeySet]:
    secret: Key = Key.hmac(b"0123456789abcdef0123456789abcdef", alg="HS256", kid="s")
    ec: Key = Key.generate("ES256", kid="e")
    pub: Key = ec.public()
    alg: str = pub.alg
    kid: Optional[str] = pub.kid
    private: bool = pub.is_private
    jwk: Dict[str, Any] = ec.to_jwk(private=True)
    again: Key = Key.from_jwk(jwk, kid=kid or alg)
    thumb: str = again.thumbprint()
    assert thumb and not private
    from_pem: Key = Key.from_pem("-----BEGIN PUBLIC KEY-----\n...", alg="ES256")
    del from_pem
    ks = KeySet([pub, secret])
    jwks: Dict[str, Any] = ks.to_jwks()
    members: List[Key] = KeySet.from_jwks(jwks).keys
    n: int = len(ks) + len(members) + ks.skipped
    assert n
    return secret, ec, ks


def tokens(secret: Key, ec: Key, ks: KeySet) -> Dict[str, Any]:
    token: str = jwt.encode({"sub": "u1", "exp": 4102444800}, ec, headers={"typ": "at+jwt"})
    claims: Dict[str, Any] = jwt.decode(
        token,
        ks,
        algorithms=["ES256"],
        issuer=["https://a", "https://b"],
        audience="api",
        subject="u1",
        required=("exp", "sub"),
        leeway=datetime.timedelta(seconds=5),
        max_age=3600,
        typ="at+jwt",
        now=datetime.datetime.now(datetime.timezone.utc),
        verify_exp=True,
        verify_nbf=False,
    )
    header, unverified = jwt.decode_unverified(token.encode())
    verifier = Verifier(ks, audience="api", leeway=1.5)
    again: Dict[str, Any] = verifier.verify(token)
    payload: bytes = jws.verify(jws.sign(b"data", secret), secret)
    jws.verify_detached(jws.sign(payload, secret), payload, ks)
    return {**claims, **header, **unverified, **again}


def errors(verifier: Verifier, token: str) -> Optional[str]:
    try:
        verifier.verify(token)
    except tessera.ExpiredSignatureError as e:
        code: str = e.code
        return code
    except tessera.InvalidTokenError as e:
        claim: Optional[str] = e.claim
        return claim
    except TesseraError as e:
        return e.message
    return None


codes: Tuple[str, ...] = tessera.ERROR_CODES
version: str = tessera.__version__
