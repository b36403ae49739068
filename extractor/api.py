"""The Python API behind the CLI, for notebooks and batch jobs.

    from extractor.api import extract_paths, extract_text
    records = extract_text("… tiếp nhận 1.245 hồ sơ …", source="note")
    for item in extract_paths(["corpus/seeds"]):   # list of records, or a ReadError
        ...
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .model import Article, ReadError
from .normalize import normalize_text
from .pipeline import extract_article, safe_extract

__all__ = ["extract_paths", "extract_text", "safe_extract"]


def extract_text(text: str, source: str = "<text>", prefilter: bool = True, **meta: Any) -> list[dict[str, Any]]:
    """Records for one article given as its body text (title, published … as keywords).

    `prefilter=False` extracts even from a text without reform vocabulary (a lone sentence)."""
    return extract_article(Article(source=source, text=normalize_text(text).strip(), **meta), prefilter=prefilter)


def extract_paths(inputs: Iterable[str], jobs: int = 1,
                  only_relevant: bool = False) -> Iterator[list[dict[str, Any]] | ReadError]:
    """Records of every article of every input, in input order; a ReadError per bad input.

    `jobs` worker processes share the work (the output is the same for any number, see
    parallel.py); with `only_relevant`, an article the reform prefilter drops gives `[]`."""
    from .parallel import extract_inputs

    yield from extract_inputs(inputs, jobs=max(1, jobs or 1), only_relevant=only_relevant)
