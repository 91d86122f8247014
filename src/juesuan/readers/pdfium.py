"""The PDFium functions the PDF reader calls, bound with ctypes to the PDFium library pypdfium2
ships (``pypdfium2_raw/libpdfium.so``, the same binary and the same loaded copy pypdfium2 uses).

Why not pypdfium2's own binding: importing it declares all ~470 PDFium functions and loads its
helper classes, ≈ 50 ms of CPU in every process, more than reading a 20-page PDF; the reader calls
30 of them. Everything else (rendering for OCR, ``juesuan show``, the annotated PDF, the
differential check against pdfplumber) still uses pypdfium2. The page and document objects here
offer the few methods of pypdfium2's :class:`PdfPage` / :class:`PdfDocument` the reader uses, with
the same results, so the reader's page functions take either (tests pass pypdfium2 pages).

Handles are plain pointers (``c_void_p``): pypdfium2's typed handles pass for them, so a page
opened by either binding can be read with these functions.
"""

from __future__ import annotations

import ctypes
import os
import sys
from ctypes import POINTER, c_float, c_int, c_uint, c_ulong, c_ushort, c_void_p

TYPE_CHECKING = False  # (typing.TYPE_CHECKING without importing typing: see .prefetch)
if TYPE_CHECKING:
    from typing import Any


class FS_RECTF(ctypes.Structure):
    _fields_ = (("left", c_float), ("top", c_float), ("right", c_float), ("bottom", c_float))


class FS_MATRIX(ctypes.Structure):
    _fields_ = tuple((name, c_float) for name in "abcdef")


class _LibraryConfig(ctypes.Structure):  # FPDF_LIBRARY_CONFIG, version 2 (as pypdfium2 passes it)
    _fields_ = (
        ("version", c_int),
        ("m_pUserFontPaths", c_void_p),
        ("m_pIsolate", c_void_p),
        ("m_v8EmbedderSlot", c_uint),
        ("m_pPlatform", c_void_p),
        ("m_RendererType", c_int),
        ("m_FontLibraryType", c_int),
        ("m_BrotliEnabled", c_int),
        ("m_IsolatePerDocument", c_int),
    )


FPDF_PAGEOBJ_PATH, FPDF_PAGEOBJ_IMAGE, FPDF_PAGEOBJ_FORM = 2, 3, 5
FPDF_SEGMENT_LINETO, FPDF_SEGMENT_MOVETO = 0, 2
FPDF_ERR_PASSWORD, FPDF_ERR_SECURITY = 4, 5
_ROTATIONS = {0: 0, 1: 90, 2: 180, 3: 270}  # FPDFPage_GetRotation → degrees clockwise


class Handle(c_void_p):
    """A PDFium handle as a function returns it: kept a ctypes object (ctypes turns a plain
    ``c_void_p`` result into an int), so it passes to the unchecked bindings without conversion;
    false when NULL."""


_P = c_void_p
_H = Handle
_F = POINTER(c_float)
_SIGNATURES: dict[str, tuple[Any, tuple[Any, ...]]] = {
    "FPDF_InitLibraryWithConfig": (None, (POINTER(_LibraryConfig),)),
    "FPDF_LoadDocument": (_H, (ctypes.c_char_p, ctypes.c_char_p)),
    "FPDF_GetLastError": (c_ulong, ()),
    "FPDF_GetPageCount": (c_int, (_P,)),
    "FPDF_CloseDocument": (None, (_P,)),
    "FPDF_LoadPage": (_H, (_P, c_int)),
    "FPDF_ClosePage": (None, (_P,)),
    "FPDF_GetPageWidthF": (c_float, (_P,)),
    "FPDF_GetPageHeightF": (c_float, (_P,)),
    "FPDF_GetPageBoundingBox": (c_int, (_P, POINTER(FS_RECTF))),
    "FPDFPage_GetMediaBox": (c_int, (_P, _F, _F, _F, _F)),
    "FPDFPage_GetRotation": (c_int, (_P,)),
    "FPDFText_LoadPage": (_H, (_P,)),
    "FPDFText_ClosePage": (None, (_P,)),
    "FPDFText_CountChars": (c_int, (_P,)),
    "FPDFText_GetUnicode": (c_uint, (_P, c_int)),
    "FPDFText_GetText": (c_int, (_P, c_int, c_int, POINTER(c_ushort))),
    "FPDFText_GetTextIndexFromCharIndex": (c_int, (_P, c_int)),
    "FPDFText_GetLooseCharBox": (c_int, (_P, c_int, POINTER(FS_RECTF))),
    "FPDFPage_CountObjects": (c_int, (_P,)),
    "FPDFPage_GetObject": (_H, (_P, c_int)),
    "FPDFPageObj_GetType": (c_int, (_P,)),
    "FPDFPageObj_GetMatrix": (c_int, (_P, POINTER(FS_MATRIX))),
    "FPDFFormObj_CountObjects": (c_int, (_P,)),
    "FPDFFormObj_GetObject": (_H, (_P, c_ulong)),
    "FPDFPath_CountSegments": (c_int, (_P,)),
    "FPDFPath_GetPathSegment": (_H, (_P, c_int)),
    "FPDFPathSegment_GetPoint": (c_int, (_P, _F, _F)),
    "FPDFPathSegment_GetType": (c_int, (_P,)),
    "FPDFPathSegment_GetClose": (c_int, (_P,)),
    "FPDFPath_GetDrawMode": (c_int, (_P, POINTER(c_int), POINTER(c_int))),
    "FPDFPageObj_GetFillColor": (c_int, (_P, POINTER(c_uint), POINTER(c_uint), POINTER(c_uint), POINTER(c_uint))),
    "FPDFPageObj_GetStrokeColor": (c_int, (_P, POINTER(c_uint), POINTER(c_uint), POINTER(c_uint), POINTER(c_uint))),
}


_UNCHECKED = (
    "FPDFText_GetUnicode",
    "FPDFText_GetTextIndexFromCharIndex",
    "FPDFText_GetLooseCharBox",
    "FPDFPage_CountObjects",
    "FPDFPage_GetObject",
    "FPDFPageObj_GetType",
    "FPDFPageObj_GetMatrix",
    "FPDFPath_CountSegments",
    "FPDFPath_GetPathSegment",
    "FPDFPathSegment_GetPoint",
    "FPDFPathSegment_GetType",
    "FPDFPathSegment_GetClose",
)


def _package_folder() -> str:
    """pypdfium2_raw's folder: the first entry of ``sys.path`` holding it as a regular package, as
    the import system finds it (without importing importlib.util, ≈ 3 ms of a check's start-up that
    delays the start-up worker, .prefetch); otherwise where ``importlib.util.find_spec`` says."""
    for entry in sys.path:
        folder = os.path.join(entry or os.curdir, "pypdfium2_raw")
        if os.path.isfile(os.path.join(folder, "__init__.py")):
            return folder
    import importlib.util

    spec = importlib.util.find_spec("pypdfium2_raw")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("pypdfium2_raw is not installed (a dependency of pypdfium2)")
    return str(next(iter(spec.submodule_search_locations)))


def _library_path() -> str:
    """pypdfium2_raw's libpdfium, found without importing pypdfium2_raw (its import is the cost)."""
    folder = _package_folder()
    for name in ("libpdfium.so", "libpdfium.dylib", "pdfium.dll"):
        if os.path.exists(os.path.join(folder, name)):
            # resolved as pypdfium2_raw resolves it, so both load the one same copy of the library
            return os.path.realpath(os.path.join(folder, name))
    raise ImportError(f"PDFium library not found in {folder}")


class _Lib:
    """The bound functions, structures and constants, as attributes (``lib.FPDF_LoadPage``), named
    as in pypdfium2.raw."""

    def __init__(self) -> None:
        dll = ctypes.CDLL(_library_path())
        self.dll = dll
        for name, (restype, argtypes) in _SIGNATURES.items():
            fn = getattr(dll, name)
            fn.restype, fn.argtypes = restype, argtypes
            setattr(self, name, fn)
        # The calls made for every character, page object and path segment, bound a second time
        # without argtypes (``NAME_unchecked``): ctypes then converts no argument, half the cost
        # of a call. Callers pass handles as ctypes objects (``Handle``, or cast to ``c_void_p``),
        # indexes as Python ints, structures and out-values by ``byref`` (readers/pdf.py).
        for name in _UNCHECKED:
            fn = dll[name]  # (indexing makes a new function object; attribute access would not)
            fn.restype = _SIGNATURES[name][0]
            setattr(self, name + "_unchecked", fn)
        self.FS_RECTF, self.FS_MATRIX = FS_RECTF, FS_MATRIX
        self.FPDF_PAGEOBJ_IMAGE = FPDF_PAGEOBJ_IMAGE
        self.FPDF_SEGMENT_LINETO, self.FPDF_SEGMENT_MOVETO = FPDF_SEGMENT_LINETO, FPDF_SEGMENT_MOVETO
        # PDFium initializes once per process: a second call (pypdfium2 imported before or after)
        # returns at once; pypdfium2 destroys the library at exit when it was imported.
        config = _LibraryConfig(version=2)
        self.FPDF_InitLibraryWithConfig(ctypes.byref(config))

    def __getattr__(self, name: str) -> Any:  # for type checkers: the functions are set above
        raise AttributeError(f"PDFium function not bound by juesuan: {name}")


lib: Any = _Lib()


class PdfiumError(Exception):
    def __init__(self, message: str, err_code: int | None = None) -> None:
        super().__init__(message)
        self.err_code = err_code


class TextPage:
    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def close(self) -> None:
        if self.raw:
            lib.FPDFText_ClosePage(self.raw)
            self.raw = None


class Page:
    """One page: the methods of pypdfium2's ``PdfPage`` the reader uses, same results."""

    # its text page when loaded ahead (:mod:`.prefetch`): the next get_textpage() returns it
    preloaded_text: TextPage | None = None

    def __init__(self, raw: Any, document: Document, index: int) -> None:
        self.raw, self.document, self.index = raw, document, index

    def get_width(self) -> float:
        return float(lib.FPDF_GetPageWidthF(self.raw))

    def get_height(self) -> float:
        return float(lib.FPDF_GetPageHeightF(self.raw))

    def get_size(self) -> tuple[float, float]:
        return self.get_width(), self.get_height()

    def get_rotation(self) -> int:
        raw = lib.FPDFPage_GetRotation(self.raw)
        if raw == -1:
            raise PdfiumError("Failed to get page rotation.")
        return _ROTATIONS[raw]

    def get_mediabox(self, fallback_ok: bool = True) -> tuple[float, float, float, float] | None:
        left, bottom, right, top = c_float(), c_float(), c_float(), c_float()
        if not lib.FPDFPage_GetMediaBox(self.raw, left, bottom, right, top):
            return (0, 0, 612, 792) if fallback_ok else None
        return left.value, bottom.value, right.value, top.value

    def get_bbox(self) -> tuple[float, float, float, float]:
        rect = FS_RECTF()
        if not lib.FPDF_GetPageBoundingBox(self.raw, rect):
            raise PdfiumError("Failed to get page bounding box.")
        return rect.left, rect.bottom, rect.right, rect.top

    def get_textpage(self) -> TextPage:
        if self.preloaded_text is not None:
            text, self.preloaded_text = self.preloaded_text, None
            return text
        raw = lib.FPDFText_LoadPage(self.raw)
        if not raw:
            raise PdfiumError("Failed to load text page.")
        return TextPage(raw)

    def render(self, **kwargs: Any) -> Any:
        """Rendered by pypdfium2 (imported here: only scanned pages are rendered, for OCR)."""
        return self.document.pypdfium2()[self.index].render(**kwargs)

    def close(self) -> None:
        if self.preloaded_text is not None:
            self.preloaded_text.close()
            self.preloaded_text = None
        if self.raw:
            lib.FPDF_ClosePage(self.raw)
            self.raw = None


class Document:
    """A PDF opened by path, as pypdfium2's ``PdfDocument(path)`` opens it (same errors)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        # pages loaded ahead by the start-up worker (:mod:`.prefetch`), taken by __getitem__
        self.preloaded: dict[int, Page] = {}
        ahead = sys.modules.get(__package__ + ".prefetch")
        if ahead is not None:  # PDFium is called by one thread at a time: the worker stops first
            ahead.halt()
        from pathlib import Path

        self.path = Path(path).expanduser().resolve()
        if not self.path.is_file():
            raise FileNotFoundError(self.path)
        self._other: Any = None
        self.raw = lib.FPDF_LoadDocument(os.fsencode(str(self.path)), None)
        if lib.FPDF_GetPageCount(self.raw) < 1:
            code = lib.FPDF_GetLastError()
            if self.raw:
                lib.FPDF_CloseDocument(self.raw)
                self.raw = None
            raise PdfiumError(f"Failed to load document (PDFium error {code}).", err_code=code)

    @classmethod
    def adopt(cls, path: str, raw: Any, pages: list[tuple[Any, Any]]) -> Document:
        """The document another thread opened (``FPDF_LoadDocument`` of ``path``: the start-up
        worker of :mod:`.prefetch`), with the pages it loaded — ``(page, text page)`` handles of
        pages 0, 1, … — served by the next ``doc[i]`` / ``get_textpage()`` as if loaded then."""
        from pathlib import Path

        doc = cls.__new__(cls)
        doc.path = Path(path).expanduser().resolve()
        doc._other = None
        doc.raw = raw
        doc.preloaded = {}
        for index, (page_raw, text_raw) in enumerate(pages):
            page = Page(page_raw, doc, index)
            page.preloaded_text = TextPage(text_raw)
            doc.preloaded[index] = page
        return doc

    def __len__(self) -> int:
        return int(lib.FPDF_GetPageCount(self.raw))

    def __getitem__(self, index: int) -> Page:
        if self.preloaded:
            page = self.preloaded.pop(index, None)
            if page is not None:
                return page
        raw = lib.FPDF_LoadPage(self.raw, index)
        if not raw:
            raise PdfiumError("Failed to load page.")
        return Page(raw, self, index)

    def pypdfium2(self) -> Any:
        """The same file opened by pypdfium2 (for rendering), opened once and closed with this."""
        if self._other is None:
            import pypdfium2 as pdfium

            self._other = pdfium.PdfDocument(str(self.path))
        return self._other

    def close(self) -> None:
        if self._other is not None:
            self._other.close()
            self._other = None
        for page in self.preloaded.values():  # pages loaded ahead and never read
            page.close()
        self.preloaded = {}
        if self.raw:
            lib.FPDF_CloseDocument(self.raw)
            self.raw = None
