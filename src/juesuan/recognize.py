"""Recognizer: turns a reader's lines and cell grids into the canonical disclosure model.

Tables are found by their title (aliases in the layout files), never by position. Amount columns
are located by the printed 栏次 row or by header text and mapped to column concepts from the layout;
rows get their classification code and, where the label matches, a row concept. Whatever the
recognizer cannot place is recorded as a *reading problem* on the table, so that the rules report
"insufficient data" instead of false errors.
"""

from __future__ import annotations

import functools

import re
from decimal import Decimal
from collections import Counter
from dataclasses import dataclass

from . import catalog, rounding
from .layouts import BlockSpec, ColumnSpec, Layouts, RowConcept, TableLayout, Variant, load
from .model import NO_TABLES_BY_KIND, Column, Disclosure, Paragraph, PerformanceTable, Provenance, Row, Table, make_cell
from .pages import round_box
from .raw import RawDocument, RawLine
from .readers.settings import current
from .textnorm import CellKind, find_unit, fold, key, label_key, parse_amount, strip_numbering

_DEPT_RE = re.compile(r"^(?:编制)?(?:部门|单位|编制单位|部门名称|单位名称)\s*[:：]\s*(.+)$")
_DEPT_LABEL_RE = re.compile(r"^(?:编制)?(?:部门|单位|编制单位|部门名称|单位名称)\s*[:：]$")
_YEAR_RE = re.compile(r"(20\d{2})\s*年度?")
_COMPARED_YEAR_RE = re.compile(r"(?:较|比|與|与|同)\s*(?:上年度?)?\s*$")
_LANCI = "栏次"
_NOTE_RE = re.compile(r"^(注|备注|说明)\s*[:：]?|^\d+[.．、]\s*\S|^[（(]\d+[)）]")
_CODE_RE = re.compile(r"^\d{3}(\d{2}){0,2}$")
# a 3/5/7-digit code next to a CJK character (or opening a label) inside a label
_CODE_IN_LABEL_RE = re.compile(r"(?:^|(?<=[\u3400-\u9fff）)]))(\d{3}(?:\d{2}){0,2})(?![\d.%])(?=[\u3400-\u9fff（(]|$)")
MAX_TITLE_LEN = 60
_GLUED_META_RE = re.compile(r"(?:编制)?(?:部门|单位)(?:名称)?[:：].*$")


@dataclass
class _Title:
    """A table title found in the raw lines: where, which table or performance table, its form number."""

    index: int  # index into raw.lines
    kind: str  # "table" | "performance"
    id: str
    text: str
    form: str | None = None  # a form number printed on the title's own line ("…预算表 公开表五")


def _single_text(line: RawLine) -> str | None:
    cells = line.nonempty
    if len(cells) != 1:
        return None
    text = cells[0][1]
    return text if len(text) <= MAX_TITLE_LEN else None


_AliasKeys = tuple[tuple[str, ...], list[tuple[str, str]]]


def _alias_keys(candidates: dict[str, list[str]]) -> _AliasKeys:
    """The candidates' alias keys: all of them (to test a text against at once) and each with its
    id, in the order :func:`_match_title` looks at them."""
    pairs = [(key(alias), cid) for cid, aliases in candidates.items() for alias in aliases]
    return tuple(a for a, _ in pairs), pairs


def _match_title(text: str, candidates: dict[str, list[str]] | _AliasKeys) -> str | None:
    """The id whose longest alias the (numbering-stripped) text ends with, after an allowed prefix
    (empty, a year such as '2023年度', or a name followed by a year)."""
    return _match_title_key(_title_key(text), candidates)


def _title_key(text: str) -> str:
    """What :func:`_match_title` compares with the aliases: the key of the text without its
    numbering and without metadata glued after it."""
    # a title extraction glued to the line under it ("收支预算总表部门：XX厅单位：万元")
    return _GLUED_META_RE.sub("", key(strip_numbering(fold(text))))


def _match_title_key(t: str, candidates: dict[str, list[str]] | _AliasKeys) -> str | None:
    """:func:`_match_title` of a text's :func:`_title_key` ``t``."""
    ends, pairs = _alias_keys(candidates) if isinstance(candidates, dict) else candidates
    if not t.endswith(ends):  # (most lines end with no alias)
        return None
    best: tuple[int, str] | None = None
    for a, cid in pairs:
        if not t.endswith(a):
            continue
        prefix = t[: len(t) - len(a)]
        if prefix and not (_YEAR_RE.search(prefix) or prefix.endswith(("部门", "单位"))):
            continue
        if best is None or len(a) > best[0]:
            best = (len(a), cid)
    return best[1] if best else None


def _kind_tables(layouts: Layouts, kind: str | None) -> set[str]:
    """The table ids a document of ``kind`` may hold: every table but those that only variants of
    another kind list (a 预算 is not read with the 决算 layouts, nor the reverse)."""
    if kind is None:
        return set(layouts.tables)
    other = {t.table for v in layouts.variants.values() if v.kind != kind for t in v.tables}
    own = {t.table for v in layouts.variants.values() if v.kind == kind for t in v.tables}
    return set(layouts.tables) - (other - own)


@functools.cache
def _former_class_names() -> dict[str, str]:
    """Former names of 支出功能分类 类 (the `old_names` of the narrative settings data, read as data):
    label key → 类 code."""
    from .dataload import documents

    out: dict[str, str] = {}
    for _path, d in documents("narrative"):
        for o in d.get("old_names") or []:
            if len(str(o["code"])) == 3:
                out[label_key(str(o["old"]))] = str(o["code"])
    return out


def find_titles(raw: RawDocument, layouts: Layouts, kind: str | None = None) -> list[_Title]:
    allowed = _kind_tables(layouts, kind)
    tables = _alias_keys({tid: t.titles for tid, t in layouts.tables.items() if tid in allowed})
    perf = _alias_keys(layouts.performance)
    forms = [re.compile(p) for p in layouts.form_patterns()]
    titles: list[_Title] = []
    for i, line in enumerate(raw.lines):
        text = _single_text(line)
        if not text or _NOTE_RE.match(text):
            continue
        t = _title_key(text)  # (once a line: matched against the tables, then the 绩效 tables)
        tid = _match_title_key(t, tables)
        if tid:
            titles.append(_Title(i, "table", tid, text))
            continue
        bare, form = _split_form(text, forms)
        tid = _match_title(bare, tables) if form else None
        if tid:
            titles.append(_Title(i, "table", tid, bare, form))
            continue
        pid = _match_title_key(t, perf)
        if pid:
            titles.append(_Title(i, "performance", pid, text))
    return titles


def _split_form(text: str, forms: list[re.Pattern[str]]) -> tuple[str, str | None]:
    """A title extraction glued to its form number ("财政拨款支出预算表（功能科目）公开表五", or the
    form first): the title without it and the form number (None when there is none)."""
    t = _GLUED_META_RE.sub("", key(fold(text)))
    for f in forms:
        for m in f.finditer(t):
            if m.end() == len(t) and m.start() > 0:
                return t[: m.start()], m.group(0)
            if m.start() == 0 and m.end() < len(t):
                return t[m.end() :], m.group(0)
    return text, None


def _prov(raw: RawDocument, line: RawLine, col: int | None = None) -> Provenance:
    bbox = None
    if col is None:
        return _provenance(raw.file, line.page, line.number, None, line.ocr, line.locator)
    bboxes = line.bboxes
    if bboxes and col < len(bboxes):
        bbox = bboxes[col]
        if bbox is not None:
            bbox = round_box(bbox)
    confidence = doubt = None
    candidates: tuple[str, ...] = ()
    if line.candidates and col < len(line.candidates):
        candidates = line.candidates[col] or ()
    if line.confidences and col < len(line.confidences):
        confidence = line.confidences[col]
        if confidence is not None and confidence < current().ocr_min_confidence:
            doubt = OCR_DOUBT.format(conf=confidence)
    return _provenance(raw.file, line.page, line.number, bbox, line.ocr, line.locator, confidence, doubt, candidates)


_new_object = object.__new__


def _provenance(
    file: str,
    page: int | None,
    line: int | None,
    bbox: tuple[float, float, float, float] | None,
    ocr: bool,
    locator: str | None,
    confidence: float | None = None,
    doubt: str | None = None,
    candidates: tuple[str, ...] = (),
) -> Provenance:
    """``Provenance(file, page, line, bbox, ocr, locator, confidence, doubt, candidates)``: the same
    object, its fields set in one step (the frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``: ≈ 1 µs of the ≈ 1.4 µs a cell, ≈ 900 cells a check of a 24-page PDF)."""
    prov = _new_object(Provenance)
    prov.__dict__.update(
        file=file,
        page=page,
        line=line,
        bbox=bbox,
        ocr=ocr,
        locator=locator,
        confidence=confidence,
        doubt=doubt,
        candidates=candidates,
        note=None,
    )
    return prov


OCR_DOUBT = "文字识别置信度低（{conf:.2f}），读数可能有误"


_LABEL_HEADERS = ("科目名称", "项目", "科目编码", "功能分类科目编码", "经济分类科目编码", "类", "款", "项", "行次")


def _is_label_header(text: str) -> bool:
    k = key(text)
    return k in _LABEL_HEADERS or k.endswith(("科目名称", "科目编码", "科目代码"))


def _line_prov(raw: RawDocument, line: RawLine) -> Provenance:
    """Provenance of a whole line: the box around all its cells."""
    prov = _prov(raw, line)
    boxes = [b for b in (line.bboxes or []) if b]
    if not boxes:
        return prov
    box = round_box(
        (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    )
    return _provenance(prov.file, prov.page, prov.line, box, prov.ocr, prov.locator)


def _is_lanci_row(line: RawLine) -> bool:
    return any(key(c) == _LANCI for _, c in line.nonempty)


def _signature(line: RawLine) -> tuple[str, ...]:
    return tuple(key(c) for _, c in line.nonempty)


def _drop_repeated_headers(grid: list[RawLine]) -> list[RawLine]:
    """Drop header lines repeated where a table continues on the next page.

    The header is every line before the first one holding an amount (the 栏次 row's column
    numbers are not amounts); a later line printing the same texts is the repeated header of a continuation page (or of a 栏次 row), not data.
    """
    first_data = next(
        (
            i
            for i, ln in enumerate(grid)
            if not _is_lanci_row(ln)
            and any(parse_amount(c)[0] == CellKind.NUMBER and not _CODE_RE.match(key(c)) for _, c in ln.nonempty)
        ),
        None,
    )
    if first_data is None:
        return grid
    headers = {_signature(ln) for ln in grid[:first_data] if len(ln.nonempty) >= 2}
    return grid[:first_data] + [ln for ln in grid[first_data:] if _signature(ln) not in headers]


class _TableBuilder:
    """Parses one table region (the lines between its title and the next title)."""

    def __init__(
        self,
        raw: RawDocument,
        layout: TableLayout,
        title: _Title,
        lines: list[RawLine],
        forms: list[re.Pattern[str]] | None = None,
    ):
        self.raw = raw
        self.layout = layout
        self.forms = forms or []  # how a form number (表号) is printed: the variants' patterns
        self.title = title
        self.lines = lines
        self.table = Table(
            id=layout.id,
            name=layout.name,
            title=title.text,
            provenance=_prov(raw, raw.lines[title.index]),
        )
        self.body_end = len(lines)

    # -- metadata and notes -------------------------------------------------------------------
    def split_meta(self) -> list[RawLine]:
        """Remove form number, department, unit and note lines; return the table's grid lines."""
        grid: list[RawLine] = []
        in_notes = False
        wrapped_unit: str | None = None  # "单位：万" whose "元" is on the next line
        for line in self.lines:
            cells = line.nonempty
            if not cells:
                continue
            joined = " ".join(c for _, c in cells)
            if in_notes:
                self.table.notes.append(joined)
                continue
            if len(cells) <= 3:
                handled = False
                if wrapped_unit and not grid and key(cells[-1][1]) == "元" and not self.table.unit:
                    self.table.unit = wrapped_unit + "元"
                    cells = cells[:-1]
                    handled = not cells
                m_unit = _WRAPPED_UNIT_RE.fullmatch(fold(cells[-1][1]).strip()) if cells else None
                if m_unit and not grid:
                    wrapped_unit = m_unit.group(1)
                    cells = cells[:-1]
                    handled = not cells
                prev_label = False  # the cell before is a department label ("部门：")
                for _, c in cells:
                    ck = key(c)
                    if any(f.fullmatch(ck) for f in self.forms):
                        self.table.form = ck
                        handled = True
                    folded = fold(c).strip()  # (once a cell: it was folded three times)
                    after_label, prev_label = prev_label, _DEPT_LABEL_RE.match(folded) is not None
                    unit = find_unit(c)
                    if after_label and not unit:
                        # "部门：" | "XX厅" in two cells: the name is the next cell
                        self.table.department = c.strip()
                        handled = True
                        continue
                    if prev_label:
                        continue
                    m = _DEPT_RE.match(folded)
                    if m and not unit:
                        self.table.department = m.group(1).strip()
                        handled = True
                    if unit:
                        self.table.unit = unit
                        handled = True
                if handled:
                    continue
            first = cells[0][1]
            if (
                len(cells) == 1
                and _NOTE_RE.match(fold(first))
                and _is_note_text(fold(first).strip())
                and (grid or fold(first).startswith(("注", "备注")))
            ):
                if fold(first).startswith(("注", "备注", "说明")) or grid:
                    in_notes = True
                    self.table.notes.append(joined)
                    continue
            grid.append(line)
        return grid

    # -- helpers -----------------------------------------------------------------------------
    def problem(self, text: str) -> None:
        if text not in self.table.reading_problems:
            self.table.reading_problems.append(text)

    def _assign_concept(self, row: Row, used: dict[str, set[str]]) -> None:
        lk = label_key(row.label)
        if not lk:
            return
        seen = used.setdefault(row.block, set())
        ordered = self._ordered_concepts
        if ordered is None:  # once a table, not once a row
            ordered = self._ordered_concepts = sorted(self.layout.rows, key=lambda c: c.after is None)  # `after` first
        for concept in ordered:
            if concept.block and concept.block != row.block:
                continue
            if concept.id in seen:
                continue
            if concept.after and concept.after not in seen:
                continue
            if lk in concept.aliases:
                row.concept = concept.id
                seen.add(concept.id)
                return
        if self.layout.class_rows_block and self.layout.class_rows_block == row.block and not row.code:
            cat = catalog.load("functional", self.year)
            hits = cat.by_name(lk, level=1)
            if hits:
                row.code = hits[0].code
                row.code_inferred = True
            else:
                # a 类 under its former name (医疗卫生与计划生育支出 → 210): still that 类
                row.code = _former_class_names().get(lk)
                row.code_inferred = row.code is not None

    year: int | None = None
    _ordered_concepts: list[RowConcept] | None = None  # the layout's rows, `after` concepts first

    # -- grid tables -------------------------------------------------------------------------
    def build_grid(self, grid: list[RawLine]) -> None:
        layout = self.layout
        lanci_i = next((i for i, ln in enumerate(grid[:12]) if _is_lanci_row(ln)), None)
        if lanci_i is not None:
            header = grid[: lanci_i + 1]
            body = grid[lanci_i + 1 :]
            lanci = grid[lanci_i]
            label_col = next(i for i, c in lanci.nonempty if key(c) == _LANCI)
            positions = [i for i, c in lanci.nonempty if i > label_col and re.fullmatch(r"\d{1,2}", key(c))]
            numbers: list[int | None] = [int(key(lanci.cells[i])) for i in positions]
        else:
            header, body = self._split_header(grid)
            header, body = self._lift_inline_headers(header, body)
            label_col, positions = self._infer_positions(header, body)
            numbers = [None] * len(positions)
        lineno_col = None
        for ln in header:
            for i, c in ln.nonempty:
                if key(c) == "行次" and i not in positions:
                    lineno_col = i
        columns = self._map_columns(header, positions, layout.columns, layout.variants)
        self.table.columns = [Column(spec.id, spec.header, "main", numbers[k]) for k, spec in enumerate(columns)]
        self._body = body
        used: dict[str, set[str]] = {}
        amount_set = set(positions)
        prev: Row | None = None
        for n, line in enumerate(body):
            code_parts: list[str] = []
            texts: list[str] = []
            for i, c in line.nonempty:
                if i in amount_set or i == lineno_col:
                    continue
                if n == 0 and self._header_tails.get(i) == key(c):
                    continue  # the tail of a wrapped header ("采购组织形" | "式"), not label text
                if i < label_col and _CODE_PART_RE.fullmatch(key(c)):
                    code_parts += [key(g) for g in c.split()]  # "201 3": 类 and 款 read as one cell
                elif i > label_col and parse_amount(c)[0] == CellKind.DASH:
                    continue  # "—" under no mapped column (a merged header's spare position): no value, not label text
                else:
                    texts.append(c)
            code, printed = _split_code(code_parts)
            label = " ".join(texts)
            cells = {}
            for k, pos in enumerate(positions):
                raw_text = line.cells[pos] if pos < len(line.cells) else ""
                cells[self.table.columns[k].id] = make_cell(raw_text.strip(), _prov(self.raw, line, pos))
            has_amount = any(c.kind != CellKind.BLANK for c in cells.values())
            # Text found in amount columns of a row: usually a shifted extraction.
            if not has_amount and not code and not label:
                continue
            if (
                not has_amount
                and not code
                and prev is not None
                and label
                and not self._is_concept(label)
                and not self._is_concept(prev.label)  # a 合计 row is whole: "此表为空" under it is no wrap
            ):
                prev.label += label  # a label wrapped onto the next line
                continue
            if code and not _CODE_RE.match(code):
                self.problem(f"第{line.number}行的编码“{code}”长度不符合3/5/7位科目编码")
            row = Row(
                label=label,
                code=code,
                line_no=(line.cells[lineno_col].strip() or None)
                if lineno_col is not None and lineno_col < len(line.cells)
                else None,
                cells=cells,
                provenance=_prov(self.raw, line),
                code_printed=printed,
            )
            self.table.rows.append(row)
            prev = row
        # Row concepts once every label is whole: a label wrapped over lines (its amounts on the
        # first) is only recognizable after its continuation lines were appended.
        for row in self.table.rows:
            self._assign_concept(row, used)
        # A one-row table printed without a row label (the "三公" table): that row is the
        # layout's only row concept.
        unlabeled = [r for r in self.table.rows if not r.label and not r.code and r.concept is None]
        if len(self.table.rows) == 1 and unlabeled and len(layout.rows) == 1:
            unlabeled[0].concept = layout.rows[0].id
        self._check_text_in_amounts()
        self._check_codes_in_labels()

    def _check_codes_in_labels(self) -> None:
        """A classification code inside a row's label (a coded table): reading joined two rows or
        slid a code into the label column (rows printed without rulings). The row it started is
        lost, so the table is in doubt."""
        rows = self.table.rows
        if sum(1 for r in rows if r.code) < 2:
            return
        for r in rows:
            m = _CODE_IN_LABEL_RE.search(key(r.label))
            if m:
                self.problem(f"科目名称“{r.label.strip()[:20]}”中含有编码“{m.group(1)}”，可能有行被合并或错位")
                return

    def _lift_inline_headers(self, header: list[RawLine], body: list[RawLine]) -> tuple[list[RawLine], list[RawLine]]:
        """Move column headers printed inside the first data row into the header.

        Some templates print the sub-headers of a merged header (本年支出: 合计/基本支出/项目支出)
        on the 合计 row itself. Those texts are column headers, not amounts.
        """
        if not body or not header:
            return header, body
        first = body[0]
        aliases = {
            a for cand in [self.layout.columns, *self.layout.variants] for spec in cand for a in spec.aliases if a
        }
        lifted = [
            i
            for i, c in first.nonempty[1:]
            if parse_amount(c)[0] == CellKind.TEXT and any(a == key(c) or a in key(c) for a in aliases)
        ]
        if len(lifted) < 2:
            return header, body
        head_cells = ["" for _ in first.cells]
        body_cells = list(first.cells)
        for i in lifted:
            # The row keeps the text: the amount was never printed there, so rules on these
            # cells cannot run (a blank would read as zero).
            head_cells[i] = first.cells[i]
        self.problem(
            f"第{first.number}行（{' '.join(c for _, c in first.nonempty[:1])}）的"
            f"{'、'.join(first.cells[i].strip() for i in lifted)}栏印的是表头文字，未印金额"
        )
        self._inline_header_row = first.number
        head = RawLine(first.number, head_cells, first.page, first.bboxes, first.ocr)
        row = RawLine(first.number, body_cells, first.page, first.bboxes, first.ocr)
        return header + [head], [row] + body[1:]

    def _is_concept(self, label: str) -> bool:
        lk = label_key(label)
        return any(lk in c.aliases for c in self.layout.rows)

    def _split_header(self, grid: list[RawLine]) -> tuple[list[RawLine], list[RawLine]]:
        for i, line in enumerate(grid):
            if any(parse_amount(c)[0] == CellKind.NUMBER for _, c in line.nonempty[1:]) or (
                line.nonempty and _CODE_RE.match(key(line.nonempty[0][1]))
            ):
                return grid[:i], grid[i:]
            # a 合计 row printed without amounts (a table left empty: 合计 | | ), nothing else on it
            if (
                i > 0
                and len(line.nonempty) == 1
                and self._is_concept(line.nonempty[0][1])
                and parse_amount(line.nonempty[0][1])[0] == CellKind.TEXT
            ):
                return grid[:i], grid[i:]
        return grid, []

    def _infer_positions(self, header: list[RawLine], body: list[RawLine]) -> tuple[int, list[int]]:
        """Label column and amount positions of a grid printed without a 栏次 row.

        The label column is where most body rows start their text (a 合计 row printed across the
        code and label cells must not move it). Amount positions are the columns right of it that
        carry a number in the body or a header of their own (an all-empty column is still a column:
        a reader grid keeps its position).
        """
        width = max((len(ln.cells) for ln in header + body), default=0)
        starts: Counter[int] = Counter()
        for ln in body:
            for i, c in ln.nonempty:
                if parse_amount(c)[0] == CellKind.TEXT and not _CODE_RE.match(key(c)):
                    starts[i] += 1
                    break
        label_col = starts.most_common(1)[0][0] if starts else -1
        numeric = {
            i
            for i in range(label_col + 1, width)
            if any(parse_amount(ln.cells[i])[0] in (CellKind.NUMBER, CellKind.DASH) for ln in body if i < len(ln.cells))
        }
        headed: set[int] = set()
        if header:
            for ln in header:
                for i, c in ln.nonempty:
                    if i > label_col and parse_amount(c)[0] == CellKind.TEXT and not _is_label_header(c):
                        headed.add(i)
        # (a header wrapped over two lines shows its first part here: 采购组织形 | 式)
        text_cols: set[int] = set()
        for ln in header:
            for i, c in ln.nonempty:
                full = next((h for h in self.layout.label_headers if len(key(c)) >= 2 and h.startswith(key(c))), None)
                if full is not None:
                    text_cols.add(i)
                    if full != key(c):
                        self._header_tails[i] = full[len(key(c)) :]
        return label_col, sorted(i for i in (numeric | headed) - text_cols if i > label_col)

    def _map_columns(
        self,
        header: list[RawLine],
        positions: list[int],
        primary: list[ColumnSpec],
        variants: list[list[ColumnSpec]],
    ) -> list[ColumnSpec]:
        n = len(positions)
        text = "".join(key(c) for ln in header for _, c in ln.nonempty)
        fitting = [
            cand
            for cand in [primary, *variants]
            if len(cand) == n and all(any(a in text for a in spec.aliases) for spec in cand)
        ]
        if len(fitting) > 1:
            # Variants with the same columns in another order (central vs Shanghai "三公" forms):
            # choose the one whose headers sit over the right positions.
            paths = [self._header_path(header, pos) for pos in positions]
            fitting.sort(key=lambda cand: -self._placement_score(cand, paths))
        if fitting:
            return fitting[0]
        # Fall back on header text above each position (merged header cells extend to the right).
        mapped: list[ColumnSpec] = []
        specs = {s.id: s for cand in [primary, *variants] for s in cand}
        for pos in positions:
            joined = self._header_path(header, pos)
            flat = joined.replace("/", "")  # a header wrapped over two lines ("对附属单位补助支" + "出")
            best = None
            for spec in specs.values():
                if spec in mapped:
                    continue
                for a in spec.aliases:
                    if a and (a in joined or a in flat) and (best is None or len(a) > best[0]):
                        best = (len(a), spec)
            mapped.append(
                best[1] if best else ColumnSpec(f"col{len(mapped) + 1}", joined or f"第{len(mapped) + 1}栏", [])
            )
        if any(s.id.startswith("col") for s in mapped) or len({s.id for s in mapped}) != len(mapped):
            self._unmapped = True
        return mapped

    _unmapped = False
    _inline_header_row: int | None = None

    @functools.cached_property
    def _header_tails(self) -> dict[int, str]:
        """Text-column headers wrapped onto the first body line: column → the wrapped tail."""
        return {}

    @staticmethod
    def _header_path(header: list[RawLine], pos: int) -> str:
        """The header texts above a position, top to bottom (a merged cell extends to the right)."""
        path = []
        for ln in header:
            j = pos
            while j >= 0 and not (j < len(ln.cells) and ln.cells[j].strip()):
                j -= 1
            if j >= 0:
                path.append(key(ln.cells[j]))
        return "/".join(path)

    @staticmethod
    def _placement_score(cand: list[ColumnSpec], paths: list[str]) -> int:
        score = 0
        for spec, path in zip(cand, paths):
            score += sum(1 for part in spec.header.split("/") if part and key(part) in path)
            score += any(a and a in path for a in spec.aliases)
        return score

    def _check_text_in_amounts(self) -> None:
        bad = [
            (r, cid)
            for r in self.table.rows
            for cid, c in r.cells.items()
            if c.kind == CellKind.TEXT and not (r.provenance and r.provenance.line == self._inline_header_row)
        ]
        if bad:
            r, cid = bad[0]
            self.problem(
                f"{len(bad)}个金额单元格含非数字文字（如第{r.provenance.line if r.provenance else '?'}行"
                f"“{r.cells[cid].raw}”），可能是列错位"
            )

    # -- side-by-side blocks -----------------------------------------------------------------
    def build_blocks(self, grid: list[RawLine]) -> None:
        layout = self.layout
        starts_row = None
        best = 0
        for i, line in enumerate(grid[:8]):
            starts = [j for j, c in line.nonempty if label_key(c) in layout.block_start]
            if len(starts) > best:
                best, starts_row = len(starts), i
        if starts_row is None:
            self.problem("未找到表头（项目/科目编码列），无法识别表格结构")
            return
        # A block's label header may sit on an upper header line (收入 | 项目名称 merged over two
        # lines beside 支出: 功能科目名称 … 项目名称 on the second): the blocks start at the label
        # headers of every header line down to the one with the most.
        first_data = next(
            (i for i, ln in enumerate(grid) if any(parse_amount(c)[0] == CellKind.NUMBER for _, c in ln.nonempty)),
            len(grid),
        )
        hit_rows = [
            i
            for i, line in enumerate(grid[: min(8, first_data)])
            if any(label_key(c) in layout.block_start for _, c in line.nonempty)
        ]
        if starts_row not in hit_rows:
            hit_rows = [starts_row]
        first_row, starts_row = hit_rows[0], max(starts_row, hit_rows[-1])
        starts = sorted(
            {j for i in hit_rows or [starts_row] for j, c in grid[i].nonempty if label_key(c) in layout.block_start}
        )
        header_end = starts_row
        column_aliases = [a for b in layout.blocks for col in b.columns for a in col.aliases]
        # Sub-header lines under the 项目 row (合计 | 基本支出 | 项目支出, then 人员经费 | 公用经费): text
        # only, none at a block's label position.
        while (
            header_end + 1 < len(grid)
            and header_end - starts_row < 3
            and grid[header_end + 1].nonempty
            and all(j not in starts and parse_amount(c)[0] == CellKind.TEXT for j, c in grid[header_end + 1].nonempty)
            and any(a in k for k in [key(c) for _, c in grid[header_end + 1].nonempty] for a in column_aliases)
        ):
            header_end += 1
        if header_end + 1 < len(grid) and _is_lanci_row(grid[header_end + 1]):
            header_end += 1
        header = grid[: header_end + 1]
        body = grid[header_end + 1 :]
        self._body = body
        width = max(len(ln.cells) for ln in grid)
        bounds = [(s, starts[k + 1] if k + 1 < len(starts) else width) for k, s in enumerate(starts)]
        specs: list[BlockSpec] = []
        for k in range(len(bounds)):
            specs.append(layout.blocks[min(k, len(layout.blocks) - 1)])
        # Locate fields of each block from the header row(s).
        block_fields = []
        columns: dict[str, Column] = {}
        for (lo, hi), spec in zip(bounds, specs):
            name_col = lineno_col = None
            amount_cols: dict[str, int] = {}
            for ln in header[first_row:]:
                for j, c in ln.nonempty:
                    if not lo <= j < hi:
                        continue
                    ck = key(c)
                    if ck in ("科目名称", "名称", "项目名称") and name_col is None:
                        name_col = j
                    elif ck == "行次":
                        lineno_col = j
            for col in sorted(spec.columns, key=lambda c: -max((len(a) for a in c.aliases), default=0)):
                hit = None
                for ln in header[first_row:]:
                    for j, c in ln.nonempty:
                        if lo <= j < hi and j not in amount_cols.values() and j not in (name_col, lineno_col, lo):
                            ck = key(c)
                            if ck in col.aliases or any(a in ck for a in col.aliases):
                                hit = j if hit is None or (ck in col.aliases) else hit
                if hit is not None:
                    amount_cols[col.id] = hit
                    if col.id not in columns:
                        columns[col.id] = Column(col.id, col.header, spec.id)
                elif not col.optional:
                    self.problem(f"区块“{spec.id}”未找到“{col.header}”列")
            block_fields.append((lo, hi, spec, name_col, lineno_col, amount_cols))
            if spec.header:
                self.table.block_headers[spec.id] = spec.header
        position = {cid: j for *_, amount_cols in block_fields for cid, j in amount_cols.items()}
        self.table.columns = sorted(columns.values(), key=lambda c: position.get(c.id, 0))
        used: dict[str, set[str]] = {}
        # each block's amount columns left to right (sorted once, not once a line)
        in_order = [sorted(amount_cols.items(), key=lambda kv: kv[1]) for *_, amount_cols in block_fields]
        for line in body:
            pending: Row | None = None
            for (lo, hi, spec, name_col, lineno_col, amount_cols), ordered_cols in zip(block_fields, in_order):
                first = line.cells[lo].strip() if lo < len(line.cells) else ""
                name = line.cells[name_col].strip() if name_col is not None and name_col < len(line.cells) else ""
                code = printed = None
                label = name
                if first:
                    if _CODE_PART_RE.fullmatch(key(first)):
                        # A code printed as 类/款(/项) in columns of its own, up to the name (or
                        # read as one cell: "301 2").
                        head = [key(g) for g in first.split()]
                        parts = [
                            key(line.cells[j])
                            for j in range(lo + 1, name_col or lo)
                            if j < len(line.cells) and line.cells[j].strip()
                        ]
                        if not parts or not all(re.fullmatch(r"\d{1,2}", p_) for p_ in parts):
                            parts = []
                        code, printed = _split_code(head + parts)
                    else:
                        label = (first + (" " + name if name and name_col != lo else "")).strip()
                cells = {}
                for cid, j in ordered_cols:
                    raw_text = line.cells[j].strip() if j < len(line.cells) else ""
                    cells[cid] = make_cell(raw_text, _prov(self.raw, line, j))
                has_amount = any(c.kind != CellKind.BLANK for c in cells.values())
                # Amount cells of this block that sit under no label: a merged total spilling over.
                if not code and not label:
                    spill = [j for j in amount_cols.values() if j < len(line.cells) and line.cells[j].strip()]
                    others = [
                        j for j in range(lo, min(hi, len(line.cells))) if line.cells[j].strip() and j not in spill
                    ]
                    if pending is not None and len(spill) == 1 and not others:
                        target = next((cid for cid, c in pending.cells.items() if c.kind == CellKind.BLANK), None)
                        if target is not None:
                            j = spill[0]
                            pending.cells[target] = make_cell(line.cells[j].strip(), _prov(self.raw, line, j))
                    continue
                if not has_amount and not code and not label:
                    continue
                row = Row(
                    label=label,
                    block=spec.id,
                    code=code,
                    line_no=(line.cells[lineno_col].strip() or None)
                    if lineno_col is not None and lineno_col < len(line.cells)
                    else None,
                    cells=cells,
                    provenance=_prov(self.raw, line, lo),
                    code_printed=printed,
                )
                if code and not _CODE_RE.match(code):
                    self.problem(f"第{line.number}行的编码“{code}”长度不符合科目编码")
                self._assign_concept(row, used)
                self.table.rows.append(row)
                pending = row
        self._check_text_in_amounts()

    def build(self) -> Table:
        grid = _drop_repeated_headers(self.split_meta())
        if self.layout.structure == "blocks":
            self.build_blocks(grid)
        else:
            self.build_grid(grid)
        if self._unmapped and self.table.has_data():
            self.problem("部分金额列无法与表头对应，涉及这些列的规则无法执行")
        self._reader_doubts()
        self._check_amounts_kept()
        self._check_code_alignment()
        return self.table

    _body: list[RawLine] = []

    def _reader_doubts(self) -> None:
        """Lines the reader could not place with certainty (a continuation page printed without a
        header, a wrapped label between two rows, a code glued to its label): their amounts may sit
        in the wrong columns or rows, so the table says why and its data is not used for checking."""
        for doubt in dict.fromkeys(line.doubt for line in self.lines if line.doubt):
            self.table.unreliable = True
            self.problem(f"{doubt}；本表数据不用于核对，请核对原件")

    def _check_amounts_kept(self) -> None:
        """Self-check: every decimal amount printed in the table's body lines is in one amount
        cell. An amount glued to a label, left in an unmapped column or dropped with a line that
        was not read as a row is a lost cell: said as a reading problem, never silent."""
        printed: list[tuple[int, str]] = []
        finditer = _PRINTED_AMOUNT_RE.finditer
        for line in self._body:
            number = line.number
            for c in line.cells:
                for m in finditer(c):
                    printed.append((number, m.group(0)))
        kept = Counter(
            c.raw.replace(",", "").replace("，", "")
            for r in self.table.rows
            for c in r.cells.values()
            if c.kind == CellKind.NUMBER and "." in c.raw
        )
        lost: list[tuple[int, str]] = []
        for number, text in printed:
            plain = text.replace(",", "").replace("，", "")
            if kept[plain] > 0:
                kept[plain] -= 1
            else:
                lost.append((number, text))
        if lost:
            # cells not read or put in the wrong place: the table's identities would compare what
            # was not printed there, so its data is not used for checking (rules: insufficient_data)
            self.table.unreliable = True
            number, text = lost[0]
            self.problem(
                f"{len(lost)}个金额未能归入金额列（如第{number}行的“{text}”），这些单元格未读出或位置有误；"
                "本表数据不用于核对，请核对原件"
            )

    def _check_code_alignment(self) -> None:
        """Self-check of the grid: are the amounts on the rows of their codes?

        In a coded table every 类/款 amount equals the sum of its children's. One wrong figure
        breaks a couple of those identities; a grid whose amounts slid against their codes (a poor
        extraction) breaks most of them. Then the table is marked unreliable and one reading
        problem replaces the cascade of rule errors. A uniform shift that makes the identities hold
        again is named.
        """
        coded = [r for r in self.table.rows if r.code and _CODE_RE.match(r.code)]
        totals = [i for i, r in enumerate(self.table.rows) if r.concept == "total"]
        coded_at = [i for i, r in enumerate(self.table.rows) if r.code and _CODE_RE.match(r.code)]
        if coded_at and any(coded_at[0] < i < coded_at[-1] for i in totals):
            # A 合计 row between coded rows: rows from two tables or two pages out of order.
            self.problem("“合计”行出现在科目行中间，表格行序可能错乱（疑为提取或拼页错误），请核对原件")
        if len(coded) >= 5 and totals and self.table.columns:
            total_row = self.table.rows[totals[0]]
            if any(c.value for c in total_row.cells.values()) and not any(
                c.kind in (CellKind.NUMBER, CellKind.DASH) for r in coded for c in r.cells.values()
            ):
                self.table.unreliable = True
                self.problem("科目行均无金额而“合计”行有金额，疑为表格提取时金额列丢失；本表数据不用于核对，请核对原件")
                return
        if len(coded) < 6 or not self.table.columns:
            return
        col = next(
            (c.id for c in self.table.columns if any(r.cells.get(c.id) and r.cells[c.id].value for r in coded)), None
        )
        if col is None:
            return
        codes = [r.code or "" for r in coded]
        values = [r.cells[col].amount if col in r.cells else Decimal(0) for r in coded]

        # the rows of each code's subordinate codes (two digits longer, starting with it), in order
        below: dict[str, list[int]] = {}
        for j, c in enumerate(codes):
            if len(c) >= 2:
                below.setdefault(c[:-2], []).append(j)

        def failures(vals: list[Decimal]) -> tuple[int, int]:
            checked = failed = 0
            for i, code in enumerate(codes):
                if len(code) not in (3, 5):
                    continue
                kids = [vals[j] for j in below.get(code, ())]
                if not kids:
                    continue
                checked += 1
                if not rounding.within(vals[i] - sum(kids), len(kids)):
                    failed += 1
            return checked, failed

        checked, failed = failures(values)
        if checked < 3 or failed < 3:
            return
        shift = None
        for k in (1, -1, 2, -2, 3, -3):
            moved = [values[i + k] if 0 <= i + k < len(values) else Decimal(0) for i in range(len(values))]
            c2, f2 = failures(moved)
            if f2 <= 1 and c2 >= checked - 2:
                shift = k
                break
        if shift is None and failed < 0.75 * checked:
            return  # several real inconsistencies, not a grid that slid: leave them to the rules
        self.table.unreliable = True
        where = f"，金额似整体{'下' if shift > 0 else '上'}移了{abs(shift)}行" if shift else ""
        self.problem(
            f"金额与科目编码错位：{checked}个上级科目中有{failed}个不等于其下级科目之和{where}，"
            "疑为表格提取错误；本表数据不用于核对，请核对原件"
        )


_PRINTED_AMOUNT_RE = re.compile(
    r"(?<![\d.,，])-?\d{1,3}(?:[,，]\d{3})*\.\d{2}(?![\d%％])|(?<![\d.,，])-?\d{4,}\.\d{2}(?![\d%％])"
)


def _performance(
    raw: RawDocument, kind: str, title: _Title, lines: list[RawLine], sections: dict[str, dict[str, list[str]]]
) -> PerformanceTable:
    """Keep a 绩效 table structured: header fields, the funds block and the indicator block. A row
    opens a part when its first cell starts with one of the part's words (``performance_sections``
    in the layouts), or its cells contain one."""
    perf = PerformanceTable(kind=kind, title=title.text, provenance=_prov(raw, raw.lines[title.index]))
    opens = [(part, tuple(spec.get("starts", [])), spec.get("contains", [])) for part, spec in sections.items()]
    section = "other"
    for line in lines:
        cells = [c.strip() for c in line.cells]
        texts = [c for c in cells if c]
        if not texts:
            continue
        first = key(texts[0])
        joined = "".join(texts)
        section = next(
            (
                part
                for part, starts, contains in opens
                if first.startswith(starts) or any(w in joined for w in contains)
            ),
            section,
        )
        for t in texts:
            if len(t) <= 60:
                perf.cell_provenance.setdefault(t, _line_prov(raw, line))
        if section == "other" and len(texts) == 2 and len(texts[0]) <= 12:
            perf.fields[texts[0]] = texts[1]
        if section == "funds":
            perf.funds.append(texts)
        elif section == "indicators":
            perf.indicators.append(texts)
        else:
            perf.other.append(texts)
    return perf


def detect_variant(doc: Disclosure, raw: RawDocument, layouts: Layouts, kind: str | None = None) -> Variant:
    text = "".join(c for ln in raw.lines[:400] for c in ln.cells)
    found = {t.id for t in doc.tables}
    best: tuple[tuple[int, int], Variant] | None = None
    candidates = [v for v in layouts.variants.values() if kind is None or v.kind == kind]
    for v in candidates or layouts.variants.values():
        det = v.detect
        score = int(det.get("score", 0))
        score += 2 * sum(1 for t in det.get("tables_any", []) if t in found)
        score += sum(1 for w in det.get("text_any", []) if w in text)
        own = [re.compile(p) for p in v.form_numbers]
        # The document prints form numbers in this variant's style, and (nearly) all as this variant
        # numbers its tables. A variant whose documents must print them (``form``) wins a tie over
        # one whose numbers are only what `juesuan build` prints (``print_form``).
        forms = {t.table: t.printed_form for t in v.tables if t.printed_form}
        required = any(t.form for t in v.tables)
        agree = sum(1 for t in doc.tables if t.form and forms.get(t.id) == t.form)
        differ = sum(1 for t in doc.tables if t.form and t.id in forms and forms[t.id] != t.form)
        styled = any(f.fullmatch(t.form) for t in doc.tables if t.form for f in own)
        bonus = bool(forms) and styled and differ * 4 <= agree and (required or agree > 0)
        key = (score + bonus, int(bonus and required))
        if best is None or key > best[0]:
            best = (key, v)
    assert best is not None
    return best[1]


_PART_RE = re.compile(r"^第[一二三四五六七八九十]+部分")
_SECTION_RE = re.compile(r"^[一二三四五六七八九十]+、\S")
# a title names the department before the year; a sentence ("1.…支出0万元。与2021年度预算相比") does not
_BOOK_TITLE_RE = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分)?\s*(?!第[一二三四五六七八九十]+部分)([^。，,；;：:]{2,40}?)\s*(20\d{2})\s*年度?\s*(?:部门|单位)?(?:决算|预算)"
)


def _region_end(raw: RawDocument, start: int, end: int) -> int:
    """Where a table's region ends: at the next title, or earlier where the narrative resumes.

    After a table's notes, a part heading ("第三部分 …") or a numbered section heading ("一、…")
    starts narrative text, not more notes: printed documents put the 情况说明 after the last table.
    So does, on a page after the table's last amount row, a lone line of prose, a heading ending
    in 说明 (a budget's 其他相关情况说明 after its one-row "三公" table) or the document's own title
    ("XX厅2019年度部门预算" opening the 情况说明 printed after the tables).
    """
    in_notes = False
    amount_page: int | None = None
    for idx in range(start, end):
        line = raw.lines[idx]
        cells = line.nonempty
        if not cells:
            continue
        first = fold(cells[0][1]).strip()
        if len(cells) == 1 and _PART_RE.match(first):
            return idx
        if any(parse_amount(c)[0] == CellKind.NUMBER for _, c in cells):
            amount_page = line.page
        elif (
            amount_page is not None
            and line.page != amount_page
            and len(cells) == 1
            and not _NOTE_RE.match(first)
            and (
                len(first) > 40
                or (len(first) <= 30 and first.endswith("说明"))
                or bool(_BOOK_TITLE_RE.match(first) and first.endswith(("决算", "预算", "公开")))
            )
        ):
            return idx
        if in_notes and len(cells) == 1 and _SECTION_RE.match(first):
            return idx
        if len(cells) == 1 and _NOTE_RE.match(first) and _is_note_text(first):
            in_notes = True
    return end


_WRAPPED_UNIT_RE = re.compile(r"单位[:：]\s*([万千亿])")  # "单位：万" whose "元" is on the next line
_CODE_PART_RE = re.compile(r"\d{1,7}")


def _split_code(parts: list[str]) -> tuple[str | None, str | None]:
    """The code of a row printed in 类/款(/项) columns of their own, and how it was printed where
    that differs from the code. A 款 or 项 of one digit under a 3-digit 类 ("301 | 2": a
    spreadsheet's number format dropped the leading zero) is that 款, "30102" — not "3012", a code of
    no level whose row every sum of its 类 would miss."""
    if 2 <= len(parts) <= 3 and len(parts[0]) == 3 and all(len(p) <= 2 for p in parts[1:]):
        code = parts[0] + "".join(p.zfill(2) for p in parts[1:])
        return code, (" ".join(parts) if code != "".join(parts) else None)
    return "".join(parts) or None, None


_CUT_AT_END = "表格在文件末尾中断（未见表注），内容可能不完整"


def _is_form(line: RawLine, forms: list[re.Pattern[str]]) -> bool:
    cells = line.nonempty
    return len(cells) == 1 and any(f.fullmatch(key(cells[0][1])) for f in forms)


def _leading_form(raw: RawDocument, prev_title: int | None, title: int, forms: list[re.Pattern[str]]) -> int | None:
    """A form number printed on its own line just above a table's title ("公开01表" over
    "收支预算总表"): the index of that line, which belongs to this table, not to the table before.
    None when the line above the title is anything else, when the title has a form number of its
    own just under it, or when the table before has nothing else (its own form under its title)."""
    floor = -1 if prev_title is None else prev_title
    above = next((i for i in range(title - 1, floor, -1) if raw.lines[i].nonempty), None)
    if above is None or not _is_form(raw.lines[above], forms):
        return None
    under = [ln for ln in raw.lines[title + 1 : title + 8] if ln.nonempty][:3]
    if any(_is_form(ln, forms) for ln in under):
        return None
    if prev_title is not None and not any(raw.lines[i].nonempty for i in range(prev_title + 1, above)):
        return None
    return above


def _is_note_text(first: str) -> bool:
    """A numbered line is a note when it reads as a sentence; "3、国有资本经营预算" alone on its line
    (a 总表 row whose other side is empty) is a row label."""
    return bool(re.match(r"^(注|备注|说明)", first)) or len(first) > 20 or bool(re.search(r"[，。；,;]", first))


def _flat_rows_end(raw: RawDocument, start: int, end: int) -> int | None:
    """Where a table printed as text rows ("合 计 | 1.8 | 1.52 |", a web page's table stored as
    text) ends: at the first line after its "|" rows that is not one (a paragraph of prose is not a
    row). None when the table's first rows are not such text rows."""
    seen = False
    for idx in range(start, end):
        cells = raw.lines[idx].nonempty
        if not cells:
            continue
        text = " ".join(c for _, c in cells)
        if len(cells) == 1 and "|" in text:
            seen = True
            continue
        if seen:
            return idx
        if len(cells) > 1 or len(text) > 30:  # the table's rows are of another kind
            return None
    return end if seen else None


def _scope_from_headings(paragraphs: list[Paragraph], titles: list[str]) -> str | None:
    """单位 or 部门: what the document's headings call it (“XX中心2024年度单位决算”)."""
    votes: Counter[str] = Counter()
    for text in [p.text for p in paragraphs[:80]] + titles:
        t = key(text)
        if len(t) > 60:
            continue
        for scope in ("单位", "部门"):
            if f"{scope}决算" in t or f"{scope}预算" in t:
                votes[scope] += 1
    return votes.most_common(1)[0][0] if votes else None


def _department_from_headings(paragraphs: list[Paragraph], year: int | None) -> str | None:
    """The department named in the document's own headings ("XX局2024年度部门决算")."""
    names: Counter[str] = Counter()
    for p in paragraphs[:80]:
        m = _BOOK_TITLE_RE.match(fold(p.text).strip())
        if m and (year is None or int(m.group(2)) == year):
            names[re.sub(r"\s+", "", m.group(1))] += 1
    return names.most_common(1)[0][0] if names else None


def recognize(
    raw: RawDocument, layouts: Layouts | None = None, variant: str | None = None, kind: str | None = None
) -> Disclosure:
    """The document's tables, text and 绩效 tables. ``kind`` (预算/决算) restricts the layouts and
    variants to those of that kind (None: all)."""
    layouts = layouts or load()
    doc = Disclosure(source=raw.file)
    if variant and variant in layouts.variants:
        kind = layouts.variants[variant].kind
    titles = find_titles(raw, layouts, kind)
    # Department and fiscal year.
    years: Counter[int] = Counter()
    for t in titles:
        m = _YEAR_RE.search(t.text)
        if m:
            years[int(m.group(1))] += 1
    first_title = titles[0].index if titles else len(raw.lines)
    for ln in raw.lines[:first_title]:
        for _, c in ln.nonempty:
            # the year a line is about, not the one it compares with ("较2020年度决算数减少…")
            m = next((y for y in _YEAR_RE.finditer(c) if not _COMPARED_YEAR_RE.search(c[: y.start()])), None)
            if m and len(c) <= MAX_TITLE_LEN:
                years[int(m.group(1))] += 2
    doc.year = years.most_common(1)[0][0] if years else None
    doc.unread_pages = list(raw.unread_pages)
    doc.unread_reasons = dict(getattr(raw, "unread_reasons", {}))
    doc.reading_problems.extend(getattr(raw, "reading_notes", []))
    doc.reading_problems.extend(doc.unread_messages())
    consumed: set[int] = set()
    forms = [re.compile(p) for p in layouts.form_patterns()]
    leading = {
        k: idx
        for k, t in enumerate(titles)
        if (idx := _leading_form(raw, titles[k - 1].index if k else None, t.index, forms)) is not None
    }
    for k, t in enumerate(titles):
        end = titles[k + 1].index if k + 1 < len(titles) else len(raw.lines)
        if k + 1 in leading:
            end = leading[k + 1]  # the next table's form number, printed above its title
        if t.kind == "performance":
            lines = raw.lines[t.index + 1 : end]
            if t.id == "department_narrative":
                for ln in lines:
                    texts = [c for _, c in ln.nonempty]
                    if texts:
                        doc.paragraphs.append(Paragraph(texts[-1], _line_prov(raw, ln), " ".join(texts[:-1]) or t.text))
            consumed.update(range(t.index, end))
            doc.performance.append(_performance(raw, t.id, t, lines, layouts.performance_sections))
            continue
        end = _region_end(raw, t.index + 1, end)
        flat_end = _flat_rows_end(raw, t.index + 1, end)
        end = flat_end if flat_end is not None else end
        lines = raw.lines[t.index + 1 : end]
        builder = _TableBuilder(raw, layouts.tables[t.id], t, lines, forms)
        builder.year = doc.year
        table = builder.build()
        if t.form and not table.form:
            table.form = t.form
        if k in leading and not table.form:
            table.form = key(raw.lines[leading[k]].nonempty[0][1])
            consumed.add(leading[k])
        if not table.rows and not table.form and not table.unit and flat_end is None:
            continue  # a table-of-contents entry or a title quoted on its own line, not a table
        if flat_end is not None and not table.rows:
            # rows printed as "项目 | 预算数 | 决算数 |" text were not read as the table: a reading
            # problem (not a table without data); the rows stay in the text, where the flattened
            # table's own arithmetic is checked (narrative.flat_table)
            table.unreliable = True
            table.reading_problems.append(
                "表格以“|”分隔的文字排出，未能按表格读取各行；其数字按文中表格核对，不与其他表格核对"
            )
            consumed.add(t.index)
            doc.tables.append(table)
            continue
        if end == len(raw.lines) and not table.notes and table.rows:
            table.reading_problems.append(_CUT_AT_END)
        consumed.update(range(t.index, end))
        doc.tables.append(table)
    # Narrative: every line no table or 绩效 table took, in reading order (before, between and
    # after the tables: Yunnan prints the 情况说明 first, Shanghai after the tables).
    narrative = []
    for idx, ln in enumerate(raw.lines):
        if idx in consumed:
            continue
        text = " ".join(c for _, c in ln.nonempty)
        if text:
            narrative.append(Paragraph(text, _line_prov(raw, ln)))
    doc.paragraphs[:0] = narrative
    if not doc.department:
        doc.department = _department_from_headings(doc.paragraphs, doc.year)
    doc.scope = _scope_from_headings(doc.paragraphs, [t.title for t in doc.tables]) or doc.scope
    depts = Counter(t.department for t in doc.tables if t.department)
    if depts:
        doc.department = depts.most_common(1)[0][0]
    chosen = layouts.variants.get(variant) if variant else None
    if variant and chosen is None:
        from .errors import InputError

        raise InputError(f"未知的版式：{variant}（可选：{'、'.join(sorted(layouts.variants))}）")
    v = chosen or detect_variant(doc, raw, layouts, kind)
    doc.variant = v.id
    doc.kind = v.kind
    if doc.tables and v.tables and doc.tables[-1].id == v.tables[-1].table:
        # the set's last table ends the file (a file of tables only): nothing after it was cut off
        last = doc.tables[-1]
        last.reading_problems = [p for p in last.reading_problems if p != _CUT_AT_END]
    for table in doc.tables:
        table.name = layouts.table_name(table.id, v)
    if not doc.tables:
        doc.reading_problems.append(NO_TABLES_BY_KIND.get(doc.kind, NO_TABLES_BY_KIND["决算"]))
    return doc
