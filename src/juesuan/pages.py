"""Shared page geometry and fonts for drawing on PDF pages (:mod:`juesuan.annotate` and
:mod:`juesuan.show`): :class:`PageGeometry` maps pdfplumber coordinates (top-left origin of the
displayed page) to a page's user space and to rendered pixels; :func:`find_cjk_font` and
:func:`load_font` find a font with Simplified Chinese glyphs for Pillow.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any, Iterable

Box = tuple[float, float, float, float]


def round_box(box: Any) -> Box:
    """A box of four coordinates, as floats rounded to 0.01 point."""
    # (written out: a generator here cost more than the rounding, ≈ 800 boxes a check; each
    # coordinate's rounding looked up first: a check of a 24-page PDF rounds 3 352 coordinates of
    # 379 distinct values — the columns' edges, the rows' tops —, and rounding to a digit goes
    # through dtoa, ≈ 8x a dict look-up)
    get = _ROUNDED.get
    x0, top, x1, bottom = get(box[0]), get(box[1]), get(box[2]), get(box[3])
    if x0 is None or top is None or x1 is None or bottom is None:
        if len(_ROUNDED) > _ROUNDED_MAX:
            _ROUNDED.clear()
        x0, top, x1, bottom = _round(box[0]), _round(box[1]), _round(box[2]), _round(box[3])
    return x0, top, x1, bottom


_ROUNDED: dict[Any, float] = {}  # a coordinate → round(float(it), 2)
_ROUNDED_MAX = 1 << 16


def _round(v: Any) -> float:
    r = round(float(v), 2)
    if v != 0:  # (0.0 and -0.0 are one key but round to different floats: neither is kept)
        _ROUNDED[v] = r
    return r


# --------------------------------------------------------------------------------------------
# Fonts


@lru_cache(maxsize=1)
def find_cjk_font() -> tuple[str, int] | None:
    """(path, face index) of an installed font with Simplified Chinese glyphs, or None.

    ``JUESUAN_CJK_FONT`` (a path, optionally ``path:index``) wins; otherwise fontconfig is asked
    for a Simplified-Chinese sans-serif face, and a few usual Debian paths are tried.
    """
    forced = os.environ.get("JUESUAN_CJK_FONT")
    if forced:
        path, _, index = forced.partition(":") if not os.path.exists(forced) else (forced, "", "")
        if os.path.exists(path):
            return path, int(index) if index.isdigit() else 0
    import shutil  # (with subprocess: imported only to look for a font, not by every check)
    import subprocess

    if shutil.which("fc-list"):
        try:
            proc = subprocess.run(
                ["fc-list", ":lang=zh-cn", "file", "index", "family", "style"],
                capture_output=True,
                text=True,
                timeout=20,
            )
            faces: list[tuple[tuple[int, int, int, int, str], str, int]] = []
            for line in proc.stdout.splitlines():
                path, _, rest = line.partition(":")
                fields = dict(part.strip().split("=", 1) for part in rest.split(":") if "=" in part)
                family = fields.get("family", "")
                style = fields.get("style", "")
                idx = fields.get("index", "0")
                rank = (
                    0 if " SC" in family or "SC," in family or family.endswith("SC") else 1,
                    0 if "Sans" in family or "Hei" in family else 1,
                    0 if "Mono" not in family else 1,
                    0 if "Regular" in style or "Book" in style else 1,
                    path,
                )
                faces.append((rank, path, int(idx) if idx.isdigit() else 0))
            faces.sort()
            for _, face_path, face_index in faces:
                if os.path.exists(face_path):
                    return face_path, face_index
        except (OSError, subprocess.SubprocessError, ValueError):
            pass
    for usual_path, usual_index in (
        ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
        ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
        ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
        ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ):
        if os.path.exists(usual_path):
            return usual_path, usual_index
    return None


def load_font(size_px: int) -> tuple[Any, bool]:
    """A Pillow font of ``size_px`` pixels: (font, has_cjk)."""
    from PIL import ImageFont

    found = find_cjk_font()
    if found:
        try:
            return ImageFont.truetype(found[0], size_px, index=found[1]), True
        except OSError:
            pass
    return ImageFont.load_default(size=size_px), False


# --------------------------------------------------------------------------------------------
# Page geometry


@dataclass(frozen=True)
class PageGeometry:
    """Maps pdfplumber coordinates of a page (top-left origin of the displayed page) to user space.

    pdfminer lays a page out with the matrix below (``ctm``: user → "device", origin at the
    bottom-left of the displayed page), and pdfplumber derives ``x0``/``top`` from that device space
    and the normalized MediaBox. ``device_to_user`` is the inverse of ``ctm``.
    """

    mediabox: Box  # raw, sorted (x0, y0, x1, y1) in user space
    rotation: int  # 0, 90, 180, 270

    @classmethod
    def of(cls, page: Any) -> "PageGeometry":
        """Of a pypdf page."""
        return cls.from_boxes(page.mediabox, page.get("/Rotate", 0))

    @classmethod
    def from_boxes(cls, mediabox: Iterable[Any], rotation: Any) -> "PageGeometry":
        mb = [float(v) for v in mediabox]
        x0, x1 = sorted((mb[0], mb[2]))
        y0, y1 = sorted((mb[1], mb[3]))
        try:
            rot = int(rotation or 0) % 360
        except (TypeError, ValueError):
            rot = 0
        return cls((x0, y0, x1, y1), rot if rot % 90 == 0 else 0)

    def pixel_mapper(self, cropbox: Iterable[Any], scale: float) -> Any:
        """A function (x, top) → pixel (px, py) in a rendering of the page's CropBox at ``scale``
        pixels per point, as pypdfium2 renders it (displayed orientation, top-left origin)."""
        vx0, _, _, vy1 = self.box_to_device(cropbox)
        cx, ctop = self.device_to_plumber(vx0, vy1)

        def to_pixel(x: float, top: float) -> tuple[float, float]:
            return (x - cx) * scale, (top - ctop) * scale

        return to_pixel

    @property
    def normalized(self) -> Box:
        x0, y0, x1, y1 = self.mediabox
        return (y0, x0, y1, x1) if self.rotation in (90, 270) else (x0, y0, x1, y1)

    @property
    def width(self) -> float:
        n = self.normalized
        return n[2] - n[0]

    @property
    def height(self) -> float:
        n = self.normalized
        return n[3] - n[1]

    def device_to_user(self) -> tuple[float, float, float, float, float, float]:
        """The matrix (a, b, c, d, e, f) taking device points (dx, dy) to user space."""
        x0, y0, x1, y1 = self.mediabox
        return {
            0: (1.0, 0.0, 0.0, 1.0, x0, y0),
            90: (0.0, 1.0, -1.0, 0.0, x1, y0),
            180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
            270: (0.0, -1.0, 1.0, 0.0, x0, y1),
        }[self.rotation]

    def plumber_to_device(self, x: float, top: float) -> tuple[float, float]:
        nx0, ny0, _, _ = self.normalized
        return x - nx0, self.height - top - ny0

    def device_to_plumber(self, dx: float, dy: float) -> tuple[float, float]:
        nx0, ny0, _, _ = self.normalized
        return dx + nx0, self.height - dy - ny0

    def to_user(self, x: float, top: float) -> tuple[float, float]:
        a, b, c, d, e, f = self.device_to_user()
        dx, dy = self.plumber_to_device(x, top)
        return a * dx + c * dy + e, b * dx + d * dy + f

    def to_plumber(self, ux: float, uy: float) -> tuple[float, float]:
        """User space → pdfplumber (x, top): the inverse of :meth:`to_user`."""
        return self.device_to_plumber(*self.user_to_device(ux, uy))

    def box_to_user(self, box: Box) -> Box:
        """A pdfplumber box → the same rectangle in user space (x0, y0, x1, y1), sorted."""
        p = self.to_user(box[0], box[1])
        q = self.to_user(box[2], box[3])
        return (min(p[0], q[0]), min(p[1], q[1]), max(p[0], q[0]), max(p[1], q[1]))

    def user_to_device(self, ux: float, uy: float) -> tuple[float, float]:
        a, b, c, d, e, f = self.device_to_user()
        det = a * d - b * c
        px, py = ux - e, uy - f
        return (d * px - c * py) / det, (-b * px + a * py) / det

    def box_to_device(self, box: Iterable[float]) -> Box:
        """A user-space rectangle (e.g. the CropBox) in device space, sorted."""
        v = [float(t) for t in box]
        p = self.user_to_device(v[0], v[1])
        q = self.user_to_device(v[2], v[3])
        return (min(p[0], q[0]), min(p[1], q[1]), max(p[0], q[0]), max(p[1], q[1]))

    def device_box_to_user(self, box: Box) -> Box:
        a, b, c, d, e, f = self.device_to_user()
        pts = [(a * x + c * y + e, b * x + d * y + f) for x in (box[0], box[2]) for y in (box[1], box[3])]
        return (min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts))
