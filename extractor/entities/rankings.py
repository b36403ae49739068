"""ranking records: positions on the PAR Index, SIPAS, PCI, PAPI, DDCI.

The index, level and year are read from the context as the article goes ("Về kết quả Chỉ số
CCHC năm 2023 … Đối với cấp sở …"); each ranking clause pairs its positions with the bodies
it names ("lần lượt xếp thứ 2, thứ 3" takes them in order). Rules: patterns/rankings.yaml.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

from ..patterns import compile_pattern, rules
from ..places import name_before

_PROVINCE_CITIES = {"hà nội", "hồ chí minh", "hải phòng", "đà nẵng", "cần thơ", "huế"}
# "chỉ số cải cách hành chính 2015", "Chỉ số CCHC (PAR Index) 2023": the year right after the index
_YEAR_AFTER = regex.compile(r"\s*(?:\([^)]{0,20}\)\s*)?((?:19|20)\d\d)\b")
# the article's own province named without its name: "của tỉnh xếp thứ 10/63", "tỉnh ta đứng thứ 5"
_SELF = regex.compile(r"(?<![\p{L}\p{M}])(?:tỉnh|thành\s+phố|Thành\s+phố)(?:\s+(?:ta|nhà))?"
                      r"(?=\s*(?:[,.;:]|(?:năm\s+\d{4}\s+)?(?:xếp|đứng|đạt|tăng|giảm|tiếp\s+tục|vươn\s+lên|vẫn)\b))")
_YEAR = regex.compile(r"\b(?i:năm)\s+((?:19|20)\d\d)\b")
_CLAUSE = regex.compile(r";|,\s*trong\s+khi\s+|\s+trong\s+khi\s+|,\s*còn\s+")
_UNIT_LEVEL = [("sở", r"^(?-i:Sở)\b"), ("bộ", r"^(?-i:Bộ)\b"), ("tỉnh", r"^tỉnh\b"),
               ("huyện", r"^(?:huyện|quận|thị\s+xã|thành\s+phố|TP)\b"), ("xã", r"^(?:xã|phường|thị\s+trấn)\b")]


@dataclass
class Position:
    start: int
    end: int
    ranks: list[tuple[int | None, int | None]]   # (rank, from_bottom) per body


@lru_cache(maxsize=1)
def _res():
    rs = {r["id"]: r for r in rules("rankings")}
    indices = [(name, compile_pattern(src)) for name, src in rs["rankings.index"]["index"].items()]
    levels = [(name, compile_pattern(src)) for name, src in rs["rankings.level"]["level"].items()]
    entity = compile_pattern("{rank_entity}")
    shared = compile_pattern(r"các\s+(?-i:Sở)\s*:?\s*(?P<list>(?:\L<departments>)(?:\s*(?:,|và)\s*(?:\L<departments>))+)")
    dept = compile_pattern(r"\L<departments>")
    unit_level = [(lvl, regex.compile(src, regex.I)) for lvl, src in _UNIT_LEVEL]
    other = compile_pattern(rs["rankings.index"]["other_index"])
    return (indices, levels, rs["rankings.position"]["_regex"], entity, shared, dept, unit_level, other,
            rs["rankings.next"]["_regex"])


def _last(pats, text):
    best = None
    for name, pat in pats:
        for m in pat.finditer(text):
            if best is None or m.start() > best[1]:
                best = (name, m.start(), m.end())
    return best


def _entities(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    _, _, _, entity, shared, dept, *_ = _res()
    out, taken = [], []
    for m in shared.finditer(text, start, end):  # "các Sở: A, B": two departments
        for d in dept.finditer(text, m.start("list"), m.end("list")):
            out.append((d.start(), d.end(), "Sở " + d.group(0)))
        taken.append((m.start(), m.end()))
    for m in entity.finditer(text, start, end):
        if any(s <= m.start() < e for s, e in taken):
            continue
        out.append((m.start(), m.end(), regex.sub(r"\s+", " ", m.group(0))))
        taken.append((m.start(), m.end()))
    for m in _province_re().finditer(text, start, end):  # "Đà Nẵng dẫn đầu", "… là Đồng Tháp"
        if any(s <= m.start() < e for s, e in taken) or name_before(text, m.start()):
            continue
        out.append((m.start(), m.end(), m.group(0)))
    out.sort()
    return out


_ORDINALS = {"nhất": 1, "nhì": 2, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7,
             "tám": 8, "chín": 9, "mười": 10}


def _ordinal(word: str) -> int:
    return int(word) if word.isdigit() else _ORDINALS[word.casefold()]


def _positions(text: str, start: int, end: int) -> list[Position]:
    pos_re = _res()[2]
    out = []
    for m in pos_re.finditer(text, start, end):
        if m.group("first"):
            ranks = [(1, None)]
        elif m.group("last"):
            ranks = [(None, 1)]
        elif m.group("second_last"):
            ranks = [(None, 2)]
        elif m.group("nth2") or m.group("nth3"):
            ranks = [(int(m.group("nth2") or m.group("nth3")), None)]
        else:
            ranks = [(_ordinal(n), None) for n in regex.findall(r"thứ\s+(\w+)", m.group("nth"))]
        out.append(Position(m.start(), m.end(), ranks))
    return out


@lru_cache(maxsize=1)
def _ministry_re():
    return compile_pattern(r"(?-i:\L<ministry_bodies>)")


@lru_cache(maxsize=1)
def _province_re():
    from ..gazetteer import provinces

    names = sorted((u.short for u in provinces().values()), key=len, reverse=True)
    return regex.compile(r"(?<![\p{L}\p{M}])(?:" + "|".join(regex.escape(n) for n in names) + r")(?![\p{L}\p{M}])")




def _level_of(entity: str, default: str | None) -> str | None:
    from ..gazetteer import provinces
    from ..normalize import fold

    if _province_re().fullmatch(entity):
        return "tỉnh"
    if _ministry_re().match(entity):
        return "bộ"
    city = regex.match(r"(?:TP\.?|thành\s+phố)\s+(.+)$", entity, regex.I)
    if city and fold(city.group(1)) in provinces() and fold(city.group(1)) in _PROVINCE_CITIES:
        return "tỉnh"  # "TP Hà Nội" among provinces
    for lvl, pat in _res()[6]:
        if lvl == "huyện" and default == "tỉnh" and regex.match(r"(?:TP|thành\s+phố)\b", entity, regex.I):
            return "tỉnh"  # a centrally-run city ranked among provinces
        if pat.search(entity):
            return lvl
    return default


@lru_cache(maxsize=16)
def names_an_index(text: str) -> bool:
    """(cached: figures and rankings both ask, of the same article)"""
    return any(pat.search(text) for _, pat in _res()[0])


@lru_cache(maxsize=1024)
def _index_named(sentence: str):
    """The last index a sentence names (cached: figures and rankings both ask, per sentence)."""
    return _last(_res()[0], sentence)


def index_per_sentence(sentences) -> list[str | None]:
    """The index each sentence is about: the last one named so far in the article ("Chỉ số
    CCHC", "SIPAS", "PCI" …), None after a sentence that names some other index."""
    other = _res()[7]
    out: list[str | None] = []
    index = None
    for s in sentences:
        found = _index_named(s.text)
        if found:
            index = found[0]
        elif other.search(s.text):
            index = None
        out.append(index)
    return out


def extract(ctx) -> list[dict[str, Any]]:
    levels = _res()[1]
    text = ctx.text
    if not names_an_index(text) or not _res()[2].search(text):
        return []  # no index named, or no position stated: nothing to rank
    index = level = None
    year = None
    out: list[dict[str, Any]] = []
    seen: set[tuple] = set()
    para = -1
    last_rank: int | None = None   # the last rank from the top, for "tiếp theo là A, B"
    for s in ctx.sentences:
        if s.paragraph != para:
            para, level = s.paragraph, None
        found = _index_named(s.text)
        if not found and _res()[7].search(s.text):
            index = None  # "Chỉ số sẵn sàng cho phát triển CNTT": another index altogether
        if found:
            if found[0] != index:
                last_rank = None
            index = found[0]
            y = (_YEAR.search(s.text, found[1]) or _YEAR_AFTER.match(s.text, found[2])
                 or next(reversed(list(_YEAR.finditer(s.text, 0, found[1]))), None))  # "năm 2016, chỉ số …"
            year = int(y.group(1)) if y else year
            if index in ("PCI", "PAPI"):
                level = "tỉnh"
        lv = _last(levels, s.text)
        if lv:
            level = lv[0]
        if index is None:
            continue
        bounds = [s.start] + [s.start + m.end() for m in _CLAUSE.finditer(s.text)] + [s.end]
        taken: set[int] = set()   # entity starts this sentence's positions claimed
        for cs, ce in zip(bounds, bounds[1:]):
            positions = _positions(text, cs, ce)
            if not positions:
                continue
            ents = _entities(text, cs, ce)
            used: set[int] = set()
            for p in positions:
                k = len(p.ranks)
                before = [i for i, e in enumerate(ents) if e[1] <= p.start and i not in used]
                after = [i for i, e in enumerate(ents) if e[0] >= p.end and i not in used]
                picks = before[-k:] if len(before) >= k else after[:k]
                if not picks and k == 1 and ctx.article.province and _SELF.search(text, cs, p.end):
                    # "Chỉ số CCHC năm 2022 của tỉnh xếp thứ 10/63": the article's own province
                    ents.append((p.start, p.start, ctx.article.province))
                    picks = [len(ents) - 1]
                    level_here = "tỉnh"
                else:
                    level_here = None
                if len(picks) != k:
                    continue  # a position without a body it could belong to: leave it
                for i, (rank, from_bottom) in zip(picks, p.ranks):
                    used.add(i)
                    es, ee, name = ents[i]
                    taken.add(es)
                    if rank is not None:
                        last_rank = rank
                    key = (index, name, rank, from_bottom)
                    if key in seen:
                        continue
                    seen.add(key)
                    a, b = min(es, p.start), max(ee, p.end)
                    rec = ctx.base("ranking", a, b)
                    rec.update(index=index, level=level_here or _level_of(name, level),
                               year=year or _article_year(ctx), rank=rank, from_bottom=from_bottom, entity=name)
                    out.append(rec)
        nxt = _res()[8].search(text, s.start, s.end)
        if nxt and last_rank is not None:  # "tiếp theo là Bộ Tài chính …, Bộ Tư pháp …": the next ranks
            for es, ee, name in _entities(text, nxt.end(), s.end):
                if es in taken:
                    continue
                last_rank += 1
                key = (index, name, last_rank, None)
                if key in seen:
                    continue
                seen.add(key)
                rec = ctx.base("ranking", es, ee)
                rec.update(index=index, level=_level_of(name, level), year=year or _article_year(ctx),
                           rank=last_rank, from_bottom=None, entity=name)
                out.append(rec)
    return out


def _article_year(ctx) -> int | None:
    p = ctx.article.published
    return int(p[:4]) if p and p[:4].isdigit() else None
