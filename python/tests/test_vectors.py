"""Runs every language-neutral vector in tests/vectors/*.json through the
Python API. A port of the reference runner core/tests/vectors.rs (format:
tests/vectors/README.md, schema 1), with its strictness: an unknown op, case
member, EXPECT member, KEYSPEC member, validation option, key name or error
code is a broken vector, reported as a failure of that case.

Each case is one pytest item (``file:id``), so every failure is reported.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

import tessera
from tessera import Key, KeySet, TesseraError, jws, jwt

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"

# Every file together must expect at least these error codes.
REQUIRED_CODES = """MALFORMED TOO_LARGE UNSUPPORTED_ALGORITHM ALGORITHM_NOT_ALLOWED
    KEY_NOT_FOUND INVALID_KEY INVALID_SIGNATURE EXPIRED NOT_YET_VALID ISSUED_IN_FUTURE TOO_OLD
    INVALID_ISSUER INVALID_AUDIENCE INVALID_SUBJECT INVALID_TYPE MISSING_CLAIM INVALID_CLAIM
    UNSUPPORTED_CRITICAL_HEADER""".split()
FILE_FIELDS = set("suite schema description source license keys cases".split())
CASE_FIELDS = set(
    """id op expect comment source key keys verify_keys msg_hex msg_utf8
    sig_hex token detached_payload_hex claims_json header_json validation""".split()
)
# The `expect` members an op may use besides `error` and `claim`.
EXPECT_FIELDS = {
    "load_key": {"alg", "kid", "private", "thumbprint"},
    "verify_signature": {"valid"},
    "sign_signature": {"sig_b64u"},
    "jws_verify": {"payload_hex"},
    "jwt_encode": {"token"},
    "jwt_decode": {"claims", "registered"},
    "jwt_roundtrip": {"claims", "registered"},
    "decode_unverified": {"header", "claims"},
}
VALIDATION_FIELDS = {
    "algorithms", "issuer", "audience", "subject", "required", "leeway", "max_age",
    "typ", "now", "verify_exp", "verify_nbf", "max_token_bytes",
}


class Broken(Exception):
    """The vector itself is broken (the Rust runner panics)."""


Obj = Dict[str, Any]


def files() -> List[Path]:
    paths = sorted(p for p in VECTORS.iterdir() if p.suffix == ".json" and p.is_file())
    assert paths, f"no vector files in {VECTORS}"
    return paths


def load(path: Path) -> Obj:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict), f"{path.name}: not an object"
    return doc


def field(c: Obj, name: str) -> Any:
    if name not in c:
        raise Broken(f'missing "{name}"')
    return c[name]


def text(c: Obj, name: str) -> str:
    v = field(c, name)
    if not isinstance(v, str):
        raise Broken(f'"{name}" must be a string')
    return v


def unhex(s: str) -> bytes:
    if len(s) % 2:
        raise Broken("odd hex length")
    return bytes.fromhex(s)


def b64u(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


def load_key(spec: Obj) -> Key:
    """KEYSPEC -> Key. A load error is the outcome of the case that uses it."""
    opts: Dict[str, Any] = {}
    material: Optional[Tuple[str, Any]] = None
    for k, v in spec.items():
        if k == "alg" and isinstance(v, str):
            opts["alg"] = v
        elif k == "kid" and isinstance(v, str):
            opts["kid"] = v
        elif k == "allow_weak" and isinstance(v, bool):
            opts["allow_weak"] = v
        elif k in ("jwk", "pem", "secret_hex", "secret_utf8") and material is None:
            material = (k, v)
        else:
            raise Broken(f'bad key spec member "{k}"')
    if material is None:
        raise Broken("a key spec needs one of jwk, pem, secret_hex, secret_utf8")
    m, v = material
    if m == "jwk" and isinstance(v, dict):
        return Key.from_jwk(v, **opts)
    if m == "pem" and isinstance(v, str):
        return Key.from_pem(v, **opts)
    if m == "secret_hex" and isinstance(v, str):
        return Key.hmac(unhex(v), **opts)
    if m == "secret_utf8" and isinstance(v, str):
        return Key.hmac(v.encode("utf-8"), **opts)
    raise Broken(f'bad key material "{m}"')


def key(keys: Obj, name: Any) -> Key:
    if not isinstance(name, str):
        raise Broken("a key name is a string")
    spec = keys.get(name)
    if not isinstance(spec, dict):
        raise Broken(f'unknown key "{name}"')
    return load_key(spec)


def key_set(keys: Obj, names: Any) -> KeySet:
    if not isinstance(names, list):
        raise Broken("a list of key names")
    return KeySet([key(keys, n) for n in names])


def validation(v: Any) -> Dict[str, Any]:
    """The case's options become keyword arguments of jwt.decode, named
    exactly as in the vectors; an unknown name is a broken vector."""
    if v is None:
        return {}
    if not isinstance(v, dict):
        raise Broken("validation must be an object")
    unknown = set(v) - VALIDATION_FIELDS
    if unknown:
        raise Broken(f"unknown validation option {sorted(unknown)}")
    return dict(v)


def registered(claims: Obj) -> Obj:
    """The registered claims as the vectors render them (aud as a list)."""
    aud = claims.get("aud")
    return {
        "exp": claims.get("exp"),
        "nbf": claims.get("nbf"),
        "iat": claims.get("iat"),
        "iss": claims.get("iss"),
        "sub": claims.get("sub"),
        "aud": [aud] if isinstance(aud, str) else aud,
        "jti": claims.get("jti"),
    }


def execute(op: str, c: Obj, keys: Obj) -> Obj:
    """Runs one op; returns what it observed as an object named like EXPECT."""
    header = text(c, "header_json") if "header_json" in c else None
    if op == "load_key":
        k = key(keys, field(c, "key"))
        return {"alg": k.alg, "kid": k.kid, "private": k.is_private, "thumbprint": k.thumbprint()}
    if op == "verify_signature":
        k = key(keys, field(c, "key"))
        k.verify(unhex(text(c, "msg_hex")), unhex(text(c, "sig_hex")))
        return {"valid": True}
    if op == "sign_signature":
        k = key(keys, field(c, "key"))
        msg = text(c, "msg_utf8").encode("utf-8") if "msg_utf8" in c else unhex(text(c, "msg_hex"))
        return {"sig_b64u": b64u(k.sign(msg))}
    if op == "jws_verify":
        ks, token = key_set(keys, field(c, "keys")), text(c, "token")
        if "detached_payload_hex" in c:
            payload = unhex(text(c, "detached_payload_hex"))
            jws.verify_detached(token, payload, ks)
        else:
            payload = jws.verify(token, ks)
        return {"payload_hex": payload.hex()}
    if op == "jwt_encode":
        k = key(keys, field(c, "key"))
        # claims_json / header_json are JSON text, signed byte for byte.
        return {"token": jwt.encode(text(c, "claims_json"), k, header)}
    if op in ("jwt_decode", "jwt_roundtrip"):
        if op == "jwt_decode":
            token, names = text(c, "token"), field(c, "keys")
        else:
            k = key(keys, field(c, "key"))
            token = jwt.encode(text(c, "claims_json"), k, header)
            names = field(c, "verify_keys")
        ks = key_set(keys, names)
        claims = jwt.decode(token, ks, **validation(c.get("validation")))
        return {"claims": claims, "registered": registered(claims)}
    if op == "decode_unverified":
        h, cl = jwt.decode_unverified(text(c, "token"))
        return {"header": h, "claims": cl}
    raise Broken(f'unknown op "{op}"')


def same(a: Any, b: Any) -> bool:
    """JSON equality where numbers compare by value (as doubles)."""
    num = (int, float)
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, num) and isinstance(b, num):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        return float(a) == float(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return len(a) == len(b) and all(k in b and same(v, b[k]) for k, v in a.items())
    return type(a) is type(b) and a == b


def run_case(c: Obj, keys: Obj) -> Optional[str]:
    """Runs one case: None when it passes, else what differed."""
    extra = set(c) - CASE_FIELDS
    if extra:
        raise Broken(f'unknown case field "{sorted(extra)[0]}"')
    op = text(c, "op")
    if op not in EXPECT_FIELDS:
        raise Broken(f'unknown op "{op}"')
    expect = field(c, "expect")
    if not isinstance(expect, dict) or not expect:
        raise Broken("expect: a non-empty object")
    want_error = expect.get("error")
    if want_error is not None and not isinstance(want_error, str):
        raise Broken("error: string")
    allowed = {"error", "claim"} if want_error is not None else EXPECT_FIELDS[op]
    bad = set(expect) - allowed
    if bad:
        raise Broken(f'unexpected expect member "{sorted(bad)[0]}" for {op}')
    if want_error is not None and want_error not in tessera.ERROR_CODES:
        raise Broken(f"unknown code {want_error}")
    try:
        got = execute(op, c, keys)
    except TesseraError as e:
        if want_error is None:
            return f"unexpected error {e!r}"
        if e.code != want_error:
            return f"expected {want_error}, got {e!r}"
        want_claim = expect.get("claim")
        if want_claim is not None and e.claim != want_claim:
            return f"expected claim {want_claim!r}, got {e!r}"
        return None
    if want_error is not None:
        return f"expected {want_error}, got success {got}"
    for k, want in expect.items():
        have = got[k]
        if k == "registered":
            if not isinstance(want, dict):
                raise Broken("registered: object")
            ok = all(same(v, have[n]) for n, v in want.items())
        else:
            ok = same(want, have)
        if not ok:
            return f"{k}: expected {want!r}, got {have!r}"
    return None


def all_cases() -> List[Any]:
    params = []
    for path in files():
        doc = load(path)
        for i, c in enumerate(doc.get("cases") or []):
            cid = c.get("id", f"<no id #{i}>") if isinstance(c, dict) else f"<case #{i}>"
            params.append(pytest.param(path.name, i, id=f"{path.name}:{cid}"))
    return params


_DOCS: Dict[str, Obj] = {}


def doc_of(name: str) -> Obj:
    if name not in _DOCS:
        _DOCS[name] = load(VECTORS / name)
    return _DOCS[name]


@pytest.mark.parametrize("name,index", all_cases())
def test_vector_case(name: str, index: int) -> None:
    doc = doc_of(name)
    c = doc["cases"][index]
    keys = doc.get("keys") or {}
    try:
        if not isinstance(c, dict):
            raise Broken("a case is an object")
        failure = run_case(c, keys)
    except Broken as e:
        pytest.fail(f"broken vector: {e}")
    if failure is not None:
        pytest.fail(failure)


@pytest.mark.parametrize("path", files(), ids=lambda p: p.name)
def test_vector_file(path: Path) -> None:
    """File-level rules: known top-level members, schema 1, unique ids."""
    doc = load(path)
    extra = set(doc) - FILE_FIELDS
    assert not extra, f"unknown file field {sorted(extra)}"
    assert doc.get("schema") == 1, "schema must be 1"
    assert isinstance(doc.get("keys"), dict), "keys: object"
    cases = doc.get("cases")
    assert isinstance(cases, list) and cases, "cases: non-empty list"
    ids = [c.get("id") for c in cases]
    dup = {i for i in ids if ids.count(i) > 1}
    assert not dup, f"duplicate ids {sorted(map(str, dup))}"
    assert all(isinstance(i, str) for i in ids), "every case needs a string id"


def test_vectors_expect_every_required_code() -> None:
    codes = set()
    for path in files():
        for c in load(path).get("cases") or []:
            code = (c.get("expect") or {}).get("error")
            if code is not None:
                assert code in tessera.ERROR_CODES, f"{path.name}: {c.get('id')}: unknown code {code}"
                codes.add(code)
    missing = [c for c in REQUIRED_CODES if c not in codes]
    assert not missing, f"no vector expects {missing}"


def test_runner_is_strict() -> None:
    """The runner itself fails on wrong expectations and broken vectors."""
    keys = {"k": {"secret_utf8": "0123456789abcdef0123456789abcdef"}}
    ok = {"id": "x", "op": "load_key", "key": "k", "expect": {"alg": "HS256"}}
    assert run_case(ok, keys) is None
    assert run_case({**ok, "expect": {"alg": "HS384"}}, keys) is not None
    assert run_case({**ok, "expect": {"error": "INVALID_KEY"}}, keys) is not None
    short = {"k": {"secret_utf8": "short"}}
    assert run_case({**ok, "expect": {"error": "INVALID_KEY"}}, short) is None
    assert run_case({**ok, "expect": {"error": "MALFORMED"}}, short) is not None
    for broken, ks in [
        ({**ok, "op": "frobnicate"}, keys),
        ({**ok, "surprise": 1}, keys),
        ({**ok, "expect": {"colour": "red"}}, keys),
        ({**ok, "expect": {"error": "NO_SUCH_CODE"}}, keys),
        ({**ok, "key": "missing"}, keys),
        (ok, {"k": {"secret_utf8": "x" * 32, "size": 1}}),
        ({"id": "d", "op": "jwt_decode", "keys": ["k"], "token": "a.b.c",
          "validation": {"leway": 1}, "expect": {"error": "MALFORMED"}}, keys),
    ]:
        with pytest.raises(Broken):
            run_case(broken, ks)
