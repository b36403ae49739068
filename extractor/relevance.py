"""Cheap relevance prefilter: an article with no reform vocabulary never reaches the NLP.

Plain substring tests on the lower-cased text (C speed, no regex); the vocabulary is data in
patterns/relevance.yaml. It decides what gets extracted, not what is "about reform": the
crawler keeps its own stricter relevance test.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from .model import Article
from .patterns import load_file


@lru_cache(maxsize=1)
def terms() -> tuple[str, ...]:
    return tuple(unicodedata.normalize("NFC", w).lower() for w in load_file("relevance").get("terms") or [])


def text_is_relevant(text: str) -> bool:
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    low = text.lower()
    return any(t in low for t in terms())


def is_relevant(article: Article) -> bool:
    return text_is_relevant(article.text) or bool(article.title and text_is_relevant(article.title))


@lru_cache(maxsize=1)
def strong_terms() -> tuple[str, ...]:
    return tuple(unicodedata.normalize("NFC", w).lower() for w in load_file("relevance").get("strong_terms") or [])


def is_about_reform(article: Article) -> bool:
    """The crawler's stricter test: a reform term in the title, or at least two different
    ones in the text (a passing mention of "hồ sơ" is not an article about reform)."""
    title = (article.title or "").lower()
    if any(t in title for t in strong_terms()):
        return True
    low = article.text.lower()
    return sum(1 for t in strong_terms() if t in low) >= 2
