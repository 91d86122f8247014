"""``juesuan batch`` (docs/batch.md): a folder or a list of files read, checked and stored by
parallel worker processes (juesuan.batch). :func:`register` adds the command to the app of :mod:`.cli`.

Exit status: 0 every file stored or already in the store; 2 some file could not be processed (each is
in the summary with its reason) or the database cannot be opened; 64 usage error."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import typer

from .clistore import _DB_HELP, _json, _run
from .errors import EXIT_OK, EXIT_UNUSABLE, UsageError


class Engine(str, Enum):
    local = "local"
    dask = "dask"


class OutFormat(str, Enum):
    text = "text"
    json = "json"


@contextmanager
def _bar(total: int) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar with rate and ETA on stderr, only when stderr is a terminal
    (JUESUAN_PROGRESS=0 turns it off)."""
    if total == 0 or os.environ.get("JUESUAN_PROGRESS", "1") == "0" or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("审核并入库"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("剩余"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as prog:
        task = prog.add_task("batch", total=total, rate="")

        def update(done: int, _total: int) -> None:
            speed = prog.tasks[0].speed
            prog.update(task, completed=done, rate=f"{speed:.1f} 份/秒" if speed else "")

        yield update


def _text(summary: Any, limit: int = 20) -> None:
    from .batch import REASONS
    from .errors import CODES

    s = summary
    typer.echo(
        f"共 {s.files} 个文件：新入库 {s.added} 份，已在库中（跳过）{s.skipped} 份，内容重复 {s.duplicates} 份，"
        f"本次未能处理 {s.failed} 份，以前已失败（跳过）{s.previously_failed} 份。"
    )
    typer.echo(
        f"用时 {s.seconds:.1f} 秒，每秒 {s.rate:.2f} 份；工作进程 {s.workers} 个，单个进程内存峰值 {s.peak_mb:.0f} MB。"
    )
    if s.errors_by_rule:
        typer.echo("新入库文件中错误最多的规则：")
        for rule, n in s.errors_by_rule.most_common(limit):
            typer.echo(f"  {rule}：{n} 条")
    if s.failures_by_reason:
        typer.echo("未能处理的原因：")
        for reason, n in s.failures_by_reason.most_common():
            meaning = REASONS.get(reason) or CODES.get(reason, "")
            typer.echo(f"  {reason}（{meaning}）：{n} 份" if meaning else f"  {reason}：{n} 份")
        typer.echo("未能处理的文件：")
        for _, _, message in s.failures[:limit]:
            typer.echo(f"  {message}")
        if len(s.failures) > limit:
            typer.echo(f"  ……另有 {len(s.failures) - limit} 份（完整清单见 --format json，或库中的 batch_failures 表）")


def register(app: typer.Typer) -> None:
    @app.command(options_metavar="[选项]")
    def batch(
        paths: list[Path] = typer.Argument(
            None,
            metavar="文件或文件夹...",
            show_default=False,
            help="要处理的文件；文件夹表示其中（含子文件夹）的全部文件",
        ),
        db: Optional[str] = typer.Option(None, "--db", metavar="数据库", help=_DB_HELP),
        file_list: list[Path] = typer.Option(
            [], "--list", metavar="清单", help="文件清单：每行一个路径（相对路径从清单所在文件夹算起）；可多次给出"
        ),
        workers: int = typer.Option(0, "--workers", "-w", min=0, metavar="N", help="工作进程数；0（默认）为处理器核数"),
        timeout: float = typer.Option(
            300.0, "--timeout", min=0, metavar="秒", help="单个文件的处理时限（秒），超时即停止并记录；0 为不限"
        ),
        memory: int = typer.Option(
            2048,
            "--memory",
            min=0,
            metavar="MB",
            help="单个工作进程的内存上限（MB），超出即停止这份文件并记录；0 为不限",
        ),
        retry_failed: bool = typer.Option(False, "--retry-failed", help="重新处理以前未能处理的文件（默认跳过）"),
        engine: Engine = typer.Option(
            Engine.local, "--engine", help="执行方式：local（本机进程池）或 dask（Dask 分布式集群）"
        ),
        scheduler: Optional[str] = typer.Option(
            None, "--scheduler", metavar="地址", help="Dask 调度器地址，如 tcp://10.0.0.1:8786（用于 --engine dask）"
        ),
        batch_size: int = typer.Option(
            50, "--batch-size", min=1, metavar="N", help="每次写入数据库的文件数（一个事务）；中断时最多重做这么多份"
        ),
        chunk: int = typer.Option(
            0, "--chunk", min=0, metavar="N", help="Dask 每个任务处理的文件数；0（默认）按文件数与集群线程数自动选择"
        ),
        format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="汇总的输出格式：text 或 json"),
    ) -> None:
        """批量审核并入库：多个进程并行读取、审核文件，由一个写入者分批存入数据库。

        每份文件有处理时限与内存上限：超出的文件被停止并记录原因，批处理继续。
        可中断后续跑：内容已在库中的文件（按 SHA-256）不再读取；以前未能处理的文件默认跳过。
        结束时输出汇总：文件数、各规则的错误数、未能处理的原因；每个文件都有去向。
        退出码：0 全部入库（或已在库中）；2 有文件未能处理，或数据库无法打开。"""
        from . import batch as batchmod
        from . import store

        as_json = format == OutFormat.json

        def run() -> int:
            if not paths and not file_list:
                raise UsageError("请给出要处理的文件、文件夹或 --list 文件清单")
            if engine == Engine.dask and not scheduler:
                raise UsageError("--engine dask 需要 --scheduler 给出调度器地址（如 tcp://127.0.0.1:8786）")
            if memory and memory < 256:
                raise UsageError(f"--memory 至少为 256 MB（给出的是 {memory}）")
            files = batchmod.list_files(paths or [], file_list)
            n = workers or os.cpu_count() or 1
            with store.open_store(db) as s, _bar(len(files)) as bar:
                summary = batchmod.run(
                    files,
                    s,
                    workers=n,
                    timeout=timeout or None,
                    memory_mb=memory or None,
                    retry_failed=retry_failed,
                    engine=engine.value,
                    scheduler=scheduler,
                    progress=bar,
                    batch_size=batch_size,
                    chunk=chunk or None,
                )
            if as_json:
                _json(summary.as_json())
            else:
                _text(summary)
            return EXIT_UNUSABLE if summary.failed else EXIT_OK

        raise typer.Exit(_run(run, as_json))
