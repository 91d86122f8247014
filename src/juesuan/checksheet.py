"""The reviewer's check sheet (公开情况检查表): the workbook a finance bureau hands back to a
department, one per document. ``juesuan check FILE --format xlsx -o 检查表.xlsx`` writes it; the
web app offers it for a stored document with the reviewer's decisions applied.

Three stages, one direction:

1. :class:`SheetInput` — what the sheet is made from: the check report in its JSON form
   (``report.report_dict``: findings with locations and boxes, rule statuses, error localization),
   the document's paragraphs and tables, and the source file for the pictures. Built from a
   :class:`~juesuan.results.Report` (:func:`from_report`) or by the web app from the store.
2. :func:`evaluate` — one :class:`ItemResult` per checklist item of the data file
   ``data/checksheet/*.yaml`` (:func:`load_items`): 符合要求 是/否/无法判断, the problems in plain
   Chinese, and the evidence (a page, the boxes to draw). An item is 是 only when its check ran
   and found nothing; when it could not run (a page not read, a fragment, a table read badly, a
   text file without pages) it is 无法判断 with the reason.
3. :func:`workbook_bytes` — the XLSX (openpyxl), with the evidence pictures rendered from the PDF
   (pypdfium2, cropped around the boxed cells) and embedded in the 问题截图 column.
"""

from __future__ import annotations

import fnmatch
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

YES, NO, UNKNOWN = "是", "否", "无法判断"
FAILING = ("error", "warning")
ITEM_KINDS = ("timeliness", "cover", "section", "narrative", "tables", "rules", "other")
HEADING_MAX_CHARS = 40  # a heading is a short line of its own, not a sentence mentioning the words
MAX_PROBLEMS = 15  # problems written out per item; the rest are counted
SEVERITY_NOTE = {"warning": "（警告，请核实）"}


# --------------------------------------------------------------------------------------------
# The checklist (data/checksheet/*.yaml)


@dataclass(frozen=True)
class Part:
    id: str
    name: str
    headings: tuple[str, ...]


@dataclass(frozen=True)
class ItemSpec:
    id: str
    name: str
    kind: str
    requirement: str = ""
    headings: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    title: str = ""
    deadline_days: int | None = None
    parts: tuple[Part, ...] = ()
    sections: tuple[str, ...] = ()  # findings located in a text section whose name matches go here


@lru_cache(maxsize=1)
def load_items() -> tuple[ItemSpec, ...]:
    """The checklist items in order. An item of a later data directory (``JUESUAN_DATA_PATH``)
    with the id of an earlier one replaces it in place; new ids are appended."""
    from .dataload import documents

    items: dict[str, ItemSpec] = {}
    for _path, doc in documents("checksheet"):
        for d in doc.get("items") or []:
            items[d["id"]] = ItemSpec(
                id=d["id"],
                name=d["name"],
                kind=d["kind"],
                requirement=d.get("requirement", ""),
                headings=tuple(d.get("headings") or ()),
                rules=tuple(d.get("rules") or ()),
                title=d.get("title", ""),
                deadline_days=d.get("deadline_days"),
                parts=tuple(Part(p["id"], p["name"], tuple(p["headings"])) for p in d.get("parts") or ()),
                sections=tuple(d.get("sections") or ()),
            )
    return tuple(items.values())


def validate_items() -> list[str]:
    """The references of the checklist data that its schema cannot check: known kinds, regular
    expressions that compile, unique ids, the keys each kind needs, one ``tables`` and one
    ``other`` item. Chinese messages (``juesuan validate-data``)."""
    from .dataload import yaml_files

    where = "、".join(str(p) for p in yaml_files("checksheet")) or "data/checksheet"
    problems: list[str] = []
    try:
        items = load_items()
    except Exception as exc:  # noqa: BLE001 — a DataError already lists its problems
        return list(getattr(exc, "problems", [str(exc)]))
    kinds: dict[str, int] = {}
    part_ids: set[str] = set()
    for it in items:
        kinds[it.kind] = kinds.get(it.kind, 0) + 1
        if it.kind not in ITEM_KINDS:
            problems.append(f"{where}：检查项“{it.id}”的类型“{it.kind}”未知（可用：{'、'.join(ITEM_KINDS)}）")
        if it.kind in ("section", "narrative") and not it.headings:
            problems.append(f"{where}：检查项“{it.id}”（{it.kind}）缺少 headings")
        if it.kind == "rules" and not it.rules:
            problems.append(f"{where}：检查项“{it.id}”（rules）缺少 rules")
        if it.kind == "cover" and not it.title:
            problems.append(f"{where}：检查项“{it.id}”（cover）缺少 title")
        if it.kind == "timeliness" and it.deadline_days is None:
            problems.append(f"{where}：检查项“{it.id}”（timeliness）缺少 deadline_days")
        patterns = [*it.headings, *it.sections, *(h for p in it.parts for h in p.headings)]
        patterns += [it.title] if it.title else []
        for pat in patterns:
            try:
                re.compile(pat)
            except re.error as exc:
                problems.append(f"{where}：检查项“{it.id}”的正则表达式“{pat}”有误（{exc}）")
        for p in it.parts:
            if p.id in part_ids:
                problems.append(f"{where}：检查项“{it.id}”的部分“{p.id}”重复")
            part_ids.add(p.id)
    for kind in ("tables", "other"):
        if kinds.get(kind, 0) != 1:
            problems.append(f"{where}：应有且只有一个类型为 {kind} 的检查项（实有 {kinds.get(kind, 0)} 个）")
    return problems


# --------------------------------------------------------------------------------------------
# Input


@dataclass
class SheetInput:
    """What a check sheet is made from. ``report``: the check report as JSON (``report_dict``);
    ``paragraphs``: (text, page) of the document's text lines outside the tables; ``tables``: the
    tables read ({id, name, form, page, reading_problems, unreliable}); ``source``: the file the
    pictures are cut from (a PDF), else None and ``no_source_reason`` says why there is none."""

    report: dict[str, Any]
    paragraphs: list[tuple[str, int | None]]
    tables: list[dict[str, Any]]
    file_name: str
    source: Path | None = None
    unread_pages: list[int] = field(default_factory=list)
    no_source_reason: str | None = None
    dismissed: int = 0  # findings a reviewer dismissed (left out of ``report``)
    published: date | None = None
    approved: date | None = None
    checked_on: date | None = None


def is_pdf(path: Path | None) -> bool:
    if path is None:
        return False
    try:
        with open(path, "rb") as fh:
            return fh.read(1024).lstrip().startswith(b"%PDF")
    except OSError:
        return False


def from_report(report: Any, source: Path | None, file_name: str | None = None) -> SheetInput:
    """The input of a check sheet for ``report`` (a :class:`~juesuan.results.Report`) of the file
    ``source`` (None: standard input already gone, no pictures)."""
    from .report import report_dict

    doc = report.document
    data = report_dict(report)
    name = file_name or (Path(str(doc.source)).name if doc.source else "")
    tables = [
        {
            "id": t.id,
            "name": t.name,
            "form": t.form,
            "page": t.provenance.page if t.provenance else None,
            "reading_problems": list(t.reading_problems),
            "unreliable": bool(t.unreliable),
        }
        for t in doc.tables
    ]
    paragraphs = [(p.text, p.provenance.page if p.provenance else None) for p in doc.paragraphs]
    reason = None
    if source is None:
        reason = "原文件不可用（来自标准输入），无截图"
    elif not is_pdf(source):
        reason = "原文件不是 PDF（没有版面页面），无截图"
    return SheetInput(
        data,
        paragraphs,
        tables,
        name,
        source if is_pdf(source) else None,
        list(doc.unread_pages),
        reason,
    )


# --------------------------------------------------------------------------------------------
# Evaluation

_NUMBERING = re.compile(
    r"^(第[一二三四五六七八九十百\d]+(部分|章|节)|[（(]?[一二三四五六七八九十百\d]+[)）]|[一二三四五六七八九十百]+[、.．]"
    r"|\d+[、.．](?!\d))"
)


def heading_key(text: str) -> str:
    """A line as headings are matched: NFKC, no spaces, no leading numbering (第一部分, 一、, （一）, 1.)."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    for _ in range(2):  # "第三部分 一、…"
        s2 = _NUMBERING.sub("", s)
        if s2 == s:
            break
        s = s2
    return s.strip("：:")


def _is_heading(text: str) -> bool:
    s = re.sub(r"\s+", "", text or "")
    return 0 < len(s) <= HEADING_MAX_CHARS and not re.search(r"[。；;]", s[:-1])


def _matches(key: str, patterns: tuple[str, ...]) -> bool:
    return any(re.search(p, key) for p in patterns)


@dataclass
class ItemResult:
    number: str
    name: str
    status: str
    problems: list[str] = field(default_factory=list)
    findings: list[int] = field(default_factory=list)  # indexes into report["findings"]
    note: str = ""  # why 无法判断, or what was checked
    picture_note: str = ""  # why there is no picture (or where it is from)
    page: int | None = None  # the evidence page
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)
    search: list[str] = field(default_factory=list)  # printed values to look for when no box is known
    table: str | None = None  # a table row: the table's name (its own cells are the evidence)


def _table_names(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Table name (and id) → the row key of the tables item."""
    out: dict[str, str] = {}
    for r in rows:
        out[r["name"]] = r["key"]
        out[r["id"]] = r["key"]
    return out


def _required_tables(inp: SheetInput) -> list[dict[str, Any]]:
    """One row per table the document's variant requires (layout names), then any other table
    read; each {key, id, name, form, present}."""
    from .layouts import load

    layouts = load()
    doc = inp.report.get("document", {})
    variant = layouts.variants.get(doc.get("variant") or "")
    read = {t["id"]: t for t in inp.tables}
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    if variant is not None:
        for e in variant.tables:
            t = read.get(e.table)
            rows.append(
                {
                    "key": e.table,
                    "id": e.table,
                    "name": t["name"] if t else layouts.table_name(e.table, variant),
                    "form": (t or {}).get("form") or e.form,
                    "present": t is not None,
                    "table": t,
                }
            )
            seen.add(e.table)
    for t in inp.tables:
        if t["id"] not in seen:
            rows.append(
                {"key": t["id"], "id": t["id"], "name": t["name"], "form": t.get("form"), "present": True, "table": t}
            )
            seen.add(t["id"])
    return rows


def _where(loc: dict[str, Any]) -> str:
    if loc.get("page"):
        return f"第{loc['page']}页"
    if loc.get("line"):
        return f"第{loc['line']}行"
    return ""


def evaluate(inp: SheetInput) -> list[ItemResult]:
    """The checklist items judged on ``inp``, in order (tables and narrative parts as rows of their own)."""
    rep = inp.report
    doc = rep.get("document", {})
    findings: list[dict[str, Any]] = rep.get("findings", [])
    items = load_items()
    table_rows = _required_tables(inp)
    by_table = _table_names(table_rows)

    # -- which findings belong where ------------------------------------------------------------
    blamed: dict[int, list[str]] = {}  # finding → the tables error localization blames
    group_of: dict[int, int] = {}
    for gi, g in enumerate(rep.get("localization", [])):
        if g.get("status") != "localized":
            continue
        tables = [c.get("table") for c in g.get("cells", []) if c.get("table")]
        for i in g.get("findings", []):
            blamed[i] = list(dict.fromkeys(tables))
            group_of[i] = gi
    headings = [(heading_key(t), p) for t, p in inp.paragraphs if _is_heading(t)]
    narrative_spec = next((it for it in items if it.kind == "narrative"), None)

    def part_of(loc_row: str | None) -> str | None:
        """The narrative part a finding's heading belongs to: the last part heading at or before it."""
        if narrative_spec is None or not loc_row:
            return None
        key = heading_key(loc_row)
        current: str | None = None
        for h, _page in headings:
            for part in narrative_spec.parts:
                if _matches(h, part.headings):
                    current = part.id
            if h == key:
                return current
        direct = next((p.id for p in narrative_spec.parts if _matches(key, p.headings)), None)
        return direct

    assigned: dict[str, list[int]] = {}  # row key → finding indexes
    for i, f in enumerate(findings):
        if f.get("severity") not in FAILING and f.get("kind") != "reading":
            continue  # 提示 (rounding hints …) ask for no correction
        rule = f.get("rule", "")
        section = next((loc.get("table") for loc in f.get("locations", []) if loc.get("table")), None) or ""
        owner = next((it for it in items if it.sections and _matches(section, it.sections)), None) or next(
            (
                it
                for it in items
                if it.kind in ("narrative", "rules", "section") and any(fnmatch.fnmatchcase(rule, p) for p in it.rules)
            ),
            None,
        )
        if owner is not None:
            key = owner.id
            if owner.kind == "narrative":
                part = part_of(next((loc.get("row") for loc in f.get("locations", []) if loc.get("row")), None))
                if part is not None:
                    key = f"{owner.id}.{part}"
            target = [key]
        else:
            names = blamed.get(i) or [loc.get("table") for loc in f.get("locations", []) if loc.get("table")]
            if not names:
                names = re.findall(r"《([^》]+)》", f.get("message", ""))
            target = [f"table.{k}" for k in dict.fromkeys(by_table[n] for n in names if n in by_table)]
            if not target:
                target = [next(it.id for it in items if it.kind == "other")]
        for k in target:
            assigned.setdefault(k, []).append(i)

    # -- judging each item ----------------------------------------------------------------------
    results: list[ItemResult] = []
    number = 0
    fragment = doc.get("coverage") == "fragment"
    unread = sorted(set(inp.unread_pages))
    paged = inp.source is not None or any(p for _t, p in inp.paragraphs) or any(t.get("page") for t in inp.tables)

    def absent_reason() -> str | None:
        if fragment:
            return "文件为节选（不是完整的公开文件），不判断是否缺少该部分"
        if unread:
            return f"第{'、'.join(map(str, unread))}页未读取，该部分可能在这些页上"
        return None

    def with_findings(res: ItemResult, key: str) -> ItemResult:
        idx = assigned.get(key, [])
        failing = [i for i in idx if findings[i].get("kind") != "reading"]
        reading = [i for i in idx if findings[i].get("kind") == "reading"]
        if failing:
            res.status = NO
            res.findings = failing
            res.problems = res.problems + _problems(failing, findings, rep.get("localization", []), group_of)
        if reading:
            texts = [findings[i].get("message", "") for i in reading]
            if res.status != NO:
                res.status = UNKNOWN
                res.note = "；".join(dict.fromkeys(texts))
                res.findings = reading
            else:
                res.problems.append("另有读取问题：" + "；".join(dict.fromkeys(texts)))
        return res

    for spec in items:
        if spec.kind == "tables":
            for row in table_rows:
                number += 1
                name = f"{row['form']} {row['name']}" if row.get("form") else row["name"]
                res = ItemResult(str(number), name, YES, table=row["name"])
                t = row.get("table")
                if not row["present"]:
                    res.status = UNKNOWN
                    res.note = absent_reason() or "文件中未识别出该表（可能未公开或未能读取），未能核对"
                elif t and (t.get("unreliable") or t.get("reading_problems")):
                    res.status = UNKNOWN
                    res.note = "该表读取有问题，未能完整核对：" + "；".join(t.get("reading_problems") or ["读数不可靠"])
                res = with_findings(res, f"table.{row['key']}")
                if res.status == NO and not row["present"]:
                    res.note = ""  # the finding says the table is missing
                results.append(res)
            continue
        number += 1
        res = ItemResult(str(number), spec.name, YES)
        if spec.kind in ("timeliness", "cover"):
            if spec.kind == "timeliness":
                res.status, res.note = _timeliness(spec, inp)
                res.picture_note = "按日期判断，无截图"
            else:
                res.status, res.note = _cover(spec, inp, paged)
                res.picture_note = "无截图"
            if res.status == NO:
                res.problems, res.note = [res.note], ""
            results.append(res)
            continue
        if spec.kind in ("section", "narrative"):
            found = [p for h, p in headings if _matches(h, spec.headings)]
            if found:
                res.note = f"见第{found[0]}页" if found[0] else ""
            elif absent_reason():
                res.status, res.note = UNKNOWN, absent_reason() or ""
            else:
                res.status = NO
                res.problems = [
                    f"文件中未找到“{spec.name}”部分" + (f"（要求：{spec.requirement}）" if spec.requirement else "")
                ]
                res.picture_note = "文件中没有该部分，无截图"
            results.append(with_findings(res, spec.id))
            if spec.kind == "narrative":
                present = bool(found)
                for n, pt in enumerate(spec.parts, start=1):
                    sub = ItemResult(f"{number}.{n}", f"{spec.name}—{pt.name}", YES)
                    hit = [p for h, p in headings if _matches(h, pt.headings)]
                    if not hit:
                        sub.status = UNKNOWN
                        sub.note = "未找到该部分的标题，未能单独核对" if present else "未找到情况说明"
                    results.append(with_findings(sub, f"{spec.id}.{pt.id}"))
            continue
        if spec.kind == "rules":
            statuses = [
                r for r in rep.get("rules", []) if any(fnmatch.fnmatchcase(r.get("id", ""), p) for p in spec.rules)
            ]
            if statuses and all(r.get("status") == "not_applicable" for r in statuses) and not assigned.get(spec.id):
                number -= 1
                continue  # the variant does not ask for it: no row
            if not any(r.get("status") in ("pass", "fail") for r in statuses):
                res.status = UNKNOWN
                res.note = (
                    "；".join(dict.fromkeys(r.get("reason") or "" for r in statuses if r.get("reason")))
                    or "相关检查未能执行"
                )
            results.append(with_findings(res, spec.id))
            continue
        # other: every finding no other item took
        results.append(with_findings(res, spec.id))

    groups = rep.get("localization", [])
    for res in results:
        mine = list(dict.fromkeys(group_of[i] for i in res.findings if i in group_of))
        _evidence(res, findings, inp, [groups[g] for g in mine])
    return results


def _problems(
    idx: list[int], findings: list[dict[str, Any]], groups: list[dict[str, Any]], group_of: dict[int, int]
) -> list[str]:
    """Plain Chinese problem lines: a localized group's explanation once (it names the cell to
    correct), then each finding no group explains; the same message once."""
    out: list[str] = []
    seen_groups: set[int] = set()
    for i in idx:
        f = findings[i]
        note = SEVERITY_NOTE.get(f.get("severity", ""), "")
        gi = group_of.get(i)
        if gi is not None and groups[gi].get("message"):
            if gi in seen_groups:
                continue
            seen_groups.add(gi)
            cells = groups[gi].get("cells") or []
            where = _where(cells[0]) if cells else ""
            text = groups[gi]["message"] + (f"（{where}）" if where else "")
        else:
            locs = f.get("locations") or []
            where = _where(locs[0]) if locs else ""
            text = f.get("message", "") + (f"（{where}）" if where else "") + note
        if text not in out:
            out.append(text)
    if len(out) > MAX_PROBLEMS:
        out = out[:MAX_PROBLEMS] + [f"……另有{len(out) - MAX_PROBLEMS}条问题，见审核报告"]
    return out


def _timeliness(spec: ItemSpec, inp: SheetInput) -> tuple[str, str]:
    need = spec.requirement or "按时公开"
    deadline = inp.approved + timedelta(days=spec.deadline_days or 0) if inp.approved else None
    if inp.published is None or deadline is None:
        missing = "公开日期" if inp.published is None else "财政部门批复日期"
        return UNKNOWN, f"未提供{missing}，无法判断是否按时公开（要求：{need}）"
    if inp.published <= deadline:
        return YES, f"{inp.published.isoformat()} 公开，期限 {deadline.isoformat()}"
    late = (inp.published - deadline).days
    return NO, f"{inp.published.isoformat()} 公开，超过期限 {deadline.isoformat()} {late} 天（要求：{need}）"


def _cover(spec: ItemSpec, inp: SheetInput, paged: bool) -> tuple[str, str]:
    if not paged:
        return UNKNOWN, "文件没有版面页（纯文本、表格或网页文件），无法判断封面"
    if 1 in inp.unread_pages:
        return UNKNOWN, "第1页未读取（扫描图像等），无法判断封面"
    first = [t for t, p in inp.paragraphs if p == 1]
    table_first = any(t.get("page") == 1 for t in inp.tables)
    titled = any(re.search(spec.title, re.sub(r"\s+", "", unicodedata.normalize("NFKC", t))) for t in first)
    if titled and not table_first:
        return YES, ""
    if table_first:
        return NO, "第1页即为表格，未见封面" + (f"（要求：{spec.requirement}）" if spec.requirement else "")
    if not first:
        return UNKNOWN, "第1页没有可读的文字（封面可能是图片），无法判断"
    return NO, "第1页未见注明年度的标题（如“××单位××年度部门决算”），不像封面" + (
        f"（要求：{spec.requirement}）" if spec.requirement else ""
    )


def _evidence(res: ItemResult, findings: list[dict[str, Any]], inp: SheetInput, groups: list[dict[str, Any]]) -> None:
    """Choose the page and the boxes of the picture of a 否 item (or say why there is none): the
    cells error localization blames, else the cells the findings name (of the item's own table,
    for a table row)."""
    if res.status != NO or not res.findings:
        return
    boxed: list[tuple[int, tuple[float, float, float, float]]] = []
    paged: list[tuple[int, str]] = []
    lines: list[int] = []
    explained = {i for g in groups for i in g.get("findings", [])}
    locs = [c for g in groups for c in g.get("cells", [])]
    locs += [loc for i in res.findings if i not in explained for loc in findings[i].get("locations", [])]
    if res.table is not None and any(loc.get("table") == res.table for loc in locs):
        locs = [loc for loc in locs if loc.get("table") == res.table]
    if any(loc.get("bbox") for loc in locs):
        locs = [loc for loc in locs if loc.get("bbox")]
    for loc in locs:
        if loc.get("page") and loc.get("bbox"):
            boxed.append((loc["page"], tuple(loc["bbox"])))
        elif loc.get("page"):
            paged.append((loc["page"], str(loc.get("value") or "")))
        elif loc.get("line"):
            lines.append(loc["line"])
    if inp.source is None:
        where = f"，问题位置：第{'、'.join(map(str, sorted(set(lines))[:5]))}行" if lines else ""
        res.picture_note = (inp.no_source_reason or "原文件不可用，无截图") + where
        return
    if boxed:
        res.page = boxed[0][0]
        res.boxes = [b for p, b in boxed if p == res.page]
    elif paged:
        res.page = paged[0][0]
        res.search = [v for p, v in paged if p == res.page and v and v != "—"]
    else:
        res.picture_note = "问题未定位到页面上的具体位置，无截图"
        return
    pages = sorted({p for p, _ in boxed} | {p for p, _ in paged})
    others = [p for p in pages if p != res.page]
    res.picture_note = f"第{res.page}页" + (f"（另见第{'、'.join(map(str, others))}页）" if others else "")


# --------------------------------------------------------------------------------------------
# Pictures

PICTURE_SCALE = 2.0
PICTURE_MAX_W = 560  # pixels in the sheet
PICTURE_MAX_H = 520  # an Excel row is at most 409 points (545 pixels) high
BOX_COLOR = (220, 20, 20)


def _search_boxes(source: Path, page: int, texts: list[str]) -> list[tuple[float, float, float, float]]:
    """Boxes (pdfplumber coordinates) of the printed ``texts`` on ``page`` (pdfium text search)."""
    import pypdfium2 as pdfium

    from .pages import PageGeometry

    out: list[tuple[float, float, float, float]] = []
    pdf = pdfium.PdfDocument(str(source))
    try:
        pg = pdf[page - 1]
        geom = PageGeometry.from_boxes(pg.get_mediabox(), pg.get_rotation())
        tp = pg.get_textpage()
        for text in dict.fromkeys(texts):
            searcher = tp.search(text, match_case=True, match_whole_word=False)
            while True:
                occ = searcher.get_next()
                if not occ:
                    break
                start, count = occ
                xs, ys = [], []
                for k in range(start, start + count):
                    left, bottom, right, top = tp.get_charbox(k)
                    for ux, uy in ((left, bottom), (right, top)):
                        x, t = geom.to_plumber(ux, uy)
                        xs.append(x)
                        ys.append(t)
                if xs:
                    out.append((min(xs), min(ys), max(xs), max(ys)))
                if len(out) >= 8:
                    break
    finally:
        pdf.close()
    return out


def picture(source: Path, page: int, boxes: list[tuple[float, float, float, float]]) -> bytes:
    """PNG: ``page`` of ``source`` with ``boxes`` (pdfplumber coordinates) drawn in red, cropped
    around them with some context, at most PICTURE_MAX_W × PICTURE_MAX_H pixels. Without boxes, the
    top of the page."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    from .show import render_page

    s = PICTURE_SCALE
    image, to_pixel = render_page(pdfium.PdfDocument(str(source)), page, s)
    draw = ImageDraw.Draw(image)
    rects = []
    for x0, top, x1, bottom in boxes:
        a, b = to_pixel(x0, top)
        c, d = to_pixel(x1, bottom)
        r = (min(a, c) - 3, min(b, d) - 3, max(a, c) + 3, max(b, d) + 3)
        draw.rectangle(r, outline=BOX_COLOR, width=4)
        rects.append(r)
    W, H = image.size
    if rects:
        left, top = min(r[0] for r in rects), min(r[1] for r in rects)
        right, bottom = max(r[2] for r in rects), max(r[3] for r in rects)
        # more room on the left, where a table prints its row labels (not around a wide paragraph)
        wide = right - left > 300 * s
        left, right = max(0, left - (20 if wide else 240) * s), min(W, right + (20 if wide else 100) * s)
        my = 50 * s
        top, bottom = max(0, top - my), min(H, bottom + my)
        if right - left < 420 * s:  # at least a readable stretch of the row around the cells
            grow = (420 * s - (right - left)) / 2
            left, right = max(0, left - grow), min(W, right + grow)
        if bottom - top > (right - left) * 1.4:  # boxes far apart: keep the first ones
            bottom = top + (right - left) * 1.4
        image = image.crop((int(left), int(top), int(right), int(bottom)))
    else:
        image = image.crop((0, 0, W, min(H, int(W * 0.9))))
    ratio = min(PICTURE_MAX_W / image.width, PICTURE_MAX_H / image.height, 1.0)
    if ratio < 1.0:
        from PIL import Image

        image = image.resize(
            (max(1, int(image.width * ratio)), max(1, int(image.height * ratio))), Image.Resampling.LANCZOS
        )
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def _picture_for(res: ItemResult, inp: SheetInput) -> bytes | None:
    if res.page is None or inp.source is None:
        return None
    boxes = list(res.boxes)
    if not boxes and res.search:
        try:
            boxes = _search_boxes(inp.source, res.page, res.search)
        except Exception:  # noqa: BLE001 — a page pdfium cannot search: the picture without boxes
            boxes = []
        if not boxes:
            res.picture_note += "（未能在页面上找到问题文字，截图为该页上部）"
    try:
        return picture(inp.source, res.page, boxes)
    except Exception as exc:  # noqa: BLE001 — a page that cannot be rendered: say so in the cell
        res.picture_note = f"第{res.page}页无法渲染，无截图（{type(exc).__name__}）"
        return None


# --------------------------------------------------------------------------------------------
# The workbook

COLUMNS = ("序号", "检查项目", "符合要求", "存在问题", "问题截图")
WIDTHS = (7, 34, 11, 60, 82)
STATUS_FILL = {YES: "E2F0D9", NO: "F8CBAD", UNKNOWN: "FFF2CC"}

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _put(cell: Any, text: str | None) -> None:
    """Untrusted text (document and finding text) as a string cell, never a formula."""
    from .writers.xlsx import _text

    _text(cell, _ILLEGAL.sub("", text) if isinstance(text, str) else text)


def _title(inp: SheetInput) -> str:
    doc = inp.report.get("document", {})
    dept = doc.get("department") or "（未识别单位）"
    year = f"{doc.get('year')}年度" if doc.get("year") else ""
    return f"{dept}{year}{doc.get('kind') or '决算'}公开情况检查表"


def header_rows(inp: SheetInput, results: list[ItemResult]) -> list[tuple[str, str]]:
    from . import __version__

    doc = inp.report.get("document", {})
    counts = {s: sum(1 for r in results if r.status == s) for s in (YES, NO, UNKNOWN)}
    rows = [
        ("部门（单位）", doc.get("department") or "（未识别）"),
        ("年度", str(doc.get("year") or "（未识别）")),
        ("类型", f"{doc.get('kind') or ''}（{doc.get('variant_name') or doc.get('variant') or '版式未识别'}）"),
        ("文件名", inp.file_name),
        ("检查日期", (inp.checked_on or date.today()).isoformat()),
        ("juesuan 版本", str(inp.report.get("juesuan_version") or __version__)),
        (
            "检查结论",
            f"共{len(results)}项：符合 {counts[YES]} 项，不符合 {counts[NO]} 项，无法判断 {counts[UNKNOWN]} 项",
        ),
    ]
    if inp.dismissed:
        rows.append(("审核意见", f"已剔除审核人驳回（误报）的问题 {inp.dismissed} 条"))
    return rows


def workbook_bytes(inp: SheetInput, results: list[ItemResult] | None = None) -> bytes:
    """The check sheet of ``inp`` as XLSX bytes (one worksheet: header block, then the items)."""
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image as XLImage
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    results = evaluate(inp) if results is None else results
    wb = Workbook()
    ws = wb.active
    ws.title = "检查表"
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    _put(ws.cell(row=1, column=1), _title(inp))
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28
    r = 2
    for label, value in header_rows(inp, results):
        ws.merge_cells(start_row=r, start_column=3, end_row=r, end_column=len(COLUMNS))
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        _put(ws.cell(row=r, column=1), label)
        ws.cell(row=r, column=1).font = Font(bold=True)
        _put(ws.cell(row=r, column=3), value)
        ws.cell(row=r, column=3).alignment = Alignment(wrap_text=True, vertical="center")
        r += 1
    r += 1
    head = r
    for c, text in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=r, column=c)
        _put(cell, text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = border
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    for res in results:
        r += 1
        problems = "\n".join(
            f"{k}. {p}" if len(res.problems) > 1 else p for k, p in enumerate(res.problems, start=1)
        ) or (res.note if res.status == UNKNOWN else "无")
        if res.status == NO and res.note:
            problems += f"\n（{res.note}）"
        png = _picture_for(res, inp) if res.status == NO else None
        shot = res.picture_note if res.status == NO else ""
        if res.status == NO and png is None and not shot:
            shot = "无截图"
        values = (res.number, res.name, res.status, problems, shot)
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            _put(cell, v)
            cell.border = border
            cell.alignment = wrap
        ws.cell(row=r, column=3).alignment = Alignment(horizontal="center", vertical="top")
        ws.cell(row=r, column=3).fill = PatternFill("solid", fgColor=STATUS_FILL[res.status])
        lines = sum(max(1, -(-len(line) // 30)) for line in problems.split("\n"))
        height = min(409.0, max(20.0, 15.0 * lines))
        if png is not None:
            img = XLImage(io.BytesIO(png))
            img.anchor = f"E{r}"
            ws.add_image(img)
            _put(ws.cell(row=r, column=5), None)
            ws.cell(row=r, column=5).alignment = wrap
            # the note (page) goes into the cell's comment-free text below the picture: keep it
            # in the 存在问题 column instead so the picture covers nothing
            if shot:
                _put(ws.cell(row=r, column=4), problems + f"\n（截图：{shot}）")
            height = min(409.0, max(height, img.height * 0.75 + 6))
        ws.row_dimensions[r].height = height
    ws.print_options.gridLines = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write(inp: SheetInput, out: Path) -> list[ItemResult]:
    """Write the check sheet of ``inp`` to ``out``; the judged items. (The command line writes
    through a temporary file instead: ``clirun.check_sheet``.)"""
    results = evaluate(inp)
    Path(out).write_bytes(workbook_bytes(inp, results))
    return results


__all__ = [
    "ItemResult",
    "ItemSpec",
    "SheetInput",
    "evaluate",
    "from_report",
    "load_items",
    "picture",
    "validate_items",
    "workbook_bytes",
    "write",
]
