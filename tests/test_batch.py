"""Batch processing (juesuan.batch, `juesuan batch`): a folder of valid documents (our example in
every format our writers make, and edited copies), corrupt, encrypted, empty and hostile files is
processed to the end with every file accounted for and every valid document stored; a second run
skips every file; a run killed half-way and restarted counts every file once; a file past the time
or memory limit, or one that kills its worker, is stopped and recorded while the batch goes on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from juesuan import api, batch, store
from juesuan.cli import app
from juesuan.store.rows import sha256_of
from juesuan.writers.docx import write_docx
from juesuan.writers.html import write_html
from juesuan.writers.xlsx import write_xlsx

REPO = Path(__file__).resolve().parents[1]
CLEAN = REPO / "examples" / "example-clean.txt"
PLANTED = REPO / "examples" / "example-planted.txt"
DEPARTMENT = "示例市数据服务中心"


def text_copies(folder: Path, n: int, prefix: str = "copy") -> list[Path]:
    """``n`` distinct documents: the clean example under other department names."""
    text = CLEAN.read_text(encoding="utf-8")
    out = []
    for i in range(n):
        p = folder / f"{prefix}_{i:02d}.txt"
        p.write_text(text.replace(DEPARTMENT, f"示例市第{i + 1}数据服务中心"), encoding="utf-8")
        out.append(p)
    return out


def pdf_bytes(pages: int = 1) -> bytes:
    from io import BytesIO

    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width=595, height=842)
    buf = BytesIO()
    w.write(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], list[Path]]:
    """The mixed folder: (folder, valid files, invalid files)."""
    from io import BytesIO

    from pypdf import PdfWriter

    d = tmp_path_factory.mktemp("mixed")
    clean = api.load_document(CLEAN)
    valid = [
        d / "a_clean.txt",
        d / "a_planted.txt",
        write_xlsx(clean, d / "b_clean.xlsx"),
        write_docx(clean, d / "b_clean.docx"),
        write_html(clean, d / "b_clean.html"),
    ]
    valid[0].write_bytes(CLEAN.read_bytes())
    valid[1].write_bytes(PLANTED.read_bytes())
    (d / "sub").mkdir()
    valid += text_copies(d / "sub", 2)
    bad: list[Path] = []

    def add(name: str, data: bytes) -> None:
        p = d / name
        p.write_bytes(data)
        bad.append(p)

    add("zero.pdf", b"")
    add("blank.txt", b"\n \n\t\n")
    add("random.pdf", b"%PDF-1.4\n" + os.urandom(3000))
    add("truncated.xlsx", valid[2].read_bytes()[:1500])
    add("not_docx.docx", b"PK\x03\x04" + os.urandom(500))
    add("nul.txt", b"\x00" * 5000 + "收入支出决算表".encode() + b"\x00\xff\xfe" * 100)
    add("latin1.txt", "Budget Übersicht\tÄnderung\n".encode("latin-1") * 50)
    # deeply nested HTML (100,000 levels) around a table
    add(
        "nested.html",
        b"<html><body>" + b"<div>" * 100_000 + b"<table><tr><td>1</td></tr></table>" + b"</div>" * 100_000,
    )
    # a zip bomb: one member of 300 MB zeros, a few hundred KB compressed
    bomb = BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            block = b"\0" * (1 << 20)
            for _ in range(300):
                fh.write(block)
    add("bomb.xlsx", bomb.getvalue())
    # a PDF whose page tree claims a million pages
    add("huge_count.pdf", pdf_bytes(1).replace(b"/Count 1", b"/Count 1000000"))
    # an encrypted PDF (user password)
    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    w.encrypt("secret")
    enc = BytesIO()
    w.write(enc)
    add("encrypted.pdf", enc.getvalue())
    add("missing_tables.pdf", pdf_bytes(2))  # pages without any text (as a scan without OCR)
    # PDF bombs by page size: the largest page PDF allows (200 × 200 inches), and a media box of
    # 10^8 points a side
    w = PdfWriter()
    w.add_blank_page(width=14400, height=14400)
    big = BytesIO()
    w.write(big)
    add("huge_page.pdf", big.getvalue())
    box = pdf_bytes(1)
    assert b"/MediaBox [ 0.0 0.0 595 842 ]" in box
    add("huge_box.pdf", box.replace(b"/MediaBox [ 0.0 0.0 595 842 ]", b"/MediaBox [ 0 0 99999999 99999999 ]"))
    return d, valid, bad


def run_batch(files: list[Path], db: Path, **kw) -> batch.Summary:
    with store.open_store(db) as s:
        return batch.run(files, s, **kw)


def test_mixed_folder_every_file_accounted_for_nothing_valid_lost(folder, tmp_path: Path):
    d, valid, bad = folder
    db = tmp_path / "c.duckdb"
    files = batch.list_files([d])
    assert sorted(files) == sorted(valid + bad)  # recursive listing, sub-folder included
    s = run_batch(files, db, workers=2, timeout=120, memory_mb=1536)
    assert s.files == len(files) == s.accounted
    assert s.added == len(valid)
    assert s.failed == len(bad)
    assert sum(s.failures_by_reason.values()) == len(bad)
    assert {Path(f) for f, _, _ in s.failures} == set(bad)
    assert all(m for _, _, m in s.failures)  # every failure says why
    reasons = {Path(f).name: r for f, r, _ in s.failures}
    assert reasons["zero.pdf"] == "empty_file"
    assert reasons["huge_count.pdf"] == "too_large"
    assert "internal_error" not in reasons.values() and "worker_crashed" not in reasons.values()
    with store.open_store(db) as st:
        stored = {r[0] for r in st.db.execute("SELECT sha256 FROM documents")}
        assert stored == {sha256_of(p) for p in valid}
        failures = st.db.execute("SELECT sha256, file_name, reason, message FROM batch_failures")
        assert sorted(r[1] for r in failures) == sorted(p.name for p in bad)
        # the error-level findings by rule are those stored
        by_rule = dict(st.db.execute("SELECT rule, COUNT(*) FROM findings WHERE severity = 'error' GROUP BY rule"))
        assert dict(s.errors_by_rule) == by_rule and by_rule

    # the second run skips every file: stored ones by hash, failed ones as failed before
    again = run_batch(files, db, workers=2)
    assert (again.added, again.failed, again.skipped, again.previously_failed) == (0, 0, len(valid), len(bad))
    assert again.accounted == len(files)
    # --retry-failed processes the failed ones again (and they fail again, recorded once each)
    retry = run_batch(bad[:3], db, workers=1, retry_failed=True)
    assert retry.failed == 3
    with store.open_store(db) as st:
        assert st.db.execute("SELECT COUNT(*) FROM batch_failures")[0][0] == len(bad)


def test_same_content_twice_in_one_batch_is_one_document(tmp_path: Path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(CLEAN.read_bytes())
    b.write_bytes(CLEAN.read_bytes())
    missing = tmp_path / "missing.txt"
    s = run_batch([a, b, missing], tmp_path / "c.duckdb", workers=1)
    assert (s.added, s.duplicates, s.failed, s.accounted) == (1, 1, 1, 3)
    assert s.failures_by_reason == {"file_not_found": 1}


HOOKS = """
import os, time
from pathlib import Path
from juesuan.batch.work import process_file

def slow(path, sha):
    if "slow" in Path(path).name:
        time.sleep(600)
    return process_file(path, sha)

def greedy(path, sha):
    if "greedy" in Path(path).name:
        hog = bytearray(4 * 1024 ** 3)  # 4 GB: beyond the worker's address-space limit
        return hog
    return process_file(path, sha)

def dies(path, sha):
    if "dies" in Path(path).name:
        os._exit(3)
    return process_file(path, sha)

def kill_parent(path, sha):
    if Path(path).name == os.environ["KILL_AT"]:
        os.kill(int(os.environ["BATCH_PARENT"]), 9)
        time.sleep(60)
    return process_file(path, sha)
"""


@pytest.fixture
def hooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A module of per-file functions that misbehave on files of a given name (the workers import it)."""
    d = tmp_path / "hooks"
    d.mkdir()
    (d / "batch_hooks.py").write_text(HOOKS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(d))
    return d


@pytest.mark.parametrize(
    "task, name, reason",
    [("slow", "slow.txt", "timeout"), ("greedy", "greedy.txt", "memory_limit"), ("dies", "dies.txt", "worker_crashed")],
)
def test_a_file_past_a_limit_is_stopped_and_the_batch_goes_on(hooks, tmp_path: Path, task, name, reason):
    d = tmp_path / "in"
    d.mkdir()
    files = text_copies(d, 3)
    odd = d / name
    odd.write_bytes(CLEAN.read_bytes())
    files.insert(1, odd)
    s = run_batch(files, tmp_path / "c.duckdb", workers=2, timeout=8, memory_mb=1024, task=f"batch_hooks:{task}")
    assert (s.added, s.failed, s.accounted) == (3, 1, 4)
    assert [(Path(f).name, r) for f, r, _ in s.failures] == [(name, reason)]


def test_files_queued_behind_a_stopped_file_go_to_the_new_worker(hooks, tmp_path: Path):
    """One worker holds two files (the one it works on and the next): when the first is stopped at
    its time limit, the second is processed by the worker that replaces it, not lost or failed."""
    d = tmp_path / "in"
    d.mkdir()
    slow = d / "a_slow.txt"
    slow.write_bytes(CLEAN.read_bytes())
    files = [slow, *text_copies(d, 3)]
    s = run_batch(files, tmp_path / "c.duckdb", workers=1, timeout=6, task="batch_hooks:slow")
    assert (s.added, s.failed, s.accounted) == (3, 1, 4)
    assert [(Path(f).name, r) for f, r, _ in s.failures] == [("a_slow.txt", "timeout")]


def test_store_claims_are_those_of_the_full_narrative_analysis():
    """The store's claim rows come from the narrative's extraction alone (the rules are not run
    again for them): the same claims as the full analysis of api.check."""
    from juesuan.narrative import analyse
    from juesuan.store.rows import claim_rows

    for path in (CLEAN, PLANTED):
        doc = api.load_document(path)
        full = [(c.sentence.raw, c.raw, c.kind, c.role, c.concept, c.basis, c.period) for c in analyse(doc).ex.claims]
        rows = [(r[1], r[2], r[5], r[6], r[7], r[8], r[9]) for r in claim_rows(doc)]
        assert len(rows) > 20 and rows == full


def test_dask_task_size():
    from juesuan.batch.dask import chunk_size

    assert chunk_size(7, 2) == 1  # few files: one a task, every thread busy to the end
    assert chunk_size(2000, 2) == 8  # many: several a task, at most 8
    assert chunk_size(100, 4) == 6


def test_dask_worker_profiler_paused_for_the_batch_then_restarted(monkeypatch):
    from juesuan.batch import work
    from juesuan.batch.dask import _resume, _warm

    monkeypatch.setattr(work, "warm_up", lambda task: None)  # not this process's imports and collector

    class Callback:
        def __init__(self, running: bool):
            self.running = running

        def is_running(self) -> bool:
            return self.running

        def start(self) -> None:
            self.running = True

        def stop(self) -> None:
            self.running = False

    class Worker:
        def __init__(self) -> None:
            self.periodic_callbacks = {
                "profile": Callback(True),
                "profile-cycle": Callback(True),
                "heartbeat": Callback(True),
            }

    w = Worker()
    assert _warm("juesuan.batch.work:process_file", dask_worker=w)
    assert [c.running for c in w.periodic_callbacks.values()] == [False, False, True]
    _resume(dask_worker=w)
    assert [c.running for c in w.periodic_callbacks.values()] == [True, True, True]
    # a profiler the cluster had turned off stays off
    w.periodic_callbacks["profile"].running = False
    _warm("juesuan.batch.work:process_file", dask_worker=w)
    _resume(dask_worker=w)
    assert [c.running for c in w.periodic_callbacks.values()] == [False, True, True]


def test_killed_half_way_then_restarted_counts_every_file_once(hooks, tmp_path: Path):
    d = tmp_path / "in"
    d.mkdir()
    files = text_copies(d, 10)
    db = tmp_path / "c.duckdb"
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(hooks)!r})
        os.environ["BATCH_PARENT"] = str(os.getpid())
        from pathlib import Path
        from juesuan import batch, store
        with store.open_store({str(db)!r}) as s:
            batch.run(batch.list_files([{str(d)!r}]), s, workers=1, batch_size=2, task="batch_hooks:kill_parent")
        """
    )
    env = dict(os.environ, KILL_AT="copy_06.txt")
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=300)
    assert proc.returncode == -9  # killed by the worker on the 7th file
    with store.open_store(db) as s:
        first = int(s.db.execute("SELECT COUNT(*) FROM documents")[0][0])
    assert 0 < first < len(files)  # flushed every 2 documents: 6 stored
    out = CliRunner().invoke(app, ["batch", str(d), "--db", str(db), "--workers", "2", "--format", "json"])
    assert out.exit_code == 0, out.output
    summary = json.loads(out.output)
    assert summary["files"] == len(files)
    assert (summary["skipped"], summary["added"], summary["failed"]) == (first, len(files) - first, 0)
    with store.open_store(db) as s:
        assert s.db.execute("SELECT COUNT(*), COUNT(DISTINCT sha256) FROM documents")[0] == (len(files), len(files))
    again = CliRunner().invoke(app, ["batch", str(d), "--db", str(db)])
    assert again.exit_code == 0
    assert f"已在库中（跳过）{len(files)} 份" in again.output


def test_cli_list_file_text_summary_and_exit_status(tmp_path: Path):
    d = tmp_path / "in"
    d.mkdir()
    (good,) = text_copies(d, 1)
    (d / "empty.txt").write_bytes(b"")
    lst = tmp_path / "files.txt"
    lst.write_text(f"# 清单\n{good}\nin/empty.txt\n\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["batch", "--list", str(lst), "--db", str(tmp_path / "c.duckdb"), "-w", "1"])
    assert out.exit_code == 2
    assert "共 2 个文件：新入库 1 份" in out.output
    assert "empty_file（文件为空）：1 份" in out.output
    usage = CliRunner().invoke(app, ["batch", "--db", str(tmp_path / "c.duckdb")])
    assert usage.exit_code == 64
    dask = CliRunner().invoke(app, ["batch", str(d), "--engine", "dask", "--db", str(tmp_path / "c.duckdb")])
    assert dask.exit_code == 64 and "--scheduler" in dask.output


def _stored(db: Path) -> dict[str, tuple]:
    """Per content hash: the document's counts, its cells and its findings (ids and times left out)."""
    with store.open_store(db) as s:
        docs = s.db.execute(
            "SELECT id, sha256, file_name, department, tables, errors, warnings, infos, rules_pass, rules_fail,"
            " rules_not_applicable, rules_insufficient_data, reading_problems FROM documents"
        )
        out = {}
        for doc_id, sha, *rest in docs:
            cells = s.db.execute(
                "SELECT table_id, row_seq, column_id, value_text FROM cells WHERE document = ? ORDER BY ALL", [doc_id]
            )
            findings = s.db.execute(
                "SELECT rule, severity, message FROM findings WHERE document = ? ORDER BY ALL", [doc_id]
            )
            out[sha] = (tuple(rest), tuple(cells), tuple(findings))
        return out


def test_dask_cluster_gives_the_results_of_the_local_pool(folder, tmp_path: Path):
    distributed = pytest.importorskip("distributed", reason="Dask 未安装（可选组件 juesuan[dask]）")
    d, valid, bad = folder
    files = valid[:4] + bad[:3]
    local = run_batch(files, tmp_path / "local.duckdb", workers=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        remote = run_batch(files, tmp_path / "dask.duckdb", engine="dask", scheduler=c.scheduler_address)
        # tasks of 3 files, valid and bad ones mixed in a task
        chunked = run_batch(files, tmp_path / "chunk.duckdb", engine="dask", scheduler=c.scheduler_address, chunk=3)
    for s in (local, remote, chunked):
        assert (s.added, s.failed, s.accounted) == (4, 3, 7)
    for s in (remote, chunked):
        assert s.failures_by_reason == local.failures_by_reason
        assert s.errors_by_rule == local.errors_by_rule
    assert _stored(tmp_path / "dask.duckdb") == _stored(tmp_path / "local.duckdb")
    assert _stored(tmp_path / "chunk.duckdb") == _stored(tmp_path / "local.duckdb")
