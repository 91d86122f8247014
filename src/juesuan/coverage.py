"""What a file covers: a whole disclosure (``full``) or a fragment (``fragment``: one section, a
few tables, a 情况说明 alone — a web page publishing the "三公" 说明, an excerpt).

A fragment is checked for everything it contains (its tables' own identities, the arithmetic of
its narrative, its figures against the tables it prints); the completeness rules (every required
table, continuous form numbers, the 绩效 tables) are ``not_applicable`` for it, with the reason.

Detection: a file is ``full`` when it holds at least ``full_min_share`` of the tables its variant
requires (``data/narrative/settings.yaml``, key ``coverage``); otherwise a fragment. ``--scope
full|fragment`` (``api.check(..., coverage=...)``) overrides the detection.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .layouts import Layouts, load as load_layouts
from .model import NO_TABLES_BY_KIND, Disclosure
from .rules.checks import FRAGMENT_REASON  # noqa: F401  (the reason the completeness rules give)

FULL = "full"
FRAGMENT = "fragment"
COVERAGES = (FULL, FRAGMENT)

# a figure the narrative checks can use: an amount with its unit or a percentage
_FIGURE = re.compile(r"\d[\d,，]*(?:\.\d+)?\s*(?:万元|亿元|元|%|％)")

NO_TABLES = NO_TABLES_BY_KIND["决算"]  # recognize's reading problem (per kind: model.NO_TABLES_BY_KIND)


def _min_share() -> Decimal:
    from .narrative.settings import settings

    return Decimal(str(settings().coverage.get("full_min_share", "0.5")))


def detect(doc: Disclosure, layouts: Layouts | None = None) -> str:
    """``full`` or ``fragment`` for a recognized document."""
    layouts = layouts or load_layouts()
    variant = layouts.variants.get(doc.variant or "national")
    required = {e.table for e in variant.tables} if variant else set()
    if not required:
        return FULL
    present = {t.id for t in doc.tables} & required
    if doc.unread_pages:
        return FULL  # tables may be on the unread pages: the completeness rules say so themselves
    return FULL if Decimal(len(present)) >= _min_share() * len(required) else FRAGMENT


def has_narrative_figures(doc: Disclosure) -> bool:
    """Whether the text outside the tables states at least one amount or percentage."""
    return any(_FIGURE.search(p.text) or _flat_row(p.text) for p in doc.paragraphs)


_FLAT_NUMBER = re.compile(r"^-?\d[\d,]*(?:\.\d+)?$")


def _flat_row(text: str) -> bool:
    """A table row flattened to text: ``label | 1.70 | 1.70 |``."""
    cells = [c.strip() for c in text.split("|")]
    return len(cells) >= 2 and any(_FLAT_NUMBER.match(c.replace(" ", "")) for c in cells)
