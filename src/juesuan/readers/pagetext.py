"""Adapter for page-text JSON: a document already extracted by another tool.

Some disclosures reach us only as the output of an earlier extraction: per page, the plain text and
the tables that a generic extractor found, as JSON::

    {"page_count": 33,
     "page_texts": ["page 1 text", ...],
     "page_tables": [[[["cell", ...], ...]], ...]}   # per page: tables → rows → cells

Such grids are not trusted blindly: they go through the same recognizer and self-checks as our own
readers' grids, so a grid whose amounts slid against their codes is reported as a reading problem.

Per page, the text lines that the page's grids already contain are dropped; the others (titles,
units, notes, narrative) are kept, those above the first grid line before the grid and the rest
after it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..raw import RawDocument, RawLine
from . import register

MAX_JSON_BYTES = 50 * 1024 * 1024


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _covered(line: str, cell_texts: set[str], joined: str) -> bool:
    """True when every token of a text line is found in the page's grid cells."""
    tokens = [t for t in line.split() if t]
    if not tokens:
        return True
    for tok in tokens:
        if tok in cell_texts:
            continue
        if len(tok) >= 2 and tok in joined:
            continue
        return False
    return True


def _page_lines(text: str, tables: list[list[list[Any]]]) -> tuple[list[str], list[list[str]], list[str]]:
    rows = [[("" if c is None else str(c)) for c in row] for table in tables for row in table if isinstance(row, list)]
    cell_texts: set[str] = set()
    for row in rows:
        for c in row:
            for part in c.split("\n"):
                if part.strip():
                    cell_texts.add(part.strip())
    joined = "\u0001".join(_squash(c) for row in rows for c in row)
    before: list[str] = []
    after: list[str] = []
    seen_grid = False
    for line in text.split("\n"):
        if not line.strip():
            continue
        if rows and _covered(line, cell_texts, joined):
            seen_grid = True
            continue
        (after if seen_grid else before).append(line.strip())
    grid = [[c.replace("\n", "") for c in row] for row in rows]
    return before, grid, after


@register(".json")
def read_pagetext(path: Path) -> RawDocument:
    if path.stat().st_size > MAX_JSON_BYTES:
        raise InputError(f"JSON 文件过大（上限 {MAX_JSON_BYTES // (1024 * 1024)} MB）：{path.name}")
    try:
        data = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"不是有效的 JSON 文件：{path.name}（{exc}）") from None
    if not isinstance(data, dict) or not isinstance(data.get("page_texts"), list):
        raise InputError(f"不支持的 JSON 格式：{path.name}（需要含 page_texts 与 page_tables 的逐页文本）")
    texts = data["page_texts"]
    tables = data.get("page_tables") or [[] for _ in texts]
    if not isinstance(tables, list) or len(tables) != len(texts):
        raise InputError(f"JSON 中 page_tables 与 page_texts 的页数不一致：{path.name}")
    doc = RawDocument(file=str(path), format="pagetext", page_count=len(texts))
    for number, (text, page_tables) in enumerate(zip(texts, tables), start=1):
        if not isinstance(text, str) or not isinstance(page_tables, list):
            raise InputError(f"JSON 第{number}页的格式不正确：{path.name}")
        before, grid, after = _page_lines(text, page_tables)
        n = 0
        for cells in [[ln] for ln in before] + grid + [[ln] for ln in after]:
            n += 1
            doc.lines.append(RawLine(n, cells, number))
    return doc
