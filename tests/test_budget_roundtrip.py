"""Round trips of budgets (issue 18): our two budget examples — the common 9-table form (Shanghai
naming, tables in 元, the "三公" table in 万元) and the 江苏 2019 12-table form (万元) — written by
juesuan.writers as XLSX, DOCX, HTML and PDF and read back give the same tables, the same amount
cells, the same kind and variant, and the same error findings (none for the clean ones, the planted
ones for the planted)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from juesuan import api
from juesuan.model import Disclosure
from juesuan.writers.docx import write_docx
from juesuan.writers.html import write_html
from juesuan.writers.xlsx import write_xlsx

import budget_example


def _pdf(doc: Disclosure, path: Path) -> Path:
    from juesuan.writers.pdf import NoCJKFont, write_pdf

    try:
        return write_pdf(doc, path)
    except NoCJKFont:
        pytest.skip("no CJK font for the PDF writer")


WRITERS = {"xlsx": write_xlsx, "docx": write_docx, "html": write_html, "pdf": _pdf}
EXAMPLES = {
    "common": lambda planted: budget_example.text(row_sum_slip=planted, three_public_slip=planted),
    "jiangsu": lambda planted: budget_example.jiangsu_text(three_public_slip=planted, narrative_slip=planted),
}


def _cells(doc: Disclosure) -> Counter[tuple]:
    """Every number/dash cell as (table, form, code, label without spaces, column, kind, value)."""
    out: Counter[tuple] = Counter()
    for t in doc.tables:
        for row, col, cell in t.iter_cells():
            if cell.kind in ("number", "dash"):
                code = row.code if row.code and not row.code_inferred else ""
                label = "".join(row.label.split())
                out[(t.id, t.form or "", code, label, t.printed_header(row, col), cell.kind, cell.value)] += 1
    return out


def _errors(rep) -> list[str]:
    return sorted(f.rule for f in rep.findings if f.severity == "error")


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("example", sorted(EXAMPLES))
@pytest.mark.parametrize("planted", [False, True])
def test_budget_round_trip(tmp_path: Path, example: str, fmt: str, planted: bool):
    src = tmp_path / f"{example}.txt"
    src.write_text(EXAMPLES[example](planted), encoding="utf-8")
    source = api.check(src)
    out = WRITERS[fmt](source.document, tmp_path / f"{example}.{fmt}")
    back = api.check(out)
    meta = lambda d: [(t.id, t.form, t.unit) for t in d.tables]  # noqa: E731
    assert (back.document.kind, back.document.variant) == (source.document.kind, source.document.variant)
    assert meta(back.document) == meta(source.document)
    assert not [t.id for t in back.document.tables if t.reading_problems]
    a, b = _cells(source.document), _cells(back.document)
    assert a == b, (list(a - b)[:3], list(b - a)[:3])
    assert _errors(back) == _errors(source)
    assert bool(_errors(source)) == planted
