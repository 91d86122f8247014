"""Output formats: the check report as terminal text (rich) or JSON, the model as JSON or cells CSV.

``check --format json`` and ``parse --format cells`` are public interfaces documented in
docs/output-formats.md: extend them additively only.
"""

from __future__ import annotations

import csv
import io
import json
from collections import OrderedDict
from typing import TYPE_CHECKING, TextIO

from .model import Disclosure
from .results import SEVERITY_LABELS, SEVERITY_RANK, STATUS_LABELS, Report
from .textnorm import format_decimal

if TYPE_CHECKING:  # rich is imported where the text report is made (JSON output does not need it)
    from rich.console import Console

CELLS_HEADER = ["table", "form", "row_code", "row_label", "column", "value", "page"]
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_LABEL = SEVERITY_LABELS
_STATUS = STATUS_LABELS


def cells_csv(doc: Disclosure, out: TextIO) -> None:
    """One line per non-blank amount cell (a number, 0 included, or a printed dash is not an amount:
    only cells holding a number are written)."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CELLS_HEADER)
    for table in doc.tables:
        for row, col, cell in table.iter_cells():
            if cell.value is None:
                continue
            page = cell.provenance.page if cell.provenance else None
            w.writerow([table.name, table.form or "", row.code if row.code and not row.code_inferred else "",
                        row.label, table.printed_header(row, col), format_decimal(cell.value), "" if page is None else page])


def model_json(doc: Disclosure) -> str:
    return json.dumps(doc.to_dict(), ensure_ascii=False, indent=2)


def report_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def _localization_text(report: Report, con: Console) -> dict[int, int]:
    """The 错误定位 section: each group of related findings with the cells to correct. Returns
    finding id → group number, for the cross references in the findings list."""
    from rich.text import Text

    groups = [g for g in report.localization if g.status != "rounding"]
    if not groups:
        return {}
    con.print()
    con.rule(Text("错误定位（相关发现按共同原因归并）", style="bold"))
    refs: dict[int, int] = {}
    for n, g in enumerate(groups, 1):
        style = _STYLE.get(g.severity, "")
        con.print(Text(f"[定位{n}] ", style=style) + Text(g.message))
        for s in g.cells if g.status == "localized" else []:
            loc = s.location
            where = f"第{loc.page}页" if loc.page else (f"第{loc.line}行" if loc.line else "")
            new = s.fmt(s.suggested) if s.suggested is not None else "待定"
            con.print(f"      · {loc.table}｜{loc.row}｜{loc.column}｜{loc.value if loc.value is not None else '空'} → {new}  {where}")
        rules = []
        for i in g.findings:
            if i < len(report.findings):
                refs[id(report.findings[i])] = n
                rules.append(report.findings[i].rule)
        if rules:
            con.print(f"      相关发现{len(rules)}条：{'、'.join(dict.fromkeys(rules))}")
    return refs


def report_text(report: Report, console: Console | None = None) -> str:
    """Findings grouped by table, errors first, then the coverage summary."""
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    buf = io.StringIO()
    con = console or Console(file=buf, width=110, force_terminal=False, color_system=None, highlight=False)
    doc = report.document
    con.print(Text(f"juesuan 审核报告：{doc.department or '（未识别部门）'} {doc.year or ''}年度{doc.kind}", style="bold"))
    con.print(f"文件：{doc.source}")
    con.print(f"版式：{report.variant_name}（{doc.variant}）；识别表格 {len(doc.tables)} 张")
    explained = _localization_text(report, con)
    groups: "OrderedDict[str, list]" = OrderedDict()
    for f in report.findings:
        key = f.locations[0].table if f.locations else "文件整体"
        groups.setdefault(key, []).append(f)
    order = sorted(groups, key=lambda k: min(SEVERITY_RANK[f.severity] for f in groups[k]))
    for name in order:
        con.print()
        con.rule(Text(name, style="bold"))
        for f in groups[name]:
            see = f"  〔见定位{explained[id(f)]}〕" if id(f) in explained else ""
            con.print(Text(f"[{_LABEL[f.severity]}] ", style=_STYLE[f.severity]) + Text(f"{f.message}  ({f.rule}){see}"))
            places = [loc for loc in f.locations[:4]]
            for loc in places:
                where = f"第{loc.page}页" if loc.page else (f"第{loc.line}行" if loc.line else "")
                if loc.ocr:
                    where += "（文字识别所得，请核对原件）"
                con.print(f"      · {loc.table}｜{loc.row}｜{loc.column}｜{loc.value if loc.value is not None else '空'}  {where}")
            if len(f.locations) > 4:
                con.print(f"      · ……另有{len(f.locations) - 4}个单元格")
    counts = report.status_counts()
    con.print()
    summary = RichTable(title="规则覆盖", show_header=True)
    for label in ("错误", "警告", "提示", *(_STATUS[k] for k in counts)):
        summary.add_column(label)
    summary.add_row(str(report.count("error")), str(report.count("warning")), str(report.count("info")),
                    *(str(v) for v in counts.values()))
    con.print(summary)
    insufficient = [r for r in report.rules if r.status == "insufficient_data"]
    if insufficient:
        con.print("无法执行的规则（数据不足，未计为通过）：")
        for r in insufficient:
            con.print(f"  - {r.id}：{r.reason}")
    return buf.getvalue() if console is None else ""
