"""Secrets hygiene (issue 11) in the Python binding.

No exception text and no ``repr()``/``str()`` of a Tessera object ever holds
a secret (HMAC secrets, private key members, cookie secrets,
``secret_key_base``, session ids, refresh tokens, CSRF session bindings) or
a whole token or cookie. Every secret is guarded in its raw, hex (both
cases), base64 and base64url (padded or not) forms; tokens, cookies and key
texts as they are. A text fails if it holds any 20-byte piece of any of
them (or a whole one shorter than that).

Checked for every failure: ``str(exc)``, ``repr(exc)``, every ``exc.args``
item, ``exc.message``, ``exc.code``, ``exc.claim``, ``exc.__notes__``, the
chained causes, and the whole ``traceback.format_exception`` text.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import random
import string
import traceback
from typing import Any, Callable, Iterable, List, Set

import tessera
from tessera.cookies import (
    CsrfTokens,
    ExpressCookieSession,
    ExpressSessionId,
    FlaskCookie,
    RailsCookie,
    SessionCookie,
    Signer,
    TimestampSigner,
    URLSafeTimedSerializer,
)
from tessera.sessions import Denylist, MemoryStore, RedisStore, RefreshTokens, SessionManager

PIECE = 20
NOW = 1_800_000_000
RNG = random.Random(0x5EED)


def rand_text(n: int) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(RNG.choice(alphabet) for _ in range(n))


def rand_bytes(n: int) -> bytes:
    return bytes(RNG.randrange(256) for _ in range(n))


class Guard:
    """What must never appear, and how many texts were checked."""

    def __init__(self) -> None:
        self.pieces: Set[bytes] = set()
        self.short: List[bytes] = []
        self.checked = 0
        self.failures: List[str] = []

    def needle(self, n: bytes) -> None:
        if len(n) < PIECE:
            self.short.append(n)
            return
        for i in range(len(n) - PIECE + 1):
            self.pieces.add(n[i : i + PIECE])

    def secret(self, s: Any) -> None:
        raw = s.encode() if isinstance(s, str) else bytes(s)
        assert len(raw) >= 12
        self.needle(raw)
        self.needle(binascii.hexlify(raw))
        self.needle(binascii.hexlify(raw).upper())
        for enc in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
            self.needle(enc)
            self.needle(enc.rstrip(b"="))

    def text(self, t: Any) -> None:
        self.needle(t.encode() if isinstance(t, str) else bytes(t))

    def input(self, t: Any) -> None:
        """A mutated input: guarded when more than a fragment."""
        if len(t) >= PIECE:
            self.text(t)

    def key(self, key: tessera.Key) -> None:
        jwk = key.to_jwk(private=True)
        for m in ("k", "d", "p", "q", "dp", "dq", "qi"):
            if m in jwk:
                raw = base64.urlsafe_b64decode(jwk[m] + "=" * (-len(jwk[m]) % 4))
                self.secret(raw)

    def check(self, context: str, hay: str) -> None:
        self.checked += 1
        h = hay.encode("utf-8", "surrogatepass")
        for i in range(len(h) - PIECE + 1):
            if h[i : i + PIECE] in self.pieces:
                self.failures.append(f"{context}: holds a secret piece: {hay!r}")
                return
        for n in self.short:
            if n in h:
                self.failures.append(f"{context}: holds {n!r}: {hay!r}")
                return

    def exception(self, context: str, e: BaseException) -> None:
        self.check(f"{context} str", str(e))
        self.check(f"{context} repr", repr(e))
        for i, a in enumerate(e.args):
            self.check(f"{context} args[{i}]", a if isinstance(a, str) else repr(a))
        for attr in ("message", "code", "claim"):
            v = getattr(e, attr, None)
            if v is not None:
                self.check(f"{context} .{attr}", str(v))
        for note in getattr(e, "__notes__", []):
            self.check(f"{context} note", note)
        tb = "".join(traceback.format_exception(type(e), e, e.__traceback__))
        self.check(f"{context} traceback", tb)
        inner = e.__cause__ or e.__context__
        if inner is not None:
            self.exception(f"{context} cause", inner)

    def fails(self, context: str, call: Callable[[], Any], *, types: Iterable[type] = ()) -> None:
        want = tuple(types) or (tessera.TesseraError,)
        try:
            call()
        except want as e:  # type: ignore[misc]
            self.exception(context, e)
        else:
            self.failures.append(f"{context}: succeeded")

    def shows(self, context: str, obj: object) -> None:
        self.check(f"{context} repr", repr(obj))
        self.check(f"{context} str", str(obj))

    def done(self, at_least: int) -> None:
        assert not self.failures, f"{len(self.failures)} leak(s):\n" + "\n".join(self.failures[:50])
        assert self.checked >= at_least, self.checked


def mutants(s: str) -> List[str]:
    out = []
    for i, c in enumerate(s):
        r = "B" if c == "A" else "_" if c == "." else "." if c == "-" else "A"
        out.append(s[:i] + r + s[i + 1 :])
    out += [s[:n] for n in range(0, len(s), 3)]
    out += [s + x for x in ("A", "=", ".", "--", "%")]
    return [m for m in out if m != s]


def rejected(g: Guard, what: str, value: str, open_: Callable[[str], Any], other: Callable[[str], Any]) -> None:
    g.text(value)
    open_(value)  # the control opens
    g.fails(f"{what} other secret", lambda: other(value))
    n = 0
    for i, m in enumerate(mutants(value)):
        g.input(m)
        g.fails(f"{what} mutant {i}", lambda: open_(m))
        n += 1
    assert n > len(value)


def test_guard_catches_every_form() -> None:
    secret = b"0123456789abcdefghijklmnopqrstuvwxyz!@#$"
    for form in (
        secret,
        binascii.hexlify(secret),
        binascii.hexlify(secret).upper(),
        base64.b64encode(secret),
        base64.urlsafe_b64encode(secret).rstrip(b"="),
    ):
        g = Guard()
        g.secret(secret)
        g.check("t", "error: " + form[3 : 3 + PIECE + 2].decode())
        assert len(g.failures) == 1, form
    g = Guard()
    g.text("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijklmnopqrstuvwxyz")
    g.exception("t", tessera.DecodeError("bad: eyJzdWIiOiIxIn0.abcdefgh", "MALFORMED"))
    assert g.failures
    g = Guard()
    g.text("sixteen-byte-sid")
    e = tessera.InvalidSignatureError("fine", "INVALID_SIGNATURE")
    e.add_note("the sid was sixteen-byte-sid")
    g.exception("t", e)
    assert g.failures


def test_jwt_failures_hold_no_secret_and_no_token() -> None:
    g = Guard()
    sa, sb = rand_bytes(64), rand_text(64)
    g.secret(sa)
    g.secret(sb)
    a = tessera.Key.hmac(sa, kid="k")
    b = tessera.Key.hmac(sb, kid="k")
    sub, iss = rand_text(48), rand_text(48)
    g.text(sub)
    g.text(iss)
    token = tessera.jwt.encode({"sub": sub, "iss": iss, "aud": "x", "exp": NOW + 600}, a)
    g.text(token)
    va = tessera.Verifier(a, audience="x", now=NOW, cache_size=8)
    vb = tessera.Verifier(b, audience="x", now=NOW)
    va.verify(token)
    g.fails("wrong key", lambda: vb.verify(token))
    for i, m in enumerate(mutants(token)):
        g.input(m)
        g.fails(f"mutant {i}", lambda: va.verify(m))
        g.fails(f"mutant {i} bytes", lambda: va.verify(m.encode()))
        try:
            tessera.jwt.decode_unverified(m)
        except tessera.TesseraError as e:
            g.exception(f"unverified mutant {i}", e)
    for what, kw in (
        ("issuer", {"issuer": "other"}),
        ("subject", {"subject": "other"}),
        ("audience", {"audience": "y"}),
        ("expired", {"now": NOW + 10_000}),
        ("required", {"required": ["exp", "scope"]}),
        ("typ", {"typ": "at+jwt"}),
    ):
        opts = {"audience": "x", "now": NOW, **kw}
        g.fails(what, lambda: tessera.Verifier(a, **opts).verify(token))
        g.fails(f"decode {what}", lambda: tessera.jwt.decode(token, a, **opts))
    long = rand_text(300)
    g.text(long)
    for header in (
        {"alg": "HS256", "kid": long},
        {"alg": "HS256", "crit": [long]},
        {"alg": long},
        {"alg": "none"},
    ):
        seg = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()
        crafted = f"{seg(header)}.{seg({'sub': sub, 'exp': NOW + 60})}.{'A' * 43}"
        g.text(crafted)
        g.fails(f"crafted {list(header)}", lambda: va.verify(crafted))
    g.fails("sign with crit", lambda: tessera.jws.sign(b"x", a, {"crit": [long]}))
    g.fails("sign unknown kid", lambda: tessera.jwt.encode({"a": 1}, tessera.KeySet([a]), {"kid": long}))
    g.fails("too large", lambda: va.verify(token + "A" * 20_000))
    g.shows("Verifier", va)
    g.shows("Verifier b", vb)
    g.shows("Key", a)
    g.shows("KeySet", tessera.KeySet([a]))
    g.done(1500)


def test_key_failures_and_reprs_hold_no_key_material(keys: Any) -> None:
    g = Guard()
    for alg, key in keys.items():
        g.key(key)
    for alg, key in keys.items():
        g.shows(alg, key)
        jwk = key.to_jwk(private=True)
        if not alg.startswith("HS"):
            g.check(f"{alg} public JWK", json.dumps(key.to_jwk()))
            g.shows(f"{alg} public", key.public())
        for member in ("k", "d", "p", "q", "dp", "dq", "qi", "x", "n"):
            if member not in jwk:
                continue
            v = jwk[member]
            for damaged in (v[: len(v) // 2] + ("B" if v[len(v) // 2] == "A" else "A") + v[len(v) // 2 + 1 :], v[:-2], v + "AAAA", None):
                bad = dict(jwk)
                if damaged is None:
                    del bad[member]
                else:
                    bad[member] = damaged
                try:
                    tessera.Key.from_jwk(bad)
                except tessera.TesseraError as e:
                    g.exception(f"{alg} damaged {member}", e)
                try:
                    tessera.Key.from_jwk(json.dumps(bad))
                except tessera.TesseraError as e:
                    g.exception(f"{alg} damaged {member} text", e)
                try:
                    tessera.KeySet.from_jwks({"keys": [bad]})
                except tessera.TesseraError as e:
                    g.exception(f"{alg} JWKS damaged {member}", e)
        other = "ES256" if alg.startswith("HS") else "HS256"
        g.fails(f"{alg} as {other}", lambda: tessera.Key.from_jwk(jwk, alg=other))
    g.shows("KeySet", tessera.KeySet(list(keys.values())))
    g.check("JWKS", json.dumps(tessera.KeySet(list(keys.values())).to_jwks()))
    weak = rand_bytes(16)
    g.secret(weak)
    g.fails("weak bytes", lambda: tessera.Key.hmac(weak))
    g.fails("weak bytearray", lambda: tessera.Key.hmac(bytearray(weak)))
    weak_text = rand_text(20)
    g.secret(weak_text)
    g.fails("weak str", lambda: tessera.Key.hmac(weak_text))
    g.fails("weak oct JWK", lambda: tessera.Key.from_jwk({"kty": "oct", "k": base64.urlsafe_b64encode(weak).decode()}))
    # A private PEM, damaged.
    pem = (
        "-----BEGIN PRIVATE KEY-----\n"
        "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
        "-----END PRIVATE KEY-----\n"
    )
    ed = tessera.Key.from_pem(pem)
    g.key(ed)
    body = pem.splitlines()[1]
    g.text(body)
    der = base64.b64decode(body)
    g.secret(der)
    for i in range(len(body)):
        flipped = pem.replace(body, body[:i] + ("B" if body[i] == "A" else "A") + body[i + 1 :])
        for text in (flipped, flipped.encode()):
            try:
                tessera.Key.from_pem(text)
            except tessera.TesseraError as e:
                g.exception(f"PEM flip {i}", e)
        cut = pem.replace(body, body[:i])
        g.fails(f"PEM cut {i}", lambda: tessera.Key.from_pem(cut))
    for n in range(len(der)):
        g.fails(f"DER[:{n}]", lambda: tessera.Key.from_der(der[:n]))
    g.fails("PEM wrong alg", lambda: tessera.Key.from_pem(pem, alg="RS256"))
    kid = rand_text(200)
    g.text(kid)
    k1, k2 = tessera.Key.generate("HS256", kid=kid), tessera.Key.generate("HS256", kid=kid)
    g.key(k1)
    g.key(k2)
    g.fails("duplicate kid", lambda: tessera.KeySet([k1, k2]))
    g.fails(
        "JWKS duplicate kid",
        lambda: tessera.KeySet.from_jwks({"keys": [k1.to_jwk(private=True), k2.to_jwk(private=True)]}),
    )
    g.done(1000)


def test_cookie_failures_and_reprs_hold_no_secret_and_no_cookie() -> None:
    g = Guard()
    s1, s2 = rand_text(48), rand_bytes(48)
    g.secret(s1)
    g.secret(s2)
    data = {"user": "alice", "n": [1, 2, 3]}
    for encrypted in (False, True):
        c1 = SessionCookie([s1], encrypted=encrypted, max_age=100)
        c2 = SessionCookie([s2], encrypted=encrypted, max_age=100)
        v = c1.seal(data, now=NOW)
        rejected(g, f"native {encrypted}", v, lambda x: c1.open(x, now=NOW), lambda x: c2.open(x, now=NOW))
        g.fails("native expired", lambda: c1.open(v, now=NOW + 1000))
        g.fails("native load", lambda: c1.load(f"session={v[:-3]}", now=NOW))
        g.shows("SessionCookie", c1)
        g.shows("OpenedCookie", c1.open_info(v, now=NOW))
    g.fails("native short secret", lambda: SessionCookie([s1[:20]]))
    f1, f2 = FlaskCookie(s1), FlaskCookie(s2)
    v = f1.dumps(data, now=NOW)
    rejected(g, "flask", v, lambda x: f1.loads(x, now=NOW), lambda x: f2.loads(x, now=NOW))
    g.shows("FlaskCookie", f1)
    for kd in ("concat", "django-concat", "hmac", "none"):
        a, b = Signer(s1, key_derivation=kd), Signer(s2, key_derivation=kd)
        v = a.sign(b"value").decode()
        rejected(g, f"Signer {kd}", v, a.unsign, b.unsign)
        g.shows("Signer", a)
        ta, tb = TimestampSigner([s2, s1], key_derivation=kd), TimestampSigner(s2 + b"x", key_derivation=kd)
        v = ta.sign(b"value", now=NOW).decode()
        rejected(g, f"TimestampSigner {kd}", v, lambda x: ta.unsign(x, 60, now=NOW), lambda x: tb.unsign(x, 60, now=NOW))
        g.fails("TimestampSigner expired", lambda: ta.unsign(v, 60, now=NOW + 61))
        g.shows("TimestampSigner", ta)
    sa, sb = URLSafeTimedSerializer(s1), URLSafeTimedSerializer(s2)
    v = sa.dumps(data, now=NOW)
    rejected(g, "URLSafeTimedSerializer", v, lambda x: sa.loads(x, now=NOW), lambda x: sb.loads(x, now=NOW))
    g.shows("URLSafeTimedSerializer", sa)
    e1, e2 = ExpressCookieSession([s1]), ExpressCookieSession([s2])
    value, sig = e1.sign(data)
    g.text(value)
    rejected(g, "cookie-session sig", sig, lambda x: e1.verify(value, x), lambda x: e2.verify(value, x))
    rejected(g, "cookie-session value", value, lambda x: e1.verify(x, sig), lambda x: e2.verify(x, sig))
    g.shows("ExpressCookieSession", e1)
    sid = rand_text(32)
    g.text(sid)
    x1, x2 = ExpressSessionId([s1]), ExpressSessionId([s2])
    v = x1.sign(sid)
    rejected(g, "express-session", v, x1.unsign, x2.unsign)
    g.fails("express-session load", lambda: x1.load("connect.sid=" + v.replace(".", "x")))
    g.shows("ExpressSessionId", x1)
    base1, base2 = rand_text(128), rand_bytes(64)
    g.secret(base1)
    g.secret(base2)
    for digest in ("sha256", "sha1"):
        r1 = RailsCookie(base1, cookie_name="_app_session", digest=digest)
        r2 = RailsCookie(base2, cookie_name="_app_session", digest=digest, rotations=[(base2 + b"x", "sha1")])
        v = r1.encrypt(data, expires_at=NOW + 60)
        rejected(g, f"rails {digest}", v, lambda x: r1.decrypt(x, now=NOW), lambda x: r2.decrypt(x, now=NOW))
        g.fails("rails expired", lambda: r1.decrypt(v, now=NOW + 120))
        g.shows("RailsCookie", r2)
    g.fails("rails empty", lambda: RailsCookie(b"", cookie_name="_s"))
    session = rand_text(43)
    g.text(session)
    k1, k2 = CsrfTokens([s1]), CsrfTokens([s2])
    t = k1.generate(session)
    rejected(g, "csrf", t, lambda x: k1.verify(session, x), lambda x: k2.verify(session, x))
    g.fails("csrf other session", lambda: k1.verify(rand_text(43), t))
    g.fails("csrf short secret", lambda: CsrfTokens([s1[:20]]))
    g.shows("CsrfTokens", k1)
    # Secrets of the wrong type: the TypeError names types, never values.
    g.fails("secret list with an int", lambda: SessionCookie([s1, 7]), types=[TypeError])  # type: ignore[list-item]
    g.fails("secret mapping", lambda: CsrfTokens({s1: 1}), types=[TypeError])  # type: ignore[arg-type]
    g.done(4000)


def sha256_hex(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def test_session_failures_and_reprs_hold_no_id_or_token() -> None:
    g = Guard()
    store = MemoryStore()
    m = SessionManager(store, ttl=600, idle_timeout=60)
    sid = m.create({"a": 1}, user_id="alice")
    g.text(sid)
    g.text(sha256_hex(sid))
    s = m.load(sid)
    assert s is not None
    g.shows("Session", s)
    m.save(sid, {"a": 2}, version=s.version)
    g.fails("stale save", lambda: m.save(sid, {"a": 3}, version=s.version))
    unknown = rand_text(43)
    g.text(unknown)
    g.fails("unknown save", lambda: m.save(unknown, {}, version=0))
    g.fails("unknown merge", lambda: m.merge(unknown, {}))
    rotated = m.rotate(sid)
    assert rotated is not None
    g.text(rotated)
    g.shows("SessionManager", m)
    g.shows("MemoryStore", store)
    rt = RefreshTokens(store, ttl=600)
    t0 = rt.issue("bob", {"scope": "x"})
    g.text(t0)
    r1 = rt.rotate(t0)
    g.text(r1.token)
    g.shows("Rotated", r1)
    g.fails("reused", lambda: rt.rotate(t0))
    g.fails("revoked family", lambda: rt.rotate(r1.token))
    g.fails("unknown refresh", lambda: rt.rotate(unknown))
    odd = rand_text(30) + "!" * 13
    g.text(odd)
    g.fails("not a token", lambda: rt.rotate(odd))
    g.shows("RefreshTokens", rt)
    deny = Denylist(store)
    jti = rand_text(40)
    g.text(jti)
    deny.revoke(jti, NOW * 10)
    key = tessera.Key.generate("HS256")
    g.key(key)
    token = tessera.jwt.encode({"jti": jti, "exp": NOW + 60}, key)
    g.text(token)
    v = tessera.Verifier(key, now=NOW, denylist=deny)
    g.fails("revoked", lambda: v.verify(token))
    g.shows("Denylist", deny)
    g.shows("Verifier with denylist", v)
    password = rand_text(32)
    g.text(password)
    for url in (
        f"redis://user:{password}@127.0.0.1:1/0",
        f"redis+unix:///tmp/tessera-none.sock?pass={password}",
    ):
        r = RedisStore(url, connect_timeout=0.2, io_timeout=0.2)
        g.shows("RedisStore", r)
        g.fails("redis unreachable", r.ping)
    g.fails("redis bad URL", lambda: RedisStore(f"nope://:{password}@host"))
    g.done(40)


def test_flask_interface_repr_holds_no_secret() -> None:
    import flask

    from tessera.flask import TesseraSessionInterface

    g = Guard()
    secret = rand_text(48)
    g.secret(secret)
    app = flask.Flask(__name__)
    app.secret_key = secret
    iface = TesseraSessionInterface(secrets=[secret], format="sealed")
    app.session_interface = iface
    g.shows("TesseraSessionInterface", iface)

    @app.route("/")
    def index() -> str:
        flask.session["n"] = 1
        return "ok"

    client = app.test_client()
    r = client.get("/")
    cookie = r.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    g.text(cookie)
    g.shows("TesseraSessionInterface after a request", iface)
    g.done(4)
