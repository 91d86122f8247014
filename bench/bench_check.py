"""Benchmark: parse + check of a disclosure in a warm process, and CLI start-up time.

Usage: .venv/bin/python bench/bench_check.py [FILE]   (default: ../shared seed, else the example)
Prints a Markdown table; results are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    default = REPO.parent / "shared" / "seeds" / "000_f2a3e5ca77432ebc.txt"
    if not default.exists():
        default = REPO / "examples" / "example-planted.txt"
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    from juesuan import api

    api.check(path)  # warm: imports, layouts, rule packs, catalogs
    runs = []
    for _ in range(30):
        t0 = time.perf_counter()
        api.check(path)
        runs.append((time.perf_counter() - t0) * 1000)
    starts = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "juesuan.cli", "--help"], capture_output=True, check=True)
        starts.append(time.perf_counter() - t0)
    cold = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "juesuan.cli", "check", str(path), "--format", "json"], capture_output=True
        )
        cold.append(time.perf_counter() - t0)
    print(f"file: {path.name}")
    print("| measure | median | min | max |")
    print("|---|---|---|---|")
    print(f"| parse + check, warm process (ms) | {statistics.median(runs):.1f} | {min(runs):.1f} | {max(runs):.1f} |")
    print(f"| CLI start (`--help`, s) | {statistics.median(starts):.2f} | {min(starts):.2f} | {max(starts):.2f} |")
    print(
        f"| CLI `check --format json`, cold process (s) | {statistics.median(cold):.2f} | {min(cold):.2f} | {max(cold):.2f} |"
    )


if __name__ == "__main__":
    main()
