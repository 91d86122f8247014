"""Text recognition (OCR) for scanned PDF pages.

The PDF reader renders a page that has no text layer to an image and calls :func:`ocr_page`,
which returns words (text runs) with boxes in PDF points, top-left origin (pdfplumber's
convention), so OCR'd text flows into the same line/cell grouping as a page's own text.

Engines. Only engines whose recognition models are installed with a package are used; nothing is
ever downloaded at run time:

* ``rapidocr`` — the PyPI package ``rapidocr-onnxruntime`` (the ``ocr`` extra:
  ``pip install 'juesuan[ocr]'``), whose wheel ships the PP-OCR detection and recognition models.
* ``tesseract`` — the Debian packages ``tesseract-ocr`` and ``tesseract-ocr-chi-sim``; the
  ``tesseract`` binary is run through :mod:`subprocess` with TSV output, ``-l chi_sim+eng`` and
  page segmentation mode 11 (sparse text), with a timeout.

Why rapidocr first. Measured on rendered 决算 table pages (our own 11 × 5 ruled table, 54 cells of
which 28 amounts; clean renders at 100, 150, 200 and 300 dpi with 7, 9 and 12 pt text, and a
"scan" at 200 dpi turned 0.4°, blurred and speckled), after the preprocessing below:

* rapidocr read all 28 amounts exactly in every render, and all labels but an occasional dash;
  it returns one box per text run (a whole label or amount), which is what the cell grouping
  wants; 2–5 s per A4 page on 2 cores.
* tesseract with psm 11 (sparse text), page enlarged to 300 dpi, read all amounts exactly in the
  clean renders but only 22–28 of 28 in the "scan" (it merges neighbouring rows there), and
  misread up to 6 of 26 labels; it returns CJK words of one or two characters with narrow boxes,
  merged back into runs here; 1.5–2 s per page. psm 6 (one uniform block) was perfect on the clean
  renders once the rulings are removed but read 2 of 54 cells of the "scan"; psm 4 lost whole
  columns at 100 and 150 dpi. Without removing the rulings, psm 6 garbled whole rows.

Tesseract stays as the fallback because it comes from the system's package manager with no
Python dependencies (rapidocr brings onnxruntime, OpenCV and numpy, about 400 MB).
``JUESUAN_OCR`` = ``rapidocr`` | ``tesseract`` | ``off`` forces a choice (``off``: behave as if no
engine is installed).

Preprocessing (both engines, :func:`remove_rulings`): scanner speckle is removed and the table
rulings are painted white: rulings next to text made both engines split words, and a ruling's tick
before an amount was read as a leading ``1``.

A standalone ``一``, ``-`` or ``_`` read as a whole text run is returned as ``—``: in a table it is
the printed dash of an empty cell (no 决算 cell holds the single character 一).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import InputError
from .settings import current

UNREAD_PAGE_MESSAGE = "第{page}页是扫描图像，未安装文字识别（OCR）组件，本页未读取"
OCR_FAILED_MESSAGE = "第{page}页是扫描图像，文字识别（OCR）失败：{reason}"
ENGINES = ("rapidocr", "tesseract")
TESSERACT_LANGS = ("chi_sim", "eng")
TESSERACT_TIMEOUT = 120  # seconds for one page
TESSERACT_PSM = "11"  # sparse text: see the module docstring
# Below this resolution (pixels per point) the image is enlarged before recognition: rapidocr reads
# 7–12 pt CJK text reliably from 200 dpi on, tesseract was steadiest at 300 dpi (module docstring).
MIN_SCALE = {"rapidocr": 200 / 72, "tesseract": 300 / 72}
MAX_PIXELS = 40_000_000
_DASH_READINGS = frozenset({"一", "-", "_", "－", "—", "–", "―", "一一", "--", "——"})


@dataclass(frozen=True)
class OcrWord:
    """A recognized text run, box in PDF points (top-left origin), ``conf`` in 0..1."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float
    # other readings the recognizer weighed for single characters: (position in ``text``, the
    # character, its probability), for the characters whose runner-up reached ``ocr_alt_min``
    alternatives: tuple[tuple[int, str, float], ...] = ()

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)


# --------------------------------------------------------------------------------------------
# Engine discovery


@lru_cache(maxsize=1)
def _rapidocr_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


@lru_cache(maxsize=1)
def _tesseract_ready() -> bool:
    exe = shutil.which("tesseract")
    if not exe:
        return False
    try:
        proc = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return False
    langs = {line.strip() for line in (proc.stdout + proc.stderr).splitlines()}
    return all(lang in langs for lang in TESSERACT_LANGS)


def engine() -> str | None:
    """The engine :func:`ocr_page` will use, or None when none is installed (or ``JUESUAN_OCR=off``)."""
    forced = os.environ.get("JUESUAN_OCR", "").strip().lower()
    if forced in ("off", "none", "0", "no"):
        return None
    if forced == "rapidocr":
        return "rapidocr" if _rapidocr_installed() else None
    if forced == "tesseract":
        return "tesseract" if _tesseract_ready() else None
    if _rapidocr_installed():
        return "rapidocr"
    if _tesseract_ready():
        return "tesseract"
    return None


def available() -> bool:
    """True when an OCR engine with Chinese models is installed."""
    return engine() is not None


# --------------------------------------------------------------------------------------------
# Pages


def page_has_text_layer(pdfium_page: Any) -> bool:
    """True when a pypdfium2 page carries text characters other than whitespace.

    A page without them is a scanned image (or empty) and needs OCR to be read.
    """
    textpage = pdfium_page.get_textpage()
    try:
        count = textpage.count_chars()
        if count <= 0:
            return False
        return bool(textpage.get_text_range(0, count).strip())
    finally:
        textpage.close()


def ocr_page(image: Any, scale: float, *, engine_name: str | None = None) -> list[OcrWord]:
    """Recognize the text of a page image.

    ``image`` is a PIL image of the whole page rendered at ``scale`` pixels per PDF point; the
    returned boxes are in PDF points (pixel coordinates divided by ``scale``), top-left origin,
    sorted top to bottom then left to right. Raises InputError (Chinese message) when no engine is
    installed or the engine fails.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    name = engine_name or engine()
    if name is None:
        raise InputError("未安装文字识别（OCR）组件，无法识别扫描页")
    from PIL import Image

    img = image.convert("L") if image.mode not in ("L", "RGB") else image
    factor = 1.0
    if scale < MIN_SCALE[name]:
        factor = min(MIN_SCALE[name] / scale, (MAX_PIXELS / max(img.width * img.height, 1)) ** 0.5)
        if factor > 1.01:
            img = img.resize((round(img.width * factor), round(img.height * factor)), Image.Resampling.LANCZOS)
        else:
            factor = 1.0
    px_per_pt = scale * factor
    img = remove_rulings(img, px_per_pt)
    if name == "rapidocr":
        runs = _rapidocr(img)
    elif name == "tesseract":
        runs = _tesseract(img)
    else:
        raise ValueError(f"unknown OCR engine {name}")
    words = []
    for text, x0, top, x1, bottom, conf in runs:
        text = text.strip()
        if not text:
            continue
        text = _tidy(text)
        words.append(
            OcrWord(
                text,
                round(x0 / px_per_pt, 2),
                round(top / px_per_pt, 2),
                round(x1 / px_per_pt, 2),
                round(bottom / px_per_pt, 2),
                round(conf, 4),
            )
        )
    band = current().ocr_row_band
    words.sort(key=lambda w: (round((w.top + w.bottom) / 2 / band), w.x0))
    return words


Run = tuple[str, float, float, float, float, float]  # text, x0, top, x1, bottom (pixels), conf

_AMOUNT_NOISE_RE = re.compile(r"([+-]?[0-9][0-9,]*)[.:：]([0-9]{1,2})[.:：,，]?")


def _tidy(text: str) -> str:
    """Readings that are certainly a table's dash or an amount with a misread decimal point.

    ``一``/``-``/``_`` alone → ``—``; ``12,345:90`` or ``45.07.`` → ``12,345.90`` / ``45.07``
    (an amount with a one- or two-digit fraction; codes and other text are left alone).
    """
    if text in _DASH_READINGS:
        return "—"
    m = _AMOUNT_NOISE_RE.fullmatch(text)
    if m:
        return f"{m.group(1)}.{m.group(2)}"
    return text


def remove_rulings(img: Any, px_per_pt: float) -> Any:
    """The page in grey with the table rulings painted white.

    Rulings next to text make both engines split or garble words, and a leftover tick before an
    amount is read as a digit. A pixel belongs to a ruling when it lies in a run of ink at least
    24 pt long, horizontally or vertically (no glyph of a 决算 table is that long): the ink mask is
    box-averaged over blocks of that length at two offsets and blocks that are (nearly) all ink are
    taken; the taken runs are then grown along their own direction over ink, to their ends.
    """
    from PIL import Image, ImageChops, ImageFilter

    s = current()
    grey = img.convert("L")
    ink = grey.point(lambda v: 255 if v < s.ocr_ink_level else 0)
    # Scanner speckle: ink pixels with at most one inked neighbour are painted white (a thin
    # stroke such as the dash of an empty cell keeps two neighbours per pixel and stays).
    neighbours = ink.filter(ImageFilter.Kernel((3, 3), [1] * 9, scale=9))
    speckle = ImageChops.darker(ink, neighbours.point(lambda v: 255 if v <= 57 else 0))
    if speckle.getbbox():
        grey = ImageChops.lighter(grey, speckle.filter(ImageFilter.MaxFilter(3)).point(lambda v: 255 if v else 0))
        ink = ImageChops.subtract(ink, speckle)
    w, h = ink.size
    k = max(int(s.ocr_ruling_length * px_per_pt), 8)
    mask = Image.new("L", (w, h), 0)
    for horizontal in (True, False):
        n = w if horizontal else h
        if n < 2 * k:
            continue
        core = Image.new("L", (w, h), 0)
        for offset in (0, k // 2):
            span = (n - offset) // k
            box = (offset, 0, offset + span * k, h) if horizontal else (0, offset, w, offset + span * k)
            part = ink.crop(box)
            small = part.resize((span, h) if horizontal else (w, span), Image.Resampling.BOX)
            lines = small.point(lambda v: 255 if v >= s.ocr_ruling_fill * 255 else 0)
            if not lines.getbbox():
                continue
            layer = Image.new("L", (w, h), 0)
            layer.paste(lines.resize(part.size, Image.Resampling.NEAREST), box[:2])
            core = ImageChops.lighter(core, layer)
        if not core.getbbox():
            continue
        grown, step = core, 1
        while step <= k:
            for sign in (1, -1):
                shifted = Image.new("L", (w, h), 0)
                shifted.paste(grown, (sign * step, 0) if horizontal else (0, sign * step))
                grown = ImageChops.lighter(grown, shifted)
            step *= 2
        mask = ImageChops.lighter(mask, ImageChops.darker(grown, ink))
    if not mask.getbbox():
        return grey
    # widen by one pixel to take the anti-aliased edges of the rulings too
    mask = mask.filter(ImageFilter.MaxFilter(3))
    return ImageChops.lighter(grey, mask)


# --------------------------------------------------------------------------------------------
# rapidocr


@lru_cache(maxsize=1)
def _rapid_engine() -> Any:
    """One RapidOCR engine per process (its ONNX sessions load once): ``ocr_threads`` threads per
    session (1: a page is read on one core; parallel readings are parallel processes); the detector
    sized by the caller (``det_limit_type`` max: it never enlarges an image)."""
    from rapidocr_onnxruntime import RapidOCR

    threads = current().ocr_threads
    engine = RapidOCR(
        intra_op_num_threads=threads, inter_op_num_threads=1, det_limit_type="max", det_limit_side_len=2000
    )
    if current().ocr_fold_models:
        _fold_sessions(engine, threads)
    return engine


def _fold_sessions(engine: Any, threads: int) -> None:
    """The detector's and recognizer's ONNX sessions replaced by sessions of the same models with
    their element-wise passes folded (:mod:`.ocrmodel`: the same outputs to float rounding, about a
    fifth less time on one core), rewritten once and cached (:func:`.ocrmodel.folded`; the
    rewrite needs the ``onnx`` package of the ``ocr`` extra); when a model cannot be rewritten,
    RapidOCR's own session stays."""
    import onnxruntime as ort

    from .ocrmodel import folded

    for holder in (engine.text_det.infer, engine.text_rec.session):
        old = holder.session
        path = getattr(old, "_model_path", None)
        if not isinstance(path, str):
            continue
        opts = ort.SessionOptions()
        opts.log_severity_level = 4
        opts.enable_cpu_mem_arena = False
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        try:
            data = folded(path)
            if data is not None:
                holder.session = ort.InferenceSession(data, sess_options=opts, providers=old.get_providers())
        except Exception:  # noqa: BLE001 — a model the rewrite does not handle runs as shipped
            holder.session = old


Reading = tuple[str, float, tuple[tuple[int, str, float], ...]]  # text, confidence, alternatives


def recognize(crops: list[Any]) -> list[Reading]:
    """Each crop — a grey (uint8) image of one line of text — read by RapidOCR's recognizer
    alone (no detection, no direction classifier: the crops come upright from a deskewed page).

    One crop per run of the model (on one core, a batch of crops padded to the widest costs more
    than the crops one by one), each resized to the model's height and padded as RapidOCR pads: a crop
    narrower than ``ocr_rec_short_ratio`` × that height (a character or two) to at least
    ``ocr_rec_min_ratio`` × the height (the model was trained on padded lines: a lone character
    padded less was lost or misread), a wider one to at least ``ocr_rec_pad_ratio`` × the height
    (the model's time grows with the padded width, ≈ 0.065 ms per pixel on one core; an amount or
    a short label reads the same padded to 2 × as to 4 × its height). The CTC output is
    decoded greedily as RapidOCR does; the confidence is RapidOCR's (the mean probability of the
    characters read), and each character's runner-up reading is kept when its probability reaches
    ``ocr_alt_min`` (:attr:`OcrWord.alternatives`).
    """
    import math

    import cv2
    import numpy as np

    rec = _rapid_engine().text_rec
    chars = rec.postprocess_op.character
    _, height, _ = rec.rec_image_shape
    s = current()
    short_width = int(s.ocr_rec_short_ratio * height)
    out: list[Reading] = []
    for crop in crops:
        h, w = crop.shape[:2]
        width = max(int(math.ceil(height * w / max(h, 1))), 1)
        min_width = int((s.ocr_rec_min_ratio if width < short_width else s.ocr_rec_pad_ratio) * height)
        line = cv2.resize(crop, (width, height), interpolation=cv2.INTER_LINEAR).astype(np.float32) / 127.5 - 1.0
        batch = np.zeros((1, 3, height, max(width, min_width)), dtype=np.float32)
        batch[0, :, :, :width] = line
        try:
            probs = rec.session(batch)[0][0]
        except Exception as exc:  # the engine's own errors are not ours to classify
            raise InputError(f"文字识别（OCR）失败：{type(exc).__name__}: {exc}") from exc
        out.append(_decode(probs, chars, s.ocr_alt_min))
    return out


def _decode(probs: Any, chars: list[str], alt_min: float) -> Reading:
    """Greedy CTC decoding of one line's (time × class) probabilities: the text, RapidOCR's
    confidence, and the runner-up of each character (at the step where it is surest)."""
    import numpy as np

    best = probs.argmax(axis=1)
    top = probs.max(axis=1)
    text: list[str] = []
    firsts: list[float] = []
    steps: list[int] = []  # the surest step of each character
    prev = 0
    for t, k in enumerate(best.tolist()):
        if k and k != prev:
            text.append(chars[k])
            firsts.append(float(top[t]))
            steps.append(t)
        elif k and k == prev and top[t] > top[steps[-1]]:
            steps[-1] = t
        prev = k
    alternatives = []
    for pos, t in enumerate(steps):
        row = np.array(probs[t], copy=True)
        row[0] = row[best[t]] = -1.0
        k = int(row.argmax())
        if row[k] >= alt_min:
            alternatives.append((pos, chars[k], round(float(row[k]), 4)))
    conf = sum(firsts) / len(firsts) if firsts else 0.0
    raw = "".join(text)
    # the decoded text is stripped of surrounding spaces: shift the positions by what goes
    lead = len(raw) - len(raw.lstrip())
    stripped = raw.strip()
    alts = tuple((p - lead, c, q) for p, c, q in alternatives if 0 <= p - lead < len(stripped))
    return stripped, conf, alts


def detect(grey: Any) -> list[tuple[float, float, float, float]]:
    """Text lines of a grey (uint8) image found by RapidOCR's detector, as boxes (x0, top, x1,
    bottom) in the image's pixels. The image is read at its own size (the caller reduces it)."""
    import numpy as np

    if grey.shape[0] < 8 or grey.shape[1] < 8:
        return []
    try:
        boxes, _ = _rapid_engine().text_det(np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2)))
    except Exception as exc:  # the engine's own errors are not ours to classify
        raise InputError(f"文字识别（OCR）失败：{type(exc).__name__}: {exc}") from exc
    if boxes is None:
        return []
    return [(float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 0].max()), float(b[:, 1].max())) for b in boxes]


def _rapidocr(img: Any) -> list[Run]:
    import numpy as np  # installed with rapidocr

    try:
        result, _elapsed = _rapid_engine()(np.asarray(img.convert("RGB")))
    except Exception as exc:  # the engine's own errors are not ours to classify
        raise InputError(f"文字识别（OCR）失败：{type(exc).__name__}: {exc}") from exc
    runs: list[Run] = []
    for box, text, conf in result or []:
        xs = [float(p[0]) for p in box]
        ys = [float(p[1]) for p in box]
        runs.append((str(text), min(xs), min(ys), max(xs), max(ys), float(conf)))
    return runs


# --------------------------------------------------------------------------------------------
# tesseract


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3000 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF


def _tesseract(img: Any) -> list[Run]:
    exe = shutil.which("tesseract")
    if not exe:
        raise InputError("未安装文字识别（OCR）组件 tesseract，无法识别扫描页")
    with tempfile.TemporaryDirectory(prefix="juesuan-ocr-") as tmp:
        src = os.path.join(tmp, "page.png")
        img.save(src)
        cmd = [
            exe,
            src,
            "stdout",
            "-l",
            "+".join(TESSERACT_LANGS),
            "--psm",
            TESSERACT_PSM,
            "-c",
            "preserve_interword_spaces=1",
            "tsv",
        ]
        try:
            proc = subprocess.run(
                cmd,
                capture_output=True,
                timeout=TESSERACT_TIMEOUT,
                env={**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")},
            )
        except subprocess.TimeoutExpired as exc:
            raise InputError(f"文字识别（OCR）超时（超过 {TESSERACT_TIMEOUT} 秒）") from exc
        except OSError as exc:
            raise InputError(f"无法运行文字识别（OCR）组件 tesseract：{exc}") from exc
    if proc.returncode != 0:
        reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"文字识别（OCR）失败：{reason[-1] if reason else proc.returncode}")
    return merge_tesseract_tsv(proc.stdout.decode("utf-8", "replace"))


def merge_tesseract_tsv(tsv: str) -> list[Run]:
    """Tesseract's word rows (level 5) merged into text runs.

    Tesseract returns CJK text as words of one or two characters, often with boxes narrower than
    the glyphs, and in sparse mode it puts neighbouring words in different blocks. Words are
    grouped into visual lines (vertical overlap of at least half the smaller height) and joined
    left to right while the gap is small: up to 1.5 × the line height between CJK characters,
    0.5 × otherwise. Table cells are further apart than that.
    """
    words: list[tuple[str, int, int, int, int, float]] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5":
            continue
        text = (row.get("text") or "").strip()
        if not text:
            continue
        try:
            left, top = int(row["left"]), int(row["top"])
            width, height = int(row["width"]), int(row["height"])
            conf = max(float(row["conf"]), 0.0) / 100
        except (KeyError, TypeError, ValueError):
            continue
        words.append((text, left, top, left + width, top + height, conf))
    words.sort(key=lambda w: (w[2] + w[4]) / 2)
    s = current()
    lines: list[list[tuple[str, int, int, int, int, float]]] = []
    for word in words:
        for line in reversed(lines[-s.tesseract_lookback :]):
            top, bottom = min(w[2] for w in line), max(w[4] for w in line)
            overlap = min(bottom, word[4]) - max(top, word[2])
            if overlap >= s.tesseract_line_overlap * min(bottom - top, word[4] - word[2]):
                line.append(word)
                break
        else:
            lines.append([word])
    runs: list[Run] = []
    for line in lines:
        line.sort(key=lambda w: w[1])
        heights = sorted(w[4] - w[2] for w in line)
        line_h = max(heights[len(heights) // 2], 4)
        cur: list[Any] | None = None
        for text, x0, top, x1, bottom, conf in line:
            if cur is not None:
                gap = x0 - cur[3]
                cjk = _is_cjk(cur[0][-1]) and _is_cjk(text[0])
                if gap <= (s.tesseract_cjk_join_h if cjk else s.tesseract_join_h) * line_h:
                    cur[0] += (
                        ""
                        if cjk or gap < s.tesseract_space_h * line_h or _is_cjk(cur[0][-1]) or _is_cjk(text[0])
                        else " "
                    )
                    cur[0] += text
                    cur[1], cur[2] = min(cur[1], x0), min(cur[2], top)
                    cur[3], cur[4] = max(cur[3], x1), max(cur[4], bottom)
                    cur[5] = min(cur[5], conf)
                    continue
                runs.append(tuple(cur))
            cur = [text, x0, top, x1, bottom, conf]
        if cur is not None:
            runs.append(tuple(cur))
    return runs


__all__ = [
    "ENGINES",
    "OCR_FAILED_MESSAGE",
    "OcrWord",
    "UNREAD_PAGE_MESSAGE",
    "available",
    "engine",
    "ocr_page",
    "page_has_text_layer",
    "recognize",
    "detect",
]
