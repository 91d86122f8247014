"""The work of ``juesuan check`` without the command-line parser: checking files, writing reports,
errors for users (Chinese), progress, output paths. :mod:`juesuan.cli` builds the command line
(typer/click) on these; :func:`fast_check` runs the common ``juesuan check FILE [--format
json|text]`` without importing typer and click (≈ 25 ms of CPU at every start), only where that
gives the same output, messages and exit status as the full command line (see its conditions).
"""

from __future__ import annotations

import errno
import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path

from .cliargs import simple_check
from .errors import InputError, JuesuanError, OutputError, UsageError, worst_exit

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any, Callable, Iterator, Optional

STDIN = "-"
PIPED_WIDTH = 100
# True in the ``juesuan`` command's own process (set by juesuan.__main__), never on a library
# import: only there may start-up change the interpreter's state (see settle)
COMMAND_PROCESS = False
GC_YOUNG = 50_000  # the command's garbage collector: allocations between young collections (settle)


def settle() -> None:
    """In the command's own process, once the check's modules are loaded: what start-up made
    (modules, classes, functions, data packs) lives until the process ends, so it is moved out of
    the garbage collector's generations (``gc.freeze``) instead of being scanned again at every
    full collection (≈ 36 M instructions of a check, docs/benchmarks.md); the collector runs as
    before on everything made afterwards, less often (``GC_YOUNG``). Cycles among frozen objects
    are never freed: memory only, at most what start-up left."""
    if not COMMAND_PROCESS:
        return
    import gc

    gc.freeze()
    # A check allocates millions of containers (characters, lines, cells) and makes almost no
    # cycles: the youngest generation is collected every 50,000 allocations instead of Python's
    # 700, so the older ones are too (their thresholds count young collections): −1.7 % of the
    # instructions of a check of shgzb or rdcwh; peak memory within 2 MB of before on the
    # ../shared PDFs (docs/benchmarks.md). The command's process only: a library caller keeps its
    # own settings.
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
    gc.enable()


def echo(message: str, err: bool = False) -> None:
    """A line on stdout (stderr with ``err``): click's ``echo`` when click is loaded (the full
    command line); otherwise the plain write that ``click.echo`` makes of a string without ANSI
    codes on a UTF-8 stream, the only case :func:`fast_check` runs in."""
    click = sys.modules.get("click")
    if click is not None:
        click.echo(message, err=err)
        return
    stream = sys.stderr if err else sys.stdout
    stream.write(message + "\n")
    stream.flush()


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
# (compiled on first use, by re's cache: only an error message needs it)
_DETAIL_RE = r"([：:（(])\s*([^\u4e00-\u9fff（）]*?[A-Za-z][^\u4e00-\u9fff（）]*?)\s*(?=）|$)"


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

    out = re.sub(_DETAIL_RE, cut, message)
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
    from .timing import stage

    with stage("report"):
        payload = _error_payload(err, source)
        echo(f"错误：{payload['error']['message']}", err=True)
        if os.environ.get("JUESUAN_DEBUG") and payload["error"].get("detail"):
            echo(f"（详情：{payload['error']['detail']}）", err=True)
        if as_json:
            import json  # (a text report's process does not load json)

            try:
                write_stdout(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
            except OutputError as out:  # standard output is what failed: said on stderr
                echo(f"错误：{out}", err=True)
    return err.exit_code


def check_variant(variant: Optional[str]) -> None:
    """An unknown ``--variant`` is a usage error (exit 64), found before any file is read."""
    if variant is None:
        return
    from .layouts import load

    known = load().variants
    if variant not in known:
        raise UsageError(f"未知的版式：{variant}（可选：{'、'.join(sorted(known))}）")


# ---------------------------------------------------------------- paths


def check_kind(kind: Optional[str]) -> None:
    """An unknown ``--kind`` is a usage error (exit 64), found before any file is read."""
    from .kinds import KIND_NAMES

    if kind is not None and kind not in KIND_NAMES:
        raise UsageError(f"未知的文件类型：{kind}（可选：预算、决算）")


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


def write_output(out: Path, text: str | bytes, what: str = "输出文件") -> None:
    """Write ``text`` (or bytes: the check sheet's XLSX) to ``out`` via a temporary file in the same
    folder, then renamed: an error becomes an OutputError and never leaves a half-written file.
    A target that exists and is not a regular file (``/dev/null``, a named pipe, a terminal) is
    written to as it is: renaming a file over it would replace the device or pipe."""
    tmp = None
    try:
        if out.exists() and not out.is_file():
            if out.is_dir():
                raise IsADirectoryError(errno.EISDIR, "is a directory", str(out))
            with open(out, "wb") as fh:
                fh.write(text if isinstance(text, bytes) else text.encode("utf-8"))
            return
        import tempfile  # only when a report is written to a file

        fd, tmp = tempfile.mkstemp(prefix=".juesuan-", dir=str(out.parent if str(out.parent) else "."))
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as fh:
                fh.write(text)
        else:
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
    import tempfile  # only when a document comes from standard input

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
        write_stdout(text if text.endswith("\n") else text + "\n")


# Standard output failing on write: a full disk or quota, an I/O error (`> /dev/full`).
STDOUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def _detach_stdout() -> None:
    """Standard output pointed at the null device, so that nothing more (the buffered rest, the
    interpreter's flush at exit) fails again on the broken stream."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def stdout_error(exc: OSError) -> OutputError:
    """The error for standard output that cannot be written (``exc``); standard output detached."""
    _detach_stdout()
    reason = _ERRNO_ZH.get(exc.errno or 0) or ("输入输出错误" if exc.errno == errno.EIO else "无法写入")
    return OutputError(f"无法把结果写到标准输出（{reason}）", code="output_unwritable")


def write_stdout(text: str) -> None:
    """``text`` on standard output, flushed. A reader that left (``… | head``) ends the output
    quietly; a stream that cannot take it (a full disk) is an :class:`OutputError`, never a
    traceback nor a message blaming the input file."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _detach_stdout()
    except OSError as exc:
        raise stdout_error(exc) from None


def _check_document(
    real: list[Path], shown: list[str], together: bool, variant: Any, coverage: Any, prog: Any, kind: Any
) -> Any:
    """One document checked: several files read as one (``together``, their names in the report's
    ``sources``) or the first file; standard input is named ``-`` in the report."""
    from . import api  # loaded by the caller already (its start-up stage)

    if together:
        rep = api.check_together(real, variant, coverage, progress=prog, kind=kind)
        rep.meta["sources"] = shown
    else:
        rep = api.check(real[0], variant, coverage, progress=prog, kind=kind)
    if shown[0] == STDIN:
        rep.document.source = STDIN
    return rep


def _check(
    files: list[Path],
    variant: Optional[str],
    output: Optional[Path],
    annotate: Optional[Path],
    together: bool,
    as_json: bool,
    coverage: Optional[str] = None,
    kind: Optional[str] = None,
) -> int:
    from .timing import stage

    with stage("startup"):  # the pipeline's modules and data packs, loaded for the command
        from . import api  # noqa: F401  (imported here so that start-up is timed as such)

        check_variant(variant)
        check_kind(kind)
        settle()
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
        if together or single:
            rep = _check_document(real, shown, together, variant, coverage, prog, kind)
            return _report_one(rep, shown[0], output, annotate, as_json, width, prog)
        return _report_many(real, shown, variant, output, as_json, width, prog, coverage, kind)


def _date(value: Optional[str], option: str) -> Any:
    """A date option (YYYY-MM-DD) as a ``datetime.date``; a usage error when malformed."""
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{option} 的日期格式应为 YYYY-MM-DD（如 2025-08-15），实为：{value}") from None


def check_sheet(
    files: list[Path],
    variant: Optional[str],
    output: Optional[Path],
    annotate: Optional[Path],
    together: bool,
    coverage: Optional[str] = None,
    kind: Optional[str] = None,
    published: Optional[str] = None,
    approved: Optional[str] = None,
) -> int:
    """``check --format xlsx -o 检查表.xlsx``: the reviewer's check sheet (公开情况检查表) of one
    document (:mod:`juesuan.checksheet`); the exit status is the check's. One workbook is one
    document: several files are refused unless ``--together`` makes them one document."""
    from . import api, checksheet

    check_variant(variant)
    check_kind(kind)
    dates = {
        name: _date(value, option)
        for name, value, option in (("published", published, "--published"), ("approved", approved, "--approved"))
    }
    if output is None:
        raise UsageError("--format xlsx 输出的是 Excel 文件（公开情况检查表），请用 -o 指定文件名，如 -o 检查表.xlsx")
    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"检查表应以 .xlsx 结尾：{output}")
    paths = expand(files)
    if len(paths) > 1 and not together:
        raise UsageError(
            "检查表一份文件一个工作簿：请逐个文件生成（每次一个文件和一个 -o），"
            "或用 --together 把这几个文件当作同一份公开文件"
        )
    check_output(output, files, "检查表")
    if annotate is not None:
        from .annotate import check_paths

        if together or str(paths[0]) == STDIN:
            raise UsageError("--annotate 只能用于一个 PDF 文件")
        if output.resolve() == annotate.resolve():
            raise OutputError(f"检查表与标注版不能是同一个文件：{output}", code="output_is_input")
        check_output(annotate, files, "标注版")
        check_paths(paths[0], annotate)
    with progress() as prog, stdin_file() if any(str(p) == STDIN for p in paths) else _nothing() as sin:
        real = [(sin or p) if str(p) == STDIN else p for p in paths]
        shown = ["-" if str(p) == STDIN else str(p) for p in paths]
        rep = _check_document(real, shown, together, variant, coverage, prog, kind)
        prog("生成检查表")
        source = None if shown[0] == STDIN else real[0]
        name = (
            "、".join(Path(s).name for s in shown)
            if together
            else (Path(shown[0]).name if shown[0] != STDIN else "标准输入")
        )
        inp = checksheet.from_report(rep, source, name)
        inp.published, inp.approved = dates["published"], dates["approved"]
        if shown[0] == STDIN:
            inp.no_source_reason = "文件来自标准输入，未保留原文件，无截图"
        elif together and len(paths) > 1:  # a page number does not say which of the files it is in
            inp.source, inp.no_source_reason = None, "多个文件合并审核，页码不能确定所在文件，无截图"
        results = checksheet.evaluate(inp)
        write_output(output, checksheet.workbook_bytes(inp, results), "检查表")
    code = api.exit_status(rep)
    counts = {s: sum(1 for r in results if r.status == s) for s in (checksheet.YES, checksheet.NO, checksheet.UNKNOWN)}
    echo(
        f"已写出公开情况检查表：{output}（共{len(results)}项：符合 {counts[checksheet.YES]} 项，"
        f"不符合 {counts[checksheet.NO]} 项，无法判断 {counts[checksheet.UNKNOWN]} 项）",
        err=True,
    )
    if annotate is not None:
        from .annotate import annotate_pdf

        echo(annotate_pdf(rep, shown[0], annotate).summary(), err=True)
    return code


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
        echo(result.summary(), err=True)
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
    kind: Optional[str] = None,
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
            return api.check(p, variant, coverage, progress=lambda s: prog(f"{Path(name).name}：{s}"), kind=kind)

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
        import json

        _emit(json.dumps(report.many_dict(items, worst), ensure_ascii=False, indent=2), output)
    else:
        summary = [f"{'═' * 10} 汇总：共 {len(paths)} 个文件", *lines, f"总的退出码：{worst}"]
        _emit("\n".join(texts) + "\n" + "\n".join(summary), output)
    return worst


# ---------------------------------------------------------------- the common command, without click

_simple_check = simple_check  # (the plain form: juesuan.cliargs)


def _utf8(stream: Any) -> bool:
    return (getattr(stream, "encoding", None) or "").lower().replace("_", "-") in ("utf-8", "utf8")


def fast_check(args: list[str]) -> int | None:
    """Run ``juesuan check FILE [--format json|text]`` without typer and click: the exit status, or
    None when ``args`` or the environment are not the plain case (the caller then runs the full
    command line). The plain case does exactly what the full ``check`` command does for it, through
    the same functions: the file as a ``Path``, no other option; it excludes what click would treat
    differently — a file that exists but cannot be read (click's usage error), shell completion
    (``_JUESUAN_COMPLETE``), JUESUAN_DEBUG, non-UTF-8 standard streams (click re-encodes them), a
    name with an escape character (click strips ANSI codes off a pipe), non-POSIX systems."""
    simple = simple_check(args)
    if simple is None or os.name != "posix" or "_JUESUAN_COMPLETE" in os.environ or os.environ.get("JUESUAN_DEBUG"):
        return None
    if not (_utf8(sys.stdout) and _utf8(sys.stderr)):
        return None
    name, as_json = simple
    if os.path.exists(name) and not os.access(name, os.R_OK):
        return None
    files = [Path(name)]
    try:
        try:
            return _as_error(lambda: _check(files, None, None, None, False, as_json, None))
        except JuesuanError as err:
            return _emit_error(err, str(files[0]), as_json)
    except KeyboardInterrupt:  # as click (through typer) ends on Ctrl-C: status 130, no message
        return 130
    except EOFError:  # click: an empty line, then its "Aborted!" (juesuan's Chinese)
        echo("", err=True)
        echo("已中止。", err=True)
        return 130
    except OSError as exc:  # click: a closed pipe ends the command with status 1, silently
        if exc.errno != errno.EPIPE:
            raise
        from click.utils import PacifyFlushWrapper

        sys.stdout = PacifyFlushWrapper(sys.stdout)
        sys.stderr = PacifyFlushWrapper(sys.stderr)
        return 1
