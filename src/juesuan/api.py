"""The Python API: read → recognize → check, one call per document, callable from any process.

>>> from juesuan import api
>>> report = api.check("disclosure.txt")
>>> report.errors
"""

from __future__ import annotations

from pathlib import Path

from .errors import InputError
from .layouts import load as load_layouts
from .model import Disclosure
from .readers import read
from .recognize import recognize
from .results import SCHEMA, SEVERITY_RANK, Finding, Report, RuleStatus  # noqa: F401  (public API)
from .rules.engine import evaluate
from .timing import stage


def load_document(path: str | Path, variant: str | None = None) -> Disclosure:
    """Read and recognize a disclosure file. Raises InputError for unusable input."""
    with stage("read"):
        raw = read(path)
    with stage("recognize"):
        doc = recognize(raw, variant=variant)
    if not doc.tables and not doc.performance and doc.unread_pages:
        raise InputError(
            f"文件的第{doc.unread_pages_text()}页是扫描图像，未安装文字识别（OCR）组件，无法读取："
            f"{Path(path).name}（可安装 OCR 组件后重试，见 README）"
        )
    if not doc.tables and not doc.performance:
        raise InputError(f"未在文件中识别出任何决算表格：{Path(path).name}")
    return doc


def check_document(doc: Disclosure) -> Report:
    from .narrative import check as check_narrative

    layouts = load_layouts()
    relations: list = []  # every evaluated linear relation, for error localization
    with stage("rules"):
        findings, statuses = evaluate(doc, layouts, record=relations)
    # narrative (文表/文内) and 绩效 rules: "narrative.*" and "performance.*" ids, same statuses
    with stage("narrative"):
        more_findings, more_statuses = check_narrative(doc, layouts)
    findings += more_findings
    statuses += more_statuses
    findings.sort(key=lambda f: SEVERITY_RANK[f.severity])
    variant = layouts.variants.get(doc.variant or "")
    from .locate import localize

    with stage("locate"):
        localization = localize(doc, relations, findings)
    return Report(doc, findings, statuses, variant.name if variant else "", localization=localization)


def check(path: str | Path, variant: str | None = None) -> Report:
    return check_document(load_document(path, variant))
