"""预算公开 (issue 18): budget documents are recognized with the budget layouts (data/layouts/
budget.yaml, variants budget_*), checked with the budget rule pack (data/rules/budget.yaml) and their
编制说明 compared with their own tables (lexicon basis ``plan``). Our own example (tests/
budget_example.py) with planted errors, and the real PDFs of ../shared/corpus/budget (skipped when
absent) with their verified error findings pinned."""

from __future__ import annotations

from pathlib import Path

import pytest

from juesuan import api

import budget_example

SHARED = Path(__file__).resolve().parents[2] / "shared"
BUDGET_DIR = SHARED / "corpus" / "budget"
TABLES = [
    "budget_summary",
    "budget_income",
    "budget_expenditure",
    "budget_fiscal_summary",
    "budget_general",
    "budget_fund",
    "budget_capital",
    "budget_basic",
    "budget_three_public",
]


def _check(tmp_path: Path, **planted: bool):
    f = tmp_path / "budget.txt"
    f.write_text(budget_example.text(**planted), encoding="utf-8")
    return api.check(f)


def _errors(rep) -> set[str]:
    return {f.rule for f in rep.findings if f.severity == "error"}


def test_clean_budget_is_recognized_and_passes(tmp_path: Path):
    rep = _check(tmp_path)
    doc = rep.document
    assert doc.kind == "预算" and doc.scope == "部门" and doc.variant == "budget_national"
    assert [t.id for t in doc.tables] == TABLES
    assert not [t.id for t in doc.tables if t.reading_problems]
    assert _errors(rep) == set()
    status = {s.id: s.status for s in rep.rules}
    for rule in (
        "budget_summary.income_grand_total",
        "budget_summary.balanced",
        "budget_income.row_sum",
        "budget_expenditure.hierarchy",
        "budget_fiscal_summary.row_sum",
        "budget_basic.hierarchy",
        "budget_three_public.total",
        "budget_cross.fiscal_general.classes",
        "budget_cross.general_basic.total",
        "narrative.table_amounts",
    ):
        assert status[rule] == "pass", rule


def test_planted_row_sum_and_three_public_errors_are_found(tmp_path: Path):
    rep = _check(tmp_path, row_sum_slip=True, three_public_slip=True)
    errors = _errors(rep)
    assert "budget_expenditure.row_sum" in errors
    assert "budget_expenditure.hierarchy" in errors
    assert "budget_three_public.total" in errors
    # the 元 tables and the 万元 "三公" table are compared in one unit: nothing else is off
    assert not {e for e in errors if e.startswith(("budget_summary", "budget_general", "budget_basic"))}


def test_narrative_in_wanyuan_against_tables_in_yuan(tmp_path: Path):
    clean = _check(tmp_path)
    assert not [f for f in clean.findings if f.rule.startswith("narrative.") and f.severity == "error"]
    rep = _check(tmp_path, narrative_unit_slip=True)
    slips = [f for f in rep.findings if f.rule == "narrative.unit_slip"]
    assert slips and slips[0].severity == "error"
    assert "万元" in slips[0].message


def test_kind_override(tmp_path: Path):
    f = tmp_path / "budget.txt"
    f.write_text(budget_example.text(), encoding="utf-8")
    doc = api.load_document(f, kind="决算")
    assert doc.variant in ("national", "shanghai", "yunnan") and not any(t.id.startswith("budget_") for t in doc.tables)
    assert api.load_document(f, kind="budget").kind == "预算"


def test_parse_takes_the_kind_override(tmp_path: Path):
    """`juesuan parse --kind` reads a file as 预算 or 决算 like `check --kind`; an unknown kind is a
    usage error (exit 64) before the file is read."""
    import json

    from typer.testing import CliRunner

    from juesuan.cli import app

    f = tmp_path / "budget.txt"
    f.write_text(budget_example.text(), encoding="utf-8")
    runner = CliRunner()
    detected = json.loads(runner.invoke(app, ["parse", str(f)]).stdout)
    forced = runner.invoke(app, ["parse", str(f), "--kind", "决算"])
    assert forced.exit_code == 0
    as_final = json.loads(forced.stdout)
    assert detected["kind"] == "预算" and any(t["id"].startswith("budget_") for t in detected["tables"])
    assert not any(t["id"].startswith("budget_") for t in as_final["tables"])
    wrong = runner.invoke(app, ["parse", str(f), "--kind", "草案"])
    assert wrong.exit_code == 64 and "未知的文件类型" in wrong.output


# ---- the real budgets of ../shared/corpus/budget ---------------------------------------------------

SHANGHAI = sorted(BUDGET_DIR.glob("shanghai-*.pdf")) if BUDGET_DIR.is_dir() else []
# verified on the rendered pages (pdftoppm -r 80): the 支出预算总表 of the 福利院 2024 prints the
# 事业单位医疗 row's 类 as "7" (code 71102 under 210 卫生健康支出), page 9
PINNED = {
    "shanghai-putuo-fly-2024-unit-budget.pdf": {("budget_codes.expenditure.parent", 9)},
}


def _need_shared() -> None:
    if not SHANGHAI:
        pytest.skip(f"{BUDGET_DIR} is not available (../shared is absent in a fresh clone)")


@pytest.mark.parametrize("name", [p.name for p in SHANGHAI] or ["absent"])
def test_shanghai_budgets_all_tables_and_verified_errors(name: str):
    _need_shared()
    rep = api.check(BUDGET_DIR / name)
    doc = rep.document
    assert doc.kind == "预算" and doc.variant == "budget_shanghai"
    assert doc.scope == ("单位" if "-unit-" in name else "部门")
    assert sorted(t.id for t in doc.tables) == sorted(TABLES)
    errors = {(f.rule, loc.page) for f in rep.findings if f.severity == "error" for loc in f.locations[:1]}
    assert errors == PINNED.get(name, set())


def test_whole_yuan_tables_round_to_one_yuan():
    """The 万里街道 2025 tables print whole 元: a 1元 gap between a 款 and its 项 is a rounding hint."""
    _need_shared()
    rep = api.check(BUDGET_DIR / "shanghai-putuo-wanli-2025-dept-budget.pdf")
    hints = [f for f in rep.findings if f.rule == "budget_income.hierarchy"]
    assert hints and all(f.severity == "info" and "舍入" in f.message for f in hints)


def test_class_named_by_its_former_name_in_the_summary(tmp_path: Path):
    """A 总表 printing 210 as 医疗卫生与计划生育支出 (its name before 2019): still 类 210, so 支出总计 =
    Σ 类 holds (the row is not left out of the sum)."""
    rep = _check(tmp_path, old_class_name=True)
    summary = rep.document.tables[0]
    row = next(r for r in summary.rows if "医疗卫生与计划生育支出" in r.label)
    assert row.code == "210"
    assert _errors(rep) == set()
    assert {s.id: s.status for s in rep.rules}["budget_summary.expenditure_grand_total"] == "pass"


def test_whole_yuan_amounts_round_to_one_yuan(tmp_path: Path):
    """A 类 1 元 above its 款: a rounding hint when the tables print whole 元, an error when they print
    分 (0.01 元 allowance)."""
    whole = _check(tmp_path, class_gap=1, whole_yuan=True)
    assert _errors(whole) == set()
    assert any(f.rule == "budget_expenditure.hierarchy" and f.severity == "info" for f in whole.findings)
    cents = _check(tmp_path, class_gap=1)
    assert "budget_expenditure.hierarchy" in _errors(cents)
