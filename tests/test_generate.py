"""Generation from a fill-in workbook (juesuan.generate, `juesuan template` / `juesuan build`).

- the template reads back as the spec it was filled with; an empty or malformed workbook (missing
  sheet, text in an amount cell, a moved header, an unknown code) and inconsistent figures are
  refused with messages naming sheet and cell, and nothing is written to the output folder;
- round trip: for each variant and output format, reading the built file gives exactly the amount
  cells of the built model, the workbook's primary figures are in it, and its check reports no
  error and no warning other than the 【请填写】 marker left on purpose;
- build.json records the workbook's and the outputs' hashes; --draft marks the outputs 草稿;
  --previous fills last year's figures from last year's disclosure.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from juesuan import api
from juesuan import synth_layouts as sl
from juesuan.cli import app
from juesuan.generate import examples, workbook as wbk
from juesuan.generate.build import sha256
from juesuan.generate.model import build_model
from juesuan.writers.pdf import NoCJKFont, find_cjk_font
from juesuan.generate.derive import Figures, derive, grand_total
from juesuan.generate.spec import D, DisclosureSpec, SpecError, example_spec

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "workbooks"
FORMATS = ("xlsx", "docx", "html", "pdf")


def _cjk_font() -> tuple[str, int] | None:
    try:
        return find_cjk_font()
    except NoCJKFont:
        return None


FONT = _cjk_font()


def _run(*args: str) -> tuple[int, str]:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def _sorted_spec(spec: DisclosureSpec) -> DisclosureSpec:
    import dataclasses

    key = lambda line: line.code  # noqa: E731
    return dataclasses.replace(
        spec,
        basic_lines=tuple(sorted(spec.basic_lines, key=key)),
        project_lines=tuple(sorted(spec.project_lines, key=key)),
    )


# --- the workbook ----------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", wbk.VARIANTS)
def test_filled_template_reads_back_as_its_spec(tmp_path: Path, variant: str) -> None:
    spec = examples.example(variant)
    path = wbk.write_template(tmp_path / "t.xlsx", variant, 2024, spec=spec)
    got = wbk.read_workbook(path)
    assert got.variant == variant
    assert _sorted_spec(got.spec) == _sorted_spec(spec)


def test_template_protects_totals_and_opens_inputs(tmp_path: Path) -> None:
    path = wbk.write_template(tmp_path / "t.xlsx", "national", 2024)
    wb = load_workbook(path)
    assert wb.sheetnames == list(wbk.SHEETS)
    ws = wb[wbk.INCOME]
    assert ws.protection.sheet and not ws.protection.password
    headers = [ws.cell(row=wbk.HEADER_ROW, column=c).value for c in range(1, 12)]
    assert headers == [
        "科目编码",
        "科目名称",
        "本年收入合计",
        "一般公共预算财政拨款",
        "政府性基金预算财政拨款",
        "国有资本经营预算财政拨款",
        "上级补助收入",
        "事业收入",
        "经营收入",
        "附属单位上缴收入",
        "其他收入",
    ]
    total = ws.cell(row=wbk.TOTAL_ROW, column=4)
    assert str(total.value).startswith("=SUM(") and total.protection.locked
    assert not ws.cell(row=wbk.FIRST_ROW, column=4).protection.locked  # an input
    assert str(ws.cell(row=wbk.FIRST_ROW, column=3).value).startswith("=SUM(")  # the row's 合计
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"decimal", "textLength"} <= kinds
    basic = wb[wbk.BASIC]
    assert basic.cell(row=wbk.FIRST_ROW, column=1).value == "301"
    assert str(basic.cell(row=wbk.FIRST_ROW, column=3).value).startswith("=SUM(")
    assert basic.cell(row=wbk.FIRST_ROW + 1, column=1).value == "30101"


def test_empty_template_names_every_missing_input(tmp_path: Path) -> None:
    path = wbk.write_template(tmp_path / "t.xlsx", "shanghai", 2024)
    with pytest.raises(wbk.WorkbookError) as exc:
        wbk.read_workbook(path)
    text = str(exc.value)
    assert "工作表“单位信息”单元格B5未填写部门（单位）名称" in text
    assert "工作表“收入决算表”单元格A6起未填任何支出功能分类科目" in text


def _example_copy(tmp_path: Path, variant: str = "yunnan") -> Path:
    return wbk.write_template(tmp_path / "填报.xlsx", variant, 2024, spec=examples.example(variant))


def _edit(path: Path, sheet: str, cell: str, value: object, remove: str | None = None) -> Path:
    wb = load_workbook(path)
    if remove:
        del wb[remove]
    else:
        wb[sheet][cell] = value
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "remove", "expected"),
    [
        (None, None, None, wbk.ASSETS, "缺少工作表“国有资产”"),
        (wbk.INCOME, "H6", "四十五", None, "工作表“收入决算表”单元格H6应填金额（数字），实际为文字“四十五”"),
        (wbk.SPENDING, "D4", "人员支出", None, "工作表“支出决算表”单元格D4应为“基本支出”"),
        (
            wbk.INCOME,
            "A8",
            "2010398",
            None,
            "工作表“收入决算表”单元格A8的科目编码“2010398”不在2024年支出功能分类科目目录中",
        ),
        (wbk.BASIC, "A7", "30199", None, "工作表“基本支出决算表”单元格A7应为经济分类科目“30101”"),
        (wbk.INCOME, "D6", 328.245, None, "工作表“收入决算表”单元格D6的金额328.245超过两位小数"),
    ],
)
def test_malformed_workbook_is_refused_naming_sheet_and_cell(
    tmp_path: Path, sheet: str | None, cell: str | None, value: object, remove: str | None, expected: str
) -> None:
    path = _edit(_example_copy(tmp_path), sheet or "", cell or "", value, remove)
    with pytest.raises(wbk.WorkbookError) as exc:
        wbk.read_workbook(path)
    assert expected in str(exc.value)
    out = tmp_path / "out"
    code, output = _run("build", str(path), "-o", str(out), "--format", "html")
    assert code == 2
    assert expected in output
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".juesuan-build-")]


def test_inconsistent_figures_are_refused_naming_the_cells(tmp_path: Path) -> None:
    # 30101 raised by 1.00: the basic economic lines no longer sum to the general-budget basic
    # spending; then 事业收入 of the first 项 raised without its spending: income ≠ spending there.
    path = _edit(_example_copy(tmp_path), wbk.BASIC, "C7", Decimal("121.36"))
    with pytest.raises(wbk.WorkbookError) as exc:
        wbk.read_workbook(path)
    assert "工作表“基本支出决算表”的合计429.93与“一般公共预算财政拨款支出决算表”基本支出合计428.93不相等" in str(
        exc.value
    )
    path = _edit(path, wbk.INCOME, "H6", 90)  # 事业收入
    with pytest.raises(wbk.WorkbookError) as exc:
        wbk.read_workbook(path)
    text = str(exc.value)
    assert (
        "科目2010350：工作表“收入决算表”单元格C6收入合计418.24与工作表“支出决算表”单元格C6支出合计373.24不相等" in text
    )
    out = tmp_path / "out"
    code, _ = _run("build", str(path), "-o", str(out))
    assert code == 2 and not out.exists()


def test_unbalanced_carry_overs_are_refused_naming_the_cells(tmp_path: Path) -> None:
    # the Shanghai example has carry-overs: 年末结转和结余 lowered by 1.00 unbalances the totals
    path = _example_copy(tmp_path, "shanghai")
    row = wbk.HEADER_ROW + 1 + [f[0] for f in wbk.INFO_FIELDS].index("carry_out")
    _edit(path, wbk.INFO, f"B{row}", Decimal("72.00"))
    with pytest.raises(wbk.WorkbookError) as exc:
        wbk.read_workbook(path)
    text = str(exc.value)
    assert "收支不平衡" in text and f"工作表“单位信息”单元格B{row}" in text
    assert "= 980.97，而本年支出合计886.97" in text


# --- build and round trip ------------------------------------------------------------------------


def _cells(doc: object) -> Counter[tuple[object, ...]]:
    """Every amount cell as (table id, row code, row label, printed column header, kind, value):
    :func:`juesuan.synth_layouts.amount_cells` keyed by the table's id (its printed name may
    follow the variant's naming)."""
    from juesuan.model import Disclosure

    assert isinstance(doc, Disclosure)
    names = {t.name: t.id for t in doc.tables}
    return Counter({(names[k[0]], *k[2:]): n for k, n in sl.amount_cells(doc).items()})


def _marker_only(report: api.Report) -> list[str]:
    """Error and warning findings other than the 【请填写】 marker left on purpose."""
    return [
        f"{f.rule}: {f.message}"
        for f in report.findings
        if f.severity in ("error", "warning") and not (f.rule == "narrative.placeholder" and "请填写" in f.message)
    ]


@pytest.fixture(scope="module", params=wbk.VARIANTS)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    variant = request.param
    tmp = tmp_path_factory.mktemp(f"build-{variant}")
    workbook = EXAMPLES / examples.file_name(variant)
    out = tmp / "out"
    formats = ",".join(f for f in FORMATS if f != "pdf" or FONT)
    code, output = _run("build", str(workbook), "-o", str(out), "--format", formats)
    assert code == 0, output
    assert "待填写" in output  # the marker left on purpose is listed
    return variant, workbook, out


def test_examples_are_what_the_generator_writes(tmp_path: Path) -> None:
    for path in examples.write_examples(tmp_path):
        got = wbk.read_workbook(path)
        assert got.spec == wbk.read_workbook(EXAMPLES / path.name).spec


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip(built: tuple[str, Path, Path], fmt: str) -> None:
    variant, workbook, out = built
    if fmt == "pdf" and FONT is None:
        pytest.skip("no CJK font found by fontconfig (install fonts-noto-cjk): PDF output cannot be written")
    spec = wbk.read_workbook(workbook).spec
    truth, _ = build_model(spec, variant)
    (path,) = out.glob(f"*.{fmt}")
    back = api.load_document(path, variant=variant)
    assert _cells(back) == _cells(truth)
    # the workbook's primary figures are printed where they belong
    income = next(t for t in back.tables if t.id == "income")
    rows = {r.code: r for r in income.rows if r.code}
    for item in spec.items:
        cells = rows[item.code].cells
        assert cells["fiscal"].value == item.general + item.fund + item.capital
        for column in ("superior", "business", "operating", "affiliated", "other"):
            got = cells.get(column)
            assert (got.value if got else None) == (getattr(item, column) or None), column
    # the 政府性基金 and 国有资本经营 tables list the 项 with those appropriations or carry-overs:
    # 年初结转和结余, 本年收入, 本年支出 (年初 + 收入 - 年末), 年末结转和结余 as the workbook gives them
    for table_id, source in (("fund", "fund"), ("state_capital", "capital")):
        table = next(t for t in back.tables if t.id == table_id)
        columns = ("carry_in", "income", "total", "carry_out")
        printed = {r.code: tuple(r.cells[c].value for c in columns) for r in table.rows if r.code and len(r.code) == 7}
        fields = (f"{source}_carry_in", source, f"{source}_spending", f"{source}_carry_out")
        expected = {
            i.code: tuple(getattr(Figures.of(i), f) for f in fields)
            for i in spec.items
            if any(getattr(Figures.of(i), f) for f in fields)
        }
        assert printed == expected
    basic = next(t for t in back.tables if t.id == "basic")
    amounts = {r.code: c.value for r in basic.rows for c in r.cells.values() if r.code and c.value}
    for line in spec.basic_lines:
        assert amounts[line.code] == line.amount
    report = api.check_document(back)
    assert _marker_only(report) == []
    assert any(f.rule == "narrative.placeholder" and "请填写" in f.message for f in report.findings)


def test_build_json_records_inputs_and_outputs(built: tuple[str, Path, Path]) -> None:
    variant, workbook, out = built
    manifest = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert manifest["workbook"]["sha256"] == sha256(workbook)
    assert manifest["variant"] == variant
    for name, digest in manifest["outputs"].items():
        assert sha256(out / name) == digest
    assert set(manifest["outputs"]) == {p.name for p in out.iterdir() if p.name != "build.json"}
    spec = wbk.read_workbook(workbook).spec
    assert manifest["figures"]["items"][0]["general"] == f"{spec.items[0].general:.2f}"
    assert manifest["rule_packs"] and all(len(v) == 64 for v in manifest["rule_packs"].values())
    assert manifest["check"]["errors"] == 0 and manifest["check"]["markers"] == 1


@pytest.mark.skipif(FONT is None, reason="no CJK font found by fontconfig (install fonts-noto-cjk)")
def test_pdf_embeds_a_subset_cjk_font_and_text_is_extractable(built: tuple[str, Path, Path]) -> None:
    import shutil

    if not shutil.which("pdffonts") or not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdffonts, pdftotext) not installed")
    _, _, out = built
    (pdf,) = out.glob("*.pdf")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    lines = fonts.splitlines()[2:]
    assert lines and all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in lines)  # emb sub uni
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "收入决算表" in text
    assert re.search(r"-\s*2\s*-", text)  # page numbers


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_variant_prints_its_form_numbers(built: tuple[str, Path, Path], fmt: str) -> None:
    from juesuan.layouts import load

    variant, _, out = built
    if fmt == "pdf" and FONT is None:
        pytest.skip("no CJK font found by fontconfig (install fonts-noto-cjk): PDF output cannot be written")
    (path,) = out.glob(f"*.{fmt}")
    back = api.load_document(path)  # the variant is found without being named
    assert back.variant == variant
    wanted = {t.table: t.printed_form for t in load().variants[variant].tables}
    assert all(wanted.values())
    assert {t.id: t.form for t in back.tables} == wanted


@pytest.mark.skipif(FONT is None, reason="no CJK font found by fontconfig (install fonts-noto-cjk)")
def test_wide_tables_are_printed_landscape(built: tuple[str, Path, Path]) -> None:
    from pypdf import PdfReader

    _, _, out = built
    (pdf,) = out.glob("*.pdf")
    orientation: dict[str, bool] = {}
    for page in PdfReader(pdf).pages:
        text = (page.extract_text() or "").replace("\x00", "")
        head = text.splitlines()[0].strip() if text.strip() else ""
        box = page.mediabox
        orientation.setdefault(head, float(box.width) > float(box.height))
    assert orientation["收入决算表"] is True  # 9 or more columns: landscape, as the official forms print it
    assert False in orientation.values()  # narrower tables and the 情况说明 stay portrait


def test_draft_marks_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    formats = "html,xlsx,docx,pdf" if FONT else "html,xlsx,docx"
    code, output = _run(
        "build", str(EXAMPLES / examples.file_name("national")), "-o", str(out), "--draft", "--format", formats
    )
    assert code == 0, output
    (html,) = out.glob("*.html")
    assert "草稿" in html.read_text(encoding="utf-8")
    assert json.loads((out / "build.json").read_text(encoding="utf-8"))["draft"] is True
    (xlsx,) = out.glob("*.xlsx")
    assert all(ws.oddHeader.center.text == "草稿" for ws in load_workbook(xlsx).worksheets)
    from docx import Document

    (docx,) = out.glob("*.docx")
    assert all(s.header.paragraphs[0].text == "草稿" for s in Document(str(docx)).sections)
    if FONT:
        (pdf,) = out.glob("*.pdf")
        import shutil

        from pypdf import PdfReader

        if not shutil.which("pdftotext"):
            pytest.skip("poppler-utils (pdftotext) not installed")
        n = len(PdfReader(pdf).pages)
        assert n >= 10
        for page in range(1, n + 1):  # every page
            text = subprocess.run(
                ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True, text=True
            ).stdout
            assert "草稿" in text, page


def test_previous_fills_last_years_figures(built: tuple[str, Path, Path], tmp_path: Path) -> None:
    variant, workbook, out = built
    (last_year,) = out.glob("*.html")
    path = tmp_path / "下年.xlsx"
    code, output = _run(
        "template", "-o", str(path), "--variant", variant, "--year", "2024", "--previous", str(last_year)
    )
    assert code == 0, output
    acc = derive(wbk.read_workbook(workbook).spec)
    ws = load_workbook(path)[wbk.INFO]
    values = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)}
    assert Decimal(str(values["上年收入支出总计（万元）"])) == grand_total(acc)
    assert Decimal(str(values["上年一般公共预算财政拨款支出（万元）"])) == acc.total.general_spending
    assert Decimal(str(values["上年一般公共预算财政拨款“三公”经费支出（万元）"])) == acc.three_public.total[2]


def test_marker_in_text_is_a_placeholder_finding(tmp_path: Path) -> None:
    spec = examples.example("yunnan")
    doc, _ = build_model(spec, "yunnan")
    found = [f for f in api.check_document(doc).findings if f.rule == "narrative.placeholder"]
    assert [f.severity for f in found] == ["error"]
    assert "决算数与年初预算数差异的主要原因" in found[0].message
    clean, _ = build_model(example_spec(), "yunnan")  # every reason given: no marker
    assert not [f for f in api.check_document(clean).findings if f.severity == "error"]


def test_no_cjk_font_refuses_pdf_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import juesuan.writers.pdf as pdf

    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)  # no fontconfig: no font to find
    out = tmp_path / "out"
    code, output = _run("build", str(EXAMPLES / examples.file_name("shanghai")), "-o", str(out), "--format", "html,pdf")
    assert code == 2
    assert "未找到中文字体，无法生成 PDF" in output and "fonts-noto-cjk" in output
    assert not out.exists()


def test_not_a_workbook_is_refused_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "填报.xlsx"
    path.write_text("不是表格", encoding="utf-8")
    code, output = _run("build", str(path), "-o", str(tmp_path / "out"))
    assert code == 2
    assert "无法读取填报表（不是有效的 .xlsx 文件）" in output and "Traceback" not in output


def test_a_finding_is_traced_to_the_workbook_rows_it_comes_from() -> None:
    from juesuan.genrun import _where
    from juesuan.results import Finding, Location

    rows = wbk.read_workbook(EXAMPLES / examples.file_name("yunnan")).item_rows
    at_class = Location(table="收入决算表", row="一般公共服务支出", column="合计", value=None, page=None, line=None)
    at_class.row_code = "201"
    finding = Finding("table.sum", "error", "合计不等于各项之和", [at_class])
    assert _where(finding, rows) == "（填报表：工作表“收入决算表”第6、7、8行）"
    elsewhere = Location(table="收入支出决算总表", row="总计", column="金额", value=None, page=None, line=None)
    assert _where(Finding("x", "error", "m", [elsewhere]), rows) == "（《收入支出决算总表》由填报表汇总生成）"


@pytest.mark.skipif(FONT is None, reason="no CJK font found by fontconfig (install fonts-noto-cjk): no charts")
def test_charts_in_pdf_and_html(built: tuple[str, Path, Path]) -> None:
    from pypdf import PdfReader

    _, _, out = built
    (html,) = out.glob("*.html")
    page = html.read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 3  # 收入结构, 支出结构, "三公" of two years
    assert "<figcaption>收入结构</figcaption>" in page
    (pdf,) = out.glob("*.pdf")
    assert sum(len(p.images) for p in PdfReader(pdf).pages) == 3


def test_previous_from_last_years_workbook_and_a_department_name_with_a_slash(tmp_path: Path) -> None:
    import dataclasses

    spec = dataclasses.replace(examples.example("national"), department="示例/数据中心")
    last = wbk.write_template(tmp_path / "上年.xlsx", "national", 2024, spec=spec)
    path = tmp_path / "下年.xlsx"
    code, output = _run("template", "-o", str(path), "--previous", str(last))
    assert code == 0, output
    acc = derive(spec)
    ws = load_workbook(path)[wbk.INFO]
    values = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)}
    assert Decimal(str(values["上年收入支出总计（万元）"])) == grand_total(acc)
    out = tmp_path / "out"
    code, output = _run("build", str(last), "-o", str(out), "--format", "html")
    assert code == 0, output
    assert [p.name for p in out.glob("*.html")] == ["示例_数据中心2024年度部门决算.html"]


# --- 财政拨款 carry-overs ------------------------------------------------------------------------


def _carry_spec(variant: str) -> DisclosureSpec:
    """The example with every income source and 财政拨款 carry-overs (一般公共预算 on a 项: 年初 20.00,
    年末 12.00; 政府性基金 30.00 / 10.00; 国有资本经营 6.00 / 9.00), as ``variant``'s department."""
    import dataclasses

    assert "shanghai" in examples.FUNDED
    return dataclasses.replace(examples.example("shanghai"), department=examples.DEPARTMENTS[variant])


def test_general_budget_carry_overs_flow_through_the_tables_and_the_narrative(tmp_path: Path) -> None:
    spec = _carry_spec("yunnan")
    carried = {i.code: (i.general_carry_in, i.general_carry_out) for i in spec.items if i.general_carry_in}
    assert carried  # the example has them
    workbook = wbk.write_template(tmp_path / "填报.xlsx", "yunnan", 2024, spec=spec)
    assert _sorted_spec(wbk.read_workbook(workbook).spec) == _sorted_spec(spec)
    out = tmp_path / "out"
    code, output = _run("build", str(workbook), "-o", str(out), "--format", "xlsx,html")
    assert code == 0, output
    truth, acc = build_model(spec, "yunnan")
    t = acc.total
    for path in (next(out.glob("*.xlsx")), next(out.glob("*.html"))):
        back = api.load_document(path, variant="yunnan")
        assert _cells(back) == _cells(truth)
        general = next(x for x in back.tables if x.id == "general_budget")
        rows = {r.code: r for r in general.rows if r.code and len(r.code) == 7}
        for code, (carry_in, carry_out) in carried.items():
            cells = rows[code].cells
            assert (cells["carry_in"].value, cells["carry_out"].value) == (carry_in, carry_out)
            assert cells["income"].value + carry_in - carry_out == cells["total"].value
        fiscal = {r.concept: r.cells for r in next(x for x in back.tables if x.id == "fiscal_summary").rows}
        assert fiscal["carry_in_general"]["amount"].value == t.general_carry_in
        assert fiscal["carry_in"]["amount"].value == t.fiscal_carry_in  # with the other sources'
        assert fiscal["carry_out"]["general"].value == t.general_carry_out
        assert fiscal["expenditure_total"]["general"].value == t.general + t.general_carry_in - t.general_carry_out
        assert fiscal["income_grand_total"]["amount"].value == fiscal["expenditure_grand_total"]["total"].value
        text = "".join(p.text for p in back.paragraphs)
        assert f"年初财政拨款结转和结余{t.fiscal_carry_in:.2f}万元" in text
        assert f"年末财政拨款结转和结余{t.fiscal_carry_out:.2f}万元" in text
        assert f"一般公共预算财政拨款支出{t.general_spending:.2f}万元" in text
        assert _marker_only(api.check_document(back)) == []


def test_carry_overs_larger_than_the_departments_are_refused_naming_the_cells(tmp_path: Path) -> None:
    import dataclasses

    spec = _carry_spec("yunnan")
    balances = dataclasses.replace(spec.balances, carry_in=D("50.00"), carry_out=D("38.00"))
    spec = dataclasses.replace(spec, balances=balances)
    with pytest.raises(SpecError, match="财政拨款年初/年末结转和结余 56.00/31.00 exceed"):
        derive(spec)
    path = tmp_path / "填报.xlsx"
    wbk.write_template(path, "yunnan", 2024, spec=_carry_spec("yunnan"))
    wb = load_workbook(path)
    ws = wb[wbk.INFO]
    # the department's carry-overs both 54.00 lower: still balanced, but less than the 财政拨款 年初 56.00
    for label, value in (("年初结转和结余", 50), ("年末结转和结余", 38)):
        row = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(row=r, column=1).value).startswith(label))
        ws.cell(row=row, column=2).value = value
    wb.save(path)
    with pytest.raises(wbk.WorkbookError) as err:
        wbk.read_workbook(path)
    message = "\n".join(err.value.messages)
    assert f"工作表“{wbk.GENERAL}”单元格F5" in message and "年初财政拨款结转和结余56.00" in message


@pytest.mark.parametrize("source", ["workbook", "disclosure"])
def test_previous_years_carry_outs_are_this_years_carry_ins(tmp_path: Path, source: str) -> None:
    spec = _carry_spec("yunnan")
    last = wbk.write_template(tmp_path / "上年.xlsx", "yunnan", 2024, spec=spec)
    if source == "disclosure":
        code, output = _run("build", str(last), "-o", str(tmp_path / "out"), "--format", "html")
        assert code == 0, output
        (last,) = (tmp_path / "out").glob("*.html")
    path = tmp_path / "下年.xlsx"
    code, output = _run("template", "-o", str(path), "--variant", "yunnan", "--year", "2024", "--previous", str(last))
    assert code == 0, output
    wb = load_workbook(path)
    info = {r[0].value: r[1].value for r in wb[wbk.INFO].iter_rows(min_row=1, max_col=2)}
    assert (
        Decimal(str(next(v for k, v in info.items() if k and k.startswith("年初结转和结余"))))
        == spec.balances.carry_out
    )
    general = wb[wbk.GENERAL]
    income = wb[wbk.INCOME]
    carried = {
        income.cell(row=r, column=1).value: Decimal(str(general.cell(row=r, column=6).value))
        for r in range(wbk.FIRST_ROW, wbk.FIRST_ROW + wbk.ITEM_ROWS)
        if income.cell(row=r, column=1).value and general.cell(row=r, column=6).value
    }
    assert carried == {i.code: i.general_carry_out for i in spec.items if i.general_carry_out}
    # the 政府性基金 and 国有资本经营 年末 are this year's 年初 on their sheets
    for _, source, sheet in _SOURCES:
        ws = wb[sheet]
        got = {
            income.cell(row=r, column=1).value: Decimal(str(ws.cell(row=r, column=3).value))
            for r in range(wbk.FIRST_ROW, wbk.FIRST_ROW + wbk.ITEM_ROWS)
            if income.cell(row=r, column=1).value and ws.cell(row=r, column=3).value
        }
        want = {i.code: getattr(i, f"{source}_carry_out") for i in spec.items if getattr(i, f"{source}_carry_out")}
        assert want and got == want


# --- 政府性基金 and 国有资本经营 carry-overs -------------------------------------------------------

_SOURCES = (("fund", "fund", wbk.FUND), ("state_capital", "capital", wbk.CAPITAL))


@pytest.fixture(scope="module", params=wbk.VARIANTS)
def fund_built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, DisclosureSpec, Path, Path]:
    """The example with 政府性基金 and 国有资本经营 carry-overs as ``variant``'s department, written
    as a workbook and built in every format."""
    variant = request.param
    tmp = tmp_path_factory.mktemp(f"fund-{variant}")
    spec = _carry_spec(variant)
    workbook = wbk.write_template(tmp / "填报.xlsx", variant, 2024, spec=spec)
    out = tmp / "out"
    formats = ",".join(f for f in FORMATS if f != "pdf" or FONT)
    code, output = _run("build", str(workbook), "-o", str(out), "--format", formats)
    assert code == 0, output
    return variant, spec, workbook, out


def test_fund_carry_overs_are_read_from_their_sheets(tmp_path: Path) -> None:
    spec = _carry_spec("national")
    t = derive(spec).total
    assert (t.fund_carry_in, t.fund_carry_out, t.capital_carry_in, t.capital_carry_out) != (0, 0, 0, 0)
    path = wbk.write_template(tmp_path / "填报.xlsx", "national", 2024, spec=spec)
    wb = load_workbook(path)
    for _, source, sheet in _SOURCES:
        ws = wb[sheet]
        # headers from the layouts data; 年初 and 年末 open for input, the rest formulas
        assert [ws.cell(row=wbk.HEADER_ROW, column=c).value for c in range(1, 7)] == [
            "科目编码",
            "科目名称",
            "年初结转和结余",
            "本年收入",
            "合计",
            "年末结转和结余",
        ]
        row = wbk.FIRST_ROW + next(k for k, i in enumerate(spec.items) if getattr(i, source))
        item = spec.items[row - wbk.FIRST_ROW]
        assert Decimal(str(ws.cell(row=row, column=3).value)) == getattr(item, f"{source}_carry_in")
        assert Decimal(str(ws.cell(row=row, column=6).value)) == getattr(item, f"{source}_carry_out")
        assert str(ws.cell(row=row, column=4).value).startswith(f"='{wbk.INCOME}'!")
        assert ws.cell(row=row, column=5).value == f"=C{row}+D{row}-F{row}"
        assert not ws.cell(row=row, column=3).protection.locked
        assert ws.cell(row=row, column=5).protection.locked
    assert _sorted_spec(wbk.read_workbook(path).spec) == _sorted_spec(spec)


@pytest.mark.parametrize("fmt", FORMATS)
def test_fund_carry_overs_round_trip(fund_built: tuple[str, DisclosureSpec, Path, Path], fmt: str) -> None:
    variant, spec, workbook, out = fund_built
    if fmt == "pdf" and FONT is None:
        pytest.skip("no CJK font found by fontconfig (install fonts-noto-cjk): PDF output cannot be written")
    assert _sorted_spec(wbk.read_workbook(workbook).spec) == _sorted_spec(spec)
    truth, acc = build_model(spec, variant)
    t = acc.total
    (path,) = out.glob(f"*.{fmt}")
    back = api.load_document(path, variant=variant)
    assert _cells(back) == _cells(truth)
    tables = {x.id: x for x in back.tables}
    for table_id, source, _ in _SOURCES:
        rows = {r.code: r.cells for r in tables[table_id].rows if r.code and len(r.code) == 7}
        total = next(r.cells for r in tables[table_id].rows if r.concept == "total")
        for item in spec.items:
            f = Figures.of(item)
            flow = (getattr(f, f"{source}_carry_in"), getattr(f, source), getattr(f, f"{source}_spending"))
            flow += (getattr(f, f"{source}_carry_out"),)
            if any(flow):
                cells = rows[item.code]
                assert tuple(cells[c].value for c in ("carry_in", "income", "total", "carry_out")) == flow
                assert cells["project"].value == flow[2]
        assert total["carry_in"].value == getattr(t, f"{source}_carry_in")
        assert total["carry_out"].value == getattr(t, f"{source}_carry_out")
    fiscal = {r.concept: r.cells for r in tables["fiscal_summary"].rows if r.concept}
    assert fiscal["carry_in"]["amount"].value == t.fiscal_carry_in
    for source in ("general", "fund", "capital"):
        assert fiscal[f"carry_in_{source}"]["amount"].value == getattr(t, f"{source}_carry_in")
        assert fiscal["carry_out"][source].value == getattr(t, f"{source}_carry_out")
        assert fiscal["expenditure_total"][source].value == getattr(t, f"{source}_spending")
    assert fiscal["carry_out"]["total"].value == t.fiscal_carry_out
    assert fiscal["income_grand_total"]["amount"].value == t.fiscal + t.fiscal_carry_in
    assert fiscal["expenditure_grand_total"]["total"].value == t.fiscal_spending + t.fiscal_carry_out
    text = "".join(p.text for p in back.paragraphs)
    assert f"年初财政拨款结转和结余{t.fiscal_carry_in:.2f}万元" in text
    assert f"年末财政拨款结转和结余{t.fiscal_carry_out:.2f}万元" in text
    for name, source in (("政府性基金预算财政拨款", "fund"), ("国有资本经营预算财政拨款", "capital")):
        assert f"{name}年初结转和结余{getattr(t, f'{source}_carry_in'):.2f}万元" in text
        assert f"{name}支出{getattr(t, f'{source}_spending'):.2f}万元" in text
        assert f"{name}年末结转和结余{getattr(t, f'{source}_carry_out'):.2f}万元" in text
    report = api.check_document(back)
    assert _marker_only(report) == []
    passed = {r.id for r in report.rules if r.status == "pass"}
    assert {
        "fund.flow",
        "state_capital.flow",
        "cross.fiscal_fund.carry_in",
        "cross.fiscal_fund.carry_out",
        "cross.fiscal_capital.carry_in",
        "cross.fiscal_capital.carry_out",
        "fiscal_summary.flow.fund",
        "fiscal_summary.flow.capital",
    } <= passed


def _fund_row(spec: DisclosureSpec, source: str) -> int:
    return wbk.FIRST_ROW + next(k for k, i in enumerate(spec.items) if getattr(i, source))


@pytest.mark.parametrize(
    ("source", "sheet", "available"), [("fund", wbk.FUND, "150.00"), ("capital", wbk.CAPITAL, "21.00")]
)
def test_fund_carry_out_above_what_is_available_is_refused(
    tmp_path: Path, source: str, sheet: str, available: str
) -> None:
    spec = _carry_spec("shanghai")
    path = wbk.write_template(tmp_path / "填报.xlsx", "shanghai", 2024, spec=spec)
    row = _fund_row(spec, source)
    _edit(path, sheet, f"F{row}", Decimal(available) + Decimal("0.01"))
    with pytest.raises(wbk.WorkbookError) as err:
        wbk.read_workbook(path)
    message = "\n".join(err.value.messages)
    assert f"工作表“{sheet}”单元格F{row}" in message
    assert f"年末结转和结余{Decimal(available) + Decimal('0.01')}大于可用的{available}" in message
    assert f"工作表“{sheet}”单元格C{row}年初结转和结余" in message
    out = tmp_path / "out"
    code, output = _run("build", str(path), "-o", str(out), "--format", "html")
    assert code == 2 and f"单元格F{row}" in output
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".juesuan-build-")]


def test_fund_carry_ins_above_the_departments_are_refused_naming_the_cells(tmp_path: Path) -> None:
    spec = _carry_spec("shanghai")
    path = wbk.write_template(tmp_path / "填报.xlsx", "shanghai", 2024, spec=spec)
    row = _fund_row(spec, "fund")
    # 政府性基金 年初 and 年末 both 50.00 higher: the 项 still spends 140.00 and the totals balance,
    # but the 财政拨款 年初 (106.00) now exceeds the department's (104.00)
    _edit(path, wbk.FUND, f"C{row}", Decimal("80.00"))
    _edit(path, wbk.FUND, f"F{row}", Decimal("60.00"))
    with pytest.raises(wbk.WorkbookError) as err:
        wbk.read_workbook(path)
    message = "\n".join(err.value.messages)
    assert "年初财政拨款结转和结余106.00" in message
    assert f"工作表“{wbk.GENERAL}”单元格F5+工作表“{wbk.FUND}”单元格C5+工作表“{wbk.CAPITAL}”单元格C5" in message
    assert "大于单位的年初结转和结余104.00" in message
    import dataclasses

    items = tuple(
        dataclasses.replace(i, fund_carry_in=D("80.00"), fund_carry_out=D("60.00")) if i.fund else i for i in spec.items
    )
    with pytest.raises(SpecError, match="财政拨款年初/年末结转和结余 106.00/81.00 exceed the department's"):
        derive(dataclasses.replace(spec, items=items))


def test_a_workbook_of_the_earlier_template_serves_as_previous_but_is_not_built(tmp_path: Path) -> None:
    # last year's workbook, written before the 政府性基金 / 国有资本经营 sheets existed
    last = wbk.write_template(tmp_path / "上年.xlsx", "national", 2024, spec=examples.example("national"))
    wb = load_workbook(last)
    for sheet in wbk.LATER_SHEETS:
        del wb[sheet]
    wb.save(last)
    path = tmp_path / "下年.xlsx"
    code, output = _run("template", "-o", str(path), "--previous", str(last))
    assert code == 0, output
    info = {r[0].value: r[1].value for r in load_workbook(path)[wbk.INFO].iter_rows(min_row=1, max_col=2)}
    assert Decimal(str(info["上年收入支出总计（万元）"])) == grand_total(derive(examples.example("national")))
    out = tmp_path / "out"
    code, output = _run("build", str(last), "-o", str(out), "--format", "html")
    assert code == 2 and f"缺少工作表“{wbk.FUND}”" in output and not out.exists()


# --- the text writer and the table layout function -------------------------------------------------


@pytest.mark.parametrize("variant", wbk.VARIANTS)
def test_text_writer_reads_back_as_the_model(tmp_path: Path, variant: str) -> None:
    from juesuan.writers.text import write_text

    truth, _ = build_model(examples.example(variant), variant)
    back = api.load_document(write_text(truth, tmp_path / "公开.txt"), variant=variant)
    assert _cells(back) == _cells(truth)
    assert [t.id for t in back.tables] == [t.id for t in truth.tables]
    assert [t.form for t in back.tables] == [t.form for t in truth.tables]
    assert [p.text for p in back.paragraphs] == [p.text for p in truth.paragraphs]
    assert len(back.performance) == len(truth.performance)


def test_layout_table_takes_columns_headers_and_form_numbers_from_the_data() -> None:
    from juesuan.generate.tables import LayoutError, Line, layout_table

    values = {"total": Decimal("5.00"), "fiscal": Decimal("5.00"), "superior": Decimal("0")}
    seven = dict.fromkeys(("business", "operating", "affiliated", "other"), None)
    table = layout_table("income", [Line("合计", {**values, **seven}, concept="total")], variant="national")
    assert [c.id for c in table.columns] == [
        "total",
        "fiscal",
        "superior",
        "business",
        "operating",
        "affiliated",
        "other",
    ]
    assert (table.form, table.name) == ("公开02表", "收入决算表")
    # with a value for 事业收入/其中 the 8-column set of the layout is the one that fits
    table = layout_table("income", [Line("合计", {**values, **seven, "business_of_which": None})], variant="yunnan")
    assert [c.header for c in table.columns][3:5] == ["事业收入/小计", "事业收入/其中"]
    cells = table.rows[0].cells
    assert (cells["total"].raw, cells["superior"].kind, cells["superior"].value) == ("5.00", "blank", None)
    with pytest.raises(LayoutError):
        layout_table("income", [Line("合计", {"nothing": Decimal(1)})], variant="yunnan")
