"""``tessera.flask.ServerSessionInterface`` and ``tessera.flask.bearer`` over
real HTTP on 127.0.0.1: two Flask app instances, each served by Werkzeug in
a thread, sharing one store (one MemoryStore object in this process, or one
Redis through two RedisStore objects, as two processes would): log in on
one and read on the other, log out on either, revoke a JWT on one and have
it refused by both; versioned saves (409 or merge), fail-closed store errors."""

from __future__ import annotations

import http.client
import json
import threading
import time
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
from flask import Flask, g, jsonify, request, session
from werkzeug.serving import make_server

from tessera import Key, StoreUnavailableError, Verifier, jwt
from tessera.flask import ServerSession, ServerSessionInterface, bearer
from tessera.sessions import Denylist, MemoryStore, RedisStore, SessionManager

from conftest import make_store, unique_prefix

KEY = Key.hmac(b"flask-bearer-secret-0123456789abcdef")


def server_session() -> ServerSession:
    assert isinstance(session._get_current_object(), ServerSession)  # type: ignore[attr-defined]
    return session._get_current_object()  # type: ignore[attr-defined, no-any-return]


class Hooks:
    """Events a test uses to hold a request between its load and its save."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()


def make_app(manager: SessionManager, denylist: Denylist, name: str, hooks: Optional[Hooks] = None,
             on_conflict: str = "error", **config: Any) -> Flask:
    app = Flask(name)
    app.config.update(config)
    app.session_interface = ServerSessionInterface(manager, on_conflict=on_conflict)
    verifier = Verifier(KEY, audience="api", denylist=denylist)

    @app.errorhandler(StoreUnavailableError)
    def unavailable(e: StoreUnavailableError) -> Any:
        return jsonify(code=e.code), 503

    @app.post("/login")
    def login() -> Any:
        user = request.args["user"]
        server_session().rotate(user_id=user)
        session["user"] = user
        session.permanent = request.args.get("permanent") == "1"
        return "ok"

    @app.get("/whoami")
    def whoami() -> Any:
        return jsonify(user=session.get("user"), n=session.get("n"), app=name,
                       keys=sorted(session.keys()))

    @app.post("/incr")
    def incr() -> Any:
        session["n"] = session.get("n", 0) + 1
        return jsonify(n=session["n"])

    @app.post("/slow")
    def slow() -> Any:
        # Loaded already; wait while another request changes the session.
        assert hooks is not None
        current = session.get("k")
        hooks.entered.set()
        assert hooks.release.wait(10)
        session[request.args["key"]] = request.args["value"]
        return jsonify(before=current)

    @app.post("/rotate")
    def rotate() -> str:
        server_session().rotate()
        return "ok"

    @app.post("/logout")
    def logout() -> str:
        server_session().destroy()
        return "bye"

    @app.post("/logout-everywhere")
    def logout_everywhere() -> Any:
        n = manager.destroy_user(session["user"])
        return jsonify(ended=n)

    @app.post("/clear")
    def clear() -> str:
        session.clear()
        return "ok"

    @app.post("/bad")
    def bad() -> str:
        session["when"] = time  # a module: not JSON
        return "ok"

    @app.get("/static")
    def static_page() -> str:
        return "static"  # never touches the session

    @app.get("/api/me")
    @bearer(verifier)
    def me() -> Any:
        return jsonify(sub=g.jwt_claims["sub"], app=name)

    @app.post("/api/revoke")
    @bearer(verifier)
    def revoke() -> Any:
        denylist.revoke(g.jwt_claims["jti"], g.jwt_claims["exp"])
        return jsonify(revoked=g.jwt_claims["jti"])

    return app


class Client:
    """One browser: a cookie jar and plain http.client requests."""

    def __init__(self) -> None:
        self.cookies: Dict[str, str] = {}

    def request(self, port: int, method: str, path: str,
                headers: Optional[Dict[str, str]] = None) -> Tuple[int, Any, List[str]]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        try:
            h = dict(headers or {})
            if self.cookies:
                h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, headers=h)
            resp = conn.getresponse()
            body = resp.read()
            set_cookies = resp.headers.get_all("Set-Cookie") or []
            self.last_headers = resp.headers
        finally:
            conn.close()
        for line in set_cookies:
            name, value = line.split(";", 1)[0].split("=", 1)
            if "Max-Age=0" in line:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = body.decode()
        return resp.status, parsed, set_cookies

    def get(self, port: int, path: str, **headers: str) -> Tuple[int, Any, List[str]]:
        return self.request(port, "GET", path, headers)

    def post(self, port: int, path: str, **headers: str) -> Tuple[int, Any, List[str]]:
        return self.request(port, "POST", path, headers)


@contextmanager
def serve(*apps: Flask) -> Iterator[List[int]]:
    servers = [make_server("127.0.0.1", 0, app, threaded=True) for app in apps]
    threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
               for s in servers]
    for t in threads:
        t.start()
    try:
        yield [s.server_port for s in servers]
    finally:
        for s in servers:
            s.shutdown()
        for t in threads:
            t.join(5)


def two_instances(kind: str, **kw: Any) -> Tuple[Flask, Flask, SessionManager]:
    """Two apps on one store: one MemoryStore object, or one Redis reached
    through two RedisStore objects (as two processes would)."""
    if kind == "memory":
        shared = MemoryStore()
        stores: List[Any] = [shared, shared]
    else:
        prefix = unique_prefix()
        stores = [make_store(kind, prefix), make_store(kind, prefix)]
    managers = [SessionManager(s, ttl=600, idle_timeout=300) for s in stores]
    a = make_app(managers[0], Denylist(stores[0]), "A", **kw)
    b = make_app(managers[1], Denylist(stores[1]), "B", **kw)
    return a, b, managers[0]


KINDS = ["memory", "redis"]


@pytest.mark.parametrize("kind", KINDS)
def test_login_on_one_instance_read_and_logout_on_the_other(kind: str) -> None:
    a, b, manager = two_instances(kind)
    with serve(a, b) as (pa, pb):
        browser = Client()
        assert browser.post(pa, "/incr")[1] == {"n": 1}  # an anonymous session first
        anonymous = browser.cookies["session"]
        assert len(anonymous) == 43  # the cookie holds the id, nothing else
        assert browser.get(pb, "/whoami")[1]["n"] == 1
        status, _, set_cookies = browser.post(pa, "/login?user=alice")
        assert status == 200 and len(set_cookies) == 1
        line = set_cookies[0]
        assert "HttpOnly" in line and "Path=/" in line and "Max-Age" not in line
        sid = browser.cookies["session"]
        assert sid != anonymous and len(sid) == 43
        # Fixation defence: the pre-login id is dead; the data moved along.
        assert manager.load(anonymous) is None
        loaded = manager.load(sid)
        assert loaded is not None and loaded.user_id == "alice"
        assert dict(loaded) == {"n": 1, "user": "alice", "_permanent": False}
        me = browser.get(pb, "/whoami")[1]
        assert (me["user"], me["n"], me["app"]) == ("alice", 1, "B")
        assert browser.post(pb, "/incr")[1] == {"n": 2}
        assert browser.get(pa, "/whoami")[1]["n"] == 2
        # Log out on B: A sees nobody, the cookie is deleted, the record gone.
        status, _, set_cookies = browser.post(pb, "/logout")
        assert status == 200 and "Max-Age=0" in set_cookies[0]
        assert "session" not in browser.cookies and manager.load(sid) is None
        stolen = Client()
        stolen.cookies["session"] = sid  # a copy of the old cookie
        me = stolen.get(pa, "/whoami")[1]
        assert me["user"] is None and me["keys"] == []


@pytest.mark.parametrize("kind", KINDS)
def test_destroy_user_logs_out_every_browser_on_every_instance(kind: str) -> None:
    a, b, _ = two_instances(kind)
    with serve(a, b) as (pa, pb):
        laptop, phone, other = Client(), Client(), Client()
        laptop.post(pa, "/login?user=bob")
        phone.post(pb, "/login?user=bob")
        other.post(pb, "/login?user=carol")
        assert laptop.cookies["session"] != phone.cookies["session"]
        assert phone.post(pa, "/logout-everywhere")[1] == {"ended": 2}
        for browser, port in ((laptop, pb), (phone, pa)):
            assert browser.get(port, "/whoami")[1]["user"] is None
        assert other.get(pa, "/whoami")[1]["user"] == "carol"


@pytest.mark.parametrize("kind", KINDS)
def test_revoked_jwt_is_refused_by_both_instances(kind: str) -> None:
    a, b, _ = two_instances(kind)
    now = int(time.time())
    token = jwt.encode({"sub": "dave", "aud": "api", "exp": now + 600, "jti": f"j-{now}"}, KEY)
    other = jwt.encode({"sub": "erin", "aud": "api", "exp": now + 600, "jti": f"k-{now}"}, KEY)
    auth = {"Authorization": f"Bearer {token}"}
    with serve(a, b) as (pa, pb):
        c = Client()
        for port, name in ((pa, "A"), (pb, "B")):
            assert c.get(port, "/api/me", **auth)[:2] == (200, {"sub": "dave", "app": name})
        assert c.post(pa, "/api/revoke", **auth)[0] == 200
        for port in (pa, pb):
            status, body, _ = c.get(port, "/api/me", **auth)
            assert (status, body["code"]) == (401, "REVOKED")
            challenge = c.last_headers["WWW-Authenticate"]
            assert challenge == 'Bearer error="invalid_token", error_description="REVOKED"'
            # Other tokens are unaffected.
            assert c.get(port, "/api/me", Authorization=f"bearer {other}")[0] == 200


def test_bearer_rejections() -> None:
    a, _, _ = two_instances("memory")
    now = int(time.time())
    expired = jwt.encode({"sub": "x", "aud": "api", "exp": now - 60, "jti": "e"}, KEY)
    no_jti = jwt.encode({"sub": "x", "aud": "api", "exp": now + 60}, KEY)
    wrong_aud = jwt.encode({"sub": "x", "aud": "web", "exp": now + 60, "jti": "w"}, KEY)
    forged = jwt.encode({"sub": "x", "aud": "api", "exp": now + 60, "jti": "f"},
                        Key.hmac(b"another-secret-0123456789abcdef-xyz"))
    with serve(a) as (port,):
        c = Client()
        for headers, code in (({}, None), ({"Authorization": "Basic dXNlcjpwdw=="}, None),
                              ({"Authorization": "Bearer "}, None),
                              ({"Authorization": "Bearer not.a.jwt"}, "MALFORMED"),
                              ({"Authorization": f"Bearer {expired}"}, "EXPIRED"),
                              ({"Authorization": f"Bearer {no_jti}"}, "MISSING_CLAIM"),
                              ({"Authorization": f"Bearer {wrong_aud}"}, "INVALID_AUDIENCE"),
                              ({"Authorization": f"Bearer {forged}"}, "INVALID_SIGNATURE")):
            status, body, _ = c.get(port, "/api/me", **headers)
            assert (status, body["code"]) == (401, code), headers
            assert c.last_headers["WWW-Authenticate"].startswith("Bearer")
    with pytest.raises(TypeError, match="verifier must be a tessera.Verifier"):
        bearer(KEY)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", KINDS)
def test_overlapping_saves_answer_409_and_keep_the_first_write(kind: str) -> None:
    hooks = Hooks()
    a, b, manager = two_instances(kind, hooks=hooks)
    with serve(a, b) as (pa, pb):
        browser = Client()
        browser.post(pa, "/login?user=frank")
        slow: List[Any] = []
        t = threading.Thread(target=lambda: slow.append(browser.post(pa, "/slow?key=k&value=slow")))
        t.start()
        assert hooks.entered.wait(10)
        assert browser.post(pb, "/incr")[1] == {"n": 1}  # saved while /slow holds the old version
        hooks.release.set()
        t.join(15)
        status, body, _ = slow[0]
        assert (status, body["code"]) == (409, "SESSION_CONFLICT")
        s = manager.load(browser.cookies["session"])
        assert s is not None and s.get("n") == 1 and "k" not in s  # nothing silently lost


@pytest.mark.parametrize("kind", KINDS)
def test_overlapping_saves_merge_when_asked(kind: str) -> None:
    hooks = Hooks()
    a, b, manager = two_instances(kind, hooks=hooks, on_conflict="merge")
    with serve(a, b) as (pa, pb):
        browser = Client()
        browser.post(pa, "/login?user=gina")
        slow: List[Any] = []
        t = threading.Thread(target=lambda: slow.append(browser.post(pa, "/slow?key=k&value=v")))
        t.start()
        assert hooks.entered.wait(10)
        assert browser.post(pb, "/incr")[1] == {"n": 1}
        hooks.release.set()
        t.join(15)
        assert slow[0][0] == 200
        s = manager.load(browser.cookies["session"])
        assert s is not None and s.get("n") == 1 and s.get("k") == "v"  # both writes kept
        assert s.version == 2


def test_logout_elsewhere_is_not_undone_by_a_slow_request() -> None:
    hooks = Hooks()
    a, b, manager = two_instances("memory", hooks=hooks, on_conflict="merge")
    with serve(a, b) as (pa, pb):
        browser = Client()
        browser.post(pa, "/login?user=hank")
        sid = browser.cookies["session"]
        slow: List[Any] = []
        t = threading.Thread(target=lambda: slow.append(browser.post(pa, "/slow?key=k&value=v")))
        t.start()
        assert hooks.entered.wait(10)
        assert browser.post(pb, "/logout")[0] == 200
        hooks.release.set()
        t.join(15)
        status, body, set_cookies = slow[0]
        assert (status, body["code"]) == (409, "SESSION_NOT_FOUND")
        assert any("Max-Age=0" in line for line in set_cookies)
        assert manager.load(sid) is None


def test_cookie_settings_rotation_emptying_and_stale_cookies() -> None:
    store = MemoryStore()
    manager = SessionManager(store, ttl=600)
    app = make_app(manager, Denylist(store), "cfg", SESSION_COOKIE_NAME="sid",
                   SESSION_COOKIE_PATH="/", SESSION_COOKIE_SECURE=True,
                   SESSION_COOKIE_SAMESITE="Strict", PERMANENT_SESSION_LIFETIME=600)
    with serve(app) as (port,):
        c = Client()
        # Reading an empty session stores nothing and sets no cookie.
        assert c.get(port, "/whoami")[2] == [] and len(store) == 0
        _, _, lines = c.post(port, "/login?user=ivy&permanent=1")
        assert lines[0].startswith("sid=") and "Max-Age=600" in lines[0]
        assert "Secure" in lines[0] and "SameSite=Strict" in lines[0] and "HttpOnly" in lines[0]
        first = c.cookies["sid"]
        # Rotation without a user keeps the user and the data under a new id.
        c.post(port, "/rotate")
        second = c.cookies["sid"]
        assert second != first and manager.load(first) is None
        loaded = manager.load(second)
        assert loaded is not None and loaded.user_id == "ivy" and loaded["user"] == "ivy"
        # Emptying the session ends it, as Flask deletes an emptied cookie.
        _, _, lines = c.post(port, "/clear")
        assert "Max-Age=0" in lines[0] and manager.load(second) is None
        # A cookie whose session is gone is deleted.
        c.cookies["sid"] = second
        status, body, lines = c.get(port, "/whoami")
        assert body["user"] is None and "Max-Age=0" in lines[0] and "sid" not in c.cookies
        # Non-JSON session values fail loudly (500) and store nothing new.
        before = len(store)
        assert c.post(port, "/bad")[0] == 500 and len(store) == before
    with pytest.raises(TypeError, match="manager must be"):
        ServerSessionInterface(store)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="on_conflict"):
        ServerSessionInterface(manager, on_conflict="ignore")


def test_store_down_fails_closed_over_http() -> None:
    dead = RedisStore("redis://127.0.0.1:1/0", connect_timeout=0.3, io_timeout=0.3)
    app = make_app(SessionManager(dead, ttl=60), Denylist(dead), "dead")
    token = jwt.encode({"sub": "x", "aud": "api", "exp": int(time.time()) + 60, "jti": "d"}, KEY)
    with serve(app) as (port,):
        c = Client()
        c.cookies["session"] = "A" * 43
        # Using the session raises StoreUnavailableError (the app maps it to 503) ...
        assert c.get(port, "/whoami")[:2] == (503, {"code": "STORE_UNAVAILABLE"})
        # ... never "anonymous"; pages that do not use it still work.
        assert c.get(port, "/static")[:2] == (200, "static")
        # Creating a session cannot succeed silently either.
        fresh = Client()
        assert fresh.post(port, "/incr")[0] == 500 and fresh.cookies == {}
        # The denylist cannot answer: the token is not let through unchecked.
        status, body, _ = c.get(port, "/api/me", Authorization=f"Bearer {token}")
        assert (status, body["code"]) == (503, "STORE_UNAVAILABLE")
