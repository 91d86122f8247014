"""``juesuan serve`` run in the background on a free local port, for programs that drive the web app
from outside: the browser tests, the screenshot script and the load test.

    with served(db, data_dir) as base:   # "http://127.0.0.1:<port>", answering once yielded
        urllib.request.urlopen(base + "/api/me")
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

# Debian's chromium run headless by Playwright (tests/test_web_browser.py, scripts/screenshots.py)
HEADLESS_CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(db: Path, data_dir: Path | str, *, wait_s: float = 120.0) -> Iterator[str]:
    """Start the app on ``db`` (uploads under ``data_dir``), wait until it answers, yield its base
    URL, stop it afterwards. A server that exits before answering raises RuntimeError with its
    error output."""
    port = free_port()
    cmd = [sys.executable, "-m", "juesuan", "serve", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--db", str(db), "--data", str(data_dir)]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    log = tempfile.TemporaryFile()  # the server's error output (a pipe nobody reads could fill up)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                urllib.request.urlopen(base + "/api/me", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(log.read().decode(errors="replace") or "server exited") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the web app did not answer within {wait_s:g} s: {base}") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
