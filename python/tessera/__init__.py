"""Tessera: JWT/JWS signing and verification on one Rust core.

>>> import tessera
>>> key = tessera.Key.hmac(b"0123456789abcdef0123456789abcdef")
>>> token = tessera.jwt.encode({"sub": "u1", "exp": 4102444800}, key)
>>> tessera.jwt.decode(token, key)["sub"]
'u1'

Keys are parsed once and bound to one algorithm; a :class:`Verifier` holds
keys (fixed, or a remote JWKS: :mod:`tessera.jwks`) and policy and
verifies on the hot path; every failure is a
:class:`TesseraError` with a stable ``code``. See README.md.
"""

from . import cookies, errors, jwks, jws, jwt, sessions
from ._native import ALGORITHMS, ERROR_CODES, Key, KeySet, Verifier, __version__
from .errors import (
    DecodeError,
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAlgorithmError,
    InvalidArgumentError,
    InvalidAudienceError,
    InvalidClaimError,
    InvalidIssuerError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidSubjectError,
    InvalidTokenError,
    InvalidTypeError,
    JwksUnavailableError,
    KeyNotFoundError,
    MissingRequiredClaimError,
    RefreshTokenReusedError,
    RevokedTokenError,
    SessionConflictError,
    SessionNotFoundError,
    StoreUnavailableError,
    TesseraError,
    TokenTooOldError,
)

__all__ = [
    "__version__",
    "ALGORITHMS",
    "ERROR_CODES",
    "Key",
    "KeySet",
    "Verifier",
    "jwt",
    "jws",
    "jwks",
    "cookies",
    "sessions",
    "errors",
    "TesseraError",
    "InvalidTokenError",
    "DecodeError",
    "InvalidSignatureError",
    "ExpiredSignatureError",
    "ImmatureSignatureError",
    "TokenTooOldError",
    "InvalidIssuerError",
    "InvalidAudienceError",
    "InvalidSubjectError",
    "InvalidTypeError",
    "MissingRequiredClaimError",
    "InvalidClaimError",
    "InvalidAlgorithmError",
    "KeyNotFoundError",
    "RevokedTokenError",
    "InvalidKeyError",
    "InvalidArgumentError",
    "RefreshTokenReusedError",
    "SessionNotFoundError",
    "SessionConflictError",
    "StoreUnavailableError",
    "JwksUnavailableError",
]
