"""``tessera.flask.TesseraSessionInterface`` over real HTTP on 127.0.0.1:
real Flask apps served by Werkzeug in a thread, driven by ``http.client``.

Both directions: cookies minted by stock Flask are read by an app using the
Tessera interface, and cookies the Tessera interface writes are accepted by a
stock Flask app (the request reaches the session data); with rotation
(``SECRET_KEY_FALLBACKS``), expiry, tampering, the ``SESSION_COOKIE_*``
settings, permanent sessions, deletion, and the sealed format."""

from __future__ import annotations

import datetime
import http.client
import json
import threading
import uuid
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Optional, Tuple

import itsdangerous
import pytest
from flask import Flask, jsonify, request, session
from markupsafe import Markup
from werkzeug.serving import make_server

from tessera import cookies
from tessera.flask import TesseraSessionInterface

UTC = datetime.timezone.utc
SECRET = "flask-live-secret-key-0123456789abcdef"
WHEN = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
UID = uuid.UUID("12345678-1234-5678-1234-567812345678")


def make_app(interface: Optional[TesseraSessionInterface] = None, secret: Optional[str] = SECRET,
             fallbacks: Tuple[str, ...] = (), **config: Any) -> Flask:
    app = Flask(f"live-{id(config)}")
    app.secret_key = secret
    app.config["SECRET_KEY_FALLBACKS"] = list(fallbacks)
    app.config.update(config)
    if interface is not None:
        app.session_interface = interface

    @app.get("/login")
    def login() -> str:
        session["user"] = "alice"
        session["tuple"] = (1, "two", b"\x03")
        session["when"] = WHEN
        session["id"] = UID
        session["html"] = Markup("<b>hi</b>")
        session["blob"] = request.args.get("blob", "")
        session.permanent = request.args.get("permanent") == "1"
        return "ok"

    @app.get("/whoami")
    def whoami() -> Any:
        # Read-only: what the request sees, with Python types.
        return jsonify({
            "user": session.get("user"),
            "types": {k: type(v).__name__ for k, v in session.items()},
            "ok": {k: v for k, v in session.items() if k != "_permanent"}
            == {**EXPECTED, "blob": session.get("blob", "")},
            "blob_len": len(session.get("blob", "")),
        })

    @app.get("/touch")
    def touch() -> str:
        session["n"] = session.get("n", 0) + 1
        return str(session["n"])

    @app.get("/shrink")
    def shrink() -> str:
        session.clear()
        session["user"] = "bob"
        return "ok"

    @app.get("/logout")
    def logout() -> str:
        session.clear()
        return "bye"

    return app


EXPECTED = {"user": "alice", "tuple": (1, "two", b"\x03"), "when": WHEN, "id": UID,
            "html": Markup("<b>hi</b>")}
TYPES = {"user": "str", "tuple": "tuple", "when": "datetime", "id": "UUID", "html": "Markup", "blob": "str"}


class Server:
    def __init__(self, app: Flask) -> None:
        self.httpd = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.httpd.server_port
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def get(self, path: str, cookie: Optional[str] = None) -> Tuple[int, bytes, List[str]]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            resp = conn.getresponse()
            return resp.status, resp.read(), resp.headers.get_all("Set-Cookie") or []
        finally:
            conn.close()

    def whoami(self, cookie: Optional[str]) -> Dict[str, Any]:
        status, body, _ = self.get("/whoami", cookie)
        assert status == 200, body
        out: Dict[str, Any] = json.loads(body)
        return out

    def close(self) -> None:
        self.httpd.shutdown()
        self.thread.join(5)


@contextmanager
def serve(app: Flask) -> Iterator[Server]:
    server = Server(app)
    try:
        yield server
    finally:
        server.close()


def jar(set_cookies: List[str]) -> str:
    """The Cookie header a browser would send back (deletions dropped)."""
    pairs = []
    for line in set_cookies:
        pair = line.split(";", 1)[0]
        attrs = line.lower()
        if pair.endswith("=") or "max-age=0" in attrs or "expires=thu, 01 jan 1970" in attrs:
            continue
        pairs.append(pair)
    return "; ".join(pairs)


def value_of(set_cookies: List[str], name: str = "session") -> str:
    for line in set_cookies:
        if line.startswith(name + "="):
            return line.split(";", 1)[0].split("=", 1)[1]
    raise AssertionError(f"no {name} cookie in {set_cookies}")


def login(server: Server, query: str = "") -> List[str]:
    status, body, set_cookies = server.get("/login" + query)
    assert status == 200, body
    assert set_cookies
    return set_cookies


def sees_alice(server: Server, cookie: str) -> None:
    me = server.whoami(cookie)
    assert me["user"] == "alice" and me["ok"], me
    assert {k: v for k, v in me["types"].items() if k in TYPES} == TYPES


def sees_nobody(server: Server, cookie: Optional[str]) -> None:
    me = server.whoami(cookie)
    assert me["user"] is None and me["types"] == {}, me


# ---------------------------------------------------------------- Flask format


def test_stock_flask_cookie_read_by_tessera_and_back() -> None:
    with serve(make_app()) as stock, serve(make_app(TesseraSessionInterface())) as ours:
        theirs = login(stock)
        sees_alice(ours, jar(theirs))
        mine = login(ours)
        sees_alice(stock, jar(mine))
        sees_alice(ours, jar(mine))


def test_set_cookie_lines_are_flasks(monkeypatch: pytest.MonkeyPatch) -> None:
    # Same config, same instant: the very same Set-Cookie line.
    class Frozen:
        @staticmethod
        def time() -> float:
            return 1_700_000_000.0

    monkeypatch.setattr(itsdangerous.timed, "time", Frozen)
    config = dict(SESSION_COOKIE_NAME="sid", SESSION_COOKIE_DOMAIN="example.test",
                  SESSION_COOKIE_PATH="/app", SESSION_COOKIE_SECURE=True, SESSION_COOKIE_HTTPONLY=False,
                  SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_PARTITIONED=True)
    stock_app = make_app(**config)
    ours_app = make_app(TesseraSessionInterface(), **config)
    for app in (stock_app, ours_app):
        @app.get("/app/set")
        def set_() -> str:
            session["user"] = "alice"
            session["t"] = (1, 2)
            return "ok"
    with serve(stock_app) as stock, serve(ours_app) as ours:
        a = stock.get("/app/set")[2]
        b = ours.get("/app/set")[2]
        assert len(a) == len(b) == 1
        # Same payload and attributes; the timestamp (and so the signature)
        # is each server's clock (stock's is frozen here).
        (a_value, a_attrs), (b_value, b_attrs) = (x[0].split(";", 1) for x in (a, b))
        assert a_attrs == b_attrs
        assert a_value.rsplit(".", 2)[0] == b_value.rsplit(".", 2)[0]
        line = b[0]
        assert line.startswith("sid=") and "Domain=example.test" in line and "Path=/app" in line
        assert "Secure" in line and "HttpOnly" not in line and "SameSite=Strict" in line and "Partitioned" in line
        # Each reads the other's cookie.
        assert cookies.FlaskCookie(SECRET).loads(value_of(a, "sid"), now=1_700_000_000)["t"] == (1, 2)
        assert cookies.FlaskCookie(SECRET).loads(value_of(b, "sid"))["t"] == (1, 2)


def test_permanent_sessions_and_refresh() -> None:
    with serve(make_app(TesseraSessionInterface())) as ours, serve(make_app()) as stock:
        for server in (ours, stock):
            perm = login(server, "?permanent=1")
            assert "Expires=" in perm[0]
            browser = login(server)
            assert "Expires=" not in browser[0]
            # SESSION_REFRESH_EACH_REQUEST: a permanent session is re-sent on
            # every request, a browser session only when modified.
            assert server.get("/whoami", jar(perm))[2]
            assert server.get("/whoami", jar(browser))[2] == []
        sees_alice(stock, jar(login(ours, "?permanent=1")))


def test_emptied_session_deletes_the_cookie() -> None:
    with serve(make_app(TesseraSessionInterface())) as ours, serve(make_app()) as stock:
        c = jar(login(ours))
        status, _, out = ours.get("/logout", c)
        assert status == 200 and len(out) == 1
        assert out[0].startswith("session=;") and "Expires=Thu, 01 Jan 1970" in out[0]
        assert out == stock.get("/logout", c)[2]
        # An empty, untouched session writes nothing.
        assert ours.get("/whoami")[2] == []


def test_rotation_with_secret_key_fallbacks() -> None:
    old_stock = make_app(secret="old-secret-0")
    new_ours = make_app(TesseraSessionInterface(), secret=SECRET, fallbacks=("older", "old-secret-0"))
    new_stock = make_app(secret=SECRET, fallbacks=("older", "old-secret-0"))
    new_only = make_app(TesseraSessionInterface(), secret=SECRET)
    with serve(old_stock) as old, serve(new_ours) as ours, serve(new_stock) as stock, serve(new_only) as strict:
        minted_old = jar(login(old))
        sees_alice(ours, minted_old)
        sees_nobody(strict, minted_old)  # fallback removed: the old cookie is gone
        # Tessera signs with SECRET_KEY: a stock app with the new key reads it.
        mine = jar(login(ours))
        sees_alice(stock, mine)
        sees_alice(strict, mine)


def test_expiry(monkeypatch: pytest.MonkeyPatch) -> None:
    lifetime = datetime.timedelta(minutes=5)
    ours_app = make_app(TesseraSessionInterface(), PERMANENT_SESSION_LIFETIME=lifetime)
    stock_app = make_app(PERMANENT_SESSION_LIFETIME=lifetime)
    import time

    now = int(time.time())
    with serve(ours_app) as ours, serve(stock_app) as stock:
        fc = cookies.FlaskCookie(SECRET)
        stale = fc.dumps(dict(EXPECTED), now=now - 301)
        fresh = fc.dumps(dict(EXPECTED), now=now - 290)
        sees_nobody(ours, f"session={stale}")
        sees_nobody(stock, f"session={stale}")
        assert ours.whoami(f"session={fresh}")["user"] == "alice"
        # A cookie the Tessera app writes now expires for stock Flask later.
        mine = jar(login(ours))
        sees_alice(stock, mine)

        class Later:
            @staticmethod
            def time() -> float:
                return now + 10_000.0

        monkeypatch.setattr(itsdangerous.timed, "time", Later)
        sees_nobody(stock, mine)


def test_tampering_and_garbage_start_a_new_session() -> None:
    with serve(make_app(TesseraSessionInterface())) as ours, serve(make_app()) as stock:
        value = value_of(login(ours))
        payload, ts, sig = value.rsplit(".", 2)
        bad_sig = sig[:-2] + ("AA" if sig[-2:] != "AA" else "BB")
        for forged in (f"{payload}.{ts}.{bad_sig}", f"x{payload[1:]}.{ts}.{sig}", "garbage", "a.b.c", ".eJ.x.y"):
            sees_nobody(ours, f"session={forged}")
            sees_nobody(stock, f"session={forged}")


def test_no_secret_key_is_a_null_session() -> None:
    app = make_app(TesseraSessionInterface(), secret=None)
    with serve(app) as ours:
        sees_nobody(ours, None)
        status, body, _ = ours.get("/login")
        assert status == 500  # Flask's NullSession refuses writes, as stock


# ---------------------------------------------------------------- sealed format

SEALED_SECRET = "sealed-session-secret-0123456789-abcdef"


def test_sealed_sessions_live() -> None:
    iface = TesseraSessionInterface(format="sealed", encrypted=True)
    with serve(make_app(iface, secret=SEALED_SECRET)) as ours, serve(make_app(secret=SEALED_SECRET)) as stock:
        out = login(ours, "?permanent=1")
        value = value_of(out)
        assert value.startswith("t1.") and "Max-Age=2678400" in out[0] and "HttpOnly" in out[0]
        sees_alice(ours, jar(out))
        # Encrypted: the client sees nothing of the session.
        assert b"alice" not in value.encode()
        # Stock Flask cannot read a sealed cookie: it starts a new session.
        sees_nobody(stock, jar(out))
        # Name binding: the same value under another name is refused.
        sees_nobody(ours, f"other={value}; session={value[:-4]}AAAA")
        # Deleting.
        status, _, gone = ours.get("/logout", jar(out))
        assert gone and gone[0].startswith("session=;") and "Max-Age=0" in gone[0]


def test_sealed_reads_existing_flask_cookies_and_migrates_them() -> None:
    iface = TesseraSessionInterface(format="sealed")
    with serve(make_app(secret=SEALED_SECRET)) as stock, serve(make_app(iface, secret=SEALED_SECRET)) as ours:
        legacy = jar(login(stock))
        status, body, out = ours.get("/whoami", legacy)
        assert json.loads(body)["ok"]
        assert value_of(out).startswith("t1.")  # rewritten sealed on the same response
        sees_alice(ours, jar(out))


def test_sealed_rotation_reissues_with_the_current_secret() -> None:
    old, new = "o" * 40, "n" * 40
    with serve(make_app(TesseraSessionInterface(format="sealed", secrets=[old]))) as before, \
            serve(make_app(TesseraSessionInterface(format="sealed", secrets=[new, old]))) as after, \
            serve(make_app(TesseraSessionInterface(format="sealed", secrets=[new]))) as only_new:
        minted = jar(login(before))
        status, _, out = after.get("/whoami", minted)
        assert status == 200 and out, "an old-secret cookie is re-sealed"
        sees_alice(only_new, jar(out))
        sees_nobody(only_new, minted)


def test_sealed_expiry_and_tampering() -> None:
    import time

    app = make_app(TesseraSessionInterface(format="sealed", secrets=[SEALED_SECRET]),
                   PERMANENT_SESSION_LIFETIME=60)
    sc = cookies.SessionCookie([SEALED_SECRET])
    from tessera._native import _flask_tagged_json

    text = _flask_tagged_json({**EXPECTED, "blob": ""})
    now = int(time.time())
    with serve(app) as ours:
        assert ours.whoami(f"session={sc.seal(text, now=now - 30)}")["ok"]
        sees_nobody(ours, f"session={sc.seal(text, now=now - 61)}")
        good = sc.seal(text, now=now)
        for i in (3, len(good) // 2, len(good) - 1):
            flipped = good[:i] + ("A" if good[i] != "A" else "B") + good[i + 1:]
            sees_nobody(ours, f"session={flipped}")


def test_sealed_chunked_sessions_over_http() -> None:
    iface = TesseraSessionInterface(format="sealed", secrets=[SEALED_SECRET], chunked=True)
    with serve(make_app(iface)) as ours:
        out = login(ours, "?blob=" + "x" * 9000)
        names = [line.split("=", 1)[0] for line in out]
        assert len(names) >= 3 and names == [f"session.{i}" for i in range(len(names))], names
        assert all(len(line) <= 4096 for line in out)
        me = ours.whoami(jar(out))
        assert me["ok"] and me["blob_len"] == 9000
        # A small session replaces the chunks and deletes them.
        status, _, small = ours.get("/shrink", jar(out))
        assert small[0].startswith("session=t1.")
        assert sorted(line.split("=", 1)[0] for line in small[1:]) == names
        assert all("Max-Age=0" in line for line in small[1:])
        assert ours.whoami(jar(small))["user"] == "bob"
        # Logging out deletes every cookie of the session the request holds.
        status, _, out2 = ours.get("/logout", jar(out))
        assert sorted(line.split("=", 1)[0] for line in out2) == sorted(["session"] + names)
        assert all("Max-Age=0" in line for line in out2)


def test_sealed_needs_long_secrets() -> None:
    app = make_app(TesseraSessionInterface(format="sealed"), secret="short")
    with serve(app) as ours:
        status, _, _ = ours.get("/whoami")
        assert status == 500  # INVALID_KEY: a clear configuration error, not a weak cookie
    with pytest.raises(ValueError):
        TesseraSessionInterface(format="nope")


def test_config_keys_select_the_format() -> None:
    app = make_app(TesseraSessionInterface(), TESSERA_SESSION_FORMAT="sealed",
                   TESSERA_SESSION_SECRETS=[SEALED_SECRET], TESSERA_SESSION_ENCRYPTED=True)
    with serve(app) as ours:
        out = login(ours)
        assert value_of(out).startswith("t1.")
        sees_alice(ours, jar(out))
        assert cookies.SessionCookie([SEALED_SECRET], encrypted=True).load(jar(out)).data["user"] == "alice"
