"""Command line: ``juesuan check`` and ``juesuan parse``.

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
) -> None:
    """审核一份决算公开文件：退出码 0 无错误，1 有错误，2 文件无法使用。"""
    from . import api, report

    rep = _guard(lambda: api.check(file, variant))
    text = report.report_json(rep) if format == CheckFormat.json else report.report_text(rep)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    raise typer.Exit(1 if rep.errors else 0)


@app.command()
def parse(
    file: Path = typer.Argument(..., help="要读取的公开文件"),
    format: ParseFormat = typer.Option(ParseFormat.json, "--format", "-f", help="输出格式：json（模型）或 cells（CSV）"),
    variant: Optional[str] = typer.Option(None, "--variant", help="指定版式，默认自动识别"),
) -> None:
    """读取文件并输出识别出的模型（JSON）或全部金额单元格（CSV）。"""
    from . import api, report

    doc = _guard(lambda: api.load_document(file, variant))
    if format == ParseFormat.cells:
        report.cells_csv(doc, sys.stdout)
    else:
        sys.stdout.write(report.model_json(doc) + "\n")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
