"""Charts of a built disclosure as PNG images (Pillow, the same system CJK font as the PDF):
收入结构 and 支出结构 (horizontal bars with amounts and shares) and the "三公" 经费 of last year and
this year. Images carry no text a reader could take for figures of the document.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .derive import Accounts, source_amounts, spending_amounts

COLORS = ((46, 117, 182), (237, 125, 49), (112, 173, 71), (255, 192, 0))


@dataclass(frozen=True)
class Chart:
    title: str
    png: bytes


def _share(part: Decimal, whole: Decimal) -> str:
    return f"{(part / whole * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%" if whole else "—"


def _bars(title: str, items: list[tuple[str, Decimal]], font: tuple[str, int], with_share: bool) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    scale = 2
    width, bar_h, gap = 900 * scale, 34 * scale, 18 * scale
    top = 70 * scale
    height = top + len(items) * (bar_h + gap) + 30 * scale
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    big = ImageFont.truetype(font[0], 26 * scale, index=font[1])
    small = ImageFont.truetype(font[0], 19 * scale, index=font[1])
    draw.text((width // 2, 24 * scale), title, fill="black", font=big, anchor="mt")
    label_w = max((draw.textlength(name, font=small) for name, _ in items), default=0) + 20 * scale
    total = sum((v for _, v in items), Decimal(0))
    biggest = max((v for _, v in items), default=Decimal(0)) or Decimal(1)
    room = width - label_w - 260 * scale
    for k, (name, value) in enumerate(items):
        y = top + k * (bar_h + gap)
        draw.text((label_w - 10 * scale, y + bar_h // 2), name, fill="black", font=small, anchor="rm")
        length = int(room * float(value / biggest))
        draw.rectangle((label_w, y, label_w + max(length, 2), y + bar_h), fill=COLORS[k % len(COLORS)])
        text = f"{value:,.2f}万元" + (f"（{_share(value, total)}）" if with_share else "")
        draw.text((label_w + length + 10 * scale, y + bar_h // 2), text, fill="black", font=small, anchor="lm")
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def charts(acc: Accounts, font: tuple[str, int]) -> list[Chart]:
    """收入结构, 支出结构 and, when last year's figure is known, the "三公" 经费 of the two years."""
    t = acc.total
    year = acc.spec.year
    income = list(source_amounts(t).items())
    spending = list(spending_amounts(t).items())
    out = [
        Chart("收入结构", _bars(f"{year}年度收入结构", [i for i in income if i[1]], font, True)),
        Chart("支出结构", _bars(f"{year}年度支出结构", [i for i in spending if i[1]], font, True)),
    ]
    n = acc.spec.narrative
    if n is not None and n.prior_three_public:
        trend = [(f"{year - 1}年度", n.prior_three_public), (f"{year}年度", acc.three_public.total[2])]
        out.append(Chart("“三公”经费", _bars("一般公共预算财政拨款“三公”经费支出决算", trend, font, False)))
    return out
