"""The built layouts are kept in the user cache (juesuan.layouts.load through dataload.cached).

Class of input: the layouts and variants of any data path. The layouts a process gets must be those
built from the data files — with the cache off, cold (built, written) and warm (read) — and a data
file added or changed afterwards must be picked up; a malformed file is still refused with its
message; a corrupt cache file falls back to building."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = "import pickle, sys; from juesuan import layouts; sys.stdout.write(repr(layouts.load()))"

VARIANT = """id: testprov
name: 测试省（缓存测试）
kind: 决算
tables:
  - table: income_expenditure_total
    form: "01"
rule_packs: [base]
detect:
  score: 1
  text_any: [缓存测试专用的标题]
"""


def _run(cache: str, data_path: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, JUESUAN_CACHE_DIR=cache)
    env.pop("JUESUAN_DATA_PATH", None)
    if data_path:
        env["JUESUAN_DATA_PATH"] = data_path
    return subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120)


def test_layouts_are_the_same_with_the_cache_off_cold_and_warm(tmp_path: Path) -> None:
    off = _run("off")
    cold = _run(str(tmp_path))
    assert len(list(tmp_path.glob("layouts-*.pickle"))) == 1
    warm = _run(str(tmp_path))
    assert off.returncode == cold.returncode == warm.returncode == 0, off.stderr + cold.stderr + warm.stderr
    assert off.stdout == cold.stdout == warm.stdout and "TableLayout(" in off.stdout


def test_a_data_file_added_or_changed_is_picked_up(tmp_path: Path) -> None:
    cache, extra = tmp_path / "cache", tmp_path / "data"
    (extra / "variants").mkdir(parents=True)
    assert "testprov" not in _run(str(cache), str(extra)).stdout
    variant = extra / "variants" / "testprov.yaml"
    variant.write_text(VARIANT, encoding="utf-8")
    out = _run(str(cache), str(extra))
    assert out.returncode == 0, out.stderr
    assert "测试省（缓存测试）" in out.stdout and out.stdout == _run("off", str(extra)).stdout
    variant.write_text(VARIANT.replace("测试省（缓存测试）", "测试省（已修改）"), encoding="utf-8")
    changed = _run(str(cache), str(extra))
    assert "测试省（已修改）" in changed.stdout and "测试省（缓存测试）" not in changed.stdout
    variant.write_text(VARIANT + "unknown_key: 1\n", encoding="utf-8")  # malformed: refused as before
    bad = _run(str(cache), str(extra))
    assert bad.returncode != 0 and "unknown_key" in bad.stderr


def test_a_corrupt_cache_file_falls_back_to_building(tmp_path: Path) -> None:
    good = _run(str(tmp_path)).stdout
    (cached,) = tmp_path.glob("layouts-*.pickle")
    cached.write_bytes(b"not a pickle")
    again = _run(str(tmp_path))
    assert again.returncode == 0 and again.stdout == good
