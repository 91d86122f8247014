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


@dataclass(frozen=True)
class Entry:
    """One code of a classification catalog (功能分类 or 经济分类): name, level, parent code."""

    code: str
    name: str
    level: int
    parent: str | None


@dataclass
class Catalog:
    """A classification catalog of one scheme and year, its entries by code."""

    scheme: str  # "functional" | "economic"
    year: int
    entries: dict[str, Entry]

    def get(self, code: str) -> Entry | None:
        return self.entries.get(code)

    def __post_init__(self) -> None:
        self._by_key: dict[str, list[Entry]] = {}
        for e in self.entries.values():
            self._by_key.setdefault(key(e.name), []).append(e)

    def by_name(self, name: str, level: int | None = None, prefix: str | None = None) -> list[Entry]:
        return [
            e
            for e in self._by_key.get(key(name), [])
            if (level is None or e.level == level) and (prefix is None or e.code.startswith(prefix))
        ]

    def class_codes(self) -> set[str]:
        return {c for c, e in self.entries.items() if e.level == 1}


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
