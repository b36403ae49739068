"""The Vietnamese NLP the extractor relies on: underthesea's sentence splitter and word
segmenter, wrapped to give character offsets into the normalized text.

underthesea is imported lazily (its import costs ~0.1 s), and only sentences that can hold a
figure are word-segmented (see figures.py).
"""
from __future__ import annotations

import re
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


@lru_cache(maxsize=1)
def _splitter():
    """(underthesea's sentence splitter, a pattern of the characters it may end a sentence at,
    or None when that is not known). `import underthesea` loads every pipeline it has (NER,
    POS, numpy, …: 0.3 s of start-up); the splitter is one small module of plain Python with its
    own parameters, so it is loaded alone when it can be found, else through the package."""
    import importlib.util  # noqa: PLC0415

    spec = importlib.util.find_spec("underthesea")
    if spec is not None and spec.submodule_search_locations:
        from pathlib import Path  # noqa: PLC0415

        path = Path(spec.submodule_search_locations[0]) / "pipeline" / "sent_tokenize" / "__init__.py"
        if path.is_file():
            mod_spec = importlib.util.spec_from_file_location("cchc_underthesea_sent_tokenize", path)
            module = importlib.util.module_from_spec(mod_spec)
            mod_spec.loader.exec_module(module)
            ends = getattr(getattr(module, "PunktSentenceTokenizer", None), "SENT_END_CHARS", None)
            return module.sent_tokenize, re.compile(f"[{re.escape(''.join(sorted(ends)))}]") if ends else None
    return _underthesea().sent_tokenize, None


def _one_sentence(seg: str, ends: re.Pattern | None) -> bool:
    """Whether the splitter would give `seg` back whole: it ends a sentence only at one of its
    end characters, and `seg` has none but maybe its last (half of a reform article's
    paragraphs, half of the splitter's time)."""
    if ends is None:
        return False
    body = seg.rstrip()
    return ends.search(body, 0, len(body) - 1) is None


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


# underthesea walks back over letters, digits and dots from every full stop to find the word
# before it: in a run of them with no space ("ab.ab.ab…", 60 KB) that is quadratic. Such a run
# is cut into pieces of RUN to 2·RUN characters, each tokenized alone; the pieces are glued
# (no space between), so the sentences merge back whole (`_merge_false_breaks`).
_RUN = 32
_LONG_RUN = regex.compile(r"[\p{L}\p{N}.]{%d,}" % (2 * _RUN))
_LONG_WORD = re.compile(r"\S{%d}" % (2 * _RUN))  # the cheap test first (no such run without it)


def _segments(para: str) -> list[tuple[int, int]]:
    """(start, end) of the pieces of a paragraph handed to the tokenizer one by one."""
    cuts = []
    for m in _LONG_RUN.finditer(para):
        cuts.extend(range(m.start() + _RUN, m.end() - _RUN + 1, _RUN))
    bounds = [0, *cuts, len(para)]
    return list(zip(bounds, bounds[1:]))


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with offsets, never crossing a paragraph break."""
    sent_tokenize, ends = _splitter()
    out: list[Sentence] = []
    for n, (ps, pe) in enumerate(paragraphs(text)):
        para = text[ps:pe]
        located: list[tuple[int, int]] = []
        for a, b in _segments(para) if _LONG_WORD.search(para) else [(0, len(para))]:
            seg = para[a:b] if (a, b) != (0, len(para)) else para
            try:
                pieces = [seg] if _one_sentence(seg, ends) else sent_tokenize(seg)
            except Exception:  # pragma: no cover - underthesea failure on odd input
                pieces = [seg]
            located.extend(_locate(seg, pieces, ps + a))
        for s0, e0 in _merge_false_breaks(text, located or [(ps, pe)]):
            for s, e in _capped(text, s0, e0):
                out.append(Sentence(s, e, text[s:e], n))
    return out


@lru_cache(maxsize=1)
def _abbrev_end() -> regex.Pattern:
    """"TP. Tây Ninh", "(Thanhuytphcm.vn)", "quý I.2024": a period the splitter took for a full
    stop (an abbreviation of the lexicon, or one capital letter, before it)."""
    from .patterns import compile_pattern

    return compile_pattern(r"(?-i:(?:\b\L<abbreviations>|\b\p{Lu})\.$)")


# A sentence is at most this long: longer "sentences" (lists with no full stop, a page of text
# on one line, hostile input) are cut at a clause or a word, so the work of every stage and the
# `sentence` each figure record carries stay bounded. The longest real one seen is 4,883
# characters in 17,342 ordinary articles (25 over 2,000), 842 in the reform corpora.
MAX_SENTENCE = 2000


def _capped(text: str, s: int, e: int):
    """(start, end) pieces of the sentence text[s:e], none longer than MAX_SENTENCE: cut after
    the last ';' or ',' in the second half of the window, else at the last space, else hard."""
    while e - s > MAX_SENTENCE:
        lo, hi = s + MAX_SENTENCE // 2, s + MAX_SENTENCE
        cut = -1
        for mark in (";", ","):
            i = text.rfind(mark, lo, hi - 1)
            if i >= 0:
                cut = i + 1
                break
        if cut < 0:
            i = max(text.rfind(" ", lo, hi), text.rfind("\t", lo, hi))
            cut = i if i >= 0 else hi
        end = cut
        while end > s and text[end - 1].isspace():
            end -= 1
        yield s, end
        s = cut
        while s < e and text[s].isspace():
            s += 1
    if e > s:
        yield s, e


_ABBREV_TAIL = 16  # longer than any match of _abbrev_end() and the character before it


_WORD_STOP = regex.compile(r"\p{Ll}{2}[.!?]$")   # a word of two small letters or more, then its full stop


def _merge_false_breaks(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged:
            ps, pe = merged[-1]
            i = s
            while i < e and text[i].isspace():
                i += 1
            first = text[i:i + 1]  # the next sentence's first character
            prev_end = text[max(ps, pe - _ABBREV_TAIL):pe]  # only the end of a long sentence matters
            glued = pe == s  # no space between: "Thanhuytphcm.|vn"
            # a sentence may start with a number ("… đã nghiên cứu. 75% doanh nghiệp …") when the
            # one before ends a word with its full stop; after "12.4." or "TP." it goes on
            digit_goes_on = first.isdigit() and not _WORD_STOP.search(prev_end)
            if glued or first.islower() or digit_goes_on or _abbrev_end().search(prev_end):
                merged[-1] = (ps, e)
                continue
        merged.append((s, e))
    return merged


def word_spans(text: str, start: int = 0) -> list[tuple[int, int]]:
    """underthesea word segmentation of `text`, as (start, end) offsets shifted by `start`."""
    words = _underthesea().word_tokenize(text)
    return list(_locate(text, words, start))
