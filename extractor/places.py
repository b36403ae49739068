"""The article's place: its locality as written ("huyện Kiến Thụy", "TP. Tây Ninh"), its
province in the 63-province structure of its time, and `province_2025`, the province it
belongs to since the July 2025 reorganisation (vietnamadminunits, offline).

Old text is read in the old structure (in the 2025 structure "huyện Kiến Thụy" would become
a ward). Mentions in the title weigh most, then the lead, then the rest; "UBND Thành phố"
later in the text means that city (figures take the article locality when a subject names
no place).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import regex

from .gazetteer import Unit, districts, province_label, provinces
from .normalize import fold
from .patterns import rules


@dataclass
class Place:
    written: str
    unit: Unit
    weight: float


@dataclass(frozen=True)
class ArticlePlace:
    """Where an article is: the fields of `model.Article` (and of its record) that places.py sets."""

    locality: str | None = None       # as written: "huyện Kiến Thụy", "TP. Tây Ninh"
    province: str | None = None       # 63-province structure of the time
    province_2025: str | None = None  # since July 2025


@lru_cache(maxsize=1)
def _unit_re():
    return {r["id"]: r["_regex"] for r in rules("places")}["places.unit"]


@lru_cache(maxsize=1)
def _province_names_re():
    names = sorted((u.short for u in provinces().values()), key=len, reverse=True)
    return regex.compile(r"(?<![\p{L}\p{M}])(?:" + "|".join(regex.escape(n) for n in names) + r")(?![\p{L}\p{M}])")


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
def _not_places_re():
    from .patterns import load_file

    names = load_file("places").get("not_places") or ["\uffff"]
    return regex.compile(r"(?<![\p{L}\p{M}])(?:" + "|".join(regex.escape(n) for n in names) + r")(?![\p{L}\p{M}])")


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    from .patterns import load_file

    return {fold(k): v for k, v in (load_file("places").get("province_aliases") or {}).items()}


@lru_cache(maxsize=1)
def _alias_re():
    from .patterns import load_file

    names = sorted(load_file("places").get("province_aliases") or {}, key=len, reverse=True)
    return regex.compile(r"(?<![\p{L}\p{M}])(?:" + "|".join(regex.escape(n) for n in names) + r")(?![\p{L}\p{M}])")


_PROVINCE_CITIES = {"hà nội", "hồ chí minh", "hải phòng", "đà nẵng", "cần thơ", "huế"}


def resolve_unit(kind: str, name: str) -> Unit | None:
    """"huyện Kiến Thụy" -> the district; "TP Cần Thơ" -> the province; None when unknown."""
    k = fold(kind).rstrip(".")
    k = {"q": "quận"}.get(k, k)
    key = fold(name)
    # a name may be followed by more capitalized words than the unit has ("TP Thủ Đức Hoàng Tùng")
    words = name.split()
    for n in range(len(words), 0, -1):
        key = fold(" ".join(words[:n]))
        if k in ("tỉnh",) and key in provinces():
            return provinces()[key]
        if k in ("tp", "thành phố") and key in _PROVINCE_CITIES and key in provinces():
            return provinces()[key]
        cands = districts().get(key, [])
        want = {"huyện": "Huyện", "quận": "Quận", "thị xã": "Thị xã", "tx": "Thị xã",
                "tp": "Thành phố", "thành phố": "Thành phố"}.get(k)
        cands = [u for u in cands if want is None or u.kind == want]
        if len(cands) == 1:
            return cands[0]
        if k in ("tp", "thành phố") and key in provinces():
            return provinces()[key]
    return None


def find_places(title: str | None, text: str) -> list[Place]:
    out: list[Place] = []
    lead_end = text.find("\n\n") if "\n\n" in text else min(len(text), 400)
    for src, weight_of in ((title or "", lambda pos: 3.0), (text, lambda pos: 2.0 if pos < lead_end else 1.0)):
        taken = [m.span() for m in _not_places_re().finditer(src)]  # "châu Á - Thái Bình Dương"
        for m in _unit_re().finditer(src):
            if any(s <= m.start("name") < e for s, e in taken):
                continue
            unit = resolve_unit(m.group("kind"), m.group("name"))
            if unit:
                written = regex.sub(r"\s+", " ", f"{m.group('kind')} {unit.short}")
                out.append(Place(written, unit, weight_of(m.start())))
                taken.append((m.start(), m.end()))
        for m in _alias_re().finditer(src):  # "TP. HCM", "Sài Gòn"
            if any(s <= m.start() < e for s, e in taken):
                continue
            unit = provinces().get(fold(_aliases()[fold(m.group(0))]))
            if unit:
                out.append(Place(m.group(0), unit, 0.5 * weight_of(m.start())))  # like a bare name
                taken.append((m.start(), m.end()))
        for m in _province_names_re().finditer(src):
            if any(s <= m.start() < e for s, e in taken):
                continue
            if name_before(src, m.start()):
                continue  # "Phó Thủ tướng Trương Hòa Bình": the end of a person's name
            unit = provinces().get(fold(m.group(0)))
            if unit:
                out.append(Place(m.group(0), unit, 0.5 * weight_of(m.start())))
    return out


@lru_cache(maxsize=4096)
def province_2025(unit: Unit) -> str | None:
    try:
        from vietnamadminunits import convert_address

        address = f"{unit.name}, {provinces()[fold(unit.province)].name}" if unit.kind != "province" else unit.name
        new = convert_address(address)
        return province_label(new.short_province) if new and new.short_province else None
    except Exception:  # an address the converter does not know: say nothing rather than guess
        return None


def _province_key(name: str | None) -> str | None:
    """"TP Hồ Chí Minh" / "Hồ Chí Minh" / "Cần Thơ" -> the key of provinces(), or None."""
    if not name:
        return None
    key = fold(regex.sub(r"^(?:TP\.?|Thành\s+phố|Tỉnh)\s+", "", name.strip(), flags=regex.I))
    return key if key in provinces() else None


def locate(title: str | None, text: str, hint: str | None = None,
           fixed: bool = False) -> tuple[str | None, str | None, str | None]:
    """(locality as written, province, province_2025) of an article, or Nones.

    `hint`: the province of the news source (corpus/sources.yaml), which breaks ties and is the
    answer when the text names no place; with `fixed` the province is the hint whatever the text
    says, and the locality is looked for inside it only."""
    places = find_places(title, text)
    hint_key = _province_key(hint)
    hint_short = provinces()[hint_key].short if hint_key else None
    if fixed and hint_short:
        places = [p for p in places if p.unit.province == hint_short]
    if not places:
        if hint_short:
            unit = provinces()[hint_key]
            return None, province_label(hint_short), province_2025(unit)
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
    inside = [p for p in places if p.unit.province == province]
    by_unit: Counter[str] = Counter()
    first: dict[str, Place] = {}
    for p in inside:
        key = p.unit.name
        by_unit[key] += p.weight + (0.5 if p.unit.kind != "province" else 0.0)  # the more specific place
        first.setdefault(key, p)
    best = first[by_unit.most_common(1)[0][0]]
    return best.written, province_label(province), province_2025(best.unit)


def _registry_province(url: str | None) -> str | None:
    try:
        from .sources import source_for_url

        src = source_for_url(url)
        return src.province if src else None
    except Exception:  # no registry, or an unreadable one: the text alone decides
        return None


def resolve(article) -> ArticlePlace:
    """The article's place: what its reader set (the news source's province is kept), the rest
    read from its title and text, with the registry's province of its site as a hint."""
    a = article
    if a.locality is not None and a.province is not None and a.province_2025 is not None:
        return ArticlePlace(a.locality, a.province, a.province_2025)
    preset = a.province
    hint = preset or _registry_province(a.url)
    locality, province, p2025 = locate(a.title, a.text, hint=hint, fixed=preset is not None)
    return ArticlePlace(a.locality or locality, a.province or province, a.province_2025 or p2025)
