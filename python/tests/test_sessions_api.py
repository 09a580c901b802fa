"""tessera.sessions on the embedded MemoryStore: the Python surface (types,
conversions, argument errors and their codes), the denylist in a Verifier,
refresh tokens, and the memory store's limits."""

from __future__ import annotations

import copy
import datetime
import pickle
import time
from typing import Any

import pytest

import tessera
from tessera import (
    DecodeError,
    InvalidArgumentError,
    InvalidSignatureError,
    Key,
    MissingRequiredClaimError,
    RefreshTokenReusedError,
    RevokedTokenError,
    SessionConflictError,
    SessionNotFoundError,
    StoreUnavailableError,
    TesseraError,
    Verifier,
    jwt,
)
from tessera.sessions import (
    Denylist,
    MemoryStore,
    RedisStore,
    RefreshTokens,
    Rotated,
    Session,
    SessionManager,
)

UTC = datetime.timezone.utc
KEY = Key.hmac(b"0123456789abcdef0123456789abcdef")


def manager(**kw: Any) -> SessionManager:
    return SessionManager(MemoryStore(), **{"ttl": 600, **kw})


def code(call: Any, *args: Any, **kw: Any) -> str:
    with pytest.raises(TesseraError) as e:
        call(*args, **kw)
    return e.value.code


# ------------------------------------------------------------------ SessionManager


def test_session_is_a_dict_with_metadata() -> None:
    m = manager()
    before = datetime.datetime.now(UTC)
    sid = m.create({"cart": [1, 2], "n": 10**30, "x": 1.5, "u": "Jürgen", "z": None}, "alice")
    assert isinstance(sid, str) and len(sid) == 43
    s = m.load(sid)
    assert isinstance(s, Session) and isinstance(s, dict)
    assert s == {"cart": [1, 2], "n": 10**30, "x": 1.5, "u": "Jürgen", "z": None}
    assert (s.id, s.version, s.user_id) == (sid, 0, "alice")
    assert s.created_at.tzinfo is UTC and s.expires_at.tzinfo is UTC
    assert before - datetime.timedelta(seconds=1) <= s.created_at <= datetime.datetime.now(UTC)
    assert s.expires_at - s.created_at == datetime.timedelta(seconds=600)
    # The id is a bearer secret: never in repr (logs).
    assert sid not in repr(s) and "version=0" in repr(s) and "alice" in repr(s)
    back = pickle.loads(pickle.dumps(s))
    assert type(back) is Session and back == s
    assert (back.id, back.version, back.user_id, back.expires_at) == (sid, 0, "alice", s.expires_at)
    assert copy.copy(s).version == 0 and copy.deepcopy(s).id == sid
    anon = m.load(m.create({}))
    assert anon is not None and anon.user_id is None and anon == {}


def test_versioned_saves() -> None:
    m = manager()
    sid = m.create({"n": 0})
    a, b = m.load(sid), m.load(sid)
    assert a is not None and b is not None
    a["n"] = 1
    assert m.save(sid, a) == 1
    assert a.version == 1  # the Session follows the store: saving it again works
    a["n"] = 2
    assert m.save(sid, a) == 2
    b["n"] = 99
    with pytest.raises(SessionConflictError) as e:
        m.save(sid, b)  # b was loaded at version 0: its write would erase a's
    assert e.value.code == "SESSION_CONFLICT" and b.version == 0
    assert m.save(sid, {"n": 3}, version=2) == 3
    assert m.save(sid, b, version=3) == 4 and b.version == 4
    assert code(m.save, sid, {"n": 5}, 3) == "SESSION_CONFLICT"
    with pytest.raises(TypeError, match="version"):
        m.save(sid, {"n": 5})  # a plain dict carries no version
    assert m.load(sid) == {"n": 99}
    m.destroy(sid)
    with pytest.raises(SessionNotFoundError):
        m.save(sid, {"n": 6}, version=4)
    with pytest.raises(SessionNotFoundError):
        m.merge(sid, {"n": 6})


def test_merge_patch() -> None:
    m = manager()
    sid = m.create({"a": 1, "nested": {"x": 1, "y": 2}, "gone": True})
    assert m.merge(sid, {"b": [1], "nested": {"y": None, "z": 3}, "gone": None}) == 1
    assert m.load(sid) == {"a": 1, "nested": {"x": 1, "z": 3}, "b": [1]}
    assert m.merge(sid, '{"a": 2}') == 2  # JSON text works too
    assert m.load(sid) == {"a": 2, "nested": {"x": 1, "z": 3}, "b": [1]}


def test_touch_destroy_rotate_destroy_user() -> None:
    m = manager()
    sid = m.create({"k": "v"}, user_id="bob")
    other = m.create({}, user_id="bob")
    new = m.rotate(sid)
    assert isinstance(new, str) and new != sid
    assert m.load(sid) is None and m.touch(sid) is False
    s = m.load(new)
    assert s is not None and s == {"k": "v"} and s.user_id == "bob"
    assert m.rotate(sid) is None
    assert m.touch(new) is True
    assert m.destroy_user("bob") == 2
    assert m.load(new) is None and m.load(other) is None
    assert m.destroy(new) is False
    keep = m.create({})
    assert m.destroy(keep) is True and m.destroy(keep) is False


def test_durations_accept_seconds_and_timedelta() -> None:
    m = SessionManager(MemoryStore(), ttl=datetime.timedelta(milliseconds=400),
                       idle_timeout=0.2)
    sid = m.create({})
    s = m.load(sid)
    assert s is not None and s.expires_at - s.created_at == datetime.timedelta(milliseconds=400)
    time.sleep(0.12)
    assert m.touch(sid)
    time.sleep(0.12)
    assert m.load(sid) is not None  # 240 ms after creation: kept alive by the touch
    time.sleep(0.25)
    assert m.load(sid) is None  # idle for 250 ms > 200 ms
    # Sub-millisecond and zero durations are the core's INVALID_ARGUMENT.
    for ttl in (0, 0.0004, datetime.timedelta(0)):
        assert code(SessionManager, MemoryStore(), ttl=ttl) == "INVALID_ARGUMENT"


@pytest.mark.parametrize("kw, exc, message", [
    ({"ttl": -1}, InvalidArgumentError, "ttl must not be negative"),
    ({"ttl": datetime.timedelta(seconds=-1)}, InvalidArgumentError, "ttl must not be negative"),
    ({"ttl": float("inf")}, InvalidArgumentError, "ttl must be a finite number"),
    ({"ttl": float("nan")}, InvalidArgumentError, "ttl must be a finite number"),
    ({"ttl": 10**30}, InvalidArgumentError, "ttl is out of range"),
    ({"ttl": "60"}, TypeError, "ttl must be int, float or datetime.timedelta, not str"),
    ({"ttl": True}, TypeError, "ttl must be int, float or datetime.timedelta, not bool"),
    ({"ttl": None}, TypeError, "ttl must be"),
    ({"ttl": 60, "idle_timeout": -0.5}, InvalidArgumentError, "idle_timeout must not be negative"),
    ({"ttl": 60, "idle_timeout": "1"}, TypeError, "idle_timeout must be"),
])
def test_bad_durations(kw: Any, exc: type, message: str) -> None:
    with pytest.raises(exc, match=message):
        SessionManager(MemoryStore(), **kw)


def test_bad_arguments() -> None:
    m = manager()
    sid = m.create({})
    with pytest.raises(TypeError, match="store must be a tessera.sessions.MemoryStore or RedisStore"):
        SessionManager("redis://localhost", ttl=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="data must be a mapping"):
        m.create([1, 2])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not JSON serializable"):
        m.create({"when": datetime.datetime.now()})
    with pytest.raises(InvalidArgumentError):
        m.create({"x": float("nan")})
    assert code(m.create, "[1]") == "INVALID_ARGUMENT"  # JSON text, but not an object
    assert code(m.create, "{nope") == "INVALID_ARGUMENT"
    for user in ("", "a\nb", "x" * 257):
        assert code(m.create, {}, user) == "INVALID_ARGUMENT"
        assert code(m.destroy_user, user) == "INVALID_ARGUMENT"
    with pytest.raises(TypeError, match="user_id must be str, not int"):
        m.create({}, 42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="id must be str, not NoneType"):
        m.load(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="id must be str, not bytes"):
        m.destroy(sid.encode())  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="id is not valid Unicode"):
        m.load("\ud800")
    with pytest.raises(TypeError, match="version must be int"):
        m.save(sid, {}, "0")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        m.save(sid, {}, -1)
    # Strings that are not ids are simply no session (the core's rule).
    for bad in ("", "x", sid + "A", sid[:-1] + "=", "../../etc/passwd"):
        assert m.load(bad) is None and m.touch(bad) is False and m.rotate(bad) is None
        assert m.destroy(bad) is False


# ------------------------------------------------------------------ Denylist + Verifier


def now() -> int:
    return int(time.time())


def test_denylist_and_verifier() -> None:
    deny = Denylist(MemoryStore())
    verifier = Verifier(KEY, denylist=deny)
    assert repr(verifier) == "Verifier(keys=[HS256], denylist)"
    assert repr(Verifier(KEY)) == "Verifier(keys=[HS256])"
    token = jwt.encode({"sub": "u", "exp": now() + 60, "jti": "t-1"}, KEY)
    assert verifier.verify(token)["jti"] == "t-1"
    assert jwt.decode(token, KEY, denylist=deny)["jti"] == "t-1"
    assert deny.is_revoked("t-1") is False
    deny.revoke("t-1", datetime.datetime.now(UTC) + datetime.timedelta(seconds=60))
    assert deny.is_revoked("t-1") is True
    for verify in (verifier.verify, lambda t: jwt.decode(t, KEY, denylist=deny)):
        with pytest.raises(RevokedTokenError) as e:
            verify(token)
        assert (e.value.code, e.value.claim) == ("REVOKED", "jti")
    # Without the denylist the token is fine: the list is the only difference.
    assert jwt.decode(token, KEY)["jti"] == "t-1"
    # A denylist needs a jti to check.
    no_jti = jwt.encode({"sub": "u", "exp": now() + 60}, KEY)
    with pytest.raises(MissingRequiredClaimError) as m:
        verifier.verify(no_jti)
    assert m.value.claim == "jti"
    # The signature is checked before the list: a forged revoked token is a forgery.
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with pytest.raises(InvalidSignatureError):
        verifier.verify(forged)
    # Revoking a long-dead token stores nothing (it is refused anyway).
    deny.revoke("old", 1_000)
    assert deny.is_revoked("old") is False


def test_denylist_bad_arguments() -> None:
    deny = Denylist(MemoryStore())
    for jti in ("", "a\x00b", "j" * 257):
        assert code(deny.revoke, jti, now() + 60) == "INVALID_ARGUMENT"
        assert deny.is_revoked(jti) is False  # no such entry can exist
    with pytest.raises(TypeError, match="exp must be int, float or datetime.datetime"):
        deny.revoke("j", "tomorrow")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="jti must be str"):
        deny.is_revoked(1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="denylist must be a tessera.sessions.Denylist"):
        Verifier(KEY, denylist=MemoryStore())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="denylist must be"):
        jwt.decode("a.b.c", KEY, denylist="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="store must be"):
        Denylist(None)  # type: ignore[arg-type]


# ------------------------------------------------------------------ RefreshTokens


def test_refresh_tokens() -> None:
    rt = RefreshTokens(MemoryStore(), ttl=datetime.timedelta(days=30))
    t0 = rt.issue("bob", {"device": "phone"})
    r = rt.rotate(t0)
    assert isinstance(r, Rotated) and isinstance(r, tuple)
    user_id, data, t1 = r
    assert (user_id, data) == ("bob", {"device": "phone"}) and t1 != t0 and len(t1) == 43
    assert t1 not in repr(r) and "bob" in repr(r)
    t2 = rt.rotate(t1).token
    with pytest.raises(RefreshTokenReusedError) as e:
        rt.rotate(t1)  # copied token: the family dies
    assert e.value.code == "REFRESH_TOKEN_REUSED" and isinstance(e.value, RevokedTokenError)
    with pytest.raises(RefreshTokenReusedError):
        rt.rotate(t2)
    c0 = rt.issue("carol", '{"scope": "read"}')
    c1 = rt.rotate(c0)
    assert c1.data == {"scope": "read"}
    assert rt.rotate(c1.token).data == {"scope": "read"}
    nodata = rt.issue("dave")
    assert rt.rotate(nodata).data is None
    assert rt.revoke_family(c0) is True
    assert code(rt.rotate, c1.token) == "REVOKED"  # every token of an ended family
    assert rt.rotate(rt.issue("eve")).user_id == "eve"  # other families live on
    assert rt.revoke_family("A" * 43) is False
    with pytest.raises(SessionNotFoundError):
        rt.rotate("A" * 43)
    with pytest.raises(DecodeError) as d:
        rt.rotate("garbage")
    assert d.value.code == "MALFORMED"


def test_revoked_family_fails_with_revoked() -> None:
    rt = RefreshTokens(MemoryStore(), ttl=60)
    t0 = rt.issue("u")
    t1 = rt.rotate(t0).token
    assert rt.revoke_family(t1) is True
    with pytest.raises(RevokedTokenError) as e:
        rt.rotate(t1)
    assert e.value.code == "REVOKED" and not isinstance(e.value, RefreshTokenReusedError)


def test_revoke_user_ends_every_family_of_a_user() -> None:
    rt = RefreshTokens(MemoryStore(), ttl=60)
    phone = rt.rotate(rt.issue("dave", {"d": "phone"})).token
    laptop = rt.issue("dave", {"d": "laptop"})
    reused = rt.issue("dave")
    rt.rotate(reused)
    with pytest.raises(RefreshTokenReusedError):
        rt.rotate(reused)  # this family is already dead
    other = rt.issue("erin")
    assert rt.revoke_user("dave") == 2  # the two live families
    for token in (phone, laptop):
        with pytest.raises(RevokedTokenError) as e:
            rt.rotate(token)
        assert e.value.code == "REVOKED"
    assert rt.rotate(other).user_id == "erin"
    assert rt.revoke_user("dave") == 0 and rt.revoke_user("nobody") == 0
    assert code(rt.revoke_user, "") == "INVALID_ARGUMENT"
    with pytest.raises(TypeError, match="user_id must be str"):
        rt.revoke_user(None)  # type: ignore[arg-type]


def test_refresh_bad_arguments() -> None:
    rt = RefreshTokens(MemoryStore(), ttl=60)
    assert code(rt.issue, "") == "INVALID_ARGUMENT"
    assert code(rt.issue, "u", "[1]") == "INVALID_ARGUMENT"
    with pytest.raises(TypeError, match="data must be a mapping"):
        rt.issue("u", [1])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="token must be str"):
        rt.rotate(None)  # type: ignore[arg-type]
    assert code(RefreshTokens, MemoryStore(), ttl=0) == "INVALID_ARGUMENT"
    with pytest.raises(TypeError):
        RefreshTokens(MemoryStore())  # type: ignore[call-arg]


# ------------------------------------------------------------------ stores


def test_memory_store_limits_fail_loudly() -> None:
    store = MemoryStore(max_entries=3)
    m = SessionManager(store, ttl=60)
    ids = [m.create({"i": i}) for i in range(3)]
    assert len(store) == 3 and store.bytes_used > 3 * 96
    with pytest.raises(StoreUnavailableError) as e:
        m.create({"i": 3})
    assert e.value.code == "STORE_UNAVAILABLE"
    # Live sessions were not evicted to make room.
    assert [m.load(i) for i in ids] == [{"i": 0}, {"i": 1}, {"i": 2}]
    small = SessionManager(MemoryStore(max_bytes=1000), ttl=60)
    assert code(small.create, {"blob": "x" * 2000}) == "STORE_UNAVAILABLE"


def test_memory_store_churn_stays_bounded() -> None:
    store = MemoryStore(max_entries=200)
    m = SessionManager(store, ttl=0.02)
    for round_ in range(8):
        for i in range(150):
            m.create({"r": round_, "i": i})  # would pass 200 if expired entries leaked
        time.sleep(0.03)
    store.purge_expired()
    assert len(store) == 0 and store.bytes_used == 0
    assert "MemoryStore" in repr(store) and "max_entries: 200" in repr(store)


@pytest.mark.parametrize("kw, message", [
    ({"max_entries": -1}, "max_entries must be a non-negative int"),
    ({"max_bytes": 2**70}, "max_bytes must be a non-negative int"),
])
def test_memory_store_bad_limits(kw: Any, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        MemoryStore(**kw)


def test_memory_store_limit_types() -> None:
    with pytest.raises(TypeError, match="max_entries must be int, not float"):
        MemoryStore(max_entries=1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        MemoryStore(10)  # type: ignore[misc]  # keyword-only


def test_redis_store_configuration() -> None:
    for bad in ("not a url", "http://example.com", ""):
        assert code(RedisStore, bad) == "INVALID_ARGUMENT", bad
    assert code(RedisStore, []) == "INVALID_ARGUMENT"
    assert code(RedisStore, ["redis://127.0.0.1:1", "redis://127.0.0.1:2"]) == "INVALID_ARGUMENT"
    assert code(RedisStore, "redis://127.0.0.1:1", pool_size=0) == "INVALID_ARGUMENT"
    for name in ("connect_timeout", "io_timeout"):
        with pytest.raises(InvalidArgumentError, match=f"{name} must be more than 0 seconds"):
            RedisStore("redis://127.0.0.1:1", **{name: 0})
        with pytest.raises(InvalidArgumentError, match=f"{name} must not be negative"):
            RedisStore("redis://127.0.0.1:1", **{name: -1})
    with pytest.raises(TypeError, match="url must be str or a sequence of str"):
        RedisStore(b"redis://127.0.0.1:1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="url must be str, not int"):
        RedisStore(["redis://127.0.0.1:1", 2])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="pool_size must be int, not bool"):
        RedisStore("redis://127.0.0.1:1", pool_size=True)
    with pytest.raises(TypeError, match="prefix must be str"):
        RedisStore("redis://127.0.0.1:1", prefix=b"x")  # type: ignore[arg-type]
    # Several seed nodes are fine in Cluster mode; nothing connects yet.
    RedisStore(["redis://127.0.0.1:1", "redis://127.0.0.1:2"], cluster=True)
    # repr never shows a password.
    r = repr(RedisStore("redis://user:hunter2@127.0.0.1:1/0", prefix="app:"))
    assert "hunter2" not in r and "127.0.0.1:1/0" in r and "app:" in r


def test_unreachable_redis_is_store_unavailable_quickly() -> None:
    store = RedisStore("redis://127.0.0.1:1/0", connect_timeout=0.5, io_timeout=0.5)
    m = SessionManager(store, ttl=60)
    for call in (store.ping, lambda: m.load("A" * 43), lambda: m.create({}),
                 lambda: Denylist(store).is_revoked("j"),
                 lambda: RefreshTokens(store, ttl=60).issue("u")):
        t = time.monotonic()
        with pytest.raises(StoreUnavailableError) as e:
            call()
        assert e.value.code == "STORE_UNAVAILABLE"
        assert time.monotonic() - t < 3
    # The Verifier fails closed: an unanswerable denylist is not "not revoked".
    token = jwt.encode({"exp": now() + 60, "jti": "j"}, KEY)
    with pytest.raises(StoreUnavailableError):
        Verifier(KEY, denylist=Denylist(store)).verify(token)


def test_rotate_for_a_user_on_login() -> None:
    m = SessionManager(MemoryStore(), ttl=600)
    anon = m.create({"cart": [7]})
    owned = m.rotate(anon, "alice")
    assert owned is not None and m.load(anon) is None
    s = m.load(owned)
    assert s is not None and dict(s) == {"cart": [7]} and s.user_id == "alice"
    assert m.destroy_user("alice") == 1
    assert m.rotate(owned, "alice") is None
    with pytest.raises(InvalidArgumentError):
        m.rotate(m.create({}), "bad\nuser")


def test_save_changes_lands_on_top_of_a_concurrent_save() -> None:
    m = SessionManager(MemoryStore(), ttl=600)
    sid = m.create({"a": 1, "gone": True})
    first = m.load(sid)
    assert first is not None
    m.save(sid, {"a": 1, "gone": True, "other": "x"}, first.version)
    with pytest.raises(SessionConflictError):
        m.save(sid, {"a": 2}, first.version)
    saved = m.save_changes(sid, first, {"a": 2})
    assert dict(saved) == {"a": 2, "other": "x"} and saved.version == first.version + 2 and saved.id == sid
    m.destroy(sid)
    with pytest.raises(SessionNotFoundError):
        m.save_changes(sid, {}, {"a": 1})
