"""Office documents: telling formats apart by content, and legacy formats through LibreOffice.

Files often carry the wrong suffix (an ``.xls`` that is really an HTML page, a ``.docx`` that is
really a workbook, a ``.doc`` saved as a web page). :func:`sniff` looks at the content and
:func:`dispatch` hands the file to the reader that fits, so the content decides, not the suffix.

Legacy word-processing formats (``.doc``, ``.wps``, ``.rtf``, ``.odt``) and spreadsheets that
python-calamine cannot read are converted with LibreOffice (``soffice --headless --convert-to``,
with a timeout and a throw-away user profile) and the converted ``.docx``/``.xlsx`` is read. Old
binary workbooks (``.xls``, and WPS ``.et`` files, which are the same format) are read by
python-calamine directly, without LibreOffice.

This module also holds small text helpers shared by the office readers.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import unicodedata
import zipfile
from pathlib import Path

from ..errors import InputError
from ..raw import RawDocument
from . import register

# --- zip packages (xlsx, docx, ods, odt) ------------------------------------------------------

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # all members of a package together
MAX_COMPRESSION_RATIO = 100  # a member larger than RATIO_MIN_BYTES may not expand more than this
RATIO_MIN_BYTES = 16 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000

SOFFICE_TIMEOUT = 120  # seconds for one LibreOffice conversion


def check_zip(path: Path, what: str) -> list[zipfile.ZipInfo]:
    """The members of a zip package, refused before anything is decompressed when the declared
    sizes say it would expand too far (a "zip bomb") or it has too many members. ``what`` names
    the expected format for messages (e.g. "Excel")."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, ValueError, EOFError) as exc:
        raise InputError(f"无法读取 {what} 文件：{path.name}（文件已损坏或不是有效的压缩包：{exc}）") from exc
    if len(infos) > MAX_ZIP_MEMBERS:
        raise InputError(
            f"无法读取 {what} 文件：{path.name}（压缩包内文件过多：{len(infos)} 个，上限 {MAX_ZIP_MEMBERS} 个）"
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise InputError(
                f"拒绝读取 {what} 文件：{path.name}（压缩包内 {info.filename} 解压后 {info.file_size // (1024 * 1024)} MB，"
                f"压缩比超过 {MAX_COMPRESSION_RATIO} 倍，疑似“压缩炸弹”）"
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise InputError(
            f"拒绝读取 {what} 文件：{path.name}（解压后共 {total // (1024 * 1024)} MB，超过上限 "
            f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB，疑似“压缩炸弹”）"
        )
    return infos


# --- content sniffing -------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|table|title|div|p[\s>]|style)", re.I | re.S
)


def _ole_streams(data: bytes) -> set[str]:
    """Names of the storages and streams of an OLE compound file (the container of .doc, .xls,
    .wps, .et and encrypted Office files). Directory entries are 128-byte records aligned on
    128 bytes after the 512-byte header: a UTF-16 name, its byte length (name + NUL) at offset 64
    and the entry type (1 storage, 2 stream, 5 root) at 66. Scanning for well-formed records
    avoids following sector chains, and text that merely mentions a name does not count."""
    names: set[str] = set()
    for at in range(512, len(data) - 127, 128):
        length = int.from_bytes(data[at + 64 : at + 66], "little")
        kind = data[at + 66]
        if kind not in (1, 2) or not 2 <= length <= 64 or length % 2:
            continue
        raw = data[at : at + length - 2]
        if data[at + length - 2 : at + length] != b"\0\0":
            continue
        try:
            name = raw.decode("utf-16-le")
        except UnicodeDecodeError:
            continue
        if name.isprintable():
            names.add(name)
    return names


def sniff(path: Path, what: str = "Office") -> str:
    """The real format of a file, from its content: ``xlsx``, ``xlsb``, ``ods``, ``docx``, ``odt``,
    ``pptx``, ``zip`` (another zip package), ``xls``, ``doc``, ``ppt``, ``encrypted`` (a
    password-protected Office file), ``ole`` (another OLE file), ``html``, ``rtf``, ``pdf`` or
    ``unknown``. ``what`` names the expected format in messages (zip packages are checked with
    :func:`check_zip` here, before anything is decompressed)."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        infos = check_zip(path, what)
        names = {i.filename for i in infos}
        if "xl/workbook.xml" in names or any(n.startswith("xl/") and n.endswith("workbook.xml") for n in names):
            return "xlsx"
        if "xl/workbook.bin" in names:
            return "xlsb"
        if "word/document.xml" in names or any(n.startswith("word/") and n.endswith("document.xml") for n in names):
            return "docx"
        if "ppt/presentation.xml" in names:
            return "pptx"
        if "mimetype" in names:
            info = next(i for i in infos if i.filename == "mimetype")
            if info.file_size < 200:
                try:
                    with zipfile.ZipFile(path) as zf:
                        mime = zf.read("mimetype").decode("ascii", "replace").strip()
                except Exception:  # a damaged member: not an ODF package we can read
                    mime = ""
                if mime == "application/vnd.oasis.opendocument.spreadsheet":
                    return "ods"
                if mime == "application/vnd.oasis.opendocument.text":
                    return "odt"
        return "zip"
    if head.startswith(_OLE_MAGIC):
        streams = _ole_streams(path.read_bytes())  # the size is bounded by readers.MAX_FILE_BYTES
        if "EncryptedPackage" in streams:
            return "encrypted"
        if "WordDocument" in streams:
            return "doc"
        if "Workbook" in streams or "Book" in streams:
            return "xls"
        if "PowerPoint Document" in streams:
            return "ppt"
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    text = head
    for bom in (b"\xef\xbb\xbf",):
        if text.startswith(bom):
            text = text[len(bom) :]
    if text.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = text.decode("utf-16")[:2000].encode("utf-8", "replace")
        except UnicodeDecodeError:
            return "unknown"
    if _HTML_START.match(text) or re.match(
        rb"^\s*<\?xml[^>]*>\s*(<!--.*?-->\s*)*<(!doctype\s+html|html)", text, re.I | re.S
    ):
        return "html"
    return "unknown"


_KIND_NAMES = {
    "xlsx": "Excel 工作簿（.xlsx）",
    "xlsb": "Excel 二进制工作簿（.xlsb）",
    "ods": "OpenDocument 电子表格（.ods）",
    "xls": "Excel 97-2003 工作簿（.xls）",
    "docx": "Word 文档（.docx）",
    "odt": "OpenDocument 文本（.odt）",
    "doc": "Word 97-2003 文档（.doc）",
    "rtf": "RTF 文档",
    "html": "网页（HTML）",
    "pdf": "PDF 文件",
}


def dispatch(path: Path, kind: str, expected: str) -> RawDocument:
    """Read ``path`` with the reader for its real format ``kind`` (from :func:`sniff`). ``expected``
    is the format its suffix promised (e.g. "Excel"), for the message when nothing fits."""
    if kind == "xlsx":
        from .xlsx import read_ooxml_workbook

        return read_ooxml_workbook(path)
    if kind in ("xls", "xlsb", "ods"):
        from .xlsx import read_with_calamine

        return read_with_calamine(path, kind)
    if kind == "docx":
        from .docx import read_docx_package

        return read_docx_package(path)
    if kind == "html":
        from .html import read_html

        return read_html(path)
    if kind in ("doc", "rtf", "odt"):
        return convert_and_read(path, "docx")
    if kind == "pdf":
        from . import reader_for

        reader = reader_for(".pdf")
        if reader is None:
            raise InputError(f"文件扩展名与内容不符：{path.name} 实际是 PDF 文件，但 PDF 读取器不可用")
        return reader(path)
    if kind == "encrypted":
        raise InputError(f"文件已加密（设有打开密码），无法读取：{path.name}。请去除密码后重试")
    if kind in ("pptx", "ppt"):
        raise InputError(f"不支持演示文稿（PowerPoint）：{path.name}。请导出为 PDF 后再审核")
    if kind == "zip":
        raise InputError(
            f"无法读取 {expected} 文件：{path.name}（这是一个压缩包，但不是 Excel/Word/OpenDocument 文件）"
        )
    raise InputError(f"无法读取 {expected} 文件：{path.name}（文件内容不是有效的 {expected} 格式）")


# --- LibreOffice conversion -------------------------------------------------------------------


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(path: Path, target: str, outdir: Path, timeout: int = SOFFICE_TIMEOUT) -> Path:
    """Convert ``path`` to ``target`` (a suffix without the dot, e.g. ``docx``, ``xlsx``, ``pdf``)
    into ``outdir`` with LibreOffice; returns the converted file. Raises InputError when LibreOffice
    is missing, fails or takes longer than ``timeout`` seconds."""
    exe = soffice()
    if exe is None:
        raise InputError(
            f"读取 {path.suffix.lower() or '该'} 文件需要 LibreOffice（soffice），当前系统未安装：{path.name}。"
            f"请安装 LibreOffice，或把文件另存为 .docx/.xlsx/.pdf 后重试"
        )
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="juesuan-soffice-") as tmp:
        # Work on a copy with a plain name: LibreOffice derives the output name from the input name.
        src = Path(tmp) / f"source{path.suffix.lower() or '.bin'}"
        shutil.copyfile(path, src)
        profile = Path(tmp) / "profile"
        cmd = [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            tmp,
            str(src),
        ]
        env = dict(os.environ, HOME=tmp)
        try:
            proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True
            )
        except OSError as exc:
            raise InputError(f"无法启动 LibreOffice 转换 {path.name}：{exc}") from exc
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise InputError(f"LibreOffice 转换 {path.name} 超时（超过 {timeout} 秒）") from None
        out = Path(tmp) / f"source.{target.split(':')[0]}"
        if proc.returncode != 0 or not out.exists() or out.stat().st_size == 0:
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
            raise InputError(
                f"LibreOffice 无法转换 {path.name}（文件可能已损坏）{('：' + detail[0]) if detail else ''}"
            )
        final = outdir / f"{path.stem}.{target.split(':')[0]}"
        shutil.move(str(out), final)
    return final


def convert_and_read(path: Path, target: str) -> RawDocument:
    """Convert a legacy document to ``docx`` or ``xlsx`` with LibreOffice and read the result; the
    returned document names the original file and format."""
    with tempfile.TemporaryDirectory(prefix="juesuan-conv-") as tmp:
        converted = convert(path, target, Path(tmp))
        if target == "docx":
            from .docx import read_docx_package

            doc = read_docx_package(converted)
        else:
            from .xlsx import read_ooxml_workbook

            doc = read_ooxml_workbook(converted)
    doc.file = str(path)
    doc.format = f"{path.suffix.lower().lstrip('.') or 'office'}（经 LibreOffice 转换）"
    return doc


@register(".doc", ".dot", ".wps", ".wpt", ".rtf", ".odt")
def read_legacy_document(path: Path) -> RawDocument:
    """Word-processing formats other than .docx: by content, then through LibreOffice."""
    kind = sniff(path, "Word")
    if kind in ("doc", "ole", "rtf", "odt"):
        return convert_and_read(path, "docx")
    return dispatch(path, kind, "Word")


@register(".et", ".ett")
def read_legacy_workbook(path: Path) -> RawDocument:
    """WPS spreadsheets: usually the .xls format inside (read by python-calamine); otherwise
    converted with LibreOffice."""
    kind = sniff(path, "Excel")
    if kind in ("xls", "ole"):
        from .xlsx import read_with_calamine

        try:
            return read_with_calamine(path, "xls")
        except InputError:
            if soffice() is None:
                raise
            return convert_and_read(path, "xlsx")
    return dispatch(path, kind, "Excel")


# --- text helpers shared by the office readers ------------------------------------------------

_WS_RE = re.compile(r"[ \t\r\f\v\u00a0]+")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def join_wrapped(parts: list[str]) -> str:
    """Join the lines of a wrapped cell or paragraph: Chinese text joins without a space, other
    text with one ("一般公共" + "服务支出" → "一般公共服务支出"; "Total" + "amount" → "Total amount")."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and not (_wide(out[-1]) or _wide(part[0])):
            out += " "
        out += part
    return out


def clean_text(text: str) -> str:
    """A cell's text as one line: line breaks joined with :func:`join_wrapped`, runs of spaces and
    no-break spaces collapsed. Ideographic spaces (U+3000) are kept: they are printed text."""
    if "\n" in text or "\r" in text:
        text = join_wrapped(re.split(r"\r\n|\r|\n", text))
    return _WS_RE.sub(" ", text).strip()
