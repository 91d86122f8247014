"""Benchmark: the layout fuzzer (juesuan.synth_layouts) — exact amount cells over many layouts.

Usage: .venv/bin/python bench/bench_layouts.py [-n 300] [--seed 0] [--lo-every 25] [--jobs 2] [--json out.json]
       [--only 8,47,103]   (only the variants with these seeds, out of the same -n/--seed set)

Each variant prints our generated example disclosure one way (ruled / three-line / border-less,
split codes, wrapped headers and labels, tall rows, offset digits, zeros and separators,
continuation pages, furniture, fonts; every ``--lo-every``-th through LibreOffice) and reads it
back. Prints the overall exact-cell rate, the rate per feature value, the variants whose losses
no reading problem reported (silent), and the worst variants. Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from juesuan import synth_layouts as sl

_BASE = None


def _one(v: sl.Variant) -> dict:
    global _BASE
    if _BASE is None:
        _BASE = sl.source()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            return sl.run_variant(_BASE, v, Path(tmp), check=True).to_dict()
        except sl.NoFont as exc:
            return {"skipped": str(exc), "variant": v.__dict__}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--lo-every", type=int, default=25)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json")
    ap.add_argument("--only", help="comma-separated variant seeds: run just these")
    args = ap.parse_args()
    vs = sl.variants(args.n, args.seed, args.lo_every)
    if args.only:
        wanted = {int(x) for x in args.only.split(",") if x.strip()}
        vs = [v for v in vs if v.seed in wanted]
    with ProcessPoolExecutor(args.jobs) as pool:
        results = list(pool.map(_one, vs))
    skipped = [r for r in results if "skipped" in r]
    results = [r for r in results if "skipped" not in r]
    if skipped:
        print(f"skipped {len(skipped)} variants: {skipped[0]['skipped']}")
    if not results:
        return 1
    truth = sum(r["truth"] for r in results)
    exact = sum(r["exact"] for r in results)
    extra = sum(r["extra"] for r in results)
    perfect = sum(r["exact"] == r["truth"] and r["extra"] == 0 for r in results)
    silent = [r for r in results if (r["exact"] < r["truth"] or r["extra"]) and r["problems"] == 0]
    print(
        f"variants: {len(results)}; amount cells: {truth}; exact: {exact} ({100 * exact / truth:.2f} %); "
        f"unexpected cells: {extra}; variants all exact: {perfect}; variants with silent losses: {len(silent)}"
    )
    by: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in results:
        v = sl.Variant(**r["variant"])
        for k, val in v.classes().items():
            acc = by[(k, val)]
            acc[0] += r["truth"]
            acc[1] += r["exact"]
            acc[2] += 1
            acc[3] += (r["exact"] < r["truth"] or r["extra"]) and r["problems"] == 0
    erring = [r for r in results if r.get("errors")]
    unexplained = [r for r in erring if r["problems"] == 0]
    print(
        f"precision: variants with error-level findings: {len(erring)} "
        f"({sum(r['errors'] for r in erring)} findings); without a reading problem: {len(unexplained)}"
    )
    for r in unexplained:
        print(
            f"  seed {r['variant']['seed']}: {r['errors']} errors {r['error_rules']}; {sl.Variant(**r['variant']).classes()}"
        )
    if erring:
        print("  all seeds with error-level findings: " + ",".join(str(r["variant"]["seed"]) for r in erring))
    print("\n| feature | value | variants | exact cells | silent-loss variants |\n|---|---|---|---|---|")
    for (k, val), (t, e, n, s) in sorted(by.items()):
        print(f"| {k} | {val} | {n} | {100 * e / t:.1f} % | {s} |")
    worst = sorted(results, key=lambda r: r["exact"] / r["truth"])[:10]
    print("\nworst variants:")
    for r in worst:
        print(
            f"  seed {r['variant']['seed']}: {r['exact']}/{r['truth']} exact, {r['extra']} extra, {r['problems']} problems; "
            f"{sl.Variant(**r['variant']).classes()}; lost e.g. {r['lost_examples'][:1]}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
