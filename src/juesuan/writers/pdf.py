"""Write a disclosure as PDF (fpdf2): the sections of :func:`juesuan.writers.layout`, each table on
new pages, A4 (landscape when the table is too wide for a portrait page), every cell ruled, header
rows repeated on continued pages, page numbers at the foot, a bookmark per table.

The CJK font is a system font found by fontconfig (``fc-match``); fpdf2 embeds the subset of the
glyphs used. Without one, :class:`NoCJKFont` says what to install. ``draft`` marks every page 草稿.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable, Sequence
from ..errors import OutputError
from ..model import Disclosure
from . import OutCell, Section, layout

PORTRAIT = (210.0, 297.0)  # mm
MARGIN = 12.0
BODY_SIZE = 8.5
MIN_SIZE = 6.0
# The printed width of one character unit (half an em: a CJK character is two) per point of font
# size, in mm. A table whose natural width (:meth:`Section.column_units`: headers wrapped, long
# labels wrapped) at the body size exceeds the portrait text width is printed landscape.
CHAR_MM = 0.3528 / 2


class NoCJKFont(OutputError):
    """No Chinese font on the system: PDF output is impossible."""

    code = "no_cjk_font"


def find_cjk_font() -> tuple[str, int]:
    """(font file, face index) of a Simplified Chinese font, by fontconfig."""
    hint = "未找到中文字体，无法生成 PDF：请安装中文字体（如 Debian/Ubuntu：apt-get install fonts-noto-cjk，见 scripts/system-deps.sh）"
    if shutil.which("fc-match") is None or shutil.which("fc-list") is None:
        raise NoCJKFont(hint + "；系统也没有 fontconfig（fc-match）")
    covering = subprocess.run(["fc-list", ":lang=zh-cn", "file"], capture_output=True, text=True).stdout
    files = {line.split(":")[0].strip() for line in covering.splitlines() if line.strip()}
    for pattern in ("sans-serif:lang=zh-cn:style=Regular", "serif:lang=zh-cn", ":lang=zh-cn"):
        out = subprocess.run(["fc-match", "-f", "%{file}\t%{index}", pattern], capture_output=True, text=True).stdout
        path, _, index = out.partition("\t")
        if path in files and path.lower().endswith((".ttf", ".otf", ".ttc", ".otc")):
            return path, int(index or 0)
    raise NoCJKFont(hint)


class _PDF:
    def __init__(self, font: tuple[str, int], draft: bool, department: str):
        from fpdf import FPDF
        from fpdf.fonts import TTFFont

        draft_mark = draft

        class Doc(FPDF):
            def header(self) -> None:
                if draft_mark:
                    self.set_font("cjk", size=60)
                    self.set_text_color(225, 225, 225)
                    with self.rotation(30, self.w / 2, self.h / 2):
                        self.text(self.w / 2 - 30, self.h / 2 + 10, "草稿")
                    self.set_font("cjk", size=10)
                    self.set_text_color(200, 0, 0)
                    self.text(self.w - MARGIN - 12, 8, "草稿")
                    self.set_text_color(0, 0, 0)

            def footer(self) -> None:
                self.set_y(-10)
                self.set_font("cjk", size=8)
                self.cell(0, 5, f"- {self.page_no()} -", align="C")

        self.pdf = Doc(unit="mm", format="A4")
        self.pdf.set_auto_page_break(True, margin=14)
        self.pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf.add_font("cjk", fname=font[0], collection_font_number=font[1])
        # The subset keeps the original glyph outlines: recomputing every glyph's bounds when the
        # subset is saved (fontTools' default) is most of the PDF's writing time and changes nothing.
        loaded = self.pdf.fonts["cjk"]
        if isinstance(loaded, TTFFont):
            loaded.ttfont.recalcBBoxes = False
        self.pdf.set_title(f"{department}部门决算")
        self.pdf.set_creator("juesuan")
        self.fresh = False

    def page(self, landscape: bool) -> float:
        if self.fresh and not landscape:  # the empty portrait page the table of contents opened
            self.fresh = False
            self.pdf.set_xy(MARGIN, MARGIN)
            return self.pdf.w - 2 * MARGIN
        self.fresh = False
        self.pdf.add_page(orientation="L" if landscape else "P")
        return self.pdf.w - 2 * MARGIN

    def title(self, s: Section, width: float) -> None:
        pdf = self.pdf
        if s.title:
            pdf.start_section(s.title)
            pdf.set_font("cjk", size=15)
            pdf.multi_cell(width, 8, s.title, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=9)
        if s.form:
            pdf.cell(width, 5, s.form, align="R", new_x="LMARGIN", new_y="NEXT")
        dept, unit = s.meta_lines
        if dept or unit:
            y = pdf.get_y()
            if dept:
                pdf.cell(width / 2, 5, dept, align="L")
            if unit:
                pdf.set_xy(MARGIN + width / 2, y)
                pdf.cell(width / 2, 5, unit, align="R")
            pdf.ln(6)

    def grid(self, s: Section, width: float, size: float) -> None:
        from fpdf.fonts import FontFace

        pdf = self.pdf
        units = s.column_units()
        total = sum(units)
        widths = [width * u / total for u in units]
        pdf.set_font("cjk", size=size)
        n_header = len(s.header)
        style = FontFace(emphasis="", fill_color=(238, 238, 238))
        with pdf.table(
            col_widths=widths,
            width=width,
            first_row_as_headings=n_header > 0,
            num_heading_rows=max(n_header, 1),
            headings_style=style,
            line_height=size * 0.3528 * 1.35,
            text_align="LEFT",
            padding=(0.6, 0.8),
            v_align="MIDDLE",
        ) as table:
            for row in s.rows():
                out = table.row()
                for cell in row:
                    if cell is None:
                        continue
                    out.cell(
                        cell.text,
                        align=_align(cell),
                        colspan=cell.colspan,
                        rowspan=cell.rowspan,
                    )

    def notes(self, notes: list[str], width: float) -> None:
        pdf = self.pdf
        pdf.set_font("cjk", size=8)
        pdf.ln(1.5)
        for note in notes:
            pdf.multi_cell(width, 4.2, note, new_x="LMARGIN", new_y="NEXT")

    def paragraphs(self, texts: list[str], width: float) -> None:
        """The narrative: headings larger, body text wrapped without splitting a number or
        starting a line with closing punctuation."""
        pdf = self.pdf
        for text in texts:
            heading = bool(HEADING.match(text)) and len(text) < 40
            size = 12.0 if heading else 10.5
            pdf.set_font("cjk", size=size)
            height = size * 0.3528 * 1.6
            for line in wrap(text, width, lambda t: pdf.get_string_width(t)):
                if pdf.will_page_break(height):
                    pdf.add_page()
                pdf.cell(width, height, line, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.0 if heading else 0.8)

    def images(self, images: Sequence[tuple[str, bytes]]) -> None:
        """Pictures (charts: PNG), centred, 80% of the page width, each kept on one page."""
        import io

        from PIL import Image

        pdf = self.pdf
        width = (pdf.w - 2 * MARGIN) * 0.8
        for _title, png in images:
            with Image.open(io.BytesIO(png)) as im:
                height = width * im.height / im.width
            if pdf.will_page_break(height + 4):
                pdf.add_page()
            pdf.ln(3)
            pdf.image(io.BytesIO(png), x=(pdf.w - width) / 2, w=width)
            pdf.ln(2)


HEADING = re.compile(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.,%％]*|.", re.S)
_NO_LINE_START = set("，。；：、）》”’！？,.;:)%％】")


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Lines of ``text`` no wider than ``width``: numbers are not split, and closing punctuation
    stays with the text before it."""
    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(text):
        if line and measure(line + token) > width and token not in _NO_LINE_START:
            lines.append(line)
            line = token
        else:
            line += token
    if line:
        lines.append(line)
    return lines


def _align(cell: OutCell) -> str:
    return {"right": "R", "center": "C"}.get(cell.align, "L")


def _fit(s: Section) -> tuple[bool, float]:
    """(landscape, font size) so the table's natural width fits the page."""
    need = sum(s.column_units()) * CHAR_MM
    portrait = PORTRAIT[0] - 2 * MARGIN
    landscape = PORTRAIT[1] - 2 * MARGIN
    if need * BODY_SIZE <= portrait:
        return False, BODY_SIZE
    if need * BODY_SIZE <= landscape:
        return True, BODY_SIZE
    return True, max(MIN_SIZE, landscape / need)


def _toc(pdf: Any, outline: list[Any]) -> None:
    """The table of contents: one line per bookmarked section, its page number at the right."""
    pdf.set_font("cjk", size=14)
    pdf.set_x(MARGIN)
    pdf.cell(pdf.w - 2 * MARGIN, 10, "目录", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("cjk", size=10.5)
    width = pdf.w - 2 * MARGIN
    for section in outline:
        page = str(section.page_number)
        title = section.name
        dots = width - pdf.get_string_width(title) - pdf.get_string_width(page) - 4
        leader = "." * max(int(dots / max(pdf.get_string_width("."), 0.1)), 3)
        pdf.cell(
            width,
            7.5,
            f"{title} {leader} {page}"[:200],
            new_x="LMARGIN",
            new_y="NEXT",
            link=pdf.add_link(page=section.page_number),
        )


def write_pdf(
    doc: Disclosure,
    path: str | Path,
    *,
    draft: bool = False,
    font: tuple[str, int] | None = None,
    images: Sequence[tuple[str, bytes]] = (),
) -> Path:
    """Write ``doc`` as a PDF file at ``path``; raises :class:`NoCJKFont` without a Chinese font.

    Order: a cover page with the document title and the table of contents, the tables, the
    情况说明 (the narrative paragraphs), then the 绩效 tables."""
    path = Path(path)
    out = _PDF(font or find_cjk_font(), draft, doc.department or "")
    sections = layout(doc)
    text = next((s for s in sections if s.kind == "text"), None)
    paragraphs = [r[0].text for r in text.body if r[0] is not None and r[0].text] if text else []
    title = f"{doc.department or ''}{doc.year or ''}年度部门决算"
    if paragraphs and len(paragraphs[0]) <= 40 and "决算" in paragraphs[0]:
        title = paragraphs.pop(0)
    width = out.page(False)
    out.pdf.set_font("cjk", size=18)
    out.pdf.ln(30)
    out.pdf.multi_cell(width, 11, title, align="C", new_x="LMARGIN", new_y="NEXT")
    out.pdf.ln(12)
    out.pdf.insert_toc_placeholder(_toc, pages=1, reset_page_indices=False)
    out.fresh = True
    tables = [s for s in sections if s.kind == "table"]
    rest = [s for s in sections if s.kind == "performance"]
    for s in tables:
        _table_pages(out, s)
    if paragraphs:
        width = out.page(False)
        out.pdf.start_section("情况说明")
        out.paragraphs(paragraphs, width)
    if images:
        out.images(images)
    for s in rest:
        _table_pages(out, s)
    out.pdf.output(str(path))
    return path


def _table_pages(out: _PDF, s: Section) -> None:
    landscape, size = _fit(s)
    width = out.page(landscape)
    out.title(s, width)
    out.grid(s, width, size)
    if s.notes:
        out.notes(s.notes, width)
