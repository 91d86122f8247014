"""政府收支分类科目 catalogs (支出功能分类, 支出经济分类), bundled as package data.

The catalogs are compiled, not official: a code missing from them is reported as a warning, never
an error. Each edition is a CSV with ``code,name,level,parent``. The edition used for a document
is the one of its fiscal year, or the nearest one available.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .dataload import PACKAGE_DATA, cached
from . import textnorm
from .textnorm import key

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any


@dataclass(frozen=True)
class Entry:
    """One code of a classification catalog (功能分类 or 经济分类): name, level, parent code."""

    code: str
    name: str
    level: int
    parent: str | None


class Catalog:
    """A classification catalog of one scheme and year, its entries by code.

    A check looks up a few dozen of a catalog's 1,400 codes: the user cache keeps a catalog as a
    few strings (:meth:`__reduce__`: its codes, its rows, its name index, its 类 codes), each
    unpickled in one piece, and an :class:`Entry` is made at its code's first lookup (unpickling the
    1,400 entries and their name index was ≈ 16 M instructions, ≈ 2 % of a small file's whole
    check: docs/benchmarks.md). ``entries``, the whole dict, is made when first asked for.
    """

    scheme: str  # "functional" | "economic"
    year: int
    _made: dict[str, Entry]  # the entries made so far, by code
    _entries: dict[str, Entry] | None
    _rows: dict[str, str] | None  # code → "name\tlevel\tparent"
    _by_key: dict[str, str] | None  # textnorm.key(name) → its codes, space-separated

    def __init__(self, scheme: str, year: int, entries: dict[str, Entry]) -> None:
        by_key: dict[str, list[str]] = {}
        for e in entries.values():
            by_key.setdefault(key(e.name), []).append(e.code)
        self._set(
            scheme,
            year,
            "\n".join(entries),
            "\n".join(f"{e.name}\t{e.level}\t{e.parent or ''}" for e in entries.values()),
            "\n".join(by_key),
            "\n".join(" ".join(codes) for codes in by_key.values()),
            "\n".join(c for c, e in entries.items() if e.level == 1),
        )
        self._made = dict(entries)
        self._entries = entries

    def _set(self, scheme: str, year: int, codes: str, rows: str, keys: str, key_codes: str, classes: str) -> None:
        self.scheme = scheme
        self.year = year
        self._packed = (codes, rows, keys, key_codes, classes)
        self._made = {}
        self._entries = None
        self._rows = None
        self._by_key = None

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _unpack, (self.scheme, self.year, *self._packed)

    def __repr__(self) -> str:
        return f"Catalog(scheme={self.scheme!r}, year={self.year!r}, entries=<{len(self._lines(0))} codes>)"

    def _lines(self, i: int) -> list[str]:
        text = self._packed[i]
        return text.split("\n") if text else []

    @property
    def entries(self) -> dict[str, Entry]:
        """Every entry by code, in the catalog's order."""
        if self._entries is None:
            made = [e for e in map(self.get, self._lines(0)) if e is not None]
            self._entries = {e.code: e for e in made}
        return self._entries

    def get(self, code: str) -> Entry | None:
        e = self._made.get(code)
        if e is None:
            if self._rows is None:
                self._rows = dict(zip(self._lines(0), self._lines(1)))
            row = self._rows.get(code)
            if row is None:
                return None
            name, level, parent = row.split("\t")
            e = self._made[code] = Entry(code, name, int(level), parent or None)
        return e

    def by_name(self, name: str, level: int | None = None, prefix: str | None = None) -> list[Entry]:
        if self._by_key is None:
            self._by_key = dict(zip(self._lines(2), self._lines(3)))
        codes = self._by_key.get(key(name))
        if codes is None:
            return []
        found = []
        for c in codes.split(" "):
            e = self.get(c)
            if e is not None and (level is None or e.level == level) and (prefix is None or c.startswith(prefix)):
                found.append(e)
        return found

    def classes(self) -> list[Entry]:
        """The entries of level 1 (类), in the catalog's order."""
        return [e for e in map(self.get, self._lines(4)) if e is not None]

    def class_codes(self) -> set[str]:
        return set(self._lines(4))


def _unpack(scheme: str, year: int, codes: str, rows: str, keys: str, key_codes: str, classes: str) -> Catalog:
    """A catalog from its cached strings (see :meth:`Catalog.__reduce__`)."""
    cat = Catalog.__new__(Catalog)
    cat._set(scheme, year, codes, rows, keys, key_codes, classes)
    return cat


def available_years(scheme: str) -> list[int]:
    files = PACKAGE_DATA / "catalogs"
    years = []
    for f in files.iterdir():
        name = f.name
        if name.startswith(f"{scheme}_classification_") and name.endswith(".csv"):
            years.append(int(name.rsplit("_", 1)[1][:4]))
    return sorted(years)


@lru_cache(maxsize=16)
def load(scheme: str, year: int | None = None) -> Catalog:
    """The catalog of ``scheme`` for ``year`` (the nearest edition when that year has none)."""
    years = available_years(scheme)
    if not years:
        raise LookupError(f"no {scheme} catalog bundled")
    chosen = years[-1] if year is None else min(years, key=lambda y: (abs(y - year), -y))
    path = PACKAGE_DATA / "catalogs" / f"{scheme}_classification_{chosen}.csv"

    def build() -> Catalog:
        import csv  # only when the user cache has no built catalog

        entries: dict[str, Entry] = {}
        with path.open(encoding="utf-8") as fh:
            for rec in csv.DictReader(fh):
                entries[rec["code"]] = Entry(rec["code"], rec["name"], int(rec["level"]), rec.get("parent") or None)
        return Catalog(scheme, chosen, entries)

    # the name index costs a normalization per entry: built once per installation (the user cache)
    return cached(f"catalog-{scheme}-{chosen}", [path, Path(__file__), Path(str(textnorm.__file__))], build)
