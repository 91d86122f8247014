"""Load test: N concurrent uploads to `juesuan serve` (a local server on a throwaway store).

Each upload is POST /api/check with an API token, all started at once from N threads. By default
the file is the seed (../shared/seeds/000_f2a3e5ca77432ebc.txt), else the generated example with
planted errors. ``--distinct`` makes each upload a different file (a comment line appended), so
every request is checked and stored; without it the same content is sent N times (the store keeps
one document; the requests that arrive while it is checked are checked too).

Usage: .venv/bin/python bench/bench_web.py [N] [--distinct] [--file PATH]
Prints a Markdown table; results are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seeds" / "000_f2a3e5ca77432ebc.txt"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=20)
    ap.add_argument("--distinct", action="store_true")
    ap.add_argument("--file", type=Path)
    args = ap.parse_args()
    import httpx

    from juesuan.store import open_store
    from juesuan.web import auth
    from juesuan.web.launch import served

    source = args.file or (SEED if SEED.exists() else REPO / "examples" / "example-planted.txt")
    data = source.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "load.duckdb"
        with open_store(db) as s:
            auth.add_user(s, "bench", "bench password")
            token = auth.new_token(s, "bench")
        with served(db, tmp + "/d") as base:
            results: list[tuple[float, int, str]] = [(0.0, 0, "")] * args.n
            barrier = threading.Barrier(args.n)

            def one(i: int) -> None:
                body = data + (f"\n# copy {i}\n".encode() if args.distinct else b"")
                barrier.wait()
                t = time.perf_counter()
                r = httpx.post(
                    base + "/api/check",
                    files={"files": (f"load{i}.txt", body, "text/plain")},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=3600,
                )
                status = r.json()["results"][0]["status"] if r.status_code == 200 else "-"
                results[i] = (time.perf_counter() - t, r.status_code, status)

            start = time.perf_counter()
            threads = [threading.Thread(target=one, args=(i,)) for i in range(args.n)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            wall = time.perf_counter() - start
    times = sorted(r[0] for r in results)
    ok = sum(1 for r in results if r[1] == 200 and r[2] in ("added", "exists"))
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
    statuses = {s: sum(1 for r in results if r[2] == s) for s in sorted({r[2] for r in results})}
    print(
        f"file: {source.name} ({len(data):,} bytes), {args.n} concurrent uploads, distinct={args.distinct}, "
        f"cpus={os.cpu_count()}"
    )
    print("| uploads | succeeded | statuses | median s | p95 s | max s | wall s |")
    print("|---:|---:|---|---:|---:|---:|---:|")
    print(
        f"| {args.n} | {ok} | {statuses} | {statistics.median(times):.1f} | {p95:.1f} | {times[-1]:.1f} | {wall:.1f} |"
    )


if __name__ == "__main__":
    main()
