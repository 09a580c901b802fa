"""tessera.sessions on a real Redis (standalone and a 3-master Cluster, from
tests/redis/with-redis): the documented key layout read back with redis-py,
records written by hand (as another language would) read by Python, garbage
in the store, and concurrency on every store."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Tuple, Union

import pytest
import redis

from tessera import (
    DecodeError,
    Key,
    RefreshTokenReusedError,
    RevokedTokenError,
    SessionConflictError,
    TesseraError,
    Verifier,
    jwt,
)
from tessera.sessions import Denylist, MemoryStore, RedisStore, RefreshTokens, SessionManager

from conftest import make_store, redis_cluster_urls, redis_url, unique_prefix

THREADS = 8


def sha(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def raw() -> "redis.Redis[bytes]":
    return redis.Redis.from_url(redis_url())


def record(client: "redis.Redis[bytes]", key: str) -> Dict[str, Any]:
    value = client.get(key)
    assert value is not None, key
    out: Dict[str, Any] = json.loads(value)
    return out


# ------------------------------------------------------------------ layout


def test_key_layout_and_records() -> None:
    """docs/sessions.md, checked key by key with redis-py (default prefix)."""
    url = redis_url()
    r = raw()
    store = RedisStore(url)  # prefix "tessera:"
    store.ping()
    user = f"carol-{secrets.token_hex(4)}"
    m = SessionManager(store, ttl=600, idle_timeout=120)
    t0 = int(time.time() * 1000)
    sid = m.create({"n": 1, "name": "Jürgen"}, user_id=user)
    key = f"tessera:s:{sha(sid)}"
    rec = record(r, key)
    assert rec["v"] == 1 and rec["data"] == {"n": 1, "name": "Jürgen"}
    assert rec["user"] == user and rec["version"] == 0
    assert t0 - 5 <= rec["created"] <= int(time.time() * 1000) + 5
    assert rec["expires"] == rec["created"] + 600_000
    # The store TTL is the smaller of the absolute time left and the idle timeout.
    assert 110_000 <= r.pttl(key) <= 120_000
    assert r.smembers(f"tessera:u:{user}") == {sha(sid).encode()}
    assert 590_000 <= r.pttl(f"tessera:u:{user}") <= 600_000
    # The id itself is stored nowhere.
    for k in r.scan_iter("tessera:*"):
        assert sid.encode() not in k
        if r.type(k) == b"string":
            assert sid.encode() not in (r.get(k) or b"")
    s = m.load(sid)
    assert s is not None
    s["n"] = 2
    m.save(sid, s)
    assert record(r, key)["version"] == 1 and record(r, key)["data"]["n"] == 2

    # Denylist: d:<jti> = {"v":1,"exp":s}, kept until exp + 300 s.
    deny = Denylist(store)
    jti = f"jti-{secrets.token_hex(4)}"
    exp = int(time.time()) + 60
    deny.revoke(jti, exp)
    assert record(r, f"tessera:d:{jti}") == {"v": 1, "exp": exp}
    assert 355_000 <= r.pttl(f"tessera:d:{jti}") <= 361_000

    # Refresh tokens: r:<sha256(token)> and the family f:<id>.
    rt = RefreshTokens(store, ttl=3600)
    token = rt.issue(user, {"device": "phone"})
    rrec = record(r, f"tessera:r:{sha(token)}")
    assert rrec["v"] == 1 and rrec["user"] == user and rrec["data"] == {"device": "phone"}
    assert rrec["state"] == "active" and isinstance(rrec["family"], str)
    assert rrec["expires"] > time.time() * 1000 + 3_590_000
    family_key = f"tessera:f:{rrec['family']}"
    assert record(r, family_key) == {"v": 1, "user": user, "revoked": None}
    assert r.smembers(f"tessera:g:{user}") == {rrec["family"].encode()}
    assert 3_590_000 <= r.pttl(f"tessera:g:{user}") <= 3_600_000
    new = rt.rotate(token).token
    assert record(r, f"tessera:r:{sha(token)}")["state"] == "rotated"
    assert record(r, f"tessera:r:{sha(new)}")["family"] == rrec["family"]
    with pytest.raises(RefreshTokenReusedError):
        rt.rotate(token)
    assert record(r, family_key)["revoked"] == "reused"
    for k in r.scan_iter("tessera:*"):
        assert token.encode() not in k and new.encode() not in k
    # Log out everywhere for refresh tokens: every family of the user.
    second = rt.issue(user)
    assert rt.revoke_user(user) == 1  # the reused family was dead already
    assert record(r, f"tessera:f:{record(r, f'tessera:r:{sha(second)}')['family']}")["revoked"] == "revoked"
    assert r.smembers(f"tessera:g:{user}") == set()

    # Log out everywhere empties the user's index.
    assert m.destroy_user(user) == 1
    assert r.exists(key) == 0 and r.smembers(f"tessera:u:{user}") == set()


def test_records_written_by_another_language_are_read() -> None:
    """A session record written by hand, exactly as documented (as Node or C
    would write it), is loaded, rotated and destroyed from Python."""
    r = raw()
    prefix = unique_prefix()
    m = SessionManager(RedisStore(redis_url(), prefix=prefix), ttl=600)
    sid = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
    now = int(time.time() * 1000)
    rec = {"v": 1, "data": {"from": "node", "n": [1, 2]}, "user": "dana", "created": now,
           "expires": now + 600_000, "version": 7, "extra": "ignored"}
    r.set(f"{prefix}s:{sha(sid)}", json.dumps(rec, separators=(",", ":")), px=600_000)
    r.sadd(f"{prefix}u:dana", sha(sid))
    s = m.load(sid)
    assert s is not None and s == {"from": "node", "n": [1, 2]}
    assert (s.version, s.user_id, s.id) == (7, "dana", sid)
    assert int(s.created_at.timestamp() * 1000) == now
    new = m.rotate(sid)
    assert new is not None and m.load(sid) is None
    assert r.smembers(f"{prefix}u:dana") == {sha(new).encode()}
    assert m.destroy_user("dana") == 1 and m.load(new) is None


def test_garbage_in_the_store_is_malformed_not_no_session() -> None:
    r = raw()
    prefix = unique_prefix()
    store = RedisStore(redis_url(), prefix=prefix)
    m = SessionManager(store, ttl=600)
    sid = m.create({"a": 1})
    key = f"{prefix}s:{sha(sid)}"
    for garbage in (b"{not json", b'{"v":2,"data":{},"user":null,"created":1,"expires":1,"version":0}',
                    b'{"v":1,"data":[],"user":null}'):
        r.set(key, garbage, px=60_000)
        with pytest.raises(DecodeError) as e:
            m.load(sid)
        assert e.value.code == "MALFORMED"
    r.delete(key)
    r.sadd(key, "x")  # the wrong Redis type
    with pytest.raises(DecodeError):
        m.load(sid)
    r.set(f"{prefix}d:jti-x", b"nonsense", px=60_000)
    with pytest.raises(DecodeError):
        Denylist(store).is_revoked("jti-x")


def test_verifier_denylist_on_redis_shared_between_stores() -> None:
    """Two store objects on one Redis (two processes, in effect): a revocation
    through one is honoured by a Verifier on the other."""
    prefix = unique_prefix()
    key = Key.hmac(b"0123456789abcdef0123456789abcdef")
    a = Denylist(RedisStore(redis_url(), prefix=prefix))
    b = Verifier(key, denylist=Denylist(RedisStore(redis_url(), prefix=prefix)))
    token = jwt.encode({"sub": "u", "exp": int(time.time()) + 60, "jti": "shared"}, key)
    assert b.verify(token)["sub"] == "u"
    a.revoke("shared", int(time.time()) + 60)
    with pytest.raises(RevokedTokenError):
        b.verify(token)


def test_cluster_spreads_keys_over_masters() -> None:
    """Every operation is single-key, so keys land on different masters and
    everything still works (no CROSSSLOT)."""
    urls = redis_cluster_urls()
    prefix = unique_prefix()
    m = SessionManager(RedisStore(urls, prefix=prefix, cluster=True), ttl=600)
    ids = [m.create({"i": i}, user_id=f"u{i % 3}") for i in range(30)]
    nodes = [redis.Redis.from_url(u) for u in urls]
    per_node = [sum(1 for _ in n.scan_iter(f"{prefix}s:*")) for n in nodes]
    assert sum(per_node) == 30 and sum(1 for n in per_node if n) >= 2, per_node
    assert [m.destroy_user(f"u{j}") for j in range(3)] == [10, 10, 10]
    assert all(m.load(i) is None for i in ids)


# ------------------------------------------------------------------ concurrency (every store)


def test_concurrent_refresh_rotation_has_one_winner(any_store: Union[MemoryStore, RedisStore]) -> None:
    rt = RefreshTokens(any_store, ttl=600)
    for round_ in range(5):
        token = rt.rotate(rt.issue(f"user-{round_}", {"r": round_})).token
        start = threading.Barrier(THREADS)

        def present(_: int) -> Tuple[str, str]:
            start.wait()
            try:
                return ("ok", rt.rotate(token).token)
            except TesseraError as e:
                return ("error", e.code)

        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(present, range(THREADS)))
        wins = [v for k, v in results if k == "ok"]
        assert len(wins) == 1, results
        assert sorted(v for k, v in results if k == "error") == ["REFRESH_TOKEN_REUSED"] * (THREADS - 1)
        # The family was revoked by the losers' reuse: the winner's token is dead too.
        with pytest.raises(RefreshTokenReusedError):
            rt.rotate(wins[0])


def test_concurrent_creates_never_collide(any_store: Union[MemoryStore, RedisStore]) -> None:
    m = SessionManager(any_store, ttl=600)
    per_thread = 100

    def create(t: int) -> List[str]:
        return [m.create({"t": t, "i": i}, user_id=f"user-{t % 2}") for i in range(per_thread)]

    with ThreadPoolExecutor(THREADS) as pool:
        batches = list(pool.map(create, range(THREADS)))
    ids = [i for b in batches for i in b]
    assert len(set(ids)) == THREADS * per_thread
    for t, batch in enumerate(batches):
        for i, sid in enumerate(batch):
            assert m.load(sid) == {"t": t, "i": i}
    # Nothing lost from the per-user indexes either.
    assert m.destroy_user("user-0") + m.destroy_user("user-1") == THREADS * per_thread


def test_concurrent_saves_lose_nothing_silently(any_store: Union[MemoryStore, RedisStore]) -> None:
    m = SessionManager(any_store, ttl=600)
    sid = m.create({"n": 0})
    start = threading.Barrier(THREADS)

    def save(t: int) -> str:
        s = m.load(sid)
        assert s is not None
        start.wait()  # everyone holds version 0
        s[f"t{t}"] = True
        try:
            m.save(sid, s)
            return "saved"
        except SessionConflictError:
            return "conflict"

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(save, range(THREADS)))
    assert results.count("saved") == 1 and results.count("conflict") == THREADS - 1
    s = m.load(sid)
    assert s is not None and s.version == 1 and sum(k.startswith("t") for k in s) == 1

    # merge: every writer's key arrives, one version each.
    def merge(t: int) -> int:
        return m.merge(sid, {f"m{t}": t})

    with ThreadPoolExecutor(4) as pool:
        versions = list(pool.map(merge, range(4)))
    assert sorted(versions) == [2, 3, 4, 5]
    s = m.load(sid)
    assert s is not None and all(s[f"m{t}"] == t for t in range(4))


def test_python_sees_what_it_wrote_through_a_second_store_object() -> None:
    """Two RedisStore objects (two app instances) share sessions by prefix."""
    prefix = unique_prefix()
    a = SessionManager(make_store("redis", prefix), ttl=600)
    b = SessionManager(make_store("redis", prefix), ttl=600)
    other = SessionManager(make_store("redis"), ttl=600)  # another prefix: another app
    sid = a.create({"x": 1}, user_id="erin")
    assert b.load(sid) == {"x": 1} and other.load(sid) is None
    assert b.destroy_user("erin") == 1 and a.load(sid) is None
