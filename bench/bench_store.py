"""Benchmark: the corpus store (juesuan.store) on DuckDB.

Stores N already-checked documents (one check result of the planted example, re-keyed: its own
content hash, file name, department and year per copy), then times ``stats`` and ``compare`` on
that store (and the scorecard of all of them). Ingest is timed in batches (one transaction per batch, each document falling back to
its own transaction on a failure) and, on a smaller count, one transaction per document.

Usage: .venv/bin/python bench/bench_store.py [N] [BATCH]   (default 10000 documents, batches of 250)
Prints a Markdown table; results are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import dataclasses
import hashlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def rekeyed(base, i: int):
    """Copy ``i`` of the document rows: its own hash, file, department and year."""
    meta = dict(base.meta, department=f"示例部门{i // 2:05d}", year=2023 + i % 2)
    return dataclasses.replace(
        base, sha256=hashlib.sha256(str(i).encode()).hexdigest(), file_name=f"doc{i:05d}.txt", meta=meta
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    batch = int(sys.argv[2]) if len(sys.argv) > 2 else 250
    from juesuan import api, store
    from juesuan.store.rows import claim_rows

    report = api.check(REPO / "examples" / "example-planted.txt")
    base = store.document_rows(report, "0" * 64, "base.txt", claim_rows(report.document))
    per_doc = {t: len(r) for t, r in base.tables.items()}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        with store.open_store(path) as s:
            t0 = time.perf_counter()
            for start in range(0, n, batch):
                s.add([rekeyed(base, i) for i in range(start, min(n, start + batch))])
            ingest = time.perf_counter() - t0
            stats_ms = []
            for _ in range(5):
                t = time.perf_counter()
                s.stats()
                stats_ms.append((time.perf_counter() - t) * 1000)
            compare_ms = []
            for k in range(5):
                t = time.perf_counter()
                s.compare(1 + 2 * k, 2 + 2 * k)
                compare_ms.append((time.perf_counter() - t) * 1000)
            score_ms = []
            for _ in range(3):
                t = time.perf_counter()
                s.scorecard()
                score_ms.append((time.perf_counter() - t) * 1000)
            cells = s.db.execute("SELECT COUNT(*) FROM cells")[0][0]
        size = path.stat().st_size
        single_n = min(n, 500)
        path1 = Path(tmp) / "single.duckdb"
        with store.open_store(path1) as s:
            t0 = time.perf_counter()
            for i in range(single_n):
                s.add([rekeyed(base, i)])
            single = time.perf_counter() - t0
    print(f"documents: {n} (each {per_doc['cells']} cells, {per_doc['findings']} findings, {per_doc['claims']} claims)")
    print("| measure | value |")
    print("|---|---|")
    print(f"| ingest {n} documents, batches of {batch} | {ingest:.1f} s ({n / ingest:.0f} documents/s) |")
    print(
        f"| ingest {single_n} documents, one transaction each | {single:.1f} s ({single_n / single:.0f} documents/s) |"
    )
    print(f"| cells stored | {cells:,} |")
    print(f"| database file | {size / 1e6:.0f} MB |")
    print(f"| stats (median of 5) | {statistics.median(stats_ms):.0f} ms |")
    print(f"| compare (median of 5) | {statistics.median(compare_ms):.0f} ms |")
    print(f"| scorecard of all documents (median of 3) | {statistics.median(score_ms):.0f} ms |")


if __name__ == "__main__":
    main()
