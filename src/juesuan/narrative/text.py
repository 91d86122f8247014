"""The narrative as a stream of sentences and headings, each with its provenance.

Paragraphs come from any reader (a line of a text extraction, a visual paragraph of a PDF, a text
cell of the 绩效 narrative). They are normalized for matching (NFKC: （）→(), ，→, ％→%; curly
quotes → "; whitespace removed) while the printed text is kept for quoting. Inline headings
("(一) 部门财务收入情况 2023年…") are split off; paragraphs a PDF cut mid-sentence are joined.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import Disclosure, Paragraph, Provenance
from ..textnorm import has_traditional, simplified

_MAP = {
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "「": '"',
    "」": '"',
    "『": '"',
    "』": '"',
    "〔": "[",
    "〕": "]",
    "【": "[",
    "】": "]",
    "﹪": "%",
    "．": ".",
}


_CHAR: dict[str, str] = {}


def _char(ch: str) -> str:
    """The matching form of one character ('' for whitespace), cached."""
    n = _CHAR.get(ch)
    if n is None:
        if ch.isspace():
            n = ""
        else:
            n = _MAP.get(ch) or unicodedata.normalize("NFKC", ch)
            if len(n) != 1 or n.isspace():
                n = ch
        _CHAR[ch] = n
    return n


# a pinyin reading inserted after a character by mirror sites ("預(yù)算", "數(shù)")
_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)")


class _Table(dict[int, str]):
    """:func:`_char` by code point, for ``str.translate``: filled the first time a character is
    seen."""

    def __missing__(self, code: int) -> str:
        n = self[code] = _char(chr(code))
        return n


_TABLE = _Table()


def normalize(text: str) -> tuple[str, list[int]]:
    """The matching form of ``text`` and, for every character of it, its index in ``text``.

    Traditional characters are matched in Simplified form (character for character, so the map
    back to the printed text stays exact), and pinyin readings inserted after characters are left
    out.

    Memoized (a check normalizes each distinct text about three times: a segment, its paragraph,
    the block it is joined into, the test of a join); each caller gets its own list."""
    norm, idx = _normalized(text)
    return norm, list(range(len(text))) if idx is None else list(idx)


@lru_cache(maxsize=1 << 12)
def _normalized(text: str) -> tuple[str, tuple[int, ...] | None]:
    """:func:`normalize`, the index map as a tuple, None when it is the identity."""
    # every character's matching form is one character or none (whitespace): a translation as
    # long as the text dropped none, so the i-th character is the text's i-th
    norm = text.translate(_TABLE)
    idx: list[int] | None = None  # the identity
    if len(norm) != len(text):
        out: list[str] = []
        idx = []
        get = _CHAR.get
        for i, ch in enumerate(text):
            n = get(ch)
            if n is None:
                n = _char(ch)
            if n:
                out.append(n)
                idx.append(i)
        norm = "".join(out)
    if "(" in norm and _PINYIN.search(norm):
        keep = [True] * len(norm)
        for m in _PINYIN.finditer(norm):
            if m.start() > 0 and not norm[m.start() - 1].isascii():
                for k in range(m.start(), m.end()):
                    keep[k] = False
        norm = "".join(ch for ch, k in zip(norm, keep) if k)
        idx = [i for i, k in zip(range(len(text)) if idx is None else idx, keep) if k]
    if has_traditional(norm):
        simple = simplified(norm)
        if len(simple) == len(norm):
            norm = simple
    return norm, None if idx is None else tuple(idx)


def norm_key(text: str) -> str:
    return _normalized(text or "")[0]


CN_DIGITS = "一二三四五六七八九十"
PART_RE = re.compile(r"^第[一二三四五六七八九十]+部分")
SECTION_RE = re.compile(r"^[一二三四五六七八九十]{1,3}、")
SUB_RE = re.compile(r"^\([一二三四五六七八九十]{1,3}\)")
ITEM_RE = re.compile(r"^(?:\d{1,2}[、](?!\d)|\d{1,2}\.(?!\d)|\(\d{1,2}\))")
_INLINE_HEADING = re.compile(
    r"(?:^|(?<=\s))([(（]\s*[一二三四五六七八九十]{1,3}\s*[)）])\s*([^\s。；;:：，,！？]{2,30}?)(?=\s|$)"
)
_AMOUNT_RE = re.compile(r"\d+(?:\.\d+)?(?:万元|亿元|元|%|人次|人|个|辆)")
_ENDERS = "。!?"
_ENDER_RE = re.compile("[" + re.escape(_ENDERS) + "]")
# a line that is a title of its own ("XX局2024年度部门决算表"), never the rest of a sentence
_TITLE_LIKE = re.compile(r"^[^。,;:]{2,40}?(?:年度)?(?:部门|单位)?(?:决算|预算)(?:表|情况说明|公开)?$")


def heading_level(norm: str) -> int | None:
    if PART_RE.match(norm):
        return 0
    if SECTION_RE.match(norm):
        return 1
    if SUB_RE.match(norm):
        return 2
    return None


@dataclass
class Sentence:
    """A sentence (up to 。！？) of the narrative: ``norm`` for matching, ``raw`` as printed."""

    norm: str
    raw: str
    provenance: Provenance | None
    group: str  # where it is printed: 情况说明 / 部门整体支出绩效自评情况
    heading: str | None  # the nearest heading (printed text)
    block: int  # sentences of one paragraph block share it
    index: int = 0
    paragraph: int = 0  # index in Disclosure.paragraphs
    item: bool = False  # starts a numbered item ("1、…")
    budget_context: bool = False  # its paragraph speaks of budgets (预算)
    budget_words: tuple[str, ...] = ()
    spans: tuple[tuple[int, Provenance | None], ...] = ()  # (offset in norm, provenance) of each paragraph joined
    complete: bool = True  # ends with 。！？ (False: the text stops mid-sentence, e.g. a cut table cell)

    def provenance_at(self, pos: int) -> Provenance | None:
        """The provenance of the paragraph holding position ``pos`` of ``norm``."""
        best = self.provenance
        for off, prov in self.spans:
            if off <= pos:
                best = prov
        return best

    def quote(self, around: int | None = None, limit: int = 120) -> str:
        """The printed sentence, shortened around a position of ``norm`` when it is long."""
        text = self.raw.strip()
        if len(text) <= limit:
            return text
        if around is None:
            return text[: limit - 1] + "…"
        ratio = around / max(len(self.norm), 1)
        centre = int(ratio * len(text))
        start = max(0, centre - limit // 2)
        end = min(len(text), start + limit)
        start = max(0, end - limit)
        start, end = _boundary(text, start, -1), _boundary(text, end, 1)
        return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


_BREAKS = set('，。；、：！？,;:!?（）()“”"《》')
_NUMBER_CHARS = set("0123456789.．%％")


def _splits(text: str, i: int) -> bool:
    """Whether cutting ``text`` at ``i`` splits a number ("11.49", "1,867.48") or a Latin word."""
    if i <= 0 or i >= len(text):
        return False
    a, b = text[i - 1], text[i]
    if a in _NUMBER_CHARS and b in _NUMBER_CHARS:
        return True
    if a in ",，" and b.isdigit() and i >= 2 and text[i - 2].isdigit():
        return True
    if b in ",，" and a.isdigit() and i + 1 < len(text) and text[i + 1].isdigit():
        return True
    return a.isascii() and b.isascii() and a.isalnum() and b.isalnum()


def _boundary(text: str, i: int, step: int, reach: int = 16) -> int:
    """A cut near ``i`` (moving outwards: ``step`` −1 for a start, +1 for an end): just after a
    punctuation mark within ``reach`` characters, else the nearest point that splits no number or
    word."""
    for k in range(reach + 1):
        j = i + step * k
        if j <= 0 or j >= len(text):
            return max(0, min(len(text), j))
        if text[j - 1] in _BREAKS and not _splits(text, j):
            return j
    j = i
    while 0 < j < len(text) and _splits(text, j):
        j += step
    return j


@dataclass
class Heading:
    """A heading of the narrative text: its text, level, group and where it stands among the sentences."""

    norm: str
    raw: str
    provenance: Provenance | None
    group: str
    level: int
    position: int  # number of sentences before it in the stream
    paragraph: int
    inline: bool = False  # split off a paragraph's text
    closes_paragraph: bool = False  # nothing followed it in its paragraph


@dataclass
class Narrative:
    """The narrative text split into sentences, headings and paragraphs."""

    sentences: list[Sentence] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)  # per paragraph

    def by_block(self) -> dict[int, list[Sentence]]:
        out: dict[int, list[Sentence]] = {}
        for s in self.sentences:
            out.setdefault(s.block, []).append(s)
        return out


def _position(p: Provenance | None) -> tuple[int, int]:
    if p is None:
        return (0, 0)
    return (p.page or 0, p.line or 0)


def paragraph_groups(doc: Disclosure) -> list[str]:
    """For every paragraph, the part of the document it belongs to: the 绩效 narrative
    (部门整体支出绩效自评情况) or the 情况说明 and other text."""
    perf = sorted((_position(p.provenance), p.kind) for p in doc.performance if p.provenance)
    out = []
    for para in doc.paragraphs:
        pos = _position(para.provenance)
        kind = None
        for start, k in perf:
            if start <= pos:
                kind = k
        if kind == "department_narrative" or (para.section and kind is None and doc.performance):
            out.append("部门整体支出绩效自评情况")
        elif kind in ("department", "project"):
            out.append("绩效自评表")
        else:
            out.append("情况说明")
    return out


def _segments(text: str) -> list[tuple[str, str]]:
    """Split inline headings off a paragraph: [(kind, text)] with kind heading | text."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _INLINE_HEADING.finditer(text):
        before = text[pos : m.start()].strip()
        if before:
            out.append(("text", before))
        out.append(("heading", (m.group(1) + m.group(2)).strip()))
        pos = m.end()
    rest = text[pos:].strip()
    if rest:
        out.append(("text", rest))
    return out


def _is_heading_paragraph(norm: str) -> bool:
    if heading_level(norm) is None:
        return False
    body = norm.rstrip("。.")
    # "二、事业收入：指……" (a 名词解释 entry) is a sentence, not a heading
    return len(body) <= 48 and not _AMOUNT_RE.search(body) and not any(c in body for c in "。;!?:")


def build(doc: Disclosure, budget_ignore: list[str] | None = None, budget_words: list[str] | None = None) -> Narrative:
    """The sentence stream of ``doc``'s paragraphs."""
    nar = Narrative(paragraphs=list(doc.paragraphs), groups=paragraph_groups(doc))
    budget_ignore = budget_ignore or []
    budget_words = budget_words or []
    # (1) blocks: runs of text to split into sentences, with their paragraphs
    blocks: list[dict] = []
    current_heading: dict[str, str | None] = {}
    for pi, para in enumerate(doc.paragraphs):
        group = nar.groups[pi]
        if group == "绩效自评表":
            continue
        segs = _segments(para.text)
        # a section given by the reader (绩效 narrative cells) is the paragraph's heading
        if para.section and group == "部门整体支出绩效自评情况":
            current_heading[group] = para.section
        for si, (kind, text) in enumerate(segs):
            norm = _normalized(text)[0]
            if not norm:
                continue
            if kind == "heading" or (len(segs) == 1 and _is_heading_paragraph(norm)):
                level = heading_level(norm)
                nar.headings.append(
                    Heading(
                        norm,
                        text,
                        para.provenance,
                        group,
                        2 if level is None else level,
                        0,
                        pi,
                        inline=kind == "heading",
                        closes_paragraph=kind == "heading" and si == len(segs) - 1 and si > 0,
                    )
                )
                current_heading[group] = text
                blocks.append({"heading": True, "texts": [], "group": group, "pi": pi})
                continue
            prev = blocks[-1] if blocks else None
            join = (
                prev is not None
                and not prev.get("heading")
                and prev["group"] == group
                and prev["texts"]
                and si == 0
                and prev["pi"] == pi - 1
                and (doc.paragraphs[prev["pi"]].section or "") == (para.section or "")
                and not _normalized(prev["texts"][-1][1])[0].endswith(tuple(_ENDERS))
                and heading_level(norm) is None
                and not ITEM_RE.match(norm)
                and not _TITLE_LIKE.search(norm)
            )
            if join and prev is not None:
                prev["texts"].append((pi, text))
                prev["pi"] = pi
            else:
                blocks.append(
                    {
                        "heading": False,
                        "texts": [(pi, text)],
                        "group": group,
                        "pi": pi,
                        "title": current_heading.get(group),
                    }
                )
    # (2) sentences
    cache: dict[int, str] = {}

    def para_norm(pi: int) -> str:
        if pi not in cache:
            cache[pi] = _normalized(doc.paragraphs[pi].text)[0]
        return cache[pi]

    block_id = 0
    for b in blocks:
        if b["heading"]:
            b["first"] = len(nar.sentences)
            continue
        block_id += 1
        orig = "".join(t for _, t in b["texts"])
        bounds = []
        acc = 0
        for pi, t in b["texts"]:
            bounds.append((acc, pi))
            acc += len(t)
        norm, idx = normalize(orig)
        # budget context: the whole printed paragraph(s), inline headings included
        ctx = "".join(para_norm(pi) for pi in dict.fromkeys(p for p, _ in b["texts"]))
        for w in budget_ignore:
            ctx = ctx.replace(w, "")
        found = tuple(w for w in budget_words if w in ctx)
        start = 0
        pieces = []
        for m in _ENDER_RE.finditer(norm):  # (not a Python loop over every character)
            i = m.start()
            pieces.append((start, i + 1))
            start = i + 1
        if start < len(norm):
            pieces.append((start, len(norm)))
        for a, z in pieces:
            s_norm = norm[a:z]
            if not s_norm.strip("。!?"):
                continue
            raw = orig[idx[a] : idx[z - 1] + 1]
            pi = next(p for off, p in reversed(bounds) if off <= idx[a])
            para = doc.paragraphs[pi]
            spans: list[tuple[int, Provenance | None]] = []
            if len(bounds) > 1:
                for off, p in bounds:
                    # the first normalized position at or after this paragraph's start
                    k = bisect_left(idx, off, a, z)
                    if k < z and (not spans or spans[-1][1] is not doc.paragraphs[p].provenance):
                        spans.append((k - a, doc.paragraphs[p].provenance))
            nar.sentences.append(
                Sentence(
                    norm=s_norm,
                    raw=raw,
                    provenance=para.provenance,
                    group=b["group"],
                    heading=b.get("title"),
                    block=block_id,
                    index=len(nar.sentences),
                    paragraph=pi,
                    item=bool(ITEM_RE.match(s_norm)),
                    budget_context=bool(found),
                    budget_words=found,
                    spans=tuple(spans),
                    complete=s_norm[-1] in _ENDERS,
                )
            )
    # headings: where they sit in the sentence stream
    for h, b in zip(nar.headings, [b for b in blocks if b["heading"]]):
        h.position = b["first"]
    return nar
