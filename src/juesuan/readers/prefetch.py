"""Start-up overlap: while the ``juesuan check`` command imports the pipeline, PDFium opens the PDF
and loads its first pages in a second thread.

A new process spends its first 30–40 ms importing modules and loading data packs: Python work,
holding the interpreter lock. Loading a page in PDFium — parsing its content stream
(``FPDF_LoadPage``) and building its text page (``FPDFText_LoadPage``) — is C work, 0.3–1.5 ms a
page, during which ctypes releases the lock: on a machine with a second core the two overlap. The
work is the same, only done earlier; the reader then finds its first pages loaded
(docs/benchmarks.md).

PDFium is not thread-safe, so it is never called from two threads at once:

* while the worker runs, it is the only thread calling PDFium: it is started before the command
  imports anything that reads a PDF, and it imports nothing itself (only ctypes calls on handles);
* the reader takes the document with :func:`take`, which stops the worker and waits for it before
  returning; from then on only the reader's thread calls PDFium;
* any other document opened in the process first waits for the worker to stop (:func:`halt`,
  called by :class:`.pdfium.Document`); so does the process's exit (``atexit``), which closes what
  nobody took.

What the reader gets is what it would have loaded itself: the same document, the same pages and
text pages (:meth:`.pdfium.Document.adopt`). When the worker fails in any way (a damaged or
encrypted file, a page that does not load) it leaves nothing past the failure, and the reader opens
or loads the rest itself and reports what it always reports. Only the command's own process
starts a worker (:func:`start`, from ``juesuan.__main__``), for the plain ``check FILE`` of one
regular PDF file, on a machine with two cores or more; a library caller never gets one. ``JUESUAN_PREFETCH=0``
turns it off.

This module and :mod:`.pdfium` import only builtin modules and ctypes, so the worker starts within
a few milliseconds of the process.
"""

from __future__ import annotations

import _thread
import os
import sys

from . import MAX_FILE_BYTES  # (a larger file is refused unread)

TYPE_CHECKING = False  # (typing.TYPE_CHECKING without importing typing)
if TYPE_CHECKING:
    from typing import Any

ENV = "JUESUAN_PREFETCH"
MAX_PAGES = 64  # pages loaded ahead at most (the reader loads the rest as it reaches them)
# seconds: how soon the interpreter lock passes to the worker when it waits for it (Python's default
# is 5 ms, longer than a page's PDFium work); set while the worker runs, restored when it ends
SWITCH_INTERVAL = 0.0002

_active: _Prefetch | None = None


class _Prefetch:
    """One worker: the file, what it has loaded (handles), and the locks it signals with."""

    def __init__(self, path: str, identity: tuple[int, ...], lib: Any, share: float = 1.0) -> None:
        self.path = path
        self.share = share  # of the pages, loaded at most (the page helper reads from the back: .backread)
        self.identity = identity
        self.lib = lib  # .pdfium.lib, loaded by the starting thread
        self.stop = False
        self.document: Any = None  # the FPDF_DOCUMENT handle once opened
        self.count = 0  # its pages
        self.pages: list[tuple[Any, Any]] = []  # (FPDF_PAGE, FPDF_TEXTPAGE) of pages 0, 1, …
        self.worker: int | None = None  # the worker thread's id
        self.opened = _thread.allocate_lock()  # released once the document is open (or failed)
        self.done = _thread.allocate_lock()  # released when the worker has returned
        self.interval = sys.getswitchinterval()

    def run(self) -> None:
        self.worker = _thread.get_ident()
        lib = self.lib
        try:
            try:
                doc = lib.FPDF_LoadDocument(os.fsencode(self.path), None)
                count = lib.FPDF_GetPageCount(doc) if doc else 0
                if count < 1:  # (the reader opens it again and says why)
                    if doc:
                        lib.FPDF_CloseDocument(doc)
                    return
                self.document, self.count = doc, count
            finally:
                self.opened.release()
            share = count * self.share
            for index in range(min(int(share) + (share > int(share)), MAX_PAGES)):  # (its ceiling)
                if self.stop:
                    break
                page = lib.FPDF_LoadPage(doc, index)
                if not page:
                    break  # the reader loads it again and reports the page as it always does
                text = lib.FPDFText_LoadPage(page)
                if not text:
                    lib.FPDF_ClosePage(page)
                    break
                self.pages.append((page, text))
        except BaseException:  # noqa: BLE001 — what is loaded so far stays usable; the reader goes on
            pass
        finally:
            sys.setswitchinterval(self.interval)
            self.done.release()

    def wait(self) -> None:
        """Stop the worker and wait until it has returned (at once when it has)."""
        self.stop = True
        self.done.acquire()
        self.done.release()

    def discard(self) -> None:
        """Close what the worker loaded (after :meth:`wait`)."""
        lib = self.lib
        for page, text in self.pages:
            lib.FPDFText_ClosePage(text)
            lib.FPDF_ClosePage(page)
        self.pages = []
        if self.document:
            lib.FPDF_CloseDocument(self.document)
        self.document = None


def _identity(path: str) -> tuple[int, ...] | None:
    """(device, inode, size, modification time) of a regular file, within the size limit, that
    starts as a PDF does; None for anything else."""
    try:
        st = os.stat(path)
        if not (0 < st.st_size <= MAX_FILE_BYTES) or (st.st_mode & 0o170000) != 0o100000:
            return None
        with open(path, "rb") as fh:
            if not fh.read(1024).lstrip().startswith(b"%PDF"):
                return None
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def eligible(name: str) -> tuple[int, ...] | None:
    """The identity of the file ``name`` when the command may work ahead on it — a regular PDF file
    within the size limit, on a machine with two cores or more, ``JUESUAN_PREFETCH`` not 0 (also the
    page helper's conditions, :mod:`.backread`); None otherwise."""
    if os.environ.get(ENV, "1") == "0" or (os.cpu_count() or 1) < 2:
        return None
    return _identity(name)


def start(name: str, share: float = 1.0) -> None:
    """Start loading the PDF file ``name`` (of the command line ``check FILE``) in a worker (see the
    module): its first pages, ``share`` of them at most."""
    global _active
    identity = None if _active is not None else eligible(name)
    if identity is None:
        return
    try:
        from .pdfium import lib  # the library loaded and initialized here, not by the worker
    except Exception:  # noqa: BLE001 — no PDFium: the reader says so when it needs it
        return
    job = _Prefetch(name, identity, lib, share)
    job.opened.acquire()
    job.done.acquire()
    import atexit

    atexit.register(close)
    sys.setswitchinterval(SWITCH_INTERVAL)
    _active = job
    try:
        _thread.start_new_thread(job.run, ())
    except RuntimeError:  # no thread to be had: the reader reads as always
        sys.setswitchinterval(job.interval)
        _active = None


def _matching(job: _Prefetch, path: Any) -> bool:
    return same_file(job.path, job.identity, path)


def same_file(name: str, identity: tuple[int, ...], path: Any) -> bool:
    """``path`` is the file ``name`` that had ``identity`` (:func:`_identity`) when it was taken up,
    not changed since (also the reader's page helper's test, :mod:`.backread`)."""
    try:
        return os.path.realpath(path) == os.path.realpath(name) and _identity(os.fspath(path)) == identity
    except (OSError, TypeError, ValueError):
        return False


def page_count(path: Any) -> int | None:
    """The page count of ``path`` when the worker is loading that file (waiting until it has opened
    it); None otherwise: the caller counts itself (:class:`.pdfium.Document` stops the worker)."""
    job = _active
    if job is None or not _matching(job, path):
        return None
    job.opened.acquire()
    job.opened.release()
    return None if job.document is None else job.count


def take(path: Any) -> Any:
    """The worker's document if it loaded ``path``: a :class:`.pdfium.Document` whose first pages
    are loaded; None when it did not or failed (what it loaded is closed). The worker has stopped
    on return either way."""
    global _active
    job = _active
    if job is None:
        return None
    _active = None
    job.wait()
    if not _matching(job, path) or job.document is None:
        job.discard()
        return None
    from .pdfium import Document

    return Document.adopt(job.path, job.document, job.pages)


def loading() -> bool:
    """True while a worker is still loading pages (the command may meanwhile load what it needs
    next: juesuan.api)."""
    job = _active
    return job is not None and job.done.locked()


def halt() -> None:
    """Wait for the worker to stop, keeping what it loaded for :func:`take`. Called before any
    other document is opened (:class:`.pdfium.Document`); nothing when no worker runs."""
    job = _active
    if job is not None and job.worker != _thread.get_ident():
        job.wait()


def close() -> None:
    """Stop the worker and close what it loaded and nobody took (at exit)."""
    global _active
    job = _active
    if job is not None:
        _active = None
        job.wait()
        job.discard()
