"""Start-up: the code of the methods :mod:`dataclasses` generates, compiled once and kept on disk.

Python 3.11's dataclasses writes each method it generates (``__init__``, ``__repr__``, ``__eq__``
…) as source text and runs ``exec`` on it: about 215 texts parsed and compiled each time juesuan's
check path is imported, ≈ 8 % of the instructions of a whole ``juesuan check`` of a 24-page PDF
(docs/benchmarks.md). :func:`install` gives the dataclasses module an ``exec`` that compiles each
distinct text once — exactly as ``exec`` would compile it: file name ``<string>``, no inherited
``__future__`` flags — and keeps the code objects in the user cache directory
(as :func:`juesuan.dataload.cache_dir`; ``JUESUAN_CACHE_DIR=off`` leaves dataclasses alone), keyed by the text
itself, in a file named after the Python build (marshal's format is version-specific). Later
processes run the same code objects without compiling. An absent, corrupt or unwritable cache falls
back to compiling; nothing else changes: the classes and their methods are those Python makes.
"""

from __future__ import annotations

import builtins
import marshal
import os
import sys
from types import CodeType, ModuleType

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)

if TYPE_CHECKING:
    from typing import Any

MAX_ENTRIES = 4096  # a bound on the file: texts of classes since changed are not dropped otherwise
LARGE = 1024  # a file this large is pruned by any process using few of its entries (see pruned)

_codes: dict[str, CodeType] = {}
_used: set[str] = set()  # the texts this process ran (see pruned)
_added = False
_file: str | None = None
_loaded = False  # the file is read at the first class made (`juesuan --help` makes none)


def cache_folder() -> str | None:
    """The user cache directory (as :func:`juesuan.dataload.cache_dir`), None when it is off."""
    env = os.environ.get("JUESUAN_CACHE_DIR")
    if env:
        if env.lower() in ("off", "0", "none"):
            return None
        return env
    return os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "juesuan")


def _cache_file() -> str | None:
    base = cache_folder()
    if base is None:
        return None
    tag = f"{sys.implementation.cache_tag}-{sys.hexversion:x}"
    return os.path.join(base, f"dataclass-code-{tag}.marshal")


def read_table(path: str) -> dict[Any, Any]:
    """The dict marshalled at ``path``; empty when absent, unreadable or corrupt (the caller
    compiles instead)."""
    try:
        with open(path, "rb") as fh:
            data = marshal.loads(fh.read())
    except Exception:
        return {}
    return data if isinstance(data, dict) else {}


def write_table(path: str, table: dict[Any, Any]) -> None:
    """Marshal ``table`` to ``path`` atomically; nothing when the folder is read-only or full (the
    cache is an optimisation only)."""
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        try:
            with open(tmp, "wb") as fh:
                fh.write(marshal.dumps(table))
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    except Exception:
        pass


def pruned(table: dict[Any, Any], used: set[Any]) -> dict[Any, Any]:
    """What a process that compiled something new writes back: the whole table, or only the
    entries it used when those it did not use outnumber them. Entries are only ever added (the
    texts of classes since changed, other commands' and other versions' classes), and every process
    reads the whole file at its first use: without this the file grows to ``MAX_ENTRIES`` (≈ 1 400
    entries, 2 MB, ≈ 30 M instructions to read, on a machine where several versions ran) for the
    ≈ 215 a check uses. A file written this way holds at most about twice the entries of the
    largest set one command uses. A process that compiled nothing new writes nothing, unless the
    file holds more than ``LARGE`` entries and it can drop some (a file left large by earlier
    versions is not kept for ever because no later process compiles anything)."""
    if len(table) - len(used) <= len(used):
        return table
    return {k: v for k, v in table.items() if k in used}


def _load(path: str) -> dict[str, CodeType]:
    data = read_table(path)
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, CodeType)}


def to_write(table: dict[Any, Any], used: set[Any], added: bool) -> dict[Any, Any] | None:
    """The table a process writes back at exit, None when it has nothing to write (see pruned)."""
    kept = pruned(table, used)
    return kept if added or (len(table) > LARGE and len(kept) < len(table)) else None


def _save() -> None:
    if _file is not None and (table := to_write(_codes, _used, _added)) is not None:
        write_table(_file, table)


def _exec(source: Any, globals: Any = None, locals: Any = None) -> None:
    """``exec`` for :mod:`dataclasses`: a text is compiled once (as ``exec`` compiles it)."""
    global _added, _loaded
    if isinstance(source, str):
        if not _loaded:
            _loaded = True
            if _file is not None:
                loaded = _load(_file)
                if len(loaded) < MAX_ENTRIES:  # full (texts of classes since changed): start afresh
                    _codes.update(loaded)
        code = _codes.get(source)
        _used.add(source)
        if code is None:
            code = compile(source, "<string>", "exec", flags=0, dont_inherit=True)
            if len(_codes) < MAX_ENTRIES:
                _codes[source] = code
                _added = True
        source = code
    builtins.exec(source, globals, locals)


class _LazyModule(ModuleType):
    """A module whose code runs at the first access to an attribute it does not have yet.

    Like :class:`importlib.util.LazyLoader`, which cannot serve here on Python 3.11: its module
    loads at any attribute access, ``__spec__`` included, which every later ``import`` statement of
    the module reads. Here the attributes the import system sets (``__spec__``, ``__name__``,
    ``__file__`` …) are plain attributes; any other runs the module's code in this same module
    object (as LazyLoader does), which then is the module Python would have loaded."""

    def __getattr__(self, name: str) -> Any:
        spec = self.__spec__
        self.__class__ = ModuleType  # type: ignore[assignment]  # loaded once, whatever happens next
        spec.loader.exec_module(self)  # type: ignore[union-attr]
        return getattr(self, name)


def _lazy(name: str) -> None:
    """Make the module ``name`` load at its first use instead of on import (the command's process
    only): :class:`_LazyModule` in ``sys.modules``, unless it is loaded already or not found."""
    if name in sys.modules:
        return
    from importlib.util import find_spec, module_from_spec

    spec = find_spec(name)
    if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
        return
    module = module_from_spec(spec)
    module.__class__ = _LazyModule
    sys.modules[name] = module


def _lazy_inspect() -> None:
    """Make :mod:`inspect` load at its first use instead of on import (the command's process only).

    ``dataclasses`` imports ``inspect`` (with ``ast``, ``dis``, ``tokenize`` …) for one thing, the
    ``__doc__`` it writes on a class without a docstring; juesuan's classes on the check path have
    theirs, so a check uses nothing of ``inspect`` (≈ 36 M instructions, docs/benchmarks.md). It
    loads at its first real use (a class without a docstring, pdfplumber or numpy loading).

    :mod:`ipaddress` likewise: ``pathlib`` imports ``urllib.parse``, which imports it for one
    thing, checking the host of a URL written in brackets (``urlsplit("http://[::1]/")``); a check
    splits no URL (≈ 9 M instructions, ≈ 1.3 % of a small file's whole check)."""
    _lazy("inspect")
    _lazy("ipaddress")


# Modules that exist on Windows only and that ``ntpath`` tries to import (``pathlib`` imports
# ``ntpath`` on every system): five ``from nt import …`` and one ``_winapi``, each of which searches
# every entry of ``sys.path`` before failing (≈ 2 M instructions a process in all).
WINDOWS_ONLY = ("nt", "_winapi")


def _windows_only_absent() -> None:
    """On POSIX, in the command's process, record the Windows-only modules as absent before they are
    tried: ``None`` in ``sys.modules`` makes their import raise ModuleNotFoundError at once — what
    the search of every path entry ends in — and ``importlib.util.find_spec`` give None. A module of
    that name already loaded is left alone."""
    if os.name != "posix":
        return
    for name in WINDOWS_ONLY:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def install() -> None:
    """Let dataclasses use the cache (once per process; the file is read when the first class is
    made); the codes compiled meanwhile are written back at exit."""
    global _file
    _lazy_inspect()
    _windows_only_absent()
    import dataclasses

    if getattr(dataclasses, "exec", None) is _exec:
        return
    _file = _cache_file()
    if _file is None:
        return  # the cache is off: dataclasses as Python makes them, compiled each time
    import atexit

    atexit.register(_save)
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # a module global shadows the builtin


__all__ = ["install"]
