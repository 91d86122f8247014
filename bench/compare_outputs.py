"""Byte-for-byte comparison of two juesuan source trees' outputs: ``check --format json`` (the
command's fast path) and ``parse --format cells`` (the full command line) on every ../shared PDF,
the seed, the examples and the test fixtures; standard output, standard error and exit status.

Usage: .venv/bin/python bench/compare_outputs.py OLD_SRC [NEW_SRC]
  e.g. git archive HEAD~3 src | tar -x -C /tmp/old && .venv/bin/python bench/compare_outputs.py /tmp/old/src

Each tree runs as ``python -m juesuan`` with PYTHONPATH set to it, with its own empty cache
directory (then warm: each file is run twice, the second run compared) and OCR off.
Prints one line per difference and a summary; exit status 1 when anything differs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SUFFIXES = {".pdf", ".txt", ".xlsx", ".docx", ".html", ".htm", ".tsv"}


def inputs() -> list[Path]:
    files: list[Path] = []
    if SHARED.is_dir():
        files += sorted((SHARED / "corpus").rglob("*.pdf"))
        files += sorted((SHARED / "seeds").glob("*.txt"))
    for folder in (REPO / "examples", REPO / "tests" / "fixtures"):
        files += sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    return files


def run(src: str, cache: str, args: list[str]) -> tuple[int, bytes, bytes]:
    env = dict(os.environ, PYTHONPATH=src, JUESUAN_CACHE_DIR=cache, JUESUAN_OCR="off")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    proc = subprocess.run([sys.executable, "-m", "juesuan", *args], capture_output=True, env=env, timeout=600)
    return proc.returncode, proc.stdout, proc.stderr


def main() -> int:
    old = str(Path(sys.argv[1]).resolve())
    new = str(Path(sys.argv[2]).resolve()) if len(sys.argv) > 2 else str(REPO / "src")
    differ = 0
    count = 0
    with tempfile.TemporaryDirectory() as tmp:
        caches = {old: str(Path(tmp) / "old"), new: str(Path(tmp) / "new")}
        for f in inputs():
            for args in (["check", str(f), "--format", "json"], ["parse", str(f), "--format", "cells"]):
                got = {}
                for src in (old, new):
                    run(src, caches[src], args)  # cold: the caches are written
                    got[src] = run(src, caches[src], args)  # warm
                count += 1
                if got[old] != got[new]:
                    differ += 1
                    what = [n for n, a, b in zip(("status", "stdout", "stderr"), got[old], got[new]) if a != b]
                    print(f"DIFFERS ({', '.join(what)}): {' '.join(args)}")
    print(f"{count} runs compared, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
