"""The ``juesuan`` command's process ends a plain check with ``os._exit`` once Python's exit work
that anyone can see is done (juesuan.__main__._exit): atexit functions run, the standard streams
are flushed whole, the exit status is the check's; Python's own exit is kept while another thread
runs (Python waits for it). Class of input: any plain ``check FILE --format json|text``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO

PDF = REPO / "tests" / "fixtures" / "roundtrip" / "example-ruled.pdf"

PROBE = r"""
import atexit, sys, threading, time
out, doc, thread = sys.argv[1], sys.argv[2], sys.argv[3] == "thread"
atexit.register(lambda: open(out + "/atexit", "w").write("ran"))
def late():
    time.sleep(0.3)
    open(out + "/thread", "w").write("done")
if thread:
    threading.Thread(target=late).start()
sys.argv = ["juesuan", "check", doc, "--format", "json"]
from juesuan.__main__ import main
main()
"""


def _probe(tmp: Path, doc: Path, thread: bool) -> subprocess.CompletedProcess:
    env = dict(os.environ, JUESUAN_CACHE_DIR=str(tmp / "cache"), JUESUAN_OCR="off")
    args = [sys.executable, "-c", PROBE, str(tmp), str(doc), "thread" if thread else "-"]
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)


def test_the_check_process_runs_atexit_flushes_its_output_and_keeps_the_status(tmp_path: Path) -> None:
    full = subprocess.run(
        [sys.executable, "-m", "juesuan.cli", "check", str(PDF), "--format", "json"],
        capture_output=True,
        text=True,
        env=dict(os.environ, JUESUAN_OCR="off"),
        timeout=300,
    )
    proc = _probe(tmp_path, PDF, thread=False)
    assert (proc.returncode, proc.stdout, proc.stderr) == (full.returncode, full.stdout, full.stderr)
    assert json.loads(proc.stdout)["document"]  # the whole report reached the pipe
    assert (tmp_path / "atexit").read_text() == "ran"
    # the caches' own atexit functions wrote their files
    assert list((tmp_path / "cache").glob("dataclass-code-*.marshal"))
    assert list((tmp_path / "cache").glob("regex-code-*.marshal"))


def test_a_running_thread_keeps_pythons_exit(tmp_path: Path) -> None:
    proc = _probe(tmp_path, PDF, thread=True)
    assert json.loads(proc.stdout)["document"]
    assert (tmp_path / "thread").read_text() == "done"  # Python waited for the thread
    assert (tmp_path / "atexit").read_text() == "ran"


def test_a_missing_file_exits_with_the_checks_status(tmp_path: Path) -> None:
    proc = _probe(tmp_path, tmp_path / "missing.pdf", thread=False)
    assert proc.returncode == 2 and json.loads(proc.stdout)["error"]["code"] == "file_not_found"
    assert (tmp_path / "atexit").read_text() == "ran"
