"""Screenshots of the web app's main pages at 1366×768 into docs/screenshots/ (docs/web.md shows them).

Starts `juesuan serve` on a free port with a throwaway store, signs in, uploads the generated example
with planted errors (as text and as PDF) in headless Chromium (Debian's chromium driven by Playwright;
no browser is downloaded) and photographs each page.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLANTED = REPO / "examples" / "example-planted.txt"
CLEAN = REPO / "examples" / "example-clean.txt"
PASSWORD = "screenshots 1"


def _prior_year(tmp: Path) -> Path:
    """The clean example one year earlier (the same department: a history of two years)."""
    text = CLEAN.read_text(encoding="utf-8")
    text = re.sub(r"(?<!\d)2023(?!\d)", "2022", text)
    text = re.sub(r"(?<!\d)2024(?!\d)", "2023", text)
    out = tmp / "示例单位2023年度部门决算.txt"
    out.write_text(text, encoding="utf-8")
    return out


def _narrative_slip(tmp: Path) -> Path:
    """The clean example with one figure of its 情况说明 mistyped (the tables unchanged)."""
    out = tmp / "示例单位2024年度部门决算（更正版，说明有误）.txt"
    out.write_text(
        CLEAN.read_text(encoding="utf-8").replace("支出决算为628.77万元", "支出决算为682.77万元"), encoding="utf-8"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = ap.parse_args(argv)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        print("需要 Debian 的 chromium（apt-get install chromium）", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    from juesuan import api
    from juesuan.store import open_store
    from juesuan.web import auth
    from juesuan.web.launch import HEADLESS_CHROMIUM_ARGS, served
    from juesuan.writers.pdf import write_pdf

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "corpus.duckdb"
        with open_store(db) as s:
            auth.add_user(s, "审核员", PASSWORD)
        pdf = write_pdf(api.load_document(PLANTED), Path(tmp) / "示例单位2024年度部门决算（含错误）.pdf")
        with served(db, tmp + "/data") as base:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=HEADLESS_CHROMIUM_ARGS, headless=True)
                page = browser.new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)
                page.set_default_timeout(300_000)

                def shot(name: str) -> None:
                    page.screenshot(path=str(args.out / f"{name}.png"))
                    print(args.out / f"{name}.png")

                page.goto(base + "/login")
                page.fill("input[name=username]", "审核员")
                page.fill("input[name=password]", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_selector("#upload-form")
                shot("upload")
                page.set_input_files("#files", [str(PLANTED), str(CLEAN), str(pdf)])
                page.click("#upload-submit")
                page.wait_for_selector("#results")
                shot("results")
                page.locator("#results tr", has_text=pdf.name).locator("a").click()
                page.wait_for_selector("#findings")
                first = page.locator("li.finding.sev-error[data-cells]:not([data-cells=''])").first
                first.locator("a.finding-link").click()
                shot("document")
                # a prior year (the clean example a year earlier) and a version whose narrative
                # states a figure the tables do not print: history, compare and claims pages
                extra = [_prior_year(Path(tmp)), _narrative_slip(Path(tmp))]
                page.goto(base + "/")
                page.set_input_files("#files", [str(p) for p in extra])
                page.click("#upload-submit")
                page.wait_for_selector("#results")
                docs = json.load(urllib.request.urlopen(base + "/api/documents"))["documents"]
                by_name = {d["file_name"]: d for d in docs}
                slip = by_name[extra[1].name]
                page.goto(base + f"/documents/{slip['id']}#narrative")
                page.locator("#narrative a.claim-disagree").first.click()
                page.locator("#narrative").scroll_into_view_if_needed()
                page.evaluate("document.getElementById('narrative').scrollIntoView({block: 'start'})")
                shot("narrative")
                page.goto(base + "/documents")
                shot("corpus")
                page.goto(base + "/history?" + urllib.parse.urlencode({"department": slip["department"]}))
                page.wait_for_selector("#chart-totals canvas")
                shot("history")
                planted = by_name[PLANTED.name]
                page.goto(base + f"/compare?a={planted['id']}&b={slip['id']}")
                shot("compare")
                page.goto(base + "/rules")
                shot("rules")
                page.goto(base + "/generate")
                shot("generate")
                browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
