"""Narrative (文表/文内) rules on documents made by our generator: every rule passes on the clean
example (positive case) and reports exactly the statement we break in a copy of it (negative case),
with the sentence quoted and the table cell named."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from juesuan import api, narrative
from juesuan.generate import document
from juesuan.model import Disclosure, Paragraph, Provenance
from juesuan.narrative.settings import settings
from conftest import run_narrative as run

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CLEAN = EXAMPLES / document.CLEAN_NAME
PLANTED = EXAMPLES / document.PLANTED_NAME
# narrative.flat_table and narrative.balanced have their own tests (test_narrative_fragments.py): the generated
# disclosures print real tables, none flattened into the text; nor do they state 收、支总计 as a pair;
# narrative.target_projects is a 预算's (test_budget_targets.py)
RULES = [
    rid
    for rid in settings().rules
    if rid.startswith("narrative.")
    and rid not in ("narrative.flat_table", "narrative.balanced", "narrative.target_projects")
]


@pytest.fixture(scope="module")
def clean_doc() -> Disclosure:
    return api.load_document(CLEAN)


def edit(doc: Disclosure, old: str, new: str) -> Disclosure:
    """A copy of ``doc`` with ``old`` replaced by ``new`` in the one paragraph that holds it."""
    out = copy.deepcopy(doc)
    hits = [p for p in out.paragraphs if old in p.text]
    assert len(hits) == 1, (old, len(hits))
    hits[0].text = hits[0].text.replace(old, new, 1)
    return out


def add(doc: Disclosure, after: str, text: str, section: str | None = None) -> Disclosure:
    """A copy of ``doc`` with a paragraph ``text`` inserted after the paragraph holding ``after``."""
    out = copy.deepcopy(doc)
    k = next(i for i, p in enumerate(out.paragraphs) if after in p.text)
    prov = out.paragraphs[k].provenance
    out.paragraphs.insert(k + 1, Paragraph(text, prov, section))
    return out


def only(findings, rule, severity=None):
    found = [f for f in findings if f.rule == rule and (severity is None or f.severity == severity)]
    assert found, f"no {rule} finding"
    return found


def rules_of(findings):
    return {f.rule for f in findings}


# -- positive: the generated documents ---------------------------------------------------------------------


@pytest.mark.parametrize("rule", RULES)
def test_every_narrative_rule_passes_on_the_clean_example(clean_doc, rule):
    findings, statuses = run(clean_doc)
    assert statuses[rule].status == "pass", statuses[rule]
    assert statuses[rule].checked > 0
    assert not [f for f in findings if f.rule == rule]


def test_planted_table_errors_do_not_turn_into_narrative_errors():
    """The planted errors are in the tables: the narrative agrees with the first printed figure of
    every concept, so no narrative rule fires."""
    findings, _ = run(api.load_document(PLANTED))
    assert findings == []


def test_cli_json_carries_narrative_rules():
    proc = subprocess.run(
        [sys.executable, "-m", "juesuan.cli", "check", str(CLEAN), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    ids = {r["id"]: r for r in data["rules"]}
    assert ids["narrative.table_amounts"]["status"] == "pass" and ids["narrative.table_amounts"]["checked"] > 10
    assert ids["performance.grade"]["status"] == "pass"
    assert data["findings"] == []


# -- narrative against the tables -------------------------------------------------------------------------


def test_final_figure_contradicting_the_table_is_an_error(clean_doc):
    doc = edit(clean_doc, "事业收入45.00万元，占6.65%", "事业收入54.00万元，占6.65%")
    findings, st = run(doc)
    f = only(findings, "narrative.table_amounts")[0]
    assert f.severity == "error" and st["narrative.table_amounts"].status == "fail"
    text, cell = f.locations[0], f.locations[1]
    assert (text.table, text.row, text.column, text.value) == (
        "情况说明",
        "三、收入决算情况说明",
        "事业收入",
        "54.00万元",
    )
    assert (cell.table, cell.row, cell.column, cell.value) == ("收入支出决算总表", "五、事业收入", "收入/金额", "45.00")
    assert "本年收入合计676.97万元，其中：一般公共预算财政拨款收入628.77万元" in f.message  # the sentence
    assert (f.actual, f.expected, f.difference) == ("54.00", "45.00", "9.00")


def test_rounding_gap_against_the_table_is_info(clean_doc):
    doc = edit(clean_doc, "事业收入45.00万元，占6.65%", "事业收入45.01万元，占6.65%")
    findings, st = run(doc)
    f = only(findings, "narrative.table_amounts")[0]
    assert f.severity == "info" and f.kind == "rounding" and st["narrative.table_amounts"].status == "pass"


def test_budget_basis_mismatch_is_a_warning(clean_doc):
    doc = edit(clean_doc, "“三公”经费支出年初预算为4.50万元", "“三公”经费支出年初预算为4.80万元")
    findings, _ = run(doc)
    f = only(findings, "narrative.table_amounts")[0]
    assert f.severity == "warning" and "预算数口径" in f.message
    assert f.locations[1].column == "预算数" and f.locations[1].value == "4.50"


def test_ambiguous_basis_equal_to_the_budget_is_a_warning_that_says_so(clean_doc):
    doc = edit(
        clean_doc, "公务接待费支出决算为1.40万元。", "公务接待费支出决算为1.40万元。公务用车运行维护费3.00万元。"
    )
    findings, _ = run(doc)
    f = only(findings, "narrative.table_amounts")[0]
    assert f.severity == "warning" and "未说明口径" in f.message and "疑将预算数作为决算数表述" in f.message
    assert f.locations[1].value == "2.64"


def test_tables_that_disagree_make_a_match_with_the_second_a_warning(clean_doc):
    doc = copy.deepcopy(clean_doc)
    row = next(r for r in doc.table("summary").rows if r.concept == "income_business")
    row.cells["amount"].raw, row.cells["amount"].value = "54.00", type(row.cells["amount"].value)("54.00")
    findings, _ = run(doc)
    f = next(f for f in findings if f.rule == "narrative.table_amounts" and f.locations[0].column == "事业收入")
    assert f.severity == "warning" and "两表本身不一致" in f.message and "《收入决算表》" in f.message


def test_counts_against_the_three_public_statistics(clean_doc):
    doc = edit(clean_doc, "国内公务接待12批次、86人次", "国内公务接待15批次、86人次")
    findings, st = run(doc)
    f = only(findings, "narrative.table_counts")[0]
    assert f.severity == "error" and st["narrative.table_counts"].status == "fail"
    assert (f.locations[1].row, f.locations[1].value) == ("5. 国内公务接待批次（个）", "12")
    assert (f.actual, f.expected) == ("15", "12")


def test_unit_slip_is_named_as_such(clean_doc):
    doc = edit(clean_doc, "事业收入45.00万元，占6.65%", "事业收入45.00元，占6.65%")
    findings, st = run(doc)
    f = only(findings, "narrative.unit_slip")[0]
    assert f.severity == "error" and "单位应为万元" in f.message and "一万倍" in f.message
    assert not [x for x in findings if x.rule == "narrative.table_amounts" and x.severity != "info"]
    assert st["narrative.unit_slip"].status == "fail"


def test_administrative_cost_against_the_yunnan_table(clean_doc):
    """公开10 prints 机关运行经费 as "—" for a 非参公 unit: a figure in the text contradicts it."""
    doc = add(clean_doc, "无机关运行经费支出", "经核实，机关运行经费支出5.00万元。")
    f = only(run(doc)[0], "narrative.table_amounts", "error")[0]
    assert f.locations[1].row == "二、机关运行经费" and "“—”" in f.message


# -- arithmetic inside the narrative ------------------------------------------------------------------------


def test_change_rate_that_does_not_follow_from_the_amounts(clean_doc):
    doc = edit(clean_doc, "增加32.17万元，增长4.99%", "增加32.17万元，增长5.99%")
    findings, st = run(doc)
    f = only(findings, "narrative.change")[0]
    assert f.severity == "error" and f.expected == "4.99" and f.actual == "5.99"
    assert "上年应为644.80万元" in f.message and st["narrative.change"].status == "fail"


def test_change_rate_off_by_one_cent_is_rounding(clean_doc):
    doc = edit(clean_doc, "增加32.17万元，增长4.99%", "增加32.17万元，增长4.98%")
    findings, _ = run(doc)
    f = only(findings, "narrative.change")[0]
    assert f.severity == "info" and f.kind == "rounding"


def test_change_rate_without_percent_sign_is_a_hint(clean_doc):
    doc = edit(clean_doc, "增加32.17万元，增长4.99%", "增加32.17万元，增长4.99")
    findings, _ = run(doc)
    f = only(findings, "narrative.change")[0]
    assert f.severity == "info" and "缺少百分号" in f.message


def test_direction_words_that_disagree(clean_doc):
    doc = edit(clean_doc, "增加32.17万元，增长4.99%", "增加32.17万元，下降4.99%")
    findings, _ = run(doc)
    f = only(findings, "narrative.direction")[0]
    assert f.severity == "error" and "“增加”" in f.message and "“下降”" in f.message


def test_budget_comparison_word_against_the_figures(clean_doc):
    doc = edit(clean_doc, "决算数小于预算数的主要原因", "决算数大于预算数的主要原因")
    findings, _ = run(doc)
    f = only(findings, "narrative.direction")[0]
    assert f.severity == "error" and "628.77万元" in f.message and "650.00万元" in f.message


def test_growth_rate_from_a_zero_base(clean_doc):
    doc = edit(clean_doc, "收入支出总计增加32.17万元，增长4.99%", "收入支出总计增加676.97万元，增长100.00%")
    findings, st = run(doc)
    f = only(findings, "narrative.zero_base")[0]
    assert f.severity == "warning" and "上年数为零" in f.message
    assert st["narrative.change"].status != "fail"  # not also reported as a wrong rate


def test_completion_rate_of_a_zero_budget(clean_doc):
    doc = edit(
        clean_doc,
        "年初预算为650.00万元，支出决算为628.77万元，完成年初预算的96.73%",
        "年初预算为0.00万元，支出决算为628.77万元，完成年初预算的96.73%",
    )
    findings, _ = run(doc)
    f = only(findings, "narrative.zero_base")[0]
    assert "预算数为零" in f.message


def test_share_that_does_not_follow_from_the_amounts(clean_doc):
    doc = edit(clean_doc, "事业收入45.00万元，占6.65%", "事业收入45.00万元，占7.65%")
    findings, st = run(doc)
    f = only(findings, "narrative.share")[0]
    assert f.severity == "error" and f.expected == "6.65" and "本年收入合计676.97万元" in f.message
    s = only(findings, "narrative.share_sum")[0]
    assert s.severity == "error" and s.actual == "101.00"
    assert st["narrative.share"].status == st["narrative.share_sum"].status == "fail"


def test_share_of_a_named_whole(clean_doc):
    doc = edit(clean_doc, "占本年支出合计的92.88%", "占本年支出合计的93.88%")
    findings, _ = run(doc)
    f = only(findings, "narrative.share")[0]
    assert f.severity == "error" and "本年支出合计676.97万元" in f.message


def test_completion_rate(clean_doc):
    doc = edit(clean_doc, "完成年初预算的96.73%", "完成年初预算的97.73%")
    findings, st = run(doc)
    f = only(findings, "narrative.completion")[0]
    assert f.severity == "error" and f.expected == "96.73" and st["narrative.completion"].status == "fail"


def test_completion_rate_against_a_table_budget_is_a_warning(clean_doc):
    doc = edit(clean_doc, "公务接待费支出决算为1.40万元。", "公务接待费支出决算为1.40万元，完成预算的83.33%。")
    findings, _ = run(doc)
    f = only(findings, "narrative.completion")[0]
    assert f.severity == "warning" and "预算数取自表格" in f.message and f.expected == "93.33"


@pytest.mark.parametrize(
    "old, new, severity",
    [
        ("离退休人员2人，其中：离休0人，退休2人", "离退休人员2人，其中：离休0人，退休3人", "error"),  # exhaustive
        (
            "在职实有27人，其中：财政全额保障27人",
            "在职实有27人，其中：财政全额保障25人",
            "error",
        ),  # exhaustive, smaller
        ("服务采购金额96.50万元", "服务采购金额106.50万元", "error"),  # parts larger than the total
    ],
)
def test_breakdown_sums(clean_doc, old, new, severity):
    findings, _ = run(edit(clean_doc, old, new))
    f = only(findings, "narrative.breakdown_sum")[0]
    assert f.severity == severity and "其中" in f.message


def test_a_part_wrong_against_its_table_is_not_reported_again_in_its_breakdown(clean_doc):
    # 流动资产 456.42 differs from the 资产 table (356.42): one error there; the breakdown, taken
    # with the table's value, adds up (a cascade is not a second finding)
    findings, _ = run(edit(clean_doc, "其中：流动资产356.42万元", "其中：流动资产456.42万元"))
    [f] = [f for f in findings if f.severity != "info"]
    assert f.rule == "narrative.table_amounts" and f.severity == "error" and "456.42万元" in f.message
    assert not [f for f in findings if f.rule == "narrative.breakdown_sum"]


def test_breakdown_smaller_than_an_income_total_is_only_a_warning(clean_doc):
    doc = edit(clean_doc, "事业收入45.00万元，占6.65%；", "")
    findings, _ = run(doc)
    f = only(findings, "narrative.breakdown_sum")[0]
    assert f.severity == "warning" and "未列示" in f.message


def test_same_item_quoted_twice_with_different_amounts(clean_doc):
    doc = edit(clean_doc, "2024年部门本年收入合计676.97万元", "2024年部门本年收入合计686.97万元")
    findings, st = run(doc)
    f = only(findings, "narrative.repeated_figure")[0]
    assert f.severity == "warning" and "676.97万元" in f.message and "686.97万元" in f.message
    assert st["narrative.repeated_figure"].status == "fail"


# -- counts and lists -------------------------------------------------------------------------------------


def test_list_count(clean_doc):
    doc = edit(clean_doc, "本部门共设置3个内设机构", "本部门共设置4个内设机构")
    findings, _ = run(doc)
    f = only(findings, "narrative.list_count")[0]
    assert (
        f.severity == "error" and (f.expected, f.actual) == ("4", "3") and "综合科、数据资源科、平台运维科" in f.message
    )


def test_list_count_with_chinese_numeral_and_list_before_the_count(clean_doc):
    doc = edit(clean_doc, "内设综合科、数据资源科、平台运维科3个科室", "内设综合科、数据资源科、平台运维科两个科室")
    findings, _ = run(doc)
    assert only(findings, "narrative.list_count")[0].expected == "2"
    ok = edit(clean_doc, "本部门共设置3个内设机构", "本部门共设置三个内设机构")
    assert "narrative.list_count" not in rules_of(run(ok)[0])


def test_partial_list_with_deng_is_not_an_error(clean_doc):
    doc = edit(clean_doc, "包括：综合科、数据资源科、平台运维科。", "包括：综合科、数据资源科等。")
    findings, st = run(doc)
    assert "narrative.list_count" not in rules_of(findings) and st["narrative.list_count"].checked >= 1


def test_self_evaluated_projects_against_the_tables(clean_doc):
    doc = edit(clean_doc, "对1个项目开展了绩效自评", "对3个项目开展了绩效自评")
    findings, _ = run(doc)
    f = only(findings, "narrative.self_evaluated_projects")[0]
    assert (
        f.severity == "warning" and (f.actual, f.expected) == ("3", "1") and "数据共享交换平台运行维护经费" in f.message
    )


# -- text quality ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, words",
    [
        ("截至2024年12月31日，本部门在职人员编制", "截至2023年12月31日，本部门在职人员编制", "统计截至2023年"),
        ("与2023年度相比，收入支出总计", "与2022年度相比，收入支出总计", "应与上年（2023年）比较"),
        (
            "本部门为一级预算单位，无下属单位。",
            "本部门为一级预算单位，无下属单位。2022年，完成数据目录编制300项。",
            "2022年的工作情况",
        ),
    ],
)
def test_years_other_than_the_fiscal_year(clean_doc, old, new, words):
    findings, _ = run(edit(clean_doc, old, new))
    f = only(findings, "narrative.stale_year")[0]
    assert f.severity == "warning" and words in f.message


def test_years_in_titles_of_documents_are_not_findings(clean_doc):
    doc = edit(
        clean_doc,
        "本部门为一级预算单位，无下属单位。",
        "本部门为一级预算单位，无下属单位。按照《2019年数据管理办法》执行。",
    )
    assert "narrative.stale_year" not in rules_of(run(doc)[0])


@pytest.mark.parametrize(
    "old, new, severity",
    [
        ("2024年度收入支出总计676.97万元", "2024年度收入支出总计XXX万元", "error"),
        ("主要原因是项目支出增加。", "主要原因是XXXXXXXX。（如持平作持平表述）", "error"),
        ("收入支出总计增加32.17万元，增长4.99%", "收入支出总计增加（减少）32.17万元，增长（下降）4.99%", "warning"),
    ],
)
def test_template_leftovers(clean_doc, old, new, severity):
    findings, _ = run(edit(clean_doc, old, new))
    assert only(findings, "narrative.placeholder", severity)


def test_truncated_sentence_and_empty_heading(clean_doc):
    doc = edit(clean_doc, "主要原因是严格控制公务接待和公务用车支出。", "主要原因是。")
    f = only(run(doc)[0], "narrative.truncated")[0]
    assert f.severity == "warning" and "主要原因是。" in f.message
    doc = add(clean_doc, "本部门2024年度无国有资本经营预算财政拨款收入和支出。", "（四）其他需要说明的情况")
    f = only(run(doc)[0], "narrative.truncated")[0]
    assert "标题下无内容" in f.message and "其他需要说明的情况" in f.message


def test_old_classification_name(clean_doc):
    doc = edit(clean_doc, "卫生健康支出（类）17.86万元", "医疗卫生与计划生育支出（类）17.86万元")
    findings, st = run(doc)
    f = only(findings, "narrative.old_name")[0]
    assert f.severity == "warning" and "卫生健康支出" in f.message and "210" in f.message
    # the old name still maps to the 类: the amount is compared and holds
    assert "narrative.table_amounts" not in rules_of(findings)


def test_department_wording_in_a_unit_document(clean_doc):
    doc = copy.deepcopy(clean_doc)
    doc.scope = "单位"
    findings, st = run(doc)
    f = only(findings, "narrative.scope_wording")[0]
    assert f.severity == "warning" and "本部门" in f.message and st["narrative.scope_wording"].status == "fail"


def test_department_name_variant(clean_doc):
    doc = add(clean_doc, "本部门为一级预算单位，无下属单位。", "示例市数椐服务中心负责全市政务数据共享工作。")
    f = only(run(doc)[0], "narrative.department_name")[0]
    assert f.severity == "warning" and "示例市数椐服务中心" in f.message and "示例市数据服务中心" in f.message
    other = copy.deepcopy(clean_doc)
    other.tables[3].department = "示例市数据服务局"
    f = only(run(other)[0], "narrative.department_name")[0]
    assert f"《{other.tables[3].name}》表头为“示例市数据服务局”" in f.message


def test_stray_number_line(clean_doc):
    doc = add(clean_doc, "本部门为一级预算单位，无下属单位。", "10000")
    f = only(run(doc)[0], "narrative.stray_line")[0]
    assert f.severity == "warning" and f.locations[0].value == "10000"
    page_number = add(clean_doc, "本部门为一级预算单位，无下属单位。", "12")
    assert "narrative.stray_line" not in rules_of(run(page_number)[0])


def test_repeated_words(clean_doc):
    doc = edit(
        clean_doc, "主要原因是数据共享平台运行维护支出增加", "主要原因是数据共享平台数据共享平台运行维护支出增加"
    )
    f = only(run(doc)[0], "narrative.repeated_words")[0]
    assert f.severity == "info" and f.locations[0].value == "数据共享平台数据共享平台"


# -- statuses ---------------------------------------------------------------------------------------------------


def test_no_narrative_means_insufficient_data_never_pass(clean_doc):
    doc = copy.deepcopy(clean_doc)
    doc.paragraphs = []
    _, st = run(doc)
    for rid in ("narrative.table_amounts", "narrative.change", "narrative.placeholder", "narrative.list_count"):
        assert st[rid].status == "insufficient_data" and st[rid].reason, st[rid]


def test_missing_table_is_insufficient_data(clean_doc):
    doc = copy.deepcopy(clean_doc)
    doc.tables = [t for t in doc.tables if t.id not in ("three_public_stats", "three_public_general")]
    findings, st = run(doc)
    assert st["narrative.table_counts"].status == "insufficient_data"
    assert "财政拨款“三公”经费" in st["narrative.table_counts"].reason
    assert not [f for f in findings if f.rule == "narrative.table_counts"]


def test_report_json_is_additive(clean_doc):
    """check_document adds the narrative rules to the table rules; the JSON keeps its schema."""
    report = api.check_document(clean_doc)
    data = report.to_dict()
    assert data["schema"] == "juesuan.check/1"
    ids = [r["id"] for r in data["rules"]]
    assert "summary.income_total" in ids and "narrative.share" in ids and "performance.weight_total" in ids
    assert len(ids) == len(set(ids))


# -- provenance ---------------------------------------------------------------------------------------------------


def test_claims_carry_paragraph_provenance():
    doc = Disclosure(
        source="t.pdf",
        year=2024,
        variant="national",
        paragraphs=[
            Paragraph("本年收入合计100.00万元，其中：事业收入", Provenance("t.pdf", page=20, line=3)),
            Paragraph("60.00万元，其他收入40.00万元。", Provenance("t.pdf", page=21, line=1)),
        ],
    )
    ctx = narrative.analyse(doc)
    claims = ctx.ex.claims
    assert [c.raw for c in claims] == ["100.00万元", "60.00万元", "40.00万元"]
    s = claims[0].sentence
    assert s.provenance_at(claims[0].start).page == 20 and s.provenance_at(claims[1].start).page == 21
    assert ctx.out("narrative.breakdown_sum").checked == 1 and not ctx.out("narrative.breakdown_sum").findings


# -- no false alarms where the text is ambiguous -------------------------------------------------------------


def test_list_names_with_brackets_and_open_lists(clean_doc):
    doc = edit(
        clean_doc, "包括：综合科、数据资源科、平台运维科。", "包括：综合科（含财务、人事）、数据资源科、平台运维科。"
    )
    findings, st = run(doc)
    assert "narrative.list_count" not in rules_of(findings) and st["narrative.list_count"].status == "pass"
    doc = edit(
        clean_doc,
        "本部门共设置3个内设机构，包括：综合科、数据资源科、平台运维科。",
        "本部门共设置5个内设机构，包括：综合科、数据资源科、平台运维科等科室。",
    )
    assert "narrative.list_count" not in rules_of(run(doc)[0])


def test_generic_wording_inside_a_longer_name_is_not_the_total(clean_doc):
    doc = add(clean_doc, "本部门为一级预算单位，无下属单位。", "本年数据治理专项项目支出30.00万元，主要用于数据清洗。")
    ctx = narrative.analyse(doc)
    c = next(c for c in ctx.ex.claims if c.raw == "30.00万元")
    assert c.concept is None
    assert not [f for f in ctx.statuses()[0] if f.rule == "narrative.table_amounts"]


def test_change_rate_about_the_total_of_a_breakdown_is_accepted(clean_doc):
    """ "本年支出合计…，其中：…项目支出203.04万元，较上年增加32.17万元，增长4.99%": the rate is about
    the total (644.80 last year), not the last part; the check finds the figure it fits."""
    doc = add(
        clean_doc,
        "本部门为一级预算单位，无下属单位。",
        "本年支出合计676.97万元，其中：基本支出473.93万元，项目支出203.04万元，较上年增加32.17万元，增长4.99%。",
    )
    findings, st = run(doc)
    assert "narrative.change" not in rules_of(findings) and st["narrative.change"].status == "pass"


def test_an_incomplete_vehicle_list_is_only_a_warning(clean_doc):
    doc = edit(clean_doc, "共有车辆1辆。", "共有车辆3辆，其中：执法执勤用车1辆。")
    f = only(run(doc)[0], "narrative.breakdown_sum")[0]
    assert f.severity == "warning"


def test_rows_not_found_are_insufficient_data_with_the_row_named(clean_doc):
    doc = copy.deepcopy(clean_doc)
    for r in doc.table("three_public_stats").rows:
        if r.concept in (
            "abroad_groups",
            "abroad_people",
            "car_purchase_count",
            "car_stock",
            "domestic_batches",
            "domestic_people",
        ):
            r.concept = None
    findings, st = run(doc)
    assert st["narrative.table_counts"].status == "insufficient_data"
    assert "未找到“公务用车保有量（辆）”所在行" in st["narrative.table_counts"].reason
    assert not [f for f in findings if f.rule == "narrative.table_counts"]
