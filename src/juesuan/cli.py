"""Command line: ``juesuan check`` (optionally ``--annotate out.pdf``), ``juesuan parse`` and
``juesuan show`` (a page picture for debugging the PDF reader).

Exit status of ``check``: 0 no error-level finding, 1 errors found, 2 unusable input. Messages
for users are Chinese; unusable input never produces a traceback (set JUESUAN_DEBUG=1 to see one).
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .errors import JuesuanError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="juesuan：决算/预算公开文件的读取与审核")


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


class Coverage(str, Enum):
    full = "full"
    fragment = "fragment"


_SCOPE_HELP = "文件范围：full（完整公开文件）或 fragment（节选：不检查表格是否齐全），默认自动判断"


class ParseFormat(str, Enum):
    json = "json"
    cells = "cells"


def _fail(message: str) -> None:
    typer.echo(f"错误：{message}", err=True)
    raise typer.Exit(2)


def _guard(fn):  # type: ignore[no-untyped-def]
    try:
        return fn()
    except JuesuanError as exc:
        _fail(str(exc))
    except (OSError, ValueError, RecursionError, MemoryError) as exc:
        if os.environ.get("JUESUAN_DEBUG"):
            raise
        _fail(f"无法处理该文件（{type(exc).__name__}: {exc}）")


@app.command()
def check(
    file: Path = typer.Argument(..., help="要审核的公开文件"),
    format: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f", help="输出格式：text 或 json"),
    variant: Optional[str] = typer.Option(None, "--variant", help="指定版式（national、shanghai、yunnan），默认自动识别"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="把报告写入文件"),
    annotate: Optional[Path] = typer.Option(
        None, "--annotate", help="另存一份标注版 PDF：框出有问题的单元格并编号，页下附图例（仅限 PDF 输入）"
    ),
    scope: Optional[Coverage] = typer.Option(None, "--scope", help=_SCOPE_HELP),
) -> None:
    """审核一份决算公开文件：退出码 0 无错误，1 有错误，2 文件无法使用。"""
    from . import api, report

    if annotate is not None:
        from .annotate import check_paths

        _guard(lambda: check_paths(file, annotate))
    rep = _guard(lambda: api.check(file, variant, scope.value if scope else None))
    text = report.report_json(rep) if format == CheckFormat.json else report.report_text(rep)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if annotate is not None:
        from .annotate import annotate_pdf

        result = _guard(lambda: annotate_pdf(rep, file, annotate))
        typer.echo(result.summary(), err=True)
    raise typer.Exit(1 if rep.errors else 0)


@app.command()
def parse(
    file: Path = typer.Argument(..., help="要读取的公开文件"),
    format: ParseFormat = typer.Option(ParseFormat.json, "--format", "-f", help="输出格式：json（模型）或 cells（CSV）"),
    variant: Optional[str] = typer.Option(None, "--variant", help="指定版式，默认自动识别"),
    scope: Optional[Coverage] = typer.Option(None, "--scope", help=_SCOPE_HELP),
) -> None:
    """读取文件并输出识别出的模型（JSON）或全部金额单元格（CSV）。"""
    from . import api, report

    doc = _guard(lambda: api.load_document(file, variant, scope.value if scope else None))
    if format == ParseFormat.cells:
        report.cells_csv(doc, sys.stdout)
    else:
        sys.stdout.write(report.model_json(doc) + "\n")


@app.command()
def fix(
    file: Path = typer.Argument(..., help="要更正的公开文件"),
    output: Path = typer.Option(..., "--output", "-o", help="更正后的模型 JSON（Disclosure 模型，另含 changes 更正清单）"),
    variant: Optional[str] = typer.Option(None, "--variant", help="指定版式，默认自动识别"),
) -> None:
    """按错误定位结果更正表格金额：只采用能唯一确定且经复核成立的更正，写出更正后的模型 JSON 和更正清单。

    退出码：0 已更正或无需更正，1 仍有未能唯一定位的错误，2 文件无法使用。"""
    import json

    from . import api
    from .locate import apply
    from .locate.causes import CAUSES as CAUSE_TEXT

    rep = _guard(lambda: api.check(file, variant))
    groups = [g for g in rep.localization if g.status != "rounding"]
    changes = apply(rep.document, groups)
    left = [g for g in groups if not (g.status == "localized" and g.verified)]
    data = rep.document.to_dict()
    data["changes"] = [c.to_dict() for c in changes]
    data["unresolved"] = [{"findings": g.findings, "status": g.status, "message": g.message} for g in left]
    _guard(lambda: output.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"))
    if not changes and not left:
        typer.echo("未发现需要更正的金额。")
    for c in changes:
        typer.echo(f"已更正：《{c.table}》“{c.row}”行“{c.column}”列 {c.old if c.old is not None else '空'} → {c.new}（{CAUSE_TEXT[c.cause]}）")
    for g in left:
        typer.echo(f"未更正：{g.message}")
    typer.echo(f"已写出更正后的模型：{output}（更正{len(changes)}处）")
    raise typer.Exit(1 if left else 0)


@app.command()
def show(
    file: Path = typer.Argument(..., help="PDF 文件"),
    page: int = typer.Option(..., "--page", "-p", help="页码（从 1 开始）"),
    output: Path = typer.Option(..., "--output", "-o", help="输出的 PNG 图片"),
    scale: float = typer.Option(2.0, "--scale", help="每点像素数（2 约为 144 dpi）"),
    variant: Optional[str] = typer.Option(None, "--variant", help="指定版式，默认自动识别"),
) -> None:
    """调试用：把 PDF 的一页渲染成图片，并画出读出的单元格（灰色）和识别为各表金额的单元格（按表着色）。"""
    from .show import show_page

    result = _guard(lambda: show_page(file, page, output, scale, variant))
    typer.echo(result.summary())


def main() -> None:
    app()


if __name__ == "__main__":
    main()
