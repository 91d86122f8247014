"""Start-up: libraries are imported where they are used. `juesuan --help` loads no PDF, office,
solver or rich library; checking a text file loads no PDF or office library."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import EXAMPLES

PDF_LIBS = ("pdfplumber", "pdfminer", "pypdfium2", "pypdf")
OFFICE_LIBS = ("openpyxl", "docx", "python_calamine", "lxml")

PROBE = r"""
import json, sys
from juesuan.cli import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m.split(".")[0] for m in sys.modules)), file=sys.stderr)
"""


def modules_after(*args: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120)
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def test_help_imports_no_heavy_library():
    loaded = modules_after("--help")
    assert loaded.isdisjoint(PDF_LIBS + OFFICE_LIBS + ("highspy", "numpy", "rich", "yaml"))


def test_checking_a_text_file_imports_no_pdf_or_office_library():
    loaded = modules_after("check", str(EXAMPLES / "example-clean.txt"), "--format", "json")
    assert loaded.isdisjoint(PDF_LIBS + OFFICE_LIBS)
    assert "juesuan" in loaded


def test_checking_a_pdf_imports_no_pdfplumber_or_pdfminer():
    """Pages are read from PDFium and ruled grids found by juesuan's port of pdfplumber's lattice
    finder: pdfplumber (and pdfminer under it) is imported only for the differential check. PDFium
    is called through juesuan's binding of the functions the reader uses (readers/pdfium.py), not
    pypdfium2's (whose import costs more than reading most documents)."""
    from conftest import REPO

    pdf = REPO / "tests" / "fixtures" / "roundtrip" / "example-ruled.pdf"
    probe = PROBE.replace('m.split(".")[0]', "m")
    proc = subprocess.run(
        [sys.executable, "-c", probe, "check", str(pdf), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert '"findings"' in proc.stdout  # the PDF was read and checked
    loaded = {m.split(".")[0] for m in json.loads(proc.stderr.strip().splitlines()[-1])} | set(
        json.loads(proc.stderr.strip().splitlines()[-1])
    )
    assert "juesuan.readers.pdfium" in loaded
    assert loaded.isdisjoint({"pdfplumber", "pdfminer", "pypdfium2", "pypdfium2_raw"})


def test_reading_a_pdf_imports_only_its_reader():
    """A file with a known suffix is read after importing its reader module alone."""
    from conftest import REPO

    pdf = REPO / "tests" / "fixtures" / "roundtrip" / "example-ruled.pdf"
    probe = (
        "import sys, json; from juesuan.readers import read; read(sys.argv[1]); "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('juesuan.readers.'))))"
    )
    proc = subprocess.run([sys.executable, "-c", probe, str(pdf)], capture_output=True, text=True, timeout=120)
    loaded = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert "juesuan.readers.pdf" in loaded
    assert loaded.isdisjoint(
        {"juesuan.readers.xlsx", "juesuan.readers.office", "juesuan.readers.docx", "juesuan.readers.html"}
    )


COMMAND_PROBE = r"""
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))
sys.argv = ["juesuan", *sys.argv[1:]]
from juesuan.__main__ import main
main()
"""


def test_the_command_s_check_of_a_pdf_does_not_load_typing():
    """The modules a check runs import typing's names for the type checker only (≈ 2 ms of every
    process): the installed command checking a PDF, in text and as JSON, never loads typing."""
    from conftest import REPO

    pdf = REPO / "tests" / "fixtures" / "roundtrip" / "example-ruled.pdf"
    for fmt in ("text", "json"):
        proc = subprocess.run(
            [sys.executable, "-c", COMMAND_PROBE, "check", str(pdf), "--format", fmt],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode in (0, 1), proc.stderr
        assert "juesuan.recognize" in proc.stderr and "juesuan.rules.engine" in proc.stderr  # it checked
        loaded = set(json.loads(proc.stderr.strip().splitlines()[-1]))
        assert "typing" not in loaded, fmt


def test_a_raw_line_s_memo_is_no_field_without_typing():
    """RawLine's memo of its nonempty cells is a class attribute, not a dataclass field, also in a
    process that has not imported typing (dataclasses tells a ClassVar by typing's names)."""
    probe = (
        "import sys, dataclasses; from juesuan.raw import RawLine; "
        "print('typing' in sys.modules, [f.name for f in dataclasses.fields(RawLine)])"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("False ") and "_nonempty_memo" not in proc.stdout
