"""Second narrative pass: totals detailed by numbered items, flattened tables that end where their
rows end, claims whose path names no single row, rates stated "respectively", budget fragments.
Every class on a text written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from juesuan import api


def write(tmp_path: Path, text: str, name: str = "doc.txt") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def findings_of(report, rule: str, severity: str | None = None):
    return [f for f in report.findings if f.rule == rule and (severity is None or f.severity == severity)]


# -- 1. a total, one "其中" part, and the numbered items that detail it ------------------------------------

DETAILED = """示范中心2022年度单位决算情况说明
（一）本单位2022年度总收入{total}万元，其中本年收入200.00万元，较2021年度决算数减少10.00万元，下降4.76%。
收入具体情况如下。
1.一般公共预算财政拨款收入150.00万元，为市本级财政当年拨付的资金。
较2021年度决算数减少5.00万元，下降3.23%。
2.事业收入50.00万元，为开展专业业务活动取得的收入。
较2021年度决算数减少5.00万元，下降9.09%。
3.上年结转和结余100.00万元，为以前年度结转到本年度继续使用的资金。
（二）本单位2022年度总支出{total}万元，其中本年支出180.00万元。
"""


def test_a_total_detailed_by_numbered_items_within_rounding(tmp_path):
    rep = api.check(write(tmp_path, DETAILED.format(total="300.01")))
    # a stated total its own stated parts miss by a rounding gap: a warning asking for the tail to
    # be adjusted (rounding_severity of the rule's data), never an error
    hits = findings_of(rep, "narrative.breakdown_sum")
    assert [(f.severity, f.kind) for f in hits] == [("warning", "rounding")], [f.message for f in hits]
    assert "本年收入200.00万元＋上年结转和结余100.00万元＝300.00万元" in hits[0].message
    assert "300.01" in hits[0].message and "舍入范围内" in hits[0].message and "调整尾数" in hits[0].message
    assert not rep.errors


@pytest.mark.parametrize("total", ["310.00", "290.00"])
def test_a_total_detailed_by_numbered_items_beyond_rounding(tmp_path, total):
    rep = api.check(write(tmp_path, DETAILED.format(total=total)))
    hits = findings_of(rep, "narrative.breakdown_sum", "error")
    assert len(hits) == 1, [f.message for f in rep.findings]
    assert total in hits[0].message and "300.00万元" in hits[0].message


def test_a_total_that_holds_with_its_numbered_items(tmp_path):
    rep = api.check(write(tmp_path, DETAILED.format(total="300.00")))
    assert not findings_of(rep, "narrative.breakdown_sum")
    status = {r.id: r for r in rep.rules}
    assert status["narrative.breakdown_sum"].status == "pass"


def test_items_that_fit_no_stated_part_are_not_read_as_its_detail(tmp_path):
    # the items are sub-items of 本年收入 left unfinished: no relation can be told, nothing reported
    text = DETAILED.format(total="300.00").replace(
        "3.上年结转和结余100.00万元，为以前年度结转到本年度继续使用的资金。\n", ""
    )
    text = text.replace("2.事业收入50.00万元", "2.事业收入40.00万元")
    rep = api.check(write(tmp_path, text))
    assert not [f for f in findings_of(rep, "narrative.breakdown_sum") if f.severity == "error"]


# -- 2. a table printed as "|" text rows, followed by its 说明 ----------------------------------------------

BARRED = """示范县档案馆2022年度“三公”经费支出决算
一、2022年度一般公共预算财政拨款“三公”经费支出决算表
单位:万元
项 目 | 预 算 数 | 决 算 数 |
合 计 | 4.0 | 3.2 |
因公出国(境)费 | ||
公务接待费 | 4.0 | 3.2 |
公务用车购置及运行维护费 | ||
二、2022年度一般公共预算财政拨款“三公”经费支出情况说明
示范县档案馆2022年度“三公”经费支出预算为4.0万元，支出决算为3.2万元，完成预算的{rate}。
公务接待费支出3.2万元，与2021年度相比，减少0.8万元，下降20%。
"""


def test_a_barred_table_ends_where_its_rows_end(tmp_path):
    rep = api.check(write(tmp_path, BARRED.format(rate="80%")))
    status = {r.id: r for r in rep.rules}
    # the 说明 after the rows is read as text and checked
    for rid in ("narrative.completion", "narrative.change"):
        assert status[rid].status == "pass" and status[rid].checked > 0, status[rid]
    # rows that could not be read: a reading problem, not a table "without data"
    assert not findings_of(rep, "completeness.no_data_note")
    assert [f for f in findings_of(rep, "reading.tables") if "“|”" in f.message]
    assert not rep.errors


def test_the_text_after_a_barred_table_gets_its_errors(tmp_path):
    rep = api.check(write(tmp_path, BARRED.format(rate="90%")))
    hits = findings_of(rep, "narrative.completion", "error")
    assert len(hits) == 1 and "90%" in hits[0].message and "80" in hits[0].message, [f.message for f in rep.findings]


def test_a_read_table_without_data_still_gets_the_no_data_warning(tmp_path):
    # the generator's clean example with the note of its empty 政府性基金 table removed
    from test_narrative import CLEAN

    note = "注：本单位无政府性基金预算财政拨款收支，故本表无数据。"
    text = CLEAN.read_text(encoding="utf-8")
    assert note in text
    rep = api.check(write(tmp_path, text.replace(note, "注：")))
    hits = findings_of(rep, "completeness.no_data_note", "warning")
    assert len(hits) == 1 and "政府性基金" in hits[0].message


# -- 3. a classification path that names no single row --------------------------------------------------------


def _with(sentence: str):
    from test_narrative import CLEAN

    text = CLEAN.read_text(encoding="utf-8")
    anchor = "主要用于以下方面"
    assert anchor in text
    return text.replace(anchor, sentence + anchor, 1)


def test_a_path_that_names_no_row_gets_a_warning(tmp_path):
    text = _with("一般公共服务支出（类）组织事务（款）不存在的事务（项）10.80万元，主要用于日常运转。")
    rep = api.check(write(tmp_path, text))
    hits = findings_of(rep, "narrative.path_unmatched")
    assert [f.severity for f in hits] == ["warning"], [f.message for f in rep.findings]
    assert "未能对应到表格" in hits[0].message and "10.80万元" in hits[0].message and "不存在的事务" in hits[0].message
    assert not [f for f in rep.findings if f.rule == "narrative.table_amounts" and "10.80万元" in f.message]


def test_a_path_that_resolves_is_not_warned(tmp_path):
    text = _with("一般公共服务支出（类）组织事务（款）一般行政管理事务（项）10.80万元，主要用于日常运转。")
    rep = api.check(write(tmp_path, text))
    assert not findings_of(rep, "narrative.path_unmatched")
    status = {r.id: r for r in rep.rules}
    assert status["narrative.path_unmatched"].status == "pass" and status["narrative.path_unmatched"].checked >= 1


@pytest.mark.parametrize(
    "sentence",
    [
        # a 类 the catalog does not know: not a classification the tables could hold
        "示范事务（类）组织事务（款）不存在的事务（项）10.80万元，主要用于日常运转。",
        # a known 类 the document's tables do not print
        "国防支出（类）现役部队（款）不存在的事务（项）10.80万元，主要用于日常运转。",
    ],
)
def test_paths_outside_the_tables_are_not_warned(tmp_path, sentence):
    rep = api.check(write(tmp_path, _with(sentence)))
    assert not findings_of(rep, "narrative.path_unmatched")


def test_a_fragment_without_tables_is_not_warned(tmp_path):
    text = "示范局2023年度部门决算情况说明\n一般公共服务支出（类）组织事务（款）不存在的事务（项）10.80万元，主要用于日常运转。\n"
    rep = api.check(write(tmp_path, text))
    assert not findings_of(rep, "narrative.path_unmatched")


# -- 4. rates stated "respectively" ------------------------------------------------------------------------

RESPECTIVELY = """示范站2023年度单位决算情况说明
一、收入支出决算总体情况说明
2023年度收入、支出总计分别为{levels}。与2022年相比，收入、支出总计{changes}，{rates}。主要原因是项目减少。
"""


@pytest.mark.parametrize(
    "levels,changes,rates",
    [
        ("200.00万元、150.00万元", "分别增加20.00万元、30.00万元", "分别增长11.11%、25.00%"),
        ("200.00、150.00万元", "各增加20.00、30.00万元", "各增长11.11%、25%"),
        ("200.00万元和150.00万元", "分别增加20.00万元和30.00万元", "分别增长11.11%和25.00%"),
    ],
)
def test_rates_stated_respectively_that_hold(tmp_path, levels, changes, rates):
    rep = api.check(write(tmp_path, RESPECTIVELY.format(levels=levels, changes=changes, rates=rates)))
    status = {r.id: r for r in rep.rules}
    assert status["narrative.change"].status == "pass" and status["narrative.change"].checked >= 2, status[
        "narrative.change"
    ]
    assert not findings_of(rep, "narrative.change")


def test_each_rate_stated_respectively_is_checked(tmp_path):
    rep = api.check(
        write(
            tmp_path,
            RESPECTIVELY.format(
                levels="200.00万元、150.00万元", changes="分别减少20.00万元、30.00万元", rates="分别下降9.09%、20.00%"
            ),
        )
    )
    # 30/(150+30) = 16.67%, not 20.00%; the first (20/220 = 9.09%) holds
    hits = findings_of(rep, "narrative.change")
    assert [f.severity for f in hits] == ["error"], [f.message for f in hits]
    assert "第2项" in hits[0].message and "16.67%" in hits[0].message and "20.00%" in hits[0].message


def test_lists_of_different_lengths_are_not_paired(tmp_path):
    rep = api.check(
        write(
            tmp_path,
            RESPECTIVELY.format(
                levels="200.00万元、150.00万元、100.00万元",
                changes="分别减少20.00万元、30.00万元",
                rates="分别下降50.00%、50.00%",
            ),
        )
    )
    assert not findings_of(rep, "narrative.change", "error")


# -- 6. a budget fragment is called a 预算, checked, not refused -------------------------------------------

BUDGET_PAGE = """一、“三公”经费安排情况
2024年本部门财政拨款安排“三公”经费120.0万元，比上年减少30.0万元，下降{rate}，主要原因是压减公务接待费。
其中：因公出国（境）费0万元，公务接待费20.0万元，公务用车购置及运行维护费100.0万元。
注：按照部门预算管理有关规定，“三公”经费包括因公出国（境）费、公务接待费、公务用车购置及运行维护费。
"""


def test_a_budget_fragment_is_named_budget_and_checked(tmp_path):
    rep = api.check(write(tmp_path, BUDGET_PAGE.format(rate="20.00%")))
    assert rep.document.kind == "预算" and rep.document.coverage == "fragment"
    status = {r.id: r for r in rep.rules}
    assert status["narrative.change"].status == "pass" and status["narrative.change"].checked > 0
    rep = api.check(write(tmp_path, BUDGET_PAGE.format(rate="25.00%"), "wrong.txt"))
    assert [f.severity for f in findings_of(rep, "narrative.change")] == ["error"]


def test_the_report_title_says_budget(tmp_path):
    from conftest import run_cli

    proc = run_cli("check", str(write(tmp_path, BUDGET_PAGE.format(rate="20.00%"))))
    assert proc.stdout.splitlines()[0].endswith("年度预算"), proc.stdout[:200]


def test_a_final_fragment_that_speaks_of_its_budget_stays_final(tmp_path):
    text = (
        "2023年度“三公”经费财政拨款支出年初预算为8.00万元，支出决算为6.40万元，完成年初预算的80%。\n"
        "决算数小于预算数的主要原因是严格控制公务接待支出。\n"
    )
    rep = api.check(write(tmp_path, text))
    assert rep.document.kind == "决算"


def test_a_fragment_with_neither_word_stays_final(tmp_path):
    rep = api.check(write(tmp_path, "2023年“三公”经费支出6.40万元，比上年减少1.60万元，下降20%。\n"))
    assert rep.document.kind == "决算"


def test_the_items_of_the_next_list_are_not_taken(tmp_path):
    # no heading between the income list and the spending list: "如下" starts the next list
    text = DETAILED.format(total="300.00").replace(
        "（二）本单位2022年度总支出300.00万元，其中本年支出180.00万元。\n",
        "支出具体情况如下。\n1.一般公共服务支出170.00万元。\n2.教育支出10.00万元。\n",
    )
    rep = api.check(write(tmp_path, text))
    assert not findings_of(rep, "narrative.breakdown_sum")


def test_a_sentence_is_not_taken_for_the_department(tmp_path):
    text = BARRED.format(rate="80%") + "1.因公出国（境）费支出0万元。与2022年度预算相比，增加0万元。\n"
    doc = api.load_document(write(tmp_path, text))
    assert doc.department is None or "。" not in doc.department
    assert doc.year == 2022


def test_the_year_compared_with_is_not_the_fiscal_year(tmp_path):
    text = (
        "本单位2022年度总收入300.00万元。\n较2021年度决算数减少10.00万元。\n"
        "上级补助收入50.00万元。\n较2021年度决算数减少5.00万元。\n较2021年度决算数持平。\n"
    )
    assert api.load_document(write(tmp_path, text)).year == 2022
