"""Benchmark of `juesuan build` for a budget (预算) workbook: the Shanghai example
(`examples/workbooks/预算填报-budget_shanghai.xlsx`, 9 tables and the 编制说明) built in all formats
(xlsx, pdf, docx, html), per stage, wall and CPU time; median of ``--runs``.

    .venv/bin/python bench/bench_generate_budget.py [--runs 5]

Also times the whole command line (a fresh process) once per run. Figures go to
docs/benchmarks.md, never into tests.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--variant", default="budget_shanghai")
    args = ap.parse_args()

    from juesuan import api
    from juesuan.generate import budget_examples as bex
    from juesuan.generate.budget import budget_charts, build_budget_model
    from juesuan.generate.budget_workbook import read_budget_workbook, write_budget_template
    from juesuan.writers.docx import write_docx
    from juesuan.writers.html import write_html
    from juesuan.writers.pdf import find_cjk_font, write_pdf
    from juesuan.writers.xlsx import write_xlsx

    font = find_cjk_font()
    stages: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}

    def timed(name: str, fn, *a, **kw):  # type: ignore[no-untyped-def]
        w, c = time.perf_counter(), time.process_time()
        out = fn(*a, **kw)
        stages.setdefault(name, []).append(time.perf_counter() - w)
        cpu.setdefault(name, []).append(time.process_time() - c)
        return out

    tables = pages = 0
    with tempfile.TemporaryDirectory() as keep:
        path = Path(keep) / bex.file_name(args.variant)
        write_budget_template(path, args.variant, 2025, spec=bex.example_budget(args.variant))
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                t = Path(tmp)
                w0, c0 = time.perf_counter(), time.process_time()
                wb = timed("read workbook", read_budget_workbook, path)
                doc, acc = timed("derive + tables + 编制说明", build_budget_model, wb.spec, wb.variant)
                tables = len(doc.tables)
                timed("check", api.check_document, doc)
                timed("xlsx", write_xlsx, doc, t / "a.xlsx")
                timed("docx", write_docx, doc, t / "a.docx")
                timed("html", write_html, doc, t / "a.html")
                pictures = timed("charts", budget_charts, acc, font)
                images = [(c.title, c.png) for c in pictures]
                timed("pdf", write_pdf, doc, t / "a.pdf", font=font, images=images)
                stages.setdefault("total (in process)", []).append(time.perf_counter() - w0)
                cpu.setdefault("total (in process)", []).append(time.process_time() - c0)
                from pypdf import PdfReader

                pages = len(PdfReader(t / "a.pdf").pages)
                w = time.perf_counter()
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                subprocess.run(
                    [sys.executable, "-m", "juesuan", "build", str(path), "-o", str(t / "out")],
                    check=True,
                    capture_output=True,
                )
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                stages.setdefault("juesuan build (new process)", []).append(time.perf_counter() - w)
                cpu.setdefault("juesuan build (new process)", []).append(
                    after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                )
    print(f"{args.variant}: {tables} tables, {pages} PDF pages, runs={args.runs}")
    print("| stage | wall median (s) | CPU median (s) |")
    print("|---|---|---|")
    for name, values in stages.items():
        print(f"| {name} | {statistics.median(values):.3f} | {statistics.median(cpu[name]):.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
