"""The rectification notice (整改通知) a finance bureau sends to a department: the findings a reviewer
did not dismiss, of one document or of all a department's current documents, as Word (python-docx)
or PDF (fpdf2 with the system's CJK font, as writers/pdf.py finds it)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
HEADERS = ("序号", "问题", "位置", "审核意见")
WIDTHS = (0.06, 0.5, 0.28, 0.16)  # of the text width, PDF


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


def items(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The findings of a document view (reviews applied) the notice lists: 错误 and 警告 a reviewer
    did not dismiss (提示 asks for no correction)."""
    return [
        f
        for f in view["findings"]
        if f["severity"] in ("error", "warning") and not (f.get("review") and f["review"]["decision"] == "dismissed")
    ]


def _rows(view: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    out = []
    for i, f in enumerate(items(view), start=1):
        review = f.get("review")
        opinion = SEVERITY.get(f["severity"], f["severity"])
        if review:
            opinion += f"；{review['decision_text']}" + (f"：{review['reason']}" if review.get("reason") else "")
        out.append((str(i), f["message"], _where(f), opinion))
    return out


@dataclass
class Notice:
    title: str
    addressee: str
    intro: str
    sections: list[tuple[str | None, list[tuple[str, str, str, str]]]] = field(default_factory=list)
    dated: str = ""


def _date(today: date | None) -> str:
    d = today or date.today()
    return f"{d.year}年{d.month}月{d.day}日"


def build(views: list[dict[str, Any]], today: date | None = None) -> Notice:
    """The notice of one document (``views`` of one) or of a department's documents (one section
    per document with its own numbering; documents without anything to correct are named as such)."""
    first = views[0]["meta"]
    dept = first.get("department") or "（未识别单位）"
    if len(views) == 1:
        m = first
        year = m.get("year") or ""
        rows = _rows(views[0])
        return Notice(
            f"关于{dept}{year}年度决算公开问题的整改通知",
            f"{dept}：",
            f"经审核，贵单位公开的{year}年度决算（文件：{m.get('file_name')}）存在以下{len(rows)}个问题，"
            "请核实并整改后重新公开，同时反馈整改情况。",
            [(None, rows)],
            _date(today),
        )
    years = sorted({str(v["meta"].get("year")) for v in views if v["meta"].get("year")})
    span = "、".join(years)
    sections: list[tuple[str | None, list[tuple[str, str, str, str]]]] = []
    total = 0
    for n, v in enumerate(views, start=1):
        m = v["meta"]
        rows = _rows(v)
        total += len(rows)
        kind = m.get("kind") or "决算"
        sections.append(
            (f"{_cn(n)}、{m.get('year') or ''}年度{kind}（文件：{m.get('file_name')}，{len(rows)}个问题）", rows)
        )
    return Notice(
        f"关于{dept}{span}年度公开问题的整改通知",
        f"{dept}：",
        f"经审核，贵单位公开的{len(views)}份文件共存在以下{total}个问题，请逐项核实并整改后重新公开，同时反馈整改情况。",
        sections,
        _date(today),
    )


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return (digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")) if n < 100 else str(n)


def notice_docx(view: dict[str, Any] | list[dict[str, Any]], today: date | None = None) -> bytes:
    """Word: ``view`` is :func:`juesuan.web.views.document` with reviews applied, or a list of them
    (a department's notice). Findings dismissed by a reviewer and 提示-level findings are left out."""
    from docx import Document
    from docx.shared import Pt

    n = build(view if isinstance(view, list) else [view], today)
    doc = Document()
    doc.add_heading(n.title, level=1)
    doc.add_paragraph(n.addressee)
    doc.add_paragraph(n.intro)
    for heading, rows in n.sections:
        if heading:
            doc.add_heading(heading, level=2)
        if not rows:
            doc.add_paragraph("未发现需要整改的问题。")
            continue
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, HEADERS):
            cell.text = text
        for row in rows:
            for cell, text in zip(table.add_row().cells, row):
                cell.text = text
        for trow in table.rows:
            for cell in trow.cells:
                for p in cell.paragraphs:
                    for run in p.runs:
                        run.font.size = Pt(9)
    doc.add_paragraph(n.dated)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def notice_pdf(view: dict[str, Any] | list[dict[str, Any]], today: date | None = None) -> bytes:
    """The same notice as PDF (A4, the system's CJK font found as by writers/pdf.py: NoCJKFont with
    what to install when there is none); the table's header repeats on continued pages."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    from ..writers.pdf import MARGIN, find_cjk_font

    n = build(view if isinstance(view, list) else [view], today)
    font, index = find_cjk_font()

    class Doc(FPDF):
        def footer(self) -> None:
            self.set_y(-10)
            self.set_font("cjk", size=8)
            self.cell(0, 5, f"- {self.page_no()} -", align="C")

    pdf = Doc(unit="mm", format="A4")
    pdf.set_margins(MARGIN + 6, MARGIN + 4, MARGIN + 6)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font("cjk", fname=font, collection_font_number=index)
    pdf.set_title(n.title)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("cjk", size=15)
    pdf.multi_cell(width, 8, n.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(width, 6, n.addressee, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width, 6, "　　" + n.intro, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for heading, rows in n.sections:
        if heading:
            pdf.set_font("cjk", size=11.5)
            pdf.multi_cell(width, 7, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=9)
        if not rows:
            pdf.multi_cell(width, 5, "未发现需要整改的问题。", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
            continue
        with pdf.table(
            col_widths=tuple(w * width for w in WIDTHS),
            width=width,
            line_height=4.6,
            headings_style=FontFace(fill_color=(230, 236, 242)),
            repeat_headings=1,
            text_align=("CENTER", "LEFT", "LEFT", "LEFT"),
        ) as table:
            table.row(HEADERS)
            for row in rows:
                table.row(row)
        pdf.ln(3)
    pdf.set_font("cjk", size=11)
    pdf.ln(4)
    pdf.cell(width, 6, n.dated, align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
