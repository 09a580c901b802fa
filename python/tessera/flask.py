"""Flask integration: cookie sessions, server-side sessions, Bearer JWTs.

* :class:`TesseraSessionInterface`: the session *in the cookie* (Flask's
  format byte for byte, or Tessera's sealed cookie).
* :class:`ServerSessionInterface`: the session *in a store* (memory or
  Redis, shared with every other instance and language); the cookie holds
  only the session id.
* :func:`bearer`: a view decorator for ``Authorization: Bearer <JWT>``.

Cookie sessions
---------------

::

    from tessera.flask import TesseraSessionInterface

    app.session_interface = TesseraSessionInterface()                  # Flask's format
    app.session_interface = TesseraSessionInterface(format="sealed",   # Tessera's cookie
                                                    encrypted=True)

With the default ``format="flask"`` the cookie is byte for byte the one
Flask's ``SecureCookieSessionInterface`` writes (same ``SECRET_KEY``,
``SECRET_KEY_FALLBACKS``, salt, tags, compression and expiry), so it can be
switched on and off without logging anyone out, and a stock Flask app (or
any other service using Tessera's ``FlaskCookie``) reads it.

``format="sealed"`` writes Tessera's own cookie (:class:`tessera.cookies.SessionCookie`):
HMAC-SHA256 (or AES-256-GCM with ``encrypted=True``, so the client cannot
read the session), bound to the cookie name, its issued-at authenticated and
checked against ``PERMANENT_SESSION_LIFETIME``, optionally split over
several cookies when large (``chunked=True``). It still *reads* existing
Flask cookies and rewrites them sealed on the same response, so the switch
logs nobody out; a cookie opened with an older secret is re-sealed with the
current one. Values keep Flask's types (``tuple``, ``bytes``, ``Markup``,
``UUID``, ``datetime``) in both formats.

Configuration: constructor arguments win, then ``app.config``, then the
defaults.

======================  ===========================  =====================================
argument                ``app.config`` key           default
======================  ===========================  =====================================
``format``              ``TESSERA_SESSION_FORMAT``   ``"flask"``
``secrets``             ``TESSERA_SESSION_SECRETS``  ``[SECRET_KEY, *reversed(SECRET_KEY_FALLBACKS)]``
                                                     (sealed only; first seals, each >= 32 bytes)
``encrypted``           ``TESSERA_SESSION_ENCRYPTED`` ``False``
``chunked``             ``TESSERA_SESSION_CHUNKED``  ``False``
======================  ===========================  =====================================

Flask's own settings are honoured as Flask does: ``SESSION_COOKIE_NAME``,
``_DOMAIN``, ``_PATH`` (else ``APPLICATION_ROOT``), ``_HTTPONLY``,
``_SECURE``, ``_SAMESITE``, ``_PARTITIONED``, ``SESSION_REFRESH_EACH_REQUEST``,
``PERMANENT_SESSION_LIFETIME`` (the cookie's lifetime and the largest age
accepted), ``session.permanent``, and an emptied session deletes the cookie.

Differences from Flask, on purpose: a cookie that fails to open for any
reason (bad signature, expired, garbage, or an authentic payload that does
not decode, which Flask answers with a 500) starts a new empty session; a
sealed permanent cookie carries ``Max-Age`` rather than ``Expires``.

Server-side sessions
--------------------

::

    from tessera.sessions import RedisStore, SessionManager
    from tessera.flask import ServerSessionInterface

    manager = SessionManager(RedisStore("redis://127.0.0.1:6379/0"), ttl=86400, idle_timeout=3600)
    app.session_interface = ServerSessionInterface(manager)

    @app.post("/login")
    def login():
        ...                                # check the password
        session.rotate(user_id=user.id)    # new id (fixation defence), indexed under the user
        session["name"] = user.name
        ...

    @app.post("/logout")
    def logout():
        session.destroy()                  # record deleted, cookie removed
        ...

    manager.destroy_user(user.id)          # log out everywhere, from anywhere

``flask.session`` is a :class:`ServerSession`: a dict of JSON values (the
data is shared with Node and C, so no Flask tags; anything else is a
``TypeError`` when saved), tracked for changes like Flask's session (after
changing a nested value, set ``session.modified = True``). Nothing is stored
until the session has data (or is rotated); the cookie is written with the
core's ``Set-Cookie`` builder and holds only the id (256 random bits; the
store keys on its SHA-256). ``SESSION_COOKIE_*`` settings apply as in
Flask; ``session.permanent`` gives the cookie ``Max-Age=PERMANENT_SESSION_LIFETIME``
(set it to the manager's ``ttl``: the session itself lives as the manager
says). Loading a session restarts its idle timer. Emptying the session
(``session.clear()``) ends it, as Flask deletes an emptied cookie.

Overlapping requests: saves are versioned. When another request saved the
session after this one loaded it, the default ``on_conflict="error"`` keeps
the other request's data and answers **409** with ``{"code":
"SESSION_CONFLICT", "message": ...}`` (override
``ServerSessionInterface.conflict_response`` to answer differently);
``on_conflict="merge"`` instead reloads the newest version and reapplies this
request's top-level changes (keys set or removed; the last writer of a key
wins), in the core (``SessionManager.save_changes``, 16 attempts). A session that ended while the request
ran (logged out elsewhere, expired) is never brought back: 409 with
``SESSION_NOT_FOUND`` and the cookie removed. The view has already run when
the conflict is found; make state changes outside the session idempotent.

A store that cannot be read fails closed: ``flask.session`` raises
:class:`~tessera.StoreUnavailableError` (or :class:`~tessera.DecodeError`
for a record that does not parse) on first use, so register
``@app.errorhandler(StoreUnavailableError)`` (e.g. a 503); requests that do
not use the session are unaffected. Failures while saving propagate (a 500).

Bearer JWTs
-----------

::

    verifier = tessera.Verifier(public_key, audience="api", denylist=Denylist(store))

    @app.get("/api/me")
    @bearer(verifier)
    def me():
        return {"sub": flask.g.jwt_claims["sub"]}

A missing or rejected token answers 401 with ``{"code": ..., "message": ...}``
and a ``WWW-Authenticate: Bearer`` challenge; a revoked token is ``REVOKED``; a
denylist store that cannot answer is 503 ``STORE_UNAVAILABLE``, and so is an
identity provider's JWKS that cannot be fetched (``JWKS_UNAVAILABLE``, a
verifier on :class:`tessera.jwks.RemoteKeySet`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple, Union

from flask import request as _request
from flask.sessions import SecureCookieSession, SessionInterface, SessionMixin

from ._flask_server import ServerSession, ServerSessionInterface, bearer
from ._native import FlaskCookie, SessionCookie, _flask_tagged_json, _flask_untagged
from .errors import TesseraError

if TYPE_CHECKING:
    from flask import Flask, Request, Response

__all__ = [
    "TesseraSessionInterface",
    "ServerSessionInterface",
    "ServerSession",
    "bearer",
]

_Secret = Union[str, bytes]
FORMATS = ("flask", "sealed")


class _Codecs:
    """The codecs for one configuration of one app (built once, reused)."""

    __slots__ = ("flask", "reader", "permanent", "browser")

    def __init__(
        self,
        flask: Optional[FlaskCookie],
        reader: Optional[SessionCookie],
        permanent: Optional[SessionCookie],
        browser: Optional[SessionCookie],
    ) -> None:
        self.flask = flask
        # Sealed cookies: `reader` checks the age; `permanent` writes
        # Max-Age=lifetime, `browser` writes a browser-session cookie.
        self.reader = reader
        self.permanent = permanent
        self.browser = browser


class TesseraSessionInterface(SessionInterface):
    """A drop-in ``app.session_interface`` on Tessera's cookie codecs (see
    the module documentation)."""

    #: Flask's salt for session cookies (``SecureCookieSessionInterface.salt``).
    salt = "cookie-session"
    session_class = SecureCookieSession

    def __init__(
        self,
        *,
        format: Optional[str] = None,
        secrets: Optional[Sequence[_Secret]] = None,
        encrypted: Optional[bool] = None,
        chunked: Optional[bool] = None,
    ) -> None:
        if format is not None and format not in FORMATS:
            raise ValueError(f"format must be one of {FORMATS}, not {format!r}")
        if isinstance(secrets, (str, bytes)):
            secrets = [secrets]
        self.format = format
        self.secrets = list(secrets) if secrets is not None else None
        self.encrypted = encrypted
        self.chunked = chunked
        self._cache: Dict[Tuple[Any, ...], _Codecs] = {}

    # ------------------------------------------------------------ configuration

    def _setting(self, app: "Flask", value: Any, key: str, default: Any) -> Any:
        if value is not None:
            return value
        return app.config.get(key, default)

    def get_format(self, app: "Flask") -> str:
        """``"flask"`` or ``"sealed"``: the format written."""
        fmt = self._setting(app, self.format, "TESSERA_SESSION_FORMAT", "flask")
        if fmt not in FORMATS:
            raise ValueError(f"TESSERA_SESSION_FORMAT must be one of {FORMATS}, not {fmt!r}")
        return str(fmt)

    def get_secrets(self, app: "Flask") -> List[_Secret]:
        """The sealed cookie's secrets, current first."""
        configured = self._setting(app, self.secrets, "TESSERA_SESSION_SECRETS", None)
        if configured is not None:
            return [configured] if isinstance(configured, (str, bytes)) else list(configured)
        keys: List[_Secret] = [app.secret_key] if app.secret_key else []
        keys.extend(reversed(list(app.config.get("SECRET_KEY_FALLBACKS") or [])))
        return keys

    def _codecs(self, app: "Flask") -> Optional[_Codecs]:
        fmt = self.get_format(app)
        lifetime = int(app.permanent_session_lifetime.total_seconds())
        fallbacks = tuple(app.config.get("SECRET_KEY_FALLBACKS") or ())
        secrets = tuple(self.get_secrets(app))
        encrypted = bool(self._setting(app, self.encrypted, "TESSERA_SESSION_ENCRYPTED", False))
        chunked = bool(self._setting(app, self.chunked, "TESSERA_SESSION_CHUNKED", False))
        attrs = (
            self.get_cookie_name(app),
            self.get_cookie_path(app),
            self.get_cookie_domain(app),
            bool(self.get_cookie_secure(app)),
            bool(self.get_cookie_httponly(app)),
            self.get_cookie_samesite(app),
            bool(self.get_cookie_partitioned(app)),
        )
        key = (fmt, app.secret_key, fallbacks, lifetime, secrets, encrypted, chunked, attrs)
        codecs = self._cache.get(key)
        if codecs is not None:
            return codecs
        flask = None
        if app.secret_key:
            flask = FlaskCookie(app.secret_key, fallbacks=fallbacks, salt=self.salt, max_age=lifetime)
        reader = permanent = browser = None
        if fmt == "sealed":
            if not secrets:
                return None  # no secret at all: Flask's null session
            name, path, domain, secure, http_only, same_site, partitioned = attrs

            def sealed(max_age: Optional[int]) -> SessionCookie:
                return SessionCookie(
                    list(secrets), name=name, encrypted=encrypted, max_age=max_age,
                    chunked=chunked, path=path, domain=domain, secure=secure,
                    http_only=http_only, same_site=same_site, partitioned=partitioned,
                )

            reader = permanent = sealed(lifetime)
            browser = sealed(None)
        elif flask is None:
            return None
        codecs = _Codecs(flask, reader, permanent, browser)
        if len(self._cache) >= 8:  # configurations change rarely: keep a few
            self._cache.clear()
        self._cache[key] = codecs
        return codecs

    # ------------------------------------------------------------ reading

    def open_session(self, app: "Flask", request: "Request") -> Optional[SessionMixin]:
        codecs = self._codecs(app)
        if codecs is None:
            return None
        if codecs.reader is not None:
            header = request.headers.get("Cookie", "")
            try:
                opened = codecs.reader.load(header)
                session = self.session_class(_flask_untagged(opened.json))
                if opened.needs_reissue:
                    session.modified = True  # re-seal with the current secret
                return session
            except TesseraError:
                pass  # not (or not a valid) sealed cookie: maybe Flask's
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or codecs.flask is None:
            return self.session_class()
        try:
            session = self.session_class(codecs.flask.loads(value))
        except TesseraError:
            return self.session_class()
        if codecs.reader is not None:
            session.modified = True  # a Flask cookie: rewrite it sealed
        return session

    # ------------------------------------------------------------ writing

    def save_session(self, app: "Flask", session: SessionMixin, response: "Response") -> None:
        codecs = self._codecs(app)
        if codecs is None:
            return
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        secure = self.get_cookie_secure(app)
        partitioned = self.get_cookie_partitioned(app)
        samesite = self.get_cookie_samesite(app)
        httponly = self.get_cookie_httponly(app)
        if session.accessed:
            response.vary.add("Cookie")
        sealed = codecs.permanent is not None and codecs.browser is not None
        if not session:
            if session.modified:
                if sealed:
                    assert codecs.browser is not None
                    header = _request.headers.get("Cookie")
                    for line in codecs.browser.clear_cookie_headers(header):
                        response.headers.add("Set-Cookie", line)
                else:
                    response.delete_cookie(
                        name, domain=domain, path=path, secure=secure,
                        partitioned=partitioned, samesite=samesite, httponly=httponly,
                    )
                response.vary.add("Cookie")
            return
        if not self.should_set_cookie(app, session):
            return
        if sealed:
            writer = codecs.permanent if session.permanent else codecs.browser
            assert writer is not None
            lines = writer.set_cookie_headers(
                _flask_tagged_json(dict(session)),
                request_cookie_header=_request.headers.get("Cookie"),
            )
            for line in lines:
                response.headers.add("Set-Cookie", line)
        else:
            assert codecs.flask is not None
            response.set_cookie(
                name,
                codecs.flask.dumps(dict(session)),
                expires=self.get_expiration_time(app, session),
                httponly=httponly,
                domain=domain,
                path=path,
                secure=secure,
                partitioned=partitioned,
                samesite=samesite,
            )
        response.vary.add("Cookie")

