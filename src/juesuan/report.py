"""Output formats: the check report as terminal text (rich) or JSON, the model as JSON or cells CSV.

``check --format json`` and ``parse --format cells`` are public interfaces documented in
docs/output-formats.md: extend them additively only.
"""

from __future__ import annotations

import io
import re
from collections import OrderedDict

from . import __version__
from .clitext import cells, wrap_line
from .model import Disclosure
from .results import SCHEMA, SEVERITY_LABELS, SEVERITY_RANK, STATUS_LABELS, Report
from .textnorm import format_decimal

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any, TextIO, Union

if TYPE_CHECKING:  # rich is imported only where the plain writer cannot write a line as rich would
    from rich.console import Console

CELLS_HEADER = ["table", "form", "row_code", "row_label", "column", "value", "page"]
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_LABEL = SEVERITY_LABELS
_STATUS = STATUS_LABELS


def cells_csv(doc: Disclosure, out: TextIO) -> None:
    """One line per non-blank amount cell (a number, 0 included, or a printed dash is not an amount:
    only cells holding a number are written)."""
    import csv  # (only the cells output needs it)

    from .textnorm import csv_safe  # text cells a spreadsheet would run as formulas get a leading '

    w = csv.writer(out, lineterminator="\n")
    w.writerow(CELLS_HEADER)
    for table in doc.tables:
        for row, col, cell in table.iter_cells():
            if cell.value is None:
                continue
            page = cell.provenance.page if cell.provenance else None
            w.writerow(
                [
                    csv_safe(table.name),
                    csv_safe(table.form or ""),
                    csv_safe(row.code) if row.code and not row.code_inferred else "",
                    csv_safe(row.label),
                    csv_safe(table.printed_header(row, col)),
                    format_decimal(cell.value),
                    "" if page is None else page,
                ]
            )


def model_json(doc: Disclosure) -> str:
    import json  # (json loads where it is written: a text report's process does not need it)

    return json.dumps(doc.to_dict(), ensure_ascii=False, indent=2)


# The width of the text report when it does not go to a terminal (a file, a pipe).
PIPED_WIDTH = 100
MANY_SCHEMA = "juesuan.check-many/1"


def report_dict(report: Report, exit_code: int | None = None) -> dict[str, Any]:
    """``Report.to_dict()`` plus the additive keys of the CLI: ``exit_code`` and, for a document
    checked from several files (``--together``), ``document.sources``."""
    data = report.to_dict()
    if report.meta.get("sources"):
        data["document"]["sources"] = list(report.meta["sources"])
    if exit_code is not None:
        data["exit_code"] = exit_code
    return data


def report_json(report: Report, exit_code: int | None = None) -> str:
    import json

    return json.dumps(report_dict(report, exit_code), ensure_ascii=False, indent=2)


def error_dict(
    code: str, message: str, exit_code: int, source: str | None = None, document: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The one JSON object ``check --format json`` prints when it cannot check (docs/output-formats.md)."""
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "juesuan_version": __version__,
        "error": {"code": code, "message": message},
        "exit_code": exit_code,
    }
    if source is not None or document:
        data["document"] = {"source": source, **(document or {})}
    return data


def many_dict(items: list[dict[str, Any]], exit_code: int, together: bool = False) -> dict[str, Any]:
    """Several files checked one by one: one entry per file (a report or an error object) and a summary."""
    counts = {"documents": len(items), "checked": 0, "unusable": 0, "errors": 0, "warnings": 0, "infos": 0}
    for it in items:
        if "error" in it:
            counts["unusable"] += 1
        else:
            counts["checked"] += 1
            for k in ("errors", "warnings", "infos"):
                counts[k] += it["summary"][k]
    return {
        "schema": MANY_SCHEMA,
        "juesuan_version": __version__,
        "documents": items,
        "summary": counts,
        "exit_code": exit_code,
    }


def _plain(s: str) -> str:
    return re.sub(r"第\d+(?:页|行)", "", s)


def collapse(findings: list[Any]) -> list[tuple[Any, int]]:
    """Findings that say the same thing of the same cells, apart from the line or page (a table
    printed again and again), as one finding with its count; order kept."""
    seen: "OrderedDict[tuple, list]" = OrderedDict()
    for f in findings:
        locs = tuple((loc.table, loc.row, loc.column, loc.value) for loc in f.locations)
        k = (f.rule, f.severity, _plain(f.message), locs)
        if k in seen:
            seen[k][1] += 1
        else:
            seen[k] = [f, 1]
    return [(f, n) for f, n in seen.values()]


class _Unplain(Exception):
    """A line :class:`_PlainOut` cannot write as rich would: the report is made with rich instead."""


# what rich would alter or wrap in a line: control characters (tabs expanded, others stripped)
_UNPLAIN = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class _PlainOut:
    """The text report's lines written as rich's Console writes them without a terminal (no colour,
    no markup, ``soft_wrap`` lines as they are, centred rules), without importing rich's console
    (≈ 30 ms of the start-up of every text check). A line it cannot write exactly as rich would (a
    control character, a title wider than the report, a rule title too long to fit) raises
    :class:`_Unplain`; :func:`report_text` then makes the whole report with rich (``_RichOut``)."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.parts: list[str] = []

    def _checked(self, text: str, fits: bool = False) -> str:
        if _UNPLAIN.search(text) or (fits and cells(text) > self.width):
            raise _Unplain
        return text

    def blank(self) -> None:
        self.parts.append("\n")

    def line(self, text: str, soft: bool = True, style: str = "") -> None:
        """One line; ``soft``: as it is (rich's soft_wrap); else it must fit (rich would wrap it)."""
        self.parts.append(self._checked(text, fits=not soft) + "\n")

    def tagged(self, tag: str, style: str, rest: str) -> None:
        self.parts.append(self._checked(tag) + self._checked(rest) + "\n")

    def rule(self, title: str) -> None:
        """rich's centred ``Rule``: "─" on both sides of `` title ``, cut to the width."""
        n = cells(self._checked(title))
        if not title or n > self.width - 4:
            raise _Unplain  # rich would shorten the title with an ellipsis
        side = (self.width - n) // 2
        self.parts.append("─" * (side - 1) + " " + title + " " + "─" * (self.width - side - n - 1) + "\n")

    def text(self) -> str:
        return "".join(self.parts)


class _RichOut:
    """The same lines through a rich Console (a terminal's, or the fallback of :class:`_PlainOut`)."""

    def __init__(self, console: Console) -> None:
        from rich.text import Text

        self.con, self.Text, self.width = console, Text, console.width

    def blank(self) -> None:
        self.con.print()

    def line(self, text: str, soft: bool = True, style: str = "") -> None:
        if style:
            self.con.print(self.Text(text, style=style), soft_wrap=soft)
        elif soft:
            self.con.print(self.Text(text), soft_wrap=True)
        else:
            self.con.print(text)

    def tagged(self, tag: str, style: str, rest: str) -> None:
        self.con.print(self.Text.assemble((tag, style), rest), soft_wrap=True)

    def rule(self, title: str) -> None:
        self.con.rule(self.Text(title, style="bold"))


if TYPE_CHECKING:
    _Out = Union[_PlainOut, _RichOut]


def _wrapped(con: _Out, text: str, width: int, indent: str = "", tag: str = "", style: str = "") -> None:
    """Print ``tag`` + ``text`` wrapped to ``width`` terminal cells, later lines indented by
    ``indent``; the tag stays on the line of the text's start."""
    lines = wrap_line(text, width, tag, indent)
    for i, line in enumerate(lines):
        if i == 0 and tag and line.startswith(tag):
            con.tagged(tag, style, line[len(tag) :])
        else:
            con.line(line)


def _localization_text(report: Report, con: _Out) -> dict[int, int]:
    """The 错误定位 section: each group of related findings with the cells to correct. Returns
    finding id → group number, for the cross references in the findings list."""
    groups = [g for g in report.localization if g.status != "rounding"]
    if not groups:
        return {}
    con.blank()
    width = con.width
    con.rule("错误定位（相关发现按共同原因归并）")
    refs: dict[int, int] = {}
    for n, g in enumerate(groups, 1):
        style = _STYLE.get(g.severity, "")
        _wrapped(con, g.message, width, "      ", f"[定位{n}] ", style)
        for s in g.cells if g.status == "localized" else []:
            loc = s.location
            where = f"第{loc.page}页" if loc.page else (f"第{loc.line}行" if loc.line else "")
            new = s.fmt(s.suggested) if s.suggested is not None else "待定"
            _wrapped(
                con,
                f"· {loc.table}｜{loc.row}｜{loc.column}｜{loc.value if loc.value is not None else '空'} → {new}  {where}",
                width,
                "        ",
                "      ",
            )
        rules = []
        for i in g.findings:
            if i < len(report.findings):
                refs[id(report.findings[i])] = n
                rules.append(report.findings[i].rule)
        if rules:
            _wrapped(con, f"相关发现{len(rules)}条：{'、'.join(dict.fromkeys(rules))}", width, "        ", "      ")
    return refs


def report_text(report: Report, console: Console | None = None, width: int | None = None) -> str:
    """Findings grouped by table, errors first, then the coverage summary. Lines fit ``width``
    terminal cells (the console's width, else PIPED_WIDTH); a finding repeated word for word apart
    from its line or page is printed once with its count."""
    if console is not None:
        _report_lines(report, _RichOut(console))
        return ""
    plain = _PlainOut(width or PIPED_WIDTH)
    try:
        _report_lines(report, plain)
        return plain.text()
    except _Unplain:
        from rich.console import Console

        buf = io.StringIO()
        con = Console(file=buf, width=width or PIPED_WIDTH, force_terminal=False, color_system=None, highlight=False)
        _report_lines(report, _RichOut(con))
        return buf.getvalue()


def _report_lines(report: Report, con: _Out) -> None:
    width = con.width
    doc = report.document
    con.line(f"juesuan 审核报告：{doc.department or '（未识别部门）'} {doc.year or ''}年度{doc.kind}", False, "bold")
    sources = report.meta.get("sources") or [doc.source]
    _wrapped(con, f"文件：{'、'.join(str(s) for s in sources)}", width, "      ")
    _wrapped(con, f"版式：{report.variant_name}（{doc.variant}）；识别表格 {len(doc.tables)} 张", width, "      ")
    explained = _localization_text(report, con)
    groups: "OrderedDict[str, list]" = OrderedDict()
    for f in report.findings:
        key = f.locations[0].table if f.locations else "文件整体"
        groups.setdefault(key, []).append(f)
    order = sorted(groups, key=lambda k: min(SEVERITY_RANK[f.severity] for f in groups[k]))
    for name in order:
        con.blank()
        con.rule(name)
        for f, n in collapse(groups[name]):
            see = f"  〔见定位{explained[id(f)]}〕" if id(f) in explained else ""
            times = f"〔同样的问题共{n}处，只列第一处〕" if n > 1 else ""
            tag = f"[{_LABEL[f.severity]}] "
            _wrapped(con, f"{f.message}  ({f.rule}){see}{times}", width, " " * 7, tag, _STYLE[f.severity])
            places = [loc for loc in f.locations[:4]]
            for loc in places:
                where = f"第{loc.page}页" if loc.page else (f"第{loc.line}行" if loc.line else "")
                if loc.ocr:
                    where += "（文字识别所得，请核对原件）"
                _wrapped(
                    con,
                    f"· {loc.table}｜{loc.row}｜{loc.column}｜{loc.value if loc.value is not None else '空'}  {where}",
                    width,
                    "        ",
                    "      ",
                )
            if len(f.locations) > 4:
                con.line(f"      · ……另有{len(f.locations) - 4}个单元格", False)
    counts = report.status_counts()
    con.blank()
    con.rule("规则覆盖")
    _wrapped(
        con,
        f"发现（条）：错误 {report.count('error')}，警告 {report.count('warning')}，提示 {report.count('info')}",
        width,
        "      ",
    )
    _wrapped(con, "规则（项）：" + "，".join(f"{_STATUS[k]} {v}" for k, v in counts.items()), width, "      ")
    insufficient = [r for r in report.rules if r.status == "insufficient_data"]
    if insufficient:
        con.line("无法执行的规则（数据不足，未计为通过）：", False)
        for r in insufficient:
            _wrapped(con, f"- {r.id}：{r.reason}", width, "      ", "  ")


def error_text(message: str) -> str:
    return f"错误：{message}"
