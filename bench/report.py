#!/usr/bin/env python3
"""Turns criterion's estimates for the `jwt` benchmark into a Markdown table.

Reads <criterion-dir>/<group>/<function>/new/{benchmark,estimates}.json
(mean point estimate, in ns), prints the table and writes it to --out.
Standard library only.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

IMPLS = ["ring_floor", "tessera", "jsonwebtoken_9", "jsonwebtoken_11"]
ALGS = ["HS256", "RS256", "ES256", "EdDSA"]
OPS = ["sign", "verify"]

# Tessera's targets, as a maximum tessera/floor ratio (None: no target).
def target(group):
    alg, op = group.split("/")
    if alg == "HS256":
        return 2.0 if op == "verify" else None
    return 1.05


def load_paired(path, since):
    """{group: {"median_ns": {...}, "ratios": {"a/b": {"median", "q1", "q3"}}}}"""
    if not path or not os.path.exists(path) or os.path.getmtime(path) < since:
        return {}
    try:
        with open(path) as f:
            return json.load(f).get("groups", {})
    except (OSError, ValueError):
        return {}


def load(criterion_dir, since, stat):
    """{group: {function: (estimate_ns, ci_half_width_fraction)}}"""
    out = {}
    if not os.path.isdir(criterion_dir):
        return out
    for root, _dirs, files in os.walk(criterion_dir):
        if os.path.basename(root) != "new" or "estimates.json" not in files:
            continue
        est_path = os.path.join(root, "estimates.json")
        if os.path.getmtime(est_path) < since:
            continue  # stale: not produced by this run
        try:
            with open(os.path.join(root, "benchmark.json")) as f:
                meta = json.load(f)
            with open(est_path) as f:
                est = json.load(f)
        except (OSError, ValueError):
            continue
        group, func = meta.get("group_id"), meta.get("function_id")
        if not group or func not in IMPLS:
            continue
        e = est[stat]
        point = e["point_estimate"]
        ci = e["confidence_interval"]
        half = (ci["upper_bound"] - ci["lower_bound"]) / 2 / point if point else 0.0
        out.setdefault(group, {})[func] = (point, half)
    return out


def fmt_time(ns_half):
    if ns_half is None:
        return "—"
    ns, half = ns_half
    us = ns / 1000.0
    if us >= 100:
        s = f"{us:.0f}"
    elif us >= 10:
        s = f"{us:.1f}"
    elif us >= 1:
        s = f"{us:.2f}"
    else:
        s = f"{us:.3f}"
    return f"{s} ±{half * 100:.0f}%"


def ratio(a, b):
    if a is None or b is None or b[0] == 0:
        return None
    return a[0] / b[0]


def fmt_ratio(r):
    return "—" if r is None else f"{r:.2f}x"


def machine_note():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        load1 = os.getloadavg()[0]
        load = f", load average {load1:.1f} at the end of the run"
    except OSError:
        load = ""
    return f"{os.cpu_count()} logical CPUs ({cpu}){load}"


def git_rev():
    """The commit, marked when core/src differs from it (a shared workspace)."""
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "core/src"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        return rev + (" (core/src modified)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def paired_ratio(paired, group, name):
    """(p10 ratio, per-round median, q1, q3) or None."""
    p = paired.get(group, {}).get("ratios", {}).get(name)
    if p is None or "p10" not in p:
        return None
    return (p["p10"], p["median"], p["q1"], p["q3"])


def fmt_paired(p):
    if p is None:
        return "—"
    return f"**{p[0]:.3f}** ({p[1]:.3f}; {p[2]:.2f}–{p[3]:.2f})"


def table(results, paired):
    groups = [f"{a}/{o}" for a in ALGS for o in OPS]
    groups += sorted(g for g in results if g not in groups)
    lines = [
        "| group | ring floor µs | tessera µs | jsonwebtoken 9 µs | jsonwebtoken 11 µs "
        "| tessera / floor | paired tessera / floor: p10 (median; IQR) | target "
        "| jsonwebtoken 9 / tessera* | jsonwebtoken 11 / tessera* |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    verdicts = []
    for g in groups:
        r = results.get(g)
        if not r:
            continue
        t, f = r.get("tessera"), r.get("ring_floor")

        def peer(name, g=g, r=r, t=t):
            p = paired_ratio(paired, g, f"{name}/tessera")
            return p[0] if p else ratio(r.get(name), t)

        pt = paired_ratio(paired, g, "tessera/ring_floor")
        # Targets are judged on the paired ratio when there is one (robust to
        # machine noise), else on criterion's estimates.
        tf = pt[0] if pt else ratio(t, f)
        limit = target(g) if "/" in g else None
        if limit is None:
            tgt = "—"
        elif tf is None:
            tgt = f"≤ {limit:.2f}x ?"
        else:
            ok = tf <= limit
            tgt = f"≤ {limit:.2f}x {'met' if ok else 'MISSED'}"
            verdicts.append((g, tf, limit, ok))
        lines.append(
            f"| {g} | {fmt_time(f)} | {fmt_time(t)} | {fmt_time(r.get('jsonwebtoken_9'))} "
            f"| {fmt_time(r.get('jsonwebtoken_11'))} | {fmt_ratio(ratio(t, f))} "
            f"| {fmt_paired(pt)} | {tgt} "
            f"| {fmt_ratio(peer('jsonwebtoken_9'))} "
            f"| {fmt_ratio(peer('jsonwebtoken_11'))} |"
        )
    return "\n".join(lines), verdicts


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--criterion-dir", default="target/criterion")
    ap.add_argument("--since", type=float, default=0,
                    help="ignore estimates older than this Unix time")
    ap.add_argument("--stat", choices=["mean", "median"], default="mean")
    ap.add_argument("--mode", default="full")
    ap.add_argument("--paired", help="paired.json written by benches/paired.rs")
    ap.add_argument("--out", help="also write the report to this Markdown file")
    args = ap.parse_args()

    results = load(args.criterion_dir, args.since, args.stat)
    if not results:
        print(f"no criterion estimates under {args.criterion_dir}", file=sys.stderr)
        return 1
    paired = load_paired(args.paired, args.since)
    body, verdicts = table(results, paired)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    missed = [v for v in verdicts if not v[3]]
    summary = (
        "All Tessera targets met."
        if verdicts and not missed
        else "Targets missed: "
        + ", ".join(f"{g} ({r:.3f}x > {lim:.2f}x)" for g, r, lim, _ in missed)
        + "."
        if missed
        else ""
    )
    text = "\n".join([
        "# Benchmark results",
        "",
        f"{now}, commit {git_rev()}, {args.mode} run, criterion {args.stat} "
        f"(± = half the 95% confidence interval).",
        f"Machine: {machine_note()}.",
        "Numbers from a shared machine are noisy; compare ratios within one run.",
        "Targets are judged on the paired p10 ratio (interleaved ~0.5 ms batches, "
        "benches/paired.rs) when present."
        if paired else "No paired ratios in this run; targets judged on criterion means.",
        "",
        body,
        "",
        "µs = criterion mean per operation; tessera / floor = ratio of those means; "
        "paired p10 = ratio of the two implementations' 10th-percentile batch times "
        "(least-disturbed batches), with the median and interquartile range of the "
        "per-round ratios in parentheses; * = paired p10 ratio when available, else "
        "ratio of means.",
        "",
        summary,
        "",
    ])
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
