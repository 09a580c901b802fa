"""One Redis, three languages: sessions, refresh tokens and the denylist
written by one binding are read, rotated and destroyed by the others
(docs/sessions.md's shared key layout), on standalone Redis and on a Cluster.

Python drives its own binding directly, Node through
node/test/support/crosslang.js and C through the crosslang CLI that
scripts/test-c.sh builds ($CARGO_TARGET_DIR/c-tests/crosslang). Run by
tests/crosslang/run under tests/redis/with-redis.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, List

import pytest

from tessera.errors import RefreshTokenReusedError
from tessera.sessions import Denylist, RedisStore, RefreshTokens, SessionManager

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
C_CLI = TARGET / "c-tests" / "crosslang"
NODE_CLI = ROOT / "node" / "test" / "support" / "crosslang.js"


def redis_targets() -> List[Any]:
    out = []
    for name, var in (("standalone", "TESSERA_REDIS_URL"), ("cluster", "TESSERA_REDIS_CLUSTER_URLS")):
        url = os.environ.get(var)
        if url is None:
            if os.environ.get("TESSERA_REQUIRE_REDIS"):
                raise RuntimeError(f"{var} is not set: run under tests/redis/with-redis")
            out.append(pytest.param((None, name), id=name, marks=pytest.mark.skip(reason=f"{var} not set")))
        else:
            out.append(pytest.param((url, name), id=name))
    return out


@pytest.fixture(params=redis_targets())
def redis(request: pytest.FixtureRequest) -> Dict[str, Any]:
    url, kind = request.param
    cluster = kind == "cluster"
    store = RedisStore(url.split(",") if cluster else url, cluster=cluster)
    return {"url": url, "cluster": cluster, "store": store}


def node(r: Dict[str, Any], op: str, *args: str) -> Dict[str, Any]:
    flags = ["--cluster"] if r["cluster"] else []
    p = subprocess.run(["node", str(NODE_CLI), *flags, r["url"], op, *args], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode in (0, 1), p.stderr
    return json.loads(p.stdout)


def c(r: Dict[str, Any], op: str, *args: str) -> Dict[str, Any]:
    assert C_CLI.exists(), f"{C_CLI} is missing: scripts/test-c.sh builds it"
    flags = ["--cluster"] if r["cluster"] else []
    p = subprocess.run([str(C_CLI), *flags, r["url"], op, *args], capture_output=True, text=True, timeout=60)
    assert p.returncode in (0, 1), p.stderr
    return json.loads(p.stdout)


def test_a_python_session_is_read_rotated_and_destroyed_elsewhere(redis: Dict[str, Any]) -> None:
    m = SessionManager(redis["store"], ttl=3600)
    sid = m.create({"from": "python", "cart": [1, 2], "name": "Jürgen"}, user_id="xl-alice")

    got = node(redis, "load", sid)["session"]
    assert got["data"] == {"from": "python", "cart": [1, 2], "name": "Jürgen"} and got["userId"] == "xl-alice"
    got = c(redis, "load", sid)
    assert got["found"] and got["data"]["from"] == "python" and got["user"] == "xl-alice"

    new = c(redis, "rotate", sid)["id"]
    assert new != sid and m.load(sid) is None and node(redis, "load", sid)["session"] is None
    loaded = node(redis, "load", new)["session"]
    assert loaded["data"]["cart"] == [1, 2] and loaded["version"] == 0

    assert node(redis, "destroy", new) == {"destroyed": True}
    assert m.load(new) is None and c(redis, "load", new) == {"found": False}


def test_versions_are_shared(redis: Dict[str, Any]) -> None:
    m = SessionManager(redis["store"], ttl=3600)
    sid = c(redis, "create", json.dumps({"n": 1}))["id"]
    s = m.load(sid)
    assert s is not None and dict(s) == {"n": 1} and s.version == 0
    assert m.save(sid, {"n": 2}, 0) == 1
    # Node saving at the stale version loses the race, loudly.
    assert node(redis, "save", sid, json.dumps({"n": 3}), "0")["error"] == "SESSION_CONFLICT"
    assert node(redis, "save", sid, json.dumps({"n": 3}), "1") == {"version": 2}
    got = c(redis, "load", sid)
    assert got["data"] == {"n": 3} and got["version"] == 2


def test_log_out_everywhere_reaches_every_language(redis: Dict[str, Any]) -> None:
    m = SessionManager(redis["store"], ttl=3600)
    user = f"xl-bob-{time.time_ns()}"
    ids = [m.create({"by": "python"}, user_id=user), node(redis, "create", '{"by":"node"}', user)["id"],
           c(redis, "create", '{"by":"c"}', user)["id"]]
    # Login on an anonymous session made by Node, from C: now the user's too.
    anon = node(redis, "create", '{"by":"node-anon"}')["id"]
    ids.append(c(redis, "rotate", anon, user)["id"])
    assert c(redis, "destroy_user", user) == {"count": 4}
    for sid in ids:
        assert m.load(sid) is None
        assert node(redis, "load", sid)["session"] is None
        assert c(redis, "load", sid) == {"found": False}


def test_refresh_tokens_and_the_denylist_across_languages(redis: Dict[str, Any]) -> None:
    refresh = RefreshTokens(redis["store"], ttl=3600)
    t0 = refresh.issue("xl-carol", {"device": "phone"})
    r1 = node(redis, "rotate_refresh", t0)
    assert r1["userId"] == "xl-carol" and r1["data"] == {"device": "phone"}
    with pytest.raises(RefreshTokenReusedError):
        refresh.rotate(t0)  # replayed in Python: the family dies for everyone
    assert node(redis, "rotate_refresh", r1["token"])["error"] == "REFRESH_TOKEN_REUSED"

    deny = Denylist(redis["store"])
    jti = f"xl-jti-{time.time_ns()}"
    assert node(redis, "revoke", jti, str(int(time.time()) + 600)) == {"revoked": True}
    assert deny.is_revoked(jti)
    deny.revoke(jti + "-py", int(time.time()) + 600)
    assert node(redis, "is_revoked", jti + "-py") == {"revoked": True}
