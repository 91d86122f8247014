"""Generated disclosures for the check-sheet tests (juesuan.generate), with the parts a finance
bureau's checklist asks for (部门概况 with 主要职能 and 机构设置, 名词解释) and, when planted, the
generator's four table errors plus one figure of the 情况说明 changed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from juesuan.generate import document as gendoc
from juesuan.generate.derive import derive
from juesuan.generate.spec import example_spec

OVERVIEW = [
    "第一部分 部门概况",
    "一、主要职能",
    "负责全市政务数据资源的归集、治理、共享和开放，承担数据平台的建设和运行维护。",
    "二、机构设置",
    "本部门内设综合科、数据资源科和平台运维科，无下属单位。",
]
GLOSSARY = [
    "第四部分 名词解释",
    "一、财政拨款收入：指本级财政部门当年拨付的资金。",
    "二、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
]
# the narrative part whose figure is planted wrong, as the check sheet names it
NARRATIVE_PART = "编制/情况说明—收入决算情况"


def document(planted: bool) -> tuple[str, list[str]]:
    """The text of the document and the forms (公开NN表) of its planted table errors."""
    spec = example_spec()
    if planted:
        pd = gendoc.plant_errors(spec)
        text, forms = pd.text, sorted({e.form for e in pd.errors})
    else:
        text, forms = gendoc.render_text(spec), []
    lines = text.split("\n")
    title = f"{spec.department}{spec.year}年度部门决算"
    assert lines[0] == title
    lines[1:1] = [""] + [x for line in OVERVIEW for x in (line, "")]
    last = next(i for i, line in enumerate(lines) if line.startswith(f"本部门{spec.year}年度对1个项目开展了绩效自评"))
    lines[last + 1 : last + 1] = [""] + [x for line in GLOSSARY for x in (line, "")]
    text = "\n".join(lines)
    if planted:
        income = derive(spec).total.income
        printed = f"\n本年收入合计{income:.2f}万元，其中"
        assert text.count(printed) == 1
        text = text.replace(printed, f"\n本年收入合计{income + Decimal('100.00'):.2f}万元，其中")
    return text, forms


def write(folder: Path, planted: bool, pdf: bool) -> tuple[Path, list[str]]:
    """The document as text, or as a PDF (our writer: cover, 目录, tables, 情况说明)."""
    from juesuan import api

    text, forms = document(planted)
    name = "planted" if planted else "clean"
    txt = folder / f"{name}.txt"
    txt.write_text(text, encoding="utf-8")
    if not pdf:
        return txt, forms
    from juesuan.writers.pdf import write_pdf

    return write_pdf(api.load_document(txt), folder / f"{name}.pdf"), forms
