"""Runs the mutation vectors, tests/vectors/mutations/mutations.json
(schema 1, written by tests/vectors/tools/generate.py), through the public
Python API: every single-bit flip, every truncation and the listed
extensions of valid tokens and cookies, and the mixed-up cookie names, must
be refused with one of the case's allowed error codes.

Runner rules (the same for every binding; the reference runner is
core/tests/mutations.rs):

* the unmutated input (the control) must succeed;
* ``bitflip``: every bit of every byte of the UTF-8 bytes of ``input[field]``;
  the text APIs get the mutated bytes decoded as ISO-8859-1 (byte b becomes
  U+00bb). A mutant holding a NUL byte is skipped (C strings cannot carry
  it) and counted as skipped;
* ``truncate``: every proper prefix (lengths 0 .. len-1), as bytes;
* ``extend``: ``input[field] + s`` for each of ``suffixes``;
* ``renames``: ``input[renames.field] = v`` for each value, field unmutated;
* every mutant must raise a :class:`tessera.TesseraError` whose ``code`` is
  in ``errors``: success, another code or another exception is a failure.

Every case is one pytest item; all of its failures are reported together.
The number of mutants checked is asserted against the count computed from
the input lengths. A JWT case runs each mutant through ``jwt.decode`` and
through one ``tessera.Verifier`` with its verified-token cache on (the
control is cached first, so a mutant must not be answered from it).
"""

from __future__ import annotations

import datetime
import json
import time
from pathlib import Path
from typing import Any, Callable, Dict, FrozenSet, Iterator, List, NamedTuple, Optional, Tuple

import pytest

import tessera
from tessera import TesseraError, cookies, jwt

# The JWT vectors' KEYSPEC and `validation` readers (tests/vectors/README.md).
from test_vectors import Broken, key_set, validation

MUTATIONS = Path(__file__).resolve().parents[2] / "tests" / "vectors" / "mutations" / "mutations.json"
FILE_FIELDS = {"suite", "schema", "description", "keys", "cases"}
CASE_FIELDS = {"id", "target", "input", "field", "mutations", "suffixes", "renames", "errors", "comment"}
KINDS = ("bitflip", "truncate", "extend")
UTC = datetime.timezone.utc

Obj = Dict[str, Any]
# One call of the API under test on an input; raises on refusal.
Call = Callable[[Obj], Any]


class Target(NamedTuple):
    """How one target's ``input`` is read and run."""

    required: FrozenSet[str]
    optional: FrozenSet[str]
    # Members the (expensive) object is built from: a mutation or rename of
    # one of them rebuilds it for that mutant.
    built_from: FrozenSet[str]
    # (input, file keys) -> the calls to run on an input (one per API).
    build: Callable[[Obj, Obj], List[Tuple[str, Call]]]


def _members(s: str) -> FrozenSet[str]:
    return frozenset(s.split())


def _str(inp: Obj, name: str) -> str:
    v = inp[name]
    if not isinstance(v, str):
        raise Broken(f'"{name}" must be a string')
    return v


def _int(inp: Obj, name: str) -> int:
    v = inp[name]
    if not isinstance(v, int) or isinstance(v, bool):
        raise Broken(f'"{name}" must be an integer')
    return v


def _opt_int(inp: Obj, name: str) -> Optional[int]:
    return None if inp[name] is None else _int(inp, name)


def _strs(inp: Obj, name: str) -> List[str]:
    v = inp[name]
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise Broken(f'"{name}" must be a list of strings')
    return v


# ------------------------------------------------------------------ targets


def build_jwt(inp: Obj, keys: Obj) -> List[Tuple[str, Call]]:
    """jwt_decode as in attacks.json: jwt.decode(token, KeySet, **validation);
    and a Verifier (cache on) with the same options."""
    ks = key_set(keys, inp["keys"])
    opts = validation(inp.get("validation"))
    verifier = tessera.Verifier(ks, cache_size=1024, **opts)
    return [
        ("jwt.decode", lambda i: jwt.decode(_str(i, "token"), ks, **opts)),
        ("Verifier.verify", lambda i: verifier.verify(_str(i, "token"))),
    ]


def build_native(inp: Obj, keys: Obj) -> List[Tuple[str, Call]]:
    """open(value, now) as in cookies/native.json's `value` cases."""
    encrypted = inp["encrypted"]
    if not isinstance(encrypted, bool):
        raise Broken('"encrypted" must be a boolean')
    sc = cookies.SessionCookie(
        _strs(inp, "secrets"),
        name=_str(inp, "cookie_name"),
        encrypted=encrypted,
        max_age=_opt_int(inp, "max_age"),
    )
    return [("SessionCookie.open", lambda i: sc.open(_str(i, "value"), now=_int(i, "now")))]


def build_flask(inp: Obj, keys: Obj) -> List[Tuple[str, Call]]:
    """loads(cookie, open_now) with Flask's max_age (2678400), as in cookies/flask.json."""
    fc = cookies.FlaskCookie(_str(inp, "secret_key"), fallbacks=_strs(inp, "fallbacks"), max_age=2678400)
    return [("FlaskCookie.loads", lambda i: fc.loads(_str(i, "cookie"), now=_int(i, "open_now")))]


def build_itsdangerous(inp: Obj, keys: Obj) -> List[Tuple[str, Call]]:
    """unsign / loads as in cookies/itsdangerous.json."""
    salt = inp["salt"]
    if salt is not None and not isinstance(salt, str):
        raise Broken('"salt" must be a string or null')
    kwargs: Obj = {
        "sep": _str(inp, "sep"),
        "key_derivation": _str(inp, "key_derivation"),
        "digest_method": _str(inp, "digest"),
    }
    if salt is not None:  # null: the class default
        kwargs["salt"] = salt
    secrets = _strs(inp, "secret_keys")
    kind = _str(inp, "kind")
    if kind == "signer":
        signer = cookies.Signer(secrets, **kwargs)
        return [("Signer.unsign", lambda i: signer.unsign(_str(i, "cookie")))]
    if kind == "timestamp_signer":
        ts = cookies.TimestampSigner(secrets, **kwargs)
        return [
            (
                "TimestampSigner.unsign",
                lambda i: ts.unsign(_str(i, "cookie"), _opt_int(i, "max_age"), now=_int(i, "open_now")),
            )
        ]
    if kind == "serializer":
        sep = kwargs.pop("sep")
        ser = cookies.URLSafeTimedSerializer(secrets, kwargs.pop("salt", None), sep=sep, **kwargs)
        return [
            (
                "URLSafeTimedSerializer.loads",
                lambda i: ser.loads(_str(i, "cookie"), _opt_int(i, "max_age"), now=_int(i, "open_now")),
            )
        ]
    raise Broken(f"unknown itsdangerous kind {kind!r}")


def build_express_cookie_session(inp: Obj, keys: Obj) -> List[Tuple[str, Call]]:
    """verify(value, sig) as in express.json `cookie_session`."""
    cs = cookies.ExpressCookieSession(_strs(inp, "keys"), name=_str(inp, "name"))
    return [("ExpressCookieSession.verify", lambda i: cs.verify(_str(i, "value"), _str(i, "sig")))]


def build_express_session_id(inp: Obj, keys: Obj) -> List[Tuple[str, Call]]:
    """unsign(value) as in express.json `session_id_rejected`."""
    sid = cookies.ExpressSessionId(_strs(inp, "secrets"))
    return [("ExpressSessionId.unsign", lambda i: sid.unsign(_str(i, "value")))]


def rails_now(ms: int) -> datetime.datetime:
    """Unix milliseconds as an exact datetime (the core keeps milliseconds)."""
    return datetime.datetime(1970, 1, 1, tzinfo=UTC) + datetime.timedelta(milliseconds=ms)


def build_rails(inp: Obj, keys: Obj) -> List[Tuple[str, Call]]:
    """decrypt(cookie, now_ms) as in cookies/rails.json."""
    rc = cookies.RailsCookie(_str(inp, "secret_key_base"), cookie_name=_str(inp, "cookie_name"), digest=_str(inp, "digest"))
    return [("RailsCookie.decrypt", lambda i: rc.decrypt(_str(i, "cookie"), now=rails_now(_int(i, "now_ms"))))]


TARGETS: Dict[str, Target] = {
    "jwt": Target(_members("keys token"), _members("validation"), _members("keys validation"), build_jwt),
    "native": Target(
        _members("secrets cookie_name encrypted max_age now value"),
        frozenset(),
        _members("secrets cookie_name encrypted max_age"),
        build_native,
    ),
    "flask": Target(
        _members("secret_key fallbacks open_now cookie"), frozenset(), _members("secret_key fallbacks"), build_flask
    ),
    "itsdangerous": Target(
        _members("kind secret_keys salt key_derivation digest sep open_now max_age cookie"),
        frozenset(),
        _members("kind secret_keys salt key_derivation digest sep"),
        build_itsdangerous,
    ),
    "express_cookie_session": Target(
        _members("keys name value sig"), frozenset(), _members("keys name"), build_express_cookie_session
    ),
    "express_session_id": Target(_members("secrets value"), frozenset(), _members("secrets"), build_express_session_id),
    "rails": Target(
        _members("secret_key_base digest cookie_name now_ms cookie"),
        frozenset(),
        _members("secret_key_base digest cookie_name"),
        build_rails,
    ),
}


# ------------------------------------------------------------------ mutants


class Mutant(NamedTuple):
    label: str  # "bitflip i=3 b=7", "truncate len=5", "extend '='", "rename name='x'"
    member: str  # the input member replaced
    value: Optional[str]  # None: skipped (holds a NUL byte)


def latin1(b: bytes) -> Optional[str]:
    """The text a text API receives for mutated bytes; None if it holds a NUL."""
    return None if 0 in b else b.decode("latin-1")


def mutants(case: Obj, inp: Obj) -> Iterator[Mutant]:
    field = case["field"]
    raw = _str(inp, field).encode("utf-8")
    kinds = case["mutations"]
    if "bitflip" in kinds:
        for i in range(len(raw)):
            for b in range(8):
                flipped = bytearray(raw)
                flipped[i] ^= 1 << b
                yield Mutant(f"bitflip i={i} b={b}", field, latin1(bytes(flipped)))
    if "truncate" in kinds:
        for n in range(len(raw)):
            yield Mutant(f"truncate len={n}", field, latin1(raw[:n]))
    if "extend" in kinds:
        for s in case["suffixes"]:
            yield Mutant(f"extend {s!r}", field, None if "\0" in s else inp[field] + s)
    renames = case.get("renames")
    if renames is not None:
        for v in renames["values"]:
            yield Mutant(f"rename {renames['field']}={v!r}", renames["field"], None if "\0" in v else v)


def expected_counts(case: Obj, inp: Obj) -> Tuple[int, int]:
    """(mutants checked, mutants skipped) computed from the input lengths
    alone: 8 per byte for bitflip (less the flips that make a NUL: bytes
    with a single bit set), one per byte for truncate, one per suffix, one
    per rename value."""
    raw = _str(inp, case["field"]).encode("utf-8")
    kinds = case["mutations"]
    checked = skipped = 0
    if "bitflip" in kinds:
        nul = sum(1 for x in raw if x != 0 and x & (x - 1) == 0)
        checked += 8 * len(raw) - nul
        skipped += nul
    if "truncate" in kinds:
        checked += len(raw)
    if "extend" in kinds:
        nul = sum(1 for s in case["suffixes"] if "\0" in s)
        checked += len(case["suffixes"]) - nul
        skipped += nul
    renames = case.get("renames")
    if renames is not None:
        nul = sum(1 for v in renames["values"] if "\0" in v)
        checked += len(renames["values"]) - nul
        skipped += nul
    return checked, skipped


# ------------------------------------------------------------------ cases


def check_case(case: Obj, keys: Obj) -> Target:
    """Schema checks of one case; Broken when the vector is broken."""
    if not isinstance(case, dict):
        raise Broken("a case is an object")
    extra = set(case) - CASE_FIELDS
    if extra:
        raise Broken(f"unknown case members {sorted(extra)}")
    for name in ("id", "target", "input", "field", "mutations", "errors"):
        if name not in case:
            raise Broken(f'missing "{name}"')
    target = TARGETS.get(case["target"])
    if target is None:
        raise Broken(f"unknown target {case['target']!r}")
    inp = case["input"]
    if not isinstance(inp, dict):
        raise Broken('"input" must be an object')
    missing = target.required - set(inp)
    unknown = set(inp) - target.required - target.optional
    if missing or unknown:
        raise Broken(f"input members: missing {sorted(missing)}, unknown {sorted(unknown)}")
    if case["field"] not in inp or not isinstance(inp[case["field"]], str):
        raise Broken(f"field {case['field']!r} is not a string member of input")
    if "\0" in inp[case["field"]]:
        raise Broken("input[field] holds a NUL (no C string can carry the control)")
    kinds = case["mutations"]
    if not isinstance(kinds, list) or not kinds or any(k not in KINDS for k in kinds) or len(set(kinds)) != len(kinds):
        raise Broken(f"mutations must be a non-empty subset of {list(KINDS)}: {kinds!r}")
    if ("extend" in kinds) != ("suffixes" in case):
        raise Broken('"suffixes" is present iff "extend" is listed')
    if "suffixes" in case:
        _strs(case, "suffixes")
        if not case["suffixes"]:
            raise Broken('"suffixes" is empty')
    renames = case.get("renames")
    if renames is not None:
        if not isinstance(renames, dict) or set(renames) != {"field", "values"}:
            raise Broken('"renames" must be {"field", "values"}')
        if renames["field"] not in inp or not isinstance(inp[renames["field"]], str):
            raise Broken(f"renames.field {renames['field']!r} is not a string member of input")
        _strs(renames, "values")
    errors = _strs(case, "errors")
    if not errors:
        raise Broken('"errors" is empty')
    unknown_codes = [c for c in errors if c not in tessera.ERROR_CODES]
    if unknown_codes:
        raise Broken(f"unknown error codes {unknown_codes}")
    return target


def outcome(call: Call, inp: Obj) -> Tuple[Optional[str], str]:
    """(error code or None on success, what happened)."""
    try:
        result = call(inp)
    except TesseraError as e:
        return e.code, f"{e.code}: {e.message}"
    except Exception as e:  # noqa: BLE001 - any other exception is a finding
        return None, f"raised {type(e).__name__}: {e}"
    return None, f"succeeded: {str(result)[:120]}"


def run_case(case: Obj, keys: Obj) -> Tuple[List[str], int, int]:
    """Runs one case: (failures, mutants checked, mutants skipped)."""
    target = check_case(case, keys)
    inp: Obj = case["input"]
    allowed = set(case["errors"])
    failures: List[str] = []

    def calls_for(i: Obj) -> Tuple[Optional[List[Tuple[str, Call]]], str]:
        try:
            return target.build(i, keys), ""
        except TesseraError as e:
            return None, e.code or ""
        except Broken:
            raise
        except Exception as e:  # noqa: BLE001
            return None, f"raised {type(e).__name__}: {e}"

    base, why = calls_for(inp)
    if base is None:
        failures.append(f"control: building the codec failed: {why}")
        return failures, 0, 0
    for api, call in base:
        code, what = outcome(call, inp)
        if code is not None or what.startswith("raised"):
            failures.append(f"control ({api}) must succeed: {what}")

    checked = skipped = 0
    for m in mutants(case, inp):
        if m.value is None:
            skipped += 1
            continue
        checked += 1
        mutated = {**inp, m.member: m.value}
        if m.member in target.built_from:
            calls, why = calls_for(mutated)
            if calls is None:
                if why not in allowed:
                    failures.append(f"{m.label}: building the codec: {why} (allowed: {sorted(allowed)})")
                continue
        else:
            calls = base
        for api, call in calls:
            code, what = outcome(call, mutated)
            if code is None or code not in allowed:
                failures.append(f"{m.label} ({api}): {what}")
    return failures, checked, skipped


# ------------------------------------------------------------------ pytest


def load() -> Obj:
    doc = json.loads(MUTATIONS.read_text(encoding="utf-8"))
    assert isinstance(doc, dict), "mutations.json: not an object"
    return doc


def collect() -> List[Any]:
    if not MUTATIONS.exists():
        return [pytest.param(-1, id="mutations.json:MISSING")]
    doc = load()
    cases = doc.get("cases")
    if not isinstance(cases, list):
        return [pytest.param(-1, id="mutations.json:UNREADABLE")]
    return [
        pytest.param(i, id=str(c.get("id", f"<case #{i}>")) if isinstance(c, dict) else f"<case #{i}>")
        for i, c in enumerate(cases)
    ]


_DOC: Dict[str, Obj] = {}
TOTALS: Dict[str, int] = {"checked": 0, "skipped": 0, "cases": 0}


def doc() -> Obj:
    if "doc" not in _DOC:
        _DOC["doc"] = load()
    return _DOC["doc"]


@pytest.mark.parametrize("index", collect())
def test_mutation_case(index: int) -> None:
    if index < 0:
        pytest.fail(f"{MUTATIONS} is missing or has no case list")
    d = doc()
    keys = d.get("keys") or {}
    case = d["cases"][index]
    start = time.perf_counter()
    try:
        failures, checked, skipped = run_case(case, keys)
        want_checked, want_skipped = expected_counts(case, case["input"])
    except Broken as e:
        pytest.fail(f"broken vector: {e}")
    TOTALS["checked"] += checked
    TOTALS["skipped"] += skipped
    TOTALS["cases"] += 1
    took = time.perf_counter() - start
    if failures:
        shown = failures[:200]
        more = f"\n... and {len(failures) - len(shown)} more" if len(failures) > len(shown) else ""
        pytest.fail(
            f"{case['id']} ({case['target']}, {checked} mutants, {took:.2f}s): {len(failures)} failures:\n"
            + "\n".join(shown)
            + more
        )
    assert checked > 0, "no mutant was checked"
    assert (checked, skipped) == (want_checked, want_skipped), (
        f"checked {checked} and skipped {skipped} mutants; the input lengths give {want_checked} and {want_skipped}"
    )


def test_mutation_file() -> None:
    """File-level rules: known members, schema 1, unique ids, every target
    and mutation kind present, and the KEYSPECs all readable."""
    assert MUTATIONS.exists(), f"{MUTATIONS} is missing (python3 tests/vectors/tools/generate.py)"
    d = load()
    extra = set(d) - FILE_FIELDS
    assert not extra, f"unknown file members {sorted(extra)}"
    assert d.get("suite") == "mutations" and d.get("schema") == 1
    assert isinstance(d.get("keys"), dict), "keys: object"
    cases = d.get("cases")
    assert isinstance(cases, list) and cases, "cases: a non-empty list"
    ids = [c.get("id") for c in cases]
    assert all(isinstance(i, str) for i in ids), "every case needs a string id"
    dup = sorted({i for i in ids if ids.count(i) > 1})
    assert not dup, f"duplicate ids {dup}"
    assert {c.get("target") for c in cases} == set(TARGETS), "every target has cases (and no other)"
    kinds = {k for c in cases for k in c.get("mutations", [])}
    assert kinds == set(KINDS)
    assert any("renames" in c for c in cases), "no case mixes up cookie names"


def test_mutation_totals() -> None:
    """Runs after the cases (file order): prints the figures."""
    if TOTALS["cases"]:
        print(f"\nmutations: {TOTALS['cases']} cases, {TOTALS['checked']} mutants checked, {TOTALS['skipped']} skipped (NUL)")


def test_runner_is_strict() -> None:
    """The runner fails on broken vectors and on accepted mutants."""
    keys: Obj = {"k": {"secret_utf8": "0123456789abcdef0123456789abcdef"}}
    k = tessera.Key.hmac(b"0123456789abcdef0123456789abcdef")
    token = jwt.encode({"sub": "a", "exp": 1700000100}, k)
    ok: Obj = {
        "id": "x",
        "target": "jwt",
        "input": {"keys": ["k"], "token": token, "validation": {"now": 1700000000}},
        "field": "token",
        "mutations": ["bitflip", "truncate", "extend"],
        "suffixes": ["A", "="],
        "errors": ["ALGORITHM_NOT_ALLOWED", "INVALID_SIGNATURE", "KEY_NOT_FOUND", "MALFORMED", "UNSUPPORTED_ALGORITHM"],
    }
    failures, checked, skipped = run_case(ok, keys)
    # (Flips of the last base64url character's unused low bits would decode
    # to the same signature: the core refuses them as MALFORMED.)
    assert failures == [], failures[:5]
    assert (checked, skipped) == expected_counts(ok, ok["input"])
    assert checked == 9 * len(token) + 2 - skipped
    # A too-narrow error list turns refusals into failures.
    failures, _, _ = run_case({**ok, "errors": ["INVALID_SIGNATURE"]}, keys)
    assert any("MALFORMED" in f for f in failures) and any("UNSUPPORTED_ALGORITHM" in f for f in failures)
    # A control that does not verify is a failure.
    failures, _, _ = run_case({**ok, "input": {**ok["input"], "validation": {"now": 1800000000}}}, keys)
    assert any(f.startswith("control") for f in failures)
    # An extension that still verifies is a failure (the suffix is accepted
    # nowhere, but an empty one leaves the token intact).
    failures, _, _ = run_case({**ok, "suffixes": [""]}, keys)
    assert failures and all("extend ''" in f for f in failures)
    broken_cases: List[Obj] = [
        {**ok, "target": "frobnicate"},
        {**ok, "surprise": 1},
        {**ok, "field": "nope"},
        {**ok, "mutations": ["bitflip", "reverse"]},
        {**ok, "mutations": []},
        {k: v for k, v in ok.items() if k != "suffixes"},
        {**ok, "mutations": ["bitflip"]},  # suffixes without extend
        {**ok, "errors": ["NO_SUCH_CODE"]},
        {**ok, "input": {**ok["input"], "colour": "red"}},
        {**ok, "input": {"token": token}},
        {**ok, "renames": {"field": "token"}},
    ]
    for broken in broken_cases:
        with pytest.raises(Broken):
            run_case(broken, keys)
    # Cookie renames: another cookie name must not open the cookie.
    sc = cookies.SessionCookie(["s" * 32], name="session")
    value = sc.seal({"a": 1}, now=1700000000)
    native: Obj = {
        "id": "n",
        "target": "native",
        "input": {"secrets": ["s" * 32], "cookie_name": "session", "encrypted": False, "max_age": None,
                  "now": 1700000001, "value": value},
        "field": "value",
        "mutations": ["truncate"],
        "renames": {"field": "cookie_name", "values": ["other", "session"]},
        "errors": ["INVALID_SIGNATURE", "MALFORMED"],
    }
    failures, checked, _ = run_case(native, {})
    assert checked == len(value) + 2
    assert failures and all(f.startswith("rename cookie_name='session'") for f in failures), failures


def test_latin1_mutants() -> None:
    """Bit 7 flips reach the API as U+0080..U+00FF; NUL mutants are skipped."""
    case: Obj = {"field": "t", "mutations": ["bitflip"]}
    ms = list(mutants(case, {"t": "@a"}))
    assert len(ms) == 16
    assert ms[6] == Mutant("bitflip i=0 b=6", "t", None)  # '@' ^ 0x40 = NUL
    assert ms[7].value == "\u00c0a"
    assert ms[15].value == "@\u00e1"
    assert expected_counts(case, {"t": "@a"}) == (15, 1)
