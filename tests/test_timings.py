"""``juesuan check --timings``: every stage of a check is counted, the differential check included.

Class of input: any check; the differential check (pdfplumber's second reading of ruled pages) is
run here on our generated ruled PDF (tests/fixtures/roundtrip/example-ruled.pdf) by marking one of
its pages suspect. The accounting itself is tested on a fake clock, so nothing depends on speed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from juesuan import api, differential, timing

FIXTURE = Path(__file__).parent / "fixtures" / "roundtrip" / "example-ruled.pdf"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """timing's clock, advanced by hand."""
    now = [100.0]
    monkeypatch.setattr(timing.time, "perf_counter", lambda: now[0])
    yield now
    timing._stages = None


def test_nested_stages_count_each_second_once(clock: list[float]) -> None:
    timing.enable()
    timing.record("startup", 0.5)
    with timing.stage("read"):
        clock[0] += 1.0
    with timing.stage("differential"):
        clock[0] += 2.0
        with timing.stage("rules"):  # the outer stage pauses while the inner one runs
            clock[0] += 4.0
        clock[0] += 8.0
    clock[0] += 16.0  # outside every stage
    assert timing.stages() == {"startup": 0.5, "read": 1.0, "differential": 10.0, "rules": 4.0}
    line = timing.summary()
    assert "差异核对 10.000" in line and "表格规则 4.000" in line and "其他 16.000" in line
    assert line.endswith("合计 31.500")  # start-up and everything since enable(): nothing left out


def test_the_differential_check_is_a_stage_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pdfplumber")
    if not FIXTURE.exists():
        pytest.skip("example-ruled.pdf was not generated (LibreOffice was absent)")
    monkeypatch.delenv("JUESUAN_PDF_DIFFERENTIAL", raising=False)
    asked: list[set[int]] = []
    real = differential._suspect_pages

    def suspect(doc: Any, errors: Any) -> set[int]:
        asked.append(real(doc, errors) | {7})
        return asked[-1]

    monkeypatch.setattr(differential, "_suspect_pages", suspect)
    timing.enable()
    try:
        api.check(FIXTURE)
        st = timing.stages()
        line = timing.summary()
    finally:
        timing._stages = None
    assert asked == [{7}]  # pdfplumber read page 7
    assert st["differential"] > 0 and {"read", "recognize", "rules", "narrative"} <= set(st)
    assert "差异核对" in line


def test_the_cli_line_names_the_differential_check_when_it_runs() -> None:
    pytest.importorskip("pdfplumber")
    if not FIXTURE.exists():
        pytest.skip("example-ruled.pdf was not generated (LibreOffice was absent)")
    env = dict(os.environ, JUESUAN_PDF_DIFFERENTIAL="always", JUESUAN_OCR="off")
    proc = subprocess.run(
        [sys.executable, "-m", "juesuan", "check", str(FIXTURE), "--timings", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    line = proc.stderr.strip().splitlines()[-1]
    assert line.startswith("用时（秒）：启动") and "差异核对" in line and "；合计" in line
    parts = [float(p.split()[-1]) for p in line.split("：", 1)[1].split("；")[0].split("，")]
    total = float(line.rsplit(" ", 1)[1])
    assert abs(sum(parts) - total) < 0.0105  # the total is the sum of the stages shown


def test_a_refused_file_still_gets_its_timings(tmp_path: Path) -> None:
    """A file refused after reading (no table, no figure) exits 2 with its message, and the timing
    line still accounts for the time until it was refused."""
    empty = tmp_path / "说明.txt"
    empty.write_text("本单位没有需要说明的事项。\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "juesuan", "check", str(empty), "--timings"],
        capture_output=True,
        text=True,
        env=dict(os.environ, JUESUAN_OCR="off"),
        timeout=300,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert lines[0].startswith("错误：") and lines[-1].startswith("用时（秒）：启动") and "读取" in lines[-1]
