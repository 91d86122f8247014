"""Traditional Chinese and full-width forms match the Simplified aliases; printed text is kept."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from juesuan.textnorm import CellKind, find_unit, fold, has_traditional, key, label_key, parse_amount, simplified

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "example-planted.txt"


@pytest.mark.parametrize(
    "printed, canonical",
    [
        ("一般公共預算財政撥款支出決算表", "一般公共预算财政拨款支出决算表"),
        ("政府性基金預算財政撥款收入支出決算表", "政府性基金预算财政拨款收入支出决算表"),
        ("國有資本經營預算財政撥款支出決算表", "国有资本经营预算财政拨款支出决算表"),
        ("“三公”經費支出決算表", '"三公"经费支出决算表'),
        ("項目支出", "项目支出"),
        ("年初結轉和結餘", "年初结转和结余"),
        ("一般公共預算財政撥款支出決算表（公開０５表）", "一般公共预算财政拨款支出决算表(公开05表)"),
    ],
)
def test_traditional_and_fullwidth_keys_match_simplified(printed, canonical):
    assert key(printed) == key(canonical)
    assert key(printed) == canonical.replace(" ", "")


def test_label_key_folds_traditional_after_numbering():
    assert label_key("（八）社會保障和就業支出") == label_key("八、社会保障和就业支出") == "社会保障和就业支出"
    assert label_key("１．機關事業單位基本養老保險繳費支出") == "机关事业单位基本养老保险缴费支出"


def test_simplified_text_is_left_alone_and_not_converted():
    for text in ("一般公共预算财政拨款支出决算表", "1,234.56", "", "反复"):
        assert not has_traditional(text) or simplified(text) == text
    assert not has_traditional("一般公共预算财政拨款支出决算表")
    assert not has_traditional("2010101 行政运行 1,234.56")
    assert has_traditional("決算")
    # Phrase entries: 覆 is Simplified too, converted only inside a Traditional phrase.
    assert simplified("反覆") == "反复"
    assert simplified("覆盖") == "覆盖"


def test_fold_keeps_spacing_and_finds_units():
    assert fold("金額單位：萬元") == "金额单位:万元"
    assert fold("收 入") == "收 入"
    assert find_unit("金額單位：萬元") == "万元"
    assert find_unit("單位：元") == "元"


@pytest.mark.parametrize(
    "raw, kind, value",
    [
        ("１，２３４．５６", CellKind.NUMBER, Decimal("1234.56")),
        ("１２３４５６７８．９０", CellKind.NUMBER, Decimal("12345678.90")),
        ("（１２．００）", CellKind.NUMBER, Decimal("-12.00")),
        ("０．００", CellKind.NUMBER, Decimal("0.00")),
        ("－", CellKind.DASH, None),
        ("　", CellKind.BLANK, None),
        ("伍佰元", CellKind.TEXT, None),
    ],
)
def test_fullwidth_amounts_parse(raw, kind, value):
    assert parse_amount(raw) == (kind, value)


def test_keys_are_memoized_and_equal_to_uncached():
    text = "一般公共預算財政撥款支出決算表"
    assert key(text) is key(text)
    assert key.__wrapped__(text) == key(text)  # type: ignore[attr-defined]
    assert label_key.__wrapped__("（一）項目支出") == label_key("（一）項目支出") == "项目支出"  # type: ignore[attr-defined]


def test_traditional_disclosure_reads_like_the_simplified_one(tmp_path):
    """The whole example converted to Traditional Chinese, with full-width amounts in one table:
    the same tables, rows, columns and amounts; the printed text stays Traditional."""
    import opencc

    from juesuan import api

    s2t = opencc.OpenCC("s2t")
    text = EXAMPLE.read_text(encoding="utf-8")
    hant = s2t.convert(text)
    assert hant != text and "決算" in hant
    lines = hant.split("\n")
    # full-width digits and separators in the first table (before the second 公開 form number)
    second = next(i for i, ln in enumerate(lines) if ln.startswith("公開02表"))
    width = str.maketrans("0123456789.,", "０１２３４５６７８９．，")
    lines[:second] = [ln.translate(width) for ln in lines[:second]]
    path = tmp_path / "繁體.txt"
    path.write_text("\n".join(lines), encoding="utf-8")

    simp = api.check(EXAMPLE)
    trad = api.check(path)
    a, b = simp.document, trad.document
    assert [t.id for t in b.tables] == [t.id for t in a.tables]
    assert a.variant == b.variant and a.year == b.year
    for ta, tb in zip(a.tables, b.tables):
        assert tb.title == s2t.convert(ta.title)  # printed as printed
        assert key(tb.title) == key(ta.title)
        assert [c.id for c in tb.columns] == [c.id for c in ta.columns]
        assert [(r.concept, r.code) for r in tb.rows] == [(r.concept, r.code) for r in ta.rows]
        for ra, rb in zip(ta.rows, tb.rows):
            assert {k: (c.kind, c.value) for k, c in rb.cells.items()} == {
                k: (c.kind, c.value) for k, c in ra.cells.items()
            }
    first = b.tables[0]
    assert any("０" in c.raw or "１" in c.raw for r in first.rows for c in r.cells.values())  # printed raw kept
    assert any(has_traditional(r.label) for r in first.rows)

    # The arithmetic checks on the tables find the same errors in both. (Checks of the narrative
    # text match Simplified phrases in paragraphs, which is the narrative module's business.)
    def relations(rep):
        return sorted(
            (f.rule, f.severity, f.difference)
            for f in rep.findings
            if f.difference is not None and not f.rule.startswith(("narrative.", "performance."))
        )

    assert relations(trad) == relations(simp)
    assert relations(simp)  # the example has planted errors
