"""The check sheet (公开情况检查表) of a stored document, with the reviewer's decisions applied:
findings a reviewer dismissed are left out (:mod:`juesuan.checksheet` builds the workbook)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..checksheet import SheetInput, is_pdf
from ..results import SCHEMA


def _without(report: dict[str, Any], dismissed: set[int]) -> dict[str, Any]:
    """The check report JSON without the findings ``dismissed`` (their indexes); the error
    localization's finding indexes follow, and a group left with no finding is dropped."""
    keep = [i for i in range(len(report.get("findings", []))) if i not in dismissed]
    new_index = {old: new for new, old in enumerate(keep)}
    groups = []
    for g in report.get("localization", []):
        idx = [new_index[i] for i in g.get("findings", []) if i in new_index]
        if idx:
            groups.append({**g, "findings": idx})
    return {**report, "findings": [report["findings"][i] for i in keep], "localization": groups}


def _from_view(view: dict[str, Any]) -> dict[str, Any]:
    """A check report JSON made of the store's rows (no boxes, no localization), for a document
    whose report the web app did not keep."""
    m = view["meta"]
    return {
        "schema": SCHEMA,
        "document": {
            "source": m.get("file_name"),
            "department": m.get("department"),
            "year": m.get("year"),
            "kind": m.get("kind"),
            "coverage": m.get("coverage"),
            "variant": m.get("variant"),
        },
        "findings": [
            {
                "rule": f["rule"],
                "severity": f["severity"],
                "kind": f.get("finding_kind") or "rule",
                "message": f["message"],
                "locations": [
                    {
                        "table": loc.get("table_name"),
                        "row": loc.get("row_label"),
                        "column": loc.get("column_header"),
                        "value": loc.get("value_text"),
                        "page": loc.get("page"),
                    }
                    for loc in f.get("locations", [])
                ],
            }
            for f in view["findings"]
        ],
        "rules": [{"id": r["rule"], "status": r["status"], "reason": r.get("reason")} for r in view.get("rules", [])],
        "localization": [],
    }


def sheet_input(view: dict[str, Any], report: dict[str, Any] | None, source: Path | None) -> SheetInput:
    """``view``: :func:`juesuan.web.views.document` with reviews applied; ``report``: the check
    report JSON the app kept at upload (its finding ``i`` is the stored finding ``seq`` i), or None;
    ``source``: the stored file (pictures when it is a PDF)."""
    dismissed = {
        int(f["seq"]) for f in view["findings"] if f.get("review") and f["review"].get("decision") == "dismissed"
    }
    full = report if report and report.get("schema") == SCHEMA and "findings" in report else _from_view(view)
    data = _without(full, dismissed)
    data["document"] = {**data.get("document", {}), "source": view["meta"].get("file_name")}
    tables = [
        {
            "id": t.table_id,
            "name": t.name,
            "form": t.form,
            "page": t.page,
            "reading_problems": [p for p in (t.reading_problems or "").split("；") if p],
            "unreliable": False,
        }
        for t in view["tables"]
    ]
    paragraphs = [(p["text"], p.get("page")) for p in view.get("narrative", [])]
    # pages not read (the document's reading problems name them: "第3、5页……未读取")
    unread = sorted(
        {
            int(n)
            for problem in data.get("document", {}).get("reading_problems") or []
            if "未读取" in problem
            for m in re.finditer(r"第([\d、]+)页", problem)
            for n in m.group(1).split("、")
            if n
        }
    )
    pdf = source if is_pdf(source) else None
    return SheetInput(
        data,
        paragraphs,
        tables,
        str(view["meta"].get("file_name") or ""),
        pdf,
        unread,
        None if pdf else ("库中未保存原文件，无截图" if source is None else "原文件不是 PDF（没有版面页面），无截图"),
        dismissed=len(dismissed),
    )
