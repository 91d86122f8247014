"""Pages that cannot be read: each unread page carries its reason (OCR not installed, the OCR
engine failed, the page image could not be rendered, the page's reading raised), the document
reports it naming the page, and the other pages are kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from juesuan import api
from juesuan.model import Disclosure
from juesuan.raw import UNREAD_NO_OCR
from juesuan.readers import ocr, read
from juesuan.readers import pdf as pdf_reader

FIXTURES = Path(__file__).parent / "fixtures" / "roundtrip"


def _scan(tmp_path: Path) -> Path:
    """A one-page PDF that is only an image (a scan: no text layer)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (600, 400), "white")
    ImageDraw.Draw(img).rectangle((50, 50, 550, 350), outline="black", width=3)
    path = tmp_path / "scan.pdf"
    img.save(path, format="PDF", resolution=100)
    return path


def test_scanned_page_without_ocr_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUESUAN_OCR", "off")
    raw = read(_scan(tmp_path))
    assert raw.unread_pages == [1]
    assert raw.unread_reasons == {1: UNREAD_NO_OCR}


def test_ocr_engine_failure_is_the_reason_not_a_missing_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(image: object, scale: float, **kw: object) -> list[ocr.OcrWord]:
        raise RuntimeError("模型文件损坏")

    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(ocr, "ocr_page", broken)
    # the RapidOCR path of a page reads through the detector and the recognizer
    monkeypatch.setattr(ocr, "detect", lambda *a: broken(None, 1.0))
    monkeypatch.setattr(ocr, "recognize", lambda *a: broken(None, 1.0))
    raw = read(_scan(tmp_path))
    assert raw.unread_pages == [1]
    reason = raw.unread_reasons[1]
    assert "文字识别（OCR）失败" in reason and "RuntimeError" in reason and "模型文件损坏" in reason
    assert "未安装" not in reason


def test_ocr_engine_error_message_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from juesuan.errors import InputError

    def timeout(image: object, scale: float, **kw: object) -> list[ocr.OcrWord]:
        raise InputError("文字识别（OCR）超时（超过 120 秒）")

    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(ocr, "ocr_page", timeout)
    monkeypatch.setattr(ocr, "detect", lambda *a: timeout(None, 1.0))
    monkeypatch.setattr(ocr, "recognize", lambda *a: timeout(None, 1.0))
    raw = read(_scan(tmp_path))
    assert raw.unread_reasons[1] == "扫描图像，文字识别（OCR）失败：文字识别（OCR）超时（超过 120 秒）"


def test_page_image_that_cannot_be_rendered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pypdfium2 as pdfium

    def no_render(self: object, **kw: object) -> object:
        raise MemoryError("bitmap")

    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(pdfium.PdfPage, "render", no_render)
    raw = read(_scan(tmp_path))
    assert raw.unread_pages == [1]
    assert raw.unread_reasons[1].startswith("扫描图像，页面图像无法渲染：MemoryError")


def _break_page(monkeypatch: pytest.MonkeyPatch, broken: int) -> None:
    real = pdf_reader._triage

    def triage(page: object, number: int) -> object:
        if number == broken:
            raise ValueError("坏的内容流")
        return real(page, number)

    monkeypatch.setattr(pdf_reader, "_triage", triage)


def test_a_page_that_fails_is_reported_and_the_rest_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    path = FIXTURES / "example-ruled.pdf"
    whole = read(path)
    _break_page(monkeypatch, 3)
    raw = read(path)
    assert raw.unread_pages == [3]
    assert raw.unread_reasons == {3: "本页读取出错：ValueError: 坏的内容流"}
    assert raw.page_count == whole.page_count
    assert not any(ln.page == 3 for ln in raw.lines)
    assert [ln.cells for ln in raw.lines if ln.page != 3] == [ln.cells for ln in whole.lines if ln.page != 3]


def test_a_failed_page_reaches_the_report_and_json(monkeypatch: pytest.MonkeyPatch) -> None:
    path = FIXTURES / "example-ruled.pdf"
    _break_page(monkeypatch, 3)
    report = api.check(path)
    doc = report.document
    assert doc.unread_pages == [3] and doc.tables
    assert "第3页未读取（本页读取出错：ValueError: 坏的内容流）；依赖其内容的规则记为数据不足" in doc.reading_problems
    data = json.loads(json.dumps(doc.to_dict(), ensure_ascii=False, default=str))
    assert data["unread_pages"] == [3]
    assert data["unread_reasons"] == {"3": "本页读取出错：ValueError: 坏的内容流"}
    again = Disclosure.from_dict(data)
    assert again.unread_reasons == {3: "本页读取出错：ValueError: 坏的内容流"}


def test_messages_group_pages_by_reason() -> None:
    doc = Disclosure(
        source="x.pdf",
        unread_pages=[2, 4, 5],
        unread_reasons={2: UNREAD_NO_OCR, 4: "本页读取出错：KeyError", 5: UNREAD_NO_OCR},
    )
    assert doc.unread_messages() == [
        "第2、5页是扫描图像，未安装文字识别（OCR）组件，这些页未读取；依赖其内容的规则记为数据不足",
        "第4页未读取（本页读取出错：KeyError）；依赖其内容的规则记为数据不足",
    ]
    # an older document without reasons reads as before
    assert Disclosure(source="x.pdf", unread_pages=[7]).unread_messages()[0].startswith("第7页是扫描图像，未安装")
