"""Registries of the completeness checks and the classification-code checks.

A rule of kind ``completeness`` or ``codes`` names its check (``check: required_tables``); the check
is looked up here by that name and takes its parameters from the rule in the data file. Adding a
rule that uses a registered check is a change to the rule packs only; a new kind of check is one
function registered with :func:`completeness_check` or :func:`code_check`.

Completeness checks (parameters from the rule):
  required_tables  the variant's tables are all present (``tables``: only these table ids)
  duplicates       no table printed twice
  form_numbering   printed form numbers are consecutive and name the right tables; a form number
                   is read with the variant's ``form_numbers`` patterns (group ``n``: its number)
  no_data_note     a table without data says so; a table that says so has no data (``words``:
                   the note wording that claims "no data")
  units            every table states its unit
  performance      the 绩效 parts the variant requires are present (named by their layout title)
  reading          reading problems of the recognizer, one finding each
  code_digits      codes printed in 类/款/项 columns of their own have two digits for each 款 and
                   项 ("301 | 2" is read as 30102 and reported)

Code checks, on every coded row of ``table`` (parameters from the rule):
  scheme  the code belongs to the scheme (``prefixes``: first digits of the scheme's codes;
          ``scheme_name``: how messages name the scheme)
  known   the code is in the reference catalog of the document's year
  name    the printed name is the catalog's
  parent  the row is printed under a parent its code belongs to
"""

from __future__ import annotations

import re

from .. import catalog
from ..model import Row, Table
from ..results import Finding, Location, Outcome, Unresolvable
from ..textnorm import key

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Callable

if TYPE_CHECKING:
    # (for the type checker only: a string inside a subscript run at import is a typing.ForwardRef,
    # which compiles it, and a process's first compile() sets up the compiler, ≈ 9.5 M instructions)
    from .engine import Evaluator, Rule

    CompletenessCheck = Callable[[Evaluator, Rule, Outcome], None]
    CodeCheck = Callable[[Evaluator, Rule, Outcome, Table, Row, catalog.Catalog], None]

COMPLETENESS: dict[str, CompletenessCheck] = {}
# Completeness checks that ask for the whole disclosure: not applicable to a fragment (one section,
# a few tables; see juesuan.coverage), with this reason.
FRAGMENT_NOT_APPLICABLE = frozenset({"required_tables", "form_numbering", "performance"})
FRAGMENT_REASON = "文件为节选（仅含部分章节或表格），不检查表格是否齐全"
CODE_CHECKS: dict[str, CodeCheck] = {}
# The parameters a check cannot run without (validated statically with the rule packs).
REQUIRED_PARAMS: dict[tuple[str, str], tuple[str, ...]] = {}


def completeness_check(
    name: str, *, requires: tuple[str, ...] = ()
) -> Callable[[CompletenessCheck], CompletenessCheck]:
    def register(fn: CompletenessCheck) -> CompletenessCheck:
        COMPLETENESS[name] = fn
        REQUIRED_PARAMS[("completeness", name)] = requires
        return fn

    return register


def code_check(name: str, *, requires: tuple[str, ...] = ()) -> Callable[[CodeCheck], CodeCheck]:
    def register(fn: CodeCheck) -> CodeCheck:
        CODE_CHECKS[name] = fn
        REQUIRED_PARAMS[("codes", name)] = requires
        return fn

    return register


def _table_location(t: Table, row: str, value: str | None) -> Location:
    p = t.provenance
    return Location(
        t.name, row, "", value, p.page if p else None, p.line if p else None, t.form, bbox=p.bbox if p else None
    )


def _chinese_number(text: str) -> int | None:
    """一 … 九十九 (a form number printed in Chinese numerals: 公开表十二)."""
    digits = "一二三四五六七八九"
    if not text or any(ch not in digits + "十" for ch in text) or text.count("十") > 1:
        return None
    if "十" not in text:
        return digits.index(text) + 1 if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (digits.index(tens) + 1 if tens else 1) * 10 + (digits.index(ones) + 1 if ones else 0)


def form_number(form: str, patterns: list[str]) -> int | None:
    """The sequence number of a printed form number: group ``n`` of the first pattern that matches
    it whole, else its digits (None when it has none)."""
    for pattern in patterns:
        m = re.fullmatch(pattern, form)
        if m and "n" in m.groupdict() and m.group("n"):
            n = m.group("n")
            return int(n) if n.isdigit() else _chinese_number(n)
    digits = "".join(ch for ch in form if ch.isdigit())
    return int(digits) if digits else None


# --------------------------------------------------------------------------------------------
# Completeness


@completeness_check("required_tables")
def _required_tables(ev: Evaluator, rule: Rule, out: Outcome) -> None:
    doc, v = ev.doc, ev.variant
    present = {t.id for t in doc.tables}
    only = rule.spec.get("tables")
    entries = v.tables if only is None else [e for e in v.tables if e.table in only]
    if only is not None and not entries:
        raise Unresolvable("not_applicable", "本版式不含规则所列表格")
    for entry in entries:
        if entry.table not in present and doc.unread_pages:
            # A scanned page was not read: the table may be on it. Say so; don't accuse.
            out.unresolved.append(ev.resolver.absent(entry.table))
            continue
        out.checked += 1
        if entry.table not in present:
            out.failed += 1
            form = f"{entry.form}" if entry.form else ""
            out.findings.append(
                Finding(rule.id, rule.severity, f"缺少{form}《{ev.names.get(entry.table, entry.table)}》")
            )


def _title_location(t: Table) -> Location:
    """Where table ``t``'s title is printed."""
    p = t.provenance
    return Location(
        table=t.name,
        form=t.form,
        row="表名",
        column="标题",
        value=t.title or t.name,
        page=p.page if p else None,
        line=p.line if p else None,
        bbox=p.bbox if p else None,
        ocr=bool(p and p.ocr),
    )


@completeness_check("duplicates")
def _duplicates(ev: Evaluator, rule: Rule, out: Outcome) -> None:
    seen: dict[str, Table] = {}
    for t in ev.doc.tables:
        out.checked += 1
        if t.id in seen:
            out.failed += 1
            first = seen[t.id].provenance
            out.findings.append(
                Finding(
                    rule.id,
                    rule.severity,
                    f"《{t.name}》出现了两次（第{first.line if first else '?'}行和第{t.provenance.line if t.provenance else '?'}行）",
                    # both titles: where to look, and whether one was read by OCR (cap_doubtful)
                    [_title_location(seen[t.id]), _title_location(t)],
                )
            )
        seen.setdefault(t.id, t)


@completeness_check("form_numbering")
def _form_numbering(ev: Evaluator, rule: Rule, out: Outcome) -> None:
    doc, v = ev.doc, ev.variant
    expected = [e for e in v.tables if e.form]
    if not expected:
        raise Unresolvable("not_applicable", "本版式不印表号")
    printed = {t.form for t in doc.tables if t.form}
    if not printed:
        raise Unresolvable("insufficient_data", "文件中未识别出表号")
    patterns = v.form_numbers
    numbers = [n for n in (form_number(f, patterns) for f in printed) if n is not None]
    if not numbers:
        raise Unresolvable("insufficient_data", "文件中的表号未能识别序号")
    top = max(numbers)
    for entry in expected:
        assert entry.form is not None
        n = form_number(entry.form, patterns)
        if n is None or n > top:
            continue
        if entry.form not in printed and doc.unread_pages:
            out.unresolved.append(
                Unresolvable("insufficient_data", f"未见{entry.form}，第{doc.unread_pages_text()}页未能读取")
            )
            continue
        out.checked += 1
        if entry.form not in printed:
            out.failed += 1
            out.findings.append(
                Finding(
                    rule.id,
                    rule.severity,
                    f"表号不连续：缺少{entry.form}（应为《{ev.names.get(entry.table, entry.table)}》）",
                )
            )
    for t in doc.tables:
        found = v.entry(t.id)
        if found and found.form and t.form and t.form != found.form:
            out.checked += 1
            out.failed += 1
            out.findings.append(
                Finding(
                    rule.id,
                    "warning",
                    f"《{t.name}》印为{t.form}，本版式应为{found.form}",
                    [_table_location(t, t.title, t.form)],
                )
            )


@completeness_check("no_data_note", requires=("words",))
def _no_data_note(ev: Evaluator, rule: Rule, out: Outcome) -> None:
    words = list(rule.spec["words"])
    for t in ev.doc.tables:
        if t.unreliable:
            continue  # its rows were not read as printed (the reading problem says so): not "无数据"
        out.checked += 1
        loc = [_table_location(t, "（全表）", None)]
        if not t.has_data() and not t.has_no_data_note():
            out.failed += 1
            out.findings.append(
                Finding(
                    rule.id,
                    rule.severity,
                    f"《{t.name}》无数据，但未按要求注明“本单位无此项收支，故本表无数据”等说明",
                    loc,
                )
            )
        elif t.has_data() and any(w in n for n in t.notes for w in words):
            out.failed += 1
            out.findings.append(Finding(rule.id, "error", f"《{t.name}》注明无数据，但表中有非零金额", loc))


@completeness_check("units")
def _units(ev: Evaluator, rule: Rule, out: Outcome) -> None:
    for t in ev.doc.tables:
        out.checked += 1
        if not t.unit:
            out.failed += 1
            out.findings.append(Finding(rule.id, rule.severity, f"《{t.name}》未标明金额单位"))


@completeness_check("performance")
def _performance(ev: Evaluator, rule: Rule, out: Outcome) -> None:
    v = ev.variant
    if not v.performance:
        raise Unresolvable("not_applicable", "本版式不要求绩效自评表")
    present = {p.kind for p in ev.doc.performance}
    for kind in v.performance:
        out.checked += 1
        if kind not in present:
            out.failed += 1
            titles = ev.layouts.performance.get(kind) or [kind]
            out.findings.append(Finding(rule.id, rule.severity, f"缺少《{titles[0]}》"))


@completeness_check("reading")
def _reading(ev: Evaluator, rule: Rule, out: Outcome) -> None:
    for p in ev.doc.reading_problems:
        out.checked += 1
        out.failed += 1
        out.findings.append(Finding(rule.id, rule.severity, f"读取问题：{p}", kind="reading"))
    for t in ev.doc.tables:
        out.checked += 1
        for p in t.reading_problems:
            out.failed += 1
            out.findings.append(Finding(rule.id, rule.severity, f"《{t.name}》读取问题：{p}", kind="reading"))


@completeness_check("code_digits")
def _code_digits(ev: Evaluator, rule: Rule, out: Outcome) -> None:
    for t in ev.doc.tables:
        for r in t.rows:
            if not r.code or r.code_inferred:
                continue
            out.checked += 1
            if r.code_printed is None:
                continue
            out.failed += 1
            line = f"第{r.provenance.line}行" if r.provenance and r.provenance.line else ""
            out.findings.append(
                Finding(
                    rule.id,
                    rule.severity,
                    f"《{t.name}》{line}的科目编码打印为“{r.code_printed}”：款、项编码应各为两位数字，"
                    f"已按“{r.code}”核对",
                    _code_location(t, r),
                )
            )


# --------------------------------------------------------------------------------------------
# Classification codes


def _code_location(table: Table, r: Row) -> list[Location]:
    p = r.provenance
    return [
        Location(
            table.name,
            r.display,
            "科目编码",
            r.code,
            p.page if p else None,
            p.line if p else None,
            table.form,
            r.code,
            bbox=p.bbox if p else None,
        )
    ]


@code_check("scheme", requires=("prefixes", "scheme_name"))
def _scheme(ev: Evaluator, rule: Rule, out: Outcome, table: Table, r: Row, cat: catalog.Catalog) -> None:
    code = r.code or ""
    out.checked += 1
    if code[:1] in [str(p) for p in rule.spec["prefixes"]]:
        return
    out.failed += 1
    hint = ""
    parent = ev.printed_parent(table, r)
    hits = (cat.by_name(r.label, prefix=parent.code) if parent and parent.code else []) or cat.by_name(r.label)
    if hits:
        hint = f"；按名称“{r.label}”，应为{hits[0].code}"
    out.findings.append(
        Finding(
            rule.id,
            rule.severity,
            f"《{table.name}》中编码{code}不是{rule.spec['scheme_name']}科目编码{hint}",
            _code_location(table, r),
        )
    )


@code_check("known")
def _known(ev: Evaluator, rule: Rule, out: Outcome, table: Table, r: Row, cat: catalog.Catalog) -> None:
    out.checked += 1
    if cat.get(r.code or "") is None:
        out.failed += 1
        out.findings.append(
            Finding(
                rule.id,
                rule.severity,
                f"编码{r.code}（{r.label}）不在{cat.year}年参考科目目录中（目录非官方版本，请核实）",
                _code_location(table, r),
            )
        )


@code_check("name")
def _name(ev: Evaluator, rule: Rule, out: Outcome, table: Table, r: Row, cat: catalog.Catalog) -> None:
    entry = cat.get(r.code or "")
    if entry is None or not r.label:
        return
    out.checked += 1
    # A template's placeholder rows end in an ellipsis ("高等教育……"): not a misprint.
    if key(entry.name) != key(r.label).rstrip("….·. "):  # noqa: B005 - strips any of these characters
        out.failed += 1
        out.findings.append(
            Finding(
                rule.id,
                rule.severity,
                f"编码{r.code}的科目名称印为“{r.label}”，参考目录为“{entry.name}”",
                _code_location(table, r),
            )
        )


@code_check("parent")
def _parent(ev: Evaluator, rule: Rule, out: Outcome, table: Table, r: Row, cat: catalog.Catalog) -> None:
    code = r.code or ""
    if len(code) <= 3:
        return
    out.checked += 1
    parent = ev.printed_parent(table, r)
    if parent is not None and parent.code and not code.startswith(parent.code):
        out.failed += 1
        out.findings.append(
            Finding(
                rule.id,
                rule.severity,
                f"编码{code}（{r.label}）列在“{parent.display}”之下，但不属于该{'类' if len(parent.code) == 3 else '款'}",
                _code_location(table, r),
            )
        )
