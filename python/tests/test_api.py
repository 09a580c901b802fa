"""The Python API: arguments, conversions, errors, keys and key sets."""

from __future__ import annotations

import datetime
import pickle
import types
from collections import OrderedDict
from typing import Any, Dict

import pytest

import tessera
from tessera import (
    DecodeError,
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAlgorithmError,
    InvalidArgumentError,
    InvalidAudienceError,
    InvalidClaimError,
    InvalidIssuerError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidSubjectError,
    InvalidTokenError,
    InvalidTypeError,
    JwksUnavailableError,
    Key,
    KeyNotFoundError,
    KeySet,
    MissingRequiredClaimError,
    RefreshTokenReusedError,
    RevokedTokenError,
    SessionConflictError,
    SessionNotFoundError,
    StoreUnavailableError,
    TesseraError,
    TokenTooOldError,
    Verifier,
    jws,
    jwt,
)
from tessera._native import _error_for_code

from conftest import CLAIMS

SECRET = b"0123456789abcdef0123456789abcdef"
NOW = 1_700_000_000

# The documented code -> class table (README.md, errors.py).
CODE_CLASS = {
    "MALFORMED": DecodeError,
    "TOO_LARGE": DecodeError,
    "UNSUPPORTED_ALGORITHM": InvalidAlgorithmError,
    "ALGORITHM_NOT_ALLOWED": InvalidAlgorithmError,
    "KEY_NOT_FOUND": KeyNotFoundError,
    "INVALID_KEY": InvalidKeyError,
    "INVALID_SIGNATURE": InvalidSignatureError,
    "EXPIRED": ExpiredSignatureError,
    "NOT_YET_VALID": ImmatureSignatureError,
    "ISSUED_IN_FUTURE": ImmatureSignatureError,
    "TOO_OLD": TokenTooOldError,
    "INVALID_ISSUER": InvalidIssuerError,
    "INVALID_AUDIENCE": InvalidAudienceError,
    "INVALID_SUBJECT": InvalidSubjectError,
    "INVALID_TYPE": InvalidTypeError,
    "MISSING_CLAIM": MissingRequiredClaimError,
    "INVALID_CLAIM": InvalidClaimError,
    "UNSUPPORTED_CRITICAL_HEADER": DecodeError,
    "REVOKED": RevokedTokenError,
    "COOKIE_TOO_LARGE": TesseraError,
    "SESSION_NOT_FOUND": SessionNotFoundError,
    "SESSION_CONFLICT": SessionConflictError,
    "REFRESH_TOKEN_REUSED": RefreshTokenReusedError,
    "STORE_UNAVAILABLE": StoreUnavailableError,
    "JWKS_UNAVAILABLE": JwksUnavailableError,
    "INVALID_ARGUMENT": InvalidArgumentError,
    "INTERNAL": TesseraError,
}


def hs() -> Key:
    return Key.hmac(SECRET)


def token(claims: Dict[str, Any], key: Key | None = None, **headers: Any) -> str:
    return jwt.encode(claims, key or hs(), headers or None)


def code_of(exc: pytest.ExceptionInfo[TesseraError]) -> str:
    return exc.value.code


# ------------------------------------------------------------------ errors


def test_every_code_has_exactly_the_documented_class() -> None:
    assert set(CODE_CLASS) == set(tessera.ERROR_CODES)
    for code, cls in CODE_CLASS.items():
        e = _error_for_code(code, "message", None)
        assert type(e) is cls, code
        assert isinstance(e, TesseraError) and isinstance(e, Exception)
        assert e.code == code and e.claim is None and str(e) == "message"
    with pytest.raises(ValueError):
        _error_for_code("NOPE", "x")


def test_hierarchy_mirrors_pyjwt() -> None:
    assert issubclass(InvalidSignatureError, DecodeError)
    assert issubclass(DecodeError, InvalidTokenError)
    for cls in (
        ExpiredSignatureError, ImmatureSignatureError, InvalidIssuerError, InvalidAudienceError,
        MissingRequiredClaimError, InvalidAlgorithmError, KeyNotFoundError, TokenTooOldError,
        InvalidSubjectError, InvalidTypeError, InvalidClaimError, RevokedTokenError,
    ):
        assert issubclass(cls, InvalidTokenError), cls
    # As in PyJWT, a bad key is not an invalid token.
    assert not issubclass(InvalidKeyError, InvalidTokenError)
    assert issubclass(InvalidKeyError, TesseraError)
    assert issubclass(InvalidArgumentError, ValueError)
    assert issubclass(InvalidTokenError, TesseraError)
    # A reused refresh token is a revoked one (its family was just revoked);
    # the other session failures are not token errors.
    assert issubclass(RefreshTokenReusedError, RevokedTokenError)
    for cls in (SessionNotFoundError, SessionConflictError, StoreUnavailableError,
                JwksUnavailableError):
        assert issubclass(cls, TesseraError) and not issubclass(cls, InvalidTokenError), cls


def test_errors_pickle_with_code_and_claim() -> None:
    e = _error_for_code("MISSING_CLAIM", "claim \"exp\" is required", "exp")
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is MissingRequiredClaimError
    assert (back.code, back.claim, str(back)) == ("MISSING_CLAIM", "exp", str(e))
    assert "MISSING_CLAIM" in repr(e) and "exp" in repr(e)


def test_errors_module_does_not_import_native() -> None:
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(tessera.errors))
    names = [a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
             for a in n.names]
    mods = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert "_native" not in " ".join(map(str, names + mods))


@pytest.mark.parametrize(
    "claims,options,code,claim",
    [
        ({"exp": NOW - 1}, {}, "EXPIRED", "exp"),
        ({"exp": NOW + 60, "nbf": NOW + 30}, {}, "NOT_YET_VALID", "nbf"),
        ({"exp": NOW + 60, "iat": NOW + 30}, {}, "ISSUED_IN_FUTURE", "iat"),
        ({"exp": NOW + 60, "iat": NOW - 100}, {"max_age": 10}, "TOO_OLD", "iat"),
        ({"exp": NOW + 60, "iss": "a"}, {"issuer": "b"}, "INVALID_ISSUER", "iss"),
        ({"exp": NOW + 60, "aud": "a"}, {}, "INVALID_AUDIENCE", "aud"),
        ({"exp": NOW + 60, "aud": ["a", "b"]}, {"audience": "c"}, "INVALID_AUDIENCE", "aud"),
        ({"exp": NOW + 60, "sub": "a"}, {"subject": "b"}, "INVALID_SUBJECT", "sub"),
        ({"exp": NOW + 60}, {"typ": "at+jwt"}, "INVALID_TYPE", None),
        ({}, {}, "MISSING_CLAIM", "exp"),
        ({"exp": NOW + 60}, {"required": ["exp", "jti"]}, "MISSING_CLAIM", "jti"),
        ({"exp": "soon"}, {}, "INVALID_CLAIM", "exp"),
        ({"exp": NOW + 60}, {"algorithms": ["HS384"]}, "ALGORITHM_NOT_ALLOWED", None),
    ],
)
def test_claim_errors(claims: Dict[str, Any], options: Dict[str, Any], code: str,
                      claim: str | None) -> None:
    t = token(claims)
    with pytest.raises(TesseraError) as e:
        jwt.decode(t, hs(), now=NOW, **options)
    assert type(e.value) is CODE_CLASS[code]
    assert e.value.code == code
    if claim is not None:
        assert e.value.claim == claim


def test_token_errors() -> None:
    t = token({"exp": NOW + 60})
    h, p, s = t.split(".")
    cases = [
        ("", "MALFORMED"),
        ("a.b", "MALFORMED"),
        (f"{h}.{p}.{s[:-2]}AA", "INVALID_SIGNATURE"),
        (t + "x" * 20000, "TOO_LARGE"),
        ("\ud800.a.b", "MALFORMED"),
        (b"\xff\xfe.a.b", "MALFORMED"),
    ]
    for bad, code in cases:
        with pytest.raises(TesseraError) as e:
            jwt.decode(bad, hs(), now=NOW)
        assert e.value.code == code, bad
        assert type(e.value) is CODE_CLASS[code]
    with pytest.raises(KeyNotFoundError):
        jwt.decode(token({"exp": NOW + 60}, hs().with_kid("a")), hs().with_kid("b"), now=NOW)
    with pytest.raises(DecodeError) as e2:
        jwt.decode(t, hs(), now=NOW, max_token_bytes=10)
    assert e2.value.code == "TOO_LARGE"


# ------------------------------------------------------------------ keys


def test_hmac_key_arguments() -> None:
    assert Key.hmac(SECRET).alg == "HS256"
    assert Key.hmac(SECRET.decode()).thumbprint() == Key.hmac(SECRET).thumbprint()
    assert Key.hmac(bytearray(SECRET)).thumbprint() == Key.hmac(SECRET).thumbprint()
    k = Key.hmac(SECRET * 2, alg="HS512", kid="k1")
    assert (k.alg, k.kid, k.is_private) == ("HS512", "k1", True)
    with pytest.raises(InvalidKeyError) as e:
        Key.hmac(b"short")
    assert e.value.code == "INVALID_KEY"
    assert Key.hmac(b"short", allow_weak=True).alg == "HS256"
    with pytest.raises(InvalidKeyError):
        Key.hmac(SECRET, alg="HS384")  # 32 bytes < 48
    with pytest.raises(InvalidAlgorithmError) as e2:
        Key.hmac(SECRET, alg="HS999")
    assert e2.value.code == "UNSUPPORTED_ALGORITHM"
    with pytest.raises(InvalidAlgorithmError) as e3:
        Key.hmac(SECRET, alg="none")
    assert e3.value.code == "ALGORITHM_NOT_ALLOWED"
    with pytest.raises(InvalidKeyError):
        Key.hmac(SECRET, alg="RS256")
    for bad in (123, None, ["x"], 1.5):
        with pytest.raises(TypeError):
            Key.hmac(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Key.hmac(SECRET, alg=256)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Key.hmac(SECRET, kid=1)  # type: ignore[arg-type]


def test_key_properties_and_public(keys: Dict[str, Key]) -> None:
    for alg, k in keys.items():
        assert k.alg == alg and k.kid == alg and k.is_private
        assert alg in repr(k)
        if alg.startswith("HS"):
            with pytest.raises(InvalidKeyError):
                k.public()
            with pytest.raises(InvalidKeyError):
                k.to_jwk()
            continue
        pub = k.public()
        assert (pub.alg, pub.kid, pub.is_private) == (alg, alg, False)
        assert pub.thumbprint() == k.thumbprint()
        assert "d" not in pub.to_jwk() and "d" not in k.to_jwk()
        assert "d" in k.to_jwk(private=True)
        with pytest.raises(InvalidKeyError):
            jwt.encode({"exp": 1}, pub)


def test_jwk_round_trips(keys: Dict[str, Key]) -> None:
    import json

    for alg, k in keys.items():
        jwk = k.to_jwk(private=True)
        assert isinstance(jwk, dict) and jwk["alg"] == alg and jwk["kid"] == alg
        for form in (jwk, json.dumps(jwk), types.MappingProxyType(jwk)):
            back = Key.from_jwk(form)  # type: ignore[arg-type]
            assert (back.alg, back.kid, back.is_private) == (alg, alg, True)
            assert back.thumbprint() == k.thumbprint()
        assert Key.from_jwk(jwk, kid="other").kid == "other"
        t = jwt.encode({"exp": 4102444800}, k)
        verify_jwk = k.to_jwk(private=True) if alg.startswith("HS") else k.to_jwk()
        assert jwt.decode(t, Key.from_jwk(verify_jwk)) == {"exp": 4102444800}
    with pytest.raises(DecodeError):
        Key.from_jwk("{not json")
    with pytest.raises(TypeError):
        Key.from_jwk(42)  # type: ignore[arg-type]
    with pytest.raises(InvalidKeyError):
        Key.from_jwk(keys["ES256"].to_jwk(), alg="ES384")


def test_pem_and_der() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    priv = ec.generate_private_key(ec.SECP256R1())
    pem = priv.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    pub_pem = priv.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)
    der = priv.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    k1, k2, k3 = Key.from_pem(pem), Key.from_pem(pem.decode()), Key.from_der(der, kid="d")
    assert k1.alg == k2.alg == k3.alg == "ES256" and k3.kid == "d"
    pub = Key.from_pem(pub_pem)
    assert not pub.is_private and pub.thumbprint() == k1.thumbprint()
    assert jwt.decode(jwt.encode({"exp": 4102444800}, k1), pub) == {"exp": 4102444800}
    with pytest.raises(InvalidKeyError):
        Key.from_pem("-----BEGIN NONSENSE-----\nAAAA\n-----END NONSENSE-----\n")
    with pytest.raises(InvalidKeyError):
        Key.from_pem(b"\xff\xfe")
    with pytest.raises(InvalidKeyError):
        Key.from_pem(pem, alg="RS256")
    with pytest.raises(TypeError):
        Key.from_pem(None)  # type: ignore[arg-type]


def test_generate() -> None:
    for alg in ("HS256", "ES384", "EdDSA"):
        k = Key.generate(alg, kid="g")
        assert (k.alg, k.kid, k.is_private) == (alg, "g", True)
    with pytest.raises(InvalidAlgorithmError):
        Key.generate("ES512")
    with pytest.raises(TypeError):
        Key.generate(None)  # type: ignore[arg-type]


def test_raw_sign_and_verify(keys: Dict[str, Key]) -> None:
    for alg, k in keys.items():
        sig = k.sign(b"message")
        assert isinstance(sig, bytes)
        k.verify(b"message", sig)
        if not alg.startswith("HS"):
            k.public().verify("message", sig)
        with pytest.raises(InvalidSignatureError):
            k.verify(b"other", sig)


def test_keyset(keys: Dict[str, Key]) -> None:
    ks = KeySet([keys["RS256"], keys["ES256"], keys["HS256"]])
    assert len(ks) == 3 and [k.alg for k in ks.keys] == ["RS256", "ES256", "HS256"]
    assert ks.get("ES256") is not None and ks.get("nope") is None
    assert "RS256" in repr(ks)
    jwks = ks.to_jwks()
    assert [j["kid"] for j in jwks["keys"]] == ["RS256", "ES256"]  # HMAC never exported
    assert all("d" not in j for j in jwks["keys"])
    import json

    for form in (jwks, json.dumps(jwks)):
        back = KeySet.from_jwks(form)  # type: ignore[arg-type]
        assert [k.kid for k in back.keys] == ["RS256", "ES256"] and back.skipped == 0
    skipped = KeySet.from_jwks({"keys": [*jwks["keys"], {"kty": "weird"}]})
    assert len(skipped) == 2 and skipped.skipped == 1
    # Signing with a set picks the first private key (or the header's kid).
    t = jwt.encode({"exp": 4102444800}, ks)
    assert jwt.decode_unverified(t)[0]["kid"] == "RS256"
    t = jwt.encode({"exp": 4102444800}, ks, {"kid": "ES256"})
    assert jwt.decode_unverified(t)[0]["alg"] == "ES256"
    assert jwt.decode(t, KeySet.from_jwks(jwks)) == {"exp": 4102444800}
    with pytest.raises(TypeError):
        KeySet([SECRET])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        KeySet(5)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        Verifier(KeySet([]))


# ------------------------------------------------------------------ JWT


def test_claims_round_trip_exactly() -> None:
    claims = {
        "exp": 4102444800,
        "big": 2**200,
        "neg": -(2**70),
        "u64": 2**64 - 1,
        "f": 1.5,
        "tiny": 5e-324,
        "huge": 1e300,
        "whole_float": 3.0,
        "t": True,
        "n": None,
        "s": "é \u2028 \U0001F600 \"q\" \\ \n\t\x01",
        "list": [1, [2, [3]], {"a": []}, {}],
        "tuple": (1, "two"),
    }
    out = jwt.decode(token(claims), hs())
    assert list(out) == list(claims)  # order kept
    for name, value in claims.items():
        want = list(value) if isinstance(value, tuple) else value
        assert out[name] == want and type(out[name]) is type(want), name
    assert out["big"] == 2**200 and isinstance(out["whole_float"], float)


def test_claims_as_json_text_are_signed_byte_for_byte() -> None:
    text = '{"exp": 4102444800,  "z":1.50}'
    t = jwt.encode(text, hs())
    import base64

    payload = t.split(".")[1]
    assert base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode() == text
    assert jwt.decode(t, hs()) == {"exp": 4102444800, "z": 1.5}
    with pytest.raises(InvalidArgumentError):
        jwt.encode('{"a":1,"a":2}', hs())
    with pytest.raises(InvalidArgumentError):
        jwt.encode("[1]", hs())


def test_encode_rejects_what_json_cannot_hold() -> None:
    for bad in ({"x": {1, 2}}, {"x": b"bytes"}, {"x": object()}, {"x": 1j},
                {1: "int key"}, {("t",): 1}):
        with pytest.raises(TypeError):
            jwt.encode(bad, hs())
    for bad_value in (float("nan"), float("inf"), -float("inf")):
        with pytest.raises(ValueError) as e:
            jwt.encode({"x": bad_value}, hs())
        assert isinstance(e.value, InvalidArgumentError)
    loop: Dict[str, Any] = {}
    loop["self"] = loop
    with pytest.raises(ValueError):
        jwt.encode(loop, hs())
    deep: Any = 1
    for _ in range(100):
        deep = [deep]
    with pytest.raises(ValueError):
        jwt.encode({"d": deep}, hs())
    for not_mapping in ([("a", 1)], 5, None, b"{}"):
        with pytest.raises(TypeError):
            jwt.encode(not_mapping, hs())  # type: ignore[arg-type]
    with pytest.raises(UnicodeEncodeError):
        jwt.encode({"x": "\ud800"}, hs())


def test_encode_accepts_mappings_and_datetimes() -> None:
    exp = datetime.datetime(2100, 1, 1, tzinfo=datetime.timezone.utc)
    naive = datetime.datetime(2000, 1, 1, 0, 0, 1, 999999)
    out = jwt.decode(token({"exp": exp, "iat": naive}), hs())
    assert out == {"exp": 4102444800, "iat": 946684801}
    with pytest.raises(TypeError):
        jwt.encode({"exp": 4102444800, "other": exp}, hs())
    for mapping in (OrderedDict(exp=4102444800), types.MappingProxyType({"exp": 4102444800})):
        assert jwt.decode(jwt.encode(mapping, hs()), hs()) == {"exp": 4102444800}


def test_headers() -> None:
    t = jwt.encode({"exp": 4102444800}, hs().with_kid("k1"), {"typ": "at+jwt", "x5t": "abc"})
    header, claims = jwt.decode_unverified(t)
    assert header == {"alg": "HS256", "typ": "at+jwt", "kid": "k1", "x5t": "abc"}
    assert claims == {"exp": 4102444800}
    assert jwt.decode(t, hs().with_kid("k1"), typ="at+jwt") == claims
    with pytest.raises(TypeError):
        jwt.encode({"exp": 1}, hs(), ["typ"])  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        jwt.encode({"exp": 1}, hs(), {"typ": 1})


def test_decode_options() -> None:
    t = token({"exp": NOW + 100, "nbf": NOW - 10, "iat": NOW - 50, "iss": "i", "aud": ["a", "b"],
               "sub": "s"})
    ok = dict(issuer="i", audience="b", now=NOW)
    assert jwt.decode(t, hs(), **ok)["sub"] == "s"
    assert jwt.decode(t, hs(), issuer=["x", "i"], audience=("z", "a"), now=NOW)["sub"] == "s"
    assert jwt.decode(t, hs(), subject="s", typ="JWT", max_age=60, **ok)["sub"] == "s"
    assert jwt.decode(t, hs(), algorithms=["HS256", "RS256"], **ok)["sub"] == "s"
    assert jwt.decode(t, hs(), required=["exp", "iss", "sub"], **ok)["sub"] == "s"
    assert jwt.decode(t, hs(), required=(), **ok)["sub"] == "s"
    # now: int, float (floored), aware and naive (UTC) datetimes
    later = NOW + 100
    for now in (later, later + 0.9, datetime.datetime.fromtimestamp(later, datetime.timezone.utc),
                datetime.datetime(2023, 11, 14, 22, 15, 20)):
        with pytest.raises(ExpiredSignatureError):
            jwt.decode(t, hs(), issuer="i", audience="a", now=now)
    assert jwt.decode(t, hs(), issuer="i", audience="a", now=later - 0.5)["sub"] == "s"
    # leeway: int, float (floored), timedelta
    for leeway in (1, 1.9, datetime.timedelta(seconds=1)):
        assert jwt.decode(t, hs(), issuer="i", audience="a", now=later, leeway=leeway)
    with pytest.raises(ExpiredSignatureError):
        jwt.decode(t, hs(), issuer="i", audience="a", now=later, leeway=0.9)
    assert jwt.decode(t, hs(), issuer="i", audience="a", now=later, verify_exp=False)
    future = token({"exp": NOW + 100, "nbf": NOW + 50})
    assert jwt.decode(future, hs(), now=NOW, verify_nbf=False)
    with pytest.raises(TokenTooOldError):
        jwt.decode(t, hs(), max_age=datetime.timedelta(seconds=10), **ok)


@pytest.mark.parametrize(
    "options,exc",
    [
        ({"leeway": -1}, InvalidArgumentError),
        ({"leeway": datetime.timedelta(seconds=-5)}, InvalidArgumentError),
        ({"leeway": float("nan")}, InvalidArgumentError),
        ({"max_age": -1}, InvalidArgumentError),
        ({"max_token_bytes": 0}, InvalidArgumentError),
        ({"max_token_bytes": -5}, InvalidArgumentError),
        ({"algorithms": []}, InvalidArgumentError),
        ({"algorithms": ["HS999"]}, InvalidAlgorithmError),
        ({"algorithms": ["none"]}, InvalidAlgorithmError),
        ({"algorithms": "HS256"}, TypeError),
        ({"algorithms": [256]}, TypeError),
        ({"required": "exp"}, TypeError),
        ({"issuer": 5}, TypeError),
        ({"issuer": [b"x"]}, TypeError),
        ({"audience": {"a": 1}}, TypeError),
        ({"subject": 1}, TypeError),
        ({"typ": ["JWT"]}, TypeError),
        ({"leeway": "5"}, TypeError),
        ({"leeway": True}, TypeError),
        ({"now": "now"}, TypeError),
        ({"now": datetime.date(2020, 1, 1)}, TypeError),
        ({"verify_exp": 1}, TypeError),
        ({"max_token_bytes": 1.5}, TypeError),
        ({"leway": 5}, TypeError),  # unknown keyword
    ],
)
def test_bad_options(options: Dict[str, Any], exc: type) -> None:
    t = token({"exp": 4102444800})
    with pytest.raises(exc):
        jwt.decode(t, hs(), **options)
    with pytest.raises(exc):
        Verifier(hs(), **options)


def test_bad_argument_types() -> None:
    t = token({"exp": 4102444800})
    for bad_key in (SECRET, SECRET.decode(), None, [hs()]):
        with pytest.raises(TypeError) as e:
            jwt.decode(t, bad_key)  # type: ignore[arg-type]
        assert "tessera.Key" in str(e.value)
        with pytest.raises(TypeError):
            jwt.encode({"exp": 1}, bad_key)  # type: ignore[arg-type]
    for bad_token in (None, 5, ["a"], bytearray(b"x")):
        with pytest.raises(TypeError):
            jwt.decode(bad_token, hs())  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            jwt.decode_unverified(bad_token)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        jwt.decode(t, hs(), "HS256")  # type: ignore[misc]  # options are keyword-only


def test_decode_accepts_bytes_and_keysets(keys: Dict[str, Key]) -> None:
    t = jwt.encode({"exp": 4102444800}, keys["ES256"])
    pub = keys["ES256"].public()
    assert jwt.decode(t.encode(), pub) == {"exp": 4102444800}
    assert jwt.decode(t, KeySet([keys["RS256"].public(), pub])) == {"exp": 4102444800}
    with pytest.raises(InvalidAlgorithmError):
        jwt.decode(t, keys["RS256"].public())


def test_decode_unverified() -> None:
    header, claims = jwt.decode_unverified(token({"exp": 1, "x": [1, 2]}).encode())
    assert header == {"alg": "HS256", "typ": "JWT"} and claims == {"exp": 1, "x": [1, 2]}
    with pytest.raises(DecodeError):
        jwt.decode_unverified("a.b.c")


def test_verifier_is_reusable(keys: Dict[str, Key]) -> None:
    v = Verifier(KeySet([keys["ES256"].public(), keys["EdDSA"].public()]),
                 issuer="https://issuer.example", audience="api")
    assert "ES256" in repr(v)
    for alg in ("ES256", "EdDSA"):
        t = jwt.encode(CLAIMS, keys[alg])
        for _ in range(3):
            assert v.verify(t) == CLAIMS
    with pytest.raises(InvalidTokenError):
        v.verify(jwt.encode(CLAIMS, keys["HS256"]))


# ------------------------------------------------------------------ JWS


def test_jws(keys: Dict[str, Key]) -> None:
    for alg in ("HS256", "RS256", "PS384", "ES384", "EdDSA"):
        k = keys[alg]
        vk = k if alg.startswith("HS") else k.public()
        t = jws.sign(b"\x00\xffbinary", k)
        assert jws.verify(t, vk) == b"\x00\xffbinary"
        assert jws.verify(t.encode(), KeySet([vk])) == b"\x00\xffbinary"
        assert jws.verify(jws.sign("text é", k, {"cty": "text/plain"}), vk) == "text é".encode()
        h, _, s = t.split(".")
        jws.verify_detached(f"{h}..{s}", b"\x00\xffbinary", vk)
        with pytest.raises(InvalidSignatureError):
            jws.verify_detached(f"{h}..{s}", b"other", vk)
    with pytest.raises(TypeError):
        jws.sign(5, keys["HS256"])  # type: ignore[arg-type]
    with pytest.raises(InvalidSignatureError):
        jws.verify(jws.sign(b"x", hs()), Key.hmac(b"another secret of 32 bytes......"))


def test_module_surface() -> None:
    assert tessera.__version__ == "0.1.0"
    assert "EXPIRED" in tessera.ERROR_CODES and len(tessera.ERROR_CODES) == 27
    assert tessera.ERROR_CODES[27 - 1] == "JWKS_UNAVAILABLE"  # numeric code 27, append-only
    assert tessera.ALGORITHMS[0] == "HS256" and "EdDSA" in tessera.ALGORITHMS
    for name in tessera.__all__:
        assert hasattr(tessera, name), name
    for obj in (hs(), KeySet([hs()]), Verifier(hs())):
        with pytest.raises(AttributeError):
            obj.extra = 1  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        hs().alg = "HS512"  # type: ignore[misc]
