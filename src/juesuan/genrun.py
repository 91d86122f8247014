"""The work of ``juesuan template`` and ``juesuan build`` without the command-line parser.

``build``: read the workbook (:mod:`juesuan.generate.workbook`), build the model of its variant
(:mod:`juesuan.generate.model`), run every check (:func:`juesuan.api.check_document`); an
error-level finding blocks the build (``draft`` builds anyway, every output marked 草稿); the
【请填写：…】 markers left on purpose are listed, not counted as errors of the build. Outputs and
``build.json`` are written by :func:`juesuan.generate.build.write_outputs` (all or nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from .errors import EXIT_ERRORS, EXIT_OK, InputError
from .results import Finding

MARKER_TEXT = "【请填写"


@dataclass
class BuildResult:
    exit_status: int
    written: dict[str, Path] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # error findings, with sheet and cell
    warnings: list[str] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)  # 【请填写】 markers left in the 情况说明


def template_command(output: Path, variant: str, year: int, previous: Optional[Path]) -> Path:
    from .generate.workbook import write_template

    if variant.startswith("budget_"):
        return budget_template_command(output, variant, year, previous)
    prior = previous_figures(previous, variant) if previous else None
    return write_template(output, variant, year, prior=prior)


def previous_figures(path: Path, variant: str) -> dict[str, Any]:
    """Last year's figures for the comparisons, from last year's disclosure (any readable format)
    or last year's filled workbook: 收入支出总计, 一般公共预算财政拨款支出, "三公" 决算数; and last
    year's 年末结转和结余 as this year's 年初 (``carry_in``; ``carry_in_items``: the 一般公共预算,
    政府性基金 and 国有资本经营 appropriations' by 项 code, as :class:`FunctionItem` fields
    ``general_carry_in``, ``fund_carry_in``, ``capital_carry_in``)."""
    from .generate.workbook import read_workbook

    if path.suffix.lower() == ".xlsx":
        try:
            wb = read_workbook(path, earlier=True)
        except InputError:
            wb = None
        if wb is not None:
            from .generate.model import build_model
            from .generate.derive import grand_total

            doc, acc = build_model(wb.spec, wb.variant)
            carried = {
                s.code: {
                    f"{source}_carry_in": getattr(s.figures, f"{source}_carry_out")
                    for source in ("general", "fund", "capital")
                    if getattr(s.figures, f"{source}_carry_out")
                }
                for s in acc.subjects
                if len(s.code) == 7
            }
            return {
                "prior_total": grand_total(acc),
                "prior_general": acc.total.general_spending,
                "prior_three_public": acc.three_public.total[2],
                # last year's 年末结转和结余 are this year's 年初
                "carry_in": wb.spec.balances.carry_out,
                "carry_in_items": {code: v for code, v in carried.items() if v},
            }
    from . import api

    doc = api.load_document(path)
    return _prior_from_model(doc, path)


def _value(doc: Any, tables: tuple[str, ...], concept: str, column: str | None = None) -> Any:
    for t in doc.tables:
        if t.id not in tables:
            continue
        for row in t.rows:
            if row.concept != concept:
                continue
            cells = [c for cid, c in row.cells.items() if column is None or cid == column]
            for c in cells:
                if c.value is not None:
                    return c.value
    return None


def _prior_from_model(doc: Any, path: Path) -> dict[str, Any]:
    found: dict[str, Any] = {}
    total = _value(doc, ("summary",), "income_grand_total")
    if total is not None:
        found["prior_total"] = total
    general = _value(doc, ("general_budget",), "total", "total")
    if general is not None:
        found["prior_general"] = general
    three = _value(doc, ("three_public_general",), "total", "final")
    if three is None:
        three = _value(doc, ("three_public",), "total", "total_final")
    if three is not None:
        found["prior_three_public"] = three
    # last year's 年末结转和结余 are this year's 年初: the department's, and the general budget's by 项
    carry_out = _value(doc, ("summary",), "carry_out")
    if carry_out:
        found["carry_in"] = carry_out
    items: dict[str, dict[str, Any]] = {}
    for t in doc.tables:
        source = {"general_budget": "general", "fund": "fund", "state_capital": "capital"}.get(t.id)
        for row in t.rows if source else ():
            if row.code and len(row.code) == 7 and "carry_out" in row.cells and row.cells["carry_out"].value:
                items.setdefault(row.code, {})[f"{source}_carry_in"] = row.cells["carry_out"].value
    if items:
        found["carry_in_items"] = items
    if not found:
        raise InputError(f"未能从上年公开文件中读出收入支出总计、一般公共预算财政拨款支出或“三公”经费：{path.name}")
    return found


def _where(f: Finding, item_rows: dict[str, int]) -> str:
    """Sheet and cell of the workbook behind a finding's first location, when there is one."""
    from .generate import workbook as wbk

    sheets = {
        "收入决算表": wbk.INCOME,
        "支出决算表": wbk.SPENDING,
        "一般公共预算财政拨款支出决算表": wbk.GENERAL,
        "一般公共预算财政拨款收入支出决算表": wbk.GENERAL,
        "政府性基金预算财政拨款收入支出决算表": wbk.FUND,
        "国有资本经营预算财政拨款支出决算表": wbk.CAPITAL,
        "国有资本经营预算财政拨款收入支出决算表": wbk.CAPITAL,
        "一般公共预算财政拨款基本支出决算表": wbk.BASIC,
        "一般公共预算财政拨款项目支出决算表": wbk.PROJECT,
    }
    for loc in f.locations:
        sheet = sheets.get(loc.table)
        code = loc.row_code or ""
        if sheet in wbk.FUNCTION_SHEETS and code:
            rows = sorted(r for c, r in item_rows.items() if c.startswith(code))
            if rows:
                listed = "、".join(str(r) for r in rows)
                return f"（填报表：工作表“{sheet}”第{listed}行）"
        if sheet:
            return f"（填报表：工作表“{sheet}”）"
        if loc.table:
            return f"（《{loc.table}》由填报表汇总生成）"
    return "（情况说明：由“单位信息”“说明填写”工作表和各表数字生成）" if f.rule.startswith("narrative.") else ""


def build_command(
    workbook: Path,
    outdir: Path,
    formats: list[str],
    draft: bool,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    from .generate import workbook as wbk
    from .generate.model import build_model
    from .generate.spec import SpecError

    say = progress or (lambda _: None)
    from .generate.budget_workbook import is_budget_workbook

    if is_budget_workbook(workbook):
        return build_budget_command(workbook, outdir, formats, draft, progress)
    say("读取填报表")
    wb = wbk.read_workbook(workbook)
    say("汇总生成各表和情况说明")
    try:
        doc, _acc = build_model(wb.spec, wb.variant)
    except SpecError as exc:  # the reader checks what it can name by cell; this is the rest
        raise wbk.WorkbookError([f"填报数据不能形成一致的决算：{exc}"]) from None
    return _check_and_write(
        doc,
        wb.spec,
        wb.variant,
        lambda f: _where(f, wb.item_rows),
        workbook=workbook,
        outdir=outdir,
        formats=formats,
        draft=draft,
        progress=say,
    )


def _check_and_write(
    doc: Any,
    spec: Any,
    variant_id: str,
    where: Callable[[Finding], str],
    *,
    workbook: Path,
    outdir: Path,
    formats: list[str],
    draft: bool,
    progress: Callable[[str], None],
    **outputs: Any,
) -> BuildResult:
    """The part of ``juesuan build`` a 决算 and a 预算 share: check the built ``doc`` (a finding
    placed in the workbook by ``where``), stop on an error unless ``draft``, write the outputs
    (``outputs``: the writer's variant-specific arguments)."""
    from . import api
    from .generate.build import write_outputs
    from .layouts import load as load_layouts

    progress("审核")
    report = api.check_document(doc)
    result = BuildResult(EXIT_OK)
    for f in report.findings:
        if f.rule == "narrative.placeholder" and MARKER_TEXT in f.message:
            result.markers.append(f.message)
        elif f.severity == "error":
            result.errors.append(f"{f.message}{where(f)}")
        elif f.severity == "warning":
            result.warnings.append(f"{f.message}{where(f)}")
    if result.errors and not draft:
        result.exit_status = EXIT_ERRORS
        return result
    variant = load_layouts().variants[variant_id]
    progress("写出文件")
    summary = {
        "errors": len(result.errors),
        "warnings": len(result.warnings),
        "markers": len(result.markers),
        "rules_checked": sum(1 for s in report.rules if s.status in ("pass", "fail")),
    }
    result.written = write_outputs(
        doc,
        spec,
        workbook=workbook,
        outdir=outdir,
        formats=formats,
        draft=draft,
        rule_packs=variant.rule_packs,
        check_summary=summary,
        **outputs,
    )
    return result


# --- budgets (预算): the same two commands for the budget variants (juesuan.generate.budget) -----------


def budget_template_command(output: Path, variant: str, year: int, previous: Optional[Path]) -> Path:
    from .generate import budget_workbook as bwb

    prior = None
    if previous is not None:
        if previous.suffix.lower() == ".xlsx" and bwb.is_budget_workbook(previous):
            prior = bwb.prior_from_workbook(previous)
        else:
            from . import api

            prior = bwb.prior_from_document(api.load_document(previous), previous.name)
    return bwb.write_budget_template(output, variant, year, prior=prior)


def _budget_where(f: Finding, item_rows: dict[str, int]) -> str:
    """Sheet and rows of the budget workbook behind a finding's first location."""
    from .generate import budget_workbook as bwb

    if f.rule.startswith("narrative."):
        return "（编制说明：由“单位信息”“说明填写”工作表和各表数字生成）"
    for loc in f.locations:
        code = loc.row_code or ""
        if loc.table and code and len(code) in (3, 5, 7) and code[0] == "2":
            rows = sorted(r for c, r in item_rows.items() if c.startswith(code))
            if rows:
                return f"（填报表：工作表“{bwb.FUNCTIONS}”第{'、'.join(map(str, rows))}行）"
        if loc.table and "经济分类" in loc.table:
            return f"（填报表：工作表“{bwb.ECONOMIC}”）"
        if loc.table and "三公" in loc.table:
            return f"（填报表：工作表“{bwb.SANGONG}”）"
        if loc.table:
            return f"（《{loc.table}》由填报表汇总生成）"
    return ""


def build_budget_command(
    workbook: Path,
    outdir: Path,
    formats: list[str],
    draft: bool,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """``juesuan build`` of a budget workbook: read, derive, lay out, check, write (as for 决算)."""
    from .generate import workbook as wbk
    from .generate.budget import BudgetSpecError, budget_charts, build_budget_model
    from .generate.budget_workbook import read_budget_workbook

    say = progress or (lambda _: None)
    say("读取填报表")
    wb = read_budget_workbook(workbook)
    say("汇总生成各表和编制说明")
    try:
        doc, acc = build_budget_model(wb.spec, wb.variant)
    except BudgetSpecError as exc:
        raise wbk.WorkbookError([f"填报数据不能形成一致的预算：{exc}"]) from None
    return _check_and_write(
        doc,
        wb.spec,
        wb.variant,
        lambda f: _budget_where(f, wb.item_rows),
        workbook=workbook,
        outdir=outdir,
        formats=formats,
        draft=draft,
        progress=say,
        stem=f"{wb.spec.department}{wb.spec.year}年{wb.spec.scope}预算",
        chart_maker=lambda font: budget_charts(acc, font),
    )
