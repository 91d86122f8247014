"""Tab-separated text: the model as the text reader reads it (one printed row a line, cells
separated by tabs), from the same :func:`juesuan.writers.layout` grids as the other writers.

A table prints its title, form number, a ``部门：`` line and a ``金额单位：`` line (each followed by an
empty line), its header and body rows (a merged cell's text in its first position, the positions it
covers empty), an empty line, then each note followed by an empty line. Paragraphs print one a
line, a 绩效 table its rows of cells; an empty line closes each. :func:`table_lines` also gives the
line of each row of the model table, so a caller can name where a cell is printed.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Disclosure, PerformanceTable, Table
from . import Grid, Section, layout, performance_section, table_section

__all__ = ["document_text", "grid_lines", "performance_lines", "table_lines", "write_text"]


def grid_lines(grid: Grid, width: int) -> list[str]:
    """The rows of ``grid`` as tab-separated lines of ``width`` cells."""
    lines = []
    for row in grid:
        cells = [(cell.text if cell is not None else "") for cell in row]
        cells += [""] * (width - len(cells))
        lines.append("\t".join(cells))
    return lines


def _lines(section: Section, unit: str | None) -> tuple[list[str], int]:
    """The lines of a table section and the index of its first body line."""
    lines: list[str] = []
    dept = section.department or ""
    for text in (section.title or "", section.form, f"部门：{dept}", f"金额单位：{section.unit or unit or ''}"):
        if text is None:
            continue
        lines += [text, ""]
    lines += grid_lines(section.header, section.width)
    first = len(lines)
    lines += grid_lines(section.body, section.width)
    lines.append("")
    for note in section.notes:
        lines += [note, ""]
    return lines, first


def table_lines(table: Table, department: str | None = None) -> tuple[list[str], dict[int, int]]:
    """The lines of ``table`` and, for each of its rows (by index in ``Table.rows``), the index of
    the line it is printed on."""
    section = table_section(table, department)
    lines, first = _lines(section, table.unit)
    return lines, {k: first + i for k, i in section.body_row.items()}


def _text_lines(section: Section) -> list[str]:
    """The lines of a 绩效 table section (its title, then its rows) or of paragraphs, and an empty line."""
    lines = [section.title, ""] if section.kind == "performance" and section.title else []
    lines += grid_lines(section.body, section.width if section.kind == "performance" else 1)
    return [*lines, ""]


def performance_lines(perf: PerformanceTable) -> list[str]:
    """The lines of the 绩效 table ``perf``: its title, an empty line, its rows, an empty line."""
    return _text_lines(performance_section(perf))


def document_text(doc: Disclosure) -> str:
    """The whole document as text (``\\n`` line ends, one final newline)."""
    lines: list[str] = []
    for section in layout(doc):
        lines += _lines(section, None)[0] if section.kind == "table" else _text_lines(section)
    return "\n".join(lines).rstrip("\n") + "\n"


def write_text(doc: Disclosure, path: Path) -> Path:
    path.write_text(document_text(doc), encoding="utf-8")
    return path
