"""Benchmark: scanned disclosures (issue 13) — a PDF's pages rasterised into an image-only PDF, read
back by OCR and compared with the reading of the text layer.

Usage: .venv/bin/python bench/bench_ocr.py [PDF ...] [--final] [--dpi 150,300] [--skewed] [--pages 1-6]
       [--synth N] [--json out.json] [--mismatches] [--crops DIR]

For every input PDF (``--final``: every PDF in ``../shared/corpus/final``; default, without ``--synth``: ``../shared/corpus/final/shanghai-putuo-shgzb-2024-final.pdf``
when present) and every dpi, the pages are rendered with PDFium and saved as an image-only PDF (Pillow);
``--skewed`` adds a version turned by +1° on odd pages and −1° on even ones and JPEG-compressed
(quality 75). ``--synth N``: also the first N ruled, three-line and border-less variants of our
generated example (juesuan.synth_layouts), drawn as PDF first. Each scan is read by
``api.load_document`` (JUESUAN_OCR picks the engine) and compared with the text layer's reading:

* tables: the text layer's tables found in the scan too (by name) / the text layer's tables;
* amounts: amount and dash cells (table, row code and label, column, value: synth_layouts.amount_cells)
  equal to the text layer's, in % of the text layer's;
* false errors: error-level findings of the scan's check that the text layer's check does not give;
* s/page: wall time of reading the scan, per page; CPU time (user + sys of the process, which
  other processes' load disturbs less) per page, and the median page's CPU time (each scanned
  page's reading timed alone). The OCR models are loaded before timing (once per process).

``--mismatches`` lists every amount cell of the text layer that the scan did not read equal: the
expected value, what the scan read in the same table, row and column (or that the cell is absent),
its page, box, confidence, doubt, candidates and note (an OCR correction); ``--crops DIR`` also saves
each such cell's image, cut from the scan's page as the reader renders it, to DIR.

Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FINAL = ROOT.parent / "shared" / "corpus" / "final"
DEFAULT_PDF = FINAL / "shanghai-putuo-shgzb-2024-final.pdf"
JPEG_QUALITY = 75
SKEW_DEGREES = 1.0


def rasterise(pdf: Path, out: Path, dpi: float, *, skew: bool = False, pages: tuple[int, int] | None = None) -> int:
    """``pdf``'s pages as an image-only PDF at ``out``; returns the page count."""
    import pypdfium2 as pdfium
    from PIL import Image

    doc = pdfium.PdfDocument(str(pdf))
    images = []
    try:
        lo, hi = pages or (1, len(doc))
        for n in range(lo, min(hi, len(doc)) + 1):
            img = doc[n - 1].render(scale=dpi / 72).to_pil().convert("L")
            if skew:
                angle = SKEW_DEGREES if n % 2 else -SKEW_DEGREES
                img = img.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
                buf = io.BytesIO()
                img.save(buf, format="JPEG", quality=JPEG_QUALITY)
                img = Image.open(io.BytesIO(buf.getvalue())).convert("L")
            images.append(img)
    finally:
        doc.close()
    images[0].save(out, format="PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return len(images)


def compare(text_doc: Any, scan_doc: Any) -> dict[str, Any]:
    from juesuan import api
    from juesuan.synth_layouts import amount_cells

    a, b = amount_cells(text_doc), amount_cells(scan_doc)
    total = sum(a.values())
    equal = total - sum((a - b).values())
    expected = Counter(
        (f.rule, tuple(sorted(loc.table for loc in f.locations))) for f in api.check_document(text_doc).errors
    )
    got = Counter(
        (f.rule, tuple(sorted(loc.table for loc in f.locations))) for f in api.check_document(scan_doc).errors
    )
    false = got - expected
    return {
        "tables_text": len(text_doc.tables),
        # the text layer's tables that the scan's reading found too (by name)
        "tables_scan": len({t.name for t in text_doc.tables} & {t.name for t in scan_doc.tables}),
        "amounts_text": total,
        "amounts_equal": equal,
        "amounts_pct": round(100 * equal / total, 2) if total else None,
        "false_errors": sum(false.values()),
        "false_error_rules": sorted({r for r, _ in false}),
        "lost_examples": [list(map(str, k)) for k in list(a - b)[:5]],
        "unread_pages": list(scan_doc.unread_pages),
    }


def _where(doc: Any) -> dict[tuple[Any, ...], list[Any]]:
    """Each amount or dash cell by (table, form, row code, label, column) — amount_cells' key
    without the kind and value — with its provenance."""
    import re

    out: dict[tuple[Any, ...], list[Any]] = {}
    for t in doc.tables:
        for row, col, cell in t.iter_cells():
            code = row.code if row.code and not row.code_inferred else ""
            key = (
                t.name,
                t.form or "",
                code,
                re.sub(r"\s", "", row.label),
                re.sub(r"\s", "", t.printed_header(row, col)),
            )
            out.setdefault(key, []).append(cell)
    return out


def mismatches(text_doc: Any, scan_doc: Any) -> list[dict[str, Any]]:
    """The text layer's amount cells the scan did not read equal, each with what the scan read there."""
    from juesuan.synth_layouts import amount_cells

    lost = amount_cells(text_doc) - amount_cells(scan_doc)
    where = _where(scan_doc)
    out = []
    for key in lost:
        read = where.get(key[:5], [])
        item: dict[str, Any] = {"table": key[0], "code": key[2], "label": key[3], "column": key[4]}
        item["expected"] = str(key[6]) if key[5] == "number" else "—"
        if not read:
            item["read"] = None
        for cell in read[:1]:
            prov = cell.provenance
            item["read"] = cell.raw
            if prov is not None:
                item.update(
                    page=prov.page,
                    bbox=list(prov.bbox) if prov.bbox else None,
                    confidence=prov.confidence,
                    doubt=prov.doubt,
                    candidates=list(prov.candidates),
                    note=prov.note,
                )
        out.append(item)
    return out


def save_crops(scan: Path, items: list[dict[str, Any]], outdir: Path, stem: str) -> None:
    """Each mismatched cell's image (its box and 6 pt around it) from the scan's page, rendered at
    the reader's resolution and turned upright as the reader turns it."""
    import pypdfium2 as pdfium

    from juesuan.readers import scan as scan_module
    from juesuan.readers.settings import current

    outdir.mkdir(parents=True, exist_ok=True)
    scale = current().ocr_dpi / 72
    doc = pdfium.PdfDocument(str(scan))
    try:
        for k, item in enumerate(items):
            if not item.get("bbox") or not item.get("page"):
                continue
            image, _ = scan_module.deskew(doc[item["page"] - 1].render(scale=scale).to_pil())
            x0, top, x1, bottom = item["bbox"]
            box = (int((x0 - 6) * scale), int((top - 6) * scale), int((x1 + 6) * scale), int((bottom + 6) * scale))
            path = outdir / f"{stem}-{k:02d}-p{item['page']}.png"
            image.crop(box).save(path)
            item["crop"] = str(path)
    finally:
        doc.close()


def _range(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    lo, _, hi = text.partition("-")
    return int(lo), int(hi or lo)


def bench_one(
    pdf: Path,
    dpi: float,
    skew: bool,
    pages: tuple[int, int] | None,
    label: str,
    *,
    listing: bool = False,
    crops: Path | None = None,
) -> dict[str, Any]:
    from juesuan import api
    from juesuan.readers import pdf as pdf_reader

    with tempfile.TemporaryDirectory(prefix="juesuan-bench-ocr-") as tmp:
        src = pdf
        if pages:
            # the text layer's reading of the same pages: the page range cut out with pypdfium2
            import pypdfium2 as pdfium

            cut = pdfium.PdfDocument.new()
            whole = pdfium.PdfDocument(str(pdf))
            cut.import_pages(whole, list(range(pages[0] - 1, min(pages[1], len(whole)))))
            src = Path(tmp) / "cut.pdf"
            cut.save(src)
            cut.close()
            whole.close()
        text_doc = api.load_document(src)
        scan = Path(tmp) / "scan.pdf"
        n = rasterise(src, scan, dpi, skew=skew)
        page_cpu: list[float] = []
        real = pdf_reader._ocr_page

        def timed(page: Any) -> Any:
            t = time.process_time()
            try:
                return real(page)
            finally:
                page_cpu.append(time.process_time() - t)

        pdf_reader._ocr_page = timed  # CPU time of each scanned page's reading (OCR included)
        try:
            t0, c0 = time.perf_counter(), time.process_time()
            scan_doc = api.load_document(scan)
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        finally:
            pdf_reader._ocr_page = real
        page_cpu.sort()
        row = {
            "document": label,
            "dpi": dpi,
            "skewed_jpeg": skew,
            "pages": n,
            "s_per_page": round(elapsed / n, 2),
            "cpu_per_page": round(cpu / n, 2),
            "cpu_page_median": round(page_cpu[len(page_cpu) // 2], 2) if page_cpu else None,
        }
        row.update(compare(text_doc, scan_doc))
        if listing or crops:
            row["mismatches"] = mismatches(text_doc, scan_doc)
            if crops:
                stem = f"{Path(label).stem.replace(' ', '_')}-{dpi:.0f}{'-skew' if skew else ''}"
                save_crops(scan, row["mismatches"], crops, stem)
        return row


def synth_pdfs(
    n: int, outdir: Path, styles: tuple[str, ...] = ("ruled", "threeline", "none")
) -> list[tuple[str, Path]]:
    from juesuan import synth_layouts as sl

    out = []
    base = sl.source()
    for rules in styles:
        picked = [v for v in sl.variants(300, 0, 0) if v.rules == rules][:n]
        for v in picked:
            path = sl.render(sl.restyle(base, v), v, outdir / f"v{v.seed}")
            out.append((f"synth v{v.seed} ({rules})", path))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--dpi", default="150,300")
    ap.add_argument("--skewed", action="store_true", help="also ±1° turned, JPEG-compressed scans")
    ap.add_argument("--pages", help="only these pages (e.g. 1-6)")
    ap.add_argument("--synth", type=int, default=0, help="also N generated variants per ruling style")
    ap.add_argument("--synth-styles", default="ruled,threeline,none", help="ruling styles of --synth")
    ap.add_argument("--final", action="store_true", help="every PDF in ../shared/corpus/final")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--mismatches", action="store_true", help="list the amount cells not read equal")
    ap.add_argument("--crops", type=Path, help="save each mismatched cell's image to this directory")
    args = ap.parse_args()
    dpis = [float(d) for d in args.dpi.split(",")]
    inputs = [(p.name, p) for p in args.pdfs]
    if args.final and FINAL.is_dir():
        inputs += [(p.name, p) for p in sorted(FINAL.glob("*.pdf"))]
    # the OCR engine's models load once per process, before any timing
    from juesuan.readers import ocr

    t0 = time.process_time()
    if ocr.engine() == "rapidocr":
        ocr._rapid_engine()
    print(f"OCR engine {ocr.engine()}: models loaded in {time.process_time() - t0:.2f} s CPU", flush=True)
    if not inputs and not args.synth and DEFAULT_PDF.exists():
        inputs = [(DEFAULT_PDF.name, DEFAULT_PDF)]
    rows = []
    with tempfile.TemporaryDirectory(prefix="juesuan-bench-synth-") as tmp:
        if args.synth:
            inputs += synth_pdfs(args.synth, Path(tmp), tuple(args.synth_styles.split(",")))
        for label, pdf in inputs:
            for dpi in dpis:
                for skew in (False, True) if args.skewed else (False,):
                    row = bench_one(
                        pdf, dpi, skew, _range(args.pages), label, listing=args.mismatches, crops=args.crops
                    )
                    rows.append(row)
                    print(
                        f"{label:48s} {dpi:4.0f} dpi{' skew+jpeg' if skew else '':10s} tables {row['tables_scan']}/"
                        f"{row['tables_text']}  amounts {row['amounts_equal']}/{row['amounts_text']} "
                        f"({row['amounts_pct']}%)  false errors {row['false_errors']} {row['false_error_rules']}  "
                        f"{row['s_per_page']} s/page wall, CPU {row['cpu_per_page']} s/page "
                        f"(median page {row['cpu_page_median']})",
                        flush=True,
                    )
                    for item in row.get("mismatches", []):
                        print("    " + json.dumps(item, ensure_ascii=False, default=str), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
