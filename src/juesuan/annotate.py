"""Annotated PDF: the checked PDF with each finding's cells boxed and numbered, and a legend.

``annotate_pdf(report, source, out)`` copies ``source`` and, on every page that a finding points
to, draws:

* a rectangle around each located cell (``provenance.bbox`` via ``Location.bbox``), red for an
  error, orange for a warning, blue for a hint, with a tag holding the finding number(s) above
  its top-left corner. A cell named by several findings is boxed once, in the colour of the most
  severe, and its tag lists all their numbers;
* a legend band added below the page content (the page is made taller, so nothing printed is
  covered): the numbers with severity and the Chinese message. Findings that name no located cell
  are listed there as “未定位”, on the page of their table when known, else on page 1.

How it is drawn, and why. Rectangles and number tags are vector graphics in the page content
(digits in the standard Helvetica font, which every renderer has). The legend is Chinese text:
FreeText annotations and non-embedded CJK fonts do not render reliably (pdftoppm and pdfium
substitute fonts differently), so the legend is drawn with Pillow in a CJK font installed on the
machine and placed on the page as a lossless (Flate) image: it looks the same in every viewer.
Each boxed cell also gets a Square annotation with an empty appearance and the finding message as
``/Contents``, so interactive viewers show the message on hover without drawing the box twice.

Coordinates. Cells carry pdfplumber boxes: (x0, top, x1, bottom) in points, origin at the top-left
of the displayed page. :class:`juesuan.pages.PageGeometry` maps them to the page's user space, honouring
``/Rotate`` and a MediaBox that does not start at the origin, exactly as pdfminer lays a page out.
"""

from __future__ import annotations

import os
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .errors import InputError
from .pages import Box, PageGeometry, find_cjk_font, load_font, round_box
from .results import SEVERITY_LABELS, SEVERITY_RANK

SEVERITY_ORDER = SEVERITY_RANK
SEVERITY_LABEL = SEVERITY_LABELS
# PDF colours (0..1) and the same for Pillow (0..255)
SEVERITY_COLOR = {"error": (0.86, 0.08, 0.08), "warning": (0.96, 0.52, 0.0), "info": (0.1, 0.36, 0.86)}
UNLOCATED = "未定位"
LEGEND_FONT_PT = 7.5
LEGEND_PX_PER_PT = 3.0
LEGEND_MAX_ENTRIES = 60
LEGEND_MAX_LINES = 2  # per entry
TAG_FONT_PT = 6.0


def rgb255(severity: str) -> tuple[int, int, int]:
    r, g, b = SEVERITY_COLOR[severity]
    return round(r * 255), round(g * 255), round(b * 255)


# --------------------------------------------------------------------------------------------
# Planning: which numbers go where


@dataclass
class Mark:
    box: Box
    numbers: list[int] = field(default_factory=list)
    severity: str = "info"
    messages: list[str] = field(default_factory=list)


@dataclass
class LegendEntry:
    number: int
    severity: str
    message: str
    located: bool


@dataclass
class PagePlan:
    marks: dict[tuple[float, float, float, float], Mark] = field(default_factory=dict)
    legend: list[LegendEntry] = field(default_factory=list)


@dataclass
class AnnotateResult:
    output: Path
    pages: int
    annotated_pages: list[int]
    boxes: int
    findings: int
    unlocated: int
    font_ok: bool

    def summary(self) -> str:
        pages = "、".join(str(p) for p in self.annotated_pages) or "无"
        text = (
            f"已生成标注版 PDF：{self.output}（问题 {self.findings} 条，框出单元格 {self.boxes} 处，"
            f"未定位 {self.unlocated} 条；标注页：{pages}）"
        )
        if not self.font_ok:
            text += "；未找到中文字体，图例只列出编号和规则"
        return text


def plan(findings: Iterable[Any], page_count: int) -> dict[int, PagePlan]:
    """Number the findings 1..n in report order and decide, per page, boxes and legend lines."""
    pages: dict[int, PagePlan] = {}

    def page_plan(n: int) -> PagePlan:
        return pages.setdefault(n, PagePlan())

    for number, f in enumerate(findings, start=1):
        located_pages: list[int] = []
        other_pages: list[int] = []
        for loc in f.locations:
            page = getattr(loc, "page", None)
            bbox = getattr(loc, "bbox", None)
            if page is None or not (1 <= page <= page_count):
                continue
            if bbox is None or len(bbox) != 4:
                other_pages.append(page)
                continue
            box = round_box(bbox)
            mark = page_plan(page).marks.setdefault(box, Mark(box, severity=f.severity))
            if number not in mark.numbers:
                mark.numbers.append(number)
                mark.messages.append(f"{number}. [{SEVERITY_LABEL[f.severity]}] {f.message}")
            if SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[mark.severity]:
                mark.severity = f.severity
            if page not in located_pages:
                located_pages.append(page)
        if located_pages:
            for page in located_pages:
                page_plan(page).legend.append(LegendEntry(number, f.severity, f.message, True))
        else:
            page = other_pages[0] if other_pages else 1
            page_plan(page).legend.append(LegendEntry(number, f.severity, f.message, False))
    return pages


# --------------------------------------------------------------------------------------------
# Drawing


def _fmt(v: float) -> str:
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def _helvetica_width(text: str, size: float) -> float:
    widths = {",": 278, " ": 278, ".": 278}
    return sum(widths.get(ch, 556) for ch in text) * size / 1000


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


_TOKEN_RE = re.compile(r"[A-Za-z0-9.,%+\-_/]+|.", re.S)


def _wrap(draw: Any, text: str, font: Any, width: float, max_lines: int) -> list[str]:
    """Lines of at most ``width`` pixels, breaking between CJK characters or at spaces, not inside
    a number or a rule id; the last line ends with … when text is left over."""
    lines: list[str] = []
    cur = ""
    tokens = _TOKEN_RE.findall(text)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if draw.textlength(cur + tok, font=font) <= width:
            cur += tok
            i += 1
            continue
        if not cur:  # a token longer than a line: split it by characters
            cut = 1
            while cut < len(tok) and draw.textlength(tok[: cut + 1], font=font) <= width:
                cut += 1
            cur, tokens[i] = tok[:cut], tok[cut:]
        lines.append(cur.rstrip())
        cur = ""
        if len(lines) == max_lines:
            break
        if tokens[i] == " ":
            i += 1
    else:
        lines.append(cur)
        return lines
    last = lines[-1]
    while last and draw.textlength(last + "…", font=font) > width:
        last = last[:-1]
    lines[-1] = last + "…"
    return lines


def render_legend(entries: list[LegendEntry], page_number: int, width_pt: float) -> tuple[Any, float, bool]:
    """The legend band of a page as an RGB image, its height in points, and whether CJK text could
    be drawn."""
    from PIL import Image, ImageDraw

    s = LEGEND_PX_PER_PT
    font, cjk = load_font(round(LEGEND_FONT_PT * s))
    bold, _ = load_font(round((LEGEND_FONT_PT + 0.5) * s))
    margin = 14 * s
    line_h = LEGEND_FONT_PT * 1.45 * s
    inner_w = max(width_pt * s - 2 * margin, 60 * s)
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    shown = entries[:LEGEND_MAX_ENTRIES]
    counts = {k: sum(1 for e in entries if e.severity == k) for k in SEVERITY_ORDER}
    if cjk:
        title = (
            f"juesuan 审核标注 · 第{page_number}页 · 错误 {counts['error']} 条，警告 {counts['warning']} 条，"
            f"提示 {counts['info']} 条（红框=错误，橙框=警告，蓝框=提示；框上数字为下列编号）"
        )
    else:
        title = f"juesuan page {page_number}: {counts['error']} E / {counts['warning']} W / {counts['info']} I"
    blocks: list[tuple[LegendEntry, list[str]]] = []
    num_w = probe.textlength("000. [错误] " if cjk else "000. [E] ", font=font)
    for e in shown:
        if cjk:
            text = e.message + ("" if e.located else f"（{UNLOCATED}）")
        else:
            text = ""
        blocks.append((e, _wrap(probe, text, font, inner_w - num_w, LEGEND_MAX_LINES) if text else [""]))
    rows = 1 + sum(len(lines) for _, lines in blocks) + (1 if len(entries) > len(shown) else 0)
    height_px = int(margin * 1.2 + rows * line_h + margin * 0.6)
    img = Image.new("RGB", (max(int(width_pt * s), 1), height_px), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.rectangle(
        [margin * 0.5, margin * 0.5, img.width - margin * 0.5, img.height - margin * 0.3],
        outline=(120, 120, 120),
        width=max(int(s * 0.6), 1),
    )
    y = margin * 0.9
    title_lines = _wrap(probe, title, bold, inner_w, 1)
    draw.text((margin, y), title_lines[0], font=bold, fill=(0, 0, 0))
    y += line_h
    for e, lines in blocks:
        color = rgb255(e.severity)
        tag = f"{e.number}. [{SEVERITY_LABEL[e.severity]}]" if cjk else f"{e.number}. [{e.severity[0].upper()}]"
        draw.text((margin, y), tag, font=font, fill=color)
        for i, line in enumerate(lines):
            draw.text((margin + num_w, y + i * line_h), line, font=font, fill=(0, 0, 0))
        y += line_h * len(lines)
    if len(entries) > len(shown):
        more = f"……本页另有 {len(entries) - len(shown)} 条，见审核报告" if cjk else f"... +{len(entries) - len(shown)}"
        draw.text((margin, y), more, font=font, fill=(0, 0, 0))
    return img, img.height / s, cjk


def _image_xobject(img: Any) -> Any:
    """A lossless image XObject: the legend quantized to an indexed palette (text in a few colours
    with anti-aliasing), Flate-compressed: about a third of the RGB size before compression."""
    from PIL import Image
    from pypdf.generic import ArrayObject, ByteStringObject, DecodedStreamObject, NameObject, NumberObject

    pal = img.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    n = len(pal.getpalette() or []) // 3 or 1
    palette = bytes((pal.getpalette() or [0, 0, 0])[: 3 * n])
    stream = DecodedStreamObject()
    stream.set_data(pal.tobytes())
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(img.width),
            NameObject("/Height"): NumberObject(img.height),
            NameObject("/ColorSpace"): ArrayObject(
                [NameObject("/Indexed"), NameObject("/DeviceRGB"), NumberObject(n - 1), ByteStringObject(palette)]
            ),
            NameObject("/BitsPerComponent"): NumberObject(8),
        }
    )
    return stream.flate_encode(level=zlib.Z_BEST_COMPRESSION)


def _stream(writer: Any, data: bytes, compress: bool = True) -> Any:
    from pypdf.generic import DecodedStreamObject

    s = DecodedStreamObject()
    s.set_data(data)
    return writer._add_object(s.flate_encode() if compress else s)


def _overlay_ops(
    geom: PageGeometry, visible: Box, pp: PagePlan, legend_h: float, font: str, image: str | None
) -> bytes:
    """Content stream drawing the boxes, tags and the legend image, in device coordinates.

    ``visible`` is the CropBox in device space; the legend band goes right below it."""
    a, b, c, d, e, f = geom.device_to_user()
    ops = ["q", " ".join(_fmt(v) for v in (a, b, c, d, e, f)) + " cm"]
    vx0, vy0, vx1, vy1 = visible
    for mark in sorted(pp.marks.values(), key=lambda m: -SEVERITY_ORDER[m.severity]):
        x0, top, x1, bottom = mark.box
        dx0, dy1 = geom.plumber_to_device(x0, top)
        dx1, dy0 = geom.plumber_to_device(x1, bottom)
        pad = 1.0
        r, g, bl = SEVERITY_COLOR[mark.severity]
        ops.append(f"{_fmt(r)} {_fmt(g)} {_fmt(bl)} RG 1.2 w")
        ops.append(f"{_fmt(dx0 - pad)} {_fmt(dy0 - pad)} {_fmt(dx1 - dx0 + 2 * pad)} {_fmt(dy1 - dy0 + 2 * pad)} re S")
        label = ",".join(str(n) for n in sorted(mark.numbers))
        tw = _helvetica_width(label, TAG_FONT_PT) + 2.4
        th = TAG_FONT_PT + 1.6
        tx = min(max(dx0 - pad, vx0), max(vx1 - tw, vx0))
        if dy1 - dy0 >= 1.8 * th:
            ty = dy1 + pad - th  # inside the top-left corner (amounts are right-aligned) …
        else:
            ty = dy1 + pad if dy1 + pad + th <= vy1 else dy0 - pad - th  # … or above / below a low box
        ops.append(f"{_fmt(r)} {_fmt(g)} {_fmt(bl)} rg {_fmt(tx)} {_fmt(ty)} {_fmt(tw)} {_fmt(th)} re f")
        ops.append(
            f"1 1 1 rg BT /{font} {_fmt(TAG_FONT_PT)} Tf {_fmt(tx + 1.2)} {_fmt(ty + 1.3)} Td ({_pdf_text(label)}) Tj ET"
        )
    if image is not None and legend_h > 0:
        ops.append(f"q {_fmt(vx1 - vx0)} 0 0 {_fmt(legend_h)} {_fmt(vx0)} {_fmt(vy0 - legend_h)} cm /{image} Do Q")
    ops.append("Q")
    return ("\n".join(ops) + "\n").encode("latin-1")


def _annotation(geom: PageGeometry, mark: Mark) -> Any:
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject, TextStringObject

    ux0, uy0, ux1, uy1 = geom.box_to_user(mark.box)
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Square"),
            NameObject("/Rect"): ArrayObject([FloatObject(round(v, 3)) for v in (ux0 - 1, uy0 - 1, ux1 + 1, uy1 + 1)]),
            NameObject("/C"): ArrayObject([FloatObject(v) for v in SEVERITY_COLOR[mark.severity]]),
            NameObject("/Contents"): TextStringObject("\n".join(mark.messages)),
            NameObject("/T"): TextStringObject("juesuan"),
            NameObject("/NM"): TextStringObject("juesuan-" + "-".join(str(n) for n in mark.numbers)),
            NameObject("/F"): NumberObject(4),
            NameObject("/BS"): DictionaryObject({NameObject("/W"): NumberObject(0)}),
        }
    )


def _is_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(1024).lstrip().startswith(b"%PDF")
    except OSError:
        return False


def check_paths(source: str | Path, out: str | Path) -> tuple[Path, Path]:
    """Validate the input and output of ``--annotate`` before any work (Chinese InputError)."""
    src, dst = Path(source), Path(out)
    if not src.is_file():
        raise InputError(f"文件不存在：{src}")
    if not _is_pdf(src):
        raise InputError(f"只有 PDF 文件可以生成标注版（--annotate）：{src.name} 不是 PDF 文件")
    if dst.suffix.lower() != ".pdf":
        raise InputError(f"标注版输出文件应以 .pdf 结尾：{dst}")
    if dst.exists() and dst.resolve() == src.resolve():
        raise InputError(f"标注版不能覆盖原文件：{dst}")
    if not dst.parent.exists():
        raise InputError(f"输出目录不存在：{dst.parent}")
    return src, dst


def annotate_pdf(report: Any, source: str | Path, out: str | Path) -> AnnotateResult:
    """Write the annotated copy of ``source`` for ``report`` (a :class:`juesuan.api.Report`)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, RectangleObject

    src, dst = check_paths(source, out)
    try:
        reader = PdfReader(str(src))
        if reader.is_encrypted:
            # An owner-password-only file opens with the empty password; it is written decrypted.
            if not reader.decrypt(""):
                raise InputError(f"PDF 文件已加密，无法生成标注版：{src.name}")
            writer = PdfWriter(clone_from=reader)
        else:
            # Incremental update: the original bytes are kept as they are and the marks appended.
            writer = PdfWriter(str(src), incremental=True)
        _ = len(writer.pages)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 — pypdf raises many kinds on broken files
        raise InputError(f"PDF 文件已损坏，无法生成标注版：{src.name}（{type(exc).__name__}）") from None
    n_pages = len(writer.pages)
    plans = plan(report.findings, n_pages)
    helv = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica-Bold"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    font_ok = True
    boxes = 0
    for number in sorted(plans):
        pp = plans[number]
        page = writer.pages[number - 1]
        geom = PageGeometry.of(page)
        visible = geom.box_to_device(page.cropbox)
        legend_img, legend_h, cjk = (
            render_legend(pp.legend, number, visible[2] - visible[0]) if pp.legend else (None, 0.0, True)
        )
        font_ok = font_ok and cjk
        resources = page.get("/Resources")
        resources = DictionaryObject(resources.get_object()) if resources is not None else DictionaryObject()
        fonts = resources.get("/Font")
        fonts = DictionaryObject(fonts.get_object()) if fonts is not None else DictionaryObject()
        fonts[NameObject("/JuesuanTag")] = helv
        resources[NameObject("/Font")] = fonts
        image_name = None
        if legend_img is not None:
            xobjects = resources.get("/XObject")
            xobjects = DictionaryObject(xobjects.get_object()) if xobjects is not None else DictionaryObject()
            image_name = "JuesuanLegend"
            xobjects[NameObject("/" + image_name)] = writer._add_object(_image_xobject(legend_img))
            resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        contents = page.get("/Contents")
        parts: list[Any] = []
        if contents is not None:
            obj = contents.get_object()
            parts = list(obj) if isinstance(obj, ArrayObject) else [contents]
        overlay = _overlay_ops(geom, visible, pp, legend_h, "JuesuanTag", image_name)
        page[NameObject("/Contents")] = ArrayObject(
            [_stream(writer, b"q\n", False), *parts, _stream(writer, b"\nQ\n", False), _stream(writer, overlay)]
        )
        if legend_h > 0:
            # the page grows by the legend band below what is shown (the CropBox)
            band = geom.device_box_to_user((visible[0], visible[1] - legend_h, visible[2], visible[1]))
            for name in ("/MediaBox", "/CropBox"):
                if name == "/CropBox" and name not in page:
                    continue
                old = [float(v) for v in (page.mediabox if name == "/MediaBox" else page.cropbox)]
                page[NameObject(name)] = RectangleObject(
                    [
                        min(old[0], old[2], band[0]),
                        min(old[1], old[3], band[1]),
                        max(old[0], old[2], band[2]),
                        max(old[1], old[3], band[3]),
                    ]
                )
        annots = page.get("/Annots")
        annots = ArrayObject(list(annots.get_object())) if annots is not None else ArrayObject()
        for mark in pp.marks.values():
            annots.append(writer._add_object(_annotation(geom, mark)))
            boxes += 1
        page[NameObject("/Annots")] = annots
    tmp = dst.with_name(dst.name + ".part")
    try:
        with open(tmp, "wb") as fh:
            writer.write(fh)
        os.replace(tmp, dst)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"无法写入标注版 PDF：{dst}（{exc.strerror or exc}）") from None
    located = {e.number for pp in plans.values() for e in pp.legend if e.located}
    unlocated = {e.number for pp in plans.values() for e in pp.legend if not e.located}
    return AnnotateResult(dst, n_pages, sorted(plans), boxes, len(report.findings), len(unlocated - located), font_ok)


__all__ = ["AnnotateResult", "PageGeometry", "annotate_pdf", "check_paths", "find_cjk_font", "plan"]
