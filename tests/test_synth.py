"""The synthetic example (juesuan.generate: spec, derive, draft, document): the bundled files are exactly what the generator writes,
the clean document passes every rule, and each planted error is reported and located."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from juesuan import api
from juesuan.generate import document
from juesuan.readers import read
from juesuan.recognize import recognize
from juesuan.generate.derive import derive, grand_total
from juesuan.generate.draft import chinese_number
from juesuan.generate.spec import D, DisclosureSpec, FunctionItem, SpecError, example_spec, funded_example_spec

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CLEAN = EXAMPLES / document.CLEAN_NAME
PLANTED = EXAMPLES / document.PLANTED_NAME

# Every table of the clean example with all its amount columns mapped to layout concepts.
EXPECTED_COLUMNS = {
    "summary": ["amount"],
    "income": ["total", "fiscal", "superior", "business", "business_of_which", "operating", "affiliated", "other"],
    "expenditure": ["total", "basic", "project", "to_superior", "operating", "to_affiliated"],
    "fiscal_summary": ["amount", "total", "general", "fund", "capital"],
    "general_budget": ["carry_in", "income", "total", "basic", "project", "carry_out"],
    "basic": ["amount"],
    "project": ["amount"],
    "fund": ["carry_in", "income", "total", "basic", "project", "carry_out"],
    "state_capital": ["carry_in", "income", "total", "basic", "project", "carry_out"],
    "three_public_stats": ["budget", "full_budget", "final"],
    "three_public_general": ["budget", "full_budget", "final"],
    "assets": [
        "total",
        "original_total",
        "current",
        "fixed_original",
        "fixed_net",
        "building_original",
        "building_net",
        "vehicle_original",
        "vehicle_net",
        "equipment_original",
        "equipment_net",
        "other_fixed_original",
        "other_fixed_net",
        "investment",
        "construction",
        "intangible_original",
        "intangible_net",
        "other_original",
        "other_net",
    ],
}


@pytest.fixture(scope="module")
def spec() -> DisclosureSpec:
    return example_spec()


@pytest.fixture(scope="module")
def planted(spec) -> document.PlantedDocument:
    return document.plant_errors(spec)


@pytest.fixture(scope="module")
def clean_report():
    return api.check(CLEAN)


@pytest.fixture(scope="module")
def planted_report():
    return api.check(PLANTED)


def _located(report, rule: str, row: str, column: str, value: str, line: int | None = None) -> bool:
    """True when an error finding of ``rule`` points at the cell (row, column, value[, line])."""
    return any(
        loc.row == row and loc.column == column and loc.value == value and (line is None or loc.line == line)
        for f in report.findings
        if f.rule == rule and f.severity == "error"
        for loc in f.locations
    )


# -- the bundled files are generated -----------------------------------------------------------


def test_bundled_examples_are_reproduced_byte_for_byte(spec, planted):
    assert CLEAN.read_bytes() == document.render_text(spec).encode("utf-8")
    assert PLANTED.read_bytes() == planted.text.encode("utf-8")


def test_module_cli_writes_the_bundled_examples(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "juesuan.generate.document", str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / document.CLEAN_NAME).read_bytes() == CLEAN.read_bytes()
    assert (tmp_path / document.PLANTED_NAME).read_bytes() == PLANTED.read_bytes()


def test_planted_document_differs_only_on_the_planted_lines(planted):
    clean_lines = CLEAN.read_text(encoding="utf-8").split("\n")
    planted_lines = planted.text.split("\n")
    assert len(clean_lines) == len(planted_lines)
    changed = {i + 1 for i, (a, b) in enumerate(zip(clean_lines, planted_lines)) if a != b}
    assert changed == {e.line for e in planted.errors}
    for e in planted.errors:
        assert e.value in planted_lines[e.line - 1].split("\t")


# -- the clean example ---------------------------------------------------------------------------


def test_clean_example_recognized_completely():
    doc = recognize(read(CLEAN))
    assert doc.variant == "yunnan"
    assert doc.year == 2024
    assert doc.department == "示例市数据服务中心"
    assert [t.form for t in doc.tables] == [f"公开{n:02d}表" for n in range(1, 13)]
    assert [t.id for t in doc.tables] == list(EXPECTED_COLUMNS)
    for t in doc.tables:
        assert t.reading_problems == [], (t.form, t.reading_problems)
        assert t.unit == "万元"
        assert [c.id for c in t.columns] == EXPECTED_COLUMNS[t.id], t.form
    assert [p.kind for p in doc.performance] == ["department_narrative", "department", "project"]
    assert not doc.reading_problems


def test_clean_example_has_no_findings(clean_report):
    assert [(f.severity, f.rule, f.message) for f in clean_report.findings] == []
    statuses = Counter(r.status for r in clean_report.rules)
    assert statuses["fail"] == 0 and statuses["insufficient_data"] == 0
    # Only rules about the empty 公开08/09 tables have nothing to check, and the narrative's checks of
    # statements it does not make (a table flattened into the text, 收、支总计 stated as a pair).
    not_applicable = {r.id for r in clean_report.rules if r.status == "not_applicable"}
    assert not_applicable == {
        "fund.row_sum",
        "state_capital.row_sum",
        "fund.flow",
        "state_capital.flow",
        "codes.fund.known",
        "codes.state_capital.known",
        "narrative.flat_table",
        "narrative.balanced",
        "narrative.target_projects",  # a 预算's statement (test_budget_targets.py)
    }


def test_clean_example_key_relations_are_checked(clean_report):
    passed = {r.id for r in clean_report.rules if r.status == "pass"}
    assert {
        "income.hierarchy",
        "expenditure.hierarchy",
        "general_budget.hierarchy",
        "general_budget.row_sum",
        "cross.summary_income.total",
        "cross.summary_income.fiscal",
        "cross.summary_expenditure.classes",
        "cross.fiscal_general.classes",
        "cross.general_basic.total",
        "cross.fiscal_general.basic_plus_project",
        "basic.personnel",
        "basic.public",
        "project.hierarchy",
        "three_public_stats.total",
        "cross.three_public_econ.car_operation",
        "cross.three_public_econ.reception",
        "assets.total",
        "assets.original_total",
        "completeness.required_tables",
        "completeness.form_numbering",
        "completeness.no_data_note",
        "completeness.performance",
    } <= passed


def test_cli_exit_codes():
    run = lambda path: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "juesuan.cli", "check", str(path)], capture_output=True, text=True, timeout=60
    )
    assert run(CLEAN).returncode == 0
    assert run(PLANTED).returncode == 1


# -- the planted example ---------------------------------------------------------------------------


def test_planted_example_error_rules(planted_report):
    errors = Counter(f.rule for f in planted_report.findings if f.severity == "error")
    assert set(errors) == {
        "income.hierarchy",
        "cross.summary_income.superior",
        "cross.summary_income.business",  # (a)
        "expenditure.hierarchy",  # (b)
        "codes.project.scheme",
        "codes.project.parent",  # (c)
        "three_public_stats.total",  # (d)
    }
    warnings = {f.rule for f in planted_report.findings if f.severity == "warning"}
    # consequences: the wrong code is unknown; 公开11's total now exceeds the lowered 公开10 total
    assert warnings == {"codes.project.known", "cross.three_public_general_le_stats"}


def test_a_income_total_shift_located(planted_report, planted):
    e = next(e for e in planted.errors if e.id == "income_total_shift")
    assert (e.form, e.row, e.column, e.value) == ("公开02表", "合计", "上级补助收入", "45.00")
    assert _located(planted_report, "income.hierarchy", "合计", "上级补助收入", "45.00", e.line)
    assert _located(planted_report, "cross.summary_income.superior", "合计", "上级补助收入", "45.00", e.line)
    business = next(f for f in planted_report.findings if f.rule == "cross.summary_income.business")
    assert business.severity == "error" and business.difference == "45.00"


def test_b_expenditure_kuan_located(planted_report, planted):
    e = next(e for e in planted.errors if e.id == "expenditure_kuan")
    row = "20103 政府办公厅（室）及相关机构事务"
    assert (e.form, e.row, e.column, e.value) == ("公开03表", row, "本年支出合计", "575.48")
    assert _located(planted_report, "expenditure.hierarchy", row, "本年支出合计", "575.48", e.line)
    assert _located(planted_report, "expenditure.hierarchy", row, "基本支出", "383.24", e.line)
    kuan_vs_items = [
        f for f in planted_report.findings if f.rule == "expenditure.hierarchy" and f.locations[0].row == row
    ]
    assert {f.difference for f in kuan_vs_items} == {"10.00"}


def test_c_project_code_located(planted_report, planted):
    e = next(e for e in planted.errors if e.id == "project_code")
    assert (e.form, e.row, e.column, e.value) == ("公开07表", "21022 无形资产购置", "科目编码", "21022")
    assert _located(planted_report, "codes.project.scheme", "21022 无形资产购置", "科目编码", "21022", e.line)


def test_d_three_public_total_located(planted_report, planted):
    e = next(e for e in planted.errors if e.id == "three_public_total")
    assert (e.form, e.row, e.column, e.value) == ("公开10表", "（一）支出合计", "决算统计数", "3.04")
    assert _located(planted_report, "three_public_stats.total", "（一）支出合计", "决算统计数", "3.04", e.line)


@pytest.mark.parametrize("index", range(4))
def test_every_planted_error_reported_by_its_rules(planted_report, planted, index):
    e = planted.errors[index]
    for rule in e.rules:
        assert _located(planted_report, rule, e.row, e.column, e.value, e.line), (e.id, rule)


# -- the generator ---------------------------------------------------------------------------------


def test_rendering_is_deterministic(spec):
    assert document.render_text(spec) == document.render_text(example_spec())
    assert document.plant_errors(spec).text == document.plant_errors(example_spec()).text


def test_derived_totals(spec):
    acc = derive(spec)
    assert acc.total.general == Decimal("628.77")
    assert acc.total.income == acc.total.spending == Decimal("676.97")
    assert acc.personnel_total + acc.public_total == acc.total.general_basic
    assert acc.project_total == acc.total.general_project
    assert acc.three_public.total == (Decimal("4.50"), Decimal("4.30"), Decimal("4.04"))
    assert acc.assets_total == Decimal("1538.25")


def test_money_is_exact_with_two_places():
    assert D("12.3") == Decimal("12.30") and str(D(5)) == "5.00"
    with pytest.raises(TypeError):
        D(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        D("1.005")


def test_inconsistent_specs_are_rejected(spec):
    # an economic line that no longer adds up to the general-budget basic spending of the 项
    lines = tuple(
        dataclasses.replace(line, amount=line.amount + 1) if line.code == "30201" else line for line in spec.basic_lines
    )
    with pytest.raises(SpecError, match="basic economic lines"):
        derive(dataclasses.replace(spec, basic_lines=lines))
    # a 项 whose income and spending differ
    items = (dataclasses.replace(spec.items[0], business=D("46.00")), *spec.items[1:])
    with pytest.raises(SpecError, match="income"):
        derive(dataclasses.replace(spec, items=items))
    # a code missing from the catalog
    items = (FunctionItem("2019998", general=D("1.00"), basic=D("1.00")), *spec.items)
    with pytest.raises(SpecError, match="2019998"):
        derive(dataclasses.replace(spec, items=items))
    # "三公" statistics must accompany the matching amounts
    with pytest.raises(SpecError, match="car_stock"):
        derive(dataclasses.replace(spec, three_public=dataclasses.replace(spec.three_public, car_stock=0)))


def test_chinese_numbers():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 26)] == ["一", "九", "十", "十一", "二十", "二十六"]


# -- every income source and carry-overs -----------------------------------------------------------


def test_funded_example_fills_the_fund_tables_and_checks_clean(tmp_path):
    spec = funded_example_spec()
    acc = derive(spec)
    b = spec.balances
    assert acc.total.income + b.use_balance + b.carry_in == acc.total.spending + b.distribution + b.carry_out
    path = tmp_path / "funded.txt"
    path.write_text(document.render_text(spec), encoding="utf-8")
    doc = api.load_document(path)
    tables = {t.id: t for t in doc.tables}
    # 政府性基金 and 国有资本经营 appropriations with carry-overs: 年初 + 本年收入 - 年末 spent on projects
    for table_id, code, flow in (
        ("fund", "2120803", ("30.00", "120.00", "140.00", "10.00")),
        ("state_capital", "2230199", ("6.00", "15.00", "12.00", "9.00")),
    ):
        rows = {r.code: r for r in tables[table_id].rows if r.code}
        for row in (rows[code], next(r for r in tables[table_id].rows if r.concept == "total")):
            got = tuple(row.cells[c].value for c in ("carry_in", "income", "total", "carry_out"))
            assert got == tuple(Decimal(v) for v in flow)
            assert row.cells["project"].value == Decimal(flow[2])
        assert not any("无数据" in n for n in tables[table_id].notes)
    fiscal = {r.concept: r.cells for r in tables["fiscal_summary"].rows if r.concept}
    assert [fiscal[f"carry_in_{s}"]["amount"].value for s in ("general", "fund", "capital")] == [
        Decimal("20.00"),
        Decimal("30.00"),
        Decimal("6.00"),
    ]
    assert fiscal["carry_in"]["amount"].value == Decimal("56.00")
    assert [fiscal["carry_out"][c].value for c in ("total", "general", "fund", "capital")] == [
        Decimal("31.00"),
        Decimal("12.00"),
        Decimal("10.00"),
        Decimal("9.00"),
    ]
    assert [fiscal["expenditure_total"][c].value for c in ("fund", "capital")] == [Decimal("140.00"), Decimal("12.00")]
    summary = {r.concept: r for r in tables["summary"].rows if r.concept}
    assert summary["carry_in"].cells["amount"].value == Decimal("104.00")
    assert summary["use_balance"].cells["amount"].value == Decimal("10.00")
    assert summary["carry_out"].cells["amount"].value == Decimal("92.00")
    assert summary["income_superior"].cells["amount"].value == Decimal("20.00")
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "政府性基金预算财政拨款收入120.00万元" in text and "国有资本经营预算财政拨款收入15.00万元" in text
    assert "政府性基金预算财政拨款年初结转和结余30.00万元" in text and "政府性基金预算财政拨款支出140.00万元" in text
    assert "国有资本经营预算财政拨款年末结转和结余9.00万元" in text
    assert "年初财政拨款结转和结余56.00万元" in text and "年末财政拨款结转和结余31.00万元" in text
    assert f"收入支出总计{grand_total(acc):.2f}万元" in text
    report = api.check_document(doc)
    assert [f"{f.rule}: {f.message}" for f in report.findings if f.severity in ("error", "warning")] == []


def test_carry_overs_must_balance_the_totals():
    spec = funded_example_spec()
    with pytest.raises(SpecError, match="年末结转和结余"):
        derive(dataclasses.replace(spec, balances=dataclasses.replace(spec.balances, carry_out=D("91.00"))))
    # fund appropriations are project spending: a 项 whose projects cannot hold them is refused
    items = tuple(
        dataclasses.replace(i, project=D("100.00"), basic=D("20.00")) if i.code == "2120803" else i for i in spec.items
    )
    with pytest.raises(SpecError, match="2120803"):
        derive(dataclasses.replace(spec, items=items))
    # a 政府性基金 年末结转和结余 above the 年初结转和结余 and 本年收入 of its 项 is refused
    items = tuple(dataclasses.replace(i, fund_carry_out=D("150.01")) if i.code == "2120803" else i for i in spec.items)
    with pytest.raises(SpecError, match="2120803: 政府性基金/国有资本经营 年末结转和结余"):
        derive(dataclasses.replace(spec, items=items))
    # the 财政拨款 carry-overs of all three sources are part of the department's
    items = tuple(
        dataclasses.replace(i, capital_carry_in=D("55.00"), capital_carry_out=D("58.00")) if i.code == "2230199" else i
        for i in spec.items
    )
    with pytest.raises(SpecError, match="财政拨款年初/年末结转和结余 105.00/80.00 exceed"):
        derive(dataclasses.replace(spec, items=items))
