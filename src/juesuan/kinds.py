"""What kind of disclosure a document is — a 决算 (final accounts) or a 预算 (budget) — told by its
own titles and headings (patterns in data/kinds/kinds.yaml, loaded through the strict loader).
A budget is recognized with the budget layouts (the variants of kind 预算) and checked with the
budget rule packs; ``--kind`` overrides the detection. A fragment whose own words say 预算 is
reported as one."""

from __future__ import annotations

import functools
import re

from .model import Disclosure

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any


@functools.cache
def _kind_patterns() -> tuple[dict[str, Any], dict[str, list[re.Pattern[str]]]]:
    """The kind-detection settings of data/kinds/ (later data directories add lines per kind and
    override the numbers)."""
    from .dataload import documents

    data: dict[str, Any] = {}
    lines: dict[str, list[str]] = {}
    for _path, d in documents("kinds"):
        data.update({k: v for k, v in d.items() if k != "kinds"})
        for kind, spec in (d.get("kinds") or {}).items():
            lines.setdefault(kind, []).extend(spec["lines"])
    pats = {k: [re.compile(p) for p in v] for k, v in lines.items()}
    return data, pats


_SPACES = re.compile(r"\s+")


def detect_kind(raw: Any) -> tuple[str, list[str]]:
    """``("budget", evidence)`` when the document's own titles and headings say 预算 (rules in
    data/kinds/kinds.yaml), else ``("final", evidence)``; evidence = the first lines that decided."""
    from .textnorm import fold

    data, pats = _kind_patterns()
    hits: dict[str, list[str]] = {k: [] for k in pats}
    for ln in raw.lines:
        text = _SPACES.sub("", fold("".join(c for c in ln.cells if c.strip())))
        if not text or len(text) > data["max_line_chars"]:
            continue
        for kind, ps in pats.items():
            m = None
            for p in ps:  # (a loop, not next() over a generator: ≈ 600 lines a document)
                m = p.match(text)
                if m:
                    break
            if m:
                hits[kind].append(re.sub(r"(?:编制)?(?:部门|单位)[:：]$", "", m.group(0)))
                break
    budget, final = hits.get("budget", []), hits.get("final", [])
    if len(budget) >= data["min_hits"] and len(budget) > data["ratio"] * len(final):
        return "budget", budget[:3]
    return "final", final[:3]


# --kind values: Chinese or English names of the two kinds
KIND_NAMES = {"预算": "预算", "budget": "预算", "决算": "决算", "final": "决算"}


def resolve_kind(raw: Any, override: str | None = None) -> tuple[str, list[str]]:
    """The kind the document is read as: ``override`` (``预算``/``决算``, or ``budget``/``final``)
    when given, else detected (:func:`detect_kind`); evidence = the lines that decided."""
    if override is not None:
        if override not in KIND_NAMES:
            from .errors import InputError

            raise InputError(f"未知的文件类型“{override}”：应为 预算 或 决算", code="usage")
        return KIND_NAMES[override], []
    kind, evidence = detect_kind(raw)
    return ("预算" if kind == "budget" else "决算"), evidence


def fragment_kind(doc: Disclosure) -> str:
    """The kind a fragment's own words give it: 预算 when its text and table titles say 预算 (at
    least ``fragment.min_hits`` times, data/kinds/kinds.yaml) and never 决算, else its kind as
    recognized. Whole documents keep theirs (their variant's kind)."""
    from . import coverage as cov
    from .narrative.text import norm_key

    spec = _kind_patterns()[0].get("fragment")
    if not spec or doc.coverage != cov.FRAGMENT or doc.kind != "决算":
        return doc.kind
    texts = [norm_key(p.text).replace("“", '"').replace("”", '"') for p in doc.paragraphs]
    texts += [norm_key(t.title or "") for t in doc.tables]
    if any(re.search(w, t) for w in spec["final"] for t in texts):
        return doc.kind
    hits = sum(len(re.findall(w, t)) for w in spec["budget"] for t in texts)
    return "预算" if hits >= spec["min_hits"] else doc.kind
