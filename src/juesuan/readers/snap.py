"""OCR'd text snapped to what a 决算 prints: labels and titles to the layouts and catalogs, amounts
cleaned of the confusions OCR makes in digits.

* :func:`snap_text` — a label, header or title read by OCR with a character or two wrong
  ("年未结转和结余", "收）支出「决算表") is replaced by the one known text it is nearest to: the table
  titles, column headers and row labels of the layouts, and the names of the 支出功能分类 and
  支出经济分类 catalogs. Only when unambiguous: the nearest text is at most
  ``snap_edits_per_char`` × its length edits away (Levenshtein distance, rapidfuzz) and no other
  known text is as near. A title may carry a prefix (a year, the department's name): its end is
  compared with the known titles. List numbering ("一、", "（二）") is kept as read. A snapped
  label takes the known text's printed form (full-width brackets); a label read with brackets of
  both widths gets full-width ones.
* :func:`fix_amount` — a cell of an amount column whose text becomes an amount when the letters
  OCR confuses with digits (O o 〇 → 0, l I | → 1) and full-width punctuation are replaced; the
  caller decides which cells are in an amount column.

rapidfuzz comes with the ``ocr`` extra; without it, text is left as read.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..textnorm import CellKind, key, parse_amount, strip_numbering
from .settings import current

_CONFUSED_DIGITS = str.maketrans({"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1", "|": "1", "，": ",", "。": "."})
_AMOUNT_RE = re.compile(r"^[-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$")
_DIGIT_RE = re.compile(r"\d")
_CODE_LIKE_RE = re.compile(r"^[0-9A-Za-z.,，。:：\-—]+$")  # a code or amount as read: not a label
_DASH_AS_YI_RE = re.compile(r"(?:(?<=^)|(?<=[\u4e00-\u9fff]))[-—_－]{1,2}(?=[\u4e00-\u9fff、])")
_YEAR_RE = re.compile(r"\d{4}年度?$")
_TITLE_PREFIX_ENDS = ("部门", "单位")
_SPACE_RE = re.compile(r"\s+")
_HALF_BRACKET_RE = re.compile(r"[()]")
_FULL_BRACKET_RE = re.compile(r"[（）]")
_TO_FULL_BRACKETS = str.maketrans({"(": "（", ")": "）"})


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[tuple[str, ...], tuple[str, ...], dict[str, str]]:
    """(labels and headers, table titles) the layouts and catalogs know, keyed (textnorm.key), and
    the printed form of each label's key (the catalogs' and layouts' text: ``其他政府办公厅（室）…``
    with its full-width brackets, where the key has ``(室)``)."""
    from .. import catalog
    from ..layouts import load

    layouts = load()
    labels: set[str] = set()
    titles: set[str] = set()
    printed: dict[str, str] = {}

    def label(text: str) -> None:
        k = key(text)
        labels.add(k)
        printed.setdefault(k, _SPACE_RE.sub("", text))

    for t in layouts.tables.values():
        titles.update(key(x) for x in t.titles)
        for r in t.rows:
            if r.label:
                label(r.label)
        labels.update(r for row in t.rows for r in row.aliases)
        for cols in [t.columns, *t.variants, *(b.columns for b in t.blocks)]:
            for c in cols:
                label(c.header.split("/")[-1])
                labels.update(c.aliases)
    for names in layouts.performance.values():
        titles.update(key(x) for x in names)
    for scheme in ("functional", "economic"):
        try:
            for e in catalog.load(scheme).entries.values():
                label(e.name)
        except LookupError:
            continue
    shortest = current().snap_min_chars
    labels = {x for x in labels if len(x) >= shortest}
    return tuple(sorted(labels)), tuple(sorted(x for x in titles if len(x) >= shortest)), printed


def _full_width_brackets(text: str) -> str:
    """A label read with brackets of both widths (``办公厅(室）``: the recognizer cannot tell a
    half-width bracket from a full-width one by its glyph alone) with all of them full width, as
    Chinese text prints them; a label with one width only is left as read."""
    if _HALF_BRACKET_RE.search(text) and _FULL_BRACKET_RE.search(text):
        return text.translate(_TO_FULL_BRACKETS)
    return text


def _nearest(text: str, choices: tuple[str, ...]) -> str | None:
    """The one choice within the allowed edits of ``text``, nearer than any other; None if none
    is, or two are as near."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    s = current()
    allowed = max(1, int(len(text) * s.snap_edits_per_char))
    if len(text) < s.snap_indel_min_chars:
        # a short text: only characters misread, none lost or added (a unit's own label one
        # character longer or shorter than a catalog name is not that name)
        choices = tuple(c for c in choices if len(c) == len(text))
    found = process.extract(text, choices, scorer=Levenshtein.distance, score_cutoff=allowed, limit=2)
    if not found:
        return None
    if len(found) > 1 and found[1][1] == found[0][1]:
        return None
    return str(found[0][0])


def _available() -> bool:
    import importlib.util

    return importlib.util.find_spec("rapidfuzz") is not None


def snap_text(text: str) -> str:
    """``text`` (a label, header or title read by OCR) as the known text it certainly is, or as read."""
    stripped = text.strip()
    if not stripped or parse_amount(stripped)[0] != CellKind.TEXT or _CODE_LIKE_RE.match(stripped):
        return text
    if not _available():
        return text
    labels, titles, printed = _vocabulary()
    # a dash read before or between CJK characters is the character 一 (一般, 十一、)
    stripped = _DASH_AS_YI_RE.sub("一", stripped)
    stripped = _full_width_brackets(stripped)
    body = strip_numbering(stripped)
    prefix = stripped[: len(stripped) - len(body)] if stripped.endswith(body) else ""
    k = key(body)
    if len(k) < current().snap_min_chars:
        return text
    if k in labels or k in titles:
        return stripped
    near = _nearest(k, labels)
    if near is not None:
        return prefix + printed.get(near, near)
    whole = key(stripped)
    # a title after a prefix: the end of the text against each title, ±1 character
    best: list[tuple[int, str, str]] = []
    from rapidfuzz.distance import Levenshtein

    for t in titles:
        for n in (len(t) - 1, len(t), len(t) + 1):
            if n <= 0 or n > len(whole):
                continue
            d = Levenshtein.distance(whole[-n:], t)
            head = whole[:-n]
            if head and not (_YEAR_RE.search(head) or head.endswith(_TITLE_PREFIX_ENDS)):
                continue  # the end of a longer text (另一个表名), not a title after a year or a name
            if d <= max(1, int(len(t) * current().snap_edits_per_char)):
                best.append((d, t, head))
    if not best:
        return text
    nearest = min(d for d, _, _ in best)
    if nearest == 0:
        return text  # a known title as printed
    readings = {head + t for d, t, head in best if d == nearest}
    return readings.pop() if len(readings) == 1 else text  # two titles as near: left as read


def fix_amount(text: str) -> str:
    """``text`` of an amount cell with OCR's letter-for-digit confusions repaired, when that makes
    it an amount and most of it was digits already; otherwise as read."""
    t = text.strip().replace(" ", "")
    if not t or parse_amount(t)[0] != CellKind.TEXT:
        return text
    fixed = t.translate(_CONFUSED_DIGITS)
    digits = len(_DIGIT_RE.findall(t))
    if fixed != t and _AMOUNT_RE.match(fixed) and digits >= current().amount_min_digit_share * len(t):
        return fixed
    return text


def amount_columns(rows: list[list[str]]) -> set[int]:
    """The positions of a grid's rows where most of the cells with text are amounts (as repaired)."""
    counts: dict[int, list[int]] = {}
    for cells in rows:
        for i, c in enumerate(cells):
            if not c.strip():
                continue
            seen = counts.setdefault(i, [0, 0])
            seen[1] += 1
            if parse_amount(fix_amount(c))[0] in (CellKind.NUMBER, CellKind.DASH):
                seen[0] += 1
    return {i for i, (amounts, texts) in counts.items() if amounts * 2 > texts}


def snap_items(items: list[Any]) -> None:
    """OCR'd line items of a page, in place: amounts repaired in the amount columns of each grid,
    every other text cell snapped (:func:`snap_text`)."""
    grids: dict[int, list[Any]] = {}
    for it in items:
        if it.grid is not None:
            grids.setdefault(it.grid, []).append(it)
    amount_cols = {g: amount_columns([it.cells for it in rows]) for g, rows in grids.items()}
    for it in items:
        cols = amount_cols.get(it.grid, set()) if it.grid is not None else set()
        for i, c in enumerate(it.cells):
            if i in cols:
                it.cells[i] = fix_amount(c)
            else:
                it.cells[i] = snap_text(c)


__all__ = ["amount_columns", "fix_amount", "snap_items", "snap_text"]
