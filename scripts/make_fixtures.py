"""Make the round-trip fixtures in tests/fixtures/roundtrip/ from our own generated example.

    .venv/bin/python scripts/make_fixtures.py [--out DIR]

Reads examples/example-clean.txt (written by ``python -m juesuan.generate.document``), recognizes it and
writes it back as example.xlsx, example.docx and example.html with the writers in
``juesuan.writers``. When LibreOffice (``soffice``) is installed it also writes:

- example-ruled.pdf: example.xlsx printed to PDF (every cell ruled);
- example-threeline.pdf: a three-line-table version of the workbook (rules only above the header,
  under the header and under the last row) printed to PDF;
- example-docx.pdf: example.docx printed to PDF.

Office files get fixed timestamps so that re-running the script gives the same bytes (PDFs carry
LibreOffice's own timestamps). Every fixture must stay under MAX_FIXTURE_BYTES.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from juesuan.layouts import load as load_layouts  # noqa: E402
from juesuan.readers import read  # noqa: E402
from juesuan.readers.office import convert, soffice  # noqa: E402
from juesuan.recognize import recognize  # noqa: E402
from juesuan.generate.document import render_text  # noqa: E402
from juesuan.generate.spec import example_spec  # noqa: E402
from juesuan.writers.docx import write_docx  # noqa: E402
from juesuan.writers.html import write_html  # noqa: E402
from juesuan.writers.xlsx import write_xlsx  # noqa: E402

SOURCE = REPO / "examples" / "example-clean.txt"
OUT = REPO / "tests" / "fixtures" / "roundtrip"
MAX_FIXTURE_BYTES = 300 * 1024
FIXED_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)


def freeze_zip(path: Path) -> None:
    """Rewrite a zip package with fixed member timestamps (same order, same compression)."""
    with zipfile.ZipFile(path) as zf:
        members = [(info, zf.read(info.filename)) for info in zf.infolist()]
    tmp = path.with_suffix(path.suffix + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            out.writestr(fixed, data)
    tmp.replace(path)


def to_pdf(src: Path, dest: Path) -> Path:
    with tempfile.TemporaryDirectory(prefix="juesuan-fixtures-") as tmp:
        produced = convert(src, "pdf", Path(tmp))
        dest.write_bytes(produced.read_bytes())
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output directory (default: tests/fixtures/roundtrip)")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    text = SOURCE.read_text(encoding="utf-8")
    if text != render_text(example_spec()):
        print(
            f"warning: {SOURCE} differs from `python -m juesuan.generate.document` output; regenerate it first",
            file=sys.stderr,
        )
    doc = recognize(read(SOURCE), load_layouts())

    written = [
        write_xlsx(doc, out / "example.xlsx", created=FIXED_TIME),
        write_docx(doc, out / "example.docx", created=FIXED_TIME),
        write_html(doc, out / "example.html"),
    ]
    for path in written[:2]:
        freeze_zip(path)

    if soffice():
        written.append(to_pdf(out / "example.xlsx", out / "example-ruled.pdf"))
        with tempfile.TemporaryDirectory(prefix="juesuan-fixtures-") as tmp:
            threeline = write_xlsx(doc, Path(tmp) / "example-threeline.xlsx", rules="threeline", created=FIXED_TIME)
            written.append(to_pdf(threeline, out / "example-threeline.pdf"))
        written.append(to_pdf(out / "example.docx", out / "example-docx.pdf"))
    else:
        print("soffice not found: PDF fixtures not written", file=sys.stderr)

    status = 0
    for path in written:
        size = path.stat().st_size
        flag = "" if size <= MAX_FIXTURE_BYTES else f"  TOO LARGE (> {MAX_FIXTURE_BYTES} bytes)"
        print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}  {size} bytes{flag}")
        if flag:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
