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


# ---- 江苏 2019 表式 (variant budget_jiangsu) ------------------------------------------------------

JS_FORMS_CN = "一二三四五六七八九十"


def _w(v: float | None) -> str:
    return "" if v is None else f"{v:,.2f}"


def jiangsu_text(
    *,
    style: str = "above",
    narrative: bool = True,
    tables: bool = True,
    three_public_slip: bool = False,
    narrative_slip: bool = False,
    performance: str | None = None,
) -> str:
    """A 江苏省 2019-form 部门预算 of our own (12 tables in 万元), as tab-separated text. ``style``:
    ``above`` prints each form number (公开01表) on the line above its title, ``glued`` prints it on the
    title's own line after it (收支预算总表公开表一), as PDF extraction glues them. Switches plant a
    "三公" 合计 that is not the sum of its parts, or a 编制说明 figure (其他资金) that is not the
    tables'; ``performance`` adds a 绩效目标 paragraph (its text as given)."""
    dept = "江苏省示例厅"
    out: list[str] = []
    if narrative:
        out += [f"{dept}2019年度部门预算", "第一部分 2019年度部门预算情况说明"]
        out.append(f"{dept}2019年度收入、支出预算总计1,050.00万元。")
        out.append("1．财政拨款收入预算总计1,000.00万元。")
        out.append("2．财政专户管理资金收入预算总计0万元。")
        other = "60" if narrative_slip else "50"
        out.append(f"3．其他资金收入预算总计{other}万元。")
        out.append("基本支出预算数为600.00万元。项目支出预算数为400.00万元。单位预留机动经费预算数为50.00万元。")
        out.append(f"{dept}2019年度财政拨款基本支出预算600.00万元，其中：人员经费500.00万元，公用经费100.00万元。")
        out.append(
            "2019年度一般公共预算拨款安排的“三公”经费预算支出中，因公出国（境）费预算10.00万元，公务接待费预算20.00万元。"
        )
        out.append(f"{dept}2019年度一般公共预算机关运行经费预算支出100.00万元。")
        if performance:
            out.append(performance)
    if not tables:
        return "\n".join(out) + "\n"
    if narrative:
        out.append("第二部分 2019年度部门预算表")
    n = 0

    def head(title: str, unit_cols: int = 1) -> None:
        nonlocal n
        n += 1
        if style == "glued":
            out.append(f"{title}公开表{JS_FORMS_CN[n - 1] if n <= 10 else '十' + JS_FORMS_CN[n - 11]}")
        else:
            out.extend([f"公开{n:02d}表", title])
        if style == "glued":  # (the 省人大 prints the label and the name in cells of their own)
            out.append(f"部门：\t{dept}" + "\t" * unit_cols + "单位：万元")
        else:
            out.append(f"部门名称：{dept}" + "\t" * unit_cols + "单位：万元")

    head("收支预算总表", 5)
    out += ["收入\t\t支出\t\t\t", "项目名称\t金额\t功能分类\t\t支出用途\t", "\t\t功能科目名称\t金额\t项目名称\t金额"]
    left = [
        ("一、财政拨款", 1000),
        ("1.一般公共预算", 1000),
        ("2.政府性基金预算", None),
        ("二、财政专户管理资金", None),
        ("三、其他资金", 50),
    ]
    mid = [
        ("一、一般公共服务支出", 800),
        ("二、外交支出", None),
        ("三、国防支出", None),
        ("四、公共安全支出", None),
        ("五、教育支出", None),
        ("六、科学技术支出", None),
        ("七、文化旅游体育与传媒支出", None),
        ("八、社会保障和就业支出", 150),
        ("九、卫生健康支出", None),
        ("十、住房保障支出", 100),
    ]
    right = [("一、基本支出", 600), ("二、项目支出", 400), ("三、单位预留机动经费", 50)]
    for k in range(len(mid)):
        a = left[k] if k < len(left) else ("", None)
        c = right[k] if k < len(right) else ("", None)
        out.append(f"{a[0]}\t{_w(a[1])}\t{mid[k][0]}\t{_w(mid[k][1])}\t{c[0]}\t{_w(c[1])}")
    out += [
        "当年收入小计\t1,050.00\t当年支出小计\t\t\t1,050.00",
        "上年结转资金\t\t结转下年资金\t\t\t",
        "收入合计\t1,050.00\t支出合计\t\t\t1,050.00",
    ]

    head("收入预算总表", 2)
    out += [
        "项目名称\t\t金额",
        "收入总计\t\t1,050.00",
        "一般公共预算资金\t小计\t1,000.00",
        "\t公共财政拨款(补助)资金\t1,000.00",
        "\t专项收入\t",
        "政府性基金\t小计\t",
        "财政专户管理资金\t小计\t",
        "\t专户管理教育收费\t",
        "\t其他非税收入\t",
        "其他资金\t小计\t50.00",
        "\t事业收入\t",
        "\t经营收入\t",
        "\t其他收入\t50.00",
        "上年结转和结余资金\t小计\t",
        "\t其中：动用上年结转和结余资金\t",
    ]

    head("支出预算总表", 4)
    out += ["合计\t基本支出\t项目支出\t单位预留机动经费\t结转下年资金", "1,050.00\t600.00\t400.00\t50.00\t"]

    head("财政拨款收支预算总表", 3)
    out += [
        "收入\t\t支出\t",
        "项目名称\t金额\t支出用途\t",
        "\t\t项目名称\t金额",
        "一、一般公共预算\t1,000.00\t一、基本支出\t600.00",
        "二、政府性基金预算\t\t二、项目支出\t350.00",
        "\t\t三、单位预留机动经费\t50.00",
        "收入合计\t1,000.00\t支出合计\t1,000.00",
    ]

    functional = [
        ("合计", "", 1000),
        ("201", "一般公共服务支出", 750),
        ("20101", "人大事务", 750),
        ("2010101", "行政运行", 500),
        ("2010102", "一般行政管理事务", 250),
        ("208", "社会保障和就业支出", 150),
        ("20805", "行政事业单位离退休", 150),
        ("2080505", "机关事业单位基本养老保险缴费支出", 150),
        ("221", "住房保障支出", 100),
        ("22102", "住房改革支出", 100),
        ("2210201", "住房公积金", 100),
    ]
    economic = [
        ("合计", "", 600),
        ("301", "工资福利支出", 450),
        ("30101", "基本工资", 200),
        ("30102", "津贴补贴", 100),
        ("30108", "机关事业单位基本养老保险缴费", 150),
        ("302", "商品和服务支出", 100),
        ("30201", "办公费", 60),
        ("30217", "公务接待费", 10),
        ("30231", "公务用车运行维护费", 30),
        ("303", "对个人和家庭的补助", 50),
        ("30302", "退休费", 50),
    ]

    def coded(title: str, header: str, rows: list[tuple[str, str, float]]) -> None:
        head(title, 2)
        out.append(header)
        for code, name, v in rows:
            out.append(f"{code}\t{name}\t{_w(v)}" if code != "合计" else f"合计\t\t{_w(v)}")
        out.append("注：“科目编码”和“科目名称”为必填项。")

    coded("财政拨款支出预算表（功能科目）", "功能科目编码\t功能科目名称\t金额", functional)
    coded("财政拨款基本支出预算表（经济科目）", "科目编码\t科目名称\t金额", economic)
    coded("一般公共预算支出预算表（功能科目）", "功能科目编码\t功能科目名称\t金额", functional)
    coded("一般公共预算基本支出预算表（经济科目）", "科目编码\t科目名称\t基本支出", economic)

    head("“三公”经费、会议费、培训费支出预算表", 8)
    total = "81.00" if three_public_slip else "80.00"
    out += [
        "合计\t“三公”经费\t\t\t\t\t\t会议费\t培训费",
        "\t小计\t因公出国（境）费\t公务用车购置及运行维护费\t\t\t公务接待费\t\t",
        "\t\t\t小计\t公务用车购置费\t公务用车运行维护费\t\t\t",
        f"{total}\t60.00\t10.00\t30.00\t\t30.00\t20.00\t15.00\t5.00",
    ]

    head("政府性基金预算财政拨款支出预算表", 2)
    out += ["功能科目编码\t功能科目名称\t金额", "合计\t\t", "此表为空\t\t"]

    coded(
        "一般公共预算机关运行经费支出预算表",
        "科目编码\t科目名称\t机关运行经费支出",
        [
            ("合计", "", 100),
            ("302", "商品和服务支出", 100),
            ("30201", "办公费", 60),
            ("30217", "公务接待费", 10),
            ("30231", "公务用车运行维护费", 30),
        ],
    )

    head("政府采购支出预算表", 5)
    out += [
        "采购品目大类\t专项名称\t经济科目\t采购物品名称\t采购组织形式\t总计",
        "合计\t\t\t\t\t60.00",
        "一、货物A\t\t\t\t\t60.00",
        "\t办公设备购置费\t办公设备购置\t\t\t60.00",
        "\t\t\t台式计算机\t分散自行组织\t60.00",
    ]
    return "\n".join(out) + "\n"
