"""Write a disclosure as one HTML page (UTF-8, no scripts, styles inline in the head).

Each table is a ``<section>``: the title as ``<h2>``, the form number, the 部门 and 单位 lines,
then a ``<table>`` with the header rows in ``<thead>`` (``colspan``/``rowspan`` for merges) and the
body in ``<tbody>``, and the notes as paragraphs. Amounts are right-aligned (class ``num``).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from ..model import Disclosure
from . import Grid, OutCell, Section, layout

_CSS = """
body { font-family: "SimSun", "宋体", "Noto Serif CJK SC", serif; font-size: 14px; margin: 2em; }
section { margin-bottom: 3em; page-break-after: always; }
h1, h2 { text-align: center; }
h2 { font-size: 20px; margin-bottom: .3em; }
p { margin: .2em 0; }
.form { text-align: right; }
.meta { display: flex; justify-content: space-between; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #000; padding: 2px 4px; font-size: 12px; }
th { font-weight: normal; text-align: center; }
td.num { text-align: right; white-space: nowrap; }
td.dash, td.line-no { text-align: center; }
.note { font-size: 12px; }
""".strip()


def _attrs(oc: OutCell) -> str:
    out = ""
    if oc.colspan > 1:
        out += f' colspan="{oc.colspan}"'
    if oc.rowspan > 1:
        out += f' rowspan="{oc.rowspan}"'
    if oc.role == "amount":
        out += ' class="num"' if oc.value is not None else ' class="dash"'
    elif oc.role == "line_no":
        out += ' class="line-no"'
    return out


def _rows(grid: Grid, tag: str) -> list[str]:
    out = []
    for row in grid:
        cells = "".join(f"<{tag}{_attrs(oc)}>{escape(oc.text)}</{tag}>" for oc in row if oc is not None)
        out.append(f"<tr>{cells}</tr>")
    return out


def section_html(section: Section) -> str:
    parts: list[str] = []
    if section.kind == "text":
        for k, row in enumerate(section.body):
            cell = row[0]
            assert cell is not None
            parts.append(f"<h1>{escape(cell.text)}</h1>" if k == 0 else f"<p>{escape(cell.text)}</p>")
        return '<section class="text">\n' + "\n".join(parts) + "\n</section>"
    if section.title:
        parts.append(f"<h2>{escape(section.title)}</h2>")
    if section.form:
        parts.append(f'<p class="form">{escape(section.form)}</p>')
    dept, unit = section.meta_lines
    if dept or unit:
        inner = "".join(f"<p>{escape(t)}</p>" for t in (dept, unit) if t)
        parts.append(f'<div class="meta">{inner}</div>')
    if section.rows():
        table = ["<table>"]
        if section.header:
            table += ["<thead>", *_rows(section.header, "th"), "</thead>"]
        table += ["<tbody>", *_rows(section.body, "td"), "</tbody>", "</table>"]
        parts.append("\n".join(table))
    parts += [f'<p class="note">{escape(n)}</p>' for n in section.notes]
    return f'<section class="{section.kind}">\n' + "\n".join(parts) + "\n</section>"


def to_html(doc: Disclosure) -> str:
    """The page as a string."""
    title = f"{doc.department or ''}{doc.year or ''}{'年度' if doc.year else ''}{doc.scope}{doc.kind}"
    body = "\n".join(section_html(s) for s in layout(doc))
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def write_html(doc: Disclosure, path: str | Path) -> Path:
    out = Path(path)
    out.write_bytes(to_html(doc).encode("utf-8"))
    return out


__all__ = ["write_html", "to_html", "section_html"]
