"""The corpus store on a real PostgreSQL server: a throwaway cluster (initdb + pg_ctl from the
Debian postgresql package, which scripts/system-deps.sh installs) on a free port in a temporary
folder. The same documents stored in DuckDB and in PostgreSQL give the same query results."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from juesuan import api, store
from juesuan.store.dialect import Postgres, rows_text
from juesuan.writers.xlsx import write_xlsx

REPO = Path(__file__).resolve().parents[1]
CLEAN = REPO / "examples" / "example-clean.txt"
PLANTED = REPO / "examples" / "example-planted.txt"
SEED = REPO.parent / "shared" / "seeds" / "000_f2a3e5ca77432ebc.txt"


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[postgres]')")
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip(
            "PostgreSQL server programs (initdb, pg_ctl) are not installed: scripts/system-deps.sh installs them"
        )
    run_as: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="juesuan-pg-"))
    if os.geteuid() == 0:  # the server refuses to run as root: run it as the postgres user
        runuser = shutil.which("runuser")
        try:
            import pwd

            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root without a postgres system user: cannot start a PostgreSQL server")
        if not runuser:
            pytest.skip("running as root without runuser: cannot start a PostgreSQL server as another user")
        os.chown(folder, user.pw_uid, user.pw_gid)
        run_as = [runuser, "-u", "postgres", "--"]
    data = folder / "data"
    port = _free_port()
    log = folder / "server.log"
    try:
        subprocess.run(
            run_as + [initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        opts = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            run_as + [pg_ctl, "-D", str(data), "-l", str(log), "-o", opts, "-w", "-t", "60", "start"],
            check=True,
            capture_output=True,
            timeout=120,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"could not start a throwaway PostgreSQL server: {exc}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(run_as + [pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def _fresh(url: str) -> None:
    """Drop everything the store created (each test starts from an empty database)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute("DROP SCHEMA public CASCADE")
        con.execute("CREATE SCHEMA public")


QUERIES = [
    "SELECT id, sha256, file_name, department, year, kind, scope, coverage, variant, region, supersedes, tables,"
    " errors, warnings, infos, rules_pass, rules_fail, rules_not_applicable, rules_insufficient_data, published_on,"
    " is_current"
    " FROM v_documents",
    "SELECT * FROM v_cells",
    "SELECT * FROM v_findings",
    "SELECT * FROM v_rule_statuses",
    "SELECT * FROM v_narrative",
    "SELECT * FROM v_claims",
    "SELECT * FROM v_findings_by_rule",
    "SELECT * FROM v_completeness",
    "SELECT * FROM v_three_public",
    "SELECT * FROM v_staff",
    "SELECT * FROM finding_cells",
    "SELECT * FROM doc_tables",
    "SELECT rule, severity, SUM(CASE WHEN severity = 'error' THEN 1 ELSE 0 END) AS n FROM findings GROUP BY rule, severity",
]


def test_duckdb_and_postgres_give_the_same_results(pg_url: str, tmp_path: Path):
    _fresh(pg_url)
    files = [CLEAN, PLANTED, write_xlsx(api.load_document(PLANTED), tmp_path / "p.xlsx")]
    if SEED.exists():  # the real documents of ../shared when present: the seed and the corpus
        files.append(SEED)
        files.extend(sorted(p for p in (SEED.parents[1] / "corpus" / "final").glob("*") if p.is_file()))
    with store.open_store(tmp_path / "c.duckdb") as duck, store.open_store(pg_url) as pg:
        got_duck = duck.ingest(files)
        got_pg = pg.ingest(files)
        assert [(r.status, r.document, r.supersedes) for r in got_duck] == [
            (r.status, r.document, r.supersedes) for r in got_pg
        ]
        assert all(r.status == "added" for r in got_pg)
        for sql in QUERIES:
            names_d, rows_d = duck.query(sql)
            names_p, rows_p = pg.query(sql)
            assert names_d == names_p, sql
            assert sorted(rows_text(rows_d), key=repr) == sorted(rows_text(rows_p), key=repr), sql
        assert duck.stats().to_dict() == pg.stats().to_dict()
        assert [x.to_dict() for x in duck.scorecard()] == [x.to_dict() for x in pg.scorecard()]
        expected = tmp_path / "expected.csv"
        expected.write_text(
            "region,department,year,kind,due_date\n示例市,示例市数据服务中心,2024,决算,2025-06-20\n示例市,某局,2024,决算,\n",
            encoding="utf-8",
        )
        assert duck.import_expected(expected) == pg.import_expected(expected) == 2
        assert [e.to_dict() for e in duck.publication()] == [e.to_dict() for e in pg.publication()]
        assert duck.query("SELECT * FROM expected_publishers")[1] == pg.query("SELECT * FROM expected_publishers")[1]
        assert duck.compare(1, 2).to_dict() == pg.compare(1, 2).to_dict()
        assert duck.compare(2, 3).to_dict() == pg.compare(2, 3).to_dict()
        # re-ingest: a no-op in both
        assert {r.status for r in pg.ingest(files)} == {"exists"}
        assert pg.query("SELECT COUNT(*) FROM documents")[1] == [(len(files),)]


def test_postgres_document_is_atomic_and_exports(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    _fresh(pg_url)
    real = Postgres.bulk_insert

    def failing(self, table, columns, rows):
        if table == "rule_statuses":
            raise RuntimeError("connection lost (simulated)")
        return real(self, table, columns, rows)

    with store.open_store(pg_url) as pg:
        monkeypatch.setattr(Postgres, "bulk_insert", failing)
        (r,) = pg.ingest([CLEAN])
        assert r.status == "failed"
        for table in ("documents", "cells", "findings", "rule_statuses", "claims"):
            assert pg.query(f"SELECT COUNT(*) FROM {table}")[1] == [(0,)]
        monkeypatch.setattr(Postgres, "bulk_insert", real)
        assert pg.ingest([CLEAN])[0].status == "added"
        # exports from PostgreSQL open in DuckDB with the amounts' type kept
        n = pg.export("v_cells", "parquet", tmp_path / "c.parquet")
        import duckdb

        con = duckdb.connect()
        assert con.execute(f"SELECT COUNT(*) FROM read_parquet('{tmp_path / 'c.parquet'}')").fetchone() == (n,)
        assert (
            con.execute(f"SELECT typeof(value) FROM read_parquet('{tmp_path / 'c.parquet'}') LIMIT 1")
            .fetchone()[0]
            .startswith("DECIMAL")
        )
        # a read-only store refuses writes
    with store.open_store(pg_url, read_only=True) as ro:
        with pytest.raises(store.StoreError):
            ro.query("DELETE FROM documents")
        assert ro.query("SELECT COUNT(*) FROM documents")[1] == [(1,)]


def test_unreachable_server_says_so(tmp_path: Path):
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[postgres]')")
    with pytest.raises(store.StoreError, match="无法连接 PostgreSQL 数据库"):
        store.open_store(f"postgresql://postgres@127.0.0.1:{_free_port()}/postgres?connect_timeout=3")
