"""textnorm.key unifies quotes only in a text that holds one (the translation is skipped
otherwise): the same keys as translating every text.

Class of input: labels and headers with and without curly quotes or corner brackets, spaces,
full-width forms; random mixes of those characters."""

from __future__ import annotations

import random

from juesuan import textnorm


def _plain_key(text: str) -> str:
    t = textnorm.nfkc(text or "")
    if not t.isascii() and not textnorm._traditional_chars().isdisjoint(t):
        t = textnorm._convert_t2s(t)
    return textnorm._SPACE_RE.sub("", t.translate(textnorm._QUOTES))


def test_quotes_unified_and_spaces_dropped() -> None:
    assert textnorm.key("“三公” 经费") == '"三公"经费'
    assert textnorm.key("「项目」 ‘a’") == "\"项目\"'a'"
    assert textnorm.key("一般 公共 预算") == "一般公共预算"
    assert textnorm.key("") == ""


def test_same_keys_as_translating_every_text() -> None:
    rng = random.Random(3)
    alphabet = "“”‘’「」 （）ＡＢ１２3abc一般公共预算支出合計,。\t"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert textnorm.key(text) == _plain_key(text), text
