"""Benchmark: whole-process ``juesuan check FILE`` with and without one environment setting.

Usage: .venv/bin/python bench/bench_ab.py NAME=VALUE PDF [PDF ...] [--runs N]
For each file, N pairs (default 15) are run alternating — the command as installed, then the same
with ``NAME=VALUE`` — so that load on the machine hits both alike; prints the medians of wall time
and of CPU time (user + system of the command and the processes it waited for). Used for the
switches of docs/benchmarks.md: ``JUESUAN_BACKREAD=0`` (the page helper), ``JUESUAN_PREFETCH=0``
(the start-up worker), ``JUESUAN_PDF_DIFFERENTIAL=off`` (the differential check).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

from bench_e2e import run  # (this folder: the same measure of one process)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("setting", help="NAME=VALUE for the second of each pair")
    ap.add_argument("files", nargs="+")
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    name, _, value = args.setting.partition("=")
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    other = {**base, name: value}
    print(f"| file | default (ms) | {args.setting} (ms) | wall | CPU default / {args.setting} (ms) |")
    print("|---|---|---|---|---|")
    for path in args.files:
        a, b = [], []
        cmd = [str(Path(sys.executable).with_name("juesuan")), "check", path]
        for _ in range(args.runs):
            a.append(run(cmd, base))
            b.append(run(cmd, other))
        wa, wb = (statistics.median(x[0] for x in runs) * 1000 for runs in (a, b))
        ca, cb = (statistics.median(x[1] for x in runs) * 1000 for runs in (a, b))
        print(f"| {Path(path).name} | {wa:.1f} | {wb:.1f} | {(wa / wb - 1) * 100:+.1f} % | {ca:.0f} / {cb:.0f} |")


if __name__ == "__main__":
    main()
