"""The error-localization program's data (relations in solver units, supports, repairs), and its
exact solution when one cell explains everything — without HiGHS.

The program of :mod:`.solver` (minimum-weight sets of cells whose change makes every relation hold,
then the values that fit best) needs HiGHS, and HiGHS needs numpy: importing them costs about
75 ms, more than the rest of a check of a small document. Most components a check localizes are one
wrong cell breaking one or more relations, and that case is solved here exactly: a single cell's
change is feasible when every relation without it already holds and the intervals its relations
allow for the change intersect; when one feasible cell costs less than any two cells can, it is the
one minimum set, and the best fit of its value is the minimum of a convex piecewise-linear function
of one variable. Anything else — no single cell, ties, a two-cell set that could cost as little, a
value that is not one point, a comparison within ``EPS`` of its boundary — returns None and the
caller solves the program with HiGHS, as always. ``tests/test_locate_program.py`` compares the two
on random programs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Sequence

INF = 1e30
EPS = 1e-7  # solver units: a decision this close to its boundary is left to HiGHS (tolerance 1e-9)
TIE = 1e-6  # costs this close are equal (as the HiGHS enumeration compares them)
MARGIN = 0.5  # what the confidence asks of the margin (``juesuan.locate._confidence``)


@dataclass
class Row:
    """A relation in solver units: ``r0 + Σ a_i d_i`` must lie in [lo, hi]."""

    index: list[int]
    coef: list[float]
    r0: float
    lo: float
    hi: float
    addends: int = 2  # printed amounts in the relation (its rounding allowance is 0.01 × (addends − 1))


@dataclass
class Support:
    cells: tuple[int, ...]
    cost: float


@dataclass
class SolveResult:
    status: str  # "ok" | "infeasible" | "timeout"
    supports: list[Support] = field(default_factory=list)  # all minimal ones (ties)
    # cost of the next-best support minus the best (None: none found); from :func:`one_cell`, when
    # the next-best set's cost is not known exactly, a lower bound of at least MARGIN
    margin: float | None = None


@dataclass
class Repair:
    values: dict[int, float]  # cell -> change d
    ranges: dict[int, tuple[float, float]]  # cell -> (min d, max d) keeping the best fit
    residual: float
    feasible: bool
    # cell -> (min d, max d) keeping every relation within its tolerance (the others fixed)
    allowed: dict[int, tuple[float, float]] = field(default_factory=dict)


class _Undecided(Exception):
    """A comparison too close to its boundary to decide without the solver's own tolerances."""


def _interval(cell: int, lower: Sequence[float], upper: Sequence[float], rows: Sequence[Row]) -> tuple[float, float]:
    """The changes of ``cell`` alone (every other cell as printed) that keep every row within its
    bounds: (L, U), empty when L > U. Raises _Undecided near a boundary."""
    lo_d, hi_d = float(lower[cell]), float(upper[cell])
    for r in rows:
        a = sum(c for i, c in zip(r.index, r.coef) if i == cell)
        if a == 0:
            if not _holds(r):
                return 1.0, 0.0  # a relation without the cell fails: no change of it repairs that
            continue
        ends = [(b - r.r0) / a if abs(b) < INF / 2 else (b if a > 0 else -b) for b in (r.lo, r.hi)]
        lo_d, hi_d = max(lo_d, min(ends)), min(hi_d, max(ends))
    if abs(hi_d - lo_d) <= EPS:
        raise _Undecided
    return lo_d, hi_d


def _holds(r: Row) -> bool:
    """The relation holds with no change. Raises _Undecided near a boundary."""
    if r.lo - EPS <= r.r0 <= r.lo + EPS or r.hi - EPS <= r.r0 <= r.hi + EPS:
        raise _Undecided
    return r.lo <= r.r0 <= r.hi


def one_cell(
    n: int, weights: Sequence[float], lower: Sequence[float], upper: Sequence[float], rows: Sequence[Row]
) -> SolveResult | None:
    """:func:`.solver.minimal_supports` when its answer is one cell that costs less than any other
    set can (see the module); None otherwise (the caller runs the solver)."""
    if any(not float(lower[c]) <= 0 <= float(upper[c]) for c in range(n)):
        return None  # a cell that must change whatever happens (its bounds exclude no change)
    try:
        if all(_holds(r) for r in rows):
            return None  # nothing to change (the solver says so: an empty set)
        feasible = []
        for cell in range(n):
            lo_d, hi_d = _interval(cell, lower, upper, rows)
            if lo_d < hi_d:
                feasible.append((float(weights[cell]), cell))
    except _Undecided:
        return None
    if not feasible:
        return None
    feasible.sort()
    best, cell = feasible[0]
    two = 2 * min(float(w) for w in weights)  # the least any set of two cells or more costs
    if (len(feasible) > 1 and feasible[1][0] <= best + TIE) or best >= two - TIE:
        return None  # ties, or a larger set might cost as little
    second = feasible[1][0] if len(feasible) > 1 else None
    if second is not None and second <= two + TIE:
        margin = second - best  # the next-best set: that cell (no larger set costs less)
    elif two - best >= MARGIN:  # (the solver's margin is a difference of the same sums)
        margin = min(two, second if second is not None else two) - best  # at least that
    else:
        return None  # the next-best set could be a larger one within MARGIN: the solver says
    return SolveResult("ok", [Support((cell,), best)], margin)


def repair_one(cell: int, lower: Sequence[float], upper: Sequence[float], rows: Sequence[Row]) -> Repair | None:
    """:func:`.solver.repair_values` for a set of one cell, when its best fit is one value (see the
    module); None otherwise."""
    used = [r for r in rows if any(i == cell and c != 0 for i, c in zip(r.index, r.coef))]
    try:
        lo_d, hi_d = _interval(cell, lower, upper, used)
    except _Undecided:
        return None
    if lo_d > hi_d:
        return Repair({}, {}, 0.0, False)
    eqs = []
    for r in used:
        if r.lo > -INF / 2 and r.hi < INF / 2:
            a = sum(c for i, c in zip(r.index, r.coef) if i == cell)
            eqs.append((1.0 / max(r.addends - 1, 1), a, r.r0))

    def fit(d: float) -> float:  # each equality's gap from its target, weighed by its allowance
        return sum(w * abs(r0 + a * d) for w, a, r0 in eqs)

    points = sorted({lo_d, hi_d, *(-r0 / a for _, a, r0 in eqs if lo_d < -r0 / a < hi_d)})
    values = [fit(d) for d in points]
    best = min(values)
    at = [d for d, v in zip(points, values) if v <= best + 1e-12 * max(1.0, best)]
    if at[-1] - at[0] > EPS:
        return None  # not one value: the solver gives the range as it always does
    d = at[0]
    return Repair({cell: d}, {cell: (d, d)}, best, True, {cell: (lo_d, hi_d)})
