"""`juesuan parse --format cells` of the seed: three full tables against hand-checked snapshots
(transcribed by reading the seed's 公开01表, 公开03表 and 公开12表)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest

from juesuan import api
from juesuan.report import CELLS_HEADER, cells_csv

SUMMARY = """
一、一般公共预算财政拨款收入|收入/金额|662.94
一、一般公共服务支出|支出/金额|7.4
五、事业收入|收入/金额|315.04
六、经营收入|收入/金额|0
七、附属单位上缴收入|收入/金额|0
八、其他收入|收入/金额|0
八、社会保障和就业支出|支出/金额|68.91
九、卫生健康支出|支出/金额|22.15
十一、城乡社区支出|支出/金额|835.29
十九、住房保障支出|支出/金额|44.23
本年收入合计|收入/金额|977.98
本年支出合计|支出/金额|977.98
总计|收入/金额|977.98
总计|支出/金额|977.98
"""

# code, label, 本年支出合计, 基本支出, 项目支出 (blank = not printed)
EXPENDITURE = [
    ("", "合计", "977.98", "555.54", "422.44"),
    ("201", "一般公共服务支出", "7.4", "", "7.4"),
    ("20132", "组织事务", "7.4", "", "7.4"),
    ("2013202", "一般行政管理事务", "7.4", "", "7.4"),
    ("208", "社会保障和就业支出", "68.91", "68.91", ""),
    ("20805", "行政事业单位养老支出", "66.9", "66.9", ""),
    ("2080502", "事业单位离退休", "0.59", "0.59", ""),
    ("2080505", "机关事业单位基本养老保险缴费支出", "58.66", "58.66", ""),
    ("2080506", "机关事业单位职业年金缴费支出", "7.65", "7.65", ""),
    ("20899", "其他社会保障和就业支出", "2.01", "2.01", ""),
    ("2089999", "其他社会保障和就业支出", "2.01", "2.01", ""),
    ("210", "卫生健康支出", "22.15", "22.15", ""),
    ("21011", "行政事业单位医疗", "22.15", "22.15", ""),
    ("2101102", "事业单位医疗", "20.07", "20.07", ""),
    ("2101199", "其他行政事业单位医疗支出", "2.08", "2.08", ""),
    ("212", "城乡社区支出", "835.29", "420.25", "415.04"),
    ("21206", "建设市场管理与监督", "835.29", "420.25", "415.04"),
    ("2120601", "建设市场管理与监督", "835.29", "420.25", "415.04"),
    ("221", "住房保障支出", "44.23", "44.23", ""),
    ("22102", "住房改革支出", "44.23", "44.23", ""),
    ("2210201", "住房公积金", "44.23", "44.23", ""),
]

ASSETS = {
    "资产总额": "3577.56",
    "资产原值合计": "4977.90",
    "流动资产": "50.16",
    "固定资产/小计/原值": "4927.74",
    "固定资产/小计/净值": "3527.40",
    "固定资产/房屋构筑物/原值": "2824.74",
    "固定资产/房屋构筑物/净值": "2389.26",
    "固定资产/车辆/原值": "79.34",
    "固定资产/车辆/净值": "0.00",
    "固定资产/其他固定资产/原值": "2023.66",
    "固定资产/其他固定资产/净值": "1138.14",
    "对外投资/有价证券": "0.00",
    "在建工程": "0.00",
    "无形资产/原值": "0.00",
    "无形资产/净值": "0.00",
    "其他资产/原值": "0.00",
    "其他资产/净值": "0.00",
}


@pytest.fixture(scope="module")
def cells(seed_path):
    buf = io.StringIO()
    cells_csv(api.load_document(seed_path), buf)
    rows = list(csv.reader(io.StringIO(buf.getvalue())))
    assert rows[0] == CELLS_HEADER
    return rows[1:]


def test_summary_table(cells):
    got = [(r[3], r[4], r[5]) for r in cells if r[0] == "收入支出决算总表"]
    want = [tuple(line.split("|")) for line in SUMMARY.strip().splitlines()]
    assert sorted(got) == sorted(want)
    assert all(r[1] == "公开01表" for r in cells if r[0] == "收入支出决算总表")


def test_expenditure_table(cells):
    got = sorted((r[2], r[3], r[4], r[5]) for r in cells if r[0] == "支出决算表")
    want = []
    for code, label, total, basic, project in EXPENDITURE:
        for col, value in (("本年支出合计", total), ("基本支出", basic), ("项目支出", project)):
            if value:
                want.append((code, label, col, value))
    assert got == sorted(want)


def test_assets_table(cells):
    got = {r[4]: r[5] for r in cells if r[0] == "国有资产使用情况表"}
    assert got == ASSETS
    assert {r[3] for r in cells if r[0] == "国有资产使用情况表"} == {"合计"}


def test_every_amount_cell_of_the_seed_is_placed(seed_path, cells):
    """Every number printed in a table line of the seed's 12-table part appears in the cells output
    (行次/栏次 numbers and codes excepted)."""
    from juesuan.textnorm import parse_amount

    text = seed_path.read_text(encoding="utf-8").split("\n")
    end = next(i for i, line in enumerate(text) if "部门整体支出绩效自评情况" in line)
    printed = []
    for line in text[:end]:
        cells_ = line.split("\t")
        if any(c.strip() in ("栏次", "栏 次") for c in cells_):
            continue
        for c in cells_:
            kind, value = parse_amount(c)
            if kind == "number" and "." in c.strip():  # amounts carry decimals; 行次 and codes do not
                printed.append(value)
    from decimal import Decimal

    out = sorted(Decimal(r[5]) for r in cells if "." in r[5])
    assert sorted(printed) == out


def test_cli_cells_output(seed_path):
    proc = subprocess.run(
        [sys.executable, "-m", "juesuan.cli", "parse", str(seed_path), "--format", "cells"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == ",".join(CELLS_HEADER)
    assert len(proc.stdout.splitlines()) > 150
