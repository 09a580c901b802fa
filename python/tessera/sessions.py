"""Server-side sessions, a JWT denylist and rotating refresh tokens, on an
embedded memory store or on Redis (standalone or Cluster).

::

    from tessera.sessions import MemoryStore, RedisStore, SessionManager, Denylist, RefreshTokens

    store = RedisStore("redis://127.0.0.1:6379/0")      # or MemoryStore() in one process
    sessions = SessionManager(store, ttl=86400, idle_timeout=1800)

    sid = sessions.create({"cart": []}, user_id="alice")   # the id goes in the cookie
    s = sessions.load(sid)                     # Session (a dict) or None
    s["cart"].append(42)
    sessions.save(sid, s)                      # versioned: SessionConflictError if someone saved first
    sessions.merge(sid, {"theme": "dark"})     # key-level change, retried against concurrent writers
    sid = sessions.rotate(sid)                 # on login: the old id stops working
    sessions.destroy_user("alice")             # log out everywhere

    denylist = Denylist(store)
    denylist.revoke(claims["jti"], claims["exp"])
    verifier = tessera.Verifier(key, denylist=denylist)   # revoked tokens: RevokedTokenError

    refresh = RefreshTokens(store, ttl=30 * 86400)
    token = refresh.issue("alice", {"device": "phone"})
    user_id, data, token = refresh.rotate(token)   # reusing a rotated token: RefreshTokenReusedError
    refresh.revoke_user("alice")               # every refresh token family of a user

The key layout and the JSON records are the same in every language (see
docs/sessions.md), so a session created here is loaded, rotated and
destroyed by the Node and C bindings through the same Redis. Durations are
seconds (``int`` or ``float``) or ``datetime.timedelta``. Every call that may
touch the store releases the GIL.

Failures are loud: a store that cannot answer is
:class:`~tessera.StoreUnavailableError` (``STORE_UNAVAILABLE``), never "no
session" or "not revoked"; a stored record that does not parse is
:class:`~tessera.DecodeError` (``MALFORMED``). Session data is plain JSON
(``dict``, ``list``, ``str``, ``int``, ``float``, ``bool``, ``None``), so
every language reads it; other types are a ``TypeError``.
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, NamedTuple, Optional

from ._native import Denylist, MemoryStore, RedisStore, RefreshTokens, SessionManager

__all__ = [
    "MemoryStore",
    "RedisStore",
    "SessionManager",
    "Session",
    "Denylist",
    "RefreshTokens",
    "Rotated",
]

_UTC = datetime.timezone.utc
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=_UTC)


def _utc(ms: int) -> datetime.datetime:
    return _EPOCH + datetime.timedelta(milliseconds=ms)


class Session(Dict[str, Any]):
    """A loaded session: a ``dict`` of its data, plus what the store knows
    about it. Made by :meth:`SessionManager.load`; pass it back to
    :meth:`SessionManager.save`, which takes its ``version``.

    ``id``: the session id. ``version``: the version loaded (each save adds
    one). ``user_id``: the user it was created for, or ``None``.
    ``created_at`` and ``expires_at`` (absolute expiry): aware UTC datetimes.
    ``repr()`` leaves the id out: it is a bearer secret.
    """

    __slots__ = ("id", "version", "user_id", "_created_ms", "_expires_ms")

    id: str
    version: int
    user_id: Optional[str]

    def __init__(
        self,
        data: Dict[str, Any],
        id: str,
        version: int,
        user_id: Optional[str],
        created_ms: int,
        expires_ms: int,
    ) -> None:
        super().__init__(data)
        self.id = id
        self.version = version
        self.user_id = user_id
        self._created_ms = created_ms
        self._expires_ms = expires_ms

    @property
    def created_at(self) -> datetime.datetime:
        """When the session was created (aware, UTC, millisecond precision)."""
        return _utc(self._created_ms)

    @property
    def expires_at(self) -> datetime.datetime:
        """The absolute expiry (aware, UTC); the idle timeout may end it sooner."""
        return _utc(self._expires_ms)

    def __repr__(self) -> str:
        return (
            f"Session({dict.__repr__(self)}, version={self.version}, user_id={self.user_id!r}, "
            f"expires_at={self.expires_at.isoformat()})"
        )


class Rotated(NamedTuple):
    """What :meth:`RefreshTokens.rotate` returns: the family's user, the data
    given to ``issue`` (or ``None``), and the new refresh token (the one
    presented is retired). ``repr()`` masks the token."""

    user_id: str
    data: Optional[Dict[str, Any]]
    token: str

    def __repr__(self) -> str:
        return f"Rotated(user_id={self.user_id!r}, data={self.data!r}, token='…')"
