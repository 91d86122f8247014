"""Reader for tab-separated plain-text extractions of a disclosure.

One line of the file is one row; cells are separated by tabs. A form feed starts a new page.
The encoding is detected: UTF-8 (with or without BOM), UTF-16 with BOM, then GB18030 (which covers
GBK and GB2312).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..raw import RawDocument, RawLine
from . import MAX_CHARS, register

_ENCODINGS = ("utf-8-sig", "gb18030")


def decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"无法按 UTF-16 解码：{name}") from exc
    if b"\x00" in data[:65536]:
        raise InputError(f"不是文本文件（含二进制内容）：{name}")
    for enc in _ENCODINGS:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        control = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\r\n\f")
        if control > 0.01 * min(len(text), 65536):
            raise InputError(f"不是文本文件（含大量控制字符）：{name}")
        return text
    raise InputError(f"无法识别文件编码（既不是 UTF-8 也不是 GB18030）：{name}")


@register("txt", ".txt", ".tsv", ".text")
def read_text(path: Path) -> RawDocument:
    text = decode(path.read_bytes(), path.name)
    if len(text) > MAX_CHARS:  # refused before any line is built: a disclosure is far smaller
        raise InputError(
            f"文件有{len(text):,}个字符，超过上限{MAX_CHARS:,}个字符，不像一份公开文件：{path.name}", code="too_large"
        )
    doc = RawDocument(file=str(path), format="text")
    page: int | None = None
    if "\f" in text:
        page = 1
    for number, line in enumerate(text.split("\n"), start=1):
        while "\f" in line:
            before, _, line = line.partition("\f")
            if before.strip():
                doc.lines.append(RawLine(number, before.split("\t"), page))
            page = (page or 1) + 1
        doc.lines.append(RawLine(number, line.rstrip("\r\n").split("\t"), page))
    doc.page_count = page
    return doc
