"""Loading the narrative data files: the concept lexicon (``data/lexicon/*.yaml``), the rule list,
the wording settings and the 绩效 scoring settings (``data/narrative/*.yaml``).

Everything a reviewer may want to change is in those files; this module only reads them, merges
the files of every data directory (``JUESUAN_DATA_PATH`` adds directories, later files override
keys of earlier ones) and compiles the patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import catalog, dataload, textnorm
from ..dataload import PACKAGE_DATA, cached, documents, yaml_files
from ..results import SEVERITIES
from . import text
from .text import norm_key

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any

Ref = str | list[str]  # a cell reference, or a list of references summed


@dataclass
class Concept:
    """A quantity the narrative may state (a total, a class of spending): its words and table references."""

    id: str
    label: str
    kind: str  # money | count
    synonyms: list[str] = field(default_factory=list)
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    refs: dict[str, list[Ref]] = field(default_factory=dict)  # basis -> references
    upper: list[Ref] = field(default_factory=list)
    severity: str | None = None  # cap for a contradiction
    units: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    unique: bool = False
    match: str = "equivalent"  # equivalent | any
    standalone: bool = False  # a generic wording: only when not the end of a longer name
    code: str | None = None  # class:/item: concepts


@dataclass
class RuleDef:
    """A narrative rule's id, severity and description."""

    id: str
    severity: str
    description: str
    # a gap within the rounding allowance: "info" (a hint), or "warning" where a stated total that
    # its own stated parts miss by a rounding gap is itself worth fixing (尾差调整)
    rounding_severity: str = "info"


@dataclass
class Lexicon:
    """The narrative concepts and their synonyms, with the pattern that finds them in a sentence."""

    concepts: dict[str, Concept]
    # (normalized synonym, concept id), longest first
    synonyms: list[tuple[str, str]]
    synonym_re: re.Pattern[str]
    synonym_map: dict[str, str]
    class_refs: dict[str, list[Ref]]
    item_refs: dict[str, list[Ref]]
    year: int
    item_match: str = "any"

    def concept(self, cid: str) -> Concept | None:
        c = self.concepts.get(cid)
        if c is not None:
            return c
        if cid.startswith("item:"):
            return self._item(cid[5:])
        return None

    def _item(self, code: str) -> Concept | None:
        cat = catalog.load("functional", self.year)
        entry = cat.get(code)
        if entry is None:
            return None
        refs = {b: [_fill(r, code) for r in rs] for b, rs in self.item_refs.items()}
        c = Concept(f"item:{code}", f"{entry.name}（{code}）", "money", refs=refs, code=code, match=self.item_match)
        self.concepts[c.id] = c
        return c


def _fill(ref: Ref, code: str) -> Ref:
    if isinstance(ref, list):
        return [r.replace("{code}", code) for r in ref]
    return ref.replace("{code}", code)


def _merge(docs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for d in docs:
        for k, v in (d or {}).items():
            if isinstance(v, dict) and isinstance(out.get(k), dict):
                out[k] = {**out[k], **v}
            else:
                out[k] = v
    return out


def _load(sub: str) -> list[tuple[str, dict[str, Any]]]:
    return [(p.stem, d) for p, d in documents(sub)]


_LIST_KEYS = ("synonyms", "patterns", "context", "exclude", "units")


def _merge_lexicons(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Lexicon files in data-path order: a concept named again gets the later file's wordings
    appended (synonyms, patterns, context, exclude, units) and its other keys replaced, so a
    directory in JUESUAN_DATA_PATH can add wordings without repeating the concept."""
    out: dict[str, Any] = {"concepts": {}}
    for d in docs:
        for cid, spec in (d.get("concepts") or {}).items():
            old = out["concepts"].get(cid)
            if old is None:
                out["concepts"][cid] = dict(spec)
                continue
            for k, v in spec.items():
                if k in _LIST_KEYS:
                    old[k] = list(old.get(k) or []) + [x for x in v if x not in (old.get(k) or [])]
                else:
                    old[k] = v
        for k in ("classes", "items"):
            if k in d:
                out[k] = d[k]
    return out


@lru_cache(maxsize=8)
def lexicon(year: int | None = None) -> Lexicon:
    """The lexicon of the functional catalog nearest ``year``: built once per installation and data
    (the user cache, :func:`juesuan.dataload.cached`, keyed by the lexicon and narrative files of the
    data path, the catalog and the modules that build it), not once per process (≈ 2 ms: a
    normalization per wording, a concept per 类 of the catalog, the alternation of all wordings)."""
    cat = catalog.load("functional", year)
    sources = [*yaml_files("lexicon"), *yaml_files("narrative")]
    sources.append(PACKAGE_DATA / "catalogs" / f"functional_classification_{cat.year}.csv")
    sources += [Path(__file__), Path(text.__file__), Path(str(textnorm.__file__)), Path(str(catalog.__file__))]
    sources.append(Path(str(dataload.__file__)))
    return cached(f"lexicon-{cat.year}", sources, lambda: _build_lexicon(cat))


def _build_lexicon(cat: catalog.Catalog) -> Lexicon:
    data = _merge_lexicons([d for _, d in _load("lexicon")])
    concepts: dict[str, Concept] = {}
    for cid, spec in (data.get("concepts") or {}).items():
        concepts[cid] = Concept(
            id=cid,
            label=spec.get("label", cid),
            kind=spec.get("kind", "money"),
            synonyms=[norm_key(s) for s in spec.get("synonyms", [])],
            patterns=[re.compile(p) for p in spec.get("patterns", [])],
            refs={b: list(rs or []) for b, rs in (spec.get("refs") or {}).items()},
            upper=list(spec.get("upper") or []),
            severity=spec.get("severity"),
            units=list(spec.get("units") or []),
            context=[norm_key(s) for s in spec.get("context", [])],
            exclude=[norm_key(s) for s in spec.get("exclude", [])],
            unique=bool(spec.get("unique", False)),
            match=spec.get("match", "equivalent"),
            standalone=bool(spec.get("standalone", False)),
        )
    class_refs = {b: list(rs) for b, rs in ((data.get("classes") or {}).get("refs") or {}).items()}
    item_refs = {b: list(rs) for b, rs in ((data.get("items") or {}).get("refs") or {}).items()}
    for e in cat.classes():
        cid = f"class:{e.code}"
        name = norm_key(e.name)
        syns = [name, f"{name}(类)"]
        if name.endswith("支出") and len(name) > 4:
            syns.append(f"{name[:-2]}(类)")
        refs = {b: [_fill(r, e.code) for r in rs] for b, rs in class_refs.items()}
        concepts[cid] = Concept(
            cid,
            f"{e.name}（类）",
            "money",
            synonyms=syns,
            refs=refs,
            code=e.code,
            match=(data.get("classes") or {}).get("match", "any"),
        )
    for old in settings().old_names:
        cid = f"class:{old['code']}"
        if cid in concepts:
            concepts[cid].synonyms += [norm_key(old["old"]), norm_key(old["old"]) + "(类)"]
    pairs = sorted({(s, c.id) for c in concepts.values() for s in c.synonyms if s}, key=lambda p: (-len(p[0]), p[0]))
    # one alternation, longest first, so that at any position the longest wording matches
    pattern = re.compile("|".join(re.escape(s) for s in dict.fromkeys(s for s, _ in pairs)))
    first: dict[str, str] = {}
    for c in concepts.values():  # file order: the first concept listing a wording owns it
        for syn in c.synonyms:
            first.setdefault(syn, c.id)
    return Lexicon(
        concepts, pairs, pattern, first, class_refs, item_refs, cat.year, (data.get("items") or {}).get("match", "any")
    )


@dataclass
class Settings:
    """The narrative checks' word lists and patterns, as loaded from the data files."""

    basis: dict[str, list[str]]
    budget_context_ignore: list[str]
    change_words: dict[str, list[str]]
    comparison_words: list[str]
    share_words: list[str]
    completion_words: list[str]
    breakdowns: list[dict[str, Any]]
    placeholders: list[tuple[re.Pattern[str], str, str]]
    truncated: list[re.Pattern[str]]
    old_names: list[dict[str, Any]]
    scope_words: dict[str, list[str]]
    org_suffixes: list[str]
    achievement_words: list[str]
    statistic_date_words: list[str]
    rules: dict[str, RuleDef]
    malformed_numbers: list[re.Pattern[str]] = field(default_factory=list)
    coverage: dict[str, Any] = field(default_factory=dict)  # full vs fragment detection (juesuan.coverage)


@lru_cache(maxsize=1)
def settings() -> Settings:
    files = _load("narrative")
    by_name = {name: d for name, d in files}
    merged = _merge([d for name, d in files if name not in ("rules", "performance")])
    rules: dict[str, RuleDef] = {}
    for name, d in files:
        if name != "rules":
            continue
        for r in d.get("rules", []):
            sev = r.get("severity", "error")
            if sev not in SEVERITIES:
                raise ValueError(f"narrative rule {r.get('id')}: unknown severity {sev}")
            rsev = r.get("rounding_severity", "info")
            if rsev not in ("info", "warning"):
                raise ValueError(f"narrative rule {r.get('id')}: rounding_severity must be info or warning, not {rsev}")
            rules[r["id"]] = RuleDef(r["id"], sev, r.get("description", r["id"]), rsev)
    if "rules" not in by_name:
        raise ValueError("narrative rules file (data/narrative/rules.yaml) missing")

    def words(items: list[str]) -> list[str]:
        return [norm_key(w) for w in items]

    return Settings(
        basis={k: words(v) for k, v in (merged.get("basis") or {}).items()},
        budget_context_ignore=words(merged.get("budget_context_ignore", [])),
        change_words={k: words(v) for k, v in (merged.get("change_words") or {}).items()},
        comparison_words=words(merged.get("comparison_words", [])),
        share_words=words(merged.get("share_words", [])),
        completion_words=sorted(words(merged.get("completion_words", [])), key=len, reverse=True),
        breakdowns=[{**b, "labels": words(b.get("labels", []))} for b in merged.get("breakdowns", [])],
        placeholders=[
            (re.compile(p["pattern"]), p.get("severity", "error"), p.get("what", "占位符"))
            for p in merged.get("placeholders", [])
        ],
        truncated=[re.compile(p) for p in merged.get("truncated_patterns", [])],
        old_names=list(merged.get("old_names", [])),
        scope_words={k: words(v) for k, v in (merged.get("scope_words") or {}).items()},
        org_suffixes=list(merged.get("org_suffixes", [])),
        achievement_words=words(merged.get("achievement_words", [])),
        statistic_date_words=words(merged.get("statistic_date_words", [])),
        rules=rules,
        malformed_numbers=[re.compile(p) for p in merged.get("malformed_numbers", [])],
        coverage=dict(merged.get("coverage") or {}),
    )


@dataclass
class GradeBand:
    """A performance grade and the lowest score that earns it."""

    label: str
    min: float


@dataclass
class PerformanceSettings:
    """The performance (绩效) checks' grades, weights, words and patterns."""

    grades: dict[str, list[GradeBand]]
    aliases: dict[str, str]
    execution_weight: int
    total_weight: int
    negative_words: list[str]
    negative_exceptions: list[str]
    vague: list[tuple[re.Pattern[str], str]]
    percent_value: re.Pattern[str]
    operators: dict[str, list[str]]
    empty_reasons: list[str]
    task_concepts: dict[str, dict[str, Any]]
    narrative: dict[str, Any]
    table_names: dict[str, str]
    header_words: tuple[str, ...]
    header_anywhere: tuple[str, ...]

    def table_name(self, kind: str, printed: str = "") -> str:
        """The name of a 绩效自评 table of ``kind`` (project/department), else its printed title."""
        return self.table_names.get(kind, printed)

    def bands(self, variant: str | None) -> list[GradeBand]:
        return self.grades.get(variant or "", self.grades["default"])


@lru_cache(maxsize=1)
def performance_settings() -> PerformanceSettings:
    d = _merge([d for name, d in _load("narrative") if name == "performance"])
    grades = {
        v: [GradeBand(b["label"], float(b["min"])) for b in bands] for v, bands in (d.get("grades") or {}).items()
    }
    if "default" not in grades:
        raise ValueError("performance settings: grades.default missing")
    weights = d.get("weights") or {}
    nar = d.get("narrative") or {}
    return PerformanceSettings(
        grades=grades,
        aliases=dict(d.get("aliases") or {}),
        execution_weight=int(weights.get("execution", 10)),
        total_weight=int(weights.get("total", 100)),
        negative_words=[norm_key(w) for w in d.get("negative_words", [])],
        negative_exceptions=[norm_key(w) for w in d.get("negative_exceptions", [])],
        vague=[(re.compile(v["pattern"]), v.get("what", "")) for v in d.get("vague_patterns", [])],
        percent_value=re.compile(d.get("percent_value", r"^\d+(\.\d+)?%?$")),
        operators={k: [norm_key(x) for x in v] for k, v in (d.get("operators") or {}).items()},
        empty_reasons=[norm_key(x) for x in d.get("empty_reasons", [])],
        task_concepts=dict(d.get("task_concepts") or {}),
        narrative={
            "evaluated": [re.compile(p) for p in nar.get("evaluated", [])],
            "target_projects": [re.compile(p) for p in nar.get("target_projects", [])],
            **{k: re.compile(v) for k, v in nar.items() if k not in ("evaluated", "target_projects")},
        },
        table_names=dict(d.get("table_names") or {}),
        header_words=tuple(d.get("header_words") or ()),
        header_anywhere=tuple(d.get("header_anywhere") or ()),
    )
