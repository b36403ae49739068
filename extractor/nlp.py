"""The Vietnamese NLP the extractor relies on: underthesea's sentence splitter and word
segmenter, wrapped to give character offsets into the normalized text.

underthesea is imported lazily (its import costs ~0.1 s), and only sentences that can hold a
figure are word-segmented (see figures.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

_PARA = regex.compile(r"\n\s*\n|\n")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


@lru_cache(maxsize=1)
def _underthesea():
    import underthesea  # noqa: PLC0415 - lazy on purpose

    return underthesea


def paragraphs(text: str):
    """(start, end) of each non-blank line-separated paragraph."""
    pos = 0
    for m in _PARA.finditer(text):
        if text[pos:m.start()].strip():
            yield pos, m.start()
        pos = m.end()
    if text[pos:].strip():
        yield pos, len(text)


def _locate(text: str, pieces: list[str], base: int):
    """Map sentence strings returned by a tokenizer back to offsets in `text`."""
    pos = 0
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        i = text.find(piece, pos)
        if i < 0:  # the tokenizer altered the text: fall back to a whitespace-tolerant search
            words = [regex.escape(w) for w in piece.split()]
            m = regex.compile(r"\s*".join(words)).search(text, pos) if words else None
            if not m:
                continue
            i, j = m.start(), m.end()
        else:
            j = i + len(piece)
        yield base + i, base + j
        pos = j


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with offsets, never crossing a paragraph break."""
    sent_tokenize = _underthesea().sent_tokenize
    out: list[Sentence] = []
    for n, (ps, pe) in enumerate(paragraphs(text)):
        para = text[ps:pe]
        try:
            pieces = sent_tokenize(para)
        except Exception:  # pragma: no cover - underthesea failure on odd input
            pieces = [para]
        spans = _merge_false_breaks(text, list(_locate(para, pieces, ps)) or [(ps, pe)])
        for s, e in spans:
            out.append(Sentence(s, e, text[s:e], n))
    return out


@lru_cache(maxsize=1)
def _abbrev_end() -> regex.Pattern:
    """"TP. Tây Ninh", "(Thanhuytphcm.vn)", "quý I.2024": a period the splitter took for a full
    stop (an abbreviation of the lexicon, or one capital letter, before it)."""
    from .patterns import compile_pattern

    return compile_pattern(r"(?-i:(?:\b\L<abbreviations>|\b\p{Lu})\.$)")


def _merge_false_breaks(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged:
            ps, pe = merged[-1]
            nxt = text[s:e].lstrip()
            prev = text[ps:pe]
            glued = pe == s  # no space between: "Thanhuytphcm.|vn"
            if glued or (nxt[:1].islower() or nxt[:1].isdigit()) or _abbrev_end().search(prev):
                merged[-1] = (ps, e)
                continue
        merged.append((s, e))
    return merged


def word_spans(text: str, start: int = 0) -> list[tuple[int, int]]:
    """underthesea word segmentation of `text`, as (start, end) offsets shifted by `start`."""
    words = _underthesea().word_tokenize(text)
    return list(_locate(text, words, start))
