"""The Python API: read → recognize → check, one call per document, callable from any process.

>>> from juesuan import api
>>> report = api.check("disclosure.txt")
>>> report.errors
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import EXIT_ERRORS, EXIT_INCOMPLETE, EXIT_OK, InputError
from .model import Disclosure
from .readers import MAX_CHARS as _MAX_CHARS
from .readers import read
from .results import SCHEMA, SEVERITY_RANK, Finding, Report, RuleStatus  # noqa: F401  (public API)
from .kinds import detect_kind, fragment_kind, resolve_kind  # noqa: F401  (detect_kind: public API)
from .timing import stage
from . import differential

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any, Sequence

# Recognition, the rule engine and the layouts are imported where they are used: a file refused
# after reading (a 预算 document, too large) does not pay for them (tests/test_startup.py).


# What one document may hold. Beyond these a file is refused (InputError "too_large") with a message
# naming the limit: a real disclosure holds a few hundred thousand characters, some dozens of tables.
MAX_CHARS = _MAX_CHARS  # characters of text read from the file (readers.MAX_CHARS)
MAX_PAGES = 2000
MAX_TABLES = 400

Progress = Callable[[str], None]


def _no_progress(stage: str) -> None:
    pass


def check_limits(raw: Any, name: str) -> None:
    """Refuse a read document that holds more than a disclosure can (pages, characters)."""
    if raw.page_count and raw.page_count > MAX_PAGES:
        raise InputError(f"文件有{raw.page_count}页，超过上限{MAX_PAGES}页，不像一份公开文件：{name}", code="too_large")
    chars = 0
    for ln in raw.lines:
        chars += sum(len(c) for c in ln.cells)
        if chars > MAX_CHARS:
            raise InputError(f"文件内容超过上限{MAX_CHARS:,}个字符，不像一份公开文件：{name}", code="too_large")


def check_page_limit(path: str | Path) -> None:
    """Refuse a PDF of more than MAX_PAGES pages before reading any page (counting is cheap)."""
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            if not fh.read(1024).lstrip().startswith(b"%PDF"):
                return
        ahead = sys.modules.get("juesuan.readers.prefetch")  # the command's start-up worker, if any
        counted = ahead.page_count(p) if ahead is not None else None
        if counted is not None:
            n = counted
        else:
            from .readers import pdfium  # juesuan's binding: the reader's, cheaper to import than pypdfium2

            pdf = pdfium.Document(p)
            try:
                n = len(pdf)
            finally:
                pdf.close()
    except Exception:  # noqa: BLE001 — unreadable here: the reader says why, in Chinese
        return
    if n > MAX_PAGES:
        raise InputError(f"文件有{n}页，超过上限{MAX_PAGES}页，不像一份公开文件：{p.name}", code="too_large")


def _load_ahead() -> None:
    """While the command's start-up worker still loads the PDF's pages (:mod:`.readers.prefetch`),
    load what reading and the stages after it need — the PDF reader, the recognizer and the layouts,
    the kind patterns, the rule packs, the narrative checks and their settings — in that order, and
    only as long as the worker runs; all of it while the page helper reads pages from the back
    (:mod:`.readers.backread`: the reader then reads fewer pages itself). Every check of a PDF loads
    them anyway, later: done now, they overlap with PDFium's work and the helper's. Nothing in a
    library call (no worker or helper runs there)."""
    ahead = sys.modules.get("juesuan.readers.prefetch")
    back = sys.modules.get("juesuan.readers.backread")
    # while the page helper reads from the back, all of it: the reader then reads fewer pages
    helped = back is not None and back.reading()

    def busy() -> bool:
        return helped or (ahead is not None and ahead.loading())

    if not busy():
        return
    with stage("startup"):
        for step in _AHEAD:
            step()
            if not busy():
                return


def _ahead_reader() -> None:
    from .readers import pdf  # noqa: F401  (the worker and the helper load PDFs only)


def _ahead_recognizer() -> None:
    from . import recognize  # noqa: F401
    from .kinds import _kind_patterns
    from .layouts import load as load_layouts

    load_layouts()
    _kind_patterns()


def _ahead_rules() -> None:
    from .rules.engine import load_packs

    load_packs()


def _ahead_narrative() -> None:
    from .narrative import check  # noqa: F401
    from .narrative.settings import settings

    settings()


_AHEAD = (_ahead_reader, _ahead_recognizer, _ahead_rules, _ahead_narrative)


def _kind(raw: Any, override: str | None, variant: str | None) -> str:
    """预算 or 决算: the ``--variant``'s kind when one is named, else ``override`` or detected."""
    if variant is not None and override is None:
        from .layouts import load as load_layouts

        v = load_layouts().variants.get(variant)
        if v is not None:
            return v.kind
    return resolve_kind(raw, override)[0]


def _recognized(raw: Any, name: str, variant: str | None, kind: str | None = None) -> Disclosure:
    from .recognize import recognize

    doc = recognize(raw, variant=variant, kind=kind)
    if len(doc.tables) > MAX_TABLES:
        raise InputError(
            f"文件中识别出{len(doc.tables)}张表，超过上限{MAX_TABLES}张，不像一份公开文件：{name}", code="too_large"
        )
    return doc


def _refuse_empty(doc: Disclosure, name: str) -> None:
    from . import coverage as cov

    if not doc.tables and not doc.performance and doc.unread_pages:
        from .raw import UNREAD_NO_OCR

        if all(doc.unread_reasons.get(p, UNREAD_NO_OCR) == UNREAD_NO_OCR for p in doc.unread_pages):
            raise InputError(
                f"文件的第{doc.unread_pages_text()}页是扫描图像，未安装文字识别（OCR）组件，无法读取："
                f"{name}（可安装 OCR 组件后重试，见 README）",
                code="scanned_without_ocr",
            )
        raise InputError(f"未能读取文件中的表格：{name}（{'；'.join(doc.unread_messages())}）", code="pages_unreadable")
    if not doc.tables and not doc.performance and not cov.has_narrative_figures(doc):
        kind = doc.kind if doc.kind in cov.NO_TABLES_BY_KIND else "决算"
        raise InputError(f"未在文件中识别出任何{kind}表格或含金额的文字说明：{name}", code="no_tables")


def _check_coverage(coverage: str | None) -> None:
    if coverage is None:
        return
    from . import coverage as cov

    if coverage not in cov.COVERAGES:
        raise InputError(f"未知的范围“{coverage}”：应为 full（完整公开文件）或 fragment（节选）", code="usage")


def _set_coverage(doc: Disclosure, coverage: str | None) -> None:
    """What the file covers (:mod:`juesuan.coverage`), detected unless ``coverage`` says it."""
    from . import coverage as cov

    doc.coverage = coverage or cov.detect(doc)
    if doc.coverage == cov.FRAGMENT and not doc.tables:
        # a 说明 page without tables: that is what it is, not a reading problem
        doc.reading_problems = [p for p in doc.reading_problems if p not in cov.NO_TABLES_BY_KIND.values()]


def load_document(
    path: str | Path,
    variant: str | None = None,
    coverage: str | None = None,
    *,
    progress: Progress | None = None,
    kind: str | None = None,
) -> Disclosure:
    """Read and recognize a disclosure file. Raises InputError for unusable input.

    ``kind`` (``预算`` | ``决算``) overrides the detection of what the document is (:mod:`juesuan.kinds`):
    a 预算 is read with the budget layouts and checked with the budget rule packs.

    ``coverage`` (``full`` | ``fragment``) overrides the detection of what the file covers
    (:mod:`juesuan.coverage`): a fragment's completeness rules are not applicable."""
    return _load(path, variant, coverage, progress, kind)[0]


def _load(
    path: str | Path, variant: str | None, coverage: str | None, progress: Progress | None, kind: str | None = None
) -> tuple[Disclosure, list[Any]]:
    """:func:`load_document`, with the evaluation of the rules the differential check made on the
    document (``[findings, statuses, relations]``, empty when it made none or when what the rules
    read changed after it: the coverage, the reading problems)."""
    _check_coverage(coverage)
    progress = progress or _no_progress
    name = Path(path).name
    progress("读取文件")
    with stage("read"):
        check_page_limit(path)
        _load_ahead()
        raw = read(path)
        check_limits(raw, name)
    progress("识别表格")
    with stage("recognize"):
        doc_kind = _kind(raw, kind, variant)
        doc = _recognized(raw, name, variant, doc_kind)
        _refuse_empty(doc, name)
    if any(ln.candidates for ln in raw.lines):
        from .ocrfix import second_reading

        with stage("ocrfix"):
            second_reading(doc)  # OCR'd amounts the identities and the recognizer agree on
    from .layouts import load as load_layouts

    evaluation: list[Any] = []
    doc = differential.check_pages(Path(path), doc, load_layouts(), ruled_pages=raw.ruled_pages, evaluation=evaluation)
    evaluated = (doc.coverage, list(doc.reading_problems))
    with stage("recognize"):
        _set_coverage(doc, coverage)
        doc.kind = fragment_kind(doc)
    if (doc.coverage, doc.reading_problems) != evaluated:
        evaluation = []  # the rules read the coverage (a fragment's completeness) and the problems
    return doc, evaluation


def load_together(
    paths: Sequence[str | Path],
    variant: str | None = None,
    coverage: str | None = None,
    *,
    progress: Progress | None = None,
    kind: str | None = None,
) -> Disclosure:
    """One disclosure published in several files (e.g. the 情况说明 in one PDF, the tables in
    another): each file is read and recognized, then tables, paragraphs and 绩效 tables are merged
    into one Disclosure in the order given. Every cell and paragraph keeps its own file in its
    provenance; ``source`` is the first file. Rules then run on the whole, cross-file ones included.

    The variant is the one of the file with the most tables (or ``variant``); the other files are
    recognized again with it. The kind (预算/决算) is ``kind`` or detected over all the files together.
    Raises InputError when the files together hold no table."""
    _check_coverage(coverage)
    progress = progress or _no_progress
    if not paths:
        raise InputError("没有给出要合并审核的文件", code="usage")
    raws = []
    for p in paths:
        progress(f"读取文件 {Path(p).name}")
        check_page_limit(p)
        raw = read(p)
        check_limits(raw, Path(p).name)
        raws.append(raw)
    names = "、".join(Path(p).name for p in paths)
    merged_lines = type("R", (), {"lines": [ln for r in raws for ln in r.lines]})()
    doc_kind = _kind(merged_lines, kind, variant)
    progress("识别表格")
    docs = [_recognized(r, Path(p).name, variant, doc_kind) for r, p in zip(raws, paths)]
    if variant is None:
        main = max(docs, key=lambda d: len(d.tables))
        if main.tables and main.variant:
            docs = [
                d if d.variant == main.variant else _recognized(r, Path(p).name, main.variant, doc_kind)
                for d, r, p in zip(docs, raws, paths)
            ]
    from .model import NO_TABLES_BY_KIND

    main = max(docs, key=lambda d: len(d.tables))
    doc = Disclosure(
        source=str(paths[0]),
        department=main.department,
        year=main.year,
        kind=main.kind,
        scope=main.scope,
        variant=main.variant,
    )
    for d in docs:
        doc.department = doc.department or d.department
        doc.year = doc.year or d.year
        doc.tables += d.tables
        doc.paragraphs += d.paragraphs
        doc.performance += d.performance
        # "no table in this file" is no problem of the whole when another file holds the tables
        doc.reading_problems += [
            f"{Path(d.source).name}：{p}" for p in d.reading_problems if d.tables or p not in NO_TABLES_BY_KIND.values()
        ]
        doc.unread_pages += d.unread_pages
        for page, reason in d.unread_reasons.items():
            doc.unread_reasons.setdefault(page, reason)
    if len(doc.tables) > MAX_TABLES:
        raise InputError(f"这些文件中识别出{len(doc.tables)}张表，超过上限{MAX_TABLES}张：{names}", code="too_large")
    _refuse_empty(doc, names)
    _set_coverage(doc, coverage)
    doc.kind = fragment_kind(doc)
    return doc


def exit_status(report: Report) -> int:
    """The exit status for one checked document: 1 error-level findings; 3 none, but a reading
    problem (findings of kind ``reading``) makes the check incomplete; 0 otherwise."""
    if report.errors:
        return EXIT_ERRORS
    if any(f.kind == "reading" for f in report.findings):
        return EXIT_INCOMPLETE
    return EXIT_OK


def check_document(doc: Disclosure, *, progress: Progress | None = None) -> Report:
    return _check_document(doc, progress, [])


def _check_document(doc: Disclosure, progress: Progress | None, evaluation: list[Any]) -> Report:
    """:func:`check_document`; ``evaluation``: the rules' evaluation already made on ``doc``
    (``[findings, statuses, relations]``, see :func:`_load`), or empty."""
    from .layouts import load as load_layouts
    from .narrative import check as check_narrative
    from .rules.engine import cap_doubtful, evaluate

    progress = progress or _no_progress
    layouts = load_layouts()
    relations: list = []  # every evaluated linear relation, for error localization
    progress("核对表格规则")
    with stage("rules"):
        if evaluation:
            findings, statuses, relations = evaluation
        else:
            findings, statuses = evaluate(doc, layouts, record=relations)
    # narrative (文表/文内) and 绩效 rules: "narrative.*" and "performance.*" ids, same statuses
    progress("核对文字说明")
    with stage("narrative"):
        more_findings, more_statuses = check_narrative(doc, layouts)
    findings += more_findings
    statuses += more_statuses
    with stage("rules"):
        cap_doubtful(doc, findings)  # a table with a reading problem gives warnings, not errors
        findings.sort(key=lambda f: SEVERITY_RANK[f.severity])
    variant = layouts.variants.get(doc.variant or "")
    progress("错误定位")
    with stage("locate"):
        from .locate import localize

        localization = localize(doc, relations, findings)
    return Report(doc, findings, statuses, variant.name if variant else "", localization=localization)


def check(
    path: str | Path,
    variant: str | None = None,
    coverage: str | None = None,
    *,
    progress: Progress | None = None,
    kind: str | None = None,
) -> Report:
    doc, evaluation = _load(path, variant, coverage, progress, kind)
    return _check_document(doc, progress, evaluation)


def check_together(
    paths: Sequence[str | Path],
    variant: str | None = None,
    coverage: str | None = None,
    *,
    progress: Progress | None = None,
    kind: str | None = None,
) -> Report:
    """Check one disclosure published in several files as one document (see load_together)."""
    report = check_document(load_together(paths, variant, coverage, progress=progress, kind=kind), progress=progress)
    report.meta["sources"] = [str(p) for p in paths]
    return report


@dataclass
class FixResult:
    """What ``fix`` did: the corrected model, the corrections, the groups of findings left
    uncorrected (ambiguous, not localized, unverified) and the error-level findings no correction of
    table amounts can address (narrative against tables, missing tables, codes …)."""

    report: Report
    changes: list[Any]
    unresolved: list[Any]
    uncorrectable: list[Finding]

    @property
    def document(self) -> Disclosure:
        return self.report.document

    @property
    def exit_status(self) -> int:
        """0 when nothing error-level is left, 1 when an error is left uncorrected."""
        left_errors = [g for g in self.unresolved if g.severity == "error"] + self.uncorrectable
        if left_errors:
            return EXIT_ERRORS
        return EXIT_OK

    def to_dict(self) -> dict[str, Any]:
        """The corrected model plus ``changes``, ``unresolved`` and ``uncorrectable``."""
        data = self.document.to_dict()
        data["changes"] = [c.to_dict() for c in self.changes]
        data["unresolved"] = [
            {"findings": g.findings, "status": g.status, "message": g.message} for g in self.unresolved
        ]
        data["uncorrectable"] = [f.to_dict() for f in self.uncorrectable]
        return data


def fix_report(report: Report) -> FixResult:
    """Apply the uniquely localized, verified corrections of ``report`` to its document (in place)."""
    from .locate import apply

    groups = [g for g in report.localization if g.status != "rounding"]
    changes = apply(report.document, groups)
    left = [g for g in groups if not (g.status == "localized" and g.verified)]
    explained = {i for g in groups for i in g.findings}
    uncorrectable = [f for i, f in enumerate(report.findings) if f.severity == "error" and i not in explained]
    return FixResult(report, changes, left, uncorrectable)


def fix(
    path: str | Path, variant: str | None = None, coverage: str | None = None, *, progress: Progress | None = None
) -> FixResult:
    """Check ``path`` and correct the table amounts that error localization determines uniquely."""
    return fix_report(check(path, variant, coverage, progress=progress))
