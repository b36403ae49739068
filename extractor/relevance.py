"""Cheap relevance prefilter: an article with too little reform vocabulary never reaches the NLP.

The vocabulary is data (patterns/relevance.yaml): an article passes when at least `min_terms`
different words of `terms` occur in its title and text together (lower-cased substrings). One
word alone is no signal in ordinary news ("hồ sơ vụ án", "hài lòng", "thủ tục nhập học"), two
different ones are: every reform article of the seeds, corpus/dev and cchc.jsonl has at least
two, and under 3 % of ordinary news does (`cchc bench` prints the pass rate). It decides what
gets extracted (and, with `cchc extract --only-relevant`, what gets written), not what is
"about reform": the crawler keeps its own stricter test (`is_about_reform`).

All terms are found in one pass over the lower-cased text by an Aho–Corasick automaton
(pyahocorasick): an ordinary article is one C-speed scan, whatever the size of the vocabulary.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import ahocorasick

from .model import Article
from .patterns import load_file


@lru_cache(maxsize=1)
def terms() -> tuple[str, ...]:
    return tuple(dict.fromkeys(_lower(str(w)) for w in load_file("relevance").get("terms") or []))


@lru_cache(maxsize=1)
def min_terms() -> int:
    return max(1, int(load_file("relevance").get("min_terms") or 1))


@lru_cache(maxsize=4)
def _automaton(words: tuple[str, ...]) -> ahocorasick.Automaton:
    a = ahocorasick.Automaton()
    for i, w in enumerate(words):
        a.add_word(w, i)
    if words:
        a.make_automaton()
    return a


def _lower(text: str) -> str:
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text.lower()


def found_terms(*texts: str | None, words: tuple[str, ...] | None = None, enough: int | None = None) -> set[str]:
    """The vocabulary words (default: `terms()`) that occur in any of `texts`; with `enough`,
    the search stops once that many different ones are found."""
    words = terms() if words is None else words
    auto = _automaton(words)
    seen: set[int] = set()
    if not words:
        return set()
    for text in texts:
        if not text:
            continue
        for _, i in auto.iter(_lower(text)):
            seen.add(i)
            if enough is not None and len(seen) >= enough:
                return {words[j] for j in seen}
    return {words[j] for j in seen}


def relevant(text: str, title: str | None = None) -> bool:
    """At least `min_terms()` different vocabulary words in the title and text together."""
    if not isinstance(text, str):
        raise TypeError(f"an article's text is a string, not {type(text).__name__}")
    need = min_terms()
    return len(found_terms(title, text, enough=need)) >= need


def is_relevant(article: Article) -> bool:
    return relevant(article.text, article.title)


@lru_cache(maxsize=1)
def strong_terms() -> tuple[str, ...]:
    return tuple(dict.fromkeys(_lower(str(w)) for w in load_file("relevance").get("strong_terms") or []))


def is_about_reform(article: Article) -> bool:
    """The crawler's stricter test: a reform term in the title, or at least two different
    ones in the text (a passing mention of "hồ sơ" is not an article about reform)."""
    if found_terms(article.title, words=strong_terms(), enough=1):
        return True
    return len(found_terms(article.text, words=strong_terms(), enough=2)) >= 2
