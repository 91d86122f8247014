"""Start-up: regular expressions compiled once and kept on disk (the ``juesuan`` command only).

Python's :mod:`re` parses and compiles each pattern in Python code (``re._parser``,
``re._compiler``) and keeps the result for the life of the process only: a ``juesuan check``
compiles 150–170 patterns (juesuan's own, the lexicon's alternation of names, json's …), ≈ 25 ms of
CPU, ≈ 7 % of a small file's whole check (docs/benchmarks.md). :func:`install` gives ``re`` a
compile step that keeps what ``re._compiler.compile`` hands to ``_sre.compile`` — the final flags,
the compiled code (a list of integers), the group count and names — in the user cache directory
(as :mod:`juesuan._dccache`; ``JUESUAN_CACHE_DIR=off`` leaves ``re`` alone), keyed by the pattern and
its flags, in a file named after the Python build and ``_sre``'s version (the code is
version-specific). Later processes build each pattern with ``_sre.compile`` from those values, as
``re`` itself does at the end of compiling; ``_sre`` validates the code. Nothing else changes:
``re``'s in-process cache, errors (a bad pattern is compiled by ``re`` and raises as usual) and
warnings (a pattern whose parse warns is never cached, so it warns in every process) are ``re``'s.
An absent, corrupt or unwritable cache falls back to compiling.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any

MAX_ENTRIES = 4096  # a bound on the file: patterns since changed are not dropped otherwise

_entries: dict[tuple[Any, int], tuple[int, list[int], int, dict[str, int], tuple[Any, ...]]] = {}
_used: set[tuple[Any, int]] = set()  # the patterns this process built (see _dccache.pruned)
_added = False
_file: str | None = None
_loaded = False  # the file is read at the first pattern compiled
_orig: Any = None  # re._compiler.compile


def _cache_file() -> str | None:
    import _sre
    import sys

    from ._dccache import cache_folder

    base = cache_folder()
    if base is None:
        return None
    tag = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-{_sre.MAGIC}-{_sre.CODESIZE}"
    return os.path.join(base, f"regex-code-{tag}.marshal")


def _valid(key: Any, value: Any) -> bool:
    return (
        isinstance(key, tuple)
        and len(key) == 2
        and isinstance(key[0], (str, bytes))
        and type(key[1]) is int
        and isinstance(value, tuple)
        and len(value) == 5
        and type(value[0]) is int
        and type(value[1]) is list
        and type(value[2]) is int
        and type(value[3]) is dict
        and type(value[4]) is tuple
    )


def _load(path: str) -> dict[Any, Any]:
    from ._dccache import read_table

    return {k: v for k, v in read_table(path).items() if _valid(k, v)}


def _save() -> None:
    from ._dccache import to_write, write_table

    if _file is not None and (table := to_write(_entries, _used, _added)) is not None:
        write_table(_file, table)


def _compile(p: Any, flags: int = 0) -> Any:
    """``re._compiler.compile`` for a pattern given as text: from the cache, else compiled as
    ``re`` compiles it (and cached when its parse gave no warning)."""
    global _added, _loaded
    import _sre

    _compiler, _parser = _modules()
    if not isinstance(p, (str, bytes)) or type(flags) is not int or flags & _compiler.SRE_FLAG_DEBUG:
        return _orig(p, flags)
    if not _loaded:
        _loaded = True
        if _file is not None:
            loaded = _load(_file)
            if len(loaded) < MAX_ENTRIES:  # full (patterns since changed): start afresh
                _entries.update(loaded)
    key = (p, flags)
    _used.add(key)
    entry = _entries.get(key)
    if entry is not None:
        try:
            return _sre.compile(p, *entry)
        except Exception:  # invalid code (a damaged file): compile instead, and forget the entry
            del _entries[key]
    import warnings

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            parsed = _parser.parse(p, flags)
        warned = bool(caught)
    except Exception:
        warned = True  # a bad pattern: re compiles it and raises its error
    if warned:
        return _orig(p, flags)  # warnings (or an error) exactly as re gives them, not cached
    # what re._compiler.compile does after parsing
    code = _compiler._code(parsed, flags)
    groupindex = parsed.state.groupdict
    indexgroup: list[Any] = [None] * parsed.state.groups
    for k, i in groupindex.items():
        indexgroup[i] = k
    final, groups = flags | parsed.state.flags, parsed.state.groups - 1
    compiled = _sre.compile(p, final, code, groups, groupindex, tuple(indexgroup))
    if len(_entries) < MAX_ENTRIES:
        # the opcodes are int subclasses (re._constants): kept as the plain integers _sre reads
        _entries[key] = (final, [int(c) for c in code], groups, dict(groupindex), tuple(indexgroup))
        _added = True
    return compiled


def _modules() -> tuple[Any, Any]:
    """``re._compiler`` and ``re._parser`` (private modules of ``re``, loaded with it)."""
    import re
    import sys

    return sys.modules[re.__name__ + "._compiler"], sys.modules[re.__name__ + "._parser"]


def install() -> None:
    """Let ``re`` use the cache (once per process; the file is read when the first pattern is
    compiled); the patterns compiled meanwhile are written back at exit."""
    global _file, _orig
    _compiler = _modules()[0]

    if _compiler.compile is _compile:
        return
    _file = _cache_file()
    if _file is None:
        return  # the cache is off: re as Python has it
    import atexit

    atexit.register(_save)
    _orig = _compiler.compile
    _compiler.compile = _compile


__all__ = ["install"]
