"""The page helper that reads a PDF's pages from the last one back while the command reads from the
first one on (juesuan.readers.backread): the reader reads exactly what it reads without it, a page
is taken from the helper only when the helper read the same file the same way, and every way the
helper can fail or lag leaves the reader to read the page itself. The PDFs are our generator's
(tests/fixtures/roundtrip) or made here from them."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from juesuan.readers import backread, prefetch, read
from juesuan.readers.settings import DEFAULT, using

REPO = Path(__file__).resolve().parents[1]
PDFS = sorted((REPO / "tests" / "fixtures" / "roundtrip").glob("*.pdf"))

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the page helper runs on Linux only")


@pytest.fixture(autouse=True)
def _two_cores(monkeypatch: pytest.MonkeyPatch):
    """The helper starts on machines with two cores or more: pretend to have two; stop any helper a
    test leaves."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.delenv(backread.ENV, raising=False)
    monkeypatch.delenv(prefetch.ENV, raising=False)
    yield
    backread.close()


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The numbers of the pages the reader took from the helper."""
    out: list[int] = []
    real = backread.Pages.page

    def page(self: backread.Pages, number: int):  # type: ignore[no-untyped-def]
        got = real(self, number)
        if got is not None:
            out.append(number)
        return got

    monkeypatch.setattr(backread.Pages, "page", page)
    return out


def started(path: Path) -> backread.Pages:
    assert backread.start(str(path)), path
    helper = backread._active
    assert helper is not None
    return helper


def finished(helper: backread.Pages, pages: int) -> None:
    """Wait until the helper has sent ``pages`` pages or ended (a reader that comes at once reads
    most pages itself: correct, but it shows little)."""
    deadline = time.monotonic() + 60
    while len([n for n in helper.frames if n]) < pages and not helper.ended and time.monotonic() < deadline:
        helper._poll()
        time.sleep(0.002)


def test_the_reader_reads_the_same_with_pages_from_the_helper(taken: list[int]):
    assert PDFS, "the generated PDFs of tests/fixtures/roundtrip are missing"
    for pdf in PDFS:
        helper = started(pdf)
        finished(helper, 10**6)  # every page: the reader takes them all but its first
        taken.clear()
        helped = read(pdf)
        assert backread._active is None  # taken by the reader
        count = helped.page_count
        assert count >= 4 and taken == list(range(1, count + 1)), (pdf, taken)
        assert helped == read(pdf), pdf


def test_a_reader_that_comes_at_once_meets_the_helper_half_way(taken: list[int]):
    pdf = max(PDFS, key=lambda p: read(p).page_count)
    helper = started(pdf)
    helped = read(pdf)  # the reader goes from page 1 while the helper goes from the last one
    assert helped == read(pdf)
    assert taken == sorted(taken) and (not taken or taken[-1] == helped.page_count)  # a tail of pages
    assert helper.fd < 0  # stopped once the reader was through


def test_pages_the_helper_has_not_reached_are_read_by_the_reader(taken: list[int]):
    pdf = PDFS[0]
    helper = started(pdf)
    finished(helper, 2)
    os.kill(helper.pid, signal.SIGKILL)  # it never sends another page
    helped = read(pdf)
    assert helped == read(pdf)
    assert len(taken) >= 2 and set(taken) < set(range(1, helped.page_count + 1))


def test_a_different_file_is_not_served_by_the_helper(tmp_path: Path, taken: list[int]):
    pdf = PDFS[0]
    copy = tmp_path / pdf.name
    copy.write_bytes(pdf.read_bytes())
    helper = started(pdf)
    finished(helper, 10**6)
    assert read(copy) == read(pdf).__class__(**{**read(pdf).__dict__, "file": str(copy)})
    assert taken == [] and helper.fd < 0  # not served; stopped


def test_a_file_changed_after_the_start_is_not_served(tmp_path: Path, taken: list[int]):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(PDFS[0].read_bytes())
    helper = started(pdf)
    finished(helper, 10**6)
    pdf.write_bytes(PDFS[1].read_bytes())  # replaced before the reader gets to it
    again = read(pdf)
    assert taken == []
    again.file = str(PDFS[1])
    assert again == read(PDFS[1])


def test_a_reading_with_other_settings_takes_nothing(taken: list[int]):
    pdf = PDFS[0]
    helper = started(pdf)
    finished(helper, 10**6)
    other = DEFAULT.__class__(**{**DEFAULT.__dict__, "grid_char_pad": DEFAULT.grid_char_pad + 0.5})
    with using(other):
        from juesuan.readers.pdf import read_pdf

        own = read_pdf(pdf)
    assert taken == [] and helper.fd < 0
    with using(other):
        assert own == read_pdf(pdf)


def _with_a_scanned_page(tmp_path: Path) -> Path:
    """A generated PDF with an image-only page (a scan) in the middle."""
    from PIL import Image
    from pypdf import PdfReader, PdfWriter

    buf = io.BytesIO()
    Image.new("RGB", (400, 300), (255, 255, 255)).save(buf, format="PDF")
    writer = PdfWriter()
    pages = PdfReader(PDFS[0]).pages
    for k, page in enumerate(pages):
        if k == len(pages) - 2:
            writer.add_page(PdfReader(io.BytesIO(buf.getvalue())).pages[0])
        writer.add_page(page)
    out = tmp_path / "with-scan.pdf"
    with open(out, "wb") as fh:
        writer.write(fh)
    return out


def test_a_scanned_page_is_left_to_the_reader(tmp_path: Path, taken: list[int], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JUESUAN_OCR", "off")  # the reader reports the scan as unread, as always
    pdf = _with_a_scanned_page(tmp_path)
    helper = started(pdf)
    finished(helper, 10**6)
    helped = read(pdf)
    scan = helped.page_count - 2
    assert helped.unread_pages == [scan]
    assert scan not in taken and len(taken) == helped.page_count - 1
    assert helped == read(pdf)


def test_the_helper_holds_none_of_the_command_s_streams():
    helper = started(PDFS[0])
    finished(helper, 1)  # (it has set itself up)
    for fd in (0, 1, 2):
        assert os.readlink(f"/proc/{helper.pid}/fd/{fd}") == os.devnull
    backread.close()
    assert helper.fd < 0


def test_no_helper_is_started_when_it_cannot_help(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    text = tmp_path / "x.pdf"
    text.write_text("不是 PDF", encoding="utf-8")
    for path in (text, tmp_path / "missing.pdf", tmp_path):
        assert not backread.start(str(path))
    for env in (backread.ENV, prefetch.ENV):
        monkeypatch.setenv(env, "0")
        assert not backread.start(str(PDFS[0]))
        monkeypatch.delenv(env)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert not backread.start(str(PDFS[0]))
    assert backread._active is None


def check(*args: str, helping: bool) -> subprocess.CompletedProcess[str]:
    """``juesuan ARGS`` as the installed command runs it (its own command line)."""
    env = dict(os.environ, **{backread.ENV: "1" if helping else "0"})
    return subprocess.run(
        [sys.executable, "-m", "juesuan", *args], capture_output=True, text=True, timeout=120, env=env, cwd=REPO
    )


def test_the_command_prints_the_same_with_and_without_the_helper(tmp_path: Path):
    for pdf in [*PDFS, _with_a_scanned_page(tmp_path)]:
        for fmt in ("json", "text"):
            on = check("check", str(pdf), "--format", fmt, helping=True)
            off = check("check", str(pdf), "--format", fmt, helping=False)
            assert on.returncode == off.returncode, on.stderr
            assert (on.stdout, on.stderr) == (off.stdout, off.stderr), pdf


def test_reading_says_whether_a_helper_still_reads_for_the_command():
    from juesuan.readers import pdfium

    document = pdfium.Document(PDFS[0])
    count = len(document)
    document.close()
    assert not backread.reading()
    helper = started(PDFS[0])
    assert backread.reading()  # (its first page takes it longer than this)
    finished(helper, 10**6)
    helper._poll()
    while not helper.ended:  # it ends once it has sent its last page
        time.sleep(0.002)
        helper._poll()
    assert not backread.reading()
    assert backread.take(PDFS[0], count) is helper
    assert not backread.reading()  # taken
