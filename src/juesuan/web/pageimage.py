"""The page picture of the document view: one PDF page rendered (pypdfium2) with a box around each
cell a finding names on that page, in the finding's severity colour and with its number."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

SCALE = 1.6


def page_png(source: Path, page: int, findings: list[dict[str, Any]], scale: float = SCALE) -> bytes:
    """PNG of ``page`` (1-based) of ``source`` with the boxes of ``findings`` (report JSON form,
    their index is their number) that carry a bbox on that page."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    from ..annotate import rgb255
    from ..show import render_page

    image, to_pixel = render_page(pdfium.PdfDocument(str(source)), page, scale)
    draw = ImageDraw.Draw(image)
    for i, f in enumerate(findings):
        color = rgb255(f.get("severity", "info"))
        for loc in f.get("locations", []):
            if loc.get("page") != page or not loc.get("bbox"):
                continue
            x0, top, x1, bottom = loc["bbox"]
            a, b = to_pixel(x0, top)
            c, d = to_pixel(x1, bottom)
            box = (min(a, c) - 2, min(b, d) - 2, max(a, c) + 2, max(b, d) + 2)
            draw.rectangle(box, outline=color, width=3)
            draw.text((box[2] + 2, box[1] - 2), str(i), fill=color)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()
