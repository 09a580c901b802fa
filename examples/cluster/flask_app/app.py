"""The cluster demo's Flask instance (examples/cluster/README.md).

The same routes as ../express_app/app.js, with every piece of auth done by
Tessera's Python binding: sealed session cookies (`cookie` mode), server-side
sessions in Redis (`redis` mode), access JWTs verified against a denylist and
rotating refresh tokens (`jwt` mode, and alongside sessions in `redis` mode).
The only thing written here is the password check (scrypt from hashlib).

Configuration comes from the environment (tessera-cluster sets it):
TESSERA_MODE (cookie | redis | jwt), TESSERA_INSTANCE, TESSERA_PORT,
TESSERA_SESSION_SECRET, TESSERA_JWT_SECRET (hex), TESSERA_REDIS (one URL,
or seed URLs separated by commas with TESSERA_REDIS_CLUSTER=1).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

from flask import Flask, Response, jsonify, request

import tessera
from tessera.cookies import SessionCookie, delete_cookie, parse_cookie, set_cookie
from tessera.sessions import Denylist, RedisStore, RefreshTokens, SessionManager

MODE = os.environ.get("TESSERA_MODE", "cookie")
INSTANCE = os.environ.get("TESSERA_INSTANCE", "flask")
LANGUAGE = "python"
ISSUER = "tessera-cluster-demo"
ACCESS_TTL = 300
SESSION_TTL = 3600
SESSION_COOKIE = "tessera_session"  # cookie mode: the sealed session itself
SID_COOKIE = "tessera_sid"  # redis mode: the session id only
# The demo serves plain HTTP on loopback; in production keep Secure (the default).
COOKIE_SECURE = os.environ.get("TESSERA_COOKIE_SECURE", "0") == "1"

USERS: Dict[str, Dict[str, str]] = json.loads(
    (Path(__file__).resolve().parent.parent / "users.json").read_text())["users"]

jwt_key = tessera.Key.hmac(bytes.fromhex(os.environ["TESSERA_JWT_SECRET"]))
sealer = SessionCookie([bytes.fromhex(os.environ["TESSERA_SESSION_SECRET"])], name=SESSION_COOKIE,
                       encrypted=True, max_age=SESSION_TTL, secure=COOKIE_SECURE)

store: Optional[RedisStore] = None
sessions: Optional[SessionManager] = None
refresh: Optional[RefreshTokens] = None
denylist: Optional[Denylist] = None
if MODE in ("redis", "jwt"):
    urls = os.environ["TESSERA_REDIS"].split(",")
    store = RedisStore(urls if len(urls) > 1 else urls[0],
                       cluster=os.environ.get("TESSERA_REDIS_CLUSTER") == "1")
    refresh = RefreshTokens(store, ttl=86400)
    denylist = Denylist(store)
    if MODE == "redis":
        sessions = SessionManager(store, ttl=SESSION_TTL, idle_timeout=900)
verifier = tessera.Verifier(jwt_key, issuer=ISSUER, required=("exp", "sub", "jti"), denylist=denylist)

app = Flask(__name__)


def check_password(user: str, password: str) -> Optional[str]:
    """The user's role if `password` is theirs (scrypt, constant-time compare)."""
    entry = USERS.get(user)
    if entry is None:
        return None
    _, n, r, p, salt, want = entry["password"].split("$")
    got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                         p=int(p), dklen=32)
    return entry["role"] if hmac.compare_digest(got, base64.b64decode(want)) else None


def reply(body: Dict[str, Any], status: int = 200) -> Response:
    resp = jsonify({**body, "instance": INSTANCE, "language": LANGUAGE})
    resp.status_code = status
    resp.headers["X-Served-By"] = f"{INSTANCE} ({LANGUAGE})"
    return resp


def fail(code: str, status: int) -> Response:
    return reply({"error": code}, status)


@app.errorhandler(tessera.TesseraError)
def tessera_error(e: tessera.TesseraError) -> Response:
    # A store that cannot answer is an outage, never "logged out".
    return fail(e.code, 503 if e.code == "STORE_UNAVAILABLE" else 401)


def access_token(user: str, role: str, note: Optional[str]) -> str:
    now = int(time.time())
    claims = {"sub": user, "role": role, "iss": ISSUER, "iat": now, "exp": now + ACCESS_TTL,
              "jti": secrets.token_urlsafe(16)}
    if note is not None:
        claims["note"] = note
    return tessera.jwt.encode(claims, jwt_key)


def bearer() -> Optional[str]:
    auth = request.headers.get("Authorization", "")
    return auth[7:].strip() if auth.startswith("Bearer ") else None


def current_session() -> Optional[Dict[str, Any]]:
    header = request.headers.get("Cookie", "")
    if MODE == "cookie":
        try:
            return sealer.load(header).data
        except tessera.TesseraError as e:
            if e.code in ("SESSION_NOT_FOUND", "INVALID_SIGNATURE", "EXPIRED", "MALFORMED"):
                return None
            raise
    if MODE == "redis" and sessions is not None:
        sid = parse_cookie(header).get(SID_COOKIE)
        return sessions.load(sid) if sid else None
    return None


def who() -> Tuple[Optional[Dict[str, Any]], Optional[str]]:
    """(identity, error code): from the Bearer token if one is sent, else the session."""
    token = bearer()
    if token is not None:
        claims = verifier.verify(token)
        return {"user": claims["sub"], "role": claims["role"], "note": claims.get("note"),
                "via": "jwt", "jti": claims["jti"], "exp": claims["exp"]}, None
    session = current_session()
    if session is None:
        return None, "SESSION_NOT_FOUND"
    return {"user": session["user"], "role": session["role"], "note": session.get("note"),
            "via": "session"}, None


@app.get("/healthz")
def healthz() -> Response:
    if store is not None:
        store.ping()
    return reply({"ok": True, "mode": MODE})


@app.post("/login")
def login() -> Response:
    body = request.get_json(silent=True) or {}
    user, note = str(body.get("username", "")), body.get("note")
    role = check_password(user, str(body.get("password", "")))
    if role is None:
        return fail("INVALID_CREDENTIALS", 401)
    out: Dict[str, Any] = {"user": user, "access_token": access_token(user, role, note),
                           "refresh_token": refresh.issue(user, {"role": role, "note": note})
                           if refresh is not None else None}
    resp = reply(out)
    data = {"user": user, "role": role, "note": note, "login_at": int(time.time())}
    if MODE == "cookie":
        for line in sealer.set_cookie_headers(data, request_cookie_header=request.headers.get("Cookie")):
            resp.headers.add("Set-Cookie", line)
    elif sessions is not None:
        # A fresh id on every login (no fixation); the old session, if any, ends.
        old = parse_cookie(request.headers.get("Cookie", "")).get(SID_COOKIE)
        if old:
            sessions.destroy(old)
        sid = sessions.create(data, user_id=user)
        resp.headers.add("Set-Cookie", set_cookie(SID_COOKIE, sid, max_age=SESSION_TTL, secure=COOKIE_SECURE))
    return resp


@app.get("/me")
def me() -> Response:
    ident, err = who()
    if ident is None:
        return fail(err or "SESSION_NOT_FOUND", 401)
    return reply(ident)


@app.post("/refresh")
def refresh_route() -> Response:
    body = request.get_json(silent=True) or {}
    if refresh is None:
        # cookie mode: no store, so the sealed session slides instead.
        header = request.headers.get("Cookie", "")
        opened = sealer.load(header)
        data = opened.data
        resp = reply({"user": data["user"], "access_token": access_token(data["user"], data["role"],
                                                                         data.get("note")),
                      "refresh_token": None})
        for line in sealer.set_cookie_headers(data, request_cookie_header=header):
            resp.headers.add("Set-Cookie", line)
        return resp
    user, data, token = refresh.rotate(str(body.get("refresh_token", "")))
    data = data or {}
    return reply({"user": user, "access_token": access_token(user, data.get("role", "user"), data.get("note")),
                  "refresh_token": token})


@app.post("/logout")
def logout() -> Response:
    body = request.get_json(silent=True) or {}
    header = request.headers.get("Cookie", "")
    resp = reply({"ok": True})
    if MODE == "cookie":
        for line in sealer.clear_cookie_headers(header):
            resp.headers.add("Set-Cookie", line)
        return resp
    if sessions is not None:
        sid = parse_cookie(header).get(SID_COOKIE)
        if sid:
            sessions.destroy(sid)
        resp.headers.add("Set-Cookie", delete_cookie(SID_COOKIE, secure=COOKIE_SECURE))
    if refresh is not None and body.get("refresh_token"):
        refresh.revoke_family(str(body["refresh_token"]))
    token = bearer()
    if token is not None and denylist is not None:
        claims = verifier.verify(token)
        denylist.revoke(claims["jti"], claims["exp"])
    return resp


@app.post("/logout-all")
def logout_all() -> Response:
    if MODE == "cookie":
        return fail("NEEDS_A_STORE", 501)
    ident, err = who()
    if ident is None:
        return fail(err or "SESSION_NOT_FOUND", 401)
    ended = sessions.destroy_user(ident["user"]) if sessions is not None else 0
    families = refresh.revoke_user(ident["user"]) if refresh is not None else 0
    if ident["via"] == "jwt" and denylist is not None:
        denylist.revoke(ident["jti"], ident["exp"])
    return reply({"ok": True, "sessions_ended": ended, "refresh_families_revoked": families})


@app.post("/admin/revoke")
def admin_revoke() -> Response:
    if denylist is None:
        return fail("NEEDS_A_STORE", 501)
    ident, err = who()
    if ident is None or ident["via"] != "jwt":
        return fail(err or "BEARER_TOKEN_REQUIRED", 401)
    if ident["role"] != "admin":
        return fail("FORBIDDEN", 403)
    body = request.get_json(silent=True) or {}
    denylist.revoke(str(body.get("jti", "")), int(body.get("exp", 0)))
    return reply({"ok": True, "revoked": body.get("jti")})


if __name__ == "__main__":
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", int(os.environ["TESSERA_PORT"]), app, threaded=True)
    print(f"{INSTANCE} (flask, {MODE} mode) on http://127.0.0.1:{server.port}", flush=True)
    server.serve_forever()
