"""Page helper: a second process, started with the ``juesuan check`` command, reads the PDF's pages
from the last one back while the command imports the pipeline and then reads from the first one on.

Reading a page — its characters and rulings into lines and cells (:func:`.pdf.read_loaded`) — is
Python work, 1–3 ms a page, and one process does it on one core; a check of one PDF has the
machine's second core idle for most of its run (the start-up worker, :mod:`.prefetch`, uses it
only while PDFium loads pages). So the command, first thing in its process (before any thread is
started, while the process is a few megabytes: the fork copies next to nothing), forks a helper
that imports the reader, opens the same file in PDFium on its own, reads its pages from the last
to the first, and writes each one down a pipe as it is read. The reader goes from the first page
on; before each page it takes what has arrived, and a page the helper has read is not read again.
The two meet somewhere in the middle; the helper is then stopped (docs/benchmarks.md: the time a
24-page document takes, and the work the helper adds — its imports and the pages' transfer).

What the reader gets is what it would have read: the same function on the same page of the same
file with the same settings (the helper's, from the environment as the command's, are compared with
the reading's; a file changed since the command started is not taken). A page the helper could not
read (a scan to recognize, an error) it leaves to the reader, which reads it and reports what it
always reports. When the helper fails in any way or is slow, the reader reads every page itself;
nothing waits for it.

Only the command's own process starts a helper (:func:`start`, from ``juesuan.__main__``), for the
plain ``check FILE`` of one regular PDF file, on Linux, with two cores or more — the start-up
worker's conditions; a library caller or a batch never gets one. ``JUESUAN_BACKREAD=0`` turns it
off.

This module imports only builtin modules, so the helper is forked within a few milliseconds.
"""

from __future__ import annotations

import os
import sys
import time

TYPE_CHECKING = False  # (typing.TYPE_CHECKING without importing typing)
if TYPE_CHECKING:
    from typing import Any

ENV = "JUESUAN_BACKREAD"
PIPE_BYTES = 1 << 20  # the pipe's buffer (Linux): the helper seldom waits for the reader to drain it
_HEAD = 8  # a frame's header: page number and length, 4 bytes each (little-endian)

SHARE = 0.5  # of the pages, the start-up worker loads at most while a helper runs (.prefetch)

_active: Pages | None = None  # the helper started, until a reader takes it
_started: list[Pages] = []  # every helper of the process, reaped at exit if not before


def start(name: str) -> bool:
    """Fork the helper for the PDF file ``name`` (of the command line ``check FILE``; see the
    module), before any thread is started. True when one was started."""
    global _active
    if _active is not None or os.environ.get(ENV, "1") == "0" or not sys.platform.startswith("linux"):
        return False
    from . import prefetch

    identity = prefetch.eligible(name) if hasattr(os, "fork") else None
    if identity is None:
        return False
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return False
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return False
    if pid == 0:  # the helper: reads, writes, and ends without returning to the command
        try:
            os.close(read_end)
            # the command's standard streams are not the helper's: a pipe the command writes to
            # ends when the command does, not when the helper does
            null = os.open(os.devnull, os.O_RDWR)
            for std in (0, 1, 2):
                os.dup2(null, std)
            _serve(name, identity, write_end)
        finally:
            os._exit(0)
    os.close(write_end)
    os.set_blocking(read_end, False)
    _active = Pages(pid, read_end, name, identity)
    _started.append(_active)
    import atexit

    atexit.register(close)
    return True


class Pages:
    """The helper as the reader sees it: its pipe, and the pages it has sent."""

    def __init__(self, pid: int, fd: int, path: str, identity: tuple[int, ...]) -> None:
        self.pid = pid
        self.fd = fd
        self.path = path
        self.identity = identity
        self.count = 0  # the document's pages, once a reader took the helper
        self.agreed = False  # the helper's settings and page count are the reading's (checked once)
        self.buffer = bytearray()
        # page number → the pickled page (empty: left to the reader); 0: the helper's settings and count
        self.frames: dict[int, bytes] = {}
        self.arrivals: list[float] = []  # when the frames arrived (time.monotonic)
        self.ended = False

    def page(self, number: int) -> Any:
        """Page ``number`` as the helper read it, or None: not read yet, or left to the reader."""
        if self.fd < 0:
            return None
        self._poll()
        self._wait(number)
        body = self.frames.pop(number, None)  # (kept no longer than needed)
        if not body:
            return None
        import _pickle

        if not self.agreed:  # the first page taken: was it read as the reader reads?
            from .settings import current

            try:
                self.agreed = _pickle.loads(self.frames[0]) == (current(), self.count)
            except Exception:  # noqa: BLE001
                pass
            if not self.agreed:
                self.close()
                return None
        return _pickle.loads(body)

    def _poll(self) -> None:
        """Take in whatever the helper has written, without waiting."""
        while not self.ended:
            try:
                chunk = os.read(self.fd, PIPE_BYTES)
            except BlockingIOError:
                break
            except OSError:
                chunk = b""
            if not chunk:
                self.ended = True
                break
            self.buffer += chunk
        buf, at = self.buffer, 0
        while len(buf) - at >= _HEAD:
            number = int.from_bytes(buf[at : at + 4], "little")
            size = int.from_bytes(buf[at + 4 : at + 8], "little")
            if len(buf) - at - _HEAD < size:
                break
            self.frames[number] = bytes(buf[at + _HEAD : at + _HEAD + size])
            if number:
                self.arrivals.append(time.monotonic())
            at += _HEAD + size
        del buf[:at]

    def _wait(self, number: int) -> None:
        """Wait a little for page ``number`` when the helper is reading it now (it has sent the page
        after it): about as long as a page takes the helper, less than reading it again."""
        arrivals = self.arrivals
        if self.ended or number in self.frames or number + 1 not in self.frames or len(arrivals) < 2:
            return
        pace = (arrivals[-1] - arrivals[0]) / (len(arrivals) - 1)
        left = arrivals[-1] + 1.5 * pace - time.monotonic()
        if left > 0:
            import select

            select.select([self.fd], [], [], left)
            self._poll()

    def close(self) -> None:
        """End the helper (it may be reading a page nobody needs now), without waiting for it: it is
        reaped here if it has ended, else at the command's exit (:func:`close`), else by the
        system."""
        if self.fd >= 0:
            import _signal  # (signal's constants without its enums)

            for step in (lambda: os.close(self.fd), lambda: os.kill(self.pid, _signal.SIGKILL)):
                try:
                    step()
                except OSError:
                    pass
            self.fd = -1
        self.reap()

    def reap(self) -> None:
        if self.pid:
            try:
                if os.waitpid(self.pid, os.WNOHANG)[0]:
                    self.pid = 0
            except OSError:
                self.pid = 0


def take(path: Any, count: int) -> Pages | None:
    """The helper's pages when it reads ``path`` (of ``count`` pages); None otherwise (a helper for
    another file, or for a file changed since, is stopped). Its settings and page count are compared
    with the reading's when its first page is taken."""
    global _active
    helper = _active
    if helper is None:
        return None
    _active = None
    from . import prefetch

    if not prefetch.same_file(helper.path, helper.identity, path):
        helper.close()
        return None
    helper.count = count
    return helper


def reading() -> bool:
    """True while a helper started for the command's file reads pages (not taken yet, not ended)."""
    helper = _active
    if helper is None:
        return False
    helper._poll()
    return not helper.ended


def close() -> None:
    """Stop a helper nobody took, and reap the helpers that have ended (at exit)."""
    global _active
    helper = _active
    if helper is not None:
        _active = None
        helper.close()
    for helper in _started:
        helper.reap()


def _serve(path: str, identity: tuple[int, ...], fd: int) -> None:
    """The helper's work: its settings and the page count, then each page from the last one back,
    in a document of its own."""
    import _signal

    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)  # Ctrl-C is the command's: it stops the helper
    try:
        import fcntl

        fcntl.fcntl(fd, 1031, PIPE_BYTES)  # F_SETPIPE_SZ
    except (ImportError, OSError):
        pass
    import _pickle

    from .. import _dccache, _recache

    _dccache.install()  # as the command does (juesuan.__main__): the same modules, imported faster
    _recache.install()
    from . import pdfium, prefetch
    from .pdf import read_loaded
    from .settings import from_env, using

    settings = from_env()
    document = pdfium.Document(path)
    count = len(document)
    if prefetch._identity(path) != identity:
        return  # not the file the command was given (changed since): nothing is sent
    _send(fd, 0, _pickle.dumps((settings, count), -1))
    with using(settings):
        for number in range(count, 0, -1):
            body = b""
            page = None
            try:
                page = document[number - 1]
                read = read_loaded(page, number)
                if not read.scanned:  # a scan is recognized by the reader (OCR), not here
                    body = _pickle.dumps(read, -1)
            except Exception:  # noqa: BLE001 — left to the reader, which reports what went wrong
                pass
            finally:
                if page is not None:
                    page.close()
            _send(fd, number, body)


def _send(fd: int, number: int, body: bytes) -> None:
    view = memoryview(number.to_bytes(4, "little") + len(body).to_bytes(4, "little") + body)
    while view:
        view = view[os.write(fd, view) :]
