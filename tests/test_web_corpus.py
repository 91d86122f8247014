"""The web app's corpus analyses and notices (juesuan.web.claims, .corpus, .corpus_routes, .notice):
narrative claims marked in the text, search and filters by region and score, a department's
history (ECharts, vendored), the comparison of two documents, the 整改通知 as PDF and per
department — pages and API endpoints through FastAPI's TestClient. Inputs are our example
disclosure (examples/, made by juesuan.generate) and variants of it written here."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import EXAMPLES

pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed: pip install -e '.[web]'")
pytest.importorskip("httpx", reason="FastAPI's TestClient needs httpx (test extra)")

from fastapi.testclient import TestClient  # noqa: E402

from juesuan.store import open_store  # noqa: E402
from juesuan.web import auth  # noqa: E402
from juesuan.web.app import Settings, create_app  # noqa: E402
from juesuan.web.claims import segments  # noqa: E402

PLANTED = EXAMPLES / "example-planted.txt"
CLEAN = EXAMPLES / "example-clean.txt"
DEPT = "示例市数据服务中心"
# the narrative states 一般公共预算财政拨款支出 as printed in the tables; the variant states another
# figure, followed by markup that must be shown as text
STATED = "支出决算为628.77万元"
WRONG = "支出决算为682.77万元<script>alert(1)</script>"


def _variants(tmp: Path) -> dict[str, Path]:
    text = CLEAN.read_text(encoding="utf-8")
    assert STATED in text
    prior = re.sub(r"(?<!\d)2023(?!\d)", "2022", text)
    prior = re.sub(r"(?<!\d)2024(?!\d)", "2023", prior)
    out = {"prior": tmp / "prior.txt", "wrong": tmp / "wrong.txt"}
    out["prior"].write_text(prior, encoding="utf-8")
    out["wrong"].write_text(text.replace(STATED, WRONG), encoding="utf-8")
    return out


@pytest.fixture()
def env(tmp_path):
    db = tmp_path / "web.duckdb"
    with open_store(db) as s:
        auth.add_user(s, "审核员", "correct horse 9")
        token = auth.new_token(s, "审核员")
    app = create_app(Settings(db=db, data_dir=tmp_path / "data"))
    client = TestClient(app)
    files = _variants(tmp_path)
    ids = {}
    for name, path in (("prior", files["prior"]), ("planted", PLANTED), ("wrong", files["wrong"])):
        r = client.post(
            "/api/check",
            files=[("files", (path.name, path.read_bytes(), "text/plain"))],
            headers={"Authorization": f"Bearer {token}"},
        )
        assert r.status_code == 200 and r.json()["results"][0]["status"] == "added", r.text
        ids[name] = r.json()["results"][0]["document"]
    yield client, token, ids, app.state.juesuan.store, tmp_path
    client.close()
    app.state.juesuan.store.close()


# ---------------------------------------------------------------- 1. claims in the narrative


def test_claims_marked_in_the_narrative_and_linked_to_their_findings(env):
    client, _, ids, _, _ = env
    data = client.get(f"/api/documents/{ids['wrong']}/claims").json()
    assert data["source"] == "upload"
    doc = client.get(f"/api/documents/{ids['wrong']}").json()
    findings = {f["seq"]: f for f in doc["findings"]}
    paragraphs = {
        p["seq"]: p["text"]
        for p in __import__("juesuan.web.views", fromlist=["query"]).query(
            env[3], "SELECT seq, text FROM narrative WHERE document = ?", [ids["wrong"]]
        )
    }
    wrong = [c for c in data["claims"] if c["status"] == "disagree"]
    assert [c["raw"] for c in wrong] == ["682.77万元"]
    f = findings[wrong[0]["finding"]]
    assert f["rule"] == "narrative.table_amounts" and f["severity"] == "error" and "682.77" in f["message"]
    agree = [c for c in data["claims"] if c["status"] == "agree"]
    assert len(agree) > 10
    for c in data["claims"]:  # every mark sits on the figure as printed
        assert paragraphs[c["paragraph"]][c["start"] : c["end"]] == c["raw"]
    # the clean document: the same claim agrees
    clean = client.get(f"/api/documents/{ids['prior']}/claims").json()["claims"]
    assert not [c for c in clean if c["status"] == "disagree"]
    assert any(c["raw"] == "628.77万元" and c["status"] == "agree" for c in clean)
    # the page: the mark links to the finding, the finding lists the mark, the text is escaped
    html = client.get(f"/documents/{ids['wrong']}").text
    mark = wrong[0]
    assert re.search(
        rf'<a href="#f-{mark["finding"]}" id="claim-{mark["claim"]}" class="claim claim-disagree[^"]*"[^>]*>682\.77万元</a>',
        html,
    )
    assert re.search(rf'id="f-{mark["finding"]}"[^>]*data-cells="[^"]*claim-{mark["claim"]}', html)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert len(re.findall(r'id="claim-\d+" class="claim claim-agree"', html)) == len(agree)


def test_claims_of_a_document_ingested_from_the_command_line_come_from_its_findings(env, tmp_path):
    client, _, _, store, _ = env
    path = tmp_path / "cli.txt"
    path.write_text(
        CLEAN.read_text(encoding="utf-8").replace(STATED, WRONG).replace(DEPT, "命令行入库中心"), encoding="utf-8"
    )
    with client.app.state.juesuan.lock:  # type: ignore[attr-defined]
        doc = store.ingest([path])[0].document
    data = client.get(f"/api/documents/{doc}/claims").json()
    assert data["source"] == "store"
    assert [(c["raw"], c["status"]) for c in data["claims"]] == [("682.77万元", "disagree")]
    html = client.get(f"/documents/{doc}").text
    assert "只标出核对不一致的数字" in html and f'id="claim-{data["claims"][0]["claim"]}"' in html


def test_segments_keep_every_character_and_skip_overlaps():
    marks = [{"start": 2, "end": 4, "x": 1}, {"start": 3, "end": 5, "x": 2}, {"start": 6, "end": 8, "x": 3}]
    segs = segments("零一二三四五六七八", marks)
    assert "".join(s["text"] for s in segs) == "零一二三四五六七八"
    assert [s["mark"]["x"] for s in segs if s["mark"]] == [1, 3]


# ---------------------------------------------------------------- 2. search, region, score, history


def test_search_and_filters_by_region_and_score(env):
    client, _, ids, store, _ = env
    every = client.get("/api/documents").json()["documents"]
    scores = {s.document: s.score for s in store.scorecard()}
    for d in every:  # current documents carry their score, superseded ones none
        assert d["score"] == (format(scores[d["id"]], "f") if d["id"] in scores else None)
    region = every[0]["region"]
    assert region and {
        d["id"] for d in client.get("/api/documents", params={"region": region}).json()["documents"]
    } == {d["id"] for d in every}
    assert client.get("/api/documents", params={"region": "无此地区"}).json()["documents"] == []
    hits = client.get("/api/documents", params={"q": "682.77"}).json()["documents"]
    assert [d["id"] for d in hits] == [ids["wrong"]]  # narrative text (and the finding's message)
    assert [d["id"] for d in client.get("/api/documents", params={"q": "prior"}).json()["documents"]] == [ids["prior"]]
    low = min(Decimal(d["score"]) for d in every if d["score"])
    top = client.get("/api/documents", params={"score_min": str(low + Decimal("0.1"))}).json()["documents"]
    assert top and all(Decimal(d["score"]) > low for d in top)
    bottom = client.get("/api/documents", params={"score_max": str(low)}).json()["documents"]
    assert bottom and all(Decimal(d["score"]) == low for d in bottom)
    assert client.get("/api/documents", params={"score_min": "101"}).status_code == 422
    page = client.get("/documents", params={"region": region, "q": "682.77", "score_min": "abc"})
    assert page.status_code == 200 and f'href="/documents/{ids["wrong"]}"' in page.text
    assert f'href="/documents/{ids["prior"]}"' not in page.text and 'name="score_min" value="abc"' in page.text


def test_department_history_year_over_year(env):
    client, _, ids, store, _ = env
    data = client.get("/api/history", params={"department": DEPT}).json()
    assert data["unit"] == "万元"
    assert [(y["year"], y["document"]) for y in data["years"]] == [(2023, ids["prior"]), (2024, ids["wrong"])]
    for y in data["years"]:
        (printed,) = store.db.execute(
            "SELECT value, unit FROM cells WHERE document = ? AND table_id = 'summary' AND column_id = 'amount'"
            " AND row_concept = 'income_total'",
            [y["document"]],
        )
        assert printed[1] == "万元" and Decimal(y["income_total"]) == printed[0]
        (doc,) = store.db.execute("SELECT errors, warnings FROM documents WHERE id = ?", [y["document"]])
        assert (y["errors"], y["warnings"]) == (doc[0], doc[1])
        three = store.db.execute("SELECT three_public_final FROM v_three_public WHERE document = ?", [y["document"]])
        assert Decimal(y["three_public_final"]) == three[0][0]
    last = data["years"][1]
    assert "income_total_change_percent" in last and "income_total_change_percent" not in data["years"][0]
    assert client.get("/api/history", params={"department": "无此部门"}).status_code == 404
    assert client.get("/api/history", params={"department": ""}).status_code == 422
    html = client.get("/history", params={"department": DEPT}).text
    for chart in ("chart-totals", "chart-three", "chart-findings", "chart-score"):
        assert f'id="{chart}"' in html
    assert '<script src="/static/echarts.min.js">' in html and "cdn" not in html.lower()
    assert client.get("/static/echarts.min.js").status_code == 200
    assert "Apache License" in client.get("/static/echarts-LICENSE.txt").text


# ---------------------------------------------------------------- 3. compare


def test_compare_two_versions_and_two_years(env):
    client, _, ids, store, _ = env
    data = client.get("/api/compare", params={"a": ids["planted"], "b": ids["wrong"]}).json()
    expected = store.compare(ids["planted"], ids["wrong"]).to_dict()
    assert data == expected and data["versions"] is True
    assert len(data["findings"]["fixed"]) > 0  # the planted table errors are gone
    # what the changed narrative figure brings: against the tables, and against its own 小于
    assert {f["rule"] for f in data["findings"]["new"]} == {"narrative.table_amounts", "narrative.direction"}
    html = client.get("/compare", params={"a": ids["planted"], "b": ids["wrong"]}).text
    assert f"已改正 {len(data['findings']['fixed'])}" in html and f"新出现 {len(data['findings']['new'])}" in html
    assert html.count("<tr><td>变动</td>") == data["summary"].get("changed", 0)
    years = client.get("/api/compare", params={"a": ids["prior"], "b": ids["wrong"]}).json()
    assert years["versions"] is False and "findings" not in years
    assert client.get("/api/compare", params={"a": ids["prior"], "b": ids["prior"]}).status_code == 422
    assert client.get("/api/compare", params={"a": ids["prior"], "b": 999}).status_code == 404
    assert client.get("/compare").status_code == 200  # the form alone


# ---------------------------------------------------------------- 4. notices


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[\s\x00]+", "", text)


def _font_or_skip() -> None:
    from juesuan.writers.pdf import NoCJKFont, find_cjk_font

    try:
        find_cjk_font()
    except NoCJKFont:
        pytest.skip("no CJK font on this system (fonts-noto-cjk): the PDF notice cannot be written")


def test_notice_pdf_of_a_document_leaves_out_dismissed_findings(env):
    _font_or_skip()
    client, token, ids, _, _ = env
    doc = ids["wrong"]
    wanted = [
        f for f in client.get(f"/api/documents/{doc}").json()["findings"] if f["severity"] in ("error", "warning")
    ]
    assert len(wanted) == 2
    r = client.get(f"/api/documents/{doc}/notice.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF")
    text = _pdf_text(r.content)
    assert "整改通知" in text and f"存在以下{len(wanted)}个问题" in text
    dismissed = wanted[0]
    client.post(
        f"/api/documents/{doc}/findings/{dismissed['seq']}/review",
        json={"decision": "dismissed", "reason": "读取有误"},
        headers={"Authorization": f"Bearer {token}"},
    )
    text = _pdf_text(client.get(f"/documents/{doc}/notice.pdf").content)
    assert f"存在以下{len(wanted) - 1}个问题" in text and "读取有误" not in text


def test_department_notice_covers_its_current_documents(env):
    from docx import Document

    client, _, ids, _, _ = env
    r = client.get("/api/notice.docx", params={"department": DEPT})
    assert r.status_code == 200
    d = Document(io.BytesIO(r.content))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading 2")]
    # the current documents (the planted one is superseded by the corrected upload), oldest first
    assert [h.split("（文件：")[1].split("，")[0] for h in headings] == ["prior.txt", "wrong.txt"]
    assert "0个问题" in headings[0] and "2个问题" in headings[1]
    assert len(d.tables) == 1 and len(d.tables[0].rows) == 3  # the header and the two problems
    assert "年度决算" in headings[1]
    only = Document(io.BytesIO(client.get("/notice.docx", params={"department": DEPT, "year": 2023}).content))
    assert len(only.tables) == 0 and "未发现需要整改的问题。" in [p.text for p in only.paragraphs]
    assert client.get("/api/notice.docx", params={"department": "无此部门"}).status_code == 404
    assert client.get("/api/notice.pdf").status_code == 422  # the department is required
    _font_or_skip()
    text = _pdf_text(client.get("/api/notice.pdf", params={"department": DEPT}).content)
    assert "prior.txt" in text and "wrong.txt" in text and "共存在以下2个问题" in text


def test_new_endpoints_are_in_the_openapi_description(env):
    client = env[0]
    paths = set(client.get("/api/openapi.json").json()["paths"])
    assert {
        "/api/documents/{doc_id}/claims",
        "/api/history",
        "/api/compare",
        "/api/documents/{doc_id}/notice.pdf",
        "/api/notice.pdf",
        "/api/notice.docx",
    } <= paths


def test_rates_are_marked_by_what_their_arithmetic_check_said(tmp_path):
    from juesuan import api
    from juesuan.web.claims import claim_marks

    text = CLEAN.read_text(encoding="utf-8")
    assert text.count("增长4.99%") == 1
    path = tmp_path / "rate.txt"
    path.write_text(text.replace("增长4.99%", "增长5.99%"), encoding="utf-8")
    report = api.check(path)
    marks = claim_marks(report.document, report.findings)
    wrong = [m for m in marks if m["status"] == "disagree"]
    assert [m["raw"] for m in wrong] == ["5.99%"]
    assert report.findings[wrong[0]["finding"]].rule == "narrative.change"
    clean = api.check(CLEAN)
    same = [m for m in claim_marks(clean.document, clean.findings) if m["raw"] == "4.99%"]
    assert [m["status"] for m in same] == ["agree"]
