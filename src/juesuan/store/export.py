"""Exports: any view or table as CSV or Parquet, and the stored amounts as a Fiscal Data Package
(``datapackage.json`` + ``amounts.csv``: a tabular data package whose ``model`` names the measure,
the functional and economic classification hierarchies (类/款/项), the department, the fiscal year
and the budget phase, for OpenSpending-style platforms). :func:`validate_datapackage` checks a
package against its own schema (fields, types, model sources)."""

from __future__ import annotations

import csv
import json
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..textnorm import UNIT_FACTORS, csv_safe
from .dialect import StoreError, _text
from .schema import TABLES, VIEWS

if TYPE_CHECKING:
    from . import Store

FORMATS = ("csv", "parquet")
ECONOMIC_TABLES = {"basic", "project"}  # tables classified by 支出经济分类; the others by 功能分类
PHASES = {"决算": "executed", "预算": "approved"}


def _check_name(view: str) -> str:
    if view not in VIEWS and view not in TABLES and view != "expected_publishers":
        raise StoreError(
            f"没有名为“{view}”的视图或表：可导出的视图有 {'、'.join(VIEWS)}（表：{'、'.join(TABLES)}）",
            code="usage",
        )
    return view


def _csv_cell(v: Any) -> str:
    """A value for a CSV cell: numbers as they are, text safe from spreadsheet formulas."""
    text = _text(v) or ""
    return text if isinstance(v, (int, float, Decimal)) else csv_safe(text)


def _write_csv(out: Path, names: list[str], rows: list[tuple[Any, ...]]) -> None:
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(names)
        for r in rows:
            w.writerow(["" if v is None else _csv_cell(v) for v in r])


def _duck_type(values: list[Any]) -> str:
    v = next((x for x in values if x is not None), None)
    if isinstance(v, bool):
        return "BOOLEAN"
    if isinstance(v, int):
        return "BIGINT"
    if isinstance(v, Decimal):
        return "DECIMAL(38,2)"
    if isinstance(v, datetime):
        return "TIMESTAMP"
    if isinstance(v, date):
        return "DATE"
    return "VARCHAR"


def export(store: Store, view: str, fmt: str, out: Path) -> int:
    """Write ``view`` to ``out`` as CSV or Parquet; the number of rows written."""
    _check_name(view)
    if fmt not in FORMATS:
        raise StoreError(f"未知的导出格式“{fmt}”：应为 csv 或 parquet", code="usage")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "parquet" and store.db.name == "duckdb":
            n = store.db.execute(f"SELECT COUNT(*) FROM {view}")[0][0]
            store.db.execute(f"COPY (SELECT * FROM {view}) TO '{_quote(out)}' (FORMAT parquet)")
            return int(n)
        names, rows = store.db.query(f"SELECT * FROM {view}")
        if fmt == "csv":
            _write_csv(out, names, rows)
        else:
            _parquet_from_rows(out, names, rows)
    except OSError as exc:
        raise StoreError(f"无法写出导出文件：{out}（{exc.strerror}）", code="output_unwritable") from None
    return len(rows)


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def _parquet_from_rows(out: Path, names: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Rows fetched from PostgreSQL written as Parquet by an in-memory DuckDB, column types kept."""
    import duckdb
    import numpy as np

    con = duckdb.connect()
    try:
        cols = [[r[i] for r in rows] for i in range(len(names))]
        types = [_duck_type(c) for c in cols]
        con.execute("CREATE TABLE t (" + ", ".join(f'"{n}" {t}' for n, t in zip(names, types)) + ")")
        arrays = {}
        for n, c in zip(names, cols):
            arr = np.empty(len(c), dtype=object)
            arr[:] = [_text(v) for v in c]
            arrays[n] = arr
        if rows:
            con.register("src", arrays)
            con.execute("INSERT INTO t SELECT * FROM src")
        con.execute(f"COPY t TO '{_quote(out)}' (FORMAT parquet)")
    finally:
        con.close()


# ---------------------------------------------------------------- Fiscal Data Package

FIELDS: list[tuple[str, str, str]] = [
    ("document", "integer", "库中文件编号"),
    ("department", "string", "部门"),
    ("fiscal_year", "year", "年度"),
    ("phase", "string", "阶段：executed（决算）或 approved（预算）"),
    ("table_id", "string", "表（juesuan 的表标识）"),
    ("table_name", "string", "表名"),
    ("row_code", "string", "科目编码"),
    ("row_label", "string", "科目名称或行名"),
    ("functional_class", "string", "支出功能分类：类"),
    ("functional_kuan", "string", "支出功能分类：款"),
    ("functional_xiang", "string", "支出功能分类：项"),
    ("economic_class", "string", "支出经济分类：类"),
    ("economic_kuan", "string", "支出经济分类：款"),
    ("column_id", "string", "列（juesuan 的列标识）"),
    ("column_header", "string", "列名（按印刷）"),
    ("amount", "number", "金额（元）"),
]

MODEL: dict[str, Any] = {
    "measures": {"amount": {"source": "amount", "currency": "CNY", "factor": 1}},
    "dimensions": {
        "functional-classification": {
            "dimensionType": "classification",
            "classificationType": "functional",
            "attributes": {
                "class": {"source": "functional_class"},
                "kuan": {"source": "functional_kuan", "parent": "class"},
                "xiang": {"source": "functional_xiang", "parent": "kuan"},
            },
            "primaryKey": ["class", "kuan", "xiang"],
        },
        "economic-classification": {
            "dimensionType": "classification",
            "classificationType": "economic",
            "attributes": {
                "class": {"source": "economic_class"},
                "kuan": {"source": "economic_kuan", "parent": "class"},
            },
            "primaryKey": ["class", "kuan"],
        },
        "administrative-classification": {
            "dimensionType": "entity",
            "attributes": {"department": {"source": "department"}},
            "primaryKey": ["department"],
        },
        "date": {
            "dimensionType": "datetime",
            "attributes": {"year": {"source": "fiscal_year"}},
            "primaryKey": ["year"],
        },
        "phase": {"dimensionType": "other", "attributes": {"phase": {"source": "phase"}}, "primaryKey": ["phase"]},
        "line": {
            "dimensionType": "other",
            "attributes": {
                "table": {"source": "table_id"},
                "table_name": {"source": "table_name"},
                "code": {"source": "row_code"},
                "label": {"source": "row_label"},
                "column": {"source": "column_id"},
                "column_header": {"source": "column_header"},
            },
            "primaryKey": ["table", "code", "label", "column"],
        },
    },
}


def _hierarchy(code: str | None, economic: bool) -> list[str | None]:
    if not code or not code.isdigit():
        return [None] * 5
    if economic:
        return [None, None, None, code[:3], code[:5] if len(code) >= 5 else None]
    return [code[:3], code[:5] if len(code) >= 5 else None, code[:7] if len(code) >= 7 else None, None, None]


def datapackage(store: Store, out: Path) -> Path:
    """Write the amounts of the current documents as a Fiscal Data Package into folder ``out``."""
    rows = store.db.execute(
        "SELECT c.document, d.department, d.year, d.kind, c.table_id, t.name, c.row_code, c.row_label,"
        " c.column_id, c.column_header, c.value_text, c.unit"
        " FROM cells c JOIN documents d ON d.id = c.document"
        " LEFT JOIN doc_tables t ON t.document = c.document AND t.table_seq = c.table_seq"
        " WHERE c.value_text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM documents n WHERE n.supersedes = d.id)"
        " ORDER BY c.document, c.table_seq, c.row_seq, c.column_id"
    )
    try:
        out.mkdir(parents=True, exist_ok=True)
        with open(out / "amounts.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([f[0] for f in FIELDS])
            for doc, dep, year, kind, table, tname, code, label, col, header, value, unit in rows:
                factor = UNIT_FACTORS.get(unit or "")
                if factor is None:
                    continue  # an amount without a known unit has no place in a CNY measure
                amount = Decimal(value) * factor
                econ = table in ECONOMIC_TABLES
                w.writerow(
                    [doc, csv_safe(dep or ""), year or "", PHASES.get(kind or "", "other"), table]
                    + [csv_safe(x) for x in (tname or "", code or "", label or "")]
                    + [x or "" for x in _hierarchy(code, econ)]
                    + [col, csv_safe(header or ""), format(amount.normalize(), "f")]
                )
        package = {
            "profile": "tabular-data-package",
            "name": "juesuan-fiscal-data",
            "title": "决算/预算公开文件金额（juesuan 导出）",
            "resources": [
                {
                    "name": "amounts",
                    "path": "amounts.csv",
                    "profile": "tabular-data-resource",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "schema": {
                        "fields": [{"name": n, "type": t, "description": d} for n, t, d in FIELDS],
                    },
                }
            ],
            "model": MODEL,
        }
        path = out / "datapackage.json"
        path.write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise StoreError(f"无法写出数据包：{out}（{exc.strerror}）", code="output_unwritable") from None
    return path


def _valid(value: str, kind: str) -> bool:
    if value == "":
        return True  # missing values are allowed (no field is required)
    if kind == "integer":
        return re.fullmatch(r"-?\d+", value) is not None
    if kind == "year":
        return re.fullmatch(r"\d{4}", value) is not None
    if kind == "number":
        try:
            Decimal(value)
        except InvalidOperation:
            return False
        return True
    return True


def validate_datapackage(folder: Path) -> list[str]:
    """Problems of the data package in ``folder``: descriptor shape, each resource's CSV against
    its schema (header = fields in order, every value of its type), model sources naming fields."""
    problems: list[str] = []
    try:
        desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"datapackage.json: {exc}"]
    resources = desc.get("resources")
    if not isinstance(resources, list) or not resources:
        return ["datapackage.json: no resources"]
    names: set[str] = set()
    for res in resources:
        fields = res.get("schema", {}).get("fields", [])
        if not res.get("name") or not res.get("path") or not fields:
            problems.append(f"resource {res.get('name')}: name, path and schema.fields are required")
            continue
        names.update(f["name"] for f in fields)
        try:
            with open(folder / res["path"], encoding="utf-8", newline="") as fh:
                reader = csv.reader(fh)
                header = next(reader, [])
                if header != [f["name"] for f in fields]:
                    problems.append(f"{res['path']}: header {header} differs from the schema's fields")
                    continue
                for n, row in enumerate(reader, start=2):
                    if len(row) != len(fields):
                        problems.append(f"{res['path']}:{n}: {len(row)} values for {len(fields)} fields")
                        continue
                    for f, v in zip(fields, row):
                        if not _valid(v, f["type"]):
                            problems.append(f"{res['path']}:{n}: {f['name']}={v!r} is not of type {f['type']}")
        except OSError as exc:
            problems.append(f"{res['path']}: {exc}")
    model = desc.get("model", {})
    for m, spec in model.get("measures", {}).items():
        if spec.get("source") not in names:
            problems.append(f"model.measures.{m}: source {spec.get('source')!r} is no field")
    for dim, spec in model.get("dimensions", {}).items():
        for a, attr in spec.get("attributes", {}).items():
            if attr.get("source") not in names:
                problems.append(f"model.dimensions.{dim}.{a}: source {attr.get('source')!r} is no field")
        for k in spec.get("primaryKey", []):
            if k not in spec.get("attributes", {}):
                problems.append(f"model.dimensions.{dim}: primary key {k!r} is no attribute")
    return problems
