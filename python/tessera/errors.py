"""Tessera's exceptions.

Every failure raised by Tessera is a :class:`TesseraError` whose ``code`` is
one of the core's stable error codes (``"EXPIRED"``, ``"INVALID_SIGNATURE"``
…); codes are the contract, messages are for humans and may change. The
subclasses carry the names PyJWT uses, so ``except jwt.ExpiredSignatureError``
ports mechanically::

    TesseraError                      (any code)
    ├── InvalidTokenError             (any rejected token)
    │   ├── DecodeError               MALFORMED, TOO_LARGE, UNSUPPORTED_CRITICAL_HEADER
    │   │   └── InvalidSignatureError INVALID_SIGNATURE
    │   ├── ExpiredSignatureError     EXPIRED
    │   ├── ImmatureSignatureError    NOT_YET_VALID, ISSUED_IN_FUTURE
    │   ├── TokenTooOldError          TOO_OLD
    │   ├── InvalidIssuerError        INVALID_ISSUER
    │   ├── InvalidAudienceError      INVALID_AUDIENCE
    │   ├── InvalidSubjectError       INVALID_SUBJECT
    │   ├── InvalidTypeError          INVALID_TYPE
    │   ├── MissingRequiredClaimError MISSING_CLAIM
    │   ├── InvalidClaimError         INVALID_CLAIM
    │   ├── InvalidAlgorithmError     UNSUPPORTED_ALGORITHM, ALGORITHM_NOT_ALLOWED
    │   ├── KeyNotFoundError          KEY_NOT_FOUND
    │   └── RevokedTokenError         REVOKED
    │       └── RefreshTokenReusedError REFRESH_TOKEN_REUSED
    ├── InvalidKeyError               INVALID_KEY
    ├── InvalidArgumentError          INVALID_ARGUMENT (also a ValueError)
    ├── SessionNotFoundError          SESSION_NOT_FOUND
    ├── SessionConflictError          SESSION_CONFLICT
    ├── StoreUnavailableError         STORE_UNAVAILABLE
    └── JwksUnavailableError          JWKS_UNAVAILABLE

Other codes (``INTERNAL``, ``COOKIE_TOO_LARGE``) raise :class:`TesseraError`
itself. This module is plain Python and does not import
the native extension: the extension imports these classes.
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

__all__ = [
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


class TesseraError(Exception):
    """A Tessera failure.

    ``code`` is the core's stable error code (e.g. ``"EXPIRED"``); ``claim``
    names the claim (or header member) the error is about, or is ``None``.
    ``str(error)`` is the human-readable message.
    """

    code: str
    claim: Optional[str]

    def __init__(self, message: str, code: str = "INTERNAL", claim: Optional[str] = None) -> None:
        super().__init__(message)
        self.code = code
        self.claim = claim

    @property
    def message(self) -> str:
        """The human-readable message (may change between versions)."""
        return str(self.args[0]) if self.args else ""

    def __reduce__(self) -> Tuple[Any, ...]:
        # Keep code and claim through pickling (multiprocessing, task queues).
        return (type(self), (self.message, self.code, self.claim))

    def __repr__(self) -> str:
        extra = f", claim={self.claim!r}" if self.claim is not None else ""
        return f"{type(self).__name__}({self.message!r}, code={self.code!r}{extra})"


class InvalidTokenError(TesseraError):
    """The token was rejected (base class of every verification failure)."""


class DecodeError(InvalidTokenError):
    """The token is not well formed (``MALFORMED``, ``TOO_LARGE``,
    ``UNSUPPORTED_CRITICAL_HEADER``)."""


class InvalidSignatureError(DecodeError):
    """The signature or MAC does not verify (``INVALID_SIGNATURE``)."""


class ExpiredSignatureError(InvalidTokenError):
    """``exp`` is in the past (``EXPIRED``)."""


class ImmatureSignatureError(InvalidTokenError):
    """``nbf`` or ``iat`` is in the future (``NOT_YET_VALID``, ``ISSUED_IN_FUTURE``)."""


class TokenTooOldError(InvalidTokenError):
    """``iat`` is older than ``max_age`` (``TOO_OLD``)."""


class InvalidIssuerError(InvalidTokenError):
    """``iss`` does not match (``INVALID_ISSUER``)."""


class InvalidAudienceError(InvalidTokenError):
    """``aud`` does not match, or is present when no audience is configured
    (``INVALID_AUDIENCE``)."""


class InvalidSubjectError(InvalidTokenError):
    """``sub`` does not match (``INVALID_SUBJECT``)."""


class InvalidTypeError(InvalidTokenError):
    """The header ``typ`` does not match (``INVALID_TYPE``)."""


class MissingRequiredClaimError(InvalidTokenError):
    """A required claim is absent (``MISSING_CLAIM``); ``claim`` names it."""


class InvalidClaimError(InvalidTokenError):
    """A registered claim has the wrong type (``INVALID_CLAIM``)."""


class InvalidAlgorithmError(InvalidTokenError):
    """The algorithm is not implemented (``UNSUPPORTED_ALGORITHM``) or not
    allowed here (``ALGORITHM_NOT_ALLOWED``)."""


class KeyNotFoundError(InvalidTokenError):
    """No key matches the token's ``kid``/``alg`` (``KEY_NOT_FOUND``)."""


class RevokedTokenError(InvalidTokenError):
    """The token was revoked (``REVOKED``)."""


class InvalidKeyError(TesseraError):
    """Key material is invalid, weak or unusable (``INVALID_KEY``)."""


class InvalidArgumentError(TesseraError, ValueError):
    """An argument has a bad value (``INVALID_ARGUMENT``)."""


class RefreshTokenReusedError(RevokedTokenError):
    """A refresh token that was already rotated was presented again
    (``REFRESH_TOKEN_REUSED``): it was copied, so its whole family is now
    revoked, and every later use of any token of the family fails the same way."""


class SessionNotFoundError(TesseraError):
    """No such session, refresh token or session cookie (``SESSION_NOT_FOUND``):
    unknown, expired or destroyed."""


class SessionConflictError(TesseraError):
    """The session was saved by someone else since it was loaded
    (``SESSION_CONFLICT``): load it again and reapply the change, or use
    ``SessionManager.merge``."""


class StoreUnavailableError(TesseraError):
    """The session store cannot answer (``STORE_UNAVAILABLE``): Redis down,
    timing out or refusing, or a memory store at its limits. Fail closed:
    never treat this as "no session" or "not revoked"."""


class JwksUnavailableError(TesseraError):
    """A remote JWKS (:class:`tessera.jwks.RemoteKeySet`) has no usable key
    set (``JWKS_UNAVAILABLE``): nothing could be fetched (or imported) yet,
    or the cached set is past ``max_stale``, and the provider cannot be
    reached, times out or answers something that is not a usable JWKS. The
    message names the URL. Also what ``refresh()`` raises when its fetch
    fails (the cached set is kept). Fail closed: not an invalid token but an
    unavailable dependency (a 503, not a 401)."""
