"""The start-up worker that loads a PDF's pages while the command imports the pipeline
(juesuan.readers.prefetch): the reader reads exactly what it reads without it, PDFium is never
called by two threads at once, and every way the worker can fail leaves the reader to report what
it always reports. The PDFs are our generator's (tests/fixtures/roundtrip) or made here."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from juesuan.cliargs import simple_check
from juesuan.readers import prefetch, read

REPO = Path(__file__).resolve().parents[1]
ROUNDTRIP = REPO / "tests" / "fixtures" / "roundtrip"
PDFS = sorted(ROUNDTRIP.glob("*.pdf"))


@pytest.fixture(autouse=True)
def _two_cores(monkeypatch: pytest.MonkeyPatch):
    """The worker starts on machines with two cores or more: pretend to have two; close any worker
    a test leaves."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.delenv(prefetch.ENV, raising=False)
    yield
    prefetch.close()


def loaded(job: prefetch._Prefetch, pages: int) -> None:
    """Wait until the worker has loaded ``pages`` pages or ended (a reader that comes at once
    takes the document before any page is loaded: correct, but it shows nothing)."""
    deadline = time.monotonic() + 30
    while len(job.pages) < pages and job.done.locked() and time.monotonic() < deadline:
        time.sleep(0.001)


def check(*args: str, prefetching: bool) -> subprocess.CompletedProcess[str]:
    """``juesuan ARGS`` as the installed command runs it (its own command line, so the worker
    starts when it applies)."""
    env = dict(os.environ, **{prefetch.ENV: "1" if prefetching else "0"})
    return subprocess.run(
        [sys.executable, "-m", "juesuan", *args], capture_output=True, text=True, timeout=120, env=env, cwd=REPO
    )


def test_the_reader_reads_the_same_with_pages_loaded_ahead():
    assert PDFS, "the generated PDFs of tests/fixtures/roundtrip are missing"
    for pdf in PDFS:
        prefetch.start(str(pdf))
        job = prefetch._active
        assert job is not None, pdf
        loaded(job, 5)
        ahead = read(pdf)
        assert prefetch._active is None  # taken by the reader
        assert len(job.pages) >= 5, pdf  # it did load pages
        assert ahead == read(pdf), pdf


def test_pages_beyond_the_worker_s_share_are_loaded_by_the_reader(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(prefetch, "MAX_PAGES", 2)
    pdf = PDFS[0]
    prefetch.start(str(pdf))
    job = prefetch._active
    assert job is not None
    loaded(job, 3)
    ahead = read(pdf)
    assert len(job.pages) == 2
    assert ahead.page_count > 2 and ahead == read(pdf)


def test_another_document_waits_for_the_worker_to_stop():
    from juesuan.readers import pdfium

    first, second = PDFS[0], PDFS[1]
    prefetch.start(str(first))
    job = prefetch._active
    assert job is not None
    loaded(job, 2)
    other = pdfium.Document(second)  # opened by this thread: the worker must have stopped first
    try:
        assert job.done.acquire(blocking=False), "the worker still runs beside another document"
        job.done.release()
        assert len(other) > 0
    finally:
        other.close()
    assert prefetch.page_count(first) == job.count  # what it loaded is kept for the reader
    assert read(first) == read(first)


def test_a_different_file_is_not_served_from_the_worker(tmp_path: Path):
    pdf = PDFS[0]
    copy = tmp_path / pdf.name
    copy.write_bytes(pdf.read_bytes())
    prefetch.start(str(pdf))
    job = prefetch._active
    assert job is not None
    assert prefetch.take(copy) is None  # another file (same bytes): not the worker's document
    assert prefetch._active is None and job.pages == [] and job.document is None  # closed


def test_a_file_changed_after_the_start_is_read_again(tmp_path: Path):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(PDFS[0].read_bytes())
    prefetch.start(str(pdf))
    assert prefetch._active is not None
    job = prefetch._active
    assert job is not None
    loaded(job, 10**6)  # (until it has ended: PDFium is not to read a file while it is rewritten)
    pdf.write_bytes(PDFS[1].read_bytes())  # replaced before the reader gets to it
    again = read(pdf)
    assert job.document is None  # what the worker loaded was closed, not served
    again.file = str(PDFS[1])
    assert again == read(PDFS[1])


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "-"],
        ["check", "a.pdf", "b.pdf"],
        ["check", "x.pdf", "--variant", "yunnan"],
        ["parse", "x.pdf"],
    ],
)
def test_only_a_plain_check_of_one_file_starts_a_worker(args: list[str]):
    assert simple_check(args) is None


def test_files_that_are_not_pdfs_start_no_worker(tmp_path: Path):
    text = tmp_path / "x.pdf"
    text.write_text("不是 PDF", encoding="utf-8")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    for path in (text, empty, tmp_path, tmp_path / "missing.pdf"):
        prefetch.start(str(path))
        assert prefetch._active is None, path


def _encrypted(tmp_path: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(PDFS[0]).pages[:2]:
        writer.add_page(page)
    writer.encrypt("secret")
    out = tmp_path / "encrypted.pdf"
    with open(out, "wb") as fh:
        writer.write(fh)
    return out


def test_unusable_pdfs_are_reported_as_without_the_worker(tmp_path: Path):
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(PDFS[0].read_bytes()[:4000])  # cut short: PDFium cannot open it
    header_only = tmp_path / "header.pdf"
    header_only.write_bytes(b"%PDF-1.7\n%%EOF\n")
    for pdf in (damaged, header_only, _encrypted(tmp_path)):
        for fmt in ("text", "json"):
            on = check("check", str(pdf), "--format", fmt, prefetching=True)
            off = check("check", str(pdf), "--format", fmt, prefetching=False)
            assert on.returncode == off.returncode == 2, (pdf, on.stderr)
            assert (on.stdout, on.stderr) == (off.stdout, off.stderr), pdf


def test_the_command_prints_the_same_with_and_without_the_worker():
    for pdf in PDFS:
        on = check("check", str(pdf), "--format", "json", prefetching=True)
        off = check("check", str(pdf), "--format", "json", prefetching=False)
        assert on.returncode == off.returncode and on.returncode in (0, 1), on.stderr
        assert (on.stdout, on.stderr) == (off.stdout, off.stderr), pdf


def test_a_command_that_never_reads_ends_as_before():
    # not the plain form (an unknown format): no worker, and the usage error is what it always is
    on = check("check", str(PDFS[0]), "-f", "xml", prefetching=True)
    off = check("check", str(PDFS[0]), "-f", "xml", prefetching=False)
    assert on.returncode == off.returncode == 64
    assert (on.stdout, on.stderr) == (off.stdout, off.stderr)


def test_what_nobody_took_is_closed_at_exit():
    prefetch.start(str(PDFS[0]))
    job = prefetch._active
    assert job is not None
    loaded(job, 2)
    prefetch.close()  # (registered with atexit by start)
    assert prefetch._active is None and job.pages == [] and job.document is None


def test_with_a_page_helper_the_worker_loads_its_share_of_the_pages():
    pdf = PDFS[0]
    prefetch.start(str(pdf), share=0.5)
    job = prefetch._active
    assert job is not None
    loaded(job, 10**6)  # until it has ended
    count = job.count
    assert count > 2 and len(job.pages) == (count + 1) // 2
    assert read(pdf) == read(pdf)  # the reader loads the rest itself
