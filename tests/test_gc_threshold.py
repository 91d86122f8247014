"""The ``juesuan`` command's process collects young objects less often once start-up is frozen
(juesuan.clirun.settle: ``GC_YOUNG`` allocations between young collections, the older generations'
thresholds as Python has them); a library use keeps the interpreter's settings.

Class of input: any check run by the command (fast path or full command line) or in process."""

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
default = gc.get_threshold()
atexit.register(lambda: sys.stderr.write("\nGC " + json.dumps([default, gc.get_threshold()]) + "\n"))
sys.argv = ["juesuan", *sys.argv[1:]]
from juesuan.__main__ import main
main()
"""


def _thresholds(*args: str) -> tuple[list, list]:
    env = dict(os.environ, JUESUAN_OCR="off")
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=300)
    assert json.loads(proc.stdout)["document"]
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("GC ")][-1]
    default, after = json.loads(line[3:])
    return default, after


def test_the_command_collects_young_objects_less_often() -> None:
    from juesuan.clirun import GC_YOUNG

    for extra in ([], ["--timings"]):  # the fast path, typer's path
        default, after = _thresholds("check", str(DOC), "--format", "json", *extra)
        assert after == [GC_YOUNG, *default[1:]] and GC_YOUNG > default[0]


def test_in_process_use_keeps_the_interpreters_thresholds() -> None:
    from juesuan.cli import app

    before = gc.get_threshold()
    result = CliRunner().invoke(app, ["check", str(DOC), "--format", "json"])
    assert result.exit_code in (0, 1, 3), result.output
    assert gc.get_threshold() == before
