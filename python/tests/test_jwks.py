"""tessera.jwks.RemoteKeySet and Verifier on it, against a real HTTP server.

Each test starts a ThreadingHTTPServer on 127.0.0.1 (HTTP/1.0: one request
per connection, so a stopped server is really unreachable) whose routes the
test changes: the document, status, headers, a delay before answering, a
body that stalls half-way, a body streamed without Content-Length. The
server counts the requests it sees per path; the tests assert on those
counts, never on speed (elapsed times only as generous upper bounds).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import datetime
import inspect
import json
import pickle
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest

import tessera
from tessera import (
    InvalidArgumentError,
    InvalidTokenError,
    JwksUnavailableError,
    Key,
    KeyNotFoundError,
    KeySet,
    TesseraError,
    Verifier,
    jwt,
)
from tessera.jwks import JwksStatus, RemoteKeySet

K1 = Key.generate("ES256", kid="k1")
K2 = Key.generate("ES256", kid="k2")
K3 = Key.generate("ES256", kid="k3")
K4 = Key.generate("ES256", kid="k4")
EXP = 4102444800
UTC = datetime.timezone.utc


def document(*keys: Key) -> bytes:
    return json.dumps({"keys": [k.public().to_jwk() for k in keys]}).encode()


def token(key: Key, **headers: Any) -> str:
    return jwt.encode({"sub": "u1", "exp": EXP}, key, headers or None)


def kids(ks: KeySet) -> List[Optional[str]]:
    return [k.kid for k in ks.keys]


@dataclasses.dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    status: int = 200
    headers: Dict[str, str] = dataclasses.field(default_factory=dict)
    # Seconds to wait before answering at all.
    delay: float = 0.0
    # Seconds to stall after sending the headers and half the body.
    stall: float = 0.0
    # Stream the body without Content-Length (ended by closing).
    no_length: bool = False


class JwksServer:
    """A loopback HTTP server serving JWKS documents the test changes."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.routes: Dict[str, Route] = {"/jwks": Route(document(K1))}
        self.hits: Counter[str] = Counter()
        self.seen = threading.Event()  # set on every request
        self.stopping = threading.Event()  # wakes every delayed handler
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                with owner.lock:
                    owner.hits[path] += 1
                    route = owner.routes.get(path)
                owner.seen.set()
                if route is None:
                    self.send_error(404)
                    return
                if route.delay:
                    owner.stopping.wait(route.delay)
                try:
                    self.send_response(route.status)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    if not route.no_length:
                        self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    half = len(route.body) // 2
                    self.wfile.write(route.body[:half])
                    self.wfile.flush()
                    if route.stall:
                        owner.stopping.wait(route.stall)
                    for i in range(half, len(route.body), 65536):
                        self.wfile.write(route.body[i : i + 65536])
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a cap or a timeout): expected

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.base}/jwks"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        self.running = True

    def set(self, path: str = "/jwks", **route: Any) -> None:
        with self.lock:
            self.routes[path] = Route(**route)

    def count(self, path: str = "/jwks") -> int:
        with self.lock:
            return self.hits[path]

    def total(self) -> int:
        with self.lock:
            return sum(self.hits.values())

    def stop(self) -> None:
        """Closes the listening socket: connections are refused from now on."""
        if self.running:
            self.running = False
            self.stopping.set()
            self.httpd.shutdown()
            self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[JwksServer]:
    s = JwksServer()
    try:
        yield s
    finally:
        s.stop()


def remote(server: JwksServer, **options: Any) -> RemoteKeySet:
    """A key set on the server with test-friendly options (overridable)."""
    opts: Dict[str, Any] = {"max_age": 60, "min_age": 1, "cooldown": 2, "timeout": 1}
    opts.update(options)
    return RemoteKeySet(server.url, **opts)


# ------------------------------------------------------------ 1. caching


def test_first_use_fetches_once_then_the_cache_answers(server: JwksServer) -> None:
    jwks = remote(server)
    assert server.count() == 0  # nothing fetched at construction
    ks = jwks.keys()
    assert isinstance(ks, KeySet) and kids(ks) == ["k1"]
    assert server.count() == 1
    for _ in range(5):
        assert kids(jwks.keys()) == ["k1"]
    verifier = Verifier(jwks)
    assert verifier.verify(token(K1))["sub"] == "u1"
    assert server.count() == 1
    assert jwks.status().requests == 1


def test_verify_is_the_first_use(server: JwksServer) -> None:
    verifier = Verifier(remote(server), algorithms=["ES256"])
    assert server.count() == 0
    assert verifier.verify(token(K1))["sub"] == "u1"
    assert verifier.verify(token(K1).encode())["sub"] == "u1"
    assert server.count() == 1


# ------------------------------------------------------------ 2. rotation


def test_rotation_is_picked_up_after_max_age(server: JwksServer) -> None:
    jwks = remote(server, max_age=1)
    verifier = Verifier(jwks)
    assert verifier.verify(token(K1))["sub"] == "u1"
    server.set(body=document(K2))  # the provider rotates: k1 gone, k2 in
    # Within max age the cached set is served without a request.
    assert kids(jwks.keys()) == ["k1"] and server.count() == 1
    time.sleep(1.3)
    assert kids(jwks.keys()) == ["k2"]
    assert server.count() == 2
    assert verifier.verify(token(K2))["sub"] == "u1"
    assert server.count() == 2


def test_rotation_is_picked_up_at_once_on_an_unknown_kid(server: JwksServer) -> None:
    verifier = Verifier(remote(server))
    assert verifier.verify(token(K1))["sub"] == "u1"
    server.set(body=document(K1, K2))
    # Fresh cache, but k2 is unknown: one refetch, then it verifies.
    assert verifier.verify(token(K2))["sub"] == "u1"
    assert server.count() == 2
    assert verifier.verify(token(K1))["sub"] == "u1"
    assert verifier.verify(token(K2))["sub"] == "u1"
    assert server.count() == 2


def test_cache_control_max_age_is_honoured_within_bounds(server: JwksServer) -> None:
    # max-age=1 shortens the configured max_age of 60 s.
    server.set(body=document(K1), headers={"Cache-Control": "public, max-age=1"})
    jwks = remote(server, max_age=60, min_age=1)
    jwks.keys()
    st = jwks.status()
    assert st.fetched_at is not None and st.fresh_until is not None
    assert datetime.timedelta(seconds=0.5) < st.fresh_until - st.fetched_at
    assert st.fresh_until - st.fetched_at < datetime.timedelta(seconds=5)
    time.sleep(1.3)
    jwks.keys()
    assert server.count() == 2
    # A huge max-age is capped by max_age; no-cache counts as min_age.
    server.set(body=document(K1), headers={"Cache-Control": "max-age=999999"})
    jwks = remote(server, max_age=30)
    jwks.keys()
    st = jwks.status()
    assert st.fresh_until is not None and st.fetched_at is not None
    assert st.fresh_until - st.fetched_at <= datetime.timedelta(seconds=31)
    server.set(body=document(K1), headers={"Cache-Control": "no-cache"})
    jwks = remote(server, max_age=60, min_age=1)
    jwks.keys()
    before = server.count()
    time.sleep(1.3)
    jwks.keys()
    assert server.count() == before + 1


# ------------------------------------------------------------ 3. cooldown


def test_unknown_kids_refetch_at_most_once_per_cooldown(server: JwksServer) -> None:
    verifier = Verifier(remote(server, cooldown=2))
    # Cold: the set just fetched lacks k2; no second request for it.
    with pytest.raises(KeyNotFoundError):
        verifier.verify(token(K2))
    assert server.count() == 1
    verifier.verify(token(K1))
    assert server.count() == 1
    # k3 is unknown: one refetch, still unknown -> KEY_NOT_FOUND.
    with pytest.raises(KeyNotFoundError) as e:
        verifier.verify(token(K3))
    assert e.value.code == "KEY_NOT_FOUND"
    assert server.count() == 2
    # Other unknown kids within the cooldown: no request at all.
    server.set(body=document(K1, K4))
    for _ in range(5):
        with pytest.raises(KeyNotFoundError) as e:
            verifier.verify(token(K4))
        assert "cooling down" in str(e.value)
    assert server.count() == 2
    time.sleep(2.3)
    # After the cooldown: exactly one request, and k4 is found.
    assert verifier.verify(token(K4))["sub"] == "u1"
    assert server.count() == 3
    # k3 stayed unknown after a refetch: remembered (negative cache), no fetch.
    with pytest.raises(KeyNotFoundError):
        verifier.verify(token(K3))
    assert server.count() == 3


def test_negative_cache_expires_after_negative_ttl(server: JwksServer) -> None:
    verifier = Verifier(remote(server, cooldown=0.5, negative_ttl=1))
    verifier.verify(token(K1))
    with pytest.raises(KeyNotFoundError):
        verifier.verify(token(K3))
    assert server.count() == 2
    time.sleep(0.7)  # past the cooldown, within negative_ttl
    with pytest.raises(KeyNotFoundError) as e:
        verifier.verify(token(K3))
    assert "still unknown" in str(e.value)
    assert server.count() == 2
    time.sleep(0.6)  # past negative_ttl
    server.set(body=document(K1, K3))
    assert verifier.verify(token(K3))["sub"] == "u1"
    assert server.count() == 3


# ------------------------------------------------------------ 4. single flight


def test_single_flight_100_threads_cold_cache(server: JwksServer) -> None:
    server.set(body=document(K1, K2), delay=0.5)
    jwks = remote(server, timeout=5)
    barrier = threading.Barrier(100)

    def one(_: int) -> List[Optional[str]]:
        barrier.wait()
        return kids(jwks.keys())

    with concurrent.futures.ThreadPoolExecutor(max_workers=100) as pool:
        results = list(pool.map(one, range(100)))
    assert results == [["k1", "k2"]] * 100
    assert server.count() == 1
    assert jwks.status().requests == 1


def test_single_flight_100_threads_verifying_on_a_cold_cache(server: JwksServer) -> None:
    server.set(body=document(K1, K2), delay=0.5)
    verifier = Verifier(remote(server, timeout=5))
    t2, t3 = token(K2), token(K3)
    barrier = threading.Barrier(100)

    def one(i: int) -> str:
        barrier.wait()
        try:
            return str(verifier.verify(t2 if i % 2 else t3)["sub"])
        except KeyNotFoundError as e:
            return e.code

    with concurrent.futures.ThreadPoolExecutor(max_workers=100) as pool:
        results = list(pool.map(one, range(100)))
    # k2 verifies; k3 is unknown in the set just fetched: no second request.
    assert results == ["KEY_NOT_FOUND", "u1"] * 50
    assert server.count() == 1


def test_single_flight_100_threads_unknown_kid(server: JwksServer) -> None:
    jwks = remote(server, timeout=5)
    verifier = Verifier(jwks)
    verifier.verify(token(K1))
    server.set(body=document(K1, K2), delay=0.5)
    t2 = token(K2)
    barrier = threading.Barrier(100)

    def one(_: int) -> str:
        barrier.wait()
        return str(verifier.verify(t2)["sub"])

    with concurrent.futures.ThreadPoolExecutor(max_workers=100) as pool:
        results = list(pool.map(one, range(100)))
    assert results == ["u1"] * 100
    assert server.count() == 2  # the first fetch + one shared refetch


def test_single_flight_100_asyncio_tasks(server: JwksServer) -> None:
    server.set(body=document(K1, K2), delay=0.5)
    jwks = remote(server, timeout=5)
    verifier = Verifier(jwks)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        # Enough workers that all 100 calls are in flight together.
        loop.set_default_executor(concurrent.futures.ThreadPoolExecutor(max_workers=100))
        ticks = 0
        done = False

        async def ticker() -> None:
            nonlocal ticks
            while not done:
                ticks += 1
                await asyncio.sleep(0.01)

        tick = asyncio.ensure_future(ticker())
        # Cold cache: 100 concurrent keys_async -> one request.
        sets = await asyncio.gather(*(jwks.keys_async() for _ in range(100)))
        assert [kids(s) for s in sets] == [["k1", "k2"]] * 100
        assert server.count() == 1
        # The loop kept running while the fetch was blocked on the server.
        assert ticks >= 5
        # Unknown kid: 100 concurrent verify_async -> one more request.
        server.set(body=document(K1, K2, K3), delay=0.5)
        ticks_before = ticks
        t3 = token(K3)
        claims = await asyncio.gather(*(verifier.verify_async(t3) for _ in range(100)))
        assert [c["sub"] for c in claims] == ["u1"] * 100
        assert server.count() == 2
        assert ticks - ticks_before >= 5
        # refresh_async: one request, the new set.
        server.set(body=document(K3))
        assert kids(await jwks.refresh_async()) == ["k3"]
        assert server.count() == 3
        done = True
        await tick

    asyncio.run(main())


def test_async_methods_are_coroutines(server: JwksServer) -> None:
    jwks = remote(server)
    for coro in (jwks.keys_async(), jwks.refresh_async(), Verifier(jwks).verify_async("x")):
        assert inspect.iscoroutine(coro)
        coro.close()
    assert server.count() == 0  # nothing runs until awaited

    async def errors() -> None:
        server.stop()
        with pytest.raises(JwksUnavailableError):
            await jwks.keys_async()
        with pytest.raises(JwksUnavailableError):
            await jwks.refresh_async()
        with pytest.raises(JwksUnavailableError):
            await Verifier(jwks).verify_async(token(K1))

    asyncio.run(errors())


def test_verify_async_on_fixed_keys() -> None:
    verifier = Verifier(K1.public())
    good, bad = token(K1), token(K2)

    async def main() -> None:
        assert (await verifier.verify_async(good))["sub"] == "u1"
        coro = verifier.verify_async(bad)  # the error is raised when awaited
        with pytest.raises(InvalidTokenError):
            await coro

    asyncio.run(main())


def test_blocking_calls_release_the_gil(server: JwksServer) -> None:
    """Another Python thread runs while a fetch waits on a slow server."""
    for call in ("keys", "verify", "refresh"):
        server.set(body=document(K1), delay=2.0)
        server.seen.clear()
        jwks = remote(server, timeout=5)
        verifier = Verifier(jwks)
        target: Callable[[], object] = {
            "keys": jwks.keys,
            "refresh": jwks.refresh,
            "verify": lambda: verifier.verify(token(K1)),
        }[call]
        errors: List[BaseException] = []

        def run() -> None:
            try:
                target()
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)

        t = threading.Thread(target=run)
        t.start()
        # The (Python) server handler must run to see the request: with the
        # GIL held by the blocked fetch, it could not.
        assert server.seen.wait(5), call
        n = 0
        until = time.monotonic() + 0.3
        while time.monotonic() < until:
            n += 1
        assert n > 1000, call
        assert t.is_alive(), call  # still blocked on the server meanwhile
        t.join(10)
        assert not t.is_alive() and not errors, (call, errors)


# ------------------------------------------------------------ 5. server down


@pytest.mark.parametrize("how", ["stopped", "500"])
def test_server_down_stale_keys_keep_verifying(server: JwksServer, how: str) -> None:
    jwks = remote(server, max_age=1, cooldown=1)
    verifier = Verifier(jwks)
    good = token(K1)
    assert verifier.verify(good)["sub"] == "u1"
    assert jwks.status().state == "fresh"
    if how == "stopped":
        server.stop()
    else:
        server.set(status=500, body=b"oops")
    time.sleep(1.3)
    started = time.monotonic()
    for _ in range(3):
        assert verifier.verify(good)["sub"] == "u1"
        assert kids(jwks.keys()) == ["k1"]
    assert time.monotonic() - started < 1 + 2
    st = jwks.status()
    assert st.state == "stale" and st.fresh is False
    assert st.keys == 1
    assert isinstance(st.last_error, JwksUnavailableError)
    assert st.last_error.code == "JWKS_UNAVAILABLE"
    assert server.url in str(st.last_error)
    assert ("HTTP 500" if how == "500" else "connection refused") in str(st.last_error)
    assert st.last_error_at is not None and st.last_error_at.tzinfo is not None
    with pytest.raises(JwksUnavailableError) as e:
        jwks.refresh()
    assert server.url in str(e.value)
    assert kids(jwks.keys()) == ["k1"]  # refresh failure kept the cache
    if how == "500":
        # Back up: after the cooldown the next use refetches and is fresh again.
        server.set(body=document(K1, K2))
        time.sleep(1.2)
        assert kids(jwks.keys()) == ["k1", "k2"]
        st = jwks.status()
        assert st.state == "fresh" and st.last_error is None and st.last_error_at is None


def test_max_stale_bounds_serving_a_stale_set(server: JwksServer) -> None:
    jwks = remote(server, max_age=1, cooldown=0.5, max_stale=0.5)
    verifier = Verifier(jwks)
    verifier.verify(token(K1))
    server.stop()
    time.sleep(1.8)  # past max_age + max_stale
    with pytest.raises(JwksUnavailableError) as e:
        verifier.verify(token(K1))
    assert server.url in str(e.value)
    assert jwks.status().state == "stale"


# ------------------------------------------------------------ 6. no cache, server down


@pytest.mark.parametrize("how", ["stopped", "500", "404"])
def test_no_cache_and_server_down_is_jwks_unavailable(server: JwksServer, how: str) -> None:
    if how == "stopped":
        server.stop()
    elif how == "500":
        server.set(status=500, body=b"oops")
    else:
        server.set(status=404, body=b"not found")
    jwks = remote(server)
    verifier = Verifier(jwks)
    for call in (jwks.keys, jwks.refresh, lambda: verifier.verify(token(K1))):
        with pytest.raises(JwksUnavailableError) as e:
            call()
        assert e.value.code == "JWKS_UNAVAILABLE"
        assert isinstance(e.value, TesseraError)
        assert not isinstance(e.value, InvalidTokenError)  # a 503, not a 401
        assert server.url in str(e.value)
    st = jwks.status()
    assert st.state == "empty" and st.keys == 0 and st.fetched_at is None
    assert isinstance(st.last_error, JwksUnavailableError)
    back = pickle.loads(pickle.dumps(st.last_error))
    assert type(back) is JwksUnavailableError and back.code == "JWKS_UNAVAILABLE"


# ------------------------------------------------------------ 7. bad responses


BAD_RESPONSES: Dict[str, Tuple[Dict[str, Any], str]] = {
    "garbage": (dict(body=b"<html>not json</html>"), "not a usable JWKS"),
    "json_no_keys": (dict(body=b'{"keys": []}'), "not a usable JWKS"),
    "not_utf8": (dict(body=b"\xff\xfe{}"), "UTF-8"),
    "huge_with_length": (dict(body=b"x" * 5000), "max_bytes"),
    "huge_without_length": (dict(body=b" " * 3_000_000, no_length=True), "max_bytes"),
    "slow_body": (dict(body=document(K2), stall=4.0), "timed out"),
    "slow_headers": (dict(body=document(K2), delay=4.0), "timed out"),
}


@pytest.mark.parametrize("case", sorted(BAD_RESPONSES))
def test_bad_responses_are_clear_errors_and_keep_old_keys(
    server: JwksServer, case: str
) -> None:
    route, message = BAD_RESPONSES[case]
    max_bytes = 1000 if case == "huge_with_length" else 524288
    jwks = remote(server, timeout=1, max_bytes=max_bytes)
    verifier = Verifier(jwks)
    good = token(K1)
    verifier.verify(good)
    server.set(**route)
    started = time.monotonic()
    with pytest.raises(JwksUnavailableError) as e:
        jwks.refresh()
    elapsed = time.monotonic() - started
    assert elapsed < 1 + 2, elapsed  # bounded by the timeout
    assert message in str(e.value), str(e.value)
    assert server.url in str(e.value)
    assert server.count() == 2
    # The old keys stay and keep verifying.
    assert kids(jwks.keys()) == ["k1"]
    assert verifier.verify(good)["sub"] == "u1"
    st = jwks.status()
    assert st.keys == 1 and st.generation == 1
    assert isinstance(st.last_error, JwksUnavailableError) and message in str(st.last_error)


@pytest.mark.parametrize("case", ["garbage", "huge_without_length", "slow_body"])
def test_bad_responses_with_no_cache(server: JwksServer, case: str) -> None:
    route, message = BAD_RESPONSES[case]
    server.set(**route)
    jwks = remote(server, timeout=1)
    started = time.monotonic()
    with pytest.raises(JwksUnavailableError) as e:
        jwks.keys()
    assert time.monotonic() - started < 1 + 2
    assert message in str(e.value) and server.url in str(e.value)


def test_huge_body_cap_is_max_bytes(server: JwksServer) -> None:
    body = document(K1)
    for no_length in (False, True):
        server.set(body=body, no_length=no_length)
        assert kids(remote(server, max_bytes=len(body) + 1).keys()) == ["k1"]
        with pytest.raises(JwksUnavailableError) as e:
            remote(server, max_bytes=len(body) - 1).keys()
        assert "max_bytes" in str(e.value)


@pytest.mark.parametrize("no_length", [False, True])
def test_body_of_exactly_max_bytes_is_accepted(server: JwksServer, no_length: bool) -> None:
    body = document(K1)
    server.set(body=body, no_length=no_length)
    assert kids(remote(server, max_bytes=len(body)).keys()) == ["k1"]


# ------------------------------------------------------------ 8. redirects


def test_same_scheme_loopback_redirects_are_followed(server: JwksServer) -> None:
    server.set("/real", body=document(K2))
    server.set("/jwks", status=302, headers={"Location": "/moved"})
    server.set("/moved", status=301, headers={"Location": f"http://localhost:{server.port}/real"})
    jwks = remote(server)
    assert kids(jwks.keys()) == ["k2"]
    assert (server.count("/jwks"), server.count("/moved"), server.count("/real")) == (1, 1, 1)
    assert jwks.status().requests == 1  # redirects are part of one request
    assert Verifier(jwks).verify(token(K2))["sub"] == "u1"


@pytest.mark.parametrize(
    "location, message",
    [
        ("https://127.0.0.1:{port}/real", "another scheme"),
        ("http://192.0.2.1/real", "not allowed"),
        ("http://issuer.example/real", "not allowed"),
        ("file:///etc/passwd", "not allowed"),
        ("ftp://127.0.0.1/real", "not allowed"),
    ],
)
def test_redirects_elsewhere_are_refused(server: JwksServer, location: str, message: str) -> None:
    server.set("/real", body=document(K2))
    jwks = remote(server, timeout=2)
    jwks.keys()
    server.set(status=302, headers={"Location": location.format(port=server.port)})
    started = time.monotonic()
    with pytest.raises(JwksUnavailableError) as e:
        jwks.refresh()
    assert time.monotonic() - started < 2 + 2
    assert message in str(e.value) and server.url in str(e.value)
    assert server.count("/real") == 0
    assert kids(jwks.keys()) == ["k1"]


def test_redirect_limits(server: JwksServer) -> None:
    server.set(status=302, headers={"Location": "/jwks"})  # a loop
    with pytest.raises(JwksUnavailableError) as e:
        remote(server, max_redirects=3).keys()
    assert "too many redirects" in str(e.value)
    assert server.count() == 4  # the request and 3 redirects followed
    server.set("/real", body=document(K1))
    server.set(status=307, headers={"Location": "/real"})
    with pytest.raises(JwksUnavailableError):
        remote(server, max_redirects=0).keys()
    assert server.count("/real") == 0
    assert kids(remote(server, max_redirects=1).keys()) == ["k1"]
    server.set(status=302)  # no Location
    with pytest.raises(JwksUnavailableError) as e:
        remote(server).keys()
    assert "Location" in str(e.value)


# ------------------------------------------------------------ 9. URLs, jku


@pytest.mark.parametrize(
    "url",
    [
        "http://issuer.example/jwks",
        "http://10.0.0.1/jwks",
        "http://localhost.evil.example/jwks",
        "ftp://issuer.example/jwks",
        "file:///etc/passwd",
        "https://issuer.example/jwks#fragment",
        "issuer.example/jwks",
        "",
    ],
)
def test_urls_that_are_not_https_or_loopback_are_invalid(url: str) -> None:
    with pytest.raises(InvalidArgumentError) as e:
        RemoteKeySet(url)
    assert e.value.code == "INVALID_ARGUMENT"


def test_accepted_urls_and_arguments() -> None:
    for url in (
        "https://issuer.example/.well-known/jwks.json",
        "http://127.0.0.1:9/jwks",
        "http://localhost:9/jwks",
        "http://[::1]:9/jwks",
    ):
        assert RemoteKeySet(url).url == url
    # User info is never shown.
    assert RemoteKeySet("https://user:pw@issuer.example/jwks").url == "https://issuer.example/jwks"
    jwks = RemoteKeySet(
        "https://issuer.example/jwks",
        max_age=datetime.timedelta(minutes=10),
        cooldown=0.5,
        timeout=2,
        min_age=0,
        max_bytes=1024,
        negative_ttl=60,
        max_stale=datetime.timedelta(hours=1),
        max_redirects=0,
        ca_pem=None,
    )
    assert repr(jwks) == "RemoteKeySet('https://issuer.example/jwks')"
    assert repr(Verifier(jwks, cache_size=10)) == (
        "Verifier(remote='https://issuer.example/jwks', cache_size=10)"
    )
    with pytest.raises(TypeError):
        RemoteKeySet(b"https://issuer.example/jwks")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        RemoteKeySet("https://issuer.example/jwks", 300)  # type: ignore[call-arg]
    bad_values: List[Dict[str, Any]] = [
        {"max_age": 0}, {"cooldown": 0}, {"timeout": 0}, {"timeout": -1},
        {"max_bytes": 0}, {"max_bytes": -1}, {"max_age": float("nan")},
        {"ca_pem": "not a pem"},
    ]
    for kwargs in bad_values:
        with pytest.raises(InvalidArgumentError):
            RemoteKeySet("https://issuer.example/jwks", **kwargs)
    bad_types: List[Dict[str, Any]] = [
        {"max_age": "300"}, {"cooldown": True}, {"max_bytes": 1.5},
        {"max_redirects": "3"}, {"ca_pem": b"pem"},
    ]
    for kwargs in bad_types:
        with pytest.raises(TypeError):
            RemoteKeySet("https://issuer.example/jwks", **kwargs)
    with pytest.raises(AttributeError):
        jwks.extra = 1  # type: ignore[attr-defined]


def test_jku_and_x5u_in_tokens_are_never_fetched(server: JwksServer) -> None:
    server.set("/evil", body=document(K3))
    verifier = Verifier(remote(server))
    evil = f"{server.base}/evil"
    verifier.verify(token(K1))
    # Signed by a key the JWKS lacks, pointing at a JWKS that has it.
    with pytest.raises(KeyNotFoundError):
        verifier.verify(token(K3, jku=evil))
    with pytest.raises(KeyNotFoundError):
        verifier.verify(token(K3, x5u=evil))
    # A known kid with a jku verifies from the configured JWKS only.
    assert verifier.verify(token(K1, jku=evil))["sub"] == "u1"
    assert server.count("/evil") == 0
    assert server.count("/jwks") == 2  # the first fetch and one kid refetch
    assert server.total() == 2


def test_malformed_tokens_cause_no_fetch(server: JwksServer) -> None:
    verifier = Verifier(remote(server), max_token_bytes=2000)
    for bad in ("not a token", "a.b.c", "x" * 5000):
        with pytest.raises(InvalidTokenError):
            verifier.verify(bad)
    assert server.total() == 0


# ------------------------------------------------------------ 10. export/import


def test_export_import_round_trip_without_requests(server: JwksServer) -> None:
    first = remote(server)
    assert first.export_cache() is None
    first.keys()
    text = first.export_cache()
    assert text is not None
    data = json.loads(text)
    assert data["url"] == server.url
    assert [k["kid"] for k in data["jwks"]["keys"]] == ["k1"]
    assert "d" not in data["jwks"]["keys"][0]  # public keys only
    server.stop()  # a cold start must not need the provider
    cold = remote(server)
    cold.import_cache(text)
    assert Verifier(cold).verify(token(K1))["sub"] == "u1"
    st = cold.status()
    assert (st.state, st.fresh, st.keys, st.requests) == ("fresh", True, 1, 0)
    original = first.status().fetched_at
    assert st.fetched_at is not None and original is not None
    # Exported as fractional Unix seconds: equal to the microsecond or so.
    assert abs(st.fetched_at - original) < datetime.timedelta(milliseconds=1)
    assert server.count() == 1


def test_import_cache_errors(server: JwksServer) -> None:
    jwks = remote(server)
    jwks.keys()
    text = jwks.export_cache()
    assert text is not None
    other = RemoteKeySet(f"{server.base}/other")
    with pytest.raises(InvalidArgumentError):
        other.import_cache(text)
    for bad in ("", "not json", "{}", json.dumps({"url": server.url})):
        with pytest.raises(TesseraError):
            remote(server).import_cache(bad)
    with pytest.raises(TypeError):
        remote(server).import_cache(text.encode())  # type: ignore[arg-type]
    # An older export never replaces a newer cache.
    server.set(body=document(K2))
    jwks.refresh()
    jwks.import_cache(text)
    assert kids(jwks.keys()) == ["k2"]


# ------------------------------------------------------------ 11. status, Verifier


def test_status_fields(server: JwksServer) -> None:
    jwks = remote(server, max_age=30)
    st = jwks.status()
    assert isinstance(st, JwksStatus)
    assert st == JwksStatus(
        url=server.url, state="empty", fresh=False, fetched_at=None, fresh_until=None,
        last_error=None, last_error_at=None, keys=0, requests=0, generation=0,
    )
    before = datetime.datetime.now(UTC)
    jwks.keys()
    after = datetime.datetime.now(UTC)
    st = jwks.status()
    assert (st.url, st.state, st.fresh, st.keys, st.requests, st.generation) == (
        server.url, "fresh", True, 1, 1, 1,
    )
    assert st.fetched_at is not None and st.fresh_until is not None
    assert st.fetched_at.tzinfo is not None and st.fresh_until.tzinfo is not None
    slack = datetime.timedelta(seconds=1)
    assert before - slack <= st.fetched_at <= after + slack
    lifetime = st.fresh_until - st.fetched_at
    assert datetime.timedelta(seconds=29) <= lifetime <= datetime.timedelta(seconds=31)
    assert st.last_error is None and st.last_error_at is None
    # The same keys again: a request, no new generation.
    jwks.refresh()
    st = jwks.status()
    assert (st.requests, st.generation) == (2, 1)
    # New keys: a new generation.
    server.set(body=document(K1, K2))
    jwks.refresh()
    st = jwks.status()
    assert (st.requests, st.generation, st.keys) == (3, 2, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        st.state = "stale"  # type: ignore[misc]


def test_verifier_on_remote_keys_follows_rotation_through_its_cache(
    server: JwksServer,
) -> None:
    jwks = remote(server, max_age=1, cooldown=0.5)
    verifier = Verifier(jwks, cache_size=100, algorithms=["ES256"], required=["exp"])
    old = token(K1)
    assert verifier.verify(old)["sub"] == "u1"
    assert verifier.verify(old)["sub"] == "u1"  # a cache hit
    server.set(body=document(K2))  # k1 retired by the provider
    time.sleep(1.3)
    # The set changed: the cached verification of k1 is not served.
    with pytest.raises(KeyNotFoundError):
        verifier.verify(old)
    assert verifier.verify(token(K2))["sub"] == "u1"
    assert jwks.status().generation == 2


def test_verifier_policy_applies_on_remote_keys(server: JwksServer) -> None:
    verifier = Verifier(remote(server), issuer="https://issuer.example", algorithms=["ES256"])
    with pytest.raises(tessera.InvalidIssuerError):
        verifier.verify(jwt.encode({"iss": "https://other.example", "exp": EXP}, K1))
    with pytest.raises(tessera.MissingRequiredClaimError):
        verifier.verify(token(K1))
    t = jwt.encode({"iss": "https://issuer.example", "exp": EXP}, K1)
    assert verifier.verify(t)["iss"] == "https://issuer.example"
    with pytest.raises(tessera.InvalidAlgorithmError):
        Verifier(remote(server), algorithms=["RS256"]).verify(t)


def test_verifiers_on_one_set_share_its_cache(server: JwksServer) -> None:
    jwks = remote(server)
    a, b = Verifier(jwks), Verifier(jwks)
    a.verify(token(K1))
    b.verify(token(K1))
    assert server.count() == 1  # one cache behind both verifiers
    remote(server).keys()
    assert server.count() == 2  # another RemoteKeySet has its own cache


# ------------------------------------------------------------ Flask bearer


def test_flask_bearer_on_a_remote_key_set(server: JwksServer) -> None:
    import flask

    from tessera.flask import bearer

    server.set(body=document(K1))
    app = flask.Flask(__name__)
    warm = Verifier(remote(server))
    cold = Verifier(RemoteKeySet(server.url, timeout=1))

    def me() -> Dict[str, Any]:
        return {"sub": flask.g.jwt_claims["sub"]}

    app.add_url_rule("/warm", "warm", bearer(warm)(me))
    app.add_url_rule("/cold", "cold", bearer(cold)(me))
    client = app.test_client()

    def get(path: str, key: Key) -> Tuple[int, Any]:
        r = client.get(path, headers={"Authorization": f"Bearer {token(key)}"})
        return r.status_code, r.get_json()

    assert get("/warm", K1) == (200, {"sub": "u1"})
    status, body = get("/warm", K4)
    assert (status, body["code"]) == (401, "KEY_NOT_FOUND")

    # The provider is down and nothing is cached: 503, not a 401.
    server.stop()
    status, body = get("/cold", K1)
    assert (status, body["code"]) == (503, "JWKS_UNAVAILABLE")
    assert server.url in body["message"]
    # The warm verifier keeps its keys.
    assert get("/warm", K1)[0] == 200


def test_verifier_type_error_names_remote_key_set() -> None:
    with pytest.raises(TypeError, match="tessera.jwks.RemoteKeySet"):
        Verifier("https://issuer.example/jwks")  # type: ignore[arg-type]
