#!/usr/bin/env python3
"""Merges the runners' JSON into bench/run's one table, latest.json and a chart.

    python bench/report.py --raw DIR --out bench/results [--no-chart]

Every runner (bench/README.md, "Runners") writes one JSON object to DIR:
{"language", "env", "rows", "memory", "scaling"}. This script

* prints one table: language, operation, algorithm, Tessera µs/op, the peer,
  the peer's µs/op and the ratio (peer / Tessera; > 1 means Tessera is
  faster), each with its interquartile range over the interleaved rounds,
  and the target with met / MISSED;
* writes results/latest.json: the list of those rows, exactly the runners'
  rows (ratio = peer_us / tessera_us), plus `backend` and `target_met`;
* writes results/memory.json and results/scaling.json and prints them;
* writes results/RESULTS.md (the same tables in Markdown) and
  results/ratios.png: one bar per row, log scale, target ticks.

Standard library only, except matplotlib for the chart.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

LANG_ORDER = ["rust", "c", "python", "node"]
Row = Dict[str, Any]


def load(raw: Path) -> List[Dict[str, Any]]:
    docs = []
    for path in sorted(raw.glob("*.json")):
        try:
            doc = json.loads(path.read_text())
        except json.JSONDecodeError as e:
            sys.exit(f"report: {path} is not JSON: {e}")
        doc["_file"] = path.name
        docs.append(doc)
    if not docs:
        sys.exit(f"report: no runner output in {raw}")
    return docs


def check_row(row: Row, where: str) -> None:
    for k in ("language", "operation", "algorithm", "tessera_us", "peer", "peer_us", "ratio"):
        if k not in row:
            sys.exit(f"report: a row in {where} lacks {k!r}: {row}")
    t, p = float(row["tessera_us"]), float(row["peer_us"])
    if t <= 0 or p <= 0 or not math.isfinite(t) or not math.isfinite(p):
        sys.exit(f"report: a row in {where} has a non-positive time: {row}")
    if abs(float(row["ratio"]) - p / t) > 1e-3 * (p / t) + 1e-6:
        sys.exit(f"report: a row in {where} has ratio != peer_us / tessera_us: {row}")


def collect(docs: List[Dict[str, Any]], binding_backend: str = ""):
    rows: List[Row] = []
    memory: List[Row] = []
    scaling: List[Row] = []
    envs: Dict[str, Any] = {}
    for doc in docs:
        env = doc.get("env", {})
        envs[doc["_file"]] = env
        backend = env.get("backend") or env.get("crypto_backend")
        if not backend and doc.get("language") in ("c", "python", "node"):
            backend = binding_backend
        for r in doc.get("rows", []):
            check_row(r, doc["_file"])
            r = dict(r)
            if backend and "backend" not in r:
                r["backend"] = backend
            if r.get("target") is not None:
                r["target_met"] = r["ratio"] >= r["target"]
            rows.append(r)
        for m in doc.get("memory", []):
            m = dict(m)
            if backend and "backend" not in m:
                m["backend"] = backend
            memory.append(m)
        for s in doc.get("scaling", []):
            s = dict(s)
            if backend and "backend" not in s:
                s["backend"] = backend
            scaling.append(s)
    key = lambda r: (LANG_ORDER.index(r["language"]) if r["language"] in LANG_ORDER else 9,)
    rows.sort(key=key)
    memory.sort(key=key)
    scaling.sort(key=key)
    return rows, memory, scaling, envs


def fmt_us(v: float) -> str:
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}" if v >= 1 else f"{v:.3f}"


def fmt_iqr(iqr: Optional[List[float]], f=fmt_us) -> str:
    if not iqr:
        return ""
    return f" ({f(iqr[0])}–{f(iqr[1])})"


def fmt_ratio(v: float) -> str:
    return f"{v:.2f}x" if v < 10 else f"{v:.1f}x"


def table_lines(rows: List[Row]) -> List[str]:
    head = ("| language | operation | algorithm | backend | Tessera µs/op (IQR) | peer | peer µs/op (IQR) "
            "| ratio (IQR) | target |")
    out = [head, "|---|---|---|---|---:|---|---:|---:|---|"]
    for r in rows:
        target = ""
        if r.get("target") is not None:
            target = f"≥ {r['target']:g}x {'met' if r['target_met'] else '**MISSED**'}"
        ratio_iqr = r.get("ratio_iqr")
        ratio_txt = fmt_ratio(r["ratio"]) + (
            f" ({ratio_iqr[0]:.2f}–{ratio_iqr[1]:.2f})" if ratio_iqr else "")
        out.append(
            f"| {r['language']} | {r['operation']} | {r['algorithm']} | {r.get('backend', '')} "
            f"| {fmt_us(r['tessera_us'])}{fmt_iqr(r.get('tessera_iqr'))} | {r['peer']} "
            f"| {fmt_us(r['peer_us'])}{fmt_iqr(r.get('peer_iqr'))} | {ratio_txt} | {target} |")
    return out


def memory_lines(memory: List[Row]) -> List[str]:
    out = ["| language | backend | operation | API | allocations/op | bytes/op | peak RSS MiB "
           "| leak check: ops | RSS first → last sample (KiB) | growth KiB | verdict |",
           "|---|---|---|---|---:|---:|---:|---:|---|---:|---|"]
    for m in memory:
        s = m.get("rss_samples_kib") or []
        first_last = f"{s[0][1]} → {s[-1][1]}" if s else ""
        verdict = "LEAK?" if m.get("leak") else "flat"
        out.append(
            f"| {m['language']} | {m.get('backend', '')} | {m['operation']} {m['algorithm']} "
            f"| {m.get('api', '')} | {m.get('allocs_per_op', float('nan')):.2f} "
            f"| {m.get('alloc_bytes_per_op', float('nan')):.0f} | {m.get('peak_rss_kib', 0) / 1024:.1f} "
            f"| {m.get('ops', 0):,} | {first_last} | {m.get('growth_kib', '')} | {verdict} |")
    return out


def scaling_lines(scaling: List[Row]) -> List[str]:
    out = ["| language | backend | operation | algorithm | API | 1 thread ops/s | 2 threads ops/s | speedup |",
           "|---|---|---|---|---|---:|---:|---:|"]
    groups: Dict[tuple, Dict[int, Row]] = {}
    for s in scaling:
        k = (s["language"], s.get("backend", ""), s["operation"], s["algorithm"], s.get("api", ""))
        groups.setdefault(k, {})[int(s["threads"])] = s
    for (lang, backend, op, alg, api), by in groups.items():
        one, two = by.get(1), by.get(2)
        sp = two.get("speedup") if two else None
        if sp is None and one and two:
            sp = two["ops_per_s"] / one["ops_per_s"]
        out.append(f"| {lang} | {backend} | {op} | {alg} | {api} "
                   f"| {one['ops_per_s']:,.0f} | {two['ops_per_s']:,.0f} | {sp:.2f}x |"
                   if one and two else f"| {lang} | {backend} | {op} | {alg} | {api} | | | |")
    return out


def chart(rows: List[Row], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    langs = [l for l in LANG_ORDER if any(r["language"] == l for r in rows)]
    heights = [sum(1 for r in rows if r["language"] == l) for l in langs]
    fig, axes = plt.subplots(len(langs), 1, figsize=(11, 1.2 + 0.24 * sum(heights) + 0.6 * len(langs)),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    lo = min(r["ratio"] for r in rows)
    hi = max(r["ratio"] for r in rows)
    for ax, lang in zip(axes[:, 0], langs):
        sub = [r for r in rows if r["language"] == lang]
        labels = [f"{r['operation']} {r['algorithm']}"
                  + (f" [{r['backend']}]" if r.get("backend") and lang == "rust" else "")
                  + f" vs {r['peer']}" for r in sub]
        colors = ["#9e9e9e" if r.get("target") is None else ("#2e7d32" if r["target_met"] else "#c62828")
                  for r in sub]
        y = list(range(len(sub)))[::-1]
        ax.barh(y, [r["ratio"] for r in sub], color=colors, left=0)
        for yi, r in zip(y, sub):
            qi = r.get("ratio_iqr")
            if qi:
                ax.plot(qi, [yi, yi], color="black", linewidth=1)
            if r.get("target") is not None:
                ax.plot([r["target"]] * 2, [yi - 0.4, yi + 0.4], color="black", linewidth=2)
            ax.text(r["ratio"], yi, f" {fmt_ratio(r['ratio'])}", va="center", fontsize=7)
        ax.set_yticks(y)
        ax.set_yticklabels(labels, fontsize=7)
        ax.set_xscale("log")
        ax.set_xlim(min(0.1, lo / 1.5), max(100, hi * 2))
        ax.axvline(1.0, color="black", linestyle=":", linewidth=1)
        ax.set_title(f"{lang}: peer µs / Tessera µs (> 1: Tessera faster; green/red = target met/missed, "
                     f"grey = no target; tick = target; whisker = IQR)", fontsize=8, loc="left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", type=Path, required=True, help="directory of runner JSON files")
    ap.add_argument("--out", type=Path, required=True, help="results directory (bench/results)")
    ap.add_argument("--no-chart", action="store_true")
    ap.add_argument("--header", default="", help="a line describing the run (machine, load, commit)")
    ap.add_argument("--binding-backend", default="",
                    help="the signature backend the C, Python and Node bindings were built with")
    a = ap.parse_args()

    rows, memory, scaling, envs = collect(load(a.raw), a.binding_backend)
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "latest.json").write_text(json.dumps(rows, indent=1) + "\n")
    (a.out / "memory.json").write_text(json.dumps(memory, indent=1) + "\n")
    (a.out / "scaling.json").write_text(json.dumps(scaling, indent=1) + "\n")
    (a.out / "environment.json").write_text(json.dumps(envs, indent=1) + "\n")

    speed, mem, scale = table_lines(rows), memory_lines(memory), scaling_lines(scaling)
    missed = [r for r in rows if r.get("target") is not None and not r["target_met"]]
    met = [r for r in rows if r.get("target") is not None and r["target_met"]]
    summary = f"targets: {len(met)} met, {len(missed)} missed, {len(rows) - len(met) - len(missed)} rows without a target"
    for line in ["", "== Speed (ratio = peer µs / Tessera µs; medians of interleaved rounds, IQR in parentheses)",
                 *speed, "", summary, "", "== Memory", *mem, "", "== Scaling", *scale]:
        print(line)

    md = ["# Benchmark results", "", a.header, "",
          "Written by `bench/run` (method: bench/README.md). Ratio = peer µs / Tessera µs: "
          "above 1, Tessera is faster. Medians over interleaved rounds, interquartile ranges in "
          "parentheses.", "", "## Speed", "", *speed, "", summary, "", "![ratios](ratios.png)", "",
          "## Memory", "", *mem, "", "## Scaling", "", *scale, ""]
    (a.out / "RESULTS.md").write_text("\n".join(md))
    if not a.no_chart:
        chart(rows, a.out / "ratios.png")
        print(f"\nwrote {a.out}/latest.json, memory.json, scaling.json, RESULTS.md, ratios.png")


if __name__ == "__main__":
    main()
