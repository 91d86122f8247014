"""Characters all on one band (same top and bottom: most cells of a ruled table) are grouped into
lines without the general grouping's keys; the lines must be the ones the general grouping gives."""

from __future__ import annotations

import random

from juesuan.readers.geometry import _group_lines


def _band(rng: random.Random, n: int, top: float, bottom: float) -> list[dict]:
    xs = rng.sample(range(0, 4000), n)  # distinct x positions, in no order (page order ≠ x order)
    texts = "一二三四五六七八九十0123456789.,（）合计"
    chars = []
    for x in xs:
        text = rng.choice(texts) if rng.random() > 0.1 else " "  # a blank now and then
        chars.append({"text": text, "x0": x / 10, "x1": x / 10 + 9.0, "top": top, "bottom": bottom})
    return chars


def _texts(lines: list[list[dict]]) -> list[str]:
    return ["".join(c["text"] for c in ln) for ln in lines]


def test_one_band_gives_the_general_grouping() -> None:
    rng = random.Random(7)
    for _ in range(300):
        n = rng.randint(1, 30)
        top = rng.uniform(0, 800)
        chars = _band(rng, n, top, top + rng.uniform(0.5, 14))
        fast = _group_lines(chars)
        # the same characters with one of them moved by a hair: the general grouping runs (not one
        # band any more) and must find the same single line in the same order
        k = rng.randrange(n)
        moved = [dict(c) for c in chars]
        moved[k]["top"] += 1e-9
        moved[k]["bottom"] += 1e-9
        assert _texts(fast) == _texts(_group_lines(moved))
        assert len(fast) <= 1


def test_one_band_keeps_page_order_at_equal_x_and_drops_blanks() -> None:
    chars = [
        {"text": t, "x0": x, "x1": x + 5.0, "top": 10.0, "bottom": 20.0}
        for t, x in (("乙", 30.0), ("甲", 10.0), (" ", 15.0), ("丙", 30.0), ("丁", 10.0))
    ]
    assert _texts(_group_lines(chars)) == ["甲丁乙丙"]
    assert _group_lines([{"text": " ", "x0": 0.0, "x1": 1.0, "top": 0.0, "bottom": 9.0}]) == []
