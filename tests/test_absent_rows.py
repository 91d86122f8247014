"""A row the rules need that was not found — not printed, or printed but not recognized — is
unknown, never 0: its relations are insufficient_data with the reason, naming the row as printed.
Only a row the layout data declares ``absent: zero`` counts as 0 when it is not there. And a label
wrapped over two lines (its amounts on the first) is recognized once it is whole. Every document
here is our example disclosure, edited, or drawn by juesuan.synth_layouts."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from juesuan import api
from juesuan import synth_layouts as sl
from juesuan.layouts import load as load_layouts
from juesuan.rules.engine import evaluate

REPO = Path(__file__).resolve().parents[1]
CLEAN = REPO / "examples" / "example-clean.txt"
SANGONG = ("three_public_stats", "three_public_general")
SANGONG_FORMS = ("公开10表", "公开11表")


def _edit_sangong(tmp_path: Path, edit, row: str = "公务用车购置及运行维护费", match=None) -> Path:
    """The example with ``edit(cells)`` applied to the row ``row`` (by default the 公务用车购置及运行
    维护费 row: 3.00, 2.80, 2.64) of both "三公" tables — or to every row of theirs for which
    ``match(cells)`` holds; ``edit`` returns the lines that replace it."""
    lines = CLEAN.read_text(encoding="utf-8").split("\n")
    out: list[str] = []
    form = None
    for line in lines:
        if line.strip() in SANGONG_FORMS:
            form = line.strip()
        elif line.startswith("注"):
            form = None
        cells = line.split("\t")
        if form and (match(cells) if match else cells[0].endswith(row)):
            out.extend(edit(cells))
            continue
        out.append(line)
    path = tmp_path / "edited.txt"
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def _statuses(rep) -> dict[str, tuple[str, str | None]]:
    return {r.id: (r.status, r.reason) for r in rep.rules}


@pytest.mark.parametrize(
    "label",
    [
        "2. 公务用车经费",  # a wording no alias knows
        "",  # the label lost in reading
    ],
)
def test_unrecognized_sangong_row_is_insufficient_not_zero(tmp_path: Path, label: str):
    """The 合计 4.50 of the "三公" tables against 因公出国 0 + 公务接待 1.50 with the 公务用车 row not
    recognized: not an error of 3.00, but insufficient data naming the row."""
    rep = api.check(_edit_sangong(tmp_path, lambda cells: ["\t".join([label, *cells[1:]])]))
    assert not [f for f in rep.errors if f.rule.startswith(SANGONG)]
    st = _statuses(rep)
    for table in SANGONG:
        status, reason = st[f"{table}.total"]
        assert status == "insufficient_data"
        assert reason and "公务用车购置及运行维护费" in reason and "未找到" in reason
    assert st["three_public_stats.car"][0] == "insufficient_data"
    # no concept id in any user text
    texts = [f.message for f in rep.findings] + [r.reason or "" for r in rep.rules]
    assert not [t for t in texts if "“car”" in t or "“abroad”" in t or "three_public" in t]


def test_deleted_sangong_row_is_insufficient_not_zero(tmp_path: Path):
    rep = api.check(_edit_sangong(tmp_path, lambda cells: []))
    assert not [f for f in rep.errors if f.rule.startswith(SANGONG)]
    assert _statuses(rep)["three_public_general.total"][0] == "insufficient_data"
    # a row whose data alias is folded (half-width brackets) is named as the form prints it
    rep = api.check(_edit_sangong(tmp_path, lambda cells: [], row="因公出国（境）费"))
    status, reason = _statuses(rep)["three_public_stats.total"]
    assert status == "insufficient_data" and reason and "“因公出国（境）费”" in reason


def test_row_declared_absent_zero_counts_as_zero(tmp_path: Path):
    """The same document, with layout data saying the 公务用车 row may be left out when zero: the row
    counts as 0 and the relation runs (and fails: 4.50 ≠ 0 + 1.50)."""
    doc = api.load_document(_edit_sangong(tmp_path, lambda cells: []))
    layouts = copy.deepcopy(load_layouts())
    for tid in SANGONG:
        layouts.tables[tid].rows = copy.deepcopy(layouts.tables[tid].rows)
        car = next(c for c in layouts.tables[tid].rows if c.id == "car")
        car.absent_is_zero = True
    findings, statuses = evaluate(doc, layouts)
    st = {s.id: s.status for s in statuses}
    assert st["three_public_general.total"] == "fail"
    f = next(f for f in findings if f.rule == "three_public_general.total" and "预算数" in f.message)
    assert f.difference == "3.00"
    # the row not printed is named as the layout prints it, never by its concept id
    assert "“公务用车购置及运行维护费”" in f.message and "car" not in f.message


def test_absent_declaration_is_validated(tmp_path: Path, monkeypatch):
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "extra.yaml").write_text(
        "tables:\n  t:\n    name: 表\n    rows:\n      r: {aliases: [行], absent: maybe}\n", encoding="utf-8"
    )
    monkeypatch.setenv("JUESUAN_DATA_PATH", str(tmp_path))
    load_layouts.cache_clear()
    try:
        with pytest.raises(ValueError, match="absent"):
            load_layouts()
    finally:
        monkeypatch.delenv("JUESUAN_DATA_PATH")
        load_layouts.cache_clear()


def test_wrapped_sangong_labels_are_recognized(tmp_path: Path):
    """Each "三公" label wrapped after its first characters, the amounts on the first line (a narrow
    label column): the rows get their concepts and the tables check clean."""

    def wrap(cells: list[str]) -> list[str]:
        return ["\t".join([cells[0][:6], *cells[1:]]), cells[0][6:]]

    path = _edit_sangong(
        tmp_path, wrap, match=lambda cells: len(cells) > 2 and len(cells[0]) > 8 and cells[0][0] in "12一（其"
    )
    doc = api.load_document(path)
    for tid in SANGONG:
        table = doc.tables_by_id(tid)[0]
        concepts = {r.concept for r in table.rows}
        assert {"abroad", "car", "car_purchase", "car_operation", "reception_domestic"} <= concepts, tid
    rep = api.check_document(doc)
    st = _statuses(rep)
    for table in SANGONG:
        assert st[f"{table}.total"][0] == "pass"
        assert st[f"{table}.car"][0] == "pass"


@pytest.fixture(scope="module")
def base():
    return sl.source()


def test_threeline_wrapped_labels_variant_reads_sangong_rows(base, tmp_path: Path):
    """A three-line layout with wrapped labels and split codes (the class of layout-fuzzer seeds 2,
    77, 81, 90, 97, 236): no false "三公" error, every "三公" amount row recognized."""
    v = sl.Variant(
        seed=0,
        rules="threeline",
        codes="split",
        valign="top",
        amount_valign="top",
        digit_dy=-1.5,
        wrap_labels=True,
        landscape=True,
        furniture=True,
        font="serif",
    )
    try:
        out = sl.run_variant(base, v, tmp_path, check=True)
    except sl.NoFont as exc:
        pytest.skip(f"cannot draw layout variants: {exc}")
    assert not [r for r in out.error_rules if r.startswith(SANGONG)]
    doc = api.load_document(next(tmp_path.rglob("*.pdf")))
    for tid in SANGONG:
        concepts = {r.concept for r in doc.tables_by_id(tid)[0].rows}
        assert {"total", "abroad", "car", "reception"} <= concepts, tid


def test_ruled_last_row_alone_on_a_continuation_page(base, tmp_path: Path):
    """A ruled table continued without its header whose last row (the 公用经费合计 of the 基本支出表,
    a 项目支出表 code row) falls alone on the next page: that one-row grid is a table row, read in
    its columns and blocks, not free text (the class of layout-fuzzer seeds 154, 197, 253)."""
    v = sl.Variant(
        seed=0,
        rules="ruled",
        tall=True,
        valign="top",
        amount_valign="bottom",
        thousands=True,
        zeros="0.00",
        landscape=True,
        repeat_header=False,
        furniture=True,
        font="serif",
        size=10.5,
        shading=True,
        short_pages=True,
    )
    try:
        out = sl.run_variant(base, v, tmp_path, check=True)
    except sl.NoFont as exc:
        pytest.skip(f"cannot draw layout variants: {exc}")
    assert (out.exact, out.extra) == (out.truth, 0), out.lost_examples
    assert out.errors == 0, out.error_rules
    raw = api.read(next(tmp_path.rglob("*.pdf")))
    alone = [ln for ln in raw.lines if ln.number == 1 and len(ln.nonempty) >= 2 and len(ln.cells) >= 6]
    assert alone, "no one-row grid at the top of a page"


def test_column_not_recognized_is_named_by_its_header():
    """A column the rules need that was not recognized is named as printed, not by its id."""
    doc = api.load_document(CLEAN)
    table = doc.tables_by_id("three_public_stats")[0]
    table.columns = [c for c in table.columns if c.id != "full_budget"]
    rep = api.check_document(doc)
    reason = next(r.reason for r in rep.rules if r.id == "three_public_stats.total")
    assert reason and "“全年预算数”列" in reason and "full_budget" not in reason
