"""Large inputs through the CLI: the example repeated N times (and as one line), wall time and peak
memory of `juesuan check` (GNU time). Usage: .venv/bin/python bench/bench_large.py [N ...]"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "example-planted.txt"


def measure(path: Path) -> str:
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%e s, %M KB", sys.executable, "-m", "juesuan.cli", "check", str(path)],
        capture_output=True,
        text=True,
    )
    lines = proc.stderr.strip().splitlines()
    return f"exit {proc.returncode}, {lines[-1]}; {lines[0][:80] if len(lines) > 1 else ''}"


def main() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    counts = [int(a) for a in sys.argv[1:]] or [3, 30, 280, 1796]
    with tempfile.TemporaryDirectory() as d:
        for n in counts:
            p = Path(d) / f"x{n}.txt"
            p.write_text(text * n, encoding="utf-8")
            print(f"example × {n} ({p.stat().st_size / 1e6:.1f} MB): {measure(p)}")
        p = Path(d) / "line.txt"
        p.write_text((text * 1796).replace("\n", " "), encoding="utf-8")
        print(f"one line ({p.stat().st_size / 1e6:.1f} MB): {measure(p)}")


if __name__ == "__main__":
    main()
