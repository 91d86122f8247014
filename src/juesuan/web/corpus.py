"""Corpus views beyond the document list of :mod:`.views`: search and filters by region and score,
a department's history year over year (the figures the history charts draw), and the comparison
of two documents (the store's ``compare``). Plain data for the pages and the API; amounts as
strings of Decimals (in 万元 for the history, converted from each table's printed unit)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..store import Store
from ..textnorm import UNIT_FACTORS
from . import views
from .views import query

WAN = Decimal(10000)


def _s(v: Decimal | None) -> str | None:
    return None if v is None else format(v, "f")


def scores(store: Store) -> dict[int, str | None]:
    """The transparency score (0–100, docs/store.md "Scorecard") of every current document."""
    return {s.document: _s(s.score) for s in store.scorecard()}


def search(
    store: Store,
    *,
    department: str | None = None,
    year: int | None = None,
    rule: str | None = None,
    region: str | None = None,
    q: str | None = None,
    score_min: Decimal | None = None,
    score_max: Decimal | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """The documents of :func:`views.documents` narrowed by region, by a text search (file name,
    department, region, narrative text or a finding's message: substring) and by score range (a
    document without a score — superseded, or no rule applicable — is left out when a range is
    given). Each carries its ``score``."""
    docs = views.documents(store, department, year, rule, 100000 if (region or q or score_min or score_max) else limit)
    if region:
        docs = [d for d in docs if d["region"] and region in d["region"]]
    if q:
        needle = q.strip()
        hits = {
            int(r["document"])
            for r in query(
                store,
                "SELECT document FROM narrative WHERE text LIKE ? UNION SELECT document FROM findings WHERE message LIKE ?",
                [f"%{needle}%", f"%{needle}%"],
            )
        }
        docs = [
            d
            for d in docs
            if d["id"] in hits or any(needle in (d.get(k) or "") for k in ("file_name", "department", "region"))
        ]
    score = scores(store)
    for d in docs:
        d["score"] = score.get(d["id"])
    if score_min is not None or score_max is not None:
        docs = [
            d
            for d in docs
            if d["score"] is not None
            and (score_min is None or Decimal(d["score"]) >= score_min)
            and (score_max is None or Decimal(d["score"]) <= score_max)
        ]
    return docs[:limit]


def regions(store: Store) -> list[str]:
    return [
        r["region"] for r in query(store, "SELECT DISTINCT region FROM documents WHERE region IS NOT NULL ORDER BY 1")
    ]


def _wan(value: Any, unit: str | None) -> Decimal | None:
    factor = UNIT_FACTORS.get(unit or "")
    if value is None or factor is None:
        return None
    return (Decimal(str(value)) * factor / WAN).quantize(Decimal("0.01"))


def history(store: Store, department: str, kind: str | None = None) -> dict[str, Any]:
    """One department's current documents, one per year and kind (the newest when several),
    oldest first, with 收入合计/支出合计 (the 收入支出决算总表's 本年收入/支出合计), 三公 (决算,
    预算) and 机关运行经费, the findings by severity and the score. A figure the document does not
    print (or prints in no known unit) is None — never 0."""
    docs = query(
        store,
        "SELECT id, file_name, year, kind, errors, warnings, infos FROM v_documents"
        " WHERE department = ? AND is_current AND year IS NOT NULL"
        + (" AND kind = ?" if kind else "")
        + " ORDER BY year, id",
        [department, kind] if kind else [department],
    )
    by_year: dict[tuple[int, str], dict[str, Any]] = {}
    for d in docs:
        by_year[(int(d["year"]), d["kind"] or "")] = d  # the newest of a year and kind wins
    rows = sorted(by_year.values(), key=lambda d: (d["year"], d["kind"] or ""))
    ids = [int(d["id"]) for d in rows]
    totals: dict[tuple[int, str], Decimal | None] = {}
    three: dict[int, dict[str, Any]] = {}
    if ids:
        marks = ", ".join("?" * len(ids))
        for r in query(
            store,
            "SELECT document, row_concept, value, unit FROM cells WHERE table_id = 'summary' AND column_id = 'amount'"
            f" AND row_concept IN ('income_total', 'expenditure_total') AND document IN ({marks})"
            " ORDER BY document, table_seq, row_seq",
            ids,
        ):
            key = (int(r["document"]), r["row_concept"])
            if key not in totals:  # the first printed
                totals[key] = _wan(r["value"], r["unit"])
        for r in query(store, f"SELECT * FROM v_three_public WHERE document IN ({marks})", ids):
            three.setdefault(int(r["document"]), r)
    score = scores(store)
    years = []
    for d in rows:
        t = three.get(int(d["id"]), {})
        unit = t.get("unit")
        years.append(
            {
                "document": d["id"],
                "file_name": d["file_name"],
                "year": d["year"],
                "kind": d["kind"],
                "income_total": _s(totals.get((int(d["id"]), "income_total"))),
                "expenditure_total": _s(totals.get((int(d["id"]), "expenditure_total"))),
                "three_public_final": _s(_wan(t.get("three_public_final"), unit)),
                "three_public_budget": _s(_wan(t.get("three_public_budget"), unit)),
                "admin_cost_final": _s(_wan(t.get("admin_cost_final"), unit)),
                "errors": int(d["errors"] or 0),
                "warnings": int(d["warnings"] or 0),
                "infos": int(d["infos"] or 0),
                "score": score.get(int(d["id"])),
            }
        )
    for prev, cur in zip(years, years[1:]):
        for k in ("income_total", "expenditure_total", "three_public_final"):
            a, b = prev[k], cur[k]
            cur[f"{k}_change_percent"] = (
                _s(((Decimal(b) - Decimal(a)) * 100 / abs(Decimal(a))).quantize(Decimal("0.01")))
                if a is not None and b is not None and Decimal(a) != 0
                else None
            )
    return {"department": department, "unit": "万元", "years": years}


def compare(store: Store, a: int, b: int) -> dict[str, Any] | None:
    """The store's comparison of documents ``a`` and ``b`` (``juesuan compare``'s JSON), None when
    either is not in the store."""
    found = {int(r["id"]) for r in query(store, "SELECT id FROM documents WHERE id IN (?, ?)", [a, b])}
    if {a, b} - found:
        return None
    return dict(store.compare(a, b).to_dict())
