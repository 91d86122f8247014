"""Command line: ``juesuan check`` (one or several files, a folder, ``-`` for stdin; ``--together``
for one disclosure published in several files; ``--annotate out.pdf``), ``juesuan parse``,
``juesuan fix`` and ``juesuan show`` (a page picture for debugging the PDF reader).

Exit status (docs/output-formats.md): 0 no error-level finding, 1 errors found, 2 unusable input
(or an output path that cannot be written), 3 no error found but the check is incomplete (a reading
problem), 64 usage error. Several files: the worst, in the order 2 > 1 > 3 > 0. Messages for users
are Chinese; no traceback reaches a user (set JUESUAN_DEBUG=1 to see one).
"""

from __future__ import annotations

import errno
import json
import os
import re
import sys
import tempfile
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import typer
import typer.core

from .errors import (
    EXIT_OK,
    EXIT_UNUSABLE,
    EXIT_USAGE,
    InputError,
    JuesuanError,
    OutputError,
    UsageError,
    worst_exit,
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
    help="juesuan：决算公开文件的读取与审核（预算公开文件能识别出来，暂不审核）。",
    context_settings={"help_option_names": ["-h", "--help"]},
)

STDIN = "-"
PIPED_WIDTH = 100


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


# ---------------------------------------------------------------- errors a user reads

_ERRNO_ZH = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EISDIR: "是文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "只读文件系统",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EMFILE: "打开的文件过多",
}
# A detail from a library (English) inside a Chinese message: "（…：BadZipFile: File is not a zip file）".
_DETAIL_RE = re.compile(r"([：:（(])\s*([^\u4e00-\u9fff（）]*?[A-Za-z][^\u4e00-\u9fff（）]*?)\s*(?=）|$)")


def chinese(message: str) -> tuple[str, str | None]:
    """The message without the English detail a library put in it, and that detail (for JSON
    ``error.detail`` and JUESUAN_DEBUG). Short ASCII words in Chinese text (PDF, OCR, .docx) stay."""
    details: list[str] = []

    def cut(m: re.Match[str]) -> str:
        text = m.group(2)
        if len(text) < 8 or not re.search(r"[A-Za-z]{2,}.*[\s:]|[\s:].*[A-Za-z]{2,}", text):
            return m.group(0)
        details.append(text)
        return m.group(1)

    out = _DETAIL_RE.sub(cut, message)
    out = re.sub(r"[：:]（", "（", out)
    out = re.sub(r"[：:]\s*）", "）", out)
    out = re.sub(r"（\s*）|\(\s*\)", "", out)
    out = re.sub(r"[：:]\s*$", "", out)
    return out, ("；".join(details) or None)


def _exception_error(exc: BaseException) -> JuesuanError:
    """An OSError, ValueError … from a library, as a Chinese error with a stable code."""
    if isinstance(exc, OSError) and exc.errno in _ERRNO_ZH:
        where = f"：{exc.filename}" if getattr(exc, "filename", None) else ""
        code = "file_not_found" if exc.errno == errno.ENOENT else "unusable_input"
        err = InputError(f"无法处理该文件（{_ERRNO_ZH[exc.errno]}）{where}", code=code)
    elif isinstance(exc, MemoryError):
        err = InputError("文件太大，内存不足，无法处理", code="too_large")
    elif isinstance(exc, RecursionError):
        err = InputError("文件结构嵌套过深，无法处理")
    else:
        err = InputError("文件已损坏或内容不符合其格式，无法读取")
    err.details["detail"] = f"{type(exc).__name__}: {exc}"
    return err


def _as_error(fn: Callable[[], Any]) -> Any:
    """Run ``fn``; library exceptions become JuesuanError (Chinese), JUESUAN_DEBUG=1 re-raises."""
    try:
        return fn()
    except JuesuanError:
        raise
    except (OSError, ValueError, RecursionError, MemoryError, EOFError) as exc:
        if os.environ.get("JUESUAN_DEBUG"):
            raise
        raise _exception_error(exc) from exc


class _Failed(Exception):
    def __init__(self, error: JuesuanError, source: str | None) -> None:
        self.error, self.source = error, source


def _error_payload(err: JuesuanError, source: str | None) -> dict[str, Any]:
    from .report import error_dict

    message, detail = chinese(str(err))
    data = error_dict(err.code, message, err.exit_code, source, err.details.get("document"))
    detail = err.details.get("detail") or detail
    if detail:
        data["error"]["detail"] = detail
    return data


def _emit_error(err: JuesuanError, source: str | None, as_json: bool) -> int:
    """Report ``err`` (stderr, and one JSON object on stdout with --format json); its exit status."""
    payload = _error_payload(err, source)
    typer.echo(f"错误：{payload['error']['message']}", err=True)
    if os.environ.get("JUESUAN_DEBUG") and payload["error"].get("detail"):
        typer.echo(f"（详情：{payload['error']['detail']}）", err=True)
    if as_json:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    return err.exit_code


def _guard(fn: Callable[[], Any], as_json: bool = False, source: str | None = None) -> Any:
    try:
        return _as_error(fn)
    except JuesuanError as err:
        raise typer.Exit(_emit_error(err, source, as_json)) from None


def check_variant(variant: Optional[str]) -> None:
    """An unknown ``--variant`` is a usage error (exit 64), found before any file is read."""
    if variant is None:
        return
    from .layouts import load

    known = load().variants
    if variant not in known:
        raise UsageError(f"未知的版式：{variant}（可选：{'、'.join(sorted(known))}）")


# ---------------------------------------------------------------- paths


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_output(out: Path, inputs: list[Path], what: str = "输出文件") -> None:
    """Refuse, before any work, an output path that would overwrite an input or cannot be written."""
    for src in inputs:
        if str(src) != STDIN and (_same_file(out, src) or out.resolve() == src.resolve()):
            raise OutputError(f"{what}不能是输入文件本身（会覆盖原文件）：{out}", code="output_is_input")
    if out.is_dir():
        raise OutputError(f"{what}是一个文件夹，请给出文件名：{out}")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{what}所在的文件夹不存在：{parent}")
    if out.exists() and not os.access(out, os.W_OK) or not out.exists() and not os.access(parent, os.W_OK):
        raise OutputError(f"没有权限写入{what}：{out}")


def write_output(out: Path, text: str, what: str = "输出文件") -> None:
    """Write ``text`` to ``out`` (via a temporary file in the same folder, then renamed): an error
    becomes an OutputError and never leaves a half-written file."""
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".juesuan-", dir=str(out.parent if str(out.parent) else "."))
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, out)
        tmp = None
    except OSError as exc:
        reason = _ERRNO_ZH.get(exc.errno or 0, "无法写入")
        raise OutputError(f"无法写入{what}（{reason}）：{out}") from None
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)


@contextmanager
def stdin_file() -> Iterator[Path]:
    """Standard input saved to a temporary file without a suffix, so the reader sniffs the format."""
    with tempfile.TemporaryDirectory(prefix="juesuan-stdin-") as d:
        p = Path(d) / "标准输入"
        data = sys.stdin.buffer.read()
        if not data:
            raise InputError("标准输入为空（用法：juesuan check - < 文件）", code="empty_file")
        p.write_bytes(data)
        yield p


def expand(paths: list[Path]) -> list[Path]:
    """A folder stands for the files in it (not hidden, sorted by name, not recursive)."""
    out: list[Path] = []
    for p in paths:
        if str(p) != STDIN and p.is_dir():
            files = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith("."))
            if not files:
                raise InputError(f"文件夹中没有文件：{p}", code="file_not_found")
            out += files
        else:
            out.append(p)
    if sum(1 for p in out if str(p) == STDIN) > 1:
        raise UsageError("标准输入（-）只能给出一次")
    return out


# ---------------------------------------------------------------- progress


class Progress:
    """What juesuan is doing, on stderr, only when stderr is a terminal, and only once a step has
    taken longer than ``delay`` seconds (JUESUAN_PROGRESS_DELAY; JUESUAN_PROGRESS=0 turns it off)."""

    def __init__(self) -> None:
        self.status: Any = None
        self.stage = "准备"
        self.timer: Any = None
        enabled = os.environ.get("JUESUAN_PROGRESS", "1") != "0" and sys.stderr.isatty()
        if enabled:
            import threading

            delay = float(os.environ.get("JUESUAN_PROGRESS_DELAY", "1"))
            self.timer = threading.Timer(delay, self._start)
            self.timer.daemon = True
            self.timer.start()

    def _start(self) -> None:
        from rich.console import Console

        self.status = Console(stderr=True).status(self._text())
        self.status.start()

    def _text(self) -> str:
        return f"juesuan：{self.stage}……"

    def __call__(self, stage: str) -> None:
        self.stage = stage
        if self.status is not None:
            self.status.update(self._text())

    def close(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        if self.status is not None:
            self.status.stop()
            self.status = None


@contextmanager
def progress() -> Iterator[Progress]:
    p = Progress()
    try:
        yield p
    finally:
        p.close()


# ---------------------------------------------------------------- commands


def _text_width(output: Optional[Path]) -> int:
    from .clitext import terminal_width

    return PIPED_WIDTH if output else terminal_width(sys.stdout, PIPED_WIDTH)


def _emit(text: str, output: Optional[Path]) -> None:
    if output:
        write_output(output, text if text.endswith("\n") else text + "\n", "报告文件")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


@app.command(options_metavar="[选项]")
def check(
    files: list[Path] = typer.Argument(
        ...,
        metavar="文件...",
        show_default=False,
        help="要审核的公开文件：一个或多个；文件夹表示其中的全部文件；- 表示从标准输入读取（按内容判断格式）",
    ),
    format: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f", help="输出格式：text 或 json"),
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
    timings: bool = typer.Option(
        False, "--timings", help="在标准错误输出各阶段用时（启动、读取、识别、规则、文字说明、定位、报告）"
    ),
) -> None:
    """审核决算公开文件。

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
    code = _guard(lambda: _check(files, variant, output, annotate, together, as_json, coverage), as_json, source)
    if timings:
        sys.stdout.flush()
        typer.echo(timing.summary(), err=True)
    raise typer.Exit(code)


def _check(
    files: list[Path],
    variant: Optional[str],
    output: Optional[Path],
    annotate: Optional[Path],
    together: bool,
    as_json: bool,
    coverage: Optional[str] = None,
) -> int:
    from . import api

    check_variant(variant)
    if output is not None:
        check_output(output, files, "报告文件")
    if annotate is not None:
        if len(files) != 1 or together or str(files[0]) == STDIN:
            raise UsageError("--annotate 只能用于一个 PDF 文件")
        from .annotate import check_paths

        if output is not None and output.resolve() == annotate.resolve():
            raise OutputError(f"报告文件与标注版不能是同一个文件：{output}", code="output_is_input")
        check_output(annotate, files, "标注版")
        check_paths(files[0], annotate)
    single = len(files) == 1 and (str(files[0]) == STDIN or not files[0].is_dir())  # a folder: many
    paths = expand(files)
    width = _text_width(output)
    with progress() as prog, stdin_file() if any(str(p) == STDIN for p in paths) else _nothing() as sin:
        real = [(sin or p) if str(p) == STDIN else p for p in paths]
        shown = ["-" if str(p) == STDIN else str(p) for p in paths]
        if together:
            rep = api.check_together(real, variant, coverage, progress=prog)
            rep.meta["sources"] = shown
            return _report_one(rep, shown[0], output, annotate, as_json, width, prog)
        if single:
            rep = api.check(real[0], variant, coverage, progress=prog)
            if str(paths[0]) == STDIN:
                rep.document.source = STDIN
            return _report_one(rep, shown[0], output, annotate, as_json, width, prog)
        return _report_many(real, shown, variant, output, as_json, width, prog, coverage)


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


def _report_one(
    rep: Any, source: str, output: Optional[Path], annotate: Optional[Path], as_json: bool, width: int, prog: Progress
) -> int:
    from . import api, report

    from .timing import stage

    code = api.exit_status(rep)
    prog.close()
    with stage("report"):
        text = report.report_json(rep, code) if as_json else report.report_text(rep, width=width)
        _emit(text, output)
    if annotate is not None:
        from .annotate import annotate_pdf

        result = annotate_pdf(rep, source, annotate)
        typer.echo(result.summary(), err=True)
    return code


def _report_many(
    paths: list[Path],
    shown: list[str],
    variant: Optional[str],
    output: Optional[Path],
    as_json: bool,
    width: int,
    prog: Progress,
    coverage: Optional[str] = None,
) -> int:
    """Several files checked one by one: each report (or error), then one summary; worst exit."""
    from . import api, report

    items: list[dict[str, Any]] = []
    texts: list[str] = []
    codes: list[int] = []
    lines: list[str] = []
    for p, name in zip(paths, shown):
        prog(f"审核 {Path(name).name}")

        def one(p: Path = p, name: str = name) -> Any:
            return api.check(p, variant, coverage, progress=lambda s: prog(f"{Path(name).name}：{s}"))

        try:
            rep = _as_error(one)
        except JuesuanError as err:
            payload = _error_payload(err, name)
            items.append(payload)
            codes.append(err.exit_code)
            texts.append(f"{'═' * 10} {name}\n错误：{payload['error']['message']}\n")
            lines.append(f"  {name}：无法审核（{payload['error']['message']}）")
            continue
        code = api.exit_status(rep)
        codes.append(code)
        items.append(report.report_dict(rep, code))
        if not as_json:
            texts.append(f"{'═' * 10} {name}\n" + report.report_text(rep, width=width))
        lines.append(
            f"  {name}：错误 {rep.count('error')} 条，警告 {rep.count('warning')} 条，提示 {rep.count('info')} 条"
            f"（退出码 {code}）"
        )
    worst = worst_exit(codes)
    prog.close()
    if as_json:
        _emit(json.dumps(report.many_dict(items, worst), ensure_ascii=False, indent=2), output)
    else:
        summary = [f"{'═' * 10} 汇总：共 {len(paths)} 个文件", *lines, f"总的退出码：{worst}"]
        _emit("\n".join(texts) + "\n" + "\n".join(summary), output)
    return worst


@app.command(options_metavar="[选项]")
def parse(
    file: Path = typer.Argument(..., metavar="文件", show_default=False, help="要读取的公开文件；- 表示标准输入"),
    format: ParseFormat = typer.Option(
        ParseFormat.json, "--format", "-f", help="输出格式：json（模型）或 cells（CSV）"
    ),
    variant: Optional[str] = typer.Option(None, "--variant", metavar="版式", help="指定版式，默认自动识别"),
    scope: Optional[Coverage] = typer.Option(None, "--scope", metavar="范围", help=_SCOPE_HELP),
) -> None:
    """读取文件并输出识别出的模型（JSON）或全部金额单元格（CSV）。"""
    from . import api, report

    coverage = scope.value if scope else None

    def run() -> Any:
        check_variant(variant)
        with progress() as prog:
            if str(file) == STDIN:
                with stdin_file() as p:
                    doc = api.load_document(p, variant, coverage, progress=prog)
                doc.source = STDIN
                return doc
            return api.load_document(file, variant, coverage, progress=prog)

    doc = _guard(run)
    if format == ParseFormat.cells:
        report.cells_csv(doc, sys.stdout)
    else:
        sys.stdout.write(report.model_json(doc) + "\n")


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
            sys.stdout.write(json.dumps(_error_json, ensure_ascii=False, indent=2) + "\n")
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
    sys.exit(code if isinstance(code, int) else EXIT_OK)


if __name__ == "__main__":
    main()
