"""Server-side Flask sessions and Bearer JWT auth (re-exported by
:mod:`tessera.flask`; see its documentation)."""

from __future__ import annotations

import copy
import functools
import json
from typing import TYPE_CHECKING, Any, Callable, Dict, Optional, TypeVar, cast

from flask import g as _g
from flask import request as _request
from flask.sessions import SecureCookieSession, SessionInterface, SessionMixin

from ._native import SessionManager, Verifier, delete_cookie, set_cookie
from .errors import (
    JwksUnavailableError,
    SessionConflictError,
    SessionNotFoundError,
    StoreUnavailableError,
    TesseraError,
)

if TYPE_CHECKING:
    from flask import Flask, Request, Response

__all__ = ["ServerSession", "ServerSessionInterface", "bearer"]

_F = TypeVar("_F", bound=Callable[..., Any])
_CONFLICT_MODES = ("error", "merge")


class ServerSession(SecureCookieSession):
    """The ``flask.session`` of :class:`ServerSessionInterface`: a dict of the
    session data (JSON values), tracked for changes like Flask's own session
    (top-level changes are seen; after changing a nested value set
    ``session.modified = True``).

    ``sid`` is the session id (``None`` until the first save creates it),
    ``version`` the version loaded, ``user_id`` the user it belongs to.
    ``stale_cookie``: the request sent an id whose session is gone.
    """

    def __init__(
        self,
        data: Optional[Dict[str, Any]] = None,
        sid: Optional[str] = None,
        version: Optional[int] = None,
        user_id: Optional[str] = None,
        *,
        snapshot: bool = False,
        stale_cookie: bool = False,
    ) -> None:
        super().__init__(data)
        self.sid = sid
        self.version = version
        self.user_id = user_id
        self.new = sid is None
        self.stale_cookie = stale_cookie
        self._rotate = False
        self._login: Optional[str] = None
        self._destroy = False
        # The data as loaded, for on_conflict="merge" (a deep copy: nested
        # values may be changed in place).
        self._loaded: Optional[Dict[str, Any]] = copy.deepcopy(data or {}) if snapshot else None

    def rotate(self, user_id: Optional[str] = None) -> None:
        """Moves the session to a new id when the response is saved: call it
        on login (session fixation defence). The old id stops working. With
        ``user_id`` the session becomes that user's (a new session holding
        the same data, reached by ``SessionManager.destroy_user``)."""
        self._rotate = True
        self._login = user_id

    def destroy(self) -> None:
        """Ends the session (log out): its data is cleared, its record
        deleted from the store and its cookie removed when the response is
        saved. A later ``rotate()`` in the same request starts a new one."""
        self.clear()
        self._destroy = True
        self._rotate = False
        self._login = None


class UnavailableSession(ServerSession):
    """What ``flask.session`` is when the store could not be read: every use
    raises the store's error (``StoreUnavailableError``, or ``DecodeError``
    for a record that does not parse), so nothing treats a broken store as
    "anonymous". Requests that do not touch the session are unaffected."""

    def __init__(self, error: TesseraError) -> None:
        super().__init__()
        self.error = error

    def _fail(self, *args: Any, **kwargs: Any) -> Any:
        e = self.error
        raise type(e)(e.message, e.code, e.claim)

    __getitem__ = __setitem__ = __delitem__ = __contains__ = __iter__ = __len__ = _fail
    get = keys = values = items = pop = popitem = update = setdefault = clear = _fail
    rotate = destroy = _fail


class ServerSessionInterface(SessionInterface):
    """An ``app.session_interface`` keeping the data in a
    :class:`tessera.sessions.SessionManager` (memory or Redis); the cookie
    holds only the session id (see :mod:`tessera.flask`)."""

    def __init__(
        self,
        manager: SessionManager,
        *,
        cookie_name: Optional[str] = None,
        on_conflict: str = "error",
    ) -> None:
        if not isinstance(manager, SessionManager):
            raise TypeError(
                f"manager must be a tessera.sessions.SessionManager, not {type(manager).__name__}"
            )
        if on_conflict not in _CONFLICT_MODES:
            raise ValueError(f"on_conflict must be one of {_CONFLICT_MODES}, not {on_conflict!r}")
        self.manager = manager
        self.cookie_name = cookie_name
        self.on_conflict = on_conflict

    def get_cookie_name(self, app: "Flask") -> str:
        """``cookie_name``, else ``SESSION_COOKIE_NAME`` (Flask's default ``"session"``)."""
        return self.cookie_name or super().get_cookie_name(app)

    # ------------------------------------------------------------ reading

    def open_session(self, app: "Flask", request: "Request") -> SessionMixin:
        sid = request.cookies.get(self.get_cookie_name(app))
        if not sid:
            return ServerSession()
        try:
            loaded = self.manager.load(sid)
        except TesseraError as e:
            return UnavailableSession(e)
        if loaded is None:
            return ServerSession(stale_cookie=True)
        return ServerSession(dict(loaded), loaded.id, loaded.version, loaded.user_id,
                             snapshot=self.on_conflict == "merge")

    # ------------------------------------------------------------ writing

    def _cookie(self, app: "Flask", session: SessionMixin, response: "Response", sid: str) -> None:
        lifetime = app.permanent_session_lifetime if session.permanent else None
        response.headers.add("Set-Cookie", set_cookie(
            self.get_cookie_name(app), sid,
            path=self.get_cookie_path(app),
            domain=self.get_cookie_domain(app),
            max_age=lifetime,
            secure=bool(self.get_cookie_secure(app)),
            http_only=bool(self.get_cookie_httponly(app)),
            same_site=self.get_cookie_samesite(app),
            partitioned=bool(self.get_cookie_partitioned(app)),
        ))
        response.vary.add("Cookie")

    def _delete_cookie(self, app: "Flask", response: "Response") -> None:
        response.headers.add("Set-Cookie", delete_cookie(
            self.get_cookie_name(app),
            path=self.get_cookie_path(app),
            domain=self.get_cookie_domain(app),
            secure=bool(self.get_cookie_secure(app)),
            http_only=bool(self.get_cookie_httponly(app)),
            same_site=self.get_cookie_samesite(app),
        ))
        response.vary.add("Cookie")

    def conflict_response(self, app: "Flask", response: "Response", error: TesseraError) -> None:
        """Turns ``response`` into the answer to a save that lost a race:
        ``409`` with ``{"code": …, "message": …}``. ``SESSION_CONFLICT``:
        another request saved the session after this one loaded it (its
        change is kept, this one's is not). ``SESSION_NOT_FOUND``: the
        session ended meanwhile (logged out elsewhere, expired); it is not
        brought back. Override to answer differently."""
        response.status_code = 409
        response.mimetype = "application/json"
        response.set_data(json.dumps({"code": error.code, "message": error.message}))

    def _reapply(self, session: ServerSession, sid: str) -> None:
        """``on_conflict="merge"``: this request's top-level changes (keys set
        or removed) onto the newest version, in the core (``save_changes``)."""
        saved = self.manager.save_changes(sid, session._loaded or {}, dict(session))
        session.version = saved.version

    def _save(self, session: ServerSession, sid: str) -> None:
        assert session.version is not None
        try:
            self.manager.save(sid, dict(session), session.version)
        except SessionConflictError:
            if self.on_conflict != "merge":
                raise
            self._reapply(session, sid)

    def save_session(self, app: "Flask", session: SessionMixin, response: "Response") -> None:
        if not isinstance(session, ServerSession) or isinstance(session, UnavailableSession):
            return  # no session was opened, or the store could not be read
        if session.accessed:
            response.vary.add("Cookie")
        sid = session.sid
        if session._destroy and sid is not None:
            self.manager.destroy(sid)
            sid = None
            if not session._rotate:
                self._delete_cookie(app, response)
                return
        try:
            if sid is None:
                if session or session._rotate:
                    self._cookie(app, session, response, self.manager.create(
                        dict(session), session._login))
                elif session.stale_cookie:
                    self._delete_cookie(app, response)  # its session is gone
                return
            if not session and session.modified and not session._rotate:
                # Emptied, as Flask deletes an emptied cookie session: log out.
                self.manager.destroy(sid)
                self._delete_cookie(app, response)
                return
            if session._rotate:
                if session.modified:
                    self._save(session, sid)
                login = session._login if session._login != session.user_id else None
                # Atomic: the old id dies before the new one exists, and a
                # concurrent change to the session is a conflict, not lost.
                new: Optional[str] = self.manager.rotate(sid, login) or self.manager.create(
                    dict(session), session._login or session.user_id)
                assert new is not None
                self._cookie(app, session, response, new)
                return
            if session.modified:
                self._save(session, sid)
            if session.permanent and self.should_set_cookie(app, session):
                self._cookie(app, session, response, sid)  # refresh Max-Age
        except (SessionConflictError, SessionNotFoundError) as e:
            if isinstance(e, SessionNotFoundError):
                self._delete_cookie(app, response)
            self.conflict_response(app, response, e)


# ---------------------------------------------------------------- Bearer JWTs


def _json_error(status: int, code: Optional[str], message: str) -> "Response":
    from flask import current_app

    response = current_app.response_class(
        json.dumps({"code": code, "message": message}), status=status,
        mimetype="application/json")
    if status == 401:
        challenge = "Bearer"
        if code is not None:
            challenge += f' error="invalid_token", error_description="{code}"'
        response.headers["WWW-Authenticate"] = challenge
    return response


def bearer(verifier: Verifier) -> Callable[[_F], _F]:
    """A view decorator requiring ``Authorization: Bearer <JWT>`` verified by
    ``verifier`` (give it a ``denylist`` and revoked tokens are refused). The
    claims go in ``flask.g.jwt_claims``. A missing or rejected token answers
    ``401`` with ``{"code": …, "message": …}`` (``code`` is the Tessera code,
    ``null`` when no token was sent) and a ``WWW-Authenticate: Bearer``
    challenge (RFC 6750); a store that cannot answer the denylist answers
    ``503`` (``STORE_UNAVAILABLE``: never let a token through unchecked), and
    so does a verifier on a :class:`tessera.jwks.RemoteKeySet` whose keys
    cannot be fetched with none cached (``JWKS_UNAVAILABLE``)."""
    if not isinstance(verifier, Verifier):
        raise TypeError(f"verifier must be a tessera.Verifier, not {type(verifier).__name__}")

    def decorate(view: _F) -> _F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            scheme, _, token = _request.headers.get("Authorization", "").partition(" ")
            token = token.strip()
            if scheme.lower() != "bearer" or not token:
                return _json_error(401, None, "a Bearer token is required")
            try:
                _g.jwt_claims = verifier.verify(token)
            except (StoreUnavailableError, JwksUnavailableError) as e:
                return _json_error(503, e.code, e.message)
            except TesseraError as e:
                return _json_error(401, e.code, e.message)
            return view(*args, **kwargs)

        return cast(_F, wrapper)

    return decorate
