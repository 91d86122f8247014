"""The disclosure model: one exact representation whatever the source format.

Readers produce pages of lines and cell grids (:mod:`juesuan.raw`); the recognizer turns them into
this model; rules, reports, generators and stores only ever see this model. Everything here is plain
data that round-trips through ``to_dict``/``from_dict`` (JSON-safe: decimals are strings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .textnorm import CellKind, fold, format_decimal, parse_amount

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any, Iterator

# recognize's reading problem when a document holds no table, in the words of its kind (a 预算 is
# not called a 决算)
NO_TABLES_BY_KIND = {"决算": "未识别出任何决算表格", "预算": "未识别出任何预算表格"}


@dataclass(frozen=True)
class Provenance:
    """Where a value was printed: file, page (1-based, None for plain text), line (1-based), bbox."""

    file: str
    page: int | None = None
    line: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    ocr: bool = False
    locator: str | None = None  # spreadsheets: sheet and row ("'公开01表'!7:7")
    confidence: float | None = None  # OCR'd cells: the recognition confidence (0..1)
    # Why the value may be misread (Chinese, e.g. an OCR confidence below the reader's threshold):
    # the checks do not use it (their relations are insufficient_data, saying why).
    doubt: str | None = None
    # OCR'd cells: other readings the recognizer weighed (one digit replaced by its runner-up)
    candidates: tuple[str, ...] = ()
    # How the value was established when not as read (Chinese), e.g. an OCR reading corrected by
    # the identities (juesuan.ocrfix): "文字识别更正：…"
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"file": self.file, "page": self.page, "line": self.line}
        if self.bbox is not None:
            d["bbox"] = list(self.bbox)
        if self.ocr:
            d["ocr"] = True
        if self.locator:
            d["locator"] = self.locator
        if self.confidence is not None:
            d["confidence"] = self.confidence
        if self.doubt:
            d["doubt"] = self.doubt
        if self.candidates:
            d["ocr_candidates"] = list(self.candidates)
        if self.note:
            d["note"] = self.note
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Provenance":
        bbox = tuple(d["bbox"]) if d.get("bbox") else None
        return cls(
            d["file"],
            d.get("page"),
            d.get("line"),
            bbox,
            bool(d.get("ocr", False)),
            d.get("locator"),
            d.get("confidence"),
            d.get("doubt"),
            tuple(d.get("ocr_candidates") or ()),
            d.get("note"),
        )


@dataclass
class Cell:
    """One amount cell. ``kind`` keeps blank, dash ("—"), number (0 included) and text distinct."""

    raw: str
    kind: str
    value: Decimal | None
    provenance: Provenance | None = None

    @property
    def amount(self) -> Decimal:
        """The value for arithmetic: blank and dash count as zero."""
        return self.value if self.value is not None else Decimal(0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "raw": self.raw,
            "kind": self.kind,
            "value": format_decimal(self.value) if self.value is not None else None,
            "provenance": self.provenance.to_dict() if self.provenance else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Cell":
        v = d.get("value")
        prov = Provenance.from_dict(d["provenance"]) if d.get("provenance") else None
        return cls(d.get("raw", ""), d["kind"], Decimal(v) if v is not None else None, prov)


@dataclass
class Column:
    """An amount column: canonical concept id plus the printed header (levels joined by '/')."""

    id: str
    header: str
    block: str = "main"
    number: int | None = None  # printed 栏次

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "header": self.header, "block": self.block, "number": self.number}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Column":
        return cls(d["id"], d["header"], d.get("block", "main"), d.get("number"))


@dataclass
class Row:
    """A table row. ``code`` is a 支出功能分类 or 经济分类 code where printed (or inferred from the
    label for rows printed without a code, e.g. the 类 rows of the 总表); ``concept`` is the
    canonical row concept from the layout (e.g. ``income_total``) where the label matched one."""

    label: str
    block: str = "main"
    code: str | None = None
    code_inferred: bool = False
    concept: str | None = None
    line_no: str | None = None  # printed 行次
    cells: dict[str, Cell] = field(default_factory=dict)
    provenance: Provenance | None = None
    # the code as printed, where that is not ``code`` itself: a 款 or 项 printed in a column of its
    # own with one digit ("301 | 2", a leading zero a spreadsheet's number format dropped)
    code_printed: str | None = None

    @property
    def level(self) -> int | None:
        """1 = 类, 2 = 款, 3 = 项 (function codes 3/5/7 digits, economic codes 3/5 digits)."""
        if not self.code:
            return None
        return {3: 1, 5: 2, 7: 3}.get(len(self.code))

    @property
    def display(self) -> str:
        if self.code and not self.code_inferred:
            return f"{self.code} {self.label}".strip()
        return self.label

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "block": self.block,
            "code": self.code,
            "code_inferred": self.code_inferred,
            "concept": self.concept,
            "line_no": self.line_no,
            **({"code_printed": self.code_printed} if self.code_printed is not None else {}),
            "cells": {k: c.to_dict() for k, c in self.cells.items()},
            "provenance": self.provenance.to_dict() if self.provenance else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Row":
        return cls(
            label=d["label"],
            block=d.get("block", "main"),
            code=d.get("code"),
            code_inferred=d.get("code_inferred", False),
            concept=d.get("concept"),
            line_no=d.get("line_no"),
            code_printed=d.get("code_printed"),
            cells={k: Cell.from_dict(c) for k, c in d.get("cells", {}).items()},
            provenance=Provenance.from_dict(d["provenance"]) if d.get("provenance") else None,
        )


@dataclass
class Table:
    """A recognized table. ``id`` is the canonical identity (see the layout files), ``name`` its
    canonical Chinese name, ``title`` the title as printed, ``form`` the printed form number."""

    id: str
    name: str
    title: str
    form: str | None = None
    unit: str | None = None
    department: str | None = None
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    provenance: Provenance | None = None
    reading_problems: list[str] = field(default_factory=list)
    block_headers: dict[str, str] = field(default_factory=dict)  # block id -> printed block header
    # The reader's grid is implausible (amounts shifted against codes...): rules do not use this
    # table's values; the reading problem says why.
    unreliable: bool = False

    def printed_header(self, row: "Row", col: "Column") -> str:
        """The printed header of a cell's column, with the block header for side-by-side blocks."""
        block = self.block_headers.get(row.block)
        return f"{block}/{col.header}" if block else col.header

    def column(self, col_id: str) -> Column | None:
        return next((c for c in self.columns if c.id == col_id), None)

    def rows_by_concept(self, concept: str) -> list[Row]:
        return [r for r in self.rows if r.concept == concept]

    def has_data(self) -> bool:
        """True when any amount cell holds a non-zero number."""
        return any(c.value not in (None, Decimal(0)) for r in self.rows for c in r.cells.values())

    def has_no_data_note(self) -> bool:
        notes = [fold(n) for n in self.notes]
        return any("无数据" in n or "无此" in n or "没有" in n or "无相关" in n or "不涉及" in n for n in notes)

    def iter_cells(self) -> Iterator[tuple[Row, Column, Cell]]:
        by_id = {c.id: c for c in self.columns}
        for row in self.rows:
            for col_id, cell in row.cells.items():
                yield row, by_id[col_id], cell

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title,
            "form": self.form,
            "unit": self.unit,
            "department": self.department,
            "columns": [c.to_dict() for c in self.columns],
            "rows": [r.to_dict() for r in self.rows],
            "notes": self.notes,
            "provenance": self.provenance.to_dict() if self.provenance else None,
            "reading_problems": self.reading_problems,
            "block_headers": self.block_headers,
            "unreliable": self.unreliable,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Table":
        return cls(
            id=d["id"],
            name=d["name"],
            title=d["title"],
            form=d.get("form"),
            unit=d.get("unit"),
            department=d.get("department"),
            columns=[Column.from_dict(c) for c in d.get("columns", [])],
            rows=[Row.from_dict(r) for r in d.get("rows", [])],
            notes=list(d.get("notes", [])),
            provenance=Provenance.from_dict(d["provenance"]) if d.get("provenance") else None,
            reading_problems=list(d.get("reading_problems", [])),
            block_headers=dict(d.get("block_headers", {})),
            unreliable=bool(d.get("unreliable", False)),
        )


@dataclass
class Paragraph:
    """A narrative paragraph (or a text cell of a 绩效 table) with its provenance."""

    text: str
    provenance: Provenance | None = None
    section: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "section": self.section,
            "provenance": self.provenance.to_dict() if self.provenance else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Paragraph":
        prov = Provenance.from_dict(d["provenance"]) if d.get("provenance") else None
        return cls(d["text"], prov, d.get("section"))


@dataclass
class PrintedCell:
    """One cell of a printed grid: its text and how many rows and columns it covers (a merged cell)."""

    text: str
    colspan: int = 1
    rowspan: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "colspan": self.colspan, "rowspan": self.rowspan}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "PrintedCell":
        return cls(str(d.get("text", "")), int(d.get("colspan", 1)), int(d.get("rowspan", 1)))


@dataclass
class PerformanceTable:
    """A 绩效自评 table kept structured: a key/value header, the funds block and the indicators.

    ``kind`` is ``department`` (部门整体支出绩效自评表) or ``project`` (项目支出绩效自评表). Blocks are
    lists of rows, each row the list of printed cells, so later checks can interpret them without
    re-reading the source.
    """

    kind: str
    title: str
    fields: dict[str, str] = field(default_factory=dict)
    funds: list[list[str]] = field(default_factory=list)
    indicators: list[list[str]] = field(default_factory=list)
    other: list[list[str]] = field(default_factory=list)
    provenance: Provenance | None = None
    # Where each printed text of the table is (its line): findings on a row point at that row.
    cell_provenance: dict[str, Provenance] = field(default_factory=dict)
    # Optional: the table as printed, positions kept (blank cells, merged cells; ``None`` where a
    # merged cell covers the position), in printed order. The generator sets it from the layout
    # data's form so writers print each value under its header; readers leave it empty (the parts
    # above are the table's content), and it takes no part in comparing tables.
    grid: list[list[PrintedCell | None]] = field(default_factory=list, compare=False)

    def where(self, text: str) -> Provenance | None:
        """The provenance of the line printing ``text``, else the table's."""
        text = text.strip()
        if not text:
            return self.provenance
        if text in self.cell_provenance:
            return self.cell_provenance[text]
        # A name printed with more around it ("工程师劳务费支出=", "一、…").
        return next((p for k, p in self.cell_provenance.items() if text in k), self.provenance)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "fields": self.fields,
            "funds": self.funds,
            "indicators": self.indicators,
            "other": self.other,
            "provenance": self.provenance.to_dict() if self.provenance else None,
            "cell_provenance": {k: v.to_dict() for k, v in self.cell_provenance.items()},
            **(
                {"grid": [[c.to_dict() if c is not None else None for c in row] for row in self.grid]}
                if self.grid
                else {}
            ),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "PerformanceTable":
        prov = Provenance.from_dict(d["provenance"]) if d.get("provenance") else None
        cells = {k: Provenance.from_dict(v) for k, v in (d.get("cell_provenance") or {}).items()}
        return cls(
            d["kind"],
            d["title"],
            dict(d.get("fields", {})),
            d.get("funds", []),
            d.get("indicators", []),
            d.get("other", []),
            prov,
            cells,
            [[PrintedCell.from_dict(c) if c is not None else None for c in row] for row in d.get("grid") or []],
        )


@dataclass
class Disclosure:
    """A published disclosure: 决算 or 预算, 部门 or 单位, of one department and fiscal year."""

    source: str
    department: str | None = None
    year: int | None = None
    kind: str = "决算"
    scope: str = "部门"
    variant: str | None = None
    tables: list[Table] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    performance: list[PerformanceTable] = field(default_factory=list)
    reading_problems: list[str] = field(default_factory=list)
    unread_pages: list[int] = field(default_factory=list)  # pages not read (a scan without OCR, a broken page)
    unread_reasons: dict[int, str] = field(default_factory=dict)  # page → why it was not read (Chinese)
    coverage: str = "full"  # full (a whole disclosure) | fragment (a section, a few tables): juesuan.coverage

    def unread_pages_text(self) -> str:
        """The unread pages as messages print them ("3、5")."""
        return "、".join(str(p) for p in self.unread_pages)

    def unread_messages(self) -> list[str]:
        """One reading problem per reason pages were not read, naming the pages and the reason."""
        from .raw import UNREAD_NO_OCR

        groups: dict[str, list[int]] = {}
        for p in self.unread_pages:
            groups.setdefault(self.unread_reasons.get(p, UNREAD_NO_OCR), []).append(p)
        out = []
        for reason, pages in groups.items():
            where = "、".join(str(p) for p in pages)
            if reason == UNREAD_NO_OCR:
                out.append(
                    f"第{where}页是扫描图像，未安装文字识别（OCR）组件，这些页未读取；依赖其内容的规则记为数据不足"
                )
            else:
                out.append(f"第{where}页未读取（{reason}）；依赖其内容的规则记为数据不足")
        return out

    def table(self, table_id: str) -> Table | None:
        return next((t for t in self.tables if t.id == table_id), None)

    def tables_by_id(self, table_id: str) -> list[Table]:
        return [t for t in self.tables if t.id == table_id]

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "department": self.department,
            "year": self.year,
            "kind": self.kind,
            "scope": self.scope,
            "variant": self.variant,
            "tables": [t.to_dict() for t in self.tables],
            "paragraphs": [p.to_dict() for p in self.paragraphs],
            "performance": [p.to_dict() for p in self.performance],
            "reading_problems": self.reading_problems,
            "unread_pages": self.unread_pages,
            "unread_reasons": {str(p): r for p, r in sorted(self.unread_reasons.items())},
            "coverage": self.coverage,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Disclosure":
        return cls(
            source=d["source"],
            department=d.get("department"),
            year=d.get("year"),
            kind=d.get("kind", "决算"),
            scope=d.get("scope", "部门"),
            variant=d.get("variant"),
            tables=[Table.from_dict(t) for t in d.get("tables", [])],
            paragraphs=[Paragraph.from_dict(p) for p in d.get("paragraphs", [])],
            performance=[PerformanceTable.from_dict(p) for p in d.get("performance", [])],
            reading_problems=list(d.get("reading_problems", [])),
            unread_pages=list(d.get("unread_pages", [])),
            unread_reasons={int(p): str(r) for p, r in d.get("unread_reasons", {}).items()},
            coverage=d.get("coverage", "full"),
        )


def make_cell(raw: str, provenance: Provenance | None = None) -> Cell:
    kind, value = parse_amount(raw)
    return Cell(raw=raw, kind=kind, value=value, provenance=provenance)


__all__ = [
    "Cell",
    "CellKind",
    "Column",
    "Disclosure",
    "Paragraph",
    "PerformanceTable",
    "Provenance",
    "Row",
    "Table",
    "make_cell",
]
