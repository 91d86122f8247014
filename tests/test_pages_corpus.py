"""The reviewer's notes on ../shared/corpus/pages (narrative excerpts of real disclosures from other
regions, see its README.md), pinned: no file is refused; every error the README notes is reported
at its statement (error or warning); no error-level finding on what the README notes as holding.
Skips when ../shared is absent."""

from __future__ import annotations

import pytest

from juesuan import api
from conftest import SHARED

PAGES = SHARED / "corpus" / "pages"

# file prefix -> findings the README's notes call for: (rule, severity allowed, words of the message).
# Every error-level finding of a file must be one of these; files without an entry must have none.
NOTED: dict[str, list[tuple[str, tuple[str, ...], tuple[str, ...]]]] = {
    # 收、支总计各是4125.49,4143.91万元: 收入总计≠支出总计
    "033": [("narrative.balanced", ("warning", "error"), ("4125.49", "4143.91"))],
    # stray comma "共计 ,0 个"
    "045": [("narrative.malformed_number", ("warning", "error"), ("共计,0个",))],
    # typo "支出总计,867.48万元" (the leading 1 lost)
    "055": [("narrative.malformed_number", ("warning", "error"), ("867.48",))],
    # "3.公务用车费 0" above its part 公务用车运行维护费 32.65 (parent < child)
    "058": [("narrative.flat_table", ("warning", "error"), ("3.公务用车费", "32.65"))],
    # "完成年初预算100%，决算数大于预算数55.93万元": contradiction
    "059": [("narrative.completion", ("warning", "error"), ("55.93", "100%"))],
}
# statements the README notes as holding although they look off: never an error
HOLDING: dict[str, tuple[str, ...]] = {
    "033": ("23.51%", "38.28%"),  # "各减少1267.86,2570.97万元,各下降23.51%、38.28%": each paired and checked
    "036": ("1,055.4%",),  # +20.63 on 1.96 from rounded figures: 1,052.6% .. within the operands' rounding
    "047": ("15%",),  # 0.28/1.80 = 15.56%, printed as an integer percentage
    "049": ("7.81%",),  # 332/4255 = 7.80% from figures rounded to 万元
}
# relations the README notes as off by 0.01: within the rounding allowance, so never an error, but
# a stated total its own stated parts miss is a warning asking for the tail to be adjusted
ROUNDING: dict[str, tuple[str, tuple[str, ...]]] = {
    # 本年收入合计434.16+年初结转和结余0.55=434.71 vs 收入总计434.72
    "031": ("narrative.breakdown_sum", ("434.16", "0.55", "434.71", "434.72")),
    # 本年收入390.55+上年结转和结余190.89=581.44 vs 总收入581.45 (stated over four paragraphs)
    "032": ("narrative.breakdown_sum", ("390.55", "190.89", "581.44", "581.45")),
}
# the rate is checked (not skipped)
CHECKED = ("033", "036", "047", "049")

FILES = sorted(p.name for p in PAGES.glob("*.page.txt")) if PAGES.exists() else []


@pytest.fixture(scope="module")
def reports():
    if not PAGES.exists():
        pytest.skip(f"{PAGES} is not available (../shared is absent in a fresh clone)")
    return {}


def report_of(reports, name):
    if name not in reports:
        reports[name] = api.check(PAGES / name)
    return reports[name]


def test_the_corpus_is_there():
    if not PAGES.exists():
        pytest.skip(f"{PAGES} is not available (../shared is absent in a fresh clone)")
    assert len(FILES) == 24


@pytest.mark.parametrize("name", FILES or ["(absent)"])
def test_no_file_is_refused_and_each_is_a_fragment(reports, name):
    rep = report_of(reports, name)
    assert rep.document.coverage == "fragment"
    status = {r.id: r for r in rep.rules}
    assert status["completeness.required_tables"].status == "not_applicable"


@pytest.mark.parametrize("name", FILES or ["(absent)"])
def test_noted_errors_are_reported_and_nothing_else_is_an_error(reports, name):
    rep = report_of(reports, name)
    expected = NOTED.get(name[:3], [])
    for rule, severities, words in expected:
        hits = [
            f
            for f in rep.findings
            if f.rule == rule
            and f.severity in severities
            and all(w in f.message.replace("，", ",").replace(" ", "") for w in words)
        ]
        assert hits, f"{name}: no {rule} finding naming {words}: {[f.message for f in rep.findings]}"
    allowed = {rule for rule, _, _ in expected}
    unexpected = [f"{f.rule}: {f.message}" for f in rep.errors if f.rule not in allowed]
    assert not unexpected, f"{name}: error-level findings on statements the README notes as holding"


@pytest.mark.parametrize("prefix", sorted(HOLDING))
def test_subtle_rates_are_not_errors(reports, prefix):
    name = next((n for n in FILES if n.startswith(prefix)), None)
    if name is None:
        pytest.skip(f"no {prefix}_* file in {PAGES}")
    rep = report_of(reports, name)
    status = {r.id: r for r in rep.rules}
    if prefix in CHECKED:
        assert status["narrative.change"].checked > 0  # the rate was checked, not skipped
    for words in HOLDING[prefix]:
        assert not [f for f in rep.findings if f.severity in ("error", "warning") and words in f.message]


@pytest.mark.parametrize("prefix", sorted(ROUNDING))
def test_rounding_gaps_of_a_stated_breakdown_are_warnings(reports, prefix):
    name = next((n for n in FILES if n.startswith(prefix)), None)
    if name is None:
        pytest.skip(f"no {prefix}_* file in {PAGES}")
    rule, words = ROUNDING[prefix]
    rep = report_of(reports, name)
    hits = [f for f in rep.findings if f.rule == rule and all(w in f.message for w in words)]
    assert hits and all(f.severity == "warning" and f.kind == "rounding" for f in hits), [
        f.message for f in rep.findings
    ]
    assert all("调整尾数" in f.message for f in hits)


def test_a_table_flattened_with_bars_ends_where_its_rows_end(reports):
    # 047: the 三公 table is printed as "合 计 | 1.8 | 1.52 |" rows; the 说明 after it is text
    name = next((n for n in FILES if n.startswith("047")), None)
    if name is None:
        pytest.skip(f"no 047_* file in {PAGES}")
    rep = report_of(reports, name)
    status = {r.id: r for r in rep.rules}
    for rid in ("narrative.completion", "narrative.change"):  # 1.52/1.8 = 84%; 0.28 on 1.80 = 15%
        assert status[rid].status == "pass" and status[rid].checked > 0, status[rid]
    assert not [f for f in rep.findings if f.rule == "completeness.no_data_note"]
    assert [f for f in rep.findings if f.rule == "reading.tables" and "“|”" in f.message]


def _readme_kinds() -> dict[str, str]:
    """file -> 预算 | 决算, from the kind column of the README's table."""
    out = {}
    readme = PAGES / "README.md"
    for line in readme.read_text(encoding="utf-8").splitlines() if readme.exists() else []:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0].startswith("`") and cells[0].endswith(".page.txt`"):
            out[cells[0].strip("`")] = "预算" if cells[3].startswith("预算") else "决算"
    return out


@pytest.mark.parametrize("name", FILES or ["(absent)"])
def test_budget_excerpts_are_named_budget(reports, name):
    kinds = _readme_kinds()
    if name not in kinds:
        pytest.skip(f"{name} is not in the README's table")
    assert report_of(reports, name).document.kind == kinds[name]


# budget excerpts the README notes as consistent: the arithmetic it names is checked and holds
BUDGET_CHECKED: dict[str, tuple[str, ...]] = {
    "035": ("narrative.breakdown_sum", "narrative.change"),  # 502.4=0+500+2.4; −14.6 (−2.82%)
    "039": ("narrative.breakdown_sum", "narrative.share", "narrative.share_sum"),  # 58.8%/41.2% of 17000元
    "042": ("narrative.flat_table",),  # 4432=39+323+4070
    "049": ("narrative.breakdown_sum", "narrative.change"),  # 3923=638+62+718+2505
    "063": ("narrative.breakdown_sum", "narrative.change"),
    "065": ("narrative.breakdown_sum", "narrative.share"),  # 1493924.6 = items; 96.41%
}


@pytest.mark.parametrize("prefix", sorted(BUDGET_CHECKED))
def test_consistent_budget_excerpts_are_checked_and_hold(reports, prefix):
    name = next((n for n in FILES if n.startswith(prefix)), None)
    if name is None:
        pytest.skip(f"no {prefix}_* file in {PAGES}")
    rep = report_of(reports, name)
    assert rep.document.kind == "预算"
    status = {r.id: r for r in rep.rules}
    for rid in BUDGET_CHECKED[prefix]:
        assert status[rid].checked > 0 and status[rid].status == "pass", (rid, status[rid])
    assert not [f for f in rep.findings if f.severity == "error"]
