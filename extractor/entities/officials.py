"""official records: a person named with at least one title.

Signals, not one model: the title lexicon, Vietnamese surnames, ông/bà/đồng chí, apposition
("Hoàng Tùng, Phó Bí thư …", "Phạm Trung Chánh- Chủ tịch …") and title-before-name ("Phó Thủ
tướng Chính phủ Trần Lưu Quang"). Lexicons: patterns/officials.yaml. One record per person,
from the mention with the most titles.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from ..gazetteer import place_names
from ..leads import scanner
from ..normalize import fold as _fold_uncached
from ..patterns import alternation, compile_pattern, lexicon, load_file
from ..records import Official

_SYL = r"[\p{Lu}][\p{Ll}\p{M}]*"          # one capitalized syllable
_SYL_RE = regex.compile(_SYL)
_CAP_WORD = regex.compile(r"[\p{Lu}][\p{L}\p{M}]*")
_WORD = regex.compile(r"[\p{L}\p{N}][^\s]*")
_SPACES = regex.compile(r"\s+")
_BRACKETS = regex.compile(r"\([^()]*\)")
_NOT_IN_BRACKET = regex.compile(r"[,;(]|\d{1,2}/\d")
_CAPRUN = regex.compile(r"(?<![\p{L}\p{M}])" + _SYL + r"(?:[ \t\u00a0]+" + _SYL + r")*(?![\p{L}\p{M}])")  # a name never spans lines
_SEP_AFTER_NAME = regex.compile(r"\s*(?:,|-|–|—|\()\s*")


fold = lru_cache(maxsize=1 << 16)(_fold_uncached)  # names and places repeat: fold each once


@dataclass
class Mention:
    name: str
    start: int
    end: int
    titles: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class OfficialRules:
    """patterns/officials.yaml, compiled once."""

    titles: regex.Pattern        # a title ("Phó Chủ tịch", "Bí thư"), not "Ban Bí thư"
    stops: regex.Pattern         # a word that ends a title phrase ("chủ trì", "phát biểu")
    honor: regex.Pattern         # ông, bà, đồng chí right before a name
    surnames: frozenset[str]     # casefolded
    org_before: regex.Pattern    # a body or place word before a capitalized run
    admin_before: regex.Pattern  # a unit word before a capitalized run
    phrase_end: regex.Pattern    # where a title phrase ends
    rank_gap: regex.Pattern      # a rank between a title and a name
    comma_gap: regex.Pattern     # what may stand between a title and the name it introduces
    title_sep: regex.Pattern     # between two titles of one person
    office_place: regex.Pattern  # the place of an office in a title


@lru_cache(maxsize=1)
def _rules() -> OfficialRules:
    cues = load_file("officials")["cues"]
    # a lookahead on the titles' first words makes the scan cheap; "Ban Bí thư" is a body, no title
    firsts = {t.split()[0] for t in lexicon()["lists"]["titles"]}
    return OfficialRules(
        titles=compile_pattern(r"(?<![\p{L}\p{M}])(?=" + alternation(firsts) + r"\s)"
                               r"(?<!(?-i:Ban)\s)(?:\L<titles>)(?![\p{L}\p{M}])"),
        stops=compile_pattern(r"(?-i:(?<![\p{L}\p{M}])(?:\L<title_stops>)(?![\p{L}\p{M}]))"),
        honor=compile_pattern(r"(?<![\p{L}\p{M}])(?:\L<honorifics>)\s+$"),
        surnames=frozenset(s.casefold() for s in lexicon()["lists"]["surnames"]),
        **{name: compile_pattern(cues[name]) for name in ("org_before", "admin_before", "phrase_end", "rank_gap",
                                                           "comma_gap", "title_sep", "office_place")})


@lru_cache(maxsize=1)
def _bodies():
    """A ministry or department named with its full name, whose commas, dashes and "và" are
    inside the name ("Bộ Văn hóa, Thể thao và Du lịch"; departments: patterns/rankings.yaml)."""
    return compile_pattern(r"(?<![\p{L}\p{M}])(?:\L<departments>)(?![\p{L}\p{M}])")


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < pos < e for s, e in spans)


@lru_cache(maxsize=1)
def _rank_before():
    return compile_pattern(r"(?<![\p{L}\p{M}])(\L<ranks>)\s+$")


@lru_cache(maxsize=1)
def _non_government():
    return compile_pattern(r"(?:\L<non_government>)")


@lru_cache(maxsize=1)
def _state_bodies():
    return compile_pattern(r"(?:\L<state_bodies>)")


def _is_non_government(title: str) -> bool:
    org = _org(title)
    # "Chủ tịch Hội đồng thành viên Tổng công ty Bưu điện Việt Nam" heads a company too; the
    # State Bank is no bank of that kind
    return bool(org and _non_government().search(org) and not _state_bodies().search(org))


@lru_cache(maxsize=1)
def _kinds():
    lists = lexicon()["lists"]
    generic = {fold(t) for t in lists["generic_titles"]}
    bare_ok = {fold(t) for t in lists["bare_ok_titles"]}
    gov = compile_pattern(r"(?<![\p{L}\p{M}])(?:(?-i:\L<government_words>)|\L<departments>)(?![\p{L}\p{M}])")
    return generic, bare_ok, gov


def _two_people(earlier: str, later: str) -> bool:
    """A head's title ("Thủ tướng", "Bí thư") is not chained with a deputy's or a minister's
    ("Phó Chủ tịch", "Bộ trưởng"): "của Thủ tướng Chính phủ, Bộ trưởng Bộ Xây dựng X" names two."""
    titles = _rules().titles
    a, b = titles.match(earlier), titles.match(later)
    if not a or not b:
        return False
    lists = lexicon()["lists"]
    heads = {fold(t) for t in lists["head_titles"]}
    junior = {fold(t) for t in lists["junior_titles"]}
    fb = fold(b.group(0))
    return fold(a.group(0)) in heads and (fb.startswith("phó ") or fb in junior)


def _is_official_title(title: str) -> bool:
    """A title of public office: not a company's or an association's; a title companies use
    too ("Giám đốc", "Chủ tịch") only with a government body or a place in it."""
    if _is_non_government(title):
        return False
    generic, bare_ok, gov = _kinds()
    head = _rules().titles.match(title)
    word = fold(head.group(0)) if head else ""
    if word not in generic:
        return True
    org = _org(title)
    if org is None:
        return word in bare_ok
    return bool(gov.search(_BRACKETS.sub("", org)))  # "(TP Quảng Ngãi)" places, does not govern


@lru_cache(maxsize=1)
def _non_names() -> frozenset[str]:
    return frozenset(fold(x) for x in lexicon()["lists"]["non_names"])


@lru_cache(maxsize=1)
def _places_and_non_names() -> frozenset[str]:
    return place_names() | _non_names()


@lru_cache(maxsize=1)
def _name_enders():
    return compile_pattern(r"(?-i:\L<award_kinds>|\L<not_name_syllables>)(?![\p{L}\p{M}])")


def _names(sentence: str, base: int) -> list[tuple[int, int]]:
    """Person-name spans (absolute) in a sentence: 2-4 capitalized syllables starting with a
    surname (or any, right after ông/bà/đồng chí). After an admin word ("TP", "huyện") a
    leading place name is skipped ("UBND TP Hà Nội Trần Sỹ Thanh"); after an org word
    ("Sở", "Bộ", "Ảnh:") the run is not a person."""
    honor, surnames = _rules().honor, _rules().surnames
    places = _places_and_non_names()
    out = []
    for m in _CAPRUN.finditer(sentence):
        found = list(_SYL_RE.finditer(m.group(0)))
        if len(found) < 2:
            continue  # a name has two syllables at least
        sylls = [x.group(0) for x in found]
        starts = [m.start() + x.start() for x in found]
        run_end = m.end()
        for k in range(1, len(sylls)):  # "Lương Cường Huân chương", "Lê Minh Hưng Trưởng ban": the name ends
            if _name_enders().match(sentence, starts[k]) or _rules().titles.match(sentence, starts[k]):
                sylls, starts, run_end = sylls[:k], starts[:k], starts[k - 1] + len(sylls[k - 1])
                break
        if len(sylls) < 2:
            continue
        before = max(0, m.start() - 24)  # what precedes a name is a word or two: look no further
        surname_at = [x.casefold() in surnames for x in sylls]
        honored = not surname_at[0] and bool(honor.search(sentence, before, m.start()))
        if not honored and not any(surname_at[:-1]):
            continue  # no surname to start a name, no ông/bà before it
        after_org = bool(_rules().org_before.search(sentence, before, m.start()))
        after_admin = bool(_rules().admin_before.search(sentence, before, m.start()))
        folded = [fold(x) for x in sylls]
        in_place = set()  # syllables inside a place name that began earlier ("Bắc Giang Dương Văn Thái")
        for j in range(len(sylls)):
            for k in range(j + 2, min(len(sylls), j + 4) + 1):
                if " ".join(folded[j:k]) in places:
                    in_place.update(range(j + 1, k))
        for i in range(len(sylls)):
            if not 2 <= len(sylls) - i <= 4 or i in in_place:
                continue
            if not (honored and i == 0) and not surname_at[i]:
                continue
            if i == 0 and after_org:
                break
            prefix_is_place = i > 0 and fold(" ".join(sylls[:i])) in places
            if after_admin and i == 0 and any(fold(" ".join(sylls[:k])) in places for k in range(1, len(sylls) + 1)):
                continue  # "TP Hà Nội …": the run starts with the place
            if after_admin and i > 0 and not prefix_is_place:
                continue
            if fold(" ".join(sylls[i:])) in places:
                break  # "Sở Thông tin và Truyền thông Hà Nội": a city, not the next person
            out.append((base + starts[i], base + run_end))
            break
    return out


def _title_phrase(text: str, start: int, limit: int, names: list[tuple[int, int]]) -> int:
    """End of the title phrase that begins at `start` (a title word)."""
    titles, stops = _rules().titles, _rules().stops
    name_starts = {ns for ns, _ in names}
    bodies = _Bodies(_bodies().finditer(text, start, limit))  # read only as far as the phrase goes
    end = limit
    pos = start
    while True:
        m = _rules().phrase_end.search(text, pos, limit)
        if not m:
            break
        if bodies.inside(m.start()):
            pos = m.end()
            continue
        if m.group(0) == "(":  # "Cục Kiểm soát TTHC (Văn phòng Chính phủ)", "(PA 08) Công an TP. HCM"
            close = text.find(")", m.end(), min(limit, m.end() + 40))
            if close > 0 and not _NOT_IN_BRACKET.search(text[m.end():close]):
                pos = close + 1
                continue
        if m.group(0).strip() in ("-", "–", "—"):
            nxt = _CAP_WORD.match(text, m.end(), limit)
            if nxt and m.end() not in name_starts and not titles.match(text, m.end()):
                pos = m.end()  # "Sở Lao động - Thương binh và Xã hội": the dash is inside a name
                continue
        end = m.start()
        break
    head = titles.match(text, start)
    for s in stops.finditer(text, head.end() if head else start + 1, end):
        if not bodies.inside(s.start()):
            end = s.start()
            break
    for ns in name_starts:
        if start < ns < end:
            end = ns
    words = list(_WORD.finditer(text[start:end]))  # dashes are no words
    if len(words) > 20:
        end = start + words[19].end()
    while end > 0 and text[end - 1].isspace():  # len(text[:end].rstrip()), without copying the text
        end -= 1
    return end


class _Bodies:
    """The spans of a lazy finditer of bodies, read only as far as the positions asked about."""

    def __init__(self, found):
        self.found, self.spans, self.done = found, [], False

    def inside(self, pos: int) -> bool:
        while not self.done and (not self.spans or self.spans[-1][0] < pos):
            m = next(self.found, None)
            if m is None:
                self.done = True
            else:
                self.spans.append(m.span())
        return _inside(pos, self.spans)


def mentions(text: str, s_start: int, s_end: int, title_hits: list[tuple[int, int]] | None = None) -> list[Mention]:
    titles_re, stops = _rules().titles, _rules().stops
    sentence = text[s_start:s_end]
    if title_hits is None:
        title_hits = [(m.start(), m.end()) for m in titles_re.finditer(text, s_start, s_end)]
    # a "name" inside a title is no name: "Trưởng Đoàn Kiểm tra" (Đoàn is a surname too)
    names = [n for n in _names(sentence, s_start) if not any(ts <= n[0] < te for ts, te in title_hits)]
    out = []
    for ns, ne in names:
        m = Mention(" ".join(text[ns:ne].split()), ns, ne)
        if fold(m.name) in place_names():
            continue  # "Hà Nội" is a city, whatever the surname list says
        # titles before the name: "Phó Thủ tướng Chính phủ Trần Lưu Quang", chains with commas
        before = [t for t in title_hits if t[0] < ns]
        chain: list[tuple[int, int]] = []
        boundary = ns
        for ts, _ in reversed(before):
            te = _title_phrase(text, ts, boundary, names)
            gap = text[te:boundary]
            if te <= ts or not _rules().comma_gap.fullmatch(gap):
                break
            if chain and "," not in gap:
                break
            if chain and _two_people(text[ts:te], text[chain[0][0]:chain[0][1]]):
                break  # "ý kiến của Bí thư Thành ủy, Phó Chủ tịch UBND Trần Vĩnh Tuyến": two people
            chain.insert(0, (ts, te))
            boundary = ts
        m.titles.extend(text[a:b] for a, b in chain)
        if chain:
            m.start = chain[0][0]
        # titles after the name: "Hoàng Tùng, Phó Bí thư Thành ủy, Chủ tịch UBND, …"
        n_before = len(m.titles)
        sep = _SEP_AFTER_NAME.match(text, ne)
        pos = sep.end() if sep else None
        if sep is None and text[ne:ne + 1] == " " and text[ne + 1:ne + 2].isupper():
            pos = ne + 1  # "Ông Lê Minh Hưng Trưởng ban Tổ chức Trung ương": a capitalized title, no comma
        while pos is not None and pos < s_end:
            t = titles_re.match(text, pos)
            if not t:
                break
            te = _title_phrase(text, pos, s_end, names)
            if any(te <= ns2 <= te + 24 and _rules().rank_gap.fullmatch(text, te, ns2) for ns2, _ in names):
                # "…, Phó Chủ tịch UBND TP Trần Vĩnh Tuyến": the title is the next person's, and so
                # are the titles chained before it ("Lương Cường, Phó thủ tướng, Bộ trưởng Ngoại giao
                # Bùi Thanh Sơn")
                del m.titles[n_before:]
                m.end = ne
                break
            m.titles.append(text[pos:te])
            m.end = te
            nxt = _rules().title_sep.match(text, te)
            pos = nxt.end() if nxt else None
        m.titles = [_SPACES.sub(" ", t).strip(" -–—") for t in m.titles if t.strip()]
        if m.titles and any(_is_official_title(t) for t in m.titles):
            rank = _rank_before().search(text, max(s_start, ns - 20), ns)
            if rank:  # "Thượng tá Nguyễn Đức Nghiệm, phó trưởng Phòng …": the rank is a title too
                m.titles.insert(len(chain), rank.group(1))
                m.start = min(m.start, rank.start(1))
            out.append(m)
    return out


def _org(title: str) -> str | None:
    titles_re = _rules().titles
    m = titles_re.match(title)
    rest = title[m.end():].strip() if m else ""
    return rest or None


@lru_cache(maxsize=1)
def _national():
    return compile_pattern(r"(?-i:(?<![\p{L}\p{M}])(?:\L<national_words>)(?![\p{L}\p{M}]))")


def _fullness(m: Mention) -> tuple[int, int]:
    """More titles first, then longer ones ("Thứ trưởng Bộ Thông tin và Truyền thông" over "Thứ trưởng")."""
    return len(m.titles), sum(len(t) for t in m.titles)


def title_spans(text: str) -> list[tuple[int, int]]:
    """The spans of the title regex's matches in `text`, tried only where a title can begin
    (leads.py: one C-speed pass for the titles' first words, not a try at every character)."""
    return [m.span() for m in scanner(_rules().titles).finditer(text)]


def extract(ctx) -> list[Official]:
    best: dict[str, Mention] = {}
    order: list[str] = []
    hits = title_spans(ctx.text)  # one pass over the text
    starts = [h[0] for h in hits]
    for s in ctx.sentences:
        lo, hi = bisect_left(starts, s.start), bisect_left(starts, s.end)
        if lo == hi:
            continue  # no title word in the sentence: no official in it
        for m in mentions(ctx.text, s.start, s.end, [h for h in hits[lo:hi] if h[1] <= s.end]):
            key = fold(m.name)
            if key not in best:
                order.append(key)
                best[key] = m
            elif _fullness(m) > _fullness(best[key]):
                best[key] = m
    out = []
    for key in order:
        m = best[key]
        org = next((o for o in (_org(t) for t in m.titles) if o), None)
        loc = next((x.group(0) for x in (_rules().office_place.search(t) for t in m.titles) if x), None)
        if loc is None and not any(_national().search(t) for t in m.titles):
            loc = ctx.article.locality  # "Chủ tịch UBND Thành phố": the article's city
        out.append(Official(**ctx.span(m.start, m.end), name=m.name, titles=m.titles, organization=org, locality=loc))
    return out
