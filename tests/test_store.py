"""The corpus store (juesuan.store) on DuckDB: ingest of our generated example in every format the
writers make (and of the seed when ../shared is there), re-ingest as a no-op, atomic documents, the
compare of two versions, statistics, queries, exports, the locked-file message."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from juesuan import api, store
from juesuan.cli import app
from juesuan.model import Disclosure
from juesuan.store import schema
from juesuan.store.dialect import DuckDB
from juesuan.store.export import validate_datapackage
from juesuan.writers.docx import write_docx
from juesuan.writers.html import write_html
from juesuan.writers.xlsx import write_xlsx

REPO = Path(__file__).resolve().parents[1]
CLEAN = REPO / "examples" / "example-clean.txt"
PLANTED = REPO / "examples" / "example-planted.txt"


def counts(s: store.Store) -> dict[str, int]:
    return {t: int(s.db.execute(f"SELECT COUNT(*) FROM {t}")[0][0]) for t in schema.TABLES}


@pytest.fixture(scope="module")
def clean() -> Disclosure:
    return api.load_document(CLEAN)


@pytest.fixture(scope="module")
def formats(clean: Disclosure, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The example written as XLSX, DOCX and HTML by our writers."""
    d = tmp_path_factory.mktemp("formats")
    return [
        write_xlsx(clean, d / "clean.xlsx"),
        write_docx(clean, d / "clean.docx"),
        write_html(clean, d / "clean.html"),
    ]


def test_ingest_and_reingest_is_a_no_op(tmp_path: Path):
    with store.open_store(tmp_path / "c.duckdb") as s:
        first = s.ingest([CLEAN, PLANTED])
        assert [r.status for r in first] == ["added", "added"]
        before = counts(s)
        assert before["cells"] > 500 and before["findings"] > 0 and before["rule_statuses"] > 50
        assert before["claims"] > 0 and before["narrative"] > 0
        again = s.ingest([CLEAN, PLANTED, CLEAN])
        assert [r.status for r in again] == ["exists"] * 3
        assert [r.document for r in again] == [first[0].document, first[1].document, first[0].document]
        assert counts(s) == before
        # each schema version recorded once, not applied again on reopening
        versions = [(n,) for n in range(1, len(schema.MIGRATIONS) + 1)]
        assert s.db.execute("SELECT version FROM schema_version ORDER BY version") == versions
    with store.open_store(tmp_path / "c.duckdb") as s:
        assert s.db.execute("SELECT version FROM schema_version ORDER BY version") == versions
        assert counts(s) == before


def test_cells_are_exact(tmp_path: Path, clean: Disclosure):
    """Every amount cell of the model is a row of ``cells`` with its exact value, unit and page."""
    with store.open_store(tmp_path / "c.duckdb") as s:
        (r,) = s.ingest([CLEAN])
        rows = s.db.execute(
            "SELECT table_id, row_label, column_id, value, value_text, raw, unit FROM cells WHERE document = ?",
            [r.document],
        )
    want = {
        (t.id, row.label, col.id, cell.value, cell.raw, t.unit)
        for t in clean.tables
        for row, col, cell in t.iter_cells()
    }
    got = {
        (t, label, col, Decimal(text) if text is not None else None, raw, unit)
        for t, label, col, _v, text, raw, unit in rows
    }
    assert got == want
    assert all(v == Decimal(text) for *_x, v, text, _r, _u in rows if text is not None)


def test_every_format_stores_the_same_amounts(tmp_path: Path, formats: list[Path]):
    with store.open_store(tmp_path / "c.duckdb") as s:
        results = s.ingest([CLEAN, *formats])
        assert [r.status for r in results] == ["added"] * 4
        ids = [r.document for r in results]
        for other in ids[1:]:
            assert s.compare(ids[0], other).changes == []
        # the same department and year: each file is a new version of the one before
        assert [r.supersedes for r in results] == [None, *ids[:-1]]
        current = s.db.execute("SELECT id FROM v_documents WHERE is_current")
        assert current == [(ids[-1],)]


def test_failure_mid_document_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    real = DuckDB.bulk_insert

    def failing(self, table, columns, rows):
        if table == "findings":  # after the document, its tables and cells were written
            raise RuntimeError("disk full (simulated)")
        return real(self, table, columns, rows)

    with store.open_store(tmp_path / "c.duckdb") as s:
        monkeypatch.setattr(DuckDB, "bulk_insert", failing)
        (r,) = s.ingest([CLEAN])
        assert r.status == "failed" and "已撤销" in str(r.error)
        assert set(counts(s).values()) == {0}
        monkeypatch.setattr(DuckDB, "bulk_insert", real)
        (r,) = s.ingest([CLEAN])
        assert r.status == "added"


def test_a_failing_document_of_a_batch_does_not_hold_back_the_others(tmp_path: Path):
    clean_report = api.check(CLEAN)
    planted_report = api.check(PLANTED)
    good = store.document_rows(clean_report, "a" * 64, "good.txt")
    bad = store.document_rows(planted_report, "b" * 64, "bad.txt")
    bad.tables["cells"][5] = bad.tables["cells"][5][:3]  # a malformed row: the load fails
    with store.open_store(tmp_path / "c.duckdb") as s:
        results = s.add([good, bad])
        assert [r.status for r in results] == ["added", "failed"]
        assert s.db.execute("SELECT file_name FROM documents") == [("good.txt",)]
        assert s.db.execute("SELECT COUNT(DISTINCT document) FROM cells")[0][0] == 1


def test_killed_ingest_leaves_no_partial_document(tmp_path: Path):
    """The process dies (os._exit) after writing a document's cells, before its commit."""
    db = tmp_path / "c.duckdb"
    code = textwrap.dedent(
        f"""
        import os
        from juesuan import store
        from juesuan.store.dialect import DuckDB
        real = DuckDB.bulk_insert
        def dying(self, table, columns, rows):
            real(self, table, columns, rows)
            if table == "cells":
                os._exit(9)
        DuckDB.bulk_insert = dying
        store.open_store({str(db)!r}).ingest([{str(CLEAN)!r}])
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 9, proc.stderr
    with store.open_store(db) as s:
        assert set(counts(s).values()) == {0}
        assert s.ingest([CLEAN])[0].status == "added"


def _edited(doc: Disclosure, edits: list[tuple[str, str, str, str]]) -> Disclosure:
    """A copy of ``doc`` with the cells (table, row code, column) set to new values."""
    copy = Disclosure.from_dict(doc.to_dict())
    for table_id, code, col, value in edits:
        (row,) = [r for r in copy.table(table_id).rows if r.code == code]  # type: ignore[union-attr]
        cell = row.cells[col]
        cell.value = Decimal(value)
        cell.raw = value
    return copy


def test_compare_versions_reports_exactly_the_changed_lines(tmp_path: Path, clean: Disclosure):
    item = next(r for r in clean.table("expenditure").rows if r.code and len(r.code) == 7 and r.cells["total"].value)  # type: ignore[union-attr]
    econ = next(r for r in clean.table("basic").rows if r.code and len(r.code) == 5 and r.cells["amount"].value)  # type: ignore[union-attr]
    old_total, old_econ = item.cells["total"].value, econ.cells["amount"].value
    assert old_total is not None and old_econ is not None
    edits = [
        ("expenditure", item.code, "total", str(old_total + Decimal("12.34"))),
        ("basic", econ.code, "amount", str(old_econ * 2)),
    ]
    first = write_xlsx(clean, tmp_path / "v1.xlsx")
    second = write_xlsx(_edited(clean, edits), tmp_path / "v2.xlsx")  # type: ignore[arg-type]
    with store.open_store(tmp_path / "c.duckdb") as s:
        a, b = (r.document for r in s.ingest([first, second]))
        cmp = s.compare(a, b)
        assert cmp.versions
        got = {(c.table, c.row.split()[0], c.before, c.after, c.status) for c in cmp.changes}
        assert got == {
            ("expenditure", item.code, old_total, old_total + Decimal("12.34"), "changed"),
            ("basic", econ.code, old_econ, old_econ * 2, "changed"),
        }
        pct = {c.table: c.percent for c in cmp.changes}
        assert pct["basic"] == Decimal("100.00")
        # the clean first version had no error; the edits broke sums: new findings, none fixed
        assert cmp.fixed == [] and cmp.new and all(f["severity"] in ("error", "warning", "info") for f in cmp.new)
        back = s.compare(b, a)
        assert [f["message"] for f in back.fixed] == [f["message"] for f in cmp.new] and back.new == []
        data = cmp.to_dict()
        assert data["summary"] == {"changed": 2} and len(data["findings"]["new"]) == len(cmp.new)


def test_compare_planted_lists_its_edits(tmp_path: Path):
    """The planted example against the clean one: the planted shifts are lines in the comparison
    (the income column shift shows as two changed lines, blank ↔ amount)."""
    with store.open_store(tmp_path / "c.duckdb") as s:
        a, b = (r.document for r in s.ingest([CLEAN, PLANTED]))
        cmp = s.compare(a, b)
        statuses = sorted(c.status for c in cmp.changes)
        assert statuses.count("changed") >= 3 and cmp.remaining == [] and cmp.fixed == []
        assert {f["rule"] for f in cmp.new} >= {"income.hierarchy", "codes.project.scheme"}
        text = cmp.text()
        assert "变动：" in text and "新出现的问题" in text


def test_stats_query_and_views(tmp_path: Path):
    db = tmp_path / "c.duckdb"
    runner = CliRunner()
    r = runner.invoke(app, ["ingest", str(CLEAN), str(PLANTED), "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "已入库：example-planted.txt" in r.output and "是编号 1 的新版本" in r.output
    r = runner.invoke(app, ["stats", "--db", str(db), "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["documents"] == 2 and data["current_documents"] == 1
    by_rule = {(x["rule"], x["severity"]): x["findings"] for x in data["findings_by_rule"]}
    assert by_rule[("income.hierarchy", "error")] == 2
    (tp,) = data["three_public"]
    assert tp["three_public_final"] == "3.04" and tp["unit"] == "万元"  # the planted version is current
    with store.open_store(db) as s:
        for view in schema.VIEWS:
            names, _rows = s.query(f"SELECT * FROM {view}")
            assert names
    r = runner.invoke(
        app, ["query", "SELECT id, is_current FROM v_documents ORDER BY id", "--db", str(db), "-f", "csv"]
    )
    assert r.exit_code == 0 and r.output.splitlines() == ["id,is_current", "1,false", "2,true"]
    r = runner.invoke(app, ["query", "SELECT nope FROM v_documents", "--db", str(db)])
    assert r.exit_code == 2 and "查询无法执行" in r.output and "nope" in r.output
    r = runner.invoke(app, ["query", "DELETE FROM documents", "--db", str(db)])
    assert r.exit_code == 2
    with store.open_store(db) as s:
        assert counts(s)["documents"] == 2  # queries are read-only
    r = runner.invoke(app, ["query", f"COPY (SELECT * FROM documents) TO '{tmp_path / 'out.csv'}'", "--db", str(db)])
    assert r.exit_code == 2 and not (tmp_path / "out.csv").exists()  # and reach no file
    r = runner.invoke(app, ["compare", "example-clean.txt", "2", "--db", str(db)])
    assert r.exit_code == 0 and "同一部门同一年度的两个版本" in r.output
    r = runner.invoke(app, ["compare", "1", "nosuch.pdf", "--db", str(db)])
    assert r.exit_code == 2 and "库中没有这份文件" in r.output


def test_exports(tmp_path: Path):
    db = tmp_path / "c.duckdb"
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(CLEAN), "--db", str(db)]).exit_code == 0
    with store.open_store(db) as s:
        n_cells = counts(s)["cells"]
    r = runner.invoke(app, ["export", "v_cells", "-f", "parquet", "-o", str(tmp_path / "c.parquet"), "--db", str(db)])
    assert r.exit_code == 0, r.output
    con = duckdb.connect()
    assert con.execute(f"SELECT COUNT(*) FROM read_parquet('{tmp_path / 'c.parquet'}')").fetchone() == (n_cells,)
    typ = con.execute(f"SELECT typeof(value) FROM read_parquet('{tmp_path / 'c.parquet'}') LIMIT 1").fetchone()
    assert typ == ("DECIMAL(20,2)",)
    r = runner.invoke(app, ["export", "v_cells", "-f", "csv", "-o", str(tmp_path / "c.csv"), "--db", str(db)])
    assert r.exit_code == 0
    assert con.execute(f"SELECT COUNT(*) FROM read_csv('{tmp_path / 'c.csv'}')").fetchone() == (n_cells,)
    r = runner.invoke(app, ["export", "-o", str(tmp_path / "x.csv"), "--db", str(db)])
    assert r.exit_code == 64 and "请给出要导出的视图" in r.output
    r = runner.invoke(app, ["export", "no_view", "-o", str(tmp_path / "x.csv"), "--db", str(db)])
    assert r.exit_code == 2 and "没有名为“no_view”的视图" in r.output
    fdp = tmp_path / "fdp"
    r = runner.invoke(app, ["export", "-f", "fdp", "-o", str(fdp), "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert validate_datapackage(fdp) == []
    desc = json.loads((fdp / "datapackage.json").read_text(encoding="utf-8"))
    rows = con.execute(f"SELECT * FROM read_csv('{fdp / 'amounts.csv'}', all_varchar=true)").fetchall()
    assert rows and {r[3] for r in rows} == {"executed"}
    assert desc["model"]["measures"]["amount"]["currency"] == "CNY"
    # amounts in 元: a 万元 cell × 10000; functional codes split into 类/款/项
    item = con.execute(
        f"SELECT functional_class, functional_kuan, functional_xiang, amount FROM read_csv('{fdp / 'amounts.csv'}',"
        " all_varchar=true) WHERE table_id = 'expenditure' AND length(row_code) = 7 LIMIT 1"
    ).fetchone()
    assert item is not None and item[1].startswith(item[0]) and item[2].startswith(item[1])
    # the check finds a broken package
    text = (fdp / "amounts.csv").read_text(encoding="utf-8").splitlines()
    cols = text[1].split(",")
    cols[-1] = "十元"
    (fdp / "amounts.csv").write_text("\n".join([text[0], ",".join(cols)] + text[2:]) + "\n", encoding="utf-8")
    assert any("is not of type number" in p for p in validate_datapackage(fdp))


def test_locked_database_says_so(tmp_path: Path):
    db = tmp_path / "c.duckdb"
    store.open_store(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys, time; c = duckdb.connect({str(db)!r}); print('ok', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        r = CliRunner().invoke(app, ["ingest", str(CLEAN), "--db", str(db)])
        assert r.exit_code == 2
        assert "数据库文件正被另一个进程使用" in r.output and f"进程号 {holder.pid}" in r.output
        assert "Traceback" not in r.output
    finally:
        holder.kill()
        holder.wait()


def test_default_database_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("JUESUAN_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert store.default_path() == tmp_path / "data" / "juesuan" / "juesuan.duckdb"
    monkeypatch.setenv("JUESUAN_DB", str(tmp_path / "x.duckdb"))
    r = CliRunner().invoke(app, ["ingest", str(CLEAN)])
    assert r.exit_code == 0 and (tmp_path / "x.duckdb").exists()
    r = CliRunner().invoke(app, ["stats", "--db", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 2 and "数据库文件不存在" in r.output


def test_seed_ingest(seed_path: Path, tmp_path: Path):
    with store.open_store(tmp_path / "c.duckdb") as s:
        (r,) = s.ingest([seed_path])
        assert r.status == "added" and r.errors > 0
        report = api.check(seed_path)
        stored = s.db.execute(
            "SELECT rule, severity, message FROM findings WHERE document = ? ORDER BY seq", [r.document]
        )
        assert stored == [(f.rule, f.severity, f.message) for f in report.findings]
        assert s.ingest([seed_path])[0].status == "exists"
        assert s.stats().findings_by_rule


def _expected_component(report, component: str) -> Decimal | None:
    """The documented formula, computed from the report's rule statuses."""
    weight = {"error": 3, "warning": 1, "info": 0}
    groups = {"completeness": ("completeness.", "reading."), "narrative": ("narrative.", "performance.")}

    def category(rule_id: str) -> str:
        return next((c for c, p in groups.items() if rule_id.startswith(p)), "consistency")

    applied = passed = 0
    for r in report.rules:
        if r.status not in ("pass", "fail") or category(r.id) != component:
            continue
        applied += weight[r.severity]
        passed += weight[r.severity] if r.status == "pass" else 0
    return Decimal(passed) / applied if applied else None


def test_scorecard_follows_the_documented_formula(tmp_path: Path):
    planted = api.check(PLANTED)
    rows = store.document_rows(planted, "c" * 64, "planted.txt")
    # a second document without narrative rules: its narrative component is left out
    no_narrative = store.document_rows(planted, "d" * 64, "tables-only.txt")
    no_narrative.meta = dict(no_narrative.meta, department="另一部门")
    no_narrative.tables["rule_statuses"] = [
        r for r in no_narrative.tables["rule_statuses"] if not r[0].startswith(("narrative.", "performance."))
    ]
    with store.open_store(tmp_path / "c.duckdb") as s:
        s.add([rows, no_narrative])
        scores = {x.file_name: x for x in s.scorecard()}
    comps: dict[str, Decimal | None] = {
        c: _expected_component(planted, c) for c in ("completeness", "consistency", "narrative")
    }
    comps["timeliness"] = None  # no publication date, no expected-publisher list
    assert comps["consistency"] is not None and comps["consistency"] < 1  # the planted errors
    weights = {"completeness": Decimal("0.4"), "consistency": Decimal("0.4"), "narrative": Decimal("0.2")}
    full = sum(weights[c] * v for c, v in comps.items() if v is not None and c in weights)
    assert scores["planted.txt"].components == comps
    assert scores["planted.txt"].score == (full * 100).quantize(Decimal("0.1"))
    part = (weights["completeness"] * comps["completeness"] + weights["consistency"] * comps["consistency"]) / Decimal(
        "0.8"
    )
    assert scores["tables-only.txt"].components["narrative"] is None
    assert scores["tables-only.txt"].score == (part * 100).quantize(Decimal("0.1"))
    r = CliRunner().invoke(app, ["scorecard", "--db", str(tmp_path / "c.duckdb"), "-f", "json"])
    assert r.exit_code == 0
    listed = json.loads(r.output)["documents"]
    assert [Decimal(d["score"]) for d in listed] == sorted(Decimal(d["score"]) for d in listed)  # lowest first
    assert {d["file_name"]: d["score"] for d in listed} == {k: str(v.score) for k, v in scores.items()}


def test_charts(tmp_path: Path):
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (pip install -e '.[charts]')")
    from juesuan.store.charts import CJK_FAMILIES  # noqa: F401  (the module imports without matplotlib too)

    db = tmp_path / "c.duckdb"
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(CLEAN), str(PLANTED), "--db", str(db)]).exit_code == 0
    r = runner.invoke(app, ["compare", "1", "2", "--db", str(db), "--chart", str(tmp_path / "c.svg")])
    if r.exit_code == 2 and "未找到中文字体" in r.output:
        pytest.skip("no CJK font installed (fonts-noto-cjk): charts cannot print Chinese")
    assert r.exit_code == 0, r.output
    svg = (tmp_path / "c.svg").read_text(encoding="utf-8")
    assert "变动额" in svg and "政府办公厅" in svg  # text kept as text, in Chinese
    r = runner.invoke(app, ["stats", "--db", str(db), "--chart", str(tmp_path / "s.png")])
    assert r.exit_code == 0, r.output
    from PIL import Image

    with Image.open(tmp_path / "s.png") as im:
        assert im.format == "PNG" and im.size[0] > 500
    r = runner.invoke(app, ["stats", "--db", str(db), "--chart", str(tmp_path / "s.pdf")])
    assert r.exit_code == 2 and ".png 或 .svg" in r.output
