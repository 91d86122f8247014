"""The web app and HTTP API (juesuan.web) through FastAPI's TestClient: every endpoint, refused
uploads (too big, wrong type by content), writes without sign-in or without the CSRF token, the
sign-in rate limit, escaping of document text, the store migration of users."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLES

pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed: pip install -e '.[web]'")
pytest.importorskip("httpx", reason="FastAPI's TestClient needs httpx (test extra)")

from fastapi.testclient import TestClient  # noqa: E402

from juesuan.store import open_store  # noqa: E402
from juesuan.web import auth  # noqa: E402
from juesuan.web.app import CSRF_COOKIE, Settings, create_app  # noqa: E402
from juesuan.web.uploads import sniff  # noqa: E402

PLANTED = EXAMPLES / "example-planted.txt"
CLEAN = EXAMPLES / "example-clean.txt"
WORKBOOK = EXAMPLES / "workbooks" / "填报-national.xlsx"
PASSWORD = "correct horse 9"


@pytest.fixture()
def app_env(tmp_path):
    db = tmp_path / "web.duckdb"
    with open_store(db) as s:
        auth.add_user(s, "审核员", PASSWORD)
        token = auth.new_token(s, "审核员")
    app = create_app(Settings(db=db, data_dir=tmp_path / "data", max_upload=2 * 1024 * 1024))
    client = TestClient(app)
    yield client, token, tmp_path
    client.close()
    app.state.juesuan.store.close()


def csrf_of(client: TestClient) -> str:
    client.get("/login")
    return str(client.cookies.get(CSRF_COOKIE))


def sign_in(client: TestClient) -> str:
    csrf = csrf_of(client)
    r = client.post(
        "/login", data={"username": "审核员", "password": PASSWORD, "csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    return str(client.cookies.get(CSRF_COOKIE))


def upload(client: TestClient, token: str, *paths: Path) -> dict:
    files = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in paths]
    r = client.post("/api/check", files=files, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    return r.json()


# ---------------------------------------------------------------- auth pieces


def test_passwords_are_salted_scrypt_hashes_and_verify():
    a, b = auth.hash_password("secret-123"), auth.hash_password("secret-123")
    assert a != b and a.startswith("scrypt$") and "secret" not in a
    assert auth.verify_password("secret-123", a) and not auth.verify_password("secret-124", a)


def test_user_migration_stores_hashes_only(tmp_path):
    with open_store(tmp_path / "u.duckdb") as s:
        auth.add_user(s, "alice", "long enough")
        token = auth.new_token(s, "alice")
        assert auth.token_user(s, token) == "alice" and auth.token_user(s, token + "x") is None
        stored = [str(v) for row in s.db.execute("SELECT * FROM api_tokens") for v in row]
        assert token not in stored
        with pytest.raises(Exception, match="用户已存在"):
            auth.add_user(s, "alice", "long enough")
        with pytest.raises(Exception, match="密码太短"):
            auth.add_user(s, "bob", "short")


def test_sniff_decides_on_content_not_name(tmp_path):
    assert sniff(b"%PDF-1.7\n...") == "pdf"
    assert sniff("一般公共预算财政拨款支出决算表\n".encode()) == "txt"
    assert sniff(b"<!DOCTYPE html><html></html>") == "html"
    assert sniff(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256))) is None
    assert sniff(WORKBOOK.read_bytes()) == "xlsx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("evil.sh", "rm -rf /")
    assert sniff(buf.getvalue()) is None  # a zip that is no office file


# ---------------------------------------------------------------- reading (open) and writing (signed in)


def test_reading_pages_and_api_work_without_sign_in(app_env):
    client, _, _ = app_env
    for path in ("/", "/documents", "/rules", "/generate", "/login", "/api/docs"):
        r = client.get(path)
        assert r.status_code == 200, path
    assert client.get("/api/documents").json() == {"documents": []}
    spec = client.get("/api/openapi.json").json()
    assert {"/api/check", "/api/documents", "/api/documents/{doc_id}", "/api/rules", "/api/build"} <= set(spec["paths"])


def test_writes_without_sign_in_are_refused(app_env):
    client, _, _ = app_env
    files = [("files", ("a.txt", CLEAN.read_bytes(), "text/plain"))]
    assert client.post("/api/check", files=files).status_code == 401
    assert client.post("/api/check", files=files, headers={"Authorization": "Bearer nope"}).status_code == 401
    wb = [("workbook", ("w.xlsx", WORKBOOK.read_bytes(), "application/octet-stream"))]
    assert client.post("/api/build", files=wb).status_code == 401
    # a page form without a session goes to the sign-in page
    r = client.post("/check", files=files, data={"csrf_token": csrf_of(client)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert client.get("/api/documents").json()["documents"] == []


def test_form_without_csrf_token_is_refused(app_env):
    client, _, _ = app_env
    sign_in(client)
    files = [("files", ("a.txt", CLEAN.read_bytes(), "text/plain"))]
    r = client.post("/check", files=files)
    assert r.status_code == 403 and "CSRF" in r.text
    r = client.post("/check", files=files, data={"csrf_token": "forged"})
    assert r.status_code == 403
    assert client.get("/api/documents").json()["documents"] == []
    # sign-in itself needs the token too
    r = client.post("/login", data={"username": "审核员", "password": PASSWORD})
    assert r.status_code == 403


def test_sign_in_is_rate_limited(app_env):
    client, _, _ = app_env
    csrf = csrf_of(client)
    codes = [
        client.post("/login", data={"username": "审核员", "password": "wrong", "csrf_token": csrf}).status_code
        for _ in range(6)
    ]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    # even the right password is refused while the limit holds
    r = client.post("/login", data={"username": "审核员", "password": PASSWORD, "csrf_token": csrf})
    assert r.status_code == 429 and "过多" in r.text


def test_sign_in_redirect_stays_on_this_site(app_env):
    client, _, _ = app_env
    csrf = csrf_of(client)
    r = client.post(
        "/login",
        data={"username": "审核员", "password": PASSWORD, "csrf_token": csrf, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_refused_uploads_too_big_and_wrong_type(app_env):
    client, token, tmp_path = app_env
    big = tmp_path / "big.txt"
    big.write_bytes(CLEAN.read_bytes() * (2 * 1024 * 1024 // CLEAN.stat().st_size + 2))
    fake = tmp_path / "fake.pdf"  # a PDF by name, an executable by content
    fake.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4)
    out = upload(client, token, big, fake)["results"]
    assert [r["status"] for r in out] == ["refused", "refused"]
    assert out[0]["error"]["code"] == "too_large" and "上限" in out[0]["error"]["message"]
    assert out[1]["error"]["code"] == "unsupported_type" and "fake.pdf" in out[1]["error"]["message"]
    assert client.get("/api/documents").json()["documents"] == []
    assert list((tmp_path / "data" / "incoming").iterdir()) == []  # nothing left behind


def test_upload_names_from_the_client_are_never_paths(app_env):
    client, token, tmp_path = app_env
    files = [("files", ("../../etc/passwd", CLEAN.read_bytes(), "text/plain"))]
    r = client.post("/api/check", files=files, headers={"Authorization": f"Bearer {token}"}).json()["results"][0]
    assert r["status"] == "added" and r["file"] == "passwd"
    stored = sorted(p.name for p in (tmp_path / "data" / "documents").iterdir())
    assert stored == [f"{r['document']}.claims.json", f"{r['document']}.json", f"{r['document']}.txt"]
    assert not (tmp_path / "etc").exists()


def test_check_upload_then_document_findings_linked_to_cells(app_env):
    client, token, _ = app_env
    out = upload(client, token, PLANTED, CLEAN)["results"]
    assert [r["status"] for r in out] == ["added", "added"]
    planted_id = out[0]["document"]
    expected = json.loads(json.dumps(__import__("juesuan.api", fromlist=["check"]).check(PLANTED).to_dict()["summary"]))
    assert out[0]["summary"]["errors"] == expected["errors"] > 0
    assert out[1]["summary"]["errors"] == 0
    # the same content again: one document
    assert upload(client, token, PLANTED)["results"][0] == {
        "file": PLANTED.name,
        "status": "exists",
        "document": planted_id,
    }

    doc = client.get(f"/api/documents/{planted_id}").json()
    errors = [f for f in doc["findings"] if f["severity"] == "error"]
    assert len(errors) == expected["errors"]
    flagged = [c["findings"] for t in doc["tables"] for r in t["rows"] for c in r["cells"].values() if c["findings"]]
    flagged += [r["findings"] for t in doc["tables"] for r in t["rows"] if r["findings"]]
    # every error that names a cell of a table has that cell flagged with its number
    located = [f for f in errors if any(loc["column_header"] for loc in f["locations"])]
    assert located and all(any(f["seq"] in seqs for seqs in flagged) for f in located)

    html = client.get(f"/documents/{planted_id}").text
    for f in located:
        m = re.search(rf'<li id="f-{f["seq"]}"[^>]*data-cells="([^"]+)"', html)
        assert m, f["message"]
        for cell_id in m.group(1).split():
            assert re.search(rf'<td id="{cell_id}" class="(?:num|code) flagged[^"]*"[^>]*>\s*<a href="#f-\d+"', html)
    assert "错误定位建议" in html
    report = client.get(f"/documents/{planted_id}/report.json").json()
    assert report["summary"]["errors"] == expected["errors"] and report["document"]["source"] == PLANTED.name
    assert client.get(f"/api/documents/{planted_id}/report").json()["summary"] == report["summary"]


def test_corpus_filters_and_rule_catalogue(app_env):
    client, token, _ = app_env
    ids = [r["document"] for r in upload(client, token, PLANTED, CLEAN)["results"]]
    failing = client.get(f"/api/documents/{ids[0]}").json()["findings"][0]["rule"]
    by_rule = client.get("/api/documents", params={"rule": failing}).json()["documents"]
    assert [d["id"] for d in by_rule] == [ids[0]]
    dep = by_rule[0]["department"]
    assert {d["id"] for d in client.get("/api/documents", params={"department": dep[:4]}).json()["documents"]} >= {
        ids[0]
    }
    assert client.get("/api/documents", params={"year": 1990}).json()["documents"] == []
    page = client.get("/documents", params={"rule": failing}).text
    assert f'href="/documents/{ids[0]}"' in page and f'href="/documents/{ids[1]}"' not in page

    rules = {r["id"]: r for r in client.get("/api/rules").json()["rules"]}
    assert rules[failing]["documents_failed"] == 1 and rules[failing]["findings"] >= 1
    assert all(r["description"] for r in rules.values())
    quiet = [r for r in rules.values() if r["findings"] == 0]
    assert quiet  # rules that never failed are listed too
    assert failing in client.get("/rules").text


def test_missing_document_is_404(app_env):
    client, _, _ = app_env
    assert client.get("/api/documents/999").status_code == 404
    r = client.get("/documents/999")
    assert r.status_code == 404 and "999" in r.text
    assert client.get("/api/documents/999/annotated.pdf").status_code == 404


def test_document_text_is_escaped(app_env):
    client, token, tmp_path = app_env
    evil = tmp_path / "evil.txt"
    text = CLEAN.read_text(encoding="utf-8")
    dept = re.search(r"^(\S+?)(?:20\d\d年度)", text, re.M)
    assert dept
    evil.write_text(text.replace(dept.group(1), "<script>alert(1)</script>" + dept.group(1), 1), encoding="utf-8")
    out = upload(client, token, evil)["results"][0]
    assert out["status"] == "added"
    html = client.get(f"/documents/{out['document']}").text + client.get("/documents").text
    assert "<script>alert(1)</script>" not in html


def test_annotated_pdf_of_an_uploaded_pdf(app_env):
    pytest.importorskip("fpdf", reason="fpdf2 writes the PDF of the example")
    from juesuan import api
    from juesuan.writers.pdf import NoCJKFont, write_pdf

    client, token, tmp_path = app_env
    try:
        pdf = write_pdf(api.load_document(PLANTED), tmp_path / "planted.pdf")
    except NoCJKFont:
        pytest.skip("no CJK font installed (fonts-noto-cjk): the example PDF cannot be written")
    out = upload(client, token, pdf)["results"][0]
    assert out["status"] == "added" and out["summary"]["errors"] > 0
    assert 'id="dl-annotated"' in client.get(f"/documents/{out['document']}").text
    r = client.get(f"/api/documents/{out['document']}/annotated.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    from pypdf import PdfReader

    annots = [a for p in PdfReader(io.BytesIO(r.content)).pages for a in (p.get("/Annots") or [])]
    assert annots  # the boxes around the wrong cells
    # a text document has no annotated version
    txt = upload(client, token, CLEAN)["results"][0]["document"]
    assert client.get(f"/documents/{txt}/annotated.pdf").status_code == 404


def test_template_and_build(app_env):
    client, token, _ = app_env
    r = client.get("/api/template", params={"variant": "yunnan", "year": 2023})
    assert r.status_code == 200 and sniff(r.content) == "xlsx"
    assert client.get("/api/template", params={"variant": "mars"}).status_code == 422
    assert client.get("/generate/template.xlsx").status_code == 200

    wb = [("workbook", ("填报.xlsx", WORKBOOK.read_bytes(), "application/octet-stream"))]
    r = client.post("/api/build", files=wb, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text[:500]
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert "build.json" in names and {Path(n).suffix for n in names} >= {".pdf", ".xlsx", ".docx", ".html"}
    # a text file is no workbook, whatever its name
    bad = [("workbook", ("填报.xlsx", CLEAN.read_bytes(), "application/octet-stream"))]
    r = client.post("/api/build", files=bad, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 422 and "xlsx" in r.json()["error"]["message"]


def test_page_upload_with_session_and_csrf(app_env):
    client, _, _ = app_env
    csrf = sign_in(client)
    assert "审核员" in client.get("/").text
    files = [("files", (PLANTED.name, PLANTED.read_bytes(), "text/plain"))]
    r = client.post("/check", files=files, data={"csrf_token": csrf})
    assert r.status_code == 200 and "已审核入库" in r.text
    doc_id = int(re.search(r'href="/documents/(\d+)"', r.text).group(1))  # type: ignore[union-attr]
    assert client.get("/api/me").json() == {"user": "审核员"}
    r = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/api/me").json() == {"user": None}
    assert client.get(f"/documents/{doc_id}").status_code == 200


# ---------------------------------------------------------------- the command line


def test_user_add_and_token_commands(tmp_path):
    from typer.testing import CliRunner

    from juesuan.cli import app as cli_app

    db = str(tmp_path / "cli.duckdb")
    runner = CliRunner()
    r = runner.invoke(cli_app, ["user", "add", "张三", "--db", db, "--password-stdin"], input="a good password\n")
    assert r.exit_code == 0 and "已创建用户：张三" in r.output
    r = runner.invoke(cli_app, ["user", "add", "张三", "--db", db, "--password-stdin"], input="a good password\n")
    assert r.exit_code == 2 and "用户已存在" in r.output
    r = runner.invoke(cli_app, ["user", "add", "李四", "--db", db, "--password-stdin"], input="short\n")
    assert r.exit_code == 2 and "密码太短" in r.output
    r = runner.invoke(cli_app, ["user", "token", "王五", "--db", db])
    assert r.exit_code == 2 and "没有这个用户" in r.output
    r = runner.invoke(cli_app, ["user", "token", "张三", "--db", db])
    assert r.exit_code == 0
    token = r.output.strip().splitlines()[-1]
    with open_store(db) as s:
        assert auth.token_user(s, token) == "张三"
        assert auth.check_user(s, "张三", "a good password") and not auth.check_user(s, "张三", "wrong password")


def test_serve_help_names_its_options():
    from typer.testing import CliRunner

    from juesuan.cli import app as cli_app

    r = CliRunner().invoke(cli_app, ["serve", "--help"])
    assert r.exit_code == 0
    for option in ("--host", "--port", "--db", "--data", "--max-upload-mb"):
        assert option in r.output


# ---------------------------------------------------------------- review decisions


def test_review_decisions_carry_over_to_a_corrected_version(app_env):
    client, token, tmp_path = app_env
    bearer = {"Authorization": f"Bearer {token}"}
    first = upload(client, token, PLANTED)["results"][0]["document"]
    findings = client.get(f"/api/documents/{first}").json()["findings"]
    errors = [f for f in findings if f["severity"] == "error"]
    a, b = errors[0]["seq"], errors[1]["seq"]
    url = f"/api/documents/{first}/findings/{a}/review"
    assert client.post(url, json={"decision": "dismissed"}).status_code == 401
    r = client.post(url, json={"decision": "dismissed"}, headers=bearer)
    assert r.status_code == 422 and "理由" in r.json()["error"]["message"]
    assert client.post(url, json={"decision": "maybe"}, headers=bearer).status_code == 422
    assert (
        client.post(
            f"/api/documents/{first}/findings/999/review", json={"decision": "confirmed"}, headers=bearer
        ).status_code
        == 404
    )
    r = client.post(url, json={"decision": "dismissed", "reason": "印刷时已更正"}, headers=bearer)
    assert r.status_code == 200 and r.json()["user"] == "审核员"
    client.post(f"/api/documents/{first}/findings/{b}/review", json={"decision": "needs_discussion"}, headers=bearer)
    reviewed = {f["seq"]: f["review"] for f in client.get(f"/api/documents/{first}").json()["findings"]}
    assert reviewed[a]["decision"] == "dismissed" and reviewed[a]["reason"] == "印刷时已更正"
    assert reviewed[b]["decision"] == "needs_discussion"
    assert sum(1 for v in reviewed.values() if v) == 2

    # a new version with the same findings (other bytes, same department and year): decisions carry over
    again = tmp_path / "planted-v2.txt"
    again.write_bytes(PLANTED.read_bytes() + b"\n\n")
    second = upload(client, token, again)["results"][0]
    assert second["status"] == "added" and second["supersedes"] == first
    doc2 = client.get(f"/api/documents/{second['document']}").json()
    carried = {f["seq"]: f["review"] for f in doc2["findings"] if f["review"]}
    assert {r["decision"] for r in carried.values()} == {"dismissed", "needs_discussion"}
    assert all(r["carried_from"] == first for r in carried.values())
    assert doc2["previous_version"] == first and doc2["fixed_since_previous"] == []

    # the corrected version: every error of the first one is listed as fixed
    third = upload(client, token, CLEAN)["results"][0]
    assert third["supersedes"] == second["document"]
    doc3 = client.get(f"/api/documents/{third['document']}").json()
    assert len([f for f in doc3["fixed_since_previous"] if f["severity"] == "error"]) == len(errors)
    page = client.get(f"/documents/{third['document']}").text
    assert "已改正" in page and 'id="fixed"' in page


def test_review_form_needs_csrf(app_env):
    client, token, _ = app_env
    doc = upload(client, token, PLANTED)["results"][0]["document"]
    csrf = sign_in(client)
    url = f"/documents/{doc}/findings/0/review"
    assert client.post(url, data={"decision": "confirmed"}).status_code == 403
    r = client.post(url, data={"decision": "confirmed", "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/documents/{doc}#f-0"
    page = client.get(f"/documents/{doc}").text
    assert "审核：确认" in page and 'class="review-form"' in page


def test_a_request_declaring_more_than_the_limits_is_refused_before_reading(app_env):
    client, token, _ = app_env
    limit = 2 * 1024 * 1024 * 20 + (1 << 20)
    body = b"x" * (limit + 1)
    r = client.post(
        "/api/check",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert r.status_code == 413 and "上限" in r.json()["error"]["message"]


def test_page_picture_boxes_the_cells_of_the_findings(app_env):
    pytest.importorskip("fpdf", reason="fpdf2 writes the PDF of the example")
    from PIL import Image

    from juesuan import api
    from juesuan.writers.pdf import NoCJKFont, write_pdf

    client, token, tmp_path = app_env
    try:
        pdf = write_pdf(api.load_document(PLANTED), tmp_path / "planted.pdf")
    except NoCJKFont:
        pytest.skip("no CJK font installed (fonts-noto-cjk): the example PDF cannot be written")
    doc = upload(client, token, pdf)["results"][0]["document"]
    html = client.get(f"/documents/{doc}").text
    pages = sorted({int(p) for p in re.findall(rf'href="/documents/{doc}/pages/(\d+)\.png"', html)})
    assert pages
    report = client.get(f"/api/documents/{doc}/report").json()
    boxed = {loc["page"] for f in report["findings"] for loc in f["locations"] if loc.get("bbox")}
    page = sorted(boxed)[0]
    r = client.get(f"/documents/{doc}/pages/{page}.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    import numpy as np

    from juesuan.web.pageimage import page_png

    def red(png: bytes) -> int:
        a = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
        return int(((a[..., 0] > 180) & (a[..., 1] < 80) & (a[..., 2] < 80)).sum())

    bare = page_png(tmp_path / "data" / "documents" / f"{doc}.pdf", page, [])
    assert red(r.content) > 50 and red(bare) == 0  # the error boxes, drawn on a black-on-white page
    assert client.get(f"/documents/{doc}/pages/999.png").status_code == 404


def test_rectification_notice_leaves_out_dismissed_findings(app_env):
    from docx import Document

    client, token, _ = app_env
    doc = upload(client, token, PLANTED)["results"][0]["document"]
    findings = client.get(f"/api/documents/{doc}").json()["findings"]
    wanted = [f for f in findings if f["severity"] in ("error", "warning")]

    def rows() -> list[list[str]]:
        r = client.get(f"/api/documents/{doc}/notice.docx")
        assert r.status_code == 200
        table = Document(io.BytesIO(r.content)).tables[0]
        return [[c.text for c in row.cells] for row in table.rows[1:]]

    before = rows()
    assert [r[1] for r in before] == [f["message"] for f in wanted]
    dismissed = wanted[0]
    r = client.post(
        f"/api/documents/{doc}/findings/{dismissed['seq']}/review",
        json={"decision": "dismissed", "reason": "读取有误"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200
    after = rows()
    assert [r[1] for r in after] == [f["message"] for f in wanted[1:]]
    assert client.get(f"/documents/{doc}/notice.docx").status_code == 200
