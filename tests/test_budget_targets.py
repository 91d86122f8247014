"""A 预算's 绩效目标 statements (issue 18): "编报绩效目标的项目N个，涉及项目预算资金X万元" — the number
of projects against the 项目支出绩效目标表 attached (one per project; none attached: insufficient
data, never a finding), the amount never above the budget's total. Texts written by us: our
common-form budget (tests/budget_example.py) with a 绩效目标 sentence and target tables."""

from __future__ import annotations

from pathlib import Path

import pytest

import budget_example
from juesuan import api

RULE = "narrative.target_projects"
PROJECTS = (("数据共享平台运维", "60.00"), ("政务数据治理", "40.00"))


def _check(tmp_path: Path, sentence: str | None, tables: int):
    lines = budget_example.text().splitlines()
    if sentence:
        lines.insert(4, sentence)  # in the 编制说明, after the "三公" sentence
    for name, amount in PROJECTS[:tables]:
        lines += [
            "项目支出绩效目标表",
            f"项目名称\t{name}",
            "主管部门\t示例区数据局",
            f"项目资金（万元）\t{amount}",
            "年度绩效目标\t保障平台稳定运行",
            "一级指标\t二级指标\t三级指标\t指标值",
            "产出指标\t数量指标\t服务部门数\t≥30个",
        ]
    path = tmp_path / "budget.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return api.check(path)


def _status(rep):
    return next(s for s in rep.rules if s.id == RULE)


def _found(rep, rule: str = RULE):
    return [f for f in rep.findings if f.rule == rule and f.severity != "info"]


@pytest.mark.parametrize(
    "sentence",
    [
        "2025年度，本部门编报绩效目标的项目共2个，涉及项目预算资金100.00万元。",
        "本部门纳入绩效目标管理的项目2个，涉及财政性资金合计100.00万元。",
        "2025年本部门共2个项目实行绩效目标管理，涉及财政性资金合计100.00万元。",
    ],
)
def test_count_that_matches_the_target_tables_holds(tmp_path: Path, sentence: str):
    rep = _check(tmp_path, sentence, tables=2)
    assert [p.kind for p in rep.document.performance] == ["target", "target"]
    assert _status(rep).status == "pass" and _status(rep).checked == 1
    assert _found(rep) == [] and not [f for f in rep.findings if f.severity == "error"]


def test_count_that_differs_from_the_target_tables_is_a_warning(tmp_path: Path):
    rep = _check(tmp_path, "2025年度，本部门编报绩效目标的项目共3个，涉及项目预算资金100.00万元。", tables=2)
    (f,) = _found(rep)
    assert f.severity == "warning"
    assert "称3个项目，但文件附2张《项目支出绩效目标表》（数据共享平台运维、政务数据治理）" in f.message
    assert (f.expected, f.actual) == ("2", "3")


def test_count_without_target_tables_is_insufficient_data(tmp_path: Path):
    rep = _check(tmp_path, "2025年度，本部门编报绩效目标的项目共3个，涉及项目预算资金100.00万元。", tables=0)
    assert _status(rep).status == "insufficient_data"
    assert "未附《项目支出绩效目标表》" in (_status(rep).reason or "")
    assert _found(rep) == []


def test_no_count_stated_is_not_applicable(tmp_path: Path):
    rep = _check(tmp_path, None, tables=2)
    assert _status(rep).status == "not_applicable"


@pytest.mark.parametrize(("amount", "wrong"), [("100.00", False), ("9,000.00", True)])
def test_project_funds_stated_apart_from_the_count_are_bounded_by_the_budget(tmp_path: Path, amount: str, wrong: bool):
    """“编报绩效目标的项目共2个，涉及项目预算资金X万元”: the amount after the count is the projects'
    funds, never more than the budget's 收入总计 (510.00万元)."""
    rep = _check(tmp_path, f"2025年度，本部门编报绩效目标的项目共2个，涉及项目预算资金{amount}万元。", tables=2)
    found = _found(rep, "narrative.table_amounts")
    assert [f.severity for f in found] == (["warning"] if wrong else [])
    if wrong:
        assert "项目预算资金9,000.00万元大于《财务收支预算总表》“收入总计”" in found[0].message
