"""Text and number normalization shared by readers, the recognizer and the rules.

Printed text is always kept as printed; these helpers only produce *matching keys* and parse
amounts into exact ``Decimal`` values. Keys fold full-width forms to half-width (NFKC) and
Traditional Chinese to Simplified (OpenCC ``t2s``), so a table printed in Traditional Chinese
("一般公共預算財政撥款支出決算表") matches the Simplified aliases of the layouts.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any

# Characters that print as a dash in "no value" cells.
DASHES = frozenset({"—", "－", "-", "–", "——", "―", "─", "－－", "--", "/", "／", "…"})

_SPACE_RE = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})
# (``str.translate`` raises and clears a KeyError for every character a plain table lacks: the
# table is applied only to a text that holds one of its characters)
_QUOTE_RE = re.compile("[" + "".join(chr(c) for c in _QUOTES) + "]")
_NUMBERING_RE = re.compile(
    r"^\s*(?:[（(]?[一二三四五六七八九十百]+[)）、.．]|[（(][0-9０-９]+[)）]|[0-9０-９]+[.．、)）]"
    r"|其中[:：])\s*"
)
_AMOUNT_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


# Text made only of these characters (ASCII, general and CJK punctuation, CJK ideographs, full-width
# forms) is NFKC-normalized character by character, with the same result as the whole string: none of
# them is or maps to a combining mark, and no two of them compose (checked over every pair but the
# ideographs', which NFKC leaves alone: tests/test_textnorm_nfkc.py). Left out: U+2017, U+203E and
# U+FFE3 (they map to a combining mark), U+302A–U+302F (combining marks).
_NFKC_BY_CHAR = re.compile(
    "[\u0020-\u007e\u2010-\u2016\u2018-\u2027\u2030-\u203d\u203f-\u205e\u3000-\u3029\u3030-\u303f"
    "\u4e00-\u9fff\uff01-\uff65\uffe0-\uffe2\uffe4-\uffe6]*"
)


class _NfkcTable(dict[int, str]):
    """Each character's NFKC form by code point, for ``str.translate``: filled on first sight."""

    def __missing__(self, code: int) -> str:
        n = self[code] = unicodedata.normalize("NFKC", chr(code))
        return n


_NFKC_TABLE = _NfkcTable()


def nfkc(text: str) -> str:
    """Full-width to half-width and compatibility forms (ＡＢＣ１２３（） → ABC123())."""
    if text.isascii():
        return text  # (ASCII is its own NFKC form)
    if _NFKC_BY_CHAR.fullmatch(text):
        # the whole string's NFKC form, a character at a time: the quick check of
        # unicodedata.normalize fails on any full-width bracket, and it then decomposes and
        # recomposes the whole string
        return text.translate(_NFKC_TABLE)
    return unicodedata.normalize("NFKC", text)


# --------------------------------------------------------------------------------------------
# Traditional → Simplified, for matching only

_TRADITIONAL: frozenset[str] | None = None


def _traditional_chars() -> frozenset[str]:
    """Characters that OpenCC's t2s conversion can change: the quick test of :func:`simplified`.

    Built once from the dictionaries installed with opencc-python-reimplemented: every character
    that a Traditional→Simplified character or phrase entry replaces.
    """
    global _TRADITIONAL
    if _TRADITIONAL is None:
        from pathlib import Path

        from .dataload import cached

        files = _dictionaries()
        # built once per installation (the user cache), not once per process: ~40 ms; kept as one
        # string (a set of 4,000 strings unpickles in twice the time of the string and the set)
        chars = cached("traditional-chars", [*files, Path(__file__)], lambda: "".join(sorted(_read_traditional(files))))
        _TRADITIONAL = frozenset(chars)
    return _TRADITIONAL


def _dictionaries() -> list[Any]:
    """OpenCC's Traditional→Simplified character and phrase dictionaries (their files)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("opencc")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("opencc")
    folder = Path(spec.origin).parent / "dictionary"
    return [folder / name for name in ("TSCharacters.txt", "TSPhrases.txt")]


@lru_cache(maxsize=1)
def _in_phrases() -> dict[str, tuple[str, ...]]:
    """The characters of :func:`_traditional_chars` that the conversion does not change on their
    own (覆: its character entry is 覆 itself), each with the Traditional phrases that change it
    (反覆 → 反复). A text holding such a character but none of its phrases is not changed; loaded
    only when a text holds one (a few Simplified documents do: 全覆盖)."""
    from pathlib import Path

    from .dataload import cached

    files = _dictionaries()
    return cached("traditional-phrases", [*files, Path(__file__)], lambda: _read_phrases(files))


def _read_phrases(files: list[Any]) -> dict[str, tuple[str, ...]]:
    alone: set[str] = set()
    phrases: dict[str, set[str]] = {}
    for path in files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                src, _, dst = line.rstrip("\n").partition("\t")
                dst = dst.split(" ")[0]
                if len(src) == 1:
                    if dst != src:
                        alone.add(src)
                    continue
                changed = [a for a, b in zip(src, dst) if a != b] if len(src) == len(dst) else list(src)
                for c in changed:
                    phrases.setdefault(c, set()).add(src)
    return {c: tuple(sorted(phrases.get(c, ()))) for c in _traditional_chars() if c not in alone}


def _read_traditional(files: list[Any]) -> frozenset[str]:
    chars: set[str] = set()
    for path in files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                src, _, dst = line.rstrip("\n").partition("\t")
                dst = dst.split(" ")[0]
                if len(src) == 1 or len(src) != len(dst):
                    chars.update(c for c in src if c not in dst or len(src) == 1)
                else:
                    chars.update(a for a, b in zip(src, dst) if a != b)
    return frozenset(chars)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=8192)
def _convert_t2s(text: str) -> str:
    return _t2s().convert(text)


def has_traditional(text: str) -> bool:
    """True when Traditional→Simplified conversion may change the text: it holds a character the
    conversion changes, or a Traditional phrase (a character such as 覆 is changed only inside
    one: 反覆 → 反复, 全覆盖 stays)."""
    if not text or text.isascii():
        return False
    found = _traditional_chars().intersection(text)
    if not found:
        return False
    in_phrases = _in_phrases()
    for c in found:
        if c not in in_phrases or any(p in text for p in in_phrases[c]):
            return True
    return False


def simplified(text: str) -> str:
    """Traditional Chinese converted to Simplified (OpenCC t2s); other text returned as is.

    For matching only: printed text is never replaced by this. The conversion runs only when the
    text holds a character outside the Simplified set, so Simplified text costs one set test.
    """
    return _convert_t2s(text) if has_traditional(text) else text


@lru_cache(maxsize=1 << 14)
def fold(text: str) -> str:
    """Text for pattern matching: NFKC (full-width → half-width) and Traditional → Simplified,
    spacing kept (``key`` removes it).

    Memoized: the recognizer and the kind detection fold the same lines (about five calls per
    distinct text in a check)."""
    return simplified(nfkc(text or ""))


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """A matching key: NFKC, Traditional → Simplified, no whitespace, unified quotes and brackets.

    Memoized: a document repeats the same labels and headers many times (about 8 calls per
    distinct text when checking a disclosure), which more than pays for the Traditional test.
    """
    t = nfkc(text or "")
    if has_traditional(t):
        t = _convert_t2s(t)
    if _QUOTE_RE.search(t):
        t = t.translate(_QUOTES)
    return _SPACE_RE.sub("", t)


def strip_numbering(text: str) -> str:
    """Remove list numbering such as '一、', '（二）', '1.', '(1)' or '其中：' from a label."""
    prev = None
    t = text.strip()
    while prev != t:
        prev = t
        t = _NUMBERING_RE.sub("", t, count=1).strip()
    return t


@lru_cache(maxsize=1 << 16)
def label_key(text: str) -> str:
    """Key of a row label: numbering removed, normalized (Traditional → Simplified as in key)."""
    return key(strip_numbering(nfkc(text or "")))


class CellKind:
    BLANK = "blank"
    NUMBER = "number"
    DASH = "dash"
    TEXT = "text"


@lru_cache(maxsize=1 << 16)
def parse_amount(raw: str) -> tuple[str, Decimal | None]:
    """Classify a printed cell and parse it as an exact decimal.

    Returns (kind, value): blank → (blank, None); a dash → (dash, None); a number → (number,
    Decimal); anything else → (text, None). Thousands separators and full-width digits are
    accepted; "(1.00)" is read as a negative number.

    Memoized: recognition classifies the same printed cell several times (≈ 1,400 calls, a few
    hundred texts, on a 24-page 决算); the Decimal is immutable, so sharing it is safe.
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
    m = _UNIT_RE.search(fold(text))
    return m.group(1) if m else None


# A text cell a spreadsheet would run as a formula when the CSV is opened (CSV injection): it
# starts with = + - @ (or a tab / carriage return that hides one). A plain number (-12.50, +3%)
# is data, not a formula, and stays as it is.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*)?(?:\.\d+)?%?")


def csv_safe(text: str) -> str:
    """``text`` for a CSV cell: a leading ' when a spreadsheet would read it as a formula."""
    if text.startswith(_FORMULA_START) and not (_PLAIN_NUMBER.fullmatch(text) and any(c.isdigit() for c in text)):
        return "'" + text
    return text
