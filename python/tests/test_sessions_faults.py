"""Faults, with redis-server processes this module starts and stops itself:
Redis killed mid-test (STORE_UNAVAILABLE within the timeout, no hang), Redis
restarted (the next call works on the same objects), Redis frozen (a timeout,
then correct answers again), a server that never answers; and the GIL is
released while a thread waits on the store."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterator, List, Optional

import pytest
import redis

from tessera import Key, StoreUnavailableError, TesseraError, Verifier, jwt
from tessera.sessions import Denylist, RedisStore, RefreshTokens, SessionManager

from conftest import need

TIMEOUT = 0.5  # connect and io timeouts of the stores under test
BOUND = 3.0  # the longest any failing call may take
KEY = Key.hmac(b"0123456789abcdef0123456789abcdef")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisProcess:
    """One redis-server on a free loopback port (no persistence)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="tessera-fault-")
        self.proc: Optional["subprocess.Popen[bytes]"] = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def socket(self) -> str:
        return os.path.join(self.dir, "redis.sock")

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir, "--logfile", os.path.join(self.dir, "log"),
             "--unixsocket", self.socket, "--unixsocketperm", "700"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not answers(self.port):
            assert self.proc.poll() is None, "redis-server exited"
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.02)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()  # a crash, not a clean shutdown
        self.proc.wait(10)
        self.proc = None

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def close(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGCONT)
            self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def server() -> Iterator[RedisProcess]:
    if shutil.which("redis-server") is None:
        need("redis-server is not installed")
    s = RedisProcess()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def silent() -> Iterator[int]:
    """A TCP port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def store(url: str, timeout: float = TIMEOUT) -> RedisStore:
    return RedisStore(url, connect_timeout=timeout, io_timeout=timeout, pool_size=4)


def fails_closed(call: Callable[[], Any]) -> float:
    t = time.monotonic()
    with pytest.raises(StoreUnavailableError) as e:
        call()
    elapsed = time.monotonic() - t
    assert e.value.code == "STORE_UNAVAILABLE"
    assert elapsed < BOUND, f"took {elapsed:.2f}s"
    return elapsed


def test_killed_redis_fails_closed_and_recovers(server: RedisProcess) -> None:
    st = store(server.url)
    m = SessionManager(st, ttl=600)
    deny = Denylist(st)
    rt = RefreshTokens(st, ttl=600)
    verifier = Verifier(KEY, denylist=deny)
    token = jwt.encode({"sub": "u", "exp": int(time.time()) + 600, "jti": "j1"}, KEY)
    sid = m.create({"a": 1})
    refresh = rt.issue("u")
    assert m.load(sid) == {"a": 1} and verifier.verify(token)["sub"] == "u"

    server.kill()
    for _ in range(2):  # every call, every time: never "no session", never a hang
        fails_closed(lambda: m.load(sid))
        fails_closed(lambda: m.create({}))
        fails_closed(lambda: m.save(sid, {"a": 2}, 0))
        fails_closed(lambda: m.destroy(sid))
        fails_closed(lambda: deny.is_revoked("j1"))
        fails_closed(lambda: verifier.verify(token))  # never "not revoked"
        fails_closed(lambda: rt.rotate(refresh))
        fails_closed(st.ping)

    server.start()
    # The same objects work at once (the data is gone: no persistence).
    assert m.load(sid) is None
    sid = m.create({"b": 2})
    assert m.load(sid) == {"b": 2}
    assert verifier.verify(token)["sub"] == "u"
    assert rt.rotate(rt.issue("u")).user_id == "u"


def test_unix_socket_url(server: RedisProcess) -> None:
    st = RedisStore(f"redis+unix://{server.socket}", prefix="unix:")
    st.ping()
    m = SessionManager(st, ttl=60)
    sid = m.create({"via": "unix"})
    tcp = SessionManager(RedisStore(server.url, prefix="unix:"), ttl=60)
    assert tcp.load(sid) == {"via": "unix"}  # the same server, the same keys


def test_restart_with_one_idle_pooled_connection(server: RedisProcess) -> None:
    st = RedisStore(server.url, connect_timeout=TIMEOUT, io_timeout=TIMEOUT, pool_size=1)
    m = SessionManager(st, ttl=600)
    sid = m.create({"a": 1})
    server.kill()
    server.start()
    # The stale connection fails, the core retries once on a fresh one.
    assert m.load(sid) is None
    sid = m.create({"c": 3})
    assert m.load(sid) == {"c": 3}


def test_restart_with_several_idle_pooled_connections(server: RedisProcess) -> None:
    """After a restart every pooled connection is stale: the retry must use a
    fresh connection, not the next stale one from the pool."""
    st = RedisStore(server.url, connect_timeout=TIMEOUT, io_timeout=TIMEOUT, pool_size=4)
    m = SessionManager(st, ttl=600)
    sid = m.create({"a": 1})
    start = threading.Barrier(4)

    def busy(_: int) -> None:
        start.wait()
        for _ in range(50):
            m.load(sid)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(busy, range(4)))
    clients = redis.Redis.from_url(server.url).client_list()
    assert len(clients) >= 3, clients  # the pool holds several connections (+ redis-py's)
    server.kill()
    server.start()
    # The next call works on the same store object (docs/sessions.md).
    assert m.load(sid) is None


def test_frozen_redis_times_out_then_answers_correctly(server: RedisProcess) -> None:
    st = store(server.url)
    m = SessionManager(st, ttl=600)
    ids = [m.create({"i": i}) for i in range(4)]
    server.signal(signal.SIGSTOP)  # accepts nothing, answers nothing
    try:
        for sid in ids:
            elapsed = fails_closed(lambda: m.load(sid))
            assert elapsed >= TIMEOUT * 0.8  # it did wait for the io timeout
    finally:
        server.signal(signal.SIGCONT)
    # Replies that arrive late belong to dropped connections: every answer
    # now is the one to its own question.
    for _ in range(3):
        assert [m.load(sid) for sid in ids] == [{"i": i} for i in range(4)]
        assert m.touch(ids[0]) is True and m.load("A" * 43) is None


def test_server_that_never_answers(silent: int) -> None:
    m = SessionManager(store(f"redis://127.0.0.1:{silent}/0"), ttl=60)
    for _ in range(2):
        fails_closed(lambda: m.load("A" * 43))
        fails_closed(lambda: m.create({}))


# ------------------------------------------------------------------ the GIL


def test_gil_is_released_while_waiting_on_the_store(silent: int) -> None:
    """A thread blocked in a store call (a server that never answers) lets
    Python run: a pure-Python counter keeps counting, and two blocked calls
    in two threads overlap instead of queueing behind one another."""
    m = SessionManager(store(f"redis://127.0.0.1:{silent}/0", timeout=1.0), ttl=60)
    t = time.monotonic()
    with pytest.raises(StoreUnavailableError):
        m.load("A" * 43)
    single = time.monotonic() - t
    assert single >= 0.8, single  # the call really blocks for about the timeout

    counting = threading.Event()
    stop = threading.Event()
    ticks: List[int] = [0]

    def count() -> None:
        counting.set()
        while not stop.is_set():
            ticks[0] += 1

    counter = threading.Thread(target=count)
    counter.start()
    counting.wait()
    try:
        before = ticks[0]
        with pytest.raises(StoreUnavailableError):
            m.load("A" * 43)
        during = ticks[0] - before
    finally:
        stop.set()
        counter.join()
    # With the GIL held the counter would stand still for the whole call;
    # released, it runs (hundreds of thousands of increments a second).
    assert during > 10_000, during

    def blocked(_: int) -> float:
        t0 = time.monotonic()
        try:
            m.load("A" * 43)
        except TesseraError:
            pass
        return time.monotonic() - t0

    t = time.monotonic()
    with ThreadPoolExecutor(2) as pool:
        each = list(pool.map(blocked, range(2)))
    wall = time.monotonic() - t
    assert min(each) >= 0.8 * single, each
    assert wall < 1.5 * single, (wall, single)  # serialized would be 2x


def test_gil_is_released_in_verify_with_a_denylist(silent: int) -> None:
    deny = Denylist(store(f"redis://127.0.0.1:{silent}/0", timeout=1.0))
    verifier = Verifier(KEY, denylist=deny)  # HMAC alone would not release the GIL
    token = jwt.encode({"sub": "u", "exp": int(time.time()) + 600, "jti": "j"}, KEY)

    def blocked(_: int) -> float:
        t0 = time.monotonic()
        with pytest.raises(StoreUnavailableError):
            verifier.verify(token)
        return time.monotonic() - t0

    single = blocked(0)
    t = time.monotonic()
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(blocked, range(3)))
    wall = time.monotonic() - t
    assert wall < 1.6 * single, (wall, single)  # serialized would be 3x
