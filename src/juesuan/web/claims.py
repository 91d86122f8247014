"""The narrative's claims marked in its text: where each figure the narrative check checked is printed
in the 情况说明 paragraphs — amounts and counts against the tables, rates of change, shares and
completion rates against their operands — and what the check said (agrees, agrees within rounding,
disagrees, could not check), linked to the finding it gave.

:func:`claim_marks` runs at upload (it needs the read document) and its result is kept beside the
report (``<id>.claims.json``); :func:`stored_marks` is the fallback for documents ingested from the
command line (only the claims a narrative finding names, read from the store). :func:`segments`
cuts a paragraph into plain and marked pieces for the template, which escapes every piece: the
document text is never trusted as markup.
"""

from __future__ import annotations

from typing import Any

from ..store import Store

STATUS_TEXT = {
    "agree": "核对一致",
    "rounding": "存在舍入差异",
    "disagree": "核对不一致",
    "unchecked": "未能核对（表中没有可与之核对的数：该表缺失、无法读取或不印该口径）",
}


def _span(
    paragraphs: list[str], first: int, sentence: str, raw: str, used: set[tuple[int, int]]
) -> tuple[int, int] | None:
    """Where ``raw`` of a sentence starting in paragraph ``first`` is printed: (paragraph, offset),
    the first occurrence at or after the sentence's start not already marked."""
    head = sentence.strip()[:8]
    for p in range(first, min(first + 4, len(paragraphs))):
        text = paragraphs[p]
        base = text.find(head) if p == first and head else 0
        pos = text.find(raw, max(base, 0))
        while pos >= 0 and (p, pos) in used:
            pos = text.find(raw, pos + 1)
        if pos >= 0:
            return p, pos
    return None


def claim_marks(doc: Any, findings: list[Any]) -> list[dict[str, Any]]:
    """The marks of ``doc``'s claims: paragraph index (as stored in ``narrative.seq``), start and end
    in its text, status and the number (``seq``) of the finding in ``findings`` (the report's, in
    stored order) it gave. Claims no check gave a verdict on are marked only when a narrative
    finding names them (the other narrative rules: direction words, breakdowns, …)."""
    from ..narrative import analyse

    ctx = analyse(doc)
    order = {(f.rule, f.message): i for i, f in enumerate(findings)}
    narrative_findings = [f for o in ctx.outcomes.values() for f in o.findings]
    paragraphs = [p.text for p in doc.paragraphs]
    used: set[tuple[int, int]] = set()
    out: list[dict[str, Any]] = []
    for i, c in enumerate(ctx.ex.claims):
        status, finding = ctx.verdicts.get(id(c), (None, None))
        if status is None:
            quote = c.sentence.quote(c.start)[:12]
            finding = next(
                (
                    f
                    for f in narrative_findings
                    if f.severity != "info"
                    and f.locations
                    and f.locations[0].value == c.raw
                    and f.locations[0].table == c.sentence.group
                    and quote in f.message
                ),
                None,
            )
            if finding is None:
                continue
            status = "disagree"
        at = _span(paragraphs, c.sentence.paragraph, c.sentence.raw, c.raw, used)
        if at is None:
            continue
        used.add(at)
        seq = order.get((finding.rule, finding.message)) if finding is not None else None
        out.append(
            {
                "claim": i,
                "paragraph": at[0],
                "start": at[1],
                "end": at[1] + len(c.raw),
                "raw": c.raw,
                "label": ctx.label(c),
                "status": status,
                "finding": seq,
            }
        )
    return out


def stored_marks(store: Store, doc_id: int) -> list[dict[str, Any]]:
    """For a document without marks from its upload: the claims of the store a narrative finding
    names (the finding's text place prints the claim's figure and its message quotes the claim's
    sentence) — marked as disagreeing; nothing is said of the others."""
    from .views import query

    claims = query(store, "SELECT seq, sentence, raw FROM claims WHERE document = ? ORDER BY seq", [doc_id])
    places = query(
        store,
        "SELECT f.seq, f.message, c.value_text FROM findings f JOIN finding_cells c"
        " ON c.document = f.document AND c.finding_seq = f.seq"
        " WHERE f.document = ? AND f.rule LIKE 'narrative.%' AND f.severity <> 'info' ORDER BY f.seq",
        [doc_id],
    )
    paragraphs = [
        r["text"] for r in query(store, "SELECT text FROM narrative WHERE document = ? ORDER BY seq", [doc_id])
    ]
    used: set[tuple[int, int]] = set()
    out = []
    for c in claims:
        raw, sentence = c["raw"] or "", (c["sentence"] or "").strip()
        hit = next(
            (p for p in places if p["value_text"] == raw and sentence[:12] and sentence[:12] in p["message"]), None
        )
        if hit is None or not raw:
            continue
        first = next((i for i, t in enumerate(paragraphs) if sentence[:16] in t and raw in t), None)
        if first is None:  # a sentence running over paragraphs
            first = next((i for i, t in enumerate(paragraphs) if sentence[:8] in t), None)
        at = _span(paragraphs, first, sentence, raw, used) if first is not None else None
        if at is None:
            continue
        used.add(at)
        out.append(
            {
                "claim": c["seq"],
                "paragraph": at[0],
                "start": at[1],
                "end": at[1] + len(raw),
                "raw": raw,
                "label": "",
                "status": "disagree",
                "finding": hit["seq"],
            }
        )
    return out


def segments(text: str, marks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``text`` as pieces ``{"text", "mark"}`` (mark None for plain text), marks in order, an
    overlapping mark left out."""
    out: list[dict[str, Any]] = []
    pos = 0
    for m in sorted(marks, key=lambda m: (m["start"], m["end"])):
        if m["start"] < pos or m["end"] > len(text):
            continue
        if m["start"] > pos:
            out.append({"text": text[pos : m["start"]], "mark": None})
        out.append({"text": text[m["start"] : m["end"]], "mark": m})
        pos = m["end"]
    if pos < len(text) or not out:
        out.append({"text": text[pos:], "mark": None})
    return out


def attach(view: dict[str, Any], marks: list[dict[str, Any]]) -> None:
    """Cut the view's paragraphs into ``segments`` with ``marks`` and link both ways: each mark
    gets a ``dom_id`` (``claim-N``) and its finding's ``dom_id``; each finding lists the marks it
    gave among its ``cells`` (clicking it highlights them)."""
    by_seq = {f["seq"]: f for f in view["findings"]}
    for m in marks:
        m["dom_id"] = f"claim-{m['claim']}"
        m["status_text"] = STATUS_TEXT.get(m["status"], m["status"])
        f = by_seq.get(m["finding"]) if m.get("finding") is not None else None
        m["finding_dom_id"] = f["dom_id"] if f else None
        if f is not None:
            f["cells"].append(m["dom_id"])
    by_paragraph: dict[int, list[dict[str, Any]]] = {}
    for m in marks:
        by_paragraph.setdefault(m["paragraph"], []).append(m)
    for p in view["narrative"]:
        p["segments"] = segments(p["text"], by_paragraph.get(p["seq"], []))
    view["claims"] = marks
