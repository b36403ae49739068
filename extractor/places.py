"""Places: the article's place, and the codes of every record's place.

An article's locality as written ("huyện Kiến Thụy", "TP. Tây Ninh"), its province in the
63-province structure of its time, and `province_2025`, the province it belongs to since the
July 2025 reorganisation (vietnamadminunits, offline). Every place also gets its national
codes (`province_code`, `district_code`, `ward_code`), its `unit_level` and the 2025
province's code (see `gazetteer.codes`): all spellings of a unit ("TP. HCM", "TP HCM",
"Thành phố Hồ Chí Minh", "Sài Gòn", "TPHCM") give the same codes, and a string that no unit
answers to ("TP Võ Sĩ") is not a locality.

Old text is read in the old structure (in the 2025 structure "huyện Kiến Thụy" would become
a ward). Mentions in the title weigh most, then the lead, then the rest; "UBND Thành phố"
later in the text means that city (figures take the article locality when a subject names
no place).

Matching is one pass of one compiled alternation over the text (names that are no place,
province aliases, unit word + name, bare province names; `patterns/places.yaml`), built once:
linear in the text, whatever it repeats.
"""
from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import regex

from .gazetteer import Unit, codes, communes, districts, province_label, provinces, unit_by_code
from .normalize import fold as _fold_text
from .leads import scanner
from .patterns import load_file, rules


@lru_cache(maxsize=16384)
def fold(text: str | None) -> str:
    """normalize.fold, cached: place names repeat."""
    return _fold_text(text)


@dataclass
class Place:
    written: str
    unit: Unit
    weight: float
    start: int | None = None   # where in the text (None: in the title)


@dataclass(frozen=True)
class Located:
    """What a locality string names: `written` is the part of it that is the place
    ("TP Hà Nội" of "TP Hà Nội Nguyễn"); `unit` None with `national` for the whole country."""

    written: str
    unit: Unit | None
    national: bool = False


@dataclass(frozen=True)
class ArticlePlace:
    """Where an article is: the fields of `model.Article` (and of its record) that places.py sets."""

    locality: str | None = None       # as written: "huyện Kiến Thụy", "TP. Tây Ninh"
    province: str | None = None       # 63-province structure of the time
    province_2025: str | None = None  # since July 2025
    codes: dict[str, Any] = field(default_factory=dict)  # gazetteer.codes of the place (records.PLACE)


@lru_cache(maxsize=1)
def _vocab() -> dict[str, Any]:
    data = load_file("places")
    aliases = {str(k): str(v) for k, v in (data.get("province_aliases") or {}).items()}
    return {
        "aliases": aliases,
        "alias_key": {fold(k): fold(v) for k, v in aliases.items()},
        "not_places": [str(x) for x in data.get("not_places") or []],
        "national": frozenset(fold(x) for x in data.get("national_places") or []),
        "unit_words": list(unit_word_kinds()),
    }


@lru_cache(maxsize=1)
def _unit_re() -> regex.Pattern:
    return {r["id"]: r["_regex"] for r in rules("places")}["places.unit"]


@lru_cache(maxsize=1)
def _commune_re() -> regex.Pattern:
    return {r["id"]: r["_regex"] for r in rules("places")}["places.commune"]


_SKIP, _ALIAS, _PROV, _KIND = range(4)


@lru_cache(maxsize=1)
def _automaton():
    """One Aho–Corasick automaton over every string that starts a place: names that are no
    place, province aliases, province names and unit words (pyahocorasick: one pass in C over
    the text, ~10x faster than one alternation of the same strings in `regex`)."""
    import ahocorasick

    v = _vocab()
    auto = ahocorasick.Automaton()
    entries = [(w, _KIND) for w in v["unit_words"]] + [(u.short, _PROV) for u in provinces().values()] \
        + [(a, _ALIAS) for a in v["aliases"]] + [(n, _SKIP) for n in v["not_places"]]
    for word, cat in entries:  # later categories win a string named twice: no place > alias > province
        auto.add_word(word, (cat, word, len(word)))
    auto.make_automaton()
    return auto


def _letter(text: str, i: int) -> bool:
    """Whether text[i] exists and is part of a word."""
    if i < 0 or i >= len(text):
        return False
    ch = text[i]
    return ch.isalpha() or unicodedata.combining(ch) > 0


def _hits(src: str):
    """The whole-word hits of the automaton, leftmost-longest and not overlapping, as
    (start, end, category, string), streamed (nothing is kept per hit)."""
    if not src:
        return
    for last, (cat, word, n) in _automaton().iter_long(src):
        start, end = last - n + 1, last + 1
        if _letter(src, start - 1) or (cat != _KIND and _letter(src, end)):
            continue
        yield start, end, cat, word


# a capitalized syllable right before a bare province name makes it part of a longer name
_NAME_BEFORE = regex.compile(r"(?<![\p{L}\p{M}])([\p{Lu}][\p{Ll}\p{M}]+)\s+$")
_SENTENCE_START = regex.compile(r"(?:^|[.!?:;\n\"“(]\s*)$")


@lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    from .patterns import lexicon

    return frozenset(fold(x) for x in lexicon()["lists"].get("surnames", []))


def name_before(text: str, pos: int) -> bool:
    """Whether the place name at `pos` ends a longer proper name ("Trương Hòa Bình",
    "Viettel Tây Ninh"): a capitalized word just before it that is a surname or does not
    merely start the sentence ("Tại Hà Nội" is a place)."""
    m = _NAME_BEFORE.search(text, max(0, pos - 12), pos)
    if not m:
        return False
    if fold(m.group(1)) in _surnames():
        return True
    return not _SENTENCE_START.search(text, max(0, m.start() - 3), m.start())


@lru_cache(maxsize=1)
def _province_cities() -> frozenset[str]:
    """The centrally-run cities ("Thành phố Hà Nội" … in the data): "TP Cần Thơ" is the province."""
    return frozenset(k for k, u in provinces().items() if u.name.startswith("Thành phố"))


def _province(key: str) -> Unit | None:
    """A province by folded name or alias."""
    return provinces().get(key) or provinces().get(_vocab()["alias_key"].get(key, ""))


@lru_cache(maxsize=1)
def unit_word_kinds() -> dict[str, str]:
    """Every unit word as written ("TP.", "huyện", "Q.") -> the kind it names (places.yaml
    province_words, city_words, district_words): "province", or the gazetteer's district kind
    ("Thành phố", "Quận", …)."""
    from .patterns import table

    return {**table("province_words"), **table("city_words"), **table("district_words"),
            **table("district_abbreviations")}


@lru_cache(maxsize=1)
def _unit_kinds() -> dict[str, str]:
    """The same, by the folded word ("tp", "q", "thị xã")."""
    return {fold(w).rstrip("."): kind for w, kind in unit_word_kinds().items()}


@lru_cache(maxsize=1)
def _province_prefix() -> regex.Pattern:
    """The unit word a province's name may start with ("TP Hồ Chí Minh", "Tỉnh Cần Thơ")."""
    from .patterns import compile_pattern

    return compile_pattern(r"^(?:{province_words}|{city_words})\s+")


def _resolve(kind: str, name: str, within: str | None = None) -> tuple[Unit | None, int]:
    """The unit a unit word + name names, and how many words of `name` it took."""
    unit_kind = _unit_kinds().get(fold(kind).rstrip("."))
    province_word, city_word = unit_kind == "province", unit_kind == "Thành phố"
    want = None if province_word else unit_kind
    words = name.split()
    if len(words) == 1 and words[0].isdigit():  # "Quận 1"
        cands = districts().get(f"{fold(unit_kind)} {int(words[0])}", [])
        if within:
            cands = [u for u in cands if u.province == within] or cands
        return (cands[0], 1) if len(cands) == 1 else (None, 0)
    # a name may be followed by more capitalized words than the unit has ("TP Thủ Đức Hoàng Tùng")
    for n in range(len(words), 0, -1):
        key = fold(" ".join(words[:n]))
        prov = _province(key)
        if province_word and prov:
            return prov, n
        if city_word and prov and fold(prov.short) in _province_cities():
            return prov, n
        cands = districts().get(key, [])
        cands = [u for u in cands if want is None or u.kind == want]
        if within and len(cands) > 1:
            cands = [u for u in cands if u.province == within] or cands
        if len(cands) == 1:
            return cands[0], n
        if city_word and prov:
            return prov, n
    return None, 0


def resolve_unit(kind: str, name: str, within: str | None = None) -> Unit | None:
    """"huyện Kiến Thụy" -> the district; "TP Cần Thơ" -> the province; None when unknown.
    `within` (a province's short name) decides between districts of the same name."""
    return _resolve(kind, name, within)[0]


def _places_in(src: str, weight_of) -> list[Place]:
    """The places of one text, in one pass: at each position the longest hit wins; a unit
    word is read with the name after it (patterns/places.yaml `places.unit`); a unit word
    whose name is no unit leaves what it holds to the hits after it ("TP. H…" of "TP. HCM").
    Listed unit mentions first, then aliases, then bare names (the first mention of a unit
    is how the article's locality is written)."""
    units: list[Place] = []
    aliases: list[Place] = []
    names: list[Place] = []
    pos = 0
    for start, end, cat, word in _hits(src):
        if start < pos:
            continue
        if cat == _SKIP:
            pos = end
        elif cat == _ALIAS:
            aliases.append(Place(word, _province(fold(word)), 0.5 * weight_of(start), start))  # like a bare name
            pos = end
        elif cat == _PROV:
            if not name_before(src, start):  # "Phó Thủ tướng Trương Hòa Bình": a person's name
                names.append(Place(word, provinces()[fold(word)], 0.5 * weight_of(start), start))
            pos = end
        else:
            m = _unit_re().match(src, start)
            if m is None or m.group("name").isdigit():
                continue  # "quận 1" in a photo caption: too slight to place an article
            unit, n = _resolve(m.group("kind"), m.group("name"))
            if unit is not None and not _starts_no_place(src, m.start("name")):
                written = " ".join([*m.group("kind").split(), *m.group("name").split()[:n]])
                units.append(Place(written, unit, weight_of(start), start))
                pos = m.end()
    return units + aliases + names


def _starts_no_place(src: str, pos: int) -> bool:
    return any(src.startswith(n, pos) and not _letter(src, pos + len(n)) for n in _vocab()["not_places"])


def find_places(title: str | None, text: str) -> list[Place]:
    lead_end = text.find("\n\n")
    if lead_end < 0:
        lead_end = min(len(text), 400)
    in_title = _places_in(title or "", lambda pos: 3.0)
    for p in in_title:
        p.start = None
    return in_title + _places_in(text, lambda pos: 2.0 if pos < lead_end else 1.0)


def province_2025(unit: Unit) -> str | None:
    from .gazetteer import province_2025 as p2025

    return p2025(unit)[0]


def _province_key(name: str | None) -> str | None:
    """"TP Hồ Chí Minh" / "Hồ Chí Minh" / "Cần Thơ" -> the key of provinces(), or None."""
    if not name:
        return None
    key = fold(_province_prefix().sub("", name.strip()))
    if key in provinces():
        return key
    unit = _province(fold(name.strip()))
    return fold(unit.short) if unit else None


def locate_unit(title: str | None, text: str, hint: str | None = None,
                fixed: bool = False) -> tuple[str | None, str | None, Unit | None]:
    """(locality as written, province label, the unit of the locality), or Nones; see `locate`."""
    places = find_places(title, text)
    hint_key = _province_key(hint)
    hint_short = provinces()[hint_key].short if hint_key else None
    if fixed and hint_short:
        places = [p for p in places if p.unit.province == hint_short]
    if not places:
        if hint_short:
            return None, province_label(hint_short), provinces()[hint_key]
        return None, None, None
    by_province: Counter[str] = Counter()
    for p in places:
        by_province[p.unit.province] += p.weight
    if hint_short and hint_short in by_province:
        by_province[hint_short] += 0.25  # the source's own province wins a tie
    ranked = by_province.most_common(2)
    province, top = ranked[0]
    if len(ranked) > 1 and ranked[1][1] >= top:
        return None, None, None  # provinces named alike (a national round-up): no one place
    if not fixed and _national_scope(text, places, by_province):
        return None, None, None
    by_unit: Counter[str] = Counter()
    first: dict[str, Place] = {}
    for p in places:
        if p.unit.province != province:
            continue
        key = p.unit.name
        by_unit[key] += p.weight + (0.5 if p.unit.kind != "province" else 0.0)  # the more specific place
        first.setdefault(key, p)
    best = first[by_unit.most_common(1)[0][0]]
    return best.written, province_label(province), best.unit


_EDGE = regex.compile(r"[.!?\n]")                     # a sentence's end, looking forward
_EDGE_BACK = regex.compile(r"[.!?\n]", regex.REVERSE)  # the one before a position


@lru_cache(maxsize=1)
def _scope_rules() -> dict[str, Any]:
    from .patterns import compile_pattern

    data = dict(load_file("places")["national_scope"])
    data["cues_re"] = compile_pattern(data["cues"])
    data["ranking_re"] = compile_pattern(data["ranking"])
    return data


def _national_scope(text: str, places: list[Place], by_province: Counter) -> bool:
    """An article about the whole country or a ministry (places.yaml `national_scope`)."""
    rules_ = _scope_rules()
    total = sum(by_province.values()) or 1.0
    share = by_province.most_common(1)[0][1] / total
    if len(by_province) >= rules_["round_up"]["provinces"] and share < rules_["round_up"]["top_share"]:
        return True  # a round-up of provinces
    # provinces named in a sentence that ranks: the ranking sentences once, then each place
    # looked up among them (linear in the text, however many places it repeats)
    spans: list[tuple[int, int]] = []
    for m in scanner(rules_["ranking_re"]).finditer(text):
        if spans and m.start() < spans[-1][1]:
            continue  # the same sentence
        before = _EDGE_BACK.search(text, 0, m.start())
        after = _EDGE.search(text, m.end())
        spans.append((before.end() if before else 0, after.start() if after else len(text)))
    starts = [a for a, _ in spans]
    ranked = set()
    for p in places:
        if p.start is not None and spans:
            i = bisect_right(starts, p.start) - 1
            if i >= 0 and p.start < spans[i][1]:
                ranked.add(p.unit.province)
    if len(ranked) >= rules_["ranked_provinces"]:
        return True  # a ranking of provinces
    central = rules_["central"]
    return share < central["top_share"] and len(rules_["cues_re"].findall(text)) >= central["cues"]


def locate(title: str | None, text: str, hint: str | None = None,
           fixed: bool = False) -> tuple[str | None, str | None, str | None]:
    """(locality as written, province, province_2025) of an article, or Nones.

    `hint`: the province of the news source (corpus/sources.yaml), which breaks ties and is the
    answer when the text names no place; with `fixed` the province is the hint whatever the text
    says, and the locality is looked for inside it only."""
    written, province, unit = locate_unit(title, text, hint, fixed)
    return written, province, (province_2025(unit) if unit else None)


@lru_cache(maxsize=4096)
def resolve_locality(text: str | None, within: str | None = None, district: str | None = None) -> Located | None:
    """What a locality string names, or None when it is no place ("TP Võ Sĩ").

    `within` (a province's code) is where an ambiguous district name and every commune
    ("phường 14", "xã Tân Thành") are looked for; `district` (a district's code) narrows the
    communes further."""
    if not text or not text.strip():
        return None
    text = text.strip()
    if fold(text) in _vocab()["national"]:
        return Located(text, None, True)
    prov = unit_by_code(within)
    within_short = prov.province if prov else None
    m = _commune_re().match(text)
    if m:
        return _commune(m, within, district)
    for start, end, cat, word in _hits(text):
        if start > 0:
            break
        if cat == _SKIP:
            return None
        if cat in (_ALIAS, _PROV):
            return Located(word, _province(fold(word)))
        m = _unit_re().match(text)
        if m is None:
            continue
        unit, n = _resolve(m.group("kind"), m.group("name"), within_short)
        if unit is None or _starts_no_place(text, m.start("name")):
            continue
        words = list(regex.finditer(r"\S+", text, pos=m.start("name")))
        return Located(text[:words[n - 1].end()] if len(words) >= n else m.group(0), unit)
    return None


def _commune(m: regex.Match, within: str | None, district: str | None) -> Located | None:
    if not within:
        return None  # commune names repeat across the country: only inside a known province
    kind = fold(m.group("kind"))
    words = m.group("name").split()
    for n in range(len(words), 0, -1):
        key = fold(" ".join(words[:n]))
        cands = [u for u in communes(within).get(key, []) if fold(u.kind) == kind]
        if district and len(cands) > 1:
            cands = [u for u in cands if u.district_code == district] or cands
        if not cands:
            continue
        written = m.string[:m.start("name")] + " ".join(words[:n])
        if len(cands) == 1:
            return Located(written, cands[0])
        # a commune of the province whose district the text does not say ("Phường 14" in HCM)
        dists = {u.district_code for u in cands}
        u = cands[0]
        return Located(written, Unit(u.kind, u.name, u.short, u.province, "", u.province_code,
                                     dists.pop() if len(dists) == 1 else None, "commune"))
    return None


def place_codes(located: Located | None) -> dict[str, str | None]:
    if located is None:
        return codes(None)
    return codes(located.unit, national=located.national)


def _registry_province(url: str | None) -> str | None:
    try:
        from .sources import source_for_url

        src = source_for_url(url)
        return src.province if src else None
    except Exception:  # noqa: BLE001 - no registry, or an unreadable one: the text alone decides
        return None


def resolve(article) -> ArticlePlace:
    """The article's place: what its reader set (the news source's province is kept), the rest
    read from its title and text, with the registry's province of its site as a hint; and the
    codes of that place."""
    a = article
    locality, province, p2025 = a.locality, a.province, a.province_2025
    unit = written = None
    if locality is None or province is None or p2025 is None:
        preset = a.province
        hint = preset or _registry_province(a.url)
        written, label, unit = locate_unit(a.title, a.text, hint=hint, fixed=preset is not None)
        locality, province = locality or written, province or label
    pkey = _province_key(province)
    prov = provinces()[pkey] if pkey else None
    if locality and (unit is None or written != locality):
        found = resolve_locality(locality, prov.code if prov else None)
        unit = found.unit if found else None
    if unit is None or (prov is not None and unit.province != prov.short):
        unit = prov
    place = {**codes(unit), **{k: v for k, v in (a.codes or {}).items() if v is not None}}  # the reader's are kept
    return ArticlePlace(locality, province, p2025 or place["province_2025"], place)


def _update(rec, fields: dict) -> None:
    """Set a record's place fields in place: the record is this article's own, and
    `dataclasses.replace` (a new record through __init__) cost more than the codes."""
    for k, v in fields.items():
        setattr(rec, k, v)


def with_codes(ctx) -> list:
    """The article's records with the place codes of every figure, official and ranking (a
    step after the stages that build them: it gives the records back, with their places). A
    locality that names no unit gives way to the article's; a locality that is a longer string
    than its place ("TP Hà Nội Nguyễn") keeps the place's words."""
    a = ctx.article
    art_codes = {**codes(None), **(a.codes or {})}
    within, district = art_codes["province_code"], art_codes["district_code"]
    out = []
    for rec in ctx.records:
        if rec.kind in ("figure", "official"):
            loc = rec.locality
            if not loc:  # a figure still has its article's province (or none)
                pkey = _province_key(rec.province) if rec.kind == "figure" else None
                _update(rec, codes(provinces()[pkey] if pkey else None))
            elif loc == a.locality:
                _update(rec, art_codes)
            elif (found := resolve_locality(loc, within, district)) is None:  # "UBND TP Võ Sĩ": the article's city
                _update(rec, {**(art_codes if a.locality else codes(None)), "locality": a.locality})
            else:
                extra = {"province": province_label(found.unit.province)} \
                    if rec.kind == "figure" and found.unit is not None else {}
                _update(rec, {**place_codes(found), "locality": found.written, **extra})
        elif rec.kind == "ranking":
            _update(rec, place_codes(resolve_locality(rec.entity, within, district)))
        out.append(rec)
    return out


with_codes.replaces = True  # the pipeline takes these records instead of adding them
