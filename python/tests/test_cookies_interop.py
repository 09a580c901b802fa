"""Differential tests against the real libraries, both directions: Flask
3.1's ``SecureCookieSessionInterface`` / ``TaggedJSONSerializer`` and
itsdangerous 2.2 mint cookies Tessera opens, and accept the cookies Tessera
writes, byte for byte where the format is deterministic."""

from __future__ import annotations

import datetime
import decimal
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List

import itsdangerous
import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from markupsafe import Markup

import tessera
from tessera import cookies

UTC = datetime.timezone.utc
NOW = 1_700_000_000


class Clock:
    """itsdangerous reads ``time.time()`` in ``itsdangerous.timed``; this
    replaces that module's ``time`` so the real library runs at a fixed
    instant."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock(NOW)
    monkeypatch.setattr(itsdangerous.timed, "time", c)
    return c


def flask_app(secret: str = "flask-secret", fallbacks: Any = ()) -> Flask:
    app = Flask("interop")
    app.secret_key = secret
    app.config["SECRET_KEY_FALLBACKS"] = list(fallbacks)
    return app


def flask_serializer(app: Flask) -> Any:
    s = SecureCookieSessionInterface().get_signing_serializer(app)
    assert s is not None
    return s


def flask_dumps(app: Flask, data: Dict[str, Any]) -> str:
    with app.app_context():
        out: str = flask_serializer(app).dumps(data)
        return out


def flask_loads(app: Flask, cookie: str, max_age: int = 2678400) -> Any:
    with app.app_context():
        return flask_serializer(app).loads(cookie, max_age=max_age)


@dataclass
class Point:
    x: int
    when: datetime.date


# Sessions covering every tag, nesting, the " di" escape, Flask's JSON
# provider defaults (date, Decimal, dataclass), numbers and text.
SESSIONS: List[Dict[str, Any]] = [
    {},
    {"user_id": 42, "name": "alice"},
    {"tuple": (1, "a", (2, (3,)))},
    {"bytes": b"\x00\xffab\xfe", "empty": b""},
    {"markup": Markup("<b>bold</b> &amp;"), "escaped": Markup.escape("<i>")},
    {"uuid": uuid.UUID("12345678-1234-5678-1234-567812345678")},
    {"dt": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)},
    {"naive": datetime.datetime(1999, 12, 31, 23, 59, 59)},
    {"other_tz": datetime.datetime(2024, 6, 1, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=5)))},
    {"micro": datetime.datetime(2024, 1, 2, 3, 4, 5, 999999, tzinfo=UTC)},
    {"tagged_key": {" t": [1]}, "di": {" di": "x"}, "u_key": {" u": "not-a-uuid"}},
    {"nested": [{"a": (b"x", [Markup("<p>")])}, {" b": {" m": 1}}]},
    {"date": datetime.date(2024, 2, 29), "dec": decimal.Decimal("1.10"), "dc": Point(1, datetime.date(2020, 1, 1))},
    {"floats": [0.1, 1e-07, 3.0, -0.0, 1e16, 1.5e300, 2.5, 123456789.125], "big": 12345678901234567890, "neg": -(2**70)},
    {"text": "Jürgen 🍪 \u2028 \x00\x1f\x7f \"q\" \\ / </script>", "ключ": "значение"},
    {"_permanent": True, "cart": [1, 2, 3], "flag": False, "nothing": None},
    {"zeta": 1, "alpha": {"y": 2, "b": [3, {"d": 4, "c": 5}]}, "Mid": 0, "10": "ten", "9": "nine"},
    {"compress_me": ["item-%d" % (i % 7) for i in range(200)]},
]


def session_ids() -> Iterator[str]:
    for i, s in enumerate(SESSIONS):
        yield f"{i}:" + ",".join(sorted(str(k) for k in s))[:40]


@pytest.mark.parametrize("data", SESSIONS, ids=list(session_ids()))
def test_flask_cookie_is_byte_identical_and_reads_back_like_flask(data: Dict[str, Any], clock: Clock) -> None:
    app = flask_app()
    theirs = flask_dumps(app, data)
    fc = cookies.FlaskCookie(app.secret_key)
    ours = fc.dumps(data, now=NOW)
    assert ours == theirs
    # Both directions give what Flask itself gives (native types included).
    flask_view = flask_loads(app, theirs)
    assert fc.loads(theirs, now=NOW) == flask_view
    assert flask_loads(app, ours) == flask_view
    assert {k: type(v) for k, v in fc.loads(theirs, now=NOW).items()} == {k: type(v) for k, v in flask_view.items()}


def test_non_str_keys_become_strings_as_in_flask(clock: Clock) -> None:
    # json.dumps turns int/float/bool/None keys into strings; Flask then
    # reads string keys back. Same here (the member order may differ from
    # Flask's, which sorts the original keys: still the same session).
    app = flask_app()
    fc = cookies.FlaskCookie(app.secret_key)
    for data in ({1: "a", 10: "b", 9: "c"}, {2.5: "x"}, {True: 1}, {None: 0}):
        want = flask_loads(app, flask_dumps(app, data))
        ours = fc.dumps(data, now=NOW)
        assert flask_loads(app, ours) == want == fc.loads(ours, now=NOW)
    with pytest.raises(TypeError):
        fc.dumps({(1, 2): "tuple key"}, now=NOW)


def test_every_tag_comes_back_as_flasks_native_type(clock: Clock) -> None:
    app = flask_app()
    data = {
        "t": (1, 2),
        "b": b"\x01",
        "m": Markup("<b>"),
        "u": uuid.UUID(int=1),
        "d": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        "di": {" t": "kept"},
    }
    got = cookies.FlaskCookie(app.secret_key).loads(flask_dumps(app, data), now=NOW)
    assert got == data
    assert type(got["t"]) is tuple and type(got["b"]) is bytes and type(got["m"]) is Markup
    assert type(got["u"]) is uuid.UUID and got["d"].tzinfo is UTC
    assert got["di"] == {" t": "kept"}


def test_tagged_json_text_is_accepted_and_read_back_as_flask_would(clock: Clock) -> None:
    # A str is Flask's tagged JSON text (what TaggedJSONSerializer writes).
    app = flask_app()
    from flask.json.tag import TaggedJSONSerializer

    data = {"t": (1, b"x"), "u": uuid.UUID(int=3)}
    with app.app_context():
        text = TaggedJSONSerializer().dumps(data)
    fc = cookies.FlaskCookie(app.secret_key)
    assert fc.dumps(text, now=NOW) == flask_dumps(app, data)
    # Values Flask cannot read back are refused when written...
    for bad in ['{"a": {" t": 1}}', '{"a": {" b": "!!"}}', '{"a": {" u": "xyz"}}', "[1]", "{"]:
        with pytest.raises(tessera.TesseraError) as e:
            fc.dumps(bad, now=NOW)
        assert e.value.code in ("INVALID_ARGUMENT", "MALFORMED")
    # ...and a date Flask cannot parse reads as None, as in Flask.
    odd = fc.dumps('{"d": {" d": "not a date"}}', now=NOW)
    assert fc.loads(odd, now=NOW) == {"d": None} == flask_loads(app, odd)


def test_rotation_with_secret_key_fallbacks(clock: Clock) -> None:
    old = flask_app("old-secret-0")
    new = flask_app("current-secret", fallbacks=["older-secret-00", "old-secret-0"])
    minted_old = flask_dumps(old, {"user": 1})
    fc = cookies.FlaskCookie("current-secret", fallbacks=["older-secret-00", "old-secret-0"])
    assert fc.loads(minted_old, now=NOW) == {"user": 1}
    # Tessera signs with SECRET_KEY, exactly as Flask with fallbacks does.
    ours = fc.dumps({"user": 1}, now=NOW)
    assert ours == flask_dumps(new, {"user": 1})
    assert flask_loads(new, ours) == {"user": 1}
    # Without the fallback the old cookie is refused by both.
    with pytest.raises(tessera.InvalidSignatureError) as e:
        cookies.FlaskCookie("current-secret").loads(minted_old, now=NOW)
    assert e.value.code == "INVALID_SIGNATURE"
    with pytest.raises(itsdangerous.BadSignature):
        flask_loads(flask_app("current-secret"), minted_old)


def test_expiry_and_future_match_flask(clock: Clock) -> None:
    app = flask_app()
    cookie = flask_dumps(app, {"a": 1})
    fc = cookies.FlaskCookie(app.secret_key, max_age=3600)
    assert fc.loads(cookie, now=NOW + 3600) == {"a": 1}
    clock.now = NOW + 3600
    assert flask_loads(app, cookie, max_age=3600) == {"a": 1}
    with pytest.raises(tessera.ExpiredSignatureError) as e:
        fc.loads(cookie, now=NOW + 3601)
    assert e.value.code == "EXPIRED"
    clock.now = NOW + 3601
    with pytest.raises(itsdangerous.SignatureExpired):
        flask_loads(app, cookie, max_age=3600)
    with pytest.raises(tessera.ImmatureSignatureError) as e2:
        fc.loads(cookie, now=NOW - 1)
    assert e2.value.code == "ISSUED_IN_FUTURE"
    clock.now = NOW - 1
    with pytest.raises(itsdangerous.SignatureExpired):
        flask_loads(app, cookie, max_age=3600)
    # The default is Flask's 31 days; max_age=None disables the check.
    assert cookies.FlaskCookie(app.secret_key).loads(cookie, now=NOW + 2678400) == {"a": 1}
    with pytest.raises(tessera.ExpiredSignatureError):
        cookies.FlaskCookie(app.secret_key).loads(cookie, now=NOW + 2678401)
    assert cookies.FlaskCookie(app.secret_key, max_age=None).loads(cookie, now=NOW * 2) == {"a": 1}


def test_tampering_is_refused_by_both(clock: Clock) -> None:
    app = flask_app()
    fc = cookies.FlaskCookie(app.secret_key)
    for cookie in (flask_dumps(app, {"user": "alice"}), fc.dumps({"user": "alice", "pad": "x" * 300}, now=NOW)):
        payload, ts, sig = cookie.rsplit(".", 2)
        swap = "A" if payload[1] != "A" else "B"
        forged = [
            f"{payload[:1]}{swap}{payload[2:]}.{ts}.{sig}",
            f"{payload}.{ts}.{sig[:-1]}{'A' if sig[-1] != 'A' else 'B'}",
            f"{payload}.AAAAAA.{sig}",
        ]
        for f in forged:
            with pytest.raises(tessera.InvalidSignatureError) as e:
                fc.loads(f, now=NOW)
            assert e.value.code == "INVALID_SIGNATURE"
            with pytest.raises(itsdangerous.BadSignature):
                flask_loads(app, f)
    for garbage in ("", "garbage", "a.b", "...", "\u00e9.x.y"):
        with pytest.raises(tessera.DecodeError):
            fc.loads(garbage, now=NOW)


def test_compression_both_directions(clock: Clock) -> None:
    app = flask_app()
    data = {"items": [f"item-{i % 5}" for i in range(500)]}
    ours = cookies.FlaskCookie(app.secret_key).dumps(data, now=NOW)
    assert ours.startswith(".") and ours == flask_dumps(app, data)
    assert flask_loads(app, ours) == data


# ---------------------------------------------------------------- itsdangerous


DERIVATIONS = ["concat", "django-concat", "hmac", "none"]
DIGESTS = [hashlib.sha1, hashlib.sha256, hashlib.sha384, hashlib.sha512]


@pytest.mark.parametrize("key_derivation", DERIVATIONS)
@pytest.mark.parametrize("digest", DIGESTS, ids=lambda d: d().name)
def test_signers_match_itsdangerous(key_derivation: str, digest: Any, clock: Clock) -> None:
    keys = ["oldest", b"older", "newest"]
    kw = {"salt": "salty", "key_derivation": key_derivation, "digest_method": digest}
    theirs = itsdangerous.Signer(keys, **kw)
    ours = cookies.Signer(keys, **kw)
    ours_by_name = cookies.Signer(keys, salt="salty", key_derivation=key_derivation, digest_method=digest().name)
    for value in ("hello", b"with.dots.in", "ünï", b""):
        assert ours.sign(value) == theirs.sign(value) == ours_by_name.sign(value)
        assert ours.unsign(theirs.sign(value)) == theirs.unsign(ours.sign(value))
    # Signed with an older key: both accept.
    assert ours.unsign(itsdangerous.Signer("oldest", **kw).sign("x")) == b"x"
    # Timestamped.
    ts_theirs = itsdangerous.TimestampSigner(keys, sep="~", **kw)
    ts_ours = cookies.TimestampSigner(keys, sep="~", **kw)
    assert ts_ours.sign("v.a~l", now=NOW) == ts_theirs.sign("v.a~l")
    assert ts_ours.unsign(ts_theirs.sign("v"), max_age=5, return_timestamp=True, now=NOW + 5) == (
        b"v",
        datetime.datetime.fromtimestamp(NOW, UTC),
    )
    clock.now = NOW + 5
    assert ts_theirs.unsign(ts_ours.sign("v", now=NOW), max_age=5, return_timestamp=True) == ts_ours.unsign(
        ts_ours.sign("v", now=NOW), 5, True, now=NOW + 5
    )


def test_serializer_matches_itsdangerous(clock: Clock) -> None:
    kw = {"signer_kwargs": {"key_derivation": "hmac", "digest_method": hashlib.sha256}}
    theirs = itsdangerous.URLSafeTimedSerializer(["a", "b"], salt="s", **kw)
    ours = cookies.URLSafeTimedSerializer(["a", "b"], salt="s", **kw)
    for obj in ({"b": [1, 2.5, None, True], "a": "é🍪", "f": 1e-07}, [1, (2, 3)], "text", 12345678901234567890, None,
                {"big": "x" * 1000}):
        token = ours.dumps(obj, now=NOW)
        assert token == theirs.dumps(obj)
        want = theirs.loads(token)
        assert ours.loads(theirs.dumps(obj), max_age=10, now=NOW) == want
    # Per-call salt, as itsdangerous.
    assert ours.dumps("x", salt="other", now=NOW) == theirs.dumps("x", salt="other")
    assert ours.loads(theirs.dumps("x", salt="other"), salt="other", now=NOW) == "x"
    with pytest.raises(tessera.InvalidSignatureError):
        ours.loads(theirs.dumps("x", salt="other"), now=NOW)
    # Defaults: salt b"itsdangerous", django-concat, SHA-1.
    assert cookies.URLSafeTimedSerializer("k").dumps({"a": 1}, now=NOW) == itsdangerous.URLSafeTimedSerializer("k").dumps({"a": 1})
    assert cookies.Signer("k").sign("v") == itsdangerous.Signer("k").sign("v")
    # Expiry.
    token = theirs.dumps({"a": 1})
    with pytest.raises(tessera.ExpiredSignatureError):
        ours.loads(token, max_age=datetime.timedelta(seconds=9), now=NOW + 10)
    clock.now = NOW + 10
    with pytest.raises(itsdangerous.SignatureExpired):
        theirs.loads(token, max_age=9)


def test_validate_like_itsdangerous() -> None:
    s, t = cookies.Signer("k"), itsdangerous.Signer("k")
    for v in (t.sign("x"), b"x.bad", b"nosep", "x.y.z"):
        assert s.validate(v) == t.validate(v)
    ts = cookies.TimestampSigner("k")
    signed = ts.sign("x", now=NOW)
    assert ts.validate(signed, now=NOW) and not ts.validate(signed, max_age=0, now=NOW + 1)
