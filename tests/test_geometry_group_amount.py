"""A cell of a line is an amount (``geometry._group_is_amount``) when its text is a two-decimal
amount; a run that starts with anything but a digit or a comma is told at once, without joining
its text (the test ran after every digit of a prose line).

Class of input: runs of characters of a free text line: amounts, labels, prose with numbers in
it, full-width and other Unicode digits, multi-character runs (OCR)."""

from __future__ import annotations

import random

from juesuan.readers.geometry import _GROUP_AMOUNT_RE, _group_is_amount


def _run(texts: list[str]) -> list[dict[str, object]]:
    return [{"text": t, "x0": 0.0, "x1": 1.0, "top": 0.0, "bottom": 1.0} for t in texts]


def test_amounts_and_labels() -> None:
    assert _group_is_amount(_run(list("1,234.50")))
    assert _group_is_amount(_run(list(",5.00")))
    assert not _group_is_amount(_run(list("合计1,234.50")))
    assert not _group_is_amount(_run(list("2024年度1234.50")))
    assert _group_is_amount(_run(["12", "3.4", "5"]))  # OCR runs of several characters
    assert _group_is_amount(_run(["", "1.00"]))  # an empty first text: the joined text decides


def test_same_answer_as_matching_the_joined_text() -> None:
    rng = random.Random(11)
    alphabet = ["1", "2", "0", ",", ".", "年", "元", "(", "１", "²", "٣", "a", "", "12", ".5"]
    for _ in range(5000):
        texts = [rng.choice(alphabet) for _ in range(rng.randint(1, 9))]
        expected = _GROUP_AMOUNT_RE.fullmatch("".join(texts)) is not None
        assert _group_is_amount(_run(texts)) == expected, texts
