"""Layout fuzzer: known disclosures printed to PDF in many layouts, each with its known truth.

A variant is a seeded, deterministic choice of layout features (:class:`Variant`); the document is
a disclosure model (by default our generated example, ``examples/example-clean.txt``) whose amount
cells are restyled for the variant (thousands separators; zeros printed blank, ``0``, ``0.00`` or
``—``). Its truth is the restyled model's cells. The model is laid out by
:func:`juesuan.writers.layout` (the same grids the XLSX/DOCX writers print) and drawn:

* ``engine="pdf"``: directly with fpdf2 (the ``test``/``layouts`` extra) and a CJK font found by
  fontconfig — ruled grid, three-line or border-less; codes in one column or split 类/款/项;
  headers wrapped over one to three lines; tall rows with text at top, middle or bottom; digits a
  few points above or below the text line; wrapped labels; portrait or landscape; continuation
  pages with or without the repeated header; running headers and page numbers; two fonts and
  several sizes;
* ``engine="lo-xlsx-grid"``, ``"lo-xlsx-threeline"``, ``"lo-docx"``: written by our XLSX/DOCX
  writers and printed by LibreOffice (slow: seconds a document).

:func:`run_variant` reads a variant back and counts exact amount cells against its truth
(``bench/bench_layouts.py`` runs hundreds; the tests run a few per class).
"""

from __future__ import annotations

import math
import random
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from .model import Cell, Disclosure
from .textnorm import CellKind
from .writers import OutCell, Section, layout

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "example-clean.txt"

Key = tuple[str, str, str, str, str, str, "Decimal | None"]


class NoFont(RuntimeError):
    """No CJK font (or no fpdf2) to print a variant with: the caller skips, saying why."""


@dataclass(frozen=True)
class Variant:
    seed: int
    engine: str = "pdf"  # pdf | lo-xlsx-grid | lo-xlsx-threeline | lo-docx
    rules: str = "ruled"  # ruled | threeline | none
    # one | split (类/款/项 in three columns) | split-unpadded (split, 款 and 项 printed as numbers:
    # "201 | 6 | 1", the leading zeros a spreadsheet's number format drops; never drawn at random)
    codes: str = "one"
    header_lines: int = 1  # 1..3: each header wrapped over up to this many lines
    tall: bool = False  # some rows (totals among them) three times as tall
    valign: str = "middle"  # top | middle | bottom: text in tall rows
    amount_valign: str = "middle"  # the amounts' own position in tall rows (ruled: may differ)
    digit_dy: float = 0.0  # amounts drawn this many points below (+) or above (-) the text line
    wrap_labels: bool = False
    thousands: bool = False
    zeros: str = "keep"  # keep | blank | 0 | 0.00 | dash
    landscape: bool = False
    repeat_header: bool = True  # a table continued on the next page repeats its header
    furniture: bool = False  # running header and page numbers
    font: str = "sans"  # sans | serif
    size: float = 9.0
    shading: bool = False  # header cells filled grey (ruled)
    short_pages: bool = False  # a shorter page body, so long tables continue over pages

    def classes(self) -> dict[str, str]:
        """The feature values this variant belongs to, for per-class rates."""
        out = {"engine": self.engine}
        if self.engine != "pdf":
            out.update(zeros=self.zeros, thousands=str(self.thousands))
            return out
        out.update(
            rules=self.rules,
            codes=self.codes,
            header_lines=str(self.header_lines),
            tall=f"{self.valign}/{self.amount_valign}" if self.tall else "no",
            digit_dy=("0" if not self.digit_dy else ("below" if self.digit_dy > 0 else "above")),
            wrap_labels=str(self.wrap_labels),
            thousands=str(self.thousands),
            zeros=self.zeros,
            orientation="landscape" if self.landscape else "portrait",
            continuation=(
                "none" if not self.short_pages else ("repeated header" if self.repeat_header else "no header")
            ),
            furniture=str(self.furniture),
            font=f"{self.font} {self.size:g}",
            shading=str(self.shading),
        )
        return out


def variants(n: int, seed: int = 0, lo_every: int = 0) -> list[Variant]:
    """``n`` variants, deterministic for ``seed``. Every ``lo_every``-th one (0: none) is printed by
    LibreOffice instead of drawn directly."""
    out = []
    for k in range(n):
        rng = random.Random(f"{seed}:{k}")
        rules = rng.choice(["ruled", "threeline", "none"])
        tall = rng.random() < 0.3
        valign = rng.choice(["top", "middle", "bottom"])
        amount_valign = rng.choice(["top", "middle", "bottom"]) if rules == "ruled" else valign
        v = Variant(
            seed=k,
            rules=rules,
            codes=rng.choice(["one", "split"]),
            header_lines=rng.choice([1, 2, 3]),
            tall=tall,
            valign=valign,
            amount_valign=amount_valign,
            digit_dy=rng.choice([0.0, 0.0, -2.5, -1.5, 1.5, 2.5]),
            wrap_labels=rng.random() < 0.35,
            thousands=rng.random() < 0.5,
            zeros=rng.choice(["keep", "blank", "0", "0.00", "dash"]),
            landscape=rng.random() < 0.3,
            repeat_header=rng.random() < 0.6,
            furniture=rng.random() < 0.4,
            font=rng.choice(["sans", "serif"]),
            size=rng.choice([7.5, 8.0, 9.0, 10.0, 10.5]),
            shading=rules == "ruled" and rng.random() < 0.3,
            short_pages=rng.random() < 0.35,
        )
        if lo_every and k % lo_every == lo_every - 1:
            v = Variant(
                seed=k,
                engine=rng.choice(["lo-xlsx-grid", "lo-xlsx-threeline", "lo-docx"]),
                thousands=v.thousands,
                zeros=v.zeros,
            )
        out.append(v)
    return out


# --- the truth ------------------------------------------------------------------------------


def amount_cells(doc: Disclosure) -> Counter[Key]:
    """Every number and dash cell as (table, form, row code, row label, column, kind, value);
    spaces in labels and headers do not count (a typeset space is not always a character)."""
    out: Counter[Key] = Counter()
    for t in doc.tables:
        for row, col, cell in t.iter_cells():
            if cell.kind in ("number", "dash"):
                code = row.code if row.code and not row.code_inferred else ""
                label = re.sub(r"\s", "", row.label)
                head = re.sub(r"\s", "", t.printed_header(row, col))
                out[(t.name, t.form or "", code, label, head, cell.kind, cell.value)] += 1
    return out


def restyle(doc: Disclosure, v: Variant) -> Disclosure:
    """A copy of ``doc`` with its amounts printed the variant's way (the variant's truth)."""
    doc = Disclosure.from_dict(doc.to_dict())
    for t in doc.tables:
        for row in t.rows:
            for cid, cell in list(row.cells.items()):
                if cell.kind != CellKind.NUMBER or cell.value is None:
                    continue
                if cell.value == 0 and v.zeros != "keep":
                    if v.zeros == "blank":
                        del row.cells[cid]
                    elif v.zeros == "dash":
                        row.cells[cid] = Cell("—", CellKind.DASH, None)
                    else:
                        row.cells[cid] = Cell(v.zeros, CellKind.NUMBER, Decimal(0))
                    continue
                if "." in cell.raw or cell.raw.strip() == "":
                    cell.raw = f"{cell.value:,.2f}" if v.thousands else f"{cell.value:.2f}"
    return doc


def source(path: Path | None = None) -> Disclosure:
    from . import api

    return api.load_document(path or EXAMPLE)


# --- drawing with fpdf2 -----------------------------------------------------------------------


def cjk_fonts() -> dict[str, tuple[str, int]]:
    """CJK fonts found by fontconfig: {"sans"|"serif": (file, index in a collection)}."""
    if shutil.which("fc-list") is None:
        return {}
    out = subprocess.run(["fc-list", ":lang=zh", "file", "family", "style"], capture_output=True, text=True).stdout
    found: dict[str, tuple[str, int]] = {}
    for line in sorted(out.splitlines()):
        path, _, rest = line.partition(":")
        if "Bold" in rest and "Regular" not in rest:
            continue
        families = rest.split("style=")[0]
        kind = "serif" if "Serif" in families or "Song" in families or "Ming" in families else "sans"
        if kind in found:
            continue
        index: int | None = 0
        if path.endswith((".ttc", ".otc")):
            names = [f.strip() for f in families.split(",")]
            index = _collection_index(path, names)
            if index is None:
                continue
        found[kind] = (path, index or 0)
    if "sans" in found and "serif" not in found:
        found["serif"] = found["sans"]
    if "serif" in found and "sans" not in found:
        found["sans"] = found["serif"]
    return found


def _collection_index(path: str, names: list[str]) -> int | None:
    """The face of a font collection that covers Simplified Chinese (the 'SC' face when named)."""
    try:
        from fontTools.ttLib import TTCollection
    except ImportError:
        return None
    coll = TTCollection(path, lazy=True)
    best = None
    for k, font in enumerate(coll.fonts):
        family = font["name"].getDebugName(1) or ""
        if family.endswith(" SC") or "SC" in family.split():
            return k
        if best is None and "\u4e00" in "".join(chr(c) for c in (font.getBestCmap() or {}) if c == 0x4E00):
            best = k
    return best


PAGE = {False: (595.28, 841.89), True: (841.89, 595.28)}
MARGIN = 40.0


class _Drawer:
    def __init__(self, v: Variant, fonts: dict[str, tuple[str, int]]):
        from fpdf import FPDF

        self.v = v
        self.pdf = FPDF(unit="pt", format="A4", orientation="L" if v.landscape else "P")
        self.pdf.set_auto_page_break(False)
        path, index = fonts[v.font]
        self.pdf.add_font("cjk", fname=path, collection_font_number=index)
        self.pdf.set_line_width(0.6)
        self.w, self.h = PAGE[v.landscape]
        self.page_no = 0
        self.department = ""

    # pages
    def new_page(self) -> float:
        self.pdf.add_page()
        self.page_no += 1
        if self.v.furniture:
            self.pdf.set_font("cjk", size=8)
            text = f"{self.department}部门决算公开"
            self.pdf.text(self.w - MARGIN - self.pdf.get_string_width(text), 28, text)
            num = f"- {self.page_no} -"
            self.pdf.text((self.w - self.pdf.get_string_width(num)) / 2, self.h - 24, num)
        return MARGIN + (8 if self.v.furniture else 0)

    @property
    def bottom(self) -> float:
        return self.h - MARGIN - (8 if self.v.furniture else 0) - (self.h * 0.35 if self.v.short_pages else 0)

    def width(self, text: str, size: float) -> float:
        self.pdf.set_font("cjk", size=size)
        return self.pdf.get_string_width(text)

    def text(self, x: float, baseline: float, text: str, size: float) -> None:
        self.pdf.set_font("cjk", size=size)
        self.pdf.text(x, baseline, text)


def _split_codes(
    grid_header: list[list[OutCell | None]], body: list[list[OutCell | None]], unpadded: bool = False
) -> None:
    """Print codes as 类/款/项 in three columns (in place); ``unpadded``: 款 and 项 as numbers."""
    cols = sorted(
        {c for row in body for c, cell in enumerate(row) if cell is not None and cell.role == "code"}, reverse=True
    )
    for c in cols:
        # the code header cell
        r0 = next((r for r, row in enumerate(grid_header) if (h := row[c]) is not None and h.text == "科目编码"), None)
        seen: set[int] = set()
        for row in grid_header + body:
            owner = None
            for k in range(c, -1, -1):
                if (at := row[k]) is not None:
                    owner = at if k + at.colspan > c else None
                    break
            here = row[c]
            if here is not None and here.role == "code" and here.colspan == 1:
                parts = _code_parts(here.text)
                if unpadded:
                    parts = [parts[0], *(p.lstrip("0") or p for p in parts[1:])]
                row[c : c + 1] = [OutCell(p, "code") for p in parts]
                continue
            row[c + 1 : c + 1] = [None, None]
            if owner is None:
                # a position covered from an earlier row (rowspan): covered here too
                continue
            if id(owner) not in seen and (row[c] is owner or row[c] is None):
                seen.add(id(owner))
                owner.colspan += 2
        if r0 is None:
            continue
        head = grid_header[r0][c]
        assert head is not None
        if head.rowspan >= 2:
            head.rowspan -= 1
            r = r0 + head.rowspan
        else:
            r = r0 + 1
            new: list[OutCell | None] = [None] * len(grid_header[r0])
            for row_i in range(r0 + 1):
                for cell in grid_header[row_i]:
                    if cell is not None and cell is not head and row_i + cell.rowspan - 1 >= r0:
                        cell.rowspan += 1
            grid_header.insert(r, new)
        for k, name in enumerate("类款项"):
            grid_header[r][c + k] = OutCell(name, "header")


def _code_parts(code: str) -> list[str]:
    code = code.strip()
    if code.isdigit() and len(code) in (3, 5, 7):
        return [code[:3], code[3:5], code[5:7]]
    return [code, "", ""]


def _wrap(drawer: _Drawer, text: str, width: float, size: float) -> list[str]:
    lines, cur = [], ""
    for ch in text:
        if cur and drawer.width(cur + ch, size) > width:
            lines.append(cur)
            cur = ch
        else:
            cur += ch
    if cur or not lines:
        lines.append(cur)
    return lines


def _header_lines(text: str, n: int) -> list[str]:
    """A header wrapped over up to ``n`` lines of at least two characters each."""
    if n <= 1 or len(text) < 4:
        return [text]
    n = min(n, len(text) // 2)
    step = math.ceil(len(text) / n)
    return [text[k : k + step] for k in range(0, len(text), step)]


def _draw_section(d: _Drawer, s: Section, department: str) -> None:
    v = d.v
    header = [list(r) for r in s.header]
    body = [list(r) for r in s.body]
    if v.codes in ("split", "split-unpadded"):
        _split_codes(header, body, unpadded=v.codes == "split-unpadded")
    grid = header + body
    nh = len(header)
    ncol = len(grid[0]) if grid else 0
    size = v.size
    pad = 3.0
    avail = d.w - 2 * MARGIN
    # column widths (at the variant's size; shrink the font when the table is too wide)
    for _ in range(4):
        label_cap = 7 * size if v.wrap_labels else 26 * size
        widths = [2.5 * size] * ncol
        for r, row in enumerate(grid):
            for c, cell in enumerate(row):
                if cell is None or cell.colspan != 1 or not cell.text:
                    continue
                if r < nh:
                    lines = _header_lines(cell.text, v.header_lines) if cell.role == "header" else [cell.text]
                    w = max(d.width(t, size) for t in lines)
                    if cell.role == "header" and v.header_lines == 1:
                        w = min(w, 12 * size)  # very long one-line headers still wrap by width
                else:
                    w = d.width(cell.text, size)
                    if cell.role == "label":
                        w = min(w, label_cap)
                widths[c] = max(widths[c], w + 2 * pad)
        total = sum(widths)
        if total <= avail:
            break
        size = max(5.0, math.floor(size * avail / total * 2) / 2)
    lh = size * 1.35

    def cell_lines(r: int, c: int, cell: OutCell) -> list[str]:
        w = sum(widths[c : c + cell.colspan]) - 2 * pad
        if r < nh and cell.role == "header":
            out: list[str] = []
            for part in _header_lines(cell.text, v.header_lines):
                out += _wrap(d, part, w, size)
            return out
        if cell.role in ("amount", "code", "line_no", "lanci"):
            return [cell.text]
        return _wrap(d, cell.text, w, size)

    cell_texts = [
        [cell_lines(r, c, cell) if cell is not None else [] for c, cell in enumerate(row)] for r, row in enumerate(grid)
    ]
    heights = []
    rng = random.Random(f"tall:{v.seed}")
    for r, row in enumerate(grid):
        n = max([len(cell_texts[r][c]) for c, cell in enumerate(row) if cell is not None and cell.rowspan == 1] or [1])
        h = n * lh + 2 * pad
        if v.tall and r >= nh:
            label = next((cell.text for cell in row if cell is not None and cell.role == "label"), "")
            if "合计" in label or "总计" in label or rng.random() < 0.2:
                h *= 3
        heights.append(h)
    # rowspan cells must fit
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if cell is not None and cell.rowspan > 1:
                need = len(cell_texts[r][c]) * lh + 2 * pad
                have = sum(heights[r : r + cell.rowspan])
                if need > have:
                    heights[r + cell.rowspan - 1] += need - have
    x0 = MARGIN + max(0.0, (avail - sum(widths)) / 2)
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    table_w = xs[-1] - x0

    def title_block(y: float) -> float:
        title = s.title or ""
        d.text(max(MARGIN, (d.w - d.width(title, size + 6)) / 2), y + size + 6, title, size + 6)
        y += (size + 6) * 1.8
        if s.form:
            d.text(xs[-1] - d.width(s.form, size), y + size, s.form, size)
            y += lh
        dept, unit = s.meta_lines
        if dept:
            d.text(x0, y + size, dept, size)
        if unit:
            d.text(xs[-1] - d.width(unit, size), y + size, unit, size)
        return y + lh + 2

    def draw_rows(rows: range, y: float, is_header: bool) -> float:
        for r in rows:
            for c, cell in enumerate(grid[r]):
                if cell is None:
                    continue
                x, w = xs[c], xs[c + cell.colspan] - xs[c]
                h = sum(heights[r : r + cell.rowspan]) if is_header else heights[r]
                if v.rules == "ruled":
                    if is_header and v.shading:
                        d.pdf.set_fill_color(225, 225, 225)
                        d.pdf.rect(x, y, w, h, style="DF")
                    else:
                        d.pdf.rect(x, y, w, h)
                texts = cell_texts[r][c]
                if not texts or not any(texts):
                    continue
                is_amount = cell.role == "amount" and r >= nh
                valign = v.amount_valign if is_amount else v.valign
                block = len(texts) * lh
                if valign == "top" or not v.tall and not is_header:
                    top = y + pad
                else:
                    top = y + pad + ((h - 2 * pad - block) / 2 if valign == "middle" else (h - 2 * pad - block))
                if not v.tall and not is_header:
                    top = y + (h - block) / 2
                if is_header:
                    top = y + (h - block) / 2
                for k, t in enumerate(texts):
                    base = top + k * lh + size * 1.05
                    if is_amount or cell.role == "line_no":
                        base += v.digit_dy if is_amount else 0
                    if cell.align == "right":
                        tx = x + w - pad - d.width(t, size)
                    elif cell.align == "center":
                        tx = x + (w - d.width(t, size)) / 2
                    else:
                        tx = x + pad
                    d.text(tx, base, t, size)
            y += heights[r]
        return y

    y = title_block(d.new_page())
    top_of_table = y
    if v.rules == "threeline":
        d.pdf.line(x0, y, x0 + table_w, y)
    y = draw_rows(range(nh), y, True)
    if v.rules == "threeline":
        d.pdf.line(x0, y, x0 + table_w, y)
    for r in range(nh, len(grid)):
        if y + heights[r] > d.bottom:
            if v.rules == "threeline":
                d.pdf.line(x0, y, x0 + table_w, y)
            y = d.new_page()
            if v.repeat_header:
                if v.rules == "threeline":
                    d.pdf.line(x0, y, x0 + table_w, y)
                y = draw_rows(range(nh), y, True)
            if v.rules == "threeline":
                d.pdf.line(x0, y, x0 + table_w, y)
        y = draw_rows(range(r, r + 1), y, False)
    if v.rules == "threeline":
        d.pdf.line(x0, y, x0 + table_w, y)
    del top_of_table
    y += 4
    for note in s.notes:
        for part in _wrap(d, note, avail, size):
            if y + lh > d.bottom:
                y = d.new_page()
            d.text(MARGIN, y + size, part, size)
            y += lh


def render_pdf(doc: Disclosure, v: Variant, path: Path) -> Path:
    """Draw the tables of ``doc`` the variant's way with fpdf2. Raises :class:`NoFont` when fpdf2
    or a CJK font is missing."""
    try:
        import fpdf  # noqa: F401
    except ImportError as exc:
        raise NoFont("fpdf2 is not installed (pip install -e '.[test]')") from exc
    fonts = cjk_fonts()
    if not fonts:
        raise NoFont("no CJK font found by fontconfig (fc-list :lang=zh); install fonts-noto-cjk")
    d = _Drawer(v, fonts)
    d.department = doc.department or ""
    for s in layout(doc):
        if s.kind == "table":
            _draw_section(d, s, doc.department or "")
    d.pdf.output(str(path))
    return path


def render(doc: Disclosure, v: Variant, outdir: Path) -> Path:
    """The variant's PDF in ``outdir`` (LibreOffice engines need ``soffice``)."""
    outdir.mkdir(parents=True, exist_ok=True)
    if v.engine == "pdf":
        return render_pdf(doc, v, outdir / f"v{v.seed}.pdf")
    from .readers.office import convert, soffice
    from .writers.docx import write_docx
    from .writers.xlsx import write_xlsx

    if soffice() is None:
        raise NoFont("LibreOffice (soffice) is not installed")
    if v.engine == "lo-docx":
        written = write_docx(doc, outdir / f"v{v.seed}.docx")
    else:
        written = write_xlsx(
            doc, outdir / f"v{v.seed}.xlsx", rules="threeline" if v.engine.endswith("threeline") else "grid"
        )
    return convert(written, "pdf", outdir / f"pdf{v.seed}")


@dataclass
class Outcome:
    variant: Variant
    truth: int  # amount cells in the truth
    exact: int  # of them read back exactly
    extra: int  # cells read that the truth does not have
    problems: int  # reading problems reported
    lost_examples: list[Any]
    # error-level findings of a whole check of the read-back document beyond those of a check of
    # the truth itself: false errors from reading the layout ("unexplained" = raised although no
    # reading problem was reported)
    errors: int = 0
    error_rules: list[str] | None = None

    @property
    def unexplained_errors(self) -> bool:
        return self.errors > 0 and self.problems == 0

    @property
    def silent(self) -> bool:
        """Cells lost or moved and no reading problem said so."""
        return (self.exact < self.truth or self.extra > 0) and self.problems == 0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["lost_examples"] = [list(map(str, k)) for k in self.lost_examples]
        return d


def compare(truth: Disclosure, back: Disclosure, v: Variant) -> Outcome:
    a, b = amount_cells(truth), amount_cells(back)
    missing, extra = a - b, b - a
    problems = sum(len(t.reading_problems) for t in back.tables) + len(getattr(back, "reading_problems", []) or [])
    total = sum(a.values())
    return Outcome(v, total, total - sum(missing.values()), sum(extra.values()), problems, list(missing)[:3])


def run_variant(base: Disclosure, v: Variant, outdir: Path, check: bool = False) -> Outcome:
    """Render ``v``, read it back and compare its cells with the truth; with ``check``, also run
    the whole check and count its error-level findings (the precision report over the variants)."""
    from . import api
    from .errors import InputError

    truth = restyle(base, v)
    path = render(truth, v, outdir)
    try:
        back = api.load_document(path)
    except InputError:
        total = sum(amount_cells(truth).values())
        return Outcome(v, total, 0, 0, 1, [])
    out = compare(truth, back, v)
    if check:
        # a variant prints the tables only: what they fail as printed (the 绩效 tables are absent)
        # is expected; an error-level finding beyond it comes from reading the layout
        shown = replace(truth, performance=[], paragraphs=[])  # what a variant prints: the tables
        expected = Counter(f.rule for f in api.check_document(shown).errors)
        extra = Counter(f.rule for f in api.check_document(back).errors) - expected
        out.errors, out.error_rules = sum(extra.values()), sorted(extra)
    return out


__all__ = [
    "Variant",
    "variants",
    "restyle",
    "render",
    "render_pdf",
    "run_variant",
    "compare",
    "amount_cells",
    "NoFont",
    "cjk_fonts",
    "source",
]
