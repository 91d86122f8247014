"""Coverage-guided fuzzing (atheris, libFuzzer) of the text, XLSX and HTML readers, for a bounded
time. A crash is any exception other than juesuan's own errors (an InputError is the readers'
answer to bad input: a clear Chinese message).

    .venv/bin/pip install 'juesuan[fuzz]'          # atheris (a wheel; no compiler needed)
    .venv/bin/python scripts/fuzz_readers.py --seconds 300 --runs 100000   # all three readers
    .venv/bin/python scripts/fuzz_readers.py --reader html --seconds 60     # one reader

Each reader is fuzzed in its own process, starting from seeds made by our writers (the example
disclosure as text, XLSX and HTML). The XLSX fuzzer mutates the worksheet and shared-strings XML
inside a well-formed package (a mutated zip mostly fails its checksum before any XML is parsed).
python-calamine (the fallback for packages openpyxl cannot parse) runs in a helper process in
production; the fuzzer answers as that helper does when calamine dies (see fuzz_one). Prints per reader: inputs tried, seconds,
crashes (the crashing inputs are written to the work folder); results go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
READERS = ("text", "xlsx", "html")
SUFFIX = {"text": ".txt", "xlsx": ".xlsx", "html": ".html"}

_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="表1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
}
_SEP = b"\n--juesuan-fuzz--\n"
# The styles part: our writer's (cells of the seeds refer to its formats), set by fuzz_one
_STYLES: list[bytes] = []
_MIN_STYLES = (
    b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="1">'
    b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellXfs></styleSheet>'
)
_EMPTY_STRINGS = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'


def xlsx_package(data: bytes) -> bytes:
    """A well-formed package whose worksheet (and shared strings, after the separator) are ``data``."""
    sheet, _, strings = data.partition(_SEP)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in _XLSX_PARTS.items():
            z.writestr(name, text)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", strings or _EMPTY_STRINGS)
        z.writestr("xl/styles.xml", _STYLES[0] if _STYLES else _MIN_STYLES)
    return buf.getvalue()


def writer_styles() -> bytes:
    """The styles part of the example written by our XLSX writer."""
    from juesuan import api
    from juesuan.writers.xlsx import write_xlsx

    with tempfile.TemporaryDirectory() as d:
        p = write_xlsx(api.load_document(REPO / "examples" / "example-clean.txt"), Path(d) / "clean.xlsx")
        with zipfile.ZipFile(p) as z:
            return z.read("xl/styles.xml")


def seeds(reader: str, folder: Path) -> None:
    """The seed corpus: our example disclosure in the reader's format (written by our writers)."""
    from juesuan import api
    from juesuan.writers.html import write_html
    from juesuan.writers.xlsx import write_xlsx

    folder.mkdir(parents=True, exist_ok=True)
    clean = REPO / "examples" / "example-clean.txt"
    if reader == "text":
        text = clean.read_bytes()
        (folder / "clean").write_bytes(text)
        (folder / "head").write_bytes(text[:3000])
    elif reader == "html":
        doc = api.load_document(clean)
        p = write_html(doc, folder / "clean.html")
        (folder / "head").write_bytes(p.read_bytes()[:6000])
    else:
        doc = api.load_document(clean)
        with tempfile.TemporaryDirectory() as d:
            p = write_xlsx(doc, Path(d) / "clean.xlsx")
            with zipfile.ZipFile(p) as z:
                strings = z.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in z.namelist() else b""
                sheets = sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
                for i, n in enumerate(sheets[:4]):
                    (folder / f"sheet{i}").write_bytes(z.read(n) + _SEP + strings)


def fuzz_one(reader: str, seconds: int, runs: int, work: Path) -> None:
    """Run atheris on one reader in this process (libFuzzer prints its statistics on stderr)."""
    import atheris

    with atheris.instrument_imports(include=["juesuan"]):
        from juesuan import readers, textnorm  # noqa: F401  (instrumented for coverage)
        from juesuan.errors import JuesuanError
        from juesuan.readers import html, office, text, xlsx  # noqa: F401  (registered lazily otherwise)

    # python-calamine (native code) is the fallback when openpyxl cannot parse a package; in
    # production it runs in a helper process, whose death is an InputError ("解析器异常退出"). The
    # first run found a calamine panic (an abort, tests/fixtures/fuzz/xlsx-calamine-panic.bin,
    # tests/test_hardening.py checks the helper turns it into an InputError): the fuzzer gives the
    # helper's answer for a dead parser instead of spawning a process per input, so that it fuzzes
    # juesuan's own code at speed.
    xlsx._run_calamine = lambda path: {"error": "corrupt", "detail": "解析器异常退出"}
    path = Path(tempfile.mkdtemp(prefix="juesuan-fuzz-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
    target = path / ("input" + SUFFIX[reader])

    def one(data: bytes) -> None:
        target.write_bytes(xlsx_package(data) if reader == "xlsx" else data)
        try:
            readers.read(target)
        except JuesuanError:
            pass

    if reader == "xlsx":
        _STYLES.append(writer_styles())
    corpus = work / "corpus" / reader
    if not corpus.exists():
        seeds(reader, corpus)
    artifacts = work / "crashes" / reader
    artifacts.mkdir(parents=True, exist_ok=True)
    args = [
        sys.argv[0],
        f"-max_total_time={seconds}",
        f"-runs={runs}",
        "-max_len=65536",
        "-rss_limit_mb=3072",
        "-timeout=30",
        f"-artifact_prefix={artifacts}/",
        str(corpus),
    ]
    atheris.Setup(args, one)
    atheris.Fuzz()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reader", choices=READERS, help="one reader (default: all three, one process each)")
    ap.add_argument("--seconds", type=int, default=300, help="time limit per reader")
    ap.add_argument("--runs", type=int, default=100_000, help="inputs per reader (stops at whichever comes first)")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "juesuan-fuzz", help="corpus, crashes")
    ap.add_argument("--json", action="store_true", help="the results as JSON")
    args = ap.parse_args()
    if args.reader:
        fuzz_one(args.reader, args.seconds, args.runs, args.work)
        return 0
    results = []
    for reader in READERS:
        cmd = [sys.executable, __file__, "--reader", reader, "--seconds", str(args.seconds), "--runs", str(args.runs)]
        proc = subprocess.run(cmd + ["--work", str(args.work)], capture_output=True, text=True)
        done = re.search(r"Done (\d+) runs in (\d+) second", proc.stderr)
        tried = [int(m) for m in re.findall(r"#(\d+)\s", proc.stderr)]
        crashes = sorted(p.name for p in (args.work / "crashes" / reader).glob("*"))
        results.append(
            {
                "reader": reader,
                "inputs": int(done.group(1)) if done else max(tried, default=0),
                "seconds": int(done.group(2)) if done else None,
                "exit": proc.returncode,
                "crashes": crashes,
                "last_error": None if proc.returncode == 0 else proc.stderr[-3000:],
            }
        )
        r = results[-1]
        print(
            f"{reader}: {r['inputs']} inputs in {r['seconds']} s, exit {r['exit']}, crashes {len(crashes)}", flush=True
        )
        if r["last_error"]:
            print(r["last_error"], file=sys.stderr)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    return 1 if any(r["exit"] != 0 for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
