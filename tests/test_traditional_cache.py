"""The Traditional-character set is kept in the user cache as one string (juesuan.textnorm).

Class of input: any text tested for Traditional characters. The set a process gets must be the one
built from OpenCC's dictionaries — with the cache off, cold (built, written) and warm (read) — and a
corrupt cache file falls back to building."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = r"""
import sys
from juesuan import textnorm
chars = textnorm._traditional_chars()
assert isinstance(chars, frozenset)
sys.stdout.write("".join(sorted(chars)) + "\n")
sys.stdout.write(repr([textnorm.has_traditional(t) for t in ("與其", "与其", "abc", "")]) + "\n")
"""


def _run(cache: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, JUESUAN_CACHE_DIR=cache)
    return subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120)


def test_the_set_is_the_same_with_the_cache_off_cold_and_warm(tmp_path: Path) -> None:
    off = _run("off")
    cold = _run(str(tmp_path))
    assert len(list(tmp_path.glob("traditional-chars-*.pickle"))) == 1
    warm = _run(str(tmp_path))
    assert off.returncode == cold.returncode == warm.returncode == 0, off.stderr + cold.stderr + warm.stderr
    assert off.stdout == cold.stdout == warm.stdout
    assert "[True, False, False, False]" in off.stdout and len(off.stdout) > 3000


def test_a_corrupt_cache_file_falls_back_to_building(tmp_path: Path) -> None:
    good = _run(str(tmp_path)).stdout
    (cached,) = tmp_path.glob("traditional-chars-*.pickle")
    cached.write_bytes(b"not a pickle")
    again = _run(str(tmp_path))
    assert again.returncode == 0 and again.stdout == good
