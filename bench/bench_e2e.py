"""Benchmark: whole-process ``juesuan check`` against ``pdftotext -layout`` on the same PDF.

Usage: .venv/bin/python bench/bench_e2e.py [--runs N] [--command CMD] [PDF ...]
Default: every PDF in ../shared/corpus (when present) and the repo's generated PDF fixtures
(tests/fixtures/roundtrip/*.pdf). For each file, N pairs (default 5) are run alternating
(juesuan, pdftotext, juesuan, ...) so that load on the machine hits both alike; the medians and
their ratio are reported (wall time, and CPU time, which load from other processes on the
machine disturbs less), with juesuan's peak resident memory (max over the runs) and the median
of ``juesuan --help``. Prints Markdown; results are recorded in docs/benchmarks.md.

Needs ``pdftotext`` (poppler-utils). The juesuan command is the ``juesuan`` script next to this
Python interpreter (the installed entry point), run as users run it; ``--command`` measures
another one instead (split on spaces), e.g. an older version's code for a before/after comparison:
``--command "env PYTHONPATH=/tmp/old/src .venv/bin/python -m juesuan.cli"``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one process (in ``env``, when
    given)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, _, usage = os.wait4(proc.pid, 0)
    dt = time.perf_counter() - t0
    proc.returncode = 0  # reaped by wait4
    return dt, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def pages(path: Path) -> int | None:
    try:
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    except OSError:
        return None
    for line in out.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--command", help="the juesuan command to measure (default: the installed script)")
    ap.add_argument("files", nargs="*", type=Path)
    args = ap.parse_args()
    if shutil.which("pdftotext") is None:
        sys.exit("pdftotext not found: apt-get install poppler-utils")
    files = list(args.files)
    if not files:
        corpus = REPO.parent / "shared" / "corpus"
        files = sorted(corpus.glob("*/*.pdf")) if corpus.exists() else []
        files += sorted((REPO / "tests" / "fixtures" / "roundtrip").glob("*.pdf"))
    exe = Path(sys.executable).parent / "juesuan"
    juesuan = [str(exe)] if exe.exists() else [sys.executable, "-m", "juesuan"]
    if args.command:
        juesuan = args.command.split()
    os.environ.setdefault("JUESUAN_OCR", "off")
    # Measure as after a pip install, which compiles bytecode: let Python write and use .pyc files
    # (without them every process compiles juesuan's modules again, ~0.2 s).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

    helps = [run([*juesuan, "--help"]) for _ in range(max(args.runs, 9))]
    wall, cpu = [h[0] for h in helps], [h[1] for h in helps]
    print(
        f"`juesuan --help`: median {statistics.median(wall):.3f} s (min {min(wall):.3f}); "
        f"CPU time median {statistics.median(cpu):.3f} s\n"
    )
    print("| file | pages | juesuan check (s) | pdftotext -layout (s) | ratio | CPU ratio | peak RSS (MiB) |")
    print("|---|---|---|---|---|---|---|")
    ratios: list[float] = []
    shared_ratios: list[float] = []
    cpu_ratios: list[float] = []
    shared_cpu: list[float] = []
    peak_all = 0.0
    for f in files:
        run([*juesuan, "check", str(f), "--format", "json"])  # warm the OS file cache and the data cache
        js, ps, jc, pc, rss = [], [], [], [], 0.0
        for _ in range(args.runs):
            dt, cpu, mem = run([*juesuan, "check", str(f), "--format", "json"])
            js.append(dt)
            jc.append(cpu)
            rss = max(rss, mem)
            dt, cpu, _ = run(["pdftotext", "-layout", str(f), os.devnull])
            ps.append(dt)
            pc.append(cpu)
        j, p = statistics.median(js), statistics.median(ps)
        ratio = j / p
        cpu_ratio = statistics.median(jc) / max(statistics.median(pc), 0.001)
        ratios.append(ratio)
        cpu_ratios.append(cpu_ratio)
        if "shared" in f.resolve().parts:
            shared_ratios.append(ratio)
            shared_cpu.append(cpu_ratio)
        peak_all = max(peak_all, rss)
        print(
            f"| {f.name} | {pages(f) or '?'} | {j:.3f} | {p:.3f} | {ratio:.1f} | {cpu_ratio:.1f} | {rss:.0f} |",
            flush=True,
        )
    if ratios:
        print(
            f"\nall files: median ratio {statistics.median(ratios):.1f}, max {max(ratios):.1f} "
            f"(CPU time: median {statistics.median(cpu_ratios):.1f}, max {max(cpu_ratios):.1f}); "
            f"peak RSS {peak_all:.0f} MiB"
        )
    if shared_ratios:
        print(
            f"../shared PDFs: median ratio {statistics.median(shared_ratios):.1f}, max {max(shared_ratios):.1f} "
            f"(CPU time: median {statistics.median(shared_cpu):.1f}, max {max(shared_cpu):.1f})"
        )


if __name__ == "__main__":
    main()
