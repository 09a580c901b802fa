"""Coroutines the native module returns for its ``*_async`` methods.

A call that may block on I/O (a JWKS fetch, a denylist's store) runs in a
worker thread (:func:`asyncio.to_thread`, which keeps the caller's context
variables), so the event loop never waits on the network; the native call
releases the GIL, so the loop keeps running Python meanwhile. A call that
never blocks runs on the loop's thread when awaited.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, TypeVar

_T = TypeVar("_T")


async def to_thread(fn: Callable[..., _T], *args: Any) -> _T:
    """``fn(*args)`` in a worker thread of the running loop's default executor."""
    return await asyncio.to_thread(fn, *args)


async def call(fn: Callable[..., _T], *args: Any) -> _T:
    """``fn(*args)`` on the loop's thread, when awaited (errors raise there too)."""
    return fn(*args)
