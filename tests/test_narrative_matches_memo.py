"""An extraction remembers the lexicon wordings it found in a text (the same windows are searched
for several figures): each search of a text gives what the first gave, in a list of its own.

Class of input: narrative sentences naming budget concepts (收入, 支出, 财政拨款, 三公经费 …), with a
cited table name, and text naming none."""

from __future__ import annotations

from juesuan.narrative.claims import Extractor
from juesuan.narrative.settings import lexicon, settings

TEXTS = [
    "2024年度收入总计1000.00万元,支出总计980.00万元。",
    "一般公共预算财政拨款支出900.00万元,比上年增加10.00万元。",
    "《财政拨款收入支出决算总表》增加了315万元",
    '"三公"经费支出5.00万元',
    "本部门没有数字",
]


def test_each_search_gives_the_first_result_in_its_own_list() -> None:
    ex = Extractor(lexicon(2024), settings(), 2024)
    fresh = Extractor(lexicon(2024), settings(), 2024)
    first = [ex.matches(t) for t in TEXTS]
    assert any(first)  # the lexicon knows some of these wordings
    for t, found in zip(TEXTS, first):
        again = ex.matches(t)
        assert again == found == fresh._matches(t)
        again.clear()
        assert ex.matches(t) == found
