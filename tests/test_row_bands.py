"""Row bands of tables printed without vertical rules (border-less, three-line): a wrapped label's
lines join the row whose code and amounts anchor them, whatever the vertical alignment and with
the digits a few points off the text line; a placement in doubt is a reading problem of the
table, never a silent misread that makes an error. Every document here is drawn by
juesuan.synth_layouts or built in the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from juesuan import api
from juesuan import synth_layouts as sl
from juesuan.readers import borderless
from juesuan.readers.geometry import _split_cells

H = 10.0  # character height of the made-up positions below


@pytest.mark.parametrize(
    "anchors, pieces, want",
    [
        # middle-aligned: a two-line label straddles its figures, a three-line one has them on
        # its middle line
        ([10, 40, 76], [4, 16, 40, 64, 76, 88], [0, 0, 1, 2, 2, 2]),
        # top-aligned: figures on the first line of their label
        ([10, 40, 70], [10, 22, 40, 70, 82, 94], [0, 0, 1, 2, 2, 2]),
        # bottom-aligned: figures on the last line
        ([22, 40, 94], [10, 22, 40, 70, 82, 94], [0, 0, 1, 2, 2, 2]),
        # digits 2.5 pt below the text line (anchors from amounts only)
        ([12.5, 42.5, 78.5], [4, 16, 40, 64, 76, 88], [0, 0, 1, 2, 2, 2]),
    ],
)
def test_label_lines_go_to_their_row(anchors, pieces, want):
    assign, doubtful = borderless._assign_pieces(anchors, pieces, H)
    assert assign == want
    assert doubtful == set()


def test_label_line_that_fits_no_row_is_doubtful():
    # the last line is too far from the label above it to continue it, and too far from the
    # only anchor below to be its label: no banding fits, the rows are in doubt
    assign, doubtful = borderless._assign_pieces([10, 100], [10, 22, 55], H)
    assert len(assign) == 3
    assert doubtful


def test_label_lines_two_alignments_place_alike_are_doubtful():
    # rows as close as the lines of a label: the middle line is the tail of the first row
    # (top-aligned) or the head of the second (bottom-aligned), equally well
    assign, doubtful = borderless._assign_pieces([10, 34], [10, 22, 34], H)
    assert len(assign) == 3
    assert doubtful == {0, 1}


def _chars(text: str, x: float, width: float) -> list[dict]:
    out = []
    for ch in text:
        out.append({"text": ch, "x0": x, "x1": x + width, "top": 0.0, "bottom": 13.0})
        x += width
    return out


def test_code_spaced_off_a_label_opening_with_a_bracket_is_its_own_cell():
    """A code in its column, a narrow gap, then a label starting with a full-width bracket
    ("（室）及…"): two cells, not a code glued into the label."""
    line = _chars("2010399", 170.9, 5.07) + _chars("（室）及", 212.9, 9.0)
    cells, _ = _split_cells(line)
    assert cells == ["2010399", "（室）及"]


def test_amount_touching_the_label_before_it_is_its_own_cell():
    """In a narrow column a right-aligned amount can touch the label's last character: the amount
    (and the one after it) are cells of their own; an amount with its unit in prose is not cut."""
    line = _chars("）及相关机构事", 194.0, 9.0) + _chars("565.48", 257.0, 4.5) + _chars("517.28", 286.0, 4.5)
    assert _split_cells(line)[0] == ["）及相关机构事", "565.48", "517.28"]
    assert _split_cells(_chars("支出565.48万元", 100.0, 9.0))[0] == ["支出565.48万元"]


@pytest.fixture(scope="module")
def base():
    return sl.source()


VARIANTS = [
    {"rules": "none", "wrap_labels": True, "digit_dy": 2.5},
    {"rules": "threeline", "wrap_labels": True, "digit_dy": -2.5, "codes": "split"},
    {"rules": "none", "wrap_labels": True, "tall": True, "valign": "bottom", "amount_valign": "bottom"},
    {"rules": "threeline", "wrap_labels": True, "tall": True, "valign": "top", "amount_valign": "top", "digit_dy": 1.5},
]
CODED = ("income", "expenditure", "general_budget")  # the tables of classification codes


@pytest.mark.parametrize("kw", VARIANTS)
def test_wrapped_labels_without_rules_read_by_row_bands(base, tmp_path: Path, kw):
    """The coded tables read back row for row (code and whole label), or say they are in doubt;
    and checking the printed variant finds no error beyond those of its truth."""
    v = sl.Variant(seed=0, **kw)
    try:
        out = sl.run_variant(base, v, tmp_path / "run", check=True)
        truth = sl.restyle(base, v)
        back = api.load_document(sl.render(truth, v, tmp_path / "draw"))
    except sl.NoFont as exc:
        pytest.skip(f"cannot draw layout variants: {exc}")
    assert out.errors == 0, out.error_rules
    for tid in CODED:
        want = next(t for t in truth.tables if t.id == tid)
        got = next(t for t in back.tables if t.id == tid)
        rows = [(r.code, r.label.replace(" ", "")) for r in got.rows]
        if not got.reading_problems:
            assert rows == [(r.code, r.label.replace(" ", "")) for r in want.rows], tid


def test_doubtful_bands_are_a_reading_problem_not_an_error(base, tmp_path: Path, monkeypatch):
    """When the banding is in doubt, the table says so (in Chinese) and its data is not used for
    checking: a misread that follows gives no error-level finding, its rules say why they could not
    run (insufficient data)."""
    v = sl.Variant(seed=0, rules="none", wrap_labels=True, digit_dy=2.5)
    try:
        path = sl.render(sl.restyle(base, v), v, tmp_path)
    except sl.NoFont as exc:
        pytest.skip(f"cannot draw layout variants: {exc}")
    real = borderless._assign_pieces

    def misread_in_doubt(anchors, pieces, h):
        # every label line one row down (the 合计 label lands on the first coded row), in doubt
        assign, _ = real(anchors, pieces, h)
        order = sorted(range(len(anchors)), key=lambda r: anchors[r])
        nxt = {order[k]: order[min(k + 1, len(order) - 1)] for k in range(len(order))}
        return [nxt[a] for a in assign], set(range(len(anchors)))

    monkeypatch.setattr(borderless, "_assign_pieces", misread_in_doubt)
    doc = api.load_document(path)
    income = next(t for t in doc.tables if t.id == "income")
    assert any("折行" in p for p in income.reading_problems) and income.unreliable
    rep = api.check(path)
    assert not [f for f in rep.errors if f.rule.startswith("income.")]
    status = {r.id: r.status for r in rep.rules}
    assert status["income.hierarchy"] == "insufficient_data"
