"""绩效 rules: every rule passes on the generated clean example (positive case) and reports exactly
the cell we break in a copy of its 项目支出绩效自评表 / 部门整体支出绩效自评表 (negative case)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from juesuan import api
from juesuan.generate import document
from juesuan.model import Disclosure, PerformanceTable
from juesuan.narrative.settings import performance_settings, settings
from conftest import run_narrative as run

CLEAN = Path(__file__).resolve().parents[1] / "examples" / document.CLEAN_NAME
RULES = [rid for rid in settings().rules if rid.startswith("performance.")]


@pytest.fixture(scope="module")
def clean_doc() -> Disclosure:
    return api.load_document(CLEAN)


def table(doc: Disclosure, kind: str) -> PerformanceTable:
    return next(p for p in doc.performance if p.kind == kind)


def replace_row(rows: list[list[str]], first: str, new: list[str]) -> None:
    k = next(i for i, r in enumerate(rows) if r and first in r[0])
    rows[k] = new


def set_cell(rows: list[list[str]], first: str, index: int, value: str) -> None:
    row = next(r for r in rows if r and first in r[0] or (len(r) > 2 and first in r[2]))
    row[index] = value


def only(findings, rule, severity=None):
    found = [f for f in findings if f.rule == rule and (severity is None or f.severity == severity)]
    assert found, f"no {rule} finding"
    return found


def mutated(clean_doc, fn) -> Disclosure:  # type: ignore[no-untyped-def]
    doc = copy.deepcopy(clean_doc)
    fn(doc)
    return doc


@pytest.mark.parametrize("rule", RULES)
def test_every_performance_rule_passes_on_the_clean_example(clean_doc, rule):
    findings, statuses = run(clean_doc)
    assert statuses[rule].status == "pass", statuses[rule]
    assert statuses[rule].checked > 0
    assert not [f for f in findings if f.rule == rule]


# -- 项目支出绩效自评表 ---------------------------------------------------------------------------------------

FUNDS = ["年度资金总额", "195.00", "190.00", "189.04", "10", "99.49%", "9.95"]


def test_execution_rate(clean_doc):
    doc = mutated(
        clean_doc, lambda d: replace_row(table(d, "project").funds, "年度资金总额", [*FUNDS[:5], "98.49%", FUNDS[6]])
    )
    findings, st = run(doc)
    f = only(findings, "performance.execution_rate")[0]
    assert f.severity == "error" and "189.04÷全年预算数190.00＝99.49%" in f.message
    assert (
        f.locations[0].table == "项目支出绩效自评表（数据共享交换平台运行维护经费）"
        and f.locations[0].value == "98.49%"
    )
    assert st["performance.execution_rate"].status == "fail"


def test_execution_rate_printed_as_a_ratio_is_read(clean_doc):
    doc = mutated(
        clean_doc, lambda d: replace_row(table(d, "project").funds, "年度资金总额", [*FUNDS[:5], "0.99", FUNDS[6]])
    )
    _, st = run(doc)
    assert st["performance.execution_rate"].status == "pass"


def test_execution_score(clean_doc):
    doc = mutated(clean_doc, lambda d: replace_row(table(d, "project").funds, "年度资金总额", [*FUNDS[:6], "10.00"]))
    findings, _ = run(doc)
    f = only(findings, "performance.execution_score")[0]
    assert f.severity == "error" and f.expected == "9.95" and f.actual == "10.00"


def test_score_above_its_weight(clean_doc):
    def change(d):  # type: ignore[no-untyped-def]
        replace_row(
            table(d, "project").indicators,
            "产出指标",
            ["产出指标", "数量指标", "接入共享平台的部门数", ">=", "40", "个", "43", "20.00", "21.00"],
        )

    findings, _ = run(mutated(clean_doc, change))
    f = only(findings, "performance.score_cap")[0]
    assert (
        f.severity == "error" and "接入共享平台的部门数" in f.message and (f.expected, f.actual) == ("20.00", "21.00")
    )


def test_weights_do_not_add_up_to_100(clean_doc):
    def change(d):  # type: ignore[no-untyped-def]
        replace_row(
            table(d, "project").indicators,
            "产出指标",
            ["产出指标", "数量指标", "接入共享平台的部门数", ">=", "40", "个", "43", "25.00", "20.00"],
        )

    findings, _ = run(mutated(clean_doc, change))
    f = only(findings, "performance.weight_total")[0]
    assert f.severity == "error" and f.actual == "105.00"


def test_total_score(clean_doc):
    doc = mutated(clean_doc, lambda d: replace_row(table(d, "project").other, "总分", ["总分", "100", "98.95", "优"]))
    findings, _ = run(doc)
    f = only(findings, "performance.total_score")[0]
    assert f.severity == "error" and (f.expected, f.actual) == ("99.95", "98.95")
    rounding = mutated(
        clean_doc, lambda d: replace_row(table(d, "project").other, "总分", ["总分", "100", "99.96", "优"])
    )
    assert only(run(rounding)[0], "performance.total_score")[0].severity == "info"


def test_grade_must_fit_the_total(clean_doc):
    doc = mutated(clean_doc, lambda d: replace_row(table(d, "project").other, "总分", ["总分", "100", "99.95", "良"]))
    f = only(run(doc)[0], "performance.grade")[0]
    assert f.severity == "error" and "应为“优”" in f.message
    # a Shanghai label in a Yunnan document is not one of its grades
    doc = mutated(clean_doc, lambda d: replace_row(table(d, "project").other, "总分", ["总分", "100", "99.95", "合格"]))
    f = only(run(doc)[0], "performance.grade")[0]
    assert f.severity == "warning" and "优/良/中/差" in f.message


def test_grade_bands_are_per_province(clean_doc):
    bands = performance_settings()
    assert [b.label for b in bands.bands("shanghai")] == ["优", "良", "合格", "不合格"]
    assert [b.label for b in bands.bands("yunnan")] == ["优", "良", "中", "差"]

    def shanghai(d):  # type: ignore[no-untyped-def]
        d.variant = "shanghai"
        replace_row(table(d, "project").other, "总分", ["总分", "100", "99.95", "优秀"])

    _, st = run(mutated(clean_doc, shanghai))
    assert st["performance.grade"].status == "pass"  # 优秀 is an alias of 优


def test_unmet_target_needs_a_reason(clean_doc):
    row = ["产出指标", "数量指标", "接入共享平台的部门数", ">=", "40", "个", "38", "20.00", "19.00"]
    doc = mutated(clean_doc, lambda d: replace_row(table(d, "project").indicators, "产出指标", row))
    f = only(run(doc)[0], "performance.deviation_reason")[0]
    assert f.severity == "warning" and "实际完成值38" in f.message
    explained = mutated(
        clean_doc,
        lambda d: replace_row(table(d, "project").indicators, "产出指标", [*row, "两个部门系统改造推迟至次年接入"]),
    )
    assert not [f for f in run(explained)[0] if f.rule == "performance.deviation_reason"]


def test_negative_indicator_with_a_lower_bound(clean_doc):
    row = ["产出指标", "质量指标", "数据差错率", ">=", "5", "%", "5.2", "20.00", "20.00"]
    doc = mutated(clean_doc, lambda d: replace_row(table(d, "project").indicators, "产出指标", row))
    f = only(run(doc)[0], "performance.negative_indicator")[0]
    assert f.severity == "warning" and "数据差错率" in f.message and f.locations[0].value == ">="
    fine = mutated(
        clean_doc, lambda d: replace_row(table(d, "project").indicators, "产出指标", [*row[:3], "<=", *row[4:]])
    )
    assert not [f for f in run(fine)[0] if f.rule == "performance.negative_indicator"]


@pytest.mark.parametrize("target, words", [("40个左右", "左右"), ("提高15%", "未给出基数")])
def test_vague_targets(clean_doc, target, words):
    row = ["产出指标", "数量指标", "接入共享平台的部门数", ">=", target, "个", "43", "20.00", "20.00"]
    doc = mutated(clean_doc, lambda d: replace_row(table(d, "project").indicators, "产出指标", row))
    f = only(run(doc)[0], "performance.vague_target")[0]
    assert f.severity == "warning" and words in f.message


def test_percentage_indicator_with_a_value_that_is_not_a_percentage(clean_doc):
    row = ["产出指标", "质量指标", "平台年度可用率", ">=", "99.5", "%", "全年稳定运行", "20.00", "20.00"]
    doc = mutated(clean_doc, lambda d: replace_row(table(d, "project").indicators, "产出指标", row))
    f = only(run(doc)[0], "performance.percent_value")[0]
    assert f.severity == "warning" and "全年稳定运行" in f.message


def test_every_actual_copied_from_its_target(clean_doc):
    def copy_targets(d):  # type: ignore[no-untyped-def]
        for r in table(d, "department").indicators:
            if len(r) == 7 and r[3] in (">=", "<=", "="):
                r[6] = r[4]

    f = only(run(mutated(clean_doc, copy_targets))[0], "performance.copied_actuals")[0]
    assert f.severity == "warning" and "4项指标" in f.message
    assert f.locations[0].table == "部门整体支出绩效自评表（示例市数据服务中心）"


def test_project_execution_larger_than_the_project_spending(clean_doc):
    doc = mutated(
        clean_doc,
        lambda d: replace_row(
            table(d, "project").funds,
            "年度资金总额",
            ["年度资金总额", "300.00", "300.00", "300.00", "10", "100.00%", "10.00"],
        ),
    )
    f = only(run(doc)[0], "performance.projects_vs_tables")[0]
    assert f.severity == "warning" and "203.04" in f.message and f.locations[-1].table == "支出决算表"


# -- 部门整体支出绩效自评表 -----------------------------------------------------------------------------------

TASK = "示例市数据服务中心基本支出资金"


def test_task_execution_rate(clean_doc):
    doc = mutated(
        clean_doc,
        lambda d: replace_row(
            table(d, "department").funds,
            TASK,
            [TASK, "一级", "在职人员及机构运转保障", "428.93", "428.93", "428.93", "90.00%"],
        ),
    )
    f = only(run(doc)[0], "performance.task_execution")[0]
    assert f.severity == "error" and "实际支出428.93÷批复金额428.93＝100.00%" in f.message


def test_task_actual_spending_against_the_tables(clean_doc):
    doc = mutated(
        clean_doc,
        lambda d: replace_row(
            table(d, "department").funds,
            TASK,
            [TASK, "一级", "在职人员及机构运转保障", "418.93", "418.93", "418.93", "100.00%"],
        ),
    )
    findings, st = run(doc)
    f = only(findings, "performance.task_vs_tables")[0]
    assert f.severity == "warning" and "418.93" in f.message and "428.93" in f.message and "473.93" in f.message
    assert {loc.table for loc in f.locations[1:]} >= {"支出决算表", "一般公共预算财政拨款收入支出决算表"}
    assert st["performance.task_execution"].status == "pass"


def test_targets_identical_across_years(clean_doc):
    def same(d):  # type: ignore[no-untyped-def]
        rows = [r for r in table(d, "department").other if r and r[0] in ("2024", "2025", "2026")]
        for r in rows[1:]:
            r[1] = rows[0][1]

    f = only(run(mutated(clean_doc, same))[0], "performance.targets_across_years")[0]
    assert f.severity == "warning" and "2024、2025、2026" in f.message


# -- the narrative about the self-evaluation -----------------------------------------------------------------


def _edit(doc: Disclosure, old: str, new: str) -> Disclosure:
    out = copy.deepcopy(doc)
    p = next(p for p in out.paragraphs if old in p.text)
    p.text = p.text.replace(old, new)
    return out


def test_grade_counts_must_add_up(clean_doc):
    doc = _edit(clean_doc, "绩效评级为“优”的项目1个", "绩效评级为“优”的项目2个")
    f = only(run(doc)[0], "performance.narrative_grades")[0]
    assert f.severity == "warning" and (f.expected, f.actual) == ("1", "2")


def test_average_score_above_100(clean_doc):
    doc = _edit(clean_doc, "平均得分99.95分", "平均得分109.95分")
    f = only(run(doc)[0], "performance.narrative_grades")[0]
    assert "超过100分" in f.message


def test_grade_label_of_another_province(clean_doc):
    doc = _edit(clean_doc, "绩效评级为“中”的项目0个", "绩效评级为“合格”的项目0个")
    f = only(run(doc)[0], "performance.narrative_grades")[0]
    assert "“合格”不是本地区使用的等级" in f.message


# -- statuses ---------------------------------------------------------------------------------------------------


def test_missing_tables_are_insufficient_data_in_yunnan(clean_doc):
    doc = copy.deepcopy(clean_doc)
    doc.performance = [p for p in doc.performance if p.kind == "department_narrative"]
    _, st = run(doc)
    for rid in ("performance.execution_rate", "performance.grade", "performance.task_execution"):
        assert st[rid].status == "insufficient_data" and "缺少" in st[rid].reason


def test_not_applicable_where_the_variant_has_no_self_evaluation(clean_doc):
    doc = copy.deepcopy(clean_doc)
    doc.variant = "national"
    doc.performance = []
    _, st = run(doc)
    assert st["performance.execution_rate"].status == "not_applicable"
    assert "本版式不要求" in st["performance.execution_rate"].reason


def test_unreadable_indicator_rows_are_insufficient_data_not_guesses(clean_doc):
    doc = mutated(
        clean_doc, lambda d: table(d, "project").indicators.append(["产出指标", "数量指标", "某项", "见附件"])
    )
    findings, st = run(doc)
    assert st["performance.weight_total"].status == "insufficient_data"
    assert not [f for f in findings if f.rule == "performance.weight_total"]


def test_a_task_row_whose_blanks_make_it_ambiguous_is_not_guessed(clean_doc):
    """总额 400 = 财政拨款 100 + 其他资金 300 with the 实际支出 blank: the reader dropped the blank, so
    the row cannot be read column by column; no execution-rate error is made up."""
    doc = mutated(
        clean_doc,
        lambda d: replace_row(
            table(d, "department").funds,
            TASK,
            [TASK, "一级", "在职人员及机构运转保障", "400.00", "100.00", "300.00", "100.00%"],
        ),
    )
    findings, st = run(doc)
    assert not [f for f in findings if f.rule == "performance.task_execution"]
    assert "未能逐栏识别" in (st["performance.task_execution"].reason or "")
