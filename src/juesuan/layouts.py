"""Loads table layouts and variants from the YAML data files in ``juesuan/data``.

Adding a table layout, an alias or a province's variant is a change to those files only. Extra
directories can be given (``JUESUAN_DATA_PATH``, ``os.pathsep``-separated) to add or override
layouts, variants and rule packs without touching the package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from pathlib import Path

from .dataload import cached, data_dirs, documents, yaml_files
from .textnorm import key, label_key

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Layouts", "TableLayout", "Variant", "data_dirs", "load"]


@dataclass
class ColumnSpec:
    """A column of a table layout: its id, printed header and the headers it may be printed as."""

    id: str
    header: str
    aliases: list[str]
    optional: bool = False  # a block column some forms leave out: its absence is no reading problem


@dataclass
class RowConcept:
    """A row a layout names (a total, a line of the form): its id and the labels it may be printed as."""

    id: str
    aliases: list[str]
    block: str | None = None
    after: str | None = None
    # The row as printed, for messages: ``label`` in the data, else the first alias as written.
    label: str = ""
    # The layout may leave this row out when it is zero (``absent: zero`` in the data). Otherwise a
    # row that was not found is unknown, never read as 0: its rules cannot run (insufficient data).
    absent_is_zero: bool = False


@dataclass
class BlockSpec:
    """A block of columns printed side by side with others in one table (收入 | 支出)."""

    id: str
    columns: list[ColumnSpec]
    header: str | None = None


@dataclass
class TableLayout:
    """A standard table's layout: titles, structure, columns or blocks, and the rows it names."""

    id: str
    name: str
    titles: list[str]
    structure: str
    scheme: str | None = None
    columns: list[ColumnSpec] = field(default_factory=list)
    variants: list[list[ColumnSpec]] = field(default_factory=list)
    blocks: list[BlockSpec] = field(default_factory=list)
    block_start: list[str] = field(default_factory=list)
    rows: list[RowConcept] = field(default_factory=list)
    class_rows_block: str | None = None
    # header texts of columns that hold text, not amounts (a 政府采购 list's 采购物品名称 …): part
    # of the row's label, never an amount column
    label_headers: list[str] = field(default_factory=list)

    @property
    def title_keys(self) -> list[str]:
        return [key(t) for t in self.titles]

    def all_column_ids(self) -> list[str]:
        ids: list[str] = []
        for cols in [self.columns, *self.variants, *(b.columns for b in self.blocks)]:
            for c in cols:
                if c.id not in ids:
                    ids.append(c.id)
        return ids


@dataclass
class VariantTable:
    """A table as one variant of the disclosure includes it: the layout, form number and name."""

    table: str
    form: str | None = None
    name: str | None = None
    # The form number (表号) the generator prints for this table when the variant's documents do
    # not all print one (``form`` is what checks expect of a document; ``print_form`` only what
    # `juesuan build` prints).
    print_form: str | None = None

    @property
    def printed_form(self) -> str | None:
        return self.form or self.print_form


@dataclass
class Variant:
    """A province's or year's form of the disclosure: its tables, rule packs and how to detect it."""

    id: str
    name: str
    kind: str
    tables: list[VariantTable]
    performance: list[str]
    rule_packs: list[str]
    detect: dict[str, Any]
    # How this variant prints a form number (表号): regular expressions matched against the whole
    # text without spaces; the named group ``n`` is the form's sequence number.
    form_numbers: list[str] = field(default_factory=list)

    def table_ids(self) -> list[str]:
        return [t.table for t in self.tables]

    def entry(self, table_id: str) -> VariantTable | None:
        return next((t for t in self.tables if t.table == table_id), None)


@dataclass
class Layouts:
    """Every table layout, performance table part and variant, as loaded from the data files."""

    tables: dict[str, TableLayout]
    performance: dict[str, list[str]]
    variants: dict[str, Variant]
    # 绩效 table parts (funds | indicators | other) → {"starts": [...], "contains": [...]}: the words
    # that open the part (see recognize._performance)
    performance_sections: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    # 绩效 table kind → part (other | funds | indicators) → rows of cells with "{name}" slots: how
    # `juesuan build` prints it (generate.draft)
    performance_forms: dict[str, dict[str, list[list[str]]]] = field(default_factory=dict)

    def table_name(self, table_id: str, variant: Variant | None = None) -> str:
        if variant is not None:
            entry = variant.entry(table_id)
            if entry is not None and entry.name:
                return entry.name
        layout = self.tables.get(table_id)
        return layout.name if layout else table_id

    def form_patterns(self) -> list[str]:
        """Every variant's form-number patterns: the recognizer knows a form number by any of them
        (the variant is detected after the tables are read)."""
        return list(dict.fromkeys(p for v in self.variants.values() for p in v.form_numbers))


def _columns(items: list[dict[str, Any]]) -> list[ColumnSpec]:
    return [
        ColumnSpec(c["id"], c.get("header", c["id"]), [key(a) for a in c.get("aliases", [])], bool(c.get("optional")))
        for c in items
    ]


def _absent_is_zero(tid: str, rid: str, value: Any) -> bool:
    if value in (None, "unknown"):
        return False
    if value == "zero":
        return True
    raise ValueError(f"layout {tid}: row {rid}: `absent` is `zero` or `unknown`, not {value!r}")


def _table(tid: str, d: dict[str, Any]) -> TableLayout:
    rows = [
        RowConcept(
            rid,
            [label_key(a) for a in spec.get("aliases", [])],
            spec.get("block"),
            spec.get("after"),
            str(spec.get("label") or next(iter(spec.get("aliases") or []), rid)),
            _absent_is_zero(tid, rid, spec.get("absent")),
        )
        for rid, spec in (d.get("rows") or {}).items()
    ]
    return TableLayout(
        id=tid,
        name=d["name"],
        titles=list(d.get("titles", [d["name"]])),
        structure=d.get("structure", "grid"),
        scheme=d.get("scheme"),
        columns=_columns(d.get("columns", [])),
        variants=[_columns(v) for v in d.get("variants", [])],
        blocks=[BlockSpec(b["id"], _columns(b.get("columns", [])), b.get("header")) for b in d.get("blocks", [])],
        block_start=[label_key(a) for a in d.get("block_start", [])],
        rows=rows,
        class_rows_block=(d.get("class_rows") or {}).get("block"),
        label_headers=[key(a) for a in d.get("label_headers", [])],
    )


@lru_cache(maxsize=1)
def load() -> Layouts:
    """The layouts and variants of the data path. Built once per installation and data files: the
    built objects are kept in the user cache (:func:`juesuan.dataload.cached`, keyed by the data
    files and the modules that build them), ≈ a fifth of the cost of building them at every start
    (docs/benchmarks.md); a malformed file is found when building, as before."""
    from . import dataload, textnorm

    sources = [*yaml_files("layouts"), *yaml_files("variants"), Path(__file__)]
    sources += [Path(str(textnorm.__file__)), Path(str(dataload.__file__))]
    return cached("layouts", sources, _build)


def _build() -> Layouts:
    tables: dict[str, TableLayout] = {}
    performance: dict[str, list[str]] = {}
    sections: dict[str, dict[str, list[str]]] = {}
    forms: dict[str, dict[str, list[list[str]]]] = {}
    for _path, doc in documents("layouts"):
        for tid, spec in (doc.get("tables") or {}).items():
            tables[tid] = _table(tid, spec)
        for pid, spec in (doc.get("performance") or {}).items():
            performance[pid] = list(spec.get("titles", []))
            if spec.get("form"):
                forms[pid] = {part: [[str(c) for c in row] for row in rows] for part, rows in spec["form"].items()}
        for part, spec in (doc.get("performance_sections") or {}).items():
            sections[part] = {k: [str(w) for w in spec.get(k) or []] for k in ("starts", "contains")}
    variants: dict[str, Variant] = {}
    for _path, d in documents("variants"):
        variants[d["id"]] = Variant(
            id=d["id"],
            name=d.get("name", d["id"]),
            kind=d.get("kind", "决算"),
            tables=[
                VariantTable(t["table"], t.get("form"), t.get("name"), t.get("print_form")) for t in d.get("tables", [])
            ],
            performance=list(d.get("performance", [])),
            rule_packs=list(d.get("rule_packs", ["base"])),
            detect=dict(d.get("detect") or {}),
            form_numbers=[str(p) for p in d.get("form_numbers") or []],
        )
    return Layouts(tables, performance, variants, sections, forms)
