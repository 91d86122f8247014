"""The CLI contract: exit codes and the JSON schema of `check` (docs/output-formats.md)."""

from __future__ import annotations

import json
from conftest import run_cli as run


def test_check_json_schema(seed_path):
    proc = run("check", str(seed_path), "--format", "json")
    assert proc.returncode == 1  # the seed has errors
    data = json.loads(proc.stdout)
    assert set(data) >= {"schema", "document", "findings", "rules", "summary"}
    assert data["schema"] == "juesuan.check/1"
    for f in data["findings"]:
        assert set(f) >= {"rule", "severity", "message", "locations", "expected", "actual", "difference"}
        assert f["severity"] in ("error", "warning", "info")
        for loc in f["locations"]:
            assert set(loc) >= {"table", "row", "column", "value", "page"}
    statuses = {r["status"] for r in data["rules"]}
    assert statuses <= {"pass", "fail", "not_applicable", "insufficient_data"}
    s = data["summary"]
    assert s["errors"] == sum(1 for f in data["findings"] if f["severity"] == "error")
    assert s["rules"]["pass"] + s["rules"]["fail"] == s["rules_applied"]


def test_check_text_groups_by_table_errors_first(seed_path):
    proc = run("check", str(seed_path))
    assert proc.returncode == 1
    out = proc.stdout
    assert "收入决算表" in out and "规则覆盖" in out
    assert out.index("[错误]") < out.index("[警告]") < out.index("[提示]")
    assert "数据不足" in out


def test_parse_json_round_trips(seed_path):
    from juesuan.model import Disclosure

    proc = run("parse", str(seed_path))
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    doc = Disclosure.from_dict(data)
    assert doc.to_dict() == data
    assert len(doc.tables) == 10
