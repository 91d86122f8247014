"""The narrative (文表/文内) and 绩效 checks of the real 2023 Yunnan seed disclosure, verified by hand.

Every finding pinned here was checked by reading the seed (line numbers of the tab-separated text):

- l.356 (三) 部门整体收支情况: "2023年部门财务总收入1,418.92万元，其中：一般公共预算收入718.92万元，
  政府性基金预算收入400.00万元，…事业收入0.00万元，…其他收入300.00万元" — the 决算 tables say
  本年收入合计 977.98 (公开01 l.40, 公开02 l.58), 一般公共预算财政拨款收入 662.94 (l.14, l.128), no
  政府性基金 income (l.15 blank, 公开08 empty), 事业收入 315.04 (l.18), 其他收入 0 (l.21). The
  政府性基金, 一般公共预算 and 其他收入 figures are errors; "财务总收入" may be a 财务会计 total, and
  公开02's own 合计 row prints 事业收入 blank (the 315.04 slid under 上级补助收入), so those two are
  warnings. The same paragraph ends with the heading "(二) 财政拨入收入情况" and nothing under it,
  and repeats "土地交易业务土地交易业务".
- l.358 (五) 三公: 国内公务接待批次 35 and 400 人次 in the text, 23 and 260 in 公开10 (l.296, l.298):
  errors (the statistics have no budget column to be confused with). 公务用车购置及运行维护费 and its
  运行维护费 are given as 7.50, which is the 预算数 (l.284, l.286); the 决算 is 7.48, and the paragraph
  speaks of 预算: warnings that say so.
- l.354 部门概况: "截至2022年12月统计" in the 2023 决算; l.362: "2021年，完成电子化交易项目1805项" in
  the 2023 evaluation; l.362: "对财政部门下达的5个项目进行绩效自评" while two 项目支出绩效自评表 are
  attached (l.410, l.444).
- l.433: a lone "10000" after the first project table's 总分 row.
- l.398: 交易项目差错率 with ">=" 5%; l.394–401, l.423–429, l.457–459: every 实际完成值 copies its
  指标值 (three tables); l.425 "60万元左右", l.427 "提高15%", l.428 "提高50%".
- l.388–389: the 部门整体 tasks' 实际支出 400.00 (项目资金) and 517.60 (基本支出资金) are neither the
  支出决算表's 项目支出 422.44 / 基本支出 555.54 nor the 一般公共预算 figures 107.40 / 555.54.
- l.380–382: the same 部门年度目标 text for 2023, 2024 and 2025.

What holds (and is pinned as passing): the "三公" year-on-year changes (9.50 vs −2.50 = −20.83%,
2.00 vs −2.25 = −52.94%, 7.50 vs −0.25 = −3.23% twice), the income total's +144.35 = +11.33%, the
income breakdown 718.92 + 400 + 300 = 1418.92, the staff counts (编制 32 = 0 + 0 + 32, 实有 32 =
32 + 0 + 0, 离退休 2 = 0 + 2, units 1 = 1 + 0 + 0 + 0), the list of 8 内设机构, the "三公" budget
9.50 and 2.00 (公开11 预算数), the car stock 2, the project execution rates, scores (10 + 90 = 100)
and grades (优).
"""

from __future__ import annotations

from collections import Counter

import pytest

NARRATIVE = ("narrative.", "performance.")


def _mine(report):
    return [f for f in report.findings if f.rule.startswith(NARRATIVE)]


def _find(report, rule, *, value=None, column=None):
    for f in _mine(report):
        if f.rule != rule:
            continue
        loc = f.locations[0]
        if (value is None or loc.value == value) and (column is None or loc.column == column):
            return f
    raise AssertionError(f"no {rule} finding at {column}={value}")


def test_narrative_findings_are_exactly_the_verified_ones(seed_report):
    assert Counter((f.severity, f.rule) for f in _mine(seed_report)) == Counter(
        {
            ("error", "narrative.table_amounts"): 3,
            ("warning", "narrative.table_amounts"): 4,
            ("error", "narrative.table_counts"): 2,
            ("warning", "narrative.self_evaluated_projects"): 1,
            ("warning", "narrative.stale_year"): 2,
            ("warning", "narrative.truncated"): 1,
            ("warning", "narrative.stray_line"): 1,
            ("info", "narrative.repeated_words"): 1,
            ("warning", "performance.negative_indicator"): 1,
            ("warning", "performance.vague_target"): 3,
            ("warning", "performance.copied_actuals"): 3,
            ("warning", "performance.task_vs_tables"): 2,
            ("warning", "performance.targets_across_years"): 1,
        }
    )


@pytest.mark.parametrize(
    "label, printed, table, row, cell, severity",
    [
        ("政府性基金预算收入", "400.00万元", "收入支出决算总表", "二、政府性基金预算财政拨款收入", None, "error"),
        ("一般公共预算收入", "718.92万元", "收入支出决算总表", "一、一般公共预算财政拨款收入", "662.94", "error"),
        ("其他收入", "300.00万元", "收入支出决算总表", "八、其他收入", "0", "error"),
        ("部门财务总收入", "1,418.92万元", "收入支出决算总表", "本年收入合计", "977.98", "warning"),
        ("事业收入", "0.00万元", "收入支出决算总表", "五、事业收入", "315.04", "warning"),
    ],
)
def test_income_statements_against_the_tables(seed_report, label, printed, table, row, cell, severity):
    f = _find(seed_report, "narrative.table_amounts", value=printed, column=label)
    assert f.severity == severity
    text, first = f.locations[0], f.locations[1]
    assert text.table == "部门整体支出绩效自评情况" and text.line == 356
    assert (first.table, first.row, first.value) == (table, row, cell)
    assert "2023年部门财务总收入" in f.message or "其他收入300.00" in f.message  # the sentence is quoted
    assert f"《{table}》“{row}”" in f.message


def test_government_fund_income_is_named_against_every_table(seed_report):
    f = _find(seed_report, "narrative.table_amounts", value="400.00万元")
    tables = {loc.table for loc in f.locations[1:]}
    assert tables == {"收入支出决算总表", "财政拨款收入支出决算总表", "政府性基金预算财政拨款收入支出决算表"}
    assert "印为空白" in f.message and (f.actual, f.expected, f.difference) == ("400.00", "0.00", "400.00")


def test_business_income_matches_only_the_broken_total_row(seed_report):
    f = _find(seed_report, "narrative.table_amounts", value="0.00万元", column="事业收入")
    assert "两表本身不一致" in f.message and "《收入决算表》“合计”/事业收入" in f.message


def test_reception_statistics_contradict_the_three_public_table(seed_report):
    batches = _find(seed_report, "narrative.table_counts", value="35次")
    people = _find(seed_report, "narrative.table_counts", value="400人次")
    assert batches.severity == people.severity == "error"
    assert (batches.locations[1].row, batches.locations[1].value, batches.locations[1].line) == (
        "5. 国内公务接待批次（个）",
        "23",
        296,
    )
    assert (people.locations[1].row, people.locations[1].value, people.locations[1].line) == (
        "6. 国内公务接待人次（人）",
        "260",
        298,
    )
    assert "国内公务接待批次为35次，共计接待400人次" in batches.message
    assert (batches.actual, batches.expected, people.actual, people.expected) == ("35", "23", "400", "260")


def test_budget_figures_quoted_where_the_final_belongs_are_warnings(seed_report):
    found = [
        f for f in _mine(seed_report) if f.rule == "narrative.table_amounts" and f.locations[0].value == "7.50万元"
    ]
    assert {f.locations[0].column for f in found} == {"公务用车购置及运行维护费", "公务用车运行维护费"}
    for f in found:
        assert f.severity == "warning"
        assert f.locations[1].value == "7.48" and "预算数" in f.message and "疑将预算数作为决算数表述" in f.message


def test_years_other_than_the_fiscal_year(seed_report):
    found = {f.locations[0].value: f for f in _mine(seed_report) if f.rule == "narrative.stale_year"}
    assert set(found) == {"2022年", "2021年"}
    assert "截至2022年12月统计" in found["2022年"].message and found["2022年"].locations[0].line == 354
    assert "2021年，完成电子化交易项目1805项" in found["2021年"].message and found["2021年"].locations[0].line == 362


def test_five_projects_claimed_two_tables_attached(seed_report):
    f = _find(seed_report, "narrative.self_evaluated_projects")
    assert (f.actual, f.expected) == ("5", "2")
    assert "公共资源交易电子化平台运行维护经费" in f.message and "党政储备人才专项经费" in f.message


def test_stray_number_line(seed_report):
    f = _find(seed_report, "narrative.stray_line")
    assert f.locations[0].value == "10000" and "总分" in f.message
    assert f.locations[0].table == "项目支出绩效自评表（公共资源交易电子化平台运行维护经费）"


def test_empty_heading_and_repeated_words(seed_report):
    f = _find(seed_report, "narrative.truncated")
    assert "(二)财政拨入收入情况" in f.message and f.locations[0].line == 356
    r = _find(seed_report, "narrative.repeated_words")
    assert r.severity == "info" and r.locations[0].value == "土地交易业务土地交易业务"


def test_indicator_plausibility(seed_report):
    neg = _find(seed_report, "performance.negative_indicator")
    assert neg.locations[0].row == "交易项目差错率" and neg.locations[0].value == ">="
    vague = {f.locations[0].value for f in _mine(seed_report) if f.rule == "performance.vague_target"}
    assert vague == {"60万元左右", "提高15%", "提高50%"}
    copied = {f.locations[0].table for f in _mine(seed_report) if f.rule == "performance.copied_actuals"}
    assert copied == {
        "项目支出绩效自评表（公共资源交易电子化平台运行维护经费）",
        "项目支出绩效自评表（党政储备人才专项经费）",
        "部门整体支出绩效自评表（曲靖市公共资源交易中心）",
    }


def test_department_tasks_against_the_tables(seed_report):
    found = {f.locations[0].row: f for f in _mine(seed_report) if f.rule == "performance.task_vs_tables"}
    basic = found["曲靖市公共资源交易中心基本支出资金"]
    assert (basic.actual, basic.locations[1].value, basic.locations[1].column) == ("517.60", "555.54", "基本支出")
    project = found["曲靖市公共资源交易中心项目资金"]
    assert (project.actual, project.locations[1].value) == ("400.00", "422.44")
    assert "107.40" in project.message  # the 一般公共预算 project total is named too
    years = _find(seed_report, "performance.targets_across_years")
    assert "2023、2024、2025" in years.message


HOLDING = [
    "narrative.change",
    "narrative.direction",
    "narrative.zero_base",
    "narrative.breakdown_sum",
    "narrative.list_count",
    "narrative.unit_slip",
    "narrative.placeholder",
    "narrative.old_name",
    "narrative.department_name",
    "narrative.scope_wording",
    "performance.execution_rate",
    "performance.execution_score",
    "performance.score_cap",
    "performance.weight_total",
    "performance.total_score",
    "performance.grade",
    "performance.deviation_reason",
    "performance.percent_value",
    "performance.projects_vs_tables",
    "performance.task_execution",
]


@pytest.mark.parametrize("rule", HOLDING)
def test_statements_that_hold_pass(seed_report, rule):
    status = {r.id: r for r in seed_report.rules}[rule]
    assert status.status == "pass" and status.checked > 0, status
    assert not [f for f in seed_report.findings if f.rule == rule]


def test_what_holds_was_actually_checked(seed_report):
    status = {r.id: r for r in seed_report.rules}
    assert status["narrative.change"].checked == 5  # income +11.33%, "三公" −20.83%, −52.94%, −3.23% ×2
    assert status["narrative.breakdown_sum"].checked >= 6  # income sources, units, staff ×3, car
    assert status["narrative.list_count"].checked == 1  # the 8 内设机构
    assert status["performance.grade"].checked == 2 and status["performance.total_score"].checked == 2
    # the budget figures that hold: 9.50 and 2.00 (公开11 预算数) are not reported
    assert not [
        f
        for f in seed_report.findings
        if f.rule == "narrative.table_amounts" and f.locations[0].value in ("9.50万元", "2.00万元")
    ]


def test_rules_that_cannot_run_say_why(seed_report):
    status = {r.id: r for r in seed_report.rules}
    # the seed has no share, completion-rate or grade-count statement
    for rid in ("narrative.share", "narrative.completion", "performance.narrative_grades"):
        assert status[rid].status == "not_applicable", status[rid]
