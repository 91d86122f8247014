"""The narrative lexicon is kept in the user cache (juesuan.narrative.settings.lexicon through
dataload.cached).

Class of input: the lexicon and narrative files of any data path and any catalog year. The lexicon a
process gets must be the one built from the data files — with the cache off, cold (built, written)
and warm (read) — and a lexicon file added or changed afterwards must be picked up; a malformed file
is still refused with its message; a corrupt cache file falls back to building."""

from __future__ import annotations

from pathlib import Path

from conftest import cached_data_file_changes, cached_file_corrupt, cached_same_off_cold_warm

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


def test_the_lexicon_is_the_same_with_the_cache_off_cold_and_warm(tmp_path: Path) -> None:
    out = cached_same_off_cold_warm(PROBE, tmp_path, "lexicon-*.pickle")
    assert len(list(tmp_path.glob("lexicon-*.pickle"))) >= 2  # one per catalog year asked for
    assert "Concept(" in out


def test_a_lexicon_file_added_or_changed_is_picked_up(tmp_path: Path) -> None:
    cached_data_file_changes(PROBE, tmp_path, "lexicon/extra.yaml", CONCEPT, "缓存测试专用说法", "已修改的专用说法")


def test_a_corrupt_cache_file_falls_back_to_building(tmp_path: Path) -> None:
    cached_file_corrupt(PROBE, tmp_path, "lexicon-*.pickle")
