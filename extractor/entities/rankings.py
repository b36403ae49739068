"""ranking records: positions on the PAR Index, SIPAS, PCI, PAPI, DDCI.

The index, level and year are read from the context as the article goes ("Về kết quả Chỉ số
CCHC năm 2023 … Đối với cấp sở …"); each ranking clause pairs its positions with the bodies
it names ("lần lượt xếp thứ 2, thứ 3" takes them in order). Rules: patterns/rankings.yaml.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import regex

from ..normalize import fold
from ..leads import scanner
from ..patterns import compile_pattern, load_file, rules, table, whole_words
from ..places import name_before
from ..records import Ranking

_SPACES = regex.compile(r"\s+")
# "chỉ số cải cách hành chính 2015", "Chỉ số CCHC (PAR Index) 2023": the year right after the index
_YEAR_AFTER = regex.compile(r"\s*(?:\([^)]{0,20}\)\s*)?((?:19|20)\d\d)\b")


@dataclass
class Position:
    start: int
    end: int
    ranks: list[tuple[int | None, int | None]]   # (rank, from_bottom) per body
    previous: int | None = None                  # "tụt từ vị trí thứ 4 xuống 11": the rank of the year before
    previous_year: int | None = None


@dataclass(frozen=True)
class RankingRules:
    """patterns/rankings.yaml (and the words it shares with numbers.yaml and places.yaml), compiled once."""

    indices: list[tuple[str, regex.Pattern]]      # PAR Index, SIPAS, PCI … and what names each
    any_index: regex.Pattern                      # any of them: a text naming none is scanned once
    levels: list[tuple[str, regex.Pattern]]       # the level a paragraph ranks ("Đối với cấp sở")
    other_index: regex.Pattern                    # an index that is none of ours
    position: regex.Pattern                       # a position ("xếp thứ 2", "đứng cuối bảng")
    each_ordinal: regex.Pattern                   # each rank of "thứ 2, thứ 3"
    next: regex.Pattern                           # "tiếp theo là …"
    entity: regex.Pattern                         # a ranked body ("Sở Tư pháp", "huyện Phong Điền")
    shared: regex.Pattern                         # "các Sở: A, B"
    department: regex.Pattern                     # one department's name
    department_word: str                          # what a department of "các Sở: A, B" is called
    ministry: regex.Pattern                       # a ministry-level body not called "Bộ"
    provinces: regex.Pattern                      # a province's bare name
    city_name: regex.Pattern                      # "TP Hà Nội": a city word and the name after it
    city_word: regex.Pattern                      # a city word at the start
    unit_level: list[tuple[str, regex.Pattern]]   # the level of a body from its first word
    self: regex.Pattern                           # "của tỉnh xếp thứ 10": the article's own province
    clause: regex.Pattern                         # where a ranking clause ends
    year_named: regex.Pattern                     # "năm 2023"
    year_before: regex.Pattern                    # a year right before a position
    compared: regex.Pattern                       # "so với năm 2022": a comparison's year
    both: regex.Pattern                           # "ở cả hai bảng xếp hạng": a position of both indices named
    refers: regex.Pattern                         # a sentence that goes on from a ranking ("danh sách này")
    other_topic: regex.Pattern                    # a rank about something else ("về thu hút đầu tư")
    ordinals: dict[str, int]                      # "thứ tư" -> 4 (numbers.yaml)
    aliases: dict[str, str]                       # "NHNN" -> "Ngân hàng Nhà nước"
    alias_re: regex.Pattern
    cities: frozenset[str]                        # the centrally-run cities, folded


@lru_cache(maxsize=1)
def _rules() -> RankingRules:
    from ..gazetteer import provinces

    rs = {r["id"]: r for r in rules("rankings")}
    data = load_file("rankings")
    index = rs["rankings.index"]["index"]
    return RankingRules(
        indices=[(name, compile_pattern(src)) for name, src in index.items()],
        any_index=compile_pattern("|".join(f"(?:{src}\n)" for src in index.values())),  # verbose: a comment ends at \n
        levels=[(name, compile_pattern(src)) for name, src in rs["rankings.level"]["level"].items()],
        other_index=compile_pattern(rs["rankings.index"]["other_index"]),
        position=rs["rankings.position"]["_regex"],
        each_ordinal=compile_pattern(data["each_ordinal"]),
        next=rs["rankings.next"]["_regex"],
        entity=compile_pattern("{rank_entity}"),
        shared=compile_pattern(data["shared_departments"]),
        department=compile_pattern(r"\L<departments>"),
        department_word=data["department_word"],
        ministry=compile_pattern(r"(?-i:\L<ministry_bodies>)"),
        provinces=whole_words(u.short for u in provinces().values()),
        city_name=compile_pattern(r"{city_words}\s+(.+)$"),
        city_word=compile_pattern(r"{city_words}\b"),
        unit_level=[(lvl, compile_pattern(src)) for lvl, src in data["unit_level"].items()],
        self=compile_pattern(data["self"]),
        clause=compile_pattern(data["clause"]),
        year_named=compile_pattern(data["year_named"]),
        year_before=compile_pattern(data["year_before_position"]),
        compared=compile_pattern(data["compared"]),
        both=compile_pattern(data["both"]),
        refers=compile_pattern(data["refers"]),
        other_topic=compile_pattern(data["other_topic"]),
        ordinals={k.casefold(): v for k, v in table("ordinal_words").items()},
        aliases=dict(data["entity_aliases"]),
        alias_re=whole_words(data["entity_aliases"], guard=r"\p{L}\p{M}&"),
        cities=frozenset(fold(c) for c in load_file("places")["centrally_run_cities"]),
    )


def _last(pats, text):
    best = None
    for name, pat in pats:
        for m in pat.finditer(text):
            if best is None or m.start() > best[1]:
                best = (name, m.start(), m.end())
    return best


def _entities(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    r = _rules()
    out, taken = [], []
    for m in r.shared.finditer(text, start, end):  # "các Sở: A, B": two departments
        for d in r.department.finditer(text, m.start("list"), m.end("list")):
            out.append((d.start(), d.end(), f"{r.department_word} {d.group(0)}"))
        taken.append((m.start(), m.end()))
    for m in r.entity.finditer(text, start, end):
        if any(s <= m.start() < e for s, e in taken):
            continue
        out.append((m.start(), m.end(), _SPACES.sub(" ", m.group(0))))
        taken.append((m.start(), m.end()))
    for m in r.provinces.finditer(text, start, end):  # "Đà Nẵng dẫn đầu", "… là Đồng Tháp"
        if any(s <= m.start() < e for s, e in taken) or name_before(text, m.start()):
            continue
        out.append((m.start(), m.end(), m.group(0)))
        taken.append((m.start(), m.end()))
    for m in r.alias_re.finditer(text, start, end):  # "NHNN", "Bộ KH&CN": named in full
        if any(s <= m.start() < e for s, e in taken):
            continue
        out.append((m.start(), m.end(), r.aliases[m.group(0)]))
    out.sort()
    return out


def _ordinal(word: str) -> int:
    word = " ".join(word.split())
    return int(word) if word.isdigit() else _rules().ordinals[word.casefold()]


@lru_cache(maxsize=1)
def _position_guards():
    rule = next(r for r in rules("rankings") if r["id"] == "rankings.position")
    return {k: compile_pattern(rule[k]) for k in ("trigger", "not_after", "best_not_after", "lead_not_after")}


def _trigger():
    return _position_guards()["trigger"]


def _guarded(text: str, m) -> bool:
    """A match the guards of rankings.position rule out (what comes right before it)."""
    g = _position_guards()
    if g["not_after"].search(text, max(0, m.start() - 60), m.start()):
        return True
    for group, guard in (("best", "best_not_after"), ("worst", "best_not_after"), ("lead", "lead_not_after")):
        if m.group(group) and g[guard].search(text, max(0, m.start(group) - 80), m.start(group)):
            return True
    return False


def _positions(text: str, start: int, end: int) -> list[Position]:
    pos_re = _rules().position
    out: list[Position] = []
    if not _trigger().search(text, start, end):
        return out  # no word any position has: the full pattern need not run
    for m in pos_re.finditer(text, start, end):
        if _guarded(text, m):
            continue
        if m.group("move"):
            y = m.group("from_year")
            out.append(Position(m.start(), m.end(), [(_ordinal(m.group("to")), None)],
                                previous=_ordinal(m.group("from")), previous_year=int(y) if y else None))
            continue
        if m.group("first"):
            ranks = [(1, None)]
        elif m.group("last"):
            ranks = [(None, 1)]
        elif m.group("second_last"):
            ranks = [(None, 2)]
        elif m.group("nth2") or m.group("nth3"):
            ranks = [(int(m.group("nth2") or m.group("nth3")), None)]
        else:
            ranks = [(_ordinal(n.group(1)), None) for n in _rules().each_ordinal.finditer(m.group("nth"))]
        out.append(Position(m.start(), m.end(), ranks))
    return out


def _level_of(entity: str, default: str | None) -> str | None:
    from ..gazetteer import provinces

    r = _rules()
    if r.provinces.fullmatch(entity):
        return "tỉnh"
    if r.ministry.match(entity):
        return "bộ"
    city = r.city_name.match(entity)
    if city and fold(city.group(1)) in provinces() and fold(city.group(1)) in r.cities:
        return "tỉnh"  # "TP Hà Nội" among provinces
    for lvl, pat in r.unit_level:
        if lvl == "huyện" and default == "tỉnh" and r.city_word.match(entity):
            return "tỉnh"  # a centrally-run city ranked among provinces
        if pat.search(entity):
            return lvl
    return default


def names_an_index(text: str) -> bool:
    return scanner(_rules().any_index).search(text) is not None


@lru_cache(maxsize=1024)
def _index_named(sentence: str):
    """The last index a sentence names (cached: figures and rankings both ask, per sentence)."""
    if not names_an_index(sentence):
        return None
    return _last(_rules().indices, sentence)


def index_per_sentence(sentences) -> list[str | None]:
    """The index each sentence is about: the last one named so far in the article ("Chỉ số
    CCHC", "SIPAS", "PCI" …), None after a sentence that names some other index."""
    indices, other = _rules().indices, _rules().other_index
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


def _sentence_year(text: str, found: tuple[str, int, int], current: int | None) -> int | None:
    """The year of the index named at `found` in a sentence: right after it ("Chỉ số CCHC 2015",
    "… năm 2023"), else the last one before it ("Năm 2016, chỉ số …"), else the first after it
    that is no comparison ("so với năm 2022")."""
    year, compared = _rules().year_named, _rules().compared
    y = _YEAR_AFTER.match(text, found[2])
    if y is None:
        y = year.match(text, found[2]) or year.match(text, found[2] + 1)
    if y is None:
        y = next(reversed(list(year.finditer(text, 0, found[1]))), None)
    if y is None:
        y = next((m for m in year.finditer(text, found[1]) if not compared.search(text, 0, m.start())), None)
    return int(y.group(1)) if y else current


def extract(ctx) -> list[Ranking]:
    r = _rules()
    indices, levels = r.indices, r.levels
    text = ctx.text
    if not names_an_index(text) or not _trigger().search(text):
        return []  # no index named, or no position stated: nothing to rank
    index = level = None
    year = None
    out: list[Ranking] = []
    seen: set[tuple] = set()
    para = -1
    last_rank: int | None = None   # the last rank from the top, for "tiếp theo là A, B"
    index_para, ranked_before = -1, False   # where the index was named; the sentence before ranked

    def add(start: int, end: int, name: str, lvl: str | None, yr: int | None, rank: int | None,
            from_bottom: int | None) -> None:
        name = r.aliases.get(name, name)   # "NHNN" is Ngân hàng Nhà nước
        key = (index, name, rank, from_bottom, yr)
        if key in seen:
            return
        seen.add(key)
        out.append(Ranking(**ctx.span(start, end), index=index, level=lvl, year=yr, rank=rank,
                           from_bottom=from_bottom, entity=name))

    for s in ctx.sentences:
        if s.paragraph != para:
            para, level = s.paragraph, None
        first_here = len(out)
        found = _index_named(s.text)
        if not found and r.other_index.search(s.text):
            index = None  # "Chỉ số sẵn sàng cho phát triển CNTT": another index altogether
        if found:
            if found[0] != index:
                last_rank = None
            index = found[0]
            year = _sentence_year(s.text, found, year)
            if index in ("PCI", "PAPI"):
                level = "tỉnh"
        lv = _last(levels, s.text)
        if lv:
            level = lv[0]
        if index is None:
            continue
        if found:
            index_para, ranked_before = s.paragraph, True
        elif not (s.paragraph == index_para or ranked_before or r.refers.search(s.text)) \
                or r.other_topic.search(s.text):
            # a sentence that names no index ranks by it only where it goes on from it: in its
            # paragraph, right after a ranking, or saying so ("danh sách này"); never "đứng thứ 2
            # cả nước về thu hút đầu tư"
            ranked_before = False
            continue
        sent_year = year or _article_year(ctx)
        bounds = [s.start] + [s.start + m.end() for m in r.clause.finditer(s.text)] + [s.end]
        taken: set[int] = set()   # entity starts this sentence's positions claimed
        prev_end = s.start
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
                # "tăng 3 bậc so với năm 2023 (xếp hạng 8/63)": a year written right before it
                near = r.year_before.search(text, max(prev_end, p.start - 30), p.start)
                if not picks and k == 1 and near and used:  # the same body, another year
                    picks = [max(used)]
                if not picks and k == 1 and ctx.article.province and r.self.search(text, cs, p.end):
                    # "Chỉ số CCHC năm 2022 của tỉnh xếp thứ 10/63": the article's own province
                    ents.append((p.start, p.start, ctx.article.province))
                    picks = [len(ents) - 1]
                    level_here = "tỉnh"
                else:
                    level_here = None
                if len(picks) != k:
                    continue  # a position without a body it could belong to: leave it
                yr = int(near.group(1)) if near else sent_year
                prev_end = p.end
                for i, (rank, from_bottom) in zip(picks, p.ranks):
                    used.add(i)
                    es, ee, name = ents[i]
                    taken.add(es)
                    if rank is not None:
                        last_rank = rank
                    lvl = level_here or _level_of(name, level)
                    add(min(es, p.start), max(ee, p.end), name, lvl, yr, rank, from_bottom)
                    if p.previous is not None:  # "từ vị trí thứ 17 lên vị trí thứ 3": the year before too
                        before_year = p.previous_year or (yr - 1 if yr else None)
                        add(min(es, p.start), max(ee, p.end), name, lvl, before_year, p.previous, None)
        nxt = r.next.search(text, s.start, s.end)
        if nxt and last_rank is not None:  # "tiếp theo là Bộ Tài chính …, Bộ Tư pháp …": the next ranks
            for es, ee, name in _entities(text, nxt.end(), s.end):
                if es in taken:
                    continue
                last_rank += 1
                add(es, ee, name, _level_of(name, level), sent_year, last_rank, None)
        ranked_before = len(out) > first_here or bool(found)
        if len(out) > first_here and r.both.search(s.text):
            # "vị trí quán quân ở cả hai bảng xếp hạng: PAR Index và SIPAS": each index named
            others = {name for name, pat in indices if name != index and pat.search(s.text)}
            for rec in out[first_here:len(out)]:
                for other in sorted(others):
                    key = (other, rec.entity, rec.rank, rec.from_bottom, rec.year)
                    if key not in seen:
                        seen.add(key)
                        out.append(replace(rec, index=other))
    return out


def _article_year(ctx) -> int | None:
    p = ctx.article.published
    return int(p[:4]) if p and p[:4].isdigit() else None
