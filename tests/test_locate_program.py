"""Error localization without HiGHS when one cell explains everything (juesuan.locate.program): on
random programs it gives what the solver gives whenever it answers, it answers often, and a check
of a document whose one wrong cell breaks several relations does not import numpy. The documents
are our example, edited."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from juesuan import api
from juesuan.locate import program

solver = pytest.importorskip("juesuan.locate.solver", reason="highspy is not installed")

REPO = Path(__file__).resolve().parents[1]
CLEAN = REPO / "examples" / "example-clean.txt"
WEIGHTS = (0.6, 1.0, 1.0, 1.0, 1.5, 2.0)


def _program(rng: random.Random):  # type: ignore[no-untyped-def]
    """A component as juesuan.locate builds one: amounts in cents, sums (a total and its parts,
    some relations sharing cells) scaled to their largest coefficient, a rounding band of a cent
    per addend, one or two cells changed from consistent values."""
    n = rng.randint(2, 7)
    values = [float(rng.randint(0, 100000)) / 100 for _ in range(n)]
    rows = []
    for _ in range(rng.randint(1, 4)):
        k = rng.randint(2, min(n, 4))
        cells = rng.sample(range(n), k)
        total, parts = cells[0], cells[1:]
        values[total] = sum(values[p] for p in parts)  # consistent before the slip
        rows.append((total, parts))
    printed = list(values)
    for cell in rng.sample(range(n), rng.choice((1, 1, 1, 2))):
        printed[cell] = round(printed[cell] + rng.choice((-1, 1)) * rng.randint(1, 50000) / 100, 2)
    out = []
    for total, parts in rows:
        coefs = {total: 1.0}
        for p in parts:
            coefs[p] = coefs.get(p, 0.0) - 1.0
        idx = [i for i, a in coefs.items() if a]
        if not idx:
            continue
        r0 = sum(coefs[i] * printed[i] for i in idx)
        tol = 0.01 * len(idx) * rng.choice((0, 1))
        if rng.random() < 0.15:  # an inequality (a part not above its total)
            out.append(program.Row(idx, [coefs[i] for i in idx], r0, -tol, program.INF, len(idx)))
        else:
            out.append(program.Row(idx, [coefs[i] for i in idx], r0, -tol, tol, len(idx)))
    weights = [rng.choice(WEIGHTS) for _ in range(n)]
    bounds = [2 * sum(abs(v) for v in printed) + 1.0 for _ in range(n)]
    lower = [-p if p >= 0 else -b for p, b in zip(printed, bounds)]  # (as juesuan.locate bounds them)
    return n, weights, lower, bounds, out


def test_one_cell_gives_what_the_solver_gives():
    rng = random.Random(20261205)
    answered = repaired = 0
    for _ in range(1500):
        n, weights, lower, upper, rows = _program(rng)
        fast = program.one_cell(n, weights, lower, upper, rows)
        if fast is None:
            continue
        answered += 1
        slow = solver.minimal_supports(n, weights, lower, upper, rows, deadline=1e12, max_sets=8)
        assert slow.status == fast.status == "ok"
        assert [s.cells for s in slow.supports] == [s.cells for s in fast.supports]
        assert slow.supports[0].cost == pytest.approx(fast.supports[0].cost)
        assert fast.margin is not None
        if slow.margin is not None and slow.margin < program.MARGIN + 0.01:
            assert fast.margin == pytest.approx(slow.margin)  # where the confidence looks at it
        else:
            assert fast.margin >= program.MARGIN  # a lower bound at least as large
        cell = fast.supports[0].cells[0]
        rep = program.repair_one(cell, lower, upper, rows)
        if rep is None:
            continue
        repaired += 1
        ref = solver.repair_values([cell], lower, upper, rows, deadline=1e12)
        assert ref.feasible and rep.feasible
        assert rep.values[cell] == pytest.approx(ref.values[cell], abs=1e-6)
        assert rep.ranges[cell] == pytest.approx(ref.ranges[cell], abs=1e-6)
        assert rep.allowed[cell] == pytest.approx(ref.allowed[cell], abs=1e-6)
        assert rep.residual == pytest.approx(ref.residual, abs=1e-6)
    assert answered >= 100 and repaired >= 90, (answered, repaired)


def test_what_it_cannot_decide_is_left_to_the_solver():
    # two cells of equal weight either of which repairs the sum: a tie, ordered by the solver
    tie = [program.Row([0, 1, 2], [1.0, -1.0, -1.0], 5.0, 0.0, 0.0)]
    assert program.one_cell(3, [1.0, 1.0, 1.0], [-10.0] * 3, [100.0] * 3, tie) is None
    # a relation within EPS of its bound: decided by the solver's own tolerances
    edge = [program.Row([0, 1], [1.0, -1.0], 0.02 + program.EPS / 2, -0.02, 0.02)]
    assert program.one_cell(2, [1.0, 2.0], [-10.0] * 2, [100.0] * 2, edge) is None
    # nothing fails: the empty set
    fine = [program.Row([0, 1], [1.0, -1.0], 0.0, -0.01, 0.01)]
    assert program.one_cell(2, [1.0, 2.0], [-10.0] * 2, [100.0] * 2, fine) is None


def _with_one_wrong_cell(tmp_path: Path) -> Path:
    """Our example with one 项 amount of the 支出决算表 (公开03表) changed: its row sum and its 款's
    sum both fail, and only that cell repairs both."""
    lines = CLEAN.read_text(encoding="utf-8").split("\n")
    start = next(k for k, ln in enumerate(lines) if ln.startswith("公开03表") or "\t公开03表" in ln or ln == "公开03表")
    for k in range(start, len(lines)):
        cells = lines[k].split("\t")
        if cells and cells[0].isdigit() and len(cells[0]) == 7:
            for j in range(1, len(cells)):
                try:
                    value = float(cells[j].replace(",", ""))
                except ValueError:
                    continue
                if value > 100:
                    cells[j] = f"{value + 10:.2f}"
                    lines[k] = "\t".join(cells)
                    out = tmp_path / "one-wrong-cell.txt"
                    out.write_text("\n".join(lines), encoding="utf-8")
                    return out
    raise AssertionError("no 项 row with an amount in 公开03表 of the example")


def test_a_check_with_one_wrong_cell_localizes_it_without_numpy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    doc = _with_one_wrong_cell(tmp_path)
    fast = [g.to_dict() for g in api.check(doc).localization]
    assert fast and fast[0]["status"] == "localized" and len(fast[0]["cells"]) == 1
    assert fast[0]["verified"] and fast[0]["cells"][0]["suggested"] is not None
    monkeypatch.setattr(program, "one_cell", lambda *a, **k: None)
    monkeypatch.setattr(program, "repair_one", lambda *a, **k: None)
    assert [g.to_dict() for g in api.check(doc).localization] == fast  # as the solver localizes it
    probe = "import sys; from juesuan import api; api.check(sys.argv[1]); print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe, str(doc)], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "False", out.stderr
