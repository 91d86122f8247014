"""clitext.cells remembers each text's terminal width (a text report wraps the same characters
over and over): the count rich gives, the first time and every time after, and the memo stops
growing at its bound.

Class of input: report tokens — CJK characters, full-width punctuation, ASCII words, spaces,
zero-width and combining characters."""

from __future__ import annotations

from rich.cells import cell_len

from juesuan import clitext


def test_cells_as_rich_counts_them_every_time() -> None:
    for text in ["决", "（", "第12页", "abc", " ", "e\u0301", "\u200b", "", "表1：收入支出决算总表"]:
        assert clitext.cells(text) == cell_len(text)
        assert clitext.cells(text) == cell_len(text)


def test_memo_is_bounded(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clitext, "_CELLS", {})
    monkeypatch.setattr(clitext, "_CELLS_MAX", 3)
    for k in range(10):
        assert clitext.cells("x" * k) == k
    assert len(clitext._CELLS) == 3


def test_wrapped_lines_fit_the_width() -> None:
    text = "本部门2024年度一般公共预算财政拨款支出决算为9859.38万元，比上年增加（减少）12.5%，主要原因是……" * 3
    for width in (10, 20, 37, 78):
        lines = clitext.wrap_line(text, width, "  ", "    ")
        assert "".join(ln.strip() for ln in lines) == text.replace(" ", "")
        assert all(cell_len(ln) <= width for ln in lines)
