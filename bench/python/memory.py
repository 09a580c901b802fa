#!/usr/bin/env python3
"""Memory of HS256 verification through the Python binding (Verifier.verify).

What it reports (one row of the runner contract's "memory" list):

- allocations per op, counted by bench/memory/malloc_count.c (an LD_PRELOAD
  shim counting every malloc/calloc/realloc/posix_memalign of the process),
  read live through ctypes before and after M verifications, in two child
  processes:
  * default allocator: what reaches malloc — the Rust core's allocations plus
    any Python block over 512 bytes (pymalloc serves the smaller ones from its
    own pools, which malloc never sees)  → native_allocs_per_op;
  * PYTHONMALLOC=malloc: every Python object allocation also goes to malloc,
    so the count is everything one call allocates (the result dict, its
    strings and ints, and the core's)  → allocs_per_op (the headline figure),
    python_allocs_per_op = the difference.
  A bare loop of the same length is counted too and subtracted (it is 0).
- peak RSS (VmHWM) of the child that ran the leak check;
- the leak check: N verifications (10,000,000; 1,000,000 with --quick), VmRSS
  sampled every N/10; growth = last sample − first sample (the first is taken
  after the first tenth, so warm-up is excluded); leak = growth > 1024 KiB.
  Also the growth of outstanding malloc blocks (allocs − frees) over the same
  span, which is exact where RSS is page-granular;
- tracemalloc (Python-level): net traced bytes after 100,000 calls (whether
  Python objects survive the call) and the traced peak of one call.

Timing runs are never instrumented: everything runs in children started with
LD_PRELOAD; this parent only collects. The shim comes from
$TESSERA_BENCH_MALLOC_COUNT (bench/run builds it) or is built here with gcc
into $CARGO_TARGET_DIR/bench-memory/.

    python bench/python/memory.py [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import subprocess
import sys
import time
import tracemalloc
from itertools import repeat
from pathlib import Path
from typing import Any, Dict, List, Tuple

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchjson  # noqa: E402

CLAIMS = {"sub": "1234567890", "name": "John Doe", "admin": True, "iat": 1700000000,
          "exp": 4102444800, "iss": "https://issuer.example", "aud": "api"}
ISS, AUD = "https://issuer.example", "api"
SECRET = b"tessera-bench-hmac-secret-32-bytes-long!"
LEAK_KIB = 1024


# ------------------------------------------------------------------ child side

def proc_status(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])  # kB
    raise KeyError(field)


def snapshot() -> Tuple[int, int, int]:
    arr = (ctypes.c_ulonglong * 3)()
    _snap(arr)
    return arr[0], arr[1], arr[2]


def count(fn: Any, arg: Any, n: int) -> Tuple[float, float]:
    """(allocs per call, bytes per call) of fn(arg), n calls."""
    a0, b0, _ = snapshot()
    for _ in repeat(None, n):
        fn(arg)
    a1, b1, _ = snapshot()
    return (a1 - a0) / n, (b1 - b0) / n


def child(mode: str, ops: int, count_ops: int) -> Dict[str, Any]:
    import tessera

    key = tessera.Key.hmac(SECRET)
    token = tessera.jwt.encode(CLAIMS, key)
    verify = tessera.Verifier(key, issuer=ISS, audience=AUD).verify
    assert verify(token) == CLAIMS
    for _ in repeat(None, 20000):  # warm-up: caches, interned names, pools
        verify(token)
    base_a, base_b = count(len, token, count_ops)  # the loop itself, a call that allocates nothing
    a, b = count(verify, token, count_ops)
    out: Dict[str, Any] = {"allocs_per_op": a - base_a, "bytes_per_op": b - base_b,
                           "baseline_allocs_per_op": base_a}
    if mode == "counts":
        return out
    chunk = ops // 10
    samples: List[List[int]] = []
    blocks: List[int] = []
    t0 = time.perf_counter()
    for i in range(1, 11):
        for _ in repeat(None, chunk):
            verify(token)
        samples.append([i * chunk, proc_status("VmRSS")])
        al, _, fr = snapshot()
        blocks.append(al - fr)
    out["leak_seconds"] = time.perf_counter() - t0
    out["ops"] = chunk * 10
    out["rss_samples_kib"] = samples
    out["blocks_growth"] = blocks[-1] - blocks[0]
    out["peak_rss_kib"] = proc_status("VmHWM")
    # Python-level, after the RSS figures (tracemalloc's own bookkeeping costs memory).
    tracemalloc.start()
    for _ in repeat(None, 1000):
        verify(token)
    cur0, _ = tracemalloc.get_traced_memory()
    for _ in repeat(None, 100000):
        verify(token)
    cur1, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    base, _ = tracemalloc.get_traced_memory()
    result = verify(token)
    _, peak = tracemalloc.get_traced_memory()
    del result
    tracemalloc.stop()
    out["tracemalloc_net_bytes_100k"] = cur1 - cur0
    out["tracemalloc_peak_bytes_per_call"] = peak - base
    return out


# ------------------------------------------------------------------ parent side

def shim_path() -> str:
    env = os.environ.get("TESSERA_BENCH_MALLOC_COUNT")
    if env:
        if not Path(env).is_file():
            sys.exit(f"TESSERA_BENCH_MALLOC_COUNT={env} does not exist")
        return env
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    out = target / "bench-memory" / "libmalloc_count.so"
    src = ROOT / "bench" / "memory" / "malloc_count.c"
    if not out.exists() or out.stat().st_mtime < src.stat().st_mtime:
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", str(out), str(src)], check=True)
    return str(out)


def run_child(shim: str, mode: str, ops: int, count_ops: int, pymalloc: bool) -> Dict[str, Any]:
    env = dict(os.environ, LD_PRELOAD=shim, MALLOC_COUNT_OUT=os.devnull)
    env.pop("PYTHONMALLOC", None)
    if not pymalloc:
        env["PYTHONMALLOC"] = "malloc"
    cmd = [sys.executable, __file__, "--child", mode, "--ops", str(ops), "--count-ops", str(count_ops)]
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(p.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="1,000,000 verifications instead of 10,000,000")
    ap.add_argument("--json", metavar="PATH", help="write the runner JSON (bench/run's contract) here")
    ap.add_argument("--ops", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--count-ops", type=int, default=200000, help=argparse.SUPPRESS)
    ap.add_argument("--child", choices=["main", "counts"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    ops = args.ops or (1_000_000 if args.quick else 10_000_000)
    if args.child:
        global _snap
        try:
            _snap = ctypes.CDLL(None).malloc_count_snapshot
        except AttributeError:
            sys.exit("malloc_count_snapshot not found: run with LD_PRELOAD=libmalloc_count.so")
        _snap.argtypes = [ctypes.POINTER(ctypes.c_ulonglong)]
        _snap.restype = None
        print(json.dumps(child(args.child, ops, args.count_ops)))
        return 0

    import tessera

    shim = shim_path()
    env = benchjson.env({}, args.quick)
    print(f"# tessera {tessera.__version__}, Python {sys.version.split()[0]}; shim {shim}; "
          f"load {os.getloadavg()[0]:.1f}", flush=True)
    # Every allocation, Python objects included (a short child), then the
    # default allocator: native counts, the leak check, peak RSS, tracemalloc.
    allm = run_child(shim, "counts", ops, args.count_ops, pymalloc=False)
    main_ = run_child(shim, "main", ops, args.count_ops, pymalloc=True)
    native_a, native_b = main_["allocs_per_op"], main_["bytes_per_op"]
    all_a, all_b = allm["allocs_per_op"], allm["bytes_per_op"]
    samples = main_["rss_samples_kib"]
    growth = samples[-1][1] - samples[0][1]
    row: Dict[str, Any] = {
        "language": "python", "operation": "verify", "algorithm": "HS256", "api": "Verifier.verify",
        "ops": main_["ops"], "peak_rss_kib": main_["peak_rss_kib"],
        "allocs_per_op": round(all_a, 3), "alloc_bytes_per_op": round(all_b, 1),
        "native_allocs_per_op": round(native_a, 3), "native_alloc_bytes_per_op": round(native_b, 1),
        "python_allocs_per_op": round(all_a - native_a, 3),
        "python_alloc_bytes_per_op": round(all_b - native_b, 1),
        "rss_samples_kib": samples, "growth_kib": growth, "leak": growth > LEAK_KIB,
        "outstanding_blocks_growth": main_["blocks_growth"],
        "tracemalloc_net_bytes_100k": main_["tracemalloc_net_bytes_100k"],
        "tracemalloc_peak_bytes_per_call": main_["tracemalloc_peak_bytes_per_call"],
        "leak_check_us_per_op": round(main_["leak_seconds"] / main_["ops"] * 1e6, 3),
        "note": ("allocs_per_op: every allocation of one call, Python objects included (PYTHONMALLOC=malloc "
                 "child, malloc_count shim); native_*: what reaches malloc with the default allocator "
                 "(the Rust core's, pymalloc serves the small Python objects); loop baseline subtracted"),
    }
    print(f"Verifier.verify HS256: {row['allocs_per_op']} allocations/op ({row['alloc_bytes_per_op']} B) in all: "
          f"{row['native_allocs_per_op']} reach malloc ({row['native_alloc_bytes_per_op']} B, the core's), "
          f"{row['python_allocs_per_op']} Python objects ({row['python_alloc_bytes_per_op']} B)")
    print(f"leak check: {row['ops']:,} verifications ({row['leak_check_us_per_op']} µs/op under the shim), "
          f"RSS {samples[0][1]} → {samples[-1][1]} KiB (growth {growth} KiB; leak: {row['leak']}), "
          f"outstanding malloc blocks growth {row['outstanding_blocks_growth']}, peak RSS {row['peak_rss_kib']} KiB")
    print("RSS samples (ops, KiB): " + " ".join(f"{o // 1000}k:{k}" for o, k in samples))
    print(f"tracemalloc: net {row['tracemalloc_net_bytes_100k']} B after 100,000 calls; "
          f"peak {row['tracemalloc_peak_bytes_per_call']} B during one call (the result dict and its values)")
    benchjson.write(args.json, env, [], memory=[row])
    return 0


if __name__ == "__main__":
    sys.exit(main())
