"""End to end in a real headless Chromium (Debian's ``chromium``, driven by Playwright's Python
client; no browser is downloaded) against ``juesuan serve`` started on a free port: sign in, upload
the generated example (and the seed when ../shared is present), see the findings, click a finding
and see its cell highlighted, click a cell and see its finding, download the annotated PDF, browse
and filter the corpus, download a template workbook and build from one."""

from __future__ import annotations

import shutil
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLES, SEED

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install -e '.[web]'")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python client (test extra) is not installed")

from juesuan.web.launch import HEADLESS_CHROMIUM_ARGS, served  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium; scripts/system-deps.sh does it)",
        allow_module_level=True,
    )

ARGS = HEADLESS_CHROMIUM_ARGS
PASSWORD = "browser pass 1"
PLANTED = EXAMPLES / "example-planted.txt"
WORKBOOK = EXAMPLES / "workbooks" / "填报-national.xlsx"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from juesuan import api
    from juesuan.store import open_store
    from juesuan.web import auth
    from juesuan.writers.pdf import NoCJKFont, write_pdf

    tmp = tmp_path_factory.mktemp("web")
    db = tmp / "corpus.duckdb"
    with open_store(db) as s:
        auth.add_user(s, "reviewer", PASSWORD)
    try:
        pdf: Path | None = write_pdf(api.load_document(PLANTED), tmp / "planted-example.pdf")
    except NoCJKFont:
        pdf = None
    with served(db, tmp / "data") as base:
        yield base, pdf, tmp


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def test_review_flow_in_the_browser(server, browser):
    base, pdf, tmp = server
    page = browser.new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    page.set_default_timeout(180_000)  # a check of a long document on a loaded machine

    # writing needs sign-in: the upload form is not offered before
    page.goto(base + "/")
    assert page.locator("#upload-form").count() == 0
    page.click("#login-link")
    page.fill("input[name=username]", "reviewer")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#upload-form")
    assert page.inner_text("#current-user") == "reviewer"

    files = [str(PLANTED)] + ([str(pdf)] if pdf else []) + ([str(SEED)] if SEED.exists() else [])
    page.set_input_files("#files", files)
    page.click("#upload-submit")
    page.wait_for_selector("#results")
    rows = page.locator("#results tbody tr")
    assert rows.count() == len(files)
    assert page.locator("#results tr.result-added").count() == len(files), page.inner_text("#results")

    # the document of the PDF (or of the text example): findings listed, each linked to its cells
    target = Path(files[1] if pdf else files[0]).name
    page.locator("#results tr", has_text=target).locator("a").click()
    page.wait_for_selector("#findings")
    findings = page.locator("li.finding.sev-error")
    assert findings.count() > 0
    linked = page.locator("li.finding.sev-error[data-cells]:not([data-cells=''])").first
    cell_ids = linked.get_attribute("data-cells").split()
    linked.locator("a.finding-link").click()
    for cid in cell_ids:
        assert "highlight" in page.locator(f"#{cid}").get_attribute("class")
    assert "active" in linked.get_attribute("class")
    # and back: clicking a flagged cell marks its finding
    other = page.locator("li.finding[data-cells]:not([data-cells=''])").nth(1)
    other_cell = other.get_attribute("data-cells").split()[0]
    page.locator(f"#{other_cell} a.cell-link").click()
    assert "active" in other.get_attribute("class")

    if pdf:
        with page.expect_download() as dl:
            page.click("#dl-annotated")
        assert Path(dl.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as dl:
        page.click("#dl-json")
    assert b'"findings"' in Path(dl.value.path()).read_bytes()

    import json

    if SEED.exists():  # the real document: its errors are on the page
        page.goto(base + "/documents")
        page.locator("#doc-list tr", has_text=SEED.name).locator("a").first.click()
        page.wait_for_selector("#findings")
        assert page.locator("li.finding.sev-error").count() > 0

    # the corpus: filtering by a failing rule narrows the list (htmx swaps it in place)
    page.goto(base + "/documents")
    total = page.locator("#doc-list tbody tr").count()
    assert total == len(files)
    with urllib.request.urlopen(base + "/api/documents?rule=codes.project.scheme") as r:
        failing = len(json.load(r)["documents"])
    assert 0 < failing
    page.select_option("select[name=rule]", "codes.project.scheme")
    page.wait_for_url("**rule=codes.project.scheme**", timeout=30_000)
    page.wait_for_function(f"document.querySelectorAll('#doc-list tbody tr').length === {failing}", timeout=30_000)

    # filter by region, then search: the list narrows to what the API says
    region = json.load(urllib.request.urlopen(base + "/api/documents"))["documents"][0]["region"]
    page.select_option("select[name=region]", region)
    page.wait_for_url("**region=**", timeout=30_000)
    page.fill("input[name=q]", PLANTED.stem)
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**q=**", timeout=30_000)
    query = urllib.parse.urlencode({"rule": "codes.project.scheme", "region": region, "q": PLANTED.stem})
    with urllib.request.urlopen(base + "/api/documents?" + query) as r:
        hits = len(json.load(r)["documents"])
    page.wait_for_function(f"document.querySelectorAll('#doc-list tbody tr').length === {hits}", timeout=30_000)
    assert hits >= 1

    # a department's history: the ECharts canvases are drawn
    page.locator("#doc-list a.history-link").first.click()
    page.wait_for_selector("#chart-totals canvas", timeout=30_000)
    assert page.locator(".chart canvas").count() == 4
    assert page.locator("#history-table tbody tr").count() >= 1

    # compare two documents: the planted example as text and as PDF (or the text with itself refused)
    docs = json.load(urllib.request.urlopen(base + "/api/documents"))["documents"]
    page.goto(base + "/compare")
    page.select_option("#compare-a", str(docs[-1]["id"]))
    page.select_option("#compare-b", str(docs[0]["id"]))
    page.click("#compare-form button[type=submit]")
    if docs[-1]["id"] != docs[0]["id"]:
        page.wait_for_selector("#compare-summary")
        assert "处变动" in page.inner_text("#compare-summary")

    # the document page: narrative claims marked; the 整改通知 as PDF
    page.goto(base + f"/documents/{docs[0]['id']}")
    assert page.locator("#narrative .claim[id^=claim-]").count() > 0
    if pdf:  # a CJK font is installed (the example PDF was written with it)
        with page.expect_download() as dl:
            page.click("#dl-notice-pdf")
        assert Path(dl.value.path()).read_bytes().startswith(b"%PDF")

    # the rule catalogue counts the failures
    page.goto(base + "/rules")
    row = page.locator("#rule-codes\\.project\\.scheme")
    assert int(row.locator("td").nth(5).inner_text()) >= 1

    # the generator: a template workbook, then a build from a filled one
    page.goto(base + "/generate")
    with page.expect_download() as dl:
        page.click("#template-download")
    with zipfile.ZipFile(dl.value.path()) as zf:
        assert any(n.startswith("xl/") for n in zf.namelist())
    page.set_input_files("#build-form input[type=file]", str(WORKBOOK))
    with page.expect_download() as dl:
        page.click("#build-submit")
    with zipfile.ZipFile(dl.value.path()) as zf:
        assert "build.json" in zf.namelist()
    page.close()
