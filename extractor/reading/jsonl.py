"""JSON Lines of articles (`id`, `url`, `title`, `published`, `text`; optionally `author`).

Each line is one article; its `source` is its `url`, or `FILE#id` without one. A bad line is
a `ReadError` naming the file and line; the other lines are still read.
"""
from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from typing import IO

from ..model import Article, ReadError
from ..normalize import normalize_text
from .dates import parse_date


def open_lines(path: str) -> IO[str]:
    if path.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", errors="strict")
    return open(path, encoding="utf-8", errors="strict")


def article_from_obj(obj: dict, name: str, lineno: int, keep=None) -> Article | None:
    """The article of one parsed line. `keep(text, title)`, given, sees the normalized text and
    title first: when it says no, None is returned and nothing else is done (the prefilter of
    `cchc extract --only-relevant`: a dropped line costs no date parsing, no article id)."""
    where = f"{name}:{lineno}"
    if not isinstance(obj, dict):
        raise ReadError(where, "not a JSON object")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ReadError(where, "no `text` field")
    text = normalize_text(text).strip()
    title = obj.get("title")
    title = normalize_text(title).strip() if isinstance(title, str) else None
    if keep is not None and not keep(text, title):
        return None
    url = obj.get("url") or None
    ident = obj.get("id")
    source = url or (f"{name}#{ident}" if ident is not None else f"{name}#{lineno}")
    return Article(
        source=source,
        text=text,
        title=title,
        published=parse_date(obj.get("published")) if obj.get("published") else None,
        author=obj.get("author") or None,
        url=url,
        site=obj.get("site") or None,
        extra={"id": ident} if ident is not None else {},
    )


def iter_jsonl(stream: IO[str], name: str) -> Iterator[Article | ReadError]:
    lineno = 0
    try:
        for lineno, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                yield ReadError(f"{name}:{lineno}", f"not JSON ({e.msg})")
                continue
            try:
                yield article_from_obj(obj, name, lineno)
            except ReadError as e:
                yield e
    except (UnicodeDecodeError, EOFError, OSError) as e:  # truncated gzip, bad bytes
        yield ReadError(f"{name}:{lineno + 1}", f"unreadable ({e.__class__.__name__}: {e})")


def read_jsonl(path: str) -> Iterator[Article | ReadError]:
    try:
        stream = open_lines(path)
    except OSError as e:
        yield ReadError(path, e.strerror or str(e))
        return
    with stream:
        yield from iter_jsonl(stream, path)
