"""Likely causes of a wrong cell, from its printed value, its repaired value and its neighbours.

Each cause has a stable id (used in JSON) and a Chinese label. Checked in this order: rounding only,
sign, unit slip (×10,000 or ×1,000), misplaced decimal point (×10, ×100), column shift and row
shift (a pair of suspects exchanging a value), transposed digits, dropped digit, extra digit, copy
of another cell of the table, omitted value, spurious value, other.
"""

from __future__ import annotations

from decimal import Decimal

CAUSES: dict[str, str] = {
    "rounding": "舍入差异",
    "sign": "正负号错误",
    "unit": "金额单位错误（元与万元等混用）",
    "decimal_point": "小数点错位",
    "column_shift": "错列（金额填入了相邻列）",
    "row_shift": "错行（金额填入了相邻行）",
    "transposed_digits": "数字前后颠倒",
    "dropped_digit": "漏写一位数字",
    "extra_digit": "多写一位数字",
    "copy": "照抄了表内其他单元格的数值",
    "omitted": "漏填",
    "spurious": "不应填列金额",
    "other": "数值有误（原因不明）",
}

# Causes whose pattern is specific enough to support a high confidence.
SPECIFIC = {
    "rounding",
    "sign",
    "unit",
    "decimal_point",
    "column_shift",
    "row_shift",
    "transposed_digits",
    "dropped_digit",
    "extra_digit",
    "copy",
}


def digits(v: Decimal, places: int) -> str:
    """The digit string of |v| printed with ``places`` decimals, without the point or leading zeros."""
    q = abs(v).quantize(Decimal(1).scaleb(-places))
    return format(q, "f").replace(".", "").lstrip("0") or "0"


def _is_transposition(a: str, b: str) -> bool:
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def _is_deletion(short: str, long: str) -> bool:
    """``short`` is ``long`` with one digit left out (a leading digit left out may take the zeros
    after it along: 202.30 printed as 2.30)."""
    if len(short) >= len(long):
        return False
    return any((long[:i] + long[i + 1 :]).lstrip("0") == short for i in range(len(long)))


def classify_value(printed: Decimal, repaired: Decimal, places: int) -> str | None:
    """The cause read from the two values alone (None when no pattern applies)."""
    if printed == repaired:
        return None
    unit = Decimal(1).scaleb(-places)
    if abs(printed - repaired) <= 2 * unit:
        return "rounding"
    if printed != 0 and printed == -repaired:
        return "sign"
    if printed != 0 and repaired != 0:
        for k, cause in ((10000, "unit"), (1000, "unit"), (100, "decimal_point"), (10, "decimal_point")):
            if printed == repaired * k or repaired == printed * k:
                return cause
        a, b = digits(printed, places), digits(repaired, places)
        if (printed > 0) == (repaired > 0):
            if _is_transposition(a, b):
                return "transposed_digits"
            if _is_deletion(a, b):
                return "dropped_digit"
            if _is_deletion(b, a):
                return "extra_digit"
    return None
