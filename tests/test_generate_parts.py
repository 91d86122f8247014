"""The 情况说明 and the 绩效 parts of a generated 决算 are model objects drafted by juesuan.generate.draft
(paragraphs with their sections, PerformanceTable blocks), not text read back through a reader: the
generator never calls the text reader or the recognizer, and what a reader gives back from the
written document is exactly the model's paragraphs and 绩效 tables."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import juesuan.readers
import juesuan.readers.text
import juesuan.recognize
from juesuan import api
from juesuan.generate import document, examples
from juesuan.generate.model import build_model
from juesuan.generate.workbook import VARIANTS
from juesuan.layouts import load as load_layouts
from juesuan.model import Disclosure

GENERATE = Path(__file__).resolve().parent.parent / "src" / "juesuan" / "generate"


def _parts(doc: Disclosure) -> tuple[list, list]:
    paragraphs = [(p.text, p.section) for p in doc.paragraphs]
    performance = [(p.kind, p.title, p.fields, p.funds, p.indicators, p.other) for p in doc.performance]
    return paragraphs, performance


def _refuse(*args, **kwargs):
    raise AssertionError("the generator read text back through a reader")


@pytest.mark.parametrize("variant", VARIANTS)
def test_building_the_model_reads_nothing_back(monkeypatch: pytest.MonkeyPatch, variant: str) -> None:
    for module, name in (
        (juesuan.readers.text, "read_text"),
        (juesuan.readers, "read"),
        (juesuan.recognize, "recognize"),
        (juesuan.recognize, "_performance"),
    ):
        monkeypatch.setattr(module, name, _refuse)
    doc, _ = build_model(examples.example(variant), variant)
    assert doc.paragraphs and doc.tables
    assert (variant == "yunnan") == bool(doc.performance)
    document.render_text(examples.example(variant))


def test_no_generator_module_imports_a_reader_or_the_recognizer() -> None:
    for path in sorted(GENERATE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                target = "." * node.level + (node.module or "")
                names = [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                target, names = "", [a.name for a in node.names]
            else:
                continue
            for name in (f"{target}.{n}" if target else n for n in names):
                assert "readers" not in name and "recognize" not in name, (path.name, name)


def test_yunnan_parts_are_drafted_with_the_sections_a_reader_gives() -> None:
    doc, _ = build_model(examples.example("yunnan"), "yunnan")
    titles = load_layouts().performance
    assert [(p.kind, p.title) for p in doc.performance] == [
        (kind, f"2024年度{titles[kind][0]}") for kind in ("department_narrative", "department", "project")
    ]
    # the 情况说明 has no section; the 绩效 narrative's paragraphs are under their headings
    narrative = [p for p in doc.paragraphs if p.section is not None]
    assert narrative[0].section == doc.performance[0].title
    assert ("（二）自评组织过程", doc.performance[0].fields["（二）自评组织过程"]) in [
        (p.section, p.text) for p in narrative
    ]
    project = doc.performance[2]
    assert project.funds[0][0] == "项目资金（万元）" and project.funds[1][0] == "年度资金总额"
    assert project.indicators[1][:3] == ["一级指标", "二级指标", "三级指标"]
    assert project.other[-1][0].startswith("4.") and project.fields["项目名称"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_written_parts_read_back_as_the_model(tmp_path: Path, variant: str) -> None:
    from juesuan.writers.text import write_text

    truth, _ = build_model(examples.example(variant), variant)
    back = api.load_document(write_text(truth, tmp_path / "公开.txt"), variant=variant)
    assert _parts(back) == _parts(truth)


def test_text_example_reads_back_as_the_model(tmp_path: Path) -> None:
    spec = examples.example("yunnan")
    path = tmp_path / "example.txt"
    path.write_text(document.render_text(spec), encoding="utf-8")
    back = api.load_document(path, variant="yunnan")
    truth, _ = build_model(spec, "yunnan")
    assert _parts(back) == _parts(truth)


def test_the_performance_forms_come_from_the_layout_data() -> None:
    from dataclasses import replace

    from juesuan.generate.derive import derive
    from juesuan.generate.draft import performance_tables
    from juesuan.generate.tables import LayoutError

    acc = derive(examples.example("yunnan"))
    layouts = load_layouts()
    forms = {
        kind: {part: [list(r) for r in rows] for part, rows in f.items()}
        for kind, f in layouts.performance_forms.items()
    }
    forms["project"]["other"].insert(2, ["项目负责人", "{department}"])
    forms["project"]["funds"].append(["", "  "])  # a row without text is not printed
    (project,) = performance_tables(acc, replace(layouts, performance_forms=forms), ["project"])
    assert project.other[2] == ["项目负责人", "云南省示例数据服务中心"] and project.fields["项目负责人"]
    assert project.funds == performance_tables(acc, layouts, ["project"])[0].funds
    # the indicators are the rows the generator gives under the slot's name
    spec_indicators = acc.spec.performance.project.indicators
    assert [r[2] for r in project.indicators[2:]] == [i.level3 for i in spec_indicators]
    forms["project"]["other"].append(["{no_such_value}"])
    with pytest.raises(LayoutError, match="no_such_value"):
        performance_tables(acc, replace(layouts, performance_forms=forms), ["project"])
    with pytest.raises(LayoutError, match="no 绩效 form"):
        performance_tables(acc, replace(layouts, performance_forms={}), ["project"])


def test_a_variant_prints_the_performance_parts_its_data_lists() -> None:
    layouts = load_layouts()
    for variant in VARIANTS:
        doc, _ = build_model(examples.example(variant), variant)
        assert [p.kind for p in doc.performance] == list(layouts.variants[variant].performance)
        assert any(p.section for p in doc.paragraphs) == (
            "department_narrative" in layouts.variants[variant].performance
        )
