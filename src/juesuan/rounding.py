"""The one rounding policy: published amounts are rounded to 0.01 of their unit, so a relation
between ``n`` rounded amounts may be off by up to 0.01 of the unit per addend. A gap within that
allowance is a rounding hint (info), never an error. Tables printed in whole units (every amount of
a relation printed without decimals, as some 预算 tables in 元 are) are rounded to 1 of their
unit: the allowance is then 1 unit per addend (:func:`whole_unit_step`). Used by the rule engine, the recognizer's
plausibility checks, the narrative checks and error localization.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def tolerance(addends: int, factor: Decimal = Decimal(1)) -> Decimal:
    """The rounding allowance for a relation with ``addends`` rounded amounts in a unit of
    ``factor`` (元 per unit; 1 when the amounts are compared in their own unit): 0.01 of the unit
    per addend (at least one)."""
    return CENT * factor * max(addends, 1)


def within(gap: Decimal, addends: int, factor: Decimal = Decimal(1)) -> bool:
    """The gap (absolute) is explained by rounding ``addends`` amounts to 0.01 of their unit."""
    return abs(gap) <= tolerance(addends, factor)


def q2(v: Decimal) -> Decimal:
    """``v`` rounded half-up to 0.01 (as amounts are printed)."""
    return v.quantize(CENT, rounding=ROUND_HALF_UP)


def whole_unit_step(printed: list[str]) -> Decimal:
    """100 when every printed amount (raw text) of a relation is printed without decimals (rounded
    to whole units: the allowance is 1 unit per addend), else 1."""
    return Decimal(100) if printed and all("." not in r for r in printed) else Decimal(1)
