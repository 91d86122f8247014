"""Start-up: the methods dataclasses generates are compiled once and cached (juesuan._dccache).

Class of input: any dataclass defined after juesuan is imported (juesuan's own and others). The
classes must be exactly those Python makes without the cache — same methods, same annotations,
same behaviour — whether the cache is off, cold (written at exit) or warm (read, nothing compiled);
a corrupt cache file or an unwritable cache directory falls back to compiling."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = r"""
import json, sys, dataclasses, typing
import juesuan
from juesuan import _dccache
_dccache.install()  # as the command does (juesuan.__main__)
from juesuan.model import Cell, Row

@dataclasses.dataclass(order=True, frozen=True)
class Point:
    x: int
    y: "typing.Optional[int]" = None
    tags: tuple = dataclasses.field(default=(), compare=False)

@dataclasses.dataclass(kw_only=True, slots=True)
class Box:
    items: list = dataclasses.field(default_factory=list)
    name: str = "box"

def describe(cls):
    return {name: [f.__code__.co_code.hex(), repr(f.__code__.co_consts), f.__code__.co_names,
                   repr(getattr(f, "__annotations__", {})), repr(f.__defaults__), repr(f.__kwdefaults__)]
            for name in ("__init__", "__repr__", "__eq__", "__lt__", "__hash__", "__setattr__")
            if (f := cls.__dict__.get(name)) is not None and hasattr(f, "__code__")}

out = {
    "classes": {c.__name__: describe(c) for c in (Point, Box, Cell, Row)},
    "behaviour": [repr(Point(1, 2)), Point(1) < Point(2), Point(1, 2) == Point(1, 2, ("a",)),
                  hash(Point(1, 2)) == hash(Point(1, 2)), repr(Box(items=[1])), repr(Box()),
                  dataclasses.__dict__.get("exec") is _dccache._exec],
    "added": _dccache._added,
    "cached": len(_dccache._codes),
}
try:
    Point(1).x = 3
except dataclasses.FrozenInstanceError:
    out["behaviour"].append("frozen")
print(json.dumps(out))
"""


def _run(cache: str) -> dict:
    env = dict(os.environ, JUESUAN_CACHE_DIR=cache)
    proc = subprocess.run([sys.executable, "-c", PROBE, cache], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_classes_are_the_same_with_the_cache_off_cold_and_warm(tmp_path: Path) -> None:
    off = _run("off")
    cold = _run(str(tmp_path))
    files = list(tmp_path.glob("dataclass-code-*.marshal"))
    assert len(files) == 1  # written at exit
    warm = _run(str(tmp_path))
    assert off["classes"] == cold["classes"] == warm["classes"]
    assert off["behaviour"][:-2] == cold["behaviour"][:-2] == warm["behaviour"][:-2]
    assert off["behaviour"][-1] == "frozen" and off["behaviour"][-2] is False  # off: Python's own
    assert cold["behaviour"][-2] is True and warm["behaviour"][-2] is True
    assert cold["added"] is True and warm["added"] is False and warm["cached"] >= cold["cached"] > 0


def test_a_corrupt_cache_file_is_compiled_again_and_rewritten(tmp_path: Path) -> None:
    cold = _run(str(tmp_path))
    (cache,) = tmp_path.glob("dataclass-code-*.marshal")
    cache.write_bytes(b"\x00not marshal" * 10)
    again = _run(str(tmp_path))
    assert again["classes"] == cold["classes"] and again["added"] is True
    assert _run(str(tmp_path))["added"] is False  # the rewritten file serves the next process


def test_an_unwritable_cache_directory_changes_nothing(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache directory would be")
    out = _run(str(blocked / "juesuan"))
    assert out["classes"] == _run("off")["classes"] and out["added"] is True and out["behaviour"][-2] is True
    assert blocked.read_text().startswith("a file")


def test_importing_juesuan_as_a_library_leaves_dataclasses_alone(tmp_path: Path) -> None:
    """Only the command's own process uses the cache: a program that imports juesuan (the API, the
    web app) keeps the interpreter's dataclasses module as it was."""
    probe = "import dataclasses, juesuan.api, juesuan.model; print('exec' in vars(dataclasses))"
    env = dict(os.environ, JUESUAN_CACHE_DIR=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"
    assert not list(tmp_path.glob("dataclass-code-*.marshal"))


def test_pruned_keeps_the_whole_table_unless_unused_entries_outnumber_the_used() -> None:
    from juesuan._dccache import pruned

    table = {f"t{i}": i for i in range(10)}
    assert pruned(table, {"t0", "t1", "t2", "t3", "t4"}) == table  # 5 unused, 5 used: kept
    assert pruned(table, {"t0", "t1", "t2"}) == {"t0": 0, "t1": 1, "t2": 2}  # 7 unused: dropped
    assert pruned({}, set()) == {}


def test_a_process_that_compiles_something_new_drops_a_bloated_files_stale_texts(tmp_path: Path) -> None:
    """Texts of classes since changed (other versions, other commands) are never used again: the
    next process that has to write the file drops them when they outnumber what it used."""
    import marshal

    cold = _run(str(tmp_path))
    (cache,) = tmp_path.glob("dataclass-code-*.marshal")
    table = marshal.loads(cache.read_bytes())
    assert len(table) == cold["cached"]
    stale = {f"def __create_fn__():\n return {i}\n": compile(f"{i}", "<string>", "exec") for i in range(3 * len(table))}
    first = next(iter(table))
    del table[first]  # one text the probe needs is missing: it compiles it and writes the file
    cache.write_bytes(marshal.dumps({**table, **stale}))
    again = _run(str(tmp_path))
    assert again["added"] is True
    written = marshal.loads(cache.read_bytes())
    assert not set(written) & set(stale) and first in written and set(written) <= set(table) | {first}
    assert _run(str(tmp_path))["added"] is False  # the pruned file serves the next process


def test_a_large_file_is_pruned_by_a_process_that_compiled_nothing() -> None:
    from juesuan._dccache import LARGE, to_write

    big = {i: i for i in range(LARGE + 10)}
    assert to_write(big, {1, 2}, False) == {1: 1, 2: 2}
    assert to_write(big, set(range(LARGE)), False) is None  # most entries used: nothing to drop
    small = {i: i for i in range(20)}
    assert to_write(small, {1}, False) is None  # small: left as it is until something is added
    assert to_write(small, {1}, True) == {1: 1}
