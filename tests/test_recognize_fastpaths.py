"""The recognizer's shortcuts give what the plain forms give: a cell's provenance built in one
step equals the dataclass's own, and a line's nonempty cells follow changes to its cells."""

from __future__ import annotations

from dataclasses import fields

from juesuan.model import Provenance
from juesuan.raw import RawDocument, RawLine
from juesuan.recognize import _line_prov, _prov, _provenance


def test_provenance_in_one_step_is_the_dataclass_own() -> None:
    args = ("a.pdf", 3, 7, (1.0, 2.0, 3.5, 4.25), True, "'表1'!7:7", 0.4, "低", ("12.5",))
    made, plain = _provenance(*args), Provenance(*args)
    assert made == plain and hash(made) == hash(plain)
    # every field set on the instance, in the dataclass's order (a field added later must be set too)
    assert list(vars(made)) == [f.name for f in fields(Provenance)] == list(vars(plain))
    assert vars(made) == vars(plain)


def test_cell_and_line_provenance() -> None:
    raw = RawDocument(file="x.pdf", format="pdf")
    line = RawLine(5, ["一、支出", "", "12.50"], page=2, bboxes=[(1.004, 2.0, 3.0, 4.0), None, (5.0, 2.0, 9.996, 4.0)])
    assert _prov(raw, line, 0) == Provenance("x.pdf", 2, 5, (1.0, 2.0, 3.0, 4.0))
    assert _prov(raw, line, 1) == Provenance("x.pdf", 2, 5, None)
    assert _prov(raw, line, 7) == Provenance("x.pdf", 2, 5, None)
    assert _prov(raw, line) == Provenance("x.pdf", 2, 5)
    assert _line_prov(raw, line) == Provenance("x.pdf", 2, 5, (1.0, 2.0, 10.0, 4.0))
    ocr = RawLine(1, ["7.5"], page=1, ocr=True, confidences=[0.1], candidates=[("1.5",)])
    p = _prov(raw, ocr, 0)
    assert p.ocr and p.confidence == 0.1 and p.candidates == ("1.5",) and p.doubt


def test_nonempty_follows_the_cells() -> None:
    line = RawLine(1, [" a ", "", "b"])
    first = line.nonempty
    assert first == [(0, "a"), (2, "b")]
    first.append((9, "x"))  # a caller's change to the list it got does not reach the line
    assert line.nonempty == [(0, "a"), (2, "b")]
    line.cells[1] = "c"  # changed in place
    assert line.nonempty == [(0, "a"), (1, "c"), (2, "b")]
    line.cells = ["", "d"]  # replaced
    assert line.nonempty == [(1, "d")]
    assert line == RawLine(1, ["", "d"])  # the memo is no field: equality and repr unchanged
    assert "memo" not in repr(line)


def test_round_box_remembers_no_wrong_zero() -> None:
    import random

    from juesuan.pages import round_box

    def plain(b: tuple[float, ...]) -> tuple[float, ...]:
        return tuple(round(float(v), 2) for v in b)

    rng = random.Random(7)
    values = [0.0, -0.0, 0.005, -0.005, 1.005, 2, 12.344999]
    for _ in range(20000):
        box = tuple(rng.choice([rng.uniform(-5, 900), *values]) for _ in range(4))
        got = round_box(box)
        # the same floats, down to the sign of a zero (0.0 and -0.0 are equal as dict keys)
        assert [repr(v) for v in got] == [repr(v) for v in plain(box)], box
