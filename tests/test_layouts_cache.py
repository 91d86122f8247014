"""The built layouts are kept in the user cache (juesuan.layouts.load through dataload.cached).

Class of input: the layouts and variants of any data path. The layouts a process gets must be those
built from the data files — with the cache off, cold (built, written) and warm (read) — and a data
file added or changed afterwards must be picked up; a malformed file is still refused with its
message; a corrupt cache file falls back to building."""

from __future__ import annotations

from pathlib import Path

from conftest import cached_data_file_changes, cached_file_corrupt, cached_same_off_cold_warm

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


def test_layouts_are_the_same_with_the_cache_off_cold_and_warm(tmp_path: Path) -> None:
    out = cached_same_off_cold_warm(PROBE, tmp_path, "layouts-*.pickle")
    assert len(list(tmp_path.glob("layouts-*.pickle"))) == 1
    assert "TableLayout(" in out


def test_a_data_file_added_or_changed_is_picked_up(tmp_path: Path) -> None:
    cached_data_file_changes(
        PROBE, tmp_path, "variants/testprov.yaml", VARIANT, "测试省（缓存测试）", "测试省（已修改）"
    )


def test_a_corrupt_cache_file_falls_back_to_building(tmp_path: Path) -> None:
    cached_file_corrupt(PROBE, tmp_path, "layouts-*.pickle")
