"""Annotated PDF (check --annotate), page geometry, Location.bbox and ``juesuan show``.

The PDFs are generated here: pages with filled rectangles and Helvetica numbers drawn at known
user-space positions, with /Rotate and MediaBoxes that do not start at the origin. Reports are
built by hand (a Disclosure whose cell provenance points at a drawn rectangle), so these tests do
not depend on the PDF reader; the tests on the real documents in ../shared skip when absent.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import helvetica_resources
from typer.testing import CliRunner

from juesuan.annotate import PageGeometry, annotate_pdf, check_paths, find_cjk_font, plan
from juesuan.api import Report
from juesuan.cli import app
from juesuan.errors import InputError
from juesuan.model import Column, Disclosure, Provenance, Row, Table, make_cell
from juesuan.rules.engine import Finding, Location

REPO = Path(__file__).resolve().parents[1]
SHARED_PDF = REPO.parent / "shared" / "corpus" / "final" / "shanghai-putuo-ghzyj-2024-final.pdf"
EXAMPLE = REPO / "examples" / "example-planted.txt"
runner = CliRunner()


# --------------------------------------------------------------------------------------------
# Generated PDFs


def make_pdf(path: Path, pages: list[dict]) -> Path:
    """Pages: {"mediabox": (x0, y0, x1, y1), "rotate": 0, "rects": [(x, y, w, h)],
    "texts": [(x, y, "1,234.56")]} in user space."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject, NumberObject, RectangleObject

    w = PdfWriter()
    for spec in pages:
        x0, y0, x1, y1 = spec.get("mediabox", (0, 0, 400, 300))
        page = w.add_blank_page(x1 - x0, y1 - y0)
        page[NameObject("/MediaBox")] = RectangleObject([x0, y0, x1, y1])
        if spec.get("rotate"):
            page[NameObject("/Rotate")] = NumberObject(spec["rotate"])
        ops = ["0 0 0 rg"]
        ops += [f"{x} {y} {rw} {rh} re f" for x, y, rw, rh in spec.get("rects", [])]
        ops += [f"BT /F1 10 Tf {x} {y} Td ({t}) Tj ET" for x, y, t in spec.get("texts", [])]
        s = DecodedStreamObject()
        s.set_data("\n".join(ops).encode("latin-1"))
        page[NameObject("/Contents")] = w._add_object(s)
        page[NameObject("/Resources")] = helvetica_resources()
    with open(path, "wb") as fh:
        w.write(fh)
    return path


def plumber_rects(path: Path, page: int = 1) -> list[tuple[float, float, float, float]]:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in pdf.pages[page - 1].rects]


def render(path: Path, page: int = 1, scale: float = 2.0):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return doc[page - 1].render(scale=scale).to_pil().convert("RGB")
    finally:
        doc.close()


def is_red(px) -> bool:
    r, g, b = px
    return r > 170 and g < 90 and b < 90


def is_blue(px) -> bool:
    r, g, b = px
    return b > 150 and r < 90 and g < 150


GEOMETRIES = [
    {"mediabox": (0, 0, 400, 300), "rotate": 0},
    {"mediabox": (0, 0, 400, 300), "rotate": 90},
    {"mediabox": (0, 0, 400, 300), "rotate": 180},
    {"mediabox": (0, 0, 400, 300), "rotate": 270},
    {"mediabox": (50, 100, 450, 400), "rotate": 0},
    {"mediabox": (50, 100, 450, 400), "rotate": 90},
]
RECT = (120, 150, 60, 20)  # user space, inside every mediabox above


def _user_rect(spec):
    x0, y0 = spec["mediabox"][:2]
    x, y, w, h = RECT
    return (x0 + x, y0 + y, w, h)


@pytest.mark.parametrize("spec", GEOMETRIES, ids=lambda s: f"rot{s['rotate']}-mb{s['mediabox'][0]}")
def test_geometry_maps_pdfplumber_boxes_back_to_user_space(tmp_path, spec):
    from pypdf import PdfReader

    x, y, w, h = _user_rect(spec)
    path = make_pdf(tmp_path / "g.pdf", [{**spec, "rects": [(x, y, w, h)]}])
    (box,) = plumber_rects(path)
    geom = PageGeometry.of(PdfReader(str(path)).pages[0])
    ux0, uy0, ux1, uy1 = geom.box_to_user(box)
    assert (ux0, uy0, ux1, uy1) == pytest.approx((x, y, x + w, y + h), abs=0.01)
    assert geom.to_plumber(*geom.to_user(box[0], box[1])) == pytest.approx(box[:2], abs=0.01)


@pytest.mark.parametrize("spec", GEOMETRIES, ids=lambda s: f"rot{s['rotate']}-mb{s['mediabox'][0]}")
def test_pixel_mapper_matches_the_pdfium_rendering(tmp_path, spec):
    import pypdfium2 as pdfium

    x, y, w, h = _user_rect(spec)
    path = make_pdf(tmp_path / "g.pdf", [{**spec, "rects": [(x, y, w, h)]}])
    (box,) = plumber_rects(path)
    doc = pdfium.PdfDocument(str(path))
    pg = doc[0]
    geom = PageGeometry.from_boxes(pg.get_mediabox(), pg.get_rotation())
    to_px = geom.pixel_mapper(pg.get_cropbox(), 2.0)
    img = pg.render(scale=2.0).to_pil().convert("L")
    doc.close()
    px0, py0 = to_px(box[0], box[1])
    px1, py1 = to_px(box[2], box[3])
    assert img.getpixel((int((px0 + px1) / 2), int((py0 + py1) / 2))) < 60
    assert img.getpixel((int(px0 + 3), int(py0 + 3))) < 60 and img.getpixel((int(px1 - 3), int(py1 - 3))) < 60
    assert img.getpixel((int(px0 - 6), int(py0 - 6))) > 200 and img.getpixel((int(px1 + 6), int(py1 + 6))) > 200


# --------------------------------------------------------------------------------------------
# Hand-built reports


def build_report(
    path: Path, cells: list[tuple[int, tuple[float, float, float, float] | None, str]], extra: list[Finding] = ()
) -> Report:
    """One table whose row holds one cell per (page, bbox, severity); one finding per cell."""
    table = Table(
        id="income",
        name="收入决算表",
        title="收入决算表",
        form="公开02表",
        unit="万元",
        columns=[Column(f"c{i}", f"列{i}") for i in range(len(cells))],
    )
    row = Row(label="合计")
    findings = []
    for i, (page, bbox, severity) in enumerate(cells):
        cell = make_cell("315.04", Provenance(str(path), page=page, line=1, bbox=bbox))
        row.cells[f"c{i}"] = cell
        loc = Location(table.name, row.display, f"列{i}", "315.04", page, 1, table.form, None, bbox=bbox)
        findings.append(
            Finding(
                f"income.rule{i}", severity, f"收入决算表：第{i}个问题，相差 {i}.00", [loc], "0.00", "315.04", "315.04"
            )
        )
    table.rows.append(row)
    doc = Disclosure(source=str(path), department="测试单位", year=2024, tables=[table])
    return Report(doc, findings + list(extra), [], "测试版式")


def test_location_bbox_is_optional_in_json():
    plain = Location("收入决算表", "合计", "金额", "1.00", None, 3)
    assert "bbox" not in plain.to_dict()
    boxed = Location("收入决算表", "合计", "金额", "1.00", 2, 3, bbox=(1.0, 2.0, 3.456, 4.0))
    assert boxed.to_dict()["bbox"] == [1.0, 2.0, 3.46, 4.0]
    assert boxed.to_dict()["page"] == 2


def test_engine_locations_carry_the_cell_bbox():
    from juesuan.layouts import load as load_layouts
    from juesuan.rules.engine import Evaluator
    from juesuan.rules.refs import CellRef

    layouts = load_layouts()
    variant = next(iter(layouts.variants.values()))
    cell = make_cell("7.40", Provenance("x.pdf", page=4, line=9, bbox=(10.0, 20.0, 50.0, 32.5)))
    col = Column("total", "合计")
    row = Row(label="教育支出", code="205", cells={"total": cell})
    table = Table(id="income", name="收入决算表", title="收入决算表", columns=[col], rows=[row])
    doc = Disclosure(source="x.pdf", tables=[table])
    loc = Evaluator(doc, variant, layouts).location(CellRef(table, row, col, cell))
    assert (loc.page, loc.bbox) == (4, (10.0, 20.0, 50.0, 32.5))
    assert loc.to_dict()["bbox"] == [10.0, 20.0, 50.0, 32.5]
    text_cell = make_cell("7.40", Provenance("x.txt", line=9))
    loc2 = Evaluator(doc, variant, layouts).location(CellRef(table, row, col, text_cell))
    assert loc2.bbox is None and "bbox" not in loc2.to_dict()


def test_plan_numbers_findings_and_lists_unlocated_ones_on_their_page():
    boxes = [
        (1, (10.0, 10.0, 50.0, 20.0), "error"),
        (2, (10.0, 10.0, 50.0, 20.0), "info"),
        (1, (10.0, 10.0, 50.0, 20.0), "info"),
    ]
    rep = build_report(
        Path("x.pdf"),
        boxes,
        extra=[
            Finding("completeness.tables", "warning", "缺少《项目支出决算表》"),
            Finding("codes.x", "info", "科目编码不在目录中", [Location("支出决算表", "x", "科目编码", "299", 2, 5)]),
            Finding(
                "codes.y",
                "info",
                "页码越界",
                [Location("支出决算表", "x", "科目编码", "299", 99, 5, bbox=(1, 1, 2, 2))],
            ),
        ],
    )
    plans = plan(rep.findings, page_count=2)
    assert sorted(plans) == [1, 2]
    p1 = plans[1]
    (mark,) = p1.marks.values()  # findings 1 and 3 name the same cell: one box, both numbers
    assert mark.numbers == [1, 3] and mark.severity == "error"
    assert [(e.number, e.located) for e in p1.legend] == [(1, True), (3, True), (4, False), (6, False)]
    assert [(e.number, e.located) for e in plans[2].legend] == [(2, True), (5, False)]


def test_annotate_draws_numbered_boxes_and_a_legend(tmp_path):
    src = make_pdf(
        tmp_path / "in.pdf",
        [
            {"mediabox": (0, 0, 400, 300), "rects": [(300, 40, 40, 10)], "texts": [(120, 160, "315.04")]},
            {"mediabox": (0, 0, 400, 300), "texts": [(20, 250, "page two")]},
        ],
    )
    box = (110.0, 128.0, 170.0, 146.0)  # around the printed 315.04 (top-left coordinates)
    rep = build_report(
        src, [(1, box, "error")], extra=[Finding("completeness.tables", "info", "缺少《项目支出决算表》")]
    )
    out = tmp_path / "out.pdf"
    res = annotate_pdf(rep, src, out)
    assert res.annotated_pages == [1] and res.boxes == 1 and res.unlocated == 1 and res.findings == 2
    assert "标注版" in res.summary()

    from pypdf import PdfReader

    reader = PdfReader(str(out))
    assert len(reader.pages) == 2
    page = reader.pages[0]
    (annot,) = [a.get_object() for a in page["/Annots"]]
    assert annot["/Subtype"] == "/Square"
    x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
    assert (x0, y0, x1, y1) == pytest.approx((109, 300 - 147, 171, 300 - 127), abs=0.01)
    assert "第0个问题" in annot["/Contents"]
    # the page grew by the legend band below; the untouched page keeps its size
    assert float(page.mediabox.top) == 300 and float(page.mediabox.bottom) < -20
    assert [float(v) for v in reader.pages[1].mediabox] == [0, 0, 400, 300]

    img = render(out, 1, scale=2.0)
    orig = render(src, 1, scale=2.0)
    assert img.width == orig.width and img.height > orig.height
    # red pixels on the box outline (1 pt outside the cell), none in the middle of the cell
    sx0, sy0, sx1, sy1 = (v * 2 for v in box)
    ring = [
        (int(sx0 - 2), int((sy0 + sy1) / 2)),
        (int(sx1 + 2), int((sy0 + sy1) / 2)),
        (int((sx0 + sx1) / 2), int(sy1 + 2)),
    ]
    assert all(is_red(img.getpixel(p)) for p in ring), [img.getpixel(p) for p in ring]
    assert not any(is_red(img.getpixel((x, y))) for x in range(0, orig.width, 7) for y in range(0, int(sy0) - 20, 7))
    # the printed content is still there (the filled rectangle at the top right)
    assert img.getpixel((640, 2 * (300 - 45))) == (0, 0, 0)
    # the legend band holds dark text and the severity colours of both entries
    band = img.crop((0, orig.height, img.width, img.height))
    colours = band.getcolors(1 << 20)
    assert any(sum(c) < 150 for _, c in colours)
    assert any(is_red(c) for _, c in colours) and any(is_blue(c) for _, c in colours)


def test_annotate_on_a_rotated_page(tmp_path):
    spec = {"mediabox": (0, 0, 400, 300), "rotate": 90, "rects": [(120, 150, 60, 20)]}
    src = make_pdf(tmp_path / "rot.pdf", [spec])
    (box,) = plumber_rects(src)
    rep = build_report(src, [(1, box, "error")])
    out = annotate_pdf(rep, src, tmp_path / "rot-out.pdf").output
    orig, img = render(src, scale=2.0), render(out, scale=2.0)
    assert img.width == orig.width and img.height > orig.height  # the band is below the displayed page
    x0, top, x1, bottom = (v * 2 for v in box)
    assert is_red(img.getpixel((int(x0 - 2), int((top + bottom) / 2))))
    assert is_red(img.getpixel((int(x1 + 2), int((top + bottom) / 2))))
    assert img.getpixel((int((x0 + x1) / 2), int((top + bottom) / 2))) == (0, 0, 0)


def test_legend_renders_in_pdftoppm(tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    import subprocess

    from PIL import Image

    src = make_pdf(tmp_path / "in.pdf", [{"texts": [(120, 160, "315.04")]}])
    rep = build_report(src, [(1, (110.0, 128.0, 170.0, 146.0), "warning")])
    out = annotate_pdf(rep, src, tmp_path / "out.pdf").output
    subprocess.run(
        ["pdftoppm", "-r", "144", "-png", "-singlefile", str(out), str(tmp_path / "p")], check=True, timeout=60
    )
    img = Image.open(tmp_path / "p.png").convert("RGB")
    assert img.height > 300 * 2
    band = img.crop((0, 600, img.width, img.height))
    orange = [c for _, c in band.getcolors(1 << 20) if c[0] > 200 and 80 < c[1] < 170 and c[2] < 60]
    assert orange, "the legend's severity label is not drawn"
    assert any(sum(c) < 150 for _, c in band.getcolors(1 << 20))
    ring = img.getpixel((int(110 * 2 - 2), int(137 * 2)))
    assert ring[0] > 200 and ring[2] < 80  # orange box drawn by poppler too


def test_legend_text_is_chinese_when_a_cjk_font_is_installed(tmp_path):
    """Reads the rendered legend back with OCR: the Chinese words are there."""
    from juesuan.readers import ocr

    if not find_cjk_font():
        pytest.skip("no CJK font installed")
    if not ocr.available():
        pytest.skip("no OCR engine installed to read the legend back")
    src = make_pdf(tmp_path / "in.pdf", [{}])
    rep = build_report(src, [], extra=[Finding("completeness.tables", "error", "缺少项目支出决算表")])
    out = annotate_pdf(rep, src, tmp_path / "out.pdf").output
    img = render(out, scale=2.0)
    band = img.crop((0, 300 * 2, img.width, img.height))
    text = "".join(w.text for w in ocr.ocr_page(band, 2.0))
    assert "项目支出决算表" in text and "未定位" in text, text


def test_annotate_rejects_bad_paths(tmp_path):
    txt = tmp_path / "a.txt"
    txt.write_text("收入决算表", encoding="utf-8")
    with pytest.raises(InputError, match="不是 PDF"):
        check_paths(txt, tmp_path / "o.pdf")
    pdf = make_pdf(tmp_path / "a.pdf", [{}])
    with pytest.raises(InputError, match="不能覆盖原文件"):
        check_paths(pdf, pdf)
    with pytest.raises(InputError, match=r"\.pdf"):
        check_paths(pdf, tmp_path / "o.png")
    with pytest.raises(InputError, match="输出目录不存在"):
        check_paths(pdf, tmp_path / "nope" / "o.pdf")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    with pytest.raises(InputError, match="PDF"):
        annotate_pdf(build_report(broken, []), broken, tmp_path / "o.pdf")


# --------------------------------------------------------------------------------------------
# CLI


def test_cli_annotate_requires_a_pdf():
    res = runner.invoke(app, ["check", str(EXAMPLE), "--annotate", "out.pdf"])
    assert res.exit_code == 2
    assert res.stderr.startswith("错误：") and "不是 PDF" in res.stderr
    assert "Traceback" not in res.output


def test_cli_show_page_out_of_range_and_non_pdf(tmp_path):
    pdf = make_pdf(tmp_path / "a.pdf", [{"texts": [(50, 200, "1,234.56")]}])
    res = runner.invoke(app, ["show", str(pdf), "--page", "3", "-o", str(tmp_path / "p.png")])
    assert res.exit_code == 2 and "页码超出范围" in res.stderr and "共 1 页" in res.stderr
    res = runner.invoke(app, ["show", str(pdf), "--page", "0", "-o", str(tmp_path / "p.png")])
    assert res.exit_code == 2 and "页码超出范围" in res.stderr
    res = runner.invoke(app, ["show", str(EXAMPLE), "--page", "1", "-o", str(tmp_path / "p.png")])
    assert res.exit_code == 2 and "不是 PDF" in res.stderr
    res = runner.invoke(app, ["show", str(pdf), "--page", "1", "-o", str(tmp_path / "p.jpg")])
    assert res.exit_code == 2 and "PNG" in res.stderr
    assert not (tmp_path / "p.png").exists()


def test_cli_show_draws_raw_cells(tmp_path):
    pytest.importorskip("juesuan.readers.pdf", reason="the PDF reader is not there yet")
    from PIL import Image

    pdf = make_pdf(tmp_path / "a.pdf", [{"texts": [(50, 200, "1,234.56"), (250, 200, "7.40")]}])
    out = tmp_path / "p.png"
    res = runner.invoke(app, ["show", str(pdf), "--page", "1", "-o", str(out), "--scale", "2"])
    assert res.exit_code == 0, res.output
    assert "原始单元格 2 个" in res.stdout
    img = Image.open(out).convert("RGB")
    assert img.size == (800, 600)
    greys = [c for _, c in img.getcolors(1 << 20) if c == (185, 185, 185)]
    assert greys  # the raw cell outlines


def _corpus_pdf() -> Path:
    if not SHARED_PDF.exists():
        pytest.skip(f"{SHARED_PDF} is not available (../shared is absent in a fresh clone)")
    pytest.importorskip("juesuan.readers.pdf", reason="the PDF reader is not there yet")
    return SHARED_PDF


def test_cli_check_annotate_on_a_real_pdf(tmp_path):
    import json

    from pypdf import PdfReader

    src = _corpus_pdf()
    out = tmp_path / "annotated.pdf"
    res = runner.invoke(app, ["check", str(src), "--format", "json", "--annotate", str(out)])
    assert res.exit_code in (0, 1), res.output
    data = json.loads(res.stdout)
    located = [loc for f in data["findings"] for loc in f["locations"] if loc.get("bbox")]
    assert located and all(loc["page"] for loc in located)
    assert "已生成标注版 PDF" in res.stderr
    reader, original = PdfReader(str(out)), PdfReader(str(src))
    assert len(reader.pages) == len(original.pages)
    pages_with_marks = {loc["page"] for loc in located}
    for n in pages_with_marks:
        annots = reader.pages[n - 1].get("/Annots")
        assert annots and any(a.get_object().get("/T") == "juesuan" for a in annots)
    # first located cell: its annotation rectangle is where the model says the cell is
    loc = located[0]
    geom = PageGeometry.of(original.pages[loc["page"] - 1])
    ux0, uy0, ux1, uy1 = geom.box_to_user(tuple(loc["bbox"]))
    rects = [
        [float(v) for v in a.get_object()["/Rect"]]
        for a in reader.pages[loc["page"] - 1]["/Annots"]
        if a.get_object().get("/T") == "juesuan"
    ]
    assert any(abs(r[0] - (ux0 - 1)) < 0.01 and abs(r[3] - (uy1 + 1)) < 0.01 for r in rects)


def test_cli_show_on_a_real_pdf(tmp_path):
    from PIL import Image

    src = _corpus_pdf()
    out = tmp_path / "p14.png"
    res = runner.invoke(app, ["show", str(src), "--page", "14", "-o", str(out), "--scale", "1"])
    assert res.exit_code == 0, res.output
    assert "《一般公共预算财政拨款支出决算表》" in res.stdout and "金额单元格" in res.stdout
    assert "general_budget" not in res.stdout  # table names, not internal ids
    img = Image.open(out).convert("RGB")
    from juesuan.show import TABLE_COLORS

    colours = {c for _, c in img.getcolors(1 << 20)}
    assert colours & set(TABLE_COLORS)


def test_decimal_values_unchanged_by_annotation(tmp_path):
    """The annotated copy keeps the original bytes (incremental update): the text layer reads the same."""
    import pdfplumber

    src = make_pdf(tmp_path / "in.pdf", [{"texts": [(120, 160, "315.04"), (200, 100, "7.40")]}])
    rep = build_report(src, [(1, (110.0, 128.0, 170.0, 146.0), "error")])
    out = annotate_pdf(rep, src, tmp_path / "out.pdf").output
    assert out.read_bytes().startswith(src.read_bytes())
    with pdfplumber.open(str(out)) as pdf:
        words = [w["text"] for w in pdf.pages[0].extract_words()]
    assert "315.04" in words and "7.40" in words
    assert Decimal(rep.findings[0].locations[0].value) == Decimal("315.04")
