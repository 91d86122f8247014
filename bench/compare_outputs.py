"""Byte-for-byte comparison of juesuan's outputs before and after a change meant to keep them.

Usage:
  .venv/bin/python bench/compare_outputs.py record DIR [--variants VDIR] [--command CMD]
  .venv/bin/python bench/compare_outputs.py compare DIR [--variants VDIR] [--command CMD]

For every input — the PDFs of ../shared/corpus (final and budget, when present), the ../shared seed,
every file under tests/fixtures, and the ``*.pdf`` files under ``VDIR`` (layout-fuzzer variants
rendered beforehand, e.g. the first 40 of ``juesuan.synth_layouts.variants(300, 0, 25)``) — runs
``juesuan check FILE --format json`` and ``juesuan parse FILE --format cells`` in a new process
each and keeps stdout, stderr and the exit status. ``record`` writes them under DIR; ``compare``
runs them again and lists every input whose outputs differ from the recording (exit status 1 when
one does). ``--command`` runs another juesuan (split on spaces), e.g. an older tree through
``env PYTHONPATH=/tmp/old/src .venv/bin/python -m juesuan``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
COMMANDS = {"check": ["check", "{file}", "--format", "json"], "parse": ["parse", "{file}", "--format", "cells"]}


def inputs(variants: Path | None) -> list[Path]:
    files: list[Path] = []
    corpus = SHARED / "corpus"
    if corpus.exists():
        files += sorted(corpus.glob("final/*.pdf")) + sorted(corpus.glob("budget/*.pdf"))
    files += sorted((SHARED / "seeds").glob("*.txt"))[:1]
    files += sorted(p for p in (REPO / "tests" / "fixtures").rglob("*") if p.is_file())
    if variants is not None:
        files += sorted(variants.rglob("*.pdf"), key=lambda p: (len(str(p)), str(p)))
    return files


def key(path: Path) -> str:
    return hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:16] + "-" + path.name


def run(base: list[str], path: Path) -> dict[str, object]:
    out: dict[str, object] = {}
    env = dict(os.environ, JUESUAN_OCR="off")
    for name, args in COMMANDS.items():
        proc = subprocess.run([*base, *(a.format(file=path) for a in args)], capture_output=True, env=env)
        out[name] = {
            "status": proc.returncode,
            "stdout": proc.stdout.decode("utf-8", "backslashreplace"),
            "stderr": proc.stderr.decode("utf-8", "backslashreplace"),
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=("record", "compare"))
    ap.add_argument("dir", type=Path)
    ap.add_argument("--variants", type=Path)
    ap.add_argument("--command", help="the juesuan command (default: this interpreter's -m juesuan)")
    args = ap.parse_args()
    base = args.command.split() if args.command else [sys.executable, "-m", "juesuan"]
    args.dir.mkdir(parents=True, exist_ok=True)
    files = inputs(args.variants)
    differ = []
    for path in files:
        got = run(base, path)
        stored = args.dir / (key(path) + ".json")
        if args.mode == "record":
            stored.write_text(json.dumps(got, ensure_ascii=False), encoding="utf-8")
            continue
        if not stored.exists():
            print(f"not recorded: {path}")
            differ.append(path)
            continue
        want = json.loads(stored.read_text(encoding="utf-8"))
        bad = [name for name in COMMANDS if want[name] != got[name]]
        if bad:
            print(f"DIFFERS ({', '.join(bad)}): {path}")
            differ.append(path)
    print(f"{len(files)} inputs, {len(differ)} differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
