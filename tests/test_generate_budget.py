"""The generator's budget variant (issue 18): ``juesuan template --variant budget_shanghai|
budget_national`` and ``juesuan build`` of a budget workbook. Round trip for each budget variant and
output format (every amount cell read back as built, the workbook's figures where they belong, the
kind and variant detected, ``check`` clean but for the marker left on purpose), the drafted 编制说明
checked by the budget narrative checks, and refusals of malformed or inconsistent workbooks naming
sheet and cell with nothing written."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from juesuan import api
from juesuan import synth_layouts as sl
from juesuan.cli import app
from juesuan.generate import budget_examples as bex
from juesuan.generate import budget_workbook as bwb
from juesuan.generate.budget import build_budget_model
from juesuan.generate.workbook import WorkbookError
from juesuan.writers.pdf import NoCJKFont, find_cjk_font

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "workbooks"
FORMATS = ("xlsx", "docx", "html", "pdf")


def _font() -> tuple[str, int] | None:
    try:
        return find_cjk_font()
    except NoCJKFont:
        return None


FONT = _font()


def _run(*args: str) -> tuple[int, str]:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def _workbook(tmp: Path, variant: str) -> Path:
    """The example workbook of ``variant``: the one in examples/ for Shanghai, written for the other."""
    if variant == "budget_shanghai":
        return EXAMPLES / bex.file_name(variant)
    return bwb.write_budget_template(tmp / bex.file_name(variant), variant, 2025, spec=bex.example_budget(variant))


def _cells(doc: object) -> Counter[tuple[object, ...]]:
    from juesuan.model import Disclosure

    assert isinstance(doc, Disclosure)
    names = {t.name: t.id for t in doc.tables}
    return Counter({(names[k[0]], *k[2:]): n for k, n in sl.amount_cells(doc).items()})


def _unexpected(report: api.Report) -> list[str]:
    return [
        f"{f.rule}: {f.message}"
        for f in report.findings
        if f.severity in ("error", "warning") and not (f.rule == "narrative.placeholder" and "请填写" in f.message)
    ]


@pytest.fixture(scope="module", params=bex.DEPARTMENTS)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    variant = request.param
    tmp = tmp_path_factory.mktemp(variant)
    workbook = _workbook(tmp, variant)
    out = tmp / "out"
    formats = ",".join(f for f in FORMATS if f != "pdf" or FONT)
    code, output = _run("build", str(workbook), "-o", str(out), "--format", formats)
    assert code == 0, output
    assert "待填写" in output and "“三公”经费预算变动的主要原因" in output  # the reason left on purpose
    return variant, workbook, out


def test_example_is_what_the_generator_writes(tmp_path: Path) -> None:
    (path,) = bex.write_budget_examples(tmp_path)
    assert bwb.read_budget_workbook(path).spec == bwb.read_budget_workbook(EXAMPLES / path.name).spec


@pytest.mark.parametrize("variant", bex.DEPARTMENTS)
def test_filled_template_reads_back_as_its_spec(tmp_path: Path, variant: str) -> None:
    spec = bex.example_budget(variant)
    path = bwb.write_budget_template(tmp_path / "b.xlsx", variant, spec.year, spec=spec)
    got = bwb.read_budget_workbook(path)
    assert got.variant == variant
    assert got.spec == spec


@pytest.mark.parametrize("fmt", FORMATS)
def test_budget_round_trip(built: tuple[str, Path, Path], fmt: str) -> None:
    variant, workbook, out = built
    if fmt == "pdf" and FONT is None:
        pytest.skip("no CJK font found by fontconfig (install fonts-noto-cjk): PDF output cannot be written")
    spec = bwb.read_budget_workbook(workbook).spec
    truth, acc = build_budget_model(spec, variant)
    (path,) = out.glob(f"*.{fmt}")
    back = api.load_document(path)  # kind, scope and variant detected from the document itself
    assert (back.kind, back.scope, back.variant) == ("预算", "部门", variant)
    assert [t.id for t in back.tables] == [t.id for t in truth.tables]
    assert [t.unit for t in back.tables] == ["元"] * 8 + ["万元"]
    assert not [t.id for t in back.tables if t.reading_problems]
    assert _cells(back) == _cells(truth)
    # the workbook's primary figures are printed where they belong
    tables = {t.id: t for t in back.tables}

    def by_code(table_id: str) -> dict[str, dict[str, Decimal | None]]:
        return {r.code: {k: c.value for k, c in r.cells.items()} for r in tables[table_id].rows if r.code}

    income, spending, general = by_code("budget_income"), by_code("budget_expenditure"), by_code("budget_general")
    for item in spec.items:
        assert income[item.code]["business"] == item.business and income[item.code]["other"] == item.other
        assert spending[item.code]["basic"] == item.basic and spending[item.code]["project"] == item.project
        if item.general:
            assert (general[item.code]["basic"], general[item.code]["project"]) == (
                item.general_basic,
                item.general_project,
            )
        else:
            assert item.code not in general
    for table_id, source in (("budget_fund", "fund"), ("budget_capital", "capital")):
        printed = {c: v["total"] for c, v in by_code(table_id).items() if len(c) == 7}
        assert printed == {i.code: getattr(i, source) for i in spec.items if getattr(i, source)}
    economic = by_code("budget_basic")
    for line in spec.economic:
        assert (economic[line.code]["personnel"], economic[line.code]["public"]) == (line.personnel, line.public)
    (row,) = tables["budget_three_public"].rows
    tp = spec.three_public
    assert {k: c.value for k, c in row.cells.items()} == {
        "total": tp.total,
        "abroad": tp.abroad,
        "reception": tp.reception,
        "car": tp.car,
        "car_purchase": tp.car_purchase,
        "car_operation": tp.car_operation,
        "operation_cost": tp.operation_cost,
    }
    # one 项目支出绩效目标表 per project, read back as such
    assert [(p.kind, p.fields.get("项目名称")) for p in back.performance] == [("target", t.name) for t in spec.targets]
    report = api.check_document(back)
    assert _unexpected(report) == []
    assert any(f.rule == "narrative.placeholder" and "请填写" in f.message for f in report.findings)
    # the 编制说明's project count checked against the tables attached
    target = next(s for s in report.rules if s.id == "narrative.target_projects")
    assert (target.status, target.checked) == ("pass", 1)
    # the budget rule pack ran on the tables
    assert {s.id for s in report.rules if s.status == "pass"} >= {
        "budget_summary.balanced",
        "budget_cross.general_basic.total",
        "budget_three_public.total",
        "budget_expenditure.hierarchy",
    }
    del acc


def test_drafted_text_passes_the_budget_narrative_checks(built: tuple[str, Path, Path]) -> None:
    variant, workbook, out = built
    (path,) = out.glob("*.html")
    report = api.check(path)
    status = {s.id: s for s in report.rules}
    # every figure of the 编制说明 compared with the tables (元 tables, 万元 text), the year-on-year
    # changes against last year's budget with their direction words, shares and their sum
    assert status["narrative.table_amounts"].status == "pass" and status["narrative.table_amounts"].checked >= 15
    assert status["narrative.unit_slip"].status == "pass"
    for rule in ("narrative.change", "narrative.direction"):
        assert status[rule].status == "pass" and status[rule].checked >= 6, rule
    assert status["narrative.share"].status == "pass" and status["narrative.share"].checked >= 2
    text = "\n".join(p.text for p in report.document.paragraphs)
    assert "比2024年预算增加37.35万元，增长5.98%" in text  # 662.35 against 625.00
    assert "“三公”经费预算数为10.20万元，比2024年预算减少18.30万元，下降64.21%" in text
    assert "机关运行经费预算为60.12万元" in text
    assert "编报绩效目标的项目4个，涉及项目预算资金218.05万元" in text


def test_build_json_and_file_names(built: tuple[str, Path, Path]) -> None:
    variant, workbook, out = built
    manifest = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert manifest["variant"] == variant
    assert manifest["check"]["errors"] == 0 and manifest["check"]["markers"] == 1
    assert "rules/budget.yaml" in manifest["rule_packs"]
    assert manifest["figures"]["department"] == bex.DEPARTMENTS[variant]
    assert all(
        name.endswith(("2025年部门预算.xlsx", "2025年部门预算.docx", "2025年部门预算.html", "2025年部门预算.pdf"))
        for name in manifest["outputs"]
    )


def test_charts_in_html(built: tuple[str, Path, Path]) -> None:
    if FONT is None:
        pytest.skip("no CJK font: no charts")
    _, _, out = built
    (html,) = out.glob("*.html")
    page = html.read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3 and "收入预算结构" in page


def test_unit_budget_scope_is_printed_and_detected(tmp_path: Path) -> None:
    spec = dataclasses.replace(bex.example_budget(), scope="单位")
    spec = dataclasses.replace(spec, notes=dataclasses.replace(spec.notes, organisation="本单位内设3个科室。"))
    path = bwb.write_budget_template(tmp_path / "u.xlsx", "budget_shanghai", 2025, spec=spec)
    out = tmp_path / "out"
    code, output = _run("build", str(path), "-o", str(out), "--format", "xlsx")
    assert code == 0, output
    (xlsx,) = out.glob("*2025年单位预算.xlsx")
    report = api.check(xlsx)
    assert (report.document.kind, report.document.scope) == ("预算", "单位")
    assert report.document.tables[0].title == "2025年预算单位财务收支预算总表"
    assert _unexpected(report) == []


# --- refusals ------------------------------------------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    spec = bex.example_budget()
    return bwb.write_budget_template(tmp_path / "预算填报.xlsx", "budget_shanghai", 2025, spec=spec)


def _edit(path: Path, sheet: str, cell: str, value: object, remove: str | None = None) -> Path:
    wb = load_workbook(path)
    if remove:
        del wb[remove]
    else:
        wb[sheet][cell] = value
    wb.save(path)
    return path


def _refused(tmp_path: Path, path: Path, expected: str) -> None:
    with pytest.raises(WorkbookError) as exc:
        bwb.read_budget_workbook(path)
    assert expected in str(exc.value)
    out = tmp_path / "out"
    code, output = _run("build", str(path), "-o", str(out), "--format", "html")
    assert code == 2
    assert expected in output
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".juesuan-build-")]


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "remove", "expected"),
    [
        (None, None, None, bwb.SANGONG, "缺少工作表“三公经费”"),
        (bwb.FUNCTIONS, "J8", "十二万", None, "工作表“功能分类预算”单元格J8应填金额（数字），实际为文字“十二万”"),
        (bwb.FUNCTIONS, "D4", "基本支出", None, "工作表“功能分类预算”单元格D4应为“一般公共预算：基本支出”"),
        (
            bwb.FUNCTIONS,
            "A7",
            "2010398",
            None,
            "工作表“功能分类预算”单元格A7的科目编码“2010398”不在2024年支出功能分类科目目录中",
        ),
        (bwb.FUNCTIONS, "A7", "20103", None, "工作表“功能分类预算”单元格A7的科目编码“20103”不是7位“项”级科目"),
        (bwb.ECONOMIC, "A7", "30199", None, "工作表“基本支出经济分类”单元格A7应为经济分类科目“30101”"),
        (
            bwb.FUNCTIONS,
            "D6",
            3214600.125,
            None,
            "工作表“功能分类预算”单元格D6的金额3214600.125超过两位小数（单位：元）",
        ),
        (bwb.SANGONG, "B6", -3, None, "工作表“三公经费”单元格B6的金额-3为负数"),
        (bwb.INFO, "B9", 2025, None, "工作表“单位信息”单元格B9的预算范围应为“部门”或“单位”"),
    ],
)
def test_malformed_budget_workbook_is_refused_naming_sheet_and_cell(
    tmp_path: Path, sheet: str | None, cell: str | None, value: object, remove: str | None, expected: str
) -> None:
    _refused(tmp_path, _edit(_copy(tmp_path), sheet or "", cell or "", value, remove), expected)


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "expected"),
    [
        # 30101 raised by 1 元: the economic lines no longer sum to the 一般公共预算基本支出
        (
            bwb.ECONOMIC,
            "D7",
            1_725_001,
            "工作表“基本支出经济分类”的合计4,283,001.00元（单元格C5）与工作表“功能分类预算”的一般公共预算基本支出"
            "合计4,283,000.00元（单元格D5）不相等（相差1.00元）",
        ),
        # 其他收入 of 住房公积金 lowered under the part of it said to go to 基本支出
        (
            bwb.FUNCTIONS,
            "L14",
            30_000,
            "科目2210201：工作表“功能分类预算”单元格M14的用于基本支出40,000.00元大于事业收入、事业单位经营收入和其他收入之和30,000.00元",
        ),
        # a 公务接待费 budget under the 30217 公务接待费 of the economic table (1.20万元 = 12,000元)
        (
            bwb.SANGONG,
            "B7",
            Decimal("1.00"),
            "工作表“三公经费”单元格B7的公务接待费预算1.00万元小于工作表“基本支出经济分类”30217公务接待费12,000.00元",
        ),
        # 人员经费 of a 公用经费 line
        (bwb.ECONOMIC, "E7", 5, "工作表“基本支出经济分类”单元格E7：30101属于人员经费，不应填在公用经费列"),
        # 绩效目标 projects' funds above the whole 项目支出
        (bwb.NOTES, "B14", 9_999_999, "的绩效目标项目资金9,999,999.00元大于项目支出预算合计2,300,500.00元"),
        # the projects listed on the 绩效目标 sheet and their number typed again in 说明填写
        (bwb.NOTES, "B13", 4, "已在工作表“绩效目标”中填了4个项目：工作表“说明填写”单元格B13和"),
        # a project's funds above the 项目支出 of its 项
        (
            bwb.TARGETS,
            "C8",
            600_000,
            "工作表“绩效目标”中科目2010350的项目资金合计600,000.00元大于工作表“功能分类预算”第8行该科目的项目支出580,500.00元",
        ),
        # a project under a 项 the budget does not have
        (bwb.TARGETS, "B9", "2010399", "工作表“绩效目标”单元格B9的科目编码“2010399”不是“功能分类预算”中填报的科目"),
    ],
)
def test_inconsistent_budget_figures_are_refused_naming_the_cells(
    tmp_path: Path, sheet: str, cell: str, value: object, expected: str
) -> None:
    _refused(tmp_path, _edit(_copy(tmp_path), sheet, cell, value), expected)


def test_blank_template_names_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "空白.xlsx"
    code, output = _run("template", "--variant", "budget_shanghai", "--year", "2025", "-o", str(path))
    assert code == 0, output
    with pytest.raises(WorkbookError) as exc:
        bwb.read_budget_workbook(path)
    text = str(exc.value)
    assert "工作表“单位信息”单元格B5未填写部门（单位）名称" in text
    assert "工作表“单位信息”单元格B10未填写（编制说明与上年预算比较需要，应大于0）" in text
    assert "工作表“功能分类预算”单元格A6起未填任何支出功能分类科目" in text
    # the protected formulas and the open inputs
    ws = load_workbook(path)[bwb.FUNCTIONS]
    assert ws.protection.sheet and ws["C6"].value == "=D6+E6+F6+G6+H6+I6+J6+K6+L6"
    assert ws["D6"].protection.locked is False and ws["C6"].protection.locked is True


def test_template_year_without_catalog_is_a_usage_error(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    code, output = _run("template", "--variant", "budget_shanghai", "--year", "2031", "-o", str(out))
    assert code == 64 and "没有2031年预算可用的政府收支分类科目目录" in output
    assert not out.exists()


def _prior_cells(path: Path) -> tuple[list[object], list[object]]:
    wb = load_workbook(path)
    info = wb[bwb.INFO]
    rows = [bwb.HEADER_ROW + 1 + k for k, f in enumerate(bwb.INFO_FIELDS) if f[0].startswith("prior_")]
    sangong = wb[bwb.SANGONG]
    return [info.cell(row=r, column=2).value for r in rows], [
        sangong.cell(row=r, column=3).value for r in (6, 7, 9, 10, 11)
    ]


def test_previous_fills_last_years_budget(built: tuple[str, Path, Path], tmp_path: Path) -> None:
    """``--previous`` with last year's published budget (here: the one we built, read back from its
    HTML; 元 tables and a 万元 "三公" table) or last year's workbook fills last year's budget figures."""
    variant, workbook, out = built
    spec = bwb.read_budget_workbook(workbook).spec
    _, acc = build_budget_model(spec, variant)
    t, tp = acc.total, spec.three_public
    expected = (
        [t.total, t.fiscal, t.general, t.fund, t.capital],
        [tp.abroad, tp.reception, tp.car_purchase or None, tp.car_operation, tp.operation_cost],
    )
    (html,) = out.glob("*.html")
    for previous in (html, workbook):
        target = tmp_path / f"next-{previous.suffix[1:]}.xlsx"
        code, output = _run(
            "template", "--variant", variant, "--year", "2025", "--previous", str(previous), "-o", str(target)
        )
        assert code == 0, output
        got = _prior_cells(target)
        assert ([Decimal(str(v)) for v in got[0]], [None if v is None else Decimal(str(v)) for v in got[1]]) == expected


def test_previous_that_is_no_budget_is_refused(tmp_path: Path) -> None:
    final = Path(__file__).resolve().parents[1] / "examples" / "example-clean.txt"
    target = tmp_path / "t.xlsx"
    code, output = _run(
        "template", "--variant", "budget_shanghai", "--year", "2025", "--previous", str(final), "-o", str(target)
    )
    assert code == 2 and "上年公开文件不是预算公开文件（识别为决算）" in output
    assert not target.exists()
