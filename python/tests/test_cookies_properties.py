"""Property tests (Hypothesis, derandomized so CI runs are reproducible):
random sessions and keys round-trip through every codec, Flask cookies stay
byte-identical to Flask's for random sessions of every tagged type, and
every single-byte change to a sealed or signed cookie is rejected."""

from __future__ import annotations

import datetime
import string
import uuid
from typing import Any, Callable, Dict

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from tessera import TesseraError, cookies

NOW = 1_700_000_000
UTC = datetime.timezone.utc

settings.register_profile(
    "tessera-cookies",
    derandomize=True,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)
PROFILE = settings.get_profile("tessera-cookies")

text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]),  # no lone surrogates
    max_size=12,
)
keys = st.one_of(text, st.sampled_from([" t", " di", " b", " m", " u", " d", "_permanent"]))
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    text,
)


def json_values(scalars: Any = json_scalars) -> Any:
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)
        ),
        max_leaves=12,
    )


# Flask's tagged types (datetimes aware UTC without microseconds: Flask's
# http date keeps seconds, so only those round-trip exactly).
flask_scalars = st.one_of(
    json_scalars,
    st.binary(max_size=12),
    st.uuids(),
    st.builds(Markup, text),
    st.datetimes(
        min_value=datetime.datetime(1900, 1, 1),
        max_value=datetime.datetime(9999, 12, 31),
        timezones=st.just(UTC),
    ).map(lambda d: d.replace(microsecond=0)),
)
flask_values = st.recursive(
    flask_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(keys, inner, max_size=4),
    ),
    max_leaves=12,
)
flask_sessions = st.dictionaries(keys, flask_values, max_size=6)
sessions = st.dictionaries(keys, json_values(), max_size=6)
secrets32 = st.binary(min_size=32, max_size=48)


def every_byte_change_rejected(value: str, opens: Callable[[str], Any]) -> None:
    """Each single-character change (two different replacements per
    position) makes ``opens`` raise a TesseraError."""
    for i, c in enumerate(value):
        for repl in {chr(ord(c) ^ 1), "A" if c != "A" else "B"}:
            changed = value[:i] + repl + value[i + 1 :]
            with pytest.raises(TesseraError):
                opens(changed)
    for cut in (value[:-1], value[1:], value + "A"):
        with pytest.raises(TesseraError):
            opens(cut)


@settings(PROFILE)
@given(data=flask_sessions, secret=st.text(min_size=1, max_size=40))
def test_flask_random_sessions_byte_identical_to_flask(data: Dict[str, Any], secret: str) -> None:
    app = Flask("prop")
    app.secret_key = secret
    fc = cookies.FlaskCookie(secret)
    ours = fc.dumps(data, now=NOW)
    with app.app_context():
        ser = SecureCookieSessionInterface().get_signing_serializer(app)
        assert ser is not None
        payload = ours.rsplit(".", 2)[0]
        # Same payload as Flask's (the timestamp differs: Flask uses the clock).
        assert ser.dumps(data).rsplit(".", 2)[0] == payload
        assert ser.loads(ours) == data
    assert fc.loads(ours, now=NOW) == data


@settings(PROFILE, max_examples=25)
@given(data=flask_sessions, secret=st.binary(min_size=1, max_size=40))
def test_flask_every_byte_change_rejected(data: Dict[str, Any], secret: bytes) -> None:
    fc = cookies.FlaskCookie(secret)
    cookie = fc.dumps(data, now=NOW)
    every_byte_change_rejected(cookie, lambda c: fc.loads(c, now=NOW))


@settings(PROFILE)
@given(obj=json_values(), secrets=st.lists(st.binary(min_size=1, max_size=20), min_size=1, max_size=3),
       salt=st.text(max_size=8), kd=st.sampled_from(["concat", "django-concat", "hmac", "none"]),
       digest=st.sampled_from(["sha1", "sha256", "sha384", "sha512"]))
def test_serializer_round_trip_and_tamper(obj: Any, secrets: Any, salt: str, kd: str, digest: str) -> None:
    ser = cookies.URLSafeTimedSerializer(secrets, salt, key_derivation=kd, digest_method=digest)
    token = ser.dumps(obj, now=NOW)
    assert ser.loads(token, max_age=0, now=NOW) == obj
    # Any older secret's token still opens (rotation), signed by the newest.
    assert cookies.URLSafeTimedSerializer(secrets[-1:], salt, key_derivation=kd,
                                          digest_method=digest).loads(token, now=NOW) == obj
    every_byte_change_rejected(token, lambda t: ser.loads(t, now=NOW))


@settings(PROFILE)
@given(data=sessions, secrets=st.lists(secrets32, min_size=1, max_size=3),
       encrypted=st.booleans(), name=st.text(alphabet=string.ascii_letters + "_-.", min_size=1, max_size=10))
def test_session_cookie_round_trip_and_tamper(data: Dict[str, Any], secrets: Any, encrypted: bool, name: str) -> None:
    sc = cookies.SessionCookie(secrets, name=name, encrypted=encrypted)
    value = sc.seal(data, now=NOW)
    opened = sc.open_info(value, now=NOW)
    assert opened.data == data and opened.issued_at == NOW and not opened.needs_reissue
    # Opened by the same secret listed later: re-issue advised.
    rotated = cookies.SessionCookie([b"a newer secret, longer than any generated one"] + list(secrets), name=name, encrypted=encrypted)
    assert rotated.open_info(value, now=NOW).needs_reissue
    # Bound to the name.
    with pytest.raises(TesseraError) as e:
        cookies.SessionCookie(secrets, name=name + "x", encrypted=encrypted).open(value, now=NOW)
    assert e.value.code == "INVALID_SIGNATURE"
    every_byte_change_rejected(value, lambda v: sc.open(v, now=NOW))


@settings(PROFILE)
@given(data=sessions, keys_=st.lists(st.binary(min_size=1, max_size=20), min_size=1, max_size=3))
def test_express_cookie_session_round_trip_and_tamper(data: Dict[str, Any], keys_: Any) -> None:
    cs = cookies.ExpressCookieSession(keys_)
    value, sig = cs.sign(data)
    assert cs.verify(value, sig) == data
    assert cs.load(f"session={value}; session.sig={sig}") == data
    every_byte_change_rejected(sig, lambda s: cs.verify(value, s))
    # The value is base64 of JSON; a changed value must not verify either,
    # except changes base64 decoding ignores (none here: the MAC covers the text).
    for i in range(len(value)):
        changed = value[:i] + ("A" if value[i] != "A" else "B") + value[i + 1 :]
        with pytest.raises(TesseraError):
            cs.verify(changed, sig)


@settings(PROFILE)
@given(sid=st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=40),
       secrets=st.lists(st.text(min_size=1, max_size=10), min_size=1, max_size=3))
def test_express_session_id_round_trip_and_tamper(sid: str, secrets: Any) -> None:
    s = cookies.ExpressSessionId(secrets)
    signed = s.sign(sid)
    assert s.unsign(signed) == sid
    every_byte_change_rejected(signed, s.unsign)


@settings(PROFILE, max_examples=20)
@given(value=json_values(), base=st.binary(min_size=1, max_size=80))
def test_rails_round_trip_and_tamper(value: Any, base: bytes) -> None:
    rc = cookies.RailsCookie(base, cookie_name="_app_session")
    cookie = rc.encrypt(value, expires_at=NOW + 60)
    assert rc.decrypt(cookie, now=NOW) == value
    # Percent-escapes: changing a hex digit may still decode to the same
    # byte ("%2b" vs "%2B"), so only the unescaped form is tampered here.
    from urllib.parse import unquote_plus

    raw = unquote_plus(cookie)
    every_byte_change_rejected(raw, lambda c: rc.decrypt(c, now=NOW))


@settings(PROFILE)
@given(session_id=text, secrets=st.lists(secrets32, min_size=1, max_size=2))
def test_csrf_round_trip_and_tamper(session_id: str, secrets: Any) -> None:
    csrf = cookies.CsrfTokens(secrets)
    token = csrf.generate(session_id)
    assert token != csrf.generate(session_id)
    csrf.verify(session_id, token)
    every_byte_change_rejected(token, lambda t: csrf.verify(session_id, t))
    with pytest.raises(TesseraError):
        csrf.verify(session_id + "x", token)


def test_uuid_strategy_is_exercised() -> None:
    # The tagged strategies produce every tagged type (so the byte-identity
    # property above is not vacuous).
    seen = set()

    @settings(PROFILE, max_examples=200)
    @given(flask_scalars)
    def collect(v: Any) -> None:
        seen.add(type(v))

    collect()
    assert {bytes, uuid.UUID, Markup, datetime.datetime} <= seen
