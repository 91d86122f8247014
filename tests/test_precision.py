"""Precision: every error-level finding juesuan raises on the real documents in ../shared and on the
bundled examples has been verified (on the rendered page or the text; docs/accuracy.md lists them)
and is pinned here by file, rule and place. A new error-level finding, or a pinned one gone, fails
this test until it is verified and the snapshot renewed with
``.venv/bin/python bench/precision.py --snapshot tests/snapshots/precision.json``.

The snapshot holds no document text: file names, rule ids and page/line numbers only."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT = REPO / "tests" / "snapshots" / "precision.json"


def _bench():
    spec = importlib.util.spec_from_file_location("precision_bench", REPO / "bench" / "precision.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_error_findings_are_the_verified_ones():
    bench = _bench()
    files = bench.inputs([])
    shared = [f for f in files if bench.SHARED in f.parents]
    if not shared:
        pytest.skip(f"the real documents of {bench.SHARED} are not available (../shared is absent in a fresh clone)")
    pinned = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    got = bench.fingerprints(bench.run(files))
    for name, findings in got.items():
        assert name in pinned, f"{name}: not in the precision snapshot; verify its findings and renew the snapshot"
        assert findings == pinned[name], f"{name}: error-level findings differ from the verified ones"


def test_examples_are_pinned_without_shared():
    """The bundled examples are in the snapshot too, so the pin holds in a fresh clone."""
    pinned = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    bench = _bench()
    mine = [f for f in bench.inputs([]) if bench.SHARED not in f.parents]
    got = bench.fingerprints(bench.run(mine))
    assert got and all(got[name] == pinned[name] for name in got)
    assert got["example-clean.txt"] == []  # the clean example raises no error
    assert got["example-planted.txt"]  # the planted one does
