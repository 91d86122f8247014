"""Errors that reach the user, their stable machine codes and the exit statuses of the CLI.

Messages are Simplified Chinese and specific. ``code`` is a stable English identifier a program can
rely on (``check --format json`` prints it as ``error.code``; see docs/output-formats.md).
"""

from __future__ import annotations

# Exit statuses of every command (docs/output-formats.md). For several files the worst one wins in
# the order UNUSABLE > ERRORS > INCOMPLETE > OK; USAGE only ever comes from the command line itself.
EXIT_OK = 0  # no error-level finding
EXIT_ERRORS = 1  # error-level findings
EXIT_UNUSABLE = 2  # a file cannot be read or used (input, or an output path)
EXIT_INCOMPLETE = 3  # no error found, but a reading problem lost or moved cells: the check is incomplete
EXIT_USAGE = 64  # bad option or argument (as sysexits EX_USAGE)

_SEVERITY = {EXIT_OK: 0, EXIT_INCOMPLETE: 1, EXIT_ERRORS: 2, EXIT_UNUSABLE: 3, EXIT_USAGE: 4}


def worst_exit(codes) -> int:
    """The exit status of several documents: 2 > 1 > 3 > 0."""
    return max(codes, key=lambda c: _SEVERITY.get(c, 3), default=EXIT_OK)


# Stable error codes (``error.code`` in JSON). Add codes, never rename them.
CODES = {
    "unusable_input": "文件无法使用（未细分的原因）",
    "file_not_found": "文件不存在",
    "not_a_file": "不是文件",
    "empty_file": "文件为空",
    "too_large": "文件或其内容超出上限（字节、字符、页数或表格数）",
    "unsupported_format": "不支持的文件格式",
    "no_tables": "未识别出任何决算（预算）表格",
    "budget_not_supported": "文件是预算公开文件，暂不审核",
    "scanned_without_ocr": "扫描图像且未安装文字识别组件",
    "pages_unreadable": "未识别出表格，且有页面未能读取（文字识别失败、页面损坏等，原因见消息）",
    "output_is_input": "输出文件与输入文件相同",
    "output_unwritable": "输出文件无法写入（文件夹不存在、是文件夹、无权限等）",
    "usage": "命令用法有误（未知选项、取值无效、缺少参数）",
    # the corpus store (juesuan ingest/compare/stats/query/export)
    "store_unavailable": "数据库无法打开或连接",
    "store_locked": "DuckDB 数据库文件正被另一个进程使用",
    "store_missing": "数据库文件不存在或尚未入库",
    "store_failed": "文件入库失败（已撤销这份文件的全部写入）",
    "document_not_found": "库中没有指定的文件",
    "query_failed": "查询无法执行（SQL 有误或试图修改只读的数据库）",
    "charts_unavailable": "无法画图（未安装 matplotlib 或中文字体）",
    # batch processing (juesuan batch)
    "dask_unavailable": "未安装 Dask 或无法连接 Dask 调度器",
}


class JuesuanError(Exception):
    """Base class: an error with a user-facing Chinese message and a stable ``code``."""

    code = "unusable_input"
    exit_code = EXIT_UNUSABLE

    def __init__(self, message: str, code: str | None = None, **details) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        # extra facts for JSON consumers, e.g. {"document": {"kind": "budget"}}
        self.details = details


class InputError(JuesuanError):
    """The input cannot be used (empty, binary, unreadable, too large, unsupported format).

    The CLI turns it into exit status 2 with the message and no traceback."""


class OutputError(JuesuanError):
    """An output path cannot be written (its folder is missing, it is a folder, it is the input)."""

    code = "output_unwritable"


class UsageError(JuesuanError):
    """A bad option or argument on the command line (exit status 64)."""

    code = "usage"
    exit_code = EXIT_USAGE
