"""One article from input to records, in one short function: `extract_article`.

    read (reading/) -> normalize (normalize.py) -> relevance prefilter (relevance.py)
    -> sentences (nlp.py) -> figures (figures.py) -> officials, awards, documents,
    rankings (entities/) -> places (places.py) -> checks (checks.py)

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


# what the first article would load: every stage's rules, the gazetteer, underthesea
_WARM_UP = ("Năm 2023, UBND tỉnh Tây Ninh tiếp nhận 1.245 hồ sơ thủ tục hành chính, giải quyết đúng hạn "
            "1.200 hồ sơ, đạt 96,4%. Ông Nguyễn Thanh Ngọc, Chủ tịch UBND tỉnh, ký Quyết định số "
            "123/QĐ-UBND ngày 12/3/2023.\n\nChỉ số CCHC (PAR Index) năm 2023 của tỉnh xếp thứ 10/63; "
            "5 tập thể được tặng Bằng khen.")


def warm_up() -> None:
    """Load and compile what the stages use, once (worker processes start warm)."""
    extract_article(Article(source="warm-up", text=_WARM_UP), prefilter=False)
