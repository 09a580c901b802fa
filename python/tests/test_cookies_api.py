"""tessera.cookies API: arguments, defaults, error classes and codes, and
the behaviour of the native cookie, header helpers, CSRF tokens and Rails
cookies as seen from Python."""

from __future__ import annotations

import base64
import datetime
import pickle
import threading
import uuid
from typing import Any, List

import pytest

import tessera
from tessera import cookies

NOW = 1_700_000_000
S1 = "s" * 32
S2 = b"t" * 40
UTC = datetime.timezone.utc


def code_of(fn: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(tessera.TesseraError) as e:
        fn(*args, **kwargs)
    assert isinstance(e.value.code, str)
    return e.value.code


# ---------------------------------------------------------------- module surface


def test_public_names() -> None:
    assert set(cookies.__all__) == {
        "SessionCookie", "OpenedCookie", "set_cookie", "delete_cookie", "parse_cookie",
        "CsrfTokens", "RailsCookie", "FlaskCookie", "Signer", "TimestampSigner",
        "URLSafeTimedSerializer", "ExpressCookieSession", "ExpressSessionId",
    }
    for name in cookies.__all__:
        assert getattr(cookies, name).__doc__, name
    assert tessera.cookies is cookies


# ---------------------------------------------------------------- FlaskCookie


def test_flask_cookie_arguments() -> None:
    fc = cookies.FlaskCookie(b"k", fallbacks=("a", b"b"), salt=b"s", max_age=datetime.timedelta(hours=1))
    v = fc.dumps({"a": 1}, now=datetime.datetime.fromtimestamp(NOW, UTC))
    assert fc.loads(v.encode(), now=float(NOW) + 0.9) == {"a": 1}
    # Other salt: another key.
    assert code_of(cookies.FlaskCookie(b"k").loads, v, now=NOW) == "INVALID_SIGNATURE"
    with pytest.raises(TypeError):
        cookies.FlaskCookie(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        fc.dumps([("a", 1)])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        fc.dumps({"a": object()})
    with pytest.raises(TypeError):
        fc.dumps({"s": {1, 2}})
    with pytest.raises(TypeError):
        fc.loads(123)  # type: ignore[arg-type]
    assert code_of(cookies.FlaskCookie, "k", max_age=-1) == "INVALID_ARGUMENT"
    assert code_of(fc.dumps, {"a": 1}, now=-5) == "INVALID_ARGUMENT"


def test_flask_cookie_refuses_what_json_cannot_hold() -> None:
    fc = cookies.FlaskCookie("k")
    for bad in (float("nan"), float("inf")):
        assert code_of(fc.dumps, {"f": bad}, now=NOW) == "INVALID_ARGUMENT"
    assert code_of(fc.dumps, {"s": "\ud800"}, now=NOW) == "INVALID_ARGUMENT"
    deep: Any = []
    for _ in range(100):
        deep = [deep]
    assert code_of(fc.dumps, {"d": deep}, now=NOW) == "INVALID_ARGUMENT"
    cyclic: List[Any] = []
    cyclic.append(cyclic)
    assert code_of(fc.dumps, {"c": cyclic}, now=NOW) == "INVALID_ARGUMENT"
    # Tuples count as nesting too ({" t": [...]}): no crash, a clear error.
    t: Any = ()
    for _ in range(40):
        t = (t,)
    assert code_of(fc.dumps, {"t": t}, now=NOW) == "INVALID_ARGUMENT"


def test_flask_cookie_garbage_never_crashes() -> None:
    fc = cookies.FlaskCookie("k")
    for junk in ("", ".", "..", "a.b.c", "e30.AAAAAA.x", ".eJx.AAAA.bad", "\x00" * 10, "é" * 50, b"\xff\xfe", "x" * 100000):
        code = code_of(fc.loads, junk, now=NOW)
        assert code in {"MALFORMED", "INVALID_SIGNATURE", "TOO_LARGE"}
    assert code_of(fc.loads, "\ud800.a.b", now=NOW) == "MALFORMED"


def test_flask_untag_failures_are_malformed() -> None:
    # Tagged values only a key holder could write, that Flask cannot read.
    fc = cookies.FlaskCookie("k")
    ser = cookies.URLSafeTimedSerializer("k", "cookie-session", key_derivation="hmac")
    for payload in ({"x": {" di": 5}}, {"x": {" di": {}}}, {" t": [1]}):
        cookie = ser.dumps(payload, now=NOW)
        e = code_of(fc.loads, cookie, now=NOW)
        assert e == "MALFORMED"
    # Flask's own conversions where Flask succeeds: tuple("ab"), Markup(5).
    cookie = ser.dumps({"t": {" t": "ab"}, "m": {" m": 5}}, now=NOW)
    got = fc.loads(cookie, now=NOW)
    assert got["t"] == ("a", "b") and str(got["m"]) == "5"


# ---------------------------------------------------------------- itsdangerous


def test_signer_arguments() -> None:
    assert code_of(cookies.Signer, "k", sep="a") == "INVALID_ARGUMENT"
    assert code_of(cookies.Signer, "k", key_derivation="bogus") == "INVALID_ARGUMENT"
    assert code_of(cookies.Signer, "k", digest_method="md5") == "INVALID_ARGUMENT"
    assert code_of(cookies.Signer, []) == "INVALID_KEY"
    with pytest.raises(TypeError):
        cookies.Signer("k", digest_method=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cookies.Signer({"k": 1})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cookies.Signer("k").sign(5)  # type: ignore[arg-type]
    s = cookies.Signer(bytearray(b"k"), salt=None)
    assert s.unsign(s.sign(bytearray(b"v"))) == b"v"
    assert code_of(s.unsign, "nosep") == "MALFORMED"
    assert code_of(s.unsign, "v.!!!") == "MALFORMED"
    assert code_of(s.unsign, "v.AAAA") == "INVALID_SIGNATURE"


def test_timestamp_signer_times() -> None:
    ts = cookies.TimestampSigner("k")
    v = ts.sign("x", now=NOW)
    value, when = ts.unsign(v, return_timestamp=True, now=NOW)
    assert value == b"x" and when == datetime.datetime.fromtimestamp(NOW, UTC)
    assert code_of(ts.unsign, v, max_age=10, now=NOW + 11) == "EXPIRED"
    assert code_of(ts.unsign, v, max_age=10, now=NOW - 1) == "ISSUED_IN_FUTURE"
    assert ts.unsign(v, now=NOW * 3) == b"x"  # no max_age: no age check
    assert ts.unsign(v, max_age=1.9, now=NOW + 1) == b"x"
    assert code_of(ts.sign, "x", now=-1) == "INVALID_ARGUMENT"


def test_serializer_signer_kwargs() -> None:
    with pytest.raises(tessera.InvalidArgumentError):
        cookies.URLSafeTimedSerializer("k", signer_kwargs={"algorithm": None})
    with pytest.raises(tessera.InvalidArgumentError):
        cookies.URLSafeTimedSerializer("k", signer_kwargs={"sep": "~"}, sep="~")
    with pytest.raises(TypeError):
        cookies.URLSafeTimedSerializer("k", signer_kwargs=[("sep", "~")])  # type: ignore[arg-type]
    ser = cookies.URLSafeTimedSerializer("k", signer_kwargs={"sep": "~"})
    assert "~" in ser.dumps(1, now=NOW) and ser.loads(ser.dumps(1, now=NOW), now=NOW) == 1
    assert code_of(ser.loads, b"\xff~x~y", now=NOW) == "MALFORMED"


# ---------------------------------------------------------------- Express


def test_express_cookie_session() -> None:
    cs = cookies.ExpressCookieSession(["new", "old"], name="sess")
    assert cs.name == "sess"
    value, sig = cs.sign({"a": [1, 2], "é": None})
    assert cs.verify(value, sig) == {"a": [1, 2], "é": None}
    # A str is JSON text, kept byte for byte (JSON.stringify's output).
    assert cs.sign('{"b":1e-7}')[0] == "eyJiIjoxZS03fQ=="
    old_value, old_sig = cookies.ExpressCookieSession(["old"], name="sess").sign({"x": 1})
    assert cs.verify(old_value, old_sig) == {"x": 1}
    assert code_of(cs.load, "other=1") == "SESSION_NOT_FOUND"
    assert code_of(cs.load, f"sess={value}") == "SESSION_NOT_FOUND"
    assert code_of(cs.verify, value, "x" + sig[1:]) == "INVALID_SIGNATURE"
    assert code_of(cs.sign, "[1]") == "INVALID_ARGUMENT"
    assert code_of(cookies.ExpressCookieSession, ["k"], name="bad name") == "INVALID_ARGUMENT"
    assert code_of(cookies.ExpressCookieSession, []) == "INVALID_ARGUMENT"


def test_express_session_id() -> None:
    sid = cookies.ExpressSessionId(["new", "old"])
    signed = sid.sign("abc")
    assert signed.startswith("s:abc.")
    assert sid.unsign(signed.replace(":", "%3A").replace("+", "%2B").replace("/", "%2F")) == "abc"
    assert sid.unsign(cookies.ExpressSessionId("old").sign("abc")) == "abc"
    assert code_of(sid.unsign, "abc") == "MALFORMED"
    assert code_of(sid.load, "a=b") == "SESSION_NOT_FOUND"
    assert sid.load(f"x=1; connect.sid={signed}") == "abc"
    assert sid.load(f"sid={signed}", name="sid") == "abc"


# ---------------------------------------------------------------- SessionCookie


def test_session_cookie_basics() -> None:
    sc = cookies.SessionCookie([S1, S2], max_age=60)
    assert sc.name == "session"
    v = sc.seal({"user": 1}, now=NOW)
    assert v.startswith("t1.")
    assert sc.open(v, now=NOW + 60) == {"user": 1}
    info = sc.open_info(v, now=NOW)
    assert (info.data, info.issued_at, info.needs_reissue, info.json) == ({"user": 1}, NOW, False, '{"user":1}')
    assert "OpenedCookie(data={'user': 1}" in repr(info)
    assert code_of(sc.open, v, now=NOW + 61) == "EXPIRED"
    assert code_of(sc.open, v, now=NOW - 61) == "ISSUED_IN_FUTURE"
    assert sc.open(v, now=NOW - 60) == {"user": 1}  # 60 s of clock skew
    # Rotation: the new first secret seals, the old one still opens.
    newer = cookies.SessionCookie(["n" * 32, S1, S2], max_age=60)
    assert newer.open_info(v, now=NOW).needs_reissue
    assert not newer.open_info(newer.seal({}, now=NOW), now=NOW).needs_reissue
    assert code_of(cookies.SessionCookie(["n" * 32]).open, v, now=NOW) == "INVALID_SIGNATURE"


def test_session_cookie_modes_and_names_do_not_mix() -> None:
    signed = cookies.SessionCookie([S1])
    sealed = cookies.SessionCookie([S1], encrypted=True)
    other = cookies.SessionCookie([S1], name="other")
    v = signed.seal({"a": 1}, now=NOW)
    e = sealed.seal({"secret": "visible?"}, now=NOW)
    assert "visible" not in base64.urlsafe_b64decode(e[3:] + "==").decode("latin-1")
    assert e != sealed.seal({"secret": "visible?"}, now=NOW)  # random nonce
    # Signed is readable by the client (authenticity only); encrypted is not.
    plain = signed.seal({"secret": "visible?"}, now=NOW)
    assert "visible" in base64.urlsafe_b64decode(plain[3:] + "==").decode("latin-1")
    assert code_of(sealed.open, v, now=NOW) == "INVALID_SIGNATURE"
    assert code_of(signed.open, e, now=NOW) == "INVALID_SIGNATURE"
    assert code_of(other.open, v, now=NOW) == "INVALID_SIGNATURE"


def test_session_cookie_arguments() -> None:
    assert code_of(cookies.SessionCookie, "short") == "INVALID_KEY"
    assert code_of(cookies.SessionCookie, []) == "INVALID_KEY"
    assert code_of(cookies.SessionCookie, [S1], name="bad name") == "INVALID_ARGUMENT"
    assert code_of(cookies.SessionCookie, [S1], name="__Host-s", path="/x") == "INVALID_ARGUMENT"
    assert code_of(cookies.SessionCookie, [S1], same_site="None", secure=False) == "INVALID_ARGUMENT"
    assert code_of(cookies.SessionCookie, [S1], same_site="sideways") == "INVALID_ARGUMENT"
    sc = cookies.SessionCookie([S1])
    assert code_of(sc.seal, "[1]") == "INVALID_ARGUMENT"
    assert code_of(sc.seal, "{") == "INVALID_ARGUMENT"
    with pytest.raises(TypeError):
        sc.seal([1])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cookies.SessionCookie([S1], secure="yes")  # type: ignore[arg-type]
    assert code_of(sc.open, "", now=NOW) == "MALFORMED"
    assert code_of(sc.open, b"\xff", now=NOW) == "MALFORMED"
    assert code_of(sc.load, "a=1") == "SESSION_NOT_FOUND"


def test_session_cookie_attributes_and_chunking() -> None:
    sc = cookies.SessionCookie([S1], name="sid", max_age=3600, chunked=True, domain="example.com",
                               same_site="Strict", path="/app")
    line = sc.set_cookie_headers({"a": 1}, now=NOW)[0]
    assert line.startswith("sid=t1.")
    assert "; Path=/app; Domain=example.com; Max-Age=3600; Secure; HttpOnly; SameSite=Strict" in line
    big = {"blob": uuid.UUID(int=7).hex * 200}
    assert code_of(cookies.SessionCookie([S1]).seal, big, now=NOW) == "COOKIE_TOO_LARGE"
    assert code_of(sc.seal, big, now=NOW) == "COOKIE_TOO_LARGE"  # seal is one cookie
    chunks = sc.seal_chunks(big, now=NOW)
    assert len(chunks) >= 2 and [n for n, _ in chunks] == [f"sid.{i}" for i in range(len(chunks))]
    header = "; ".join(f"{n}={v}" for n, v in chunks)
    assert sc.load(header, now=NOW).data == big
    # Writing a small session over a chunked one deletes the stale chunks.
    lines = sc.set_cookie_headers({"a": 1}, now=NOW, request_cookie_header=header)
    assert lines[0].startswith("sid=t1.")
    assert sorted(l.split("=")[0] for l in lines[1:]) == sorted(n for n, _ in chunks)
    assert all("Max-Age=0" in l for l in lines[1:])
    cleared = sc.clear_cookie_headers(header + "; sid=x; other=y")
    assert sorted(l.split("=")[0] for l in cleared) == sorted(["sid"] + [n for n, _ in chunks])
    assert all(len(l) <= 4096 for l in sc.set_cookie_headers(big, now=NOW))


# ---------------------------------------------------------------- header helpers


def test_set_cookie() -> None:
    assert cookies.set_cookie("a", "b") == "a=b; Path=/; Secure; HttpOnly; SameSite=Lax"
    line = cookies.set_cookie(
        "a", "b", path=None, domain="x.example", max_age=datetime.timedelta(minutes=1),
        expires=datetime.datetime(2030, 1, 1, tzinfo=UTC), secure=True, http_only=False,
        same_site="none", partitioned=True,
    )
    assert line == ("a=b; Domain=x.example; Max-Age=60; Expires=Tue, 01 Jan 2030 00:00:00 GMT; "
                    "Secure; SameSite=None; Partitioned")
    assert cookies.set_cookie("a", "b", same_site=None, secure=False) == "a=b; Path=/; HttpOnly"
    assert cookies.set_cookie("a", "b", max_age=-1).count("Max-Age=-1") == 1
    for bad in (dict(name="a b", value="v"), dict(name="a", value="v;x"), dict(name="a", value="v", path="/;x"),
                dict(name="__Secure-a", value="v", secure=False), dict(name="a", value="v", same_site="None", secure=False),
                dict(name="a", value="v", partitioned=True, secure=False), dict(name="\ud800", value="v")):
        assert code_of(cookies.set_cookie, **bad) == "INVALID_ARGUMENT", bad
    with pytest.raises(TypeError, match="max_age"):
        cookies.set_cookie("a", "b", max_age="60")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="path must be str or None"):
        cookies.set_cookie("a", "b", path=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="same_site"):
        cookies.SessionCookie([S1], same_site=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cookies.set_cookie("a", 5)  # type: ignore[arg-type]


def test_delete_and_parse_cookie() -> None:
    assert cookies.delete_cookie("a") == (
        "a=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; HttpOnly; SameSite=Lax")
    assert cookies.delete_cookie("a", path="/x", domain="d.example", same_site=None).startswith("a=; Path=/x; Domain=d.example")
    assert cookies.parse_cookie('a=1; b="two"; a=3;;c;  d = 4 ') == {"a": "1", "b": "two", "d": "4"}
    assert cookies.parse_cookie(b"x=%41") == {"x": "%41"}
    assert code_of(cookies.parse_cookie, "a=" + "x" * 70000) == "TOO_LARGE"


# ---------------------------------------------------------------- CSRF and Rails


def test_csrf_tokens() -> None:
    csrf = cookies.CsrfTokens([S1, S2])
    token = csrf.generate("sess-1")
    assert len(token) == 86 and token != csrf.generate("sess-1")
    assert csrf.verify("sess-1", token) is None
    assert cookies.CsrfTokens(["n" * 32, S1]).verify("sess-1", token) is None  # rotation
    assert code_of(csrf.verify, "sess-2", token) == "INVALID_SIGNATURE"
    assert code_of(csrf.verify, "sess-1", "short") == "MALFORMED"
    assert code_of(cookies.CsrfTokens([S2]).verify, "sess-1", cookies.CsrfTokens(["u" * 32]).generate("sess-1")) == "INVALID_SIGNATURE"
    assert code_of(cookies.CsrfTokens, ["short"]) == "INVALID_KEY"


def test_rails_cookie() -> None:
    rc = cookies.RailsCookie("b" * 64, cookie_name="_app_session")
    assert rc.cookie_name == "_app_session"
    c = rc.encrypt({"user_id": 1, "html": "<&>"}, expires_at=NOW + 10)
    assert "%" in c or "--" in c
    assert rc.decrypt(c, now=NOW + 9.999) == {"user_id": 1, "html": "<&>"}
    assert code_of(rc.decrypt, c, now=NOW + 10) == "EXPIRED"
    assert code_of(rc.decrypt, c, now=datetime.datetime.fromtimestamp(NOW + 10, UTC)) == "EXPIRED"
    assert rc.decrypt(rc.encrypt("plain")) == "plain"  # never expires
    other = cookies.RailsCookie("b" * 64, cookie_name="other")
    assert code_of(other.decrypt, c, now=NOW) == "INVALID_SIGNATURE"
    assert code_of(cookies.RailsCookie("c" * 64, cookie_name="_app_session").decrypt, c, now=NOW) == "INVALID_SIGNATURE"
    sha1 = cookies.RailsCookie("b" * 64, cookie_name="_app_session", digest="sha1")
    assert code_of(sha1.decrypt, c, now=NOW) == "INVALID_SIGNATURE"
    assert code_of(rc.decrypt, "garbage", now=NOW) == "MALFORMED"
    assert code_of(cookies.RailsCookie, "b", cookie_name="x", digest="md5") == "INVALID_ARGUMENT"
    assert code_of(cookies.RailsCookie, "", cookie_name="x") == "INVALID_KEY"
    assert code_of(rc.encrypt, {"x": "y" * 5000}) == "COOKIE_TOO_LARGE"
    with pytest.raises(TypeError):
        cookies.RailsCookie("b", cookie_name="x").decrypt(c, now="soon")  # type: ignore[arg-type]


def test_rails_cookie_rotations() -> None:
    old_sha1 = cookies.RailsCookie("o" * 64, cookie_name="_app_session", digest="sha1")
    old_base = cookies.RailsCookie("p" * 64, cookie_name="_app_session")
    rotated = cookies.RailsCookie(
        "n" * 64, cookie_name="_app_session", rotations=[("o" * 64, "sha1"), (b"p" * 64, "sha256")]
    )
    for old in (old_sha1, old_base):
        assert rotated.decrypt(old.encrypt({"u": 1}), now=NOW) == {"u": 1}
    fresh = rotated.encrypt({"u": 2})
    assert cookies.RailsCookie("n" * 64, cookie_name="_app_session").decrypt(fresh, now=NOW) == {"u": 2}
    for old in (old_sha1, old_base):  # the first secret_key_base encrypts; rotations only decrypt
        assert code_of(old.decrypt, fresh, now=NOW) == "INVALID_SIGNATURE"
    unrotated = cookies.RailsCookie("n" * 64, cookie_name="_app_session")
    assert code_of(unrotated.decrypt, old_base.encrypt({"u": 1}), now=NOW) == "INVALID_SIGNATURE"
    assert code_of(cookies.RailsCookie, "n", cookie_name="x", rotations=[("o", "md5")]) == "INVALID_ARGUMENT"
    assert code_of(cookies.RailsCookie, "n", cookie_name="x", rotations=[("", "sha1")]) == "INVALID_KEY"
    with pytest.raises(TypeError):
        cookies.RailsCookie("n", cookie_name="x", rotations=["o"])  # type: ignore[list-item]


# ---------------------------------------------------------------- errors, threads


def test_errors_pickle_with_code() -> None:
    with pytest.raises(tessera.TesseraError) as e:
        cookies.SessionCookie([S1]).load("x=1")
    again = pickle.loads(pickle.dumps(e.value))
    assert type(again) is type(e.value) and again.code == "SESSION_NOT_FOUND"


def test_codecs_are_shared_across_threads() -> None:
    fc = cookies.FlaskCookie("k")
    sc = cookies.SessionCookie([S1], encrypted=True)
    errors: List[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(200):
                data = {"i": i, "j": j, "t": (i, j)}
                assert fc.loads(fc.dumps(data, now=NOW), now=NOW) == data
                assert sc.open(sc.seal({"i": i, "j": j}, now=NOW), now=NOW) == {"i": i, "j": j}
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
