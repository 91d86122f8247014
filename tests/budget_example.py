"""A small 部门预算 disclosure of our own (Shanghai 9-table form, tables in 元, the "三公" table and
the 编制说明 in 万元), written as tab-separated text, with switches that plant errors."""

from __future__ import annotations

# 支出功能分类: (code, name, basic, project) in 元; 类 and 款 rows are the sums of their 项
ITEMS = [
    ("2010301", "行政运行", 3_000_000, 0),
    ("2010302", "一般行政管理事务", 0, 1_200_000),
    ("2080505", "机关事业单位基本养老保险缴费支出", 400_000, 0),
    ("2101101", "行政单位医疗", 200_000, 0),
    ("2210201", "住房公积金", 300_000, 0),
]
NAMES = {
    "201": "一般公共服务支出",
    "20103": "政府办公厅（室）及相关机构事务",
    "208": "社会保障和就业支出",
    "20805": "行政事业单位养老支出",
    "210": "卫生健康支出",
    "21011": "行政事业单位医疗",
    "221": "住房保障支出",
    "22102": "住房改革支出",
}
ECON = [  # (code, name, personnel, public) in 元
    ("30101", "基本工资", 2_000_000, 0),
    ("30108", "机关事业单位基本养老保险缴费", 400_000, 0),
    ("30110", "职工基本医疗保险缴费", 200_000, 0),
    ("30113", "住房公积金", 300_000, 0),
    ("30201", "办公费", 0, 900_000),
    ("30217", "公务接待费", 0, 100_000),
]
CLASS_NAMES = {"301": "工资福利支出", "302": "商品和服务支出"}


WHOLE = False  # print amounts in whole 元 (no decimals), as some budgets do


def _f(v: int) -> str:
    return f"{v:,}" if WHOLE else f"{v:,}.00"


def _rows(items: list[tuple[str, str, int, int]], names: dict[str, str]) -> list[tuple[str, str, int, int]]:
    """类, 款 and 项 rows in order, each 类/款 the sum of its 项."""
    out: list[tuple[str, str, int, int]] = []
    seen: set[str] = set()
    for code, name, a, b in items:
        for parent in (code[:3], code[:5]):
            if parent not in seen and len(parent) < len(code):
                seen.add(parent)
                kids = [(x, y) for c, _, x, y in items if c.startswith(parent)]
                out.append((parent, names[parent], sum(x for x, _ in kids), sum(y for _, y in kids)))
        out.append((code, name, a, b))
    return out


def text(
    *,
    row_sum_slip: bool = False,
    three_public_slip: bool = False,
    narrative_unit_slip: bool = False,
    old_class_name: bool = False,
    class_gap: int = 0,
    whole_yuan: bool = False,
) -> str:
    """The disclosure; each switch plants one error (a 项 whose 合计 is not 基本+项目, a "三公" 合计 that
    is not the sum of its parts, a 编制说明 figure in 万元 that is the 元 figure of the tables, a 类 of
    the 支出预算总表 ``class_gap`` 元 above its 款) or prints a variant that holds (the 总表 naming 210 by
    its former name 医疗卫生与计划生育支出; amounts in whole 元)."""
    global WHOLE
    WHOLE = whole_yuan
    fn = _rows(ITEMS, NAMES)
    basic = sum(a for *_, a, _ in [(c, n, a, b) for c, n, a, b in ITEMS])
    project = sum(b for *_, b in ITEMS)
    total = basic + project
    classes = [r for r in fn if len(r[0]) == 3]
    lines = ["示例区数据局2025年部门预算", "2025年部门预算编制说明"]
    stated = _f(total) if narrative_unit_slip else f"{total / 10000:,.2f}"
    lines.append(f"2025年，示例区数据局收入预算{stated}万元，其中：财政拨款收入{total / 10000:,.2f}万元。")
    lines.append(f"基本支出预算数为{basic / 10000:,.2f}万元，项目支出预算数为{project / 10000:,.2f}万元。")
    lines.append("“三公”经费预算数为12.00万元，其中公务接待费10.00万元。")
    lines.append(f"机关运行经费预算为{90:,.2f}万元。")

    lines += ["2025年部门财务收支预算总表", "编制部门：示例区数据局\t\t\t单位：元"]
    lines += ["本年收入\t\t本年支出\t", "项目\t预算数\t项目\t预算数"]
    left = [
        ("一、财政拨款收入", total),
        ("1. 一般公共预算资金", total),
        ("2. 政府性基金", None),
        ("3. 国有资本经营预算", None),
        ("二、事业收入", None),
        ("三、事业单位经营收入", None),
        ("四、其他收入", None),
    ]
    nums = "一二三四五六七"
    for k in range(max(len(left), len(classes))):
        lab, v = left[k] if k < len(left) else ("", None)
        name = "医疗卫生与计划生育支出" if old_class_name and k < len(classes) and classes[k][0] == "210" else ""
        name = name or (classes[k][1] if k < len(classes) else "")
        right = f"{nums[k]}、{name}\t{_f(classes[k][2] + classes[k][3])}" if k < len(classes) else "\t"
        lines.append(f"{lab}\t{_f(v) if v is not None else ''}\t{right}")
    lines.append(f"收入总计\t{_f(total)}\t支出总计\t{_f(total)}")

    def grid(title: str, head: str, rows: list[str], foot: str) -> None:
        lines.extend([title, "编制部门：示例区数据局\t\t\t\t单位：元", head, *rows, foot])

    grid(
        "2025年部门收入预算总表",
        "功能分类科目编码\t功能分类科目名称\t合计\t财政拨款收入\t事业收入\t事业单位经营收入\t其他收入",
        [f"{c}\t{n}\t{_f(a + b)}\t{_f(a + b)}\t\t\t" for c, n, a, b in fn],
        f"\t合计\t{_f(total)}\t{_f(total)}\t\t\t",
    )
    exp_rows = []
    for c, n, a, b in fn:
        t = a + b + (100_000 if row_sum_slip and c == "2010301" else 0)
        if c == "201" and class_gap:
            t, a = t + class_gap, a + class_gap  # the 类 row alone: its own 合计 = 基本 + 项目 still
        exp_rows.append(f"{c}\t{n}\t{_f(t)}\t{_f(a) if a else ''}\t{_f(b) if b else ''}")
    grid(
        "2025年部门支出预算总表",
        "功能分类科目编码\t功能分类科目名称\t合计\t基本支出\t项目支出",
        exp_rows,
        f"\t合计\t{_f(total)}\t{_f(basic)}\t{_f(project)}",
    )
    lines += ["2025年部门财政拨款收支预算总表", "编制部门：示例区数据局\t\t\t\t\t\t单位：元"]
    lines += [
        "财政拨款收入\t\t财政拨款支出",
        "项目\t预算数\t项目\t合计\t一般公共预算\t政府性基金预算\t国有资本经营预算",
    ]
    fleft = [("一、一般公共预算资金", total), ("二、政府性基金", None), ("三、国有资本经营预算", None)]
    for k in range(max(len(fleft), len(classes))):
        lab, v = fleft[k] if k < len(fleft) else ("", None)
        right = (
            f"{nums[k]}、{classes[k][1]}\t{_f(classes[k][2] + classes[k][3])}\t{_f(classes[k][2] + classes[k][3])}\t\t"
            if k < len(classes)
            else "\t\t\t\t"
        )
        lines.append(f"{lab}\t{_f(v) if v is not None else ''}\t{right}")
    lines.append(f"收入总计\t{_f(total)}\t支出总计\t{_f(total)}\t{_f(total)}\t\t")
    grid(
        "2025年部门一般公共预算支出功能分类预算表",
        "功能分类科目编码\t功能分类科目名称\t合计\t基本支出\t项目支出",
        [f"{c}\t{n}\t{_f(a + b)}\t{_f(a) if a else ''}\t{_f(b) if b else ''}" for c, n, a, b in fn],
        f"\t合计\t{_f(total)}\t{_f(basic)}\t{_f(project)}",
    )
    for title in ("政府性基金预算支出功能分类预算表", "国有资本经营预算支出功能分类预算表"):
        lines += [f"2025年部门{title}", "编制部门：示例区数据局\t\t\t\t单位：元"]
        lines += ["功能分类科目编码\t功能分类科目名称\t合计\t基本支出\t项目支出", "\t合计\t\t\t"]
        lines.append("注：本部门2025年无此类预算财政拨款安排的预算，故本表为空表。")
    econ = _rows(ECON, CLASS_NAMES)
    personnel = sum(a for _, _, a, _ in ECON)
    public = sum(b for *_, b in ECON)
    grid(
        "2025年部门一般公共预算基本支出部门预算经济分类预算表",
        "经济分类科目编码\t经济分类科目名称\t合计\t人员经费\t公用经费",
        [f"{c}\t{n}\t{_f(a + b)}\t{_f(a) if a else ''}\t{_f(b) if b else ''}" for c, n, a, b in econ],
        f"\t合计\t{_f(basic)}\t{_f(personnel)}\t{_f(public)}",
    )
    three = "13.00" if three_public_slip else "12.00"
    lines += ["2025年部门“三公”经费和机关运行经费预算表", "编制部门：示例区数据局\t\t\t\t\t\t单位：万元"]
    lines += ["合计\t因公出国(境)费\t公务接待费\t公务用车购置及运行费小计\t购置费\t运行费\t机关运行经费预算数"]
    lines += [f"{three}\t\t10.00\t2.00\t\t2.00\t90.00"]
    lines.append("注：本表金额单位为万元。")
    return "\n".join(lines) + "\n"
