"""Per-staff figures of the store (v_staff, ``juesuan stats``): the staff numbers the 情况说明 of our
generated example states (编制, 实有, 离退休), the fallback to 编制 when no 实有 is stated (or only
zero), and no figure when the text states no staff number."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from typer.testing import CliRunner

from juesuan import store
from juesuan.cli import app

REPO = Path(__file__).resolve().parents[1]
CLEAN = REPO / "examples" / "example-clean.txt"
TEXT = CLEAN.read_text(encoding="utf-8")


def _stated(pattern: str, text: str = TEXT) -> int:
    m = re.search(pattern, text)
    assert m, pattern
    return int(m.group(1))


def _stats(tmp_path: Path, text: str) -> dict:
    src = tmp_path / "example.txt"
    src.write_text(text, encoding="utf-8")
    db = tmp_path / "c.duckdb"
    runner = CliRunner()
    r = runner.invoke(app, ["ingest", str(src), "--db", str(db)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["stats", "--db", str(db), "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    r = runner.invoke(app, ["stats", "--db", str(db)])
    assert r.exit_code == 0, r.output
    data["_text"] = r.output
    with store.open_store(db) as s:
        data["_v_staff"] = s.query("SELECT authorized, actual, retired FROM v_staff")[1]
    return data


def _per(amount: str, staff: int) -> str:
    return format((Decimal(amount) / staff).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")


def test_per_staff_uses_the_stated_actual_staff(tmp_path: Path):
    authorized = _stated(r"在职人员编制(\d+)人")
    actual = _stated(r"在职实有(\d+)人")
    retired = _stated(r"离退休人员(\d+)人")
    assert authorized != actual  # the example tells the two apart
    data = _stats(tmp_path, TEXT)
    assert data["_v_staff"] == [(authorized, actual, retired)]
    (tp,) = data["three_public"]
    (p,) = data["per_staff"]
    assert p["staff"] == actual and p["staff_basis"] == "actual" and p["retired"] == retired
    assert p["unit"] == "万元" and p["per_staff_unit"] == "万元/人"
    assert p["three_public_final"] == tp["three_public_final"]
    expected = _per(tp["three_public_final"], actual)
    assert p["three_public_per_staff"] == expected
    assert p["admin_cost_per_staff"] == (_per(tp["admin_cost_final"], actual) if tp["admin_cost_final"] else None)
    assert f"实有人数 {actual} 人" in data["_text"] and f"人均“三公”经费 {expected}万元/人" in data["_text"]


def test_per_staff_falls_back_to_the_authorized_staff(tmp_path: Path):
    authorized = _stated(r"在职人员编制(\d+)人")
    # no 实有 wording at all, then a 实有 of zero: both use the 编制
    for i, text in enumerate((TEXT.replace("在职实有", "在岗"), re.sub(r"在职实有\d+人", "在职实有0人", TEXT))):
        d = tmp_path / str(i)
        d.mkdir()
        data = _stats(d, text)
        (p,) = data["per_staff"]
        (tp,) = data["three_public"]
        assert p["staff"] == authorized and p["staff_basis"] == "authorized"
        assert p["three_public_per_staff"] == _per(tp["three_public_final"], authorized)
        assert f"编制人数 {authorized} 人" in data["_text"]


def test_no_per_staff_figure_without_a_staff_number(tmp_path: Path):
    text = re.sub(r"截至\d{4}年12月31日，本部门在职人员编制.*?。", "", TEXT)
    text = re.sub(r"年末在职人员编制\d+人，实有\d+人；", "", text)
    assert "人员编制" not in text and "在职实有" not in text and "离退休人员" not in text
    data = _stats(tmp_path, text)
    assert data["three_public"] and data["per_staff"] == [] and data["_v_staff"] == []
    assert "人均“三公”经费与机关运行经费" in data["_text"] and "没有同时识别出" in data["_text"]
