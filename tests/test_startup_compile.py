"""Start-up: a check compiles no Python text, and imports neither rich nor json for its text report,
nor the pickle module to read its caches.

A process's first ``compile()`` sets up the compiler (≈ 9.5 M instructions, more than a small
file's recognition); the command's process compiles nothing once its caches are warm: no string
forward reference evaluated at import (``Callable[["Evaluator"], …]`` makes a typing.ForwardRef,
which compiles its text), the dataclass methods from juesuan._dccache. The text report counts
terminal cells without rich for the characters it prints (juesuan.clitext.cells); the data caches
are read with the C unpickler alone (juesuan.dataload).

Class of input: a PDF and a text disclosure of our generated example, text and JSON reports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import EXAMPLES, REPO

PROBE = r"""
import builtins, sys
calls = []
_compile = builtins.compile
def compile(source, filename, *args, **kwargs):
    calls.append(str(filename))
    return _compile(source, filename, *args, **kwargs)
builtins.compile = compile
from juesuan.__main__ import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stdout.flush()
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("rich", "pickle", "json"))
import json
print(json.dumps({"compiled": calls, "loaded": loaded}), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "path, fmt",
    [
        (REPO / "tests" / "fixtures" / "roundtrip" / "example-ruled.pdf", "text"),
        (REPO / "tests" / "fixtures" / "roundtrip" / "example-ruled.pdf", "json"),
        (EXAMPLES / "example-clean.txt", "text"),  # (a failing relation loads HiGHS, whose
        # highspy module evaluates string forward references of its own)
    ],
)
def test_a_warm_check_compiles_no_text_and_loads_no_rich(tmp_path, path, fmt):
    env = dict(os.environ, JUESUAN_CACHE_DIR=str(tmp_path / "cache"), JUESUAN_OCR="off")
    env.pop("COLUMNS", None)
    args = [sys.executable, "-c", PROBE, "check", str(path), "--format", fmt]
    for _ in range(2):  # the first run fills the caches
        proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()  # a report was written
    seen = json.loads(proc.stderr.strip().splitlines()[-1])
    # module files are compiled when their bytecode cannot be cached (PYTHONDONTWRITEBYTECODE);
    # any other text compiled is start-up work the caches should have spared
    assert [c for c in seen["compiled"] if not c.endswith(".py")] == []
    # nor rich, nor the pickle module (the caches are read by _pickle), nor json for a text report
    assert seen["loaded"] == ([] if fmt == "text" else ["json", "json.decoder", "json.encoder", "json.scanner"])
