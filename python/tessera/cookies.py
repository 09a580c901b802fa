"""Cookie sessions on Tessera's core: Tessera's own sealed cookie, and
byte-exact codecs for the formats Flask, itsdangerous, Express and Rails
write, so an existing app moves to Tessera (or runs next to a Node or Ruby
service on the same cookie) without logging anyone out.

Tessera's sealed cookie (signed or AES-256-GCM encrypted, bound to its name,
issued-at authenticated, secret rotation, optional chunking)::

    sc = tessera.cookies.SessionCookie([current_secret, old_secret], encrypted=True, max_age=3600)
    value = sc.seal({"user_id": 42})
    sc.open(value)                           # {"user_id": 42}
    sc.load(request.headers["Cookie"])       # OpenedCookie(data, issued_at, needs_reissue)

Flask's default session cookie, values as Flask gives them back (``tuple``,
``bytes``, ``Markup``, ``UUID`` and aware UTC ``datetime`` included)::

    fc = tessera.cookies.FlaskCookie(app.secret_key, fallbacks=app.config["SECRET_KEY_FALLBACKS"])
    value = fc.dumps({"user_id": 42})       # byte-identical to Flask's cookie
    session = fc.loads(value)               # {"user_id": 42}

itsdangerous' ``Signer``, ``TimestampSigner`` and ``URLSafeTimedSerializer``
keep itsdangerous' argument names and return types; Express' cookie-session
(``ExpressCookieSession``) and express-session's signed id
(``ExpressSessionId``) read and write what the Node libraries do;
``RailsCookie`` encrypts and decrypts Rails 7 encrypted cookies.
``set_cookie``/``delete_cookie`` build ``Set-Cookie`` values (prefix rules
enforced), ``parse_cookie`` reads a ``Cookie`` header, ``CsrfTokens`` makes
per-session CSRF tokens.

Every rejection is a :class:`tessera.TesseraError` with a ``code``: a bad
signature is ``INVALID_SIGNATURE`` (:class:`~tessera.InvalidSignatureError`),
an expired cookie ``EXPIRED`` (:class:`~tessera.ExpiredSignatureError`), one
from the future ``ISSUED_IN_FUTURE`` (:class:`~tessera.ImmatureSignatureError`),
garbage ``MALFORMED`` (:class:`~tessera.DecodeError`), a missing cookie in a
``Cookie`` header ``SESSION_NOT_FOUND``. Timed operations take an optional
``now`` (Unix seconds or ``datetime``; default: the system clock).
"""

from ._native import (
    CsrfTokens,
    ExpressCookieSession,
    ExpressSessionId,
    FlaskCookie,
    OpenedCookie,
    RailsCookie,
    SessionCookie,
    Signer,
    TimestampSigner,
    URLSafeTimedSerializer,
    delete_cookie,
    parse_cookie,
    set_cookie,
)

__all__ = [
    "SessionCookie",
    "OpenedCookie",
    "set_cookie",
    "delete_cookie",
    "parse_cookie",
    "CsrfTokens",
    "RailsCookie",
    "FlaskCookie",
    "Signer",
    "TimestampSigner",
    "URLSafeTimedSerializer",
    "ExpressCookieSession",
    "ExpressSessionId",
]
