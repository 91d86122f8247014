"""The Fellegi–Holt error-localization program, solved with HiGHS.

For one connected component of suspect cells: every suspect cell ``c`` may change by ``d_c`` at a
cost ``w_c`` (the binary ``z_c`` says whether it changes: ``|d_c| ≤ M_c z_c``); every linear
relation touching a suspect must hold within its rounding tolerance after the changes. The
minimum-cost supports are enumerated with no-good cuts (all ties, up to a bound, and the next
cheaper-than-``margin`` alternative). For a chosen support a small LP then finds the repaired values
that make the relations hold as exactly as possible, and whether they are unique.

The solver works in floats on scaled units (each relation divided by its largest unit factor);
callers re-verify every repaired value exactly in ``Decimal``.
"""

from __future__ import annotations

import time
from typing import Sequence

import numpy as np

try:  # the raw binding does not print HiGHS's banner on stdout
    from highspy._core import _Highs as _HighsClass
except ImportError:  # pragma: no cover - other highspy builds
    from highspy import Highs as _HighsClass

from highspy._core import HighsModelStatus, HighsVarType

from .program import INF, Repair, Row, SolveResult, Support  # noqa: F401  (the program's data: .program)


def _highs(deadline: float):
    h = _HighsClass()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_feasibility_tolerance", 1e-9)
    h.setOptionValue("primal_feasibility_tolerance", 1e-9)
    h.setOptionValue("time_limit", max(deadline - time.perf_counter(), 0.001))
    return h


def _add_rows(h, rows: Sequence[Row], width_offset: int = 0) -> None:
    for r in rows:
        h.addRow(
            r.lo - r.r0,
            r.hi - r.r0,
            len(r.index),
            np.array([i + width_offset for i in r.index], dtype=np.int32),
            np.array(r.coef, dtype=np.float64),
        )


def minimal_supports(
    n: int,
    weights: Sequence[float],
    lower: Sequence[float],
    upper: Sequence[float],
    rows: Sequence[Row],
    deadline: float,
    max_sets: int = 5,
) -> SolveResult:
    """All minimum-weight sets of cells whose change can make every row hold (up to ``max_sets``),
    and the cost margin to the next-best set."""
    h = _highs(deadline)
    # columns 0..n-1: d (change), n..2n-1: z (binary)
    lo = np.concatenate([np.asarray(lower, dtype=np.float64), np.zeros(n)])
    hi = np.concatenate([np.asarray(upper, dtype=np.float64), np.ones(n)])
    cost = np.concatenate([np.zeros(n), np.asarray(weights, dtype=np.float64)])
    h.addCols(2 * n, cost, lo, hi, 0, np.array([], dtype=np.int32), np.array([], dtype=np.int32), np.array([]))
    h.changeColsIntegrality(n, np.arange(n, 2 * n, dtype=np.int32), np.array([HighsVarType.kInteger] * n))
    for i in range(n):
        m = max(float(upper[i]), -float(lower[i]), 1.0)
        idx = np.array([i, n + i], dtype=np.int32)
        h.addRow(-INF, 0.0, 2, idx, np.array([1.0, -m]))
        h.addRow(-INF, 0.0, 2, idx, np.array([-1.0, -m]))
    _add_rows(h, rows)
    out = SolveResult("ok")
    best: float | None = None
    while True:
        if time.perf_counter() > deadline:
            out.status = "timeout" if not out.supports else out.status
            break
        h.setOptionValue("time_limit", max(deadline - time.perf_counter(), 0.001))
        h.run()
        status = h.getModelStatus()
        if status == HighsModelStatus.kTimeLimit:
            if not out.supports:
                out.status = "timeout"
            break
        if status != HighsModelStatus.kOptimal:
            if not out.supports:
                out.status = "infeasible"
            break
        z = h.getSolution().col_value[n:]
        chosen = tuple(i for i in range(n) if z[i] > 0.5)
        obj = float(sum(weights[i] for i in chosen))
        if best is None:
            best = obj
        if obj > best + 1e-6:
            out.margin = obj - best
            break
        out.supports.append(Support(chosen, obj))
        if len(out.supports) > max_sets or not chosen:
            break
        # no-good cut: not this set, nor any superset of it
        h.addRow(
            -INF,
            len(chosen) - 1.0,
            len(chosen),
            np.array([n + i for i in chosen], dtype=np.int32),
            np.ones(len(chosen)),
        )
    return out


def repair_values(
    cells: Sequence[int], lower: Sequence[float], upper: Sequence[float], rows: Sequence[Row], deadline: float
) -> Repair:
    """The changes of ``cells`` that make every row hold (within its tolerance) and fit best: the
    equalities as exactly as possible, a gap weighing less in a relation of many addends (where
    rounding gaps are expected) than in one of few. Also the range each change can take at that
    fit."""
    k = len(cells)
    pos = {c: j for j, c in enumerate(cells)}
    used = [r for r in rows if any(i in pos for i in r.index)]
    eqs = [r for r in used if r.lo > -INF / 2 and r.hi < INF / 2]
    h = _highs(deadline)
    m = len(eqs)
    # columns: d_j (k), gap s_r (m) of each equality from its target
    lo = np.concatenate([np.array([lower[c] for c in cells], dtype=np.float64), np.zeros(m)])
    hi = np.concatenate([np.array([upper[c] for c in cells], dtype=np.float64), np.full(m, INF)])
    cost = np.concatenate([np.zeros(k), np.array([1.0 / max(r.addends - 1, 1) for r in eqs])])
    h.addCols(k + m, cost, lo, hi, 0, np.array([], dtype=np.int32), np.array([], dtype=np.int32), np.array([]))

    def part(r: Row) -> tuple[list[int], list[float]]:
        idx = [pos[i] for i in r.index if i in pos]
        return idx, [a for i, a in zip(r.index, r.coef) if i in pos]

    for r in used:  # cells outside the support do not change: r0 + Σa d within [lo, hi]
        idx, coef = part(r)
        h.addRow(r.lo - r.r0, r.hi - r.r0, len(idx), np.array(idx, dtype=np.int32), np.array(coef))
    for ri, r in enumerate(eqs):  # |r0 + Σa d| ≤ s
        idx, coef = part(r)
        cols = np.array(idx + [k + ri], dtype=np.int32)
        h.addRow(-INF, -r.r0, len(idx) + 1, cols, np.array(coef + [-1.0]))
        h.addRow(-r.r0, INF, len(idx) + 1, cols, np.array(coef + [1.0]))
    allowed = _extremes(h, cells, pos, k + m)
    h.changeColsCost(k + m, np.arange(k + m, dtype=np.int32), cost)
    h.run()
    if h.getModelStatus() != HighsModelStatus.kOptimal:
        return Repair({}, {}, 0.0, False)
    sol = list(h.getSolution().col_value)
    best = float(h.getInfo().objective_function_value)
    values = {c: sol[pos[c]] for c in cells}
    # keep the best fit, then see how far each change can move
    h.addRow(-INF, best + 1e-9, m, np.arange(k, k + m, dtype=np.int32), cost[k:])
    ranges = _extremes(h, cells, pos, k + m)
    for c in cells:
        ranges.setdefault(c, (values[c], values[c]))
    return Repair(values, ranges, best, True, allowed)


def _extremes(h, cells: Sequence[int], pos: dict[int, int], width: int) -> dict[int, tuple[float, float]]:
    """Smallest and largest change of each cell in the current model."""
    out: dict[int, tuple[float, float]] = {}
    for c in cells:
        lohi = []
        for sense in (1.0, -1.0):
            obj = np.zeros(width)
            obj[pos[c]] = sense
            h.changeColsCost(width, np.arange(width, dtype=np.int32), obj)
            h.run()
            if h.getModelStatus() != HighsModelStatus.kOptimal:
                break
            lohi.append(float(h.getSolution().col_value[pos[c]]))
        if len(lohi) == 2:
            out[c] = (lohi[0], lohi[1])
    return out
