"""Cookie sessions on Tessera's core: byte-exact codecs for the formats
Flask, itsdangerous and Express write, so an existing app moves to Tessera
(or runs next to a Node service on the same cookie) without logging anyone
out.

Flask's default session cookie, values as Flask gives them back (``tuple``,
``bytes``, ``Markup``, ``UUID`` and aware UTC ``datetime`` included)::

    fc = tessera.cookies.FlaskCookie(app.secret_key, fallbacks=app.config["SECRET_KEY_FALLBACKS"])
    value = fc.dumps({"user_id": 42})       # byte-identical to Flask's cookie
    session = fc.loads(value)               # {"user_id": 42}

itsdangerous' ``Signer``, ``TimestampSigner`` and ``URLSafeTimedSerializer``
keep itsdangerous' argument names and return types; Express' cookie-session
(``ExpressCookieSession``) and express-session's signed id
(``ExpressSessionId``) read and write what the Node libraries do.

Every rejection is a :class:`tessera.TesseraError` with a ``code``: a bad
signature is ``INVALID_SIGNATURE`` (:class:`~tessera.InvalidSignatureError`),
an expired cookie ``EXPIRED`` (:class:`~tessera.ExpiredSignatureError`), one
from the future ``ISSUED_IN_FUTURE`` (:class:`~tessera.ImmatureSignatureError`),
garbage ``MALFORMED`` (:class:`~tessera.DecodeError`), a missing cookie in a
``Cookie`` header ``SESSION_NOT_FOUND``. Timed operations take an optional
``now`` (Unix seconds or ``datetime``; default: the system clock).
"""

from ._native import (
    ExpressCookieSession,
    ExpressSessionId,
    FlaskCookie,
    Signer,
    TimestampSigner,
    URLSafeTimedSerializer,
)

__all__ = [
    "FlaskCookie",
    "Signer",
    "TimestampSigner",
    "URLSafeTimedSerializer",
    "ExpressCookieSession",
    "ExpressSessionId",
]
