"""Remote JWKS: the keys of an identity provider (Auth0, Okta, Keycloak,
Cognito, Entra …), fetched from its ``jwks_uri`` and cached so that the
provider being slow or down never becomes an auth outage.

::

    from tessera.jwks import RemoteKeySet

    jwks = RemoteKeySet("https://issuer.example/.well-known/jwks.json")
    verifier = tessera.Verifier(jwks, issuer="https://issuer.example", audience="api")
    claims = verifier.verify(token)              # keys selected by kid, fetched as needed
    claims = await verifier.verify_async(token)  # asyncio: fetches run in a worker thread

    jwks.status()          # JwksStatus(state='fresh', fetched_at=..., last_error=None, ...)
    jwks.refresh()         # fetch now (JwksUnavailableError on failure; the cache is kept)
    text = jwks.export_cache()   # serverless: store it, then import_cache(text) at cold start

The policy (the same in every binding; docs/jwks.md):

- Only ``https://`` URLs, or ``http://`` to a loopback host (tests,
  sidecars); redirects only to URLs passing the same check with the same
  scheme (``max_redirects``). ``jku``/``x5u`` in tokens are never fetched.
- Each fetch has one deadline (``timeout``) and a body cap (``max_bytes``).
- A fetched set is fresh for the response's ``Cache-Control: max-age``
  clamped to ``[min_age, max_age]`` (``max_age`` without one).
- Stale while error: when a refresh fails the last good set keeps being
  served (``max_stale`` at most; ``None``: as long as it fails) and
  :meth:`RemoteKeySet.status` says ``"stale"`` with the error. A response
  that is not a usable JWKS never replaces good keys.
- An unknown ``kid`` refetches at most once per ``cooldown``; a kid still
  unknown afterwards is ``KEY_NOT_FOUND`` without fetching for
  ``negative_ttl``. Concurrent callers share one request (single flight).
- No usable set at all: :class:`~tessera.JwksUnavailableError`
  (``JWKS_UNAVAILABLE``), the URL in its message.

Durations are seconds (``int``, ``float``) or ``datetime.timedelta``. Every
blocking call releases the GIL and lasts at most about ``timeout``;
``keys_async``/``refresh_async`` (and ``Verifier.verify_async``) run it in
a worker thread, never on the event loop.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal, Optional

from ._native import RemoteKeySet
from .errors import TesseraError

__all__ = ["RemoteKeySet", "JwksStatus"]

_UTC = datetime.timezone.utc
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=_UTC)


def _utc(micros: Optional[int]) -> Optional[datetime.datetime]:
    return None if micros is None else _EPOCH + datetime.timedelta(microseconds=micros)


@dataclass(frozen=True)
class JwksStatus:
    """A report on a :class:`RemoteKeySet`'s cache (:meth:`RemoteKeySet.status`).

    ``state``: ``"empty"`` (nothing fetched or imported yet), ``"fresh"``
    (within its max age) or ``"stale"`` (past it: served while a refresh is
    pending or failing); ``fresh`` is ``state == "fresh"``. ``fetched_at``:
    when the set served now was fetched; ``fresh_until``: when it stops (or
    stopped) being fresh. ``last_error``: the error of the last attempt if it
    failed (a :class:`~tessera.TesseraError`, code ``JWKS_UNAVAILABLE``;
    cleared by a success), ``last_error_at`` when. ``keys``: keys in the set;
    ``requests``: HTTP requests made; ``generation``: changes of the set (a
    refetch of the same keys is not one). Times are aware UTC datetimes.
    """

    url: str
    state: Literal["empty", "fresh", "stale"]
    fresh: bool
    fetched_at: Optional[datetime.datetime]
    fresh_until: Optional[datetime.datetime]
    last_error: Optional[TesseraError]
    last_error_at: Optional[datetime.datetime]
    keys: int
    requests: int
    generation: int

    @classmethod
    def _from_native(
        cls,
        url: str,
        state: Literal["empty", "fresh", "stale"],
        fetched_at: Optional[int],
        fresh_until: Optional[int],
        last_error: Optional[TesseraError],
        last_error_at: Optional[int],
        keys: int,
        requests: int,
        generation: int,
    ) -> JwksStatus:
        # Times arrive as microseconds since the epoch (exact, no float).
        return cls(
            url=url,
            state=state,
            fresh=state == "fresh",
            fetched_at=_utc(fetched_at),
            fresh_until=_utc(fresh_until),
            last_error=last_error,
            last_error_at=_utc(last_error_at),
            keys=keys,
            requests=requests,
            generation=generation,
        )
