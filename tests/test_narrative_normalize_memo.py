"""narrative.text.normalize is memoized: a check normalizes each distinct text several times.

Class of input: any paragraph text — with whitespace dropped from the matching form, a pinyin
reading after a character, Traditional characters, plain text. Each call must give what the
first call gave, and a caller changing its index list must not change what the next caller gets."""

from __future__ import annotations

import pytest

from juesuan.narrative import text as T

TEXTS = [
    "2024年度一般公共预算财政拨款支出 9859.38 万元。",
    "預(yù)算 支出合計 12.50萬元",
    "（一）部门财务收入情况",
    "abc  def\tghi\n",
    "",
]


def _fresh(text: str) -> tuple[str, list[int]]:
    T._normalized.cache_clear()
    return T.normalize(text)


@pytest.mark.parametrize("text", TEXTS)
def test_memoized_normalize_gives_the_first_result_each_time(text: str) -> None:
    expected = _fresh(text)
    assert len(expected[0]) == len(expected[1])
    assert all(text[i] for i in expected[1])
    for _ in range(3):
        assert T.normalize(text) == expected
    assert T.norm_key(text) == expected[0]


def test_each_caller_gets_its_own_index_list() -> None:
    text = TEXTS[1]
    norm, idx = T.normalize(text)
    idx.clear()
    norm2, idx2 = T.normalize(text)
    assert norm2 == norm and idx2 and len(idx2) == len(norm2)
    assert idx2 is not T.normalize(text)[1]


def test_whitespace_and_pinyin_map_back_to_the_printed_characters() -> None:
    norm, idx = T.normalize("預(yù)算 支出")
    assert "(" not in norm and " " not in norm
    assert [("預(yù)算 支出")[i] for i in idx] == ["預", "算", "支", "出"]
