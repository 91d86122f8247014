"""What a reader produces: pages of text lines, each line also split into cells.

This is the boundary between readers (one per file format) and the recognizer: a reader for PDF,
Excel, Word or HTML produces the same structure, with a cell grid per line/row and provenance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import ClassVar


@dataclass
class RawLine:
    """One line of a source as cells of text, with its page and the cells' boxes where known."""

    number: int  # 1-based line number in the source (or row index within a page for grids)
    cells: list[str]
    page: int | None = None
    bboxes: list[tuple[float, float, float, float] | None] | None = None
    ocr: bool = False  # the cells were read by OCR from a scanned page
    # Where the line sits in the source when page/line do not say it all, e.g. "'公开01表'!7:7" (a
    # worksheet row) for spreadsheets. Optional; plain-text and PDF readers leave it None.
    locator: str | None = None
    # Why the reader doubts this line (Chinese): a border-less row whose wrapped label could not be
    # placed without doubt, a row of a continuation page printed without a header that could not be
    # placed on the header page's columns...: the recognizer reports it as a reading problem of the
    # table the line belongs to.
    doubt: str | None = None
    # OCR'd lines: the recognition confidence (0..1) of each cell, the lowest of the text runs read
    # in it (None for an empty cell); lines not read by OCR leave it None.
    confidences: list[float | None] | None = None
    # OCR'd lines: other readings of each cell the recognizer weighed (the cell with one digit
    # replaced by that digit's runner-up), most probable first; None where there are none.
    candidates: list[tuple[str, ...] | None] | None = None

    @property
    def text(self) -> str:
        return "\t".join(self.cells)

    # (a copy of the cells, their nonempty cells) of the last ``nonempty``; not a field (not in
    # the line's equality, repr or fields): set in the instance's dict on first use
    if TYPE_CHECKING:  # its type for the type checker; at run time a plain class attribute
        _nonempty_memo: ClassVar[tuple[list[str], list[tuple[int, str]]] | None]
    _nonempty_memo = None

    @property
    def nonempty(self) -> list[tuple[int, str]]:
        # the recognizer asks a line this ~5 times (≈ 1 400 times a check of a 24-page PDF):
        # computed again only when the cells changed since (compared with a copy, in C)
        cells = self.cells
        memo = self._nonempty_memo
        if memo is not None and memo[0] == cells:
            return list(memo[1])
        out = [(i, s) for i, c in enumerate(cells) if (s := c.strip())]
        self.__dict__["_nonempty_memo"] = (list(cells), out)
        return list(out)

    def is_blank(self) -> bool:
        return not any(c.strip() for c in self.cells)


# Why a page was not read (RawDocument.unread_reasons, Disclosure.unread_reasons); "{reason}" is the
# engine's or the exception's own words.
UNREAD_NO_OCR = "扫描图像，未安装文字识别（OCR）组件"
UNREAD_OCR_FAILED = "扫描图像，文字识别（OCR）失败：{reason}"
UNREAD_NOT_RENDERED = "扫描图像，页面图像无法渲染：{reason}"
UNREAD_PAGE_FAILED = "本页读取出错：{reason}"
UNREAD_OCR_ILLEGIBLE = "扫描图像无法可靠识别（文字识别置信度中位数 {conf:.2f}，可能是照片或手写），本页未读取"


@dataclass
class RawDocument:
    """What a reader made of a file: its lines of cells, page count and the pages it could not read."""

    file: str
    format: str
    lines: list[RawLine] = field(default_factory=list)
    page_count: int | None = None
    # Pages the reader could not read (a scanned page with no OCR installed), 1-based.
    unread_pages: list[int] = field(default_factory=list)
    # Why each unread page was not read (Chinese, e.g. "扫描图像，未安装文字识别（OCR）组件").
    unread_reasons: dict[int, str] = field(default_factory=dict)
    reading_notes: list[str] = field(default_factory=list)  # reader self-checks (e.g. PDF grid differential)
    # PDF: the pages on which a ruled table was found (the only ones the differential check compares)
    ruled_pages: list[int] = field(default_factory=list)
