"""The Traditional-character set is kept in the user cache as one string (juesuan.textnorm).

Class of input: any text tested for Traditional characters. The set a process gets must be the one
built from OpenCC's dictionaries — with the cache off, cold (built, written) and warm (read) — and a
corrupt cache file falls back to building."""

from __future__ import annotations

from pathlib import Path

from conftest import cached_file_corrupt, cached_same_off_cold_warm

PROBE = r"""
import sys
from juesuan import textnorm
chars = textnorm._traditional_chars()
assert isinstance(chars, frozenset)
sys.stdout.write("".join(sorted(chars)) + "\n")
sys.stdout.write(repr([textnorm.has_traditional(t) for t in ("與其", "与其", "abc", "")]) + "\n")
"""


def test_the_set_is_the_same_with_the_cache_off_cold_and_warm(tmp_path: Path) -> None:
    out = cached_same_off_cold_warm(PROBE, tmp_path, "traditional-chars-*.pickle")
    assert len(list(tmp_path.glob("traditional-chars-*.pickle"))) == 1
    assert "[True, False, False, False]" in out and len(out) > 3000


def test_a_corrupt_cache_file_falls_back_to_building(tmp_path: Path) -> None:
    cached_file_corrupt(PROBE, tmp_path, "traditional-chars-*.pickle")
