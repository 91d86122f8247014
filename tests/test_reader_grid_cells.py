"""The text of a ruled table's cells: the characters whose centre lies in each cell.

Class of input: the rows of a lattice, whose cells usually stand side by side (each character is
found in its cell by bisection) but may overlap in a malformed grid (each cell then collects every
character inside it). Written by hand: cells and characters in page coordinates."""

from __future__ import annotations

from typing import Any

from juesuan.readers.lattice import Table
from juesuan.readers.pdf import _grid_items_from_chars


def _char(text: str, x: float, top: float, width: float = 8.0, height: float = 10.0) -> dict[str, Any]:
    return {"text": text, "x0": x, "x1": x + width, "top": top, "bottom": top + height}


def _texts(cells: list[tuple[float, float, float, float]], chars: list[dict[str, Any]]) -> list[list[str]]:
    return [it.cells for it in _grid_items_from_chars(Table(cells), 0, chars)]


def test_side_by_side_cells_take_the_characters_centred_in_them() -> None:
    cells = [(0.0, 0.0, 50.0, 20.0), (50.0, 0.0, 100.0, 20.0), (100.0, 0.0, 150.0, 20.0)]
    cells += [(0.0, 20.0, 50.0, 40.0), (50.0, 20.0, 150.0, 40.0)]  # a merged cell in the second row
    chars = [
        _char("合", 2, 4),
        _char("计", 10, 4),
        _char("1", 46, 4),  # centre 50: the second cell's (a cell's left edge belongs to it)
        _char("2", 54, 4),
        _char("3", 104, 4),
        _char("4", 146, 4),  # centre 150: right of the table's last column
        _char("项", 2, 24),
        _char("5", 60, 24),
        _char("6", 68, 24),
        _char("8", 120, 15),  # centre 20: the second row's, a line above 56 in the merged cell
    ]
    assert _texts(cells, chars) == [["合计", "12", "3"], ["项", "856", ""]]


def test_overlapping_cells_each_take_every_character_centred_in_them() -> None:
    # a malformed grid: the second cell of the row reaches into the third
    cells = [(0.0, 0.0, 50.0, 20.0), (50.0, 0.0, 120.0, 20.0), (100.0, 0.0, 150.0, 20.0)]
    cells += [(0.0, 20.0, 150.0, 40.0)]
    chars = [_char("甲", 10, 4), _char("乙", 60, 4), _char("丙", 106, 4), _char("丁", 130, 4)]
    assert _texts(cells, chars)[0] == ["甲", "乙丙", "丙丁"]


def _grid_texts_by_scan(table: Table, chars: list[dict[str, Any]]) -> list[list[str]]:
    """The differential check's cell texts the plain way: every character tested against every cell."""
    from juesuan.readers.geometry import _group_lines, _line_text

    rows = []
    for row in table.rows:
        texts = []
        for cell in row.cells:
            if cell is None:
                texts.append("")
                continue
            inside = [
                ch
                for ch in chars
                if cell[0] <= (ch["x0"] + ch["x1"]) / 2 < cell[2]
                and cell[1] <= (ch["top"] + ch["bottom"]) / 2 < cell[3]
            ]
            texts.append("\n".join(_line_text(ln) for ln in _group_lines(inside)))
        rows.append(texts)
    return rows


def test_differential_cell_texts_equal_a_scan_of_every_character_in_every_cell() -> None:
    """The differential check's side of the comparison (pdf._grid_texts) buckets the characters by
    row and cell as the reader does; it gives what testing every character against every cell
    gives: random grids (side by side, merged and overlapping cells) and random characters, some
    on cell edges, some wrapped onto a second line, some blank."""
    import random

    from juesuan.readers.geometry import _cell_text
    from juesuan.readers.pdf import _char_centres, _grid_texts

    rng = random.Random(7)
    for _ in range(200):
        xs = sorted(rng.sample(range(0, 300, 10), rng.randint(2, 7)))
        ys = sorted(rng.sample(range(0, 200, 10), rng.randint(2, 6)))
        cells = []
        for top, bottom in zip(ys, ys[1:]):
            k = 0
            while k < len(xs) - 1:
                span = rng.choice((1, 1, 1, 2)) if k < len(xs) - 2 else 1
                right = xs[min(k + span, len(xs) - 1)]
                if rng.random() < 0.1:
                    right += 5  # a malformed grid: the cell reaches into the next one
                cells.append((float(xs[k]), float(top), float(right), float(bottom)))
                k += span
        chars = [
            _char(
                rng.choice([*"合计12345.项 ", " 6", "7 "]),  # (OCR runs may carry spaces)
                rng.choice((rng.uniform(-10, 300), rng.choice(xs) - 4.0)),
                rng.uniform(-5, 200),
            )
            for _ in range(rng.randint(0, 60))
        ]
        table = Table(cells)
        scanned = _grid_texts_by_scan(table, chars)
        assert _grid_texts(table, chars) == scanned
        # the reader's rows: each cell's lines joined as a wrapped cell, rows without text left out
        rows = [[_cell_text(t) for t in row] for row in scanned]
        assert _texts(cells, chars) == [row for row in rows if any(row)]
        # the page's centres computed once by the reader and handed to each table: the same rows
        given = _grid_items_from_chars(table, 0, chars, _char_centres(chars))
        assert [(it.cells, it.boxes) for it in given] == [
            (it.cells, it.boxes) for it in _grid_items_from_chars(table, 0, chars)
        ]
