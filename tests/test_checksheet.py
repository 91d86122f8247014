"""The reviewer's check sheet (公开情况检查表, ``check --format xlsx``, juesuan.checksheet).

The main inputs are made by our generator (tests/checksheet_docs.py: juesuan.generate with the
部门概况 and 名词解释 parts, the generator's planted table errors and one 情况说明 figure changed;
as text and as a PDF written by juesuan.writers.pdf). Every item holding a planted error must be
否 with its problem text and a picture of the page with the cells boxed; every other item 是. The
seed and a corpus PDF of ../shared are checked when present.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from checksheet_docs import NARRATIVE_PART, write
from conftest import run_cli
from typer.testing import CliRunner

from juesuan import api, checksheet
from juesuan.cli import app

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seeds" / "000_f2a3e5ca77432ebc.txt"
CORPUS_PDF = SHARED / "corpus" / "final" / "shanghai-putuo-ghzyj-2024-final.pdf"
runner = CliRunner()


def rows_of(path: Path) -> tuple[dict[str, str], dict[str, dict]]:
    """(header block label → value, item name → {number, status, problems, shot, row, images})."""
    from openpyxl import load_workbook

    ws = load_workbook(path).active
    header: dict[str, str] = {}
    items: dict[str, dict] = {}
    in_items = False
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if row[0] == "序号":
            in_items = True
            continue
        if not in_items:
            if row[0] and row[2] is not None:
                header[str(row[0])] = str(row[2])
            continue
        if row[1]:
            items[str(row[1])] = {
                "number": row[0],
                "status": row[2],
                "problems": row[3] or "",
                "shot": row[4] or "",
                "row": r,
                "images": [],
            }
    by_row = {v["row"]: v for v in items.values()}
    for img in ws._images:
        row = img.anchor._from.row + 1
        if row in by_row:
            by_row[row]["images"].append(img)
    return header, items


def red_pixels(img) -> int:
    from PIL import Image

    data = img._data()
    raw = Image.open(io.BytesIO(data)).convert("RGB").tobytes()
    return sum(1 for i in range(0, len(raw), 3) if raw[i] > 180 and raw[i + 1] < 80 and raw[i + 2] < 80)


def planted_item(name: str, forms: list[str]) -> bool:
    return name == NARRATIVE_PART or any(name.startswith(f"{form} ") for form in forms)


@pytest.fixture(scope="module")
def planted_pdf(tmp_path_factory):
    pytest.importorskip("fpdf", reason="fpdf2 writes the generated PDF")
    from juesuan.writers.pdf import NoCJKFont

    folder = tmp_path_factory.mktemp("sheet")
    try:
        return write(folder, planted=True, pdf=True)
    except NoCJKFont:
        pytest.skip("no CJK font installed to write the generated PDF")


def sheet_of(path: Path, out: Path, **dates) -> Path:
    inp = checksheet.from_report(api.check(path), path)
    inp.approved = dates.get("approved", date(2025, 8, 1))
    inp.published = dates.get("published", date(2025, 8, 15))
    checksheet.write(inp, out)
    return out


# ---------------------------------------------------------------- the generated documents


def test_planted_pdf_every_planted_item_is_no_with_text_and_picture_the_rest_yes(planted_pdf, tmp_path):
    pdf, forms = planted_pdf
    assert len(forms) >= 3
    header, items = rows_of(sheet_of(pdf, tmp_path / "检查表.xlsx"))
    planted = [n for n in items if planted_item(n, forms)]
    assert len(planted) == len(forms) + 1  # each planted form has its row, plus the 情况说明 part
    for name, it in items.items():
        if planted_item(name, forms):
            assert it["status"] == "否", name
            assert it["problems"] and it["problems"] != "无", name
            assert len(it["images"]) == 1, name
            assert red_pixels(it["images"][0]) > 50, name  # the cells are boxed in red
            assert "第" in it["problems"] and "页" in it["problems"]
        else:
            assert it["status"] == "是", (name, it["problems"])
            assert not it["images"]
    # the narrative figure changed: its problem quotes the sentence; a table's names the cell
    assert "776.97" in items[NARRATIVE_PART]["problems"]
    income = next(n for n in items if n.startswith("公开02表 "))
    assert "“合计”行" in items[income]["problems"]
    assert header["部门（单位）"] == "示例市数据服务中心" and header["年度"] == "2024"
    assert header["文件名"] == pdf.name and header["juesuan 版本"]
    assert header["检查日期"] == date.today().isoformat()
    assert "决算" in header["类型"]


def test_clean_pdf_every_item_is_yes(tmp_path):
    pytest.importorskip("fpdf", reason="fpdf2 writes the generated PDF")
    from juesuan.writers.pdf import NoCJKFont

    try:
        pdf, _ = write(tmp_path, planted=False, pdf=True)
    except NoCJKFont:
        pytest.skip("no CJK font installed to write the generated PDF")
    _, items = rows_of(sheet_of(pdf, tmp_path / "clean.xlsx"))
    assert {n: it["status"] for n, it in items.items() if it["status"] != "是"} == {}
    assert "封面" in items and "目录" in items and "名词解释" in items


def test_table_rows_follow_the_variants_layout_data(planted_pdf, tmp_path):
    from juesuan.layouts import load

    pdf, _ = planted_pdf
    rep = api.check(pdf)
    variant = load().variants[rep.document.variant]
    names = [r.name for r in checksheet.evaluate(checksheet.from_report(rep, pdf))]
    for entry in variant.tables:
        assert any(n.startswith(f"{entry.form} ") for n in names), entry.table


def test_timeliness_needs_both_dates_and_compares_with_the_deadline(planted_pdf, tmp_path):
    pdf, _ = planted_pdf
    rep = api.check(pdf)
    inp = checksheet.from_report(rep, pdf)

    def timeliness() -> checksheet.ItemResult:
        return next(r for r in checksheet.evaluate(inp) if r.name == "及时性")

    assert timeliness().status == "无法判断" and "公开日期" in timeliness().note
    inp.published = date(2025, 9, 1)
    assert timeliness().status == "无法判断" and "批复日期" in timeliness().note
    inp.approved = date(2025, 8, 1)  # deadline: 20 days after approval (data/checksheet)
    late = timeliness()
    assert late.status == "否" and "超过期限" in late.problems[0]
    inp.published = date(2025, 8, 21)
    assert timeliness().status == "是"


def test_text_source_says_why_there_is_no_picture(tmp_path):
    txt, forms = write(tmp_path, planted=True, pdf=False)
    out = tmp_path / "t.xlsx"
    r = runner.invoke(app, ["check", str(txt), "--format", "xlsx", "-o", str(out)])
    assert r.exit_code == 1, r.output  # the check's own exit status: errors found
    assert "已写出公开情况检查表" in r.output
    _, items = rows_of(out)
    assert items["封面"]["status"] == "无法判断"  # no pages: never 是
    for name, it in items.items():
        if planted_item(name, forms):
            assert it["status"] == "否" and not it["images"]
            assert "不是 PDF" in it["shot"] and "行" in it["shot"], name


# ---------------------------------------------------------------- the command line


def test_xlsx_needs_an_output_file_and_one_document(tmp_path):
    txt, _ = write(tmp_path, planted=True, pdf=False)
    r = runner.invoke(app, ["check", str(txt), "--format", "xlsx"])
    assert r.exit_code == 64 and "-o" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["check", str(txt), "--format", "xlsx", "-o", str(tmp_path / "a.csv")])
    assert r.exit_code == 64 and ".xlsx" in r.output
    r = runner.invoke(app, ["check", str(txt), str(txt), "--format", "xlsx", "-o", str(tmp_path / "a.xlsx")])
    assert r.exit_code == 64 and "--together" in r.output
    assert not (tmp_path / "a.xlsx").exists()
    r = runner.invoke(app, ["check", str(txt), "--format", "xlsx", "-o", str(tmp_path / "no" / "a.xlsx")])
    assert r.exit_code == 2 and "文件夹不存在" in r.output


def test_dates_on_the_command_line(tmp_path):
    txt, _ = write(tmp_path, planted=False, pdf=False)
    out = tmp_path / "d.xlsx"
    args = ["check", str(txt), "--format", "xlsx", "-o", str(out), "--approved", "2025-08-01"]
    r = runner.invoke(app, [*args, "--published", "2025-08-20"])
    assert r.exit_code in (0, 3), r.output
    assert rows_of(out)[1]["及时性"]["status"] == "是"
    r = runner.invoke(app, [*args, "--published", "2025-09-30"])
    late = rows_of(out)[1]["及时性"]
    assert late["status"] == "否" and "超过期限 2025-08-21 40 天" in late["problems"]
    r = runner.invoke(app, [*args, "--published", "30.9.2025"])
    assert r.exit_code == 64 and "YYYY-MM-DD" in r.output
    r = runner.invoke(app, ["check", str(txt), "--published", "2025-09-30"])
    assert r.exit_code == 64 and "--format xlsx" in r.output


def test_libreoffice_opens_the_workbook(planted_pdf, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    pdf, _ = planted_pdf
    sheet = sheet_of(pdf, tmp_path / "sheet.xlsx")
    proc = subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "out"),
            str(sheet),
        ],
        capture_output=True,
        timeout=180,
    )
    out = tmp_path / "out" / "sheet.pdf"
    assert proc.returncode == 0 and out.is_file(), proc.stderr.decode(errors="replace")
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(out))
    try:
        text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
        images = sum(
            1 for i in range(len(doc)) for obj in doc[i].get_objects() if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE
        )
    finally:
        doc.close()
    assert "公开情况检查表" in text and "问题截图" in text
    assert images >= 5  # the evidence pictures survive the conversion


# ---------------------------------------------------------------- robustness


def _input(report: dict, paragraphs=None, **kw) -> checksheet.SheetInput:
    return checksheet.SheetInput(report, paragraphs or [], [], "x.txt", **kw)


def test_cell_text_is_never_a_formula(tmp_path):
    from openpyxl import load_workbook

    report = {
        "document": {"department": '=HYPERLINK("http://x")', "year": 2024, "kind": "决算", "coverage": "full"},
        "findings": [{"rule": "x.y", "severity": "error", "kind": "rule", "message": "=1+1\x07", "locations": []}],
        "rules": [],
    }
    out = tmp_path / "f.xlsx"
    out.write_bytes(checksheet.workbook_bytes(_input(report)))
    ws = load_workbook(out).active
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)
    other = next(row for row in ws.iter_rows(values_only=True) if row[1] == "其他说明")
    assert other[2] == "否" and other[3].startswith("=1+1") and "\x07" not in other[3]


def test_absent_parts_of_a_fragment_or_unread_pages_are_unknown_not_no():
    report = {"document": {"coverage": "fragment"}, "findings": [], "rules": []}
    res = {r.name: r for r in checksheet.evaluate(_input(report))}
    assert res["名词解释"].status == "无法判断" and "节选" in res["名词解释"].note
    report = {"document": {"coverage": "full"}, "findings": [], "rules": []}
    res = {r.name: r for r in checksheet.evaluate(_input(report, unread_pages=[3, 4]))}
    assert res["名词解释"].status == "无法判断" and "第3、4页未读取" in res["名词解释"].note
    res = {r.name: r for r in checksheet.evaluate(_input(report, [("四、名词解释", 9)]))}
    assert res["名词解释"].status == "是" and res["主要职能"].status == "否"
    assert "未找到“主要职能”" in res["主要职能"].problems[0]
    # a sentence that mentions the words is no heading
    res = {r.name: r for r in checksheet.evaluate(_input(report, [("本部门的名词解释见附件，主要职能见网站。", 9)]))}
    assert res["名词解释"].status == "否"


def test_a_narrative_finding_goes_to_its_section_item_or_part():
    def finding(section: str, heading: str) -> dict:
        loc = {"table": section, "row": heading, "column": "收入", "value": "1.00", "page": None, "line": 9}
        return {
            "rule": "narrative.table_amounts",
            "severity": "error",
            "kind": "rule",
            "message": "m",
            "locations": [loc],
        }

    paragraphs = [("第三部分 决算情况说明", None), ("三、收入决算情况说明", None), ("（一）财政拨款收入", None)]
    report = {
        "document": {"coverage": "full"},
        "findings": [
            finding("情况说明", "（一）财政拨款收入"),
            finding("部门整体支出绩效自评情况", "（三）部门整体收支情况"),
        ],
        "rules": [{"id": "performance.total_score", "status": "pass"}],
    }
    res = {r.name: r for r in checksheet.evaluate(_input(report, paragraphs))}
    # a sub-heading belongs to the part whose heading precedes it
    assert res["编制/情况说明—收入决算情况"].status == "否" and res["编制/情况说明—收入决算情况"].findings == [0]
    assert res["编制/情况说明"].status == "是"
    # the 绩效 narrative (data: `sections` of the 绩效 item) is no part of the 情况说明
    assert res["预算绩效（绩效自评表）"].status == "否" and res["预算绩效（绩效自评表）"].findings == [1]


def test_heading_key_drops_numbering():
    assert checksheet.heading_key("第四部分 名词解释") == "名词解释"
    assert checksheet.heading_key("（三）收入决算情况说明") == "收入决算情况说明"
    assert checksheet.heading_key("二、机构设置") == "机构设置"
    assert checksheet.heading_key("2024年度收入支出决算总体情况说明") == "2024年度收入支出决算总体情况说明"


def test_validate_data_checks_the_checksheet_items(tmp_path):
    bad = tmp_path / "data" / "checksheet"
    bad.mkdir(parents=True)
    (bad / "extra.yaml").write_text(
        "items:\n  - {id: x, name: X, kind: bogus, headings: ['(unclosed']}\n  - {id: y, name: Y, kidn: section}\n",
        encoding="utf-8",
    )
    r = run_cli("validate-data", str(tmp_path / "data"))
    assert r.returncode == 2 and "kidn" in r.stderr and "extra.yaml:3" in r.stderr
    (bad / "extra.yaml").write_text("items:\n  - {id: x, name: X, kind: bogus, headings: ['(unclosed']}\n")
    r = run_cli("validate-data", str(tmp_path / "data"))
    assert r.returncode == 2 and "bogus" in r.stderr and "(unclosed" in r.stderr
    assert checksheet.validate_items() == []  # the bundled checklist


# ---------------------------------------------------------------- ../shared


def test_seed_sheet_has_no_picture_and_says_why(tmp_path):
    if not SEED.is_file():
        pytest.skip(f"the seed is absent: {SEED}")
    out = tmp_path / "seed.xlsx"
    r = runner.invoke(app, ["check", str(SEED), "--format", "xlsx", "-o", str(out)])
    assert r.exit_code == 1, r.output
    _, items = rows_of(out)
    no = {n: it for n, it in items.items() if it["status"] == "否"}
    assert no
    for name, it in no.items():
        assert not it["images"] and it["shot"], name
    tables = [it for n, it in no.items() if n.startswith("公开")]
    assert tables and all("不是 PDF" in it["shot"] for it in tables)
    assert items["封面"]["status"] == "无法判断"


def test_corpus_pdf_sheet_has_pictures_for_located_problems(tmp_path):
    if not CORPUS_PDF.is_file():
        pytest.skip(f"the corpus PDF is absent: {CORPUS_PDF}")
    out = tmp_path / "corpus.xlsx"
    r = runner.invoke(app, ["check", str(CORPUS_PDF), "--format", "xlsx", "-o", str(out)])
    assert r.exit_code in (0, 1, 3), r.output
    _, items = rows_of(out)
    assert items["封面"]["status"] == "是" and items["目录"]["status"] == "是"
    no = [it for it in items.values() if it["status"] == "否"]
    assert no
    for it in no:
        assert it["images"] or it["shot"]
    assert any(it["images"] and red_pixels(it["images"][0]) > 50 for it in no)


# ---------------------------------------------------------------- the web app


def test_web_download_leaves_out_dismissed_findings(tmp_path):
    pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
    pytest.importorskip("httpx", reason="FastAPI's TestClient needs httpx (test extra)")
    from fastapi.testclient import TestClient

    from juesuan.store import open_store
    from juesuan.web import auth
    from juesuan.web.app import Settings, create_app

    db = tmp_path / "web.duckdb"
    with open_store(db) as s:
        auth.add_user(s, "审核员", "correct horse 9")
        token = auth.new_token(s, "审核员")
    web = create_app(Settings(db=db, data_dir=tmp_path / "data"))
    client = TestClient(web)
    bearer = {"Authorization": f"Bearer {token}"}
    try:
        txt, forms = write(tmp_path, planted=True, pdf=False)
        r = client.post("/api/check", files=[("files", (txt.name, txt.read_bytes(), "text/plain"))], headers=bearer)
        doc = r.json()["results"][0]["document"]
        page = client.get(f"/documents/{doc}").text
        assert f'href="/documents/{doc}/checksheet.xlsx"' in page

        def sheet(url: str) -> dict[str, dict]:
            r = client.get(url)
            assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
            out = tmp_path / "web.xlsx"
            out.write_bytes(r.content)
            header, items = rows_of(out)
            items["_header"] = header
            return items

        before = sheet(f"/api/documents/{doc}/checksheet.xlsx")
        project = next(n for n in before if n.startswith("公开07表 "))
        assert before[project]["status"] == "否"
        assert all(before[n]["status"] == "否" for n in before if n != "_header" and planted_item(n, forms))
        # dismiss every finding on the 项目支出表: that row becomes 是, the others stay 否
        findings = client.get(f"/api/documents/{doc}").json()["findings"]
        mine = [f for f in findings if any(loc["table_name"] == project.split(" ", 1)[1] for loc in f["locations"])]
        assert mine
        for f in mine:
            url = f"/api/documents/{doc}/findings/{f['seq']}/review"
            assert (
                client.post(url, json={"decision": "dismissed", "reason": "已核实无误"}, headers=bearer).status_code
                == 200
            )
        after = sheet(f"/documents/{doc}/checksheet.xlsx")
        assert after[project]["status"] == "是"
        others = [n for n in after if n not in ("_header", project) and planted_item(n, forms)]
        assert others and all(after[n]["status"] == "否" for n in others)
        assert after["_header"]["审核意见"] == f"已剔除审核人驳回（误报）的问题 {len(mine)} 条"
        assert client.get("/api/documents/999/checksheet.xlsx").status_code == 404
        dated = sheet(f"/api/documents/{doc}/checksheet.xlsx?published=2025-09-30&approved=2025-08-01")
        assert dated["及时性"]["status"] == "否" and "超过期限" in dated["及时性"]["problems"]
        assert client.get(f"/api/documents/{doc}/checksheet.xlsx?published=2025-13-01").status_code == 422
        # a document whose report JSON the app did not keep: the sheet is made of the store's rows
        (tmp_path / "data" / "documents" / f"{doc}.json").unlink()
        rows = sheet(f"/documents/{doc}/checksheet.xlsx")
        assert rows[project]["status"] == "是"
        assert all(rows[n]["status"] == "否" for n in others)
    finally:
        client.close()
        web.state.juesuan.store.close()


def test_web_input_drops_dismissed_findings_and_renumbers_localization():
    from juesuan.web.sheet import sheet_input

    def f(n: int) -> dict:
        return {"rule": f"r.{n}", "severity": "error", "kind": "rule", "message": f"m{n}", "locations": []}

    report = {
        "schema": "juesuan.check/1",
        "document": {
            "coverage": "full",
            "reading_problems": ["第3、5页是扫描图像，未安装文字识别（OCR）组件，这些页未读取"],
        },
        "findings": [f(0), f(1), f(2)],
        "rules": [],
        "localization": [{"status": "localized", "findings": [0, 2], "cells": []}, {"findings": [1]}],
    }
    review = {"decision": "dismissed", "reason": "误报"}
    view = {
        "meta": {"file_name": "x.pdf"},
        "findings": [{"seq": 0, "review": None}, {"seq": 1, "review": review}, {"seq": 2, "review": None}],
        "tables": [],
        "narrative": [],
    }
    inp = sheet_input(view, report, None)
    assert [x["message"] for x in inp.report["findings"]] == ["m0", "m2"]
    assert inp.report["localization"] == [{"status": "localized", "findings": [0, 1], "cells": []}]
    assert inp.dismissed == 1 and inp.unread_pages == [3, 5] and "库中未保存原文件" in inp.no_source_reason
