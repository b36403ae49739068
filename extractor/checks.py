"""check records: recompute every stated rate and total, and say what does not add up.

A check applies only where the sentence's structure says which figures belong together;
where it does not, the figures are left alone, or a record says "not checked: …" when the
structure is there but a part is missing. What the checks read (patterns/checks.yaml):

- the part of a rate: the count right before it with nothing but a connector between
  ("trễ hạn 3 hồ sơ, tỷ lệ 0,72%"; "6.400 hồ sơ được giải quyết đúng hạn, đạt 99,9%"), or a
  count said to be equivalent to it ("dưới 2%, tương đương 280.000 hồ sơ", "59,63% (11.084/…)");
- the base of a rate: the whole of "a/b"; a base the sentence names ("trên tổng số hồ sơ tiếp
  nhận", "trong tổng số …"); the whole a breakdown is listed under ("tiếp nhận 1.245 hồ sơ,
  trong đó: …"); else the one count of the base metric (patterns `rate_whole`) of the same
  subject before it in its clause, sentence or paragraph. An on-time or late share is a share
  of the resolved dossiers: a received count is its base only when the breakdown under it
  shows that every received dossier was resolved;
- the subject of a figure: the administrative level (cấp tỉnh/huyện/xã), the office or body,
  the procedure, and the period, each as written before it in its sentence;
- breakdowns: a whole and parts that are exactly one list of `partitions` (complete by
  definition), or of `open_partitions` (checked only when the parts exceed the whole).

Checks: `rate`, `sum`, `target` within an article; `conflict` across articles (the same
metric, subject, place, level and period with different values in different articles).
Verdicts (SPEC): `ok` when rounding the computed value to the stated decimals gives the stated
value; `rounding` when only truncation does, or the difference is within one unit of the last
stated decimal; `mismatch` otherwise; and `unchecked` ("not checked: …") where a check has its
structure but not all its figures. Every record names its figures and says why it applied
(`reason`); `reported_figure` is the figure whose stated value the check is about.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache
from typing import Any

import regex

from .labels import metric_label
from .normalize import fold
from .numbers import format_number
from .patterns import load_file, rules
from .records import Check

STATUSES = ("ok", "rounding", "mismatch", "unchecked")
COUNT_QUALIFIERS_CHECKED = ("exact",)


# ---------------------------------------------------------------- configuration (data)

@dataclass(frozen=True)
class Config:
    rate_whole: dict[str, tuple[str, ...]]
    rate_whole_listed: dict[str, tuple[str, ...]]
    partitions: dict[str, tuple[frozenset[str], ...]]
    open_partitions: dict[str, tuple[frozenset[str], ...]]
    resolved_breakdowns: frozenset[str]
    rule: dict[str, regex.Pattern]
    levels: tuple[tuple[str, regex.Pattern], ...]
    bases: tuple[tuple[str, regex.Pattern], ...]
    subs: tuple[tuple[str, regex.Pattern], ...]
    timely: tuple[tuple[str, regex.Pattern], ...]
    claims: tuple[tuple[str, regex.Pattern], ...]

    @cached_property
    def part_metrics(self) -> dict[str, frozenset[str]]:
        """Per whole metric, every metric that appears in one of its breakdowns (built once:
        it is asked per figure)."""
        out: dict[str, set[str]] = defaultdict(set)
        for table in (self.partitions, self.open_partitions):
            for whole, lists in table.items():
                for cats in lists:
                    out[whole].update(c.split(":")[0] for c in cats)
        return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def config() -> Config:
    data = load_file("checks")
    compiled = {r["id"]: r["_regex"] for r in rules("checks")}
    raw = {r["id"]: r for r in data["rules"]}

    def lists(key: str) -> dict[str, tuple[frozenset[str], ...]]:
        return {w: tuple(frozenset(c) for c in v) for w, v in (data.get(key) or {}).items()}

    def family(prefix: str, attr: str) -> tuple[tuple[str, regex.Pattern], ...]:
        return tuple((raw[i].get(attr), compiled[i]) for i in compiled if i.startswith(prefix))

    return Config(
        rate_whole={k: tuple(v) for k, v in (data.get("rate_whole") or {}).items()},
        rate_whole_listed={k: tuple(v) for k, v in (data.get("rate_whole_listed") or {}).items()},
        partitions=lists("partitions"), open_partitions=lists("open_partitions"),
        resolved_breakdowns=frozenset(data.get("resolved_breakdowns") or ()),
        rule=compiled, levels=family("checks.level.", "level"), bases=family("checks.base.", "metric"),
        subs=family("checks.sub.", "category"), timely=family("checks.timely.", "timely"), claims=family("checks.target.", "claim"),
    )


# ---------------------------------------------------------------- verdicts and numbers

def decimals_of(text: str) -> int:
    """Decimals as written: "0,72%" -> 2, "98%" -> 0, "95,31%" -> 2."""
    m = regex.search(r"\d+(?:[.,](\d+))?\s*%", text)
    return len(m.group(1)) if m and m.group(1) else 0


def verdict(computed: float, stated: float, decimals: int) -> str:
    """ok / rounding / mismatch for a stated value against the computed one."""
    q = Decimal(1).scaleb(-decimals)
    c, s = Decimal(repr(computed)), Decimal(repr(stated))
    if c.quantize(q, rounding=ROUND_HALF_UP) == s.quantize(q, rounding=ROUND_HALF_UP):
        return "ok"
    if c.quantize(q, rounding=ROUND_DOWN) == s.quantize(q, rounding=ROUND_HALF_UP) or abs(c - s) <= q:
        return "rounding"
    return "mismatch"


def rate_verdict(computed: float, stated: float, decimals: int, qualifier: str = "exact") -> str:
    """The verdict for a rate written with a qualifier: "trên 98%" holds for any computed value
    above 98, "dưới 2%" for any below 2, "khoảng 60%" within a percentage point."""
    if qualifier in ("more_than", "at_least") and computed >= stated:
        return "ok"
    if qualifier in ("less_than", "at_most") and computed <= stated:
        return "ok"
    status = verdict(computed, stated, decimals)
    if status != "mismatch":
        return status
    if qualifier == "approx" and abs(computed - stated) <= 1.0:
        return "rounding"
    return status


def equivalent_verdict(computed: float, stated: float, decimals: int, qualifier: str = "exact") -> str:
    """The verdict for a count said to be equivalent to a rate ("dưới 2%, tương đương 280.000
    hồ sơ"): the writer computed the count from the rate as written, so the count's share must
    round to it (a truncation is `rounding` only where decimals are written, "khoảng" allows one
    unit either way; "dưới"/"trên" qualify the rate, not the arithmetic)."""
    q = Decimal(1).scaleb(-decimals)
    c, s = Decimal(repr(computed)), Decimal(repr(stated))
    if c.quantize(q, rounding=ROUND_HALF_UP) == s.quantize(q, rounding=ROUND_HALF_UP):
        return "ok"
    if decimals and c.quantize(q, rounding=ROUND_DOWN) == s:
        return "rounding"
    if qualifier == "approx" and abs(c - s) <= q:
        return "rounding"
    return "mismatch"


def interval_verdict(lo: float, hi: float, stated: float, decimals: int, qualifier: str = "exact",
                     equivalent: bool = False) -> str:
    """The verdict when the figures are only as precise as written ("34 triệu hồ sơ" is 34 ± 0,5
    million): the share lies in [lo, hi]; it agrees when that meets the stated value's own
    rounding interval, is `rounding` within one unit of its last decimal, and a bound ("trên
    98%") holds when some value of the interval satisfies it. For a count said to be equivalent
    to the rate (`equivalent`) the bound is no excuse and a whole percent has no rounding band,
    as `equivalent_verdict`."""
    q = 10.0 ** -decimals
    if not equivalent and qualifier in ("more_than", "at_least") and hi >= stated:
        return "ok"
    if not equivalent and qualifier in ("less_than", "at_most") and lo <= stated:
        return "ok"
    if hi >= stated - q / 2 and lo <= stated + q / 2:
        return "ok"
    if (decimals or not equivalent or qualifier == "approx") and hi >= stated - q and lo <= stated + q:
        return "rounding"
    return "mismatch"


def half_unit(f: Fig) -> float:
    """Half the unit of the last digit written of a count with a scale word ("34 triệu" ->
    500.000, "1,18 triệu" -> 5.000); 0 for a count written in full."""
    from .numbers import parse_number

    m = config().rule["checks.scaled"].search(f.text)
    if m is None:
        return 0.0
    n = m.group("n")
    written = parse_number(n, scaled=True)
    if not written:
        return 0.0
    tail = n.rsplit(",", 1)[1] if "," in n else (n.rsplit(".", 1)[1] if "." in n and len(n.rsplit(".", 1)[1]) != 3 else "")
    return 0.5 * (f.value / written) * 10.0 ** -len(tail)


def _n(v: float) -> str:
    """A count or value in a message: at most two decimals, no trailing zeros (12.003 -> "12")."""
    if float(v).is_integer():
        return format_number(v, 0)
    return format_number(v, 2).rstrip("0").rstrip(",")


def _q(f: Fig) -> str:
    return f"«{f.text}»"


# ---------------------------------------------------------------- the subject of a figure

@dataclass(frozen=True)
class Scope:
    """Whose figure, as written before it in its sentence."""

    level: str | None = None       # tỉnh / huyện / xã / thành phố / trung ương
    body: str | None = None        # the office or body, folded ("sở nội vụ")
    procedure: str | None = None   # the procedure or field, folded
    period: str | None = None      # a period written in the sentence ("2024-Q1"), else None

    def compatible(self, other: Scope) -> bool:
        """Not stated differently: a part with no level of its own may take its whole's."""
        return all(a is None or b is None or a == b for a, b in
                   ((self.level, other.level), (self.body, other.body), (self.period, other.period)))

    def within(self, whole: Scope) -> bool:
        """Can `whole` be the whole of a part with this scope? A part that names its level, body
        or period takes only a whole that names the same ("Riêng Sở Xây dựng trễ hạn 30 hồ sơ,
        tỷ lệ 2%" is not a share of the province's total); a part that names none may take the
        subject of the whole before it."""
        return all(a is None or a == b for a, b in
                   ((self.level, whole.level), (self.body, whole.body), (self.period, whole.period)))


@lru_cache(maxsize=4096)
def _sentence_marks(sentence: str) -> tuple[tuple, tuple, tuple, tuple]:
    """Every level, body, procedure and period mention of a sentence (position, value)."""
    from .periods import Periods

    cfg = config()
    levels = sorted((m.start(), lvl) for lvl, pat in cfg.levels for m in pat.finditer(sentence))
    bodies = sorted((m.start(), fold(m.group(0))) for m in cfg.rule["checks.body"].finditer(sentence))
    procs = sorted((m.start(), fold(m.group("name"))) for m in cfg.rule["checks.procedure"].finditer(sentence))
    periods = tuple((p.start, p.period) for p in Periods(sentence, None).mentions)
    return tuple(levels), tuple(bodies), tuple(procs), periods


def _last_before(marks: tuple, pos: int):
    i = bisect_right([m[0] for m in marks], pos) - 1
    return marks[i][1] if i >= 0 else None


def scope_at(sentence: str, offset: int) -> Scope:
    """The scope of a figure at `offset` in `sentence`: the nearest mention of each before it
    (a period: the nearest before it, else the first in the sentence)."""
    levels, bodies, procs, periods = _sentence_marks(sentence)
    period = _last_before(periods, offset) or (periods[0][1] if periods else None)
    return Scope(_last_before(levels, offset), _last_before(bodies, offset), _last_before(procs, offset), period)


def scope_of(rec: dict[str, Any]) -> Scope:
    """The scope of a figure record (from its sentence and offsets alone)."""
    return scope_at(rec.get("sentence") or "", rec["start"] - rec.get("sentence_start", rec["start"]))


# ---------------------------------------------------------------- an article's structure

@dataclass(eq=False)
class Fig:
    rec: dict[str, Any]
    sent: int
    para: int
    scope: Scope
    part: Fig | None = None            # a rate: the count it follows ("3 hồ sơ, tỷ lệ 0,72%")
    equivalent: Fig | None = None      # a rate: the count said to be equivalent to it
    category: str = ""

    def __getattr__(self, name: str) -> Any:  # the record's fields: fig.value, fig.metric…
        try:
            return self.__dict__["rec"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def is_rate(self) -> bool:
        return self.rec["unit"] == "%"

    @property
    def exact(self) -> bool:
        return self.rec["qualifier"] in COUNT_QUALIFIERS_CHECKED


@dataclass(eq=False)
class Breakdown:
    """A whole and the counts listed under it ("1.245 hồ sơ, trong đó: … 1.242 …, … 3 …")."""

    head: Fig
    start: int          # the opener
    body_start: int     # where the list starts
    end: int
    members: list[Fig] = field(default_factory=list)   # same unit, not nested deeper


@dataclass
class Sent:
    i: int
    start: int
    end: int
    para: int
    figs: list[Fig]
    boundaries: list[int]     # where a new subject starts a clause (absolute offsets)
    breakdowns: list[Breakdown] = field(default_factory=list)


class Article:
    """The figures of one article with the structure the checks read."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.text: str = ctx.text
        self.cfg = config()
        sents = {s.start: (i, s) for i, s in enumerate(ctx.sentences)}
        by_sent: dict[int, list[dict]] = defaultdict(list)
        # the checks read figures as the data contract writes them (check_conflicts reads them back so)
        for f in ctx.of_kind("figure"):
            f = f.to_dict() if hasattr(f, "to_dict") else f
            by_sent[f["sentence_start"]].append(f)
        self.sents: list[Sent] = []
        for s_start in sorted(by_sent):
            i, s = sents.get(s_start, (len(sents) + s_start, None))
            para = s.paragraph if s is not None else -1
            recs = sorted(by_sent[s_start], key=lambda r: r["start"])
            sentence = recs[0]["sentence"]
            figs = [Fig(r, i, para, scope_of(r)) for r in recs]
            self.sents.append(Sent(i, s_start, recs[0]["sentence_end"], para, figs, self._boundaries(sentence, s_start)))
        for s in self.sents:
            self._link_rates(s)
            self._find_breakdowns(s)
            self._categorize(s)

    # -- structure ------------------------------------------------------------------------
    def _boundaries(self, sentence: str, s_start: int) -> list[int]:
        """Where a clause starts with a new subject or period after a semicolon ("…; cấp huyện
        tiếp nhận …", "…; năm 2023 tiếp nhận …")."""
        levels, bodies, _, periods = _sentence_marks(sentence)
        out = []
        for pos, _v in (*levels, *bodies, *periods):
            before = sentence[:pos].rstrip()
            if not before or before[-1] == ";":
                out.append(s_start + pos)
        return sorted(set(out))

    def own_scope(self, f: Fig) -> Scope:
        """The subject written in a figure's own clause (since the last comma, semicolon or
        bracket): what tells it apart from the clauses beside it, if anything."""
        s = self.sentence(f)
        clause = max((m.end() for m in regex.finditer(r"[,;:(]", self.text[s.start:f.start])), default=0)
        sentence = f.sentence
        levels, bodies, procs, periods = _sentence_marks(sentence)
        lo, hi = clause, f.start - s.start
        pick = lambda marks: next((v for pos, v in reversed(marks) if lo <= pos < hi), None)  # noqa: E731
        return Scope(pick(levels), pick(bodies), pick(procs), pick(periods))

    def _link_rates(self, s: Sent) -> None:
        link, derived = self.cfg.rule["checks.rate_link"], self.cfg.rule["checks.derived_link"]
        bare = self.cfg.rule["checks.bare_link"]
        shares = set(self.cfg.rate_whole) | set(self.cfg.rate_whole_listed)
        for k, f in enumerate(s.figs):
            if not f.is_rate:
                continue
            prev = s.figs[k - 1] if k else None
            nxt = s.figs[k + 1] if k + 1 < len(s.figs) else None
            if prev is not None and not prev.is_rate and link.fullmatch(self.text, prev.end, f.start):
                if not bare.fullmatch(self.text, prev.end, f.start) or prev.metric in shares:
                    f.part = prev
            elif nxt is not None and not nxt.is_rate and derived.fullmatch(self.text, f.end, nxt.start):
                f.equivalent = nxt

    def _find_breakdowns(self, s: Sent) -> None:
        text, opener = self.text, self.cfg.rule["checks.breakdown"]
        for m in opener.finditer(text, s.start, s.end):
            before = [f for f in s.figs if f.end <= m.start()]
            if not before:
                continue
            last = before[-1]
            head = last.part if last.is_rate else last
            if head is None or head.is_rate:
                continue
            gap = text[last.end:m.start()]
            if len(gap) > 80 or regex.search(r"[;.)]", gap):
                continue
            paren = m.group(0).startswith("(")
            end = self._close(m.start() if paren else m.end(), s, paren)
            for b in s.boundaries:
                if m.end() < b < end and not paren:
                    end = b
                    break
            same = [f for f in s.figs if m.end() <= f.start and f.end <= end]
            parts_of_head = self.cfg.part_metrics.get(head.metric, frozenset())
            listed: list[Fig] = []
            for f in same:
                if f.is_rate or f.unit != head.unit:
                    continue
                after_semicolon = bool(listed) and ";" in text[listed[-1].end:f.start]
                if not paren and after_semicolon and f.metric == head.metric != "other" \
                        and any(x.metric != head.metric for x in listed):
                    end = f.start  # "…; tiếp nhận 500 hồ sơ, …": a new whole of the same kind
                    break
                if not paren and after_semicolon and parts_of_head and f.metric != "other" \
                        and f.metric not in parts_of_head and all(x.metric in parts_of_head for x in listed):
                    end = f.start  # "(trước hạn …, trễ hạn …); đang giải quyết 35": the list is over
                    break
                listed.append(f)
            members = [f for f in same if f.start < end and not f.is_rate and f.unit == head.unit]
            s.breakdowns.append(Breakdown(head, m.start(), m.end(), end, members))
        # a member listed under another member belongs to that one only
        for b in s.breakdowns:
            nested = {id(f) for other in s.breakdowns if other is not b and any(other.head is x for x in b.members)
                      for f in other.members}
            b.members = [f for f in b.members if id(f) not in nested]

    def _close(self, pos: int, s: Sent, paren: bool) -> int:
        """The end of a breakdown: its closing bracket, else the enclosing bracket's, else the
        sentence's end."""
        depth = 0
        text = self.text
        if paren:
            for j in range(pos, s.end):
                if text[j] == "(":
                    depth += 1
                elif text[j] == ")":
                    depth -= 1
                    if depth == 0:
                        return j
            return s.end
        open_before = text.count("(", s.start, pos) - text.count(")", s.start, pos)
        if open_before > 0:
            for j in range(pos, s.end):
                if text[j] == "(":
                    depth += 1
                elif text[j] == ")":
                    if depth == 0:
                        return j
                    depth -= 1
        return s.end

    def _categorize(self, s: Sent) -> None:
        """A count's category: its metric, read again from its own words where they say more.
        A resolved count "giải quyết trong hạn" / "quá hạn" is one of on-time or late dossiers,
        and dossiers_on_time splits into early and strictly on time ("sớm hẹn 130 HS",
        "đúng hẹn 412 HS")."""
        text = self.text
        for k, f in enumerate(s.figs):
            f.category = f.metric
            if f.is_rate or f.metric not in ("dossiers_on_time", "dossiers_resolved"):
                continue
            start = s.figs[k - 1].end if k else s.start
            left = text[start:f.start]
            if k:
                cut = regex.search(r"[,;]", left)
                left = left[cut.end():] if cut else left
            for b in s.breakdowns:
                if b.body_start <= f.start and b.body_start > start:
                    left = text[b.body_start:f.start]
            nxt = s.figs[k + 1].start if k + 1 < len(s.figs) else s.end
            right = regex.split(r"[,;()]", text[f.end:nxt], maxsplit=1)[0]
            words = left + " " + right
            if f.metric == "dossiers_resolved":
                timely = [m for m, pat in self.cfg.timely if pat.search(words)]
                if len(timely) == 1:
                    f.category = timely[0]
                continue
            found = {cat for cat, pat in self.cfg.subs if pat.search(words)}
            if found == {"early"}:
                f.category = "dossiers_on_time:early"
            elif found == {"strict"}:
                f.category = "dossiers_on_time:strict"
        # "đúng hạn" alone is on time in the wide sense unless an early sibling is listed
        for group in self._sibling_groups(s):
            if not any(f.category == "dossiers_on_time:early" for f in group):
                for f in group:
                    if f.category == "dossiers_on_time:strict":
                        f.category = "dossiers_on_time"

    @staticmethod
    def kind(f: Fig) -> str:
        """The metric the checks treat a figure as: its category without the split."""
        return f.category.split(":")[0] if f.category else f.metric

    def _sibling_groups(self, s: Sent) -> list[list[Fig]]:
        groups = [b.members for b in s.breakdowns]
        listed = {id(f) for g in groups for f in g}
        groups.append([f for f in s.figs if id(f) not in listed])
        return groups

    # -- lookups ----------------------------------------------------------------------------
    def sentence(self, f: Fig) -> Sent:
        return next(s for s in self.sents if s.i == f.sent)

    def segment(self, s: Sent, pos: int) -> tuple[int, int]:
        i = bisect_right(s.boundaries, pos)
        lo = s.boundaries[i - 1] if i else s.start
        hi = s.boundaries[i] if i < len(s.boundaries) else s.end
        return lo, hi

    def breakdown_of(self, f: Fig) -> Breakdown | None:
        for b in self.sentence(f).breakdowns:
            if any(m is f for m in b.members):
                return b
        return None

    def find_whole(self, part: Fig, metrics: Iterable[str]) -> tuple[Fig | None, list[Fig], str]:
        """The one count of a base metric for `part`: in its clause, else its sentence, else
        the sentences before it in its paragraph; never two candidates with different values.
        Returns (whole, the candidates when ambiguous, where it was found)."""
        metrics = tuple(metrics)
        s = self.sentence(part)

        def ok(c: Fig) -> bool:
            return Article.kind(c) in metrics and not c.is_rate and c.role == "actual" and c is not part

        # in its sentence, only what the part's own clause says tells the candidates apart (a
        # subject inherited from the clause before it may not be the part's); from the
        # sentences before, the subject of the part's whole sentence does
        lo, _hi = self.segment(s, part.start)
        own = self.own_scope(part)
        pools = [
            ("its clause", [c for c in s.figs if ok(c) and lo <= c.start < part.start and own.within(c.scope)]),
            ("its sentence", [c for c in s.figs if ok(c) and c.start < lo and own.within(c.scope)]),
            ("its paragraph", [c for t in self.sents if t.para == s.para and t.para >= 0 and t.start < s.start
                               for c in t.figs if ok(c) and part.scope.within(c.scope)]),
        ]
        for where, pool in pools:
            if not pool:
                continue
            for metric in metrics:  # in order of preference
                cands = [c for c in pool if Article.kind(c) == metric]
                if not cands:
                    continue
                # a count listed under another candidate is a share of it, not another base
                heads = {id(c) for c in cands}
                sub = {id(m) for t in self.sents for b in t.breakdowns if id(b.head) in heads for m in b.members}
                cands = [c for c in cands if id(c) not in sub]
                # one value, for one subject: the same count mentioned again, not two counts
                if len({(c.value, c.scope.level, c.scope.body) for c in cands}) == 1:
                    return cands[-1], [], where
                return None, cands, where
        return None, [], ""


# ---------------------------------------------------------------- records

def _record(ctx, check: str, status: str, figs: list[Fig], expected, reported, message: str,
            reason: str, reported_figure: Fig | None) -> Check:
    s = min(f.sentence_start for f in figs)
    e = max(f.sentence_end for f in figs)
    return Check(**ctx.span(s, e), check=check, status=status, figures=[f.id for f in figs], expected=expected,
                 reported=reported, message=message, reason=reason,
                 reported_figure=reported_figure.id if reported_figure is not None else None)


# ---------------------------------------------------------------- rate checks

def _base_for(art: Article, r: Fig, part: Fig) -> tuple[float | None, list[Fig], str, str | None]:
    """(whole value, the figures it rests on, why, or a reason it cannot be checked)."""
    cfg, text = art.cfg, art.text
    after = text[r.end:min(r.sentence_end, r.end + 90)]
    # 1. "a/b": the whole is written with the part
    if part.total:
        return part.total, [], f"the count is written with its whole ({part.text})", None
    # 2. the sentence names the base after the rate ("trên tổng số hồ sơ tiếp nhận")
    for metric, pat in cfg.bases:
        if pat.match(after):
            whole, cands, where = art.find_whole(part, (metric,))
            if whole is not None:
                return whole.value, [whole], f"the sentence names its base ({after.strip()[:40]}…), given once in {where}", None
            return None, [], "", f"its base, named as «{after.strip(' .,;')[:40]}», is not given once"
    s = art.sentence(r)
    nxt = [f for f in s.figs if f.start >= r.end]
    if nxt and not nxt[0].is_rate and cfg.rule["checks.in_total"].fullmatch(text, r.end, nxt[0].start):
        return nxt[0].value, [nxt[0]], f"the sentence says «trong tổng số» {nxt[0].text}", None
    if nxt and not nxt[0].is_rate and nxt[0].unit == part.unit \
            and cfg.rule["checks.target_base"].fullmatch(text, r.end, nxt[0].start):
        return nxt[0].value, [nxt[0]], f"the rate is of the target named after it ({nxt[0].text})", None
    if cfg.rule["checks.base.named"].match(after):
        return None, [], "", f"it is a share of «{after.strip(' .,;(')[:50]}», which the article does not give as a count"
    metric = Article.kind(part)
    bd = art.breakdown_of(part)
    bases = cfg.rate_whole.get(metric, ())
    listed = bases + cfg.rate_whole_listed.get(metric, ())
    # 3. the whole the part is listed under
    if bd is not None:
        head = bd.head
        if metric == "other":
            if cfg.rule["checks.share_word"].search(text, part.end, r.start):
                return head.value, [head], f"the count is listed under {head.text} and said to make up the rate of it", None
            return None, [], "", None
        if Article.kind(head) in listed:
            return head.value, [head], f"the count is listed under {head.text} ({_opener(art, bd)})", None
        if metric in cfg.resolved_breakdowns and head.metric == "dossiers_received":
            if _all_resolved(art, bd.head, bd.members):
                return head.value, [head], (f"the count is listed under {head.text} received, and the on-time and late "
                                            "dossiers listed add up to it: every dossier received was resolved"), None
            return None, [], "", (f"an on-time or late share is a share of the dossiers resolved, which the article "
                                  f"does not give; the breakdown under {head.text} received does not show them all resolved")
        if listed:
            return None, [], "", f"it is listed under {head.text}, which is not a {' or '.join(listed)} count"
    if metric == "other" or not listed:
        return None, [], "", None
    if not bases:
        return None, [], "", f"it is not listed under a whole it could be a share of ({' or '.join(listed)})"
    # 4. the one count of the base metric for the same subject
    whole, cands, where = art.find_whole(part, bases)
    if whole is not None:
        if whole.metric == "dossiers_received" and any(cfg.rule["checks.carry_over"].search(text, t.start, t.end)
                                                       for t in (art.sentence(whole), s)):
            # said of the received count (checks.yaml: its sentence), or of the rate's base
            return None, [], "", "the received count may not include the dossiers carried over from the period before"
        return whole.value, [whole], f"its base, {whole.text} ({whole.metric}), is the one such count for the same subject in {where}", None
    if cands:
        vals = ", ".join(sorted({c.text for c in cands}))
        return None, [], "", f"its base could be any of {vals}; the article does not say which"
    if metric in cfg.resolved_breakdowns:
        received, _, _ = art.find_whole(part, ("dossiers_received",))
        if received is not None:
            siblings = [f for f in art.sentence(part).figs if f.start > received.start and not f.is_rate]
            if _all_resolved(art, received, siblings):
                return received.value, [received], (f"the on-time and late dossiers add up to the {received.text} "
                                                     "received: every dossier received was resolved"), None
            return None, [], "", (f"an on-time or late share is a share of the dossiers resolved, which the article "
                                  f"does not give (it gives {received.text} received)")
        return None, [], "", "an on-time or late share is a share of the dossiers resolved, which the article does not give"
    return None, [], "", f"the article gives no {' or '.join(bases)} count it could be a share of"


def _opener(art: Article, b: Breakdown) -> str:
    words = art.text[b.start:b.body_start].strip(" :(")
    return f"in brackets after it{', «' + words + '»' if words else ''}" if art.text[b.start] == "(" else f"«{words}»"


def _all_resolved(art: Article, whole: Fig, parts: list[Fig]) -> bool:
    """The on-time and late dossiers among `parts` add up to `whole` exactly."""
    cats = [p for p in parts if Article.kind(p) in art.cfg.resolved_breakdowns and p.role == "actual" and p.exact]
    return len(cats) >= 2 and abs(sum(p.value for p in cats) - whole.value) < 1e-9


def _rate_checks(art: Article) -> list[Check]:
    out = []
    ctx, text = art.ctx, art.text
    for s in art.sents:
        for r in s.figs:
            if not r.is_rate or r.role != "actual" or r.qualifier in ("range_low", "range_high"):
                continue
            if art.cfg.rule["checks.comparison"].match(text, r.end, min(r.sentence_end, r.end + 60)):
                continue  # a change against another period, not a share
            if art.cfg.rule["checks.change_before"].search(text, max(r.sentence_start, r.start - 60), r.start):
                continue  # "giảm gần 80%": a change, not a share
            if r.part is not None:
                part = r.part
                # "700 trong tổng số 1.200 dịch vụ công, đạt 58%": the part is before the whole
                k = s.figs.index(part)
                if k and not s.figs[k - 1].is_rate and art.cfg.rule["checks.in_total"].fullmatch(text, s.figs[k - 1].end, part.start):
                    part, whole_v, used, why, missing = s.figs[k - 1], r.part.value, [r.part], \
                        f"the sentence says «trong tổng số» {r.part.text}", None
                else:
                    whole_v, used, why, missing = _base_for(art, r, part)
            elif r.equivalent is not None:
                eq = r.equivalent
                if eq.total:
                    part, whole_v, used, why, missing = eq, eq.total, [], f"the rate is followed by its part and whole ({eq.text})", None
                else:
                    part = eq
                    whole_v, used, why, missing = _equivalent_base(art, r, eq)
            else:
                continue
            figs = [r, part, *used]
            label = f"{_q(r)} of {_q(part)}"
            if missing:
                out.append(_record(ctx, "rate", "unchecked", figs, None, r.value, f"not checked: {label}: {missing}.",
                                   missing, r))
                continue
            if whole_v is None:
                continue
            inexact = [f for f in (part, *used) if not f.exact]
            if inexact:
                why_not = f"{', '.join(_q(f) for f in inexact)} is not an exact count"
                out.append(_record(ctx, "rate", "unchecked", figs, None, r.value, f"not checked: {label}: {why_not}.",
                                   why_not, r))
                continue
            if not whole_v:
                continue
            computed = part.value / whole_v * 100
            d = decimals_of(r.text)
            equivalent = part is r.equivalent and not part.total
            dp = half_unit(part)
            dw = next((half_unit(f) for f in used if f.value == whole_v), 0.0)
            if dp or dw:  # figures written with a scale word: only as precise as written
                lo, hi = (part.value - dp) / (whole_v + dw) * 100, (part.value + dp) / max(whole_v - dw, 1e-9) * 100
                status = interval_verdict(lo, hi, r.value, d, r.qualifier, equivalent=equivalent)
            else:
                judge = equivalent_verdict if equivalent else rate_verdict
                status = judge(computed, r.value, d, r.qualifier)
            exp = round(computed, max(d, 2))
            qual = "" if r.qualifier == "exact" else f" ({r.text.split()[0]})"
            msg = (f"{_n(part.value)} of {_n(whole_v)} is {format_number(computed, d + 2)}%; "
                   f"the article states {format_number(r.value, d)}%{qual}"
                   + {"ok": ".", "rounding": " (a rounding or truncation difference, not an error).",
                      "mismatch": ": the stated rate does not follow from the figures."}[status])
            out.append(_record(ctx, "rate", status, figs, exp, r.value, msg, why, r))
    return out


def _equivalent_base(art: Article, r: Fig, eq: Fig) -> tuple[float | None, list[Fig], str, str | None]:
    """The whole a rate is taken of when a count is said to be equivalent to it: the whole
    the rate is listed under, else the one larger count of the same unit before the rate."""
    s = art.sentence(r)
    for b in s.breakdowns:
        if b.body_start <= r.start < b.end and b.head.unit == eq.unit:
            return b.head.value, [b.head], f"the rate is listed under {b.head.text} and {eq.text} is said to be equivalent to it", None
    def ok(f: Fig) -> bool:
        return (not f.is_rate and f.unit == eq.unit and f is not eq and f.role == "actual"
                and f.value > eq.value and eq.scope.within(f.scope))

    # in its sentence before the rate, else in the sentences before it in its paragraph
    pools = [("its sentence", [f for f in s.figs if f.start < r.start and ok(f)]),
             ("its paragraph", [f for t in art.sents if t.para == s.para and t.para >= 0 and t.start < s.start
                                for f in t.figs if ok(f)])]
    for where, cands in pools:
        if len({(c.value, c.scope.level, c.scope.body) for c in cands}) == 1:
            w = cands[-1]
            return w.value, [w], (f"{eq.text} is said to be equivalent to the rate, and {w.text} is the one "
                                  f"larger count of {eq.unit} in {where}"), None
        if cands:
            return None, [], "", f"the rate could be of any of {', '.join(c.text for c in cands)}"
    return None, [], "", f"the whole that {eq.text} is a share of is not given"


# ---------------------------------------------------------------- sums

def _sum_checks(art: Article) -> list[Check]:
    """Each whole against its parts: those listed under it ("trong đó", brackets), else those
    stated after it in its clause (up to the next whole of its kind), each once."""
    out = []
    for s in art.sents:
        headed = {id(b.head): b for b in s.breakdowns}
        for w in s.figs:
            if w.is_rate or w.role != "actual" or Article.kind(w) not in art.cfg.part_metrics:
                continue
            b = headed.get(id(w))
            rec = None
            if b is not None and b.members:
                parts = [m for m in b.members if m.role == "actual"]
                rec = _sum_of(art, w, parts, f"the parts are listed under it ({_opener(art, b)})")
            if rec is None:
                lo, hi = art.segment(s, w.start)
                under_other = {id(f) for ob in s.breakdowns if ob.head is not w for f in ob.members}
                own = {id(f) for ob in s.breakdowns if ob.head is w for f in ob.members}
                parts = []
                for f in s.figs:
                    if f.start <= w.start or f.start >= hi or id(f) in own:
                        continue
                    if Article.kind(f) == Article.kind(w):
                        break
                    if not f.is_rate and f.role == "actual" and f.unit == w.unit and id(f) not in under_other:
                        parts.append(f)
                rec = _sum_of(art, w, parts, "the parts follow it in the same clause, each stated once")
            if rec is not None:
                out.append(rec)
    return out


def _sum_of(art: Article, w: Fig, parts: list[Fig], how: str) -> Check | None:
    cfg, ctx = art.cfg, art.ctx
    whole_kind = Article.kind(w)
    relevant = cfg.part_metrics[whole_kind]
    mine = [p for p in parts if Article.kind(p) in relevant and p.scope.compatible(w.scope)]
    unknown = [p for p in parts if p.metric == "other"]
    cats = [p.category for p in mine]
    kind = None
    # a whole broken down by level ("1.856 thủ tục, trong đó cấp tỉnh 1.420, cấp huyện 280, cấp
    # xã 156"): the levels listed may leave out others (offices of central agencies), so open
    by_level = [p for p in parts if Article.kind(p) == whole_kind and p.role == "actual"]
    levels = [art.own_scope(p).level for p in by_level]
    if not mine and len(by_level) >= 2 and all(levels) and len(set(levels)) == len(levels) \
            and art.own_scope(w).level is None and all(p.exact for p in by_level):
        mine, cats, kind = by_level, [f"cấp {lv}" for lv in levels], "open"
    rest = ("other levels or offices not listed may make up the rest" if kind else
            "the rest may still be in progress")
    if len(mine) < 2 or len(set(cats)) != len(cats) or not w.exact or any(not p.exact for p in mine):
        return None
    for table, name in ((cfg.partitions, "complete"), (cfg.open_partitions, "open")):
        if kind is None and any(frozenset(cats) == c for c in table.get(whole_kind, ())):
            kind = name
    if kind is None:
        return None
    mine.sort(key=lambda p: p.start)
    total = sum(p.value for p in mine)
    whole = w.value
    terms = " + ".join(_n(p.value) for p in mine)
    unit = w.unit or ""
    names = " + ".join(f"«{c if c.startswith('cấp ') else metric_label(c).lower()}»" for c in cats)
    reason = f"{how}; {names} make up «{metric_label(Article.kind(w)).lower()}»" + ("" if kind == "complete" else " (when every one is listed)")
    slack = half_unit(w) + sum(half_unit(p) for p in mine)  # "1,2 triệu" is 1,2 ± 0,05 million
    if abs(total - whole) <= slack + 1e-9:
        return _record(ctx, "sum", "ok", [w, *mine], total, whole, f"{terms} = {_n(total)} {unit}, as stated.", reason, w)
    if unknown:
        return None  # a part whose kind is not known may make up the difference
    s = art.sentence(w)
    if whole_kind == "dossiers_received" and cfg.rule["checks.carry_over"].search(art.text, s.start, s.end):
        return None  # dossiers carried over from the period before may make up the difference
    if kind == "open" and total < whole:
        why = f"{terms} = {_n(total)} {unit} of the {_n(whole)} stated; {rest}, which the article does not say"
        return _record(ctx, "sum", "unchecked", [w, *mine], total, whole, f"not checked: {why}.", why, w)
    msg = (f"{terms} = {_n(total)} {unit}, but the article states {_n(whole)}: the parts do not add up"
           + (f" ({_n(abs(whole - total))} {'more' if total > whole else 'not accounted for'})." ))
    return _record(ctx, "sum", "mismatch", [w, *mine], total, whole, msg, reason, w)


# ---------------------------------------------------------------- targets

def _target_checks(art: Article) -> list[Check]:
    out = []
    ctx, text = art.ctx, art.text
    claims = dict((c, p) for c, p in art.cfg.claims)
    for s in art.sents:
        for i, t in enumerate(s.figs):
            if t.role != "target" or t.metric == "other":
                continue
            actuals = [f for f in s.figs[:i] if f.metric == t.metric and f.role == "actual"]
            if len(actuals) != 1:
                continue
            a = actuals[0]
            if s.figs.index(t) - s.figs.index(a) != 1 or not a.exact:
                continue  # another figure between them, or an approximate one: the claim may be of that
            between = text[a.end:t.start]
            if claims["exceeds"].search(between):
                claim, ok = "exceeds", a.value > t.value
            elif claims["meets"].search(between):
                claim, ok = "meets", a.value >= t.value
            else:
                continue  # a target stated without a claim about it: nothing to verify
            status = "ok" if ok else "mismatch"
            unit = lambda f: f.unit if f.unit == "%" else " " + (f.unit or "")  # noqa: E731
            msg = (f"The article says {_n(a.value)}{unit(a)} {claim} the target of {_n(t.value)}{unit(t)}"
                   + (": it does." if ok else ": it does not."))
            reason = f"the sentence claims that {a.text} {'exceeds' if claim == 'exceeds' else 'meets'} the target {t.text}"
            out.append(_record(ctx, "target", status, [a, t], t.value, a.value, msg, reason, a))
    return out


# ---------------------------------------------------------------- entry points

def check_article(ctx) -> list[Check]:
    if not ctx.of_kind("figure"):
        return []
    art = Article(ctx)
    return _rate_checks(art) + _sum_checks(art) + _target_checks(art)


def _place_in_sentence(rec: dict[str, Any]) -> str | None:
    """The figure's place, when its sentence names it ("Năm 2023, huyện Kiến Thụy …")."""
    loc = rec.get("locality")
    if not loc:
        return None
    name = config().rule["checks.place_unit"].sub("", fold(loc), count=1)
    squash = lambda s: regex.sub(r"[\s.]+", "", s)  # noqa: E731
    if name and squash(name) in squash(fold(rec.get("sentence"))):
        return squash(fold(loc))
    return None


def _scope_words(rec: dict[str, Any]) -> frozenset[str]:
    """The words of a figure's own clause and unit that could narrow what it counts: its
    clause up to the figure and the words after it up to the next comma, without the place's
    name, numbers and the syllables of `conflict_neutral` (patterns/checks.yaml)."""
    sentence = rec.get("sentence") or ""
    at = rec["start"] - rec.get("sentence_start", rec["start"])
    end = at + len(rec.get("text") or "")
    lo = max((m.end() for m in regex.finditer(r"[,;:(]", sentence[:at])), default=0)
    hi = next((m.start() for m in regex.finditer(r"[,;:().]", sentence[end:])), len(sentence) - end) + end
    place = set(regex.findall(r"\p{L}+", fold(rec.get("locality"))))
    neutral = _neutral()
    return frozenset(w for w in regex.findall(r"\p{L}+", fold(sentence[lo:hi])) if w not in neutral and w not in place)


@lru_cache(maxsize=1)
def _neutral() -> frozenset[str]:
    from .patterns import lexicon

    return frozenset(fold(w) for w in lexicon()["lists"]["conflict_neutral"])


def check_conflicts(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Across articles: the same metric, subject (body, procedure), place, level and period
    reported with different values. The place and the period must be written in the figure's
    sentence; an article that itself gives two values for one key says the key is not
    specific enough, and the key is left alone; the same sentence in two inputs is one report."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in records:
        if r.get("kind") != "figure" or r.get("metric") in (None, "other") or r.get("role") != "actual":
            continue
        if r.get("qualifier") != "exact" or not r.get("sentence"):
            continue
        place = _place_in_sentence(r)
        sc = scope_of(r)
        if place is None or sc.period is None:
            continue
        key = (r["metric"], r.get("unit"), place, sc.level, sc.body, sc.procedure, sc.period)
        groups[key].append(r)
    out = []
    for key, figs in groups.items():
        per_article: dict[str, set] = defaultdict(set)
        for f in figs:
            per_article[f["article_id"]].add(f["value"])
        if any(len(v) > 1 for v in per_article.values()):
            continue  # one article gives two values: the key does not single out one quantity
        reports: dict[str, dict] = {}
        for f in figs:
            reports.setdefault(fold(f["sentence"]), f)  # the same sentence twice is one report
        values = sorted({f["value"] for f in reports.values()})
        if len({f["article_id"] for f in reports.values()}) < 2 or len(values) < 2:
            continue
        words = {id(f): _scope_words(f) for f in reports.values()}
        if any(a["value"] != b["value"] and words[id(a)] != words[id(b)]
               for a in reports.values() for b in reports.values()):
            continue  # "hồ sơ đất đai" against "hồ sơ": words that narrow one of them
        by_value = defaultdict(list)
        for f in figs:
            by_value[f["value"]].append(f["source"])
        detail = "; ".join(f"{_n(v)} in {', '.join(sorted(set(srcs)))}" for v, srcs in sorted(by_value.items()))
        metric, unit, _, level, body, proc, period = key
        loc = figs[0]["locality"]
        subject = ", ".join(x for x in (body, f"cấp {level}" if level else None, proc) if x)
        out.append(Check(article_id=figs[0]["article_id"], source=figs[0]["source"], text=figs[0]["sentence"],
                         start=figs[0]["sentence_start"], end=figs[0]["sentence_end"],
                         check="conflict", status="mismatch", figures=[f["id"] for f in figs],
                         expected=None, reported=values, reported_figure=None,
                         reason=(f"the same metric, place ({loc}), period ({period})"
                                 + (f" and subject ({subject})" if subject else ", with no narrower subject in either sentence")
                                 + " are written in each sentence"),
                         message=f"{metric} for {loc}{' (' + subject + ')' if subject else ''}, {period} is reported "
                                 f"differently: {detail}.").to_dict())
    return out
