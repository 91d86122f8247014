"""Rule engine behaviour on small documents written by us: rounding policy, blank vs dash vs 0,
coverage statuses, and static validation of the rule packs."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from juesuan import api
from juesuan.rules.engine import load_packs, tolerance, validate_packs

HEAD = "收入支出决算总表\n\n公开01表\n\n部门：测试单位\n\n金额单位：万元\n\n"
BLOCK_HEADER = "项目\t行次\t金额\t项目(按功能分类)\t行次\t金额\n栏次\t\t1\t栏次\t\t2\n"


def summary(income_general: str, business: str, total_in: str, class201: str, class208: str, total_out: str) -> str:
    # The form prints every row of the income side and of the totals (a row not printed would be
    # unknown, not 0); the ones this department has none of are left blank.
    rows = [
        f"一、一般公共预算财政拨款收入\t1\t{income_general}\t一、一般公共服务支出\t31\t{class201}",
        "二、政府性基金预算财政拨款收入\t2\t\t\t\t",
        "三、国有资本经营预算财政拨款收入\t3\t\t\t\t",
        "四、上级补助收入\t4\t\t\t\t",
        f"五、事业收入\t5\t{business}\t八、社会保障和就业支出\t38\t{class208}",
        "六、经营收入\t6\t\t\t\t",
        "七、附属单位上缴收入\t7\t\t\t\t",
        "八、其他收入\t8\t\t\t\t",
        f"本年收入合计\t27\t{total_in}\t本年支出合计\t57\t{total_out}",
        "使用非财政拨款结余\t28\t\t结余分配\t58\t",
        "年初结转和结余\t29\t\t年末结转和结余\t59\t",
        f"总计\t30\t{total_in}\t总计\t60\t{total_out}",
    ]
    return HEAD + BLOCK_HEADER + "\n".join(rows) + "\n\n注：本表反映部门本年度的总收支情况。\n"


def check_text(tmp_path: Path, text: str, variant: str = "national"):
    f = tmp_path / "doc.txt"
    f.write_text(text, encoding="utf-8")
    return api.check(f, variant=variant)


def statuses(report):
    return {r.id: r.status for r in report.rules}


def test_tolerance_policy():
    assert tolerance(3, Decimal(10000)) == Decimal("300.00")  # 0.03 万元 in 元
    assert tolerance(0, Decimal(1)) == Decimal("0.01")


def test_consistent_summary_passes(tmp_path):
    rep = check_text(tmp_path, summary("100.00", "20.00", "120.00", "70.00", "50.00", "120.00"))
    st = statuses(rep)
    for rid in (
        "summary.income_total",
        "summary.expenditure_total",
        "summary.balanced",
        "summary.income_grand_total",
        "summary.expenditure_grand_total",
    ):
        assert st[rid] == "pass", rid
    assert not [f for f in rep.findings if f.rule.startswith("summary.")]


def test_sum_error_is_reported_with_numbers(tmp_path):
    rep = check_text(tmp_path, summary("100.00", "20.00", "125.00", "70.00", "50.00", "120.00"))
    f = next(f for f in rep.findings if f.rule == "summary.income_total")
    assert f.severity == "error"
    assert (f.actual, f.expected, f.difference) == ("125.00", "120.00", "5.00")
    assert f.locations[0].row == "本年收入合计" and f.locations[0].value == "125.00"


def test_rounding_gap_is_info(tmp_path):
    rep = check_text(tmp_path, summary("100.00", "20.00", "120.01", "70.00", "50.00", "120.01"))
    f = next(f for f in rep.findings if f.rule == "summary.income_total")
    assert f.severity == "info" and f.kind == "rounding"
    assert statuses(rep)["summary.income_total"] == "pass"


def test_missing_tables_make_cross_rules_insufficient(tmp_path):
    text = summary("100.00", "20.00", "120.00", "70.00", "50.00", "120.00")
    rep = check_text(tmp_path, text)
    st = statuses(rep)
    assert st["cross.summary_income.total"] == "insufficient_data"
    assert st["income.row_sum"] == "insufficient_data"
    # one table of nine: a fragment, whose absent tables are not errors
    assert rep.document.coverage == "fragment"
    assert st["completeness.required_tables"] == "not_applicable"
    assert not [f for f in rep.findings if f.rule == "completeness.required_tables"]
    # told it is the whole disclosure, every absent table is reported
    f = tmp_path / "doc.txt"
    rep = api.check(f, variant="national", coverage="full")
    missing = [f.message for f in rep.findings if f.rule == "completeness.required_tables"]
    assert len(missing) == 8  # the national set has 9 tables; only the 总表 is present


def test_dash_vs_blank_vs_zero_kept_distinct(tmp_path):
    text = summary("100.00", "—", "100.00", "0", "", "100.00")
    f = tmp_path / "d.txt"
    f.write_text(text, encoding="utf-8")
    doc = api.load_document(f, variant="national")
    rows = {r.label: r for r in doc.tables[0].rows}
    assert rows["五、事业收入"].cells["amount"].kind == "dash"
    assert rows["一、一般公共服务支出"].cells["amount"].kind == "number"
    assert rows["一、一般公共服务支出"].cells["amount"].value == Decimal(0)
    assert rows["八、社会保障和就业支出"].cells["amount"].kind == "blank"


def test_error_downgraded_when_parts_are_dashes(tmp_path):
    # 本年支出合计 100 while the 类 are "—" and blank: the parts were not broken down.
    rep = check_text(tmp_path, summary("100.00", "", "100.00", "—", "", "100.00"))
    f = next(f for f in rep.findings if f.rule == "summary.expenditure_total")
    assert f.severity == "warning" and "—" in f.message


def test_rule_packs_are_valid():
    assert validate_packs() == []
    ids = [r.id for rules in load_packs().values() for r in rules]
    assert len(ids) == len(set(ids)) >= 100


def test_full_width_and_separators(tmp_path):
    rep = check_text(tmp_path, summary("１，０００.００", "20.00", "1,020.00", "1,000.00", "20.00", "1,020.00"))
    assert statuses(rep)["summary.income_total"] == "pass"


def test_codes_split_over_three_columns(tmp_path):
    text = (
        "支出决算表\n\n公开03表\n\n部门：测试单位\n\n金额单位：万元\n\n"
        "项目\t\t\t\t本年支出合计\t基本支出\t项目支出\n"
        "类\t款\t项\t栏次\t1\t2\t3\n"
        "\t\t\t合计\t30.00\t30.00\t\n"
        "201\t\t\t一般公共服务支出\t30.00\t30.00\t\n"
        "201\t06\t\t财政事务\t30.00\t30.00\t\n"
        "201\t06\t01\t行政运行\t20.00\t20.00\t\n"
        "201\t06\t02\t一般行政管理事务\t11.00\t11.00\t\n"
        "\n注：本表反映部门本年度各项支出情况。\n"
    )
    f = tmp_path / "split.txt"
    f.write_text(text, encoding="utf-8")
    doc = api.load_document(f, variant="national")
    assert [r.code for r in doc.tables[0].rows] == [None, "201", "20106", "2010601", "2010602"]
    rep = api.check_document(doc)
    bad = [f for f in rep.findings if f.rule == "expenditure.hierarchy" and f.severity == "error"]
    assert {(f.locations[0].row, f.locations[0].column) for f in bad} == {
        ("20106 财政事务", "本年支出合计"),
        ("20106 财政事务", "基本支出"),
    }
    assert all(f.difference == "-1.00" for f in bad)


def test_dash_does_not_excuse_a_total_larger_than_its_printed_parts(tmp_path):
    # one part is "—" but another is printed: the total is simply wrong, so it stays an error
    rep = check_text(tmp_path, summary("120.00", "", "120.00", "—", "50.00", "120.00"))
    f = next(f for f in rep.findings if f.rule == "summary.expenditure_total")
    assert f.severity == "error"
