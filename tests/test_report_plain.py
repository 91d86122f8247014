"""The text report is written without rich's console, exactly as rich writes it.

Class of input: any check report, at any width. The plain writer (``report._PlainOut``) must give
the same text as rich's Console (no terminal, no colour), and hand over to rich where it cannot
(control characters, a title wider than the report, a rule title too long to fit). Compared here on
our generated example with planted errors at several widths, and on the same report with findings
and table names altered to hit each hand-over."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from juesuan import api, report

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "example-planted.txt"


def _with_rich(rep: api.Report, width: int) -> str:
    buf = io.StringIO()
    con = Console(file=buf, width=width, force_terminal=False, color_system=None, highlight=False)
    assert report.report_text(rep, console=con) == ""
    return buf.getvalue()


@pytest.fixture(scope="module")
def rep() -> api.Report:
    r = api.check(EXAMPLE)
    assert r.errors and r.localization  # findings, locations and the 错误定位 section all printed
    return r


@pytest.mark.parametrize("width", [12, 30, 40, 61, 80, 100, 161])
def test_the_plain_report_is_rich_s(rep: api.Report, width: int) -> None:
    assert report.report_text(rep, width=width) == _with_rich(rep, width)


@pytest.mark.parametrize(
    "message, table",
    [
        ("金额\t不符\r（制表符、回车）", None),  # control characters: rich expands or strips them
        ("[bold]不是标记[/bold] :smile: 与 \\[括号]", None),  # no markup, no emoji codes
        ("合计不符", "很长的表名" * 12),  # a rule title wider than the report: rich shortens it
        ("合计不符", ""),  # an empty rule title: a plain rule
        ("合计不符", "表名\t有制表符"),
    ],
)
def test_lines_rich_would_alter_are_left_to_rich(rep: api.Report, message: str, table: str | None) -> None:
    findings = []
    for f in rep.findings[:6]:
        locations = [replace(loc, table=table) for loc in f.locations] if table is not None else f.locations
        findings.append(replace(f, message=message + f.message, locations=locations))
    odd = replace(rep, findings=findings)
    for width in (30, 80):
        assert report.report_text(odd, width=width) == _with_rich(odd, width)


def test_a_department_name_wider_than_the_report_is_wrapped_as_rich_wraps_it(rep: api.Report) -> None:
    doc = replace(rep.document, department="中共某某市某某区委员会某某工作部门" * 3)
    odd = replace(rep, document=doc)
    assert report.report_text(odd, width=40) == _with_rich(odd, 40)


def test_a_text_check_does_not_import_rich_s_console() -> None:
    """The point of the plain writer: rich's console (≈ 30 ms of imports) is not loaded by a check
    whose report rich would write the same way."""
    import json
    import subprocess
    import sys

    probe = (
        "import json, sys\nfrom juesuan.cli import app\ntry:\n    app(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe, "check", str(EXAMPLE)], capture_output=True, text=True, timeout=120
    )
    assert "juesuan 审核报告" in proc.stdout  # the text report was written
    loaded = set(json.loads(proc.stderr.strip().splitlines()[-1]))
    assert "juesuan.report" in loaded and "rich.console" not in loaded
