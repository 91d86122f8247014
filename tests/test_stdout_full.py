"""Standard output that refuses the report (a full disk: ``> /dev/full``; a reader that left:
``… | head``): a clear Chinese message naming standard output and exit status 2, never a
traceback and never a message blaming the input file; a reader that left ends the output quietly.
Both the installed command's fast path (``juesuan check``) and the full command line are covered."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES

FULL = Path("/dev/full")
needs_full = pytest.mark.skipif(
    not FULL.exists(), reason="/dev/full (a device whose writes fail with ENOSPC) is absent"
)

CLEAN = str(EXAMPLES / "example-clean.txt")
PLANTED = str(EXAMPLES / "example-planted.txt")


def _run(args: list[str], stdout: object, module: str = "juesuan") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", module, *args], stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120
    )


@needs_full
@pytest.mark.parametrize(
    "args",
    [
        ["check", CLEAN],
        ["check", CLEAN, "--format", "json"],
        ["check", PLANTED, "--format", "json", "--timings"],  # the full command line
        ["parse", CLEAN, "--format", "cells"],
        ["parse", CLEAN],
        ["--help"],
        ["check", "--help"],
    ],
)
def test_full_disk_is_a_clear_error(args: list[str]) -> None:
    with FULL.open("w") as full:
        proc = _run(args, full)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "无法把结果写到标准输出（磁盘空间不足）" in proc.stderr
    assert "无法处理该文件" not in proc.stderr  # the input is fine


def test_reader_that_left_ends_quietly() -> None:
    """``juesuan parse FILE --format cells | head -c 10``: more output than a pipe holds, the reader
    gone after 10 bytes; the command ends without a message (the check's own status)."""
    read, write = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-m", "juesuan", "parse", PLANTED, "--format", "cells"],
        stdout=write,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(write)
    with os.fdopen(read, "rb") as reader:
        assert len(reader.read(10)) == 10
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert err == ""
