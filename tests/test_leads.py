"""leads.py: a rule tried only where one of its matches can begin finds what its own scan finds.

The leads are read off the parsed pattern; every scanner the pipeline builds is compared with
its pattern's `finditer` and `search` on real articles (the bundled seeds and dev articles,
whole and in random slices), and the cases where a lead could miss (a letter the regex module
matches regardless of case whose lower case is another one, a text whose lower case is longer)
are tried one by one.
"""
from __future__ import annotations

import random

import pytest
import regex
from conftest import DEV, SEEDS

from extractor import leads
from extractor.api import extract_text
from extractor.patterns import FLAGS

TEXTS = [p.read_text(encoding="utf-8") for d in (SEEDS, DEV) for p in sorted(d.glob("*.txt"))]


def _leads(src: str, **lists) -> tuple[str, ...] | None:
    return leads.leads(regex.compile(src, FLAGS, **lists))


def test_leads_of_a_word_alternation():
    assert _leads(r"\b(?:ngày|hôm|kể\s+từ)\s+\d") == ("hôm", "kể", "ngày")  # \s stops a lead: "kể" stays a prefix


def test_leads_keep_case_twins():
    """"s" is also "ſ", "I" also "ı", to the regex module: both lower cases are leads."""
    assert set(_leads(r"(?<!\w)Số\s+\d")) == {"số", "ſố"}
    assert set(_leads(r"ISO")) == {"iso", "ıso", "iſo", "ıſo"}
    assert _leads(r"(?-i:UBND)") == ("ubnd",)  # case-sensitive: its own letters, lower-cased
    assert set(_leads(r"[sk]ố")) == {"số", "ſố", "kố"}  # a set's letters take its case flags


def test_leads_of_named_lists_optional_parts_and_sets():
    assert _leads(r"\L<w>\s", w=["Chủ tịch", "Bí thư"]) == ("bí thư", "chủ tị")  # cut at MAX_LEN
    assert _leads(r"(?:Phó\s+)?Chủ") == ("chủ", "phó")
    assert _leads(r"[ab]c") == ("ac", "bc")
    assert _leads(r"x+y") == ("x",)  # a repeat may go on: no more is known


@pytest.mark.parametrize("src", [
    r"\p{Lu}\w+",          # a class of many letters
    r"\d+\s*%",            # digits: in a window of numbers every one would be a place to try
    r"(?:ngày\s+)?\d",     # a lead that may be absent, then a digit
    r"a?",                 # may match nothing
    r"[^a]b",              # a negated class
    r".b",
])
def test_no_leads_when_a_match_can_begin_anywhere(src):
    assert _leads(src) is None


def test_a_scanner_per_pattern():
    """One source and flags with other named lists is another pattern, with other leads."""
    a = regex.compile(r"\L<w>", FLAGS, w=["xin", "chào"])
    b = regex.compile(r"\L<w>", FLAGS, w=["tạm", "biệt"])
    assert leads.scanner(a) is leads.scanner(a) and leads.scanner(a) is not leads.scanner(b)
    assert leads.scanner(b).search("lời tạm biệt, xin chào").group() == "tạm"
    assert leads.scanner(a).search("lời tạm biệt, xin chào").group() == "xin"


def test_a_case_twin_is_found():
    pat = regex.compile(r"(?<!\w)số\s+\d+", FLAGS)
    text = "Theo ſố 12 và SỐ 7, số 3"
    assert [m.span() for m in leads.LeadScan(pat).finditer(text)] == [m.span() for m in pat.finditer(text)]
    assert len(list(pat.finditer(text))) == 3


def test_a_text_whose_lower_case_is_longer_is_scanned_as_before():
    pat = regex.compile(r"\b(?:tháng|quý)\s+\d", FLAGS)
    text = "İstanbul, tháng 5 và quý 2"  # "İ" lower-cases to two characters
    assert len(text.lower()) != len(text)
    assert [m.group() for m in leads.LeadScan(pat).finditer(text)] == ["tháng 5", "quý 2"]


def test_pos_and_endpos_are_those_of_the_pattern():
    """Look-behinds see before `pos`; a match ends by `endpos`."""
    pat = regex.compile(r"(?<!\w)(?:quý|tháng)\s+\d+", FLAGS)
    sc = leads.LeadScan(pat)
    text = "xquý 1, tháng 12 năm nay"
    for pos, end in [(0, len(text)), (1, len(text)), (8, 15), (8, 16), (9, 20)]:
        assert [m.span() for m in sc.finditer(text, pos, end)] == [m.span() for m in pat.finditer(text, pos, end)]


def test_every_scanner_the_pipeline_uses_finds_what_its_pattern_finds():
    for t in TEXTS:
        extract_text(t)  # builds the scanners the stages use
    used = [s for s in leads.scanners() if s.leads and len(s.leads) > 1]
    assert len(used) >= 8, [s.pattern.pattern[:40] for s in leads.scanners()]
    rnd = random.Random(7)
    compared = 0
    for sc in used:
        for t in TEXTS:
            assert [m.span() for m in sc.finditer(t)] == [m.span() for m in sc.pattern.finditer(t)], sc.pattern.pattern[:80]
            i = rnd.randrange(len(t))
            j = rnd.randrange(i, len(t) + 1)
            assert [m.span() for m in sc.finditer(t, i, j)] == [m.span() for m in sc.pattern.finditer(t, i, j)]
            got, want = sc.search(t, i), sc.pattern.search(t, i)
            assert (got and got.span()) == (want and want.span())
            compared += 1
    assert compared == len(used) * len(TEXTS)


def test_top_level_alternatives_as_written():
    split = leads._top_branches
    assert split(r"(a|b)|[|]|c\|d", False) == ["(a|b)", "[|]", r"c\|d"]
    assert split("a # x|y\n|b", True) == ["a # x|y\n", "b"]  # a comment of a verbose pattern
    assert split(r"(?i)a|b", False) is None  # a global flag belongs to the first alternative only
    assert split(r"(a)\1|b", False) is None  # a back-reference
    assert split(r"(?(1)a|b)", False) is None and split("abc", False) is None


@pytest.mark.parametrize("text", [
    "ngày 5 tháng 6, từ 10/3 đến 12/4/2024 và 15 ngày",   # both kinds, one after the other
    "12 ngày 3 ngày",                                      # a digit alternative first in the text
    "trước ngày 7/8; 9/10 sau 11/12",                      # a lead alternative that runs into a digit one
    "không có số nào ở đây",
])
def test_alternatives_with_and_without_leads_keep_their_order(text):
    """The alternatives are tried in their written order at each place, as the engine does."""
    # where a lead alternative and a later one without leads both match, the first written wins
    pat = regex.compile(r"\b\d+\s+ngày | \b(?:ngày|từ|đến|trước|sau)\s+\d+ | \b\p{L}+\s+\d+/\d+ | \b\d+/\d+", FLAGS)
    sc = leads.LeadScan(pat)
    assert sc.rest is not None and set(sc.leads) >= {"ngày", "từ"}
    for pos in range(0, len(text), 3):
        assert [m.span() for m in sc.finditer(text, pos)] == [m.span() for m in pat.finditer(text, pos)]


def test_no_split_when_a_match_may_be_empty():
    assert leads.LeadScan(regex.compile(r"\d*|ngày", FLAGS)).rest is None
