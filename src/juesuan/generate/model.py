"""A spec as the disclosure model of a variant.

:func:`.derive.derive` derives every total from the primary figures (the one place totals
are computed); the tables are laid out from those figures through the layouts data
(:mod:`.final` → :mod:`.tables`: columns by the layout's column ids, form numbers and names from the
variant file), in the Yunnan set (公开01–12表). Another variant keeps the tables its variant file
lists, in its order, printed its way (:func:`_as_printed`), and the tables only it has (the
national "三公" table, its column set from ``layouts/national.yaml``). The cover line, the 情况说明
and the 绩效 parts are model objects drafted by :mod:`.draft` (paragraphs with the sections a reader
gives them, :class:`juesuan.model.PerformanceTable` with the 绩效 tables' titles from the layout
data); nothing is read back through a reader.
"""

from __future__ import annotations

from decimal import Decimal

from ..layouts import Layouts
from ..layouts import load as load_layouts
from ..model import Cell, Column, Disclosure, Table
from .derive import Accounts, derive
from .draft import text_parts
from .spec import DisclosureSpec
from ..textnorm import CellKind
from .final import SOURCE, final_tables
from .tables import Line, Value, layout_table


def _number(v: Decimal) -> Cell:
    return Cell(f"{v:.2f}", CellKind.NUMBER, v)


def _three_public(acc: Accounts, layouts: Layouts, variant: str) -> Table:
    """The national "三公" table (one row; 预算数 and 决算数 per measure) of ``variant``."""
    lay = layouts.tables["three_public"]
    # Shanghai prints each measure's 预算数 and 决算数 side by side (the layout's first variant).
    specs = lay.variants[0] if variant == "shanghai" and lay.variants else lay.columns
    tp = acc.three_public
    values = {
        "total": tp.total,
        "abroad": tp.abroad,
        "car": tp.car,
        "car_purchase": tp.car_purchase,
        "car_operation": tp.car_operation,
        "reception": tp.reception,
    }
    cells: dict[str, Value] = {}
    for c in specs:
        measure, _, which = c.id.rpartition("_")
        triple = values[measure]
        # 预算数: the 年初预算 the 情况说明 compares the final against
        cells[c.id] = triple[0] if which == "budget" else triple[2]
    return layout_table(
        "three_public",
        [Line("金额", cells, concept="total")],
        variant=variant,
        columns=[c.id for c in specs],
        department=acc.spec.department,
        unit="万元",
        notes=["注：本表反映部门本年度使用财政拨款安排的“三公”经费支出预算数（年初预算）和决算数。"],
        style="plain",
        layouts=layouts,
    )


def _as_printed(table: Table, layouts: Layouts) -> Table:
    """``table`` as the national forms print it: for a grid whose cells cover the layout's main
    column set, only those columns with their printed headers (the 3-column 一般公共预算财政拨款
    支出决算表, the 7-column 收入决算表); the layout's name as title (its 收入支出 title when the
    table prints 本年收入)."""
    lay = layouts.tables.get(table.id)
    if lay is None:
        return table
    have = [c.id for c in table.columns]
    wanted = [c.id for c in lay.columns]
    if lay.structure == "grid" and wanted and wanted != have and set(wanted) <= set(have):
        table.columns = [Column(c.id, c.header, number=k) for k, c in enumerate(lay.columns, start=1)]
        for row in table.rows:
            row.cells = {cid: cell for cid, cell in row.cells.items() if cid in set(wanted)}
        if any(cid.startswith("carry") for cid in set(have) - set(wanted)):  # no 结转结余 printed now
            table.notes = [f"注：本表反映部门本年度{lay.name.removesuffix('决算表')}情况。"]
    table.title = table.name = lay.name
    if any(c.id == "income" for c in table.columns):
        table.title = table.name = next((t for t in lay.titles if "收入支出" in t), lay.name)
    return table


def build_model(spec: DisclosureSpec, variant: str) -> tuple[Disclosure, Accounts]:
    """The disclosure of ``spec`` as ``variant`` prints it, and the derived figures. Raises
    :class:`.spec.SpecError` when the spec's parts cannot agree."""
    from dataclasses import replace

    from ..narrative.settings import performance_settings

    if spec.narrative is not None:  # the region's 绩效 grade words
        bands = tuple((b.label, int(b.min)) for b in performance_settings().bands(variant))
        spec = replace(spec, narrative=replace(spec.narrative, grades=bands))
    acc = derive(spec)
    layouts = load_layouts()
    # the 绩效 parts the variant prints (variants/*.yaml: performance), Yunnan's three
    paragraphs, performance = text_parts(spec, layouts, layouts.variants[variant].performance)
    doc = Disclosure(
        source=f"{spec.department}{spec.year}年度部门决算",
        department=spec.department,
        year=spec.year,
        kind=layouts.variants[SOURCE].kind,
        scope="部门",
        paragraphs=paragraphs,
        performance=performance,
        tables=final_tables(acc),
    )
    if variant != SOURCE:
        v = layouts.variants[variant]
        by_id = {t.id: t for t in doc.tables}
        tables: list[Table] = []
        for vt in v.tables:
            if vt.table == "three_public":
                table = _three_public(acc, layouts, variant)
            else:
                table = _as_printed(by_id[vt.table], layouts)
            table.form = vt.printed_form
            tables.append(table)
        doc.tables = tables
    doc.variant = variant
    return doc, acc
