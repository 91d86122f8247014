"""Unusable input: a clear Chinese message and exit 2, or a clear finding; never a traceback."""

from __future__ import annotations

import subprocess
from pathlib import Path
from conftest import run_cli as run


def assert_clean_exit2(proc: subprocess.CompletedProcess, words: str) -> None:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("错误：")
    assert words in proc.stderr


def test_empty_file(tmp_path: Path):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    assert_clean_exit2(run("check", str(f)), "文件为空")


def test_missing_file(tmp_path: Path):
    assert_clean_exit2(run("check", str(tmp_path / "nope.txt")), "文件不存在")


def test_binary_file(tmp_path: Path):
    f = tmp_path / "blob.txt"
    f.write_bytes(bytes(range(256)) * 40)
    assert_clean_exit2(run("check", str(f)), "不是文本文件")


def test_text_without_tables(tmp_path: Path):
    f = tmp_path / "prose.txt"
    f.write_text("这是一段与决算无关的文字。\n第二行文字。\n", encoding="utf-8")
    assert_clean_exit2(run("check", str(f)), "未在文件中识别出任何决算表格")
    assert_clean_exit2(run("parse", str(f), "--format", "cells"), "未在文件中识别出任何决算表格")


def test_unknown_variant(seed_path: Path):
    # a bad option value: a usage error (exit 64), found before the file is read
    proc = run("check", str(seed_path), "--variant", "mars")
    assert proc.returncode == 64 and proc.stderr.startswith("错误：未知的版式：mars") and "Traceback" not in proc.stderr


def test_gb18030_text_reads_like_utf8(seed_path: Path, tmp_path: Path):
    f = tmp_path / "gb.txt"
    f.write_bytes(seed_path.read_text(encoding="utf-8").encode("gb18030"))
    a = run("parse", str(seed_path), "--format", "cells")
    b = run("parse", str(f), "--format", "cells")
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout


def test_table_cut_off_midway(seed_path: Path, tmp_path: Path):
    lines = seed_path.read_text(encoding="utf-8").split("\n")
    cut = next(i for i, line in enumerate(lines) if line.startswith("210\t")) + 2  # inside 公开02表
    f = tmp_path / "cut.txt"
    f.write_text("\n".join(lines[:cut]), encoding="utf-8")
    # two of the twelve tables: taken for a fragment unless told it is the whole disclosure
    import json

    fragment = json.loads(run("check", str(f), "--format", "json").stdout)
    assert fragment["document"]["coverage"] == "fragment"
    status = {r["id"]: r for r in fragment["rules"]}["completeness.required_tables"]
    assert status["status"] == "not_applicable" and "节选" in status["reason"]
    proc = run("check", str(f), "--format", "json", "--scope", "full")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert report["document"]["coverage"] == "full"
    reading = [x for x in report["findings"] if x["rule"] == "reading.tables"]
    assert any("中断" in x["message"] and "收入决算表" in x["message"] for x in reading)
    missing = [x["message"] for x in report["findings"] if x["rule"] == "completeness.required_tables"]
    assert any("公开03表" in m for m in missing)


def test_truncated_row_does_not_crash(seed_path: Path, tmp_path: Path):
    text = seed_path.read_text(encoding="utf-8").replace(
        "212\t\t\t城乡社区支出\t835.29\t520.25\t\t315.04", "212\t\t\t城乡社区支", 1
    )
    f = tmp_path / "row.txt"
    f.write_text(text, encoding="utf-8")
    proc = run("check", str(f))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
