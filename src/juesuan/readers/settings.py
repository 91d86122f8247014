"""Every tolerance and threshold the readers apply to page geometry, named in one place.

Like pdfplumber's ``TableSettings``: a frozen :class:`ReaderSettings` whose fields hold the values
the readers use (the defaults are the tuned values; :data:`DEFAULT`). A different set is passed to
one reading with ``juesuan.readers.read(path, settings=...)``, or, for a whole run, given as JSON
in the environment variable ``JUESUAN_READER_SETTINGS`` (``{"cell_gap_em": 2.0}``). The readers
look the settings of the reading in progress up with :func:`current` (a context variable, so
concurrent readings in threads or tasks each see their own).

Lengths are PDF points unless the name says otherwise; ``*_em`` and ``*_h`` fields are multiples
of a character's width or height. docs/readers.md has the table of every field.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, fields, replace

from ..errors import InputError

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any, Iterator

ENV = "JUESUAN_READER_SETTINGS"


@dataclass(frozen=True)
class ReaderSettings:
    """Reading thresholds. Each field's comment says what it decides (docs/readers.md too)."""

    # -- characters → lines → cells (readers/geometry.py) -------------------------------------
    line_tol: float = 0.45  # characters whose vertical centres differ by ≤ this × height share a line
    cell_gap_em: float = 1.6  # a gap wider than this × character width separates two cells
    min_char_width: float = 2.0  # narrowest character width the cell gap is measured in (pt)
    space_gap_h: float = 0.2  # a gap wider than this × height between Latin characters is a space
    whole_number_gap_h: float = 0.15  # a whole number spaced this × height off a CJK label is its own cell
    # -- ruled pages (readers/pdf.py) ----------------------------------------------------------
    snap_tolerance: float = 3.0  # pdfplumber lattice: rulings this close are snapped together (pt)
    join_tolerance: float = 3.0  # pdfplumber lattice: collinear segments this close are joined (pt)
    intersection_tolerance: float = 3.0  # pdfplumber lattice: rulings this close intersect (pt)
    edge_min_length: float = 3.0  # pdfplumber lattice: shorter rulings are ignored (pt)
    ruling_max_width: float = 0.5  # a path segment thinner than this is a ruling; also its minimum length (pt)
    grid_char_pad: float = 1.0  # a character this close outside a pdfplumber grid still belongs to it (pt)
    one_row_table_cells: int = 3  # a ruled box of one row with this many cells is a table row (not a framed text)
    xobject_depth: int = 3  # levels of form XObjects searched for paths and images in triage
    # -- page furniture and paragraphs (readers/pdf.py) ----------------------------------------
    margin_fraction: float = 0.075  # top/bottom band (fraction of page height) for page numbers and running lines
    furniture_min_repeats: int = 3  # a margin line repeated on this many pages (or half of them) is furniture
    right_margin_share: int = 3  # a page's right margin: median right end of its longest 1/this of one-cell lines
    wrap_indent_h: float = 0.6  # a wrapped line starts within this × line height of the paragraph's left edge
    wrap_right_em: float = 1.5  # a line ending within this × character width of the right margin wraps
    wrap_min_chars: int = 12  # a shorter line never wraps into the next
    # -- scanned pages (readers/pdf.py) --------------------------------------------------------
    ocr_dpi: float = 200.0  # resolution a scanned page is rendered at for OCR
    ocr_join_h: float = 0.3  # OCR runs closer than this × height are one cell
    ocr_row_band: float = 4.0  # OCR words are ordered in bands of this height, then left to right (pt)
    ocr_ink_level: int = 160  # a grey level below this is ink, in the OCR preprocessing (0–255)
    ocr_ruling_length: float = 24.0  # a run of ink at least this long is a ruling, painted out before OCR (pt)
    ocr_ruling_fill: float = 0.92  # share of ink a block of that length needs to be a ruling
    ocr_min_confidence: float = 0.85  # an OCR'd cell read with less confidence is doubtful: not used in checks
    ocr_page_min_confidence: float = 0.6  # a scanned page whose median run confidence is lower is unreadable
    ocr_threads: int = 1  # threads of each ONNX session of the OCR engine (1: one core per reading)
    ocr_fold_models: int = 1  # 1: OCR models run with element-wise passes folded (readers/ocrmodel.py)
    ocr_det_dpi: float = 110.0  # text outside ruled grids is detected on the page reduced to this resolution
    ocr_rec_min_ratio: float = 4.0  # a short line is padded to at least this × its height before recognition
    ocr_rec_short_ratio: float = 1.5  # a line narrower than this × its height is short (a character or two)
    ocr_rec_pad_ratio: float = 2.0  # a longer line is padded to at least this × its height
    ocr_alt_min: float = 0.01  # a character's runner-up reading is kept when at least this probable
    # -- table structure from a scanned page's image (readers/scan.py) --------------------------
    scan_max_skew: float = 3.0  # a scan is searched for a skew up to this angle either way (degrees)
    scan_skew_step: float = 0.5  # first step of the skew search (degrees)
    scan_skew_fine_step: float = 0.05  # the search stops refining below this step (degrees)
    scan_skew_refine: float = 5.0  # each round of the skew search divides the step by this
    scan_skew_width: float = 800.0  # the skew is searched on the page reduced to this width (pixels)
    scan_min_skew: float = 0.05  # a smaller skew is left alone (degrees)
    scan_hline_length: float = 24.0  # a horizontal run of ink at least this long is a ruling (pt)
    scan_vline_length: float = 20.0  # a vertical run of ink this long is a ruling (pt; longer than glyph strokes)
    scan_ruling_max_thickness: float = 4.0  # a thicker run of ink is a filled area, not a ruling (pt)
    scan_spread: float = 12.0  # white inserted at each column boundary of a grid before OCR (pt)
    scan_narrow_char: float = 0.55  # width of a non-CJK character, × a CJK one, when an OCR run is cut
    scan_cut_margin: float = 0.3  # a cell boundary this far (× run height) inside an OCR run cuts it
    scan_cell_inset: float = 1.0  # a cell is read this far inside its rulings (pt)
    scan_line_gap: float = 1.0  # rows of ink in a cell this close or closer are one line of text (pt)
    scan_min_ink: int = 12  # a line in a cell with fewer ink pixels is a speck, not text
    scan_min_extent: float = 2.0  # a line in a cell smaller than this both ways is a speck (pt)
    scan_faint_level: int = 200  # a grey level below this is faint ink: a lightened stroke at a line's end (0–255)
    scan_faint_gap: float = 0.25  # faint ink this close (× the line's height) to a line's ink widens its box
    scan_rec_margin: float = 0.25  # white above and below a line given to the recognizer, × its height
    scan_rec_side_margin: float = 0.1  # white left and right of it, × its height
    scan_band_gap: float = 14.0  # ink outside the grids this far apart is detected in separate bands (pt)
    scan_band_pad: float = 6.0  # white kept around a band of ink given to the detector (pt)
    scan_split_gap: float = 0.8  # a detected line is cut at a gap in its ink this wide, × the ink's height
    scan_spaced_gap: float = 2.0  # a line is cut only at gaps this many times its median gap between runs of ink
    scan_mark: float = 0.5  # a glyph narrower and shorter than this × its line's height is a punctuation mark
    scan_bracket_gap: float = 2.0  # pieces of a line this close (× height) beside full-width punctuation are one text
    scan_figure_gap: float = 0.15  # a run of label and figure is cut at a gap in its ink this wide, × its height
    scan_box_height: float = (
        1.6  # an OCR'd run outside the grids is this × the page's CJK ink height tall (a character box)
    )
    scan_missed_max_h: float = 1.5  # ink no detected line holds is read as a line up to this × their median height
    scan_attach_h: float = (
        0.5  # ink this close (× the box's height) beside a detected line's box, on its rows, is the line's
    )
    scan_faint_ink: int = (
        200  # outside the grids, a grey level below this is a line's ink (thin strokes of a JPEG'd scan)
    )
    snap_edits_per_char: float = 0.17  # an OCR'd label is snapped to a known one this many edits per character away
    snap_indel_min_chars: int = 8  # a shorter label is snapped only over misread characters, none lost or added
    snap_min_chars: int = 3  # a shorter label is never snapped (too many known ones are near)
    amount_min_digit_share: float = 0.6  # an amount cell is repaired only when this share of it is digits
    tesseract_lookback: int = 4  # a tesseract word joins one of the last this many lines it overlaps
    tesseract_line_overlap: float = 0.5  # vertical overlap (× the smaller height) that puts a word on a line
    tesseract_cjk_join_h: float = 1.5  # CJK words closer than this × line height are one run
    tesseract_join_h: float = 0.5  # other words closer than this × line height are one run
    tesseract_space_h: float = 0.25  # a wider gap between Latin words in a run is a space
    # -- border-less (three-line) tables (readers/borderless.py) -------------------------------
    table_min_rows: int = 3  # lines with ≥ 2 decimal amounts that make a run a table (without a 栏次 row)
    sparse_min_cells: int = 3  # a line of one amount counts toward a sparse table with this many cells
    sparse_min_rows: int = 3  # so many such lines make a sparse table (side-by-side code/name/amount)
    lanci_min_numbers: int = 3  # small integers that make a line a 栏次 row (two after the word 栏次)
    header_max_gap: float = 40.0  # a header line this far or nearer above the table belongs to it (pt)
    title_size_ratio: float = 1.25  # a line this much taller than the data rows is the title, not a header
    header_max_chars: int = 60  # a longer line above the table is text, not a header
    straddle_align: float = 1.0  # two halves of a wrapped label start this close on the left (pt)
    lanci_skip: float = 0.6  # cost of leaving a column unnumbered by the 栏次 row, × the usual column spacing
    anchor_cluster: float = 3.0  # cell edges this close line up as one column (pt)
    amount_columns_apart_h: float = 1.5  # amount groups whose right edges are further apart (× height) stay two columns
    centred_slack: float = 0.5  # numbers whose centres agree this much better than their right edges are centred (pt)
    segment_pad: float = 0.1  # a character whose centre is this close outside a header cell is in it (pt)
    header_split_em: float = 0.5  # a gap wider than this × character width splits a header cell
    anchor_inset: float = 0.5  # cells are placed by a point this far inside their anchoring edge (pt)
    header_lean_h: float = 0.25  # extra cost (× height) of a header going to the column on its right
    wrapped_header_align_h: float = 0.35  # wrapped header fragments share centre or left edge within this × height
    wrapped_header_fill_h: float = 2.0  # a header fills its column when it lacks less than this × height
    # row bands (wrapped labels of border-less tables, borderless._band_rows)
    wrapped_label_max_lines: int = 4  # lines of one wrapped label beyond the one beside its row's figures
    wrapped_label_gap_h: float = 0.6  # a label line continues the line above when the gap is ≤ this × height
    band_loose_h: float = 1.3  # a label this far (× height) from every other line and anchor is a row of its own
    band_min_pitch_h: float = 0.5  # label lines closer than this × height are one line, not a line pitch
    band_pitch_slack: float = 1.25  # lines of one wrapped label follow at ≤ this × the line pitch
    band_reach_h: float = 0.8  # a row's anchor lies within this × height of its label block
    band_doubt_h: float = 0.45  # an anchor this far (× height) off where the alignment puts it: in doubt
    band_ambiguous_h: float = 0.15  # another alignment placing lines otherwise within this (× height): in doubt
    # -- continuation pages without a header (readers/continuation.py) ------------------------
    carry_same_page: float = 1.0  # pages whose width and height agree this closely have one layout (pt)
    carry_shift_h: float = 1.0  # a continuation page may sit shifted this × height against its header page
    carry_shift_spacing: float = 0.4  # … and at most this × the narrowest spacing of its amount columns

    @classmethod
    def from_overrides(cls, base: "ReaderSettings | None" = None, **overrides: Any) -> "ReaderSettings":
        """``base`` (default :data:`DEFAULT`) with the named fields changed; an unknown name or a
        value of the wrong kind is an InputError naming it."""
        base = base or DEFAULT
        known = {f.name: f for f in fields(cls)}
        clean: dict[str, Any] = {}
        for name, value in overrides.items():
            if name not in known:
                raise InputError(f"未知的读取参数：{name}", code="usage")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InputError(f"读取参数 {name} 须为数值：{value!r}", code="usage")
            clean[name] = int(value) if known[name].type == "int" else float(value)
        return replace(base, **clean)

    def replace(self, **overrides: Any) -> "ReaderSettings":
        return ReaderSettings.from_overrides(self, **overrides)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def table_settings(self) -> dict[str, Any]:
        """pdfplumber's TableSettings for ruled pages (lines strategy) with these tolerances."""
        return {
            "vertical_strategy": "lines",
            "horizontal_strategy": "lines",
            "snap_tolerance": self.snap_tolerance,
            "join_tolerance": self.join_tolerance,
            "intersection_tolerance": self.intersection_tolerance,
            "edge_min_length": self.edge_min_length,
        }


DEFAULT = ReaderSettings()

_CURRENT: ContextVar[ReaderSettings] = ContextVar("juesuan_reader_settings", default=DEFAULT)


def current() -> ReaderSettings:
    """The settings of the reading in progress (:data:`DEFAULT` outside one)."""
    return _CURRENT.get()


@contextmanager
def using(settings: ReaderSettings) -> Iterator[ReaderSettings]:
    """Read with ``settings`` inside the block."""
    token = _CURRENT.set(settings)
    try:
        yield settings
    finally:
        _CURRENT.reset(token)


def from_env() -> ReaderSettings:
    """:data:`DEFAULT` with the overrides of ``JUESUAN_READER_SETTINGS`` (a JSON object), if set."""
    text = os.environ.get(ENV, "").strip()
    if not text:
        return DEFAULT
    import json  # (only for an override: a check's process does not load json for its settings)

    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise InputError(f"环境变量 {ENV} 不是有效的 JSON 对象", code="usage") from None
    if not isinstance(data, dict):
        raise InputError(f'环境变量 {ENV} 须为 JSON 对象（如 {{"cell_gap_em": 2.0}}）', code="usage")
    return ReaderSettings.from_overrides(**data)


__all__ = ["DEFAULT", "ENV", "ReaderSettings", "current", "from_env", "using"]
