"""The Python API behind the CLI, for notebooks and batch jobs.

    from extractor.api import extract_paths, extract_text
    records = extract_text("… tiếp nhận 1.245 hồ sơ …", source="note")
    for item in extract_paths(["corpus/seeds"]):   # list of records, or a ReadError
        ...
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .model import Article, ReadError
from .normalize import normalize_text
from .pipeline import extract_article, safe_extract

__all__ = ["extract_paths", "extract_text", "safe_extract"]

if TYPE_CHECKING:
    from .reading.inputs import Limits


def extract_text(text: str, source: str = "<text>", prefilter: bool = True, **meta: Any) -> list[dict[str, Any]]:
    """Records for one article given as its body text (title, published … as keywords).

    `prefilter=False` extracts even from a text without reform vocabulary (a lone sentence)."""
    if not isinstance(text, str):
        raise TypeError(f"extract_text() takes the article text as a str, not {type(text).__name__}"
                        + (" (decode bytes first, e.g. data.decode('utf-8'))" if isinstance(text, (bytes, bytearray)) else ""))
    return extract_article(Article(source=source, text=normalize_text(text).strip(), **meta), prefilter=prefilter)


def _paths(inputs: Any) -> list[str | os.PathLike]:
    """`inputs` as a list of paths: one path (str or PathLike) or an iterable of them."""
    if isinstance(inputs, (str, os.PathLike)):
        return [inputs]
    if inputs is None or isinstance(inputs, (bytes, bytearray)) or not isinstance(inputs, Iterable):
        raise TypeError(f"extract_paths() takes a path or a list of paths (str or os.PathLike), "
                        f"not {type(inputs).__name__}")
    paths = list(inputs)
    for p in paths:
        if not isinstance(p, (str, os.PathLike)):
            raise TypeError(f"extract_paths(): every path must be a str or os.PathLike, not {type(p).__name__} ({p!r:.60})")
    return paths


def extract_paths(inputs: str | os.PathLike | Iterable[str | os.PathLike], jobs: int = 1, limits: Limits | None = None,
                  only_relevant: bool = False) -> Iterator[list[dict[str, Any]] | ReadError]:
    """Records of every article of every input, in input order; a ReadError per bad input.

    `inputs` is one path, URL or "-" (stdin), or a list of them; anything else is a TypeError
    at once. `limits` (reading.Limits) sets the size and decompression caps. `jobs` worker
    processes share the extraction (the output is the same for any number, see parallel.py);
    with `only_relevant`, an article the reform prefilter drops gives `[]`."""
    return _extract_paths(_paths(inputs), jobs, limits, only_relevant)


def _extract_paths(inputs: list, jobs: int, limits: Limits | None,
                   only_relevant: bool) -> Iterator[list[dict[str, Any]] | ReadError]:
    from .parallel import extract_inputs

    yield from extract_inputs(inputs, jobs=max(1, jobs or 1), only_relevant=only_relevant, limits=limits)
