"""Uploaded files: size limit while reading, type decided on the content (magic bytes, never the
name), stored under a generated name in the app's data folder (no path from the client is used)."""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError

MAX_UPLOAD = 50 * 1024 * 1024  # bytes; `juesuan serve --max-upload-mb`
_CHUNK = 1 << 20


def read_limited(fh: BinaryIO, name: str, limit: int) -> bytes:
    """The whole upload, refused (InputError ``too_large``) as soon as it passes ``limit`` bytes."""
    buf = io.BytesIO()
    while True:
        chunk = fh.read(_CHUNK)
        if not chunk:
            break
        buf.write(chunk)
        if buf.tell() > limit:
            raise InputError(f"文件超过上传上限 {limit // (1024 * 1024)} MB：{name}", code="too_large")
    return buf.getvalue()


def _zip_kind(data: bytes) -> str | None:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError):
        return None
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("word/") for n in names):
        return "docx"
    return None


def _is_text(data: bytes) -> bool:
    head = data[:65536]
    if b"\x00" in head:
        return False
    for enc in ("utf-8", "gb18030"):
        try:
            head.decode(enc)
            return True
        except UnicodeDecodeError as exc:
            if enc == "utf-8" and exc.start >= len(head) - 4:  # a character cut at the end of the sample
                return True
    return False


def sniff(data: bytes, kinds: tuple[str, ...] = ("pdf", "xlsx", "docx", "xls", "html", "txt")) -> str | None:
    """The file type by content: pdf, xlsx, docx, xls (an OLE2 file: .xls/.doc), html or txt."""
    head = data[:1024].lstrip()
    kind: str | None = None
    if head.startswith(b"%PDF"):
        kind = "pdf"
    elif data.startswith(b"PK\x03\x04"):
        kind = _zip_kind(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        kind = "xls"
    elif _is_text(data):
        text = head.removeprefix(b"\xef\xbb\xbf").lower()
        kind = "html" if text.startswith((b"<!doctype html", b"<html")) else "txt"
    return kind if kind in kinds else None


KIND_TEXT = "PDF、Excel（xlsx/xls）、Word（docx）、HTML 或文本文件"


def save(data: bytes, name: str, folder: Path, kinds: tuple[str, ...] | None = None) -> Path:
    """Store ``data`` under a generated name with the extension of its sniffed type; InputError
    ``unsupported_type`` when the content is none of the accepted types, whatever its name says."""
    kind = sniff(data) if kinds is None else sniff(data, kinds)
    if kind is None:
        wanted = KIND_TEXT if kinds is None else "、".join(kinds)
        raise InputError(f"文件内容不是可审核的格式（应为{wanted}）：{name}", code="unsupported_type")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.{kind}"
    path.write_bytes(data)
    return path


def display_name(name: str | None) -> str:
    """The client's file name for display only: its last component, at most 200 characters."""
    base = (name or "未命名").replace("\\", "/").rsplit("/", 1)[-1].strip() or "未命名"
    return base[:200]
