"""Claims: the quantitative statements of the narrative.

A claim is one figure of a sentence with what it is about (a lexicon concept), its unit, its role
(a level, a change against last year, a growth rate, a share, a completion rate), its basis
(决算, 年初预算, 全年预算, or ambiguous) and period (this year, last year, another year), linked to
the figure it qualifies (a rate to its change, a share to its part). Extraction is deliberately
conservative: a figure whose concept cannot be told is kept without one and is never compared
with a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .. import catalog
from .settings import Lexicon, Settings
from .text import Narrative, Sentence

MONEY = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "万": Decimal(10000),
    "亿元": Decimal(100000000),
}
COUNT_UNITS = {
    "人次",
    "批次",
    "台(套)",
    "台套",
    "个",
    "人",
    "名",
    "辆",
    "次",
    "项",
    "台",
    "套",
    "家",
    "场",
    "天",
    "件",
    "批",
    "户",
    "所",
}

_TOKEN = re.compile(
    r"(?<![\d.,A-Za-z\[])(?P<neg>-)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<approx>余|多)?"
    r"(?P<unit>万人次|万人|亿元|万元|千元|元|万(?![人元])|%|个百分点|人次|批次|台\(套\)|台套|个|人|名|辆|次|项|台|套|家|场|天|件|批|户|所"
    r"|分(?![钟别类管批配析项期子]))?"
)
_SKIP_AFTER = tuple("年月日号条届岁级版期]")
_YEAR_RE = re.compile(r"(20\d{2}|19\d{2})年")
_FILLER = re.compile(
    r"^[,，:;、]*(?:其中)?[:,]?(?:年初|全年|调整后)?(?:预算|决算|支出决算|支出|实际支出|执行数|金额|总额)*(?:数|额)?"
    r"(?:为|是|达|共|共计|合计)?[:]?$"
)
# a name may hold brackets of its own ("政府办公厅(室)及相关机构事务"), never a level marker
_NAME = r"(?:(?!\((?:类|款|项)\))[^,。;:、]){{2,{n}}}?"
_ITEM_PATH = re.compile(
    rf"(?P<c>{_NAME.format(n=20)})\(类\)(?:(?P<k>{_NAME.format(n=30)})\(款\))?(?:(?P<x>{_NAME.format(n=30)})\(项\))?"
)
# the same path printed with hyphens: "一般公共服务支出-政府办公厅(室)及相关机构事务-行政运行"
_DASH_PATH = re.compile(r'(?P<c>[^,。;:、"\-]{2,20})-(?P<k>[^,。;:、"\-]{2,30})-(?P<x>[^,。;:、"\-]{2,30})')
# characters and words after which a generic wording still names the department's own total
_STANDALONE_BEFORE = set("其及和与年度的为中共计即含括")
_STANDALONE_WORDS = ("本年", "本部门", "本单位", "部门", "单位", "全年", "当年")
_ALTERNATIVE = re.compile(r"\((?:增加|减少|增长|下降|上升|降低|大于|小于)\)")
_APPROX_BEFORE = ("约", "近", "超过", "逾", "不到", "将近", "大约", "接近")
_APPROX_AFTER = ("左右", "以上", "以下", "余", "多")


@dataclass
class Claim:
    """A figure stated in a sentence: value and unit, what it is of, and its basis and period."""

    sentence: Sentence
    start: int
    end: int
    raw: str
    value: Decimal
    unit: str | None
    kind: str  # money | count | percent | pp | score | number
    role: str = "level"  # level | change | rate | share | completion | other
    concept: str | None = None
    label: str | None = None
    concept_from: str | None = None  # window | inherit | topic | context
    basis: str = "final"  # final | budget | full_budget | ambiguous
    basis_explicit: bool = False
    period: str = "current"  # current | prior | other
    year: int | None = None
    direction: str | None = None  # up | down | flat
    approx: bool = False
    link: "Claim | None" = None
    link_inherited: bool = False
    denominator: str | None = None  # share: concept named after 占
    denominator_text: str | None = None
    completion_basis: str | None = None  # budget | full_budget | None
    missing_percent: bool = False
    window: str = ""
    index: int = 0  # position among the sentence's claims
    # the table's figure (in 元) and its rounding, when this figure was reported as differing from
    # the table: arithmetic that uses the figure is checked with the table's value instead, so one
    # wrong figure is reported once, not again in every rate computed from it
    table_yuan: Decimal | None = None
    table_half: Decimal | None = None

    @property
    def factor(self) -> Decimal:
        return MONEY.get(self.unit or "", Decimal(1))

    @property
    def yuan(self) -> Decimal:
        """The value in 元 (money), or the plain value (anything else)."""
        return self.value * self.factor if self.kind == "money" else self.value

    @property
    def display_unit(self) -> str:
        if self.kind == "money":
            return "万元" if self.unit == "万" else (self.unit or "")
        if self.kind == "percent":
            return "%"
        return self.unit or ""


@dataclass
class Extraction:
    """The claims found in a narrative, by sentence, with each sentence's topic."""

    claims: list[Claim] = field(default_factory=list)
    by_sentence: dict[int, list[Claim]] = field(default_factory=dict)
    topics: dict[int, str | None] = field(default_factory=dict)  # sentence index -> topic concept
    extractor: "Extractor | None" = None


def _kind(unit: str | None) -> str:
    if unit is None:
        return "number"
    if unit in MONEY:
        return "money"
    if unit == "%":
        return "percent"
    if unit == "个百分点":
        return "pp"
    if unit == "分":
        return "score"
    return "count"


def tokens(s: str) -> list[re.Match[str]]:
    out = []
    for m in _TOKEN.finditer(s):
        if m.start() > 0 and s[m.start() - 1] == "第":
            continue
        if m.group("unit") is None and m.end() < len(s) and s[m.end()] in _SKIP_AFTER:
            continue
        if m.group("unit") is None and m.end() < len(s) and s[m.end()].isdigit():
            continue
        out.append(m)
    return out


_CITED = re.compile(r"《[^《》]{1,60}》")


class Extractor:
    def __init__(self, lex: Lexicon, cfg: Settings, year: int | None):
        self._found: dict[str, list[tuple[int, int, str, str]]] = {}  # matches() by text
        self.lex = lex
        self.cfg = cfg
        self.year = year
        self.fcat = catalog.load("functional", year)
        up = "|".join(map(re.escape, sorted(cfg.change_words.get("up", []), key=len, reverse=True)))
        down = "|".join(map(re.escape, sorted(cfg.change_words.get("down", []), key=len, reverse=True)))
        flat = "|".join(map(re.escape, sorted(cfg.change_words.get("flat", []), key=len, reverse=True)))
        self._change_end = re.compile(
            rf"(?:(?P<up>{up})|(?P<down>{down}))(?:了|额为|额|金额为|为|幅度为|幅度|率为|率|达)?$"
        )
        self._flat = re.compile(flat) if flat else None
        self._comparison = re.compile("|".join(map(re.escape, cfg.comparison_words)))

    # -- concepts ---------------------------------------------------------------------------------
    def matches(self, text: str) -> list[tuple[int, int, str, str]]:
        """Lexicon wordings in ``text``: (start, end, wording, concept id), left to right.

        Remembered by text for this extraction (the same windows are searched for several
        figures and checks); each caller gets its own list."""
        found = self._found.get(text)
        if found is None:
            found = self._found[text] = self._matches(text)
        return list(found)

    def _matches(self, text: str) -> list[tuple[int, int, str, str]]:
        out = []
        for m in self.lex.synonym_re.finditer(text):
            word = m.group(0)
            cid = self.lex.synonym_map[word]
            out.append((m.start(), m.end(), word, cid))
        for c in self.lex.concepts.values():
            for p in c.patterns:
                for m in p.finditer(text):
                    out.append((m.start(), m.end(), m.group(0), c.id))
        # a wording inside 《…》 names a cited table or document ("《财政拨款支出预算表》增加了…
        # 315万元"), not the subject of a figure
        cited = [(q.start(), q.end()) for q in _CITED.finditer(text)]
        if cited:
            out = [o for o in out if not any(a <= o[0] and o[1] <= b for a, b in cited)]
        out.sort()
        return out

    def item_topic(self, s: str) -> tuple[str | None, int]:
        """A "X（类）Y（款）Z（项）" path in ``s``: the concept of its deepest level."""
        m = _ITEM_PATH.search(s) or _DASH_PATH.search(s)
        if not m:
            return None, -1
        cls_name = m.group("c")
        hits = self.fcat.by_name(cls_name, level=1) or self.fcat.by_name(cls_name + "支出", level=1)
        if not hits:
            return None, -1
        code = hits[0].code
        if m.group("k"):
            k = self.fcat.by_name(m.group("k"), level=2, prefix=code)
            if m.group("x"):
                x = self.fcat.by_name(m.group("x"), level=3, prefix=k[0].code) if k else []
                if not x:
                    # the 款 printed does not hold that 项: accept the 项 only when its name is
                    # unique within the 类
                    x = self.fcat.by_name(m.group("x"), level=3, prefix=code)
                    if len(x) != 1:
                        return None, -1
                return f"item:{x[0].code}", m.end()
            # a path that stops at the 款: only when nothing follows it but the end of the sentence
            if not k or s[m.end() : m.end() + 1] not in ("", "。", ":", ",", ";"):
                return None, -1
            return f"item:{k[0].code}", m.end()
        return f"class:{code}", m.end()

    def _path_before(self, window: str) -> tuple[str | None, int, int] | None:
        """A classification path ending just before a figure (only basis words between them):
        (its concept or None when it does not resolve to one row, its end, its start)."""
        pattern = _ITEM_PATH if "(类)" in window else _DASH_PATH
        found = None
        for m in pattern.finditer(window):
            found = m
        if found is None:
            return None
        between = window[found.end() :]
        if len(between) > 12 or re.search(r"[,;。]", between):
            return None
        start = found.start()
        numbering = re.match(
            r"^(?:\d{1,2}[.、]|\(\d{1,2}\)|[一二三四五六七八九十]{1,3}、|\([一二三四五六七八九十]{1,3}\))",
            window[start:],
        )
        if numbering:
            start += numbering.end()
        concept, _ = self.item_topic(window[start:])
        return concept, found.end(), start

    def _count_concept(self, unit: str, window: str, prefix: str) -> tuple[str | None, str | None]:
        best: tuple[int, int, str, str] | None = None
        for c in self.lex.concepts.values():
            if c.kind != "count" or not c.context or unit not in c.units:
                continue
            for text, offset in ((window, len(prefix) - len(window)), (prefix, 0)):
                if any(x in window for x in c.exclude):
                    break
                pos = max((text.rfind(w) + len(w) for w in c.context if w in text), default=-1)
                if pos >= 0:
                    cand = (pos + offset, max(len(w) for w in c.context if w in text), c.id, text)
                    if best is None or cand[:2] > best[:2]:
                        best = cand
                    break
        return (best[2], None) if best else (None, None)

    def _basis(self, text: str) -> tuple[str | None, bool]:
        for basis in ("full_budget", "budget", "final"):
            if any(w in text for w in self.cfg.basis.get(basis, [])):
                return basis, True
        return None, False

    # -- one sentence -------------------------------------------------------------------------------
    def sentence(self, s: Sentence, prev_claims: list[Claim], topic: str | None) -> list[Claim]:
        text = s.norm
        out: list[Claim] = []
        toks = tokens(text)
        prev_end = 0
        for m in toks:
            unit = m.group("unit")
            value = Decimal(m.group("num").replace(",", ""))
            if m.group("neg"):
                value = -value
            if unit in ("万人次", "万人"):
                value *= 10000
                unit = unit[1:]
            kind = _kind(unit)
            window = _ALTERNATIVE.sub("", text[prev_end : m.start()])
            prefix = text[: m.start()]
            after = text[m.end() : m.end() + 3]
            c = Claim(s, m.start(), m.end(), m.group(0), value, unit, kind, window=window, index=len(out))
            c.approx = bool(m.group("approx")) or after.startswith(_APPROX_AFTER) or window.endswith(_APPROX_BEFORE)
            prev_claim = out[-1] if out else None
            if kind in ("percent", "number", "pp"):
                self._percent(c, window, prev_claim, out, prev_claims)
            elif kind in ("money", "count", "score"):
                self._level(c, window, prefix, out, prev_claims, topic)
            prev_end = m.end()
            if kind == "number" and c.role == "other":
                continue
            out.append(c)
        for k, c in enumerate(out):
            c.index = k
        return out

    def _percent(self, c: Claim, window: str, prev: Claim | None, out: list[Claim], prev_claims: list[Claim]) -> None:
        w = window.rstrip("为是达了:")
        for word in self.cfg.completion_words:
            if w.endswith(word) or (word in window[-14:] and "占" not in window):
                c.role = "completion"
                c.completion_basis = "full_budget" if "全年" in word else ("budget" if "年初" in word else None)
                c.link = self._last(out, lambda x: x.role == "level" and x.kind == "money")
                break
        else:
            share_at = max((window.rfind(x) for x in self.cfg.share_words), default=-1)
            m = self._change_end.search(w)
            if share_at >= 0 and (m is None or share_at > m.start()):
                c.role = "share"
                den = window[share_at:].lstrip("占").replace("比重", "").replace("所占比例", "").replace("比例", "")
                den = den.rstrip("的为是达了:,").lstrip("比")
                c.denominator_text = den or None
                hits = self.matches(den) if den else []
                if hits:
                    c.denominator = hits[-1][3]
                part = out[-1] if out else None
                if part is not None and part.role in ("level",) and len(window) <= len(window[share_at:]) + 3:
                    c.link = part
            elif m is not None:
                c.role = "rate"
                c.direction = "up" if m.group("up") else "down"
                if prev is not None and prev.role == "change" and not re.sub(r"[,，、;:]", "", window[: m.start()]):
                    c.link = prev
                else:
                    self._subject(c, window, out, prev_claims)
            elif self._flat is not None and self._flat.search(window):
                c.role = "rate"
                c.direction = "flat"
            else:
                c.role = "other"
        if c.kind == "number":
            if c.role == "rate" and c.link is not None and c.link.kind == "money":
                c.missing_percent = True
                c.kind = "percent"
                c.unit = "%"
            else:
                c.role = "other"

    def _last(self, out: list[Claim], pred) -> Claim | None:
        for x in reversed(out):
            if pred(x):
                return x
        return None

    def _subject(self, c: Claim, window: str, out: list[Claim], prev_claims: list[Claim]) -> None:
        hits = self.matches(window)
        if hits:
            cid = hits[-1][3]
            c.concept = c.concept or cid
            c.link = self._last(out, lambda x: x.role == "level" and x.concept == cid and x.period == "current")
            return
        c.link = self._last(
            out, lambda x: x.role == "level" and x.kind == c.kind if c.kind != "percent" else x.role == "level"
        )
        if c.link is None and not out:
            head = next((x for x in prev_claims if x.role == "level" and x.kind == "money"), None)
            if head is not None:
                c.link = head
                c.link_inherited = True
        if c.link is not None and c.concept is None:
            c.concept = c.link.concept

    def _standalone_ok(self, prefix: str, start: int) -> bool:
        """A generic wording (项目支出, 基本支出, 其他收入 …) names the department's total only when it is
        not the end of a longer name ("信息化项目支出" is one project's spending)."""
        if start <= 0:
            return True
        before = prefix[start - 1]
        return (
            not ("\u4e00" <= before <= "\u9fff")
            or before in _STANDALONE_BEFORE
            or prefix[:start].endswith(_STANDALONE_WORDS)
        )

    def _level(
        self, c: Claim, window: str, prefix: str, out: list[Claim], prev_claims: list[Claim], topic: str | None
    ) -> None:
        hits = self.matches(window)
        if c.kind in ("money", "count"):
            hits = [h for h in hits if (self.lex.concept(h[3]) or _NONE).kind == c.kind]
        offset = len(prefix) - len(window)
        hits = [
            h
            for h in hits
            if not (self.lex.concept(h[3]) or _NONE).standalone or self._standalone_ok(prefix, offset + h[0])
        ]
        last = max(hits, key=lambda h: (h[1], h[1] - h[0])) if hits else None
        path = self._path_before(window) if c.kind == "money" else None
        if path is not None:
            # "X（类）Y（款）Z（项）39.99万元": the subject is the most specific level the path names,
            # the whole path resolved to one row (no concept — nothing compared — when it does not)
            last = None
        tail = window[path[1] :] if path is not None else window[last[1] :] if last else window
        m = self._change_end.search(tail.rstrip(":"))
        if m is not None and c.kind in ("money", "count"):
            c.role = "change"
            c.direction = "up" if m.group("up") else "down"
        if path is not None:
            c.concept, c.label, c.concept_from = path[0], window[path[2] : path[1]], "path"
        elif last is not None:
            c.concept, c.label, c.concept_from = last[3], last[2], "window"
        elif c.kind == "count":
            cid, _ = self._count_concept(c.unit or "", window, prefix)
            if cid:
                c.concept, c.concept_from = cid, "context"
        elif c.role == "level" and _FILLER.match(window):
            prev = self._last(out, lambda x: x.role == "level" and x.kind == c.kind and x.concept is not None)
            if prev is not None:
                c.concept, c.label, c.concept_from = prev.concept, prev.label, "inherit"
            elif topic is not None and c.kind == "money":
                c.concept, c.concept_from = topic, "topic"
        if c.role == "change":
            if last is not None:
                cid = last[3]
                c.link = self._last(out, lambda x: x.role == "level" and x.concept == cid and x.period == "current")
            else:
                self._subject(c, window, out, prev_claims)
            return
        if c.kind == "score":
            c.role = "level"
            return
        basis_text = tail if c.concept_from in ("window", "path") else window
        basis, explicit = self._basis(basis_text)
        if basis is None and c.concept_from == "inherit":
            basis, explicit = self._basis(tail)
        c.basis_explicit = explicit
        c.basis = basis or ("ambiguous" if c.sentence.budget_context else "final")
        years = [int(y) for y in _YEAR_RE.findall(window)]
        if years and self.year and years[-1] != self.year:
            c.period = "prior" if years[-1] == self.year - 1 else "other"
            c.year = years[-1]
        elif any(w in tail for w in self.cfg.basis.get("prior", [])):
            c.period = "prior"


class _None:
    kind = None
    standalone = False


_NONE = _None()


def extract(nar: Narrative, lex: Lexicon, cfg: Settings, year: int | None) -> Extraction:
    ex = Extractor(lex, cfg, year)
    res = Extraction(extractor=ex)
    topic: str | None = None
    prev: Sentence | None = None
    prev_claims: list[Claim] = []
    for s in nar.sentences:
        new_context = prev is None or s.group != prev.group or s.heading != prev.heading
        if new_context:
            topic = None
        if s.item or new_context:
            found, _ = ex.item_topic(s.norm)
            if found is not None:
                topic = found
            elif s.item:
                topic = None
        claims = ex.sentence(s, prev_claims if (prev is not None and prev.block == s.block) else [], topic)
        res.topics[s.index] = topic
        res.by_sentence[s.index] = claims
        res.claims.extend(claims)
        prev, prev_claims = s, claims
    return res
