"""Runs tests/vectors/sessions/scenarios.json (the store-independent session
behaviour every binding runs; core/tests/sessions.rs is the Rust runner) on a
MemoryStore, and on standalone Redis and Redis Cluster when
tests/redis/with-redis provides them."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Set

import pytest

from tessera import TesseraError
from tessera.sessions import Denylist, RefreshTokens, SessionManager

from conftest import STORE_KINDS, make_store

FILE = Path(__file__).resolve().parents[2] / "tests" / "vectors" / "sessions" / "scenarios.json"
DOC = json.loads(FILE.read_text(encoding="utf-8"))
SCENARIOS: List[Dict[str, Any]] = DOC["scenarios"]
OPS = {
    "create", "load", "save", "merge", "touch", "destroy", "rotate", "destroy_user", "sleep",
    "revoke", "is_revoked", "issue", "rotate_refresh", "revoke_family",
}
# Every key a step may carry (an unknown one means the file grew a feature this runner lacks).
STEP_KEYS = {"op", "as", "id", "token", "literal", "data", "user", "version", "patch", "ms",
             "jti", "exp_in", "expect"}


def test_file_is_complete() -> None:
    assert DOC["_schema"] and len(SCENARIOS) >= 6
    seen_ops: Set[str] = set()
    codes: Set[str] = set()
    for sc in SCENARIOS:
        for step in sc["steps"]:
            assert set(step) <= STEP_KEYS, step
            assert step["op"] in OPS, step
            seen_ops.add(step["op"])
            expect = step.get("expect")
            if isinstance(expect, dict) and "error" in expect:
                codes.add(expect["error"])
    assert seen_ops == OPS
    assert {"SESSION_CONFLICT", "SESSION_NOT_FOUND", "REFRESH_TOKEN_REUSED", "REVOKED",
            "MALFORMED"} <= codes


def expect_result(at: str, expect: Dict[str, Any], call: Callable[[], Any], key: str) -> Any:
    """`expect` is {key: value} or {"error": CODE}: check the call against it."""
    assert set(expect) in ({key}, {"error"}, {"user", "data"}), at
    if "error" in expect:
        with pytest.raises(TesseraError) as e:
            call()
        assert e.value.code == expect["error"], f"{at}: {e.value!r}"
        return None
    got = call()
    if key:
        assert got == expect[key], at
    return got


def run(sc: Dict[str, Any], kind: str) -> None:
    store = make_store(kind)
    m = SessionManager(store, ttl=sc["ttl_ms"] / 1000,
                       idle_timeout=None if sc["idle_ms"] is None else sc["idle_ms"] / 1000)
    deny = Denylist(store)
    rt = RefreshTokens(store, ttl=sc["refresh_ttl_ms"] / 1000)
    names: Dict[str, str] = {}
    for i, step in enumerate(sc["steps"]):
        at = f"{sc['name']} step {i} {json.dumps(step)}"
        op = step["op"]
        expect = step.get("expect")

        def ref(k: str) -> str:
            return str(step[k]) if step.get("literal") else names[step[k]]

        if op == "create":
            names[step["as"]] = m.create(step["data"], step.get("user"))
        elif op == "load":
            s = m.load(ref("id"))
            if expect is None:
                assert "expect" in step and s is None, at
            else:
                assert s is not None, at
                assert dict(s) == expect["data"], at
                assert s.version == expect["version"], at
                assert s.user_id == expect.get("user"), at
                assert s.id == ref("id"), at
        elif op == "save":
            expect_result(at, expect, lambda: m.save(ref("id"), step["data"], step["version"]),
                          "version")
        elif op == "merge":
            expect_result(at, expect, lambda: m.merge(ref("id"), step["patch"]), "version")
        elif op == "touch":
            assert m.touch(ref("id")) is expect, at
        elif op == "destroy":
            assert m.destroy(ref("id")) is expect, at
        elif op == "rotate":
            new = m.rotate(ref("id"))
            if "expect" in step and expect is None:
                assert new is None, at
            else:
                assert isinstance(new, str) and new != ref("id"), at
                names[step["as"]] = new
        elif op == "destroy_user":
            assert m.destroy_user(step["user"]) == expect, at
        elif op == "sleep":
            time.sleep(step["ms"] / 1000)
        elif op == "revoke":
            deny.revoke(step["jti"], int(time.time()) + step["exp_in"])
        elif op == "is_revoked":
            assert deny.is_revoked(step["jti"]) is expect, at
        elif op == "issue":
            names[step["as"]] = rt.issue(step["user"], step.get("data"))
        elif op == "rotate_refresh":
            r = expect_result(at, expect, lambda: rt.rotate(ref("token")), "")
            if r is not None:
                assert (r.user_id, r.data) == (expect["user"], expect["data"]), at
                assert r.token != ref("token")
                names[step["as"]] = r.token
        elif op == "revoke_family":
            assert rt.revoke_family(ref("token")) is expect, at
        else:
            pytest.fail(f"{at}: unknown op {op!r}")


@pytest.mark.parametrize("kind", STORE_KINDS)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario(scenario: Dict[str, Any], kind: str) -> None:
    run(scenario, kind)
