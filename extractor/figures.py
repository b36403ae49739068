"""Figure records: every quantity of an article, labelled with a metric of the vocabulary.

The rules are data (patterns/figures.yaml, which explains the order in which they apply);
this module only walks the sentences, builds the context windows of each quantity and asks
the rules. A number no rule explains is kept as `other`, never guessed.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

from .numbers import Quantity, blocked_spans, find_quantities
from .patterns import compile_pattern, load_file, rules
from .periods import Periods, period_source, period_year

# what a sentence must contain before any quantity in it is worth labelling
_CONNECTOR_RE_SRC = "{rate_link}|{rate_tail}"
_TARGET_RE_SRC = "{target_cue}"
_SUBJECT = regex.compile(
    r"(?:Bộ\s+phận\s+(?:Một\s+cửa|một\s+cửa|tiếp\s+nhận(?:\s+và\s+trả\s+kết\s+quả)?|TN&TKQ)"
    r"|Trung\s+tâm\s+(?:Phục\s+vụ|phục\s+vụ)\s+hành\s+chính\s+công|Trung\s+tâm\s+Hành\s+chính\s+công"
    r"|UBND|Ủy\s+ban\s+nhân\s+dân|cấp)"
    r"(?:\s+(?:các\s+)?(?:tỉnh|thành\s+phố|Thành\s+phố|TP\.?|huyện|quận|thị\s+xã|phường|xã|thị\s+trấn|sở|hai\s+cấp)"
    r"(?:\s*,\s*(?:xã|phường|thị\s+trấn))*(?:\s+(?-i:\p{Lu}[\p{Ll}\p{Lu}]*)){0,3})?",
    regex.IGNORECASE,
)
_LOCALITY = regex.compile(
    r"(?-i:(?:tỉnh|thành\s+phố|TP\.?|huyện|quận|thị\s+xã|TX\.?|phường|xã|thị\s+trấn)\s+(?:\p{Lu}[\p{Ll}\p{Lu}]*)(?:\s+\p{Lu}[\p{Ll}\p{Lu}]*){0,3})")


_CLAUSE_END = regex.compile(r"[;.](?:\s|$)")
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
    priority: int
    order: int


@lru_cache(maxsize=1)
def _rules() -> tuple[list[Rule], dict[str, str], dict[str, str], regex.Pattern, regex.Pattern]:
    out = []
    for n, r in enumerate(rules("figures")):
        out.append(Rule(
            id=r["id"], metric=r["metric"], units=frozenset(r.get("units") or ()),
            left=r.get("_left"), right=r.get("_right"), phrase=r.get("_phrase"), sentence=r.get("_sentence"),
            unit_text=compile_pattern(r["unit_text"]) if r.get("unit_text") else None,
            requires=compile_pattern(r["requires"]) if r.get("requires") else None,
            allow_delta=bool(r.get("allow_delta")), default=bool(r.get("default")), priority=int(r.get("priority", 0)), order=n,
        ))
    rate_of = dict(load_file("figures").get("rate_of") or {})
    count_of = {}
    for count, rate in rate_of.items():
        count_of.setdefault(rate, count)
    return out, rate_of, count_of, compile_pattern(_CONNECTOR_RE_SRC), compile_pattern(_TARGET_RE_SRC)


@lru_cache(maxsize=1)
def _delta_up() -> regex.Pattern:
    return compile_pattern("{delta_up}")


@lru_cache(maxsize=1)
def _delta_down() -> regex.Pattern:
    return compile_pattern("{delta_down}")


@lru_cache(maxsize=1)
def _rate_head() -> regex.Pattern:
    # the start of a rate's description: "tỷ lệ …", "chỉ số …", "mức độ hài lòng …"
    return compile_pattern(r"(?:tỷ\s+lệ|tỉ\s+lệ|chỉ\s+số|mức\s+độ\s+hài\s+lòng|PAR\s+Index|SIPAS)")


@dataclass
class Labelled:
    q: Quantity
    metric: str = "other"
    rule: str = "none"
    role: str = "actual"
    about: int | None = None   # index of the count a derived rate qualifies


def _applies(rule: Rule, q: Quantity, sentence: str, delta: str | None) -> bool:
    if q.unit_class not in rule.units:
        return False
    if rule.unit_text is not None and not rule.unit_text.search(q.unit_text or ""):
        return False
    if rule.requires is not None and not rule.requires.search(sentence):
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


def _first(cands: list[Rule], attr: str, window: str) -> Rule | None:
    hits = [r for r in cands if getattr(r, attr) is not None and getattr(r, attr).search(window)]
    if not hits:
        return None
    return max(hits, key=lambda r: (r.priority, -r.order))


def label_sentence(text: str, s_start: int, s_end: int, qs: list[Quantity]) -> list[Labelled]:
    """Label the quantities of one sentence (in order)."""
    all_rules, rate_of, count_of, connector, target_re = _rules()
    out: list[Labelled] = []
    consumed = s_start
    for i, q in enumerate(qs):
        lab = Labelled(q)
        prev = out[-1] if out else None
        seg_start = max(prev.q.end, consumed) if prev else s_start
        left = text[seg_start:q.start]
        right = _CLAUSE_END.split(text[q.end:s_end], maxsplit=1)[0]
        sentence_left = text[s_start:q.start]
        delta = "up" if _delta_up().search(left) else "down" if _delta_down().search(left) else None
        cands = [r for r in all_rules if _applies(r, q, text[s_start:s_end], delta)]

        if q.is_percent:
            cues = list(target_re.finditer(left))
            heads = list(_rate_head().finditer(left))
            if cues and (not heads or cues[-1].end() > heads[-1].start()):
                lab.role = "target"
        # 1. a cue right after the unit (the next quantity's window starts after it)
        rule = _first(cands, "right", right)
        if rule is not None:
            consumed = q.end + rule.right.search(right).end()
        # 2. a rate's own description after "tỷ lệ" / "chỉ số"
        if rule is None and q.is_percent:
            heads = list(_rate_head().finditer(left))
            if heads:
                phrase = left[heads[-1].end():]
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
        # 3b. a rate in a parallel list after a rate: "mức độ 3 là 51,38%, mức độ 4 đạt tới 98,88%"
        if rule is None and q.is_percent and prev is not None and prev.q.is_percent and prev.metric != "other" \
                and len(left) < 40 and not _rate_head().search(left) and not delta:
            lab.metric, lab.rule, lab.role = prev.metric, "figures.rate_list", prev.role
            rule = True  # type: ignore[assignment]
        # 4. the nearest cue before the number
        if rule is None:
            rule = _nearest_left(cands, q, left)
            if rule is not None:
                lab.metric, lab.rule = rule.metric, rule.id
        # 5. a count in brackets right after a rate: "59,63% (11.084/18.587 hồ sơ)"
        if rule is None and not q.is_percent and prev is not None and prev.q.is_percent \
                and _OPEN_PAREN.fullmatch(left) and prev.metric in count_of:
            lab.metric, lab.rule = count_of[prev.metric], "figures.count_of_rate"
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
    return out


def _subject(text: str, s_start: int, pos: int) -> tuple[str | None, str | None]:
    """Whose figure: the nearest subject phrase before it in the sentence, and its locality."""
    best = None
    for m in _SUBJECT.finditer(text, s_start, pos):
        if m.group(0).lower() in ("cấp", "ubnd", "ủy ban nhân dân"):
            continue
        best = m
    if best is None:
        return None, None
    subj = best.group(0).strip(" ,")
    loc = _LOCALITY.search(subj)
    return subj, (loc.group(0) if loc else None)


def _year(published: str | None) -> int | None:
    if published and regex.match(r"\d{4}", published):
        return int(published[:4])
    return None


def extract(ctx) -> list[dict[str, Any]]:
    text = ctx.text
    blocked = blocked_spans(text)
    periods = Periods(text, _year(ctx.article.published))
    records: list[dict[str, Any]] = []
    n = 0
    paras: dict[int, tuple[int, int]] = {}
    for s in ctx.sentences:
        paras[s.paragraph] = (paras.get(s.paragraph, (s.start, s.end))[0], s.end)
    for sent in ctx.sentences:
        qs = find_quantities(text, sent.start, sent.end, blocked)
        if not qs:
            continue
        labelled = label_sentence(text, sent.start, sent.end, qs)
        ids: list[str] = []
        for lab in labelled:
            q = lab.q
            n += 1
            fid = f"{ctx.article.article_id}:f{n}"
            ids.append(fid)
            subject, loc = _subject(text, sent.start, q.start)
            period = periods.at(q.start, sent.start, sent.end)
            rec = ctx.base("figure", q.start, q.end)
            rec.update(
                id=fid, metric=lab.metric, value=_num(q.value), unit=q.unit, qualifier=q.qualifier,
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
