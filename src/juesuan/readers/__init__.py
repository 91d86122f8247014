"""Readers turn a file into a :class:`~juesuan.raw.RawDocument`.

Each reader registers the file suffixes it handles. ``read(path)`` picks one by suffix and, for
unknown suffixes, by content. Readers raise :class:`~juesuan.errors.InputError` with a Chinese
message for unusable input; they never return partial data silently.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import InputError
from ..raw import RawDocument

MAX_FILE_BYTES = 200 * 1024 * 1024

Reader = Callable[[Path], RawDocument]
_READERS: dict[str, Reader] = {}


def register(*suffixes: str) -> Callable[[Reader], Reader]:
    def deco(fn: Reader) -> Reader:
        for s in suffixes:
            _READERS[s.lower()] = fn
        return fn

    return deco


def read(path: str | Path) -> RawDocument:
    p = Path(path)
    if not p.exists():
        raise InputError(f"文件不存在：{p}")
    if not p.is_file():
        raise InputError(f"不是文件：{p}")
    size = p.stat().st_size
    if size == 0:
        raise InputError(f"文件为空：{p.name}")
    if size > MAX_FILE_BYTES:
        raise InputError(f"文件过大（{size // (1024 * 1024)} MB），上限为 {MAX_FILE_BYTES // (1024 * 1024)} MB：{p.name}")
    from . import text  # noqa: F401  (registers the text reader)

    reader = _READERS.get(p.suffix.lower())
    if reader is None:
        head = p.read_bytes()[:8]
        if head.startswith(b"%PDF"):
            raise InputError(f"暂不支持 PDF 文件：{p.name}（PDF 读取器尚未安装）")
        if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
            raise InputError(f"暂不支持 Office 文件：{p.name}")
        reader = _READERS["txt"]
    return reader(p)


__all__ = ["read", "register", "MAX_FILE_BYTES"]
