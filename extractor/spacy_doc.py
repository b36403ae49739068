"""An article as a spaCy `Doc`, the form the wider NLP ecosystem reads.

Tokens are underthesea's word boundaries ("hồ sơ" is one token); every record with a span is
a `Span` in `doc.spans[kind + "s"]` (figures, officials, awards, documents, rankings, checks)
labelled with its metric or kind, with the record under `span._.record` and the common fields
as extension attributes (`span._.value`, `._.unit`, `._.metric`, `._.role`). Built on demand:
nothing on the extraction hot path imports spaCy.

    from extractor.spacy_doc import to_spacy
    doc = to_spacy(records)           # the records of one article (article record first)
    for span in doc.spans["figures"]:
        print(span.label_, span.text, span._.value)
    spacy.displacy.render(doc, style="span", options={"spans_key": "figures"})
"""
from __future__ import annotations

from typing import Any

_EXT = ("record", "value", "unit", "metric", "role", "kind")


def _register() -> None:
    from spacy.tokens import Doc, Span

    for name in _EXT:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if not Doc.has_extension("article"):
        Doc.set_extension("article", default=None)


def tokens(text: str) -> tuple[list[str], list[bool]]:
    """underthesea word boundaries over the whole text, as spaCy words and trailing spaces.

    Whitespace other than one space (paragraph breaks) becomes its own token, as in spaCy."""
    from .nlp import paragraphs, word_spans

    spans: list[tuple[int, int]] = []
    for ps, pe in paragraphs(text):
        spans.extend(word_spans(text[ps:pe], ps))
    spans.append((len(text), len(text)))
    words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for s, e in spans:
        if s < pos:
            continue
        gap = text[pos:s]
        if gap:
            if gap.strip():  # text the segmenter skipped: keep it as a token
                words.append(gap.strip())
                spaces.append(False)
                gap = ""
            elif words and gap[0] == " " and not spaces[-1]:
                spaces[-1] = True
                gap = gap[1:]
            if gap:
                words.append(gap)
                spaces.append(False)
        if e > s:
            words.append(text[s:e])
            spaces.append(False)
        pos = e
    return words, spaces


def to_spacy(records: list[dict[str, Any]], nlp=None):
    """Build the Doc of one article from its records (as `extract_article` returns them)."""
    import spacy
    from spacy.tokens import Doc, Span

    _register()
    article = records[0]
    if article.get("kind") != "article":
        raise ValueError("the first record must be the article record")
    nlp = nlp or spacy.blank("xx")
    text = article["text"]
    words, spaces = tokens(text)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    if doc.text != text:  # whitespace the segmenter normalized: fall back to spaCy's own tokenizer
        doc = nlp.make_doc(text)
    doc._.article = article
    groups: dict[str, list[Span]] = {}
    for rec in records[1:]:
        if rec.get("start") is None:
            continue
        label = rec.get("metric") or rec.get("index") or rec.get("check") or rec["kind"]
        span = doc.char_span(rec["start"], rec["end"], label=label, alignment_mode="expand")
        if span is None:
            continue
        span._.record = rec
        span._.kind = rec["kind"]
        for name in ("value", "unit", "metric", "role"):
            setattr(span._, name, rec.get(name))
        groups.setdefault(rec["kind"] + "s", []).append(span)
    for key, spans in groups.items():
        doc.spans[key] = spans
    return doc
