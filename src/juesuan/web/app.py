"""The FastAPI application: server-rendered pages (Jinja2, autoescaped; htmx vendored) and the HTTP
API under /api (OpenAPI at /api/openapi.json, docs at /api/docs). docs/web.md describes both.

Reading is open; everything that writes (uploads into the corpus, builds) needs a signed-in user:
a session cookie plus the CSRF token for forms, or ``Authorization: Bearer <API token>`` for the API.
"""

from __future__ import annotations

import io
import json
import secrets
import shutil
import tempfile
import threading
import zipfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterator

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

from .. import __version__
from ..errors import InputError, JuesuanError
from ..store import Store, open_store
from . import auth, corpus, corpus_routes, uploads, views

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "juesuan_session"
CSRF_COOKIE = "juesuan_csrf"
SEVERITY_TEXT = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_TEXT = {"pass": "通过", "fail": "未通过", "not_applicable": "不适用", "insufficient_data": "数据不足"}
VARIANTS = {"national": "全国通用格式", "shanghai": "上海格式", "yunnan": "云南格式"}


class ReviewIn(BaseModel):
    decision: str
    reason: str = ""


@dataclass
class Settings:
    db: str | Path | None = None
    data_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="juesuan-web-")))
    max_upload: int = uploads.MAX_UPLOAD
    max_files: int = 20
    secure_cookies: bool = False


class State:
    """The open store (one connection, used under a lock) and the app's data folder."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.store: Store = open_store(settings.db)
        self.lock = threading.RLock()
        self.limiter = auth.RateLimiter()
        self.files = settings.data_dir / "documents"
        self.files.mkdir(parents=True, exist_ok=True)
        (settings.data_dir / "incoming").mkdir(parents=True, exist_ok=True)

    def stored_file(self, doc_id: int) -> Path | None:
        for p in self.files.glob(f"{int(doc_id)}.*"):
            if p.suffix != ".json" and not p.name.endswith(".annotated.pdf"):
                return p
        return None


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    state = State(settings)
    app = FastAPI(
        title="juesuan 决算公开审核",
        version=__version__,
        description="决算公开文件的审核、语料库查询与生成。写操作需要登录（浏览器会话 + CSRF）或 API 令牌。",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.juesuan = state
    templates = Jinja2Templates(directory=str(HERE / "templates"))  # autoescape on for .html
    templates.env.globals.update(SEVERITY_TEXT=SEVERITY_TEXT, STATUS_TEXT=STATUS_TEXT, VARIANTS=VARIANTS)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    # ------------------------------------------------------------------ helpers
    def db() -> Iterator[Store]:
        with state.lock:
            yield state.store

    def current_user(request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        with state.lock:
            if header.lower().startswith("bearer "):
                return auth.token_user(state.store, header[7:].strip())
            token = request.cookies.get(SESSION_COOKIE)
            return auth.session_user(state.store, token) if token else None

    def require_writer(request: Request, csrf_token: str | None) -> str:
        """The signed-in user allowed to write: 401 without one; for a session (not an API token)
        the CSRF token of the form or the X-CSRF-Token header must match the cookie, else 403."""
        user = current_user(request)
        if user is None:
            raise HTTPException(401, "需要登录后才能执行此操作")
        if not request.headers.get("authorization", "").lower().startswith("bearer "):
            submitted = csrf_token or request.headers.get("x-csrf-token")
            if not auth.csrf_ok(request.cookies.get(CSRF_COOKIE), submitted):
                raise HTTPException(403, "表单已失效（CSRF 校验未通过），请刷新页面后重试")
        return user

    def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        ctx.update(request=request, user=current_user(request), csrf=csrf, version=__version__)
        resp = templates.TemplateResponse(request, name, ctx, status_code=status)
        if request.cookies.get(CSRF_COOKIE) != csrf:
            resp.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", secure=settings.secure_cookies)
        return resp

    def wants_html(request: Request) -> bool:
        return not request.url.path.startswith("/api/")

    @app.middleware("http")
    async def body_limit(request: Request, call_next: Any) -> Response:
        """A request whose declared size passes what its files may hold is refused before it is
        read (each file is limited again while it is read)."""
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > settings.max_upload * settings.max_files + (1 << 20):
            message = (
                f"上传内容超过上限（单个文件 {settings.max_upload // (1024 * 1024)} MB，最多 {settings.max_files} 个）"
            )
            return JSONResponse({"error": {"code": 413, "message": message}}, status_code=413)
        return await call_next(request)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if wants_html(request):
            if exc.status_code == 401:
                return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
            return page(request, "error.html", status=exc.status_code, message=exc.detail)
        return JSONResponse({"error": {"code": exc.status_code, "message": exc.detail}}, status_code=exc.status_code)

    def check_upload(upload: UploadFile) -> dict[str, Any]:
        """Read, sniff, check and store one uploaded file: its outcome for the page and the API."""
        from .. import api
        from ..report import report_dict
        from ..store.rows import claim_rows, sha256_of
        from .claims import claim_marks

        name = uploads.display_name(upload.filename)
        try:
            data = uploads.read_limited(upload.file, name, settings.max_upload)
            path = uploads.save(data, name, settings.data_dir / "incoming")
        except InputError as err:
            return {"file": name, "status": "refused", "error": {"code": err.code, "message": str(err)}}
        try:
            sha = sha256_of(path)
            with state.lock:
                existing = state.store.find_sha(sha)
            if existing is not None:
                path.unlink()
                return {"file": name, "status": "exists", "document": existing}
            try:
                report = api.check(path)
                claims = claim_rows(report.document)
                marks = claim_marks(report.document, report.findings)
            except JuesuanError as err:
                return {"file": name, "status": "failed", "error": {"code": err.code, "message": str(err)}}
            with state.lock:
                result = state.store.add_report(report, sha, name, claims)
            if result.status == "failed" or result.document is None:
                msg = str(result.error) if result.error else "入库失败"
                return {"file": name, "status": "failed", "error": {"code": "store_failed", "message": msg}}
            target = state.files / f"{result.document}{path.suffix}"
            shutil.move(str(path), target)
            data_json = report_dict(report)
            data_json["document"]["source"] = name
            (state.files / f"{result.document}.json").write_text(
                json.dumps(data_json, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            (state.files / f"{result.document}.claims.json").write_text(
                json.dumps(marks, ensure_ascii=False), encoding="utf-8"
            )
            return {
                "file": name,
                "status": result.status,
                "document": result.document,
                "supersedes": result.supersedes,
                "summary": data_json["summary"],
            }
        finally:
            if path.exists() and path.parent.name == "incoming":
                path.unlink()

    def check_many(files: list[UploadFile]) -> list[dict[str, Any]]:
        if not files:
            raise HTTPException(400, "没有选择文件")
        if len(files) > settings.max_files:
            raise HTTPException(400, f"一次最多上传 {settings.max_files} 个文件")
        return [check_upload(f) for f in files]

    def document_or_404(store: Store, doc_id: int) -> dict[str, Any]:
        view = views.document(store, doc_id)
        if view is None:
            raise HTTPException(404, f"库中没有编号为 {doc_id} 的文件")
        return view

    def report_json(doc_id: int) -> dict[str, Any]:
        cached = state.files / f"{int(doc_id)}.json"
        if cached.is_file():
            return dict(json.loads(cached.read_text(encoding="utf-8")))
        with state.lock:
            return views.document_json(document_or_404(state.store, doc_id))

    def claim_view(store: Store, view: dict[str, Any]) -> str:
        """Mark the claims in the view's narrative: from the upload's marks, else from the store
        (only those a finding names). Returns where the marks came from: upload | store."""
        from .claims import attach, stored_marks

        cached = state.files / f"{int(view['meta']['id'])}.claims.json"
        if cached.is_file():
            attach(view, json.loads(cached.read_text(encoding="utf-8")))
            return "upload"
        attach(view, stored_marks(store, int(view["meta"]["id"])))
        return "store"

    def annotated(doc_id: int) -> Path:
        from .. import api
        from ..annotate import annotate_pdf

        source = state.stored_file(doc_id)
        if source is None or source.suffix != ".pdf":
            raise HTTPException(404, "只有网页上传的 PDF 文件可以下载标注版")
        out = state.files / f"{int(doc_id)}.annotated.pdf"
        if not out.is_file():
            try:
                annotate_pdf(api.check(source), source, out)
            except JuesuanError as err:
                raise HTTPException(422, str(err)) from None
        return out

    def build_zip(workbook: UploadFile, draft: bool) -> tuple[bytes | None, Any]:
        from ..genrun import build_command

        name = uploads.display_name(workbook.filename)
        try:
            data = uploads.read_limited(workbook.file, name, settings.max_upload)
            with tempfile.TemporaryDirectory(dir=settings.data_dir) as tmp:
                path = uploads.save(data, name, Path(tmp), kinds=("xlsx",))
                out = Path(tmp) / "out"
                result = build_command(path, out, ["xlsx", "pdf", "docx", "html"], draft)
                if result.errors and not draft:
                    return None, result
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                    for f in sorted(out.rglob("*")):
                        if f.is_file():
                            zf.write(f, f.relative_to(out).as_posix())
                return buf.getvalue(), result
        except InputError as err:
            raise HTTPException(422, str(err)) from None

    def template_bytes(variant: str, year: int) -> bytes:
        from ..genrun import template_command

        if variant not in VARIANTS:
            raise HTTPException(422, f"未知的公开格式：{variant}（national、shanghai 或 yunnan）")
        if not 2000 <= year <= 2100:
            raise HTTPException(422, f"年度不合理：{year}")
        with tempfile.TemporaryDirectory(dir=settings.data_dir) as tmp:
            path = template_command(Path(tmp) / "t.xlsx", variant, year, None)
            return path.read_bytes()

    XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def xlsx_response(data: bytes, variant: str, year: int) -> Response:
        return Response(
            data,
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="template-{variant}-{year}.xlsx"'},
        )

    # ------------------------------------------------------------------ pages
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> Response:
        with state.lock:
            recent = views.documents(state.store, limit=10)
        return page(request, "index.html", recent=recent, max_mb=settings.max_upload // (1024 * 1024))

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, next: str = "/") -> Response:
        return page(request, "login.html", next=_safe_next(next), error=None)

    @app.post("/login", include_in_schema=False)
    def login(
        request: Request,
        username: str = Form(...),
        password: str = Form(...),
        csrf_token: str = Form(""),
        next: str = Form("/"),
    ) -> Response:
        if not auth.csrf_ok(request.cookies.get(CSRF_COOKIE), csrf_token):
            raise HTTPException(403, "表单已失效（CSRF 校验未通过），请刷新页面后重试")
        key = f"{request.client.host if request.client else '-'}|{username}"
        if state.limiter.blocked(key):
            return page(
                request, "login.html", status=429, next=_safe_next(next), error="登录失败次数过多，请 5 分钟后再试"
            )
        with state.lock:
            ok = auth.check_user(state.store, username, password)
            token = auth.new_session(state.store, username) if ok else None
        if not token:
            state.limiter.failed(key)
            return page(request, "login.html", status=401, next=_safe_next(next), error="用户名或密码错误")
        state.limiter.reset(key)
        resp = RedirectResponse(_safe_next(next), status_code=303)
        resp.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=settings.secure_cookies)
        resp.set_cookie(
            CSRF_COOKIE, secrets.token_urlsafe(24), httponly=True, samesite="strict", secure=settings.secure_cookies
        )
        return resp

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf_token: str = Form("")) -> Response:
        require_writer(request, csrf_token)
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            with state.lock:
                auth.end_session(state.store, token)
        resp = RedirectResponse("/", status_code=303)
        resp.delete_cookie(SESSION_COOKIE)
        return resp

    @app.post("/check", response_class=HTMLResponse, include_in_schema=False)
    def check_page(request: Request, files: list[UploadFile] = File(...), csrf_token: str = Form("")) -> Response:
        require_writer(request, csrf_token)
        results = check_many(files)
        return page(request, "results.html", results=results)

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    def documents_page(
        request: Request,
        department: str = "",
        year: str = "",
        rule: str = "",
        region: str = "",
        q: str = "",
        score_min: str = "",
        score_max: str = "",
        store: Store = Depends(db),
    ) -> Response:
        y = int(year) if year.strip().isdigit() else None
        docs = corpus.search(
            store,
            department=department.strip() or None,
            year=y,
            rule=rule.strip() or None,
            region=region.strip() or None,
            q=q.strip() or None,
            score_min=_decimal(score_min),
            score_max=_decimal(score_max),
        )
        facets = views.facets(store)
        facets["regions"] = corpus.regions(store)
        return page(
            request,
            "documents.html",
            docs=docs,
            facets=facets,
            filters={
                "department": department,
                "year": year,
                "rule": rule,
                "region": region,
                "q": q,
                "score_min": score_min,
                "score_max": score_max,
            },
        )

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, doc_id: int) -> Response:
        with state.lock:
            view = document_or_404(state.store, doc_id)
            views.apply_reviews(state.store, view)
            claims_from = claim_view(state.store, view)
        stored = state.stored_file(doc_id)
        localization = report_json(doc_id).get("localization", [])
        return page(
            request,
            "document.html",
            doc=view,
            claims_from=claims_from,
            localization=localization,
            is_pdf=bool(stored and stored.suffix == ".pdf"),
            decisions=views.DECISIONS,
        )

    def review(doc_id: int, seq: int, decision: str, reason: str, user: str) -> dict[str, Any]:
        with state.lock:
            try:
                return views.record_review(state.store, doc_id, seq, decision, reason, user)
            except LookupError as err:
                raise HTTPException(404, str(err)) from None
            except ValueError as err:
                raise HTTPException(422, str(err)) from None

    @app.post("/documents/{doc_id}/findings/{seq}/review", include_in_schema=False)
    def review_form(
        request: Request,
        doc_id: int,
        seq: int,
        decision: str = Form(...),
        reason: str = Form(""),
        csrf_token: str = Form(""),
    ) -> Response:
        user = require_writer(request, csrf_token)
        review(doc_id, seq, decision, reason, user)
        return RedirectResponse(f"/documents/{int(doc_id)}#f-{int(seq)}", status_code=303)

    @app.get("/documents/{doc_id}/report.json", include_in_schema=False)
    def document_json_download(doc_id: int) -> Response:
        data = report_json(doc_id)
        return Response(
            json.dumps(data, ensure_ascii=False, indent=2, default=str),
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="report-{int(doc_id)}.json"'},
        )

    @app.get("/documents/{doc_id}/annotated.pdf", include_in_schema=False)
    def annotated_download(doc_id: int) -> Response:
        return FileResponse(annotated(doc_id), media_type="application/pdf", filename=f"annotated-{int(doc_id)}.pdf")

    @app.get("/documents/{doc_id}/pages/{page_no}.png", include_in_schema=False)
    def page_picture(doc_id: int, page_no: int) -> Response:
        from .pageimage import page_png

        source = state.stored_file(doc_id)
        if source is None or source.suffix != ".pdf":
            raise HTTPException(404, "只有网页上传的 PDF 文件有页面图")
        try:
            png = page_png(source, page_no, report_json(doc_id).get("findings", []))
        except InputError as err:
            raise HTTPException(404, str(err)) from None
        return Response(png, media_type="image/png")

    @app.get("/documents/{doc_id}/notice.docx", include_in_schema=False)
    @app.get("/api/documents/{doc_id}/notice.docx", tags=["审核"], summary="整改通知（Word，不含已驳回的问题）")
    def notice(doc_id: int) -> Response:
        from .notice import notice_docx

        with state.lock:
            view = document_or_404(state.store, doc_id)
            views.apply_reviews(state.store, view)
        return Response(
            notice_docx(view),
            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            headers={"Content-Disposition": f'attachment; filename="notice-{int(doc_id)}.docx"'},
        )

    @app.get("/documents/{doc_id}/checksheet.xlsx", include_in_schema=False)
    @app.get(
        "/api/documents/{doc_id}/checksheet.xlsx",
        tags=["审核"],
        summary="公开情况检查表（Excel，不含已驳回的问题）",
    )
    def checksheet_download(
        doc_id: int,
        published: date | None = Query(None, description="公开日期（YYYY-MM-DD），用于判断及时性"),
        approved: date | None = Query(None, description="财政部门批复日期（YYYY-MM-DD），用于判断及时性"),
    ) -> Response:
        from ..checksheet import workbook_bytes
        from .sheet import sheet_input

        with state.lock:
            view = document_or_404(state.store, doc_id)
            views.apply_reviews(state.store, view)
        cached = state.files / f"{int(doc_id)}.json"
        report = json.loads(cached.read_text(encoding="utf-8")) if cached.is_file() else None
        inp = sheet_input(view, report, state.stored_file(doc_id))
        inp.published, inp.approved = published, approved
        data = workbook_bytes(inp)
        return Response(
            data,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="checksheet-{int(doc_id)}.xlsx"'},
        )

    @app.get("/rules", response_class=HTMLResponse, include_in_schema=False)
    def rules_page(request: Request, store: Store = Depends(db)) -> Response:
        return page(request, "rules.html", rules=views.rule_catalogue(store))

    @app.get("/generate", response_class=HTMLResponse, include_in_schema=False)
    def generate_page(request: Request) -> Response:
        return page(request, "generate.html", result=None)

    @app.get("/generate/template.xlsx", include_in_schema=False)
    def template_download(variant: str = "national", year: int = 2024) -> Response:
        return xlsx_response(template_bytes(variant, year), variant, year)

    @app.post("/generate", include_in_schema=False)
    def generate_build(
        request: Request, workbook: UploadFile = File(...), draft: bool = Form(False), csrf_token: str = Form("")
    ) -> Response:
        require_writer(request, csrf_token)
        data, result = build_zip(workbook, draft)
        if data is None:
            return page(request, "generate.html", status=422, result=result)
        return Response(
            data, media_type="application/zip", headers={"Content-Disposition": 'attachment; filename="build.zip"'}
        )

    # ------------------------------------------------------------------ API
    @app.post("/api/check", tags=["审核"], summary="上传并审核文件（入库）")
    def api_check(request: Request, files: list[UploadFile] = File(...)) -> dict[str, Any]:
        """Each file: ``added`` (with the document id and its summary), ``exists``, ``refused``
        (too big, not an accepted type by content) or ``failed`` (not checkable: a Chinese message)."""
        require_writer(request, None)
        return {"results": check_many(files)}

    @app.get("/api/documents", tags=["语料库"], summary="文件列表（可按部门、年度、规则、地区、评分筛选，可全文搜索）")
    def api_documents(
        department: str | None = None,
        year: int | None = None,
        rule: str | None = None,
        region: str | None = None,
        q: str | None = None,
        score_min: Decimal | None = Query(None, ge=0, le=100),
        score_max: Decimal | None = Query(None, ge=0, le=100),
        limit: int = Query(500, ge=1, le=5000),
        store: Store = Depends(db),
    ) -> dict[str, Any]:
        """``q``: a substring of the file name, department, region, narrative text or a finding's
        message. ``score_min``/``score_max``: the transparency score (0–100); documents without a
        score (superseded ones) are left out when either is given. Each document carries ``score``."""
        docs = corpus.search(
            store,
            department=department,
            year=year,
            rule=rule,
            region=region,
            q=q,
            score_min=score_min,
            score_max=score_max,
            limit=limit,
        )
        return {"documents": docs}

    @app.get(
        "/api/documents/{doc_id}", tags=["语料库"], summary="一份文件：各表、问题（含所在单元格、审核结论）、规则状态"
    )
    def api_document(doc_id: int, store: Store = Depends(db)) -> dict[str, Any]:
        view = document_or_404(store, doc_id)
        views.apply_reviews(store, view)
        return views.document_json(view)

    @app.post("/api/documents/{doc_id}/findings/{seq}/review", tags=["审核"], summary="记录对一条问题的审核结论")
    def api_review(request: Request, doc_id: int, seq: int, body: ReviewIn) -> dict[str, Any]:
        """``decision``: confirmed（确认）, dismissed（驳回，须填 reason）or needs_discussion（待讨论）. The
        decision carries over to later versions of the document that still show the finding."""
        user = require_writer(request, None)
        return review(doc_id, seq, body.decision, body.reason, user)

    @app.get("/api/documents/{doc_id}/report", tags=["语料库"], summary="审核报告 JSON（与 check --format json 相同）")
    def api_report(doc_id: int) -> dict[str, Any]:
        return report_json(doc_id)

    @app.get("/api/documents/{doc_id}/annotated.pdf", tags=["语料库"], summary="标注版 PDF（仅 PDF 文件）")
    def api_annotated(doc_id: int) -> Response:
        return FileResponse(annotated(doc_id), media_type="application/pdf", filename=f"annotated-{int(doc_id)}.pdf")

    @app.get("/api/rules", tags=["规则"], summary="规则目录与各规则的未通过次数")
    def api_rules(store: Store = Depends(db)) -> dict[str, Any]:
        return {"rules": views.rule_catalogue(store)}

    @app.get("/api/template", tags=["生成"], summary="下载填报表（xlsx）")
    def api_template(variant: str = "national", year: int = 2024) -> Response:
        return xlsx_response(template_bytes(variant, year), variant, year)

    @app.post("/api/build", tags=["生成"], summary="由填报表生成公开文件（zip）")
    def api_build(request: Request, workbook: UploadFile = File(...), draft: bool = Form(False)) -> Response:
        require_writer(request, None)
        data, result = build_zip(workbook, draft)
        if data is None:
            return JSONResponse(
                {"error": {"code": 422, "message": "填报表有错误，未生成文件"}, "errors": result.errors},
                status_code=422,
            )
        return Response(
            data, media_type="application/zip", headers={"Content-Disposition": 'attachment; filename="build.zip"'}
        )

    @app.get("/api/me", tags=["账户"], summary="当前用户")
    def api_me(request: Request) -> dict[str, Any]:
        return {"user": current_user(request)}

    corpus_routes.register(
        app,
        corpus_routes.Helpers(state=state, page=page, document_or_404=document_or_404, claim_view=claim_view),
    )
    return app


def _decimal(text: str) -> Decimal | None:
    """A score bound typed in a form: None when blank or not a number from 0 to 100."""
    try:
        v = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return v if v.is_finite() and 0 <= v <= 100 else None


def _safe_next(target: str) -> str:
    """Only a path of this site (no scheme, no host, no ``//``) is a redirect target after sign-in."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
