"""Cell references used by rules: ``table.row.column``.

``row`` is a row concept id from the layout (``income_total``), ``code:301`` (the row with that
classification code; in a table with several blocks the first such row), or ``level:1`` (the sum of
all rows at that level: 类). ``column`` is a column concept id. A leading ``-`` negates a term.

A row concept that was not found in its table is *absent*: unknown, not zero, unless its layout
declares ``absent: zero`` (the form may leave the row out). A ``code:`` row that is not printed is
zero: coded tables list only the classification lines that have amounts; so is every row of a
table printed without rows under a note that it has no data (故本表无数据).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..layouts import Layouts, RowConcept, Variant
from ..model import Cell, Column, Disclosure, Row, Table
from ..results import Location, Unresolvable
from ..textnorm import UNIT_FACTORS, format_decimal


def split_ref(text: str, default_table: str | None = None, default_col: str | None = None) -> tuple[int, str, str, str]:
    """(weight, table, row, column) of a reference, filling a missing table or column from the
    rule's defaults: "row", "row.col" or "table.row" (with a default column), "table.row.col"."""
    weight = 1
    t = text.strip()
    if t.startswith("-"):
        weight, t = -1, t[1:].strip()
    parts = t.split(".")
    if len(parts) == 1:
        parts = [default_table or "", parts[0], default_col or ""]
    elif len(parts) == 2:
        parts = [default_table or "", *parts] if default_col is None else [*parts, default_col]
    table_id, row_sel, col_id = parts
    return weight, table_id, row_sel, col_id


@dataclass
class CellRef:
    """A cell a rule refers to, resolved in a document: its table, row, column and the cell if printed."""

    table: Table
    row: Row | None
    column: Column
    cell: Cell | None

    @property
    def value(self) -> Decimal:
        return self.cell.amount if self.cell is not None else Decimal(0)


@dataclass
class Term:
    """A resolved term: weight × the sum of its cells, in 元."""

    text: str
    weight: int
    cells: list[CellRef] = field(default_factory=list)
    factor: Decimal = Decimal(1)
    absent: bool = False  # the row is not printed at all
    # An absent row that counts as 0 (a ``code:`` line, a row declared ``absent: zero``); any other
    # absent row is unknown: a relation over it cannot be checked.
    absent_is_zero: bool = False
    label: str = ""  # the row as printed (for an absent row: as the layout names it)

    @property
    def unknown(self) -> bool:
        """The row was not found and may not be read as 0."""
        return self.absent and not self.absent_is_zero

    @property
    def value_yuan(self) -> Decimal:
        return self.weight * sum((c.value for c in self.cells), Decimal(0)) * self.factor

    @property
    def has_dash(self) -> bool:
        return any(c.cell is not None and c.cell.kind == "dash" for c in self.cells)


class Resolver:
    """Resolves references against one disclosure, knowing which tables its variant requires."""

    def __init__(
        self,
        doc: Disclosure,
        required_tables: set[str],
        table_names: dict[str, str],
        layouts: Layouts | None = None,
    ):
        self.doc = doc
        self.required = required_tables
        self.names = table_names
        self.layouts = layouts
        units = [t.unit for t in doc.tables if t.unit]
        self.default_unit = max(set(units), key=units.count) if units else "万元"

    def table(self, table_id: str) -> Table:
        tables = self.doc.tables_by_id(table_id)
        name = self.names.get(table_id, table_id)
        if not tables:
            raise self.absent(table_id)
        if tables[0].unreliable:
            raise Unresolvable("insufficient_data", f"《{name}》读取异常，其数据不用于核对")
        return tables[0]

    def absent(self, table_id: str) -> Unresolvable:
        """Why rules on a table that is not in the document cannot run."""
        name = self.names.get(table_id, table_id)
        if table_id not in self.required:
            return Unresolvable("not_applicable", f"本版式不含《{name}》")
        if self.doc.unread_pages:  # it may be on a page that could not be read
            return Unresolvable(
                "insufficient_data", f"未找到《{name}》，第{self.doc.unread_pages_text()}页未能读取，可能在其中"
            )
        return Unresolvable("insufficient_data", f"缺少《{name}》")

    def factor(self, table: Table) -> Decimal:
        return UNIT_FACTORS.get(table.unit or self.default_unit, Decimal(10000))

    def column(self, table: Table, col_id: str) -> Column:
        col = table.column(col_id)
        if col is None:
            raise Unresolvable(
                "insufficient_data", f"《{table.name}》中未能识别“{self.column_header(table.id, col_id)}”列"
            )
        return col

    def column_header(self, table_id: str, col_id: str) -> str:
        """A column concept as the layout prints it (its header path), for messages."""
        layout = self.layouts.tables.get(table_id) if self.layouts is not None else None
        if layout is not None:
            for cols in [layout.columns, *layout.variants, *(b.columns for b in layout.blocks)]:
                spec = next((c for c in cols if c.id == col_id), None)
                if spec is not None:
                    return spec.header
        return col_id

    def rows(self, table: Table, selector: str, block: str | None = None) -> list[Row]:
        rows = [r for r in table.rows if block is None or r.block == block]
        if selector.startswith("code:"):
            code = selector[5:]
            return [r for r in rows if r.code == code][:1]
        if selector.startswith("level:"):
            level = int(selector[6:])
            return [r for r in rows if r.level == level]
        return [r for r in rows if r.concept == selector][:1]

    def term(self, text: str, default_table: str | None = None, default_col: str | None = None) -> Term:
        weight, table_id, row_sel, col_id = split_ref(text, default_table, default_col)
        table = self.table(table_id)
        col = self.column(table, col_id)
        rows = self.rows(table, row_sel)
        term = Term(text=text, weight=weight, factor=self.factor(table))
        if not rows and not row_sel.startswith("level:"):
            term.absent = True
            concept = self.concept(table_id, row_sel)
            term.absent_is_zero = (
                row_sel.startswith("code:")
                or bool(concept and concept.absent_is_zero)
                or (not table.rows and table.has_no_data_note())  # printed empty, "故本表无数据"
            )
            term.label = concept.label if concept else row_sel.removeprefix("code:")
            term.cells.append(CellRef(table, None, col, None))
            return term
        if row_sel.startswith("level:"):
            level = int(row_sel[6:])
            term.label = f"{'类款项'[level - 1]}级科目合计" if 1 <= level <= 3 else row_sel
        elif len(rows) == 1:
            term.label = rows[0].display
        for row in rows:
            term.cells.append(CellRef(table, row, col, row.cells.get(col.id)))
        return term

    def concept(self, table_id: str, concept_id: str) -> RowConcept | None:
        """The layout's row concept ``concept_id`` of table ``table_id`` (None when unknown)."""
        layout = self.layouts.tables.get(table_id) if self.layouts is not None else None
        return next((c for c in layout.rows if c.id == concept_id), None) if layout is not None else None


def resolver_for(doc: Disclosure, variant: Variant, layouts: Layouts) -> Resolver:
    """The resolver of ``doc`` under ``variant``: the tables it requires and their printed names."""
    names = {tid: layouts.table_name(tid, variant) for tid in layouts.tables}
    return Resolver(doc, set(variant.table_ids()), names, layouts)


def cell_location(ref: CellRef) -> Location:
    """Where a referenced cell is printed, as a finding names it."""
    cell = ref.cell
    prov = cell.provenance if cell and cell.provenance else (ref.row.provenance if ref.row else None)
    value = None
    if cell is not None:
        value = (
            format_decimal(cell.value) if cell.value is not None else ("—" if cell.kind == "dash" else cell.raw or None)
        )
    return Location(
        table=ref.table.name,
        form=ref.table.form,
        row=ref.row.display if ref.row else "（未列示）",
        row_code=ref.row.code if ref.row else None,
        column=ref.table.printed_header(ref.row, ref.column) if ref.row else ref.column.header,
        value=value,
        page=prov.page if prov else None,
        line=prov.line if prov else None,
        bbox=prov.bbox if prov else None,
        ocr=bool(prov and prov.ocr),
    )
