"""Start-up: in the ``juesuan`` command's process on POSIX, the Windows-only modules ntpath tries
(``nt``, ``_winapi``) are recorded as absent before pathlib imports ntpath
(juesuan._dccache._windows_only_absent), instead of being searched for on every path entry.

Class of input: any command run on POSIX. Importing them must fail as before (ModuleNotFoundError,
an ImportError), ``importlib.util.find_spec`` must give None, pathlib and ntpath must work as
before; a library import of juesuan leaves ``sys.modules`` alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import EXAMPLES

PROBE = r"""
import atexit, json, sys
def report():
    import importlib.util, ntpath, pathlib
    out = {"recorded": {n: n in sys.modules and sys.modules[n] is None for n in ("nt", "_winapi")}}
    try:
        import nt  # noqa: F401
        out["import"] = "loaded"
    except ImportError as exc:
        out["import"] = type(exc).__name__
    out["spec"] = importlib.util.find_spec("nt") is None
    out["ntpath"] = ntpath.join("a", "b") == "a\\b" and str(pathlib.PureWindowsPath("c:/x/y")) == "c:\\x\\y"
    print(json.dumps(out), file=sys.stderr)
atexit.register(report)
sys.argv = ["juesuan", "check", sys.argv[1], "--format", "json"]
from juesuan.__main__ import main
main()
"""


@pytest.mark.skipif(os.name != "posix", reason="the Windows-only modules are recorded as absent on POSIX only")
def test_the_command_records_windows_only_modules_as_absent(tmp_path):
    env = dict(os.environ, JUESUAN_CACHE_DIR=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(EXAMPLES / "example-clean.txt")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert '"findings"' in proc.stdout  # the check ran
    out = json.loads(proc.stderr.strip().splitlines()[-1])
    assert out == {
        "recorded": {"nt": True, "_winapi": True},
        "import": "ModuleNotFoundError",
        "spec": True,
        "ntpath": True,
    }


def test_a_library_import_leaves_sys_modules_alone():
    probe = "import sys; from juesuan import api, clirun; print('nt' in sys.modules, '_winapi' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert proc.stdout.split() == ["False", "False"]
