#!/usr/bin/env python3
"""Remote JWKS: Tessera's RemoteKeySet vs PyJWT's PyJWKClient, against a local server.

The bench starts a loopback HTTP server (this file run with --serve, in a child
process, so the "identity provider" never competes with the client for the
GIL) serving one JWKS of 3 keys, the way providers publish them: an older
RSA-2048 key (generated at start-up, never used to sign), the bench RSA-2048
key and the bench P-256 key (bench/keys), each with "kid", "alg" and
"use": "sig". Tokens carry the fixed claims of bench/README.md with a `kid`
header; verification checks the signature, exp, iss and aud. Every response
says `Connection: close`, so each fetch opens a new connection (as in a fresh
process) and no client keeps one warm.

Rows (ratio = peer µs / Tessera µs, interleaved rounds, as in run.py):

- verify, remote JWKS (warm cache): `tessera.Verifier(RemoteKeySet(url), issuer=…,
  audience=…).verify(token)` against PyJWT's documented recipe,
  `PyJWKClient(url)` (its defaults: JWK-set cache 300 s, no per-kid cache),
  then per token `get_signing_key_from_jwt(token)` and `jwt.decode(token, key.key,
  algorithms=[alg], issuer=…, audience=…)`; also PyJWKClient(cache_keys=True)
  (its optional per-kid LRU cache). Both were warmed by one verification; the
  bench checks that the server saw no request while these rows ran.
- cold start: remote JWKS + first verify: constructing the set and the verifier
  (PyJWKClient) and verifying one token, which fetches the JWKS once (checked:
  exactly one request per call); what a fresh process or a serverless cold
  start pays. The server's own time is inside both figures alike.

joserfc has no remote key set (it leaves fetching to the application), so it
has no row here.

    python bench/python/jwks.py [--quick] [--json PATH]

Needs: pip install ./python pyjwt cryptography
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, List

import jwt as pyjwt
from jwt import PyJWKClient

import tessera
from tessera.jwks import RemoteKeySet

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchjson  # noqa: E402
from benchjson import sample  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
KEYS = ROOT / "bench" / "keys"
CLAIMS = {"sub": "1234567890", "name": "John Doe", "admin": True, "iat": 1700000000,
          "exp": 4102444800, "iss": "https://issuer.example", "aud": "api"}
ISS, AUD = "https://issuer.example", "api"
JWKS_PATH = "/.well-known/jwks.json"
KIDS = {"RS256": "rsa-2026-11", "ES256": "ec-2026-11"}
OLD_KID = "rsa-2026-05"


# ------------------------------------------------------------------ the server (child process)

def serve(jwks_file: str) -> None:
    """Serves the JWKS at JWKS_PATH, the number of JWKS requests at /_count;
    prints the port, exits when stdin closes (the parent ended)."""
    body = Path(jwks_file).read_bytes()
    count = [0]
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            if self.path == JWKS_PATH:
                with lock:
                    count[0] += 1
                out, ctype = body, "application/json"
            elif self.path == "/_count":
                with lock:
                    out, ctype = str(count[0]).encode(), "text/plain"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(out)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(out)
            self.close_connection = True

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.request_queue_size = 128
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    print(httpd.server_address[1], flush=True)
    sys.stdin.read()  # EOF: the parent closed the pipe or ended
    httpd.shutdown()


# ------------------------------------------------------------------ the bench

def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="short smoke run")
    ap.add_argument("--json", metavar="PATH", help="write the runner JSON (bench/run's contract) here")
    ap.add_argument("--serve", metavar="JWKS_FILE", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve)
        return 0

    rounds, seconds = (5, 0.04) if args.quick else (9, 0.25)
    peers_v = {"PyJWT": pyjwt.__version__, "cryptography": benchjson.version("cryptography")}
    env = benchjson.env(peers_v, args.quick)
    print(f"# tessera {tessera.__version__}, PyJWT {pyjwt.__version__}, Python {sys.version.split()[0]}; "
          f"{os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}")

    # The provider's keys: an older RSA key first (generated now, never signs),
    # then the bench's RSA and P-256 keys.
    priv = {"RS256": tessera.Key.from_pem((KEYS / "rsa2048.pem").read_bytes(), alg="RS256", kid=KIDS["RS256"]),
            "ES256": tessera.Key.from_pem((KEYS / "p256.pem").read_bytes(), alg="ES256", kid=KIDS["ES256"])}
    old = tessera.Key.generate("RS256", kid=OLD_KID).public()
    jwks = tessera.KeySet([old, priv["RS256"].public(), priv["ES256"].public()]).to_jwks()
    for k in jwks["keys"]:
        k["use"] = "sig"
    tmp = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump(jwks, tmp)
    tmp.close()

    server = subprocess.Popen([sys.executable, __file__, "--serve", tmp.name],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())  # type: ignore[union-attr]
        base = f"http://127.0.0.1:{port}"
        url = base + JWKS_PATH

        def requests() -> int:
            with urllib.request.urlopen(base + "/_count") as r:
                return int(r.read())

        rows: List[Dict[str, Any]] = []
        for alg in ("RS256", "ES256"):
            rows += bench_alg(alg, priv[alg], jwks, url, requests, rounds, seconds)
    finally:
        server.stdin.close()  # type: ignore[union-attr]
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
        os.unlink(tmp.name)

    print(f"# load at the end {os.getloadavg()[0]:.1f}")
    benchjson.write(args.json, env, rows)
    return 0


def bench_alg(alg: str, signer: Any, jwks: Dict[str, Any], url: str, requests: Callable[[], int],
              rounds: int, seconds: float) -> List[Dict[str, Any]]:
    token = tessera.jwt.encode(CLAIMS, signer)
    head, _, sig = token.split(".")
    forged = tessera.jwt.encode(dict(CLAIMS, name="Jane Doe"), signer).split(".")[1]
    tampered = f"{head}.{forged}.{sig}"  # payload changed, signature kept

    def tessera_verifier(remote: Any = None) -> Any:
        return tessera.Verifier(remote or RemoteKeySet(url), issuer=ISS, audience=AUD)

    def pyjwt_verify(client: Any, tok: str) -> Any:
        key = client.get_signing_key_from_jwt(tok)
        return pyjwt.decode(tok, key.key, algorithms=[alg], issuer=ISS, audience=AUD)

    t_set = RemoteKeySet(url)
    t_verifier = tessera_verifier(t_set)
    p_client = PyJWKClient(url)
    p_client_kc = PyJWKClient(url, cache_keys=True)
    warm: Dict[str, Callable[[], Any]] = {
        "Tessera": lambda: t_verifier.verify(token),
        "PyJWT": lambda: pyjwt_verify(p_client, token),
        "PyJWT (cache_keys)": lambda: pyjwt_verify(p_client_kc, token),
    }

    def t_cold() -> Any:
        return tessera_verifier().verify(token)

    def p_cold() -> Any:
        return pyjwt_verify(PyJWKClient(url), token)

    cold: Dict[str, Callable[[], Any]] = {"Tessera": t_cold, "PyJWT": p_cold}

    # Before timing: exact claims, a tampered token refused, and the requests
    # each kind of call makes (warm: none; cold: exactly one).
    before = requests()
    for name, fn in warm.items():
        assert fn() == CLAIMS, f"{alg}: {name} rejects the token"
    assert requests() - before == 3, f"{alg}: the first warm-up verifications made {requests() - before} requests, not 3"
    refusers = {"Tessera": lambda: t_verifier.verify(tampered),
                "PyJWT": lambda: pyjwt_verify(p_client, tampered)}
    for name, fn in refusers.items():
        try:
            fn()
        except Exception:
            pass
        else:
            raise AssertionError(f"{alg}: {name} accepts a tampered token")
    for name, fn in cold.items():
        before = requests()
        for _ in range(3):
            assert fn() == CLAIMS, f"{alg}: {name} (cold) rejects the token"
        made = requests() - before
        assert made == 3, f"{alg}: 3 cold starts of {name} made {made} requests, not 3"

    before = requests()
    s = sample(warm, rounds, seconds)
    warm_requests = requests() - before
    if warm_requests:
        raise AssertionError(f"{alg}: the warm rows made {warm_requests} HTTP requests: not a warm cache")
    status = t_set.status()
    c = sample(cold, rounds, seconds)

    # Context (printed only): Tessera on a local KeySet and PyJWT's decode with
    # the key in hand (what each remote layer adds), verify_async from asyncio
    # (awaited one at a time: the hop to a worker thread).
    local = tessera.Verifier(tessera.KeySet.from_jwks(json.dumps(jwks)), issuer=ISS, audience=AUD)

    async def one_async() -> Any:
        return await t_verifier.verify_async(token)

    def fetch_only() -> Any:
        with urllib.request.urlopen(url) as r:
            return r.read()

    loop = asyncio.new_event_loop()
    p_key = p_client.get_signing_key_from_jwt(token).key
    ctx = sample({"Tessera local KeySet": lambda: local.verify(token),
                  "Tessera remote": warm["Tessera"],
                  "PyJWT jwt.decode, key in memory": lambda: pyjwt.decode(token, p_key, algorithms=[alg],
                                                                          issuer=ISS, audience=AUD),
                  "Tessera verify_async (awaited)": lambda: loop.run_until_complete(one_async())},
                 rounds, seconds)
    loop.close()
    # Cold-start context: constructing the set and verifier alone (no I/O), and
    # a bare urllib GET of the JWKS (this server's and the loopback's share).
    ctx_cold = sample({"Tessera RemoteKeySet + Verifier, no fetch": lambda: tessera_verifier(),
                       "urllib GET of the JWKS alone": fetch_only}, rounds, seconds)

    op_w, op_c = "verify, remote JWKS (warm cache)", "cold start: remote JWKS + first verify"
    notes = {
        "PyJWT": "PyJWKClient(url) with its defaults (JWK-set cache 300 s, no per-kid cache), "
                 "get_signing_key_from_jwt(token) then jwt.decode(token, key.key, algorithms, issuer, audience)",
        "PyJWT (cache_keys)": "the same with PyJWKClient(url, cache_keys=True): an LRU of signing keys by kid",
    }
    rows = [benchjson.row(op_w, alg, "Verifier(RemoteKeySet(url)).verify", peer, s["Tessera"], s[peer],
                          note=notes[peer] + "; warm: the server saw no request while the row ran",
                          http_requests_during_rows=warm_requests)
            for peer in ("PyJWT", "PyJWT (cache_keys)")]
    rows.append(benchjson.row(
        op_c, alg, "Verifier(RemoteKeySet(url)) + verify", "PyJWT", c["Tessera"], c["PyJWT"],
        note="construct the set/client and verify one token: one HTTP fetch of a 3-key JWKS each "
             "(checked), plain HTTP on loopback (no TLS), a new connection each time; the server's time is in both",
        http_requests_per_op=1))
    m = {k: benchjson.median(v) for k, v in s.items()}
    mc = {k: benchjson.median(v) for k, v in c.items()}
    mx = {k: benchjson.median(v) for k, v in ctx.items()}
    mxc = {k: benchjson.median(v) for k, v in ctx_cold.items()}
    print(f"{alg} {op_w}: " + "  ".join(f"{k} {v:8.2f} µs" for k, v in m.items())
          + "   | " + "  ".join(f"{r['peer']} {r['ratio']:.2f}x" for r in rows[:2]))
    print(f"{alg} {op_c}: " + "  ".join(f"{k} {v:8.1f} µs" for k, v in mc.items())
          + f"   | PyJWT {rows[2]['ratio']:.2f}x")
    print(f"{alg} context, warm: " + "  ".join(f"{k} {v:.2f} µs" for k, v in mx.items()))
    print(f"{alg} context, cold: " + "  ".join(f"{k} {v:.1f} µs" for k, v in mxc.items()))
    print(f"{alg} Tessera status after the warm rows: state={status.state} keys={status.keys} "
          f"requests={status.requests}")
    return rows


if __name__ == "__main__":
    sys.exit(main())
