"""Start-up: in the ``juesuan`` command's process :mod:`inspect` loads at its first use
(juesuan._dccache._lazy_inspect); dataclasses imports it only for the ``__doc__`` of a class without
a docstring, and juesuan's classes on the check path have theirs.

Class of input: any plain check of a PDF. The check must not load ``inspect`` (nor ``ast``,
``dis``, ``tokenize``); once something uses it, it is the module Python loads, whole; a class
without a docstring gets the ``__doc__`` Python gives it; a library import is left alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO

PDF = REPO / "tests" / "fixtures" / "roundtrip" / "example-ruled.pdf"

PROBE = r"""
import atexit, json, sys
def report():
    before = sorted(m for m in ("ast", "dis", "tokenize") if m in sys.modules)
    lazy = type(sys.modules["inspect"]).__name__
    import dataclasses, inspect
    @dataclasses.dataclass
    class Point:
        x: int
        y: "str | None" = None
    out = {"before": before, "lazy": lazy, "doc": Point.__doc__, "after": type(inspect).__name__,
           "same": inspect is sys.modules["inspect"] and "signature" in vars(inspect),
           "sig": str(inspect.signature(Point)), "loaded": "ast" in sys.modules}
    print(json.dumps(out), file=sys.stderr)
atexit.register(report)
sys.argv = ["juesuan", "check", sys.argv[1], "--format", "json"]
from juesuan.__main__ import main
main()
"""

REFERENCE = r"""
import dataclasses, json
@dataclasses.dataclass
class Point:
    x: int
    y: "str | None" = None
print(json.dumps(Point.__doc__))
"""


def test_a_pdf_check_does_not_load_inspect_and_it_loads_whole_when_used(tmp_path: Path) -> None:
    env = dict(os.environ, JUESUAN_CACHE_DIR=str(tmp_path), JUESUAN_OCR="off")
    proc = subprocess.run([sys.executable, "-c", PROBE, str(PDF)], capture_output=True, text=True, env=env, timeout=300)
    assert json.loads(proc.stdout)["document"]
    out = json.loads(proc.stderr.strip().splitlines()[-1])
    assert out["before"] == [] and out["lazy"] == "_LazyModule"
    assert out["after"] == "module" and out["same"] and out["loaded"]
    ref = subprocess.run([sys.executable, "-c", REFERENCE], capture_output=True, text=True, timeout=60)
    assert out["doc"] == json.loads(ref.stdout) == "Point(x: int, y: 'str | None' = None)"
    assert out["sig"] == "(x: int, y: 'str | None' = None) -> None"


def test_importing_juesuan_as_a_library_loads_inspect_as_python_does() -> None:
    probe = "import sys, juesuan.api, juesuan.model; print(type(sys.modules['inspect']).__name__, 'ast' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["module", "True"]


IPADDRESS_PROBE = r"""
import atexit, json, sys
def report():
    lazy = type(sys.modules["ipaddress"]).__name__
    import urllib.parse
    host = urllib.parse.urlsplit("http://[::1]:8080/x").hostname
    try:
        urllib.parse.urlsplit("http://[not-an-address]/")
        bad = None
    except ValueError as exc:
        bad = str(exc)
    import ipaddress
    out = {"lazy": lazy, "host": host, "bad": bad, "after": type(ipaddress).__name__,
           "v4": str(ipaddress.ip_address("10.0.0.1"))}
    print(json.dumps(out), file=sys.stderr)
atexit.register(report)
sys.argv = ["juesuan", "check", sys.argv[1], "--format", "json"]
from juesuan.__main__ import main
main()
"""


def test_a_pdf_check_does_not_load_ipaddress_and_urls_still_split_as_python_does(tmp_path: Path) -> None:
    """pathlib imports urllib.parse, which imports ipaddress only to check a bracketed host."""
    env = dict(os.environ, JUESUAN_CACHE_DIR=str(tmp_path), JUESUAN_OCR="off")
    proc = subprocess.run(
        [sys.executable, "-c", IPADDRESS_PROBE, str(PDF)], capture_output=True, text=True, env=env, timeout=300
    )
    assert json.loads(proc.stdout)["document"]
    out = json.loads(proc.stderr.strip().splitlines()[-1])
    assert out["lazy"] == "_LazyModule"
    assert out["host"] == "::1" and out["after"] == "module" and out["v4"] == "10.0.0.1"
    assert out["bad"] == "'not-an-address' does not appear to be an IPv4 or IPv6 address"
