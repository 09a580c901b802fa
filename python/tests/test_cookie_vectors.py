"""Runs every cookie vector file, tests/vectors/cookies/*.json, through the
Python API (``tessera.cookies``).

Each file says how to read it in its ``_schema`` (or ``schema``) member; the
runner for each file is chosen by the file's name and checks that every case
uses only the members that schema describes. A file without a runner, a file
without a schema, a section or member the runner does not know, or an
unknown error code is a failure (the vectors grew and this runner must
follow), never a silent skip. Each case is one pytest item (``file:name``).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest

import tessera
from tessera import TesseraError, cookies

COOKIES = Path(__file__).resolve().parents[2] / "tests" / "vectors" / "cookies"
UTC = datetime.timezone.utc

Obj = Dict[str, Any]


class Broken(Exception):
    """The vector (or this runner) is broken: a member nobody interprets."""


def schema_of(doc: Obj, path: Path) -> Any:
    schema = doc.get("_schema", doc.get("schema"))
    if not schema:
        raise Broken(f"{path.name}: no _schema/schema member: cannot tell how to read it")
    return schema


def expect_error(code: str, run: Callable[[], Any]) -> None:
    """``run`` must raise a TesseraError with ``code``."""
    if code not in tessera.ERROR_CODES:
        raise Broken(f"unknown error code {code!r}")
    with pytest.raises(TesseraError) as info:
        run()
    assert info.value.code == code, f"{info.value!r}"


def check_members(case: Obj, allowed: str) -> None:
    unknown = set(case) - set(allowed.split())
    if unknown:
        raise Broken(f"members no runner interprets: {sorted(unknown)}")


def check_expect(expect: Obj, allowed: str) -> None:
    unknown = set(expect) - set(allowed.split())
    if unknown or not expect:
        raise Broken(f"bad expect members: {sorted(expect)}")


# ---------------------------------------------------------------- flask.json


def flask_native(tagged: Any) -> Any:
    """What Flask's own TaggedJSONSerializer makes of the expected tagged
    JSON: the native values ``FlaskCookie.loads`` must return."""
    from flask.json.tag import TaggedJSONSerializer

    return TaggedJSONSerializer().loads(json.dumps(tagged))


def run_flask(case: Obj) -> None:
    check_members(case, "name secret_key fallbacks now json cookie compressed open_now expect")
    fc = cookies.FlaskCookie(case["secret_key"], fallbacks=case["fallbacks"])
    if "now" in case:
        # Byte-identical with the real Flask (zlib too): `compressed` only
        # says which path the case exercises.
        assert isinstance(case["compressed"], bool)
        ours = fc.dumps(case["json"], now=case["now"])
        assert ours == case["cookie"]
        assert ours.startswith(".") == case["compressed"]
    expect = case["expect"]
    check_expect(expect, "json error")
    if "error" in expect:
        expect_error(expect["error"], lambda: fc.loads(case["cookie"], now=case["open_now"]))
    else:
        got = fc.loads(case["cookie"], now=case["open_now"])
        want = flask_native(expect["json"])
        assert got == want
        # Same types too (3.0 stays a float, a tuple is not a list).
        assert {k: type(v) for k, v in got.items()} == {k: type(v) for k, v in want.items()}


# ---------------------------------------------------------------- itsdangerous.json


def run_itsdangerous(case: Obj) -> None:
    check_members(
        case,
        "name kind secret_keys salt key_derivation digest sep now open_now max_age "
        "value json cookie compressed expect",
    )
    kwargs: Obj = {
        "sep": case["sep"],
        "key_derivation": case["key_derivation"],
        "digest_method": case["digest"],
    }
    if case["salt"] is not None:  # null: the class default
        kwargs["salt"] = case["salt"]
    expect = case["expect"]
    check_expect(expect, "value json error")
    cookie, open_now, max_age = case["cookie"], case["open_now"], case["max_age"]
    kind = case["kind"]
    if kind == "signer":
        signer = cookies.Signer(case["secret_keys"], **kwargs)
        if "now" in case:
            assert signer.sign(case["value"]) == cookie.encode()
        opened: Callable[[], Any] = lambda: signer.unsign(cookie).decode()  # noqa: E731
    elif kind == "timestamp_signer":
        ts = cookies.TimestampSigner(case["secret_keys"], **kwargs)
        if "now" in case:
            assert ts.sign(case["value"], now=case["now"]) == cookie.encode()
        opened = lambda: ts.unsign(cookie, max_age, now=open_now).decode()  # noqa: E731
    elif kind == "serializer":
        sep = kwargs.pop("sep")
        ser = cookies.URLSafeTimedSerializer(
            case["secret_keys"], kwargs.pop("salt", None), sep=sep, **kwargs
        )
        if "now" in case:
            ours = ser.dumps(json.loads(case["json"]), now=case["now"])
            assert ours == cookie
            assert ours.startswith(".") == case["compressed"]
        opened = lambda: ser.loads(cookie, max_age, now=open_now)  # noqa: E731
    else:
        raise Broken(f"unknown kind {kind!r}")
    if "error" in expect:
        expect_error(expect["error"], opened)
    else:
        assert opened() == expect["value" if kind != "serializer" else "json"]


# ---------------------------------------------------------------- express.json


def key_index_is(verify: Callable[[List[str]], Any], keys: List[str], index: int) -> None:
    """The matching key is ``keys[index]``: it alone verifies, the keys
    before it do not (the binding reports no index, so check it this way)."""
    verify(keys[index : index + 1])
    if index > 0:
        with pytest.raises(tessera.InvalidSignatureError):
            verify(keys[:index])


def run_cookie_session(case: Obj) -> None:
    check_members(
        case,
        "id keys name value sig cookie_header set_cookie expected_json expected_index "
        "sign_identical resigned_sig",
    )
    cs = cookies.ExpressCookieSession(case["keys"], name=case["name"])
    expected = json.loads(case["expected_json"])
    assert cs.load(case["cookie_header"]) == expected
    if "value" in case:
        assert cs.verify(case["value"], case["sig"]) == expected
        key_index_is(
            lambda ks: cookies.ExpressCookieSession(ks, name=case["name"]).verify(
                case["value"], case["sig"]
            ),
            case["keys"],
            case["expected_index"],
        )
    if case.get("sign_identical"):
        value, sig = cs.sign(case["expected_json"])
        assert value == case["value"]
        assert sig == case.get("resigned_sig", case["sig"])
    # `set_cookie` shows the lines Express wrote (informational; the
    # attribute order is Express' own, not a Tessera API output).
    assert isinstance(case.get("set_cookie", []), list)


def run_cookie_session_rejected(case: Obj) -> None:
    check_members(case, "id keys name value sig cookie_header error")
    cs = cookies.ExpressCookieSession(case["keys"], name=case["name"])
    if "cookie_header" in case:
        expect_error(case["error"], lambda: cs.load(case["cookie_header"]))
    else:
        expect_error(case["error"], lambda: cs.verify(case["value"], case["sig"]))


def run_session_id(case: Obj) -> None:
    check_members(case, "id secrets sid signed wire set_cookie sign_identical expected_index")
    sid = cookies.ExpressSessionId(case["secrets"])
    if case["sign_identical"]:
        assert sid.sign(case["sid"]) == case["signed"]
    assert sid.unsign(case["signed"]) == case["sid"]
    assert sid.unsign(case["wire"]) == case["sid"]
    assert sid.load(f"connect.sid={case['wire']}") == case["sid"]
    key_index_is(
        lambda ks: cookies.ExpressSessionId(ks).unsign(case["wire"]),
        case["secrets"],
        case["expected_index"],
    )
    assert isinstance(case.get("set_cookie", []), list)


def run_session_id_rejected(case: Obj) -> None:
    check_members(case, "id secrets value error")
    sid = cookies.ExpressSessionId(case["secrets"])
    expect_error(case["error"], lambda: sid.unsign(case["value"]))


def run_session_id_headers(case: Obj) -> None:
    check_members(case, "id secrets name cookie_header expected_sid expected_index error")
    sid = cookies.ExpressSessionId(case["secrets"])
    if "error" in case:
        expect_error(case["error"], lambda: sid.load(case["cookie_header"], case["name"]))
        return
    assert sid.load(case["cookie_header"], case["name"]) == case["expected_sid"]
    key_index_is(
        lambda ks: cookies.ExpressSessionId(ks).load(case["cookie_header"], case["name"]),
        case["secrets"],
        case["expected_index"],
    )


EXPRESS_SECTIONS: Dict[str, Callable[[Obj], None]] = {
    "cookie_session": run_cookie_session,
    "cookie_session_rejected": run_cookie_session_rejected,
    "session_id": run_session_id,
    "session_id_rejected": run_session_id_rejected,
    "session_id_headers": run_session_id_headers,
}

# ---------------------------------------------------------------- native.json


def run_native(case: Obj) -> None:
    check_members(
        case,
        "name secrets cookie_name encrypted max_age chunked now value cookie_header seal expect",
    )
    sc = cookies.SessionCookie(
        case["secrets"],
        name=case["cookie_name"],
        encrypted=case["encrypted"],
        max_age=case["max_age"],
        chunked=case["chunked"],
    )
    if "seal" in case:
        if case["encrypted"]:
            raise Broken("seal on an encrypted case (the nonce is random)")
        check_members(case["seal"], "json now")
        assert sc.seal(case["seal"]["json"], now=case["seal"]["now"]) == case["value"]
    if ("value" in case) == ("cookie_header" in case):
        raise Broken("exactly one of value / cookie_header")
    if "value" in case:
        run: Callable[[], cookies.OpenedCookie] = lambda: sc.open_info(case["value"], now=case["now"])  # noqa: E731
    else:
        run = lambda: sc.load(case["cookie_header"], now=case["now"])  # noqa: E731
    expect = case["expect"]
    check_expect(expect, "json issued_at needs_reissue error")
    if "error" in expect:
        expect_error(expect["error"], run)
        if "value" in case:
            expect_error(expect["error"], lambda: sc.open(case["value"], now=case["now"]))
        return
    opened = run()
    assert opened.json == expect["json"]
    assert opened.data == json.loads(expect["json"])
    assert opened.issued_at == expect["issued_at"]
    assert opened.needs_reissue is expect["needs_reissue"]
    if "value" in case:
        assert sc.open(case["value"], now=case["now"]) == opened.data


# ---------------------------------------------------------------- rails.json


def run_rails(case: Obj) -> None:
    check_members(case, "name secret_key_base digest cookie_name cookie now_ms expect")
    rc = cookies.RailsCookie(
        case["secret_key_base"], cookie_name=case["cookie_name"], digest=case["digest"]
    )
    # Milliseconds exactly, as a datetime (the core keeps milliseconds).
    now = datetime.datetime(1970, 1, 1, tzinfo=UTC) + datetime.timedelta(
        milliseconds=case["now_ms"]
    )
    expect = case["expect"]
    check_expect(expect, "json error")
    if "error" in expect:
        expect_error(expect["error"], lambda: rc.decrypt(case["cookie"], now=now))
    else:
        assert rc.decrypt(case["cookie"], now=now) == expect["json"]


# ---------------------------------------------------------------- dispatch

# file stem -> (runner, how the cases are laid out)
RUNNERS: Dict[str, Callable[[Obj], None]] = {
    "flask": run_flask,
    "itsdangerous": run_itsdangerous,
    "native": run_native,
    "rails": run_rails,
}
FILE_MEMBERS = {"_schema", "_generator", "_versions", "_format", "cases"}
EXPRESS_MEMBERS = {"description", "versions", "schema", *EXPRESS_SECTIONS}


def cases_of(path: Path) -> Iterator[Tuple[str, Callable[[Obj], None], Obj]]:
    """(case id, runner, case) for every case of one file; Broken if the
    file cannot be interpreted."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict):
        raise Broken(f"{path.name}: not a JSON object")
    schema = schema_of(doc, path)
    stem = path.stem
    if stem == "express":
        if not isinstance(schema, dict) or set(schema) - set(EXPRESS_SECTIONS):
            raise Broken(f"{path.name}: sections without a runner: {sorted(set(schema) - set(EXPRESS_SECTIONS))}")
        if set(doc) - EXPRESS_MEMBERS:
            raise Broken(f"{path.name}: unknown members {sorted(set(doc) - EXPRESS_MEMBERS)}")
        for section in schema:
            for case in doc[section]:
                yield f"{section}:{case['id']}", EXPRESS_SECTIONS[section], case
        return
    if stem not in RUNNERS:
        raise Broken(f"{path.name}: no runner for this file in {Path(__file__).name}")
    if set(doc) - FILE_MEMBERS:
        raise Broken(f"{path.name}: unknown members {sorted(set(doc) - FILE_MEMBERS)}")
    for case in doc["cases"]:
        yield case["name"], RUNNERS[stem], case


def collect() -> List[Any]:
    paths = sorted(COOKIES.glob("*.json"))
    assert paths, f"no cookie vectors in {COOKIES}"
    params: List[Any] = []
    for path in paths:
        try:
            for cid, runner, case in cases_of(path):
                params.append(pytest.param(runner, case, id=f"{path.name}:{cid}"))
        except (Broken, KeyError, TypeError, ValueError) as e:
            params.append(pytest.param(None, {"broken": f"{type(e).__name__}: {e}"}, id=f"{path.name}:UNREADABLE"))
    return params


PARAMS = collect()


@pytest.mark.parametrize("runner,case", PARAMS)
def test_cookie_vector(runner: Any, case: Obj) -> None:
    if runner is None:
        pytest.fail(f"cannot interpret the vector file: {case['broken']}")
    runner(case)


def test_every_file_has_cases_and_codes_are_covered() -> None:
    """Every *.json file produced cases, and together they reject with every
    cookie-relevant code."""
    files = {p.id.split(":")[0] for p in PARAMS}
    assert files == {p.name for p in COOKIES.glob("*.json")}
    codes = set()
    for p in PARAMS:
        case = p.values[1]
        err = case.get("error") or case.get("expect", {}).get("error")
        if err:
            codes.add(err)
    assert {"MALFORMED", "INVALID_SIGNATURE", "EXPIRED", "ISSUED_IN_FUTURE", "SESSION_NOT_FOUND"} <= codes
    assert len(PARAMS) >= 200


def test_rails_reverse_with_activesupport(tmp_path: Path) -> None:
    """Cookies Tessera encrypts are read by ActiveSupport (Ruby): the reverse
    direction of rails.json (encryption is randomized, so it cannot be a
    fixed vector)."""
    import shutil
    import subprocess

    ruby = shutil.which("ruby")
    probe = ruby and subprocess.run([ruby, "-e", 'require "active_support"'], capture_output=True)
    if not ruby or probe is None or probe.returncode != 0:
        pytest.skip("ruby with ActiveSupport (Debian ruby-activesupport) is not installed")
    base = "r" * 64 + "-python-reverse"
    values: List[Any] = [{"user_id": 42, "name": "Jürgen 🍪", "html": "<b>&</b>"}, [1, 2.5, None], "plain"]
    batch = []
    for digest in ("sha256", "sha1"):
        rc = cookies.RailsCookie(base, cookie_name="_app_session", digest=digest)
        for v in values:
            batch.append({"secret_key_base": base, "digest": digest, "cookie_name": "_app_session", "cookie": rc.encrypt(v)})
    # A cookie for another name must be refused (purpose binding).
    other = cookies.RailsCookie(base, cookie_name="other").encrypt({"a": 1})
    batch.append({"secret_key_base": base, "digest": "sha256", "cookie_name": "_app_session", "cookie": other})
    tool = COOKIES / "tools" / "check_rails.rb"
    out = subprocess.run([ruby, str(tool)], input=json.dumps(batch), capture_output=True, text=True, check=True)
    results = json.loads(out.stdout)
    assert [r.get("value") for r in results[:-1]] == values * 2
    assert results[-1] == {"nil": True}



def test_runner_refuses_what_it_cannot_interpret(tmp_path: Path) -> None:
    """A new file, a missing schema, an unknown top-level member or section,
    or a case member nobody reads is an error, never a silent skip."""
    docs = {
        "newcodec.json": {"_schema": "cases[]: ...", "cases": [{"name": "x"}]},
        "flask.json": {"cases": []},
        "rails.json": {"_schema": "...", "cases": [], "extra_section": []},
        "express.json": {"schema": {"new_section": "..."}, "new_section": []},
    }
    for name, doc in docs.items():
        sub = tmp_path / name.replace(".json", "")
        sub.mkdir()
        path = sub / name
        path.write_text(json.dumps(doc), encoding="utf-8")
        with pytest.raises(Broken):
            list(cases_of(path))
    case = {"name": "x", "secret_key": "k", "fallbacks": [], "cookie": "", "open_now": 0,
            "expect": {"error": "MALFORMED"}, "surprise": 1}
    with pytest.raises(Broken):
        run_flask(case)
    with pytest.raises(Broken):
        run_flask({**{k: v for k, v in case.items() if k != "surprise"}, "expect": {"error": "NOT_A_CODE"}})
