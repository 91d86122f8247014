"""What the pages and the API show, read from the store: the documents (filtered), one document with
its tables as published and its findings linked to their cells, the rule catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..store import Store


def query(store: Store, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """Rows of a parameterized statement as dicts (column names from the result)."""
    db: Any = store.db
    if db.name == "postgresql":
        with db.con.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), list(params or []) or None)
            names = [d.name for d in cur.description or []]
            return [dict(zip(names, r)) for r in cur.fetchall()]
    cur = db.con.execute(sql, list(params or []))
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, r)) for r in cur.fetchall()]


DOC_COLUMNS = (
    "id, file_name, department, year, kind, scope, coverage, variant, region, ingested_at, supersedes, tables,"
    " errors, warnings, infos, rules_pass, rules_fail, rules_not_applicable, rules_insufficient_data,"
    " reading_problems, is_current"
)


def documents(
    store: Store, department: str | None = None, year: int | None = None, rule: str | None = None, limit: int = 500
) -> list[dict[str, Any]]:
    """The stored documents, newest first, filtered by department (substring), year and a failing rule."""
    where: list[str] = []
    params: list[Any] = []
    if department:
        where.append("department LIKE ?")
        params.append(f"%{department}%")
    if year:
        where.append("year = ?")
        params.append(int(year))
    if rule:
        where.append("id IN (SELECT document FROM findings WHERE rule = ?)")
        params.append(rule)
    sql = f"SELECT {DOC_COLUMNS} FROM v_documents"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY id DESC LIMIT {int(limit)}"
    return [_plain(r) for r in query(store, sql, params)]


def facets(store: Store) -> dict[str, list[Any]]:
    """The departments, years and failing rules to filter by."""
    deps = [
        r["department"]
        for r in query(store, "SELECT DISTINCT department FROM documents WHERE department IS NOT NULL ORDER BY 1")
    ]
    years = [
        r["year"] for r in query(store, "SELECT DISTINCT year FROM documents WHERE year IS NOT NULL ORDER BY 1 DESC")
    ]
    rules = [r["rule"] for r in query(store, "SELECT DISTINCT rule FROM findings ORDER BY 1")]
    return {"departments": deps, "years": years, "rules": rules}


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in row.items():
        if hasattr(v, "isoformat"):
            v = v.isoformat(sep=" ", timespec="seconds") if hasattr(v, "hour") else v.isoformat()
        out[k] = v
    return out


@dataclass
class TableView:
    seq: int
    table_id: str
    name: str
    title: str
    form: str | None
    unit: str | None
    page: int | None
    reading_problems: str | None
    columns: list[tuple[str, str]] = field(default_factory=list)  # (column id, printed header)
    rows: list[dict[str, Any]] = field(default_factory=list)  # code, label, cells: {column id: cell}


def _match(loc: dict[str, Any], cell: dict[str, Any], any_column: bool = False) -> bool:
    if not any_column and cell["column_header"] != loc["column_header"]:
        return False
    code, label = cell["row_code"] or "", cell["row_label"] or ""
    row = loc["row_label"] or ""
    if loc["row_code"] and code:
        return bool(loc["row_code"] == code)
    return row in (label, f"{code} {label}".strip()) or (bool(label) and row.endswith(label))


def document(store: Store, doc_id: int) -> dict[str, Any] | None:
    """One stored document: its metadata, tables (as published, cells carrying the findings that
    name them), findings (carrying the ids of their cells), rule statuses and narrative."""
    meta = query(store, f"SELECT {DOC_COLUMNS}, sha256 FROM v_documents WHERE id = ?", [doc_id])
    if not meta:
        return None
    tables: dict[int, TableView] = {}
    for t in query(store, "SELECT * FROM doc_tables WHERE document = ? ORDER BY table_seq", [doc_id]):
        tables[t["table_seq"]] = TableView(
            t["table_seq"],
            t["table_id"],
            t["name"] or "",
            t["title"] or "",
            t["form"],
            t["unit"],
            t["page"],
            t["reading_problems"],
        )
    cells = query(store, "SELECT * FROM cells WHERE document = ? ORDER BY table_seq, row_seq", [doc_id])
    by_name: dict[str, list[dict[str, Any]]] = {}
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    for c in cells:
        tv = tables.get(c["table_seq"])
        if tv is None:
            continue
        if (c["column_id"], c["column_header"]) not in tv.columns:
            tv.columns.append((c["column_id"], c["column_header"]))
        key = (c["table_seq"], c["row_seq"])
        if key not in rows:
            # the row's code and label: a finding on the code itself (a wrong 科目编码) points here
            rows[key] = {
                "code": c["row_code"] or "",
                "label": c["row_label"] or "",
                "cells": {},
                "dom_id": f"c-{c['table_seq']}-{c['row_seq']}-row",
                "findings": [],
                "row_code": c["row_code"],
                "row_label": c["row_label"],
                "page": c["page"],
                "table_name": tv.name,
            }
            tv.rows.append(rows[key])
        c["dom_id"] = f"c-{c['table_seq']}-{c['row_seq']}-{c['column_id']}"
        c["findings"] = []
        rows[key]["cells"][c["column_id"]] = c
        by_name.setdefault(tv.name, []).append(c)
    findings = query(store, "SELECT * FROM findings WHERE document = ? ORDER BY seq", [doc_id])
    locs = query(
        store,
        "SELECT finding_seq, table_id AS table_name, form, row_label, row_code, column_header, value_text, page"
        " FROM finding_cells WHERE document = ? ORDER BY finding_seq",
        [doc_id],
    )
    by_finding: dict[int, list[dict[str, Any]]] = {}
    for loc in locs:
        by_finding.setdefault(loc["finding_seq"], []).append(loc)
    for f in findings:
        f["dom_id"] = f"f-{f['seq']}"
        f["locations"] = by_finding.get(f["seq"], [])
        f["cells"] = []
        for loc in f["locations"]:
            found = [c for c in by_name.get(loc["table_name"], []) if _match(loc, c)]
            if not found and loc["row_label"]:  # not an amount column: the row's code and label
                found = [r for r in rows.values() if r["table_name"] == loc["table_name"] and _match(loc, r, True)]
            if loc["page"] is not None and any(c["page"] == loc["page"] for c in found):
                found = [c for c in found if c["page"] == loc["page"]]
            for c in found:
                if c["dom_id"] not in f["cells"]:
                    f["cells"].append(c["dom_id"])
                    c["findings"].append(f)
    statuses = query(store, "SELECT * FROM rule_statuses WHERE document = ? ORDER BY rule", [doc_id])
    narrative = query(store, "SELECT seq, section, text, page FROM narrative WHERE document = ? ORDER BY seq", [doc_id])
    return {
        "meta": _plain(meta[0]),
        "tables": list(tables.values()),
        "findings": findings,
        "rules": statuses,
        "narrative": narrative,
    }


def document_json(view: dict[str, Any]) -> dict[str, Any]:
    """The API's form of :func:`document` (plain JSON: tables as rows of printed values)."""
    tables = []
    for t in view["tables"]:
        tables.append(
            {
                "seq": t.seq,
                "id": t.table_id,
                "name": t.name,
                "title": t.title,
                "form": t.form,
                "unit": t.unit,
                "page": t.page,
                "reading_problems": t.reading_problems,
                "columns": [{"id": cid, "header": h} for cid, h in t.columns],
                "rows": [
                    {
                        "code": r["code"],
                        "label": r["label"],
                        "findings": [f["seq"] for f in r["findings"]],  # findings on the row's code or label
                        "cells": {
                            cid: {
                                "raw": c["raw"],
                                "value": c["value_text"],
                                "findings": [f["seq"] for f in c["findings"]],
                            }
                            for cid, c in r["cells"].items()
                        },
                    }
                    for r in t.rows
                ],
            }
        )
    findings = [
        {
            "seq": f["seq"],
            "rule": f["rule"],
            "severity": f["severity"],
            "kind": f["finding_kind"],
            "message": f["message"],
            "expected": f["expected"],
            "actual": f["actual"],
            "difference": f["difference"],
            "locations": [{k: v for k, v in loc.items() if k != "finding_seq"} for loc in f["locations"]],
            "review": f.get("review"),
        }
        for f in view["findings"]
    ]
    return {
        "document": view["meta"],
        "tables": tables,
        "findings": findings,
        "rules": view["rules"],
        "previous_version": view.get("previous"),
        "fixed_since_previous": view.get("fixed", []),
    }


def rule_catalogue(store: Store) -> list[dict[str, Any]]:
    """Every rule of the rule packs with its description, severity, pack and, over the stored
    documents, how many documents it failed in and how many findings it gave."""
    from ..rules.engine import load_packs

    counts = {
        r["rule"]: r
        for r in query(
            store,
            "SELECT rule, COUNT(*) AS findings, COUNT(DISTINCT document) AS documents FROM findings GROUP BY rule",
        )
    }
    checked = {
        r["rule"]: r["n"]
        for r in query(
            store, "SELECT rule, COUNT(*) AS n FROM rule_statuses WHERE status IN ('pass', 'fail') GROUP BY rule"
        )
    }
    out = []
    seen = set()
    for pack, pack_rules in load_packs().items():
        for rule in pack_rules:
            seen.add(rule.id)
            c = counts.get(rule.id, {})
            out.append(
                {
                    "id": rule.id,
                    "pack": pack,
                    "kind": rule.kind,
                    "severity": rule.severity,
                    "description": rule.description,
                    "findings": int(c.get("findings", 0)),
                    "documents_failed": int(c.get("documents", 0)),
                    "documents_checked": int(checked.get(rule.id, 0)),
                }
            )
    # narrative and 绩效 checks are code, not pack entries: listed from the stored statuses
    for r in query(
        store,
        "SELECT rule, MAX(severity) AS severity, MAX(description) AS description FROM rule_statuses GROUP BY rule ORDER BY rule",
    ):
        if r["rule"] in seen:
            continue
        c = counts.get(r["rule"], {})
        out.append(
            {
                "id": r["rule"],
                "pack": "narrative" if r["rule"].startswith("narrative.") else "code",
                "kind": "code",
                "severity": r["severity"],
                "description": r["description"],
                "findings": int(c.get("findings", 0)),
                "documents_failed": int(c.get("documents", 0)),
                "documents_checked": int(checked.get(r["rule"], 0)),
            }
        )
    return out


# ---------------------------------------------------------------- review decisions

DECISIONS = {"confirmed": "确认", "dismissed": "驳回（误报）", "needs_discussion": "待讨论"}


def finding_key(f: dict[str, Any]) -> str:
    """What identifies a finding across versions of a document: its rule and the cells it names
    (table, row, column), or its rule and message when it names none (as ``compare`` matches them)."""
    import json

    places = sorted(
        (loc["table_name"] or "", loc["row_label"] or "", loc["column_header"] or "") for loc in f["locations"]
    )
    return json.dumps([f["rule"], places] if places else [f["rule"], f["message"]], ensure_ascii=False)


def _ancestors(store: Store, doc_id: int) -> list[int]:
    """The document and the versions it supersedes, newest first."""
    chain, seen = [doc_id], {doc_id}
    while True:
        rows = store.db.execute("SELECT supersedes FROM documents WHERE id = ?", [chain[-1]])
        if not rows or rows[0][0] is None or int(rows[0][0]) in seen:
            return chain
        chain.append(int(rows[0][0]))
        seen.add(chain[-1])


def apply_reviews(store: Store, view: dict[str, Any]) -> None:
    """Attach to each finding its latest decision: made on this document, or carried over from an
    earlier version (``carried`` names the document it was made on)."""
    chain = _ancestors(store, int(view["meta"]["id"]))
    marks = ", ".join("?" * len(chain))
    rows = query(
        store,
        f"SELECT document, finding_key, decision, reason, user_name, decided_at FROM reviews WHERE document IN ({marks})"
        " ORDER BY decided_at",
        list(chain),
    )
    rank = {d: i for i, d in enumerate(chain)}
    best: dict[str, dict[str, Any]] = {}
    for r in rows:  # the nearest version wins, the latest decision within it
        cur = best.get(r["finding_key"])
        if cur is None or rank[r["document"]] <= rank[cur["document"]]:
            best[r["finding_key"]] = r
    for f in view["findings"]:
        f["key"] = finding_key(f)
        got = best.get(f["key"])
        f["review"] = (
            None
            if got is None
            else {
                "decision": got["decision"],
                "decision_text": DECISIONS.get(got["decision"], got["decision"]),
                "reason": got["reason"],
                "user": got["user_name"],
                "decided_at": _plain({"t": got["decided_at"]})["t"],
                "carried_from": got["document"] if got["document"] != view["meta"]["id"] else None,
            }
        )
    prev = chain[1] if len(chain) > 1 else None
    view["previous"] = prev
    view["fixed"] = store.compare(prev, view["meta"]["id"]).fixed if prev is not None else []


def record_review(store: Store, doc_id: int, seq: int, decision: str, reason: str, user: str) -> dict[str, Any]:
    """Store a decision on finding ``seq`` of ``doc_id`` (ValueError with a Chinese message when
    the decision is unknown, a dismissal has no reason, or the finding does not exist)."""
    from datetime import datetime, timezone

    if decision not in DECISIONS:
        raise ValueError(f"未知的审核结论：{decision}（confirmed、dismissed 或 needs_discussion）")
    reason = (reason or "").strip()[:2000]
    if decision == "dismissed" and not reason:
        raise ValueError("驳回（误报）需要填写理由")
    view = document(store, doc_id)
    if view is None:
        raise LookupError(f"库中没有编号为 {doc_id} 的文件")
    f = next((x for x in view["findings"] if x["seq"] == seq), None)
    if f is None:
        raise LookupError(f"该文件没有第 {seq} 条问题")
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    store.db.execute(
        "INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?)", [doc_id, finding_key(f), decision, reason or None, user, now]
    )
    return {"document": doc_id, "finding": seq, "decision": decision, "reason": reason or None, "user": user}
