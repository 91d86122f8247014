"""textnorm.nfkc normalizes text made of common characters one character at a time: the same
result as unicodedata's NFKC of the whole string, which the proofs below check."""

from __future__ import annotations

import random
import unicodedata

from juesuan import textnorm


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _alphabet() -> list[str]:
    return [chr(c) for c in range(0x110000) if textnorm._NFKC_BY_CHAR.fullmatch(chr(c))]


def test_no_character_of_the_by_character_set_is_or_maps_to_a_combining_mark() -> None:
    for ch in _alphabet():
        assert not unicodedata.combining(ch)
        assert not any(unicodedata.combining(x) for x in _nfkc(ch)), hex(ord(ch))


def test_ideographs_are_their_own_nfkc_form() -> None:
    for code in range(0x4E00, 0xA000):
        assert _nfkc(chr(code)) == chr(code)


def test_no_two_characters_of_the_set_compose() -> None:
    small = [ch for ch in _alphabet() if not 0x4E00 <= ord(ch) <= 0x9FFF]
    for a in small:
        for b in small:
            assert _nfkc(a + b) == _nfkc(a) + _nfkc(b), (hex(ord(a)), hex(ord(b)))


def test_nfkc_equals_unicodedata_on_mixed_text() -> None:
    rng = random.Random(7)
    common = _alphabet()
    other = list("\u0301\u3099e\u1100\u1161\u00a0\u2017\u203e\uffe3\u302a㈠①ﬁ")
    samples = ["（一）部门收入情况", "２０２４年度", "合计：１，２３４．５６万元", "“三公”经费", "abc", "", "…—"]
    for _ in range(20000):
        pool = common if rng.random() < 0.7 else common[:400] + other
        samples.append("".join(rng.choice(pool) for _ in range(rng.randint(0, 10))))
    for text in samples:
        assert textnorm.nfkc(text) == _nfkc(text), text
