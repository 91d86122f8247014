"""The data loader (juesuan.dataload): schemas with file and line, `juesuan validate-data`, and the
content-hash cache of validated data files (changed file picked up, corrupt or unwritable cache
falls back to parsing). Broken packs are written here into tmp directories."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from conftest import EXAMPLES, run_cli

from juesuan import dataload, validate
from juesuan.dataload import DataError

GOOD_RULE = """pack: extra
rules:
  - id: extra.income_total
    kind: compare
    severity: warning
    description: 收入合计等于财政拨款收入加其他收入
    left: income.total.total
    right: [income.total.total]
"""


def pack(tmp_path: Path, text: str, sub: str = "rules", name: str = "extra.yaml") -> Path:
    folder = tmp_path / "pack" / sub
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return tmp_path / "pack"


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("JUESUAN_CACHE_DIR", str(tmp_path / "cache"))
    dataload._MEMO.clear()
    yield
    dataload._MEMO.clear()


def test_bundled_data_is_valid():
    assert dataload.validate() == []
    assert validate.validate_all() == []


def test_validate_data_cli_accepts_a_sound_pack(tmp_path):
    proc = run_cli("validate-data", str(pack(tmp_path, GOOD_RULE)))
    assert proc.returncode == 0, proc.stderr
    assert "无问题" in proc.stdout


@pytest.mark.parametrize(
    "text, line, words",
    [
        # an unknown key (a misspelt one) on line 8
        (GOOD_RULE + "    colour: red\n", 9, ["未知的键", "colour"]),
        # the old name of a rule's text is no longer accepted
        (GOOD_RULE.replace("description:", "message:"), 6, ["未知的键", "message"]),
        # a wrong type: a number where a reference is expected
        (GOOD_RULE.replace("left: income.total.total", "left: 12"), 7, ["类型", "整数"]),
        # hierarchy rules have no scheme (children are found by code prefix in both schemes)
        ("rules:\n  - {id: x.h, kind: hierarchy, table: income, scheme: economic}\n", 2, ["scheme"]),
        # an unknown rule kind
        ("rules:\n  - id: x.k\n    kind: sum_rows\n", 3, ["sum_rows"]),
        # a required key missing
        ("rules:\n  - {id: x.r, kind: row_sum, table: income, left: total}\n", 2, ["缺少", "right"]),
    ],
)
def test_broken_pack_fails_validate_data_and_the_loader_with_file_and_line(tmp_path, monkeypatch, text, line, words):
    directory = pack(tmp_path, text)
    where = f"{directory / 'rules' / 'extra.yaml'}:{line}"
    proc = run_cli("validate-data", str(directory))
    assert proc.returncode == 2
    assert where in proc.stderr
    for w in words:
        assert w in proc.stderr
    # the loader used by every command refuses the file the same way
    with pytest.raises(DataError) as err:
        dataload.load_file(directory / "rules" / "extra.yaml", "rules")
    assert any(p.startswith(where) for p in err.value.problems)
    monkeypatch.setenv("JUESUAN_DATA_PATH", str(directory))
    proc = run_cli("check", str(EXAMPLES / "example-planted.txt"))
    assert proc.returncode == 2 and where in proc.stderr and "Traceback" not in proc.stderr


def test_bad_reference_fails_validate_data_with_the_rule_line(tmp_path):
    text = GOOD_RULE.replace("right: [income.total.total]", "right: [income.total.no_such_column]")
    directory = pack(tmp_path, text)
    proc = run_cli("validate-data", str(directory))
    assert proc.returncode == 2
    assert f"{directory / 'rules' / 'extra.yaml'}:3" in proc.stderr  # the rule starts on line 3
    assert "no_such_column" in proc.stderr and "未知的列" in proc.stderr


def test_wrong_type_in_other_file_kinds(tmp_path):
    directory = pack(tmp_path, "id: extra\ntables:\n  - table: income\n    form: 1\n", sub="variants")
    problems = dataload.validate([directory])
    assert len(problems) == 1 and problems[0].startswith(f"{directory / 'variants' / 'extra.yaml'}:4")
    directory = pack(tmp_path, "concepts:\n  收入:\n    synonym: [收入]\n", sub="lexicon")
    problems = dataload.validate([directory])
    assert any(p.startswith(f"{directory / 'lexicon' / 'extra.yaml'}:3") and "synonym" in p for p in problems)


def test_yaml_syntax_error_has_a_line(tmp_path):
    directory = pack(tmp_path, "rules:\n  - {id: a, kind: compare\n")
    (problem,) = dataload.validate([directory])
    assert problem.startswith(str(directory / "rules" / "extra.yaml") + ":") and "YAML" in problem


def test_narrative_rule_text_with_a_comma_is_whole():
    from juesuan.narrative.settings import settings

    assert settings().rules["performance.execution_score"].description == "执行率得分＝min(执行率,1)×分值"


# -- the cache -------------------------------------------------------------------------------


def test_cache_is_used_and_a_changed_file_is_picked_up(tmp_path, monkeypatch):
    path = pack(tmp_path, GOOD_RULE) / "rules" / "extra.yaml"
    first = dataload.load_file(path, "rules")
    assert first["rules"][0]["severity"] == "warning"
    cached = list((tmp_path / "cache").glob("*.pickle"))
    assert len(cached) == 1
    # a new process (empty memo) reads the cache without parsing
    dataload._MEMO.clear()
    monkeypatch.setattr(dataload, "parse", lambda *a, **k: pytest.fail("parsed although cached"))
    assert dataload.load_file(path, "rules") == first
    monkeypatch.undo()
    monkeypatch.setenv("JUESUAN_CACHE_DIR", str(tmp_path / "cache"))
    # the file changes: parsed again, cached under its new content
    path.write_text(GOOD_RULE.replace("severity: warning", "severity: info"), encoding="utf-8")
    dataload._MEMO.clear()
    assert dataload.load_file(path, "rules")["rules"][0]["severity"] == "info"
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 2


def test_corrupt_cache_falls_back_to_parsing(tmp_path):
    path = pack(tmp_path, GOOD_RULE) / "rules" / "extra.yaml"
    good = dataload.load_file(path, "rules")
    for f in (tmp_path / "cache").glob("*.pickle"):
        f.write_bytes(b"not a pickle")
    dataload._MEMO.clear()
    assert dataload.load_file(path, "rules") == good
    # and the entry is rewritten
    (f,) = (tmp_path / "cache").glob("*.pickle")
    assert pickle.loads(f.read_bytes()) == good


def test_unwritable_cache_falls_back_to_parsing(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("JUESUAN_CACHE_DIR", str(blocker / "cache"))  # cannot be created
    path = pack(tmp_path, GOOD_RULE) / "rules" / "extra.yaml"
    assert dataload.load_file(path, "rules")["rules"][0]["id"] == "extra.income_total"
    proc = run_cli("check", str(EXAMPLES / "example-planted.txt"), "--format", "json")
    assert proc.returncode in (0, 1) and proc.stdout.startswith("{")


def test_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("JUESUAN_CACHE_DIR", "off")
    path = pack(tmp_path, GOOD_RULE) / "rules" / "extra.yaml"
    assert dataload.load_file(path, "rules")["pack"] == "extra"
    assert not (tmp_path / "cache").exists()


def test_a_schema_change_invalidates_the_cache(tmp_path, monkeypatch):
    path = pack(tmp_path, GOOD_RULE) / "rules" / "extra.yaml"
    dataload.load_file(path, "rules")
    dataload._MEMO.clear()
    monkeypatch.setattr(dataload, "RULE_COMMON", {**dataload.RULE_COMMON, "note": dataload.STR})
    monkeypatch.setattr(dataload, "_KEY", [])
    parsed = []
    real = dataload.parse
    monkeypatch.setattr(dataload, "parse", lambda *a: parsed.append(a) or real(*a))
    dataload.load_file(path, "rules")
    assert parsed  # not served from the entry cached under the old schemas


def test_cached_derived_data_rebuilds_when_its_source_changes(tmp_path):
    source = tmp_path / "source.txt"
    source.write_text("a")
    builds = []

    def build():
        builds.append(1)
        return source.read_text()

    assert dataload.cached("demo", [source], build) == "a"
    assert dataload.cached("demo", [source], build) == "a" and len(builds) == 1  # from the cache
    source.write_text("bb")  # another size: another key
    assert dataload.cached("demo", [source], build) == "bb" and len(builds) == 2
    for f in (tmp_path / "cache").glob("demo-*.pickle"):
        f.write_bytes(b"\x80garbage")
    assert dataload.cached("demo", [source], build) == "bb" and len(builds) == 3
