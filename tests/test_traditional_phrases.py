"""Characters the Traditional→Simplified conversion changes only inside a phrase (juesuan.textnorm):
覆 is Simplified on its own (全覆盖, common in Simplified disclosures) and converted only inside a
Traditional phrase (反覆 → 反复), so a text holding it but none of those phrases is not converted —
and OpenCC is not loaded for it.

Class of input: Simplified text holding a character that OpenCC's phrase dictionary converts in
some phrases. Whenever ``has_traditional`` says no, the conversion must leave the text as it is:
checked on every dictionary entry, on each entry inside Simplified context, and on our example."""

from __future__ import annotations

import random
from pathlib import Path

from conftest import cached_file_corrupt, cached_same_off_cold_warm

from juesuan import textnorm

REPO = Path(__file__).resolve().parents[1]


def _entries() -> list[str]:
    out = []
    for path in textnorm._dictionaries():
        with open(path, encoding="utf-8") as f:
            out += [line.split("\t", 1)[0] for line in f if "\t" in line]
    return out


def test_no_means_the_conversion_changes_nothing():
    entries = _entries()
    rng = random.Random(5)
    simplified_text = "全面覆盖落实基层党建责任制加强服务型组织建设反复核对"
    texts = list(entries)
    for entry in entries:
        k = rng.randrange(len(simplified_text) + 1)
        texts.append(simplified_text[:k] + entry + simplified_text[k:])  # inside Simplified context
    for c, phrases in textnorm._in_phrases().items():
        for p in phrases:
            texts += [p[:-1] + "盖", "盖" + p[1:], p.replace(c, c + " ")]  # near misses of a phrase
        texts += [c, "全" + c + "盖", c * 3]
    texts += (REPO / "examples" / "example-clean.txt").read_text(encoding="utf-8").split("\n")
    for text in texts:
        if not textnorm.has_traditional(text):
            assert textnorm._convert_t2s(text) == text, text


def test_a_character_changed_only_in_phrases_is_converted_only_in_them():
    assert "覆" in textnorm._traditional_chars() and "覆" in textnorm._in_phrases()
    assert not textnorm.has_traditional("实现党建工作全覆盖")
    assert textnorm.simplified("实现党建工作全覆盖") == "实现党建工作全覆盖"
    assert textnorm.has_traditional("反覆核对") and textnorm.simplified("反覆核对") == "反复核对"
    assert textnorm.key("反覆 核对") == "反复核对"
    assert textnorm.has_traditional("決算") and not textnorm.has_traditional("决算")


PROBE = r"""
import sys
from juesuan import textnorm
phrases = textnorm._in_phrases()
sys.stdout.write(repr(sorted(phrases.items())) + "\n")
sys.stdout.write(repr([textnorm.has_traditional(t) for t in ("全覆盖", "反覆", "與其", "")]) + "\n")
"""


def test_the_phrases_are_the_same_with_the_cache_off_cold_and_warm(tmp_path: Path) -> None:
    out = cached_same_off_cold_warm(PROBE, tmp_path, "traditional-phrases-*.pickle")
    assert "[False, True, True, False]" in out and "反覆" in out


def test_a_corrupt_cache_file_falls_back_to_building(tmp_path: Path) -> None:
    cached_file_corrupt(PROBE, tmp_path, "traditional-phrases-*.pickle")
