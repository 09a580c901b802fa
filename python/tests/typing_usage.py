"""Typed usage of the public API, checked with ``mypy --strict`` (not run by
pytest). A wrong annotation in the stubs or the package fails the check."""

from __future__ import annotations

import datetime
from typing import Any, Dict, List, Optional, Tuple

import tessera
from tessera import Key, KeySet, TesseraError, Verifier, jws, jwt


def keys() -> Tuple[Key, Key, KeySet]:
    secret: Key = Key.hmac(b"0123456789abcdef0123456789abcdef", alg="HS256", kid="s")
    ec: Key = Key.generate("ES256", kid="e")
    pub: Key = ec.public()
    alg: str = pub.alg
    kid: Optional[str] = pub.kid
    private: bool = pub.is_private
    jwk: Dict[str, Any] = ec.to_jwk(private=True)
    again: Key = Key.from_jwk(jwk, kid=kid or alg)
    thumb: str = again.thumbprint()
    assert thumb and not private
    from_pem: Key = Key.from_pem("-----BEGIN PUBLIC KEY-----\n...", alg="ES256")
    del from_pem
    ks = KeySet([pub, secret])
    jwks: Dict[str, Any] = ks.to_jwks()
    members: List[Key] = KeySet.from_jwks(jwks).keys
    n: int = len(ks) + len(members) + ks.skipped
    assert n
    return secret, ec, ks


def tokens(secret: Key, ec: Key, ks: KeySet) -> Dict[str, Any]:
    token: str = jwt.encode({"sub": "u1", "exp": 4102444800}, ec, headers={"typ": "at+jwt"})
    claims: Dict[str, Any] = jwt.decode(
        token,
        ks,
        algorithms=["ES256"],
        issuer=["https://a", "https://b"],
        audience="api",
        subject="u1",
        required=("exp", "sub"),
        leeway=datetime.timedelta(seconds=5),
        max_age=3600,
        typ="at+jwt",
        now=datetime.datetime.now(datetime.timezone.utc),
        verify_exp=True,
        verify_nbf=False,
    )
    header, unverified = jwt.decode_unverified(token.encode())
    verifier = Verifier(ks, audience="api", leeway=1.5, cache_size=1000)
    again: Dict[str, Any] = verifier.verify(token)
    payload: bytes = jws.verify(jws.sign(b"data", secret), secret)
    jws.verify_detached(jws.sign(payload, secret), payload, ks)
    return {**claims, **header, **unverified, **again}


def errors(verifier: Verifier, token: str) -> Optional[str]:
    try:
        verifier.verify(token)
    except tessera.ExpiredSignatureError as e:
        code: str = e.code
        return code
    except tessera.InvalidTokenError as e:
        claim: Optional[str] = e.claim
        return claim
    except TesseraError as e:
        return e.message
    return None


codes: Tuple[str, ...] = tessera.ERROR_CODES
version: str = tessera.__version__


def cookie_codecs() -> Dict[str, Any]:
    import hashlib
    import uuid

    from tessera import cookies

    fc = cookies.FlaskCookie("secret", fallbacks=["older", b"old"], max_age=None)
    value: str = fc.dumps({"id": 1, "t": (1, 2), "u": uuid.uuid4()}, now=1700000000)
    session: Dict[str, Any] = fc.loads(value.encode(), now=datetime.datetime.now(datetime.timezone.utc))
    cookies.FlaskCookie(b"k", salt="s", max_age=datetime.timedelta(days=1)).dumps('{"a": 1}')

    signer = cookies.Signer(["old", "new"], salt="s", key_derivation="hmac", digest_method=hashlib.sha256)
    signed: bytes = signer.sign("v")
    raw: bytes = signer.unsign(signed)
    ok: bool = signer.validate(signed.decode())
    ts = cookies.TimestampSigner("k", sep="~", digest_method="sha512")
    one: bytes = ts.unsign(ts.sign(b"v", now=1), max_age=10, now=5)
    pair: Tuple[bytes, datetime.datetime] = ts.unsign(ts.sign("v"), 10, True)
    pair2: Tuple[bytes, datetime.datetime] = ts.unsign(ts.sign("v"), return_timestamp=True)
    valid: bool = ts.validate(b"x", max_age=datetime.timedelta(minutes=1))
    ser = cookies.URLSafeTimedSerializer("k", "salt", signer_kwargs={"key_derivation": "hmac"})
    token: str = ser.dumps([1, "a"], salt="other", now=1700000000)
    loaded: Any = ser.loads(token, max_age=60, salt="other")
    with_ts: Tuple[Any, datetime.datetime] = ser.loads(token, return_timestamp=True, salt="other")

    cs = cookies.ExpressCookieSession(["new", "old"], name="sess")
    v, sig = cs.sign({"a": 1})
    data: Dict[str, Any] = cs.verify(v, sig)
    again: Dict[str, Any] = cs.load(f"{cs.name}={v}; {cs.name}.sig={sig}")
    sid = cookies.ExpressSessionId(["s1", b"s0"])
    plain: str = sid.unsign(sid.sign("abc"))
    from_header: str = sid.load("connect.sid=s%3Aabc.x", name="connect.sid")
    assert raw and ok and one and pair and pair2 and valid and loaded and with_ts and plain and from_header
    return {**session, **data, **again}


def sealed_cookies() -> List[str]:
    from tessera import cookies

    sc = cookies.SessionCookie(
        ["a" * 32, b"b" * 32], name="sid", encrypted=True, max_age=datetime.timedelta(hours=1),
        chunked=True, path=None, domain="example.com", same_site="Strict",
    )
    value: str = sc.seal({"user": 1}, now=1700000000)
    data: Dict[str, Any] = sc.open(value)
    info: cookies.OpenedCookie = sc.open_info(value.encode())
    issued: int = info.issued_at
    reissue: bool = info.needs_reissue
    text: str = info.json
    loaded: cookies.OpenedCookie = sc.load(f"{sc.name}={value}")
    chunks: List[Tuple[str, str]] = sc.seal_chunks('{"a": 1}')
    lines: List[str] = sc.set_cookie_headers(loaded.data, request_cookie_header="sid.1=x")
    lines += sc.clear_cookie_headers("sid=1")
    lines.append(cookies.set_cookie("a", "b", max_age=datetime.timedelta(days=1), expires=0, partitioned=True))
    lines.append(cookies.delete_cookie("a", path=None, same_site=None))
    parsed: Dict[str, str] = cookies.parse_cookie(b"a=1; b=2")
    csrf = cookies.CsrfTokens(["c" * 32])
    csrf.verify("session", csrf.generate("session"))
    rails = cookies.RailsCookie("k" * 64, cookie_name="_app_session", digest="sha1")
    enc: str = rails.encrypt({"a": [1, 2]}, expires_at=datetime.datetime(2030, 1, 1))
    dec: Any = rails.decrypt(enc, now=1700000000.5)
    name: str = rails.cookie_name
    assert data and issued and not reissue and text and chunks and parsed and dec and name
    return lines


def server_sessions() -> List[str]:
    from tessera import sessions

    memory = sessions.MemoryStore(max_entries=1000, max_bytes=1 << 20)
    held: int = len(memory) + memory.bytes_used
    memory.purge_expired()
    redis_store = sessions.RedisStore(["redis://a:7000", "redis://b:7001"], cluster=True,
                                      prefix="app:", pool_size=4, connect_timeout=0.5,
                                      io_timeout=datetime.timedelta(seconds=1))
    redis_store.ping()
    store: sessions.RedisStore | sessions.MemoryStore = redis_store if held < 0 else memory
    manager = sessions.SessionManager(store, ttl=datetime.timedelta(hours=8), idle_timeout=1800)
    sid: str = manager.create({"cart": [1]}, user_id="alice")
    loaded: Optional[sessions.Session] = manager.load(sid)
    if loaded is not None:
        loaded["cart"].append(2)
        version: int = manager.save(sid, loaded)
        expires: datetime.datetime = loaded.expires_at
        user: Optional[str] = loaded.user_id
        assert version > loaded.version - 1 and expires and user
    manager.save(sid, '{"a": 1}', version=3)
    manager.merge(sid, {"theme": "dark"})
    alive: bool = manager.touch(sid) and manager.destroy(sid)
    new: Optional[str] = manager.rotate(sid)
    ended: int = manager.destroy_user("alice")

    denylist = sessions.Denylist(store)
    denylist.revoke("jti-1", datetime.datetime(2030, 1, 1))
    denylist.revoke("jti-2", 4102444800)
    revoked: bool = denylist.is_revoked("jti-1")
    verifier = Verifier(Key.hmac(b"0123456789abcdef0123456789abcdef"), denylist=denylist)
    jwt.decode("a.b.c", Key.hmac(b"0123456789abcdef0123456789abcdef"), denylist=denylist)

    refresh = sessions.RefreshTokens(store, ttl=30 * 86400)
    token: str = refresh.issue("alice", {"device": "phone"})
    rotated: sessions.Rotated = refresh.rotate(token)
    owner, data, next_token = rotated
    extra: Optional[Dict[str, Any]] = data
    gone: bool = refresh.revoke_family(next_token)
    families: int = refresh.revoke_user("alice")
    try:
        refresh.rotate(token)
    except tessera.RefreshTokenReusedError as e:
        assert e.code == "REFRESH_TOKEN_REUSED"
    except (tessera.SessionNotFoundError, tessera.StoreUnavailableError, tessera.SessionConflictError):
        pass
    assert alive and new and ended and revoked and verifier and extra and gone and families
    return [sid, owner, rotated.token]


def flask_integration() -> None:
    from flask import Flask, g

    from tessera import sessions
    from tessera.flask import ServerSession, ServerSessionInterface, bearer

    app = Flask(__name__)
    manager = sessions.SessionManager(sessions.MemoryStore(), ttl=3600)
    app.session_interface = ServerSessionInterface(manager, cookie_name="sid", on_conflict="merge")
    verifier = Verifier(Key.hmac(b"0123456789abcdef0123456789abcdef"))

    @app.get("/me")
    @bearer(verifier)
    def me() -> Dict[str, Any]:
        claims: Dict[str, Any] = g.jwt_claims
        return claims

    s = ServerSession({"a": 1}, "id", 0, "alice")
    s.rotate(user_id="alice")
    s.destroy()
    sid: Optional[str] = s.sid
    assert callable(me) and (sid is None or sid)


def remote_jwks() -> List[str]:
    import asyncio

    from tessera import jwks

    remote = jwks.RemoteKeySet(
        "https://issuer.example/.well-known/jwks.json",
        max_age=300,
        cooldown=30,
        timeout=5.0,
        min_age=datetime.timedelta(seconds=30),
        max_bytes=512 * 1024,
        negative_ttl=300,
        max_stale=None,
        max_redirects=3,
        ca_pem=None,
    )
    url: str = remote.url
    current: KeySet = remote.keys()
    fetched: KeySet = remote.refresh()
    status: jwks.JwksStatus = remote.status()
    state: str = status.state
    fresh: bool = status.fresh
    at: Optional[datetime.datetime] = status.fetched_at
    until: Optional[datetime.datetime] = status.fresh_until
    error: Optional[TesseraError] = status.last_error
    error_at: Optional[datetime.datetime] = status.last_error_at
    counts: int = status.keys + status.requests + status.generation
    cache: Optional[str] = remote.export_cache()
    if cache is not None:
        jwks.RemoteKeySet(url).import_cache(cache)
    verifier = Verifier(remote, issuer="https://issuer.example", audience="api")
    claims: Dict[str, Any] = verifier.verify("a.b.c")

    async def in_loop() -> Dict[str, Any]:
        ks: KeySet = await remote.keys_async()
        again: KeySet = await remote.refresh_async()
        assert len(ks) + len(again)
        verified: Dict[str, Any] = await verifier.verify_async("a.b.c")
        return verified

    more: Dict[str, Any] = asyncio.run(in_loop())
    try:
        remote.keys()
    except tessera.JwksUnavailableError as e:
        code: str = e.code
        assert code == "JWKS_UNAVAILABLE"
    assert current and fetched and fresh and at and until and error and error_at and counts
    return [url, state, *claims, *more]
