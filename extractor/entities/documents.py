"""document records: legal and administrative documents cited in an article.

Rules: patterns/documents.yaml. One record per distinct number (the first mention, enriched
by later ones that add a date or issuer).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import regex

from ..numbers import Spans
from ..leads import scanner
from ..patterns import load_file, rules
from ..reading.dates import find_date

# compiled once (a module-level regex.sub compiles, or looks up its cache, on every call)
_DASH_SPACES = regex.compile(r"\s*([/–—-])\s*")
_SPACES = regex.compile(r"\s+")
_PARTS = regex.compile(r"[/-]")
_DATE_SPACES = regex.compile(r"\s*([/.-])\s*")
_LETTER = regex.compile(r"\p{L}")
from ..records import Document


# a number with a code after it, the least every document number has ("769/QĐ", "18-NQ", "30/2018/QĐ")
_GATE = regex.compile(r"\d\s*[-/]\s*(?:(?:19|20)\d\d\s*/\s*)?\p{Lu}")


@lru_cache(maxsize=1)
def _rules():
    return [(r["id"], scanner(r["_regex"])) for r in rules("documents")]


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    return {k.upper(): v for k, v in (load_file("documents").get("doc_codes") or {}).items()}


def normalize_number(raw: str) -> str:
    """"3276 / UBND – KSTTCNC" -> "3276/UBND-KSTTCNC", "1140 / BC VPCP" -> "1140/BC-VPCP"."""
    s = _DASH_SPACES.sub(r"\1", raw.strip()).replace("–", "-").replace("—", "-")
    return _SPACES.sub("-", s)


def type_from_number(number: str) -> str | None:
    parts = _PARTS.split(number)
    codes = _codes()
    for p in parts[1:]:
        if p.upper() in codes:
            return codes[p.upper()]
    return None


def parse_doc_date(s: str | None) -> str | None:
    if not s:
        return None
    found = find_date(_DATE_SPACES.sub(r"\1", s))
    return found.iso[:10] if found else None


def find_documents(text: str) -> list[dict[str, Any]]:
    """(fields, start, end) of every document mention, typed ones first claiming their span."""
    out: list[dict[str, Any]] = []
    if not _GATE.search(text):
        return out  # no "769/QĐ", "18-NQ", "30/2018/QĐ" anywhere: no document number to read
    taken: list[tuple[int, int]] = []
    for rid, pat in _rules():
        claimed = Spans(taken)  # what earlier rules read (a rule's own matches never overlap)
        for m in pat.finditer(text):
            ns, ne = m.span("number")
            if claimed.holds(ns):
                continue
            number = normalize_number(m.group("number"))
            if not _LETTER.search(number):
                continue
            gd = m.groupdict()
            doc_type = gd.get("type")
            doc_type = (doc_type[0].upper() + doc_type[1:]) if doc_type else type_from_number(number)
            if rid == "documents.bare" and doc_type is None:
                continue  # "10/30 bộ": a fraction of units, not a document
            issuer = (gd.get("issuer") or "").strip() or None
            out.append(dict(doc_type=doc_type, number=number, issued=parse_doc_date(gd.get("date")),
                            issuer=issuer, start=m.start(), end=m.end(), rule=rid))
            taken.append((m.start(), m.end()))
    out.sort(key=lambda d: d["start"])
    return out


@lru_cache(maxsize=1)
def _opening_date():
    from ..patterns import compile_pattern

    return compile_pattern(load_file("documents")["parts"]["opening_date"])


def _opening_issued(ctx, d: dict[str, Any]) -> str | None:
    """"Ngày 5/10, Thủ tướng ký ban hành Nghị định số 136/2018/NĐ-CP": the day the sentence
    opens with, in the year written there, else the number's year, else the article's year when
    that day is not after the article's own date (else the year is not known: None)."""
    sent = ctx.sentence_at(d["start"])
    if sent is None:
        return None
    m = _opening_date().match(ctx.text[sent.start:d["start"]])
    if not m:
        return None
    day, month = int(m.group("d")), int(m.group("m"))
    year = m.group("y") or (regex.search(r"[/-]((?:19|20)\d\d)[/-]", d["number"]) or [None, None])[1]
    pub = ctx.article.published or ""
    if year is None and regex.match(r"\d{4}-\d\d-\d\d", pub) and (month, day) <= (int(pub[5:7]), int(pub[8:10])):
        year = pub[:4]
    return parse_doc_date(f"{day}/{month}/{year}") if year else None


def extract(ctx) -> list[Document]:
    by_number: dict[str, Document] = {}
    for d in find_documents(ctx.text):
        if d["issued"] is None:
            d["issued"] = _opening_issued(ctx, d)
        key = d["number"].upper()
        if key in by_number:
            rec = by_number[key]
            for f in ("issued", "issuer", "doc_type"):
                if getattr(rec, f) is None and d.get(f):
                    setattr(rec, f, d[f])
            continue
        by_number[key] = Document(**ctx.span(d["start"], d["end"]), doc_type=d["doc_type"], number=d["number"],
                                  issued=d["issued"], issuer=d["issuer"], pattern=d["rule"])
    return list(by_number.values())
