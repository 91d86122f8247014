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
