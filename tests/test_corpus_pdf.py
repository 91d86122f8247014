"""Real published PDFs (../shared/corpus): tables found, cells exact, findings verified by hand.

The cell snapshots in tests/snapshots/corpus were checked against the rendered pages
(`pdftoppm -png`): 规划和自然资源局 pages 7–9 and 14–16, 社会工作部 pages 5–7 and 12. Every
finding pinned below was verified by reading the page it points to.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from conftest import REPO, SHARED
from juesuan import api
from juesuan.errors import InputError
from juesuan.readers import read
from juesuan.report import cells_csv

FINAL = SHARED / "corpus" / "final"
BUDGET = SHARED / "corpus" / "budget"
SNAPSHOTS = REPO / "tests" / "snapshots" / "corpus"
NINE = {
    "summary",
    "income",
    "expenditure",
    "fiscal_summary",
    "general_budget",
    "basic",
    "three_public",
    "fund",
    "state_capital",
}


def corpus(name: str) -> Path:
    path = FINAL / name
    if not path.exists():
        pytest.skip(f"real corpus file {path} is not available (../shared is absent in a fresh clone)")
    return path


@pytest.fixture(scope="module")
def ghzyj():
    return api.check(corpus("shanghai-putuo-ghzyj-2024-final.pdf"))


@pytest.fixture(scope="module")
def shgzb():
    return api.check(corpus("shanghai-putuo-shgzb-2024-final.pdf"))


def _table_findings(report):
    """Findings of the table rules (the narrative and 绩效 checks are pinned in their own tests)."""
    return [f for f in report.findings if not f.rule.startswith(("narrative.", "performance."))]


def _count(report, severity: str) -> int:
    return sum(1 for f in _table_findings(report) if f.severity == severity)


def _findings(report) -> list[tuple[str, str, str, str, str | None, int | None]]:
    out = []
    for f in _table_findings(report):
        loc = f.locations[0] if f.locations else None
        out.append(
            (
                f.severity,
                f.rule,
                loc.table if loc else "",
                loc.row if loc else "",
                loc.value if loc else None,
                loc.page if loc else None,
            )
        )
    return out


@pytest.mark.parametrize("name", ["shanghai-putuo-ghzyj-2024-final.pdf", "shanghai-putuo-shgzb-2024-final.pdf"])
def test_all_nine_tables_found_with_units_and_no_reading_problems(name: str) -> None:
    doc = api.load_document(corpus(name))
    assert doc.variant == "shanghai"
    assert doc.year == 2024
    assert {t.id for t in doc.tables} == NINE
    assert all(t.unit == "万元" for t in doc.tables)
    assert not any(t.reading_problems for t in doc.tables)
    # Every amount cell has page and bbox provenance.
    for t in doc.tables:
        for _, _, cell in t.iter_cells():
            assert cell.provenance and cell.provenance.page and cell.provenance.bbox


@pytest.mark.parametrize("name", ["shanghai-putuo-ghzyj-2024-final", "shanghai-putuo-shgzb-2024-final"])
def test_cells_match_hand_checked_snapshot(name: str) -> None:
    doc = api.load_document(corpus(f"{name}.pdf"))
    expected = list(csv.reader((SNAPSHOTS / f"{name}.csv").open(encoding="utf-8")))
    tables = {row[0] for row in expected[1:]}
    assert len(tables) >= 3
    buf = io.StringIO()
    cells_csv(doc, buf)
    got = [r for r in csv.reader(io.StringIO(buf.getvalue())) if r[0] in tables or r == expected[0]]
    assert got == expected


def test_department_from_the_document_headings(ghzyj, shgzb) -> None:
    assert ghzyj.document.department == "上海市普陀区规划和自然资源局"
    assert shgzb.document.department == "中共上海市普陀区委社会工作部"


def test_ghzyj_findings_are_the_verified_rounding_gaps(ghzyj) -> None:
    """No error and no warning: each gap between tables is one or two cents, a rounding hint.

    Verified on the pages: 总表 卫生健康支出 236.63 (p7) vs 236.64 in 支出决算表 (p10) and in the
    一般公共预算表 (p14); 总表 城乡社区支出 3845.25 vs 3845.24 (p11); 212 行 1572.70 + 2259.65 =
    3832.35 vs 3832.36 (p14); 302 = Σ款 440.88 vs 440.90 (p16); 人员经费合计 4884.09 vs
    4816.14 + 67.96 (p16).
    """
    assert _count(ghzyj, "error") == 0 and _count(ghzyj, "warning") == 0
    assert sorted(_findings(ghzyj)) == sorted(
        [
            ("info", "fiscal_summary.expenditure_total", "财政拨款收入支出决算总表", "本年支出合计", "9746.50", 13),
            ("info", "fiscal_summary.expenditure_total", "财政拨款收入支出决算总表", "本年支出合计", "9746.50", 13),
            ("info", "general_budget.row_sum", "一般公共预算财政拨款支出决算表", "212 城乡社区支出", "3832.36", 14),
            (
                "info",
                "general_budget.row_sum",
                "一般公共预算财政拨款支出决算表",
                "21201 城乡社区管理事务",
                "1092.80",
                14,
            ),
            ("info", "general_budget.row_sum", "一般公共预算财政拨款支出决算表", "2120101 行政运行", "1092.80", 14),
            ("info", "general_budget.row_sum", "一般公共预算财政拨款支出决算表", "合计", "9746.50", 15),
            ("info", "basic.hierarchy", "一般公共预算财政拨款基本支出决算表", "302 商品和服务支出", "440.90", 16),
            ("info", "basic.personnel", "一般公共预算财政拨款基本支出决算表", "人员经费合计", "4884.09", 16),
            ("info", "cross.summary_expenditure.classes", "收入支出决算总表", "九、卫生健康支出", "236.63", 7),
            ("info", "cross.summary_expenditure.classes", "收入支出决算总表", "十一、城乡社区支出", "3845.25", 7),
            ("info", "cross.fiscal_general.classes", "财政拨款收入支出决算总表", "九、卫生健康支出", "236.63", 12),
        ]
    )
    counts = ghzyj.status_counts()
    assert counts["insufficient_data"] == 0 and counts["pass"] >= 70


def test_shgzb_findings_are_the_verified_rounding_gaps(shgzb) -> None:
    """基本支出表: 人员经费 95.36 + 公用经费 10.23 = 105.59 vs 105.58 in the other tables (p12, p13)."""
    assert _count(shgzb, "error") == 0 and _count(shgzb, "warning") == 0
    assert sorted(_findings(shgzb)) == sorted(
        [
            ("info", "basic.hierarchy", "一般公共预算财政拨款基本支出决算表", "302 商品和服务支出", "10.23", 13),
            ("info", "cross.general_basic.total", "一般公共预算财政拨款支出决算表", "合计", "105.58", 12),
            (
                "info",
                "cross.general_le_expenditure.basic",
                "一般公共预算财政拨款基本支出决算表",
                "人员经费合计",
                "95.36",
                13,
            ),
        ]
    )


def test_three_public_interleaved_columns(ghzyj) -> None:
    """The Shanghai "三公" form prints 预算数/决算数 side by side per item (p17)."""
    t = ghzyj.document.table("three_public")
    row = t.rows[0]
    assert row.concept == "total"
    assert (row.cells["total_budget"].raw, row.cells["total_final"].raw) == ("2.85", "0.39")
    assert (row.cells["reception_budget"].raw, row.cells["reception_final"].raw) == ("2.85", "0.39")


def test_narrative_comes_out_as_paragraphs_in_reading_order(ghzyj) -> None:
    paras = ghzyj.document.paragraphs
    texts = [p.text for p in paras]
    # A paragraph wrapped over three lines is one paragraph, with the page where it starts.
    p = next(p for p in paras if p.text.startswith("上海市普陀区规划和自然资源局2024年度收入支出总计"))
    assert "9859.38万元" in p.text and "增长12.08%" in p.text and p.provenance.page == 20
    assert texts.index("二、收入决算情况说明") < texts.index("三、支出决算情况说明")
    # Narrative after the last table is not swallowed as table notes.
    assert not any("情况说明" in n for t in ghzyj.document.tables for n in t.notes)


def test_template_parses_with_no_amounts() -> None:
    report = api.check(corpus("shanghai-2024-final-template.pdf"))
    doc = report.document
    assert {t.id for t in doc.tables} == NINE
    assert not any(t.has_data() for t in doc.tables)
    assert _count(report, "error") == 0
    # Every “XX”/“XXX” left in the template's text is reported, and nothing else is an error.
    assert len(report.errors) >= 50 and {f.rule for f in report.errors} == {"narrative.placeholder"}


def test_pagetext_row_shift_is_a_reading_problem_not_rule_errors() -> None:
    """The 一般公共预算财政拨款支出决算表 of the wlj page text has its amounts slid against the codes
    from 20709 on (p15–16 of the extraction). One reading problem, no cascade of errors."""
    report = api.check(corpus("shanghai-putuo-wlj-2025-final-pagetext.json"))
    doc = report.document
    assert {t.id for t in doc.tables} == NINE
    gb = doc.table("general_budget")
    assert gb.unreliable
    assert any("金额与科目编码错位" in p for p in gb.reading_problems)
    assert _count(report, "error") == 0
    statuses = {r.id: r for r in report.rules}
    assert statuses["general_budget.hierarchy"].status == "insufficient_data"
    # The other tables of the same document are read and checked normally.
    assert not doc.table("income").unreliable and statuses["income.hierarchy"].status in ("pass", "fail")


def test_budget_pdfs_read_without_error() -> None:
    files = sorted(BUDGET.glob("*.pdf")) if BUDGET.exists() else []
    if not files:
        pytest.skip(f"budget corpus {BUDGET} is not available (../shared is absent in a fresh clone)")
    import pypdfium2 as pdfium

    for f in files:
        raw = read(f)
        pdf = pdfium.PdfDocument(str(f))
        try:
            assert raw.page_count == len(pdf), f.name
        finally:
            pdf.close()
        assert len(raw.lines) > raw.page_count, f.name
        if not f.stem.endswith("-text"):  # the narrative-only half of a two-file publication
            assert any(len(ln.cells) >= 3 for ln in raw.lines), f"{f.name}: no grid found"
        pages = {ln.page for ln in raw.lines}
        assert len(pages) >= raw.page_count - 1, f.name


def test_bad_pdfs_give_clear_errors(tmp_path: Path) -> None:
    import pypdf

    src = corpus("shanghai-putuo-shgzb-2024-final.pdf")
    data = src.read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(data[: len(data) // 3])
    with pytest.raises(InputError, match="损坏或不完整|无法读取"):
        read(truncated)

    writer = pypdf.PdfWriter(clone_from=str(src))
    writer.encrypt(user_password="secret", owner_password="owner")
    encrypted = tmp_path / "encrypted.pdf"
    with encrypted.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(InputError, match="加密"):
        read(encrypted)


def _narrative(report) -> list[tuple[str, str, int | None]]:
    return sorted(
        (f.severity, f.rule, f.locations[0].page if f.locations else None)
        for f in report.findings
        if f.rule.startswith(("narrative.", "performance."))
    )


def test_ghzyj_narrative_findings_verified_on_the_pages(ghzyj) -> None:
    """Read on the rendered pages:
    p24 “一般公共预算财政拨款基本支出5377.64万元。其中：人员经费4896.98万元” — the tables give
    5364.75 (p15) and 人员经费合计 4884.09 (p16): 12.89 万元 more in the text, both errors.
    p25 完成预算的0.00% of a 0.00 budget (因公出国, 公务用车); p25 “下降（增长）” left from the
    template; p7 “上海市规划和自然资源局” and p26 “上海市普陀区规划与自然资源局” for the
    department's name. Rounding-level hints: 99.86% (99.87), 95.45% (95.46), 政府采购 parts
    2319.22 vs 2319.21, and “增长13.95” without %."""
    assert _narrative(ghzyj) == sorted(
        [
            ("error", "narrative.table_amounts", 24),
            ("error", "narrative.table_amounts", 24),
            ("warning", "narrative.zero_base", 25),
            ("warning", "narrative.zero_base", 25),
            ("warning", "narrative.placeholder", 25),
            ("warning", "narrative.department_name", 7),
            ("warning", "narrative.department_name", 26),
            ("info", "narrative.change", 21),
            ("info", "narrative.share", 21),
            ("info", "narrative.completion", 21),
            ("warning", "narrative.breakdown_sum", 27),
        ]
    )
    errors = [f for f in ghzyj.errors if f.rule == "narrative.table_amounts"]
    assert any("5377.64" in f.message and "5364.75" in f.message for f in errors)
    assert any("4896.98" in f.message and "4884.09" in f.message for f in errors)


def test_shgzb_narrative_findings_verified_on_the_pages(shgzb) -> None:
    """The unit was set up in 2024 (p18): “增长100.00%” from a zero base four times (p17 ×3, p21);
    p18 完成年初预算的95.89% where the 年初预算 is 0 (95.89% is of the 全年预算 321.02). No error."""
    assert _narrative(shgzb) == sorted(
        [
            ("warning", "narrative.zero_base", 17),
            ("warning", "narrative.zero_base", 17),
            ("warning", "narrative.zero_base", 17),
            ("warning", "narrative.zero_base", 21),
            ("warning", "narrative.zero_base", 18),
            ("info", "narrative.share", 18),
            ("warning", "narrative.breakdown_sum", 20),
        ]
    )


def test_wlj_narrative_findings_verified_on_the_page_text() -> None:
    """p28: “公务接待费支出决算增加0.40万元，增长100%” (last year 0: growth from a zero base) and
    “因公出国（境）费决算为0万元，完成预算的0%” of a 0 budget; p22: 1493.32 ÷ 24535.67 = 6.09%,
    printed 6.08% (a rounding hint). No error."""
    report = api.check(corpus("shanghai-putuo-wlj-2025-final-pagetext.json"))
    assert _narrative(report) == sorted(
        [
            ("warning", "narrative.zero_base", 28),
            ("warning", "narrative.zero_base", 28),
            ("info", "narrative.share", 22),
        ]
    )
