"""Start-up: the command's process freezes what start-up made (juesuan.clirun.settle), nothing else.

Class of input: any run of the ``juesuan`` command and any in-process use of juesuan. The command's
own process moves the objects loaded before a check out of the collector's generations
(``gc.freeze``) and leaves the collector enabled, on the fast path and through the full command line;
a library use (the API, the command line run in-process as the tests do) changes nothing; another
command leaves the collector enabled."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

DOC = Path(__file__).resolve().parents[1] / "examples" / "example-clean.txt"

PROBE = r"""
import atexit, gc, json, sys
def report():
    sys.stderr.write("\nGC " + json.dumps([gc.get_freeze_count(), gc.isenabled()]) + "\n")
atexit.register(report)
sys.argv = ["juesuan", *sys.argv[1:]]
from juesuan.__main__ import main
main()
"""


def _gc_state(*args: str) -> tuple[list, subprocess.CompletedProcess]:
    env = dict(os.environ, JUESUAN_OCR="off")
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=300)
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("GC ")][-1]
    return json.loads(line[3:]), proc


def test_the_command_freezes_start_up_and_keeps_collecting() -> None:
    (frozen, enabled), proc = _gc_state("check", str(DOC), "--format", "json")  # the fast path
    assert json.loads(proc.stdout)["document"] and frozen > 1000 and enabled is True
    (frozen, enabled), proc = _gc_state("check", str(DOC), "--format", "json", "--timings")  # typer's path
    assert json.loads(proc.stdout)["document"] and frozen > 1000 and enabled is True


def test_another_command_leaves_the_collector_enabled() -> None:
    (frozen, enabled), proc = _gc_state("--help")
    assert proc.returncode == 0 and enabled is True and frozen == 0


def test_in_process_use_changes_nothing() -> None:
    from juesuan.cli import app

    before = gc.get_freeze_count()
    result = CliRunner().invoke(app, ["check", str(DOC), "--format", "json"])
    assert result.exit_code in (0, 1, 3), result.output
    assert gc.get_freeze_count() == before and gc.isenabled()
