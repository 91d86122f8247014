"""Terminal text for the CLI: Chinese messages for Click's own texts, and line wrapping that counts
terminal cells (a Chinese character takes two), so help and reports fit the terminal's width.

Click marks its user-facing strings with gettext; :func:`install` gives its modules a translation
(by message id) and a width-aware ``wrap_text``. Nothing here changes what Click parses.
"""

from __future__ import annotations

import re
import sys

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Callable

# Click's message ids (click 8.3, pinned in pyproject.toml) → Chinese. Ids not listed stay as they
# are; the ones a user of juesuan can meet are all here.
ZH = {
    "Usage:": "用法:",
    "Options": "选项",
    "Arguments": "参数",
    "Commands": "命令",
    "Positional arguments": "位置参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    "Aborted!": "已中止。",
    "Error: {message}": "错误：{message}",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Invalid value: {message}": "取值无效：{message}",
    "No such option: {name}": "没有这个选项：{name}",
    "No such option {name!r}.": "没有这个选项：{name}。",
    "No such command {name!r}.": "没有这个命令：{name}。",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Option {name!r} requires an argument.": "选项 {name} 需要一个取值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name} 需要 {nargs} 个取值。",
    "Option {name!r} does not take a value.": "选项 {name} 不接受取值。",
    "Got unexpected extra argument ({args})": "多余的参数：{args}",
    "Got unexpected extra arguments ({args})": "多余的参数：{args}",
    "Did you mean {possibility}?": "是否要用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否要用以下之一：{possibilities}？）",
    "{value!r} is not {choice}.": "“{value}”不是可选值 {choice}。",
    "{value!r} is not one of {choices}.": "“{value}”不是可选值之一：{choices}。",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "“{value}”不是有效的是/否取值（可用：{states}）",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a directory.": "{name}“{filename}”是文件夹。",
    "{name} {filename!r} is a file.": "{name}“{filename}”是文件。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”不可读。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”不可写。",
    "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "unknown error": "未知错误",
}


def gettext(message: str) -> str:
    """Click's text in Chinese (``{x!r}`` of Click's ids prints the bare value: the Chinese text
    gives its own quotes)."""
    zh = ZH.get(message)
    if zh is None:
        return message
    return zh.replace("!r}", "}")


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


_cell_len: Callable[[str], int] | None = None
_CELLS: dict[str, int] = {}  # each token's count, once (a report wraps the same characters often)
_CELLS_MAX = 1 << 14

# Characters whose terminal cells are known without rich's table: one cell for printable ASCII,
# Latin-1 and Latin Extended (not the soft hyphen U+00AD), Greek and Cyrillic letters, the dashes,
# quotes and other signs of General Punctuation, letterlike symbols, arrows, mathematical operators
# (≈ ≠ ≤ →), circled numbers and box drawing; two cells for the CJK punctuation U+3000–3029, the CJK
# ideographs, the small and the fullwidth forms (tests/test_clitext.py compares every one of them
# with rich's own count)
_NARROW_RANGES = r"\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u0482\u2010-\u2027\u2030-\u205e\u2100-\u214f\u2190-\u22ff\u2460-\u24ff\u2500-\u25fc"
_WIDE_RANGES = r"\u3000-\u3029\u4e00-\u9fff\ufe30-\ufe52\ufe54-\ufe66\ufe68-\ufe6b\uff01-\uff60\uffe0-\uffe6"
_KNOWN = re.compile(f"[{_NARROW_RANGES}{_WIDE_RANGES}]*")
_WIDE = re.compile(f"[{_WIDE_RANGES}]")


def cells(text: str) -> int:
    """Terminal cells of ``text``, as rich counts them: text of the characters above is counted
    here, any other through rich.cells (imported at that first use: rich's package and its table
    cost ≈ 15 M instructions, ≈ 2 % of a small file's whole check, which most reports do not need).
    Each text's count is kept (a report wraps the same tokens often)."""
    global _cell_len
    n = _CELLS.get(text)
    if n is not None:
        return n
    if _KNOWN.fullmatch(text):
        n = len(text) + len(_WIDE.findall(text))
    else:
        if _cell_len is None:
            from rich.cells import cell_len

            _cell_len = cell_len
        n = _cell_len(text)
    if len(_CELLS) < _CELLS_MAX:
        _CELLS[text] = n
    return n


# ASCII words and "第12页"/"第3行" stay whole; other characters break anywhere
_TOKEN = re.compile(r"第\d+[页行]|[\x21-\x7e]+|\s+|.", re.S)
_NO_LINE_START = set("，。、；：！？）》」』〕】”’,.;:!?)」%")
_NO_LINE_END = set("（《「『〔【“‘(")


def wrap_line(text: str, width: int, indent: str = "", subsequent: str = "") -> list[str]:
    """Greedy wrap of one paragraph to ``width`` terminal cells. Chinese characters may break
    anywhere, but closing punctuation does not start a line and opening punctuation does not end
    one; ASCII words (and 第N页) move whole to the next line unless they are longer than a line."""
    width = max(width, 10)
    lines: list[str] = []
    line: list[str] = []  # tokens of the current line, after its indent
    lead = indent
    # the cells of ``lead`` and of the tokens in ``line``, kept up to date as tokens come and go
    # (a sum over the line at each token made the text report quadratic in a line's tokens)
    lead_cells, line_cells = cells(lead), 0

    def used() -> int:
        return lead_cells + line_cells

    def push(tok: str, n: int | None = None) -> None:
        nonlocal line_cells
        line.append(tok)
        line_cells += cells(tok) if n is None else n

    def pop() -> str:
        nonlocal line_cells
        tok = line.pop()
        line_cells -= cells(tok)
        return tok

    def flush() -> None:
        nonlocal line, lead, lead_cells, line_cells
        lines.append((lead + "".join(line)).rstrip())
        line = []
        lead = subsequent
        lead_cells, line_cells = cells(lead), 0

    for tok in _TOKEN.findall(text):
        if tok.isspace():
            if line:
                push(" ")
            continue
        n = cells(tok)
        if lead_cells + line_cells + n <= width:
            push(tok, n)
            continue
        carry: list[str] = []
        if tok in _NO_LINE_START and len(line) > 1 and not line[-1].isspace():
            carry.append(pop())  # closing punctuation takes the token before it along
        while len(line) > 1 and line[-1] in _NO_LINE_END:
            carry.insert(0, pop())  # opening punctuation goes with what it opens
        while line and line[-1].isspace():
            pop()
        if line:
            flush()
        if lead_cells + sum(cells(t) for t in carry) + cells(tok) > width:
            carry, tok = [], "".join(carry) + tok  # together longer than a line: cut by cells
        for t in [*carry, tok]:
            if used() + cells(t) > width and line:
                flush()
            if lead_cells + cells(t) > width:
                for ch in t:
                    if used() + cells(ch) > width and line:
                        flush()
                    push(ch)
            else:
                push(t)
    if line or not lines:
        lines.append((lead + "".join(line)).rstrip())
    return lines


def _unbreak(text: str) -> str:
    """A paragraph's lines as one line: joined by a space between ASCII words, directly otherwise."""
    out = ""
    for line in text.splitlines():
        line = re.sub(r"\s+", " ", line.strip())
        if not line:
            continue
        if out and out[-1].isascii() and line[0].isascii():
            out += " "
        out += line
    return out


def wrap_text(
    text: str, width: int = 78, initial_indent: str = "", subsequent_indent: str = "", preserve_paragraphs: bool = False
) -> str:
    """Drop-in for ``click.formatting.wrap_text`` that counts terminal cells."""
    text = text.expandtabs()
    if not preserve_paragraphs:
        return "\n".join(wrap_line(_unbreak(text), width, initial_indent, subsequent_indent))
    out: list[str] = []
    for i, para in enumerate(re.split(r"\n\s*\n", text.strip("\n"))):
        ind = initial_indent if i == 0 else subsequent_indent
        if para.startswith("\b"):
            out.append("\n".join(ind + ln for ln in para[1:].strip("\n").splitlines()))
        else:
            out.append("\n".join(wrap_line(_unbreak(para), width, ind, subsequent_indent)))
    return "\n\n".join(out)


def terminal_width(stream=None, piped: int = 100) -> int:
    """The width to write to ``stream``: the terminal's (``COLUMNS`` honoured), or ``piped`` when it
    is not a terminal."""
    import os

    if os.environ.get("COLUMNS", "").isdigit():
        return max(40, int(os.environ["COLUMNS"]))
    stream = stream or sys.stdout
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty:
        return piped
    import shutil  # only for a terminal (shutil imports bz2, lzma and more)

    return max(40, shutil.get_terminal_size((piped, 24)).columns)


_installed = False


def install() -> None:
    """Give Click's modules the Chinese texts and the width-aware wrapping (idempotent)."""
    global _installed
    if _installed:
        return
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types
    import click.utils
    import typer.core

    for mod in (
        click.core,
        click.decorators,
        click.exceptions,
        click.formatting,
        click.parser,
        click.types,
        typer.core,
    ):
        if hasattr(mod, "_"):
            mod._ = gettext  # type: ignore[attr-defined]
        if hasattr(mod, "ngettext"):
            mod.ngettext = ngettext  # type: ignore[attr-defined]
    click.formatting.wrap_text = wrap_text
    click.formatting.term_len = lambda x: cells(click.utils.strip_ansi(x))
    _installed = True
