"""Start-up: regular expressions compiled once and cached by the command (juesuan._recache).

Class of input: any pattern compiled after the command starts (juesuan's own, the data packs',
the standard library's). Each pattern must be exactly the one ``re`` makes without the cache — equal
as ``re.Pattern`` objects (which compares the compiled code), same groups, same matches — whether the
cache is off, cold (written at exit) or warm (read, nothing compiled); a corrupt cache file or an
unwritable cache directory falls back to compiling; bad patterns raise and warning patterns warn
in every process, as ``re`` does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = r"""
import json, re, sys, warnings
from re import _compiler
original = _compiler.compile  # before the cache: re's own
from juesuan import _recache
_recache.install()  # as the command does (juesuan.__main__)

PATTERNS = [
    (r"^(?P<code>\d{3})(?:\d{2}){0,2}\s*(?P<name>[\u4e00-\u9fff（）()]+)$", 0),
    (r"合计|总计|小计", 0),
    (r"(?i)\bYEAR\s*(\d{4})", 0),
    (r"(?<=[：:])\s*([0-9,]+(?:\.\d+)?)\s*万元", re.M),
    (r"[^\S\n]+", re.S | re.X),
    (rb"%PDF-(\d)\.(\d)", 0),
    (r"(a)|b\1", re.A),
    ("|".join(["一般公共预算财政拨款支出", "一般公共预算", "支出", "政府性基金预算"]), 0),
]
TEXTS = ["20101 人大事务", "本年合计", "year 2024", "金额：1,234.50万元", "a \t b\nc", "aa", "一般公共预算财政拨款支出"]

out = {"same": [], "matches": [], "groups": []}
for p, f in PATTERNS:
    got = re.compile(p, f)
    ref = original(p, f)
    out["same"].append(got == ref and got.flags == ref.flags and got.groups == ref.groups
                       and dict(got.groupindex) == dict(ref.groupindex))
    out["groups"].append([got.groups, sorted(got.groupindex.items())])
    if isinstance(p, bytes):
        out["matches"].append(repr(got.search(b"x %PDF-1.7 y").groups()))
    else:
        out["matches"].append([repr(m.span()) + repr(m.groups()) if (m := got.search(t)) else None for t in TEXTS])
try:
    re.compile(r"(unclosed", 0)
    out["error"] = None
except re.error as e:
    out["error"] = str(e)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    re.compile(r"[[a]b]")  # a possible nested set: FutureWarning
out["warned"] = [str(w.message) for w in caught]
out["installed"] = _compiler.compile is _recache._compile
out["added"] = _recache._added
out["cached"] = len(_recache._entries)
out["warning_cached"] = any(k[0] == r"[[a]b]" for k in _recache._entries)
print(json.dumps(out))
"""


def _run(cache: str) -> dict:
    env = dict(os.environ, JUESUAN_CACHE_DIR=cache)
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _same(a: dict, b: dict) -> bool:
    keys = ("same", "matches", "groups", "error", "warned")
    return all(a[k] == b[k] for k in keys)


def test_patterns_are_the_same_with_the_cache_off_cold_and_warm(tmp_path: Path) -> None:
    off = _run("off")
    cold = _run(str(tmp_path))
    files = list(tmp_path.glob("regex-code-*.marshal"))
    assert len(files) == 1  # written at exit
    warm = _run(str(tmp_path))
    assert _same(off, cold) and _same(off, warm)
    assert all(off["same"]) and all(warm["same"])
    assert off["error"] and off["warned"]  # re's error and warning, in every process
    assert off["installed"] is False and cold["installed"] is True and warm["installed"] is True
    assert cold["added"] is True and warm["added"] is False and warm["cached"] >= cold["cached"] > 0
    assert not cold["warning_cached"] and not warm["warning_cached"]


def test_a_corrupt_cache_file_is_compiled_again_and_rewritten(tmp_path: Path) -> None:
    cold = _run(str(tmp_path))
    (cache,) = tmp_path.glob("regex-code-*.marshal")
    cache.write_bytes(b"\x00not marshal" * 10)
    again = _run(str(tmp_path))
    assert _same(again, cold) and again["added"] is True
    assert _run(str(tmp_path))["added"] is False  # the rewritten file serves the next process


def test_damaged_compiled_code_is_compiled_again(tmp_path: Path) -> None:
    """An entry whose code _sre refuses (a damaged file that is still valid marshal data)."""
    import marshal

    cold = _run(str(tmp_path))
    (cache,) = tmp_path.glob("regex-code-*.marshal")
    entries = marshal.loads(cache.read_bytes())
    cache.write_bytes(marshal.dumps({k: (v[0], [9999] * len(v[1]), *v[2:]) for k, v in entries.items()}))
    again = _run(str(tmp_path))
    assert _same(again, cold) and all(again["same"]) and again["added"] is True


def test_an_unwritable_cache_directory_changes_nothing(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache directory would be")
    out = _run(str(blocked / "juesuan"))
    assert _same(out, _run("off")) and out["added"] is True and out["installed"] is True
    assert blocked.read_text().startswith("a file")


def test_importing_juesuan_as_a_library_leaves_re_alone(tmp_path: Path) -> None:
    """Only the command's own process uses the cache: a program that imports juesuan (the API, the
    web app) keeps the interpreter's re module as it was."""
    probe = "import re, juesuan.api, juesuan.model; from re import _compiler; print(_compiler.compile.__module__)"
    env = dict(os.environ, JUESUAN_CACHE_DIR=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "re._compiler"
    assert not list(tmp_path.glob("regex-code-*.marshal"))


def test_the_command_writes_and_reads_the_cache(tmp_path: Path) -> None:
    """``python -m juesuan`` (the command) installs it: a check writes the file, the next one reads it."""
    doc = Path(__file__).resolve().parents[1] / "examples" / "example-clean.txt"
    env = dict(os.environ, JUESUAN_CACHE_DIR=str(tmp_path), JUESUAN_OCR="off")
    runs = [
        subprocess.run(
            [sys.executable, "-m", "juesuan", "check", str(doc), "--format", "json"],
            capture_output=True,
            env=env,
            timeout=300,
        )
        for _ in range(2)
    ]
    assert runs[0].stdout == runs[1].stdout and runs[0].returncode == runs[1].returncode
    assert json.loads(runs[0].stdout)["document"]
    assert len(list(tmp_path.glob("regex-code-*.marshal"))) == 1


def test_data_cache_keys_are_hashlib_sha256_digests() -> None:
    """dataload keys its cache with CPython's own SHA-256 (no OpenSSL at start-up): the same digests
    as hashlib's, so cache files keep their names."""
    import hashlib

    from juesuan import dataload

    for data in (b"", b"abc", "数据文件\0".encode() * 1000):
        assert dataload.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()


def test_a_process_that_compiles_a_new_pattern_drops_a_bloated_files_stale_patterns(tmp_path: Path) -> None:
    import marshal

    _run(str(tmp_path))
    (cache,) = tmp_path.glob("regex-code-*.marshal")
    table = marshal.loads(cache.read_bytes())
    stale = {(f"stale{i}", 32): (32, [1, 2, 3], 0, {}, (None,)) for i in range(3 * len(table))}
    first = next(iter(table))
    del table[first]
    cache.write_bytes(marshal.dumps({**table, **stale}))
    _run(str(tmp_path))
    written = marshal.loads(cache.read_bytes())
    assert not set(written) & set(stale) and first in written and set(written) <= set(table) | {first}
