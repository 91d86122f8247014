"""The narrative lexicon is kept in the user cache (juesuan.narrative.settings.lexicon through
dataload.cached).

Class of input: the lexicon and narrative files of any data path and any catalog year. The lexicon a
process gets must be the one built from the data files — with the cache off, cold (built, written)
and warm (read) — and a lexicon file added or changed afterwards must be picked up; a malformed file
is still refused with its message; a corrupt cache file falls back to building."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = r"""
import sys
from juesuan.narrative.settings import lexicon
for year in (None, 2019, 2024):
    lx = lexicon(year)
    # (the order of equal wordings of two concepts in lx.synonyms follows a set's: not compared)
    parts = (lx.concepts, sorted(lx.synonyms), lx.synonym_map, lx.class_refs, lx.item_refs, lx.year, lx.item_match)
    sys.stdout.write(repr(parts) + "\n" + lx.synonym_re.pattern + "\n")
    sys.stdout.write(repr([(c.id, [p.pattern for p in c.patterns]) for c in lx.concepts.values()]) + "\n")
"""

CONCEPT = """concepts:
  cache_test_concept:
    label: 缓存测试专用概念
    kind: money
    synonyms: [缓存测试专用说法]
    refs:
      final: [income.total.total]
"""


def _run(cache: str, data_path: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, JUESUAN_CACHE_DIR=cache)
    env.pop("JUESUAN_DATA_PATH", None)
    if data_path:
        env["JUESUAN_DATA_PATH"] = data_path
    return subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120)


def test_the_lexicon_is_the_same_with_the_cache_off_cold_and_warm(tmp_path: Path) -> None:
    off = _run("off")
    cold = _run(str(tmp_path))
    assert len(list(tmp_path.glob("lexicon-*.pickle"))) >= 2  # one per catalog year asked for
    warm = _run(str(tmp_path))
    assert off.returncode == cold.returncode == warm.returncode == 0, off.stderr + cold.stderr + warm.stderr
    assert off.stdout == cold.stdout == warm.stdout and "Concept(" in off.stdout


def test_a_lexicon_file_added_or_changed_is_picked_up(tmp_path: Path) -> None:
    cache, extra = tmp_path / "cache", tmp_path / "data"
    (extra / "lexicon").mkdir(parents=True)
    assert "缓存测试专用说法" not in _run(str(cache), str(extra)).stdout
    added = extra / "lexicon" / "extra.yaml"
    added.write_text(CONCEPT, encoding="utf-8")
    out = _run(str(cache), str(extra))
    assert out.returncode == 0, out.stderr
    assert "缓存测试专用说法" in out.stdout and out.stdout == _run("off", str(extra)).stdout
    added.write_text(CONCEPT.replace("缓存测试专用说法", "已修改的专用说法"), encoding="utf-8")
    changed = _run(str(cache), str(extra))
    assert "已修改的专用说法" in changed.stdout and "缓存测试专用说法" not in changed.stdout
    added.write_text(CONCEPT + "unknown_key: 1\n", encoding="utf-8")  # malformed: refused as before
    bad = _run(str(cache), str(extra))
    assert bad.returncode != 0 and "unknown_key" in bad.stderr


def test_a_corrupt_cache_file_falls_back_to_building(tmp_path: Path) -> None:
    good = _run(str(tmp_path)).stdout
    for cached in tmp_path.glob("lexicon-*.pickle"):
        cached.write_bytes(b"not a pickle")
    again = _run(str(tmp_path))
    assert again.returncode == 0 and again.stdout == good
