"""Mutation benchmark of error localization (juesuan.locate).

Consistent documents: the synthetic example (juesuan.generate) rendered with different scale factors
and units, and the real seed with its known errors repaired by ``juesuan.locate.apply``. Into each,
single-cell and two-cell errors of every cause class are injected directly in the model (a fixed
random seed makes the run reproducible); the table rules are evaluated and the errors localized.

Measures, per cause class, over mutated cells covered by ≥ 2 independent relations (and over all):
detection (some relation fails beyond its rounding tolerance), exact localization (the groups'
unique minimal sets are exactly the mutated cells), exact suggested values (and the cause), and
the localization time per document.

    .venv/bin/python bench/bench_locate.py [--trials 40] [--seed 20261125] [--debug]
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from juesuan import api
from juesuan.generate import document
from juesuan.layouts import load as load_layouts
from juesuan.locate import apply, localize
from juesuan.locate.causes import digits
from juesuan.model import Cell, Disclosure
from juesuan.rules.engine import RelationRecord, evaluate
from juesuan.generate.spec import example_spec

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seeds" / "000_f2a3e5ca77432ebc.txt"
SINGLE = ["transposed_digits", "dropped_digit", "unit", "sign", "copy", "column_shift", "rounding"]
Key = tuple[int, int, str]
DEBUG = False


# ---------------------------------------------------------------------------------------------
# Base documents


def _scale(obj, k: Decimal):  # type: ignore[no-untyped-def]
    """A copy of a frozen spec dataclass with every money field multiplied by ``k``."""
    if isinstance(obj, tuple):
        return tuple(_scale(o, k) for o in obj)
    if not dataclasses.is_dataclass(obj):
        return obj
    changes = {}
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        if isinstance(v, Decimal):
            changes[f.name] = (v * k).quantize(Decimal("0.01"))
        elif isinstance(v, tuple) or dataclasses.is_dataclass(v):
            changes[f.name] = _scale(v, k)
    return dataclasses.replace(obj, **changes)


def synth_doc(k: Decimal, unit: str, tmp: Path) -> Disclosure:
    base = example_spec()
    spec = dataclasses.replace(
        base,
        items=_scale(base.items, k),
        basic_lines=_scale(base.basic_lines, k),
        project_lines=_scale(base.project_lines, k),
        three_public=_scale(base.three_public, k),
        assets=_scale(base.assets, k),
        unit=unit,
        narrative=None,
    )
    path = tmp / f"synth-{k}-{unit}.txt"
    path.write_text(document.render_text(spec), encoding="utf-8")
    return api.load_document(path)


CORPUS = REPO.parent / "shared" / "corpus" / "final"
CORPUS_FILES = ("shanghai-putuo-ghzyj-2024-final.pdf", "shanghai-putuo-shgzb-2024-final.pdf")


def seed_repaired(path: Path = SEED) -> Disclosure | None:
    if not path.exists():
        return None
    doc = api.load_document(path)
    records: list[RelationRecord] = []
    findings, _ = evaluate(doc, load_layouts(), record=records)
    apply(doc, localize(doc, records, findings))
    return doc


def bases(tmp: Path) -> list[tuple[str, Disclosure]]:
    out = [
        ("synth×1 万元", synth_doc(Decimal(1), "万元", tmp)),
        ("synth×7 万元", synth_doc(Decimal(7), "万元", tmp)),
        ("synth×13 万元", synth_doc(Decimal(13), "万元", tmp)),
        ("synth×10000 元", synth_doc(Decimal(10000), "元", tmp)),
    ]
    seed = seed_repaired()
    if seed is not None:
        out.append(("seed (repaired)", seed))
    for name in CORPUS_FILES:  # real Shanghai PDFs (their only gaps are rounding, left as printed)
        doc = seed_repaired(CORPUS / name)
        if doc is not None:
            out.append((f"{name.split('-')[2]} (real PDF)", doc))
    return out


# ---------------------------------------------------------------------------------------------
# Mutations


def coverage(doc: Disclosure, records: list[RelationRecord]) -> dict[Key, int]:
    """Number of independent relations (distinct sets of cells) that hold each cell."""
    tix = {id(t): i for i, t in enumerate(doc.tables)}
    rix = {id(r): j for t in doc.tables for j, r in enumerate(t.rows)}
    sets: dict[Key, set[frozenset]] = defaultdict(set)
    for rec in records:
        if rec.rule.severity == "info":
            continue
        keys = frozenset(
            (tix[id(c.table)], rix[id(c.row)], c.column.id)
            for t in rec.left + rec.right
            for c in t.cells
            if c.row is not None
        )
        for k in keys:
            sets[k].add(keys)
    return {k: len(v) for k, v in sets.items()}


def _set(doc: Disclosure, key: Key, value: Decimal | None) -> None:
    ti, ri, col = key
    row = doc.tables[ti].rows[ri]
    old = row.cells.get(col)
    prov = old.provenance if old else None
    if value is None:
        row.cells[col] = Cell("", "blank", None, prov)
    else:
        row.cells[col] = Cell(f"{value:.2f}", "number", value, prov)


def _get(doc: Disclosure, key: Key) -> Decimal | None:
    ti, ri, col = key
    c = doc.tables[ti].rows[ri].cells.get(col)
    return c.value if c is not None else None


def _from_digits(ds: str, negative: bool) -> Decimal:
    v = Decimal(int(ds)).scaleb(-2)
    return -v if negative else v


def mutate_value(doc: Disclosure, key: Key, cls: str, rng: random.Random) -> Decimal | None:
    """The wrong value for a single-cell class (None when the class does not apply to the cell)."""
    v = _get(doc, key)
    if v is None or v == 0:
        return None
    ds = digits(v, 2)
    if cls == "transposed_digits":
        pairs = [i for i in range(len(ds) - 1) if ds[i] != ds[i + 1] and not (i == 0 and ds[1] == "0")]
        if not pairs:
            return None
        i = rng.choice(pairs)
        return _from_digits(ds[:i] + ds[i + 1] + ds[i] + ds[i + 2 :], v < 0)
    if cls == "dropped_digit":
        if len(ds) < 3:
            return None
        i = rng.randrange(len(ds))
        new = _from_digits(ds[:i] + ds[i + 1 :], v < 0)
        return new if new != v else None
    if cls == "unit":
        return v * 10000
    if cls == "sign":
        return -v
    if cls == "rounding":
        return v + rng.choice((Decimal("0.02"), Decimal("-0.02")))
    if cls == "copy":
        ti, ri, col = key
        rows = doc.tables[ti].rows
        cands = [
            rows[j].cells[col].value
            for j in (ri - 1, ri + 1, ri - 2, ri + 2)
            if 0 <= j < len(rows) and col in rows[j].cells and rows[j].cells[col].value not in (None, Decimal(0), v)
        ]
        return cands[0] if cands else None
    raise ValueError(cls)


def column_shift(doc: Disclosure, key: Key, rng: random.Random) -> tuple[Key, Decimal | None] | None:
    """Move the value of ``key`` into a neighbouring column of its row that prints nothing."""
    ti, ri, col = key
    table = doc.tables[ti]
    row = table.rows[ri]
    ids = [c.id for c in table.columns if c.block == table.column(col).block] if table.column(col) else []
    if col not in ids:
        return None
    i = ids.index(col)
    cands = [
        ids[j]
        for j in (i - 1, i + 1)
        if 0 <= j < len(ids) and ids[j] in row.cells and row.cells[ids[j]].value in (None, Decimal(0))
    ]
    if not cands:
        return None
    dst = rng.choice(cands)
    return (ti, ri, dst), row.cells[dst].value


# ---------------------------------------------------------------------------------------------
# One trial


def _same_cause(reported: str, injected: str, true: Decimal | None, wrong: Decimal | None) -> bool:
    """The reported cause is the injected one, or an equivalent reading of the same values (a
    dropped trailing 0 is also a decimal point moved by one place)."""
    if reported == injected:
        return True
    if injected == "dropped_digit" and reported == "decimal_point" and true is not None and wrong is not None:
        return wrong * 10 == true or wrong * 100 == true
    return False


def run_trial(
    base: Disclosure,
    muts: dict[Key, Decimal | None],
    truth: dict[Key, Decimal | None],
    classes: dict[Key, str],
    covered: bool = True,
) -> dict:
    doc = copy.deepcopy(base)
    for k, v in muts.items():
        _set(doc, k, v)
    records: list[RelationRecord] = []
    t_eval = time.perf_counter()
    findings, _ = evaluate(doc, load_layouts(), record=records)
    eval_ms = (time.perf_counter() - t_eval) * 1000
    detected = any(r.failed and r.rule.severity != "info" for r in records)
    t0 = time.perf_counter()
    groups = localize(doc, records, findings)
    ms = (time.perf_counter() - t0) * 1000
    groups = [g for g in groups if g.status != "rounding"]
    reported = {s.key: s for g in groups for s in g.cells}
    unique = all(g.status == "localized" for g in groups)
    located = detected and unique and set(reported) == set(truth)
    valued = located and all(
        reported[k].suggested is not None and reported[k].suggested == (truth[k] or Decimal(0)) for k in truth
    )
    caused = located and all(_same_cause(reported[k].cause, classes[k], truth[k], muts[k]) for k in truth)
    as_rounding = detected and bool(groups) and all(g.cause == "rounding" for g in groups)
    confident = any(g.confidence >= 0.8 for g in groups)
    high = [g for g in groups if g.confidence >= 0.8]
    high_wrong = sum(
        1 for g in high if not all(c.key in truth and c.suggested == (truth[c.key] or Decimal(0)) for c in g.cells)
    )
    timeouts = any(g.status == "not_localized" and "时间" in g.message for g in groups)
    if DEBUG and ((covered and not (located and valued and caused)) or high_wrong):
        print("---", {k: (str(truth[k]), str(muts[k]), classes[k]) for k in truth}, file=sys.stderr)
        for k in truth:
            t = doc.tables[k[0]]
            print("   truth:", t.name, t.rows[k[1]].display, k[2], file=sys.stderr)
        for g in groups:
            print("   ", g.status, g.message, file=sys.stderr)
    return {
        "detected": detected,
        "located": located,
        "valued": valued,
        "caused": caused,
        "ms": ms,
        "eval_ms": eval_ms,
        "tables": len(doc.tables),
        "as_rounding": as_rounding,
        "confident": confident,
        "high": len(high),
        "high_wrong": high_wrong,
        "timeout": timeouts,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=40, help="trials per class and document")
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--debug", action="store_true", help="print the trials not fully right on stderr")
    args = ap.parse_args(argv)
    global DEBUG
    DEBUG = args.debug
    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="bench-locate-"))
    stats: dict[tuple[str, bool], list[dict]] = defaultdict(list)  # (class, covered≥2) -> results
    times: list[float] = []
    clean_ms: list[float] = []
    for name, base in bases(tmp):
        records: list[RelationRecord] = []
        findings, _ = evaluate(base, load_layouts(), record=records)
        for _ in range(5):
            t0 = time.perf_counter()
            localize(base, records, findings)
            clean_ms.append((time.perf_counter() - t0) * 1000)
        cov = coverage(base, records)
        cells = sorted(k for k in cov if _get(base, k) not in (None, Decimal(0)))
        for cls in SINGLE + ["two_cells"]:
            done = tries = 0
            while done < args.trials and tries < args.trials * 20:
                tries += 1
                key = rng.choice(cells)
                muts: dict[Key, Decimal | None] = {}
                truth: dict[Key, Decimal | None] = {}
                classes: dict[Key, str] = {}
                if cls == "column_shift":
                    shifted = column_shift(base, key, rng)
                    if shifted is None:
                        continue
                    dst, dst_value = shifted
                    muts = {key: None, dst: _get(base, key)}
                    truth = {key: _get(base, key), dst: dst_value}
                    classes = {key: cls, dst: cls}
                elif cls == "two_cells":
                    k2 = rng.choice(cells)
                    ok = k2 != key
                    for k in (key, k2):
                        c = rng.choice(["transposed_digits", "dropped_digit", "unit", "sign", "copy"])
                        new = mutate_value(base, k, c, rng) if ok else None
                        if new is None:
                            ok = False
                            break
                        muts[k], truth[k], classes[k] = new, _get(base, k), c
                    if not ok:
                        continue
                else:
                    new = mutate_value(base, key, cls, rng)
                    if new is None:
                        continue
                    muts, truth, classes = {key: new}, {key: _get(base, key)}, {key: cls}
                covered = all(cov.get(k, 0) >= 2 for k in truth)
                res = run_trial(base, muts, truth, classes, covered)
                res["doc"] = name
                res["cls"] = cls
                stats[(cls, covered)].append(res)
                times.append(res["ms"])
                done += 1
        print(f"done: {name}", file=sys.stderr)

    def pct(rs: list[dict], k: str) -> str:
        return f"{100 * sum(r[k] for r in rs) / len(rs):.1f}" if rs else "—"

    head = "| class | n (covered ≥2) | detection % | localization % | value % | cause % | n (all) | detection % | localization % | value % |"
    print(head)
    print("|" + "---|" * 10)
    total_cov: list[dict] = []
    total_all: list[dict] = []
    for cls in SINGLE + ["two_cells"]:
        cov_rs = stats[(cls, True)]
        all_rs = cov_rs + stats[(cls, False)]
        if cls != "rounding":
            total_cov += cov_rs
            total_all += all_rs
        print(
            f"| {cls} | {len(cov_rs)} | {pct(cov_rs, 'detected')} | {pct(cov_rs, 'located')} | {pct(cov_rs, 'valued')} | "
            f"{pct(cov_rs, 'caused')} | {len(all_rs)} | {pct(all_rs, 'detected')} | {pct(all_rs, 'located')} | {pct(all_rs, 'valued')} |"
        )
    print(
        f"| **all but rounding** | {len(total_cov)} | {pct(total_cov, 'detected')} | {pct(total_cov, 'located')} | "
        f"{pct(total_cov, 'valued')} | {pct(total_cov, 'caused')} | {len(total_all)} | {pct(total_all, 'detected')} | "
        f"{pct(total_all, 'located')} | {pct(total_all, 'valued')} |"
    )
    rr = [r for r in stats[("rounding", True)] + stats[("rounding", False)] if r["detected"]]
    print()
    print(
        f"rounding slips (±0.02) beyond a tolerance: {len(rr)}; explained as 舍入差异 {pct(rr, 'as_rounding')} %, "
        f"reported with high confidence {pct(rr, 'confident')} %"
    )
    every = [r for rs in stats.values() for r in rs]
    n_high = sum(r["high"] for r in every)
    n_wrong = sum(r["high_wrong"] for r in every)
    print(
        f"groups reported with high confidence (高, ≥ 0.8): {n_high}; wrong cell or value among them: {n_wrong} "
        f"({100 * n_wrong / max(n_high, 1):.1f} %)"
    )
    times.sort()
    print()
    print(
        f"localization time per mutated document (ms): median {statistics.median(times):.1f}, "
        f"p90 {times[int(0.9 * len(times))]:.1f}, max {times[-1]:.1f}; timeouts "
        f"{sum(r['timeout'] for rs in stats.values() for r in rs)}"
    )
    print(f"localization time per clean document (ms): median {statistics.median(clean_ms):.1f}")
    twelve = sorted(r["ms"] for rs in stats.values() for r in rs if r["tables"] == 12)
    evals = sorted(r["eval_ms"] for rs in stats.values() for r in rs)
    if twelve:
        print(
            f"localization time per mutated 12-table document (ms): median {statistics.median(twelve):.1f}, "
            f"max {twelve[-1]:.1f} (n={len(twelve)})"
        )
    print(f"rule evaluation with recording per mutated document (ms): median {statistics.median(evals):.1f}")
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for rs in stats.values():
        for r in rs:
            by_doc[r["doc"]].append(r)
    print()
    print("| document | tables | trials | localization % (all classes but rounding, all cells) | median ms |")
    print("|---|---|---|---|---|")
    for name, rs in by_doc.items():
        rs_nr = [r for r in rs if r["cls"] != "rounding"]
        print(
            f"| {name} | {rs[0]['tables']} | {len(rs)} | {pct(rs_nr, 'located')} | {statistics.median(r['ms'] for r in rs):.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
