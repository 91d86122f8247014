"""Publication tracking (juesuan.store.publication) and the schema migration that added it."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from juesuan import api, store
from juesuan.cli import app
from juesuan.model import Disclosure
from juesuan.store import schema
from juesuan.writers.xlsx import write_xlsx

REPO = Path(__file__).resolve().parents[1]
CLEAN = REPO / "examples" / "example-clean.txt"


def test_migration_from_version_1_keeps_the_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    db = tmp_path / "c.duckdb"
    all_migrations = list(schema.MIGRATIONS)
    monkeypatch.setattr(schema, "MIGRATIONS", all_migrations[:1])
    monkeypatch.setattr("juesuan.store.MIGRATIONS", all_migrations[:1])
    monkeypatch.setitem(
        schema.COLUMNS, "documents", tuple(c for c in schema.COLUMNS["documents"] if c != "published_on")
    )
    with store.open_store(db) as s:
        assert s.version() == 1
        (r,) = s.ingest([CLEAN])
    monkeypatch.undo()
    with store.open_store(db) as s:
        assert s.version() == len(schema.MIGRATIONS) >= 2  # every later migration applied
        versions = [(n,) for n in range(1, len(schema.MIGRATIONS) + 1)]
        assert s.db.execute("SELECT version FROM schema_version ORDER BY version") == versions
        names, rows = s.query("SELECT id, file_name, published_on, is_current FROM v_documents")
        assert rows == [(r.document, "example-clean.txt", None, True)]
        assert s.ingest([CLEAN])[0].status == "exists"


def _write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_publication_tracking(tmp_path: Path):
    doc = api.load_document(CLEAN)
    dep, year = doc.department, doc.year
    assert dep and year
    # another department's disclosure without its 三公 tables (a real completeness failure)
    other = Disclosure.from_dict(doc.to_dict())
    other.department = "示例市第二中心"
    other.tables = [t for t in other.tables if not t.id.startswith("three_public")]
    for t in other.tables:
        t.department = other.department
    partial = write_xlsx(other, tmp_path / "partial.xlsx")
    db = tmp_path / "c.duckdb"
    runner = CliRunner()
    r = runner.invoke(app, ["ingest", str(CLEAN), "--db", str(db), "--published", f"{year + 1}-06-30"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["ingest", str(partial), "--db", str(db), "--published", f"{year + 1}-06-10"])
    assert r.exit_code == 0, r.output
    csv_path = _write_csv(
        tmp_path / "expected.csv",
        [
            "地区,部门,年度,类型,批复日期,截止日期",
            f"示例市,{dep},{year},决算,{year + 1}-06-01,",  # due 20 days after approval: 06-21, published 06-30
            f"示例市,示例市第二中心,{year},决算,,{year + 1}-06-20",  # on time, but tables missing
            f"示例市,示例市第三中心,{year},决算,,{year + 1}-06-20",  # not published
            f"另一市,某局,{year},决算,,",  # not published, no due date
        ],
    )
    r = runner.invoke(app, ["publication", "--import", str(csv_path), "--db", str(db), "-f", "json"])
    assert r.exit_code == 0, r.output
    items = {e["department"]: e for e in json.loads(r.output)["expected"]}
    assert items[dep]["status"] == "late" and items[dep]["days_late"] == 9
    assert items[dep]["due_date"] == f"{year + 1}-06-21" and items[dep]["missing_parts"] == []
    assert items["示例市第二中心"]["status"] == "on_time"
    assert any("三公" in m for m in items["示例市第二中心"]["missing_parts"])
    assert items["示例市第三中心"]["status"] == "missing" and items["示例市第三中心"]["document"] is None
    assert items["某局"]["status"] == "missing" and items["某局"]["region"] == "另一市"
    # importing the list again replaces the rows of the same department, kind, scope and year
    r = runner.invoke(app, ["publication", "--import", str(csv_path), "--db", str(db)])
    assert r.exit_code == 0
    assert "示例市：应公开 3 份" in r.output and "逾期公开 1 份" in r.output and "逾期 9 天" in r.output
    with store.open_store(db, read_only=True) as s:
        assert s.query("SELECT COUNT(*) FROM expected_publishers")[1] == [(4,)]
        assert [e.department for e in s.publication(year + 5)] == []
    # a bad list or date: a clear message, nothing imported
    bad = _write_csv(tmp_path / "bad.csv", ["部门,年度,截止日期", f"某局,{year},6月30日"])
    r = runner.invoke(app, ["publication", "--import", str(bad), "--db", str(db)])
    assert r.exit_code == 2 and "不是日期" in r.output
    r = runner.invoke(
        app, ["publication", "--import", str(_write_csv(tmp_path / "x.csv", ["名称", "a"])), "--db", str(db)]
    )
    assert r.exit_code == 2 and "缺少列" in r.output
    r = runner.invoke(app, ["ingest", str(CLEAN), "--db", str(db), "--published", "昨天"])
    assert r.exit_code == 64 and "日期“昨天”无效" in r.output
    assert date.fromisoformat(items[dep]["due_date"])
    # the scorecard's timeliness: 9 days late → 1 − 9/30; on time → 1; unknown → left out
    with store.open_store(db, read_only=True) as s:
        scores = {x.department: x for x in s.scorecard()}
    assert scores[dep].components["timeliness"] == 1 - Decimal(9) / 30
    assert scores["示例市第二中心"].components["timeliness"] == 1
    rest = {c: v for c, v in scores[dep].components.items() if c != "timeliness"}
    weights = {"completeness": Decimal("0.4"), "consistency": Decimal("0.4"), "narrative": Decimal("0.2")}
    total = sum(weights[c] * v for c, v in rest.items() if v is not None) + Decimal("0.2") * (1 - Decimal(9) / 30)
    assert scores[dep].score == (total / Decimal("1.2") * 100).quantize(Decimal("0.1"))
