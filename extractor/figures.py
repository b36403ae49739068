"""Figure records: every quantity of an article, labelled with a metric of the vocabulary.

The rules are data (patterns/figures.yaml, which explains the order in which they apply);
this module only walks the sentences, builds the context windows of each quantity and asks
the rules. A number no rule explains is kept as `other`, never guessed.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

import regex

from .numbers import Quantity, blocked_spans, find_quantities
from .leads import scanner
from .patterns import compile_pattern, load_file, rules
from .periods import Periods, period_source, period_year
from .records import Figure

_CLAUSE_END = regex.compile(r"[;.](?:\s|$)")
_RIGHT_REACH = 500  # a `right` cue is anchored at the unit: no cue reads further than this
_YEAR4 = regex.compile(r"\d{4}")
_OPEN_PAREN = regex.compile(r"\s*\(\s*")


@dataclass
class Rule:
    id: str
    metric: str
    units: frozenset[str]
    left: regex.Pattern | None
    right: regex.Pattern | None
    phrase: regex.Pattern | None
    sentence: regex.Pattern | None
    unit_text: regex.Pattern | None
    requires: regex.Pattern | None
    allow_delta: bool
    default: bool
    weak: bool
    priority: int
    order: int
    index_metric: dict[str, str] | None = None   # the metric is the index's (scores.index)
    veto: regex.Pattern | None = None             # anywhere in the clause before: this rule wins
    unless_before: regex.Pattern | None = None    # anywhere earlier in the sentence: not this rule


@dataclass(frozen=True)
class FigureRules:
    """patterns/figures.yaml, compiled once."""

    rules: list[Rule]             # in file order
    rate_of: dict[str, str]       # a count's metric -> the metric of its rate
    count_of: dict[str, str]      # a rate's metric -> the metric of its count
    connector: regex.Pattern      # what joins a rate to the count before it ("đạt tỷ lệ")
    target: regex.Pattern         # a target cue ("chỉ tiêu", "phấn đấu")
    rate_head: regex.Pattern      # the start of a rate's description ("tỷ lệ", "chỉ số")
    subject: regex.Pattern        # whose figure ("Bộ phận Một cửa phường, xã")
    subject_locality: regex.Pattern   # the place inside a subject
    not_alone: frozenset[str]     # words that are no subject on their own ("cấp", "UBND")


@lru_cache(maxsize=1)
def _rules() -> FigureRules:
    out = []
    for n, r in enumerate(rules("figures")):
        out.append(Rule(
            id=r["id"], metric=r["metric"], units=frozenset(r.get("units") or ()),
            left=r.get("_left"), right=r.get("_right"), phrase=r.get("_phrase"), sentence=r.get("_sentence"),
            unit_text=compile_pattern(r["unit_text"]) if r.get("unit_text") else None,
            requires=compile_pattern(r["requires"]) if r.get("requires") else None,
            allow_delta=bool(r.get("allow_delta")), default=bool(r.get("default")),
            weak=bool(r.get("weak") or r.get("default")), priority=int(r.get("priority", 0)), order=n,
            index_metric=r.get("index_metric"), veto=compile_pattern(r["veto"]) if r.get("veto") else None,
            unless_before=compile_pattern(r["unless_before"]) if r.get("unless_before") else None,
        ))
    data = load_file("figures")
    rate_of = dict(data.get("rate_of") or {})
    count_of: dict[str, str] = {}
    for count, rate in rate_of.items():
        count_of.setdefault(rate, count)
    return FigureRules(
        rules=out, rate_of=rate_of, count_of=count_of, connector=compile_pattern("{rate_link}|{rate_tail}"),
        target=compile_pattern("{target_cue}"), rate_head=compile_pattern("{rate_head}"),
        subject=compile_pattern("{subject}"), subject_locality=compile_pattern("{subject_locality}"),
        not_alone=frozenset(w.casefold() for w in data["subject_not_alone"]))


_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=None)
def _part(name: str) -> regex.Pattern:
    """A named part of figures.yaml (or the lexicon), compiled once."""
    return compile_pattern("{%s}" % name)


@lru_cache(maxsize=1)
def _rule_sets() -> tuple[list[Rule], list[Rule], dict[str, list[Rule]]]:
    """The index rules, the vetoes, and the other rules by the unit class they label (in
    file order): a quantity is tried against the rules of its unit only."""
    all_rules = _rules().rules
    plain = [r for r in all_rules if not r.index_metric and r.veto is None]
    by_class: dict[str, list[Rule]] = {}
    for cls in {c for r in plain for c in r.units}:
        by_class[cls] = [r for r in plain if cls in r.units]
    return [r for r in all_rules if r.index_metric], [r for r in all_rules if r.veto is not None], by_class


@lru_cache(maxsize=1)
def _delta_up() -> regex.Pattern:
    return compile_pattern("{delta_up}")


@lru_cache(maxsize=1)
def _delta_down() -> regex.Pattern:
    return compile_pattern("{delta_down}")


@lru_cache(maxsize=1)
def _level_after_change() -> regex.Pattern:
    return compile_pattern("{level_after_change}")


def _rate_head() -> regex.Pattern:
    return _rules().rate_head


@dataclass
class Labelled:
    q: Quantity
    metric: str = "other"
    rule: str = "none"
    role: str = "actual"
    about: int | None = None   # index of the count a derived rate qualifies


def _applies(rule: Rule, q: Quantity, sentence: str, delta: str | None, sentence_left="",
             seen: dict | None = None) -> bool:
    """`seen` remembers, for one sentence, whether each rule's `requires` is in it;
    `sentence_left` may be a `_Lazy` slice."""
    if q.unit_class not in rule.units:
        return False
    if rule.unit_text is not None and not rule.unit_text.search(q.unit_text or ""):
        return False
    if rule.requires is not None:
        if seen is None:
            ok = rule.requires.search(sentence) is not None
        elif (ok := seen.get(rule.id)) is None:
            ok = seen[rule.id] = rule.requires.search(sentence) is not None
        if not ok:
            return False
    if rule.unless_before is not None and rule.unless_before.search(str(sentence_left)):
        return False
    if delta and not (rule.allow_delta and delta == "down"):
        return False
    return True


def _nearest_left(cands: list[Rule], q: Quantity, left: str) -> Rule | None:
    """The rule whose `left` cue ends nearest to the number (ties: priority, then file order)."""
    best, best_key = None, None
    for rule in cands:
        if rule.left is None:
            continue
        end = -1
        for m in rule.left.finditer(left, overlapped=True):
            end = max(end, m.end())
        if end < 0:
            continue
        key = (end, rule.priority, -rule.order)
        if best_key is None or key > best_key:
            best, best_key = rule, key
    return best


class _Lazy:
    """text[start:end], sliced on first use."""

    __slots__ = ("text", "start", "end", "_s")

    def __init__(self, text: str, start: int, end: int):
        self.text, self.start, self.end, self._s = text, start, end, None

    def __str__(self) -> str:
        if self._s is None:
            self._s = self.text[self.start:self.end]
        return self._s


def _first(cands: list[Rule], attr: str, window: str | _Lazy) -> Rule | None:
    pats = [(r, getattr(r, attr)) for r in cands if getattr(r, attr) is not None]
    if not pats:
        return None
    window = str(window)
    hits = [r for r, pat in pats if pat.search(window)]
    if not hits:
        return None
    return max(hits, key=lambda r: (r.priority, -r.order))


def label_sentence(text: str, s_start: int, s_end: int, qs: list[Quantity], index: str | None = None) -> list[Labelled]:
    """Label the quantities of one sentence (in order). `index`: the index the sentence scores
    bodies on (figures.extract decides), whose scores scores.index labels."""
    fr = _rules()
    rate_of, count_of, connector, target_re = fr.rate_of, fr.count_of, fr.connector, fr.target
    index_rules, vetoes, by_class = _rule_sets()
    out: list[Labelled] = []
    consumed = s_start
    # each quantity looks at windows of the sentence: the sentence and its clause ends are
    # found once, not once per quantity (a sentence of 10,000 rates stays linear)
    sentence = text[s_start:s_end]
    seen: dict[str, bool] = {}
    clause_ends = [m.start() for m in _CLAUSE_END.finditer(text, s_start, s_end)]

    def clause_after(pos: int) -> str:
        """text from pos to the end of its clause, at most _RIGHT_REACH characters."""
        k = bisect_left(clause_ends, pos)
        return text[pos:min(clause_ends[k] if k < len(clause_ends) else s_end, pos + _RIGHT_REACH)]

    for i, q in enumerate(qs):
        lab = Labelled(q)
        prev = out[-1] if out else None
        seg_start = max(prev.q.end, consumed) if prev else s_start
        left = text[seg_start:q.start]
        right = clause_after(q.end)
        sentence_left = _Lazy(text, s_start, q.start)  # sliced only when a rule looks that far
        delta = "up" if _delta_up().search(left) else "down" if _delta_down().search(left) else None
        if delta and _level_after_change().search(left):
            delta = None  # "giảm mạnh, chỉ còn 2,1%": the level reached
        cands = [r for r in by_class.get(q.unit_class, ()) if _applies(r, q, sentence, delta, sentence_left, seen)]
        veto = next((r for r in vetoes if q.unit_class in r.units and r.veto.search(left)), None)
        if veto is not None:
            lab.metric, lab.rule = veto.metric, veto.id
            out.append(lab)
            continue

        if q.is_percent:
            cues = list(target_re.finditer(left))
            heads = list(_rate_head().finditer(left))
            # a goal is named near its figure ("chỉ tiêu" a sentence away is an indicator), or
            # right before the rate it governs
            if cues and ((len(left) - cues[-1].end() <= 120 and (not heads or cues[-1].end() > heads[-1].start()))
                         or (heads and _part("governs").fullmatch(left, cues[-1].end(), heads[-1].start()))):
                # "vượt chỉ tiêu … 30%"; "phấn đấu (đảm bảo) tỷ lệ hồ sơ … đạt trên 60%"
                lab.role = "target"
            elif prev is not None and prev.role == "target" and prev.q.is_percent and not heads \
                    and not _part("actual").search(left):
                lab.role = "target"  # "…đạt trên 60%; các dịch vụ khác đạt tối thiểu 30%": the same goal
        # 1. a cue right after the unit (the next quantity's window starts after it); a part of
        #    the whole counted after it takes what is said of that whole ("700 trong tổng số
        #    1.200 dịch vụ công, thủ tục của Đà Nẵng đã được trực tuyến hóa mức 3, 4")
        if q.part_of_next and i + 1 < len(qs):
            whole_right = clause_after(qs[i + 1].end)
            pred = _part("predicate").search(whole_right, 0, 80)
            rule = _first(cands, "right", whole_right[pred.start():]) if pred else None
        else:
            rule = _first(cands, "right", right)
            if rule is not None:
                consumed = q.end + rule.right.search(right).end()
        # 2. a rate's own description after "tỷ lệ" / "chỉ số" (a count in between does not
        #    end it: "tỷ lệ hài lòng … ở 6 lĩnh vực nằm trong khoảng 73,7% …"; a rate does)
        if rule is None and q.is_percent:
            last_rate = next((o for o in reversed(out) if o.q.is_percent), None)
            rate_left = text[max(consumed, last_rate.q.end if last_rate else s_start):q.start]
            heads = list(_rate_head().finditer(rate_left))
            if heads:
                phrase = rate_left[heads[-1].end():]
                hits = [r for r in cands if r.phrase is not None and r.phrase.search(phrase)]
                if hits:
                    rule = max(hits, key=lambda r: (r.priority, -r.order))
        if rule is not None:
            lab.metric, lab.rule = rule.metric, rule.id
        # 3. a rate that follows its count, or a target that follows its rate
        if rule is None and q.is_percent and prev is not None:
            bare = connector.search(left) or (lab.role == "target" and len(left) < 60)
            if bare and lab.role == "target" and prev.q.is_percent and prev.metric != "other":
                lab.metric, lab.rule = prev.metric, "figures.target_of_rate"
                rule = True  # type: ignore[assignment]
            elif bare and not prev.q.is_percent and prev.metric in rate_of:
                lab.metric, lab.rule = rate_of[prev.metric], "figures.rate_of_count"
                lab.about = len(out) - 1
                rule = True  # type: ignore[assignment]
        # 3a. a count's target after it: "đạt khoảng 34 triệu hồ sơ (… so với chỉ tiêu 50 triệu hồ sơ)"
        if rule is None and not q.is_percent and _part("count_target").search(left):
            count = next((o for o in reversed(out) if o.q.unit == q.unit), None)
            if count is not None and count.metric != "other":
                lab.metric, lab.rule, lab.role = count.metric, "figures.target_of_count", "target"
                rule = True  # type: ignore[assignment]
        # 3b. a rate in a parallel list after a rate: "mức độ 3 là 51,38%, mức độ 4 đạt tới 98,88%"
        if rule is None and q.is_percent and prev is not None and prev.q.is_percent and prev.metric != "other" \
                and len(left) < 40 and ";" not in left and not _rate_head().search(left) and not delta:
            lab.metric, lab.rule, lab.role = prev.metric, "figures.rate_list", prev.role
            rule = True  # type: ignore[assignment]
        # 3c. a body's score on the index the sentence is about
        if rule is None and index is not None and q.qualifier == "exact" and not delta:
            for r in index_rules:
                if index in r.index_metric and _applies(r, q, sentence, None, sentence_left, seen) \
                        and any(c.isdigit() for c in q.raw) \
                        and (q.unit_class == "score" or r.left.search(left)):
                    lab.metric, lab.rule = r.index_metric[index], r.id
                    rule = True  # type: ignore[assignment]
                    break
        # 4. the nearest cue before the number (a weak one gives way to the list it is an item of)
        if rule is None:
            rule = _nearest_left(cands, q, left)
            if rule is not None and not (rule.weak and _is_list_item(q, prev, left, delta)):
                lab.metric, lab.rule = rule.metric, rule.id
            else:
                rule = None
        # 5. a count in brackets right after a rate: "59,63% (11.084/18.587 hồ sơ)"
        if rule is None and not q.is_percent and prev is not None and prev.q.is_percent \
                and _OPEN_PAREN.fullmatch(left) and prev.metric in count_of:
            lab.metric, lab.rule = count_of[prev.metric], "figures.count_of_rate"
            rule = True  # type: ignore[assignment]
        # 5b. the next item of a list of the same count: "tiếp nhận 120.000 hồ sơ, năm 2016 là
        #     135.000 hồ sơ", "cấp huyện 280 thủ tục, cấp xã 156 thủ tục"
        if rule is None and _is_list_item(q, prev, left, delta):
            lab.metric, lab.rule, lab.role = prev.metric, "figures.list", prev.role
            rule = True  # type: ignore[assignment]
        # 6. a cue anywhere earlier in the sentence
        if rule is None:
            rule = _first([r for r in cands if r.left is None or r.sentence is not None], "sentence", sentence_left)
            if rule is not None:
                lab.metric, lab.rule = rule.metric, rule.id
        # 7. the unit's default metric
        if rule is None:
            rule = next((r for r in cands if r.default), None)
            if rule is not None:
                lab.metric, lab.rule = rule.metric, rule.id
        out.append(lab)
    _pair_ranges(out)
    return out


@lru_cache(maxsize=1)
def _list_item() -> regex.Pattern:
    return compile_pattern("{list_item}")


def _is_list_item(q: Quantity, prev: Labelled | None, left: str, delta: str | None) -> bool:
    return (not q.is_percent and prev is not None and prev.metric != "other" and prev.q.unit == q.unit
            and not delta and bool(_list_item().match(left)))


@lru_cache(maxsize=1)
def _breakdown() -> regex.Pattern:
    return compile_pattern("{breakdown}")


@lru_cache(maxsize=1)
def _weak_rules() -> frozenset[str]:
    return frozenset(r.id for r in _rules().rules if r.weak)


def _inherit_breakdown(labs: list[Labelled], before: list[Labelled]) -> None:
    """A sentence that breaks down the one before it (figures.yaml `breakdown`): an uncued
    count takes the metric of the last count of the same unit there."""
    for lab in labs:
        if lab.metric != "other" and lab.rule not in _weak_rules():
            continue
        src = next((b for b in reversed(before) if b.q.unit == lab.q.unit and b.q.unit != "%"
                    and b.metric != "other" and b.rule != "figures.breakdown"), None)
        if src is not None:
            lab.metric, lab.rule, lab.role = src.metric, "figures.breakdown", src.role


def _pair_ranges(labs: list[Labelled]) -> None:
    """The two ends of a range are one metric: the end that found its meaning gives it to the
    other ("các chỉ số hài lòng trong khoảng 70-90%", "từ 1.000 đến 2.000 hồ sơ được tiếp nhận")."""
    for lo, hi in zip(labs, labs[1:]):
        if lo.q.qualifier != "range_low" or hi.q.qualifier != "range_high":
            continue
        known = lo if lo.metric != "other" else hi if hi.metric != "other" else None
        if known is None:
            continue
        for end in (lo, hi):
            if end.metric == "other":
                end.metric, end.rule, end.role = known.metric, "figures.range", known.role


@lru_cache(maxsize=1)
def _index_metrics() -> dict[str, str]:
    out: dict[str, str] = {}
    for r in _rules().rules:
        out.update(r.index_metric or {})
    return out


@lru_cache(maxsize=1)
def _index_named() -> regex.Pattern:
    return compile_pattern(next(r["article"] for r in rules("figures") if r.get("index_metric")))


def _indices(text: str, sentences) -> list[str | None]:
    """The index each sentence is about, when the article names a scored index itself
    (figures.yaml scores.index `article`; which index: entities/rankings.py)."""
    from .entities.rankings import index_per_sentence

    if not scanner(_index_named()).search(text):
        return [None] * len(sentences)
    return index_per_sentence(sentences)


def _subject(text: str, s_start: int, pos: int) -> tuple[str | None, str | None]:
    """Whose figure: the nearest subject phrase before it in the sentence, and its locality."""
    fr = _rules()
    best = None
    for m in scanner(fr.subject).finditer(text, s_start, pos):
        if m.group(0).casefold() in fr.not_alone:
            continue
        best = m
    return _subject_of(best)


def _subject_of(best) -> tuple[str | None, str | None]:
    if best is None:
        return None, None
    subj = best.group(0).strip(" ,")
    loc = _rules().subject_locality.search(subj)
    return subj, (loc.group(0) if loc else None)


class _Subjects:
    """`_subject` for every figure of one sentence from one scan of it. The subject phrases
    before a figure are the sentence's phrases that end before it (the subject pattern looks at nothing
    past its match); a phrase that runs across the figure is read as `_subject` reads it."""

    def __init__(self, text: str, s_start: int, s_end: int):
        self.text, self.s_start = text, s_start
        fr = _rules()
        self.found = list(scanner(fr.subject).finditer(text, s_start, s_end))
        self.starts = [m.start() for m in self.found]
        self.last_good: list[int] = []   # index of the last phrase that names a subject, so far
        k = -1
        for i, m in enumerate(self.found):
            if m.group(0).casefold() not in fr.not_alone:
                k = i
            self.last_good.append(k)

    def at(self, pos: int) -> tuple[str | None, str | None]:
        i = bisect_left(self.starts, pos) - 1   # the phrases that start before the figure
        if i >= 0 and self.found[i].end() > pos:
            return _subject(self.text, self.s_start, pos)  # it runs across the figure
        k = self.last_good[i] if i >= 0 else -1
        return _subject_of(self.found[k] if k >= 0 else None)


def _year(published: str | None) -> int | None:
    if published and _YEAR4.match(published):
        return int(published[:4])
    return None


def extract(ctx) -> list[Figure]:
    text = ctx.text
    blocked = blocked_spans(text)
    periods = Periods(text, _year(ctx.article.published))
    records: list[Figure] = []
    n = 0
    paras: dict[int, tuple[int, int]] = {}
    for s in ctx.sentences:
        paras[s.paragraph] = (paras.get(s.paragraph, (s.start, s.end))[0], s.end)
    indices = _indices(text, ctx.sentences)
    before: list[Labelled] = []   # the labelled quantities of the sentence before
    for sent, index in zip(ctx.sentences, indices):
        scored = index if index in _index_metrics() else None
        if not _DIGIT.search(text, sent.start, sent.end) and not blocked.may_spell(sent.start, sent.end):
            before = []
            continue  # no digit and no number in words: no quantity
        qs = find_quantities(text, sent.start, sent.end, blocked, bare_scores=scored is not None)
        if not qs:
            before = []
            continue
        labelled = label_sentence(text, sent.start, sent.end, qs, scored)
        if before and _breakdown().match(sent.text):
            _inherit_breakdown(labelled, before)
        before = labelled
        subjects = _Subjects(text, sent.start, sent.end)
        ids: list[str] = []
        for lab in labelled:
            q = lab.q
            n += 1
            fid = f"{ctx.article.article_id}:f{n}"
            ids.append(fid)
            subject, loc = subjects.at(q.start)
            period = periods.at(q.start, sent.start, sent.end)
            rec = Figure(
                **ctx.span(q.start, q.end), id=fid, metric=lab.metric, value=_num(q.value), unit=q.unit, qualifier=q.qualifier,
                total=_num(q.total) if q.total is not None else None, role=lab.role, subject=subject,
                locality=loc or ctx.article.locality, province=ctx.article.province,
                period=period, year=period_year(period),
                period_source=period_source(periods, period, *paras[sent.paragraph], q.start),
                sentence=sent.text, pattern=lab.rule,
                about=ids[lab.about] if lab.about is not None else None,
                sentence_start=sent.start, sentence_end=sent.end,
            )
            records.append(rec)
    return records


def _num(v: float) -> int | float:
    return int(v) if float(v).is_integer() else round(v, 6)
