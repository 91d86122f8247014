"""The installed ``juesuan`` command runs ``check FILE [--format json|text]`` without typer and click
(juesuan/__main__.py → clirun.fast_check): it must print the same bytes on stdout and stderr and
exit with the same status as the full command line (``python -m juesuan.cli``), and leave every
other command line to the full parser."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, REPO
from test_cli_usage import BUDGET

from juesuan.clirun import _simple_check

PDF = REPO / "tests" / "fixtures" / "roundtrip" / "example-ruled.pdf"


def _run(module: str, args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, timeout=120)


def _cases(tmp: Path) -> list[list[str]]:
    budget = tmp / "budget.txt"
    budget.write_text(BUDGET, encoding="utf-8")
    empty = tmp / "empty.txt"
    empty.write_text("", encoding="utf-8")
    folder = tmp / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text((EXAMPLES / "example-clean.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "b.txt").write_text(BUDGET, encoding="utf-8")
    files = [EXAMPLES / "example-planted.txt", EXAMPLES / "example-clean.txt", budget, empty, folder, PDF]
    files.append(tmp / "missing.pdf")
    cases = []
    for f in files:
        cases += [["check", str(f)], ["check", str(f), "--format", "json"], ["check", "-f", "text", str(f)]]
    return cases


def test_the_fast_check_prints_and_exits_as_the_full_command_line(tmp_path: Path):
    for args in _cases(tmp_path):
        fast, full = _run("juesuan", args), _run("juesuan.cli", args)
        assert (fast.returncode, fast.stdout, fast.stderr) == (full.returncode, full.stdout, full.stderr), args


def test_the_fast_check_imports_neither_typer_nor_click_nor_rich(tmp_path: Path):
    probe = (
        "import sys, json\nfrom juesuan.__main__ import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n"
        "    pass\nprint(json.dumps(sorted(m.split('.')[0] for m in sys.modules)), file=sys.stderr)\n"
    )
    budget = tmp_path / "budget.txt"
    budget.write_text(BUDGET, encoding="utf-8")
    unusable = tmp_path / "notes.txt"  # refused with a message: no text report
    unusable.write_text("说明\n本文件没有表格，也没有金额。\n", encoding="utf-8")
    for args in (
        ["check", str(PDF), "--format", "json"],
        ["check", str(unusable)],
        ["check", str(budget), "-f", "json"],
    ):
        proc = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120)
        loaded = set(json.loads(proc.stderr.strip().splitlines()[-1]))
        assert loaded.isdisjoint({"typer", "click", "rich"}), args  # rich: only for the text report
    # anything else is the full command line
    proc = subprocess.run(
        [sys.executable, "-c", probe, "check", str(budget), "--variant", "national"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "typer" in json.loads(proc.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["check"],
        ["--help"],
        ["check", "--help"],
        ["check", "-h", "x.pdf"],
        ["check", "a.pdf", "b.pdf"],
        ["check", "-"],
        ["check", ""],
        ["check", "x.pdf", "--format", "JSON"],
        ["check", "x.pdf", "--format=json"],
        ["check", "x.pdf", "-fjson"],
        ["check", "x.pdf", "--timings"],
        ["check", "x.pdf", "-o", "out.txt"],
        ["check", "x.pdf", "--format", "json", "--scope", "full"],
        ["parse", "x.pdf"],
        ["check", "x\x1b[31m.pdf"],
    ],
)
def test_other_command_lines_go_to_the_full_parser(args: list[str]):
    assert _simple_check(args) is None


def test_the_plain_forms_are_recognized():
    assert _simple_check(["check", "x.pdf"]) == ("x.pdf", False)
    assert _simple_check(["check", "x.pdf", "--format", "json"]) == ("x.pdf", True)
    assert _simple_check(["check", "-f", "json", "x.pdf"]) == ("x.pdf", True)
    assert _simple_check(["check", "x.pdf", "-f", "text"]) == ("x.pdf", False)


def test_output_to_a_named_pipe_is_written_through_not_replaced(tmp_path: Path) -> None:
    """``-o /dev/null`` or ``-o`` a named pipe: the report goes into it; the device or pipe is not
    replaced by a regular file (renaming a temporary file over it would, when run as root)."""
    import os
    import stat
    import threading

    from juesuan.clirun import write_output

    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_output(fifo, "审核报告\n")
    reader.join(timeout=30)
    assert got == ["审核报告\n".encode("utf-8")]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
