"""A transparency scorecard per stored document (docs/store.md, "Scorecard").

Three components, each the share of a document's applicable rules that pass, every rule weighted
by its severity (error 3, warning 1, info 0); rules that are not applicable or lack data count in
no component (they are reported beside the score):

- completeness: rules ``completeness.*`` and ``reading.*`` (the required tables and 绩效 tables
  present, not duplicated, numbered, units printed, the tables read without problems);
- consistency: the table rules (sums, hierarchies, cross-table identities, classification codes);
- narrative: rules ``narrative.*`` and ``performance.*`` (the 情况说明 against the tables, its own
  arithmetic, text quality, the 绩效 self-evaluation).

A fourth component, timeliness, counts when the document's publication date (``ingest
--published``) and its due date (the expected-publisher list, :mod:`.publication`) are known: 1 when
published on time, less 1/30 for each day late, 0 from 30 days late.

score = 100 × (0.4 × completeness + 0.4 × consistency + 0.2 × narrative + 0.2 × timeliness) / the
sum of the weights of the components that could be scored (a component without any applicable rule,
or timeliness without the dates, is left out).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import Store

WEIGHTS = {
    "completeness": Decimal("0.4"),
    "consistency": Decimal("0.4"),
    "narrative": Decimal("0.2"),
    "timeliness": Decimal("0.2"),
}
LATE_DAYS = 30  # days late at which timeliness reaches 0
SEVERITY_WEIGHT = {"error": 3, "warning": 1, "info": 0}
COMPONENT_LABELS = {"completeness": "完整性", "consistency": "一致性", "narrative": "文字说明", "timeliness": "及时性"}

_CATEGORY = (
    "CASE WHEN r.rule LIKE 'completeness.%' OR r.rule LIKE 'reading.%' THEN 'completeness'"
    " WHEN r.rule LIKE 'narrative.%' OR r.rule LIKE 'performance.%' THEN 'narrative'"
    " ELSE 'consistency' END"
)


@dataclass
class Score:
    document: int
    file_name: str
    department: str | None
    year: int | None
    components: dict[str, Decimal | None]  # share of weighted applicable rules passing, 0–1
    score: Decimal | None  # 0–100, one decimal
    not_evaluated: int  # rules not applicable or without data

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "file_name": self.file_name,
            "department": self.department,
            "year": self.year,
            "score": _s(self.score),
            "components": {k: _s(_pct(v)) for k, v in self.components.items()},
            "rules_not_evaluated": self.not_evaluated,
        }


def _pct(v: Decimal | None) -> Decimal | None:
    return None if v is None else (v * 100).quantize(Decimal("0.1"))


def _s(v: Decimal | None) -> str | None:
    return None if v is None else format(v, "f")


def scorecard(store: Store, document: int | None = None) -> list[Score]:
    """Scores of the current documents (or of ``document``), lowest first."""
    where = "d.id = ?" if document is not None else "NOT EXISTS (SELECT 1 FROM documents n WHERE n.supersedes = d.id)"
    params = [document] if document is not None else []
    rows = store.db.execute(
        f"SELECT r.document, {_CATEGORY} AS category, r.severity, r.status, COUNT(*)"
        f" FROM rule_statuses r JOIN documents d ON d.id = r.document WHERE {where}"
        f" GROUP BY r.document, {_CATEGORY}, r.severity, r.status",
        params,
    )
    docs = store.db.execute(f"SELECT d.id, d.file_name, d.department, d.year FROM documents d WHERE {where}", params)
    applied: dict[tuple[int, str], int] = {}
    passed: dict[tuple[int, str], int] = {}
    skipped: dict[int, int] = {}
    for doc, category, severity, status, n in rows:
        doc, n = int(doc), int(n)
        if status in ("pass", "fail"):
            w = SEVERITY_WEIGHT.get(str(severity), 1) * n
            applied[(doc, category)] = applied.get((doc, category), 0) + w
            if status == "pass":
                passed[(doc, category)] = passed.get((doc, category), 0) + w
        else:
            skipped[doc] = skipped.get(doc, 0) + n
    from .publication import publication

    timely: dict[int, Decimal] = {}
    for e in publication(store):
        if e.document is not None and e.status in ("late", "on_time"):
            late = e.days_late or 0
            timely[e.document] = max(Decimal(0), 1 - Decimal(late) / LATE_DAYS)
    out = []
    for doc_id, name, dep, year in docs:
        doc_id = int(doc_id)
        comps: dict[str, Decimal | None] = {}
        for c in WEIGHTS:
            a = applied.get((doc_id, c), 0)
            comps[c] = Decimal(passed.get((doc_id, c), 0)) / a if a else None
        comps["timeliness"] = timely.get(doc_id)
        total_w = sum((WEIGHTS[c] for c, v in comps.items() if v is not None), Decimal(0))
        score = None
        if total_w:
            s = sum((WEIGHTS[c] * v for c, v in comps.items() if v is not None), Decimal(0)) / total_w
            score = (s * 100).quantize(Decimal("0.1"))
        out.append(
            Score(doc_id, str(name), dep, int(year) if year is not None else None, comps, score, skipped.get(doc_id, 0))
        )
    out.sort(key=lambda s: (s.score is None, s.score or 0, s.document))
    return out


def text(scores: list[Score]) -> str:
    if not scores:
        return "库中没有文件。"
    lines = [
        "透明度评分（0–100；完整性、一致性各占 0.4，文字说明、及时性各占 0.2，无法评的部分不计；计算方法见 docs/store.md）："
    ]
    for s in scores:
        parts = "，".join(f"{COMPONENT_LABELS[c]} {_s(_pct(v)) or '—'}" for c, v in s.components.items())
        lines.append(
            f"  [{s.document}] {s.file_name}（{s.department or '部门未知'}，{s.year or '年度未知'}）："
            f"{_s(s.score) or '无法评分'}（{parts}；未执行的规则 {s.not_evaluated} 条）"
        )
    return "\n".join(lines)
