"""``juesuan show doc.pdf --page N -o out.png``: a debugging picture of what was read on a page.

The page is rendered with pypdfium2 and, on top of it:

* every cell of the reader's raw lines on that page (:mod:`juesuan.raw`) outlined in light grey;
* every amount cell of the recognized model on that page outlined in its table's colour (thick for
  a printed number or dash, thin for a blank cell), with the table id (and printed form number)
  written above the table's first cell on the page.

So one sees at a glance which printed cells became amounts of which table, and which were read
but not used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError

# Distinct colours for tables (RGB), cycled.
TABLE_COLORS = [
    (214, 39, 40),
    (31, 119, 180),
    (44, 160, 44),
    (148, 103, 189),
    (255, 127, 14),
    (23, 190, 207),
    (227, 119, 194),
    (140, 86, 75),
    (188, 189, 34),
    (60, 60, 200),
]
RAW_COLOR = (185, 185, 185)
MAX_SCALE = 8.0


@dataclass
class ShowResult:
    output: Path
    page: int
    pages: int
    raw_cells: int
    tables: list[tuple[str, str | None, int]] = field(default_factory=list)  # id, form, amount cells
    names: dict[str, str] = field(default_factory=dict)  # table id → its Chinese name, for the summary

    def summary(self) -> str:
        parts = [f"第{self.page}页（共{self.pages}页）：读出原始单元格 {self.raw_cells} 个"]
        if self.tables:
            parts.append(
                "；".join(
                    f"《{self.names.get(tid, tid)}》{f'（{form}）' if form else ''} 金额单元格 {n} 个"
                    for tid, form, n in self.tables
                )
            )
        else:
            parts.append("本页没有识别为决算表的金额单元格")
        return "，".join(parts) + f"；已写入 {self.output}"


def _is_pdf(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(1024).lstrip().startswith(b"%PDF")


def render_page(pdf: Any, page: int, scale: float, name: str = "") -> tuple[Any, Any]:
    """Page ``page`` (1-based) of an open pypdfium2 document rendered at ``scale`` pixels a point (an
    RGB PIL image) and the mapping of PDF boxes to its pixels; the document is closed. ``name``
    (with its trailing space) opens the message of a page out of range."""
    from .pages import PageGeometry

    try:
        n = len(pdf)
        if not (1 <= page <= n):
            raise InputError(f"页码超出范围：{name}共 {n} 页，指定的是第 {page} 页")
        pg = pdf[page - 1]
        geom = PageGeometry.from_boxes(pg.get_mediabox(), pg.get_rotation())
        to_pixel = geom.pixel_mapper(pg.get_cropbox(), scale)
        image = pg.render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()
    return image, to_pixel


def show_page(
    path: str | Path, page: int, out: str | Path, scale: float = 2.0, variant: str | None = None
) -> ShowResult:
    """Render ``page`` (1-based) of a PDF with the detected cells drawn on it; write a PNG."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    from .pages import load_font
    from .readers import read
    from .recognize import recognize

    src, dst = Path(path), Path(out)
    if not src.is_file():
        raise InputError(f"文件不存在：{src}")
    if not _is_pdf(src):
        raise InputError(f"show 只支持 PDF 文件：{src.name} 不是 PDF 文件")
    if not (0.25 <= scale <= MAX_SCALE):
        raise InputError(f"缩放比例应在 0.25 到 {MAX_SCALE:g} 之间（每点像素数），指定的是 {scale:g}")
    if dst.suffix.lower() != ".png":
        raise InputError(f"输出文件应为 PNG 图片（以 .png 结尾）：{dst}")
    if not dst.parent.exists():
        raise InputError(f"输出目录不存在：{dst.parent}")
    try:
        pdf = pdfium.PdfDocument(str(src))
    except pdfium.PdfiumError as exc:
        raise InputError(f"PDF 文件无法打开：{src.name}（{exc}）") from None
    n = len(pdf)
    image, to_pixel = render_page(pdf, page, scale, f"{src.name} ")

    raw = read(src)
    doc = recognize(raw, variant=variant)

    draw = ImageDraw.Draw(image)
    width = max(int(round(scale)), 1)

    def rect(box: Any, color: tuple[int, int, int], w: int) -> tuple[float, float, float, float]:
        x0, y0 = to_pixel(box[0], box[1])
        x1, y1 = to_pixel(box[2], box[3])
        r = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        draw.rectangle(r, outline=color, width=w)
        return r

    raw_cells = 0
    for line in raw.lines:
        if line.page != page or not line.bboxes:
            continue
        for text, box in zip(line.cells, line.bboxes):
            if box is None or not text.strip():
                continue
            rect(box, RAW_COLOR, 1)
            raw_cells += 1

    font, _ = load_font(max(int(9 * scale), 8))
    result = ShowResult(dst, page, n, raw_cells)
    labels: list[tuple[tuple[float, float], str, tuple[int, int, int]]] = []
    for i, table in enumerate(doc.tables):
        color = TABLE_COLORS[i % len(TABLE_COLORS)]
        count = 0
        first: tuple[float, float, float, float] | None = None
        for _row, _col, cell in table.iter_cells():
            prov = cell.provenance
            if prov is None or prov.page != page or prov.bbox is None:
                continue
            blank = cell.kind == "blank"
            r = rect(prov.bbox, color, 1 if blank else width + 1)
            count += 0 if blank else 1
            if first is None or (r[1], r[0]) < (first[1], first[0]):
                first = r
        if first is not None:
            result.tables.append((table.id, table.form, count))
            result.names[table.id] = table.name
            labels.append(((first[0], first[1]), f"{table.id}{f' {table.form}' if table.form else ''}", color))
    for (x, y), text, color in labels:
        left, t, right, bottom = draw.textbbox((0, 0), text, font=font)
        pad = 3
        top = max(y - (bottom - t) - 2 * pad, 0)
        draw.rectangle(
            (x, top, x + (right - left) + 2 * pad, top + (bottom - t) + 2 * pad),
            fill=(255, 255, 255),
            outline=color,
            width=width,
        )
        draw.text((x + pad - left, top + pad - t), text, font=font, fill=color)
    try:
        image.save(dst, format="PNG")
    except OSError as exc:
        raise InputError(f"无法写入图片：{dst}（{exc.strerror or exc}）") from None
    return result


__all__ = ["ShowResult", "show_page"]
