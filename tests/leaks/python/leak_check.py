"""Leak check of the Python binding (issue 11).

10^6 operations of the mix in tests/leaks/README.md through the installed
``tessera`` wheel (HS256 sign/verify, RS256/ES256 verify, verify failures,
native cookie seal/open/tampered open, Flask dumps/loads, MemoryStore
sessions, denylist). After every tenth: ``gc.collect()``, then RssAnon
(VmRSS shown too), ``sys.getallocatedblocks()`` (CPython's live
object-allocator blocks: an exact count where RSS is page-granular) and
malloc's bytes in use (``mallinfo2``: the Rust core's allocations). From the
first sample (after the warm-up tenth) to the last, RssAnon may grow at most
2048 KiB, the blocks at most 100 and malloc's bytes at most 256 KiB. Exit 0:
flat; 3: leak; 2: a wrong result or a broken set-up (an uncaught exception
exits 1).

    target/py-venv/bin/python tests/leaks/python/leak_check.py

Environment: TESSERA_LEAK_OPS (default 1000000, a multiple of 1000);
TESSERA_LEAK_SELFTEST=1 keeps every result (values and errors) in a list, a
leak on purpose that the check must report.
"""

from __future__ import annotations

import array
import ctypes
import gc
import os
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

import tessera
from tessera.cookies import FlaskCookie, SessionCookie
from tessera.sessions import Denylist, MemoryStore, SessionManager

BINDING = "python"
LIMIT_KIB = 2048
LIMIT_BLOCKS = 100
LIMIT_MALLOC_KIB = 256
EXP = 4102444800
CLAIMS = {"sub": "leak-check", "iss": "https://issuer.example", "iat": 1700000000, "exp": EXP}
EXPIRED_CLAIMS = {"sub": "leak-check", "exp": 1000000000}
SESSION = {"user": "leak-check", "cart": [1, 2, 3], "csrf": "0123456789abcdef"}
HMAC_SECRET = b"tessera-leak-check-hmac-secret-32-bytes!"
COOKIE_SECRET = b"tessera-leak-check-cookie-secret-32bytes"
FLASK_SECRET = b"tessera-leak-check-flask-secret"

# (operation, slots out of every 100 operations), in slot order: the same
# table as every binding's program and README.md.
MIX: List[Tuple[str, int]] = [
    ("sign_hs256", 20),
    ("verify_hs256", 22),
    ("verify_rs256", 1),
    ("verify_es256", 1),
    ("verify_bad_signature", 4),
    ("verify_expired", 3),
    ("verify_malformed", 3),
    ("verify_rs256_bad_signature", 1),
    ("verify_es256_bad_signature", 1),
    ("cookie_seal", 10),
    ("cookie_open", 10),
    ("cookie_open_tampered", 4),
    ("cookie_open_malformed", 1),
    ("flask_dumps", 1),
    ("flask_loads", 7),
    ("flask_loads_tampered", 2),
    ("session_create", 1),
    ("session_load", 1),
    ("session_destroy", 1),
    ("session_load_destroyed", 1),
    ("session_load_bad_id", 1),
    ("denylist_revoke", 1),
    ("denylist_check", 1),
    ("denylist_check_unknown", 1),
    ("denylist_revoke_invalid", 1),
]


class Failed(Exception):
    pass


class MallInfo2(ctypes.Structure):
    """glibc's ``struct mallinfo2`` (every field a size_t)."""

    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]


_mallinfo2 = ctypes.CDLL(None).mallinfo2
_mallinfo2.restype = MallInfo2


def malloc_in_use_kib() -> int:
    """Bytes malloc has handed out and not had back (all arenas, mmapped
    blocks included), in KiB: the Rust core's allocations and CPython's
    objects over 512 bytes (pymalloc serves the smaller ones)."""
    info = _mallinfo2()
    return (info.uordblks + info.hblkhd) // 1024


def tamper(token: str, index: int) -> str:
    """`token` with the character at `index` of its last segment replaced by
    another base64url letter: same length, still canonical, other bytes."""
    at = token.rfind(".") + 1 + index
    return token[:at] + ("B" if token[at] == "A" else "A") + token[at + 1:]


def rss_kib() -> Tuple[int, int]:
    """(RssAnon, VmRSS) in KiB. The check is on RssAnon: a leak is anonymous
    memory, while the file-backed pages of VmRSS (the mapped code) come and
    go with first use and page-cache pressure. Read with os.read: a text-mode
    open() leaves one allocator block behind per call on CPython 3.11, which
    the block count would report."""
    fd = os.open("/proc/self/status", os.O_RDONLY)
    try:
        status = os.read(fd, 1 << 16)
    finally:
        os.close(fd)
    fields: Dict[bytes, int] = {}
    for line in status.splitlines():
        name, _, value = line.partition(b":")
        if name in (b"RssAnon", b"VmRSS"):
            fields[name] = int(value.split()[0])
    if len(fields) != 2:
        raise Failed("no RssAnon/VmRSS in /proc/self/status")
    return fields[b"RssAnon"], fields[b"VmRSS"]


def build_ops() -> List[Callable[[int], Any]]:
    """One callable per MIX entry: op(i) runs it and checks the outcome."""
    now = int(time.time())
    hs = tessera.Key.hmac(HMAC_SECRET)
    rs = tessera.Key.generate("RS256")
    es = tessera.Key.generate("ES256")
    issuer = "https://issuer.example"
    verifier = tessera.Verifier(hs, issuer=issuer).verify
    rs_verifier = tessera.Verifier(rs.public(), issuer=issuer).verify
    es_verifier = tessera.Verifier(es.public(), issuer=issuer).verify
    encode = tessera.jwt.encode
    token = encode(CLAIMS, hs)
    rs_token, es_token = encode(CLAIMS, rs), encode(CLAIMS, es)
    expired_token = encode(EXPIRED_CLAIMS, hs)
    bad_token, rs_bad, es_bad = tamper(token, 10), tamper(rs_token, 10), tamper(es_token, 10)
    cookie = SessionCookie([COOKIE_SECRET], encrypted=True)
    sealed = cookie.seal(SESSION, now=now)
    tampered_cookie = tamper(sealed, len(sealed) // 2)
    flask = FlaskCookie(FLASK_SECRET)
    flask_value = flask.dumps(SESSION, now=now)
    flask_tampered = tamper(flask_value, 10)
    store = MemoryStore(max_entries=100000, max_bytes=64 << 20)
    sessions = SessionManager(store, ttl=3600)
    denylist = Denylist(store)
    state: Dict[str, Optional[str]] = {"sid": None}

    def refused(name: str, code: str, f: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        try:
            got = f(*args, **kw)
        except tessera.TesseraError as e:
            if e.code != code or not str(e):
                raise Failed(f"{name}: {e.code} ({e}) instead of {code}") from e
            return e
        raise Failed(f"{name}: succeeded ({got!r}), expected {code}")

    def claims_ok(name: str, claims: Dict[str, Any]) -> Dict[str, Any]:
        if claims.get("sub") != "leak-check":
            raise Failed(f"{name}: wrong claims {claims}")
        return claims

    def sign_hs256(i: int) -> Any:
        return encode(CLAIMS, hs)

    def verify_hs256(i: int) -> Any:
        return claims_ok("verify_hs256", verifier(token))

    def verify_rs256(i: int) -> Any:
        return claims_ok("verify_rs256", rs_verifier(rs_token))

    def verify_es256(i: int) -> Any:
        return claims_ok("verify_es256", es_verifier(es_token))

    def verify_bad_signature(i: int) -> Any:
        return refused("verify_bad_signature", "INVALID_SIGNATURE", verifier, bad_token)

    def verify_expired(i: int) -> Any:
        return refused("verify_expired", "EXPIRED", verifier, expired_token)

    def verify_malformed(i: int) -> Any:
        return refused("verify_malformed", "MALFORMED", verifier, "not-a-jwt")

    def verify_rs256_bad_signature(i: int) -> Any:
        return refused("verify_rs256_bad_signature", "INVALID_SIGNATURE", rs_verifier, rs_bad)

    def verify_es256_bad_signature(i: int) -> Any:
        return refused("verify_es256_bad_signature", "INVALID_SIGNATURE", es_verifier, es_bad)

    def cookie_seal(i: int) -> Any:
        return cookie.seal(SESSION, now=now)

    def cookie_open(i: int) -> Any:
        data = cookie.open(sealed, now=now)
        if data != SESSION:
            raise Failed(f"cookie_open: wrong session {data}")
        return data

    def cookie_open_tampered(i: int) -> Any:
        return refused("cookie_open_tampered", "INVALID_SIGNATURE", cookie.open, tampered_cookie, now=now)

    def cookie_open_malformed(i: int) -> Any:
        return refused("cookie_open_malformed", "MALFORMED", cookie.open, "garbage!", now=now)

    def flask_dumps(i: int) -> Any:
        return flask.dumps(SESSION, now=now)

    def flask_loads(i: int) -> Any:
        data = flask.loads(flask_value, now=now)
        if data != SESSION:
            raise Failed(f"flask_loads: wrong session {data}")
        return data

    def flask_loads_tampered(i: int) -> Any:
        return refused("flask_loads_tampered", "INVALID_SIGNATURE", flask.loads, flask_tampered, now=now)

    def session_create(i: int) -> Any:
        state["sid"] = sessions.create(SESSION, user_id="leak-user")
        return state["sid"]

    def session_load(i: int) -> Any:
        s = sessions.load(state["sid"])
        if s is None or dict(s) != SESSION:
            raise Failed(f"session_load: {s!r}")
        return s

    def session_destroy(i: int) -> Any:
        if not sessions.destroy(state["sid"]):
            raise Failed("session_destroy: nothing destroyed")
        return True

    def session_load_destroyed(i: int) -> Any:
        s = sessions.load(state["sid"])
        if s is not None:
            raise Failed(f"session_load_destroyed: found {s!r}")
        return state.pop("sid")

    def session_load_bad_id(i: int) -> Any:
        s = sessions.load("not a session id")
        if s is not None:
            raise Failed(f"session_load_bad_id: found {s!r}")
        return s

    def denylist_revoke(i: int) -> Any:
        jti = f"jti-{(i // 100) % 500}"
        denylist.revoke(jti, EXP)
        return jti

    def denylist_check(i: int) -> Any:
        jti = f"jti-{(i // 100) % 500}"
        if not denylist.is_revoked(jti):
            raise Failed(f"denylist_check: {jti} not revoked")
        return jti

    def denylist_check_unknown(i: int) -> Any:
        if denylist.is_revoked("never-revoked"):
            raise Failed("denylist_check_unknown: revoked")
        return False

    def denylist_revoke_invalid(i: int) -> Any:
        return refused("denylist_revoke_invalid", "INVALID_ARGUMENT", denylist.revoke, "bad\njti", EXP)

    local = locals()
    return [local[name] for name, _ in MIX]


def main() -> int:
    ops = int(os.environ.get("TESSERA_LEAK_OPS", "1000000"))
    if ops <= 0 or ops % 1000:
        print(f"{BINDING}: FAILED: TESSERA_LEAK_OPS={ops}: a positive multiple of 1000", file=sys.stderr)
        return 2
    selftest = os.environ.get("TESSERA_LEAK_SELFTEST") == "1"
    slots = [k for k, (_, n) in enumerate(MIX) for _ in range(n)]
    assert len(slots) == 100, "the mix fills 100 slots"
    try:
        fns = build_ops()
    except Failed as e:
        print(f"{BINDING}: FAILED: set-up: {e}", file=sys.stderr)
        return 2
    schedule = [fns[k] for k in slots]
    kept: List[Any] = []
    tenth = ops // 10
    # Samples go into preallocated C arrays: a list would keep two more
    # Python objects per sample, which the block count would see.
    rss = array.array("q", [0] * 10)
    vmrss = array.array("q", [0] * 10)
    malloc_kib = array.array("q", [0] * 10)
    blocks = array.array("q", [0] * 10)
    t0, cpu0 = time.perf_counter(), time.process_time()
    try:
        for sample in range(10):
            for i in range(sample * tenth, (sample + 1) * tenth):
                result = schedule[i % 100](i)
                if selftest:
                    kept.append(result)
            del result
            gc.collect()
            rss[sample], vmrss[sample] = rss_kib()
            blocks[sample] = sys.getallocatedblocks()
            malloc_kib[sample] = malloc_in_use_kib()
    except Failed as e:
        print(f"{BINDING}: FAILED: {e}", file=sys.stderr)
        return 2
    secs, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    # Every i in 0..ops ran schedule[i % 100] once: the counts follow.
    counts = [ops // 100 * n for _, n in MIX]
    growth, block_growth = rss[-1] - rss[0], blocks[-1] - blocks[0]
    malloc_growth = malloc_kib[-1] - malloc_kib[0]
    leak = growth > LIMIT_KIB or block_growth > LIMIT_BLOCKS or malloc_growth > LIMIT_MALLOC_KIB
    print(f"{BINDING}: counts " + " ".join(f"{name}={n}" for (name, _), n in zip(MIX, counts)))
    extra = f"; SELF-TEST: {len(kept)} results kept on purpose" if selftest else ""
    print(f"{BINDING}: {ops} ops in {secs:.2f} s ({ops / secs:.0f} ops/s; {cpu:.2f} s of CPU){extra}")
    print(f"{BINDING}: RssAnon KiB after each tenth (after gc.collect()): " + " ".join(map(str, rss)))
    print(f"{BINDING}: VmRSS KiB after each tenth: " + " ".join(map(str, vmrss)))
    print(f"{BINDING}: sys.getallocatedblocks() after each tenth: " + " ".join(map(str, blocks)))
    print(f"{BINDING}: malloc KiB in use (mallinfo2) after each tenth: " + " ".join(map(str, malloc_kib)))
    print(f"RESULT binding={BINDING} ops={ops} seconds={secs:.2f} cpu_seconds={cpu:.2f} first_kib={rss[0]} last_kib={rss[-1]} "
          f"growth_kib={growth} limit_kib={LIMIT_KIB} vmrss_growth_kib={vmrss[-1] - vmrss[0]} blocks_growth={block_growth} limit_blocks={LIMIT_BLOCKS} "
          f"malloc_growth_kib={malloc_growth} limit_malloc_kib={LIMIT_MALLOC_KIB} "
          f"status={'LEAK' if leak else 'ok'}", flush=True)
    if growth > LIMIT_KIB:
        print(f"{BINDING}: LEAK: RssAnon grew {growth} KiB after the warm-up tenth (limit {LIMIT_KIB} KiB)",
              file=sys.stderr)
    if block_growth > LIMIT_BLOCKS:
        print(f"{BINDING}: LEAK: {block_growth} more allocated blocks after the warm-up tenth "
              f"(limit {LIMIT_BLOCKS})", file=sys.stderr)
    if malloc_growth > LIMIT_MALLOC_KIB:
        print(f"{BINDING}: LEAK: malloc's bytes in use grew {malloc_growth} KiB after the warm-up tenth "
              f"(limit {LIMIT_MALLOC_KIB} KiB)", file=sys.stderr)
    return 3 if leak else 0


if __name__ == "__main__":
    sys.exit(main())
