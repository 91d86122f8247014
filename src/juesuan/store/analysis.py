"""Analyses over the store: ``compare`` (two documents line by line; between versions of one
department's disclosure also the findings fixed, remaining and new) and ``stats`` (the corpus)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from ..textnorm import UNIT_FACTORS

if TYPE_CHECKING:
    from . import Store

_DOC_COLUMNS = ("id", "file_name", "department", "year", "kind", "scope", "supersedes", "errors")


@dataclass
class Change:
    """One line that differs: printed in both (``changed``; a blank or dash amount is None), or in
    one document only (``added``, ``removed``)."""

    table: str
    table_name: str
    row: str
    column: str
    before: Decimal | None
    after: Decimal | None
    unit: str | None
    in_a: bool = True
    in_b: bool = True

    @property
    def status(self) -> str:
        if not self.in_a:
            return "added"
        if not self.in_b:
            return "removed"
        return "changed"

    @property
    def difference(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def percent(self) -> Decimal | None:
        d = self.difference
        if d is None or not self.before:
            return None
        return (d * 100 / abs(self.before)).quantize(Decimal("0.01"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "table": self.table,
            "table_name": self.table_name,
            "row": self.row,
            "column": self.column,
            "before": _s(self.before),
            "after": _s(self.after),
            "difference": _s(self.difference),
            "percent": _s(self.percent),
            "unit": self.unit,
        }

    def text(self) -> str:
        where = f"《{self.table_name}》“{self.row}”行“{self.column}”列"
        unit = self.unit or ""
        if not self.in_a:
            return f"新增：{where} {_amount(self.after, unit)}"
        if not self.in_b:
            return f"删去：{where} {_amount(self.before, unit)}"
        if self.before is None or self.after is None:
            return f"变动：{where} {_amount(self.before, unit)} → {_amount(self.after, unit)}"
        d = self.difference
        sign = "+" if d is not None and d > 0 else ""
        pct = f"，{sign}{_s(self.percent)}%" if self.percent is not None else ""
        return f"变动：{where} {_s(self.before)} → {_s(self.after)}{unit}（{sign}{_s(d)}{pct}）"


def _amount(v: Decimal | None, unit: str) -> str:
    return "空" if v is None else f"{_s(v)}{unit}"


def _s(v: Decimal | None) -> str | None:
    return None if v is None else format(v, "f")


@dataclass
class Comparison:
    a: dict[str, Any]
    b: dict[str, Any]
    changes: list[Change]
    versions: bool = False  # a and b are versions of one department's disclosure of one year
    fixed: list[dict[str, Any]] = field(default_factory=list)
    remaining: list[dict[str, Any]] = field(default_factory=list)
    new: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema": "juesuan.compare/1",
            "a": self.a,
            "b": self.b,
            "versions": self.versions,
            "changes": [c.to_dict() for c in self.changes],
            "summary": dict(Counter(c.status for c in self.changes)),
        }
        if self.versions:
            out["findings"] = {"fixed": self.fixed, "remaining": self.remaining, "new": self.new}
        return out

    def text(self) -> str:
        def name(d: dict[str, Any]) -> str:
            return f"[{d['id']}] {d['file_name']}（{d['department'] or '部门未知'}，{d['year'] or '年度未知'}）"

        lines = [f"比较：{name(self.a)} → {name(self.b)}"]
        if self.versions:
            lines.append("两者是同一部门同一年度的两个版本。")
        if not self.changes:
            lines.append("表格金额没有差异。")
        for c in self.changes:
            lines.append(c.text())
        counts = Counter(c.status for c in self.changes)
        lines.append(f"共 {counts['changed']} 处变动，{counts['added']} 处新增，{counts['removed']} 处删去。")
        if self.versions:
            for title, items in (("已改正", self.fixed), ("仍存在", self.remaining), ("新出现", self.new)):
                lines.append(f"{title}的问题：{len(items)} 条")
                lines.extend(f"  [{f['severity']}] {f['message']}（{f['rule']}）" for f in items)
        return "\n".join(lines)


def _doc(store: Store, doc_id: int) -> dict[str, Any]:
    row = store.db.execute(f"SELECT {', '.join(_DOC_COLUMNS)} FROM documents WHERE id = ?", [doc_id])[0]
    return dict(zip(_DOC_COLUMNS, row))


def _lines(store: Store, doc_id: int) -> dict[tuple[Any, ...], tuple[str, str, str, Decimal | None, str | None]]:
    """Every amount line of a document keyed by (table, block, row code or label, column, n-th)."""
    rows = store.db.execute(
        "SELECT c.table_seq, c.row_seq, c.table_id, c.block, c.row_code, c.row_label, c.column_id, c.column_header,"
        " c.value_text, c.unit, t.name FROM cells c"
        " LEFT JOIN doc_tables t ON t.document = c.document AND t.table_seq = c.table_seq WHERE c.document = ?",
        [doc_id],
    )
    rows.sort(key=lambda r: (r[0], r[1], r[6]))  # in Python: the same order whatever the database's collation
    out: dict[tuple[Any, ...], tuple[str, str, str, Decimal | None, str | None]] = {}
    seen: Counter[tuple[Any, ...]] = Counter()
    for _t, _r, table_id, block, code, label, col, header, value, unit, tname in rows:
        key0 = (table_id, block or "", code or "", "" if code else (label or ""), col)
        seen[key0] += 1
        row = f"{code} {label}".strip() if code else (label or "")
        out[(*key0, seen[key0])] = (tname or table_id, row, header or col, Decimal(value) if value else None, unit)
    return out


def _factor(unit: str | None) -> Decimal | None:
    return UNIT_FACTORS.get(unit or "")


def _finding_keys(store: Store, doc_id: int) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    findings = store.db.execute(
        "SELECT seq, rule, severity, message FROM findings WHERE document = ? ORDER BY seq", [doc_id]
    )
    cells = store.db.execute(
        "SELECT finding_seq, table_id, row_label, column_header FROM finding_cells WHERE document = ?", [doc_id]
    )
    where: dict[int, list[tuple[str, str, str]]] = {}
    for seq, table, row, col in cells:
        where.setdefault(int(seq), []).append((table or "", row or "", col or ""))
    out = []
    for seq, rule, severity, message in findings:
        places = tuple(sorted(where.get(int(seq), [])))
        key = (rule, places) if places else (rule, message)
        out.append((key, {"rule": rule, "severity": severity, "message": message}))
    return out


def compare(store: Store, a: int, b: int) -> Comparison:
    da, db = _doc(store, a), _doc(store, b)
    la, lb = _lines(store, a), _lines(store, b)
    changes = []
    for key in list(la) + [k for k in lb if k not in la]:
        ta, tb = la.get(key), lb.get(key)
        va = ta[3] if ta else None
        vb = tb[3] if tb else None
        unit = (ta or tb)[4]  # type: ignore[index]
        if ta and tb and ta[4] != tb[4] and _factor(ta[4]) and _factor(tb[4]) and va is not None and vb is not None:
            vb = vb * _factor(tb[4]) / _factor(ta[4])  # type: ignore[operator]
        if ta and tb and va == vb:
            continue
        ref = ta or tb
        assert ref is not None
        changes.append(Change(key[0], ref[0], ref[1], ref[2], va, vb, unit, ta is not None, tb is not None))
    versions = bool(
        da["department"]
        and da["department"] == db["department"]
        and da["year"] == db["year"]
        and da["kind"] == db["kind"]
    )
    cmp = Comparison(da, db, changes, versions)
    if versions:
        fa, fb = _finding_keys(store, a), _finding_keys(store, b)
        left = Counter(k for k, _ in fb)
        for k, f in fa:
            if left[k] > 0:
                left[k] -= 1
                cmp.remaining.append(f)
            else:
                cmp.fixed.append(f)
        before = Counter(k for k, _ in fa)
        for k, f in fb:
            if before[k] > 0:
                before[k] -= 1
            else:
                cmp.new.append(f)
    return cmp


@dataclass
class Stats:
    documents: int
    current: int
    findings_by_rule: list[tuple[str, str, int, int]]
    completeness: list[tuple[str, str, int]]
    three_public: list[tuple[Any, ...]]
    per_staff: list[PerStaff] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "juesuan.stats/1",
            "documents": self.documents,
            "current_documents": self.current,
            "findings_by_rule": [
                {"rule": r, "severity": s, "findings": n, "documents": d} for r, s, n, d in self.findings_by_rule
            ],
            "completeness": [{"coverage": c, "required_tables": s, "documents": n} for c, s, n in self.completeness],
            "three_public": [
                {
                    "department": dep,
                    "year": year,
                    "unit": unit,
                    "three_public_final": _s(tp),
                    "admin_cost_final": _s(ac),
                    "documents": n,
                }
                for dep, year, unit, tp, ac, n in self.three_public
            ],
            "per_staff": [p.to_dict() for p in self.per_staff],
        }

    def text(self, limit: int = 20) -> str:
        from ..results import SEVERITY_LABELS, STATUS_LABELS

        lines = [f"文件：共 {self.documents} 份，其中现行版本 {self.current} 份（以下统计只含现行版本）。", ""]
        lines.append("问题（按规则和级别）：")
        if not self.findings_by_rule:
            lines.append("  无")
        for r, s, n, d in self.findings_by_rule[:limit]:
            lines.append(f"  {r} [{SEVERITY_LABELS.get(s, s)}]：{n} 条，涉及 {d} 份文件")
        if len(self.findings_by_rule) > limit:
            lines.append(f"  ……另有 {len(self.findings_by_rule) - limit} 项（--format json 列出全部）")
        lines.append("")
        lines.append("表格齐全情况（规则 completeness.required_tables）：")
        coverage = {"full": "完整公开文件", "fragment": "节选"}
        for c, s, n in self.completeness:
            lines.append(f"  {coverage.get(c, c)}，{STATUS_LABELS.get(s, s)}：{n} 份")
        lines.append("")
        lines.append("“三公”经费与机关运行经费（决算数，按部门、年度）：")
        if not self.three_public:
            lines.append("  无（库中没有识别出“三公”经费表）")
        for dep, year, unit, tp, ac, _n in self.three_public[:limit]:
            lines.append(
                f"  {dep or '部门未知'} {year or ''}：“三公”经费 {_s(tp) or '—'}，机关运行经费 {_s(ac) or '—'}（{unit or '单位未知'}）"
            )
        if len(self.three_public) > limit:
            lines.append(f"  ……另有 {len(self.three_public) - limit} 行（--format json 列出全部）")
        lines.append("")
        lines.append("人均“三公”经费与机关运行经费（决算数除以情况说明所述实有人数，未述实有人数时用编制人数）：")
        if not self.per_staff:
            lines.append("  无（没有同时识别出“三公”经费表和人数的现行文件）")
        for p in self.per_staff[:limit]:
            lines.append(f"  {p.text()}")
        if len(self.per_staff) > limit:
            lines.append(f"  ……另有 {len(self.per_staff) - limit} 行（--format json 列出全部）")
        return "\n".join(lines)


_CENT = Decimal("0.01")
_STAFF_BASIS = {"actual": "实有人数", "authorized": "编制人数"}


@dataclass
class PerStaff:
    """The 三公 and 机关运行经费 final amounts of one document divided by its staff: the 实有人数 its
    narrative states, else its 编制人数 (a document that states neither, or only zero, has none)."""

    document: int
    file_name: str
    department: str | None
    year: int | None
    unit: str | None  # the unit of the amounts (per_staff is in unit/人)
    staff: int
    staff_basis: str  # actual | authorized
    authorized: int | None
    actual: int | None
    retired: int | None
    three_public_final: Decimal | None
    admin_cost_final: Decimal | None

    def _per(self, v: Decimal | None) -> Decimal | None:
        return None if v is None else (v / self.staff).quantize(_CENT, rounding=ROUND_HALF_UP)

    @property
    def three_public_per_staff(self) -> Decimal | None:
        return self._per(self.three_public_final)

    @property
    def admin_cost_per_staff(self) -> Decimal | None:
        return self._per(self.admin_cost_final)

    @property
    def per_staff_unit(self) -> str:
        return f"{self.unit or '单位未知'}/人"

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "file_name": self.file_name,
            "department": self.department,
            "year": self.year,
            "staff": self.staff,
            "staff_basis": self.staff_basis,
            "authorized": self.authorized,
            "actual": self.actual,
            "retired": self.retired,
            "unit": self.unit,
            "three_public_final": _s(self.three_public_final),
            "admin_cost_final": _s(self.admin_cost_final),
            "per_staff_unit": self.per_staff_unit,
            "three_public_per_staff": _s(self.three_public_per_staff),
            "admin_cost_per_staff": _s(self.admin_cost_per_staff),
        }

    def text(self) -> str:
        u = self.per_staff_unit
        tp, ac = _s(self.three_public_per_staff), _s(self.admin_cost_per_staff)
        return (
            f"[{self.document}] {self.department or '部门未知'} {self.year or ''}（{_STAFF_BASIS[self.staff_basis]}"
            f" {self.staff} 人）：人均“三公”经费 {tp + u if tp else '—'}，人均机关运行经费 {ac + u if ac else '—'}"
        )


def _per_staff(store: Store) -> list[PerStaff]:
    rows = store.db.execute(
        "SELECT v.document, v.file_name, v.department, v.year, v.unit, v.three_public_final, v.admin_cost_final,"
        " s.authorized, s.actual, s.retired"
        " FROM v_three_public v JOIN v_staff s ON s.document = v.document"
        f" JOIN documents d ON d.id = v.document WHERE {_CURRENT.format(d='d')}"
    )
    out = []
    for doc, name, dep, year, unit, tp, ac, authorized, actual, retired in rows:
        if actual:
            staff, basis = int(actual), "actual"
        elif authorized:
            staff, basis = int(authorized), "authorized"
        else:
            continue  # no staff number, or only zero: nothing to divide by
        if tp is None and ac is None:
            continue
        out.append(
            PerStaff(
                int(doc),
                str(name),
                dep,
                None if year is None else int(year),
                unit,
                staff,
                basis,
                None if authorized is None else int(authorized),
                None if actual is None else int(actual),
                None if retired is None else int(retired),
                None if tp is None else Decimal(tp),
                None if ac is None else Decimal(ac),
            )
        )
    out.sort(key=lambda p: (str(p.department or ""), p.year or 0, p.document, str(p.unit or "")))
    return out


_CURRENT = "NOT EXISTS (SELECT 1 FROM documents n WHERE n.supersedes = {d}.id)"


def stats(store: Store) -> Stats:
    q = store.db.execute
    total = int(q("SELECT COUNT(*) FROM documents")[0][0])
    current = int(q(f"SELECT COUNT(*) FROM documents d WHERE {_CURRENT.format(d='d')}")[0][0])
    by_rule = q(
        "SELECT f.rule, f.severity, COUNT(*), COUNT(DISTINCT f.document) FROM findings f"
        f" JOIN documents d ON d.id = f.document WHERE {_CURRENT.format(d='d')}"
        " GROUP BY f.rule, f.severity"
    )
    by_rule.sort(key=lambda r: (-int(r[2]), str(r[0]), str(r[1])))
    completeness = q(
        "SELECT v.coverage, v.required_tables, COUNT(*) FROM v_completeness v JOIN documents d ON d.id = v.document"
        f" WHERE {_CURRENT.format(d='d')} GROUP BY v.coverage, v.required_tables"
    )
    completeness.sort(key=lambda r: (str(r[0]), str(r[1])))
    three = q(
        "SELECT v.department, v.year, v.unit, SUM(v.three_public_final), SUM(v.admin_cost_final), COUNT(*)"
        f" FROM v_three_public v JOIN documents d ON d.id = v.document WHERE {_CURRENT.format(d='d')}"
        " GROUP BY v.department, v.year, v.unit"
    )
    three.sort(key=lambda r: (str(r[0] or ""), r[1] or 0, str(r[2] or "")))
    return Stats(
        total,
        current,
        [(str(r), str(s), int(n), int(d)) for r, s, n, d in by_rule],
        [(str(c), str(s), int(n)) for c, s, n in completeness],
        [tuple(r) for r in three],
        _per_staff(store),
    )
