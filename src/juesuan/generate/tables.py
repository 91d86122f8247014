"""A table of the model from the layouts data and figures: the one place the generator lays a
table out (final accounts and budgets alike).

The caller gives the table's id and its lines — a label, optionally a code and a row concept, the
block it belongs to (side-by-side tables), its printed 行次 and its values by **column id** — and
:func:`layout_table` returns the :class:`~juesuan.model.Table` as the variant prints it:

- the columns are the layout's (``layouts/*.yaml``): for a grid, the largest of its column sets
  (main or ``variants``) whose every column has a value (or the set named by ``columns``), with
  their printed headers and 栏次 numbers; for a side-by-side table, each block's columns and the
  block headers;
- the form number (表号) and printed name come from the variant file (``variants/*.yaml``: its
  ``form``/``print_form`` and ``name``, else the layout's name);
- each value prints as an amount cell the way a reader gives it back (:func:`cell`): a Decimal
  with two decimals (``style``: a zero blank, a dash, or printed; thousands separators for
  ``grouped``), a string as printed ("—"), None blank.

Nothing here knows a table id: a new variant's layout file is enough to lay its tables out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, Union

from ..layouts import ColumnSpec, Layouts, TableLayout
from ..layouts import load as load_layouts
from ..model import Cell, Column, Row, Table
from ..textnorm import parse_amount

__all__ = ["Line", "LayoutError", "Style", "cell", "column_set", "layout_table", "printed", "variant_entry"]

Value = Union[Decimal, str, None]
# How an amount prints: ``blank`` (zero left blank), ``dash`` (zero as "—"), ``plain`` (0.00
# printed), ``grouped`` (thousands separators, 0.00 printed).
Style = Literal["blank", "dash", "plain", "grouped"]
DASH = "—"


class LayoutError(ValueError):
    """The layouts data cannot print the given figures (no column set fits, no such table)."""


@dataclass(frozen=True)
class Line:
    """One printed row: label, optional code and concept, its block, 行次 and values by column id
    (a column without a value prints blank)."""

    label: str
    values: Mapping[str, Value] = field(default_factory=dict)
    code: str | None = None
    concept: str | None = None
    block: str = "main"
    line_no: str | None = None
    code_inferred: bool = False


def printed(value: Value, style: Style = "blank") -> str:
    """The printed text of ``value``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if not value:
        if style == "blank":
            return ""
        if style == "dash":
            return DASH
    return f"{value:,.2f}" if style == "grouped" else f"{value:.2f}"


def cell(text: str) -> Cell:
    """The amount cell a reader gives for the printed ``text``."""
    kind, value = parse_amount(text)
    return Cell(text, kind, value)


def column_set(layout: TableLayout, ids: Iterable[str]) -> list[ColumnSpec]:
    """The largest column set of a grid layout (main or variant) whose every column is in ``ids``."""
    have = set(ids)
    fitting = [cols for cols in (layout.columns, *layout.variants) if cols and {c.id for c in cols} <= have]
    if not fitting:
        raise LayoutError(f"no column set of layout {layout.id} can be filled from {sorted(have)}")
    return max(fitting, key=len)


def variant_entry(table_id: str, variant: str, layouts: Layouts | None = None) -> tuple[str | None, str]:
    """(form number, printed name) of ``table_id`` in ``variant``."""
    layouts = layouts or load_layouts()
    v = layouts.variants.get(variant)
    if v is None:
        raise LayoutError(f"unknown variant {variant}")
    entry = v.entry(table_id)
    if entry is None:
        raise LayoutError(f"variant {variant} prints no table {table_id}")
    layout = layouts.tables.get(table_id)
    return entry.printed_form, entry.name or (layout.name if layout else table_id)


def _columns(layout: TableLayout, lines: Sequence[Line], columns: Sequence[str] | None) -> list[Column]:
    if layout.blocks:  # side by side: each block's own columns (an id printed once), no 栏次 numbers
        out: list[Column] = []
        for block in layout.blocks:
            for c in block.columns:
                if all(o.id != c.id for o in out):
                    out.append(Column(c.id, c.header, block=block.id))
        return out
    if columns is None:
        specs = column_set(layout, {cid for line in lines for cid in line.values})
    else:  # the set with exactly these columns, else each column from the first set that has it
        sets = (layout.columns, *layout.variants)
        exact = next((cols for cols in sets if [c.id for c in cols] == list(columns)), None)
        by_id = {c.id: c for cols in ([exact] if exact else reversed(sets)) for c in cols}
        missing = [cid for cid in columns if cid not in by_id]
        if missing:
            raise LayoutError(f"layout {layout.id} has no column {', '.join(missing)}")
        specs = [by_id[cid] for cid in columns]
    return [Column(c.id, c.header, number=k) for k, c in enumerate(specs, start=1)]


def layout_table(
    table_id: str,
    lines: Sequence[Line],
    *,
    variant: str,
    columns: Sequence[str] | None = None,
    department: str | None = None,
    unit: str | None = "万元",
    notes: Sequence[str] = (),
    style: Style = "blank",
    title: str | None = None,
    layouts: Layouts | None = None,
) -> Table:
    """The table ``table_id`` of ``variant`` with ``lines`` (see the module's description).
    ``columns`` names a column set in order (default: the largest set the values fill); ``title``
    overrides the printed name."""
    layouts = layouts or load_layouts()
    layout = layouts.tables.get(table_id)
    if layout is None:
        raise LayoutError(f"no layout for table {table_id}")
    form, name = variant_entry(table_id, variant, layouts)
    cols = _columns(layout, lines, columns)
    rows: list[Row] = []
    for line in lines:
        if layout.blocks:
            block = next((b for b in layout.blocks if b.id == line.block), None)
            if block is None:
                raise LayoutError(f"layout {table_id} has no block {line.block}")
            wanted = [c.id for c in block.columns]
        else:
            wanted = [c.id for c in cols]
        rows.append(
            Row(
                label=line.label,
                block=line.block,
                code=line.code,
                code_inferred=line.code_inferred,
                concept=line.concept,
                line_no=line.line_no,
                cells={cid: cell(printed(line.values.get(cid), style)) for cid in wanted},
            )
        )
    return Table(
        id=table_id,
        name=name,
        title=title or name,
        form=form,
        unit=unit,
        department=department,
        columns=cols,
        rows=rows,
        notes=list(notes),
        block_headers={b.id: b.header for b in layout.blocks if b.header},
    )
