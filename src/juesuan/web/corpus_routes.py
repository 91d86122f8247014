"""Routes of the corpus analyses and notices, registered on the app by :func:`register`: the
narrative claims of a document, a department's history (ECharts, vendored), the comparison of two
documents, the rectification notice as PDF and per department. Pages and their API twins share
one data function each (:mod:`.corpus`, :mod:`.claims`, :mod:`.notice`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from ..errors import JuesuanError
from . import corpus, views

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Helpers:
    """What the routes need of the app (app.py's closures)."""

    state: Any
    page: Callable[..., HTMLResponse]
    document_or_404: Callable[[Any, int], dict[str, Any]]
    claim_view: Callable[[Any, dict[str, Any]], str]


def _attachment(name: str, fallback: str) -> str:
    """A download's name: ``name`` (UTF-8, RFC 5987) with an ASCII ``fallback`` for old clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


def register(app: FastAPI, h: Helpers) -> None:
    state = h.state

    # ------------------------------------------------------------------ data
    def claims_data(doc_id: int) -> dict[str, Any]:
        with state.lock:
            view = h.document_or_404(state.store, doc_id)
            source = h.claim_view(state.store, view)
        return {"document": doc_id, "source": source, "claims": view["claims"]}

    def history_data(department: str, kind: str | None) -> dict[str, Any]:
        department = department.strip()
        if not department:
            raise HTTPException(422, "请指定部门名称")
        with state.lock:
            data = corpus.history(state.store, department, kind or None)
        if not data["years"]:
            raise HTTPException(404, f"库中没有“{department}”的当前版本文件")
        return data

    def compare_data(a: int, b: int) -> dict[str, Any]:
        if a == b:
            raise HTTPException(422, "请选择两份不同的文件")
        with state.lock:
            data = corpus.compare(state.store, a, b)
        if data is None:
            raise HTTPException(404, f"库中没有编号为 {a} 或 {b} 的文件")
        return data

    def department_views(department: str, year: int | None) -> list[dict[str, Any]]:
        department = department.strip()
        if not department:
            raise HTTPException(422, "请指定部门名称")
        with state.lock:
            ids = [
                int(r["id"])
                for r in views.query(
                    state.store,
                    "SELECT id FROM v_documents WHERE department = ? AND is_current"
                    + (" AND year = ?" if year else "")
                    + " ORDER BY year, id",
                    [department, year] if year else [department],
                )
            ]
            out = []
            for i in ids:
                v = h.document_or_404(state.store, i)
                views.apply_reviews(state.store, v)
                out.append(v)
        if not out:
            raise HTTPException(404, f"库中没有“{department}”的当前版本文件")
        return out

    def document_view(doc_id: int) -> dict[str, Any]:
        with state.lock:
            view = h.document_or_404(state.store, doc_id)
            views.apply_reviews(state.store, view)
        return view

    def pdf_response(views_: dict[str, Any] | list[dict[str, Any]], name: str) -> Response:
        fallback = "notice.pdf" if isinstance(views_, list) else name
        from .notice import notice_pdf

        try:
            data = notice_pdf(views_)
        except JuesuanError as err:  # no CJK font on the server
            raise HTTPException(503, str(err)) from None
        return Response(
            data, media_type="application/pdf", headers={"Content-Disposition": _attachment(name, fallback)}
        )

    def docx_response(views_: list[dict[str, Any]], name: str) -> Response:
        from .notice import notice_docx

        return Response(
            notice_docx(views_), media_type=DOCX, headers={"Content-Disposition": _attachment(name, "notice.docx")}
        )

    # ------------------------------------------------------------------ pages
    @app.get("/history", response_class=HTMLResponse, include_in_schema=False)
    def history_page(request: Request, department: str = "", kind: str = "") -> Response:
        data = history_data(department, kind)
        return h.page(request, "history.html", data=data, kind=kind)

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(request: Request, a: str = "", b: str = "") -> Response:
        with state.lock:
            docs = views.documents(state.store, limit=1000)
        data = None
        if a.strip().isdigit() and b.strip().isdigit():
            data = compare_data(int(a), int(b))
        return h.page(request, "compare.html", docs=docs, data=data, a=a, b=b)

    @app.get("/documents/{doc_id}/notice.pdf", include_in_schema=False)
    def notice_pdf_page(doc_id: int) -> Response:
        return pdf_response(document_view(doc_id), f"notice-{int(doc_id)}.pdf")

    @app.get("/notice.pdf", include_in_schema=False)
    def department_notice_pdf(department: str = "", year: int | None = None) -> Response:
        return pdf_response(department_views(department, year), f"整改通知-{department.strip()}.pdf")

    @app.get("/notice.docx", include_in_schema=False)
    def department_notice_docx(department: str = "", year: int | None = None) -> Response:
        return docx_response(department_views(department, year), f"整改通知-{department.strip()}.docx")

    # ------------------------------------------------------------------ API
    @app.get("/api/documents/{doc_id}/claims", tags=["语料库"], summary="情况说明中与表格核对过的数字及结论")
    def api_claims(doc_id: int) -> dict[str, Any]:
        """``claims``: each figure's place in the narrative (``paragraph`` = narrative seq, ``start``,
        ``end`` in its text), ``status`` agree / rounding / disagree / unchecked and the ``finding``
        (seq) it gave. ``source`` ``upload``: every figure compared with the tables; ``store``
        (documents ingested from the command line): only those a finding names."""
        return claims_data(doc_id)

    @app.get("/api/history", tags=["语料库"], summary="一个部门逐年的收支总额、三公经费、问题数与评分")
    def api_history(department: str = Query(..., min_length=1), kind: str | None = None) -> dict[str, Any]:
        """One entry per year (and kind) of the department's current documents; amounts in 万元
        (strings of decimals; null where the document prints none), year-over-year change in percent."""
        return history_data(department, kind)

    @app.get(
        "/api/compare",
        tags=["语料库"],
        summary="比较两份文件（逐行金额与百分比；同一文件的两个版本另列问题的改正情况）",
    )
    def api_compare(a: int, b: int) -> dict[str, Any]:
        """The schema of ``juesuan compare --format json`` (``juesuan.compare/1``)."""
        return compare_data(a, b)

    @app.get("/api/documents/{doc_id}/notice.pdf", tags=["审核"], summary="整改通知（PDF，不含已驳回的问题）")
    def api_notice_pdf(doc_id: int) -> Response:
        return pdf_response(document_view(doc_id), f"notice-{int(doc_id)}.pdf")

    @app.get("/api/notice.pdf", tags=["审核"], summary="一个部门的整改通知（PDF，其全部当前版本文件，可限年度）")
    def api_department_notice_pdf(department: str = Query(..., min_length=1), year: int | None = None) -> Response:
        return pdf_response(department_views(department, year), f"整改通知-{department.strip()}.pdf")

    @app.get("/api/notice.docx", tags=["审核"], summary="一个部门的整改通知（Word，其全部当前版本文件，可限年度）")
    def api_department_notice_docx(department: str = Query(..., min_length=1), year: int | None = None) -> Response:
        return docx_response(department_views(department, year), f"整改通知-{department.strip()}.docx")
