"""The concept lexicon and the claim extractor: references valid against the layouts, wordings
extendable by data, and the figures of a sentence read with their unit, role, basis and period."""

from __future__ import annotations

from decimal import Decimal

import pytest

from juesuan import narrative
from juesuan.model import Disclosure, Paragraph, Provenance
from juesuan.narrative.settings import lexicon, performance_settings, settings


def claims_of(*texts: str, year: int = 2024):
    doc = Disclosure(
        source="t.txt",
        year=year,
        variant="yunnan",
        paragraphs=[Paragraph(t, Provenance("t.txt", None, i + 1)) for i, t in enumerate(texts)],
    )
    ctx = narrative.analyse(doc)
    return ctx.ex.claims


def test_lexicon_and_settings_are_valid():
    assert narrative.validate() == []
    lex = lexicon(2024)
    assert {"income_total", "three_public_total", "domestic_batches", "class:210"} <= set(lex.concepts)
    rules = settings().rules
    assert all(r.startswith(("narrative.", "performance.")) for r in rules)
    assert set(performance_settings().grades) >= {"default", "shanghai"}


def test_a_bad_reference_is_reported(monkeypatch):
    lex = lexicon(None)
    concept = lex.concepts["income_business"]
    monkeypatch.setitem(concept.refs, "final", ["summary.no_such_row.amount", "nowhere.total.total"])
    problems = narrative.validate()
    assert any("no_such_row" in p for p in problems) and any("nowhere" in p for p in problems)


def test_wordings_can_be_added_by_data(tmp_path, monkeypatch):
    (tmp_path / "lexicon").mkdir()
    (tmp_path / "lexicon" / "extra.yaml").write_text(
        "concepts:\n  income_business:\n    synonyms: [事业性收费收入]\n", encoding="utf-8"
    )
    monkeypatch.setenv("JUESUAN_DATA_PATH", str(tmp_path))
    lexicon.cache_clear()
    try:
        lex = lexicon(2024)
        c = lex.concepts["income_business"]
        assert "事业性收费收入" in c.synonyms and "事业收入" in c.synonyms  # appended, not replaced
        assert c.refs["final"] == ["summary.income_business.amount", "income.total.business"]
        found = claims_of("本年事业性收费收入45.00万元。")
        assert found[0].concept == "income_business"
    finally:
        monkeypatch.delenv("JUESUAN_DATA_PATH")
        lexicon.cache_clear()


@pytest.mark.parametrize(
    "text, raw, unit, kind, value",
    [
        ("收入总计1,418.92万元。", "1,418.92万元", "万元", "money", "1418.92"),
        ("接待外宾支出0.39万（含外事）。", "0.39万", "万", "money", "0.39"),
        ("共计接待1.2万人次。", "1.2万人次", "人次", "count", "12000.0"),
        ("资产总额0.15亿元。", "0.15亿元", "亿元", "money", "0.15"),
        ("占比为12.5%。", "12.5%", "%", "percent", "12.5"),
    ],
)
def test_figures_and_units(text, raw, unit, kind, value):
    c = claims_of(text)[0]
    assert (c.raw, c.unit, c.kind, c.value) == (raw, unit, kind, Decimal(value))


def test_what_is_not_a_figure():
    # years, dates, document numbers and article numbers are not claims
    found = claims_of("按照《关于印发办法的通知》（财预[2018]85号）第七条，2024年12月31日完成。")
    assert found == []


def test_roles_basis_and_period():
    found = claims_of(
        "“三公”经费财政拨款支出年初预算为2.85万元，支出决算为0.39万元，完成预算的13.68%。",
        "与2023年度相比，收入支出总计增加100.00万元，增长9.09%。",
        "2022年收入支出总计900.00万元。",
    )
    budget, final, rate, change, growth, old = found
    assert (budget.concept, budget.basis, budget.basis_explicit) == ("three_public_total", "budget", True)
    assert (final.concept, final.basis, final.concept_from) == ("three_public_total", "final", "inherit")
    assert (rate.role, rate.link) == ("completion", final)
    assert (change.role, change.direction, change.concept) == ("change", "up", "grand_total")
    assert (growth.role, growth.direction, growth.link) == ("rate", "up", change)
    assert (old.period, old.year) == ("other", 2022)


def test_budget_context_makes_an_unqualified_figure_ambiguous():
    found = claims_of("“三公”经费预算合计9.50万元。公务用车运行维护费7.50万元，公务接待费预算为2.00万元。")
    car = next(c for c in found if c.concept == "car_operation")
    assert car.basis == "ambiguous" and not car.basis_explicit
    plain = claims_of("公务用车运行维护费7.48万元。")[0]
    assert plain.basis == "final"


def test_fund_type_names_are_not_a_budget_context():
    found = claims_of("收入合计100.00万元，其中：一般公共预算收入60.00万元，政府性基金预算收入40.00万元。")
    assert {c.basis for c in found} == {"final"}


def test_counts_told_by_their_context_words():
    found = claims_of(
        "全年安排因公出国（境）团组2个、累计5人次；列明公务接待3批次、26人次，其中：接待外宾1批次、4人次。"
    )
    assert [c.concept for c in found] == [
        "abroad_groups",
        "abroad_people",
        "reception_batches",
        "reception_people",
        "foreign_affairs_batches",
        "foreign_affairs_people",
    ]


def test_item_path_is_the_topic_of_the_following_figures():
    found = claims_of(
        "1、住房保障支出（类）住房改革支出（款）住房公积金（项）。主要用于：缴存住房公积金。年初预算为100.00万元，支出决算为80.00万元。"
    )
    assert [c.concept for c in found] == ["item:2210201", "item:2210201"]
    assert [c.basis for c in found] == ["budget", "final"]


def test_an_unknown_item_path_gives_no_concept():
    found = claims_of(
        "1、住房保障支出（类）不存在的款（款）不存在的项（项）。年初预算为100.00万元，支出决算为80.00万元。"
    )
    assert [c.concept for c in found] == [None, None]


def test_approximate_figures_are_marked():
    found = claims_of("培训相关人员1600余人次，节约资金约30.00万元，完成交易1000场左右。")
    assert [c.approx for c in found] == [True, True, True]


def test_staff_numbers_are_count_claims_that_hide_no_money_wording():
    texts = (
        "本部门编制人数35人，实有人数32人，离退休人员5人。",
        "年末在职人员30名，公务用车编制数2辆。",
        "在职人员经费120.50万元，离退休人员经费8.00万元。",
    )
    got = [(c.raw, c.concept) for c in claims_of(*texts)]
    assert got[:4] == [
        ("35人", "staff_authorized"),
        ("32人", "staff_actual"),
        ("5人", "staff_retired"),
        ("30名", "staff_actual"),
    ]
    assert not (got[4][1] or "").startswith("staff_")  # a vehicle quota is not a staff number
    assert [raw for raw, _ in got[5:]] == ["120.50万元", "8.00万元"]
    assert not any((cid or "").startswith("staff_") for _, cid in got[5:])  # money is never a staff count


def test_a_staff_category_is_not_the_authorized_total():
    got = [
        (c.raw, c.concept) for c in claims_of("在职人员编制32人，其中：行政编制0人，工勤人员编制0人，事业编制32人。")
    ]
    assert got[0] == ("32人", "staff_authorized")
    assert not any(cid == "staff_authorized" for _, cid in got[1:])
