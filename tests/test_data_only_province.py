"""A province's variant with its own form-number style and a new completeness rule is data only:
the YAML below is all it takes (loaded through JUESUAN_DATA_PATH, no Python)."""

from __future__ import annotations

import re

import pytest

from juesuan import api
from juesuan.generate import document as gendoc
from juesuan.layouts import load as load_layouts
from juesuan.rules.engine import load_packs, validate_packs
from juesuan.generate.spec import example_spec

FORMS = [
    "summary",
    "income",
    "expenditure",
    "fiscal_summary",
    "general_budget",
    "basic",
    "project",
    "fund",
    "state_capital",
    "three_public_stats",
    "three_public_general",
    "assets",
]

VARIANT = (
    "\n".join(
        [
            "id: sample_province",
            "name: 示例省部门决算公开（附表1–12）",
            "kind: 决算",
            "tables:",
            *(f"  - {{table: {t}, form: 附表{n}}}" for n, t in enumerate(FORMS, 1)),
            "performance: [department_narrative, department, project]",
            "rule_packs: [base, yunnan, sample_province]",
            "form_numbers: ['附表(?P<n>\\d{1,2})']",
            "detect:",
            "  tables_any: [project, three_public_stats, three_public_general, assets]",
            "  text_any: [示例省]",
        ]
    )
    + "\n"
)

RULES = """pack: sample_province
rules:
  - {id: completeness.sample_assets, kind: completeness, check: required_tables, tables: [assets], severity: warning, description: 附有国有资产使用情况表}
"""


def _clear() -> None:
    load_layouts.cache_clear()
    load_packs.cache_clear()


@pytest.fixture
def province_data(tmp_path, monkeypatch):
    data = tmp_path / "data"
    (data / "variants").mkdir(parents=True)
    (data / "rules").mkdir()
    (data / "variants" / "sample_province.yaml").write_text(VARIANT, encoding="utf-8")
    (data / "rules" / "sample_province.yaml").write_text(RULES, encoding="utf-8")
    monkeypatch.setenv("JUESUAN_DATA_PATH", str(data))
    _clear()
    yield data
    monkeypatch.delenv("JUESUAN_DATA_PATH")
    _clear()


@pytest.fixture
def document(tmp_path):
    """The generated disclosure printed in the province's style: 附表N form numbers, 示例省, and
    without its last table (附表12, the assets table)."""
    text = gendoc.render_text(example_spec()).replace("示例市", "示例省")
    text = text[: text.index("国有资产使用情况表")]
    text = re.sub(r"公开0?(\d{1,2})表", r"附表\1", text)
    assert "附表11" in text and "公开" not in text
    path = tmp_path / "sample.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_without_the_data_the_style_is_not_known(document):
    _clear()
    doc = api.load_document(document)
    assert doc.variant != "sample_province"
    assert all(t.form is None for t in doc.tables)


def test_a_province_with_its_own_form_numbers_and_completeness_rule_is_data_only(province_data, document):
    assert validate_packs() == []
    report = api.check(document)
    doc = report.document
    assert doc.variant == "sample_province"
    assert [t.form for t in doc.tables] == [f"附表{n}" for n in range(1, 12)]
    status = {r.id: r for r in report.rules}
    assert status["completeness.form_numbering"].status == "pass"
    assert status["completeness.form_numbering"].checked == 11
    new = status["completeness.sample_assets"]
    assert (new.status, new.severity, new.checked, new.failed) == ("fail", "warning", 1, 1)
    found = [f for f in report.findings if f.rule == "completeness.sample_assets"]
    assert [f.message for f in found] == ["缺少附表12《国有资产使用情况表》"]


def test_a_rule_naming_an_unknown_check_or_missing_a_parameter_is_reported(province_data):
    (province_data / "rules" / "sample_province.yaml").write_text(
        RULES
        + "\n".join(
            [
                "  - {id: completeness.sample_bad, kind: completeness, check: no_such_check, description: x}",
                "  - {id: completeness.sample_note, kind: completeness, check: no_data_note, description: x}",
                "  - {id: codes.sample_scheme, kind: codes, table: income, check: scheme, description: x}",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    variant = province_data / "variants" / "sample_province.yaml"
    variant.write_text(variant.read_text(encoding="utf-8").replace("附表(?P<n>", "附表(?P<n"), encoding="utf-8")
    _clear()
    problems = validate_packs()
    assert problems.pop().startswith("variant sample_province: bad form_numbers pattern '附表(?P<n\\\\d{1,2})'")
    assert problems == [
        "completeness.sample_bad: unknown completeness check no_such_check",
        "completeness.sample_note: check no_data_note needs 'words'",
        "codes.sample_scheme: check scheme needs 'prefixes'",
        "codes.sample_scheme: check scheme needs 'scheme_name'",
    ]
