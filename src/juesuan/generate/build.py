"""Writing a built disclosure: the outputs in every asked format, ``build.json``, and the move into
the output folder only once everything is written (a failed build leaves the folder untouched).

The command layer (:func:`juesuan.clirun.build_command`) reads the workbook, builds the model
(:mod:`.model`), checks it, and calls :func:`write_outputs` when the check lets it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import tempfile
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Sequence

from .. import __version__
from ..errors import OutputError
from ..model import Disclosure, Paragraph
from .derive import derive
from .spec import DisclosureSpec
from .charts import Chart, charts

FORMATS = ("xlsx", "pdf", "docx", "html")
MANIFEST = "build.json"
DRAFT_NOTE = "草稿：未通过审核或仍有待填写内容，不得公开。"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def safe_name(text: str) -> str:
    """``text`` usable as a file name on every system (separators and reserved characters → _)."""
    import re

    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", text).strip(" .") or "决算"


def parse_formats(text: str) -> list[str]:
    """``xlsx,pdf`` → ["xlsx", "pdf"]; unknown names are a usage error (message in Chinese)."""
    from ..errors import UsageError

    wanted = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise UsageError(f"未知的输出格式“{'、'.join(unknown) or text}”：可选 {','.join(FORMATS)}")
    return list(dict.fromkeys(wanted))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def figures(spec: DisclosureSpec) -> dict[str, Any]:
    """The figures a build used (the spec, amounts as strings with two places)."""
    return dict(_plain(dataclasses.asdict(spec)))


def rule_pack_versions(packs: Sequence[str]) -> dict[str, str]:
    """sha256 of each rule pack file and of the narrative settings the check used."""
    data = resources.files("juesuan") / "data"
    out: dict[str, str] = {}
    for pack in packs:
        out[f"rules/{pack}.yaml"] = hashlib.sha256((data / "rules" / f"{pack}.yaml").read_bytes()).hexdigest()
    for name in ("rules", "settings", "performance"):
        out[f"narrative/{name}.yaml"] = hashlib.sha256((data / "narrative" / f"{name}.yaml").read_bytes()).hexdigest()
    return out


def _html_charts(target: Path, pictures: list[Chart]) -> None:
    """The charts as embedded PNG images at the end of the page."""
    import base64
    from html import escape

    figures = "\n".join(
        f'<figure><img alt="{escape(c.title)}" src="data:image/png;base64,{base64.b64encode(c.png).decode()}" '
        f'style="max-width:720px;width:100%"><figcaption>{escape(c.title)}</figcaption></figure>'
        for c in pictures
    )
    page = target.read_text(encoding="utf-8")
    section = f'<section class="charts">\n<h2>图表</h2>\n{figures}\n</section>\n'
    target.write_text(page.replace("\n</body>", "\n" + section + "</body>", 1), encoding="utf-8")


def _draft_xlsx(doc: Disclosure, target: Path) -> None:
    """The workbook with 草稿 in the printed page header of every sheet."""
    from ..writers.xlsx import to_workbook

    wb = to_workbook(doc, "grid")
    for ws in wb.worksheets:
        ws.oddHeader.center.text = "草稿"
        ws.oddHeader.center.color = "C00000"
    wb.save(target)


def _draft_docx(doc: Disclosure, target: Path) -> None:
    """The document with 草稿 in the page header of every section."""
    from ..writers.docx import to_document

    document = to_document(doc)
    for section in document.sections:
        section.header.paragraphs[0].text = "草稿"
    document.save(str(target))


def write_outputs(
    doc: Disclosure,
    spec: DisclosureSpec | Any,
    *,
    workbook: Path,
    outdir: Path,
    formats: Sequence[str],
    draft: bool,
    rule_packs: Sequence[str],
    check_summary: dict[str, Any],
    font: tuple[str, int] | None = None,
    stem: str | None = None,
    chart_maker: Callable[[tuple[str, int]], list[Chart]] | None = None,
) -> dict[str, Path]:
    """Write ``doc`` in ``formats`` and ``build.json`` into ``outdir`` (created); returns the
    written files by format. Everything is written into a temporary folder next to ``outdir``
    first and moved in at the end. ``stem`` names the files (default: 部门+年度+年度部门决算);
    ``chart_maker`` draws the charts with the font (default: those of a 决算 spec)."""
    from ..writers.docx import write_docx
    from ..writers.html import write_html
    from ..writers.xlsx import write_xlsx

    from ..writers.pdf import NoCJKFont, find_cjk_font

    if "pdf" in formats and font is None:
        font = find_cjk_font()  # before anything is written: no font, no build
    if font is None and "html" in formats:
        try:
            font = find_cjk_font()
        except NoCJKFont:
            font = None  # the HTML page goes without charts
    pictures: list[Chart] = []
    if font is not None and ("pdf" in formats or "html" in formats):
        pictures = chart_maker(font) if chart_maker else charts(derive(spec), font)
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(f"输出位置不是文件夹：{outdir}")
    parent = outdir.resolve().parent
    if not parent.is_dir():
        raise OutputError(f"输出文件夹的上级文件夹不存在：{parent}")
    if draft:
        doc = Disclosure.from_dict(doc.to_dict())
        doc.paragraphs.insert(0, Paragraph(DRAFT_NOTE))
    stem = safe_name(stem or f"{spec.department}{spec.year}年度部门决算")
    tmp = Path(tempfile.mkdtemp(prefix=".juesuan-build-", dir=parent))
    try:
        written: dict[str, Path] = {}
        for fmt in formats:
            target = tmp / f"{stem}.{fmt}"
            if fmt == "xlsx":
                if draft:
                    _draft_xlsx(doc, target)
                else:
                    write_xlsx(doc, target)
            elif fmt == "docx":
                if draft:
                    _draft_docx(doc, target)
                else:
                    write_docx(doc, target)
            elif fmt == "html":
                write_html(doc, target)
                if pictures:
                    _html_charts(target, pictures)
            else:
                from ..writers.pdf import write_pdf

                write_pdf(doc, target, draft=draft, font=font, images=[(c.title, c.png) for c in pictures])
            written[fmt] = target
        manifest = {
            "juesuan_version": __version__,
            "workbook": {"file": workbook.name, "sha256": sha256(workbook)},
            "variant": doc.variant,
            "draft": draft,
            "rule_packs": rule_pack_versions(rule_packs),
            "check": check_summary,
            "figures": figures(spec),
            "outputs": {p.name: sha256(p) for p in written.values()},
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        outdir.mkdir(parents=True, exist_ok=True)
        final: dict[str, Path] = {}
        for item in sorted(tmp.iterdir()):
            dest = outdir / item.name
            if dest.is_dir():
                raise OutputError(f"输出文件夹中已有同名文件夹，无法写出：{dest}")
            item.replace(dest)
            for fmt, p in written.items():
                if p == item:
                    final[fmt] = dest
        return final
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
