"""A table with a reading problem gives warnings, not errors: a disagreement on it may come from a
cell read wrongly or not at all (issue: no false errors on documents nobody tuned for). The class
is shown on our planted example, whose 收入决算表 errors are real, by adding a reading problem to
that table as a reader would."""

from __future__ import annotations

from juesuan import api
from juesuan.model import Disclosure

from conftest import EXAMPLES


def _planted() -> Disclosure:
    return api.load_document(EXAMPLES / "example-planted.txt")


def test_errors_on_a_table_with_a_reading_problem_become_warnings():
    plain = api.check_document(_planted())
    income_errors = [f for f in plain.errors if any(loc.table == "收入决算表" for loc in f.locations)]
    assert income_errors  # the planted column slip in the 收入决算表 合计 row

    doc = _planted()
    income = next(t for t in doc.tables if t.name == "收入决算表")
    income.reading_problems.append("2个金额未能归入金额列（如第58行的“45.00”），这些单元格未读出或位置有误")
    rep = api.check_document(doc)
    assert not [f for f in rep.errors if any(loc.table == "收入决算表" for loc in f.locations)]
    lowered = [
        f for f in rep.findings if f.rule in {e.rule for e in income_errors} and "收入决算表》有读取问题" in f.message
    ]
    assert lowered and all(f.severity == "warning" for f in lowered)
    # errors elsewhere stay errors: the 支出决算表's planted 10.00 is untouched by the income problem
    assert any(f.rule == "expenditure.hierarchy" and f.severity == "error" for f in rep.findings)
    assert api.exit_status(rep) == 1


def test_clean_tables_keep_their_errors():
    rep = api.check_document(_planted())
    assert not any("有读取问题" in f.message for f in rep.findings)
