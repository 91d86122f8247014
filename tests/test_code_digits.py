"""Classification codes printed in 类/款/项 columns of their own with the 款 or 项 as a number:
"301 | 2" where the catalog's code is 30102 (a spreadsheet's number format dropped the leading
zero). The row is that 款 — its 类's sums include it — and the printing is reported as a warning
(``codes.digits``), not as a reading problem: nothing about the reading is in doubt.

Every document here is written by us (a text extraction) or drawn by juesuan.synth_layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from juesuan import api
from juesuan import synth_layouts as sl

_BASIC = (
    "一般公共预算财政拨款基本支出决算表\n\n公开06表\n\n部门：测试单位\n\n金额单位：万元\n\n"
    "科目编码\t\t科目名称\t决算数\n"
    "类\t款\t\t\n"
    "301\t\t工资福利支出\t60.00\n"
    "301\t01\t基本工资\t30.00\n"
    "301\t{kuan}\t津贴补贴\t20.00\n"
    "301\t07\t绩效工资\t10.00\n"
    "\t\t合计\t60.00\n"
    "\n注：本表反映部门本年度一般公共预算财政拨款基本支出情况。\n"
)


def _load(tmp_path: Path, kuan: str):  # type: ignore[no-untyped-def]
    f = tmp_path / f"basic-{kuan}.txt"
    f.write_text(_BASIC.format(kuan=kuan), encoding="utf-8")
    doc = api.load_document(f, variant="national")
    return doc, api.check_document(doc)


def test_a_one_digit_kuan_is_that_kuan_and_is_reported(tmp_path: Path) -> None:
    doc, rep = _load(tmp_path, "2")
    basic = next(t for t in doc.tables if t.rows and any(r.code for r in t.rows))
    rows = {r.label: r for r in basic.rows}
    assert rows["津贴补贴"].code == "30102"
    assert rows["津贴补贴"].code_printed == "301 2"
    assert rows["基本工资"].code_printed is None
    # the 类 equals its 款 with the row included: no hierarchy finding, nothing in doubt
    assert not [f for f in rep.findings if "hierarchy" in f.rule]
    assert not basic.reading_problems and not [f for f in rep.findings if f.kind == "reading"]
    digits = [f for f in rep.findings if f.rule == "codes.digits"]
    assert len(digits) == 1 and digits[0].severity == "warning"
    assert "“301 2”" in digits[0].message and "30102" in digits[0].message
    assert digits[0].locations[0].value == "30102"
    # public outputs: the printed form is in the row's dict only where it differs
    as_dict = rows["津贴补贴"].to_dict()
    assert as_dict["code_printed"] == "301 2" and "code_printed" not in rows["基本工资"].to_dict()
    assert type(rows["津贴补贴"]).from_dict(as_dict).code_printed == "301 2"


def test_two_digits_are_not_reported(tmp_path: Path) -> None:
    doc, rep = _load(tmp_path, "02")
    assert not [f for f in rep.findings if f.rule == "codes.digits"]
    status = {s.id: s.status for s in rep.rules}
    assert status["codes.digits"] == "pass"


@pytest.fixture(scope="module")
def base():  # type: ignore[no-untyped-def]
    return sl.source()


@pytest.mark.parametrize("rules", ["ruled", "none"])
def test_a_drawn_pdf_with_unpadded_split_codes_reads_back_its_codes(base, tmp_path: Path, rules: str) -> None:
    """The layout fuzzer's ``split-unpadded`` codes ("201 | 6 | 1"; without vertical rules the
    parts may come as one cell, "201 6"): every amount reads back under its row's full code as well
    as with the codes printed with their zeros (ruled: all of them), no error-level finding comes
    from it, and every code printed without its zeros is reported once."""
    outs = {}
    for codes in ("split", "split-unpadded"):
        try:
            outs[codes] = sl.run_variant(
                base, sl.Variant(seed=0, rules=rules, codes=codes), tmp_path / codes, check=True
            )
        except sl.NoFont as exc:
            pytest.skip(f"cannot draw layout variants: {exc}")
    out, padded = outs["split-unpadded"], outs["split"]
    assert out.truth > 300 and (out.exact, out.extra, out.errors) == (padded.exact, 0, 0), out.lost_examples
    if rules == "ruled":
        assert out.exact == out.truth
    rep = api.check(next((tmp_path / "split-unpadded").glob("*.pdf")))
    padded = api.load_document(next((tmp_path / "split").glob("*.pdf")))
    reported = {f.locations[0].value for f in rep.findings if f.rule == "codes.digits"}
    # what the same layout with the zeros printed reads back (without rules: not every table)
    assert reported == _with_zeros(padded)
    if rules == "ruled":
        assert reported == _with_zeros(base)


def _with_zeros(doc) -> set[str]:  # type: ignore[no-untyped-def]
    """The printed codes of ``doc`` whose 款 or 项 begins with 0."""
    return {
        r.code
        for t in doc.tables
        for r in t.rows
        if r.code and not r.code_inferred and any(r.code[k] == "0" for k in (3, 5) if k < len(r.code))
    }
