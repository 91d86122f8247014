"""Precision report: every error-level finding juesuan raises on the real documents in ../shared
and on the generated examples, so that each one can be verified (on the rendered page) or fixed.

Usage: .venv/bin/python bench/precision.py [--json OUT.json] [--markdown OUT.md] [PATH ...]

Default inputs: every file of ../shared/seeds, ../shared/corpus/final, ../shared/corpus/budget,
../shared/corpus/pages (when present), the bundled examples and the round-trip fixtures. A file
that cannot be used is listed with its reason (it is not a finding). The verified findings, with
their pages, are listed in docs/accuracy.md; tests pin them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEFAULT_DIRS = [
    SHARED / "seeds",
    SHARED / "corpus" / "final",
    SHARED / "corpus" / "budget",
    SHARED / "corpus" / "pages",
    REPO / "examples",
    REPO / "tests" / "fixtures" / "roundtrip",
]
SKIP_SUFFIXES = {".md"}


def inputs(paths: list[str]) -> list[Path]:
    if paths:
        return [Path(p) for p in paths]
    out: list[Path] = []
    for d in DEFAULT_DIRS:
        if d.is_dir():
            out += sorted(p for p in d.iterdir() if p.is_file() and p.suffix not in SKIP_SUFFIXES)
    return out


def where(loc: dict) -> str:
    parts = []
    if loc.get("page") is not None:
        parts.append(f"p.{loc['page']}")
    if loc.get("line") is not None:
        parts.append(f"l.{loc['line']}")
    return " ".join(parts)


def run(files: list[Path]) -> list[dict]:
    from juesuan import api
    from juesuan.errors import JuesuanError

    results = []
    for path in files:
        t0 = time.perf_counter()
        entry: dict = {"file": str(path.relative_to(REPO.parent) if path.is_relative_to(REPO.parent) else path)}
        try:
            rep = api.check(path)
        except JuesuanError as exc:
            entry["unusable"] = str(exc)
            entry["code"] = exc.code
        else:
            d = rep.to_dict()
            entry["kind"] = d["document"].get("kind")
            entry["summary"] = d["summary"]
            entry["errors"] = [
                {
                    "rule": f["rule"],
                    "message": f["message"],
                    "where": sorted({where(loc) for loc in f["locations"] if where(loc)}),
                }
                for f in d["findings"]
                if f["severity"] == "error"
            ]
        entry["seconds"] = round(time.perf_counter() - t0, 3)
        results.append(entry)
    return results


def fingerprints(results: list[dict]) -> dict[str, list]:
    """Per file (by name): the sorted error-level findings as "rule @ where", or the error code of an
    unusable file. No document text: what tests/test_precision.py compares a fresh run against."""
    out: dict[str, list] = {}
    for r in results:
        name = Path(r["file"]).name
        if "unusable" in r:
            out[name] = [f"unusable: {r.get('code', '')}"]
        else:
            out[name] = sorted(f"{e['rule']} @ {', '.join(e['where'])}".rstrip(" @") for e in r["errors"])
    return out


def markdown(results: list[dict]) -> str:
    lines = ["| file | errors | warnings | infos | status |", "|---|---|---|---|---|"]
    for r in results:
        if "unusable" in r:
            lines.append(f"| {Path(r['file']).name} | – | – | – | unusable: {r['unusable']} |")
            continue
        s = r["summary"]
        lines.append(
            f"| {Path(r['file']).name} | {s['errors']} | {s['warnings']} | {s['infos']} | {r.get('kind') or ''} |"
        )
    lines.append("")
    for r in results:
        for e in r.get("errors", []):
            lines.append(f"- {Path(r['file']).name} · `{e['rule']}` · {', '.join(e['where'])} · {e['message']}")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--json", dest="json_out")
    ap.add_argument("--markdown", dest="md_out")
    ap.add_argument(
        "--snapshot",
        dest="snapshot_out",
        help="write the error fingerprints (file, rule, where) for tests/snapshots/precision.json",
    )
    args = ap.parse_args()
    files = inputs(args.paths)
    if not files:
        print("no input files (../shared absent and no paths given)", file=sys.stderr)
        return 2
    results = run(files)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.snapshot_out:
        Path(args.snapshot_out).write_text(
            json.dumps(fingerprints(results), ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
    text = markdown(results)
    if args.md_out:
        Path(args.md_out).write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    total = sum(len(r.get("errors", [])) for r in results)
    print(f"\n{len(results)} files, {total} error-level findings", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
