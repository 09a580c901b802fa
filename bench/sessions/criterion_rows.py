#!/usr/bin/env python3
"""Turns the Rust session benchmark's criterion output (bencher format) into
runner-contract rows for bench/report.py: Tessera's RedisStore-backed
`SessionManager::load` against a bare redis-rs GET of the same record on the
same connection pool settings (the floor: one round trip, no decoding).

    python3 criterion_rows.py IN.txt OUT.json

Criterion gives a mean and a spread (+/-), not rounds, so these rows carry
no IQR; the spread is kept in `note`.
"""
import json
import re
import sys

LINE = re.compile(r"^test (\S.*?) \.\.\. bench:\s+([\d,.]+) ns/iter \(\+/- ([\d,.]+)\)")


def main() -> None:
    src, out = sys.argv[1], sys.argv[2]
    times = {}
    for line in open(src):
        m = LINE.match(line.strip())
        if m:
            times[m.group(1)] = (float(m.group(2).replace(",", "")) / 1000,
                                 float(m.group(3).replace(",", "")) / 1000)
    floor = times.get("session/redis/floor: redis-rs GET")
    rows = []
    for name, api in [("session/redis/load", "SessionManager::load"),
                      ("session/redis/load (idle timeout: touch)", "SessionManager::load (idle touch)")]:
        if name not in times or not floor:
            sys.exit(f"criterion_rows: {name!r} or the floor is missing from {src}")
        t, spread = times[name]
        rows.append({"language": "rust", "operation": "session load", "algorithm": "redis",
                     "tessera": api, "tessera_us": round(t, 3), "peer": "redis-rs GET (floor)",
                     "peer_us": round(floor[0], 3), "ratio": round(floor[0] / t, 4),
                     "note": f"criterion means (+/- {spread:.1f} µs Tessera, {floor[1]:.1f} µs floor); "
                             "one local Redis round trip dominates"})
    json.dump({"language": "rust", "env": {"runner": "criterion (bencher format)"}, "rows": rows,
               "memory": [], "scaling": []}, open(out, "w"), indent=1)


if __name__ == "__main__":
    main()
