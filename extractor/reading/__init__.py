"""Reading inputs into `Article`s: files, folders, JSON Lines, WARC, URLs and stdin.

`iter_articles(inputs)` yields an `Article` or a `ReadError` per article, in input order, so
one unreadable input never stops the rest; nothing else ever comes out of it (an unexpected
failure of a reader is a ReadError naming the input too). Each `source` is the input exactly
as given. Every file is opened through `inputs` (regular files only, size and decompression
caps, decoding that cannot raise); `Limits` sets the caps.
"""
from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..model import Article, ReadError
from .inputs import (DEFAULT_LIMITS, Defer, Limits, ReadWarning, Unparsed, decode_text, deferred, display_name,
                     gunzip, read_capped, read_file, walk, warning_of, with_warnings)

__all__ = ["DEFAULT_LIMITS", "Limits", "ReadError", "ReadWarning", "Unparsed", "iter_articles", "iter_path",
           "warning_of"]

TEXT_EXT = (".txt",)
HTML_EXT = (".html", ".htm", ".shtml")
JSONL_EXT = (".jsonl", ".jsonl.gz", ".ndjson", ".json.gz")
WARC_EXT = (".warc", ".warc.gz", ".arc", ".arc.gz")
KNOWN_EXT = TEXT_EXT + HTML_EXT + JSONL_EXT + WARC_EXT
# annotation files that sit beside articles (e.g. corpus/gold/seeds.gold.jsonl) are not input
SKIP_SUFFIXES = (".gold.jsonl",)


def read_text_bytes(data: bytes, source: str, **meta) -> Article:
    from .text import read_text

    return read_text(decode_text(data, source), source, **meta)


def read_html_bytes(data: bytes, source: str, url: str | None = None, fetched_at: str | None = None,
                    limits: Limits = DEFAULT_LIMITS) -> Article:
    if not data.strip():
        raise ReadError(source, "empty file")
    from .html import read_html

    return read_html(data, source, url=url, fetched_at=fetched_at, limits=limits)


def _sniff(data: bytes) -> str:
    head = data.lstrip()[:512].lower()
    if head.startswith((b"{", b"\xef\xbb\xbf{")):
        return "jsonl"
    if head.startswith(b"<") and (b"<html" in head or b"<!doctype" in head or b"<head" in head or b"<body" in head
                                  or b"<meta" in head or b"<div" in head or b"<p" in head):
        return "html"
    if head.startswith(b"warc/"):
        return "warc"
    return "text"


def _read_bytes(data: bytes, source: str, kind: str, url: str | None = None, fetched_at: str | None = None,
                limits: Limits = DEFAULT_LIMITS) -> Iterator[Article | ReadError]:
    try:
        if data[:2] == b"\x1f\x8b":
            data = gunzip(data, source, limits)
            kind = _sniff(data) if kind == "text" else kind
        if kind == "jsonl":
            from .jsonl import iter_jsonl

            yield from iter_jsonl(io.BytesIO(data), source, limits)
        elif kind == "warc":
            from .warc import iter_warc

            yield from iter_warc(source, fileobj=io.BytesIO(data), limits=limits)
        elif kind == "html":
            yield read_html_bytes(data, source, url=url, fetched_at=fetched_at, limits=limits)
        else:
            yield read_text_bytes(data, source)
    except ReadError as e:
        yield e


@dataclass(frozen=True)
class RawPage(Unparsed):
    """A page's or a text file's bytes, read (under the size cap) but not parsed yet."""

    data: bytes
    name: str
    kind: str  # "html" or "text"
    limits: Limits = DEFAULT_LIMITS

    def _items(self, keep) -> Iterator[Article | ReadError]:
        return _read_bytes(self.data, self.name, self.kind, limits=self.limits)


def _wanted(name: str) -> bool:
    low = name.lower()
    return low.endswith(KNOWN_EXT) and not low.endswith(SKIP_SUFFIXES)


def _walk(folder: str | os.PathLike) -> Iterator[Path]:
    """The readable files under a folder, in reading order (what a progress meter counts)."""
    for f in walk(folder, _wanted):
        if not isinstance(f, ReadError):
            yield f


def iter_path(path: str, limits: Limits = DEFAULT_LIMITS, source: str | None = None,
              keep=None, unparsed: Defer = False) -> Iterator[Article | ReadError | Unparsed | None]:
    """One file (any supported kind). `source` names it (default: the path as text). With
    `unparsed` (see `iter_articles`), a page or a text file comes as its bytes (`RawPage`)."""
    name = source or display_name(path)
    low = name.lower()
    if low.endswith(JSONL_EXT):
        from .jsonl import read_jsonl

        yield from read_jsonl(path, limits, source=name, keep=keep, unparsed=unparsed)
        return
    if low.endswith(WARC_EXT):
        from .warc import iter_warc

        yield from iter_warc(path, source=name, limits=limits, unparsed=unparsed)
        return
    try:
        data = read_file(path, name, limits)
    except ReadError as e:
        yield e
        return
    if not data.strip():
        yield ReadError(name, "empty file")
        return
    kind = "html" if low.endswith(HTML_EXT) else "text" if low.endswith(TEXT_EXT) else _sniff(data)
    if kind in ("html", "text") and data[:2] != b"\x1f\x8b" and deferred(unparsed):
        yield RawPage(data, name, kind, limits)
    else:
        yield from _read_bytes(data, name, kind, limits=limits)


def _read_stdin(stdin, limits: Limits) -> Iterator[Article | ReadError]:
    stream = stdin if stdin is not None else sys.stdin
    if stream is None:  # started with stdin closed
        yield ReadError("-", "no standard input (it is closed)")
        return
    if isinstance(stream, io.TextIOBase):
        stream = getattr(stream, "buffer", stream)  # a StringIO has none: its str is encoded below
    try:
        data = read_capped(stream, "-", limits)
    except ReadError as e:
        yield e
        return
    except OSError as e:
        yield ReadError("-", f"cannot read stdin ({e.strerror or e})")
        return
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if not data.strip():
        yield ReadError("-", "empty input on stdin")
        return
    yield from _read_bytes(data, "-", _sniff(data), limits=limits)


def _one_input(inp: str | os.PathLike, stdin, limits: Limits, keep=None,
               unparsed: Defer = False) -> Iterator[Article | ReadError | Unparsed | None]:
    if isinstance(inp, str) and inp == "-":
        yield from _read_stdin(stdin, limits)
        return
    if isinstance(inp, str) and inp.startswith(("http://", "https://")):
        from .fetch import fetch_url  # deadline, size cap, address rules; http.client only when a URL is read

        fetched_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        try:
            body, final = fetch_url(inp)
        except Exception as e:  # network errors of every kind: one line, go on
            yield ReadError(inp, f"fetch failed ({e.__class__.__name__}: {e})")
            return
        yield from _read_bytes(body, inp, "html" if _sniff(body) != "text" else "text", url=final,
                               fetched_at=fetched_at, limits=limits)
        return
    name = display_name(inp)
    try:
        is_dir = os.path.isdir(inp)
    except (OSError, ValueError) as e:  # a NUL in the name, a name too long
        yield ReadError(name, f"not a usable path ({e})")
        return
    if is_dir:
        found = False
        for f in walk(inp, _wanted):
            if isinstance(f, ReadError):
                yield f
                continue
            found = True
            yield from iter_path(str(f), limits, keep=keep, unparsed=unparsed)
        if not found:
            yield ReadError(name, "folder holds no readable files (.txt, .html, .jsonl, .warc)")
    elif os.path.lexists(inp):
        yield from iter_path(os.fspath(inp), limits, source=name, keep=keep, unparsed=unparsed)
    else:
        yield ReadError(name, "no such file or folder")


def iter_articles(inputs: Iterable[str | os.PathLike], stdin=None, limits: Limits | None = None,
                  keep=None, unparsed: Defer = False) -> Iterator[Article | ReadError | Unparsed | None]:
    """Every article of every input, in order; errors are yielded, never raised. `keep(text,
    title)`, given, is asked about each JSON line's normalized text and title before its
    article is built: None comes in its place when it says no (the prefilter of
    `cchc extract --only-relevant`: such a line costs no date parsing, no article id). With
    `unparsed`, what costs most to parse comes unparsed (`Unparsed`): the lines of a JSON Lines
    file once it has shown it is one, pages and text files, the HTML records of a WARC file;
    parsing them is left to whoever extracts them (the workers). `unparsed` a function: asked
    at each item, which is parsed here when it says False."""
    limits = limits or DEFAULT_LIMITS
    for inp in inputs:
        where = display_name(inp) if isinstance(inp, (str, os.PathLike)) else repr(inp)
        try:
            yield from with_warnings(_one_input(inp, stdin, limits, keep, unparsed))
        except ReadError as e:
            yield e
        except (MemoryError, RecursionError) as e:
            yield ReadError(where, f"too large or too deeply nested to read ({e.__class__.__name__}): skipped")
        except Exception as e:  # noqa: BLE001 - a reader bug must not cost the other inputs
            yield ReadError(where, f"unreadable ({e.__class__.__name__}: {e}); the other inputs are still read")
