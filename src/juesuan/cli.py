"""Command line: ``juesuan check`` (one or several files, a folder, ``-`` for stdin; ``--together``
for one disclosure published in several files; ``--annotate out.pdf``), ``juesuan parse``,
``juesuan fix`` and ``juesuan show`` (a page picture for debugging the PDF reader).

Exit status (docs/output-formats.md): 0 no error-level finding, 1 errors found, 2 unusable input
(or an output path that cannot be written), 3 no error found but the check is incomplete (a reading
problem), 64 usage error. Several files: the worst, in the order 2 > 1 > 3 > 0. Messages for users
are Chinese; no traceback reaches a user (set JUESUAN_DEBUG=1 to see one).
"""

from __future__ import annotations

import io
import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Optional

import typer
import typer.core

from .clirun import (  # noqa: F401  (the work of the commands, without the parser; tests import some)
    PIPED_WIDTH,
    STDIN,
    STDOUT_ERRNOS,
    Progress,
    _as_error,
    _check,
    _emit,
    _emit_error,
    _error_payload,
    _exception_error,
    _report_many,
    _report_one,
    _text_width,
    check_kind,
    check_output,
    check_variant,
    chinese,
    expand,
    progress,
    stdin_file,
    stdout_error,
    write_output,
    write_stdout,
)
from .clibatch import register as register_batch_command
from .clistore import register as register_store_commands
from .cliweb import register as register_web_commands
from .errors import (
    EXIT_OK,
    EXIT_UNUSABLE,
    EXIT_USAGE,
    InputError,
    JuesuanError,
    OutputError,
    UsageError,
)

# Plain (click) help and error messages: typer would import rich (~0.1 s) to format them, which
# is most of `juesuan --help`. With rich installed but markup off, typer still escapes "[" for rich
# in option help ("\[default: text]"); telling its core that rich is absent avoids both.
typer.core.HAS_RICH = False
app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    options_metavar="[选项]",
    subcommand_metavar="命令 [参数]...",
    help="juesuan：决算、预算公开文件的读取与审核。",
    context_settings={"help_option_names": ["-h", "--help"]},
)


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    xlsx = "xlsx"  # the reviewer's check sheet (公开情况检查表), juesuan.checksheet


class Coverage(str, Enum):
    full = "full"
    fragment = "fragment"


_SCOPE_HELP = "文件范围：full（完整公开文件）或 fragment（节选：不检查表格是否齐全），默认自动判断"


class ParseFormat(str, Enum):
    json = "json"
    cells = "cells"


def _guard(fn: Callable[[], Any], as_json: bool = False, source: str | None = None) -> Any:
    try:
        return _as_error(fn)
    except JuesuanError as err:
        raise typer.Exit(_emit_error(err, source, as_json)) from None


@app.command(options_metavar="[选项]")
def check(
    files: list[Path] = typer.Argument(
        ...,
        metavar="文件...",
        show_default=False,
        help="要审核的公开文件：一个或多个；文件夹表示其中的全部文件；- 表示从标准输入读取（按内容判断格式）",
    ),
    format: CheckFormat = typer.Option(
        CheckFormat.text, "--format", "-f", help="输出格式：text、json 或 xlsx（公开情况检查表，须用 -o 指定文件）"
    ),
    variant: Optional[str] = typer.Option(
        None, "--variant", metavar="版式", help="指定版式（national、shanghai、yunnan），默认自动识别"
    ),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="把报告写入文件（不能是输入文件）"),
    annotate: Optional[Path] = typer.Option(
        None,
        "--annotate",
        help="另存一份标注版 PDF：框出有问题的单元格并编号，页下附图例（仅限一个 PDF 输入）",
    ),
    together: bool = typer.Option(
        False,
        "--together",
        help="把几个文件当作同一份公开文件审核（如文字说明与表格分开发布），跨文件的规则也执行",
    ),
    scope: Optional[Coverage] = typer.Option(None, "--scope", metavar="范围", help=_SCOPE_HELP),
    kind: Optional[str] = typer.Option(
        None, "--kind", metavar="类型", help="文件类型：预算 或 决算（部门/单位预算、决算公开文件），默认自动判断"
    ),
    timings: bool = typer.Option(
        False,
        "--timings",
        help="在标准错误输出各阶段用时（启动、读取、识别、差异核对、规则、文字说明、定位、报告、其他）",
    ),
    published: Optional[str] = typer.Option(
        None, "--published", metavar="日期", help="公开日期（YYYY-MM-DD），检查表据此判断及时性（仅 --format xlsx）"
    ),
    approved: Optional[str] = typer.Option(
        None,
        "--approved",
        metavar="日期",
        help="财政部门批复日期（YYYY-MM-DD），检查表据此判断及时性（仅 --format xlsx）",
    ),
) -> None:
    """审核决算、预算公开文件。

    退出码：0 无错误；1 有错误；2 文件无法使用；3 未发现错误，但读取问题使审核不完整；64 命令用法有误。
    审核多个文件时给出各自的报告和总的汇总，退出码取最严重的一个（2 > 1 > 3 > 0）。"""
    from . import timing

    if timings:
        timing.enable()
        started = timing.since_process_start()
        if started is not None:
            timing.record("startup", started)
    as_json = format == CheckFormat.json
    source = str(files[0]) if len(files) == 1 or together else None
    coverage = scope.value if scope else None
    try:
        if format == CheckFormat.xlsx:
            from .clirun import check_sheet

            code = _guard(
                lambda: check_sheet(files, variant, output, annotate, together, coverage, kind, published, approved),
                False,
                source,
            )
        elif published is not None or approved is not None:
            raise typer.Exit(
                _emit_error(UsageError("--published 和 --approved 只用于 --format xlsx（检查表）"), source, as_json)
            )
        else:
            code = _guard(
                lambda: _check(files, variant, output, annotate, together, as_json, coverage, kind), as_json, source
            )
    finally:  # a refused file too: the time until it was refused
        if timings:
            sys.stdout.flush()
            typer.echo(timing.summary(), err=True)
    raise typer.Exit(code)


@app.command(options_metavar="[选项]")
def parse(
    file: Path = typer.Argument(..., metavar="文件", show_default=False, help="要读取的公开文件；- 表示标准输入"),
    format: ParseFormat = typer.Option(
        ParseFormat.json, "--format", "-f", help="输出格式：json（模型）或 cells（CSV）"
    ),
    variant: Optional[str] = typer.Option(None, "--variant", metavar="版式", help="指定版式，默认自动识别"),
    scope: Optional[Coverage] = typer.Option(None, "--scope", metavar="范围", help=_SCOPE_HELP),
    kind: Optional[str] = typer.Option(
        None, "--kind", metavar="类型", help="文件类型：预算 或 决算（部门/单位预算、决算公开文件），默认自动判断"
    ),
) -> None:
    """读取文件并输出识别出的模型（JSON）或全部金额单元格（CSV）。"""
    from . import api, report

    coverage = scope.value if scope else None

    def run() -> Any:
        check_variant(variant)
        check_kind(kind)
        with progress() as prog:
            if str(file) == STDIN:
                with stdin_file() as p:
                    doc = api.load_document(p, variant, coverage, progress=prog, kind=kind)
                doc.source = STDIN
                return doc
            return api.load_document(file, variant, coverage, progress=prog, kind=kind)

    doc = _guard(run)
    if format == ParseFormat.cells:
        out = io.StringIO(newline="")
        report.cells_csv(doc, out)
        text = out.getvalue()
    else:
        text = report.model_json(doc) + "\n"
    _guard(lambda: write_stdout(text))


@app.command(options_metavar="[选项]")
def fix(
    file: Path = typer.Argument(..., metavar="文件", show_default=False, help="要更正的公开文件"),
    output: Path = typer.Option(
        ...,
        "--output",
        "-o",
        show_default=False,
        help="更正后的模型 JSON（Disclosure 模型，另含 changes 更正清单；不能是输入文件）",
    ),
    variant: Optional[str] = typer.Option(None, "--variant", metavar="版式", help="指定版式，默认自动识别"),
    scope: Optional[Coverage] = typer.Option(None, "--scope", metavar="范围", help=_SCOPE_HELP),
) -> None:
    """按错误定位结果更正表格金额，写出更正后的模型 JSON 和更正清单。

    只采用能唯一确定且经复核成立的更正；文字说明与表格不符等无法通过改金额更正的错误逐条列出。
    退出码与 check 一致：0 更正后不再有错误，1 仍有未更正的错误，2 文件无法使用，64 命令用法有误。"""
    from . import api
    from .locate.causes import CAUSES as CAUSE_TEXT

    def run() -> int:
        check_variant(variant)
        check_output(output, [file], "更正结果文件")
        with progress() as prog:
            result = api.fix(file, variant, scope.value if scope else None, progress=prog)
        write_output(output, json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n", "更正结果文件")
        for c in result.changes:
            typer.echo(
                f"已更正：《{c.table}》“{c.row}”行“{c.column}”列 {c.old if c.old is not None else '空'} → {c.new}"
                f"（{CAUSE_TEXT[c.cause]}）"
            )
        for g in result.unresolved:
            typer.echo(f"未更正：{g.message}")
        for f in result.uncorrectable:
            typer.echo(f"无法自动更正（不是表格金额能改正的错误）：{f.message}（{f.rule}）")
        if not result.changes and not result.unresolved and not result.uncorrectable:
            typer.echo("未发现需要更正的金额。")
        elif not result.changes:
            typer.echo("没有可以自动更正的金额。")
        typer.echo(f"已写出更正后的模型：{output}（更正{len(result.changes)}处）")
        return result.exit_status

    raise typer.Exit(_guard(run))


@app.command(options_metavar="[选项]")
def show(
    file: Path = typer.Argument(..., metavar="文件", show_default=False, help="PDF 文件"),
    page: int = typer.Option(..., "--page", "-p", show_default=False, help="页码（从 1 开始）"),
    output: Path = typer.Option(..., "--output", "-o", show_default=False, help="输出的 PNG 图片"),
    scale: float = typer.Option(2.0, "--scale", help="每点像素数（2 约为 144 dpi）"),
    variant: Optional[str] = typer.Option(None, "--variant", metavar="版式", help="指定版式，默认自动识别"),
) -> None:
    """调试用：把 PDF 的一页渲染成图片，画出读出的单元格（灰色）和识别为各表金额的单元格（按表着色）。"""
    from .show import show_page

    def run() -> Any:
        check_variant(variant)
        check_output(output, [file], "图片文件")
        return show_page(file, page, output, scale, variant)

    result = _guard(run)
    typer.echo(result.summary())


@app.command("validate-data", options_metavar="[选项]")
def validate_data(
    directory: Optional[Path] = typer.Argument(
        None,
        metavar="[目录]",
        show_default=False,
        help="要检查的数据目录（内含 layouts/、variants/、rules/、lexicon/、narrative/），默认只检查已配置的数据",
    ),
) -> None:
    """检查数据文件（版式、规则包、词表、文字说明设置）：未知的键、类型错误和无效引用，按“文件:行”列出。

    退出码：0 无问题，2 有问题。目录与 JUESUAN_DATA_PATH 中的目录一样叠加在内置数据之上检查。"""
    from . import dataload, validate

    if directory is not None:
        if not directory.is_dir():
            raise typer.Exit(_emit_error(InputError(f"不是目录：{directory}", code="file_not_found"), None, False))
        extra = os.environ.get("JUESUAN_DATA_PATH", "")
        os.environ["JUESUAN_DATA_PATH"] = os.pathsep.join(p for p in (extra, str(directory)) if p)
    problems = validate.validate_all()
    for p in problems:
        typer.echo(p, err=True)
    if problems:
        typer.echo(f"数据文件有 {len(problems)} 处问题。", err=True)
        raise typer.Exit(EXIT_UNUSABLE)
    typer.echo(f"数据文件无问题（{len(dataload.data_dirs())} 个数据目录）。")


# the corpus store: ingest, compare, stats, query, export (juesuan.clistore)
register_store_commands(app)
# batch processing over a process pool or a Dask cluster (juesuan.clibatch)
register_batch_command(app)
register_web_commands(app)


class GenVariant(str, Enum):
    national = "national"
    shanghai = "shanghai"
    yunnan = "yunnan"
    budget_shanghai = "budget_shanghai"  # 部门（单位）预算 (juesuan.generate.budget)
    budget_national = "budget_national"
    budget_jiangsu = "budget_jiangsu"  # 江苏 2019 (12 tables, 万元)


@app.command(options_metavar="[选项]")
def template(
    output: Path = typer.Option(..., "--output", "-o", show_default=False, help="要写出的填报表（.xlsx）"),
    variant: GenVariant = typer.Option(
        GenVariant.national,
        "--variant",
        help="公开格式：national、shanghai、yunnan（决算）或 budget_shanghai、budget_national、budget_jiangsu（预算）",
    ),
    year: int = typer.Option(2024, "--year", help="决算或预算年度（按该年的政府收支分类科目）"),
    previous: Optional[Path] = typer.Option(
        None, "--previous", show_default=False, help="上年公开文件（任一可读格式）或上年填报表：填入上年数用于同比"
    ),
) -> None:
    """生成决算或预算填报表（Excel）：每张表一个工作表，只开放需要填写的单元格，合计为公式并锁定。

    填好后用 juesuan build 生成公开文件。退出码：0 成功，2 文件无法使用，64 命令用法有误。"""
    from .genrun import template_command

    def run() -> Path:
        if output.suffix.lower() != ".xlsx":
            raise UsageError(f"填报表应以 .xlsx 结尾：{output}")
        check_output(output, [previous] if previous else [], "填报表")
        return template_command(output, variant.value, year, previous)

    written = _guard(run)
    typer.echo(f"已写出填报表：{written}（公开格式 {variant.value}，{year}年度）")


@app.command(options_metavar="[选项]")
def build(
    workbook: Path = typer.Argument(..., metavar="填报表", show_default=False, help="填好的填报表（.xlsx）"),
    output: Path = typer.Option(..., "--output", "-o", show_default=False, help="输出文件夹"),
    formats: str = typer.Option("xlsx,pdf,docx,html", "--format", help="输出格式，逗号分隔：xlsx,pdf,docx,html"),
    draft: bool = typer.Option(False, "--draft", help="有错误也生成，每页标注“草稿”"),
) -> None:
    """由填报表生成决算公开文件（各表和情况说明），并记录 build.json。

    先汇总各表、起草情况说明并审核：有错误时列出错误（注明工作表和单元格）且不写出任何文件，
    --draft 时仍生成并标注草稿。情况说明中需要人工填写原因处留有“【请填写：…】”标记。
    退出码：0 已生成，1 有错误未生成（或 --draft 生成了草稿），2 填报表无法使用，64 命令用法有误。"""
    from .generate.build import parse_formats
    from .genrun import build_command

    def run() -> Any:
        wanted = parse_formats(formats)
        if not workbook.is_file():
            raise InputError(f"找不到填报表：{workbook}", code="file_not_found")
        return build_command(workbook, output, wanted, draft)

    result = _guard(run)
    for m in result.errors:
        typer.echo(f"错误：{m}", err=True)
    for m in result.warnings:
        typer.echo(f"警告：{m}", err=True)
    for m in result.markers:
        typer.echo(f"待填写：{m}")
    if result.errors and not draft:
        typer.echo(f"有{len(result.errors)}个错误，未生成任何文件（可用 --draft 生成草稿）。", err=True)
        raise typer.Exit(result.exit_status)
    for path in result.written.values():
        typer.echo(f"已写出：{path}")
    typer.echo(f"已写出构建记录：{output / 'build.json'}" + ("（草稿）" if draft else ""))
    raise typer.Exit(1 if result.errors else 0)


# ---------------------------------------------------------------- entry point


def _wants_json(argv: list[str]) -> bool:
    for i, a in enumerate(argv):
        if a in ("--format", "-f") and i + 1 < len(argv) and argv[i + 1] == "json":
            return True
        if a in ("--format=json", "-fjson"):
            return True
    return False


def main(argv: Optional[list[str]] = None) -> None:
    import click

    from .clitext import install, terminal_width

    install()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = app(
            args=args,
            prog_name="juesuan",
            standalone_mode=False,
            max_content_width=terminal_width(sys.stdout, 80),
            terminal_width=terminal_width(sys.stdout, 80),
        )
    except click.exceptions.NoArgsIsHelpError as exc:  # `juesuan` or `juesuan check` alone: the help
        typer.echo(exc.format_message(), err=True)
        code = EXIT_USAGE
    except click.UsageError as exc:
        exc.show()
        if _wants_json(args):
            _error_json = _error_payload(UsageError(exc.format_message()), None)
            try:
                write_stdout(json.dumps(_error_json, ensure_ascii=False, indent=2) + "\n")
            except OutputError as out:
                typer.echo(f"错误：{out}", err=True)
        code = EXIT_USAGE
    except click.exceptions.Abort:
        typer.echo("已中止。", err=True)
        code = 130
    except click.ClickException as exc:
        exc.show()
        code = EXIT_UNUSABLE
    except BrokenPipeError:  # `juesuan check … | head`: the reader left; say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = EXIT_OK
    except OSError as exc:  # standard output failing under click's own writes (`--help > /dev/full`)
        if exc.errno not in STDOUT_ERRNOS:
            raise
        typer.echo(f"错误：{stdout_error(exc)}", err=True)
        code = EXIT_UNUSABLE
    sys.exit(code if isinstance(code, int) else EXIT_OK)


if __name__ == "__main__":
    main()
