"""Benchmark: `juesuan batch` (juesuan.batch) — documents per second with 1 and 2 local workers on
the corpus PDFs of ../shared and on N generated documents (our clean and planted text examples under
N department names), the peak resident memory of one worker, and the same generated documents on a
Dask LocalCluster of 2 worker processes (when dask[distributed] is installed).

Usage: .venv/bin/python bench/bench_batch.py [N] [--workers 1,2] [--no-corpus] [--no-dask] [--pdfs M]
(default N = 2000). ``--pdfs M``: also M copies of the repo's generated text-layer PDFs
(tests/fixtures/roundtrip/*.pdf, 17–19 pages: the issue's "documents of ~25 pages" class), each
made a distinct file by a comment after its end-of-file marker, with 1 and 2 workers. Each run starts from an empty DuckDB store, so every file is read, checked and
stored; the time includes starting the workers. Prints a Markdown table and the load average before
and after (the machine is shared: compare runs made under similar load); results are recorded in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "corpus"
DEPARTMENT = "示例市数据服务中心"


def generated(folder: Path, n: int) -> list[Path]:
    texts = [(REPO / "examples" / f"example-{k}.txt").read_text(encoding="utf-8") for k in ("clean", "planted")]
    out = []
    for i in range(n):
        p = folder / f"gen_{i:05d}.txt"
        p.write_text(texts[i % 2].replace(DEPARTMENT, f"示例市第{i + 1}数据服务中心"), encoding="utf-8")
        out.append(p)
    return out


def generated_pdfs(folder: Path, m: int) -> list[Path]:
    """M distinct PDF files: the fixture PDFs in turn, each with a PDF comment appended after
    %%EOF (readers ignore it; the content hash differs, so no copy is skipped as already done)."""
    sources = sorted((REPO / "tests" / "fixtures" / "roundtrip").glob("*.pdf"))
    out = []
    for i in range(m if sources else 0):
        p = folder / f"gen_{i:05d}.pdf"
        p.write_bytes(sources[i % len(sources)].read_bytes() + f"\n% juesuan bench copy {i}\n".encode())
        out.append(p)
    return out


@contextmanager
def cpu_meter() -> Iterator[dict]:
    """CPU seconds (user + sys) of this process and every process started under it while the block
    runs (workers, a forkserver, a LocalCluster's nannies and workers): psutil samples the process
    tree every 0.2 s and keeps each process's last reading, so a process that ends between two
    samples loses at most its last 0.2 s. Without psutil: this process only."""
    out = {"cpu": 0.0}
    try:
        import psutil
    except ImportError:
        t0 = time.process_time()
        yield out
        out["cpu"] = time.process_time() - t0
        return
    me = psutil.Process()
    seen: dict[int, float] = {}
    base = sum(me.cpu_times()[:2])
    for c in me.children(recursive=True):  # processes older than the block: count only their growth
        try:
            seen[c.pid] = -sum(c.cpu_times()[:2])
        except psutil.Error:
            pass
    before = dict(seen)
    stop = threading.Event()

    def sample() -> None:
        for c in me.children(recursive=True):
            try:
                seen[c.pid] = before.get(c.pid, 0.0) + sum(c.cpu_times()[:2])
            except psutil.Error:
                pass

    def loop() -> None:
        while not stop.wait(0.2):
            sample()

    th = threading.Thread(target=loop, daemon=True)
    th.start()
    try:
        yield out
    finally:
        sample()
        stop.set()
        th.join()
        out["cpu"] = sum(me.cpu_times()[:2]) - base + sum(v for v in seen.values() if v > 0)


def one(files: list[Path], label: str, **kw) -> dict:
    from juesuan import batch, store

    with tempfile.TemporaryDirectory() as tmp, store.open_store(Path(tmp) / "b.duckdb") as s, cpu_meter() as cpu:
        load0 = os.getloadavg()[0]
        t0 = time.perf_counter()
        summary = batch.run(files, s, **kw)
        seconds = time.perf_counter() - t0
        load1 = os.getloadavg()[0]
    assert summary.accounted == len(files)
    return {
        "cpu": cpu["cpu"],
        "load": (load0, load1),
        "run": label,
        "files": len(files),
        "added": summary.added,
        "failed": summary.failed,
        "seconds": seconds,
        "rate": len(files) / seconds,
        "peak_mb": summary.peak_mb,
        "reasons": dict(summary.failures_by_reason),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=2000)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--no-corpus", action="store_true")
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--pdfs", type=int, default=0, help="also M copies of the generated fixture PDFs")
    ap.add_argument(
        "--pair",
        action="store_true",
        help="local pool against Dask back to back on the generated files: local, Dask, Dask, local (2 workers)",
    )
    args = ap.parse_args()
    workers = [int(w) for w in args.workers.split(",")]
    print(f"load average before: {os.getloadavg()}", flush=True)
    rows = []
    if not args.no_corpus:
        pdfs = sorted(SHARED.glob("*/*.pdf"))
        if not pdfs:
            print(f"({SHARED} absent: corpus runs skipped)")
        for w in workers if pdfs else []:
            rows.append(one(pdfs, f"corpus PDFs, {w} worker(s)", workers=w, memory_mb=3072))
            print(rows[-1], flush=True)
    if args.pdfs:
        with tempfile.TemporaryDirectory() as tmp:
            pdf_files = generated_pdfs(Path(tmp), args.pdfs)
            for w in workers:
                rows.append(one(pdf_files, f"{args.pdfs} generated PDFs, {w} worker(s)", workers=w, memory_mb=3072))
                print(rows[-1], flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        files = generated(Path(tmp), args.n)
        if not files:  # N = 0: the corpus runs only
            workers = []
            args.no_dask = True
        if args.pair:
            from distributed import LocalCluster

            workers = []
            args.no_dask = True
            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
                for kind in ("local", "dask", "dask", "local"):
                    if kind == "local":
                        rows.append(one(files, f"{args.n} generated, local pool 2 workers", workers=2))
                    else:
                        rows.append(
                            one(
                                files,
                                f"{args.n} generated, Dask 2 workers",
                                engine="dask",
                                scheduler=c.scheduler_address,
                            )
                        )
                    print(rows[-1], flush=True)
        for w in workers:
            rows.append(one(files, f"{args.n} generated, {w} worker(s)", workers=w))
            print(rows[-1], flush=True)
        if not args.no_dask:
            try:
                from distributed import LocalCluster
            except ImportError:
                print("(dask[distributed] not installed: Dask run skipped)")
            else:
                with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
                    rows.append(
                        one(files, f"{args.n} generated, Dask 2 workers", engine="dask", scheduler=c.scheduler_address)
                    )
                print(rows[-1], flush=True)
    print(f"load average after: {os.getloadavg()}")
    print(
        "\n| run | files | stored | failed | seconds | documents/s | CPU s (all processes) | CPU ms/document "
        "| peak MB per worker | load (1 min) before → after |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(
            f"| {r['run']} | {r['files']} | {r['added']} | {r['failed']} | {r['seconds']:.1f} | {r['rate']:.2f} "
            f"| {r['cpu']:.1f} | {1000 * r['cpu'] / r['files']:.0f} | {r['peak_mb']:.0f} "
            f"| {r['load'][0]:.1f} → {r['load'][1]:.1f} |"
        )


if __name__ == "__main__":
    main()
