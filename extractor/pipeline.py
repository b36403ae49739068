"""One article from input to records, in one short function: `extract_article`.

    read (reading/) -> normalize (normalize.py) -> relevance prefilter (relevance.py)
    -> place (places.py: locality, province, province_2025, their codes) -> sentences (nlp.py)
    -> figures (figures.py) -> officials, awards, documents, rankings (entities/)
    -> the codes of every record's place (places.py) -> checks (checks.py)

Every stage takes the `Context` and returns typed records (`records.py`: `Figure`, `Official`,
…), which are added to the article's; a step marked `replaces` (the place codes) gives back
the records so far, completed. `extract_article` hands them out as the plain dicts of the
data contract. `safe_extract`
reports a failure on one article instead of raising it, and `extract_each` is the loop over
many articles in this process (`parallel.extract_many` runs the same on all cores).
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from typing import Any, Callable

from . import rulecache
from .model import Article, ReadError
from .nlp import Sentence, split_sentences
from .records import Record


@dataclass
class Context:
    """What the stages share for one article."""

    article: Article
    records: list[Record] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.article.text

    @cached_property
    def sentences(self) -> list[Sentence]:
        return split_sentences(self.article.text)

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def sentence_at(self, pos: int) -> Sentence | None:
        """The sentence that holds `pos` (by bisection: sentences are in order, apart)."""
        i = bisect_right(self._sentence_starts, pos) - 1
        return self.sentences[i] if i >= 0 and pos < self.sentences[i].end else None

    def of_kind(self, kind: str) -> list[Any]:
        return [r for r in self.records if r.kind == kind]

    def span(self, start: int, end: int) -> dict[str, Any]:
        """The common fields of a record read from text[start:end]: `Figure(**ctx.span(s, e), …)`."""
        return {"article_id": self.article.article_id, "source": self.article.source,
                "text": self.text[start:end], "start": start, "end": end}


Stage = Callable[[Context], list[Record]]


def _stages() -> list[tuple[str, Stage]]:
    from . import checks, figures, places
    from .entities import awards, documents, officials, rankings

    return [
        ("figures", figures.extract),
        ("officials", officials.extract),
        ("awards", awards.extract),
        ("documents", documents.extract),
        ("rankings", rankings.extract),
        ("place codes", places.with_codes),  # the records again, with the codes of their places
        ("checks", checks.check_article),
    ]


_STAGES: list[tuple[str, Stage]] | None = None


def stages() -> list[tuple[str, Stage]]:
    global _STAGES
    if _STAGES is None:
        _STAGES = _stages()
    return _STAGES


def place(article: Article) -> Article:
    """The article with its place (places.resolve: what the reader set, completed from the text)."""
    from .places import resolve

    return replace(article, **asdict(resolve(article)))


def apply(stage: Stage, ctx: Context) -> None:
    """Run one stage: what it finds is added to the article's records, except for a step
    marked `replaces` (the place codes), which gives back the records so far, completed."""
    found = stage(ctx)
    if getattr(stage, "replaces", False):
        ctx.records = list(found)
    else:
        ctx.records.extend(found)


def extract_article(article: Article, *, only: set[str] | None = None, prefilter: bool = True) -> list[dict[str, Any]]:
    """All records for one article: its `article` record first, then what each stage finds.

    With `prefilter` (the default) an article with too little reform vocabulary (fewer than
    `min_terms` words of patterns/relevance.yaml) skips the stages.
    `only`: the names of the steps to run ("places" and those of `stages()`), for profiling."""
    from .relevance import is_relevant

    if prefilter and not is_relevant(article):
        return [article.record()]
    if only is None or "places" in only:
        article = place(article)
    ctx = Context(article)
    for name, stage in stages():
        if only is None or name in only:
            apply(stage, ctx)
    return [article.record(), *(r.to_dict() for r in ctx.records)]


def safe_extract(article: Article, only_relevant: bool = False) -> list[dict[str, Any]] | ReadError:
    """extract_article, but a failure on one article is reported for it, never raised. With
    `only_relevant`, an article the prefilter drops gives no record at all (`[]`)."""
    from .relevance import is_relevant

    try:
        if only_relevant:
            if not is_relevant(article):
                return []
            return extract_article(article, prefilter=False)  # the prefilter said yes already
        return extract_article(article)
    except Exception as e:  # a bug must not cost the rest of the run
        return ReadError(article.source, f"extraction failed ({e.__class__.__name__}: {e})")


def extract_each(items: Iterable[Article | ReadError],
                 only_relevant: bool = False) -> Iterator[list[dict[str, Any]] | ReadError]:
    """The records of every article in this process, in order; a ReadError passes through."""
    for item in items:
        yield item if isinstance(item, ReadError) else safe_extract(item, only_relevant)


# what the first article would load: every stage's rules, the gazetteer, underthesea
_WARM_UP = ("Năm 2023, UBND tỉnh Tây Ninh tiếp nhận 1.245 hồ sơ thủ tục hành chính, giải quyết đúng hạn "
            "1.200 hồ sơ, đạt 96,4%. Ông Nguyễn Thanh Ngọc, Chủ tịch UBND tỉnh, ký Quyết định số "
            "123/QĐ-UBND ngày 12/3/2023.\n\nChỉ số CCHC (PAR Index) năm 2023 của tỉnh xếp thứ 10/63; "
            "5 tập thể được tặng Bằng khen.")


_warm = False  # set once warm_up has run here: a worker forked from a warm server has it set


def warm_up() -> None:
    """Load and compile what the stages use, once (worker processes start warm), and keep the
    compiled rules for the next run (a forkserver's workers end without the exit handlers).
    Nothing the second time in a process, or in a worker forked from the warm server."""
    global _warm
    if _warm:
        return
    extract_article(Article(source="warm-up", text=_WARM_UP), prefilter=False)
    rulecache.save()
    _warm = True
