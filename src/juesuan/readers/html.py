"""Reader for HTML pages (``.html``/``.htm``; also Excel or Word files saved as web pages), with
lxml.html.

- Tables become cell grids: ``rowspan``/``colspan`` are expanded so the value sits in the
  top-left position of its span and the other positions are ``''``. A table that contains other
  tables is a layout table: its content is read in order (paragraphs and the inner tables), not
  as a grid. A ``<caption>`` is a line of its own before the rows.
- Text outside tables becomes one single-cell line per block (paragraph, heading, list item,
  ``<div>``…; ``<br>`` starts a new line), in document order. ``<script>``, ``<style>``,
  ``<head>`` and the like are ignored.
- Encoding: a byte-order mark wins; then the ``<meta charset>`` / ``http-equiv`` / XML
  declaration (GB2312 and GBK are read as their superset GB18030); then strict UTF-8, then
  GB18030. Text that fits none of them is refused rather than read with replacement characters.
- Pathological input is bounded: lxml runs without ``huge_tree``; when a page nests deeper than
  the parser allows (libxml2 stops at 256 levels and would silently drop the rest), the page is
  re-read with its ``<div>``/``<span>``/``<font>`` wrappers flattened, and refused if still too
  deep; a page that hits another parser limit (a text node over 10 MB) is refused, never read in
  part. Tables and cells are capped (see the constants). Walking the tree is iterative.

HTML has no pages: ``page`` is None and ``number`` counts the lines produced (1-based).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..errors import InputError
from ..raw import RawDocument, RawLine
from . import register
from .office import clean_text, dispatch, join_wrapped, sniff

MAX_LINES = 200_000
MAX_TABLE_CELLS = 1_000_000  # grid positions of one table after expanding spans
MAX_COLSPAN = 1_000  # the HTML standard's limit
MAX_ROWSPAN = 65_534  # the HTML standard's limit

_SKIP = frozenset(
    {
        "script",
        "style",
        "head",
        "title",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "canvas",
        "select",
        "option",
        "textarea",
        "button",
    }
)
_BLOCK = frozenset(
    {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "nav",
        "aside",
        "blockquote",
        "pre",
        "form",
        "fieldset",
        "address",
        "figure",
        "figcaption",
        "hr",
        "center",
        "body",
        "html",
        "caption",
        "legend",
        "details",
        "summary",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
    }
)
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "gb_2312-80": "gb18030",
    "gb_2312": "gb18030",
    "csgb2312": "gb18030",
    "euc-cn": "gb18030",
    "hz-gb-2312": "gb18030",
    "big5": "big5hkscs",
    "unicode": "utf-16",
    "utf8": "utf-8",
    "ansi": "gb18030",
}
_DECL_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)|<\?xml[^>]+encoding\s*=\s*["']([-\w.:]+)""", re.I)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_WRAPPERS_RE = re.compile(r"</?(?:div|span|font|center|section|article|b|i|u|strong|em)(?:\s[^<>]*)?/?>", re.I)


def _codec(name: str) -> str | None:
    """The text encoding a page declares, or None: unknown names, and codecs that are not text
    encodings (charset="uu", "base64", "zlib", "rot13" … — found by scripts/fuzz_readers.py:
    bytes.decode refuses them with a LookupError), are ignored as a wrong declaration is."""
    name = _ALIASES.get(name.strip().lower(), name.strip().lower())
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


def decode_html(data: bytes, name: str) -> str:
    """The page's text, by BOM, declared charset, then strict UTF-8, then GB18030."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(enc)
            except UnicodeDecodeError as exc:
                raise InputError(f"网页编码错误，无法按 {enc.upper()} 解码：{name}") from exc
    if data[:200].count(b"\x00") > 20:  # UTF-16 without a BOM
        enc = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        try:
            return data.decode(enc)
        except UnicodeDecodeError as exc:
            raise InputError(f"无法识别网页编码：{name}") from exc
    tried: list[str] = []
    m = _DECL_RE.search(data[:8192])
    if m:
        declared = _codec((m.group(1) or m.group(2)).decode("ascii", "replace"))
        if declared and declared not in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):
            try:
                return data.decode(declared)
            except UnicodeDecodeError:
                tried.append(declared)  # a wrong declaration is common: try the usual encodings
    for enc in ("utf-8", "gb18030"):
        if enc in tried:
            continue
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError(f"无法识别网页编码（声明的编码、UTF-8 与 GB18030 均无法解码）：{name}")


def _parse(text: str, name: str):
    import lxml.html

    text = _XML_DECL_RE.sub("", text, count=1)
    if not text.strip():
        raise InputError(f"网页内容为空：{name}")

    def attempt(source: str):
        parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, huge_tree=False)
        try:
            root = lxml.html.document_fromstring(source, parser=parser)
        except Exception as exc:  # lxml.etree.ParserError and friends
            raise InputError(f"无法解析网页：{name}（{exc}）") from exc
        return root, [e.message for e in parser.error_log]

    root, errors = attempt(text)
    if any("Excessive depth" in e for e in errors):
        # Wrappers carry no table structure: flatten them (a block boundary stays a line break).
        root, errors = attempt(_WRAPPERS_RE.sub("<br>", text))
        if any("Excessive depth" in e for e in errors):
            raise InputError(f"网页嵌套层数过深，无法完整读取：{name}")
    if any("XML_PARSE_HUGE" in e or "limit exceeded" in e.lower() for e in errors):
        # libxml2 stops at its resource limits and would silently drop the rest of the page.
        raise InputError(f"网页内容超出解析上限（单段文字过长或结构过大），无法完整读取：{name}")
    return root


def _tag(el) -> str | None:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else None


def _text_of(el) -> str:
    """The visible text of a cell (scripts left out; ``<br>`` and blocks wrap lines)."""
    parts: list[str] = []
    cur: list[str] = []
    stack: list = [(el, False)]
    while stack:
        node, closing = stack.pop()
        tag = _tag(node)
        if closing:
            if tag in _BLOCK:
                parts.append("".join(cur))
                cur.clear()
            if node.tail and node is not el:
                cur.append(node.tail)
            continue
        if tag is None or tag in _SKIP:
            if node.tail and node is not el:
                cur.append(node.tail)
            continue
        if tag == "br":
            parts.append("".join(cur))
            cur.clear()
            if node.tail:
                cur.append(node.tail)
            continue
        if tag in _BLOCK and node is not el:
            parts.append("".join(cur))
            cur.clear()
        if node.text:
            cur.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    parts.append("".join(cur))
    return join_wrapped([clean_text(p) for p in parts])


def _span(value: str | None, limit: int) -> int:
    try:
        n = int(str(value).strip()) if value is not None else 1
    except ValueError:
        return 1
    return min(max(n, 0), limit)


def _own_rows(table):
    """The rows of ``table`` (not of tables nested in it), in document order."""
    rows = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows += [r for r in child if _tag(r) == "tr"]
    return rows


class _Reader:
    def __init__(self, name: str):
        self.name = name
        self.lines: list[RawLine] = []

    def emit(self, cells: list[str]) -> None:
        if not any(c for c in cells):
            return
        if len(self.lines) >= MAX_LINES:
            raise InputError(f"网页内容过多，无法读取：{self.name}（超过 {MAX_LINES} 行）")
        self.lines.append(RawLine(len(self.lines) + 1, cells))

    def grid(self, table) -> None:
        rows = _own_rows(table)
        cap = next((c for c in table if _tag(c) == "caption"), None)
        if cap is not None:
            self.emit([_text_of(cap)])
        grid: dict[tuple[int, int], str] = {}
        taken: set[tuple[int, int]] = set()
        for r, tr in enumerate(rows):
            c = 0
            for td in tr:
                if _tag(td) not in ("td", "th"):
                    continue
                while (r, c) in taken:
                    c += 1
                colspan = max(_span(td.get("colspan"), MAX_COLSPAN), 1)
                rowspan = _span(td.get("rowspan"), MAX_ROWSPAN)
                rowspan = len(rows) - r if rowspan == 0 else min(max(rowspan, 1), len(rows) - r)
                if len(taken) + colspan * rowspan > MAX_TABLE_CELLS:
                    raise InputError(f"网页表格过大，无法读取：{self.name}（超过 {MAX_TABLE_CELLS} 个单元格）")
                text = _text_of(td)
                if text:
                    grid[(r, c)] = text
                for dr in range(rowspan):
                    for dc in range(colspan):
                        taken.add((r + dr, c + dc))
                c += colspan
        by_row: dict[int, dict[int, str]] = {}
        for (r, c), text in grid.items():
            by_row.setdefault(r, {})[c] = text
        for r in sorted(by_row):
            row = by_row[r]
            cells = [""] * (max(row) + 1)
            for c, text in row.items():
                cells[c] = text
            self.emit(cells)

    def walk(self, root) -> None:
        buf: list[str] = []

        def flush() -> None:
            text = clean_text("".join(buf))
            buf.clear()
            if text:
                self.emit([text])

        stack: list = [(root, False)]
        while stack:
            node, closing = stack.pop()
            tag = _tag(node)
            if closing:
                if tag in _BLOCK:
                    flush()
                if node.tail:
                    buf.append(node.tail)
                continue
            if tag is None or tag in _SKIP:
                if node.tail:
                    buf.append(node.tail)
                continue
            if tag == "br":
                flush()
                if node.tail:
                    buf.append(node.tail)
                continue
            if tag == "table":
                flush()
                if any(True for t in node.iter("table") if t is not node):
                    # A layout table: its cells are read as content, in order.
                    stack.append((node, True))
                    stack.extend((child, False) for child in reversed(node))
                    continue
                self.grid(node)
                if node.tail:
                    buf.append(node.tail)
                continue
            if tag in _BLOCK:
                flush()
            if node.text:
                buf.append(node.text)
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node))
        flush()


def read_html_text(text: str, name: str, file: str) -> RawDocument:
    root = _parse(text, name)
    reader = _Reader(name)
    reader.walk(root)
    return RawDocument(file=file, format="html", lines=reader.lines)


def read_html(path: Path) -> RawDocument:
    """Read an HTML file (already known to be one)."""
    data = path.read_bytes()
    return read_html_text(decode_html(data, path.name), path.name, str(path))


@register(".html", ".htm", ".xhtml", ".shtml")
def read_html_file(path: Path) -> RawDocument:
    """Read a web page; a file with an HTML suffix that is really something else (a workbook, a
    Word package) is handed to the reader that fits."""
    if path.stat().st_size == 0:
        raise InputError(f"文件为空：{path.name}")
    kind = sniff(path, "网页")
    if kind in ("html", "unknown"):
        return read_html(path)
    return dispatch(path, kind, "网页")
