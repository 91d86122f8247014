"""Issue 9: inputs common in real publications — fragments (a 说明 page alone, a few tables),
classification paths, line wraps, cascades, unit slips, blank tables, stated precision, quoted
excerpts. Every class is reproduced on a document made here: a text written for the test, or the
generator's clean example edited at one statement."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from juesuan import api
from juesuan.narrative.text import Sentence
from conftest import run_cli, run_narrative as run
from test_narrative import CLEAN, add

# -- documents written for these tests ---------------------------------------------------------------

SANGONG = """示范县文化馆2023年度“三公”经费支出决算情况说明
（一）“三公”经费财政拨款支出决算总体情况说明
示范县文化馆2023年度“三公”经费财政拨款支出年初预算为8.00万元，支出决算为6.40万元，完成年初预算的80%。
2023年度“三公”经费财政拨款支出决算比2022年度减少1.60万元，下降{rate}，主要原因是严格控制公务接待支出。
（二）“三公”经费财政拨款支出决算具体情况说明
“三公”经费财政拨款支出决算中，公务接待费支出决算为1.50万元，占23.44%；公务用车购置及运行维护费支出决算为4.90万元，占76.56%。
"""


def write(tmp_path: Path, text: str, name: str = "doc.txt") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def edited(tmp_path: Path, old: str, new: str) -> Path:
    text = CLEAN.read_text(encoding="utf-8")
    assert old in text
    return write(tmp_path, text.replace(old, new, 1), "edited.txt")


def findings_of(report, rule: str, severity: str | None = None):
    return [f for f in report.findings if f.rule == rule and (severity is None or f.severity == severity)]


# -- 5. fragments -----------------------------------------------------------------------------------------


def test_a_narrative_only_fragment_is_checked_not_refused(tmp_path):
    rep = api.check(write(tmp_path, SANGONG.format(rate="20.00%")))
    assert rep.document.coverage == "fragment"
    status = {r.id: r for r in rep.rules}
    for rid in ("completeness.required_tables", "completeness.form_numbering"):
        assert status[rid].status == "not_applicable", status[rid]
        assert "节选" in status[rid].reason
    assert not rep.errors
    # what the fragment contains is checked: the rate, the shares, the completion rate
    for rid in ("narrative.change", "narrative.share", "narrative.completion"):
        assert status[rid].status == "pass" and status[rid].checked > 0, status[rid]
    assert not [p for p in rep.document.reading_problems if "未识别出任何决算表格" in p]


def test_a_fragment_gets_its_arithmetic_errors(tmp_path):
    # 1.60 / (6.40 + 1.60) = 20%: "下降25.00%" is wrong
    rep = api.check(write(tmp_path, SANGONG.format(rate="25.00%")))
    [f] = findings_of(rep, "narrative.change", "error")
    assert "下降率应为20.00%，文中为25.00%" in f.message


def test_cli_scope_and_json_coverage(tmp_path):
    p = write(tmp_path, SANGONG.format(rate="20.00%"))
    proc = run_cli("check", str(p), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["document"]["coverage"] == "fragment"
    full = run_cli("check", str(p), "--format", "json", "--scope", "full")
    assert full.returncode == 1
    report = json.loads(full.stdout)
    assert report["document"]["coverage"] == "full"
    assert [f for f in report["findings"] if f["rule"] == "completeness.required_tables" and f["severity"] == "error"]
    parsed = run_cli("parse", str(p), "--scope", "fragment")
    assert parsed.returncode == 0 and json.loads(parsed.stdout)["coverage"] == "fragment"
    bad = run_cli("check", str(p), "--scope", "part")
    assert bad.returncode == 64 and "Traceback" not in bad.stderr  # a usage error


def test_a_file_with_neither_tables_nor_figures_still_exits_2(tmp_path):
    p = write(tmp_path, "示范县文化馆简介\n本馆负责全县群众文化活动的组织与指导。\n")
    proc = run_cli("check", str(p))
    assert proc.returncode == 2
    assert "未在文件中识别出任何决算表格" in proc.stderr and "Traceback" not in proc.stderr


def test_a_whole_disclosure_stays_full():
    rep = api.check(CLEAN)
    assert rep.document.coverage == "full"
    assert {r.id: r for r in rep.rules}["completeness.required_tables"].status == "pass"


FLAT = """示范县司法局2023年“三公”经费预算情况统计表 | ||
? | 单位:万元 | |
项 目 | 本年预算数 | 其中:财政拨款 |
合 计 | {total} | {total} |
1.因公出国(境)费用 | 0 | 0 |
2.公务接待费 | 1.70 | 1.70 |
3.公务用车费 | {car} | {car} |
其中:(1)公务用车运行维护费 | 32.65 | 32.65 |
(2)公务用车购置 | 0 | 0 |
"""


def test_flattened_table_parent_smaller_than_its_part(tmp_path):
    rep = api.check(write(tmp_path, FLAT.format(total="34.35", car="0")))
    errors = findings_of(rep, "narrative.flat_table", "error")
    assert [f.message for f in errors] == [
        "文中表格的“其中”项大于其所属项目：“3.公务用车费”第1列为0万元，其中(1)公务用车运行维护费32.65＋(2)公务用车购置0＝32.65万元",
        "文中表格的“其中”项大于其所属项目：“3.公务用车费”第2列为0万元，其中(1)公务用车运行维护费32.65＋(2)公务用车购置0＝32.65万元",
    ]  # the 合计 adds up once the item is taken at its parts: reported once, not twice


def test_flattened_table_that_holds(tmp_path):
    rep = api.check(write(tmp_path, FLAT.format(total="34.35", car="32.65")))
    status = {r.id: r for r in rep.rules}["narrative.flat_table"]
    assert status.status == "pass" and status.checked == 4
    rep = api.check(write(tmp_path, FLAT.format(total="36.35", car="32.65")))
    [f, _] = findings_of(rep, "narrative.flat_table", "error")
    assert f.message == "文中表格的合计与各项之和不符：“合计”第1列为36.35万元，各项0＋1.70＋32.65＝34.35万元"


def test_one_cell_per_line_flattened_table(tmp_path):
    text = "“三公”经费预算表 |\n单位:万元 |\n项目 |\n预算数 |\n合计 |\n4432 |\n1.因公出国(境)费用 |\n39 |\n2.公务接待费 |\n323 |\n3.公务用车购置及运行维护费 |\n4070 |\n其中:公务用车运行维护费 |\n2648 |\n公务用车购置 |\n1422 |\n"
    rep = api.check(write(tmp_path, text))
    status = {r.id: r for r in rep.rules}["narrative.flat_table"]
    assert status.status == "pass" and status.checked == 2
    rep = api.check(write(tmp_path, text.replace("2648 |", "2748 |")))
    [f] = findings_of(rep, "narrative.flat_table", "error")
    assert "其中公务用车运行维护费2748＋公务用车购置1422＝4170.00万元" in f.message


def test_income_and_expenditure_totals_stated_as_two_amounts(tmp_path):
    rep = api.check(write(tmp_path, "2022年度决算情况说明\n2022年度收、支总计各是4125.49,4143.91万元。\n"))
    [f] = findings_of(rep, "narrative.balanced")
    assert f.severity == "warning" and "收入总计4125.49万元、支出总计4143.91万元" in f.message
    rep = api.check(write(tmp_path, "2022年度决算情况说明\n2022年度收、支总计各是4125.49,4125.49万元。\n"))
    assert not findings_of(rep, "narrative.balanced")


@pytest.mark.parametrize(
    "text,shown",
    [
        ("支出总计,867.48万元，由一般公共预算支出1,867.48万元构成。", "总计,867.48万元"),
        ("全年因公出国（境）团组共计 ,0 个，累计 0 人次。", "共计,0个"),
    ],
)
def test_a_figure_printed_after_a_separator(tmp_path, text, shown):
    rep = api.check(write(tmp_path, f"2022年度决算情况说明\n本年收入合计1,867.48万元。\n{text}\n"))
    [f] = findings_of(rep, "narrative.malformed_number")
    assert f.severity == "warning" and f"“{shown}”" in f.message
    rep = api.check(write(tmp_path, "2022年度决算情况说明\n本年收入合计1,867.48万元，支出总计1,867.48万元。\n"))
    assert not findings_of(rep, "narrative.malformed_number")


def test_completion_rate_against_the_stated_difference(tmp_path):
    text = (
        "2017年度决算情况说明\n2017年度，本单位一般公共预算财政拨款支出总计1741.75万元，完成年初预算{rate}，"
        "决算数大于预算数55.93万元，主要原因是人员工资调整。\n"
    )
    rep = api.check(write(tmp_path, text.format(rate="100%")))
    [f] = findings_of(rep, "narrative.completion", "error")
    assert "预算数为1685.82万元，完成率应为103.32%，文中为100%" in f.message
    rep = api.check(write(tmp_path, text.format(rate="103.32%")))
    assert not findings_of(rep, "narrative.completion")


def test_traditional_characters_with_pinyin_readings(tmp_path):
    text = (
        "2017年度決算情況說明\n2017年度，本單位一般公共預(yù)算財政撥款支出總計1741.75萬元，與上年相比減少53.7萬元，"
        "降低{rate}。\n"
    )
    rep = api.check(write(tmp_path, text.format(rate="2.99%")))
    status = {r.id: r for r in rep.rules}["narrative.change"]
    assert status.status == "pass" and status.checked == 1
    rep = api.check(write(tmp_path, text.format(rate="3.99%")))
    [f] = findings_of(rep, "narrative.change", "error")
    assert "降低" not in f.message or "应为2.99%" in f.message


# -- 3. the subject of a figure after a classification path ------------------------------------------------


@pytest.fixture(scope="module")
def clean_doc():
    return api.load_document(CLEAN)


PATH = "一般公共服务支出（类）组织事务（款）一般行政管理事务（项）{v}万元，主要用于日常运转。"


def test_a_path_is_compared_with_its_most_specific_row(clean_doc):
    findings, _ = run(add(clean_doc, "主要用于以下方面", PATH.format(v="10.80")))
    assert not [f for f in findings if "10.80万元" in f.message and f.severity != "info"]
    findings, _ = run(add(clean_doc, "主要用于以下方面", PATH.format(v="11.80")))
    [f] = [f for f in findings if "11.80万元" in f.message]
    assert f.severity == "error" and "2013202 一般行政管理事务" in f.message


def test_a_path_that_names_no_row_is_not_compared(clean_doc):
    text = "一般公共服务支出（类）组织事务（款）不存在的事务（项）10.80万元，主要用于日常运转。"
    findings, _ = run(add(clean_doc, "主要用于以下方面", text))
    assert not [f for f in findings if "10.80万元" in f.message and f.severity == "error"]


# -- 4. phrases broken by line wraps -------------------------------------------------------------------------


@pytest.mark.parametrize("wrapped", ["决算\n数大于预算数", "决算数大\n于预算数", "决算数大于预\n算数"])
def test_direction_words_across_a_line_wrap(tmp_path, wrapped):
    p = edited(tmp_path, "完成年初预算的96.73%。决算数小于预算数", "完成年初预算的96.73%。" + wrapped)
    findings, _ = run(api.load_document(p))
    [f] = [f for f in findings if f.rule == "narrative.direction"]
    assert (
        f.severity == "error"
        and "决算数大于预算数" in f.message
        and "决算数为628.77万元、预算数为650.00万元" in f.message
    )


# -- 7. cascades, 8. unit slips ----------------------------------------------------------------------------------


def test_a_wrong_total_is_reported_once_not_in_the_rate_computed_from_it(tmp_path):
    p = edited(tmp_path, "2024年度收入支出总计676.97万元。", "2024年度收入支出总计0万元。")
    findings, _ = run(api.load_document(p))
    errors = [f for f in findings if f.severity == "error"]
    assert [f.rule for f in errors] == ["narrative.table_amounts"]
    assert "收入支出总计为0万元" in errors[0].message and "为676.97万元" in errors[0].message


def test_a_rate_wrong_against_the_tables_value_is_still_reported(tmp_path):
    p = edited(tmp_path, "2024年度收入支出总计676.97万元。", "2024年度收入支出总计0万元。")
    text = p.read_text(encoding="utf-8").replace("增长4.99%", "增长5.99%")
    findings, _ = run(api.load_document(write(tmp_path, text, "b.txt")))
    [f] = [f for f in findings if f.rule == "narrative.change"]
    assert f.severity == "error" and "增长率应为4.99%" in f.message


@pytest.mark.parametrize("printed,slip", [("676.97元", True), ("0元", False), ("0万元", False), ("677.97元", False)])
def test_unit_slip_needs_the_digits_to_agree(tmp_path, printed, slip):
    p = edited(tmp_path, "2024年度收入支出总计676.97万元。", f"2024年度收入支出总计{printed}。")
    findings, _ = run(api.load_document(p))
    slips = [f for f in findings if f.rule == "narrative.unit_slip"]
    wrong = [f for f in findings if f.rule == "narrative.table_amounts" and f.severity == "error"]
    assert bool(slips) == slip and bool(wrong) == (not slip)


# -- 9. a blank table against a stated figure ---------------------------------------------------------------


def test_a_blank_budget_column_against_a_stated_budget(tmp_path):
    lines = CLEAN.read_text(encoding="utf-8").split("\n")
    blanked = 0
    for i, line in enumerate(lines):
        cells = line.split("\t")
        if (
            len(cells) >= 5
            and (
                "支出合计" in cells[0]
                or cells[0].lstrip().startswith(("1.", "2.", "3.", "(1)", "(2)", "（1）", "（2）"))
            )
            and "经费" not in cells[0]
            and any("三公" in lines[j] for j in range(max(0, i - 12), i))
        ):
            cells[2] = ""
            lines[i] = "\t".join(cells)
            blanked += 1
    assert blanked >= 6
    findings, _ = run(api.load_document(write(tmp_path, "\n".join(lines))))
    [f] = [f for f in findings if f.rule == "narrative.table_amounts" and "年初预算为4.50万元" in f.message]
    assert f.severity == "error" and "表中该项为空白，而文中有数" in f.message
    # the blank is not read as 0: no "zero budget" warning on the completion rate
    assert not [f for f in findings if f.rule == "narrative.zero_base"]


# -- 10. stated precision --------------------------------------------------------------------------------------


@pytest.mark.parametrize("rate,ok", [("80%", True), ("80.0%", True), ("79.9%", True), ("79.5%", False), ("81%", False)])
def test_completion_rate_at_its_printed_precision(tmp_path, rate, ok):
    text = SANGONG.format(rate="20.00%").replace("完成年初预算的80%", f"完成年初预算的{rate}")
    rep = api.check(write(tmp_path, text))
    assert bool(findings_of(rep, "narrative.completion", "error")) == (not ok)


@pytest.mark.parametrize(
    "change,rate,ok",
    [
        (
            "增加20.63万元",
            "增长1,055.4%",
            True,
        ),  # 20.63/1.96 from rounded figures: 1,052.6%, but 1.955..1.965 allows it
        ("增加20.63万元", "增长1,155.4%", False),
        ("减少0.28万元", "下降15%", True),  # 0.28/1.80 = 15.56%: an integer percentage, within its rounding
        ("减少0.28万元", "下降17%", False),
    ],
)
def test_rates_from_rounded_figures(tmp_path, change, rate, ok):
    base = "20.63" if "20.63" in change else "0.28"
    current = "22.59" if base == "20.63" else "1.52"
    text = f"2023年度决算情况说明\n公务接待费支出决算为{current}万元，比上年决算数{change}，{rate}，主要原因是接待任务变化。\n"
    rep = api.check(write(tmp_path, text))
    assert bool(findings_of(rep, "narrative.change", "error")) == (not ok), [f.message for f in rep.findings]


# -- issue 11 item 5: excerpts never cut a number -------------------------------------------------------------


def test_an_excerpt_never_cuts_a_number(tmp_path):
    sentence = (
        "2024年度“三公”经费财政拨款支出预算为11.49万元，支出决算为3.04万元，完成预算的26.46%，其中：因公出国（境）费决算为0万元，"
        "完成预算的0%；公务用车购置及运行维护费支出决算为2.64万元，完成预算的28.15%；公务接待费支出决算为0.40万元，完成预算的"
        "百分之四十，主要原因是严格控制公务用车和公务接待支出，压缩一般性开支。"
    )
    s = Sentence(
        norm=sentence.replace("（", "(").replace("）", ")").replace("，", ",").replace("；", ";").replace("：", ":"),
        raw=sentence,
        provenance=None,
        group="情况说明",
        heading=None,
        index=0,
        block=0,
    )
    for around in range(0, len(s.norm), 3):
        q = s.quote(around)
        body = q.strip("…")
        assert body in sentence
        start = sentence.index(body)
        end = start + len(body)
        for cut in (start, end):
            if 0 < cut < len(sentence):
                a, b = sentence[cut - 1], sentence[cut]
                assert not ((a.isdigit() or a == ".") and (b.isdigit() or b == ".")), (around, q)
    assert s.quote(25) == (
        "2024年度“三公”经费财政拨款支出预算为11.49万元，支出决算为3.04万元，完成预算的26.46%，其中：因公出国（境）费决算为0万元，"
        "完成预算的0%；公务用车购置及运行维护费支出决算为2.64万元，完成预算的28.15%；公务接待费支出决算为0.40万元，…"
    )


def test_a_one_row_tables_cell_names_its_row():
    from test_narrative_wording import document, edit

    doc = edit(document(), "因公出国（境）费决算为0.00万元；", "因公出国（境）费决算为0.00万元，完成预算的0.00%；")
    f = next(f for f in run(doc)[0] if f.rule == "narrative.zero_base")
    assert f.message == (
        "预算数为零，不应表述完成预算的百分比：“…经费财政拨款支出年初预算为3.00万元，支出决算为2.40万元，完成预算的80.00%，"
        "其中：因公出国（境）费决算为0.00万元，完成预算的0.00%；公务用车购置及运行维护费支出决算为0.00万元；公务接待费支出决算为2.40万元，"
        "完成预算的80.00%。”中《财政拨款“三公”经费支出决算表》“第1行”/abroad/budget0.00万元，却称完成0.00%（0.00%与预算3.00万元计算一致）"
    )
    assert f.locations[-1].row == "第1行"
