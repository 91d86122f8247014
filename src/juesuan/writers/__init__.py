"""Writers: a :class:`~juesuan.model.Disclosure` laid out as printed tables, then written as
Excel (:mod:`.xlsx`), Word (:mod:`.docx`), HTML (:mod:`.html`) or tab-separated text (:mod:`.text`).

:func:`layout` turns the model into format-neutral :class:`Section` objects — the cell grid of
every table with its merges — and each writer only renders them, so all formats print the same
tables. The layout is generic over the tables of the model (it uses ``Table.columns``, ``rows``
and ``block_headers``, never a table id) and :func:`juesuan.generate.document.render_text` prints the generated example through it (:mod:`.text`):

- per table: the printed title, the form number (``公开01表``), a line with ``部门：…`` and
  ``单位：…``, the header rows, the 栏次 row when every amount column has a printed number, the
  body rows, then the notes;
- one-block tables are grids: code column (when rows print codes), label column, 行次 column (when
  printed), then the amount columns under multi-level headers (levels of ``Column.header`` split on
  ``/``, equal neighbouring levels merged);
- side-by-side tables (several row blocks such as 收入 | 支出) print each block's own columns next to
  each other, block headers above, rows of each block top-aligned;
- amounts print as read (``Cell.raw``), or with two decimals when only a value is known; the
  number format keeps the printed decimals and thousands separators;
- narrative paragraphs come first and the 绩效 tables last, as rows of their cells.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from ..model import Cell, Column, Disclosure, PerformanceTable, Row, Table
from ..textnorm import CellKind

Role = Literal["title", "header", "lanci", "code", "label", "line_no", "amount", "text", "paragraph"]


@dataclass
class OutCell:
    """One printed cell. ``value`` is set for amounts (a number); ``number_format`` is the Excel
    format that prints ``value`` as ``text``. A cell covered by another cell's span is None in
    the grid."""

    text: str = ""
    role: Role = "text"
    value: Decimal | None = None
    number_format: str | None = None
    colspan: int = 1
    rowspan: int = 1

    @property
    def align(self) -> str:
        if self.role in ("amount",):
            return "right" if self.value is not None else "center"
        if self.role in ("header", "lanci", "line_no", "title"):
            return "center"
        return "left"


Grid = list[list["OutCell | None"]]


@dataclass
class Section:
    """A titled part of the document. ``kind``: ``table`` (a disclosure table), ``performance`` (a
    绩效 table: rows of text cells) or ``text`` (paragraphs, no title)."""

    kind: Literal["table", "performance", "text"]
    title: str | None
    width: int
    form: str | None = None
    department: str | None = None
    unit: str | None = None
    header: Grid = field(default_factory=list)
    body: Grid = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sheet_name: str | None = None  # a short name for a worksheet tab
    # table sections: body row of each row of the model table (by its index in ``Table.rows``)
    body_row: dict[int, int] = field(default_factory=dict)

    @property
    def meta_lines(self) -> tuple[str | None, str | None]:
        """``(部门 text, 单位 text)`` for the line under the title."""
        dept = f"部门：{self.department}" if self.department else None
        unit = f"单位：{self.unit}" if self.unit else None
        return dept, unit

    def rows(self) -> Grid:
        return self.header + self.body

    def column_units(self) -> list[float]:
        """A natural width per column in character units (a CJK character counts two): the
        widest unmerged body cell, or a wrapped header (at most 10 units), within 6..50 units
        (long texts of 绩效 tables and paragraphs wrap at 40)."""
        widths = [6.0] * self.width
        for r, row in enumerate(self.rows()):
            for c, cell in enumerate(row):
                if cell is None or cell.colspan != 1 or not cell.text:
                    continue
                units = text_units(cell.text)
                if r < len(self.header):
                    units = min(units, 10)
                elif cell.role in ("text", "paragraph"):
                    units = min(units, 40)
                widths[c] = max(widths[c], min(units + 2.0, 50.0))
        return widths


def text_units(text: str) -> int:
    """Printed width of ``text`` in character units: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


# --- amounts ----------------------------------------------------------------------------------


def number_format_for(raw: str) -> str:
    """The Excel number format that prints a number as ``raw`` was printed: same decimals, with
    or without thousands separators (``1,538.25`` → ``#,##0.00``; ``7.4`` → ``0.0``; ``0`` → ``0``)."""
    t = raw.strip()
    decimals = len(t.split(".", 1)[1]) if "." in t else 0
    integer = "#,##0" if "," in t else "0"
    return integer + ("." + "0" * decimals if decimals else "")


def amount_cell(cell: Cell | None) -> OutCell:
    """An amount as printed: numbers keep their printed text and get a value and number format;
    dashes and any other text stay text."""
    if cell is None:
        return OutCell("", "amount")
    if cell.kind == CellKind.NUMBER and cell.value is not None:
        raw = cell.raw.strip()
        text = raw if raw else f"{cell.value:,.2f}"
        plain = re.sub(r"[()（）\s]", "", text)
        return OutCell(text, "amount", cell.value, number_format_for(plain))
    if cell.kind == CellKind.DASH:
        return OutCell(cell.raw.strip() or "—", "amount")
    return OutCell(cell.raw.strip(), "amount")


# --- grids ------------------------------------------------------------------------------------


def _blank(n: int) -> list["OutCell | None"]:
    return [OutCell() for _ in range(n)]


def _place(grid: Grid, r: int, c: int, cell: OutCell) -> None:
    """Put ``cell`` at (r, c) and mark the positions its span covers with None."""
    grid[r][c] = cell
    for dr in range(cell.rowspan):
        for dc in range(cell.colspan):
            if dr or dc:
                grid[r + dr][c + dc] = None


def _column_headers(grid: Grid, top: int, depth: int, start: int, columns: list[Column]) -> None:
    """Multi-level headers of ``columns`` at ``grid[top:top+depth]`` from column ``start``: equal
    neighbouring levels merge; a header with fewer levels spans down to the last header row."""
    paths = [c.header.split("/") if c.header else [""] for c in columns]
    for level in range(depth):
        k = 0
        while k < len(paths):
            path = paths[k]
            if level >= len(path):
                k += 1
                continue
            span = 1
            while (
                k + span < len(paths)
                and len(paths[k + span]) > level
                and paths[k + span][: level + 1] == path[: level + 1]
                and level < len(path) - 1  # only non-final levels merge across columns
                and len(paths[k + span]) - 1 > level
            ):
                span += 1
            rowspan = depth - level if level == len(path) - 1 else 1
            _place(grid, top + level, start + k, OutCell(path[level], "header", colspan=span, rowspan=rowspan))
            k += span


@dataclass
class _Block:
    """The printed columns of one row block."""

    id: str
    header: str | None
    rows: list[Row]
    columns: list[Column]
    has_code: bool
    has_line_no: bool

    @property
    def lead(self) -> int:  # code/label/行次 columns
        return (2 if self.has_code else 1) + (1 if self.has_line_no else 0)

    @property
    def width(self) -> int:
        return self.lead + len(self.columns)


def _blocks(table: Table) -> list[_Block]:
    """The row blocks of a table in the order they appear (one block for plain grids)."""
    order: list[str] = []
    for row in table.rows:
        if row.block not in order:
            order.append(row.block)
    for col in table.columns:
        if col.block not in order and not table.rows:
            order.append(col.block)
    if not order:
        order = ["main"]
    blocks = []
    for bid in order:
        rows = [r for r in table.rows if r.block == bid]
        if len(order) == 1:
            cols = list(table.columns)
        else:  # a block prints the columns its rows have cells in
            used = {cid for r in rows for cid in r.cells}
            cols = [c for c in table.columns if c.id in used] or [c for c in table.columns if c.block == bid]
        blocks.append(
            _Block(
                bid,
                table.block_headers.get(bid),
                rows,
                cols,
                has_code=any(r.code and not r.code_inferred for r in rows),
                has_line_no=any(r.line_no for r in rows),
            )
        )
    return blocks


def _positions(block: _Block) -> list[int]:
    """Body row of each row of a side-by-side block: by the printed 行次 when every row has one
    and they increase (so 收入 and 支出 rows line up as printed, gaps staying blank), otherwise one
    after the other."""
    try:
        numbers = [int(r.line_no or "") for r in block.rows]
    except ValueError:
        numbers = []
    if (
        numbers
        and all(a < b for a, b in zip(numbers, numbers[1:]))
        and numbers[-1] - numbers[0] < 2 * len(numbers) + 100
    ):
        return [n - numbers[0] for n in numbers]
    return list(range(len(block.rows)))


def _lead_cells(block: _Block, row: Row) -> list[OutCell]:
    cells: list[OutCell] = []
    if block.has_code:
        code = row.code if row.code and not row.code_inferred else ""
        cells.append(OutCell(code, "code"))
    cells.append(OutCell(row.label, "label"))
    if block.has_line_no:
        cells.append(OutCell(row.line_no or "", "line_no"))
    return cells


def _lead_headers(block: _Block) -> list[str]:
    """Headers of the code/label/行次 columns ("科目编码"/"项目" also mark where a block starts)."""
    heads = ["科目编码", "科目名称"] if block.has_code else ["项目"]
    if block.has_line_no:
        heads.append("行次")
    return heads


def table_section(table: Table, department: str | None = None) -> Section:
    """The printed grid of one disclosure table."""
    blocks = _blocks(table)
    side = len(blocks) > 1
    width = sum(b.width for b in blocks)
    depth = max((len(c.header.split("/")) for b in blocks for c in b.columns), default=1)
    if side:
        depth = 1  # side-by-side headers are one level under the block headers
    numbered = bool(table.columns) and all(c.number is not None for b in blocks for c in b.columns)
    has_block_row = side and any(b.header for b in blocks)
    n_header = (1 if has_block_row else 0) + depth + (1 if numbered else 0)
    header: Grid = [_blank(width) for _ in range(n_header)]
    top = 1 if has_block_row else 0
    start = 0
    prev_header: tuple[str | None, int] | None = None
    for block in blocks:
        if has_block_row:
            if block.header and prev_header and prev_header[0] == block.header:
                # The same block header continued (e.g. 公用经费 over two blocks): widen the merge.
                cell = header[0][prev_header[1]]
                assert cell is not None
                cell.colspan += block.width
                for c in range(start, start + block.width):
                    header[0][c] = None
            else:
                _place(header, 0, start, OutCell(block.header or "", "header", colspan=block.width))
                prev_header = (block.header, start)
        for k, text in enumerate(_lead_headers(block)):
            _place(header, top, start + k, OutCell(text, "header", rowspan=depth))
        if side:
            for k, col in enumerate(block.columns):
                _place(header, top, start + block.lead + k, OutCell(col.header, "header"))
        else:
            _column_headers(header, top, depth, start + block.lead, block.columns)
        if numbered:
            lanci = top + depth
            label_pos = start + (1 if block.has_code else 0)
            header[lanci][label_pos] = OutCell("栏次", "lanci")
            for k, col in enumerate(block.columns):
                header[lanci][start + block.lead + k] = OutCell(str(col.number), "lanci")
        start += block.width
    placed = [_positions(b) if side else list(range(len(b.rows))) for b in blocks]
    height = max((p[-1] + 1 for p in placed if p), default=0)
    body: Grid = [[] for _ in range(height)]
    index = {id(row): k for k, row in enumerate(table.rows)}
    body_row: dict[int, int] = {}
    for block, positions in zip(blocks, placed):
        at = dict(zip(positions, block.rows))
        body_row.update((index[id(row)], i) for i, row in zip(positions, block.rows))
        for i in range(height):
            row = at.get(i)
            if row is None:
                body[i] += _blank(block.width)
            else:
                body[i] += _lead_cells(block, row)
                body[i] += [amount_cell(row.cells.get(c.id)) for c in block.columns]
    return Section(
        kind="table",
        title=table.title or table.name,
        width=max(width, 1),
        form=table.form,
        department=table.department or department,
        unit=table.unit,
        header=header,
        body=body,
        notes=list(table.notes),
        sheet_name=table.form or table.name,
        body_row=body_row,
    )


_TAIL_START = ("其他需要说明事项", "其他需说明事项", "总分", "备注")


def performance_section(perf: PerformanceTable) -> Section:
    """A 绩效 table as rows of its printed cells: the header part, the funds block, the indicator
    block, then the closing part (其他需要说明事项, 总分, 备注…). A short row's last cell spans to the
    right edge. A table with a printed ``grid`` (the generator's, from the layout data's form) is
    printed as that grid: blank positions and merged cells kept, each value under its header."""
    if perf.grid:
        grid: Grid = [
            [OutCell(c.text, "text", colspan=c.colspan, rowspan=c.rowspan) if c is not None else None for c in row]
            for row in perf.grid
        ]
        width = max(len(row) for row in grid)
        return Section(kind="performance", title=perf.title, width=width, body=grid, sheet_name=perf.title)
    other = [list(r) for r in perf.other]
    cut = next((i for i, r in enumerate(other) if r and r[0].startswith(_TAIL_START)), len(other))
    rows = other[:cut] + [list(r) for r in perf.funds] + [list(r) for r in perf.indicators] + other[cut:]
    rows = [r for r in rows if any(c.strip() for c in r)]
    width = max((len(r) for r in rows), default=1)
    body: Grid = []
    for r in rows:
        line: list[OutCell | None] = [OutCell(t, "text") for t in r]
        line += [OutCell() for _ in range(width - len(r))]
        if len(r) < width:
            _place_row_span(line, len(r) - 1, width - len(r) + 1)
        body.append(line)
    return Section(kind="performance", title=perf.title, width=width, body=body, sheet_name=perf.title)


def _place_row_span(line: list["OutCell | None"], c: int, span: int) -> None:
    cell = line[c]
    assert cell is not None
    cell.colspan = span
    for k in range(c + 1, c + span):
        line[k] = None


def layout(doc: Disclosure) -> list[Section]:
    """The whole document: leading paragraphs, every table, then the 绩效 tables."""
    sections: list[Section] = []
    lead = [p.text for p in doc.paragraphs if p.section is None]
    if lead:
        body: Grid = [[OutCell(text, "paragraph")] for text in lead]
        sections.append(Section(kind="text", title=None, width=1, body=body, sheet_name="说明"))
    for table in doc.tables:
        sections.append(table_section(table, doc.department))
    for perf in doc.performance:
        sections.append(performance_section(perf))
    return sections


def unique_sheet_names(sections: list[Section]) -> list[str]:
    """Worksheet names: at most 31 characters, none of ``[]:*?/\\``, unique."""
    names: list[str] = []
    for k, s in enumerate(sections, start=1):
        base = re.sub(r"[\[\]:*?/\\]", "", s.sheet_name or s.title or f"表{k}").strip("'") or f"表{k}"
        base = base[:31]
        name, n = base, 2
        while name in names:
            suffix = f"({n})"
            name = base[: 31 - len(suffix)] + suffix
            n += 1
        names.append(name)
    return names


__all__ = [
    "OutCell",
    "Section",
    "layout",
    "table_section",
    "performance_section",
    "number_format_for",
    "unique_sheet_names",
]
