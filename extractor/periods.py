"""Reporting periods ("năm 2022", "quý I.2024", "6 tháng đầu năm", "trong tháng 01/2025").

`Periods(text, year)` finds every period expression once; `at(pos, sentence)` says which one
a figure at `pos` refers to: the nearest before it in its sentence, else one later in the same
sentence, else the nearest earlier in the article, else the article's year.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

import regex

from .leads import scanner
from .patterns import rules

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


@dataclass(frozen=True)
class PeriodMention:
    start: int
    end: int
    period: str
    rule: str


@lru_cache(maxsize=1)
def _horizon():
    """periods.yaml `horizon`: "đến năm 2025", "tầm nhìn đến năm 2030" before a period."""
    from .patterns import compile_pattern, load_file

    return compile_pattern(load_file("periods")["horizon"])


@lru_cache(maxsize=1)
def _from_start() -> frozenset[str]:
    from .patterns import load_file

    return frozenset(w.casefold() for w in load_file("periods")["months_from_start"])


@lru_cache(maxsize=1)
def _compared():
    """periods.yaml `compared`: the period a change is measured from ("so với tháng 7")."""
    from .patterns import compile_pattern, load_file

    return compile_pattern(load_file("periods")["compared"])


@lru_cache(maxsize=1)
def _rules():
    return [(r["id"], scanner(r["_regex"]), r["period"]) for r in rules("periods")]


def _spelled(word: str) -> int | None:
    from .numbers import parse_spelled

    v = parse_spelled(word)
    return int(v) if v else None


_FOUR_DIGITS = regex.compile(r"\d{4}")
_YEARS = regex.compile(r"(?<![\d/.-])(?:19|20)\d\d(?![\d/])")


def render(rule_period: str, groups: dict, year: int | None) -> str | None:
    y = groups.get("y") or (str(year) if year else None)
    if rule_period == "months":
        n = groups.get("n")
        n = _spelled(n) if n and not n.isdigit() else int(n) if n else None
        if not y or not n or not 1 <= n <= 12:
            return None
        first = "part" not in groups or groups["part"].casefold() in _from_start()
        if n == 6:
            return f"{y}-H1" if first else f"{y}-H2"
        if n == 3:
            return f"{y}-Q1" if first else f"{y}-Q4"
        if n == 12:
            return y
        lo, hi = (1, n) if first else (13 - n, 12)
        return f"{y}-M{lo:02d}/{y}-M{hi:02d}"
    if "{y}" in rule_period and not y:
        return None
    if "{Y}" in rule_period:
        return str(year) if year else None
    q = groups.get("q")
    if q:
        q = str(_ROMAN.get(q.upper()) or (q if q.isdigit() else _spelled(q)))
    m = groups.get("m")
    if m:
        m = f"{int(m):02d}"
    return rule_period.format(y=y, y2=groups.get("y2"), q=q, m=m)


class Periods:
    def __init__(self, text: str, year: int | None):
        self.year = year
        found: list[PeriodMention] = []
        # the spans earlier rules read, sorted by start, with the largest end so far: "does
        # [a, b) overlap one" is a bisection, not a scan (a text of 10,000 dates stays linear);
        # a rule's own matches never overlap each other
        taken: list[tuple[int, int]] = []
        starts: list[int] = []
        reach: list[int] = []
        for rid, pat, tmpl in _rules():
            added = False
            for m in pat.finditer(text):
                i = bisect_left(starts, m.end()) - 1  # the spans that start before this one ends
                if i >= 0 and reach[i] > m.start():
                    continue  # an earlier, more specific rule already read this span
                groups = {k: v for k, v in m.groupdict().items() if v}
                if _horizon().search(text, max(0, m.start() - 20), m.start()) and not (
                        year and groups.get("y") and int(groups["y"]) <= year):
                    continue  # "đến năm 2025": a horizon (but "đến quý 4 năm 2018" in 2019 is "as of")
                nearby = year
                if not groups.get("y") and "{y}" in tmpl:  # "trong tháng 6": of a year written just before
                    before = list(_YEARS.finditer(text, max(0, m.start() - 200), m.start()))
                    nearby = int(before[-1].group(0)) if before else year
                p = render(tmpl, groups, nearby)
                if p:
                    taken.append((m.start(), m.end()))
                    added = True
                    if _compared().search(text, max(0, m.start() - 40), m.start()):
                        continue  # "giảm 3,86% so với tháng 7": the period compared with, no figure's
                    found.append(PeriodMention(m.start(), m.end(), p, rid))
            if added:
                spans = sorted(taken)
                starts = [a for a, _ in spans]
                reach, top = [], -1
                for _, b in spans:
                    top = max(top, b)
                    reach.append(top)
        found.sort(key=lambda p: p.start)
        self.mentions = found
        self._starts = [p.start for p in found]
        self._by_period: dict[str, list[int]] | None = None

    def starts_of(self, period: str) -> list[int]:
        """The (sorted) starts of the mentions of one period."""
        if self._by_period is None:
            self._by_period = {}
            for p in self.mentions:
                self._by_period.setdefault(p.period, []).append(p.start)
        return self._by_period.get(period, [])

    def at(self, pos: int, sent_start: int, sent_end: int) -> str | None:
        i = bisect_right(self._starts, pos) - 1
        if i >= 0 and self.mentions[i].start >= sent_start:
            return self.mentions[i].period
        if i + 1 < len(self.mentions) and self.mentions[i + 1].start < sent_end:
            return self.mentions[i + 1].period
        if i >= 0:
            return self.mentions[i].period
        return str(self.year) if self.year else None


# --- where a figure's period comes from (figures.py writes these beside `period`) --------------

SOURCES = ("stated", "context", "article", "none")


def period_year(period: str | None) -> int | None:
    """The year a period ends in: "2022-H1" -> 2022, "2017-M05" -> 2017, "2015/2023" -> 2023."""
    years = _FOUR_DIGITS.findall(period or "")
    return int(years[-1]) if years else None


def period_source(periods: Periods, period: str | None, para_start: int, para_end: int, pos: int) -> str:
    """How a figure's period was found: `stated` when its sentence or paragraph
    [para_start, para_end) names it, `context` when an earlier paragraph does (a heading, the
    lead), `article` when it is the article's year by default, `none` without a period."""
    if not period:
        return "none"
    starts = periods.starts_of(period)  # where the text names this period (bisection, not a scan)
    i = bisect_left(starts, para_start)
    if i < len(starts) and starts[i] < para_end:
        return "stated"
    if starts and starts[0] <= pos:
        return "context"
    return "article" if periods.year is not None and period == str(periods.year) else "context"
