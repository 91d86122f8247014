"""The generated disclosure as tab-separated text, clean or with known errors planted.

:func:`render_text` serialises the model of a spec (the Yunnan set of tables laid out from the
derived figures, :mod:`.final`) and the 绩效 tables drafted by :mod:`.draft` through the text writer
(:mod:`juesuan.writers.text`), between the cover line and the 情况说明 (:mod:`.draft`); the text
reader reads them back cell for cell. :func:`plant_errors` changes a few cells of those model tables before
serialising them and says where each is printed, for testing checkers.
``python -m juesuan.generate.document OUTDIR`` writes the bundled example (``example-clean.txt``
and ``example-planted.txt``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..layouts import load as load_layouts
from ..model import Row, Table
from ..writers.text import performance_lines, table_lines
from .derive import Accounts, derive
from .draft import cover_line, narrative_lines, performance_tables
from .spec import DisclosureSpec, example_spec, money
from .final import final_tables
from .tables import cell

__all__ = [
    "CLEAN_NAME",
    "PLANTED_NAME",
    "PlantedDocument",
    "PlantedError",
    "main",
    "plant_errors",
    "render_text",
    "write_examples",
]


@dataclass(frozen=True)
class PlantedError:
    """One planted error: where it is printed and which rules should report it.

    ``row`` and ``column`` are as a checker names the cell (row display text, column header);
    ``value`` is the printed value of the planted cell (the code itself for a code error)."""

    id: str
    description: str
    form: str
    line: int
    row: str
    column: str
    value: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class PlantedDocument:
    text: str
    errors: tuple[PlantedError, ...]


def _text(spec: DisclosureSpec, tables: list[Table]) -> tuple[str, dict[tuple[int, int], int]]:
    """The document text and the 1-based line of each table row (keyed by (table index, row index)):
    the cover line, the tables, the 情况说明 (one paragraph a line) and the 绩效 tables, as Yunnan
    prints them."""
    acc = derive(spec)
    lines = [cover_line(spec), ""]
    where: dict[tuple[int, int], int] = {}
    for t_index, table in enumerate(tables):
        printed, at = table_lines(table, spec.department)
        where.update(((t_index, r), len(lines) + i + 1) for r, i in at.items())
        lines += printed
    if spec.narrative is not None:
        lines += [*narrative_lines(acc, spec.narrative), ""]
    for perf in performance_tables(acc, load_layouts()):
        lines += performance_lines(perf)
    return "\n".join(lines).rstrip("\n") + "\n", where


def render_text(spec: DisclosureSpec) -> str:
    """The complete disclosure of ``spec`` as tab-separated UTF-8 text (``\\n`` line ends)."""
    return _text(spec, final_tables(derive(spec)))[0]


# --- planted errors ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plant:
    id: str
    description: str
    table: int
    row_index: int
    row: str
    column: str
    value: str
    rules: tuple[str, ...]


def _table(tables: list[Table], table_id: str) -> tuple[int, Table]:
    for i, t in enumerate(tables):
        if t.id == table_id:
            return i, t
    raise LookupError(table_id)


def _header(table: Table, column: str) -> str:
    return next(c.header for c in table.columns if c.id == column)


def _row(table: Table, predicate: Callable[[Row], bool]) -> tuple[int, Row]:
    for i, row in enumerate(table.rows):
        if predicate(row):
            return i, row
    raise LookupError(f"{table.form}: no such row")


def _plant_income_shift(tables: list[Table], column: str) -> _Plant:
    """(a) In the 收入决算表 合计 row, the amount of ``column`` moves one column to the left."""
    t_i, income = _table(tables, "income")
    ids = [c.id for c in income.columns]
    k = ids.index(column)
    if k < 2:
        raise ValueError("the moved income column needs an income-source column on its left")
    left = ids[k - 1]
    r_i, row = _row(income, lambda r: r.concept == "total")
    if not row.cells[column].raw or row.cells[left].raw:
        raise ValueError(f"income column {column} must be non-zero and its left neighbour zero")
    row.cells[left], row.cells[column] = row.cells[column], cell("")
    return _Plant(
        "income_total_shift",
        f"收入决算表 合计 row: the {column} amount is printed under {left}",
        t_i,
        r_i,
        row.label,
        _header(income, left),
        row.cells[left].raw,
        ("income.hierarchy", f"cross.summary_income.{left}"),
    )


def _plant_kuan(tables: list[Table], acc: Accounts, kuan: str | None, delta: Decimal) -> _Plant:
    """(b) A 款 of the 支出决算表 raised by ``delta`` in 本年支出合计 and in the spending type it has,
    so that its own row still adds up but it no longer equals the sum of its 项."""
    if kuan is None:
        kuan = next(
            s.code
            for s in acc.subjects
            if len(s.code) == 5 and sum(1 for x in acc.subjects if len(x.code) == 7 and x.code.startswith(s.code)) >= 2
        )
    t_i, expenditure = _table(tables, "expenditure")
    r_i, row = _row(expenditure, lambda r: r.code == kuan)
    typed = "basic" if row.cells["basic"].raw else "project"
    for column in ("total", typed):
        row.cells[column] = cell(f"{(row.cells[column].value or 0) + delta:.2f}")
    return _Plant(
        "expenditure_kuan",
        f"支出决算表 款 {kuan} raised by {delta} in 本年支出合计 and one spending type",
        t_i,
        r_i,
        f"{kuan} {row.label}",
        _header(expenditure, "total"),
        row.cells["total"].raw,
        ("expenditure.hierarchy",),
    )


def _plant_project_code(tables: list[Table], code: str) -> _Plant:
    """(c) In the 项目支出表, ``code`` is printed with 2 as its first digit."""
    wrong = "2" + code[1:]
    t_i, project = _table(tables, "project")
    try:
        r_i, row = _row(project, lambda r: r.code == code)
    except LookupError:
        raise ValueError(f"economic code {code} is not printed in the 项目支出表") from None
    row.code = wrong
    return _Plant(
        "project_code",
        f"项目支出表 code {code} printed as {wrong}",
        t_i,
        r_i,
        f"{wrong} {row.label}",
        "科目编码",
        wrong,
        ("codes.project.scheme",),
    )


def _plant_three_public_total(tables: list[Table], delta: Decimal) -> _Plant:
    """(d) The 公开10表 "三公" 支出合计 决算统计数 changed by ``delta``."""
    t_i, stats = _table(tables, "three_public_stats")
    r_i, row = _row(stats, lambda r: r.concept == "total")
    row.cells["final"] = cell(f"{money(row.cells['final'].raw) + delta:.2f}")
    return _Plant(
        "three_public_total",
        f"公开10表 支出合计 决算统计数 changed by {delta}",
        t_i,
        r_i,
        row.label,
        _header(stats, "final"),
        row.cells["final"].raw,
        ("three_public_stats.total",),
    )


def plant_errors(
    spec: DisclosureSpec,
    *,
    income_column: str = "business",
    kuan: str | None = None,
    kuan_delta: Decimal = Decimal("10.00"),
    project_code: str = "31022",
    three_public_delta: Decimal = Decimal("-1.00"),
) -> PlantedDocument:
    """The document of ``spec`` with four planted errors (deterministic):

    (a) in the 收入决算表 合计 row, the amount of ``income_column`` is moved one column to the left;
    (b) the 支出决算表 row of 款 ``kuan`` (default: the first 款 with two or more 项) is raised by
        ``kuan_delta`` in 本年支出合计 and in its spending type, so it is not the sum of its 项;
    (c) in the 项目支出表 the economic code ``project_code`` is printed with 2 as its first digit;
    (d) the 公开10表 "三公" 支出合计 决算统计数 is changed by ``three_public_delta``. The default
        lowers it: items that are zero print as "—", and a checker may treat a sum whose smaller
        side holds a "—" as "not broken down" (a warning) rather than as an error.
    """
    acc = derive(spec)
    tables = final_tables(acc)
    plants = [
        _plant_income_shift(tables, income_column),
        _plant_kuan(tables, acc, kuan, money(kuan_delta)),
        _plant_project_code(tables, project_code),
        _plant_three_public_total(tables, money(three_public_delta)),
    ]
    text, where = _text(spec, tables)
    errors = tuple(
        PlantedError(
            p.id,
            p.description,
            tables[p.table].form or "",
            where[(p.table, p.row_index)],
            p.row,
            p.column,
            p.value,
            p.rules,
        )
        for p in plants
    )
    return PlantedDocument(text, errors)


# --- the bundled example -------------------------------------------------------------------------

CLEAN_NAME = "example-clean.txt"
PLANTED_NAME = "example-planted.txt"


def write_examples(outdir: Path) -> tuple[Path, Path]:
    spec = example_spec()
    outdir.mkdir(parents=True, exist_ok=True)
    clean, planted = outdir / CLEAN_NAME, outdir / PLANTED_NAME
    clean.write_bytes(render_text(spec).encode("utf-8"))
    planted.write_bytes(plant_errors(spec).text.encode("utf-8"))
    return clean, planted


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m juesuan.generate.document",
        description="Write the bundled synthetic example disclosure (clean and with planted errors).",
    )
    parser.add_argument("outdir", type=Path, help="directory for example-clean.txt and example-planted.txt")
    args = parser.parse_args(argv)
    for path in write_examples(args.outdir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
