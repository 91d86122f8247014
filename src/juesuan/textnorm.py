"""Text and number normalization shared by readers, the recognizer and the rules.

Printed text is always kept as printed; these helpers only produce *matching keys* and parse
amounts into exact ``Decimal`` values.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

# Characters that print as a dash in "no value" cells.
DASHES = frozenset({"—", "－", "-", "–", "——", "―", "─", "－－", "--", "/", "／", "…"})

_SPACE_RE = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})
_NUMBERING_RE = re.compile(
    r"^\s*(?:[（(]?[一二三四五六七八九十百]+[)）、.．]|[（(][0-9０-９]+[)）]|[0-9０-９]+[.．、)）]"
    r"|其中[:：])\s*"
)
_AMOUNT_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def nfkc(text: str) -> str:
    """Full-width to half-width and compatibility forms (ＡＢＣ１２３（） → ABC123())."""
    return unicodedata.normalize("NFKC", text)


def key(text: str) -> str:
    """A matching key: NFKC, no whitespace, unified quotes and brackets."""
    t = nfkc(text or "").translate(_QUOTES)
    return _SPACE_RE.sub("", t)


def strip_numbering(text: str) -> str:
    """Remove list numbering such as '一、', '（二）', '1.', '(1)' or '其中：' from a label."""
    prev = None
    t = text.strip()
    while prev != t:
        prev = t
        t = _NUMBERING_RE.sub("", t, count=1).strip()
    return t


def label_key(text: str) -> str:
    """Key of a row label: numbering removed, normalized."""
    return key(strip_numbering(nfkc(text or "")))


class CellKind:
    BLANK = "blank"
    NUMBER = "number"
    DASH = "dash"
    TEXT = "text"


def parse_amount(raw: str) -> tuple[str, Decimal | None]:
    """Classify a printed cell and parse it as an exact decimal.

    Returns (kind, value): blank → (blank, None); a dash → (dash, None); a number → (number,
    Decimal); anything else → (text, None). Thousands separators and full-width digits are
    accepted; "(1.00)" is read as a negative number.
    """
    t = key(raw)
    if not t:
        return CellKind.BLANK, None
    if t in DASHES or set(t) <= set("—-－–―─"):
        return CellKind.DASH, None
    neg = False
    if t.startswith("(") and t.endswith(")"):
        neg, t = True, t[1:-1]
    if t.endswith("%"):
        return CellKind.TEXT, None
    if not _AMOUNT_RE.match(t):
        return CellKind.TEXT, None
    try:
        value = Decimal(t.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - guarded by the regex
        return CellKind.TEXT, None
    return CellKind.NUMBER, (-value if neg else value)


def is_amount(raw: str) -> bool:
    return parse_amount(raw)[0] == CellKind.NUMBER


def format_decimal(value: Decimal | None) -> str:
    """Plain decimal text without separators or exponent (for CSV/JSON output)."""
    if value is None:
        return ""
    text = format(value, "f")
    return text


UNIT_FACTORS = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}
_UNIT_RE = re.compile(r"(?:金额)?单位\s*[:：]\s*(亿元|万元|千元|元)")


def find_unit(text: str) -> str | None:
    m = _UNIT_RE.search(nfkc(text))
    return m.group(1) if m else None
