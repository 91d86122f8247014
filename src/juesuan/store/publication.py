"""Publication tracking: an expected-publisher list (department or unit, kind, scope, year, due
date, region) imported from CSV, against the stored documents: who has not published, who published
late, and which required tables or parts are missing from what was published, per region
(docs/store.md, "Publication tracking").

The due date is given (``due_date``) or follows from the approval date (``approved_on``): public
disclosure is due within 20 days of approval. Whether a document was late needs its publication date
(``juesuan ingest --published YYYY-MM-DD``); without it the document counts as published, date unknown.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError

if TYPE_CHECKING:
    from . import Store

DUE_DAYS = 20  # days after approval (部门决算/预算公开: within 20 days of approval)
# CSV header → field (English or Chinese headers)
HEADERS = {
    "department": "department",
    "部门": "department",
    "单位": "department",
    "kind": "kind",
    "类型": "kind",
    "scope": "scope",
    "范围": "scope",
    "year": "year",
    "年度": "year",
    "due_date": "due_date",
    "截止日期": "due_date",
    "approved_on": "approved_on",
    "批复日期": "approved_on",
    "region": "region",
    "地区": "region",
}
MISSING_RULES = ("completeness.required_tables", "completeness.performance")
STATUS_LABELS = {
    "missing": "未公开",
    "late": "逾期公开",
    "on_time": "按时公开",
    "date_unknown": "已公开（公开日期未知）",
}


def _date(text: str, what: str, line: int, name: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise InputError(
            f"{name} 第{line}行：{what}“{text}”不是日期（应为 YYYY-MM-DD）", code="unusable_input"
        ) from None


def read_expected(path: Path) -> list[tuple[Any, ...]]:
    """The rows of an expected-publisher CSV (UTF-8, with a header line), checked."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"无法读取应公开名单：{path}（{exc.strerror}）", code="file_not_found") from None
    except UnicodeDecodeError:
        raise InputError(f"应公开名单不是 UTF-8 编码的 CSV：{path}", code="unusable_input") from None
    reader = csv.DictReader(text.splitlines())
    fields = {h: HEADERS[h.strip()] for h in reader.fieldnames or [] if h and h.strip() in HEADERS}
    missing = {"department", "year"} - set(fields.values())
    if missing:
        raise InputError(
            f"应公开名单缺少列：{'、'.join(sorted(missing))}（需要 department/部门、year/年度，"
            f"可选 kind/类型、scope/范围、due_date/截止日期、approved_on/批复日期、region/地区）：{path}",
            code="unusable_input",
        )
    out = []
    for n, raw in enumerate(reader, start=2):
        row = {fields[k]: (v or "").strip() for k, v in raw.items() if k in fields}
        if not row.get("department"):
            continue
        if not row.get("year", "").isdigit():
            raise InputError(f"{path.name} 第{n}行：年度“{row.get('year', '')}”不是数字", code="unusable_input")
        due = _date(row.get("due_date", ""), "截止日期", n, path.name)
        approved = _date(row.get("approved_on", ""), "批复日期", n, path.name)
        if due is None and approved is not None:
            due = approved + timedelta(days=DUE_DAYS)
        out.append(
            (
                row.get("region") or None,
                row["department"],
                row.get("kind") or "决算",
                row.get("scope") or "部门",
                int(row["year"]),
                due,
            )
        )
    return out


def import_expected(store: Store, path: Path) -> int:
    """Add the CSV's expected publishers (a row for the same department, kind, scope and year
    replaces the stored one), in one transaction. The number of rows imported."""
    rows = read_expected(path)
    store.db.begin()
    try:
        for r in rows:
            store.db.execute(
                "DELETE FROM expected_publishers WHERE department = ? AND kind = ? AND scope = ? AND year = ?",
                [r[1], r[2], r[3], r[4]],
            )
        store.db.bulk_insert("expected_publishers", ("region", "department", "kind", "scope", "year", "due_date"), rows)
        store.db.commit()
    except BaseException:
        store.db.rollback()
        raise
    return len(rows)


@dataclass
class Expected:
    region: str | None
    department: str
    kind: str
    scope: str
    year: int
    due_date: date | None
    status: str  # missing | late | on_time | date_unknown
    document: int | None = None
    published_on: date | None = None
    days_late: int | None = None
    missing_parts: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "department": self.department,
            "kind": self.kind,
            "scope": self.scope,
            "year": self.year,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "status": self.status,
            "document": self.document,
            "published_on": self.published_on.isoformat() if self.published_on else None,
            "days_late": self.days_late,
            "missing_parts": self.missing_parts,
        }


def _as_date(v: Any) -> date | None:
    if v is None:
        return None
    if isinstance(v, date):
        return v
    return date.fromisoformat(str(v)[:10])


def publication(store: Store, year: int | None = None) -> list[Expected]:
    """Each expected publisher with its status, ordered by region, department, year."""
    where = "WHERE e.year = ?" if year is not None else ""
    expected = store.db.execute(
        f"SELECT e.region, e.department, e.kind, e.scope, e.year, e.due_date FROM expected_publishers e {where}",
        [year] if year is not None else [],
    )
    docs = store.db.execute(
        "SELECT d.id, d.department, d.kind, d.scope, d.year, d.published_on FROM documents d"
        " WHERE NOT EXISTS (SELECT 1 FROM documents n WHERE n.supersedes = d.id)"
    )
    first_published: dict[tuple[Any, ...], date] = {}
    for _id, dep, kind, scope, y, pub in store.db.execute(
        "SELECT id, department, kind, scope, year, published_on FROM documents WHERE published_on IS NOT NULL"
    ):
        key = (dep, kind, scope, y)
        d = _as_date(pub)
        if d and (key not in first_published or d < first_published[key]):
            first_published[key] = d  # lateness counts from the first publication, not a correction
    current = {(dep, kind, scope, y): int(i) for i, dep, kind, scope, y, _p in docs}
    missing_parts: dict[int, list[str]] = {}
    marks = ", ".join("?" * len(MISSING_RULES))
    for doc, message in store.db.execute(
        f"SELECT document, message FROM findings WHERE rule IN ({marks}) ORDER BY document, seq", list(MISSING_RULES)
    ):
        missing_parts.setdefault(int(doc), []).append(str(message))
    out = []
    for region, dep, kind, scope, y, due in expected:
        key = (dep, kind, scope, y)
        due_d = _as_date(due)
        doc_id = current.get(key)
        e = Expected(region, dep, kind, scope, int(y), due_d, "missing", doc_id)
        if doc_id is not None:
            e.published_on = first_published.get(key)
            e.missing_parts = missing_parts.get(doc_id, [])
            if e.published_on is None or due_d is None:
                e.status = "date_unknown"
            else:
                late = (e.published_on - due_d).days
                e.status = "late" if late > 0 else "on_time"
                e.days_late = late if late > 0 else None
        out.append(e)
    out.sort(key=lambda e: (e.region or "", e.department, e.year, e.kind, e.scope))
    return out


def text(items: list[Expected]) -> str:
    if not items:
        return "没有应公开名单（先用 juesuan publication --import 名单.csv 导入）。"
    lines = []
    by_region: dict[str, list[Expected]] = {}
    for e in items:
        by_region.setdefault(e.region or "地区未填", []).append(e)
    for region, group in by_region.items():
        counts = {s: sum(e.status == s for e in group) for s in STATUS_LABELS}
        lines.append(
            f"{region}：应公开 {len(group)} 份，"
            + "，".join(f"{STATUS_LABELS[s]} {n} 份" for s, n in counts.items() if n)
        )
        for e in group:
            what = f"  {e.department} {e.year}年{e.scope}{e.kind}：{STATUS_LABELS[e.status]}"
            if e.status == "late":
                what += f"（{e.published_on} 公开，截止 {e.due_date}，逾期 {e.days_late} 天）"
            elif e.status == "missing" and e.due_date:
                what += f"（截止 {e.due_date}）"
            if e.document is not None:
                what += f"，库中编号 {e.document}"
            lines.append(what)
            lines.extend(f"    缺少：{m}" for m in e.missing_parts)
    return "\n".join(lines)
