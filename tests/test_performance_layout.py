"""The generated 绩效 tables keep the official form's column positions: blank positions and merged
headers (a header over three columns, a header over both header rows) come from the layout data's
form, so each printed value stands under its header, in the written XLSX as in the text."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from juesuan.generate import document, examples
from juesuan.generate.derive import derive
from juesuan.generate.draft import performance_tables
from juesuan.generate.model import build_model
from juesuan.generate.tables import LayoutError
from juesuan.layouts import load as load_layouts
from juesuan.writers.xlsx import write_xlsx


def _sheet_rows(ws) -> list[list[str]]:
    return [[("" if v is None else str(v)).strip() for v in row] for row in ws.iter_rows(values_only=True)]


def _header_columns(ws, rows: list[list[str]], top: int, depth: int) -> dict[str, range]:
    """Each header text of the rows ``top``..``top+depth-1`` (0-based) and the columns its merged
    cell covers."""
    spans = {(r.min_row - 1, r.min_col - 1): range(r.min_col - 1, r.max_col) for r in ws.merged_cells.ranges}
    out: dict[str, range] = {}
    for r in range(top, top + depth):
        for c, text in enumerate(rows[r]):
            if text:
                out[text] = spans.get((r, c), range(c, c + 1))
    return out


def _row(rows: list[list[str]], text: str, start: int = 0) -> int:
    return next(i for i in range(start, len(rows)) if text in rows[i])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    spec = examples.example("yunnan")
    doc, acc = build_model(spec, "yunnan")
    path = write_xlsx(doc, Path(tmp_path_factory.mktemp("perf")) / "yunnan.xlsx")
    return load_workbook(path), doc, acc


def test_each_project_indicator_value_stands_under_its_header(built) -> None:
    wb, doc, acc = built
    project = next(p for p in doc.performance if p.kind == "project")
    ws = wb[next(n for n in wb.sheetnames if "项目支出绩效自评表" in n)]
    rows = _sheet_rows(ws)
    top = _row(rows, "绩效指标")
    cols = _header_columns(ws, rows, top, 2)
    # the form's two-row header: 绩效指标 over the three levels, 年度指标值 over 性质/值/单位,
    # 实际完成值 … 偏差原因 over both rows
    assert [c for c in cols["绩效指标"]] == [cols[k].start for k in ("一级指标", "二级指标", "三级指标")]
    assert [c for c in cols["年度指标值"]] == [cols[k].start for k in ("指标性质", "指标值", "度量单位")]
    merged_down = {(r.min_row - 1, r.min_col - 1): r.max_row - r.min_row + 1 for r in ws.merged_cells.ranges}
    for name in ("实际完成值", "分值", "得分", "偏差原因分析及改进措施"):
        assert merged_down.get((top, cols[name].start)) == 2, name
    indicators = acc.spec.performance.project.indicators
    assert indicators
    for ind in indicators:
        r = _row(rows, ind.level3, top + 2)
        line = rows[r]
        assert line[cols["三级指标"].start] == ind.level3
        assert line[cols["指标性质"].start] == ind.nature
        assert line[cols["指标值"].start] == ind.target
        assert line[cols["度量单位"].start] == ind.unit
        assert line[cols["实际完成值"].start] == ind.actual
        assert line[cols["分值"].start] == f"{ind.weight:.2f}"
        assert line[cols["得分"].start] == f"{ind.score:.2f}"
        assert line[cols["偏差原因分析及改进措施"].start] == ""
    # the funds block: each figure under its header
    funds_top = _row(rows, "年初预算数")
    fcols = _header_columns(ws, rows, funds_top, 1)
    total = rows[_row(rows, "年度资金总额", funds_top)]
    values = dict(zip(project.funds[0][1:], project.funds[1][1:]))
    for name in ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"):
        assert total[fcols[name].start] == values[name], name
    # 总分: the full marks under 分值, the score under 得分
    score_row = rows[_row(rows, "总分")]
    assert score_row[cols["分值"].start] == "100"
    assert score_row[cols["得分"].start] == next(r for r in project.other if r[0] == "总分")[2]


def test_the_department_funds_stand_under_their_headers(built) -> None:
    wb, doc, acc = built
    ws = wb[next(n for n in wb.sheetnames if "部门整体支出绩效自评表" in n)]
    rows = _sheet_rows(ws)
    top = _row(rows, "任务名称")
    cols = _header_columns(ws, rows, top, 2)
    assert [c for c in cols["批复金额（万元）"]] == [cols[k].start for k in ("总额", "财政拨款", "其他资金")]
    basic = rows[_row(rows, f"{acc.spec.department}基本支出资金", top)]
    amount = f"{acc.personnel_total + acc.public_total:.2f}"
    for name in ("总额", "财政拨款", "实际支出金额（万元）"):
        assert basic[cols[name].start] == amount, name
    assert basic[cols["其他资金"].start] == ""
    assert basic[cols["预算执行率"].start].endswith("%")
    ind_top = _row(rows, "一级指标", top)
    icols = _header_columns(ws, rows, ind_top, 1)
    for ind in acc.spec.performance.department_indicators:
        line = rows[_row(rows, ind.level3, ind_top)]
        assert line[icols["实际完成值"].start] == ind.actual
        assert line[icols["度量单位"].start] == ind.unit


def test_the_text_keeps_the_form_positions() -> None:
    spec = examples.example("yunnan")
    lines = document.render_text(spec).splitlines()
    start = lines.index(next(x for x in lines if x.endswith("项目支出绩效自评表")))
    header = next(x for x in lines[start:] if x.startswith("绩效指标")).split("\t")
    at = {t: k for k, t in enumerate(header) if t}
    for ind in spec.performance.project.indicators:
        cells = next(x for x in lines[start:] if f"\t{ind.level3}\t" in x).split("\t")
        assert cells[at["分值"]] == f"{ind.weight:.2f}"
        assert cells[at["得分"]] == f"{ind.score:.2f}"
        assert cells[at["实际完成值"]] == ind.actual


def test_a_span_that_continues_no_cell_is_an_error_of_the_layout_data() -> None:
    acc = derive(examples.example("yunnan"))
    layouts = load_layouts()
    forms = {k: {p: [list(r) for r in rows] for p, rows in f.items()} for k, f in layouts.performance_forms.items()}
    forms["project"]["other"].insert(0, ["<", "x"])
    with pytest.raises(LayoutError, match="continues no cell"):
        performance_tables(acc, replace(layouts, performance_forms=forms), ["project"])
    forms["project"]["other"][0] = ["^", "x"]
    with pytest.raises(LayoutError, match="continues no cell"):
        performance_tables(acc, replace(layouts, performance_forms=forms), ["project"])


def test_blanks_and_spans_do_not_change_the_model_rows() -> None:
    acc = derive(examples.example("yunnan"))
    (project,) = performance_tables(acc, load_layouts(), ["project"])
    assert project.indicators[0] == ["绩效指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    assert all("<" not in r and "^" not in r and "" not in r for r in project.funds + project.indicators)
    assert project.grid and all(len(row) == len(project.grid[0]) for row in project.grid)


def test_the_printed_grid_survives_serialisation_and_takes_no_part_in_comparing() -> None:
    from juesuan.model import PerformanceTable

    acc = derive(examples.example("yunnan"))
    (project,) = performance_tables(acc, load_layouts(), ["project"])
    back = PerformanceTable.from_dict(project.to_dict())
    assert back.grid == project.grid
    assert replace(project, grid=[]) == project
    assert "grid" not in replace(project, grid=[]).to_dict()  # a table read from a document: as before
