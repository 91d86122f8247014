"""Reader for Word documents (``.docx``/``.docm``), with python-docx.

The body is read in document order (paragraphs and tables as they appear, content controls
opened up). Each table row is one :class:`~juesuan.raw.RawLine`; merged cells are expanded to the
table grid so columns line up: a horizontal merge (``gridSpan``) keeps the value in its first grid
column and ``''`` in the others, a vertical merge (``vMerge``) keeps the value in its first row
and ``''`` below, and skipped grid columns (``gridBefore``) are ``''``. A table that contains other
tables is a layout table: its cells are read as content in order (their paragraphs and tables),
not as a grid.

A paragraph is one line per soft line break; tabs separate cells (``部门：XX<tab>单位：万元`` gives
two cells, runs of tabs count once), so a paragraph without tabs is a single-cell line. Deleted
revisions, text boxes and drawings are not read. Word files have no fixed pages: ``page`` is None
and ``number`` counts the lines produced (1-based).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..errors import InputError
from ..raw import RawDocument, RawLine
from . import register
from .office import check_zip, clean_text, dispatch, join_wrapped, sniff

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_LINES = 200_000
MAX_SPAN = 1_000  # a gridSpan larger than this is treated as corrupt and clamped
MAX_DEPTH = 64  # nesting of layout tables / content controls

# Elements whose text is not part of the paragraph's printed text.
_SKIP = {
    f"{W}pPr",
    f"{W}rPr",
    f"{W}del",
    f"{W}moveFrom",
    f"{W}drawing",
    f"{W}pict",
    f"{W}object",
    f"{W}footnoteReference",
    f"{W}endnoteReference",
    f"{W}commentReference",
    f"{W}instrText",
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent",
}


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def paragraph_lines(p) -> list[list[str]]:
    """The visible text of a ``w:p`` element: one list of cells per soft line break."""
    lines: list[list[str]] = [[]]
    cur: list[str] = []

    def end_cell() -> None:
        lines[-1].append("".join(cur))
        cur.clear()

    stack = list(reversed(list(p)))
    while stack:
        el = stack.pop()
        tag = el.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == f"{W}t":
            cur.append(el.text or "")
        elif tag == f"{W}tab" or tag == f"{W}ptab":
            end_cell()
        elif tag in (f"{W}br", f"{W}cr"):
            end_cell()
            lines.append([])
        elif tag == f"{W}noBreakHyphen":
            cur.append("-")
        elif tag == f"{W}sym":
            cur.append("")
        else:
            stack.extend(reversed(list(el)))
    end_cell()
    out = []
    for cells in lines:
        cells = [clean_text(c) for c in cells]
        cells = [c for c in cells if c]
        if cells:
            out.append(cells)
    return out


def _children(el) -> Iterator:
    """Block children, with content controls (``w:sdt``) and custom XML opened up."""
    for child in el:
        tag = child.tag
        if tag in (f"{W}sdt",):
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _children(content)
        elif tag == f"{W}customXml":
            yield from _children(child)
        else:
            yield child


def _cell_text(tc) -> str:
    """A table cell's text: its paragraphs joined (text boxes and drawings left out)."""
    parts: list[str] = []
    stack = list(reversed(list(tc)))
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str) or el.tag in _SKIP or el.tag == f"{W}tcPr":
            continue
        if el.tag == f"{W}p":
            parts += [" ".join(cells) for cells in paragraph_lines(el)]
        else:
            stack.extend(reversed(list(el)))
    return join_wrapped(parts)


class _Reader:
    def __init__(self, path: Path):
        self.path = path
        self.lines: list[RawLine] = []

    def emit(self, cells: list[str]) -> None:
        if len(self.lines) >= MAX_LINES:
            raise InputError(f"文档过大，无法读取：{self.path.name}（超过 {MAX_LINES} 行）")
        self.lines.append(RawLine(len(self.lines) + 1, cells))

    def blocks(self, container, depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            raise InputError(f"文档结构嵌套过深，无法读取：{self.path.name}")
        for el in _children(container):
            if el.tag == f"{W}p":
                for cells in paragraph_lines(el):
                    self.emit(cells)
            elif el.tag == f"{W}tbl":
                self.table(el, depth)

    def table(self, tbl, depth: int) -> None:
        rows = [r for r in _children(tbl) if r.tag == f"{W}tr"]
        if any(True for _ in tbl.iter(f"{W}tbl") if _ is not tbl):
            # A layout table: read what its cells contain, in order.
            for tr in rows:
                for tc in _children(tr):
                    if tc.tag == f"{W}tc":
                        self.blocks(tc, depth + 1)
            return
        for tr in rows:
            trpr = tr.find(f"{W}trPr")
            before = 0
            if trpr is not None:
                gb = trpr.find(f"{W}gridBefore")
                before = min(max(_int(gb.get(f"{W}val") if gb is not None else None, 0), 0), MAX_SPAN)
            cells: list[str] = [""] * before
            for tc in _children(tr):
                if tc.tag != f"{W}tc":
                    continue
                tcpr = tc.find(f"{W}tcPr")
                span, continued = 1, False
                if tcpr is not None:
                    gs = tcpr.find(f"{W}gridSpan")
                    if gs is not None:
                        span = min(max(_int(gs.get(f"{W}val"), 1), 1), MAX_SPAN)
                    vm = tcpr.find(f"{W}vMerge")
                    if vm is not None and vm.get(f"{W}val", "continue") != "restart":
                        continued = True
                    hm = tcpr.find(f"{W}hMerge")
                    if hm is not None and hm.get(f"{W}val", "continue") != "restart":
                        continued = True
                cells.append("" if continued else _cell_text(tc))
                cells.extend([""] * (span - 1))
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                self.emit(cells)


def read_docx_package(path: Path) -> RawDocument:
    """Read a WordprocessingML package (already known to be one)."""
    check_zip(path, "Word")
    from docx.opc.package import OpcPackage
    from docx.oxml.parser import parse_xml

    try:
        # The package's main document part, whatever its content type (python-docx's Document()
        # refuses macro-enabled documents and templates, which read the same).
        with path.open("rb") as fh:
            part = OpcPackage.open(fh).main_document_part
        element = getattr(part, "element", None)
        if element is None:
            element = parse_xml(part.blob)
        body = element.find(f"{W}body")
        if body is None:
            raise ValueError("no w:body")
    except Exception as exc:  # python-docx / lxml raise several types for corrupt packages
        raise InputError(
            f"无法读取 Word 文件：{path.name}（文件已损坏或不是有效的 .docx：{type(exc).__name__}: {exc}）"
        ) from exc
    reader = _Reader(path)
    reader.blocks(body)
    doc = RawDocument(file=str(path), format="docx", lines=reader.lines)
    return doc


@register(".docx", ".docm", ".dotx", ".dotm")
def read_docx(path: Path) -> RawDocument:
    """Read a .docx by its content: a Word package, or (when the suffix lies) a workbook, a legacy
    .doc, an HTML page… handed to the reader that fits."""
    if path.stat().st_size == 0:
        raise InputError(f"文件为空：{path.name}")
    return dispatch(path, sniff(path, "Word"), "Word")
