"""The rectification notice (整改通知) of a document: the findings a reviewer did not dismiss, as a
Word document (python-docx) a finance bureau sends to the department."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}


def _where(f: dict[str, Any]) -> str:
    places = []
    for loc in f["locations"][:3]:
        bits = [
            f"《{loc['table_name']}》" if loc["table_name"] else "",
            loc["row_label"] or "",
            loc["column_header"] or "",
        ]
        text = " ".join(b for b in bits if b)
        if loc["page"]:
            text += f"（第{loc['page']}页）"
        places.append(text)
    return "；".join(p for p in places if p) or "—"


def notice_docx(view: dict[str, Any], today: date | None = None) -> bytes:
    """``view``: :func:`juesuan.web.views.document` with reviews applied. Findings dismissed by a
    reviewer are left out; 提示-level findings too (they ask for no correction)."""
    from docx import Document
    from docx.shared import Pt

    m = view["meta"]
    dept = m.get("department") or "（未识别单位）"
    year = m.get("year") or ""
    items = [
        f
        for f in view["findings"]
        if f["severity"] in ("error", "warning") and not (f.get("review") and f["review"]["decision"] == "dismissed")
    ]
    doc = Document()
    doc.add_heading(f"关于{dept}{year}年度决算公开问题的整改通知", level=1)
    doc.add_paragraph(f"{dept}：")
    doc.add_paragraph(
        f"经审核，贵单位公开的{year}年度决算（文件：{m.get('file_name')}）存在以下{len(items)}个问题，"
        "请核实并整改后重新公开，同时反馈整改情况。"
    )
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("序号", "问题", "位置", "审核意见")):
        cell.text = text
    for i, f in enumerate(items, start=1):
        review = f.get("review")
        opinion = SEVERITY.get(f["severity"], f["severity"])
        if review:
            opinion += f"；{review['decision_text']}" + (f"：{review['reason']}" if review.get("reason") else "")
        for cell, text in zip(table.add_row().cells, (str(i), f["message"], _where(f), opinion)):
            cell.text = text
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(9)
    if not items:
        doc.add_paragraph("未发现需要整改的问题。")
    doc.add_paragraph(
        f"{(today or date.today()).year}年{(today or date.today()).month}月{(today or date.today()).day}日"
    )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
