"""Error localization (juesuan.locate) on generated documents: the clean synthetic example, the
same document with juesuan.generate.document's planted errors, and single-cell slips of every cause class
injected into its model."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from juesuan import api
from juesuan.generate import document
from juesuan.cli import app
from juesuan.layouts import load as load_layouts
from juesuan.locate import apply, localize, locate_document
from juesuan.model import Cell, Disclosure
from juesuan.rules.engine import evaluate
from juesuan.generate.spec import example_spec


@pytest.fixture(scope="module")
def clean_doc(tmp_path_factory) -> Disclosure:
    path = tmp_path_factory.mktemp("locate") / "clean.txt"
    path.write_text(document.render_text(example_spec()), encoding="utf-8")
    return api.load_document(path)


@pytest.fixture(scope="module")
def planted_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("locate") / "planted.txt"
    path.write_text(document.plant_errors(example_spec()).text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def planted_report(planted_path):
    return api.check(planted_path)


def _key(doc: Disclosure, table: str, row: str, col: str) -> tuple[int, int, str]:
    ti = next(i for i, t in enumerate(doc.tables) if t.id == table)
    ri = next(j for j, r in enumerate(doc.tables[ti].rows) if r.display == row)
    assert col in doc.tables[ti].rows[ri].cells
    return ti, ri, col


def _mutated(doc: Disclosure, changes: dict) -> Disclosure:
    out = copy.deepcopy(doc)
    for (ti, ri, col), value in changes.items():
        row = out.tables[ti].rows[ri]
        prov = row.cells[col].provenance
        row.cells[col] = Cell("", "blank", None, prov) if value is None else Cell(f"{value:.2f}", "number", value, prov)
    return out


def _value(doc: Disclosure, key) -> Decimal:
    ti, ri, col = key
    return doc.tables[ti].rows[ri].cells[col].amount


def test_recording_does_not_change_the_outcome(clean_doc, planted_path):
    doc = api.load_document(planted_path)
    plain_f, plain_s = evaluate(doc, load_layouts())
    records: list = []
    rec_f, rec_s = evaluate(doc, load_layouts(), record=records)
    assert [f.to_dict() for f in plain_f] == [f.to_dict() for f in rec_f]
    assert [s.to_dict() for s in plain_s] == [s.to_dict() for s in rec_s]
    assert len(records) > 300
    failed = [r for r in records if r.failed]
    assert {r.finding.rule for r in failed} == {
        f.rule for f in rec_f if f.expected is not None and f.kind != "rounding"
    }


def test_clean_document_has_nothing_to_localize(clean_doc):
    _, groups = locate_document(clean_doc)
    assert groups == []


def test_planted_errors_are_explained(planted_report):
    groups = [g for g in planted_report.localization if g.status != "rounding"]
    assert len(groups) == 3
    by_cause = {g.cause: g for g in groups}
    # (a) the 收入决算表 合计 row prints the 事业收入 under 上级补助收入
    shift = by_cause["column_shift"]
    assert shift.status == "localized" and shift.verified and shift.confidence >= 0.8
    cells = {(c.location.row, c.location.column): (c.location.value, c.fmt(c.suggested)) for c in shift.cells}
    assert cells == {("合计", "上级补助收入"): ("45.00", "0.00"), ("合计", "事业收入/小计"): (None, "45.00")}
    assert "合计”行的金额45.00应在“事业收入/小计”列而非“上级补助收入”列" in shift.message
    rules = sorted(planted_report.findings[i].rule for i in shift.findings)
    assert rules == [
        "cross.summary_income.business",
        "cross.summary_income.superior",
        "income.hierarchy",
        "income.hierarchy",
    ]
    # (b) a 款 of the 支出决算表 raised by 10 in 本年支出合计 and 基本支出: both cells, back to the Σ项
    kuan = next(g for g in groups if any(c.location.table == "支出决算表" for c in g.cells))
    assert kuan.status == "localized" and kuan.verified
    assert {(c.location.column, c.location.value, c.fmt(c.suggested)) for c in kuan.cells} == {
        ("本年支出合计", "575.48", "565.48"),
        ("基本支出", "383.24", "373.24"),
    }
    assert {planted_report.findings[i].rule for i in kuan.findings} == {"expenditure.hierarchy"}
    # (d) the "三公" 支出合计 决算统计数 lowered by 1
    tp = next(g for g in groups if any("三公" in c.location.table for c in g.cells))
    assert [(c.location.row, c.location.value, c.fmt(c.suggested)) for c in tp.cells] == [
        ("（一）支出合计", "3.04", "4.04")
    ]


def test_json_localization_is_additive(planted_path):
    result = CliRunner().invoke(app, ["check", str(planted_path), "--format", "json"])
    data = json.loads(result.stdout)
    assert data["schema"] == "juesuan.check/1"
    assert {"document", "findings", "rules", "summary"} <= set(data)
    loc = data["localization"]
    shift = next(g for g in loc if g["cause"] == "column_shift")
    assert shift["status"] == "localized" and shift["confidence_label"] == "高"
    assert [(c["column"], c["value"], c["suggested"], c["cause"]) for c in shift["cells"]] == [
        ("上级补助收入", "45.00", "0.00", "column_shift"),
        ("事业收入/小计", None, "45.00", "column_shift"),
    ]
    for i in shift["findings"]:
        assert data["findings"][i]["rule"] in (
            "income.hierarchy",
            "cross.summary_income.superior",
            "cross.summary_income.business",
        )


def test_text_report_groups_findings(planted_path):
    result = CliRunner().invoke(app, ["check", str(planted_path)])
    out = result.stdout
    assert "错误定位（相关发现按共同原因归并）" in out
    assert "[定位1]" in out and "〔见定位1〕" in out
    assert "合计｜上级补助收入｜45.00 → 0.00" in out


CASES = [
    # (table, row, column, how to make it wrong, expected cause)
    ("expenditure", "2010350 事业运行", "basic", lambda v: v * 10000, "unit"),
    ("income", "2080505 机关事业单位基本养老保险缴费支出", "fiscal", lambda v: -v, "sign"),
    ("general_budget", "2010350 事业运行", "basic", lambda v: Decimal("382.24"), "transposed_digits"),
    ("expenditure", "208 社会保障和就业支出", "total", lambda v: Decimal("5.93"), "dropped_digit"),
]


@pytest.mark.parametrize("table,row,col,wrong,cause", CASES)
def test_single_slip_localized_with_cause(clean_doc, table, row, col, wrong, cause):
    key = _key(clean_doc, table, row, col)
    true = _value(clean_doc, key)
    bad = wrong(true)
    doc = _mutated(clean_doc, {key: bad})
    _, groups = locate_document(doc)
    assert len(groups) == 1, [g.message for g in groups]
    g = groups[0]
    assert g.status == "localized" and g.verified
    assert [c.key for c in g.cells] == [key]
    assert g.cells[0].suggested == true
    assert g.cause == cause, g.message
    assert len(g.findings) >= 2  # several findings, one cause


def test_planted_values_are_the_ones_printed(clean_doc):
    # the transposition and dropped-digit cases above are real slips of the printed values
    assert _value(clean_doc, _key(clean_doc, "general_budget", "2010350 事业运行", "basic")) == Decimal("328.24")
    assert _value(clean_doc, _key(clean_doc, "expenditure", "208 社会保障和就业支出", "total")) == Decimal("53.93")


def test_column_shift_in_a_detail_row(clean_doc):
    src = _key(clean_doc, "income", "2010350 事业运行", "business")
    dst = _key(clean_doc, "income", "2010350 事业运行", "superior")
    value = _value(clean_doc, src)
    doc = _mutated(clean_doc, {src: None, dst: value})
    _, groups = locate_document(doc)
    assert len(groups) == 1 and groups[0].cause == "column_shift" and groups[0].status == "localized"
    assert {c.key: c.suggested for c in groups[0].cells} == {src: value, dst: Decimal(0)}


def test_two_separate_errors_two_groups(clean_doc):
    a = _key(clean_doc, "expenditure", "2010350 事业运行", "basic")
    b = _key(clean_doc, "income", "2101102 事业单位医疗", "fiscal")
    doc = _mutated(clean_doc, {a: _value(clean_doc, a) * 10000, b: -_value(clean_doc, b)})
    _, groups = locate_document(doc)
    got = {c.key: (c.suggested, c.cause) for g in groups for c in g.cells}
    assert got == {a: (_value(clean_doc, a), "unit"), b: (_value(clean_doc, b), "sign")}


def test_ambiguous_when_several_minimal_sets(clean_doc):
    # a 款 line of the 基本支出 table is only in its 类's sum: any other 款 of the class could be
    # the wrong one; the values show no slip pattern, so the result says it is ambiguous.
    key = _key(clean_doc, "basic", "30205 水费", "amount")
    doc = _mutated(clean_doc, {key: _value(clean_doc, key) + Decimal("1.17")})
    _, groups = locate_document(doc)
    assert len(groups) == 1
    g = groups[0]
    assert g.status == "ambiguous" and len(g.alternatives) >= 1
    assert g.confidence < 0.5 and g.confidence_label == "低"
    assert "无法唯一定位" in g.message
    listed = {c.key for s in [g.cells, *g.alternatives] for c in s}
    assert key in listed or (g.truncated and "至少" in g.message)
    assert all(len(s) == 1 for s in [g.cells, *g.alternatives])
    # nothing is repaired from an ambiguous localization
    assert apply(doc, groups) == []


def test_time_limit_gives_not_localized(planted_path):
    doc = api.load_document(planted_path)
    records: list = []
    findings, _ = evaluate(doc, load_layouts(), record=records)
    groups = localize(doc, records, findings, time_limit=0.0)
    assert groups and all(g.status == "not_localized" for g in groups)
    assert all(g.message == "未能定位（超出时间限制）" for g in groups)


def test_fix_writes_repaired_model(planted_path, tmp_path):
    out = tmp_path / "repaired.json"
    result = CliRunner().invoke(app, ["fix", str(planted_path), "-o", str(out)])
    # the planted wrong code (21022) is no table amount: listed as not correctable, exit 1 as check
    assert result.exit_code == 1, result.stdout
    assert (
        "无法自动更正（不是表格金额能改正的错误）：《一般公共预算财政拨款项目支出决算表》中编码21022" in result.stdout
    )
    assert "已更正：《收入决算表》“合计”行“上级补助收入”列 45.00 → 0.00" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["changes"]) == 5 and data["unresolved"] == []
    doc = Disclosure.from_dict(data)
    records: list = []
    evaluate(doc, load_layouts(), record=records)
    assert not [r for r in records if r.failed]


def test_ocr_values_are_cheaper_to_change(clean_doc):
    # The 302 款 lines are only checked by their class sum: with 30205 off, any 款 could be the
    # wrong one (see the ambiguous test). When 30201 was read by OCR, it is the cheapest to change.
    from dataclasses import replace

    key = _key(clean_doc, "basic", "30205 水费", "amount")
    doc = _mutated(clean_doc, {key: _value(clean_doc, key) + Decimal("1.17")})
    ocr = _key(doc, "basic", "30201 办公费", "amount")
    cell = doc.tables[ocr[0]].rows[ocr[1]].cells[ocr[2]]
    cell.provenance = replace(cell.provenance, ocr=True)
    _, groups = locate_document(doc)
    assert len(groups) == 1
    assert [c.key for c in groups[0].cells] == [ocr]
    assert groups[0].cells[0].location.ocr


def test_row_shift(clean_doc):
    # the 事业收入 of 2010350 printed one row lower, on 2010399 (which has none)
    src = _key(clean_doc, "income", "2010350 事业运行", "business")
    dst = _key(clean_doc, "income", "2010399 其他政府办公厅（室）及相关机构事务支出", "business")
    value = _value(clean_doc, src)
    assert _value(clean_doc, dst) == 0
    doc = _mutated(clean_doc, {src: None, dst: value})
    _, groups = locate_document(doc)
    assert len(groups) == 1, [g.message for g in groups]
    g = groups[0]
    assert g.status == "localized" and g.cause == "row_shift"
    assert {c.key: c.suggested for c in g.cells} == {src: value, dst: Decimal(0)}
    assert "应在“2010350 事业运行”行而非“2010399" in g.message
