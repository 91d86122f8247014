"""Readers turn a file into a :class:`~juesuan.raw.RawDocument`.

Each reader registers the file suffixes it handles. ``read(path)`` picks one by suffix and, for
unknown suffixes, by content. Readers raise :class:`~juesuan.errors.InputError` with a Chinese
message for unusable input; they never return partial data silently.
"""

from __future__ import annotations

TYPE_CHECKING = False  # (typing.TYPE_CHECKING without importing typing)
if TYPE_CHECKING:  # the package imports nothing else: the PDFium binding (.pdfium) is loaded
    # under it at the very start of a check (juesuan.readers.prefetch), before anything else
    from pathlib import Path
    from typing import Callable

    from ..raw import RawDocument
    from .settings import ReaderSettings

    Reader = Callable[[Path], RawDocument]

MAX_FILE_BYTES = 200 * 1024 * 1024
# Characters of text one document may hold (a real disclosure holds a few hundred thousand); beyond
# it the file is refused with InputError code "too_large" (see also juesuan.api.check_limits).
MAX_CHARS = 4_000_000

_READERS: dict[str, Reader] = {}


def register(*suffixes: str) -> Callable[[Reader], Reader]:
    def deco(fn: Reader) -> Reader:
        for s in suffixes:
            _READERS[s.lower()] = fn
        return fn

    return deco


# Reader modules, imported on first use (each registers its suffixes). A module that is not there
# yet is skipped, so formats can be added one module at a time.
_MODULES = ("text", "pdf", "xlsx", "docx", "html", "office", "pagetext")
_loaded = False
# The module that registers a common suffix: a file with one of these is read after importing its
# reader alone (the others cost ~10 ms of start-up between them). Only a hint: when the suffix is
# not registered after that, every reader is loaded.
_SUFFIX_MODULES = {
    ".pdf": "pdf",
    ".txt": "text",
    ".tsv": "text",
    ".json": "pagetext",
    ".html": "html",
    ".htm": "html",
    ".xlsx": "xlsx",
    ".xls": "xlsx",
    ".docx": "docx",
}


def _import(name: str) -> None:
    import importlib

    try:
        importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{name}":
            raise


def _load_readers() -> None:
    global _loaded
    if _loaded:
        return
    for name in _MODULES:
        _import(name)
    _loaded = True


def reader_for(suffix: str) -> Reader | None:
    """The reader registered for ``suffix`` (with its dot), importing reader modules as needed."""
    suffix = suffix.lower()
    if suffix not in _READERS and suffix in _SUFFIX_MODULES:
        _import(_SUFFIX_MODULES[suffix])
    if suffix not in _READERS:
        _load_readers()
    return _READERS.get(suffix)


def _sniff(p: Path) -> Reader:
    """Pick a reader by content for files whose suffix says nothing."""
    from ..errors import InputError
    from .office import sniff

    _load_readers()
    kind = sniff(p, "文件")
    key = {
        "pdf": ".pdf",
        "xlsx": ".xlsx",
        "xlsb": ".xlsb",
        "ods": ".ods",
        "xls": ".xls",
        "docx": ".docx",
        "doc": ".doc",
        "odt": ".odt",
        "rtf": ".rtf",
        "html": ".html",
        "unknown": ".txt",
    }.get(kind)
    if kind == "encrypted":
        raise InputError(f"文件已加密，无法读取：{p.name}")
    reader = _READERS.get(key) if key else None
    if reader is None:
        raise InputError(f"暂不支持该文件格式：{p.name}", code="unsupported_format")
    return reader


def read(path: str | Path, settings: ReaderSettings | None = None) -> RawDocument:
    """Read one file. ``settings`` (a :class:`~juesuan.readers.settings.ReaderSettings`) overrides
    the reading thresholds for this reading; by default the built-in ones, with the overrides of
    ``JUESUAN_READER_SETTINGS`` (JSON) if that is set."""
    from pathlib import Path

    from ..errors import InputError
    from .settings import from_env, using

    settings = settings or from_env()
    p = Path(path)
    if not p.exists():
        raise InputError(f"文件不存在：{p}", code="file_not_found")
    if not p.is_file():
        raise InputError(f"不是文件：{p}", code="not_a_file")
    size = p.stat().st_size
    if size == 0:
        raise InputError(f"文件为空：{p.name}", code="empty_file")
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"文件过大（{size // (1024 * 1024)} MB），上限为 {MAX_FILE_BYTES // (1024 * 1024)} MB：{p.name}",
            code="too_large",
        )
    reader = reader_for(p.suffix) if p.suffix else None
    if reader is None:
        reader = _sniff(p)
    with using(settings):
        return reader(p)


__all__ = ["read", "reader_for", "register", "MAX_FILE_BYTES", "MAX_CHARS"]
