"""Page geometry shared by the readers that see positions (PDF text, OCR runs): characters grouped
into lines, lines split into cells, and the line items the PDF reader assembles pages from.

Coordinates are PDF points with the origin at the top-left of the page; a box is
``(x0, top, x1, bottom)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from operator import itemgetter

from .settings import current

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any


def median(values: Any) -> Any:
    """``statistics.median`` of the values, the same figure, without importing ``statistics`` on
    the check path (it imports ``fractions`` and ``random``). No value: statistics says so."""
    data = sorted(values)
    n = len(data)
    if not n:
        import statistics

        return statistics.median(data)  # raises StatisticsError, as before
    if n % 2:
        return data[n // 2]
    return (data[n // 2 - 1] + data[n // 2]) / 2


_NUMBER_WORDS = set("年月日号时个人次项件辆台套批元万亿千百余多家所")
_OPENING_MARKS = set("（《“【")  # full-width marks that open a label as a CJK character does
_AMOUNT_RE = re.compile(r"^[-－−(（]?[\d,，]+(\.\d+)?[)）]?%?$")
# (compiled once: matched for many character pairs of a line)
_WHOLE_RE = re.compile(r"[\d,]{1,15}")  # a whole number, spaced off the label after it
_TWO_DECIMALS_RE = re.compile(r"\d[\d,]*\.\d\d")  # an amount touching the label before it
_GROUP_AMOUNT_RE = re.compile(r"[\d,]+\.\d{2}")  # an amount touching what follows

Box = tuple[float, float, float, float]


@dataclass
class _Item:
    """One line of a page before it becomes a RawLine: cells with boxes, and where it sits."""

    top: float
    bottom: float
    cells: list[str]
    boxes: list[Box | None]
    grid: int | None = None  # index of the ruled grid on the page, None for free text
    ocr: bool = False
    col_edges: list[float] | None = None  # grid rows: x boundaries of the grid's columns
    chars: list[dict[str, Any]] | None = None  # free lines: the characters, for re-cutting
    # free lines of a border-less table: the columns they were placed on (shared by the lines of
    # one table; carried over to a continuation page printed without a header)
    columns: TableColumns | None = None
    doubt: str | None = None  # why this line's cells may sit in the wrong columns (a reading problem)

    @property
    def x0(self) -> float:
        return min([b[0] for b in self.boxes if b])

    @property
    def x1(self) -> float:
        return max([b[2] for b in self.boxes if b])


@dataclass
class TableColumns:
    """The columns of a table on the page that printed its header, for placing the rows of a
    continuation page printed without one. A border-less table: ``cuts`` are the x boundaries
    between its columns, ``rights`` the range of the right edges of the right-aligned cells
    (amounts) seen in each column (None: none seen), ``headed`` whether the columns were found
    under a header (a table's rows alone may miss a column none of them fills). A ruled table:
    ``cells`` holds, by position, the x spans of the ruled cells its rows have there (none where
    a merged cell covers the position: its text goes to the merged cell's first position, as in
    the grid's rows), ``texts`` how many of them hold a text. ``height``: the median character
    height of the rows."""

    cuts: list[float]
    rights: list[tuple[float, float] | None]
    headed: bool = True
    height: float = 0.0
    cells: list[list[tuple[float, float]]] | None = None
    texts: list[int] | None = None


@dataclass
class _Page:
    """One page's positioned text items, its size, and whether it is a scan or carries a ruled table."""

    number: int
    width: float
    height: float
    items: list[_Item] = field(default_factory=list)
    scanned: bool = False
    ruled: bool = False  # a ruled table was found on it (its grid can be compared with pdfplumber's)


# ----------------------------------------------------------------------------------------------
# Characters → lines → cells


def _line_text(chars: list[dict[str, Any]]) -> str:
    """Text of one visual line; a space where the gap between two characters is wide."""
    if not chars:
        return ""
    space_gap = current().space_gap_h
    prev = chars[0]
    out = [prev["text"]]
    for k in range(1, len(chars)):
        ch = chars[k]
        height = prev["bottom"] - prev["top"]
        if height < 1.0:
            height = 1.0
        # A space where one was printed between Latin words or digits, or after a list
        # number ("1. 因公出国"); CJK text never gets spaces from letter-spacing.
        if ch["x0"] - prev["x1"] > space_gap * height:
            a, b = prev["text"], ch["text"]
            if (a.isascii() and b.isascii()) or (a in ".:;,)" and not b.isdigit()):
                out.append(" ")
        out.append(ch["text"])
        prev = ch
    return "".join(out)


_X0 = itemgetter("x0")


def _group_lines(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Group characters into visual lines by vertical centre; each line sorted left to right."""
    if not chars:
        return []  # (an empty cell of a ruled table: nearly half of them)
    line_tol = current().line_tol
    first = chars[0]
    top0, bottom0 = first["top"], first["bottom"]
    for c in chars:
        if c["top"] != top0 or c["bottom"] != bottom0:
            break
    else:
        # every character on the same band (most cells of a ruled table, a line of one font): one
        # line whatever the tolerance, in x order and, at equal x, in page order — what the
        # grouping below gives them, without a key a character
        if line_tol >= 0:
            one = [c for c in chars if c["text"].strip()]
            one.sort(key=_X0)
            return [one] if one else []
    # (vertical centre, x0, page order, height, character): sorted as by (centre, x0) in a stable
    # sort, each value computed once a character
    keyed = []
    for k, c in enumerate(chars):
        if c["text"].strip():
            top, bottom = c["top"], c["bottom"]
            keyed.append(((top + bottom) / 2, c["x0"], k, bottom - top, c))
    keyed.sort()
    lines: list[list[dict[str, Any]]] = []
    line: list[dict[str, Any]] = []
    centre = height = 0.0
    for mid, _, _, h, c in keyed:
        if h < 1.0:
            h = 1.0
        if lines and abs(mid - centre) <= line_tol * (height if height > h else h):
            line.append(c)
            centre += (mid - centre) / len(line)
            if h > height:
                height = h
        else:
            line = [c]
            lines.append(line)
            centre, height = mid, h
    for ln in lines:
        ln.sort(key=_X0)
    return lines


def _split_cells(line: list[dict[str, Any]]) -> tuple[list[str], list[Box]]:
    """Split one visual line into cells at wide gaps (or where an amount touches a label)."""
    cur = [line[0]]  # the cell being filled (the last of ``groups``)
    groups: list[list[dict[str, Any]]] = [cur]
    s = current()
    cell_gap, min_width, whole_gap = s.cell_gap_em, s.min_char_width, s.whole_number_gap_h
    no_size = _NO_SIZE
    # the previous character's values carried over from the step before (read once a character)
    prev = line[0]
    p_x0, p_x1, p_text, p_size = prev["x0"], prev["x1"], prev["text"], prev.get("size", no_size)
    p_digit = p_text.isdigit()
    for at in range(1, len(line)):
        ch = line[at]
        c_x0, c_x1, text = ch["x0"], ch["x1"], ch["text"]
        digit = text.isdigit()
        pw, cw = p_x1 - p_x0, c_x1 - c_x0
        width = cw if cw < pw else pw
        size = width if p_size is no_size else p_size
        if width < size:
            size = width
        if min_width > size:
            size = min_width
        gap = c_x0 - p_x1
        if (
            gap > cell_gap * size
            or (p_digit and _splits_after_number(cur, prev, text, gap, whole_gap))
            or (digit and _amount_after_label(line, at))
        ):
            cur = [ch]
            groups.append(cur)
        else:
            cur.append(ch)
        prev, p_x0, p_x1, p_text, p_size, p_digit = ch, c_x0, c_x1, text, ch.get("size", no_size), digit
    cells = [_line_text(g) for g in groups]
    boxes: list[Box] = []
    for g in groups:
        c = g[0]
        x0, top, x1, bottom = c["x0"], c["top"], c["x1"], c["bottom"]
        for k in range(1, len(g)):
            c = g[k]
            if c["x0"] < x0:
                x0 = c["x0"]
            if c["top"] < top:
                top = c["top"]
            if c["x1"] > x1:
                x1 = c["x1"]
            if c["bottom"] > bottom:
                bottom = c["bottom"]
        boxes.append((x0, top, x1, bottom))
    return cells, boxes


_NO_SIZE = object()  # a character without a font size (PDFium's): its width stands in


def _splits_after_number(
    group: list[dict[str, Any]], prev: dict[str, Any], text: str, gap: float, whole_gap: float
) -> bool:
    """After a digit: a new cell starts at ``text``.

    A right-aligned amount touching the next cell's label ("628.77一、一般公共服务支出"). Also an
    amount touching the next cell's code ("388.50" + "30299"): amounts in these tables carry
    exactly two decimals. A whole number ("0") spaced off the label after it is an amount too; in
    running text a number touches the character after it, or is followed by its unit or date word
    ("2024 年度", "5 个", "12 人次")."""
    cjk = _is_cjk(text)
    if (cjk or text.isdigit()) and _group_is_amount(group):
        return True
    height = prev["bottom"] - prev["top"]
    if height < 1.0:
        height = 1.0
    return (
        (cjk or text in _OPENING_MARKS)
        and text not in _NUMBER_WORDS
        and gap > whole_gap * height
        and _WHOLE_RE.fullmatch("".join([c["text"] for c in group])) is not None
    )


def _amount_after_label(line: list[dict[str, Any]], at: int) -> bool:
    """A right-aligned amount touching the label before it in a narrow column ("…机构事" +
    "565.48"): a label character, then digits printed without a space that make a two-decimal
    amount which ends the line or is followed by another amount or a gap, not by a unit or word
    ("565.48万元" is prose)."""
    if not (_is_cjk(line[at - 1]["text"]) or line[at - 1]["text"] in "）)") or not line[at]["text"].isdigit():
        return False
    k = at
    space = current().space_gap_h
    while k < len(line) and (line[k]["text"].isdigit() or line[k]["text"] in ",."):
        if k > at and line[k]["x0"] - line[k - 1]["x1"] > space * max(line[k]["bottom"] - line[k]["top"], 1.0):
            break  # a visible space: the digits so far are one number (a 行次 before its amount)
        k += 1
        if _TWO_DECIMALS_RE.fullmatch("".join([c["text"] for c in line[at:k]])):
            break
    text = "".join([c["text"] for c in line[at:k]])
    return _TWO_DECIMALS_RE.fullmatch(text) is not None and (k == len(line) or not _is_cjk(line[k]["text"]))


def _is_cjk(s: str) -> bool:
    return bool(s) and "\u3400" <= s[0] <= "\u9fff"


def _group_is_amount(group: list[dict[str, Any]]) -> bool:
    first = group[0]["text"]
    if first and not (first[0].isdigit() or first[0] == ","):
        # no amount whatever follows (a regex digit is a str.isdigit() digit): a label or a run of
        # prose, told without joining it again after each of its digits (quadratic in its length)
        return False
    text = "".join([c["text"] for c in group])
    return bool(_GROUP_AMOUNT_RE.fullmatch(text))


def _cell_text(text: str | None) -> str:
    """Join the lines of a wrapped cell: no space between CJK parts, one between Latin words."""
    if not text:
        return ""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    out = ""
    for p in parts:
        if out and out[-1].isascii() and out[-1].isalnum() and p[0].isascii() and p[0].isalpha():
            out += " "
        out += p
    return out


# ----------------------------------------------------------------------------------------------


_PROSE_RE = re.compile(r"[，。；]")


def _free_items(chars: list[dict[str, Any]], ocr: bool = False) -> list[_Item]:
    items = []
    for line in _group_lines(chars):
        cells, boxes = _split_cells(line)
        if len(cells) > 1 and any(_PROSE_RE.search(c) for c in cells):
            # A justified prose line ("9859.38    万元。与上年相比，…"): one cell, not a table row.
            cells = ["".join(cells)]
            boxes = [
                (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
            ]
        items.append(_Item(min(b[1] for b in boxes), max(b[3] for b in boxes), cells, list(boxes), ocr=ocr, chars=line))
    return items


def _is_amount(s: str) -> bool:
    return bool(_AMOUNT_RE.match(s.strip())) and any(ch.isdigit() for ch in s)


_DECIMAL_RE = re.compile(r"^[-－−(（]?\d[\d,，]*\.\d+[)）]?$")
