"""Narrative (文表/文内) and 绩效 checks.

``check(doc)`` reads the narrative into sentences (:mod:`.text`), extracts its quantitative claims
with the concept lexicon (:mod:`.claims`, ``data/lexicon/*.yaml``), and runs the narrative rules
(``data/narrative/rules.yaml``): narrative against the tables (:mod:`.tables`), arithmetic inside
the narrative (:mod:`.arithmetic`), counts and lists (:mod:`.lists`), text quality
(:mod:`.quality`) and the 绩效自评 tables (:mod:`.performance`). It returns findings and one
RuleStatus per rule, like the table rule engine.
"""

from __future__ import annotations

from ..layouts import Layouts, load as load_layouts
from ..model import Disclosure
from ..results import Finding, RuleStatus
from . import arithmetic, flat, lists, performance, quality, tables
from .claims import Claim, Extraction, extract
from .context import Context
from .settings import lexicon, performance_settings, settings
from .text import Narrative, Sentence, build

CHECKS = (tables.check, arithmetic.check, flat.check, lists.check, quality.check, performance.check)


def analyse(doc: Disclosure, layouts: Layouts | None = None) -> Context:
    """Sentences, claims and rule outcomes of ``doc`` (the full working state, for tests and tools)."""
    layouts = layouts or load_layouts()
    cfg = settings()
    perf = performance_settings()
    lex = lexicon(doc.year)
    nar, ex = extraction(doc)
    ctx = Context(doc, layouts, cfg, perf, lex, nar, ex)
    for run in CHECKS:
        run(ctx)
    return ctx


def extraction(doc: Disclosure) -> tuple[Narrative, Extraction]:
    """The narrative's sentences and quantitative claims, without running the rules (the store's
    claim rows need only these)."""
    cfg = settings()
    nar = build(doc, cfg.budget_context_ignore, cfg.basis.get("budget", []) + cfg.basis.get("full_budget", []))
    return nar, extract(nar, lexicon(doc.year), cfg, doc.year)


def check(doc: Disclosure, layouts: Layouts | None = None) -> tuple[list[Finding], list[RuleStatus]]:
    """Findings and rule statuses of the narrative and 绩效 rules for ``doc``."""
    return analyse(doc, layouts).statuses()


def validate(layouts: Layouts | None = None) -> list[str]:
    """Static check of the lexicon and the 绩效 settings against the layouts: every cell reference
    names a known table, row concept (or code:/level: selector) and column. Returns the problems."""
    from ..rules.engine import reference_problems

    layouts = layouts or load_layouts()
    lex = lexicon(None)
    perf = performance_settings()
    problems: list[str] = []

    def check_ref(owner: str, ref: object) -> None:
        for r in ref if isinstance(ref, list) else [ref]:
            if not isinstance(r, str):
                problems.append(f"{owner}: reference {r!r} is not text")
                continue
            problems.extend(reference_problems(layouts, owner, r.replace("{code}", "201"), r))

    for c in lex.concepts.values():
        if c.kind not in ("money", "count"):
            problems.append(f"concept {c.id}: unknown kind {c.kind}")
        if c.match not in ("equivalent", "any"):
            problems.append(f"concept {c.id}: unknown match {c.match}")
        for basis, refs in c.refs.items():
            if basis not in ("final", "budget", "full_budget", "plan"):
                problems.append(f"concept {c.id}: unknown basis {basis}")
            for ref in refs:
                check_ref(f"concept {c.id}", ref)
        for ref in c.upper:
            check_ref(f"concept {c.id} (upper)", ref)
        if c.kind == "count" and c.context and not c.units:
            problems.append(f"concept {c.id}: context words without units")
    for refs in (*lex.class_refs.values(), *lex.item_refs.values()):
        for ref in refs:
            check_ref("classes/items", ref)
    for name, spec in perf.task_concepts.items():
        for ref in spec.get("refs", []):
            check_ref(f"task concept {name}", ref)
    return problems


__all__ = ["Claim", "Context", "Extraction", "Narrative", "Sentence", "analyse", "check", "validate"]
