"""Shared helpers of the Python runners: interleaved timing, medians and IQRs,
and the JSON object bench/run reads (the runner contract, see bench/README.md).

Method (unchanged from the first Python benchmark): each row times every
library in turn, one batch of about `seconds` each, for `rounds` rounds
(A B C A B C …). The row's figure is the median of the per-round µs/op; the
spread is the interquartile range (p25..p75) of those per-round figures; the
ratio's spread is the IQR of the per-round ratios peer / Tessera (paired: the
two batches of a round ran back to back, under the same load).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

LANGUAGE = "python"


def per_op(fn: Callable[[], Any], seconds: float) -> float:
    """µs per call over a batch sized to take about `seconds`."""
    n, t = 1, 0.0
    while True:  # calibrate
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        t = time.perf_counter() - t0
        if t >= seconds / 4:
            break
        n *= 4
    n = max(1, int(n * seconds / t))
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n * 1e6


def sample(fns: Dict[str, Callable[[], Any]], rounds: int, seconds: float) -> Dict[str, List[float]]:
    """Per library, the µs/op of each interleaved round."""
    samples: Dict[str, List[float]] = {k: [] for k in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            samples[name].append(per_op(fn, seconds))
    return samples


def median(xs: Sequence[float]) -> float:
    return statistics.median(xs)


def iqr(xs: Sequence[float]) -> List[float]:
    """[p25, p75] (inclusive method: stays inside the data; a single value gives [x, x])."""
    if len(xs) < 2:
        return [xs[0], xs[0]]
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return [q[0], q[2]]


def r(x: float, digits: int = 4) -> float:
    """Rounds to `digits` significant digits (readable JSON, no false precision)."""
    if x == 0 or x != x:
        return x
    return float(f"{x:.{digits}g}")


def row(operation: str, algorithm: str, tessera_api: str, peer: str,
        t_samples: Sequence[float], p_samples: Sequence[float],
        target: Optional[float] = None, note: Optional[str] = None, **extra: Any) -> Dict[str, Any]:
    """One row of the contract from paired per-round samples (same length, same order)."""
    t, p = r(median(t_samples), 5), r(median(p_samples), 5)
    ratios = [b / a for a, b in zip(t_samples, p_samples)]
    out: Dict[str, Any] = {
        "language": LANGUAGE, "operation": operation, "algorithm": algorithm,
        "tessera": tessera_api, "tessera_us": t, "peer": peer, "peer_us": p,
        # the ratio of the two figures as written (medians to 5 significant digits)
        "ratio": r(p / t, 6), "tessera_iqr": [r(x) for x in iqr(t_samples)],
        "peer_iqr": [r(x) for x in iqr(p_samples)], "ratio_iqr": [r(x) for x in iqr(ratios)],
        "rounds": len(t_samples),
    }
    if target is not None:
        out["target"] = target
    if note:
        out["note"] = note
    out.update(extra)
    return out


def check_targets(rows: List[Dict[str, Any]]) -> List[str]:
    """Human-readable list of the rows whose median ratio is below their target."""
    return [f"{x['operation']} {x['algorithm']} vs {x['peer']}: {x['ratio']:.2f}x < {x['target']}x"
            for x in rows if "target" in x and x["ratio"] < x["target"]]


def env(peers: Dict[str, str], quick: bool) -> Dict[str, Any]:
    import tessera

    return {"tessera": tessera.__version__, "runtime": f"Python {sys.version.split()[0]}",
            "peers": peers, "loadavg": round(os.getloadavg()[0], 2), "quick": quick,
            "cpus": os.cpu_count()}


def version(dist: str) -> str:
    from importlib.metadata import version as v

    return v(dist)


def write(path: Optional[str], env_: Dict[str, Any], rows: List[Dict[str, Any]],
          memory: Optional[List[Dict[str, Any]]] = None,
          scaling: Optional[List[Dict[str, Any]]] = None) -> None:
    if not path:
        return
    env_ = dict(env_, loadavg_end=round(os.getloadavg()[0], 2))
    doc = {"language": LANGUAGE, "env": env_, "rows": rows, "memory": memory or [],
           "scaling": scaling or []}
    p = Path(path)
    if p.parent != Path(""):
        p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    os.replace(tmp, p)
    print(f"# wrote {p}", flush=True)
