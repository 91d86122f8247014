"""Shanghai wording: a 部门决算 of the Shanghai 9-table set with its 情况说明 as a PDF reader delivers
it (one paragraph per printed paragraph, page provenance, paragraphs cut mid-sentence at page
ends). The department, the figures and the sentences are ours; the sentence patterns follow the
Shanghai 2024 template's instructions (收入支出总计 / 与上年度相比 / 占本年支出合计的 / 完成年初预算的 /
X（类）Y（款）Z（项） / 绩效评级为“优”的项目N个 / 政府采购 / 车辆)."""

from __future__ import annotations

import copy

import pytest

from juesuan import narrative
from juesuan.model import Column, Disclosure, Paragraph, Provenance, Row, Table, make_cell
from conftest import run_narrative as run

FILE = "示范区城市管理局2024.pdf"
DEPT = "上海市示范区城市管理局"


def _prov(page: int, line: int) -> Provenance:
    return Provenance(FILE, page, line)


def _table(
    tid: str, name: str, page: int, cols: list[tuple[str, str]], rows: list[tuple], blocks: dict | None = None
) -> Table:
    t = Table(
        id=tid,
        name=name,
        title=name,
        unit="万元",
        department=None,
        provenance=_prov(page, 1),
        columns=[Column(c, h) for c, h in cols],
        block_headers=blocks or {},
    )
    for i, (label, concept, code, block, values) in enumerate(rows):
        cells = {c: make_cell(v, _prov(page, i + 2)) for c, v in values.items()}
        t.rows.append(
            Row(
                label=label,
                block=block,
                code=code,
                code_inferred=bool(code) and block == "expenditure",
                concept=concept,
                cells=cells,
                provenance=_prov(page, i + 2),
            )
        )
    return t


def tables() -> list[Table]:
    amount = [("amount", "决算数")]
    summary = _table(
        "summary",
        "收入支出决算总表",
        7,
        amount,
        [
            ("一、一般公共预算财政拨款收入", "income_general", None, "income", {"amount": "1100.00"}),
            ("本年收入合计", "income_total", None, "income", {"amount": "1100.00"}),
            ("年初结转和结余", "carry_in", None, "income", {"amount": "100.00"}),
            ("总计", "income_grand_total", None, "income", {"amount": "1200.00"}),
            ("一、一般公共服务支出", None, "201", "expenditure", {"amount": "1000.00"}),
            ("十九、住房保障支出", None, "221", "expenditure", {"amount": "80.00"}),
            ("本年支出合计", "expenditure_total", None, "expenditure", {"amount": "1080.00"}),
            ("年末结转和结余", "carry_out", None, "expenditure", {"amount": "120.00"}),
            ("总计", "expenditure_grand_total", None, "expenditure", {"amount": "1200.00"}),
        ],
        {"income": "收入", "expenditure": "支出"},
    )
    expenditure = _table(
        "expenditure",
        "支出决算表",
        10,
        [("total", "本年支出合计"), ("basic", "基本支出"), ("project", "项目支出")],
        [
            ("合计", "total", None, "main", {"total": "1080.00", "basic": "680.00", "project": "400.00"}),
            ("一般公共服务支出", None, "201", "main", {"total": "1000.00", "basic": "600.00", "project": "400.00"}),
            ("住房保障支出", None, "221", "main", {"total": "80.00", "basic": "80.00", "project": ""}),
        ],
    )
    fiscal = _table(
        "fiscal_summary",
        "财政拨款收入支出决算总表",
        12,
        [("amount", "决算数"), ("total", "合计"), ("general", "一般公共预算财政拨款")],
        [
            ("一、一般公共预算财政拨款", "income_general", None, "income", {"amount": "1100.00"}),
            ("本年收入合计", "income_total", None, "income", {"amount": "1100.00"}),
            ("总计", "income_grand_total", None, "income", {"amount": "1100.00"}),
            ("本年支出合计", "expenditure_total", None, "expenditure", {"total": "1050.00", "general": "1050.00"}),
            ("年末财政拨款结转和结余", "carry_out", None, "expenditure", {"total": "50.00", "general": "50.00"}),
            ("总计", "expenditure_grand_total", None, "expenditure", {"total": "1100.00", "general": "1100.00"}),
        ],
        {"income": "收入", "expenditure": "支出"},
    )
    general = _table(
        "general_budget",
        "一般公共预算财政拨款支出决算表",
        14,
        [("total", "合计"), ("basic", "基本支出"), ("project", "项目支出")],
        [
            ("合计", "total", None, "main", {"total": "1050.00", "basic": "650.00", "project": "400.00"}),
            ("一般公共服务支出", None, "201", "main", {"total": "970.00", "basic": "570.00", "project": "400.00"}),
            (
                "政府办公厅（室）及相关机构事务",
                None,
                "20103",
                "main",
                {"total": "970.00", "basic": "570.00", "project": "400.00"},
            ),
            ("行政运行", None, "2010301", "main", {"total": "970.00", "basic": "570.00", "project": "400.00"}),
            ("住房保障支出", None, "221", "main", {"total": "80.00", "basic": "80.00", "project": "0.00"}),
            ("住房改革支出", None, "22102", "main", {"total": "80.00", "basic": "80.00", "project": "0.00"}),
            ("住房公积金", None, "2210201", "main", {"total": "80.00", "basic": "80.00", "project": "0.00"}),
        ],
    )
    basic = _table(
        "basic",
        "一般公共预算财政拨款基本支出决算表",
        16,
        amount,
        [
            ("人员经费合计", "personnel_total", None, "personnel", {"amount": "600.00"}),
            ("公用经费合计", "public_total", None, "public", {"amount": "50.00"}),
        ],
        {"personnel": "人员经费", "public": "公用经费"},
    )
    cols = [
        (f"{item}_{b}", f"{item}/{b}")
        for item in ("total", "abroad", "car", "car_purchase", "car_operation", "reception")
        for b in ("budget", "final")
    ]
    values = {"total_budget": "3.00", "total_final": "2.40", "reception_budget": "3.00", "reception_final": "2.40"}
    three = _table(
        "three_public",
        "财政拨款“三公”经费支出决算表",
        17,
        cols,
        [
            ("", "total", None, "main", {c: values.get(c, "0.00") for c, _ in cols}),
        ],
    )
    return [summary, expenditure, fiscal, general, basic, three]


NARRATIVE = [
    (20, "第三部分上海市示范区城市管理局2024年度部门决算情况说明"),
    (20, "一、收入支出决算总体情况说明"),
    (
        20,
        "上海市示范区城市管理局2024年度收入支出总计1200.00万元。与2023年度相比，收入支出总计增加100.00万元，增长9.09%。主要原因：道路保洁项目增加。",
    ),
    (20, "二、收入决算情况说明"),
    (20, "本年收入合计1100.00万元，其中：财政拨款收入1100.00万元，占100.00%。"),
    (20, "三、支出决算情况说明"),
    (20, "本年支出合计1080.00万元，其中：基本支出680.00万元，占62.96%；项目支出400.00万元，占37.04%。"),
    (20, "四、财政拨款收入支出决算总体情况说明"),
    (
        20,
        "上海市示范区城市管理局2024年度财政拨款收入支出总计1100.00万元。与2023年度相比，财政拨款收入支出总计增加50.00万元，增长4.76。",
    ),
    (21, "五、一般公共预算财政拨款支出决算情况说明"),
    (21, "（一）一般公共预算财政拨款支出决算总体情况"),
    (21, "一般公共预算财政拨款支出1050.00万元，占本年支出合计的97.22%。"),
    (21, "（二）一般公共预算财政拨款支出决算结构情况"),
    (
        21,
        "一般公共预算财政拨款支出1050.00万元，主要用于以下方面：一般公共服务支出（类）970.00万元，占92.38%；住房保障支出（类）80.00万元，占7.62%。",
    ),
    (21, "（三）一般公共预算财政拨款支出决算具体情况"),
    (
        21,
        "一般公共预算财政拨款支出年初预算为1100.00万元，支出决算为1050.00万元，完成年初预算的95.45%。决算数小于预算数的主要原因：部分项目未完成。",
    ),
    (21, "1、一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）行政运行（项）。"),
    (
        21,
        "主要用于：机关日常运转。年初预算为1000.00万元，支出决算为970.00万元，完成年初预算的97.00%。决算数小于预算数的主要原因：厉行节约。",
    ),
    (
        21,
        "2、住房保障支出（类）住房改革支出（款）住房公积金（项）。主要用于：住房公积金缴存。年初预算为100.00万元，支出决算为80.00万元，",
    ),
    (22, "完成年初预算的80.00%。决算数小于预算数的主要原因：人员减少。"),
    (22, "六、一般公共预算财政拨款基本支出决算情况说明"),
    (
        22,
        "一般公共预算财政拨款基本支出650.00万元。其中：人员经费600.00万元，主要包括：基本工资、津贴补贴；公用经费50.00万元，主要包括：办公费。",
    ),
    (22, "七、财政拨款“三公”经费支出决算情况说明"),
    (22, "（一）“三公”经费财政拨款支出决算总体情况说明。"),
    (
        22,
        "“三公”经费财政拨款支出年初预算为3.00万元，支出决算为2.40万元，完成预算的80.00%，其中：因公出国（境）费决算为0.00万元；"
        "公务用车购置及运行维护费支出决算为0.00万元；公务接待费支出决算为2.40万元，完成预算的80.00%。",
    ),
    (22, "2024年度“三公”经费财政拨款支出决算数比2023年度减少0.60万元，下降20.00%。"),
    (23, "（二）“三公”经费财政拨款支出决算具体情况说明。"),
    (
        23,
        "“三公”经费财政拨款支出决算中，因公出国（境）费支出决算0.00万元，占0.00%；公务用车购置及运行维护费支出决算0.00万元，占0.00%；"
        "公务接待费支出决算2.40万元，占100.00%。",
    ),
    (23, "3、公务接待费支出2.40万元。其中："),
    (23, "国内公务接待支出2.40万（含外宾接待支出0.00万元）。"),
    (23, "十、预算绩效管理情况"),
    (
        23,
        "绩效自评的2024年度项目5个，涉及预算金额400.00万元，平均得分92.50分（其中，绩效评级为“优”的项目4个；绩效评级为“良”的项目1个；"
        "绩效评级为“合格”的项目0个；绩效评级为“不合格”的项目0个。绩效自评中共发现问题2个，已经完成整改的1个，正在整改的1个）。",
    ),
    (24, "十一、其他重要事项的情况说明"),
    (24, "（一）机关运行经费支出情况"),
    (24, "机关运行经费支出45.00万元，比2023年度减少5.00万元，下降10.00%。"),
    (24, "（二）政府采购支出情况"),
    (
        24,
        "上海市示范区城市管理局2024年度政府采购金额（以合同签订为准）为300.00万元，其中：货物采购金额100.00万元、工程采购金额0.00万元、服务采购金额200.00万元。",
    ),
    (24, "（三）国有资产占有使用情况说明"),
    (
        24,
        "截至2024年12月31日，上海市示范区城市管理局共有车辆0辆，其中：部级领导干部用车0辆、主要领导干部用车0辆、机要通信用车0辆、"
        "应急保障用车0辆、执法执勤用车0辆、特种专业技术用车0辆、离退休干部用车0辆、其他用车0辆。",
    ),
]


def document() -> Disclosure:
    paras = []
    line: dict[int, int] = {}
    for page, text in NARRATIVE:
        line[page] = line.get(page, 0) + 1
        paras.append(Paragraph(text, _prov(page, line[page])))
    return Disclosure(source=FILE, department=DEPT, year=2024, variant="shanghai", tables=tables(), paragraphs=paras)


@pytest.fixture(scope="module")
def shanghai_doc() -> Disclosure:
    return document()


def edit(doc: Disclosure, old: str, new: str) -> Disclosure:
    out = copy.deepcopy(doc)
    hits = [p for p in out.paragraphs if old in p.text]
    assert len(hits) == 1, old
    hits[0].text = hits[0].text.replace(old, new)
    return out


def test_shanghai_wording_holds(shanghai_doc):
    findings, st = run(shanghai_doc)
    # the only remark: "增长4.76" lacks its percent sign
    assert [(f.severity, f.rule) for f in findings] == [("info", "narrative.change")]
    assert "缺少百分号" in findings[0].message and findings[0].locations[0].page == 20
    for rid, at_least in [
        ("narrative.table_amounts", 15),
        ("narrative.change", 4),
        ("narrative.share", 9),
        ("narrative.share_sum", 3),
        ("narrative.completion", 5),
        ("narrative.breakdown_sum", 5),
        ("performance.narrative_grades", 3),
        ("narrative.department_name", 3),
    ]:
        assert st[rid].status == "pass" and st[rid].checked >= at_least, st[rid]
    # the Yunnan-only statistics are not part of the Shanghai set
    assert st["narrative.table_counts"].status == "not_applicable"
    assert st["performance.execution_rate"].status == "not_applicable"


def test_item_paths_are_compared_with_the_item_rows(shanghai_doc):
    ctx = narrative.analyse(shanghai_doc)
    items = {c.concept for c in ctx.ex.claims if c.concept and c.concept.startswith("item:")}
    assert items == {"item:2010301", "item:2210201"}
    doc = edit(shanghai_doc, "支出决算为80.00万元，", "支出决算为85.00万元，")
    findings, _ = run(doc)
    amounts = [f for f in findings if f.rule == "narrative.table_amounts"]
    assert len(amounts) == 1 and amounts[0].severity == "error"
    assert amounts[0].locations[1].row == "2210201 住房公积金" and amounts[0].locations[0].page == 21
    # the rate on the next page (joined) was computed from the table's 80.00: it holds with the
    # table's value, so the wrong 85.00 is reported once, not again in the rate
    ctx = narrative.analyse(doc)
    assert not [f for f in findings if f.rule == "narrative.completion"]
    assert ctx.outcomes["narrative.completion"].checked > 0


def test_general_basic_spending_quoted_at_all_funds(shanghai_doc):
    doc = edit(shanghai_doc, "一般公共预算财政拨款基本支出650.00万元", "一般公共预算财政拨款基本支出680.00万元")
    findings, _ = run(doc)
    f = next(f for f in findings if f.rule == "narrative.table_amounts")
    assert f.severity == "error" and f.locations[1].table == "一般公共预算财政拨款支出决算表" and f.expected == "650.00"
    # 600 + 50 ≠ 680, but 680 is already reported against the table, and with the table's 650 the
    # breakdown adds up: one wrong figure, one finding
    assert not any(x.rule == "narrative.breakdown_sum" for x in findings)


def test_template_alternative_left_in(shanghai_doc):
    doc = edit(shanghai_doc, "减少0.60万元，下降20.00%", "减少0.60万元，下降（增长）20.00%")
    findings, st = run(doc)
    f = next(f for f in findings if f.rule == "narrative.placeholder")
    assert f.severity == "warning" and "下降(增长)" in f.message
    assert st["narrative.change"].status == "pass"  # the rate itself still checks out


def test_completion_of_a_zero_budget_item(shanghai_doc):
    doc = edit(shanghai_doc, "因公出国（境）费决算为0.00万元；", "因公出国（境）费决算为0.00万元，完成预算的0.00%；")
    f = next(f for f in run(doc)[0] if f.rule == "narrative.zero_base")
    assert f.severity == "warning" and f.locations[-1].column == "abroad/budget"


def test_department_name_variant(shanghai_doc):
    doc = edit(
        shanghai_doc,
        "截至2024年12月31日，上海市示范区城市管理局共有车辆",
        "截至2024年12月31日，上海市示范区城市与管理局共有车辆",
    )
    f = next(f for f in run(doc)[0] if f.rule == "narrative.department_name")
    assert "上海市示范区城市与管理局" in f.message and f.locations[0].page == 24


def test_grade_labels_are_the_provinces(shanghai_doc):
    doc = edit(shanghai_doc, "绩效评级为“合格”的项目0个", "绩效评级为“中”的项目0个")
    f = next(f for f in run(doc)[0] if f.rule == "performance.narrative_grades")
    assert "优/良/合格/不合格" in f.message
    doc = edit(shanghai_doc, "绩效评级为“良”的项目1个", "绩效评级为“良”的项目2个")
    f = next(f for f in run(doc)[0] if f.rule == "performance.narrative_grades")
    assert (f.expected, f.actual) == ("5", "6")
    doc = edit(shanghai_doc, "已经完成整改的1个，正在整改的1个", "已经完成整改的2个，正在整改的1个")
    f = next(f for f in run(doc)[0] if f.rule == "performance.narrative_grades")
    assert "整改问题数多于发现问题数" in f.message


def test_administrative_cost_bounded_by_public_funds(shanghai_doc):
    doc = edit(
        shanghai_doc,
        "机关运行经费支出45.00万元，比2023年度减少5.00万元，下降10.00%",
        "机关运行经费支出55.00万元，比2023年度减少5.00万元，下降8.33%",
    )
    f = next(f for f in run(doc)[0] if f.rule == "narrative.table_amounts")
    assert f.severity == "warning" and "不应超过" in f.message and f.locations[1].row == "公用经费合计"


def test_wan_without_yuan_is_read_as_wan_yuan(shanghai_doc):
    ctx = narrative.analyse(shanghai_doc)
    c = next(c for c in ctx.ex.claims if c.raw == "2.40万" and c.concept == "reception_domestic")
    assert c.unit == "万" and c.display_unit == "万元" and c.yuan == 24000
