#!/usr/bin/env python3
"""Tessera's C ABI vs its Rust core (bench/c/README.md). Called by bench/c/run
after the build; stdlib only.

    harness.py --c-bin PATH --core-bin PATH --keys DIR [--quick] [--json PATH]
               [--malloc-count PATH]

1. Cross-acceptance: each side verifies the other's tokens (HS256, RS256 and
   EdDSA must be byte-identical); any failure exits non-zero.
2. Timing: both programs run in `serve` mode side by side and take turns:
   every round asks each for one batch (~1 ms; sizes calibrated once by the
   C program, the same for both) of each of the eight (op, alg) cases, the
   two batches of a case back to back (who goes first alternates), the case
   order rotated per round. Only one of them runs at any time, and load
   changes hit the two batches of a pair alike. Row figures: medians over
   the rounds; ratio = core_us / c_us; ratio_iqr from the per-round ratios.
3. Scaling (C, 1 and 2 pthreads sharing one handle) and memory (allocations
   per op through the malloc_count shim, C and core; peak RSS; the leak
   check: 10M HS256 verifications through the C ABI, 1M with --quick).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile

CASES = [(op, alg) for op in ("sign", "verify") for alg in ("HS256", "RS256", "ES256", "EdDSA")]
PEER = "tessera Rust core"
C_API = {"sign": "tessera_jwt_encode + tessera_string_free",
         "verify": "tessera_verifier_verify + tessera_string_free"}
CORE_API = {"sign": "jwt::encode", "verify": "Verifier::verify"}
TARGET = 0.95


def die(msg: str) -> None:
    print(f"bench/c: error: {msg}", file=sys.stderr)
    sys.exit(1)


def run(cmd: list[str], env: dict | None = None) -> str:
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.stderr.write(p.stdout + p.stderr)
        die(f"{' '.join(cmd)} exited with {p.returncode}")
    return p.stdout


def quantile(xs: list[float], q: float) -> float:
    s = sorted(xs)
    if len(s) == 1:
        return s[0]
    pos = q * (len(s) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def cross_check(c_bin: str, core_bin: str, keys: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        c_tokens, core_tokens = os.path.join(d, "c"), os.path.join(d, "core")
        with open(c_tokens, "w") as f:
            f.write(run([c_bin, "check", keys]))
        with open(core_tokens, "w") as f:
            f.write(run([core_bin, "tokens"]))
        print(run([c_bin, "verify-tokens", keys, core_tokens]).strip())
        print(run([core_bin, "verify-tokens", c_tokens]).strip())


class Server:
    """A benchmark process in `serve` mode: one batch per request."""

    def __init__(self, cmd: list[str]):
        self.cmd = cmd
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  bufsize=1)

    def batch(self, case: int, n: int) -> float:
        self.p.stdin.write(f"{case} {n}\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if not line:
            self.p.wait()
            die(f"{' '.join(self.cmd)} stopped (exit status {self.p.returncode})")
        return float(line)

    def close(self) -> None:
        self.p.stdin.close()
        if self.p.wait() != 0:
            die(f"{' '.join(self.cmd)} exited with {self.p.returncode}")


def timing(c_bin: str, core_bin: str, keys: str, rounds: int, batch_us: float):
    """Both processes stay up; every round asks each for one batch of every
    case, C and core back to back (who goes first alternates), the case order
    rotated by one per round. Returns per-case lists of (c_us, core_us)."""
    batches = {}
    for line in run([c_bin, "calibrate", keys, str(batch_us)]).splitlines():
        f = line.split()
        if f and f[0] == "batch":
            batches[(f[1], f[2])] = int(f[3])
    n = [batches[c] for c in CASES]
    print(f"batch sizes (ops per batch, ~{batch_us:.0f} µs): {','.join(map(str, n))}")
    c_srv, core_srv = Server([c_bin, "serve", keys]), Server([core_bin, "serve"])
    for k in range(len(CASES)):  # warm-up
        c_srv.batch(k, n[k])
        core_srv.batch(k, n[k])
    pairs: dict = {c: [] for c in CASES}
    for r in range(rounds):
        for j in range(len(CASES)):
            k = (r + j) % len(CASES)
            if (r // 2 + j) % 2 == 0:
                c_us = c_srv.batch(k, n[k])
                core_us = core_srv.batch(k, n[k])
            else:
                core_us = core_srv.batch(k, n[k])
                c_us = c_srv.batch(k, n[k])
            pairs[CASES[k]].append((c_us, core_us))
    c_srv.close()
    core_srv.close()
    return batches, pairs


def rows_from(pairs, batches):
    rows = []
    for case in CASES:
        op, alg = case
        c_all = [c for c, _ in pairs[case]]
        core_all = [k for _, k in pairs[case]]
        ratios = [k / c for c, k in pairs[case]]
        c_us, core_us = statistics.median(c_all), statistics.median(core_all)
        c10, core10 = quantile(c_all, 0.10), quantile(core_all, 0.10)
        extra = ("; C pays for the claims JSON as a new C string (copied out with its NUL) and"
                 " frees it with tessera_string_free inside the timed loop") if op == "verify" \
            else ("; C passes the claims as a C string (strlen + UTF-8 check at the boundary) and"
                  " gets the token as a new C string, freed with tessera_string_free inside the timed loop")
        rows.append({
            "language": "c", "operation": op, "algorithm": alg,
            "tessera": C_API[op] + " (C ABI, static libtessera)",
            "tessera_us": round(c_us, 4), "peer": PEER, "peer_us": round(core_us, 4),
            "ratio": round(core_us / c_us, 4),
            "tessera_iqr": [round(quantile(c_all, .25), 4), round(quantile(c_all, .75), 4)],
            "peer_iqr": [round(quantile(core_all, .25), 4), round(quantile(core_all, .75), 4)],
            "ratio_iqr": [round(quantile(ratios, .25), 4), round(quantile(ratios, .75), 4)],
            "rounds": len(c_all), "target": TARGET,
            "ratio_p10": round(core10 / c10, 4),
            "ratio_median_paired": round(statistics.median(ratios), 4),
            "ffi_ns": round((c_us - core_us) * 1e3, 1),
            "note": (f"peer = {CORE_API[op]} (bench/src/bin/core_rounds.rs); the C and Rust processes"
                     f" take turns, one batch of {batches[case]} ops each, back to back; ratio of p10s"
                     f" {core10 / c10:.3f}, median of the paired per-round ratios"
                     f" {statistics.median(ratios):.3f}{extra}"),
        })
    return rows


def scaling(c_bin: str, keys: str, seconds: float):
    out = []
    base = {}
    for line in run([c_bin, "scaling", keys, str(seconds)]).splitlines():
        f = line.split()
        if not f or f[0] != "scaling":
            continue
        op, alg, threads, ops, cpus = f[1], f[2], int(f[3]), float(f[4]), float(f[5])
        row = {"language": "c", "operation": op, "algorithm": alg,
               "api": C_API[op] + " (one shared " + ("key" if op == "sign" else "verifier") + " handle, pthreads)",
               "threads": threads, "ops_per_s": round(ops, 1),
               "cpus_used": round(cpus, 2), "ops_per_cpu_s": round(ops / cpus, 1) if cpus else None,
               "note": f"CPU time / wall time of the process: {cpus:.2f} (the cores the threads got)"}
        if threads == 1:
            base[(op, alg)] = ops
        else:
            row["speedup"] = round(ops / base[(op, alg)], 3)
        out.append(row)
    return out


def parse_allocs(text: str) -> dict:
    allocs = {}
    for line in text.splitlines():
        f = line.split()
        if f and f[0] == "allocs":
            allocs[(f[1], f[2])] = {"ops": int(f[3]), "allocs_per_op": float(f[4]),
                                   "alloc_bytes_per_op": float(f[5]), "frees_per_op": float(f[6])}
    return allocs


def memory(c_bin: str, core_bin: str, keys: str, shim: str, ops: int, leak_ops: int):
    env = dict(os.environ, LD_PRELOAD=shim, MALLOC_COUNT_OUT=os.devnull)
    text = run([c_bin, "memory", keys, str(ops), str(leak_ops)], env=env)
    if "shim 1" not in text:
        die(f"the malloc_count shim ({shim}) was not loaded")
    c_allocs = parse_allocs(text)
    core_allocs = parse_allocs(run([core_bin, "memory", str(ops)], env=env))
    samples, peak = [], None
    for line in text.splitlines():
        f = line.split()
        if f and f[0] == "rss":
            samples.append([int(f[1]), int(f[2])])
        elif f and f[0] == "peak_rss":
            peak = int(f[1])
    growth = samples[-1][1] - samples[0][1]
    a = c_allocs[("verify", "HS256")]
    k = core_allocs.get(("verify", "HS256"), {})
    row = {"language": "c", "operation": "verify", "algorithm": "HS256",
           "api": C_API["verify"], "ops": leak_ops, "peak_rss_kib": peak,
           "allocs_per_op": a["allocs_per_op"], "alloc_bytes_per_op": a["alloc_bytes_per_op"],
           "rss_samples_kib": samples, "growth_kib": growth, "leak": growth > 1024,
           "note": (f"malloc_count shim (LD_PRELOAD) around {a['ops']} calls of tessera_verifier_verify"
                    f" + tessera_string_free: every malloc/calloc/realloc of the process (Rust's System"
                    f" allocator included); the Rust core's Verifier::verify: {k.get('allocs_per_op', 'n/a')}"
                    f" allocs, {k.get('alloc_bytes_per_op', 'n/a')} bytes per op. Leak check: {leak_ops}"
                    f" verifications, VmRSS every tenth, growth = last - first sample. Peak RSS = VmHWM of"
                    f" that process. A realloc counts as an allocation, so allocs - frees is no live count.")}
    table = [{"operation": op, "algorithm": alg,
              "c_allocs_per_op": c_allocs[(op, alg)]["allocs_per_op"],
              "c_bytes_per_op": c_allocs[(op, alg)]["alloc_bytes_per_op"],
              "core_allocs_per_op": core_allocs.get((op, alg), {}).get("allocs_per_op"),
              "core_bytes_per_op": core_allocs.get((op, alg), {}).get("alloc_bytes_per_op")}
             for op, alg in CASES]
    return [row], table


def tool_version(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0].strip()
    except (OSError, IndexError):
        return "unknown"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--c-bin", required=True)
    ap.add_argument("--core-bin", required=True)
    ap.add_argument("--keys", required=True)
    ap.add_argument("--malloc-count", required=True)
    ap.add_argument("--version", default="unknown")
    ap.add_argument("--backend", required=True, help="the crypto backend both sides must use")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json")
    a = ap.parse_args()

    rounds = 100 if a.quick else 1000
    scaling_s = 0.5 if a.quick else 2.0
    mem_ops, leak_ops = (20_000, 1_000_000) if a.quick else (200_000, 10_000_000)

    load0 = os.getloadavg()[0]
    backend = run([a.core_bin, "backend"]).strip()
    if backend != a.backend:
        die(f"the Rust core program runs on {backend}, the C library on {a.backend}")
    cross_check(a.c_bin, a.core_bin, a.keys)
    batches, pairs = timing(a.c_bin, a.core_bin, a.keys, rounds, 1000.0)
    rows = rows_from(pairs, batches)

    print(f"\nC ABI vs Rust core, medians of {rounds} paired rounds (lock step, one batch each in "
          f"turn); ratio = core / C (target >= {TARGET})")
    print(f"{'op':7} {'alg':6} {'C µs':>10} {'core µs':>10} {'C-core ns':>10} {'ratio':>7} "
          f"{'ratio IQR':>15} {'p10 ratio':>9}")
    for r in rows:
        print(f"{r['operation']:7} {r['algorithm']:6} {r['tessera_us']:10.3f} {r['peer_us']:10.3f} "
              f"{r['ffi_ns']:10.1f} {r['ratio']:7.3f} {r['ratio_iqr'][0]:7.3f}-{r['ratio_iqr'][1]:<7.3f} "
              f"{r['ratio_p10']:9.3f}")

    scal = scaling(a.c_bin, a.keys, scaling_s)
    print(f"\nscaling (C ABI, pthreads sharing one handle, {scaling_s} s each)")
    for s in scal:
        print(f"  {s['operation']:6} {s['algorithm']:6} {s['threads']} thread(s): "
              f"{s['ops_per_s']:12.1f} ops/s  (got {s['cpus_used']:.2f} CPUs)"
              + (f"  speedup {s['speedup']:.2f}x" if "speedup" in s else ""))

    mem, allocs = memory(a.c_bin, a.core_bin, a.keys, a.malloc_count, mem_ops, leak_ops)
    print("\nallocations per op (malloc_count shim): C ABI vs Rust core")
    for t in allocs:
        print(f"  {t['operation']:6} {t['algorithm']:6} C {t['c_allocs_per_op']:.2f} "
              f"({t['c_bytes_per_op']:.0f} B)   core {t['core_allocs_per_op']:.2f} "
              f"({t['core_bytes_per_op']:.0f} B)")
    m = mem[0]
    print(f"leak check: {m['ops']} HS256 verifications through the C ABI: peak RSS {m['peak_rss_kib']} KiB, "
          f"growth {m['growth_kib']} KiB (after the first tenth): {'LEAK' if m['leak'] else 'no leak'}")

    load1 = os.getloadavg()[0]
    doc = {
        "language": "c",
        "env": {"tessera": a.version,
                "runtime": f"{tool_version(['gcc', '--version'])}; {tool_version(['rustc', '-V'])}; "
                           f"{platform.machine()}",
                "peers": {PEER: a.version}, "crypto_backend": backend,
                "loadavg": round(load0, 2), "loadavg_end": round(load1, 2),
                "quick": a.quick, "cpus": os.cpu_count()},
        "rows": rows, "memory": mem, "scaling": scal, "allocs": allocs,
    }
    if a.json:
        os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
        with open(a.json, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        print(f"\nwrote {a.json}")


if __name__ == "__main__":
    main()
