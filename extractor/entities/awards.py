"""award records: a distinction given to collectives and individuals.

An award sentence is one with awards_collectives / awards_individuals figures (figures.yaml
decides those); the award record takes its counts from them, the kind and the conferrer from
patterns/awards.yaml, and the year from the figures' period.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..patterns import rules
from ..records import Award, Figure


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    return {r["id"]: r["_regex"] for r in rules("awards")}


@lru_cache(maxsize=1)
def _kinds() -> dict[str, str]:
    from ..normalize import fold
    from ..patterns import lexicon

    return {fold(k): k for k in lexicon()["lists"]["award_kinds"]}


def _canonical(kind: str) -> str:
    """"giấy khen" -> "Giấy khen": the distinction as the lexicon writes it."""
    from ..normalize import fold

    return _kinds().get(fold(kind), kind)


def extract(ctx) -> list[Award]:
    by_sentence: dict[int, list[Figure]] = {}
    for f in ctx.of_kind("figure"):
        if f.metric in ("awards_collectives", "awards_individuals"):
            by_sentence.setdefault(f.sentence_start, []).append(f)
    out = []
    kind_re, by_re = _rules()["awards.kind"], _rules()["awards.conferred_by"]
    for s_start, figs in sorted(by_sentence.items()):
        s_end = figs[0].sentence_end
        sentence = ctx.text[s_start:s_end]
        coll = next((f for f in figs if f.metric == "awards_collectives"), None)
        ind = next((f for f in figs if f.metric == "awards_individuals"), None)
        first_count = min(f.start for f in figs) - s_start
        kinds = list(kind_re.finditer(sentence))
        # the distinction named last before the counts ("…, Huân chương Chiến công hạng Nhất, 9 tập thể"),
        # else the first after them ("15 tập thể … được nhận Bằng khen")
        kind = next((k for k in reversed(kinds) if k.start() < first_count), None) or next(iter(kinds), None)
        by = by_re.search(sentence)
        start = min(f.start for f in figs)
        end = max(f.end for f in figs)
        if kind:
            start, end = min(start, s_start + kind.start()), max(end, s_start + kind.end())
        year = next((int(f.period[:4]) for f in figs if f.period and f.period[:4].isdigit()), None)
        rec = Award(
            **ctx.span(start, end),
            award=(_canonical(kind.group("award")) if kind else None),
            conferred_by=((by.group("by") or by.group("by2")).strip() if by else None),
            collectives=coll.value if coll else None,
            individuals=ind.value if ind else None,
            year=year,
            field=(fld.group("field").strip() if (fld := _rules()["awards.field"].search(sentence)) else None),
            figures=[f.id for f in figs],
        )
        out.append(rec)
    return out
