"""Terminal cells counted without rich for the characters a report mostly prints, as rich counts them.

Class of input: any text the text report measures (titles, findings, names read from documents).
``clitext.cells`` counts text made only of its known characters itself and hands any other text to
rich's ``cell_len``: every known character must have exactly rich's width, and text mixing known and
other characters (combining marks, emoji, control characters, the soft hyphen) must give rich's
count too."""

from __future__ import annotations

import random

from rich.cells import cell_len, get_character_cell_size

from juesuan import clitext


def _known_characters() -> list[str]:
    out = []
    for cp in range(0x110000):
        ch = chr(cp)
        if clitext._KNOWN.fullmatch(ch):
            out.append(ch)
    return out


def test_every_known_character_has_riches_width():
    known = _known_characters()
    assert len(known) > 20000  # the CJK ideographs are among them
    wrong = [hex(ord(ch)) for ch in known if clitext.cells(ch) != get_character_cell_size(ch)]
    assert wrong == []


def test_text_is_counted_as_rich_counts_it():
    rng = random.Random(7)
    known = _known_characters()
    others = ["\u00ad", "\u0301", "\u200b", "\u302a", "\u303f", "\x07", "\t", "😀", "\u1100", "\ufe0f", "\uffe5"]
    samples = [
        "",
        "第12页",
        "文字说明与表格不一致：“一般公共预算财政拨款基本支出5377.64万元。”（narrative.table_amounts）",
    ]
    for _ in range(500):
        pool = known if rng.random() < 0.5 else known + others
        samples.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 40))))
    samples += [s + o for s in samples[:50] for o in others]
    for text in samples:
        assert clitext.cells(text) == cell_len(text), repr(text)


def test_soft_hyphen_and_combining_marks_are_not_counted_here():
    # rich gives them no cell: they must not be taken as one-cell characters
    for ch in ("\u00ad", "\u0301", "\u302a"):
        assert not clitext._KNOWN.fullmatch(ch)
        assert clitext.cells("表" + ch) == cell_len("表" + ch)
