"""One article from input to records, in one short function: `extract_article`.

    read (reading/) -> normalize (normalize.py) -> relevance prefilter (relevance.py)
    -> the article's place (places.py) -> sentences (nlp.py) -> figures (figures.py)
    -> officials, awards, documents, rankings (entities/) -> every record's place codes
    (places.py) -> checks (checks.py)

Every stage takes the `Context` and returns records (plain dicts of the data contract).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable

from .model import Article
from .nlp import Sentence, split_sentences


@dataclass
class Context:
    """What the stages share for one article."""

    article: Article
    records: list[dict[str, Any]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.article.text

    @cached_property
    def sentences(self) -> list[Sentence]:
        return split_sentences(self.article.text)

    def sentence_at(self, pos: int) -> Sentence | None:
        for s in self.sentences:
            if s.start <= pos < s.end:
                return s
        return None

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self.records if r["kind"] == kind]

    def base(self, kind: str, start: int | None = None, end: int | None = None) -> dict[str, Any]:
        """The common fields of a record; with a span, its text and offsets."""
        rec: dict[str, Any] = {"kind": kind, "article_id": self.article.article_id, "source": self.article.source}
        if start is not None and end is not None:
            rec.update(text=self.text[start:end], start=start, end=end)
        return rec


Stage = Callable[[Context], list[dict[str, Any]]]


def _stages() -> list[tuple[str, Stage]]:
    from . import checks, figures, places
    from .entities import awards, documents, officials, rankings

    return [
        ("places", places.resolve),          # sets article.locality/province; returns []
        ("figures", figures.extract),
        ("officials", officials.extract),
        ("awards", awards.extract),
        ("documents", documents.extract),
        ("rankings", rankings.extract),
        ("place codes", places.add_codes),   # codes of every record's place; returns []
        ("checks", checks.check_article),
    ]


_STAGES: list[tuple[str, Stage]] | None = None


def stages() -> list[tuple[str, Stage]]:
    global _STAGES
    if _STAGES is None:
        _STAGES = _stages()
    return _STAGES


def extract_article(article: Article, *, only: set[str] | None = None, prefilter: bool = True) -> list[dict[str, Any]]:
    """All records for one article: its `article` record first, then what each stage finds.

    With `prefilter` (the default) an article without any reform vocabulary skips the stages."""
    from .relevance import is_relevant

    ctx = Context(article)
    if not prefilter or is_relevant(article):
        for name, stage in stages():
            if only is None or name in only:
                ctx.records.extend(stage(ctx))
    return [article.record(), *ctx.records]
